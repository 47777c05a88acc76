/// The `m` menu: every chart the run can show, the shown ones ticked, in a box over the middle of the screen.
struct ChartMenu {
    /// Every chart, in `ChartCatalog` order.
    var names: [String]
    var shown: [String]
    var selected: Int

    static let footer = "↑↓ move  space/Enter show or hide  Esc or m closes"

    func render(into buffer: inout CellBuffer, area: Rect) {
        let width = min(area.width, max(Self.footer.count + 4, (names.map(\.count).max() ?? 0) + 10))
        let height = min(area.height, names.count + 4)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let inside = Panel.frame(&buffer, box, title: "Charts shown, top to bottom", focused: true)
        let rows = max(1, inside.height - 1)
        let top = max(0, min(selected - rows / 2, names.count - rows))
        for (row, index) in names.indices.dropFirst(top).prefix(rows).enumerated() {
            let name = names[index]
            let position = shown.firstIndex(of: name).map { " \($0 + 1)" } ?? ""
            let line = (shown.contains(name) ? "[x] " : "[ ] ") + name + position
            buffer.write(Format.fit(line, inside.width), x: inside.x, y: inside.y + row, style: index == selected ? .selected : .plain)
        }
        buffer.write(Self.footer, x: inside.x, y: inside.y + inside.height - 1, style: .faint, limit: inside.width)
    }
}
