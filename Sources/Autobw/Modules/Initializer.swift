/// How a weight tensor's initial values are drawn.
public enum Initializer: Sendable {
    /// Uniform in `-a...a` (char-rnn uses 0.08).
    case uniform(Float)
    /// Xavier/Glorot uniform: `a = sqrt(6 / (fanIn + fanOut))`.
    case xavierUniform
    /// Kaiming/He uniform for ReLU layers: `a = sqrt(6 / fanIn)`.
    case kaimingUniform
    /// Kaiming/He normal: standard deviation `sqrt(2 / fanIn)`.
    case kaimingNormal
    /// All zeros.
    case zeros

    /// A tensor of `shape` drawn from this initializer.
    /// - Throws: `TensorError.invalidArgument` for a negative dimension or a shape too large for memory.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, using generator: inout SeededGenerator) throws -> Tensor {
        let fanIn = Float(max(fanIn, 1)), fanOut = Float(max(fanOut, 1))
        switch self {
        case .uniform(let a): return try .uniform(shape, low: -a, high: a, using: &generator)
        case .xavierUniform:
            let a = (6 / (fanIn + fanOut)).squareRoot()
            return try .uniform(shape, low: -a, high: a, using: &generator)
        case .kaimingUniform:
            let a = (6 / fanIn).squareRoot()
            return try .uniform(shape, low: -a, high: a, using: &generator)
        case .kaimingNormal:
            return try .normal(shape, standardDeviation: (2 / fanIn).squareRoot(), using: &generator)
        case .zeros: return try .zeros(shape)
        }
    }
}
