/// Everything a training run is built from: the preset, its data, and the hyperparameters a user may change.
/// A nil hyperparameter means "the preset's default".
public struct TrainingConfiguration: Sendable, Equatable {
    /// The model and data to train.
    public var preset: Preset = .charLSTM
    /// A data file for presets that accept one (a UTF-8 text for `char-lstm`); nil for the built-in data.
    public var dataPath: String?
    /// Seed for initialisation, data order and sampling: equal seeds give equal runs.
    public var seed: UInt64 = 1
    /// OpenBLAS threads.
    public var threads = 1
    /// Step size; nil for the preset's.
    public var learningRate: Float?
    /// Optimizer; nil for the preset's.
    public var optimizer: OptimizerKind?
    /// Sequences or examples per step; nil for the preset's.
    public var batchSize: Int?
    /// Hidden units per layer; nil for the preset's.
    public var hiddenSize: Int?
    /// Recurrent or hidden layers; nil for the preset's.
    public var layerCount: Int?
    /// Characters per sequence (text presets); nil for the preset's.
    public var sequenceLength: Int?
    /// The labels file of IDX images (MNIST); nil when `dataPath` is a CSV file or a folder with MNIST's files.
    public var labelsPath: String?
    /// The label column of a CSV file, by header name or 1-based position; nil for the last.
    public var labelColumn: String?
    /// What a table's label is learned as; nil to decide from the labels (and ask when they could be either).
    public var task: LearningTask?
    /// The fraction of a table's rows held out for validation; nil for none.
    public var validationFraction: Double?
    /// Weight decay (an L2 penalty for sgd, momentum and adam; decoupled for adamw); nil for the problem's own
    /// default (see `TableProblem.defaultWeightDecay`; adamw's 0.01 where that is 0).
    public var weightDecay: Float?
    /// Gradient clipping: every element to `-clip...clip` for `char-lstm` (char-rnn's rule), the global norm
    /// for the others; nil for the preset's, 0 for none.
    public var clip: Float?
    /// This process's share of each global batch in a data-parallel run; the whole batch by default.
    public var shard = Shard()

    /// The defaults.
    public init() {}

    /// Largest accepted sizes, one at a time: far beyond what trains on one machine in reasonable time. Together
    /// they could still exceed memory; `checkFitsInMemory` refuses those.
    static let maximumSize = 1 << 16
    static let maximumHidden = 8192

    /// Checks every value a user can set; the first bad one is named.
    /// - Throws: `TrainerError.usage`.
    public func validate() throws {
        func positive(_ value: Int?, _ flag: String, maximum: Int = TrainingConfiguration.maximumSize) throws {
            guard let value else { return }
            guard value > 0, value <= maximum else {
                throw TrainerError.usage("\(flag) must be between 1 and \(maximum), got \(value)")
            }
        }
        try positive(threads, "--threads", maximum: 1024)
        try positive(batchSize, "--batch-size")
        try positive(hiddenSize, "--hidden", maximum: TrainingConfiguration.maximumHidden)
        try positive(layerCount, "--layers", maximum: 64)
        try positive(sequenceLength, "--seq-length")
        if let learningRate, !(learningRate.isFinite && learningRate > 0) {
            throw TrainerError.usage("--lr must be a positive finite number, got \(learningRate)")
        }
        if let weightDecay, !(weightDecay.isFinite && weightDecay >= 0) {
            throw TrainerError.usage("--weight-decay must be 0 or a positive finite number, got \(weightDecay)")
        }
        if let weightDecay, weightDecay > 0, let optimizer, optimizer == .rmsprop || optimizer == .adagrad {
            throw TrainerError.usage("--weight-decay applies to sgd, momentum, adam and adamw, not \(optimizer.rawValue)")
        }
        if let clip, !(clip.isFinite && clip >= 0) {
            throw TrainerError.usage("--clip must be 0 (no clipping) or a positive finite number, got \(clip)")
        }
        if let validationFraction, !(validationFraction >= 0 && validationFraction < 1) {
            throw TrainerError.usage("--val-fraction must be in 0..<1, got \(validationFraction)")
        }
        if shard.count > 1 && preset != .mlp && preset != .charLSTM {
            throw TrainerError.usage("data-parallel training (several processes) supports the mlp and char-lstm presets")
        }
        if dataPath != nil && !preset.acceptsData {
            throw TrainerError.usage("the \(preset.rawValue) preset takes no --data")
        }
        // Table settings on a preset without a table are refused alike, not ignored.
        let tableFlags = [(labelsPath != nil, "--labels"), (labelColumn != nil, "--label-column"), (task != nil, "--task")]
        if preset != .mlp, let flag = tableFlags.first(where: \.0)?.1 {
            throw TrainerError.usage("\(flag) applies to the mlp preset's tables; the \(preset.rawValue) preset takes none")
        }
        try checkFitsInMemory()
    }
}

/// The optimizers a run can use.
public enum OptimizerKind: String, CaseIterable, Sendable {
    case sgd, momentum, rmsprop, adagrad, adam, adamw
}
