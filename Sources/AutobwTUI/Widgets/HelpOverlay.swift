/// The `?` overlay: every key, in a box over the middle of the screen.
struct HelpOverlay {
    /// Every key, from the one key table.
    static var keys: [(String, String)] { KeyBinding.helpRows }

    func render(into buffer: inout CellBuffer, area: Rect) {
        let width = min(area.width, 84), height = min(area.height, Self.keys.count + 4)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let inside = Panel.frame(&buffer, box, title: "Keys (? or Esc closes)", focused: true)
        for (row, key) in Self.keys.prefix(inside.height - 1).enumerated() {
            buffer.write(Format.fit(key.0, 10), x: inside.x + 1, y: inside.y + 1 + row, style: .strong)
            buffer.write(key.1, x: inside.x + 11, y: inside.y + 1 + row, limit: inside.width - 12)
        }
    }
}
