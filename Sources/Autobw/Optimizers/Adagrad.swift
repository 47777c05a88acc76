/// Adagrad: each weight's step shrinks with the sum of its squared gradients.
///
///     s += g^2
///     w -= lr * g / (sqrt(s) + epsilon)
public final class Adagrad: SlottedOptimizer {
    public var learningRate: Float
    /// Added to the root of the sum to avoid division by zero.
    public let epsilon: Float
    var slots: OptimizerSlots

    /// An optimizer for `parameters`.
    public init(_ parameters: NamedParameters, learningRate: Float = 1e-2, epsilon: Float = 1e-10) {
        self.learningRate = learningRate
        self.epsilon = epsilon
        slots = OptimizerSlots(["sum"], parameters: parameters)
    }

    public func step() {
        let (lr, epsilon) = (learningRate, epsilon)
        slots.forEachParameter { w, g, count, state in
            let sum = state[0]
            for i in 0..<count {
                sum[i] += g[i] * g[i]
                w[i] -= lr * g[i] / (sum[i].squareRoot() + epsilon)
            }
        }
        slots.stepCount += 1
    }
}
