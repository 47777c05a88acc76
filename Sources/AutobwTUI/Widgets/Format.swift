import Autobw
import Foundation

/// Number and shape formatting shared by the widgets: short, fixed-width friendly, honest about NaN and infinity.
enum Format {
    /// A number in at most about 9 characters: `0.0123`, `1.23e+05`, `nan`, `inf`.
    static func number(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.2e", Double(value)) }
        return String(format: "%.4g", Double(value))
    }

    /// `[50,128]`; `[]` for a scalar.
    static func shape(_ shape: [Int]) -> String { Tensor.describe(shape: shape, compact: true) }

    /// `1.2ms`, `35µs`, `800ns`.
    static func duration(nanoseconds: UInt64) -> String {
        if nanoseconds >= 1_000_000 { return String(format: "%.1fms", Double(nanoseconds) / 1e6) }
        if nanoseconds >= 1_000 { return String(format: "%.0fµs", Double(nanoseconds) / 1e3) }
        return "\(nanoseconds)ns"
    }

    /// `1:02:03` or `2:03`.
    static func elapsed(seconds: Double) -> String {
        let whole = Int(max(0, seconds.isFinite ? seconds : 0))
        let hours = whole / 3600, minutes = whole / 60 % 60, rest = whole % 60
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }

    /// `text` cut or padded to exactly `width` columns.
    static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        let scalars = Array(text.unicodeScalars)
        if scalars.count > width { return String(String.UnicodeScalarView(scalars.prefix(max(0, width - 1)))) + "…" }
        return text + String(repeating: " ", count: width - scalars.count)
    }

    /// `text` in lines of at most `width` columns, broken at spaces where it can be, and within a word longer than a
    /// line; each line after the first starts with `indent`.
    static func wrap(_ text: String, _ width: Int, indent: String = "") -> [String] {
        guard width > indent.unicodeScalars.count + 1 else { return [text] }
        var lines = [String](), line: String?
        func room() -> Int { lines.isEmpty ? width : width - indent.unicodeScalars.count }
        // Split at single spaces, so that runs of spaces (indentation, alignment) survive within a line.
        for piece in text.split(separator: " ", omittingEmptySubsequences: false) {
            var word = String(piece)
            let candidate = line.map { $0 + " " + word } ?? word
            if candidate.unicodeScalars.count <= room() {
                line = candidate
                continue
            }
            if let full = line { lines.append(full) }
            while word.unicodeScalars.count > room() {
                let scalars = word.unicodeScalars
                lines.append(String(String.UnicodeScalarView(scalars.prefix(room()))))
                word = String(String.UnicodeScalarView(scalars.dropFirst(room())))
            }
            line = word
        }
        lines.append(line ?? "")
        return lines.enumerated().map { $0.offset == 0 ? $0.element : indent + $0.element }
    }

    /// `text` right-aligned in `width` columns.
    static func right(_ text: String, _ width: Int) -> String {
        let count = text.unicodeScalars.count
        return count >= width ? fit(text, width) : String(repeating: " ", count: width - count) + text
    }
}
