import Runtime
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
    /// What this tape does beyond recording.
    public let options: TapeOptions
    private let state = Locked(TapeStatePool.take())

    private static let nextSerial = Atomic<UInt64>(1)

    struct State: Sendable {
        var entries: [TapeEntry] = []
        var values: [RecordedValue] = []
        /// Every entry's input slots (-1 for an untraced input) and shapes, back to back.
        var inputs: [RecordedInput] = []
        /// Every entry's saved values and their storage versions when saved, back to back.
        var saved: [Tensor] = []
        var savedVersions: [UInt32] = []
        var parameterSlots: [ObjectIdentifier: Int32] = [:]
        /// The parameters that are leaves of this tape, in the order they were first used.
        var parameters: [Parameter] = []
        /// The names given to `watch`, by slot.
        var watchedNames: [Int32: String] = [:]
        /// The module scopes entries were recorded in (`TapeEntry.scope` indexes this), and the serial of the
        /// recording context whose scope is the last of them (0 for none).
        var scopes: [String] = []
        var scopeOwner: UInt64 = 0
        /// With `TapeOptions.timesForward`: each entry's forward time in nanoseconds, and when the last one ended.
        var forwardNanoseconds: [UInt64] = []
        /// With `TapeOptions.recordsOutputStatistics`: each entry's output statistics, by entry.
        var outputStatistics: [Int: [TensorStatistics]] = [:]
        /// With `TapeOptions.recordsOutputHistograms`: each entry's output histograms, by entry.
        var outputHistograms: [Int: [ValueHistogram]] = [:]
        /// With `TapeOptions.recordsOutputStatistics`: the first entry whose output is not finite, with the
        /// statistics of its inputs' values (what made it).
        var firstNonFinite: (entry: Int, inputs: [TensorStatistics])?
        /// With `TapeOptions.recordsCallStacks`: each entry's call stack, by entry.
        var callStacks: [Int: Backtrace] = [:]
        var lastMark: UInt64 = 0
        /// Gradients of watched leaves from the latest replay.
        var leafGradients: [Int32: Tensor] = [:]
        /// A finished replay's per-slot gradient list, all nil, kept for the next replay (see `ReplayCursor`).
        var spareGradientSlots: [Tensor?] = []
        var released = false
    }

    /// A new, empty tape.
    public init(options: TapeOptions = []) {
        serial = Tape.nextSerial.add(1, ordering: .relaxed).newValue
        self.options = options
    }

    /// Runs `body` while this tape records every operation on traced values.
    ///
    /// Recording ends when `body` returns or throws; entries recorded before an error stay valid. Scopes nest:
    /// inside another tape's `record`, both tapes record; re-entering this tape's own `record` is harmless.
    /// Child tasks of a `TaskGroup` started inside record too; work handed to a `Thread` or a `DispatchQueue`
    /// does not, and an op there on a value this tape is recording throws `TensorError.recordingOnAnotherThread`.
    /// Entries without a creation site of their own in your code (operators such as `*`), outside any module
    /// call, take this call's `file` and `line`.
    public func record<R>(file: StaticString = #fileID, line: UInt = #line, _ body: () throws -> R) rethrows -> R {
        let outer = Recording.context
        if let outer, outer.isRecording(serial: serial) { return try body() }
        let context = enter(outer, site: CallSite(file, line))
        defer { Recording.end(serial) }
        return try Recording.$current.withValue(context) { try body() }
    }

    /// The `async` form of `record(_:)`; the recording follows the task, not the thread.
    public func record<R>(file: StaticString = #fileID, line: UInt = #line, _ body: () async throws -> R) async rethrows -> R {
        let outer = Recording.context
        if let outer, outer.isRecording(serial: serial) { return try await body() }
        let context = enter(outer, site: CallSite(file, line))
        defer { Recording.end(serial) }
        return try await Recording.$current.withValue(context) { try await body() }
    }

    private func enter(_ outer: RecordingContext?, site: CallSite) -> RecordingContext {
        Recording.begin(serial)
        if options.contains(.timesForward) { state.withLock { $0.lastMark = Clock.nanoseconds() } }
        let context = outer ?? .off
        return RecordingContext(
            tapes: context.tapes + [self], scope: context.scope, site: context.site ?? Recording.resolved(site, in: context))
    }

    /// Returns `x` marked as a leaf of this tape, so `gradient(of:)` can report its gradient after a replay.
    /// Parameters need no watching: they are leaves of every tape that uses them. `name` labels the value in
    /// tape views (`input 1`, `input 2`, ... by default).
    public func watch(_ x: Tensor, name: String? = nil) -> Tensor {
        let slot = state.withLock { state -> Int32 in
            state.values.append(RecordedValue(shape: x.dimensions))
            let slot = Int32(state.values.count - 1)
            state.watchedNames[slot] = name ?? "input \(state.watchedNames.count + 1)"
            return slot
        }
        var watched = x
        watched.trace = x.trace.adding(TraceMark(tape: serial, slot: slot))
        return watched
    }

    /// The number of recorded entries.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Descriptions of the recorded entries, in recording order. A replay without `keepTape` takes the
    /// recording over, after which this is empty: read `ReverseReplay.entries` then.
    public var entries: [TapeEntryInfo] {
        state.withLock { state in
            state.entries.indices.map { state.info(ofEntry: $0) }
        }
    }

    /// Replays the whole tape backward from `output` (a one-element loss unless `seed` is given).
    ///
    /// Parameter gradients accumulate into `Parameter.grad`; watched values' gradients are read with
    /// `gradient(of:)`. Unless `keepTape` is true the tape is released afterwards and a second replay throws.
    /// `observer`, when given, is called after each replayed entry with statistics of the gradients it
    /// received and sent (see `ReverseReplay.runToEnd(observer:)`).
    public func backward(
        from output: Tensor, seed: Tensor? = nil, keepTape: Bool = false, observer: ReplayObserver? = nil
    ) throws {
        let replay = try self.replay(from: output, seed: seed, keepTape: keepTape)
        try replay.runToEnd(observer: observer)
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
        return ReverseReplay(
            tape: self, recorded: recorded, start: start, seed: seed.detached(), keepsSaved: keepTape,
            checksFinite: options.contains(.stopsAtNonFinite))
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
            return Tensor.filled(1, output.dimensions)
        }
        guard given.dimensions == output.dimensions else {
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
        op: OpName, context: RecordingContext, site: CallSite?, inputs: borrowing Operands, outputCount: Int,
        outputShape: (Int) -> Dimensions, saved: borrowing Operands, backward: @escaping Backward
    ) -> Int32? {
        state.withLock { state -> Int32? in
            let inputStart = state.inputs.count
            var anyTraced = false
            for i in 0..<inputs.count {
                guard let trace = inputs.trace(at: i), let shape = inputs.dimensions(at: i) else { continue }
                let slot = state.slot(of: trace, onTape: serial)
                anyTraced = anyTraced || slot >= 0
                state.inputs.append(RecordedInput(slot: slot, shape: shape))
            }
            guard anyTraced else {
                state.inputs.removeSubrange(inputStart...)
                return nil
            }
            let savedStart = state.saved.count
            for i in 0..<saved.count {
                guard let shape = saved.dimensions(at: i), let storage = saved.storage(at: i) else { continue }
                state.save(shape: shape, storage: storage)
            }
            return state.appendEntry(
                op: op, scope: state.scopeIndex(of: context), site: site, inputStart: inputStart, outputCount: outputCount,
                outputShape: outputShape, savedStart: savedStart, rule: .closure(backward),
                timed: options.contains(.timesForward))
        }
    }

    /// `append` for an operation with one input and one output, which most are: the input and the saved value
    /// are read where they are, not copied into lists first.
    func append(
        op: OpName, context: RecordingContext, site: CallSite?, input: Tensor, output: Tensor, saving saved: OneInputSaved,
        rule: BackwardRule
    ) -> Int32? {
        state.withLock { state -> Int32? in
            let slot = state.slot(of: input.trace, onTape: serial)
            guard slot >= 0 else { return nil }
            let inputStart = state.inputs.count
            state.inputs.append(RecordedInput(slot: slot, shape: input.dimensions))
            let savedStart = state.saved.count
            switch saved {
            case .nothing: break
            case .input: state.save(shape: input.dimensions, storage: input.storage)
            case .output: state.save(shape: output.dimensions, storage: output.storage)
            }
            return state.appendEntry(
                op: op, scope: state.scopeIndex(of: context), site: site, inputStart: inputStart, outputCount: 1,
                outputShape: { _ in output.dimensions }, savedStart: savedStart, rule: rule,
                timed: options.contains(.timesForward))
        }
    }

    /// With `TapeOptions.recordsOutputStatistics`: keeps the statistics of output `index` of the entry whose
    /// outputs start at `firstOutput`.
    /// When it is the first output of the tape that is not finite, also keeps `inputs()`, the statistics of the
    /// entry's inputs, so that a debugger can show what produced it.
    func noteStatistics(
        of output: borrowing Tensor, index: Int, firstOutput: Int32, inputs: () -> [TensorStatistics]
    ) {
        let statistics = output.statistics()
        let histogram = options.contains(.recordsOutputHistograms) ? output.histogram() : nil
        let isFirstNonFinite = state.withLock { state -> Bool in
            guard let entry = state.entries.lastIndex(where: { $0.firstOutput == firstOutput }) else { return false }
            state.outputStatistics[entry, default: []].append(statistics)
            if let histogram { state.outputHistograms[entry, default: []].append(histogram) }
            return !statistics.isFinite && state.firstNonFinite == nil
        }
        guard isFirstNonFinite else { return }
        let inputStatistics = inputs()
        state.withLock { state in
            guard state.firstNonFinite == nil,
                let entry = state.entries.lastIndex(where: { $0.firstOutput == firstOutput })
            else { return }
            state.firstNonFinite = (entry, inputStatistics)
        }
    }

    /// With `TapeOptions.recordsCallStacks`: keeps the calling thread's stack for the entry whose outputs start
    /// at `firstOutput`.
    func noteCallStack(firstOutput: Int32) {
        guard let stack = PreciseSites.capture() else { return }
        state.withLock { state in
            guard let entry = state.entries.lastIndex(where: { $0.firstOutput == firstOutput }) else { return }
            state.callStacks[entry] = stack
        }
    }

    /// With `TapeOptions.stopsAtNonFinite`: throws `TensorError.nonFinite` when output `index` of the entry
    /// whose outputs start at `firstOutput` holds a NaN or an infinity.
    func checkFinite(_ output: borrowing Tensor, index: Int, firstOutput: Int32) throws {
        let statistics = output.statistics()
        guard !statistics.isFinite else { return }
        let info = state.withLock { state in
            state.info(ofEntry: state.entries.lastIndex { $0.firstOutput == firstOutput } ?? 0)
        }
        throw TensorError.nonFinite(NonFiniteValue(entry: info, location: .output(index), statistics: statistics))
    }
}

