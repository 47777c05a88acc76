/// The eight colours every colour terminal has.
public enum Color: Int, Sendable, CaseIterable {
    /// ANSI colours 0-7, in their standard order.
    case black, red, green, yellow, blue, magenta, cyan, white
}

/// How a cell is drawn. Colour is a hint: terminals without it (or with `NO_COLOR` set) draw the attributes only.
public struct Style: Sendable, Hashable {
    /// The foreground colour; nil for the terminal's own.
    public var color: Color?
    /// Bold (bright) text.
    public var bold = false
    /// Faint text.
    public var dim = false
    /// Swapped foreground and background, for cursors and selections.
    public var reverse = false

    /// A style.
    public init(color: Color? = nil, bold: Bool = false, dim: Bool = false, reverse: Bool = false) {
        self.color = color
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
    }

    /// The terminal's default.
    public static let plain = Style()
    /// Headings and emphasis.
    public static let strong = Style(bold: true)
    /// Secondary text.
    public static let faint = Style(dim: true)
    /// A selected row or the cursor.
    public static let selected = Style(reverse: true)
    /// Something wrong: non-finite values, errors.
    public static let alarm = Style(color: .red, bold: true)
}
