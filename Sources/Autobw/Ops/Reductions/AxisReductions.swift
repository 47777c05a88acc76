import Foundation

/// Reductions along one axis, each a single tape entry whose backward works lane by lane (a lane is the
/// elements along the axis for one position of all the others).
extension Tensor {
    /// Minima along `axis`; the gradient goes to the first minimal element of each lane.
    public func min(axis: Int, keepingDimension: Bool = false, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let lanes = try Lanes(shape, axis: axis, op: "min", nonEmpty: true)
        let winners = lanes.map(self) { lane in lane.indices.min { lane[$0] < lane[$1] } ?? 0 }.enumerated().map {
            lanes.index(lane: $0.offset, element: $0.element)
        }
        let out = Tensor.uninitialized(lanes.keptShape)
        for (k, at) in winners.enumerated() { out.pointer[k] = pointer[at] }
        return try out.reshapedUntracked(lanes.outputShape(keepingDimension)).recorded(
            .minAxis, at: CallSite(file, line), input: self,
            backward: { [shape] ctx in
                let grad = Tensor.filled(0, shape)
                for (k, at) in winners.enumerated() { grad.pointer[at] = ctx.grad.pointer[k] }
                return Operands(grad)
            })
    }

    /// The position of the largest element along `axis` in each lane (the first one on ties), as floats.
    /// Not differentiable, so not recorded.
    public func argmax(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        try argExtreme(axis: axis, keepingDimension: keepingDimension, op: "argmax") { $0 > $1 }
    }

    /// The position of the smallest element along `axis` in each lane (the first one on ties), as floats.
    /// Not differentiable, so not recorded.
    public func argmin(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        try argExtreme(axis: axis, keepingDimension: keepingDimension, op: "argmin") { $0 < $1 }
    }

    private func argExtreme(
        axis: Int, keepingDimension: Bool, op: String, _ better: (Float, Float) -> Bool
    ) throws -> Tensor {
        let lanes = try Lanes(shape, axis: axis, op: op, nonEmpty: true)
        let positions = lanes.map(self) { lane -> Int in
            var best = 0
            for j in 1..<lane.count where better(lane[j], lane[best]) { best = j }
            return best
        }
        let out = Tensor.uninitialized(lanes.outputShape(keepingDimension))
        for (k, position) in positions.enumerated() { out.pointer[k] = Float(position) }
        return out
    }

    /// `log(sum(exp(x)))` along `axis`, computed stably (the lane's maximum is taken out first).
    public func logSumExp(axis: Int, keepingDimension: Bool = false, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let lanes = try Lanes(shape, axis: axis, op: "logSumExp", nonEmpty: true)
        let out = Tensor.uninitialized(lanes.keptShape)
        lanes.forEachLane(self) { k, lane in
            let top = lane.max() ?? 0
            out.pointer[k] = top.isFinite ? top + Foundation.log(lane.reduce(0) { $0 + Foundation.exp($1 - top) }) : top
        }
        return try out.reshapedUntracked(lanes.outputShape(keepingDimension)).recorded(
            .logSumExp, at: CallSite(file, line), inputs: Operands(self), saving: Operands(self, out),
            backward: { ctx in
                // d/dx_i = exp(x_i - y): the softmax of the lane.
                let (x, y) = (ctx.saved[0], ctx.saved[1])
                return Operands(lanes.spread(ctx.grad, like: x) { k, index in
                    Foundation.exp(x.pointer[index] - y.pointer[k])
                })
            })
    }

    /// Products along `axis`; the gradient of each element is the product of the others in its lane (exact
    /// even when the lane holds zeros).
    public func prod(axis: Int, keepingDimension: Bool = false, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let lanes = try Lanes(shape, axis: axis, op: "prod", nonEmpty: false)
        let out = Tensor.uninitialized(lanes.keptShape)
        lanes.forEachLane(self) { k, lane in out.pointer[k] = lane.reduce(1, *) }
        return try out.reshapedUntracked(lanes.outputShape(keepingDimension)).recorded(
            .prod, at: CallSite(file, line), input: self, saving: .input,
            backward: { ctx in
                let x = ctx.saved[0]
                let grad = Tensor.uninitialized(x.shape)
                lanes.forEachLane(x) { k, lane in
                    // Products of everything before and after each element: no division, so zeros are fine.
                    var before = [Float](repeating: 1, count: lane.count), after = before
                    for j in 1..<Swift.max(lane.count, 1) { before[j] = before[j - 1] * lane[j - 1] }
                    for j in stride(from: lane.count - 2, through: 0, by: -1) { after[j] = after[j + 1] * lane[j + 1] }
                    for j in 0..<lane.count { grad.pointer[lanes.index(lane: k, element: j)] = ctx.grad.pointer[k] * before[j] * after[j] }
                }
                return Operands(grad)
            })
    }

    /// Variances along `axis`, dividing by `n - 1` when `unbiased` (PyTorch's default) or by `n`.
    public func variance(
        axis: Int, unbiased: Bool = true, keepingDimension: Bool = false, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let (lanes, means, divisor) = try spread(axis: axis, unbiased: unbiased, op: "variance")
        let out = Tensor.uninitialized(lanes.keptShape)
        lanes.forEachLane(self) { k, lane in out.pointer[k] = lane.reduce(0) { $0 + ($1 - means[k]) * ($1 - means[k]) } / divisor }
        return try out.reshapedUntracked(lanes.outputShape(keepingDimension)).recorded(
            .variance, at: CallSite(file, line), input: self, saving: .input,
            backward: { ctx in
                let x = ctx.saved[0]
                return Operands(lanes.spread(ctx.grad, like: x) { k, index in 2 * (x.pointer[index] - means[k]) / divisor })
            })
    }