extension Tape.State {
    /// The slot of a value with `trace` on the tape `serial` (registering a parameter on first use), or -1 for
    /// a value the tape does not know: an untraced input.
    mutating func slot(of trace: Trace, onTape serial: UInt64) -> Int32 {
        if let slot = trace.slot(onTape: serial) { return slot }
        if let parameter = trace.parameter { return slot(for: parameter) }
        return -1
    }

    /// Keeps a value for backward, with its storage's version now.
    mutating func save(shape: Dimensions, storage: TensorStorage) {
        saved.append(Tensor(dimensions: shape, storage: storage))
        savedVersions.append(storage.version)
    }

    /// Appends the entry whose inputs and saved values were appended from `inputStart` and `savedStart` on, and
    /// its outputs; returns the first output's slot.
    mutating func appendEntry(
        op: OpName, scope: Int32, site: CallSite?, inputStart: Int, outputCount: Int, outputShape: (Int) -> Dimensions,
        savedStart: Int, rule: BackwardRule, timed: Bool
    ) -> Int32 {
        let firstOutput = Int32(values.count)
        for i in 0..<outputCount { values.append(RecordedValue(shape: outputShape(i))) }
        entries.append(
            TapeEntry(
                op: op, scope: scope, site: site,
                inputStart: Int32(inputStart), inputCount: Int32(inputs.count - inputStart),
                firstOutput: firstOutput, outputCount: Int32(outputCount),
                savedStart: Int32(savedStart), savedCount: Int32(saved.count - savedStart), rule: rule))
        if timed {
            let now = Clock.nanoseconds()
            forwardNanoseconds.append(now &- lastMark)
            lastMark = now
        }
        return firstOutput
    }
}

