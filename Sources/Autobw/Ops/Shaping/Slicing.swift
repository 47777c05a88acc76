/// Taking parts of tensors and putting them together: narrow, concatenate, split.
extension Tensor {
    /// Elements `start ..< start + length` along `axis`. Copies.
    /// - Throws: `TensorError.invalidArgument` when the range leaves the axis.
    public func narrow(
        axis: Int, start: Int, length: Int, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let axis = try Shape.axis(axis, rank: rank, op: "narrow")
        guard start >= 0, length >= 0, start <= shape[axis], length <= shape[axis] - start else {
            throw TensorError.invalidArgument(
                op: "narrow",
                detail: "start \(start) and length \(length) leave axis \(axis) of length \(shape[axis])")
        }
        let pieces = try Tensor.cut(self, axis: axis, sizes: [start, length, shape[axis] - start - length])
        return try pieces[1].recorded(
            .narrow, at: CallSite(file, line), input: self,
            backward: { [shape] ctx in
                let before = Tensor.filled(0, Tensor.resized(shape, axis: axis, to: start))
                let after = Tensor.filled(0, Tensor.resized(shape, axis: axis, to: shape[axis] - start - length))
                return Operands(try Tensor.join([before, ctx.grad, after], axis: axis))
            })
    }

    /// Pieces of `sizes[i]` elements along `axis`, in order; the sizes must add up to the axis length.
    public func split(
        axis: Int, sizes: [Int], file: StaticString = #fileID, line: UInt = #line
    ) throws -> [Tensor] {
        let axis = try Shape.axis(axis, rank: rank, op: "split")
        let total = sizes.reduce(0) { $0.addingReportingOverflow($1).overflow ? Int.max : $0 + $1 }
        guard sizes.allSatisfy({ $0 >= 0 }), total == shape[axis] else {
            throw TensorError.invalidArgument(
                op: "split", detail: "sizes \(sizes) do not add up to axis \(axis) of length \(shape[axis])")
        }
        return try Tensor.recorded(
            .split, at: CallSite(file, line), outputs: try Tensor.cut(self, axis: axis, sizes: sizes), inputs: Operands(self),
            backward: { ctx in Operands(try Tensor.join(ctx.outputGrads.compactMap { $0 }, axis: axis)) })
    }

    /// `count` equal pieces along `axis`.
    /// - Throws: `TensorError.invalidArgument` when the axis length is not divisible by `count`.
    public func chunked(
        _ count: Int, axis: Int, file: StaticString = #fileID, line: UInt = #line
    ) throws -> [Tensor] {
        let resolved = try Shape.axis(axis, rank: rank, op: "chunk")
        // At most one chunk per element (one empty chunk of an empty axis): a count of 2^40 must not become an
        // array of 2^40 empty tensors.
        guard count > 0, count <= Swift.max(shape[resolved], 1), shape[resolved] % count == 0 else {
            throw TensorError.invalidArgument(
                op: "chunk", detail: "axis \(resolved) of length \(shape[resolved]) does not split into \(count)")
        }
        return try split(axis: resolved, sizes: Array(repeating: shape[resolved] / count, count: count), file: file, line: line)
    }

    /// `tensors` joined along `axis`; all other dimensions must agree.
    public static func concatenate(
        _ tensors: [Tensor], axis: Int, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(op: "concatenate", detail: "no tensors to join")
        }
        let axis = try Shape.axis(axis, rank: first.rank, op: "concatenate")
        let sizes = tensors.map { $0.rank == first.rank ? $0.shape[axis] : 0 }
        return try join(tensors, axis: axis).recorded(
            .concatenate, at: CallSite(file, line), inputs: Operands(tensors),
            backward: { ctx in Operands(try cut(ctx.grad, axis: axis, sizes: sizes)) })
    }

    static func resized(_ shape: [Int], axis: Int, to length: Int) -> [Int] {
        var shape = shape
        shape[axis] = length
        return shape
    }

    /// Untracked split: copies each piece.
    static func cut(_ x: Tensor, axis: Int, sizes: [Int]) throws -> [Tensor] {
        let (outer, length, inner) = Shape.around(x.shape, axis: axis)
        var start = 0
        return sizes.map { size in
            let piece = Tensor.uninitialized(resized(x.shape, axis: axis, to: size))
            for o in 0..<outer {
                (piece.pointer + o * size * inner).update(from: x.pointer + (o * length + start) * inner, count: size * inner)
            }
            start += size
            return piece
        }
    }

    /// Untracked concatenation.
    static func join(_ parts: [Tensor], axis: Int) throws -> Tensor {
        let first = parts[0]
        for part in parts where part.rank != first.rank
            || part.shape.enumerated().contains(where: { $0.offset != axis && $0.element != first.shape[$0.offset] }) {
            throw TensorError.shapeMismatch(
                op: "concatenate",
                detail: "\(Shape.describe(part.shape)) does not fit \(Shape.describe(first.shape)) along axis \(axis)")
        }
        let total = parts.reduce(0) { $0 + $1.shape[axis] }
        let out = Tensor.uninitialized(resized(first.shape, axis: axis, to: total))
        let (outer, _, inner) = Shape.around(out.shape, axis: axis)
        var start = 0
        for part in parts {
            let size = part.shape[axis]
            for o in 0..<outer {
                (out.pointer + (o * total + start) * inner).update(from: part.pointer + o * size * inner, count: size * inner)
            }
            start += size
        }
        return out
    }
}
