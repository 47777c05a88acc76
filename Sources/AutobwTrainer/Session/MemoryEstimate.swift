import Foundation

extension TrainingConfiguration {
    /// Roughly the bytes a run with these settings holds at its peak: each parameter four times (its value, its
    /// gradient, up to two optimizer moments) and the recorded activations twice (their values and their
    /// gradients during the replay). Data sizes not known yet (a text's vocabulary, a table's columns) count as
    /// small; what matters is the hidden size and the layers, which grow it quadratically.
    var estimatedTrainingBytes: Double {
        let layers = Double(layerCount ?? 2), steps = Double(sequenceLength ?? 50)
        // The preset's own defaults where a size is not given.
        func size(_ value: Int?, _ fallback: Int) -> Double { Double(value ?? fallback) }
        let parameters: Double, activations: Double
        switch preset {
        case .charLSTM:
            let h = size(hiddenSize, 128), b = size(batchSize, 50), vocabulary = 256.0
            parameters = layers * 8 * h * h + 5 * h * vocabulary
            activations = layers * b * steps * h * 8 + b * steps * vocabulary * 2
        case .mlp:
            let h = size(hiddenSize, 64), b = size(batchSize, 400)
            parameters = Swift.max(layers - 1, 0) * h * h + 2 * h * 1024
            activations = layers * b * h * 3
        case .rnnSine:
            let h = size(hiddenSize, 25), b = size(batchSize, 15)
            parameters = 2 * h * h
            activations = b * h * 4 * Double(SineProblem.window)
        case .coinFlip:
            parameters = 0
            activations = 0
        }
        return 4 * (4 * parameters + 2 * activations)
    }

    /// Refuses settings whose model could not train in this machine's memory: better one clear line now than
    /// the kernel killing the process minutes into building it.
    /// - Throws: `TrainerError.usage` with the estimate and the memory there is.
    func checkFitsInMemory() throws {
        let needed = estimatedTrainingBytes, available = Double(ProcessInfo.processInfo.physicalMemory)
        guard needed > available else { return }
        let gib = { (bytes: Double) in String(format: "%.1f GiB", bytes / Double(1 << 30)) }
        throw TrainerError.usage(
            "these settings (--hidden, --layers, --batch-size, --seq-length) need about \(gib(needed)) to train,"
                + " more than this machine's \(gib(available)) of memory")
    }
}
