/// A rectangle of terminal cells: `x`, `y` of its top-left cell, and its size.
struct Rect: Sendable, Equatable {
    /// The left column.
    var x: Int
    /// The top row.
    var y: Int
    /// Columns.
    var width: Int
    /// Rows.
    var height: Int

    /// A rectangle; negative sizes become empty.
    init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// Whether it has no cells.
    var isEmpty: Bool { width == 0 || height == 0 }

    /// The rectangle inside a one-cell border.
    var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }

    /// Whether the cell at column `column`, row `row` is inside.
    func contains(_ column: Int, _ row: Int) -> Bool { column >= x && column < x + width && row >= y && row < y + height }

    /// The top `rows` rows and the rest below them.
    func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let top = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: top), Rect(x: x, y: y + top, width: width, height: height - top))
    }

    /// The left `columns` columns and the rest to their right.
    func splitLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
        let left = min(max(0, columns), width)
        return (Rect(x: x, y: y, width: left, height: height), Rect(x: x + left, y: y, width: width - left, height: height))
    }
}
