import Foundation

/// How a loss combines its per-example values, as PyTorch's `reduction`.
public enum LossReduction: Sendable {
    /// The (weighted) mean.
    case mean
    /// The sum.
    case sum
    /// One value per example.
    case none
}

/// Classification and regression losses with PyTorch's options, each one tape entry computed from a stable
/// form, its backward beside it.
extension Tensor {
    /// Cross-entropy of `self`'s logits `[rows, classes]` against class `targets`: PyTorch's `F.cross_entropy`
    /// with per-class `weights`, `labelSmoothing` and an `ignoredIndex` whose rows count for nothing.
    /// - Throws: `TensorError` for a shape, target, weight or smoothing out of range.
    public func crossEntropy(
        targets: [Int], weights: [Float]? = nil, labelSmoothing: Float = 0, ignoredIndex: Int? = nil,
        reduction: LossReduction = .mean, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let (rows, classes) = try classificationShape(targets: targets, weights: weights, ignoredIndex: ignoredIndex, op: "crossEntropy")
        guard labelSmoothing >= 0 && labelSmoothing <= 1 else {
            throw TensorError.invalidArgument(op: "crossEntropy", detail: "labelSmoothing \(labelSmoothing) is outside 0...1")
        }
        let w = weights ?? [Float](repeating: 1, count: classes)
        // Row i's loss is -sum_c a_ic log p_ic with a_ic = (1 - e) w_y [c == y] + e / C * w_c.
        var losses = [Float](repeating: 0, count: rows), coefficients = [Float](repeating: 0, count: rows * classes)
        var denominator: Float = 0
        let probabilities = Tensor.uninitialized(shape)
        for (r, target) in targets.enumerated() {
            let z = pointer + r * classes, p = probabilities.pointer + r * classes
            let logSum = Softmax.logSumExp(z, classes)
            for c in 0..<classes { p[c] = Foundation.exp(z[c] - logSum) }
            guard target != ignoredIndex else { continue }
            var loss: Float = 0
            for c in 0..<classes {
                let a = (c == target ? (1 - labelSmoothing) * w[target] : 0) + labelSmoothing / Float(classes) * w[c]
                coefficients[r * classes + c] = a
                loss -= a * (z[c] - logSum)
            }
            losses[r] = loss
            denominator += w[target]
        }
        return try Tensor.reduced(losses, reduction, denominator: denominator).recorded(
            .crossEntropy, at: CallSite(file, line), inputs: Operands(self), saving: Operands(probabilities),
            backward: { [coefficients, denominator] ctx in
                let p = ctx.saved[0]
                let grad = Tensor.uninitialized(p.shape)
                for r in 0..<rows {
                    let g = Tensor.upstream(ctx.grad, row: r, reduction, denominator: denominator)
                    var total: Float = 0
                    for c in 0..<classes { total += coefficients[r * classes + c] }
                    for c in 0..<classes {
                        grad.pointer[r * classes + c] = g * (p.pointer[r * classes + c] * total - coefficients[r * classes + c])
                    }
                }
                return Operands(grad)
            })
    }

    /// Negative log-likelihood of log-probabilities `[rows, classes]`: PyTorch's `F.nll_loss`.
    public func negativeLogLikelihood(
        targets: [Int], weights: [Float]? = nil, ignoredIndex: Int? = nil, reduction: LossReduction = .mean,
        file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        let (rows, classes) = try classificationShape(targets: targets, weights: weights, ignoredIndex: ignoredIndex, op: "negativeLogLikelihood")
        let w = weights ?? [Float](repeating: 1, count: classes)
        var losses = [Float](repeating: 0, count: rows), denominator: Float = 0
        for (r, target) in targets.enumerated() where target != ignoredIndex {
            losses[r] = -w[target] * pointer[r * classes + target]
            denominator += w[target]
        }
        return try Tensor.reduced(losses, reduction, denominator: denominator).recorded(
            .negativeLogLikelihood, at: CallSite(file, line), input: self,
            backward: { [shape, denominator] ctx in
                let grad = Tensor.filled(0, shape)
                for (r, target) in targets.enumerated() where target != ignoredIndex {
                    grad.pointer[r * classes + target] = -w[target] * Tensor.upstream(ctx.grad, row: r, reduction, denominator: denominator)
                }
                return Operands(grad)
            })
    }

