/// Selecting rows by integer index (embeddings, character models) and one-hot encodings.
extension Tensor {
    /// Rows `indices` of this tensor along its first axis: `[n, ...] -> [indices.count, ...]`.
    ///
    /// The backward adds each row's gradient into the row it came from, so repeated indices accumulate.
    /// - Throws: `TensorError.invalidArgument` for an index outside `0..<shape[0]` or a rank-0 tensor.
    public func gather(rows indices: [Int], file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidArgument(op: "gather", detail: "needs rank 1 or more") }
        let rows = shape[0]
        if let bad = indices.first(where: { $0 < 0 || $0 >= rows }) {
            throw TensorError.invalidArgument(op: "gather", detail: "index \(bad) outside 0..<\(rows)")
        }
        let width = count / Swift.max(rows, 1)
        let out = Tensor.uninitialized([indices.count] + shape.dropFirst())
        for (r, index) in indices.enumerated() {
            (out.pointer + r * width).update(from: pointer + index * width, count: width)
        }
        return try out.recorded(
            .gather, at: CallSite(file, line), input: self,
            backward: { [shape] ctx in
                let grad = Tensor.filled(0, shape)
                for (r, index) in indices.enumerated() {
                    let dst = grad.pointer + index * width, src = ctx.grad.pointer + r * width
                    for i in 0..<width { dst[i] += src[i] }
                }
                return Operands(grad)
            })
    }

    /// A `[indices.count, depth]` tensor with a 1 at `(i, indices[i])` and 0 elsewhere. Not differentiable.
    /// - Throws: `TensorError.invalidArgument` for an index outside `0..<depth`.
    public static func oneHot(_ indices: [Int], depth: Int) throws -> Tensor {
        guard depth > 0 else { throw TensorError.invalidArgument(op: "oneHot", detail: "depth \(depth) must be positive") }
        if let bad = indices.first(where: { $0 < 0 || $0 >= depth }) {
            throw TensorError.invalidArgument(op: "oneHot", detail: "index \(bad) outside 0..<\(depth)")
        }
        let out = Tensor.filled(0, [indices.count, depth])
        for (i, index) in indices.enumerated() { out.pointer[i * depth + index] = 1 }
        return out
    }
}
