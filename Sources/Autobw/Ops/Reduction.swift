/// Sums, means and maxima over one axis or over all elements.
extension Tensor {
    /// The sum of all elements, as a scalar (shape `[]`).
    public func sum() throws -> Tensor {
        var total: Float = 0
        let src = pointer
        for i in 0..<count { total += src[i] }
        return try Tensor(scalar: total).recorded(
            "sum", inputs: Operands(self),
            backward: { [shape] ctx in Operands(Tensor(repeating: ctx.grad.pointer[0], shape: shape)) })
    }

    /// The mean of all elements, as a scalar.
    public func mean() throws -> Tensor { try sum() * (1 / Float(Swift.max(count, 1))) }

    /// Sums along `axis` (negative counts from the end), dropping that axis unless `keepingDimension`.
    public func sum(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let axis = try Shape.axis(axis, rank: rank, op: "sum")
        let (outer, length, inner) = Shape.around(shape, axis: axis)
        var kept = shape
        kept[axis] = 1
        let out = Tensor.zeros(kept)
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
            "sum_axis", inputs: Operands(self),
            backward: { [shape, kept] ctx in Operands(Elementwise.expand(ctx.grad.reshapedUntracked(kept), to: shape)) })
    }

    /// Means along `axis`, dropping that axis unless `keepingDimension`.
    public func mean(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let resolved = try Shape.axis(axis, rank: rank, op: "mean")
        return try sum(axis: resolved, keepingDimension: keepingDimension) * (1 / Float(Swift.max(shape[resolved], 1)))
    }

    /// Maxima along `axis`; the gradient goes to the first maximal element of each lane.
    public func max(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
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
            "max_axis", inputs: Operands(self),
            backward: { [shape, winners] ctx in
                let grad = Tensor.zeros(shape)
                for (k, at) in winners.enumerated() { grad.pointer[at] = ctx.grad.pointer[k] }
                return Operands(grad)
            })
    }

    /// The largest element, as a scalar; the gradient goes to its first occurrence.
    public func max() throws -> Tensor {
        try reshaped([count]).max(axis: 0)
    }
}
