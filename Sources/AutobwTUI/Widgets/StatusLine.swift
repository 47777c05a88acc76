import AutobwTrainer

/// The bottom line: state, preset, steps done, the latest step's loss and learning rate, steps/s (`Throughput`),
/// elapsed time, and key hints.
struct StatusLine {
    var snapshot: RunSnapshot
    var hints: String

    static func stateName(_ state: RunSnapshot.State) -> String {
        switch state {
        case .starting: return "starting"
        case .running: return "running"
        case .paused: return "paused"
        case .stepping: return "stepping"
        case .finished: return "finished"
        case .diverged: return "DIVERGED"
        case .failed: return "FAILED"
        }
    }

    func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        buffer.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: .selected)
        let state = Self.stateName(snapshot.state)
        var parts = [" \(state) ", snapshot.preset]
        let total = snapshot.totalSteps > 0 ? "/\(snapshot.totalSteps)" : ""
        parts.append("\(snapshot.stepsDone)\(total) done")
        // The loss is named with its step, as the debugger and the metrics file name theirs (steps count from 0).
        if let latest = snapshot.latest {
            parts.append("step \(latest.step) loss \(Format.number(latest.loss))")
            parts.append("lr \(Format.number(latest.learningRate))")
        }
        if snapshot.stepsPerSecond > 0 { parts.append(String(format: "%.1f steps/s", snapshot.stepsPerSecond)) }
        if snapshot.source == nil { parts.append(Format.elapsed(seconds: snapshot.elapsedSeconds)) }
        // Which kernels run, as with every performance figure: on wide screens, where it fits beside the hints.
        if area.width >= 140, !snapshot.blasCore.isEmpty { parts.append("OpenBLAS \(snapshot.blasCore)") }
        // On a narrow screen the learning rate goes first, so that the key hints keep some room.
        var text = parts.joined(separator: " │ ")
        if text.count + 16 > area.width, let rate = parts.firstIndex(where: { $0.hasPrefix("lr ") }) {
            parts.remove(at: rate)
            text = parts.joined(separator: " │ ")
        }
        let alarm: Bool
        switch snapshot.state {
        case .diverged, .failed: alarm = true
        default: alarm = false
        }
        let stateStyle = alarm ? Style(color: .red, bold: true, reverse: true) : Style(bold: true, reverse: true)
        let written = buffer.write(text, x: area.x, y: area.y, style: .selected, limit: area.width)
        buffer.restyle(Rect(x: area.x, y: area.y, width: min(written, state.count + 2), height: 1)) { $0 = stateStyle }
        let room = area.width - written - 2
        if let shown = [hints, "? help  q quit", "? help"].first(where: { $0.count <= room }) {
            buffer.write(shown, x: area.x + area.width - shown.count - 1, y: area.y, style: .selected)
        }
    }
}
