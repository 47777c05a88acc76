import Synchronization

/// The tapes recording in the current task or thread, the module scope operations run in, and the call site
/// of the innermost module call.
///
/// Held in a task-local value, so recording is scoped by construction: it ends when the `record` closure
/// returns or throws, nested scopes restore the outer state, and other threads and tasks are unaffected
/// (failure mode 5). A class, so reading it on every operation costs one retain.
final class RecordingContext: Sendable {
    let tapes: [Tape]
    /// Dotted module path, e.g. `lstm.l1.t12`.
    let scope: String
    /// Where the innermost module (or `withScope`) was called from.
    let site: CallSite?
    /// True only for `outside`.
    let isOutside: Bool
    /// Unique among the contexts of the process (from 1), so a tape can tell that the context changed without
    /// holding on to it: holding it would hold the tapes it names, the tape itself among them.
    let serial: UInt64

    private static let nextSerial = Atomic<UInt64>(0)

    init(tapes: [Tape], scope: String, site: CallSite?, isOutside: Bool = false) {
        self.tapes = tapes
        self.scope = scope
        self.site = site
        self.isOutside = isOutside
        serial = RecordingContext.nextSerial.add(1, ordering: .relaxed).newValue
    }

    /// Inside `withoutRecording`: nothing records, on purpose.
    static let off = RecordingContext(tapes: [], scope: "", site: nil)

    /// Outside every `record` and `withoutRecording`.
    static let outside = RecordingContext(tapes: [], scope: "", site: nil, isOutside: true)

    func isRecording(serial: UInt64) -> Bool { tapes.contains { $0.serial == serial } }
}

/// What an operation with one input keeps for its backward rule.
enum OneInputSaved {
    /// Nothing: the rule needs only the incoming gradient (and what its closure captured).
    case nothing
    /// The input, read back as `ctx.saved[0]`.
    case input
    /// The output, read back as `ctx.saved[0]`.
    case output
}

enum Recording {
    /// The context, `RecordingContext.outside` for none. Not optional: reading a task-local optional copies it
    /// through generic value witnesses, about 100 instructions on every recorded op (callgrind, W3).
    @TaskLocal static var current: RecordingContext = .outside

    /// The context of the innermost `record`, `withoutRecording` or `withScope` around this code, if any.
    static var context: RecordingContext? {
        let context = current
        return context.isOutside ? nil : context
    }

    /// The serials of tapes whose `record` is running somewhere in the process, with their nesting depth.
    private static let active = Locked<[UInt64: Int]>([:])
    /// `active.count`, readable without the lock: the common case (nothing records anywhere) costs one load.
    private static let activeCount = Atomic<Int>(0)

    /// True while some tape's `record` runs anywhere in the process; when false, no scope here can be
    /// recording, and reading the task-local context can be skipped.
    static var anyTapeRecording: Bool { activeCount.load(ordering: .relaxed) > 0 }

    static func begin(_ serial: UInt64) {
        active.withLock { active in
            active[serial, default: 0] += 1
            activeCount.store(active.count, ordering: .relaxed)
        }
    }

    static func end(_ serial: UInt64) {
        active.withLock { active in
            let depth = (active[serial] ?? 1) - 1
            active[serial] = depth > 0 ? depth : nil
            activeCount.store(active.count, ordering: .relaxed)
        }
    }

    /// Appends one entry to every recording tape on which some input is traced, and marks the outputs.
    ///
    /// Inputs traced on a tape that is not recording here are rejected: using them would cut the gradient
    /// without a word (failure mode 3).
    static func append(
        op: OpName, site: CallSite?, inputs: borrowing Operands, outputs: inout Operands, saved: borrowing Operands,
        backward: @escaping Backward, context: RecordingContext
    ) throws {
        try checkInputsAreRecordedHere(op: op, inputs: inputs, context: context)
        let site = resolved(site, in: context)
        for tape in context.tapes {
            let first = tape.append(
                op: op, context: context, site: site, inputs: inputs, outputCount: outputs.count,
                outputShape: { outputs.dimensions(at: $0) ?? .scalar }, saved: saved, backward: backward)
            guard let first else { continue }
            for i in 0..<outputs.count { outputs.mark(i, TraceMark(tape: tape.serial, slot: first + Int32(i))) }
            if tape.options.contains(.recordsOutputStatistics) {
                for i in 0..<outputs.count {
                    if let output = outputs[i] {
                        tape.noteStatistics(of: output, index: i, firstOutput: first) { inputs.statistics }
                    }
                }
            }
            if tape.options.contains(.recordsCallStacks) { tape.noteCallStack(firstOutput: first) }
            if tape.options.contains(.stopsAtNonFinite) {
                for i in 0..<outputs.count {
                    if let output = outputs[i] { try tape.checkFinite(output, index: i, firstOutput: first) }
                }
            }
        }
    }

