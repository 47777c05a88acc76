/// A lookup table from integer ids to learned vectors (equivalent to a one-hot input times a matrix, but a row
/// gather instead of a GEMM).
public final class Embedding: Module, @unchecked Sendable {
    /// `[count, dimension]`.
    public let weight: Parameter

    /// The id whose vector is all zeros and never trained (PyTorch's `padding_idx`), if any.
    public let paddingIndex: Int?

    /// A table of `count` vectors of `dimension` floats, drawn from `initializer` (normal(0, 1) by default);
    /// the vector of `paddingIndex` is zero and gets no gradient.
    /// - Throws: `TensorError.invalidArgument` for a size that is not positive or too large for memory, or a
    ///   padding index outside the table.
    public init(
        count: Int, dimension: Int, paddingIndex: Int? = nil, initializer: Initializer? = nil,
        generator: inout SeededGenerator
    ) throws {
        let count = try Shape.validatedSize(count, op: "Embedding", argument: "count")
        let dimension = try Shape.validatedSize(dimension, op: "Embedding", argument: "dimension")
        if let paddingIndex, !(0..<count).contains(paddingIndex) {
            throw TensorError.invalidArgument(op: "Embedding", detail: "paddingIndex \(paddingIndex) outside 0..<\(count)")
        }
        var table = try initializer?.make([count, dimension], fanIn: count, fanOut: dimension, using: &generator)
            ?? Tensor.normal([count, dimension], using: &generator)
        if let paddingIndex {
            try table.withUnsafeMutableBufferPointer { values in
                for j in 0..<dimension { values[paddingIndex * dimension + j] = 0 }
            }
        }
        self.paddingIndex = paddingIndex
        weight = Parameter(table)
    }

    /// The vectors of `ids`: `[ids.count, dimension]`.
    /// - Throws: `TensorError.invalidArgument` for an id outside the table.
    public func callAsFunction(_ ids: [Int], file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try scoped(file: file, line: line) {
            let rows = try weight.value.gather(rows: ids)
            guard let paddingIndex, ids.contains(paddingIndex) else { return rows }
            // Rows of the padding id are multiplied by 0, so no gradient reaches its vector.
            let mask = Tensor(ids.map { $0 == paddingIndex ? 0 : 1 }).reshapedUntracked([ids.count, 1])
            return try rows * mask
        }
    }
}
