import Autobw

/// A model with its data, as a session trains it.
///
/// `loss(step:)` runs inside the session's recording and must not change anything the next call depends on:
/// the session records a step a second time to find where it diverged. State carried between steps (an LSTM's
/// hidden state) moves on only in `commit(step:)`, once the step is done.
protocol TrainingProblem: AnyObject {
    /// The model whose parameters train.
    var model: Module { get }
    /// Examples (or characters) one step trains on, for samples per second.
    var samplesPerStep: Int { get }
    /// The loss of step `step`.
    func loss(step: Int) throws -> Tensor
    /// Carries state from the step just finished to the next.
    func commit(step: Int)
    /// A text sample from the model, for text presets; nil for the others.
    func sample(length: Int, seed: UInt64) throws -> String?
    /// The loss (and accuracy, for classifiers) on held-out data; nil without any.
    func evaluate() throws -> Evaluation?
    /// What a checkpoint needs besides tensors to rebuild the model alone (e.g. a text model's vocabulary).
    var checkpointNotes: [String: String] { get }
    /// State carried into the next step, by name, for checkpoints.
    var carriedState: [String: Tensor] { get }
    /// `carriedState` of every process of `group` together, as one process would hold it (for checkpoints).
    func gatheredState(_ group: ProcessGroup) throws -> [String: Tensor]
    /// One line on what the data turned out to be (rows, features, the label and its classes), for data read
    /// from a file; nil otherwise.
    var dataSummary: String? { get }
    /// Restores state saved from `carriedState`.
    /// - Throws: `TrainerError.badData` when it does not fit.
    func restore(_ state: [String: Tensor]) throws
    /// The weight decay the optimizer applies when the run names none (0 by default).
    var defaultWeightDecay: Float { get }
}

extension TrainingProblem {
    func commit(step: Int) {}
    func evaluate() throws -> Evaluation? { nil }
    var checkpointNotes: [String: String] { [:] }
    var carriedState: [String: Tensor] { [:] }
    func gatheredState(_ group: ProcessGroup) throws -> [String: Tensor] { carriedState }
    func restore(_ state: [String: Tensor]) throws {}
    func sample(length: Int, seed: UInt64) throws -> String? { nil }
    var dataSummary: String? { nil }
    var defaultWeightDecay: Float { 0 }
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