    /// `append` for the common single-output operation, marking `output` in place.
    static func append(
        op: OpName, site: CallSite?, inputs: borrowing Operands, output: inout Tensor, saved: borrowing Operands,
        backward: @escaping Backward, context: RecordingContext
    ) throws {
        try checkInputsAreRecordedHere(op: op, inputs: inputs, context: context)
        let site = resolved(site, in: context)
        for tape in context.tapes {
            let shape = output.dimensions
            let slot = tape.append(
                op: op, context: context, site: site, inputs: inputs, outputCount: 1, outputShape: { _ in shape },
                saved: saved, backward: backward)
            guard let slot else { continue }
            try mark(&output, slot: slot, on: tape) { inputs.statistics }
        }
    }

    /// `append` for an operation with one input and one output.
    static func append(
        op: OpName, site: CallSite?, input: Tensor, output: inout Tensor, saving saved: OneInputSaved,
        rule: BackwardRule, context: RecordingContext
    ) throws {
        if input.trace.isRecordedOnlyOutside(context.isRecording) { throw TensorError.valueFromInactiveTape(op: op.rawValue) }
        let site = resolved(site, in: context)
        for tape in context.tapes {
            let slot = tape.append(
                op: op, context: context, site: site, input: input, output: output, saving: saved, rule: rule)
            guard let slot else { continue }
            try mark(&output, slot: slot, on: tape) { [input.statistics()] }
        }
    }

    /// Marks `output` as the value in `slot` of `tape`, and applies the tape's checks to it; `inputStatistics`
    /// are computed only for the first output that is not finite.
    private static func mark(
        _ output: inout Tensor, slot: Int32, on tape: Tape, inputStatistics: () -> [TensorStatistics]
    ) throws {
        output.trace = output.trace.adding(TraceMark(tape: tape.serial, slot: slot))
        // A tape without options (training's) checks nothing more: one test per op, not one per option.
        guard !tape.options.isEmpty else { return }
        if tape.options.contains(.recordsCallStacks) { tape.noteCallStack(firstOutput: slot) }
        if tape.options.contains(.recordsOutputStatistics) {
            tape.noteStatistics(of: output, index: 0, firstOutput: slot, inputs: inputStatistics)
        }
        if tape.options.contains(.stopsAtNonFinite) { try tape.checkFinite(output, index: 0, firstOutput: slot) }
    }

    /// The op's own site when it was called from outside the engine, else the innermost module call's.
    @inline(__always)
    static func resolved(_ site: CallSite?, in context: RecordingContext) -> CallSite? {
        guard let site, !site.isInsideEngine else { return context.site }
        return site
    }

    private static func checkInputsAreRecordedHere(
        op: OpName, inputs: borrowing Operands, context: RecordingContext
    ) throws {
        for i in 0..<inputs.count {
            if let trace = inputs.trace(at: i), trace.isRecordedOnlyOutside(context.isRecording) {
                throw TensorError.valueFromInactiveTape(op: op.rawValue)
            }
        }
    }

    /// Rejects an op that runs outside every `record` scope (another thread, a `DispatchQueue`) on a value
    /// whose tape is still recording elsewhere: its result would join the loss with no path back, halving a
    /// gradient without a word.
    static func checkNotRecordingElsewhere(op: OpName, inputs: () -> Operands) throws {
        guard activeCount.load(ordering: .relaxed) > 0 else { return }
        let inputs = inputs()
        for i in 0..<inputs.count {
            guard let trace = inputs.trace(at: i), !trace.isUntracked else { continue }
            let recording = active.withLock { active in trace.serials.contains { active[$0] != nil } }
            if recording { throw TensorError.recordingOnAnotherThread(op: op.rawValue) }
        }
    }
}

/// Runs `body` with no tape recording: operations inside produce untracked values.
public func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
    if Recording.context === RecordingContext.off { return try body() }
    return try Recording.$current.withValue(.off) { try body() }
}

