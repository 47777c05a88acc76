import Autobw

/// What one training step measured: the figures a front end plots and a metrics file records.
public struct StepMetrics: Sendable, Equatable {
    /// The step's index, from 0.
    public var step: Int
    /// The loss before the update.
    public var loss: Float
    /// The global L2 norm of all parameter gradients, before clipping.
    public var gradientNorm: Float
    /// The learning rate the update used.
    public var learningRate: Float
    /// Wall time of the whole step, in milliseconds.
    public var milliseconds: Double
    /// Examples (or characters) per second over the step.
    public var samplesPerSecond: Double
    /// Each parameter's gradient norm, by name, in the model's parameter order.
    public var parameterGradientNorms: [ParameterNorm]
    /// The replay observer's report of every replayed entry, in replay order.
    public var entries: [EntryGradientReport]
    /// In data-parallel training, the milliseconds the step spent in gradient all-reduce calls that the replay
    /// did not hide; nil alone.
    public var allReduceMilliseconds: Double? = nil

    /// A step's metrics (a session makes them; a front end or a test may too).
    public init(
        step: Int, loss: Float, gradientNorm: Float, learningRate: Float, milliseconds: Double, samplesPerSecond: Double,
        parameterGradientNorms: [ParameterNorm], entries: [EntryGradientReport], allReduceMilliseconds: Double? = nil
    ) {
        self.step = step
        self.loss = loss
        self.gradientNorm = gradientNorm
        self.learningRate = learningRate
        self.milliseconds = milliseconds
        self.samplesPerSecond = samplesPerSecond
        self.parameterGradientNorms = parameterGradientNorms
        self.entries = entries
        self.allReduceMilliseconds = allReduceMilliseconds
    }
}

/// One parameter's gradient norm.
public struct ParameterNorm: Sendable, Equatable {
    /// The parameter's name (`lstm.l1.wx`).
    public var name: String
    /// Its gradient's L2 norm (0 when no gradient reached it).
    public var norm: Float

    /// A parameter's norm.
    public init(name: String, norm: Float) {
        self.name = name
        self.norm = norm
    }
}

/// Loss and accuracy on held-out data.
public struct Evaluation: Sendable, Equatable {
    /// The mean loss.
    public var loss: Float
    /// The fraction classified right (classifiers only).
    public var accuracy: Float?
    /// The coefficient of determination, `1 - SSE / SST` over the held-out rows (regression only): 1 is perfect,
    /// 0 what predicting their mean scores. Its `loss` is then the mean squared error in the target's units.
    public var r2: Float?

    /// A result; `accuracy` for classifiers, `r2` for regression.
    public init(loss: Float, accuracy: Float? = nil, r2: Float? = nil) {
        self.loss = loss
        self.accuracy = accuracy
        self.r2 = r2
    }
}