    /// Standard deviations along `axis` (`unbiased` as in `variance`); the gradient where the deviation is 0 is 0.
    public func standardDeviation(
        axis: Int, unbiased: Bool = true, keepingDimension: Bool = false, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let (lanes, means, divisor) = try spread(axis: axis, unbiased: unbiased, op: "standardDeviation")
        let out = Tensor.uninitialized(lanes.keptShape)
        lanes.forEachLane(self) { k, lane in
            out.pointer[k] = (lane.reduce(0) { $0 + ($1 - means[k]) * ($1 - means[k]) } / divisor).squareRoot()
        }
        return try out.reshapedUntracked(lanes.outputShape(keepingDimension)).recorded(
            .standardDeviation, at: CallSite(file, line), inputs: Operands(self), saving: Operands(self, out),
            backward: { ctx in
                let (x, deviation) = (ctx.saved[0], ctx.saved[1])
                return Operands(lanes.spread(ctx.grad, like: x) { k, index in
                    deviation.pointer[k] > 0 ? (x.pointer[index] - means[k]) / (divisor * deviation.pointer[k]) : 0
                })
            })
    }

    /// Euclidean norms along `axis`; the gradient of a zero lane is 0.
    public func norm(axis: Int, keepingDimension: Bool = false, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let lanes = try Lanes(shape, axis: axis, op: "norm", nonEmpty: false)
        let out = Tensor.uninitialized(lanes.keptShape)
        lanes.forEachLane(self) { k, lane in out.pointer[k] = lane.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return try out.reshapedUntracked(lanes.outputShape(keepingDimension)).recorded(
            .norm, at: CallSite(file, line), inputs: Operands(self), saving: Operands(self, out),
            backward: { ctx in
                let (x, norms) = (ctx.saved[0], ctx.saved[1])
                return Operands(lanes.spread(ctx.grad, like: x) { k, index in
                    norms.pointer[k] > 0 ? x.pointer[index] / norms.pointer[k] : 0
                })
            })
    }

    /// The lanes, each lane's mean and the variance divisor, shared by `variance` and `standardDeviation`.
    private func spread(axis: Int, unbiased: Bool, op: String) throws -> (Lanes, [Float], Float) {
        let lanes = try Lanes(shape, axis: axis, op: op, nonEmpty: true)
        guard !unbiased || lanes.length > 1 else {
            throw TensorError.invalidArgument(op: op, detail: "an unbiased estimate needs 2 or more elements along the axis")
        }
        let means = lanes.map(self) { lane in lane.reduce(0, +) / Float(lane.count) }
        return (lanes, means, Float(lanes.length - (unbiased ? 1 : 0)))
    }
}

/// The lanes of a tensor along one axis: `outer x inner` of them, each `length` long with stride `inner`.
struct Lanes: Sendable {
    let outer: Int, length: Int, inner: Int
    let shape: [Int]
    let axis: Int

    init(_ shape: [Int], axis: Int, op: String, nonEmpty: Bool) throws {
        self.axis = try Shape.axis(axis, rank: shape.count, op: op)
        (outer, length, inner) = Shape.around(shape, axis: self.axis)
        self.shape = shape
        guard !nonEmpty || length > 0 else {
            throw TensorError.invalidArgument(op: op, detail: "axis \(axis) of \(Shape.describe(shape)) is empty")
        }
    }

    /// The result's shape with the axis kept as 1.
    var keptShape: [Int] { Tensor.resized(shape, axis: axis, to: 1) }

    func outputShape(_ keepingDimension: Bool) -> [Int] {
        var out = keptShape
        if !keepingDimension { out.remove(at: axis) }
        return out
    }

    /// The flat index of element `element` of lane `lane`.
    @inline(__always)
    func index(lane: Int, element: Int) -> Int {
        (lane / inner) * length * inner + lane % inner + element * inner
    }

    /// Calls `body` with each lane's number and its elements.
    func forEachLane(_ x: Tensor, _ body: (Int, [Float]) -> Void) {
        var lane = [Float](repeating: 0, count: length)
        for k in 0..<(outer * inner) {
            for j in 0..<length { lane[j] = x.pointer[index(lane: k, element: j)] }
            body(k, lane)
        }
    }

    /// `transform` of each lane, in lane order.
    func map<T>(_ x: Tensor, _ transform: ([Float]) -> T) -> [T] {
        var results = [T]()
        results.reserveCapacity(outer * inner)
        forEachLane(x) { _, lane in results.append(transform(lane)) }
        return results
    }

    /// A tensor like `x` whose element at `index` in lane `k` is `grad[k] * factor(k, index)`.
    func spread(_ grad: Tensor, like x: Tensor, _ factor: (Int, Int) -> Float) -> Tensor {
        let out = Tensor.uninitialized(x.shape)
        for k in 0..<(outer * inner) {
            for j in 0..<length {
                let at = index(lane: k, element: j)
                out.pointer[at] = grad.pointer[k] * factor(k, at)
            }
        }
        return out
    }
}
