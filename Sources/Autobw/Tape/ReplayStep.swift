/// What one replay step did: the entry, the gradient it received, and what it sent to each input.
///
/// Every tensor here is a snapshot: later steps, the optimizer and further accumulation do not change it, so a
/// step can be handed to another thread and kept.
public struct ReplayStep: Sendable {
    let layout: RecordingLayout
    let index: Int
    /// The gradients as the replay reported them, moved here whole: copying them out one by one cost stepping
    /// a retain and a release each.
    let gradients: TensorReporter

    init(layout: RecordingLayout, index: Int, gradients: consuming TensorReporter, parameterGradients: [ParameterGradient]) {
        self.layout = layout
        self.index = index
        self.gradients = gradients
        self.parameterGradients = parameterGradients
    }

    /// The position on the tape of the entry that was replayed: `entry.index`, without building the description.
    public var entryIndex: Int { index }

    /// The entry that was replayed.
    public var entry: TapeEntryInfo {
        let entry = layout.recording.entries[index]
        return layout.recording.info(ofEntry: index, savedShapes: Array(layout.savedShapes[entry.savedRange]))
    }

    /// The gradient of each of its outputs.
    public var incoming: [Tensor] { gradients.incoming }
    /// The gradient it sent to each input (nil for untraced inputs).
    public var sent: [Tensor?] { gradients.sent }
    /// For each parameter among the entry's inputs, the gradient accumulated in this replay so far
    /// (including this step's contribution).
    public let parameterGradients: [ParameterGradient]

    /// Statistics of `incoming` and `sent`, as an observer of `runToEnd` receives them.
    public var report: EntryGradientReport {
        // The op and scope straight from the recording: `entry` builds a whole description each time.
        let summaries = gradients.summaries
        return EntryGradientReport(
            entryIndex: index, op: layout.recording.op(ofEntry: index), scope: layout.recording.scope(ofEntry: index),
            incoming: summaries.incoming, sent: summaries.sent)
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

/// A parameter's gradient, by the parameter's name.
public struct ParameterGradient: Sendable {
    /// The parameter's name (`lstm.l1.wx`).
    public let name: String
    /// The gradient; later accumulation does not change it.
    public let gradient: Tensor
}

/// The entries, values and shapes of a recording, frozen: what step descriptions are built from.
final class RecordingLayout: Sendable {
    let recording: Tape.State
    /// The shapes of the saved values, indexed like `Tape.State.saved`.
    /// As plain data: building an array per saved value up front cost stepping more than the step itself.
    let savedShapes: [Dimensions]

    init(recording: Tape.State, savedShapes: [Dimensions]) {
        self.recording = recording
        self.savedShapes = savedShapes
    }
}
