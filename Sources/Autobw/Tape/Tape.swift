import Synchronization

/// Records operations while the forward pass runs, then replays their backward rules in reverse.
///
/// ```swift
/// let tape = Tape()
/// let loss = try tape.record { try model(x).softmaxCrossEntropy(targets: y) }
/// try tape.backward(from: loss)        // gradients land in each parameter's `grad`
/// ```
///
/// Whatever Swift runs inside `record` decides what is recorded: loops, branches, random choices. The
/// recording order is already a topological order, so the replay is a reverse walk. A tape is meant for one
/// forward pass; make a new one per step.
public final class Tape: Sendable {
    /// Unique among all tapes of the process; tensors name the tape that recorded them by it.
    let serial: UInt64
    private let state = Mutex(TapeStatePool.take())

    private static let nextSerial = Atomic<UInt64>(1)

    struct State: Sendable {
        var entries: [TapeEntry] = []
        var values: [RecordedValue] = []
        /// Every entry's input slots (-1 for an untraced input) and shapes, back to back.
        var inputSlots: [Int32] = []
        var inputShapes: [[Int]] = []
        /// Every entry's saved values and their storage versions when saved, back to back.
        var saved: [Tensor] = []
        var savedVersions: [UInt32] = []
        var parameterSlots: [ObjectIdentifier: Int32] = [:]
        /// Gradients of watched leaves from the latest replay.
        var leafGradients: [Int32: Tensor] = [:]
        var released = false
    }

    /// A new, empty tape.
    public init() {
        serial = Tape.nextSerial.add(1, ordering: .relaxed).newValue
    }

    /// Runs `body` while this tape records every operation on traced values.
    ///
    /// Recording ends when `body` returns or throws; entries recorded before an error stay valid. Scopes nest:
    /// inside another tape's `record`, both tapes record; re-entering this tape's own `record` is harmless.
    public func record<R>(_ body: () throws -> R) rethrows -> R {
        let outer = Recording.context
        if let outer, outer.isRecording(serial: serial) { return try body() }
        let context = RecordingContext(tapes: (outer?.tapes ?? []) + [self], scope: outer?.scope ?? "")
        return try Recording.$context.withValue(context) { try body() }
    }

    /// The `async` form of `record(_:)`; the recording follows the task, not the thread.
    public func record<R>(_ body: () async throws -> R) async rethrows -> R {
        let outer = Recording.context
        if let outer, outer.isRecording(serial: serial) { return try await body() }
        let context = RecordingContext(tapes: (outer?.tapes ?? []) + [self], scope: outer?.scope ?? "")
        return try await Recording.$context.withValue(context) { try await body() }
    }

    /// Returns `x` marked as a leaf of this tape, so `gradient(of:)` can report its gradient after a replay.
    /// Parameters need no watching: they are leaves of every tape that uses them.
    public func watch(_ x: Tensor) -> Tensor {
        let slot = state.withLock { state -> Int32 in
            state.values.append(RecordedValue(shape: x.shape, parameter: nil))
            return Int32(state.values.count - 1)
        }
        var watched = x
        watched.trace = x.trace.adding(TraceMark(tape: serial, slot: slot))
        return watched
    }

    /// The number of recorded entries.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Descriptions of the recorded entries, in recording order. A replay without `keepTape` takes the
    /// recording over, after which this is empty; read it before replaying, or keep the tape.
    public var entries: [TapeEntryInfo] {
        state.withLock { state in
            state.entries.indices.map { state.info(ofEntry: $0) }
        }
    }

    /// Replays the whole tape backward from `output` (a one-element loss unless `seed` is given).
    ///
    /// Parameter gradients accumulate into `Parameter.grad`; watched values' gradients are read with
    /// `gradient(of:)`. Unless `keepTape` is true the tape is released afterwards and a second replay throws.
    public func backward(from output: Tensor, seed: Tensor? = nil, keepTape: Bool = false) throws {
        let replay = try self.replay(from: output, seed: seed, keepTape: keepTape)
        try replay.runToEnd()
    }

    /// A cursor over the reverse replay from `output`, positioned before its first step.
    /// `backward(from:)` is this cursor run to the end.
    public func replay(from output: Tensor, seed: Tensor? = nil, keepTape: Bool = false) throws -> ReverseReplay {
        guard let start = output.trace.slot(onTape: serial) else {
            throw TensorError.notRecorded(
                detail: "the value to replay from (shape \(Shape.describe(output.shape))) was not computed inside"
                    + " this tape's record { } from a watched value or a parameter")
        }
        let seed = try Tape.seed(seed, for: output)
        let recorded = try state.withLock { state -> State in
            guard !state.released else { throw TensorError.tapeAlreadyReplayed }
            if keepTape { return state }
            // Hand the recording over, so the replay owns it uniquely and can free saved values as it goes.
            var taken = State()
            swap(&taken, &state)
            state.released = true
            return taken
        }
        return ReverseReplay(tape: self, recorded: recorded, start: start, seed: seed.detached(), keepsSaved: keepTape)
    }

