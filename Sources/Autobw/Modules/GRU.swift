/// A gated recurrent unit in PyTorch's parameterisation (`nn.GRUCell`), gates ordered `[reset | update | new]`:
///
///     r = sigmoid(x Wx_r + bx_r + h Wh_r + bh_r)      z = sigmoid(x Wx_z + bx_z + h Wh_z + bh_z)
///     n = tanh(x Wx_n + bx_n + r * (h Wh_n + bh_n))   h' = (1 - z) * n + z * h
public final class GRUCell: Module, @unchecked Sendable {
    /// Input to gates, `[inputSize, 3 * hiddenSize]`.
    public let wx: Parameter
    /// Hidden state to gates, `[hiddenSize, 3 * hiddenSize]`.
    public let wh: Parameter
    /// Input-side gate bias, `[3 * hiddenSize]`.
    public let bx: Parameter
    /// Hidden-side gate bias, `[3 * hiddenSize]`.
    public let bh: Parameter
    /// The width of the hidden state.
    public let hiddenSize: Int

    /// A cell from `inputSize` inputs to `hiddenSize` units, uniform in `+-1/sqrt(hiddenSize)` as PyTorch.
    /// - Throws: `TensorError.invalidArgument` for a size that is not positive or too large for memory.
    public init(inputSize: Int, hiddenSize: Int, generator: inout SeededGenerator) throws {
        let inputSize = try Shape.validatedSize(inputSize, op: "GRUCell", argument: "inputSize")
        self.hiddenSize = try Shape.validatedSize(hiddenSize, op: "GRUCell", argument: "hiddenSize")
        let gates = try Shape.validatedCount([3, hiddenSize], op: "GRUCell", argument: "gates of hiddenSize")
        let bound = 1 / Float(hiddenSize).squareRoot()
        wx = Parameter(try .uniform([inputSize, gates], low: -bound, high: bound, using: &generator))
        wh = Parameter(try .uniform([hiddenSize, gates], low: -bound, high: bound, using: &generator))
        bx = Parameter(try .uniform([gates], low: -bound, high: bound, using: &generator))
        bh = Parameter(try .uniform([gates], low: -bound, high: bound, using: &generator))
    }

    /// A zero state for a batch of `batchSize`.
    public func zeroState(batchSize: Int) throws -> Tensor { try Tensor.zeros([batchSize, hiddenSize]) }

    /// The next hidden state from `x` `[batch, inputSize]` and `h` `[batch, hiddenSize]`.
    public func callAsFunction(_ x: Tensor, _ h: Tensor, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try scoped(file: file, line: line) {
            let inputSide = try x.matmul(wx.value) + bx.value, hiddenSide = try h.matmul(wh.value) + bh.value
            let i = try inputSide.chunked(3, axis: -1), s = try hiddenSide.chunked(3, axis: -1)
            let reset = try (i[0] + s[0]).sigmoid(), update = try (i[1] + s[1]).sigmoid()
            let new = try (i[2] + reset * s[2]).tanh()
            return try (1 - update) * new + update * h
        }
    }
}

/// A stack of GRU layers run over a sequence `[time, batch, features]`; layer `k`'s outputs are layer `k + 1`'s
/// inputs. Parameters are named `l1.wx`, `l1.wh`, ...
public final class GRU: Module, @unchecked Sendable {
    /// The layers, bottom first.
    public let layers: [GRUCell]

    /// `layerCount` layers of `hiddenSize` units over inputs of `inputSize`.
    /// - Throws: `TensorError.invalidArgument` for a size or layer count that is not positive or too large.
    public init(inputSize: Int, hiddenSize: Int, layerCount: Int = 1, generator: inout SeededGenerator) throws {
        let count = try Shape.validatedSize(layerCount, op: "GRU", argument: "layerCount")
        layers = try (0..<count).map { k in
            try GRUCell(inputSize: k == 0 ? inputSize : hiddenSize, hiddenSize: hiddenSize, generator: &generator)
        }
    }

    override public var children: [(name: String, module: Module)] {
        layers.enumerated().map { ("l\($0.offset + 1)", $0.element) }
    }

    /// The top layer's hidden states `[time, batch, hidden]` and every layer's final state.
    public func callAsFunction(
        _ inputs: Tensor, state: [Tensor]? = nil, file: StaticString = #fileID, line: UInt = #line
    ) throws -> (hiddens: Tensor, state: [Tensor]) {
        guard inputs.rank == 3, inputs.shape[0] > 0 else {
            throw TensorError.invalidArgument(op: "GRU", detail: "inputs must be [time, batch, features], got \(Shape.describe(inputs.shape))")
        }
        let batch = inputs.shape[1]
        var state = try state ?? layers.map { try $0.zeroState(batchSize: batch) }
        guard state.count == layers.count else {
            throw TensorError.invalidArgument(op: "GRU", detail: "\(state.count) states for \(layers.count) layers")
        }
        return try scoped(file: file, line: line) {
            var sequence = try inputs.split(axis: 0, sizes: Array(repeating: 1, count: inputs.shape[0]))
                .map { try $0.reshaped([batch, -1]) }
            for (k, layer) in layers.enumerated() {
                sequence = try sequence.enumerated().map { t, x in
                    try withScope("t\(t + 1)") {
                        state[k] = try layer(x, state[k])
                        return state[k]
                    }
                }
            }
            return (try Tensor.stack(sequence, axis: 0), state)
        }
    }
}
