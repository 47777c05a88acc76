import Autobw

/// A model with its data, as a `TrainingSession` trains it: the contract between your model and autobw's
/// trainer, UI and debugger. The presets are conformers like any other.
///
/// - `loss(step:)` records the forward pass of step `step` (the session calls it inside a tape's `record`) and
///   returns the scalar loss. It must be **repeatable**: called again with the same step and the same parameters,
///   it records the same entries and returns the same loss, because the session records a step a second time
///   to find where it diverged (and the debugger reopens past steps). Draw a step's random numbers from a
///   generator seeded by the step, not from one that advances between calls.
/// - State carried from one step to the next (an RNN's hidden state, a data cursor) moves on only in
///   `commit(step:)`, which the session calls once the step's update is done.
/// - The rest is optional: held-out evaluation, text samples, a one-line data summary, and what a checkpoint
///   must keep besides the parameters (`carriedState`, `restore(_:)`, `checkpointNotes`).
///
/// A session uses a problem from one thread at a time; the UI trains on a thread of its own, so a problem handed
/// to it must not be used elsewhere meanwhile.
public protocol TrainingProblem: AnyObject {
    /// The model whose parameters train.
    var model: Module { get }
    /// Examples (or characters) one step trains on, for samples per second.
    var samplesPerStep: Int { get }
    /// The loss of step `step`; repeatable (see the protocol's discussion).
    func loss(step: Int) throws -> Tensor
    /// Carries state from the step just finished to the next (nothing by default).
    func commit(step: Int)
    /// A text sample from the model, for text models; nil by default.
    func sample(length: Int, seed: UInt64) throws -> String?
    /// The loss (and accuracy, for classifiers) on held-out data; nil (the default) without any.
    func evaluate() throws -> Evaluation?
    /// What a checkpoint needs besides tensors to rebuild the model alone (e.g. a text model's vocabulary); a
    /// resumed session must have the same notes. Empty by default.
    var checkpointNotes: [String: String] { get }
    /// State carried into the next step, by name, for checkpoints; empty by default.
    var carriedState: [String: Tensor] { get }
    /// `carriedState` of every process of `group` together, as one process would hold it (for checkpoints).
    func gatheredState(_ group: ProcessGroup) throws -> [String: Tensor]
    /// One line on what the data turned out to be (rows, features, the label and its classes), for data read
    /// from a file; nil by default.
    var dataSummary: String? { get }
    /// Restores state saved from `carriedState`.
    /// - Throws: `TrainerError.badData` when it does not fit.
    func restore(_ state: [String: Tensor]) throws
}

extension TrainingProblem {
    /// Nothing is carried.
    public func commit(step: Int) {}
    /// No held-out data.
    public func evaluate() throws -> Evaluation? { nil }
    /// No notes.
    public var checkpointNotes: [String: String] { [:] }
    /// No carried state.
    public var carriedState: [String: Tensor] { [:] }
    /// This process's `carriedState`.
    public func gatheredState(_ group: ProcessGroup) throws -> [String: Tensor] { carriedState }
    /// Nothing to restore.
    public func restore(_ state: [String: Tensor]) throws {}
    /// No samples.
    public func sample(length: Int, seed: UInt64) throws -> String? { nil }
    /// No summary.
    public var dataSummary: String? { nil }
}

extension Preset {
    /// The problem this preset trains, built from `configuration`.
    func makeProblem(_ configuration: TrainingConfiguration) throws -> TrainingProblem {
        switch self {
        case .charLSTM: return try CharLSTMProblem(configuration)
        case .rnnSine: return try SineProblem(configuration)
        case .mlp: return try TableProblem(configuration)
        case .coinFlip: return try CoinFlipProblem(configuration)
        }
    }
}
