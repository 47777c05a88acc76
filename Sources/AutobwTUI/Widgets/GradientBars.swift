import Autobw
import AutobwTrainer
import Foundation

/// Gradient norms as bars: each parameter (in model order, or sorted by norm), then each tape entry in replay
/// order on a log scale, so that vanishing and exploding gradients show where they start. Non-finite values are
/// flagged in red.
struct GradientBars {
    var parameters: [ParameterNorm]
    var sortedByNorm: Bool
    /// Per entry index, the incoming gradient norm (negative where none arrived), of the step `step`.
    var entryNorms: [Float]?
    var step: Int?
    var tape: [TapeEntryInfo]
    var scroll = 0
    /// Another step's entry norms, shown beside each entry's (a reopened past step against the latest live one).
    var comparison: (step: Int, norms: [Float])?
    /// The entries before the parameters: in the debugger, where the replay is about entries.
    var entriesFirst = false

    func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        var parameterLines = [(text: String, bar: Float?, alarm: Bool)]()
        let parameterRows = sortedByNorm ? parameters.sorted { $0.norm.isNaN || $0.norm > $1.norm } : parameters
        let largest = parameterRows.map(\.norm).filter(\.isFinite).max() ?? 0
        let nameWidth = min(18, max(6, (parameterRows.map(\.name.count).max() ?? 6) + 1))
        parameterLines.append(("parameters" + (sortedByNorm ? " (by norm)" : " (model order)"), nil, false))
        for row in parameterRows {
            // A bar's length follows its value: zero (every norm before a replay reaches it) is empty; a
            // non-finite norm is flagged instead of drawn.
            let fraction = largest > 0 ? row.norm / largest : 0
            parameterLines.append((Format.fit(row.name, nameWidth) + Format.right(Format.number(row.norm), 9) + " ", fraction, !row.norm.isFinite))
        }
        var entryLines = [(text: String, bar: Float?, alarm: Bool)]()
        if let entryNorms {
            entryLines.append((
                "tape entries, step \(step.map(String.init) ?? "?")" + (comparison.map { " | step \($0.step)" } ?? "") + " (log scale)",
                nil, false))
            let reached = entryNorms.indices.reversed().filter { !(entryNorms[$0] < 0) }
            let finite = reached.map { entryNorms[$0] }.filter { $0.isFinite && $0 > 0 }
            let high = log10(Double(finite.max() ?? 1)), low = min(high - 1, log10(Double(finite.min() ?? 1)))
            for index in reached {
                let norm = entryNorms[index]
                let op = tape.indices.contains(index) ? tape[index].op.rawValue : ""
                let fraction = norm.isFinite && norm > 0 ? Float((log10(Double(norm)) - low) / (high - low)) : (norm == 0 ? 0 : 1)
                let other = comparison.map { comparison -> String in
                    let value = comparison.norms.indices.contains(index) ? comparison.norms[index] : -1
                    return " |" + Format.right(value < 0 ? "-" : Format.number(value), 9)
                } ?? ""
                entryLines.append((
                    Format.fit("#\(index) \(op)", nameWidth) + Format.right(Format.number(norm), 9) + other + " ", fraction, !norm.isFinite))
            }
        }
        let gap = entryLines.isEmpty ? [] : [(text: "", bar: Float?.none, alarm: false)]
        let lines = entriesFirst ? entryLines + gap + parameterLines : parameterLines + gap + entryLines
        let top = max(0, min(scroll, lines.count - area.height))
        for (row, line) in lines.dropFirst(top).prefix(area.height).enumerated() {
            let y = area.y + row
            let written = buffer.write(line.text, x: area.x, y: y, style: line.bar == nil ? .strong : (line.alarm ? .alarm : .plain),
                                       limit: area.width)
            guard let bar = line.bar else { continue }
            let room = area.width - written
            if line.alarm {
                buffer.write("!! non-finite", x: area.x + written, y: y, style: .alarm, limit: room)
            } else if room > 0 {
                let length = Int((Float(room) * max(0, min(1, bar))).rounded())
                buffer.write(String(repeating: "█", count: length), x: area.x + written, y: y, style: Style(color: .green), limit: room)
            }
        }
    }

    /// The number of lines, for scrolling.
    var lineCount: Int { 1 + parameters.count + (entryNorms.map { 2 + $0.filter { !($0 < 0) }.count } ?? 0) }
}
