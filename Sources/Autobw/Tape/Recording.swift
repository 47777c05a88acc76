/// The tapes recording in the current task or thread, and the module scope operations run in.
///
/// Held in a task-local value, so recording is scoped by construction: it ends when the `record` closure
/// returns or throws, nested scopes restore the outer state, and other threads and tasks are unaffected
/// (failure mode 5).
struct RecordingContext: Sendable {
    var tapes: [Tape] = []
    /// Dotted module path, e.g. `lstm.l1.t12`.
    var scope: String = ""

    func isRecording(serial: UInt64) -> Bool { tapes.contains { $0.serial == serial } }
}

enum Recording {
    @TaskLocal static var context: RecordingContext?

    /// Appends one entry to every recording tape on which some input is traced, and marks the outputs.
    ///
    /// Inputs traced on a tape that is not recording here are rejected: using them would cut the gradient
    /// without a word (failure mode 3).
    static func append(
        op: String, inputs: [Tensor], outputs: [Tensor], saved: [Tensor],
        backward: @escaping Backward, context: RecordingContext
    ) throws -> [Tensor] {
        for input in inputs {
            let marks = input.trace.marks
            if !marks.isEmpty && !marks.contains(where: { context.isRecording(serial: $0.tape) }) {
                throw TensorError.valueFromInactiveTape(op: op)
            }
        }
        var outputs = outputs
        for tape in context.tapes {
            guard let slots = tape.append(
                op: op, scope: context.scope, inputs: inputs, outputs: outputs, saved: saved, backward: backward)
            else { continue }
            for (i, slot) in slots.enumerated() {
                outputs[i].trace = outputs[i].trace.adding(TraceMark(tape: tape.serial, slot: slot))
            }
        }
        return outputs
    }
}

/// Runs `body` with no tape recording: operations inside produce untracked values.
public func withoutRecording<R>(_ body: () throws -> R) rethrows -> R {
    try Recording.$context.withValue(nil) { try body() }
}

/// Runs `body` with tape entries labelled by `name` appended to the current module scope (`outer.name`).
///
/// Modules call this for you; use it directly to label loop iterations, e.g. `t12` for a timestep.
public func withScope<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
    guard var context = Recording.context else { return try body() }
    context.scope = context.scope.isEmpty ? name : context.scope + "." + name
    return try Recording.$context.withValue(context) { try body() }
}

extension Tensor {
    /// Records `self` as the output of `op` on every tape recording here, if any input is traced.
    ///
    /// The arguments are autoclosures so that nothing (not even the backward closure) is built when no tape
    /// is recording.
    func recorded(
        _ op: String, inputs: @autoclosure () -> [Tensor], saving: @autoclosure () -> [Tensor] = [],
        backward: @autoclosure () -> Backward
    ) throws -> Tensor {
        guard let context = Recording.context else { return self }
        return try Recording.append(
            op: op, inputs: inputs(), outputs: [self], saved: saving(), backward: backward(), context: context)[0]
    }

    /// Records several outputs of one operation as one entry (e.g. `split`).
    static func recorded(
        _ op: String, outputs: [Tensor], inputs: @autoclosure () -> [Tensor],
        saving: @autoclosure () -> [Tensor] = [], backward: @autoclosure () -> Backward
    ) throws -> [Tensor] {
        guard let context = Recording.context else { return outputs }
        return try Recording.append(
            op: op, inputs: inputs(), outputs: outputs, saved: saving(), backward: backward(), context: context)
    }
}
