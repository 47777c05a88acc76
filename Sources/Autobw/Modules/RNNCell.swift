/// A vanilla recurrent cell: `h' = tanh(x Wx + h Wh + b)`.
public final class RNNCell: Module, @unchecked Sendable {
    /// `[inputSize, hiddenSize]`.
    public let wx: Parameter
    /// `[hiddenSize, hiddenSize]`.
    public let wh: Parameter
    /// `[hiddenSize]`.
    public let bias: Parameter
    /// The width of the hidden state.
    public let hiddenSize: Int

    /// A cell from `inputSize` inputs to `hiddenSize` hidden units.
    /// - Throws: `TensorError.invalidArgument` for a size that is not positive or too large for memory.
    public init(
        inputSize: Int, hiddenSize: Int, initializer: Initializer = .xavierUniform, generator: inout SeededGenerator
    ) throws {
        let inputSize = try Shape.validatedSize(inputSize, op: "RNNCell", argument: "inputSize")
        self.hiddenSize = try Shape.validatedSize(hiddenSize, op: "RNNCell", argument: "hiddenSize")
        wx = Parameter(
            try initializer.make([inputSize, hiddenSize], fanIn: inputSize, fanOut: hiddenSize, using: &generator))
        wh = Parameter(
            try initializer.make([hiddenSize, hiddenSize], fanIn: hiddenSize, fanOut: hiddenSize, using: &generator))
        bias = Parameter(Tensor.filled(0, [hiddenSize]))
    }

    /// A zero state for a batch of `batchSize`.
    /// - Throws: `TensorError.invalidArgument` for a negative or oversized batch.
    public func zeroState(batchSize: Int) throws -> Tensor { try Tensor.zeros([batchSize, hiddenSize]) }

    /// One step: the next hidden state from input `x` `[batch, inputSize]` and state `h` `[batch, hiddenSize]`.
    public func callAsFunction(_ x: Tensor, _ h: Tensor, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try scoped(file: file, line: line) { try (x.matmul(wx.value) + h.matmul(wh.value) + bias.value).tanh() }
    }
}