/// Runs `body` with tape entries labelled by `name` appended to the current module scope (`outer.name`).
///
/// Modules call this for you; use it directly to label loop iterations, e.g. `t12` for a timestep. Entries
/// inside without a creation site of their own in your code (operators) show this call's `file` and `line`.
public func withScope<R>(
    _ name: String, file: StaticString = #fileID, line: UInt = #line, _ body: () throws -> R
) rethrows -> R {
    guard let context = Recording.context, !context.tapes.isEmpty else { return try body() }
    let scope = context.scope.isEmpty ? name : context.scope + "." + name
    let site = Recording.resolved(CallSite(file, line), in: context)
    return try Recording.$current.withValue(RecordingContext(tapes: context.tapes, scope: scope, site: site)) {
        try body()
    }
}

extension Tensor {
    /// Records `self` as the output of `op` on every tape recording here, if any input is traced.
    ///
    /// The arguments are autoclosures so that nothing (not even the backward closure) is built when no tape
    /// is recording.
    consuming func recorded(
        _ op: OpName, at site: CallSite? = nil, inputs: @autoclosure () -> Operands,
        saving: @autoclosure () -> Operands = Operands(), backward: @autoclosure () -> Backward
    ) throws -> Tensor {
        guard let context = Recording.context else {
            try Recording.checkNotRecordingElsewhere(op: op, inputs: inputs)
            return self
        }
        guard !context.tapes.isEmpty else { return self }
        var output = self
        let inputs = inputs(), saved = saving()
        try Recording.append(
            op: op, site: site, inputs: inputs, output: &output, saved: saved, backward: backward(), context: context)
        return output
    }

    /// `recorded` for an operation with one input, which most are: the input is read where it is, not copied
    /// into a list, and `saving` names the one value kept for backward, if any.
    consuming func recorded(
        _ op: OpName, at site: CallSite? = nil, input: Tensor, saving: OneInputSaved = .nothing,
        backward: @autoclosure () -> Backward
    ) throws -> Tensor {
        try recorded(op, at: site, input: input, saving: saving, rule: .closure(backward()))
    }

    /// `recorded` for an elementwise operation with one input whose backward rewrites the incoming gradient in
    /// place, element by element: `gradient(g, s, n, c)` gets the gradient's elements, those of the value kept by
    /// `saving` (the gradient's own when nothing is kept), the element count and `constant`.
    consuming func recorded(
        _ op: OpName, at site: CallSite? = nil, input: Tensor, saving: OneInputSaved = .nothing, constant: Float = 0,
        pointwise gradient: PointwiseGradient
    ) throws -> Tensor {
        try recorded(op, at: site, input: input, saving: saving, rule: .pointwise(gradient, constant: constant))
    }

    /// `recorded` for an operation with one input whose gradient is the incoming gradient unchanged.
    consuming func recordedPassingGradientThrough(_ op: OpName, at site: CallSite? = nil, input: Tensor) throws -> Tensor {
        try recorded(op, at: site, input: input, saving: .nothing, rule: .identity)
    }

    @inline(__always)
    private consuming func recorded(
        _ op: OpName, at site: CallSite?, input: Tensor, saving: OneInputSaved, rule: @autoclosure () -> BackwardRule
    ) throws -> Tensor {
        guard let context = Recording.context else {
            try Recording.checkNotRecordingElsewhere(op: op, inputs: { Operands(input) })
            return self
        }
        guard !context.tapes.isEmpty else { return self }
        var output = self
        try Recording.append(
            op: op, site: site, input: input, output: &output, saving: saving, rule: rule(), context: context)
        return output
    }

    /// Records several outputs of one operation as one entry (e.g. `split`).
    static func recorded(
        _ op: OpName, at site: CallSite? = nil, outputs: [Tensor], inputs: @autoclosure () -> Operands,
        saving: @autoclosure () -> Operands = Operands(), backward: @autoclosure () -> Backward
    ) throws -> [Tensor] {
        guard let context = Recording.context else {
            try Recording.checkNotRecordingElsewhere(op: op, inputs: inputs)
            return outputs
        }
        guard !context.tapes.isEmpty else { return outputs }
        var marked = Operands(outputs)
        try Recording.append(
            op: op, site: site, inputs: inputs(), outputs: &marked, saved: saving(), backward: backward(),
            context: context)
        return marked.list.compactMap { $0 }
    }
}
