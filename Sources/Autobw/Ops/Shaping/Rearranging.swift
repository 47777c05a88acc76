/// Rearranging elements: permuting axes, inserting and removing unit axes, broadcasting to a shape, stacking,
/// selecting along an axis and padding.
extension Tensor {
    /// The axes reordered: axis `i` of the result is axis `axes[i]` of `self`. Copies.
    /// - Throws: `TensorError.invalidArgument` unless `axes` is a permutation of `0..<rank`.
    public func permuted(_ axes: [Int], file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let resolved = try axes.map { try Shape.axis($0, rank: rank, op: "permute") }
        guard resolved.count == rank, Set(resolved).count == rank else {
            throw TensorError.invalidArgument(op: "permute", detail: "\(axes) is not a permutation of the \(rank) axes")
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in resolved.enumerated() { inverse[axis] = i }
        return try Tensor.permute(self, resolved).recorded(
            .permute, at: CallSite(file, line), input: self,
            backward: { [inverse] ctx in Operands(Tensor.permute(ctx.grad, inverse)) })
    }

    /// Axes `a` and `b` swapped. Copies.
    public func transposed(_ a: Int, _ b: Int, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let a = try Shape.axis(a, rank: rank, op: "transpose"), b = try Shape.axis(b, rank: rank, op: "transpose")
        var axes = Array(0..<rank)
        axes.swapAt(a, b)
        return try permuted(axes, file: file, line: line)
    }

    static func permute(_ x: Tensor, _ axes: [Int]) -> Tensor {
        let shape = axes.map { x.shape[$0] }
        let out = Tensor.uninitialized(shape)
        let own = Shape.strides(x.shape)
        let src = x.pointer, dst = out.pointer
        Broadcast.rows(shape: shape, axes.map { own[$0] }, Shape.strides(shape)) { offX, offOut, _, n, stepX, stepOut in
            for j in 0..<n { dst[offOut + j * stepOut] = src[offX + j * stepX] }
        }
        return out
    }

    /// A unit axis inserted at `axis` (which may be `rank`, for a new last axis). Shares storage.
    public func unsqueezed(at axis: Int, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let at = try Shape.axis(axis, rank: rank + 1, op: "unsqueeze")
        var shape = self.shape
        shape.insert(1, at: at)
        return try reshaped(shape, file: file, line: line)
    }

    /// The unit axis at `axis` removed, or every unit axis when `axis` is nil. Shares storage.
    /// - Throws: `TensorError.invalidArgument` when `axis` is not of length 1.
    public func squeezed(axis: Int? = nil, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        guard let axis else { return try reshaped(shape.filter { $0 != 1 }, file: file, line: line) }
        let at = try Shape.axis(axis, rank: rank, op: "squeeze")
        guard shape[at] == 1 else {
            throw TensorError.invalidArgument(op: "squeeze", detail: "axis \(axis) of \(Shape.describe(shape)) is not 1")
        }
        var shape = self.shape
        shape.remove(at: at)
        return try reshaped(shape, file: file, line: line)
    }

    /// Axes `start...end` merged into one. Shares storage.
    public func flattened(from start: Int = 0, to end: Int = -1, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        guard rank > 0 else { return try reshaped([1], file: file, line: line) }
        let first = try Shape.axis(start, rank: rank, op: "flatten"), last = try Shape.axis(end, rank: rank, op: "flatten")
        guard first <= last else {
            throw TensorError.invalidArgument(op: "flatten", detail: "start axis \(start) comes after end axis \(end)")
        }
        let merged = shape[first...last].reduce(1, *)
        return try reshaped(Array(shape[..<first]) + [merged] + Array(shape[(last + 1)...]), file: file, line: line)
    }

    /// `self` broadcast (NumPy rules) to `shape`; the gradient sums back over the broadcast axes. Copies.
    public func expanded(to shape: [Int], file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        _ = try Shape.validatedCount(shape, op: "expand", argument: "target shape")
        guard try Shape.broadcast(self.shape, shape, op: "expand") == shape else {
            throw TensorError.shapeMismatch(
                op: "expand", detail: "\(Shape.describe(self.shape)) does not broadcast to \(Shape.describe(shape))")
        }
        return try Elementwise.expand(self, to: shape).recorded(
            .expand, at: CallSite(file, line), input: self,
            backward: { [own = self.shape] ctx in Operands(Elementwise.sum(ctx.grad, to: own)) })
    }

    /// `tensors` (all of one shape) stacked along a new axis `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError.invalidArgument(op: "stack", detail: "no tensors to stack") }
        if let other = tensors.first(where: { $0.shape != first.shape }) {
            throw TensorError.shapeMismatch(
                op: "stack", detail: "\(Shape.describe(other.shape)) differs from \(Shape.describe(first.shape))")
        }
        let at = try Shape.axis(axis, rank: first.rank + 1, op: "stack")
        return try concatenate(try tensors.map { try $0.unsqueezed(at: at, file: file, line: line) }, axis: at, file: file, line: line)
    }

