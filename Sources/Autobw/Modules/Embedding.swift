/// A lookup table from integer ids to learned vectors (equivalent to a one-hot input times a matrix, but a row
/// gather instead of a GEMM).
public final class Embedding: Module, @unchecked Sendable {
    /// `[count, dimension]`.
    public let weight: Parameter

    /// A table of `count` vectors of `dimension` floats, drawn from `initializer` (normal(0, 1) by default).
    public init(count: Int, dimension: Int, initializer: Initializer? = nil, generator: inout SeededGenerator) {
        weight = Parameter(
            initializer?.make([count, dimension], fanIn: count, fanOut: dimension, using: &generator)
                ?? Tensor.normal([count, dimension], using: &generator))
    }

    /// The vectors of `ids`: `[ids.count, dimension]`.
    /// - Throws: `TensorError.invalidArgument` for an id outside the table.
    public func callAsFunction(_ ids: [Int]) throws -> Tensor {
        try scoped { try weight.value.gather(rows: ids) }
    }
}
