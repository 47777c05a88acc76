/// Text wrapped to the width of its area: the text sample, messages.
struct TextPanel {
    var text: String
    var style: Style = .plain

    /// `text` broken into lines of at most `width` columns (newlines kept, long lines cut at the width).
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines = [String]()
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var scalars = Substring(paragraph).unicodeScalars[...]
            repeat {
                lines.append(String(String.UnicodeScalarView(scalars.prefix(width))))
                scalars = scalars.dropFirst(width)
            } while !scalars.isEmpty
        }
        return lines
    }

    func render(into buffer: inout CellBuffer, area: Rect) {
        for (row, line) in Self.wrap(text, width: area.width).suffix(area.height).enumerated() {
            buffer.write(line, x: area.x, y: area.y + row, style: style, limit: area.width)
        }
    }
}