extension Tape.State {
    /// The index in `scopes` of `context`'s scope, added when the context changed since the last entry.
    mutating func scopeIndex(of context: RecordingContext) -> Int32 {
        if context.serial != scopeOwner {
            if scopes.last != context.scope { scopes.append(context.scope) }
            scopeOwner = context.serial
        }
        return Int32(scopes.count - 1)
    }

    /// The module scope entry `index` was recorded in.
    func scope(ofEntry index: Int) -> String { scopes[Int(entries.withUnsafeBufferPointer { $0[index].scope })] }

    /// The op of entry `index`, read in place: `entries[index].op` would copy (retain and release) the whole entry.
    func op(ofEntry index: Int) -> OpName { entries.withUnsafeBufferPointer { $0[index].op } }
}

extension Tape.State {
    /// The leaf slot of `parameter` on this tape, registering it on first use.
    mutating func slot(for parameter: Parameter) -> Int32 {
        let key = ObjectIdentifier(parameter)
        if let slot = parameterSlots[key] { return slot }
        parameters.append(parameter)
        values.append(RecordedValue(shape: Dimensions(parameter.shape), parameterIndex: Int32(parameters.count - 1)))
        let slot = Int32(values.count - 1)
        parameterSlots[key] = slot
        return slot
    }
}

