/// Sums, means and maxima over one axis or over all elements.
extension Tensor {
    /// The sum of all elements, as a scalar (shape `[]`).
    public func sum(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        var total: Float = 0
        let src = pointer
        for i in 0..<count { total += src[i] }
        return try Tensor(scalar: total).recorded(
            .sum, at: CallSite(file, line), input: self,
            backward: { [shape] ctx in Operands(Tensor.filled(ctx.grad.pointer[0], shape)) })
    }

    /// The mean of all elements, as a scalar.
    public func mean(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try sum(file: file, line: line) * (1 / Float(Swift.max(count, 1)))
    }

    /// Sums along `axis` (negative counts from the end), dropping that axis unless `keepingDimension`.
    public func sum(
        axis: Int, keepingDimension: Bool = false, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let axis = try Shape.axis(axis, rank: rank, op: "sum")
        let (outer, length, inner) = Shape.around(shape, axis: axis)
        var kept = shape
        kept[axis] = 1
        let out = Tensor.filled(0, kept)
        let src = pointer, dst = out.pointer
        for o in 0..<outer {
            for l in 0..<length {
                let row = src + (o * length + l) * inner
                let target = dst + o * inner
                for i in 0..<inner { target[i] += row[i] }
            }
        }
        var outShape = kept
        if !keepingDimension { outShape.remove(at: axis) }
        return try out.reshapedUntracked(outShape).recorded(
            .sumAxis, at: CallSite(file, line), input: self,
            backward: { [shape, kept] ctx in Operands(Elementwise.expand(ctx.grad.reshapedUntracked(kept), to: shape)) })
    }

    /// Means along `axis`, dropping that axis unless `keepingDimension`.
    public func mean(
        axis: Int, keepingDimension: Bool = false, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let resolved = try Shape.axis(axis, rank: rank, op: "mean")
        let total = try sum(axis: resolved, keepingDimension: keepingDimension, file: file, line: line)
        return try total * (1 / Float(Swift.max(shape[resolved], 1)))
    }

    /// Maxima along `axis`; the gradient goes to the first maximal element of each lane.
    public func max(
        axis: Int, keepingDimension: Bool = false, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let axis = try Shape.axis(axis, rank: rank, op: "max")
        let (outer, length, inner) = Shape.around(shape, axis: axis)
        guard length > 0 else { throw TensorError.invalidArgument(op: "max", detail: "axis \(axis) is empty") }
        var kept = shape
        kept[axis] = 1
        let out = Tensor.uninitialized(kept)
        var winners = [Int](repeating: 0, count: outer * inner)
        let src = pointer, dst = out.pointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = src[o * length * inner + i], bestAt = 0
                for l in 1..<Swift.max(length, 1) where src[(o * length + l) * inner + i] > best {
                    best = src[(o * length + l) * inner + i]
                    bestAt = l
                }
                dst[o * inner + i] = best
                winners[o * inner + i] = (o * length + bestAt) * inner + i
            }
        }
        var outShape = kept
        if !keepingDimension { outShape.remove(at: axis) }
        return try out.reshapedUntracked(outShape).recorded(
            .maxAxis, at: CallSite(file, line), input: self,
            backward: { [shape, winners] ctx in
                let grad = Tensor.filled(0, shape)
                for (k, at) in winners.enumerated() { grad.pointer[at] = ctx.grad.pointer[k] }
                return Operands(grad)
            })
    }

    /// The largest element, as a scalar; the gradient goes to its first occurrence.
    public func max(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try reshaped([count], file: file, line: line).max(axis: 0, file: file, line: line)
    }
}
