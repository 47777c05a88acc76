/// The models `autobw train` knows, each with its data and defaults.
public enum Preset: String, CaseIterable, Sendable {
    /// char-rnn's LSTM language model on a text (the embedded corpus by default).
    case charLSTM = "char-lstm"
    /// The seed's vanilla RNN predicting the next point of a sine wave.
    case rnnSine = "rnn-sine"
    /// A multi-layer perceptron classifying two interleaved spirals.
    case mlp
    /// The seed's coin-flip graph, `linear(x1) + x2 * sigmoid(x3)` or `... * x3`: a tape small enough to step
    /// through entry by entry.
    case coinFlip = "coin-flip"

    /// One line for `autobw presets`.
    public var summary: String {
        switch self {
        case .charLSTM: return "char-rnn's 2-layer LSTM language model; data: the embedded corpus or --data TEXT_FILE"
        case .rnnSine: return "a vanilla RNN predicting the next point of a sine wave; data: built in"
        case .mlp: return "a multi-layer perceptron; data: two spirals built in, or --data a CSV file (numeric features, a label)"
        case .coinFlip: return "the seed's coin-flip graph, a tiny tape to step through; data: built in"
        }
    }

    /// Whether `--data` applies.
    public var acceptsData: Bool { self == .charLSTM || self == .mlp }
}
