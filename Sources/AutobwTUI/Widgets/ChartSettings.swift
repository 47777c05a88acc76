/// How the charts are drawn and which are shown; the keys change it.
struct ChartSettings: Sendable, Equatable {
    /// The EMA factors `+` and `-` step through; 0 is no smoothing.
    static let smoothingSteps: [Float] = [0, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999]

    /// A logarithmic y axis.
    var logY = false
    /// The whole history squeezed into the width, instead of the latest steps one a dot column.
    var wholeHistory = false
    /// The position in `smoothingSteps`.
    var smoothingIndex = 3
    /// The step the cursor marks; nil for none.
    var cursorStep: Int?
    /// Braille dots (2x4 a cell) or half blocks (1x2 a cell) for terminals and fonts without braille.
    var glyphs = ChartGlyphs.braille
    /// The charts shown, top to bottom (`ChartCatalog` names); `m` opens the menu that chooses them.
    var shown = [ChartCatalog.loss]

    /// Default settings.
    init() {}

    /// The EMA factor in use.
    var smoothing: Float { Self.smoothingSteps[max(0, min(smoothingIndex, Self.smoothingSteps.count - 1))] }
}

/// The characters a chart is drawn with.
enum ChartGlyphs: Sendable, Equatable {
    /// Unicode braille patterns: 2 dots wide, 4 high in each cell.
    case braille
    /// Upper and lower half blocks: 1 dot wide, 2 high; in nearly every console font.
    case blocks

    var dotsWide: Int { self == .braille ? 2 : 1 }
    var dotsHigh: Int { self == .braille ? 4 : 2 }

    /// The character for a cell whose dots are set in `bits` (column-major: dot (x, y) is bit `x * dotsHigh + y`).
    func character(_ bits: UInt8) -> Unicode.Scalar {
        switch self {
        case .braille:
            // Braille numbers its dots 1-2-3-7 down the left column and 4-5-6-8 down the right.
            let weights: [UInt32] = [0x01, 0x02, 0x04, 0x40, 0x08, 0x10, 0x20, 0x80]
            var code: UInt32 = 0x2800
            for bit in 0..<8 where bits & (1 << bit) != 0 { code += weights[bit] }
            return Unicode.Scalar(code) ?? " "
        case .blocks:
            switch bits & 0b11 {
            case 0b01: return "▀"
            case 0b10: return "▄"
            case 0b11: return "█"
            default: return " "
            }
        }
    }
}
