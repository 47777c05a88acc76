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
    public init(
        inputSize: Int, hiddenSize: Int, initializer: Initializer = .xavierUniform, generator: inout SeededGenerator
    ) {
        self.hiddenSize = hiddenSize
        wx = Parameter(initializer.make([inputSize, hiddenSize], fanIn: inputSize, fanOut: hiddenSize, using: &generator))
        wh = Parameter(initializer.make([hiddenSize, hiddenSize], fanIn: hiddenSize, fanOut: hiddenSize, using: &generator))
        bias = Parameter(Tensor.zeros([hiddenSize]))
    }

    /// A zero state for a batch of `batchSize`.
    public func zeroState(batchSize: Int) -> Tensor { Tensor.zeros([batchSize, hiddenSize]) }

    /// One step: the next hidden state from input `x` `[batch, inputSize]` and state `h` `[batch, hiddenSize]`.
    public func callAsFunction(_ x: Tensor, _ h: Tensor) throws -> Tensor {
        try scoped { try (x.matmul(wx.value) + h.matmul(wh.value) + bias.value).tanh() }
    }
}