    /// The gradient the replay starts from: `given`, or 1 for a one-element output.
    private static func seed(_ given: Tensor?, for output: Tensor) throws -> Tensor {
        guard let given else {
            guard output.count == 1 else {
                throw TensorError.shapeMismatch(
                    op: "backward",
                    detail: "output \(Shape.describe(output.shape)) has \(output.count) elements: reduce it to one"
                        + " (e.g. sum()) or pass a seed gradient of its shape")
            }
            return Tensor.ones(output.shape)
        }
        guard given.shape == output.shape else {
            throw TensorError.shapeMismatch(
                op: "backward",
                detail: "seed \(Shape.describe(given.shape)) for output \(Shape.describe(output.shape))")
        }
        return given
    }

    /// The gradient of a watched value from the latest replay, or nil when no gradient reached it.
    /// - Throws: `TensorError.notRecorded` when `x` is not a value watched on this tape.
    public func gradient(of x: Tensor) throws -> Tensor? {
        guard let slot = x.trace.slot(onTape: serial) else {
            throw TensorError.notRecorded(detail: "gradient(of:) needs a value returned by this tape's watch(_:)")
        }
        return state.withLock { $0.leafGradients[slot] }
    }

    func storeLeafGradients(_ gradients: [Int32: Tensor]) {
        state.withLock { $0.leafGradients = gradients }
    }

    /// Appends an entry if any input is traced on this tape; returns the first output slot, or nil if nothing
    /// was recorded.
    func append(
        op: String, scope: String, inputs: borrowing Operands, outputCount: Int, outputShape: (Int) -> [Int],
        saved: borrowing Operands, backward: @escaping Backward
    ) -> Int32? {
        state.withLock { state in
            let inputStart = state.inputSlots.count
            var anyTraced = false
            for i in 0..<inputs.count {
                guard let trace = inputs.trace(at: i), let shape = inputs.shape(at: i) else { continue }
                var slot = trace.slot(onTape: serial) ?? -1
                if slot < 0, let parameter = trace.parameter {
                    slot = state.slot(for: parameter)
                }
                anyTraced = anyTraced || slot >= 0
                state.inputSlots.append(slot)
                state.inputShapes.append(shape)
            }
            guard anyTraced else {
                state.inputSlots.removeSubrange(inputStart...)
                state.inputShapes.removeSubrange(inputStart...)
                return nil
            }
            let firstOutput = Int32(state.values.count)
            for i in 0..<outputCount {
                state.values.append(RecordedValue(shape: outputShape(i), parameter: nil))
            }
            let savedStart = state.saved.count
            for i in 0..<saved.count {
                guard let shape = saved.shape(at: i), let storage = saved.storage(at: i) else { continue }
                state.saved.append(Tensor(shape: shape, storage: storage))
                state.savedVersions.append(storage.version)
            }
            state.entries.append(
                TapeEntry(
                    op: op, scope: scope,
                    inputStart: Int32(inputStart), inputCount: Int32(state.inputSlots.count - inputStart),
                    firstOutput: firstOutput, outputCount: Int32(outputCount),
                    savedStart: Int32(savedStart), savedCount: Int32(state.saved.count - savedStart),
                    backward: backward))
            return firstOutput
        }
    }
}

extension Tape.State {
    /// The leaf slot of `parameter` on this tape, registering it on first use.
    mutating func slot(for parameter: Parameter) -> Int32 {
        let key = ObjectIdentifier(parameter)
        if let slot = parameterSlots[key] { return slot }
        values.append(RecordedValue(shape: parameter.shape, parameter: parameter))
        let slot = Int32(values.count - 1)
        parameterSlots[key] = slot
        return slot
    }
}

extension Tape.State {
    /// The displayable description of entry `index`.
    func info(ofEntry index: Int) -> TapeEntryInfo {
        let entry = entries[index]
        return TapeEntryInfo(
            index: index, op: entry.op, scope: entry.scope, inputShapes: Array(inputShapes[entry.inputs]),
            outputShapes: entry.outputs.map { values[$0].shape }, savedShapes: saved[entry.savedRange].map(\.shape))
    }
}
