/// Elementwise loops over contiguous float buffers. The closures are specialised by the optimiser, so there is
/// no per-element dynamic dispatch.
enum Elementwise {
    /// `f` applied to every element of `x`.
    @inline(__always)
    static func map(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
        let out = Tensor.uninitialized(x.dimensions)
        let src = x.pointer, dst = out.pointer
        for i in 0..<x.count { dst[i] = f(src[i]) }
        return out
    }

    /// `zipSame`, written over `a`'s elements when nothing else holds them (the incoming gradient of a backward
    /// rule, which the replay hands over), else into a new tensor: an allocation and a free fewer per rule.
    @inline(__always)
    static func zipSameReusing(_ a: inout Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        guard isKnownUniquelyReferenced(&a.storage), a.count == b.count else { return zipSame(a, b, f) }
        a.storage.version &+= 1
        let pa = a.pointer, pb = b.pointer
        for i in 0..<a.count { pa[i] = f(pa[i], pb[i]) }
        return a
    }

    /// `f` applied pairwise to two tensors of the same element count; the result has `a`'s shape.
    @inline(__always)
    static func zipSame(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let out = Tensor.uninitialized(a.dimensions)
        let pa = a.pointer, pb = b.pointer, dst = out.pointer
        for i in 0..<min(a.count, b.count) { dst[i] = f(pa[i], pb[i]) }
        return out
    }

    /// `f` applied pairwise with NumPy broadcasting.
    @inline(__always)
    static func zip(_ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float) throws -> Tensor {
        if a.dimensions == b.dimensions { return zipSame(a, b, f) }
        let shape = try Shape.broadcast(a.shape, b.shape, op: op)
        let out = Tensor.uninitialized(shape)
        let pa = a.pointer, pb = b.pointer, dst = out.pointer
        if b.count == 1 {
            let s = pb[0]
            for i in 0..<out.count { dst[i] = f(pa[i], s) }
        } else if a.count == 1 {
            let s = pa[0]
            for i in 0..<out.count { dst[i] = f(s, pb[i]) }
        } else if b.count > 0, shape == a.shape, b.shape.count <= a.shape.count, Array(a.shape.suffix(b.shape.count)) == b.shape {
            // b repeats along a's leading dimensions (a bias added to every row): contiguous rows.
            let width = b.count
            for row in 0..<(a.count / width) {
                let x = pa + row * width, y = dst + row * width
                for j in 0..<width { y[j] = f(x[j], pb[j]) }
            }
        } else {
            let sa = Shape.broadcastStrides(a.shape, to: shape), sb = Shape.broadcastStrides(b.shape, to: shape)
            Broadcast.rows(shape: shape, sa, sb) { offA, offB, offOut, n, stepA, stepB in
                for j in 0..<n { dst[offOut + j] = f(pa[offA + j * stepA], pb[offB + j * stepB]) }
            }
        }
        return out
    }

    /// `x` summed down to `shape`, undoing a broadcast (the backward of every broadcasting op).
    static func sum(_ x: Tensor, to shape: [Int]) -> Tensor {
        if x.shape == shape { return x }
        let out = Tensor.filled(0, shape)
        // Nothing to sum into (an empty shape): also keeps the row loops below from dividing by zero.
        guard out.count > 0 else { return out }
        let src = x.pointer, dst = out.pointer
        if out.count == 1 {
            var total: Float = 0
            for i in 0..<x.count { total += src[i] }
            dst[0] = total
            return out
        }
        if shape.count <= x.shape.count, Array(x.shape.suffix(shape.count)) == shape {
            // Summing over leading dimensions only (a bias gradient): add whole contiguous rows.
            let width = out.count
            for row in 0..<(x.count / width) {
                let r = src + row * width
                for j in 0..<width { dst[j] += r[j] }
            }
            return out
        }
        let own = Shape.strides(x.shape), target = Shape.broadcastStrides(shape, to: x.shape)
        Broadcast.rows(shape: x.shape, own, target) { offX, offOut, _, n, stepX, stepOut in
            for j in 0..<n { dst[offOut + j * stepOut] += src[offX + j * stepX] }
        }
        return out
    }

    /// `x` repeated along broadcast dimensions to fill `shape`.
    static func expand(_ x: Tensor, to shape: [Int]) -> Tensor {
        if x.shape == shape { return x }
        let out = Tensor.uninitialized(shape)
        let src = x.pointer, dst = out.pointer
        let sx = Shape.broadcastStrides(x.shape, to: shape)
        Broadcast.rows(shape: shape, sx, Shape.strides(shape)) { offX, offOut, _, n, stepX, stepOut in
            for j in 0..<n { dst[offOut + j * stepOut] = src[offX + j * stepX] }
        }
        return out
    }
}

/// Walks a shape row by row (all dimensions but the last), giving each row's offsets in two strided views.
enum Broadcast {
    /// Calls `body(offsetA, offsetB, offsetOut, rowLength, strideA, strideB)` once per row of `shape`;
    /// `offsetOut` is the row's offset in a contiguous tensor of `shape`.
    @inline(__always)
    static func rows(
        shape: [Int], _ sa: [Int], _ sb: [Int], _ body: (Int, Int, Int, Int, Int, Int) -> Void
    ) {
        guard let last = shape.last else {
            body(0, 0, 0, 1, 0, 0)
            return
        }
        let rank = shape.count
        if Shape.count(shape) == 0 { return }
        var index = [Int](repeating: 0, count: rank - 1)
        var offA = 0, offB = 0, offOut = 0
        while true {
            body(offA, offB, offOut, last, sa[rank - 1], sb[rank - 1])
            offOut += last
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offA += sa[axis]
                offB += sb[axis]
                if index[axis] < shape[axis] { break }
                offA -= sa[axis] * shape[axis]
                offB -= sb[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }
}

extension Tensor {
    /// Adds `other` (same shape) into this tensor's own storage.
    mutating func addInPlace(_ other: Tensor) {
        makeUnique()
        storage.version &+= 1
        let dst = pointer, src = other.pointer
        for i in 0..<Swift.min(count, other.count) { dst[i] += src[i] }
    }
}