    /// Binary cross-entropy of logits `self` against `targets` in 0...1 (same shape), computed from
    /// `log1p(e^-|z|)` so no logit overflows: PyTorch's `F.binary_cross_entropy_with_logits`, positive examples
    /// weighted by `positiveWeight` (`pos_weight`). Gradients flow to both, as in PyTorch: to the targets
    /// `p softplus(-z) - softplus(z)` times the upstream gradient.
    public func binaryCrossEntropyWithLogits(
        targets: Tensor, positiveWeight: Float = 1, reduction: LossReduction = .mean, file: StaticString = #fileID,
        line: UInt = #line
    ) throws -> Tensor {
        guard positiveWeight >= 0, positiveWeight.isFinite else {
            throw TensorError.invalidArgument(op: "binaryCrossEntropyWithLogits", detail: "positiveWeight \(positiveWeight) must be 0 or more")
        }
        guard targets.shape == shape else {
            throw TensorError.shapeMismatch(
                op: "binaryCrossEntropyWithLogits", detail: "\(Shape.describe(shape)) vs targets \(Shape.describe(targets.shape))")
        }
        let z = scalars, t = targets.scalars
        // -[p t log s(z) + (1 - t) log(1 - s(z))], with -log s(z) = softplus(-z) and -log(1 - s(z)) = softplus(z).
        let p = positiveWeight
        let losses = zip(z, t).map { z, t in p * t * Activation.softplus(-z) + (1 - t) * Activation.softplus(z) }
        return try Tensor.reduced(losses, reduction, denominator: Float(losses.count), shape: shape).recorded(
            .binaryCrossEntropyWithLogits, at: CallSite(file, line), inputs: Operands(self, targets),
            backward: { [shape] ctx in
                let grad = Tensor.uninitialized(shape)
                let targetGrad = ctx.needsGradient(1) ? Tensor.uninitialized(shape) : nil
                for i in 0..<z.count {
                    let g = Tensor.upstream(ctx.grad, row: i, reduction, denominator: Float(z.count))
                    grad.pointer[i] = g * (Activation.sigmoid(z[i]) * (p * t[i] + 1 - t[i]) - p * t[i])
                    // As PyTorch: soft targets (label smoothing, distillation) learn too.
                    targetGrad?.pointer[i] = g * (p * Activation.softplus(-z[i]) - Activation.softplus(z[i]))
                }
                return Operands(grad, targetGrad)
            })
    }

    /// Huber loss (smooth L1 with `delta`): `0.5 d^2` where `|d| <= delta`, `delta (|d| - delta / 2)` beyond,
    /// `d = self - target`: PyTorch's `F.huber_loss`. Gradients flow to both.
    public func huberLoss(
        _ target: Tensor, delta: Float = 1, reduction: LossReduction = .mean, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        guard target.shape == shape else {
            throw TensorError.shapeMismatch(op: "huberLoss", detail: "\(Shape.describe(shape)) vs target \(Shape.describe(target.shape))")
        }
        guard delta > 0, delta.isFinite else { throw TensorError.invalidArgument(op: "huberLoss", detail: "delta \(delta) must be positive") }
        let d = zip(scalars, target.scalars).map { $0 - $1 }
        let losses = d.map { Swift.abs($0) <= delta ? 0.5 * $0 * $0 : delta * (Swift.abs($0) - 0.5 * delta) }
        return try Tensor.reduced(losses, reduction, denominator: Float(losses.count), shape: shape).recorded(
            .huberLoss, at: CallSite(file, line), inputs: Operands(self, target),
            backward: { [shape] ctx in
                let grad = Tensor.uninitialized(shape)
                for i in 0..<d.count {
                    grad.pointer[i] = Tensor.upstream(ctx.grad, row: i, reduction, denominator: Float(d.count))
                        * Swift.min(Swift.max(d[i], -delta), delta)
                }
                return Operands(grad, ctx.needsGradient(1) ? Elementwise.map(grad) { -$0 } : nil)
            })
    }

    /// Checks `[rows, classes]` against the targets, weights and ignored index.
    private func classificationShape(
        targets: [Int], weights: [Float]?, ignoredIndex: Int?, op: String
    ) throws -> (rows: Int, classes: Int) {
        guard rank == 2, shape[1] > 0 else {
            throw TensorError.shapeMismatch(op: op, detail: "needs [rows, classes], got \(Shape.describe(shape))")
        }
        let (rows, classes) = (shape[0], shape[1])
        guard targets.count == rows else {
            throw TensorError.shapeMismatch(op: op, detail: "\(targets.count) targets for \(rows) rows")
        }
        if let bad = targets.first(where: { ($0 < 0 || $0 >= classes) && $0 != ignoredIndex }) {
            throw TensorError.invalidArgument(op: op, detail: "target \(bad) outside 0..<\(classes)")
        }
        if let weights {
            guard weights.count == classes, weights.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw TensorError.invalidArgument(op: op, detail: "weights must be \(classes) non-negative numbers")
            }
        }
        return (rows, classes)
    }

    /// The loss tensor for per-example `losses`: a scalar (mean over `denominator`, or sum) or the vector.
    static func reduced(_ losses: [Float], _ reduction: LossReduction, denominator: Float, shape: [Int]? = nil) -> Tensor {
        switch reduction {
        case .none:
            let out = Tensor(losses)
            return shape.map { out.reshapedUntracked($0) } ?? out
        case .sum: return Tensor(scalar: losses.reduce(0, +))
        case .mean: return Tensor(scalar: denominator > 0 ? losses.reduce(0, +) / denominator : .nan)
        }
    }

    /// The upstream gradient reaching example `row`'s loss.
    static func upstream(_ grad: Tensor, row: Int, _ reduction: LossReduction, denominator: Float) -> Float {
        switch reduction {
        case .none: return grad.pointer[row]
        case .sum: return grad.pointer[0]
        case .mean: return denominator > 0 ? grad.pointer[0] / denominator : 0
        }
    }
}
