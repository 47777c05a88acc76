/// Zeroes each element with probability `rate` while training, scaling the rest by `1 / (1 - rate)`; passes
/// values through unchanged in evaluation mode (`setTraining(false)`).
public final class Dropout: Module, Layer, @unchecked Sendable {
    /// The probability of dropping an element.
    public let rate: Float
    private var generator: SeededGenerator

    /// A dropout layer; `seed` makes the masks reproducible.
    /// - Throws: `TensorError.invalidArgument` unless `0 <= rate < 1`.
    public init(rate: Float, seed: UInt64 = 0) throws {
        guard rate >= 0 && rate < 1 else {
            throw TensorError.invalidArgument(op: "Dropout", detail: "rate \(rate) must be in 0..<1")
        }
        self.rate = rate
        generator = SeededGenerator(seed: seed)
    }

    /// Applies a fresh random mask (training) or the identity (evaluation).
    public func forward(_ x: Tensor) throws -> Tensor {
        guard isTraining && rate > 0 else { return x }
        let keep = 1 - rate
        let mask = try Tensor.uniform(x.shape, using: &generator)
        return try x * Elementwise.map(mask) { $0 < keep ? 1 / keep : 0 }
    }
}
