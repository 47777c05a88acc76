/// The state an LSTM layer carries from one timestep to the next.
public struct LSTMState: Sendable {
    /// Hidden state `[batch, hidden]`.
    public var hidden: Tensor
    /// Cell state `[batch, hidden]`.
    public var cell: Tensor

    /// A state from its two tensors.
    public init(hidden: Tensor, cell: Tensor) {
        self.hidden = hidden
        self.cell = cell
    }

    /// The same values cut off from the tape (truncated backpropagation through time).
    public func detached() -> LSTMState { LSTMState(hidden: hidden.detached(), cell: cell.detached()) }
}

/// One LSTM layer in char-rnn's parameterisation: one input-to-gates and one hidden-to-gates product per step,
/// gates ordered `[input | forget | output | candidate]`.
public final class LSTMCell: Module, @unchecked Sendable {
    /// Input to gates, `[inputSize, 4 * hiddenSize]`.
    public let wx: Parameter
    /// Hidden state to gates, `[hiddenSize, 4 * hiddenSize]`.
    public let wh: Parameter
    /// Gate bias, `[4 * hiddenSize]`.
    public let bias: Parameter
    /// The width of the hidden and cell states.
    public let hiddenSize: Int

    /// A layer drawn from `initializer` (char-rnn: `.uniform(0.08)`), with the forget-gate bias set to
    /// `forgetBias` (char-rnn: 1) so that early on the cell remembers by default.
    /// - Throws: `TensorError.invalidArgument` for a size that is not positive or too large for memory.
    public init(
        inputSize: Int, hiddenSize: Int, initializer: Initializer = .uniform(0.08), forgetBias: Float = 1,
        generator: inout SeededGenerator
    ) throws {
        let inputSize = try Shape.validatedSize(inputSize, op: "LSTMCell", argument: "inputSize")
        self.hiddenSize = try Shape.validatedSize(hiddenSize, op: "LSTMCell", argument: "hiddenSize")
        let gates = try Shape.validatedCount([4, hiddenSize], op: "LSTMCell", argument: "gates of hiddenSize")
        wx = Parameter(try initializer.make([inputSize, gates], fanIn: inputSize, fanOut: gates, using: &generator))
        wh = Parameter(try initializer.make([hiddenSize, gates], fanIn: hiddenSize, fanOut: gates, using: &generator))
        var b = try initializer.make([gates], fanIn: hiddenSize, fanOut: gates, using: &generator).scalars
        for j in hiddenSize..<(2 * hiddenSize) { b[j] = forgetBias }
        bias = Parameter(Tensor(b))
    }

    /// A zero state for a batch of `batchSize`.
    /// - Throws: `TensorError.invalidArgument` for a negative or oversized batch.
    public func zeroState(batchSize: Int) throws -> LSTMState {
        LSTMState(hidden: try .zeros([batchSize, hiddenSize]), cell: try .zeros([batchSize, hiddenSize]))
    }

    /// The input-to-gates products of many inputs at once, `[..., inputSize] -> [..., 4 * hiddenSize]` (one GEMM
    /// for every timestep of a sequence).
    public func inputGates(_ x: Tensor) throws -> Tensor { try x.matmul(wx.value) }

    /// The input-to-gates products of token ids: rows of `wx`, equal to a one-hot input times `wx`.
    public func inputGates(tokens: [Int]) throws -> Tensor { try wx.value.gather(rows: tokens) }

    /// One step from precomputed input gates `[batch, 4 * hiddenSize]` (see `inputGates`).
    public func step(inputGates: Tensor, state: LSTMState) throws -> LSTMState {
        let (hidden, cell) = try Tensor.lstmCell(
            xGates: inputGates, hGates: try state.hidden.matmul(wh.value), bias: bias.value, cell: state.cell)
        return LSTMState(hidden: hidden, cell: cell)
    }

    /// One step from an input `[batch, inputSize]`.
    public func callAsFunction(
        _ x: Tensor, state: LSTMState, file: StaticString = #fileID, line: UInt = #line
    ) throws -> LSTMState {
        try scoped(file: file, line: line) { try step(inputGates: try inputGates(x), state: state) }
    }
}

/// A stack of LSTM layers run over a whole sequence; layer `k`'s hidden states are layer `k + 1`'s inputs.
///
/// Parameters are named `l1.wx`, `l1.wh`, `l1.bias`, `l2.wx`, ...
public final class LSTM: Module, @unchecked Sendable {
    /// How finely a sequence is recorded on the tape.
    public enum Granularity: Sendable {
        /// One fused `lstmLayer` entry per layer, whose backward runs through time by hand (fastest).
        case perLayer
        /// A GEMM and a fused `lstmCell` entry per layer and timestep, scoped `t12.l1`, to step through
        /// time in the debugger.
        case perTimestep
    }

    /// The layers, bottom first.
    public let layers: [LSTMCell]
    /// How finely calls are recorded; both give the same values and gradients.
    public var granularity: Granularity

