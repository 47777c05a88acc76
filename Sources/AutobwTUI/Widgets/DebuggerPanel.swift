import Autobw
import AutobwTrainer

/// The reverse replay's current entry: its op, scope, shapes and creation site; its forward output (statistics
/// and a histogram, when the tape kept them); the gradient it received (statistics, histogram, a scrollable slice
/// of values); the gradient it sent to each input; and the gradient accumulated so far in each parameter it
/// touched. Long lines wrap; when the panel is too short, the least important lines go first, and it says so.
/// `shown` picks an earlier replayed entry for review.
struct DebuggerPanel {
    var state: DebuggerState
    /// The position in `state.replayed` on screen; nil for the latest.
    var shown: Int?
    /// A live step (which space finishes) rather than a dumped tape.
    var live = true
    /// Rows of the incoming gradient's values scrolled past (`[` and `]`).
    var valueRow = 0

    /// A line, its style, and how readily it gives way on a short panel (0 never; higher goes first).
    typealias Line = (text: String, style: Style, priority: Int)

    /// The lines for a panel `width` columns wide, before wrapping.
    func lines(width: Int = 80) -> [Line] {
        var lines = [Line]()
        let count = state.replayed.count
        let position = shown.map { min(max(0, $0), count - 1) } ?? (count - 1)
        var heading = "step \(state.step)" + (state.reopened ? " (reopened)" : "")
            + "  loss \(Format.number(state.loss))  replayed \(count) \(count == 1 ? "entry" : "entries")"
        if position < count - 1 { heading += "  (reviewing \(position + 1) of \(count))" }
        if state.isFinished { heading += "  done" }
        lines.append((heading, .strong, 0))
        if let reason = state.stopReason { lines.append(("stopped: " + reason, .alarm, 0)) }
        if count == 0 {
            lines.append(("before the first entry: press n to replay it", .faint, 0))
        } else {
            lines += Self.describe(state.replayed[position], width: width, valueRow: valueRow)
        }
        lines.append(("", .plain, 6))
        if let next = state.next {
            lines.append(("next: #\(next.index) \(next.op.rawValue) \(next.scope)", .faint, 2))
        } else if state.reopened {
            lines.append(("replay done: a past step, recomputed; space returns to the live run where it was", .faint, 2))
        } else {
            lines.append((live ? "replay done: space applies the update and resumes, s steps into the next step"
                : "replay done (a dumped tape: p goes back, q quits)", .faint, 2))
        }
        lines.append(("breakpoint: " + (state.breakpoint.map(\.description) ?? "first non-finite gradient (b sets one)"), .faint, 4))
        return lines
    }

    static func describe(_ replayed: ReplayedEntry, width: Int = 80, valueRow: Int = 0) -> [Line] {
        let entry = replayed.entry
        // The creation site is read whole: where the line is too long, it goes on a line of its own.
        let title = "#\(entry.index) \(entry.op.rawValue)" + (entry.scope.isEmpty ? "" : "  in \(entry.scope)")
        let site = "at " + (entry.site.map(\.description) ?? "unknown")
        let heading = Style(color: .green, bold: true)
        var lines: [Line] = title.count + 2 + site.count <= width
            ? [(title + "  " + site, heading, 0)] : [(title, heading, 0), ("  " + site, heading, 0)]
        lines += [
            ("shapes " + entry.inputShapes.map(Format.shape).joined(separator: " ") + " -> "
                + entry.outputShapes.map(Format.shape).joined(separator: " "), .plain, 1)
        ]
        // An entry with several outputs names each (`out 1 [50,128]`); one output needs no name.
        let outputNames = entry.outputShapes.enumerated().map { index, shape in
            entry.outputShapes.count > 1 ? "out \(index) \(Format.shape(shape)) " : ""
        }
        func name(ofOutput index: Int) -> String { outputNames.indices.contains(index) ? outputNames[index] : "out \(index) " }
        // Forward values are known when the tape kept them (a dump, a stepped or diverged step); the inputs'
        // only for the first entry whose output went non-finite, where they say what produced it.
        if let outputs = entry.outputStatistics {
            lines.append(("output values", .strong, 2))
            for (index, statistics) in outputs.enumerated() {
                lines.append(("  " + name(ofOutput: index) + summary(statistics), style(statistics), 2))
                if let histogram = entry.outputHistograms?[safe: index] { lines.append(("    " + Self.histogram(histogram, statistics), .plain, 4)) }
            }
        }
        if let inputs = entry.inputStatistics {
            lines.append(("input values (they produced the first non-finite output)", .strong, 1))
            for (source, statistics) in zip(entry.inputSources, inputs) {
                lines.append(("  \(Format.fit(source.description, 14)) " + summary(statistics), style(statistics), 1))
            }
        }
        lines.append(("incoming gradient", .strong, 1))
        for (index, statistics) in replayed.incoming.enumerated() {
            lines.append(("  " + name(ofOutput: index) + summary(statistics), style(statistics), 1))
            if let histogram = replayed.incomingHistograms[safe: index] { lines.append(("    " + Self.histogram(histogram, statistics), .plain, 3)) }
        }
        if let values = valueSlice(replayed, width: width, row: valueRow) { lines.append((values, .faint, 3)) }
        lines.append(("sent to inputs", .strong, 1))
        for (index, (source, sent)) in zip(entry.inputSources, replayed.sent).enumerated() {
            let name = Format.fit(source.description, 14)
            lines.append((sent.map { "  \(name) " + summary($0) } ?? "  \(name) (no gradient)", sent.map(style) ?? .faint, 1))
            if let sent, let histogram = replayed.sentHistograms[safe: index] ?? nil {
                lines.append(("    " + Self.histogram(histogram, sent), .plain, 5))
            }
        }
        if !replayed.parameters.isEmpty {
            lines.append(("parameters touched, accumulated so far", .strong, 3))
            for parameter in replayed.parameters {
                lines.append(("  \(Format.fit(parameter.name, 14)) " + summary(parameter.statistics), style(parameter.statistics), 3))
            }
        }
        return lines
    }

