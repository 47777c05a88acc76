/// One character cell: a character one column wide and its style.
struct Cell: Sendable, Equatable {
    /// What is drawn.
    var character: Unicode.Scalar
    /// How.
    var style: Style

    /// A cell.
    init(_ character: Unicode.Scalar, _ style: Style = .plain) {
        self.character = character
        self.style = style
    }

    /// A blank cell.
    static let blank = Cell(" ")
}

/// A screen's worth of cells that widgets draw into; a terminal then shows it, and screen tests compare its text
/// with literal strings.
struct CellBuffer: Sendable, Equatable {
    /// Columns.
    let width: Int
    /// Rows.
    let height: Int
    /// Row-major cells.
    private(set) var cells: [Cell]

    /// A blank buffer of `width` x `height` cells.
    init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The whole buffer as a rectangle.
    var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at column `x`, row `y`; a blank outside the buffer.
    subscript(x: Int, y: Int) -> Cell {
        get { contains(x, y) ? cells[y * width + x] : .blank }
        set { if contains(x, y) { cells[y * width + x] = newValue } }
    }

    private func contains(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    /// Writes `text` from column `x` of row `y`, clipped to `limit` columns (to the buffer's edge without one).
    /// Characters that are not one column wide are drawn as `?` so that columns stay aligned.
    /// - Returns: the columns written.
    @discardableResult
    mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        let end = min(width, limit.map { x + max(0, $0) } ?? width)
        var column = x
        for scalar in text.unicodeScalars {
            guard column < end else { break }
            self[column, y] = Cell(Self.displayable(scalar), style)
            column += 1
        }
        return max(0, column - x)
    }

    /// Fills `area` with `character`.
    mutating func fill(_ area: Rect, with character: Unicode.Scalar = " ", style: Style = .plain) {
        for row in area.y..<(area.y + area.height) {
            for column in area.x..<(area.x + area.width) { self[column, row] = Cell(character, style) }
        }
    }

    /// Applies `change` to the style of every cell in `area`.
    mutating func restyle(_ area: Rect, _ change: (inout Style) -> Void) {
        for row in area.y..<(area.y + area.height) {
            for column in area.x..<(area.x + area.width) where contains(column, row) {
                change(&cells[row * width + column].style)
            }
        }
    }

    /// The characters, one line per row, trailing spaces removed: what a screen test compares.
    var text: String {
        (0..<height).map { row in
            var line = String(String.UnicodeScalarView(cells[(row * width)..<(row * width + width)].map(\.character)))
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// `scalar` if a terminal draws it one column wide; `?` for control characters, combining marks and the wide
    /// characters of East Asian scripts and emoji.
    static func displayable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return "?" }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .format, .control, .surrogate, .privateUse, .unassigned,
            .lineSeparator, .paragraphSeparator:
            return "?"
        default: break
        }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(value) } ? "?" : scalar
    }
}
