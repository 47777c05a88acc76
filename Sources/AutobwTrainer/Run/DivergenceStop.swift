import Autobw

/// Where a diverged step opens in the debugger: one rule for the live UI, the session's tape dump and
/// `autobw replay` of that dump, so all three stop on the same entry and name it alike.
///
/// When an entry's forward output is not finite, the step diverged there: the debugger opens on the first such
/// entry in recording order (the replay runs past the non-finite gradients that it caused downstream, which are
/// consequences). Otherwise the forward pass was finite and the debugger opens on the first entry, in replay
/// order, that received or sent a non-finite gradient.
public struct DivergenceStop: Sendable, Equatable {
    /// The first entry whose forward output is not finite, from the tape's output statistics; nil when every
    /// output was finite (or none were recorded).
    public let forwardEntry: Int?

    /// The rule for a tape whose entries are `entries` (with output statistics, where recorded).
    public init(entries: [TapeEntryInfo]) {
        forwardEntry = entries.first { $0.outputStatistics?.contains { !$0.isFinite } == true }?.index
    }

    /// Whether the debugger stops at `replayed`.
    public func stops(at replayed: ReplayedEntry) -> Bool {
        if let forwardEntry { return replayed.entry.index == forwardEntry }
        return !replayed.isFinite
    }

    /// The non-finite value that makes `replayed` the stop: its first non-finite output (a forward divergence),
    /// else the first non-finite gradient it sent; nil when it has none.
    public func culprit(_ replayed: ReplayedEntry) -> NonFiniteValue? {
        let entry = replayed.entry
        if forwardEntry == entry.index, let outputs = entry.outputStatistics,
            let index = outputs.firstIndex(where: { !$0.isFinite })
        {
            return NonFiniteValue(entry: entry, location: .output(index), statistics: outputs[index])
        }
        for (index, sent) in replayed.sent.enumerated() {
            if let sent, !sent.isFinite {
                return NonFiniteValue(entry: entry, location: .gradientToInput(index), statistics: sent)
            }
        }
        return nil
    }
}
