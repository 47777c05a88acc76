/// Loss functions, fused so each records a single entry.
extension Tensor {
    /// Mean cross-entropy of softmax(`self`) against integer class `targets`, one per row.
    ///
    /// `self` is `[rows, classes]` (or any shape whose last axis is the classes); the result is a scalar.
    /// The backward is `(softmax - onehot) / rows`, computed in one pass.
    /// - Throws: `TensorError.shapeMismatch` when the target count differs from the rows, and
    ///   `TensorError.invalidArgument` for a target outside `0..<classes`.
    public func softmaxCrossEntropy(
        targets: [Int], file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        guard let classes = shape.last, classes > 0 else {
            throw TensorError.invalidArgument(op: "softmaxCrossEntropy", detail: "needs a non-empty class axis")
        }
        let rows = count / classes
        guard targets.count == rows else {
            throw TensorError.shapeMismatch(
                op: "softmaxCrossEntropy", detail: "\(targets.count) targets for \(rows) rows of \(Shape.describe(shape))")
        }
        if let bad = targets.first(where: { $0 < 0 || $0 >= classes }) {
            throw TensorError.invalidArgument(op: "softmaxCrossEntropy", detail: "target \(bad) outside 0..<\(classes)")
        }
        // One pass per row gives both the probabilities (saved for backward) and the row's loss.
        let probabilities = Tensor.uninitialized(shape)
        var total: Double = 0
        for (r, target) in targets.enumerated() {
            let x = pointer + r * classes, p = probabilities.pointer + r * classes
            let logSum = Softmax.probabilities(x, into: p, classes)
            total += Double(logSum - x[target])
        }
        let loss = Tensor(scalar: Float(total / Double(Swift.max(rows, 1))))
        return try loss.recorded(
            .softmaxCrossEntropy, at: CallSite(file, line), inputs: Operands(self), saving: Operands(probabilities),
            backward: { ctx in
                let scale = ctx.grad.pointer[0] / Float(Swift.max(rows, 1))
                let grad = Tensor.uninitialized(ctx.saved[0].shape)
                let p = ctx.saved[0].pointer, dst = grad.pointer
                for i in 0..<grad.count { dst[i] = p[i] * scale }
                for (r, target) in targets.enumerated() { dst[r * classes + target] -= scale }
                return Operands(grad)
            })
    }

    /// Mean of `(self - target)^2` over all elements, as a scalar; with `reduction` `.sum` or `.none`, their
    /// sum or the elementwise squared errors instead.
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public func meanSquaredError(
        _ target: Tensor, reduction: LossReduction = .mean, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        guard shape == target.shape else {
            throw TensorError.shapeMismatch(
                op: "meanSquaredError", detail: "\(Shape.describe(shape)) vs target \(Shape.describe(target.shape))")
        }
        if reduction != .mean {
            let d = zip(scalars, target.scalars).map { $0 - $1 }
            return try Tensor.reduced(d.map { $0 * $0 }, reduction, denominator: Float(d.count), shape: shape).recorded(
                .meanSquaredError, at: CallSite(file, line), inputs: Operands(self, target),
                backward: { [shape] ctx in
                    let grad = Tensor.uninitialized(shape)
                    for i in 0..<d.count {
                        grad.pointer[i] = 2 * d[i] * Tensor.upstream(ctx.grad, row: i, reduction, denominator: Float(d.count))
                    }
                    return Operands(grad, ctx.needsGradient(1) ? Elementwise.map(grad) { -$0 } : nil)
                })
        }
        let difference = Elementwise.zipSame(self, target, -)
        var total: Double = 0
        for i in 0..<count { total += Double(difference.pointer[i] * difference.pointer[i]) }
        let n = Float(Swift.max(count, 1))
        return try Tensor(scalar: Float(total) / n).recorded(
            .meanSquaredError, at: CallSite(file, line), inputs: Operands(self, target), saving: Operands(difference),
            backward: { ctx in
                let scale = 2 * ctx.grad.pointer[0] / n
                let gradSelf = Elementwise.map(ctx.saved[0]) { $0 * scale }
                return Operands(gradSelf, ctx.needsGradient(1) ? Elementwise.map(gradSelf) { -$0 } : nil)
            })
    }
}

