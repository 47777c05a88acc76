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
    /// An operation ran outside every `record` scope (on a `Thread` or a `DispatchQueue`) on a value whose tape
    /// is still recording elsewhere: it would not be recorded, and the gradient through it would be lost.
    case recordingOnAnotherThread(op: String)
    /// A NaN or an infinity, found by `TapeOptions.stopsAtNonFinite` or by gradient clipping.
    case nonFinite(NonFiniteValue)
    /// The global gradient norm is NaN or infinite; `parameter` names the first parameter whose gradient holds
    /// a NaN or an infinity (nil when every element is finite and only the norm overflows).
    case nonFiniteGradientNorm(parameter: String?)

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
        case .recordingOnAnotherThread(let op):
            return "\(op): an input belongs to a tape that is recording on another thread or task; ops run outside"
                + " its record { } (a Thread, a DispatchQueue) are not recorded and would cut the gradient. Run them"
                + " inside record (TaskGroup children are fine), or use detached()/withoutRecording for a constant"
        case .nonFinite(let value): return "non-finite value at \(value)"
        case .nonFiniteGradientNorm(let parameter?):
            return "the gradient norm is not finite: parameter '\(parameter)' has a NaN or infinite gradient"
        case .nonFiniteGradientNorm(nil):
            return "the gradient norm is not finite: it overflows Float32 (every element is finite but huge)"
        }
    }
}

/// A NaN or an infinity found by `TapeOptions.stopsAtNonFinite` or a gradient check: where it is and what the
/// tensor looked like.
public struct NonFiniteValue: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Which tensor of the entry held it.
    public enum Location: Sendable, Equatable, Codable, CustomStringConvertible {
        /// Output `index`, while recording.
        case output(Int)
        /// The gradient the entry sent to input `index`, while replaying.
        case gradientToInput(Int)

        /// `output 0`, `gradient to input 1`.
        public var description: String {
            switch self {
            case .output(let index): return "output \(index)"
            case .gradientToInput(let index): return "gradient to input \(index)"
            }
        }
    }

    /// The entry.
    public let entry: TapeEntryInfo
    /// Which of its tensors.
    public let location: Location
    /// That tensor's statistics, including how many elements are NaN or infinite.
    public let statistics: TensorStatistics

    /// The value at `location` of `entry`, described by `statistics`.
    public init(entry: TapeEntryInfo, location: Location, statistics: TensorStatistics) {
        self.entry = entry
        self.location = location
        self.statistics = statistics
    }

    /// `entry #12 tanh in lstm.l1 (main.swift:40), shapes [2, 3] -> [2, 3]: output 0 has 1 NaN, 0 +Inf, 0 -Inf`.
    public var description: String {
        let scope = entry.scope.isEmpty ? "" : " in \(entry.scope)"
        let site = entry.site.map { " (\($0))" } ?? ""
        let inputs = entry.inputShapes.map(Shape.describe).joined(separator: ", ")
        let outputs = entry.outputShapes.map(Shape.describe).joined(separator: ", ")
        return "entry #\(entry.index) \(entry.op)\(scope)\(site), shapes \(inputs) -> \(outputs): \(location) has"
            + " \(statistics.nanCount) NaN, \(statistics.positiveInfinityCount) +Inf,"
            + " \(statistics.negativeInfinityCount) -Inf of \(statistics.count) elements"
    }
}
