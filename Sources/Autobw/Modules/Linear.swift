/// `y = x W + b`: a fully connected layer on the last axis.
public final class Linear: Module, Layer, @unchecked Sendable {
    /// `[inputSize, outputSize]`, so a batch `[n, inputSize]` multiplies without a transpose.
    public let weight: Parameter
    /// `[outputSize]`, or nil for a layer without bias.
    public let bias: Parameter?

    /// A layer from `inputSize` to `outputSize` features, initialised by `initializer` (Kaiming-uniform by
    /// default); the bias starts at zero.
    public init(
        _ inputSize: Int, _ outputSize: Int, bias: Bool = true, initializer: Initializer = .kaimingUniform,
        generator: inout SeededGenerator
    ) {
        weight = Parameter(initializer.make([inputSize, outputSize], fanIn: inputSize, fanOut: outputSize, using: &generator))
        self.bias = bias ? Parameter(Tensor.zeros([outputSize])) : nil
    }

    /// Applies the layer to `[..., inputSize]`.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped {
            let product = try x.matmul(weight.value)
            guard let bias else { return product }
            return try product + bias.value
        }
    }
}
