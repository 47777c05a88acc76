/// The eight colours every colour terminal has.
enum Color: Int, Sendable, CaseIterable {
    /// ANSI colours 0-7, in their standard order.
    case black, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell is drawn. Colour is a hint: terminals without it (or with `NO_COLOR` set) draw the attributes only.
struct Style: Sendable, Hashable {
    /// The foreground colour; nil for the terminal's own.
    var color: Color?
    /// Bold (bright) text.
    var bold = false
    /// Faint text.
    var dim = false
    /// Swapped foreground and background, for cursors and selections.
    var reverse = false

    /// A style.
    init(color: Color? = nil, bold: Bool = false, dim: Bool = false, reverse: Bool = false) {
        self.color = color
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
    }

    /// The terminal's default.
    static let plain = Style()
    /// Headings and emphasis.
    static let strong = Style(bold: true)
    /// Secondary text.
    static let faint = Style(dim: true)
    /// A selected row or the cursor.
    static let selected = Style(reverse: true)
    /// Something wrong: non-finite values, errors.
    static let alarm = Style(color: .red, bold: true)
}
