import Foundation
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

    /// The status text and the hints that fit `width`: parts give way (least important first) until `? help`
    /// fits beside them; then as many of the hints as fit, `? help` always among them.
    func layout(width: Int) -> (text: String, hints: String) {
        var parts = parts(width: width)
        func joined() -> String { parts.map(\.text).joined(separator: " │ ") }
        let help = "? help"
        // The keys that apply now matter more than the preset, the clock or the learning rate: those give way to
        // let every hint show, where that is enough.
        func removable(_ least: Int) -> Int? {
            parts.indices.dropFirst().filter { parts[$0].priority >= least }.max { (parts[$0].priority, $0) < (parts[$1].priority, $1) }
        }
        while joined().count + hints.count + 3 > width, let worst = removable(3) { parts.remove(at: worst) }
        // Still short: the hints without `q quit`, which help names, may be enough.
        let withoutQuit = hints.replacingOccurrences(of: "  q quit", with: "")
        while joined().count + withoutQuit.count + 3 > width, let worst = removable(3) { parts.remove(at: worst) }
        // Training, the figures matter more than a partial list of keys; in the debugger the keys do.
        if snapshot.debugger == nil, joined().count + withoutQuit.count + 3 > width { parts = self.parts(width: width) }
        while joined().count + help.count + 3 > width, parts.count > 1,
            let worst = parts.indices.dropFirst().max(by: { (parts[$0].priority, $0) < (parts[$1].priority, $1) })
        {
            parts.remove(at: worst)
        }
        let text = joined()
        let room = width - text.count - 3
        // The keys that apply first, in the table's order, then `? help`; `q quit` only where room is left (help
        // names it).
        let offered = hints.components(separatedBy: "  ").filter { !$0.isEmpty && $0 != help && $0 != "q quit" }
        var shown = [String]()
        for hint in offered where (shown + [hint, help]).joined(separator: "  ").count <= room { shown.append(hint) }
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