extension Tape.State {
    /// The parameter whose value is in `slot`, if it holds one.
    func parameter(inSlot slot: Int32) -> Parameter? {
        let index = values.withUnsafeBufferPointer { $0[Int(slot)].parameterIndex }
        return index >= 0 ? parameters[Int(index)] : nil
    }
}

extension Tape.State {
    /// The displayable description of entry `index`.
    func info(ofEntry index: Int) -> TapeEntryInfo {
        info(ofEntry: index, savedShapes: saved[entries[index].savedRange].map(\.dimensions))
    }

    /// The description of entry `index`, given the shapes of its saved values (which a layout snapshot of the
    /// recording does not keep).
    func info(ofEntry index: Int, savedShapes: [Dimensions]) -> TapeEntryInfo {
        let entry = entries[index]
        var info = TapeEntryInfo(
            index: index, op: entry.op, scope: scopes[Int(entry.scope)],
            site: callStacks[index].flatMap(PreciseSites.site(of:)) ?? entry.site?.site,
            inputSources: inputs[entry.inputs].map { source(ofSlot: $0.slot) },
            inputShapes: inputs[entry.inputs].map(\.shape.array), outputShapes: entry.outputs.map { values[$0].shape.array },
            savedShapes: savedShapes.map(\.array),
            forwardNanoseconds: index < forwardNanoseconds.count ? forwardNanoseconds[index] : nil,
            outputStatistics: outputStatistics[index],
            inputStatistics: firstNonFinite?.entry == index ? firstNonFinite?.inputs : nil)
        info.outputHistograms = outputHistograms[index]
        return info
    }
}

extension Tape.State {
    /// Where the value in `slot` came from (-1: an untraced input).
    func source(ofSlot slot: Int32) -> ValueSource {
        guard slot >= 0, Int(slot) < values.count else { return .constant }
        if let parameter = parameter(inSlot: slot) { return .parameter(name: parameter.name) }
        if let name = watchedNames[slot] { return .watched(name: name) }
        // Entries are in slot order: find the last one whose outputs start at or before `slot`.
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].firstOutput <= slot { low = middle + 1 } else { high = middle }
        }
        let index = low - 1
        guard index >= 0, entries[index].outputs.contains(Int(slot)) else { return .constant }
        return .entry(index: index, output: Int(slot - entries[index].firstOutput))
    }
}
