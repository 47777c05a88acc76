/// Batch normalisation of `[batch, features]` as PyTorch's `nn.BatchNorm1d`: in training, each feature is
/// normalised with the batch's mean and biased variance and the running statistics move by `momentum`
/// (the running variance unbiased); in evaluation (`setTraining(false)`), the running statistics are used.
/// The running statistics are state, not parameters: they are not in `namedParameters()`.
public final class BatchNorm1d: Module, Layer, @unchecked Sendable {
    /// Per-feature scale, starting at 1.
    public let gain: Parameter
    /// Per-feature shift, starting at 0.
    public let bias: Parameter
    /// The running mean, starting at 0.
    public private(set) var runningMean: Tensor
    /// The running (unbiased) variance, starting at 1.
    public private(set) var runningVariance: Tensor
    /// How far one batch moves the running statistics.
    public let momentum: Float
    /// Added to the variance.
    public let epsilon: Float

    /// Normalisation of `features` features.
    /// - Throws: `TensorError.invalidArgument` for a size that is not positive or too large for memory.
    public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) throws {
        let features = try Shape.validatedSize(features, op: "BatchNorm1d", argument: "features")
        gain = Parameter(Tensor.filled(1, [features]))
        bias = Parameter(Tensor.filled(0, [features]))
        runningMean = Tensor.filled(0, [features])
        runningVariance = Tensor.filled(1, [features])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// Normalises `[batch, features]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 2, x.shape[1] == gain.shape[0] else {
            throw TensorError.shapeMismatch(op: "BatchNorm1d", detail: "input \(Shape.describe(x.shape)) for \(gain.shape[0]) features")
        }
        let normalised: Tensor
        if isTraining {
            guard x.shape[0] > 1 else {
                throw TensorError.invalidArgument(op: "BatchNorm1d", detail: "training needs a batch of 2 or more")
            }
            let mean = try x.mean(axis: 0, keepingDimension: true)
            let variance = try x.variance(axis: 0, unbiased: false, keepingDimension: true)
            normalised = try (x - mean) / (variance + epsilon).sqrt()
            try withoutRecording {
                let n = Float(x.shape[0])
                let unbiased = try variance.detached().reshaped([-1]) * (n / (n - 1))
                runningMean = try runningMean * (1 - momentum) + mean.detached().reshaped([-1]) * momentum
                runningVariance = try runningVariance * (1 - momentum) + unbiased * momentum
            }
        } else {
            normalised = try (x - runningMean) / (runningVariance + epsilon).sqrt()
        }
        return try normalised * gain.value + bias.value
    }
}
