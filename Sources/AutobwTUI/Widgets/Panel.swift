/// A bordered box with a title: the frame every panel draws first.
enum Panel {
    /// Draws the border of `area` with `title` in its top edge and returns the area inside it.
    @discardableResult
    static func frame(_ buffer: inout CellBuffer, _ area: Rect, title: String, focused: Bool) -> Rect {
        guard area.width >= 2, area.height >= 2 else { return Rect(x: area.x, y: area.y, width: 0, height: 0) }
        let style = focused ? Style(color: .cyan, bold: true) : Style.faint
        let right = area.x + area.width - 1, bottom = area.y + area.height - 1
        for column in (area.x + 1)..<right {
            buffer[column, area.y] = Cell("─", style)
            buffer[column, bottom] = Cell("─", style)
        }
        for row in (area.y + 1)..<bottom {
            buffer[area.x, row] = Cell("│", style)
            buffer[right, row] = Cell("│", style)
        }
        buffer[area.x, area.y] = Cell("┌", style)
        buffer[right, area.y] = Cell("┐", style)
        buffer[area.x, bottom] = Cell("└", style)
        buffer[right, bottom] = Cell("┘", style)
        buffer.write(" \(title) ", x: area.x + 2, y: area.y, style: focused ? Style(color: .cyan, bold: true) : .strong,
                     limit: area.width - 4)
        return area.inner
    }
}
