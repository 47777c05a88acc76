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

    /// The parts of the status text, in order, each with how readily it gives way on a narrow screen (higher
    /// goes first): the state, the steps done and the latest loss stay longest.
    func parts(width: Int) -> [(text: String, priority: Int)] {
        var parts = [(" \(Self.stateName(snapshot.state)) ", 0), (snapshot.preset, 4)]
        let total = snapshot.totalSteps > 0 ? "/\(snapshot.totalSteps)" : ""
        parts.append(("\(snapshot.stepsDone)\(total) done", 1))
        // The loss is named with its step, as the debugger and the metrics file name theirs (steps count from 0).
        // In the debugger its heading names the step and its loss: there the keys matter more.
        if let latest = snapshot.latest {
            parts.append(("step \(latest.step) loss \(Format.number(latest.loss))", snapshot.debugger == nil ? 1 : 3))
            parts.append(("lr \(Format.number(latest.learningRate))", 5))
        }
        if snapshot.stepsPerSecond > 0 { parts.append((String(format: "%.1f steps/s", snapshot.stepsPerSecond), 3)) }
        if snapshot.source == nil { parts.append((Format.elapsed(seconds: snapshot.elapsedSeconds), 4)) }
        // Which kernels run, as with every performance figure: on wide screens, where it fits beside the hints.
        if width >= 140, !snapshot.blasCore.isEmpty { parts.append(("OpenBLAS \(snapshot.blasCore)", 6)) }
        return parts
    }

    /// The status text and the hints that fit `width`. The keys that apply come first, then `? help`, which
    /// always stays; `q quit` only where room is left (help names it).
    /// - The figures that give way readily (the lr, the preset, the clock, steps/s; in the debugger, whose
    ///   heading names them, the step's loss too) make room for every key that applies. In the debugger they go
    ///   even when that is not enough; training keeps them then, as its figures matter more than some keys.
    /// - Then, on a screen too narrow even for `? help`, parts give way, least important first.
    func layout(width: Int) -> (text: String, hints: String) {
        let help = "? help"
        let keys = hints.components(separatedBy: "  ").filter { !$0.isEmpty && $0 != help && $0 != "q quit" }
        func joined(_ parts: [(text: String, priority: Int)]) -> String { parts.map(\.text).joined(separator: " │ ") }
        func fits(_ parts: [(text: String, priority: Int)], _ hints: [String]) -> Bool {
            joined(parts).count + hints.joined(separator: "  ").count + 3 <= width
        }
        /// The part that gives way first among those of priority `least` or more; never the state.
        func weakest(_ parts: [(text: String, priority: Int)], from least: Int) -> Int? {
            parts.indices.dropFirst().filter { parts[$0].priority >= least }.max { (parts[$0].priority, $0) < (parts[$1].priority, $1) }
        }
        var parts = parts(width: width)
        var trimmed = parts
        while !fits(trimmed, keys + [help]), let weakest = weakest(trimmed, from: 3) { trimmed.remove(at: weakest) }
        if snapshot.debugger != nil || fits(trimmed, keys + [help]) { parts = trimmed }
        while !fits(parts, [help]), let weakest = weakest(parts, from: 0) { parts.remove(at: weakest) }
        let text = joined(parts)
        let room = width - text.count - 3
        var shown = [String]()
        for key in keys where (shown + [key, help]).joined(separator: "  ").count <= room { shown.append(key) }
        guard (shown + [help]).joined(separator: "  ").count <= room else { return (text, room >= help.count ? help : "") }
        let tail = (shown + [help, "q quit"]).joined(separator: "  ").count <= room ? [help, "q quit"] : [help]
        return (text, (shown + tail).joined(separator: "  "))
    }

    func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        buffer.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), style: .selected)
        let state = Self.stateName(snapshot.state)
        let (text, hints) = layout(width: area.width)
        let alarm: Bool
        switch snapshot.state {
        case .diverged, .failed: alarm = true
        default: alarm = false
        }
        let stateStyle = alarm ? Style(color: .red, bold: true, reverse: true) : Style(bold: true, reverse: true)
        let written = buffer.write(text, x: area.x, y: area.y, style: .selected, limit: area.width)
        buffer.restyle(Rect(x: area.x, y: area.y, width: min(written, state.count + 2), height: 1)) { $0 = stateStyle }
        if !hints.isEmpty {
            buffer.write(hints, x: area.x + area.width - hints.count - 1, y: area.y, style: .selected)
        }
    }
}
