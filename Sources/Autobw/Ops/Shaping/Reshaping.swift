/// Changing how elements are viewed: reshape (shares storage) and transpose (copies).
extension Tensor {
    /// The same elements in a new shape; one dimension may be -1 to be inferred. Shares storage.
    /// - Throws: `TensorError.shapeMismatch` when the element counts differ.
    public func reshaped(_ newShape: [Int], file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let resolved = try Tensor.resolve(newShape, count: count)
        return try reshapedUntracked(resolved).recorded(
            .reshape, at: CallSite(file, line), input: self,
            backward: { [shape] ctx in Operands(ctx.grad.reshapedUntracked(shape)) })
    }

    /// A view of the same storage with another shape of equal count, outside any tape.
    func reshapedUntracked(_ newShape: [Int]) -> Tensor { Tensor(shape: newShape, storage: storage) }

    private static func resolve(_ requested: [Int], count: Int) throws -> [Int] {
        let inferred = requested.filter { $0 == -1 }.count
        guard inferred <= 1, requested.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.invalidArgument(op: "reshape", detail: "bad target shape \(Shape.describe(requested))")
        }
        var shape = requested
        if let at = requested.firstIndex(of: -1) {
            let known = try Shape.validatedCount(requested.filter { $0 != -1 }, op: "reshape", argument: "target shape")
            guard known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch(
                    op: "reshape", detail: "cannot infer a dimension of \(Shape.describe(requested)) for \(count) elements")
            }
            shape[at] = count / known
        }
        guard try Shape.validatedCount(shape, op: "reshape", argument: "target shape") == count else {
            throw TensorError.shapeMismatch(
                op: "reshape", detail: "\(count) elements do not fit \(Shape.describe(requested))")
        }
        return shape
    }

    /// The last two dimensions swapped (a matrix transpose, batched over leading dimensions). Copies.
    /// - Throws: `TensorError.invalidArgument` for rank below 2.
    public func transposed(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        guard rank >= 2 else {
            throw TensorError.invalidArgument(op: "transpose", detail: "needs rank 2 or more, got \(rank)")
        }
        return try Tensor.swapLastTwo(self).recorded(
            .transpose, at: CallSite(file, line), input: self, backward: { ctx in Operands(Tensor.swapLastTwo(ctx.grad)) })
    }

    private static func swapLastTwo(_ x: Tensor) -> Tensor {
        let rows = x.shape[x.rank - 2], cols = x.shape[x.rank - 1]
        var shape = x.shape
        shape.swapAt(x.rank - 2, x.rank - 1)
        let out = Tensor.uninitialized(shape)
        let src = x.pointer, dst = out.pointer
        for b in 0..<(x.count / Swift.max(rows * cols, 1)) {
            let base = b * rows * cols
            for r in 0..<rows {
                for c in 0..<cols { dst[base + c * rows + r] = src[base + r * cols + c] }
            }
        }
        return out
    }
}
