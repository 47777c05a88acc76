import Autobw
import Foundation

/// char-rnn's language model: a multi-layer LSTM over one-hot characters and a linear decoder to logits.
public final class CharLSTM: Module, @unchecked Sendable {
    /// The recurrent stack.
    public let lstm: LSTM
    /// Hidden state to next-character logits.
    public let head: Linear
    /// The number of distinct characters.
    public let vocabularySize: Int

    /// char-rnn's defaults: 2 layers of 128, uniform +-0.08 initialisation, forget-gate bias 1.
    /// - Throws: `TensorError.invalidArgument` for sizes that are not positive or too large for memory.
    public init(
        vocabularySize: Int, hiddenSize: Int = 128, layerCount: Int = 2, generator: inout SeededGenerator
    ) throws {
        self.vocabularySize = vocabularySize
        lstm = try LSTM(
            inputSize: vocabularySize, hiddenSize: hiddenSize, layerCount: layerCount, initializer: .uniform(0.08),
            generator: &generator)
        head = try Linear(hiddenSize, vocabularySize, initializer: .uniform(0.08), generator: &generator)
    }

    /// The number of parameters (weights and biases) of a model of these sizes, without building one: the LSTM's
    /// `x W_x + h W_h + b` for four gates in each layer, and the decoder.
    public static func parameterCount(vocabularySize: Int, hiddenSize: Int, layerCount: Int) -> Int {
        let gates = 4 * hiddenSize
        let firstLayer = (vocabularySize + hiddenSize + 1) * gates
        let laterLayer = (2 * hiddenSize + 1) * gates
        return firstLayer + (layerCount - 1) * laterLayer + (hiddenSize + 1) * vocabularySize
    }

    /// The mean cross-entropy of predicting `batch.targets` from `batch.inputs`, and the final LSTM state.
    public func loss(_ batch: CharBatch, state: [LSTMState]? = nil) throws -> (loss: Tensor, state: [LSTMState]) {
        try scoped {
            let (hiddens, state) = try lstm(tokens: batch.inputs, state: state)
            // Every timestep through the decoder in one GEMM.
            let logits = try head(try hiddens.reshaped([-1, hiddens.shape[2]]))
            return (try logits.softmaxCrossEntropy(targets: batch.targets.flatMap { $0 }), state)
        }
    }

    /// `count` characters sampled one at a time after priming with `prime`, at `temperature` (1 = the model's
    /// own distribution, lower = more conservative).
    public func sample(
        count: Int, prime: [Int], temperature: Float = 1, generator: inout SeededGenerator
    ) throws -> [Int] {
        var state: [LSTMState]? = nil
        var next = prime.last ?? 0
        for id in prime.dropLast() { state = try lstm(tokens: [[id]], state: state).state }
        var produced = [Int]()
        for _ in 0..<max(count, 0) {
            let (hiddens, newState) = try lstm(tokens: [[next]], state: state)
            state = newState
            let probabilities = try (head(hiddens) / max(temperature, 1e-3)).softmax().scalars
            var draw = generator.nextUnit(), chosen = probabilities.count - 1
            for (id, p) in probabilities.enumerated() {
                draw -= p
                if draw <= 0 {
                    chosen = id
                    break
                }
            }
            produced.append(chosen)
            next = chosen
        }
        return produced
    }
}
