/// The tapes recording in the current task or thread, and the module scope operations run in.
///
/// Held in a task-local value, so recording is scoped by construction: it ends when the `record` closure
/// returns or throws, nested scopes restore the outer state, and other threads and tasks are unaffected
/// (failure mode 5). A class, so reading it on every operation costs one retain.
final class RecordingContext: Sendable {
    let tapes: [Tape]
    /// Dotted module path, e.g. `lstm.l1.t12`.
    let scope: String

    init(tapes: [Tape], scope: String) {
        self.tapes = tapes
        self.scope = scope
    }

    func isRecording(serial: UInt64) -> Bool { tapes.contains { $0.serial == serial } }
}

enum Recording {
    @TaskLocal static var context: RecordingContext?

    /// Appends one entry to every recording tape on which some input is traced, and marks the outputs.
    ///
    /// Inputs traced on a tape that is not recording here are rejected: using them would cut the gradient
    /// without a word (failure mode 3).
    static func append(
        op: String, inputs: borrowing Operands, outputs: inout Operands, saved: borrowing Operands,
        backward: @escaping Backward, context: RecordingContext
    ) throws {
        try checkInputsAreRecordedHere(op: op, inputs: inputs, context: context)
        for tape in context.tapes {
            let first = tape.append(
                op: op, scope: context.scope, inputs: inputs, outputCount: outputs.count,
                outputShape: { outputs[$0]?.shape ?? [] }, saved: saved, backward: backward)
            guard let first else { continue }
            for i in 0..<outputs.count { outputs.mark(i, TraceMark(tape: tape.serial, slot: first + Int32(i))) }
        }
    }

    /// `append` for the common single-output operation, marking `output` in place.
    static func append(
        op: String, inputs: borrowing Operands, output: inout Tensor, saved: borrowing Operands,
        backward: @escaping Backward, context: RecordingContext
    ) throws {
        try checkInputsAreRecordedHere(op: op, inputs: inputs, context: context)
        for tape in context.tapes {
            let shape = output.shape
            let slot = tape.append(
                op: op, scope: context.scope, inputs: inputs, outputCount: 1, outputShape: { _ in shape },
                saved: saved, backward: backward)
            guard let slot else { continue }
            output.trace = output.trace.adding(TraceMark(tape: tape.serial, slot: slot))
        }
    }

    private static func checkInputsAreRecordedHere(
        op: String, inputs: borrowing Operands, context: RecordingContext
    ) throws {
        for i in 0..<inputs.count {
            if let trace = inputs.trace(at: i), trace.isRecordedOnlyOutside(context.isRecording) {
                throw TensorError.valueFromInactiveTape(op: op)
            }
        }
    }
}

/// Runs `body` with no tape recording: operations inside produce untracked values.
public func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
    if Recording.context == nil { return try body() }
    return try Recording.$context.withValue(nil) { try body() }
}

/// Runs `body` with tape entries labelled by `name` appended to the current module scope (`outer.name`).
///
/// Modules call this for you; use it directly to label loop iterations, e.g. `t12` for a timestep.
public func withScope<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
    guard let context = Recording.context else { return try body() }
    let scope = context.scope.isEmpty ? name : context.scope + "." + name
    return try Recording.$context.withValue(RecordingContext(tapes: context.tapes, scope: scope)) { try body() }
}

extension Tensor {
    /// Records `self` as the output of `op` on every tape recording here, if any input is traced.
    ///
    /// The arguments are autoclosures so that nothing (not even the backward closure) is built when no tape
    /// is recording.
    consuming func recorded(
        _ op: String, inputs: @autoclosure () -> Operands, saving: @autoclosure () -> Operands = Operands(),
        backward: @autoclosure () -> Backward
    ) throws -> Tensor {
        guard let context = Recording.context else { return self }
        var output = self
        let inputs = inputs(), saved = saving()
        try Recording.append(
            op: op, inputs: inputs, output: &output, saved: saved, backward: backward(), context: context)
        return output
    }

    /// Records several outputs of one operation as one entry (e.g. `split`).
    static func recorded(
        _ op: String, outputs: [Tensor], inputs: @autoclosure () -> Operands,
        saving: @autoclosure () -> Operands = Operands(), backward: @autoclosure () -> Backward
    ) throws -> [Tensor] {
        guard let context = Recording.context else { return outputs }
        var marked = Operands(outputs)
        try Recording.append(
            op: op, inputs: inputs(), outputs: &marked, saved: saving(), backward: backward(), context: context)
        return marked.list.compactMap { $0 }
    }
}
