import Foundation

/// RMSProp as in char-rnn (`optim.rmsprop`) and PyTorch: a running average of squared gradients scales each
/// step.
///
///     m = alpha * m + (1 - alpha) * g^2
///     w -= lr * g / (sqrt(m) + epsilon)
public final class RMSProp: SlottedOptimizer {
    public var learningRate: Float
    /// Decay of the running average (char-rnn: 0.95).
    public let alpha: Float
    /// Added to the root mean square to avoid division by zero.
    public let epsilon: Float
    var slots: OptimizerSlots

    /// char-rnn's defaults: learning rate 2e-3, alpha 0.95.
    public init(
        _ parameters: NamedParameters, learningRate: Float = 2e-3, alpha: Float = 0.95,
        epsilon: Float = 1e-8
    ) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        slots = OptimizerSlots(["square_avg"], parameters: parameters)
    }

    public func step() {
        let (lr, alpha, epsilon) = (learningRate, alpha, epsilon)
        slots.forEachParameter { w, g, count, state in
            let m = state[0]
            for i in 0..<count {
                m[i] = alpha * m[i] + (1 - alpha) * g[i] * g[i]
                w[i] -= lr * g[i] / (m[i].squareRoot() + epsilon)
            }
        }
        slots.stepCount += 1
    }
}
