/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov) and L2 weight decay, following
/// PyTorch's `torch.optim.SGD`:
///
///     g = grad + weightDecay * w
///     v = momentum * v + g        (v = g on the first step)
///     w -= lr * (nesterov ? g + momentum * v : v)
public final class SGD: SlottedOptimizer {
    public var learningRate: Float
    /// Momentum factor; 0 for plain SGD.
    public let momentum: Float
    /// Use Nesterov momentum.
    public let nesterov: Bool
    /// L2 penalty added to the gradient.
    public let weightDecay: Float
    var slots: OptimizerSlots

    /// An optimizer for `parameters` (usually `model.namedParameters()`).
    public init(
        _ parameters: NamedParameters, learningRate: Float, momentum: Float = 0,
        nesterov: Bool = false, weightDecay: Float = 0
    ) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        slots = OptimizerSlots(momentum == 0 ? [] : ["momentum"], parameters: parameters)
    }

    public func step() {
        let (lr, mu, decay, nesterov, first) = (learningRate, momentum, weightDecay, nesterov, stepCount == 0)
        slots.forEachParameter { w, g, count, state in
            // Branch-free loops per case, so each one vectorises.
            guard mu != 0, let v = state.first else {
                for i in 0..<count { w[i] -= lr * (g[i] + decay * w[i]) }
                return
            }
            if first {
                for i in 0..<count { v[i] = g[i] + decay * w[i] }
            } else {
                for i in 0..<count { v[i] = mu * v[i] + g[i] + decay * w[i] }
            }
            if nesterov {
                for i in 0..<count { w[i] -= lr * (g[i] + decay * w[i] + mu * v[i]) }
            } else {
                for i in 0..<count { w[i] -= lr * v[i] }
            }
        }
        slots.stepCount += 1
    }
}
