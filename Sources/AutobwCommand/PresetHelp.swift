import AutobwTrainer

/// The help of `train`'s hyperparameter flags, built from the presets' defaults (`Preset.defaults`), so that
/// help and training cannot disagree.
enum PresetHelp {
    static let learningRate = "Learning rate (default: the preset's; \(Preset.listing { String($0.learningRate) }))."
    static let optimizer =
        "Optimizer: sgd, momentum, rmsprop, adagrad, adam, adamw (default: the preset's; \(Preset.listing { $0.optimizer.rawValue }))."
    static let batchSize = "Sequences (char-lstm) or examples per step (default: the preset's; \(Preset.listing { String($0.batchSize) });"
        + " a table's batch is at most its training rows)."
    static let hiddenSize = "Hidden units per layer (default: the preset's; \(Preset.listing { $0.hiddenSize.map(String.init) }))."
    static let layerCount = "Layers (default: the preset's; \(Preset.listing { $0.layerCount.map(String.init) }))."
    static let sequenceLength = "Characters per sequence for char-lstm (default \(Preset.charLSTM.defaults.sequenceLength ?? 0))."
    static let weightDecay = "Weight decay: an L2 penalty (sgd, momentum, adam) or decoupled (adamw) (default: for mlp regression"
        + " \(Preset.regressionWeightDecayRule), else none; adamw 0.01)."
    static let clip = "Gradient clipping: element-wise for char-lstm, global norm otherwise; 0 for none (default: the preset's;"
        + " \(Preset.listing { $0.clipping.description }))."
}
