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

    init(tape: Tape, recorded: Tape.State, start: Int32, seed: Tensor, keepsSaved: Bool, checksFinite: Bool) {
        self.tape = tape
        cursor = ReplayCursor(
            recorded: recorded, start: start, seed: seed, keepsSaved: keepsSaved, checksFinite: checksFinite)
    }

    deinit {
        if !cursor.keepsSaved { TapeStatePool.give(cursor.recorded) }
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
        let stepped = !Recording.anyTapeRecording || Recording.context == nil
            ? try cursor.step() : try withoutRecording { try cursor.step() }
        guard let (index, report, touched, leaves) = stepped,
            case .tensors(let first, let later, let sent)? = report
        else { return nil }
        if let leaves { tape.storeLeafGradients(leaves) }
        return ReplayStep(
            layout: layout, index: index, firstIncoming: first, laterIncoming: later, sentGradients: sent,
            parameterGradients: touched)
    }

    /// The recording without its saved values, shared by every step: a step describes its entry only when
    /// asked, so stepping costs about what running does.
    private var layout: RecordingLayout {
        if let layoutStorage { return layoutStorage }
        var recording = cursor.recorded
        let savedShapes = recording.saved.map(\.shape)
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
            while let index = cursor.nextReachedEntry() {
                guard case .summaries(let incoming, let sent)? = try cursor.replay(index, reporting: .summaries) else {
                    continue
                }
                let entry = cursor.recorded.entries[index]
                observer(EntryGradientReport(entryIndex: index, op: entry.op, scope: entry.scope, incoming: incoming, sent: sent))
            }
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

/// Called after each replayed entry by `ReverseReplay.runToEnd(observer:)` and `Tape.backward(observer:)`.
public typealias ReplayObserver = (EntryGradientReport) -> Void

/// The norms and non-finite counts of the gradients one replayed entry received and sent.
public struct EntryGradientReport: Sendable, Equatable, Codable {
    /// The entry's position on the tape.
    public let entryIndex: Int
    /// Its operation.
    public let op: OpName
    /// Its module scope.
    public let scope: String
    /// The gradient of each output.
    public let incoming: [GradientSummary]
    /// The gradient sent to each input (nil where none was sent).
    public let sent: [GradientSummary?]
}

/// What `ReplayCursor.replay` hands back about the entry it ran.
enum ReplayReporting {
    /// Nothing (`runToEnd` without an observer).
    case none
    /// The gradient tensors themselves (`step()`).
    case tensors
    /// Their summaries, computed before the tensors move on, so nothing is kept alive (the observer).
    case summaries
}

/// The gradients an entry received and sent, as tensors or as summaries.
enum ReplayReport {
    case tensors(first: Tensor, later: [Tensor], sent: InlineTensors)
    case summaries(incoming: [GradientSummary], sent: [GradientSummary?])
}

/// A parameter's gradient, by the parameter's name.
public struct ParameterGradient: Sendable {
    /// The parameter's name (`lstm.l1.wx`).
    public let name: String
    /// The gradient; later accumulation does not change it.
    public let gradient: Tensor
}

/// The replay's state and its one backward implementation. A struct, so the hot loop works on it in place
/// without per-access exclusivity checks.
struct ReplayCursor {
    var recorded: Tape.State
    /// The gradient accumulated so far for each recorded value, by slot.
    var grads: [Tensor?]
    /// The next entry to replay, counting down; -1 when finished.
    var next: Int
    /// Whether saved values are kept for another replay (`keepTape`), or freed as soon as they are used.
    let keepsSaved: Bool
    /// Whether every gradient sent is checked for NaN and infinities (`TapeOptions.stopsAtNonFinite`).
    let checksFinite: Bool
    var stepsTaken = 0
    /// With an observer: the summary of each slot's gradient while it holds a single contribution, so a
    /// gradient is summarised once, when sent, not again when received.
    var summaries: [GradientSummary?] = []

    init(recorded: Tape.State, start: Int32, seed: Tensor, keepsSaved: Bool, checksFinite: Bool) {
        self.recorded = recorded
        self.keepsSaved = keepsSaved
        self.checksFinite = checksFinite
        grads = [Tensor?](repeating: nil, count: recorded.values.count)
        grads[Int(start)] = seed
        next = recorded.entries.lastIndex { $0.outputs.contains(Int(start)) } ?? -1
    }

    mutating func runToEnd() throws {
        while let index = nextReachedEntry() { _ = try replay(index, reporting: .none) }
    }

    /// The index of the next entry with an incoming gradient, moving the cursor to it.
    mutating func nextReachedEntry() -> Int? {
        // Through a buffer pointer: subscripting the array copies the whole entry (its strings and closure).
        recorded.entries.withUnsafeBufferPointer { entries in
            while next >= 0 {
                if entries[next].outputs.contains(where: { grads[$0] != nil }) { return next }
                next -= 1
            }
            return nil
        }
    }

    /// Runs entry `index`'s backward rule and accumulates what it sends into its inputs' gradients; returns
    /// what it received and sent when `reporting`.
    ///
    /// The gradients are moved, not copied, from slot to rule to slot: on a chain of small operations the
    /// reference counting of copies would cost more than the arithmetic.
    mutating func replay(_ index: Int, reporting: ReplayReporting) throws -> ReplayReport? {
        let inputs = recorded.entries[index].inputs, outputs = recorded.entries[index].outputs
        let savedRange = recorded.entries[index].savedRange
        for i in savedRange where recorded.saved[i].storage.version != recorded.savedVersions[i] {
            throw TensorError.savedValueModified(
                op: recorded.entries[index].op.rawValue, scope: recorded.entries[index].scope)
        }
        let grad = grads.take(outputs.lowerBound) ?? Tensor.filled(0, recorded.values[outputs.lowerBound].shape)
        let laterGrads: [Tensor?] = outputs.count == 1
            ? [] : outputs.dropFirst().map { grads.take($0) ?? Tensor.filled(0, recorded.values[$0].shape) }
        var report: ReplayReport?
        switch reporting {
        case .none: report = nil
        case .tensors:
            report = .tensors(
                first: grad, later: outputs.count == 1 ? [] : laterGrads.compactMap { $0 },
                sent: InlineTensors(first: nil, second: nil, rest: [], count: 0))
        case .summaries:
            if summaries.count != recorded.values.count { summaries = Array(repeating: nil, count: recorded.values.count) }
            let first = summaries[outputs.lowerBound] ?? GradientSummary(of: grad)
            report = .summaries(
                incoming: [first] + laterGrads.compactMap { $0.map(GradientSummary.init(of:)) }, sent: [])
        }
        var sent = try runBackwardRule(of: index, grad: consume grad, laterGrads: consume laterGrads)
        guard sent.count == inputs.count else {
            throw TensorError.badCustomGradient(
                op: recorded.entries[index].op.rawValue, detail: "\(sent.count) gradients for \(inputs.count) inputs")
        }
        var sentSummaries = [GradientSummary?]()
        switch report {
        case .tensors(let first, let later, _): report = .tensors(first: first, later: later, sent: sent.inlineCopy)
        case .summaries(let incoming, _):
            sentSummaries = (0..<sent.count).map { i in sent[i].map(GradientSummary.init(of:)) }
            report = .summaries(incoming: incoming, sent: sentSummaries)
        case nil: break
        }
        for (i, position) in inputs.enumerated() {
            let slot = recorded.inputSlots[position]
            guard slot >= 0, let gradient = sent.take(i) else { continue }
            guard gradient.shape == recorded.inputShapes[position] else {
                throw TensorError.badCustomGradient(
                    op: recorded.entries[index].op.rawValue,
                    detail: "gradient \(Shape.describe(gradient.shape)) for input \(i) of shape"
                        + " \(Shape.describe(recorded.inputShapes[position]))")
            }
            if checksFinite {
                let statistics = gradient.statistics()
                guard statistics.isFinite else {
                    throw TensorError.nonFinite(
                        NonFiniteValue(
                            entry: recorded.info(ofEntry: index), location: .gradientToInput(i), statistics: statistics))
                }
            }
            if !sentSummaries.isEmpty {
                // A slot's first contribution is its whole gradient so far: its summary serves again as the
                // incoming summary of the entry that produced the slot. A second contribution changes the sum.
                summaries[Int(slot)] = grads[Int(slot)] == nil ? sentSummaries[i] : nil
            }
            accumulate(gradient, into: Int(slot))
        }
        if !keepsSaved {
            // Free the elements; keep the shape, which the entry's description still shows.
            for i in savedRange { recorded.saved[i].releaseElements() }
        }
        next = index - 1
        stepsTaken += 1
        return report
    }

    /// Calls the entry's rule. A function of its own so the context's view of the saved values is gone before
    /// the caller releases them (otherwise releasing would copy the whole saved-value array).
    private func runBackwardRule(
        of index: Int, grad: consuming Tensor, laterGrads: consuming [Tensor?]
    ) throws -> InputGradients {
        let inputs = recorded.entries[index].inputs
        var needsMask: UInt64 = 0
        for (i, slot) in recorded.inputSlots[inputs].enumerated() where slot >= 0 && i < 64 {
            needsMask |= 1 << UInt64(i)
        }
        let saved = SavedValues(values: recorded.saved[recorded.entries[index].savedRange])
        let context = BackwardContext(grad: grad, laterGrads: laterGrads, saved: saved, needsMask: needsMask)
        return try recorded.entries[index].backward(context)
    }

    /// One step for `ReverseReplay.step()`, in one access to the cursor: the entry replayed, its gradients, the
    /// parameters among its inputs with their gradients so far, and the watched leaves' gradients once done.
    mutating func step() throws -> (
        index: Int, report: ReplayReport?, touched: [ParameterGradient], leaves: [Int32: Tensor]?
    )? {
        guard let index = nextReachedEntry() else { return nil }
        let report = try replay(index, reporting: .tensors)
        let inputs = recorded.entries.withUnsafeBufferPointer { $0[index].inputs }
        let touched = recorded.inputSlots[inputs].compactMap { parameterGradient(slot: $0) }
        return (index, report, touched, leafGradientsIfFinished())
    }

    /// The gradients of the watched leaves (not parameters), once no entry is left to replay.
    mutating func leafGradientsIfFinished() -> [Int32: Tensor]? {
        guard nextReachedEntry() == nil else { return nil }
        var leaves = [Int32: Tensor]()
        for (slot, gradient) in grads.enumerated() {
            if let gradient, recorded.values[slot].parameter == nil { leaves[Int32(slot)] = gradient }
        }
        return leaves
    }

    /// The gradient accumulated so far for `slot`, if it is a parameter leaf that a gradient reached.
    func parameterGradient(slot: Int32) -> ParameterGradient? {
        guard slot >= 0, let gradient = grads[Int(slot)],
            let parameter = recorded.values.withUnsafeBufferPointer({ $0[Int(slot)].parameter })
        else { return nil }
        return ParameterGradient(name: parameter.name, gradient: gradient)
    }

    private mutating func accumulate(_ gradient: consuming Tensor, into slot: Int) {
        // A rule may hand back a recorded value (a custom op returning what it saved): keep only the numbers.
        gradient.trace = .untracked
        recorded.values[slot].parameter?.accumulate(gradient)
        if var existing = grads.take(slot) {
            existing.addInPlace(gradient)
            grads[slot] = existing
        } else {
            grads[slot] = gradient
        }
    }
}

/// What one replay step did: the entry, the gradient it received, and what it sent to each input.
///
/// Every tensor here is a snapshot: later steps, the optimizer and further accumulation do not change it, so a
/// step can be handed to another thread and kept.
public struct ReplayStep: Sendable {
    let layout: RecordingLayout
    let index: Int

    init(
        layout: RecordingLayout, index: Int, firstIncoming: Tensor, laterIncoming: [Tensor], sentGradients: InlineTensors,
        parameterGradients: [ParameterGradient]
    ) {
        self.layout = layout
        self.index = index
        self.firstIncoming = firstIncoming
        self.laterIncoming = laterIncoming
        self.sentGradients = sentGradients
        self.parameterGradients = parameterGradients
    }

    /// The entry that was replayed.
    public var entry: TapeEntryInfo {
        let entry = layout.recording.entries[index]
        return layout.recording.info(ofEntry: index, savedShapes: Array(layout.savedShapes[entry.savedRange]))
    }
    let firstIncoming: Tensor
    let laterIncoming: [Tensor]
    let sentGradients: InlineTensors

    /// The gradient of each of its outputs.
    public var incoming: [Tensor] { [firstIncoming] + laterIncoming }
    /// The gradient it sent to each input (nil for untraced inputs).
    public var sent: [Tensor?] { sentGradients.list }
    /// For each parameter among the entry's inputs, the gradient accumulated in this replay so far
    /// (including this step's contribution).
    public let parameterGradients: [ParameterGradient]

    /// Statistics of `incoming` and `sent`, as an observer of `runToEnd` receives them.
    public var report: EntryGradientReport {
        EntryGradientReport(
            entryIndex: entry.index, op: entry.op, scope: entry.scope, incoming: incoming.map(GradientSummary.init(of:)),
            sent: sent.map { $0.map(GradientSummary.init(of:)) })
    }
}

extension Array where Element == Tensor? {
    /// Moves the element at `index` out, leaving nil (no reference-count traffic).
    mutating func take(_ index: Int) -> Tensor? {
        var taken: Tensor? = nil
        swap(&taken, &self[index])
        return taken
    }
}

/// The entries, values and shapes of a recording, frozen: what step descriptions are built from.
final class RecordingLayout: Sendable {
    let recording: Tape.State
    /// The shapes of the saved values, indexed like `Tape.State.saved`.
    let savedShapes: [[Int]]

    init(recording: Tape.State, savedShapes: [[Int]]) {
        self.recording = recording
        self.savedShapes = savedShapes
    }
}
