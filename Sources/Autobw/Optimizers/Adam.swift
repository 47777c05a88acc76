import Foundation

/// Adam, and AdamW when `decoupledWeightDecay` is set, following PyTorch's `torch.optim.Adam`/`AdamW`:
///
///     g = grad + weightDecay * w               (Adam's L2 penalty)
///     w -= lr * weightDecay * w                (AdamW's decoupled decay, instead of the line above)
///     m = beta1 * m + (1 - beta1) * g          v = beta2 * v + (1 - beta2) * g^2
///     w -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
public final class Adam: SlottedOptimizer {
    public var learningRate: Float
    /// Decay of the first-moment average.
    public let beta1: Float
    /// Decay of the second-moment average.
    public let beta2: Float
    /// Added to the root of the second moment.
    public let epsilon: Float
    /// Weight decay: an L2 penalty (Adam) or a decoupled shrink (AdamW).
    public let weightDecay: Float
    /// Whether weight decay is decoupled from the gradient (AdamW).
    public let decoupledWeightDecay: Bool
    var slots: OptimizerSlots

    /// Adam with PyTorch's defaults.
    public init(
        _ parameters: NamedParameters, learningRate: Float = 1e-3, beta1: Float = 0.9,
        beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        slots = OptimizerSlots(["exp_avg", "exp_avg_sq"], parameters: parameters)
    }

    /// AdamW: Adam with decoupled weight decay (PyTorch's default decay 0.01).
    public static func adamW(
        _ parameters: NamedParameters, learningRate: Float = 1e-3, weightDecay: Float = 0.01
    ) -> Adam {
        Adam(parameters, learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step() {
        slots.stepCount += 1
        let (lr, b1, b2, epsilon, decay, decoupled) = (learningRate, beta1, beta2, epsilon, weightDecay, decoupledWeightDecay)
        let correction1 = 1 - Foundation.pow(b1, Float(stepCount))
        let correction2 = 1 - Foundation.pow(b2, Float(stepCount))
        slots.forEachParameter { w, g, count, state in
            let (m, v) = (state[0], state[1])
            for i in 0..<count {
                var gradient = g[i]
                if decoupled { w[i] -= lr * decay * w[i] } else { gradient += decay * w[i] }
                m[i] = b1 * m[i] + (1 - b1) * gradient
                v[i] = b2 * v[i] + (1 - b2) * gradient * gradient
                w[i] -= lr * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + epsilon)
            }
        }
    }
}
