/// `y = x W + b`: a fully connected layer on the last axis.
public final class Linear: Module, Layer, @unchecked Sendable {
    /// `[inputSize, outputSize]`, so a batch `[n, inputSize]` multiplies without a transpose.
    public let weight: Parameter
    /// `[outputSize]`, or nil for a layer without bias.
    public let bias: Parameter?

    /// A layer from `inputSize` to `outputSize` features, initialised by `initializer` (Kaiming-uniform by
    /// default); the bias starts at zero.
    /// - Throws: `TensorError.invalidArgument` for a size that is not positive or too large for memory.
    public init(
        _ inputSize: Int, _ outputSize: Int, bias: Bool = true, initializer: Initializer = .kaimingUniform,
        generator: inout SeededGenerator
    ) throws {
        let inputSize = try Shape.validatedSize(inputSize, op: "Linear", argument: "inputSize")
        let outputSize = try Shape.validatedSize(outputSize, op: "Linear", argument: "outputSize")
        weight = Parameter(
            try initializer.make([inputSize, outputSize], fanIn: inputSize, fanOut: outputSize, using: &generator))
        self.bias = bias ? Parameter(Tensor.filled(0, [outputSize])) : nil
    }

    /// Applies the layer to `[..., inputSize]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        let product = try x.matmul(weight.value)
        guard let bias else { return product }
        return try product + bias.value
    }
}
