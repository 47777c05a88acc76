/// The `?` overlay: every key, in a box over the middle of the screen; on a screen too short for all of them it
/// scrolls (↑↓, PgUp/PgDn) and says so.
struct HelpOverlay {
    /// Rows scrolled past.
    var scroll = 0

    /// Every key, from the one key table.
    static var keys: [(String, String)] { KeyBinding.helpRows }

    func render(into buffer: inout CellBuffer, area: Rect) {
        let keys = Self.keys
        let width = min(area.width, 96), height = min(area.height, keys.count + 4)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let rows = max(1, box.height - 4)
        let top = max(0, min(scroll, keys.count - rows))
        let more = keys.count > rows ? " · ↓↑ scroll \(top + 1)-\(min(keys.count, top + rows)) of \(keys.count)" : ""
        let inside = Panel.frame(&buffer, box, title: "Keys (? or Esc closes)" + more, focused: true)
        for (row, key) in keys.dropFirst(top).prefix(rows).enumerated() {
            buffer.write(Format.fit(key.0, 10), x: inside.x + 1, y: inside.y + 1 + row, style: .strong)
            buffer.write(key.1, x: inside.x + 11, y: inside.y + 1 + row, limit: inside.width - 12)
        }
    }
}
