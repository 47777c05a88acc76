import Autobw

/// The debugger's `c`: replays entries until `until` gives a reason to stop, or the replay ends.
///
/// An entry passed over keeps its statistics only. The entry it stops at, or the last one, also keeps its values
/// and histograms, as a stepped entry does. Kept for every entry of a long tape, values and histograms took more
/// than a kilobyte an entry (256 values, a histogram per gradient) and a share of continuing's time. The
/// statistics that going back (`p`) shows are kept for every entry.
public struct ReplayContinuation {
    /// The entries replayed, in replay order.
    public private(set) var entries: [ReplayedEntry] = []
    /// Why it stopped; nil when the replay ended first.
    public private(set) var stopReason: String?

    /// Replays by `next` (a replay's `step()`) until `until` returns a reason to stop or `next` returns nil.
    /// - Parameter described: the descriptions of the tape's entries, by index (`ReverseReplay.entries`), which
    ///   the views share instead of building their own.
    public init(next: () throws -> ReplayStep?, described: [TapeEntryInfo], until: (ReplayedEntry) -> String?) rethrows {
        var last: ReplayStep?
        while let step = try next() {
            let index = step.entryIndex
            let description = described.indices.contains(index) ? described[index] : nil
            let entry = ReplayedEntry(step, entry: description, valueCount: 0, histograms: false)
            last = step
            // Asked before the view is stored, so that storing it moves it instead of copying its references.
            let reason = until(entry)
            entries.append(entry)
            if let reason {
                stopReason = reason
                break
            }
        }
        if let last, let view = entries.last { entries[entries.count - 1] = ReplayedEntry(last, entry: view.entry) }
    }
}