    /// The slices `indices` along `axis`, in that order (repeats allowed); the gradient adds back into the
    /// slices it came from.
    /// - Throws: `TensorError.invalidArgument` for an index outside the axis.
    public func indexSelect(axis: Int, indices: [Int], file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let at = try Shape.axis(axis, rank: rank, op: "indexSelect")
        let (outer, length, inner) = Shape.around(shape, axis: at)
        if let bad = indices.first(where: { $0 < 0 || $0 >= length }) {
            throw TensorError.invalidArgument(op: "indexSelect", detail: "index \(bad) outside 0..<\(length) of axis \(axis)")
        }
        let out = Tensor.uninitialized(Tensor.resized(shape, axis: at, to: indices.count))
        for o in 0..<outer {
            for (k, index) in indices.enumerated() {
                (out.pointer + (o * indices.count + k) * inner).update(from: pointer + (o * length + index) * inner, count: inner)
            }
        }
        return try out.recorded(
            .indexSelect, at: CallSite(file, line), input: self,
            backward: { [shape] ctx in
                let grad = Tensor.filled(0, shape)
                for o in 0..<outer {
                    for (k, index) in indices.enumerated() {
                        let dst = grad.pointer + (o * length + index) * inner, src = ctx.grad.pointer + (o * indices.count + k) * inner
                        for i in 0..<inner { dst[i] += src[i] }
                    }
                }
                return Operands(grad)
            })
    }

    /// `before` and `after` elements of `value` added at the two ends of `axis`.
    public func padded(
        axis: Int, before: Int, after: Int, value: Float = 0, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let at = try Shape.axis(axis, rank: rank, op: "pad")
        let before = try Shape.validatedSize(before, op: "pad", argument: "before", allowsZero: true)
        let after = try Shape.validatedSize(after, op: "pad", argument: "after", allowsZero: true)
        let length = shape[at]
        let parts = [
            Tensor.filled(value, Tensor.resized(shape, axis: at, to: before)), self.detached(),
            Tensor.filled(value, Tensor.resized(shape, axis: at, to: after)),
        ]
        _ = try Shape.validatedCount(Tensor.resized(shape, axis: at, to: before + length + after), op: "pad")
        return try Tensor.join(parts, axis: at).recorded(
            .pad, at: CallSite(file, line), input: self,
            backward: { ctx in Operands(try Tensor.cut(ctx.grad, axis: at, sizes: [before, length, after])[1]) })
    }
}

extension Tensor {
    /// The tensor tiled `counts[i]` times along axis `i` (`counts` has one entry per axis), as PyTorch's
    /// `repeat`; the gradient sums the tiles back.
    public func repeated(_ counts: [Int], file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        guard counts.count == rank, counts.allSatisfy({ $0 >= 1 }) else {
            throw TensorError.invalidArgument(op: "repeat", detail: "counts \(counts) must be one positive count per axis of \(Shape.describe(shape))")
        }
        // Seen as [c0, d0, c1, d1, ...] with the counts broadcast, tiling is an expand and a reshape.
        let interleaved = shape.flatMap { [1, $0] }, target = zip(counts, shape).flatMap { [$0, $1] }
        let tiled = try zip(counts, shape).map { count, length in
            let (product, overflow) = count.multipliedReportingOverflow(by: length)
            guard !overflow else {
                throw TensorError.invalidArgument(op: "repeat", detail: "counts \(counts) make a shape too large for memory")
            }
            return product
        }
        _ = try Shape.validatedCount(tiled, op: "repeat", argument: "result shape")
        return try reshaped(interleaved, file: file, line: line).expanded(to: target, file: file, line: line)
            .reshaped(tiled, file: file, line: line)
    }

    /// PyTorch's `gather(dim, index)`: `out[..., j, ...] = self[..., indices[..., j, ...], ...]` along `axis`,
    /// `indices` given row-major with the shape `indexShape` (equal to `self`'s except along `axis`). The
    /// gradient adds back into the gathered positions.
    public func gathered(
        axis: Int, indices: [Int], indexShape: [Int], file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let at = try Shape.axis(axis, rank: rank, op: "gather")
        guard indexShape.count == rank,
            indexShape.enumerated().allSatisfy({ $0.offset == at || $0.element == shape[$0.offset] }),
            try Shape.validatedCount(indexShape, op: "gather", argument: "index shape") == indices.count
        else {
            throw TensorError.shapeMismatch(
                op: "gather", detail: "index shape \(Shape.describe(indexShape)) with \(indices.count) indices for \(Shape.describe(shape)) along axis \(axis)")
        }
        let (outer, length, inner) = Shape.around(shape, axis: at)
        let picked = indexShape[at]
        if let bad = indices.first(where: { $0 < 0 || $0 >= length }) {
            throw TensorError.invalidArgument(op: "gather", detail: "index \(bad) outside 0..<\(length) of axis \(axis)")
        }
        var source = [Int](repeating: 0, count: indices.count)
        for o in 0..<outer { for j in 0..<picked { for i in 0..<inner {
            let at = (o * picked + j) * inner + i
            source[at] = (o * length + indices[at]) * inner + i
        } } }
        let out = Tensor.uninitialized(indexShape)
        for (k, from) in source.enumerated() { out.pointer[k] = pointer[from] }
        return try out.recorded(
            .gatherAxis, at: CallSite(file, line), input: self,
            backward: { [shape, source] ctx in
                let grad = Tensor.filled(0, shape)
                for (k, from) in source.enumerated() { grad.pointer[from] += ctx.grad.pointer[k] }
                return Operands(grad)
            })
    }
}
