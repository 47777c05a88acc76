/// How a screen is shown on a terminal whose locale is not UTF-8 (`LANG=C`, a serial console): every cell that
/// is not ASCII becomes its nearest ASCII look-alike, so borders, bars, the chart and arrows stay readable
/// instead of arriving as bytes the terminal prints as garbage.
enum ASCIIFallback {
    /// The ASCII stand-in for `scalar` (ASCII itself unchanged; anything unknown is `?`).
    static func character(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII { return scalar }
        if (0x2800...0x28FF).contains(scalar.value) { return braille(scalar.value - 0x2800) }
        switch scalar {
        case "─", "━": return "-"
        case "│", "┤", "├": return "|"
        case "┌", "┐", "└", "┘", "┼", "┴": return "+"
        case "█", "▀", "▄": return "#"
        case "▲", "↑": return "^"
        case "↓": return "v"
        case "▶", "→": return ">"
        case "←": return "<"
        case "·": return "."
        case "…": return "~"
        case "µ": return "u"
        case "²": return "2"
        case "✓": return "*"
        default: return "?"
        }
    }

    /// A braille cell by where its dots are: `'` for the upper half alone, `.` for the lower, `:` for both.
    private static func braille(_ dots: UInt32) -> Unicode.Scalar {
        // Dots 1, 2, 4, 5 are the upper half (bits 0, 1, 3, 4); 3, 6, 7, 8 the lower (bits 2, 5, 6, 7).
        let upper = dots & 0b0001_1011 != 0, lower = dots & 0b1110_0100 != 0
        switch (upper, lower) {
        case (true, true): return ":"
        case (true, false): return "'"
        case (false, true): return "."
        case (false, false): return " "
        }
    }
}

extension CellBuffer {
    /// This buffer with every character ASCII (`ASCIIFallback`), styles unchanged.
    var asciiOnly: CellBuffer {
        var copy = self
        for y in 0..<height {
            for x in 0..<width {
                let cell = self[x, y]
                if !cell.character.isASCII { copy[x, y] = Cell(ASCIIFallback.character(cell.character), cell.style) }
            }
        }
        return copy
    }
}
