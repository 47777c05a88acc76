import Autobw
import Synchronization

/// A tape dumped by `autobw train --dump-tape`, replayed in the debugger: the same views as a live replay, built
/// from the dump's statistics (a dump keeps no gradient values; a parameter shows its gradient accumulated up to
/// each entry, as the live debugger does).
public final class DumpReplay: RunSource {
    private let dump: TapeDump
    private let order: [ReplayedEntry]
    private let state: Mutex<(revealed: Int, breakpoint: Breakpoint?, stopReason: String?)>
    private let path: String
    /// How many entries are revealed when the replay opens.
    private let opening: Int

    /// The replay of `dump`, read from `path`, before its first entry.
    public init(_ dump: TapeDump, path: String) {
        self.dump = dump
        self.path = path
        // Descending recording order is a valid reverse replay order: an entry's inputs were recorded before it.
        order = dump.entries.filter(\.replayed).reversed().map(Self.view)
        opening = Self.opening(dump, order)
        state = Mutex((opening, nil, nil))
    }

    /// A diverged step opens where the live debugger opened it (`DivergenceStop`); any other before its first entry.
    static func opening(_ dump: TapeDump, _ order: [ReplayedEntry]) -> Int {
        guard dump.divergence != nil else { return 0 }
        let stop = DivergenceStop(entries: dump.entries.map(\.entry))
        return order.firstIndex(where: stop.stops(at:)).map { $0 + 1 } ?? 0
    }

    static func view(_ item: TapeDump.Entry) -> ReplayedEntry {
        let sent = item.inputGradients ?? []
        // Older dumps hold no accumulated parameter gradients: what this entry sent is the nearest figure.
        let parameters = item.parameterGradients ?? zip(item.entry.inputSources, sent).compactMap { source, statistics in
            guard case .parameter(let name) = source, let statistics else { return nil }
            return NamedStatistics(name: name, statistics: statistics)
        }
        return ReplayedEntry(
            entry: item.entry, incoming: item.outputGradients ?? [], incomingValues: [], sent: sent, parameters: parameters)
    }

    /// The dump as a stepping run, with the entries revealed so far.
    public func snapshot() -> RunSnapshot {
        let (revealed, breakpoint, stopReason) = state.withLock { $0 }
        var snapshot = RunSnapshot(preset: dump.preset, totalSteps: dump.step + 1)
        snapshot.state = dump.divergence.map { .diverged($0) } ?? .stepping
        snapshot.firstStep = dump.step
        snapshot.stepsDone = dump.step
        snapshot.losses = [dump.loss]
        snapshot.tape = dump.entries.map(\.entry)
        snapshot.source = path
        snapshot.blasCore = ""
        var debugger = DebuggerState(
            step: dump.step, loss: dump.loss, entries: snapshot.tape, next: order.indices.contains(revealed) ? order[revealed].entry : nil)
        debugger.replayed = Array(order.prefix(revealed))
        debugger.breakpoint = breakpoint
        debugger.stopReason = stopReason ?? (revealed == opening ? dump.divergence.map { "diverged: \($0)" } : nil)
        snapshot.debugger = debugger
        return snapshot
    }

    /// `next`, `continueReplay` and `setBreakpoint` move through the dump; the rest do not apply.
    public func send(_ command: RunCommand) {
        state.withLock { state in
            switch command {
            case .next:
                state.stopReason = nil
                state.revealed = min(order.count, state.revealed + 1)
            case .continueReplay:
                state.stopReason = nil
                let breakpoint = state.breakpoint ?? .nonFinite
                while state.revealed < order.count {
                    state.revealed += 1
                    if let reason = breakpoint.stopReason(at: order[state.revealed - 1]) {
                        state.stopReason = reason
                        break
                    }
                }
            case .setBreakpoint(let value): state.breakpoint = value
            case .pause, .resume, .stepMode, .stop, .reopen: break
            }
        }
    }
}
