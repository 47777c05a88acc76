import AutobwTrainer
import Dispatch
import Foundation

/// The UI thread's loop: read keys, send commands, and redraw from the run's latest snapshot at least 10 times
/// a second. It never waits on training: snapshots are values taken under a lock held for a copy.
struct TerminalApp {
    typealias Outcome = TerminalUI.Outcome

    let source: RunSource
    /// Runs whose lines the charts overlay, with a legend (`autobw watch A B`); they take no keys.
    var others: [RunSource] = []
    let terminal: Terminal
    /// The dashboard, with its settings.
    var dashboard = Dashboard()

    /// A loop showing `source` on `terminal`.
    init(source: RunSource, terminal: Terminal) {
        self.source = source
        self.terminal = terminal
        dashboard.chart.glyphs = Self.chartGlyphs(environment: ProcessInfo.processInfo.environment)
    }

    /// Braille where the terminal can draw it; half blocks on the Linux console and VT terminals (their fonts
    /// have no braille) or when `AUTOBW_CHART=blocks`.
    static func chartGlyphs(environment: [String: String]) -> ChartGlyphs {
        if environment["AUTOBW_CHART"] == "blocks" { return .blocks }
        if let term = environment["TERM"], term == "linux" || term.hasPrefix("vt") { return .blocks }
        return .braille
    }

    /// Runs until the user quits or an interrupt arrives.
    mutating func run() -> Outcome {
        Interruption.install()
        var snapshot = source.snapshot()
        var lastDraw: UInt64 = 0
        while true {
            if Interruption.requested { return .interrupted }
            if let key = terminal.readKey(timeoutMilliseconds: 30) {
                if key == .resize || key == .redraw { terminal.invalidate() }
                snapshot = source.snapshot()
                dashboard.screenSize = terminal.size
                let reaction = dashboard.handle(key, snapshot)
                for command in reaction.commands { source.send(command) }
                if reaction.quit { return key == .interrupt ? .interrupted : .quit }
                if !reaction.commands.isEmpty { Thread.sleep(forTimeInterval: 0.01) }
                lastDraw = 0
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if now - lastDraw >= 90_000_000 {
                snapshot = source.snapshot()
                let (width, height) = terminal.size
                terminal.draw(dashboard.render(snapshot, others: others.map { $0.snapshot() }, width: width, height: height))
                lastDraw = now
            }
        }
    }
}
