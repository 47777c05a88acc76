/// The reverse replay of a tape, as a cursor: `step()` runs one recorded entry's backward rule.
///
/// `Tape.backward(from:)` is this cursor run to the end; the debugger stops between steps. Entries that no
/// gradient reaches (not on a path to the output) are passed over without a step.
public final class ReverseReplay {
    let tape: Tape
    private var entries: [TapeEntry]
    private let values: [RecordedValue]
    /// The gradient accumulated so far for each recorded value, by slot.
    private var grads: [Tensor?]
    /// The next entry to replay, counting down; -1 when finished.
    private var next: Int
    /// Whether entries are kept (and their saved values) for another replay.
    private let keepsEntries: Bool

    /// The number of steps taken so far.
    public private(set) var stepsTaken = 0

    init(tape: Tape, entries: [TapeEntry], values: [RecordedValue], start: Int32, seed: Tensor, keepsEntries: Bool) {
        self.tape = tape
        self.entries = entries
        self.values = values
        grads = [Tensor?](repeating: nil, count: values.count)
        grads[Int(start)] = seed
        next = entries.lastIndex { $0.outputs.contains(start) } ?? -1
        self.keepsEntries = keepsEntries
    }

    /// True when no entry is left to replay.
    public var isFinished: Bool { next < 0 }

    /// Replays the next entry that a gradient reaches and describes it; nil once the replay is finished.
    /// - Throws: `TensorError.savedValueModified` when a value the entry saved was written since; the replay
    ///   stops there.
    @discardableResult
    public func step() throws -> ReplayStep? {
        guard let index = nextReachedEntry() else { return nil }
        let (incoming, sent) = try replay(index)
        return ReplayStep(
            entry: info(index), incoming: incoming, sent: sent,
            parameterGradients: parameterGradients())
    }

    /// Replays every remaining entry.
    public func runToEnd() throws {
        while let index = nextReachedEntry() { _ = try replay(index) }
    }

    /// The gradient accumulated so far for each parameter leaf that some gradient reached.
    public func parameterGradients() -> [(parameter: Parameter, gradient: Tensor)] {
        values.indices.compactMap { slot in
            guard let parameter = values[slot].parameter, let gradient = grads[slot] else { return nil }
            return (parameter, gradient)
        }
    }

    /// The index of the next entry with an incoming gradient, moving the cursor to it.
    private func nextReachedEntry() -> Int? {
        while next >= 0 {
            if entries[next].outputs.contains(where: { grads[Int($0)] != nil }) { return next }
            next -= 1
        }
        return nil
    }

    /// Runs entry `index`'s backward rule and accumulates what it sends into its inputs' gradients.
    private func replay(_ index: Int) throws -> (incoming: [Tensor], sent: [Tensor?]) {
        let entry = entries[index]
        for (value, version) in zip(entry.saved, entry.savedVersions) where value.storage.version != version {
            throw TensorError.savedValueModified(op: entry.op, scope: entry.scope)
        }
        let incoming = entry.outputs.map { slot in grads[Int(slot)] ?? Tensor.zeros(values[Int(slot)].shape) }
        let context = BackwardContext(
            outputGrads: incoming, saved: entry.saved, needsMask: entry.inputs.map { $0 >= 0 })
        let sent = try withoutRecording { try entry.backward(context) }
        guard sent.count == entry.inputs.count else {
            throw TensorError.badCustomGradient(
                op: entry.op, detail: "\(sent.count) gradients for \(entry.inputs.count) inputs")
        }
        for (i, slot) in entry.inputs.enumerated() where slot >= 0 {
            guard let gradient = sent[i] else { continue }
            guard gradient.shape == entry.inputShapes[i] else {
                throw TensorError.badCustomGradient(
                    op: entry.op,
                    detail: "gradient \(Shape.describe(gradient.shape)) for input \(i) of shape"
                        + " \(Shape.describe(entry.inputShapes[i]))")
            }
            accumulate(gradient, into: Int(slot))
        }
        for slot in entry.outputs { grads[Int(slot)] = nil }
        if !keepsEntries { entries[index].saved = [] }
        next = index - 1
        stepsTaken += 1
        if next < 0 || nextReachedEntry() == nil { finish() }
        return (incoming, sent)
    }

    private func accumulate(_ gradient: Tensor, into slot: Int) {
        values[slot].parameter?.accumulate(gradient)
        if var existing = grads[slot] {
            grads[slot] = nil
            existing.addInPlace(gradient)
            grads[slot] = existing
        } else {
            grads[slot] = gradient.detached()
        }
    }

    /// Hands the gradients of watched leaves to the tape, for `Tape.gradient(of:)`.
    private func finish() {
        var leaves = [Int32: Tensor]()
        for (slot, gradient) in grads.enumerated() {
            if let gradient, values[slot].parameter == nil { leaves[Int32(slot)] = gradient }
        }
        tape.storeLeafGradients(leaves)
    }

    private func info(_ index: Int) -> TapeEntryInfo {
        let entry = entries[index]
        return TapeEntryInfo(
            index: index, op: entry.op, scope: entry.scope, inputShapes: entry.inputShapes,
            outputShapes: entry.outputs.map { values[Int($0)].shape }, savedShapes: entry.saved.map(\.shape))
    }
}

/// What one replay step did: the entry, the gradient it received, and what it sent to each input.
public struct ReplayStep {
    /// The entry that was replayed.
    public let entry: TapeEntryInfo
    /// The gradient of each of its outputs.
    public let incoming: [Tensor]
    /// The gradient it sent to each input (nil for untraced inputs).
    public let sent: [Tensor?]
    /// Every parameter's gradient accumulated so far in this replay.
    public let parameterGradients: [(parameter: Parameter, gradient: Tensor)]
}