    /// One row of the incoming gradient's values, `row` rows in, as many as fit `width`: "values 8-15 of 2500".
    static func valueSlice(_ replayed: ReplayedEntry, width: Int, row: Int) -> String? {
        let values = replayed.incomingValues
        guard !values.isEmpty else { return nil }
        let total = replayed.incoming.first?.count ?? values.count
        // Room for the label at its widest, then 10 columns a value.
        let perRow = max(1, (width - 24 - 2 * String(total).count) / 10)
        let first = min(max(0, row) * perRow, (values.count - 1) / perRow * perRow)
        let shown = values[first..<min(values.count, first + perRow)]
        return "  values \(first)-\(first + shown.count - 1) of \(total) ([ ]): " + shown.map(Format.number).joined(separator: " ")
    }

    /// `-4.4e-04 ▁▂▅█┊▇▃▁ 4.7e-04  zeros 3`: the finite values' spread from min to max, `┊` where zero falls.
    static func histogram(_ histogram: ValueHistogram, _ statistics: TensorStatistics) -> String {
        let levels = Array(" ▁▂▃▄▅▆▇█")
        let counts = histogram.counts.map { max(0, $0) }
        let largest = Double(counts.max() ?? 0)
        var bars = counts.map { count -> Character in
            guard count > 0, largest > 0 else { return " " }
            return levels[max(1, min(8, Int((Double(count) / largest * 8).rounded(.up))))]
        }
        if histogram.lower < 0, histogram.upper > 0, histogram.upper > histogram.lower {
            let position = Double(-histogram.lower) / (Double(histogram.upper) - Double(histogram.lower)) * Double(bars.count)
            if position.isFinite { bars.insert("┊", at: min(bars.count, max(0, Int(position.rounded())))) }
        }
        var text = Format.number(histogram.lower) + " " + String(bars) + " " + Format.number(histogram.upper)
        text += "  zeros \(statistics.zeroCount)"
        if !statistics.isFinite { text += "  non-finite \(statistics.nonFiniteCount)" }
        return text
    }

    static func summary(_ statistics: TensorStatistics) -> String {
        var text = "norm \(Format.number(statistics.norm))  min \(Format.number(statistics.min))  max \(Format.number(statistics.max))"
            + "  mean \(Format.number(statistics.mean))"
        if !statistics.isFinite {
            text += "  NaN \(statistics.nanCount) +Inf \(statistics.positiveInfinityCount) -Inf \(statistics.negativeInfinityCount)"
        }
        return text
    }

    static func style(_ statistics: TensorStatistics) -> Style { statistics.isFinite ? .plain : .alarm }

    /// The rows drawn in `area`: every line wrapped to the width; on a short panel the lines that give way
    /// first are left out (lowest priority, from the bottom up) and the last row says how many.
    func rows(for area: Rect) -> [(String, Style)] {
        var lines = lines(width: area.width)
        func wrapped(_ line: Line) -> [String] { Format.wrap(line.text, area.width, indent: "      ") }
        var total = lines.reduce(0) { $0 + wrapped($1).count }
        var hidden = 0, room = area.height
        while total > room, let worst = lines.indices.filter({ lines[$0].priority > 0 }).max(by: {
            (lines[$0].priority, $0) < (lines[$1].priority, $1)
        }) {
            total -= wrapped(lines[worst]).count
            hidden += lines[worst].text.isEmpty ? 0 : 1
            lines.remove(at: worst)
            room = area.height - 1  // the last row says what was left out
        }
        var rows = lines.flatMap { line in wrapped(line).map { ($0, line.style) } }
        if hidden > 0 {
            if rows.count >= area.height { rows.removeLast(rows.count - area.height + 1) }
            rows.append(("… \(hidden) more \(hidden == 1 ? "line" : "lines") in a taller window", .faint))
        }
        return rows
    }

    func render(into buffer: inout CellBuffer, area: Rect) {
        for (row, line) in rows(for: area).prefix(area.height).enumerated() {
            buffer.write(line.0, x: area.x, y: area.y + row, style: line.1, limit: area.width)
        }
    }
}

extension Array {
    /// The element at `index`, or nil outside the array.
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
