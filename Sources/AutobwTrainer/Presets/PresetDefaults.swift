/// A preset's defaults, in one place: the session, its problem, the memory estimate and the command's help all
/// read them from here.
public struct PresetDefaults: Sendable, Equatable {
    /// The optimizer.
    public var optimizer: OptimizerKind
    /// The learning rate.
    public var learningRate: Float
    /// How gradients are clipped, and at what limit (0: not at all).
    public var clipping: ClippingRule
    /// Sequences or examples per step (a table's batch is at most its training rows).
    public var batchSize: Int
    /// Hidden units per layer; nil where the model has no hidden layer to size.
    public var hiddenSize: Int?
    /// Recurrent or hidden layers; nil where their number is fixed.
    public var layerCount: Int?
    /// Characters per sequence, for text presets.
    public var sequenceLength: Int?
}

extension Preset {
    /// This preset's defaults.
    public var defaults: PresetDefaults {
        switch self {
        case .charLSTM:
            // char-rnn's own defaults.
            return PresetDefaults(
                optimizer: .rmsprop, learningRate: 2e-3, clipping: .elements(5), batchSize: 50, hiddenSize: 128,
                layerCount: 2, sequenceLength: 50)
        case .rnnSine:
            return PresetDefaults(
                optimizer: .momentum, learningRate: 0.05, clipping: .none, batchSize: 15, hiddenSize: 25, layerCount: nil,
                sequenceLength: nil)
        case .mlp:
            return PresetDefaults(
                optimizer: .adam, learningRate: 0.01, clipping: .none, batchSize: 400, hiddenSize: 64, layerCount: 2,
                sequenceLength: nil)
        case .coinFlip:
            return PresetDefaults(
                optimizer: .sgd, learningRate: 0.1, clipping: .none, batchSize: 1, hiddenSize: nil, layerCount: nil,
                sequenceLength: nil)
        }
    }

    /// Each preset's value of one default, for help texts: `char-lstm 0.002, rnn-sine 0.05, ...` (presets
    /// where it is nil are left out).
    public static func listing(_ value: (PresetDefaults) -> String?) -> String {
        allCases.compactMap { preset in value(preset.defaults).map { "\(preset.rawValue) \($0)" } }.joined(separator: ", ")
    }

    /// The clipping rule of a run that sets `--clip` to `limit` (nil: the preset's): char-lstm clamps elements
    /// (char-rnn's rule), the others clip the global norm; 0 is none.
    func clipping(limit: Float?) -> ClippingRule {
        guard let limit else { return defaults.clipping }
        guard limit > 0 else { return .none }
        return self == .charLSTM ? .elements(limit) : .globalNorm(limit)
    }
}

extension Preset {
    /// The mlp preset's weight decay on a regression table: `min(1, this / training rows)`.
    static let regressionWeightDecayRows: Float = 40
    /// That rule as help texts state it.
    public static var regressionWeightDecayRule: String { "min(1, \(Int(regressionWeightDecayRows)) / training rows)" }
}

extension TrainingConfiguration {
    /// The sizes in force: the configuration's own, else the preset's default (1 where the preset has no such
    /// size, which it then does not read).
    var effectiveHiddenSize: Int { hiddenSize ?? preset.defaults.hiddenSize ?? 1 }
    var effectiveLayerCount: Int { layerCount ?? preset.defaults.layerCount ?? 1 }
    var effectiveBatchSize: Int { batchSize ?? preset.defaults.batchSize }
    var effectiveSequenceLength: Int { sequenceLength ?? preset.defaults.sequenceLength ?? 1 }
}
