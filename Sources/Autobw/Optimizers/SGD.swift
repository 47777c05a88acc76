/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov) and L2 weight decay, following
/// PyTorch's `torch.optim.SGD`:
///
///     g = grad + weightDecay * w
///     v = momentum * v + g        (v = g on the first step)
///     w -= lr * (nesterov ? g + momentum * v : v)
public final class SGD: Optimizer {
    public var learningRate: Float
    /// Momentum factor; 0 for plain SGD.
    public let momentum: Float
    /// Use Nesterov momentum.
    public let nesterov: Bool
    /// L2 penalty added to the gradient.
    public let weightDecay: Float
    public private(set) var stepCount = 0
    public let parameters: [(name: String, parameter: Parameter)]
    private var slots: OptimizerSlots

    /// An optimizer for `parameters` (usually `model.namedParameters()`).
    public init(
        _ parameters: [(name: String, parameter: Parameter)], learningRate: Float, momentum: Float = 0,
        nesterov: Bool = false, weightDecay: Float = 0
    ) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        slots = OptimizerSlots(momentum == 0 ? [] : ["momentum"], parameters: parameters)
    }

    public func step() {
        let (lr, mu, decay, nesterov, first) = (learningRate, momentum, weightDecay, nesterov, stepCount == 0)
        slots.forEachParameter { w, g, count, state in
            for i in 0..<count {
                let gradient = g[i] + decay * w[i]
                guard mu != 0 else {
                    w[i] -= lr * gradient
                    continue
                }
                let velocity = first ? gradient : mu * state[0][i] + gradient
                state[0][i] = velocity
                w[i] -= lr * (nesterov ? gradient + mu * velocity : velocity)
            }
        }
        stepCount += 1
    }

    public func stateTensors() -> [String: Tensor] { slots.stateTensors() }

    public func loadState(_ tensors: [String: Tensor], stepCount: Int) throws {
        try slots.load(tensors)
        self.stepCount = stepCount
    }
}
