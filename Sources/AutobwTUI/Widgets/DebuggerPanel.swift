import Autobw
import AutobwTrainer

/// The reverse replay's current entry: its op, scope, shapes and creation site, the gradient it received
/// (statistics and a few values), the gradient it sent to each input, and the gradient accumulated so far in each
/// parameter it touched. `shown` picks an earlier replayed entry for review.
struct DebuggerPanel {
    var state: DebuggerState
    /// The position in `state.replayed` on screen; nil for the latest.
    var shown: Int?
    /// A live step (which space finishes) rather than a dumped tape.
    var live = true

    /// The lines, with a style each.
    func lines() -> [(String, Style)] {
        var lines = [(String, Style)]()
        let count = state.replayed.count
        let position = shown.map { min(max(0, $0), count - 1) } ?? (count - 1)
        var heading = "step \(state.step)" + (state.reopened ? " (reopened)" : "")
            + "  loss \(Format.number(state.loss))  replayed \(count) \(count == 1 ? "entry" : "entries")"
        if position < count - 1 { heading += "  (reviewing \(position + 1) of \(count))" }
        if state.isFinished { heading += "  done" }
        lines.append((heading, .strong))
        if let reason = state.stopReason { lines.append(("stopped: " + reason, .alarm)) }
        if count == 0 {
            lines.append(("before the first entry: press n to replay it", .faint))
        } else {
            lines += Self.describe(state.replayed[position])
        }
        lines.append(("", .plain))
        if let next = state.next {
            lines.append(("next: #\(next.index) \(next.op.rawValue) \(next.scope)", .faint))
        } else if state.reopened {
            lines.append(("replay done: a past step, recomputed; space returns to the live run where it was", .faint))
        } else {
            lines.append((live ? "replay done: space applies the update and resumes, s steps into the next step"
                : "replay done (a dumped tape: p goes back, q quits)", .faint))
        }
        lines.append(("breakpoint: " + (state.breakpoint.map(\.description) ?? "first non-finite gradient (b sets one)"), .faint))
        return lines
    }

    static func describe(_ replayed: ReplayedEntry) -> [(String, Style)] {
        let entry = replayed.entry
        var lines: [(String, Style)] = [
            ("#\(entry.index) \(entry.op.rawValue)" + (entry.scope.isEmpty ? "" : "  in \(entry.scope)")
                + "  at " + (entry.site.map(\.description) ?? "unknown"), Style(color: .green, bold: true)),
            ("shapes " + entry.inputShapes.map(Format.shape).joined(separator: " ") + " -> "
                + entry.outputShapes.map(Format.shape).joined(separator: " "), .plain),
        ]
        // Forward values are known when the tape kept them (a dump, a diverged step); the inputs' only for the
        // first entry whose output went non-finite, where they say what produced it.
        if let outputs = entry.outputStatistics {
            lines.append(("output values", .strong))
            for statistics in outputs { lines.append(("  " + summary(statistics), style(statistics))) }
        }
        if let inputs = entry.inputStatistics {
            lines.append(("input values (they produced the first non-finite output)", .strong))
            for (source, statistics) in zip(entry.inputSources, inputs) {
                lines.append(("  \(Format.fit(source.description, 14)) " + summary(statistics), style(statistics)))
            }
        }
        lines.append(("incoming gradient", .strong))
        for statistics in replayed.incoming { lines.append(("  " + summary(statistics), style(statistics))) }
        if !replayed.incomingValues.isEmpty {
            lines.append(("  values " + replayed.incomingValues.map(Format.number).joined(separator: " ") + " …", .faint))
        }
        lines.append(("sent to inputs", .strong))
        for (source, sent) in zip(entry.inputSources, replayed.sent) {
            let name = Format.fit(source.description, 14)
            lines.append((sent.map { "  \(name) " + summary($0) } ?? "  \(name) (no gradient)", sent.map(style) ?? .faint))
        }
        if !replayed.parameters.isEmpty {
            lines.append(("parameters touched, accumulated so far", .strong))
            for parameter in replayed.parameters {
                lines.append(("  \(Format.fit(parameter.name, 14)) " + summary(parameter.statistics), style(parameter.statistics)))
            }
        }
        return lines
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

    func render(into buffer: inout CellBuffer, area: Rect) {
        for (row, line) in lines().prefix(area.height).enumerated() {
            buffer.write(line.0, x: area.x, y: area.y + row, style: line.1, limit: area.width)
        }
    }
}
