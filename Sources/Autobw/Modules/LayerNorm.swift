/// Layer normalisation over the last axis: `(x - mean) / sqrt(variance + epsilon) * gain + bias`, with the
/// biased variance, as PyTorch's `nn.LayerNorm(normalized_shape=size)`. Composed of recorded ops.
public final class LayerNorm: Module, Layer, @unchecked Sendable {
    /// Per-feature scale, starting at 1 (nil without `affine`).
    public let gain: Parameter?
    /// Per-feature shift, starting at 0 (nil without `affine`).
    public let bias: Parameter?
    /// Added to the variance.
    public let epsilon: Float
    /// The size of the normalised last axis.
    public let size: Int

    /// Normalisation of a last axis of `size` features.
    /// - Throws: `TensorError.invalidArgument` for a size that is not positive or too large for memory.
    public init(size: Int, epsilon: Float = 1e-5, affine: Bool = true) throws {
        self.size = try Shape.validatedSize(size, op: "LayerNorm", argument: "size")
        self.epsilon = epsilon
        gain = affine ? Parameter(Tensor.filled(1, [size])) : nil
        bias = affine ? Parameter(Tensor.filled(0, [size])) : nil
    }

    /// Normalises `[..., size]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.shape.last == size else {
            throw TensorError.shapeMismatch(op: "LayerNorm", detail: "input \(Shape.describe(x.shape)) for size \(size)")
        }
        let centred = try x - x.mean(axis: -1, keepingDimension: true)
        let deviation = try (centred.variance(axis: -1, unbiased: false, keepingDimension: true) + epsilon).sqrt()
        let normalised = try centred / deviation
        guard let gain, let bias else { return normalised }
        return try normalised * gain.value + bias.value
    }
}
