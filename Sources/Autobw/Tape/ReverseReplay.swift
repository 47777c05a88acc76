/// The reverse replay of a tape, as a cursor: `step()` runs one recorded entry's backward rule.
///
/// `Tape.backward(from:)` is this cursor run to the end; the debugger stops between steps. Entries that no
/// gradient reaches (not on a path to the output) are passed over without a step. The replay keeps the
/// recorded entry list for its whole life, so a front end can show the tape while stepping through it.
public final class ReverseReplay {
    let tape: Tape
    /// Unchecked exclusivity: the replay is used from one thread at a time (it is not `Sendable`), and the
    /// dynamic check on every access cost stepping more than a tenth of its time on small entries.
    @exclusivity(unchecked) private var cursor: ReplayCursor
    @exclusivity(unchecked) private var layoutStorage: RecordingLayout?

    init(tape: Tape, recorded: consuming Tape.State, start: Int32, seed: Tensor, keepsSaved: Bool, checksFinite: Bool) {
        self.tape = tape
        cursor = ReplayCursor(
            recorded: recorded, start: start, seed: seed, keepsSaved: keepsSaved, checksFinite: checksFinite)
    }

    deinit {
        guard !cursor.keepsSaved else { return }
        // Moved out, not copied: the pool then empties arrays that nothing else holds, in place, keeping their
        // capacity (a copy made it allocate new ones and free these).
        cursor.keepGradientSlotsForReuse()
        var recorded = Tape.State()
        swap(&recorded, &cursor.recorded)
        TapeStatePool.give(recorded)
    }

    /// The number of recorded entries, replayed or not.
    public var entryCount: Int { cursor.recorded.entries.count }

    /// The description of entry `index` (recording order), or nil outside `0..<entryCount`.
    public func entry(at index: Int) -> TapeEntryInfo? {
        cursor.recorded.entries.indices.contains(index) ? cursor.recorded.info(ofEntry: index) : nil
    }

    /// Every recorded entry, in recording order.
    public var entries: [TapeEntryInfo] { cursor.recorded.entries.indices.map { cursor.recorded.info(ofEntry: $0) } }

    /// The number of steps taken so far.
    public var stepsTaken: Int { cursor.stepsTaken }

    /// True when no entry is left to replay.
    public var isFinished: Bool { cursor.nextReachedEntry() == nil }

    /// The entry the next `step()` will replay, without replaying it; nil once the replay is finished.
    public func peek() -> TapeEntryInfo? {
        cursor.nextReachedEntry().map { cursor.recorded.info(ofEntry: $0) }
    }

    /// Replays the next entry that a gradient reaches and describes it; nil once the replay is finished.
    /// - Throws: `TensorError.savedValueModified` when a value the entry saved was written since, and with
    ///   `TapeOptions.stopsAtNonFinite` `TensorError.nonFinite` for a NaN or infinite gradient; the replay
    ///   stops there.
    @discardableResult
    public func step() throws -> ReplayStep? {
        let layout = self.layout
        // Backward rules compute on untracked values; only inside someone's record { } must recording be off.
        let step = !Recording.anyTapeRecording || Recording.context == nil
            ? try cursor.step(layout: layout) : try withoutRecording { try cursor.step(layout: layout) }
        if step != nil, let leaves = cursor.leafGradientsIfFinished() { tape.storeLeafGradients(leaves) }
        return step
    }

    /// The recording without its saved values, shared by every step: a step describes its entry only when
    /// asked, so stepping costs about what running does.
    private var layout: RecordingLayout {
        if let layoutStorage { return layoutStorage }
        var recording = cursor.recorded
        let savedShapes = recording.saved.map(\.dimensions)
        recording.saved = []
        recording.savedVersions = []
        recording.leafGradients = [:]
        let layout = RecordingLayout(recording: recording, savedShapes: savedShapes)
        layoutStorage = layout
        return layout
    }

    /// Replays every remaining entry. `observer`, when given, is called after each one with statistics of the
    /// gradients it received and sent: the cost of one pass over those gradients, nothing when nil.
    public func runToEnd(observer: ReplayObserver? = nil) throws {
        try withoutRecording {
            guard let observer else { return try cursor.runToEnd() }
            try cursor.runToEnd(observer: observer)
        }
        finishIfDone()
    }

    /// The gradient accumulated so far in this replay for each parameter that some gradient reached, by name.
    public func parameterGradients() -> [ParameterGradient] {
        cursor.recorded.values.indices.compactMap { cursor.parameterGradient(slot: Int32($0)) }
    }

    /// Hands the gradients of watched leaves to the tape, for `Tape.gradient(of:)`.
    private func finishIfDone() {
        if let leaves = cursor.leafGradientsIfFinished() { tape.storeLeafGradients(leaves) }
    }
}