    /// `layerCount` layers of `hiddenSize` units over inputs of `inputSize`.
    /// - Throws: `TensorError.invalidArgument` for a size or layer count that is not positive or too large.
    public init(
        inputSize: Int, hiddenSize: Int, layerCount: Int, initializer: Initializer = .uniform(0.08),
        forgetBias: Float = 1, granularity: Granularity = .perLayer, generator: inout SeededGenerator
    ) throws {
        let layerCount = try Shape.validatedSize(layerCount, op: "LSTM", argument: "layerCount")
        layers = try (0..<layerCount).map { k in
            try LSTMCell(
                inputSize: k == 0 ? inputSize : hiddenSize, hiddenSize: hiddenSize, initializer: initializer,
                forgetBias: forgetBias, generator: &generator)
        }
        self.granularity = granularity
    }

    override public var children: [(name: String, module: Module)] {
        layers.enumerated().map { ("l\($0.offset + 1)", $0.element) }
    }

    /// Zero states for every layer.
    /// - Throws: `TensorError.invalidArgument` for a negative or oversized batch.
    public func zeroState(batchSize: Int) throws -> [LSTMState] { try layers.map { try $0.zeroState(batchSize: batchSize) } }

    /// Runs the stack over `tokens[t][b]` (the first layer's input is one-hot, so its input product is a row
    /// gather) and returns the top layer's hidden states `[time, batch, hidden]` and the final states.
    /// - Throws: `TensorError` for an empty sequence, ragged batches, ids outside the vocabulary or states of
    ///   the wrong shape.
    public func callAsFunction(
        tokens: [[Int]], state: [LSTMState]? = nil, file: StaticString = #fileID, line: UInt = #line
    ) throws -> (hiddens: Tensor, state: [LSTMState]) {
        guard let batch = tokens.first?.count, batch > 0, tokens.allSatisfy({ $0.count == batch }) else {
            throw TensorError.invalidArgument(op: "LSTM", detail: "tokens must be a non-empty [time][batch] grid")
        }
        return try scoped(file: file, line: line) { try run(.tokens(tokens), batch: batch, state: state) }
    }

    /// Runs the stack over inputs `[time, batch, inputSize]`.
    public func callAsFunction(
        _ inputs: Tensor, state: [LSTMState]? = nil, file: StaticString = #fileID, line: UInt = #line
    ) throws -> (hiddens: Tensor, state: [LSTMState]) {
        guard inputs.rank == 3, inputs.shape[0] > 0, inputs.shape[1] > 0 else {
            throw TensorError.invalidArgument(
                op: "LSTM", detail: "inputs must be [time, batch, features], got \(Shape.describe(inputs.shape))")
        }
        return try scoped(file: file, line: line) { try run(.dense(inputs), batch: inputs.shape[1], state: state) }
    }

    /// What the first layer reads; every other layer reads the hidden states of the one below.
    private enum FirstLayerInput {
        case tokens([[Int]])
        case dense(Tensor)
    }

    private func run(_ firstInput: FirstLayerInput, batch: Int, state: [LSTMState]?) throws -> (hiddens: Tensor, state: [LSTMState]) {
        var state = try state ?? zeroState(batchSize: batch)
        guard state.count == layers.count else {
            throw TensorError.invalidArgument(op: "LSTM", detail: "\(state.count) states for \(layers.count) layers")
        }
        var below: Tensor? = nil
        for (k, layer) in layers.enumerated() {
            switch granularity {
            case .perLayer:
                let (wx, wh, bias, h0, c0) = (layer.wx.value, layer.wh.value, layer.bias.value, state[k].hidden, state[k].cell)
                let result = try layer.scoped {
                    switch (below, firstInput) {
                    case (let below?, _), (nil, .dense(let below)):
                        try Tensor.lstmLayer(
                            inputs: below, inputWeight: wx, recurrentWeight: wh, bias: bias, initialHidden: h0, initialCell: c0)
                    case (nil, .tokens(let tokens)):
                        try Tensor.lstmLayer(
                            tokens: tokens, inputWeight: wx, recurrentWeight: wh, bias: bias, initialHidden: h0, initialCell: c0)
                    }
                }
                state[k] = LSTMState(hidden: result.hidden, cell: result.cell)
                below = result.hiddens
            case .perTimestep:
                let gates = switch (below, firstInput) {
                case (let below?, _): try layer.scoped { try layer.inputGates(below) }
                case (nil, .dense(let inputs)): try layer.inputGates(inputs)
                case (nil, .tokens(let tokens)):
                    try layer.inputGates(tokens: tokens.flatMap { $0 }).reshaped([tokens.count, batch, -1])
                }
                below = try steps(layer, gates: gates, state: &state[k])
            }
        }
        guard let hiddens = below else { throw TensorError.invalidArgument(op: "LSTM", detail: "no layers") }
        return (hiddens, state)
    }

    /// One layer recorded timestep by timestep, each step scoped `t1.l1`, `t2.l1`, ...: its hidden states
    /// `[time, batch, hidden]`.
    private func steps(_ layer: LSTMCell, gates: Tensor, state: inout LSTMState) throws -> Tensor {
        let (time, batch) = (gates.shape[0], gates.shape[1])
        var outputs = [Tensor]()
        for (t, stepGates) in try gates.split(axis: 0, sizes: Array(repeating: 1, count: time)).enumerated() {
            state = try withScope("t\(t + 1)") {
                try layer.scoped { try layer.step(inputGates: try stepGates.reshaped([batch, -1]), state: state) }
            }
            outputs.append(state.hidden)
        }
        return try Tensor.concatenate(outputs, axis: 0).reshaped([time, batch, -1])
    }
}
