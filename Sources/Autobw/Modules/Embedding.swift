/// A lookup table from integer ids to learned vectors (equivalent to a one-hot input times a matrix, but a row
/// gather instead of a GEMM).
public final class Embedding: Module, @unchecked Sendable {
    /// `[count, dimension]`.
    public let weight: Parameter

    /// A table of `count` vectors of `dimension` floats, drawn from `initializer` (normal(0, 1) by default).
    /// - Throws: `TensorError.invalidArgument` for a size that is not positive or too large for memory.
    public init(count: Int, dimension: Int, initializer: Initializer? = nil, generator: inout SeededGenerator) throws {
        let count = try Shape.validatedSize(count, op: "Embedding", argument: "count")
        let dimension = try Shape.validatedSize(dimension, op: "Embedding", argument: "dimension")
        let table = try initializer?.make([count, dimension], fanIn: count, fanOut: dimension, using: &generator)
        weight = Parameter(try table ?? Tensor.normal([count, dimension], using: &generator))
    }

    /// The vectors of `ids`: `[ids.count, dimension]`.
    /// - Throws: `TensorError.invalidArgument` for an id outside the table.
    public func callAsFunction(_ ids: [Int], file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try scoped(file: file, line: line) { try weight.value.gather(rows: ids) }
    }
}
