/// Everything the engine reports instead of trapping: bad shapes and arguments, and misuse of a tape.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Shapes that an operation cannot combine, e.g. `[2, 3] + [4]`.
    case shapeMismatch(op: String, detail: String)
    /// An argument out of its range: an axis, an index, a count.
    case invalidArgument(op: String, detail: String)
    /// A value saved for backward was written in place after it was saved (for example an optimizer step
    /// between forward and backward). `op` and `scope` name the recorded entry that needed it.
    case savedValueModified(op: String, scope: String)
    /// An operation ran while a tape was recording, on a value recorded by a different tape that is not
    /// recording here (typically last step's hidden state). `detach()` it to use it as a constant.
    case valueFromInactiveTape(op: String)
    /// `backward`/`gradient` was asked about a value this tape did not record.
    case notRecorded(detail: String)
    /// The tape was already replayed and released; pass `keepTape: true` to replay it again.
    case tapeAlreadyReplayed
    /// A tracked value's storage was about to be written in place, which would silently corrupt its gradient.
    case mutatingRecordedValue
    /// A custom operation's backward returned gradients that do not fit its inputs.
    case badCustomGradient(op: String, detail: String)

    public var description: String {
        switch self {
        case .shapeMismatch(let op, let detail): return "\(op): shape mismatch: \(detail)"
        case .invalidArgument(let op, let detail): return "\(op): invalid argument: \(detail)"
        case .savedValueModified(let op, let scope):
            let place = scope.isEmpty ? "" : " in scope '\(scope)'"
            return "\(op)\(place): a value it saved for backward was modified in place before backward ran"
                + " (was a parameter updated between forward and backward?)"
        case .valueFromInactiveTape(let op):
            return "\(op): an input was recorded by a tape that is not recording here (a previous step's value?);"
                + " call detach() on it to use it as a constant"
        case .notRecorded(let detail): return "not recorded on this tape: \(detail)"
        case .tapeAlreadyReplayed:
            return "this tape was already replayed and released; record again, or pass keepTape: true to replay twice"
        case .mutatingRecordedValue:
            return "cannot write in place into a value recorded on a tape; detach() it first"
        case .badCustomGradient(let op, let detail): return "\(op): backward returned bad gradients: \(detail)"
        }
    }
}
