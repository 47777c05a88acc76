import Foundation

extension TrainingConfiguration {
    /// Roughly the bytes a run with these settings holds at its peak: each parameter four times (its value, its
    /// gradient, up to two optimizer moments) and the recorded activations twice (their values and their
    /// gradients during the replay). Data sizes not known yet (a text's vocabulary, a table's columns) count as
    /// small; what matters is the hidden size and the layers, which grow it quadratically.
    var estimatedTrainingBytes: Double {
        // The preset's own defaults where a size is not given.
        let layers = Double(effectiveLayerCount), steps = Double(effectiveSequenceLength)
        let h = Double(effectiveHiddenSize), b = Double(effectiveBatchSize)
        let parameters: Double, activations: Double
        switch preset {
        case .charLSTM:
            let vocabulary = 256.0
            parameters = layers * 8 * h * h + 5 * h * vocabulary
            activations = layers * b * steps * h * 8 + b * steps * vocabulary * 2
        case .mlp:
            parameters = Swift.max(layers - 1, 0) * h * h + 2 * h * 1024
            activations = layers * b * h * 3
        case .rnnSine:
            parameters = 2 * h * h
            activations = b * h * 4 * Double(SineProblem.window)
        case .coinFlip:
            parameters = 0
            activations = 0
        }
        return 4 * (4 * parameters + 2 * activations)
    }

    /// Roughly the bytes the `mlp` preset holds at its peak on a table of `rows` rows of `features` numbers and
    /// `outputs` outputs: the table twice (as read, and as one tensor when a held-out split is evaluated), each
    /// parameter four times, and a batch's activations twice. The first layer grows with the table's width, so
    /// a file of a few kilobytes that declares huge images could otherwise ask for tens of gigabytes.
    func estimatedTableTrainingBytes(rows: Int, features: Int, outputs: Int) -> Double {
        let h = Double(effectiveHiddenSize), layers = Double(effectiveLayerCount)
        let (rows, features) = (Double(rows), Double(features))
        let batch = Swift.min(rows, Double(effectiveBatchSize))
        let parameters = features * h + Swift.max(layers - 1, 0) * h * h + h * Double(outputs)
        let activations = batch * (features + 3 * h * layers + Double(outputs))
        return 4 * (2 * rows * features + 4 * parameters + 2 * activations)
    }

    /// Refuses settings whose model could not train in this machine's memory: better one clear line now than
    /// the kernel killing the process minutes into building it.
    /// - Throws: `TrainerError.usage` with the estimate and the memory there is.
    func checkFitsInMemory() throws {
        try Self.requireFits(estimatedTrainingBytes, what: "these settings (--hidden, --layers, --batch-size, --seq-length)")
    }

    /// Refuses a table of `rows` x `features` that the `mlp` preset could not train in this machine's memory.
    /// - Throws: `TrainerError.usage` naming the table's size, the estimate and the memory there is.
    func checkTableFitsInMemory(rows: Int, features: Int, outputs: Int, path: String) throws {
        try Self.requireFits(
            estimatedTableTrainingBytes(rows: rows, features: features, outputs: outputs),
            what: "\(path) (\(rows) rows of \(features) features) with --hidden \(effectiveHiddenSize) and --layers \(effectiveLayerCount)")
    }

    /// Throws unless `bytes` fit in this machine's memory.
    static func requireFits(_ bytes: Double, what: String) throws {
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        guard bytes > available else { return }
        let gib = { (bytes: Double) in String(format: "%.1f GiB", bytes / Double(1 << 30)) }
        throw TrainerError.usage(
            "\(what) need about \(gib(bytes)) to train, more than this machine's \(gib(available)) of memory")
    }
}
