import Foundation
import Testing
@testable import Autobw

/// Modules: parameter names, scopes, and every module's gradients against finite differences.
@Suite struct ModuleTests {
    final class CharModel: Module, @unchecked Sendable {
        let lstm: LSTM
        let head: Linear
        init(generator: inout SeededGenerator) throws {
            lstm = try LSTM(inputSize: 5, hiddenSize: 3, layerCount: 2, generator: &generator)
            head = try Linear(3, 5, generator: &generator)
        }
    }

    @Test func parameterNamesFollowThePropertyPath() throws {
        var g = SeededGenerator(seed: 1)
        let names = try CharModel(generator: &g).namedParameters().map(\.name)
        #expect(names == [
            "lstm.l1.wx", "lstm.l1.wh", "lstm.l1.bias", "lstm.l2.wx", "lstm.l2.wh", "lstm.l2.bias",
            "head.weight", "head.bias",
        ])
    }

    @Test func sequentialNamesLayersByPosition() throws {
        var g = SeededGenerator(seed: 1)
        let model = Sequential([try Linear(2, 3, generator: &g), Tanh(), try Linear(3, 1, bias: false, generator: &g)])
        #expect(model.namedParameters().map(\.name) == ["1.weight", "1.bias", "3.weight"])
    }

    @Test func moduleCallsLabelTapeEntriesWithTheirPath() throws {
        var g = SeededGenerator(seed: 1)
        let model = try CharModel(generator: &g)
        _ = model.namedParameters()
        let tape = Tape()
        _ = try tape.record { try model.scoped { try model.head(try Tensor.ones([1, 3])) } }
        #expect(tape.entries.map(\.scope) == ["charmodel.head", "charmodel.head"])
    }

    @Test func linearGradients() throws {
        var g = SeededGenerator(seed: 2)
        let layer = try Linear(4, 3, generator: &g)
        try layer.bias?.assign(try Tensor.uniform([3], low: -1, high: 1, using: &g))
        let x = try Tensor.uniform([5, 4], low: -1, high: 1, using: &g)
        try expectParameterGradients(layer.parameters) { try layer(x).tanh() }
        try expectGradients([x]) { try layer($0[0]) }
    }

    @Test func embeddingGradientsAccumulateForRepeatedIds() throws {
        var g = SeededGenerator(seed: 3)
        let table = try Embedding(count: 6, dimension: 3, generator: &g)
        try expectParameterGradients(table.parameters) { try table([1, 4, 1, 0]).tanh() }
    }

    @Test func rnnCellGradients() throws {
        var g = SeededGenerator(seed: 4)
        let cell = try RNNCell(inputSize: 3, hiddenSize: 4, generator: &g)
        let xs = try (0..<3).map { _ in try Tensor.uniform([2, 3], low: -1, high: 1, using: &g) }
        try expectParameterGradients(cell.parameters) {
            try xs.reduce(try cell.zeroState(batchSize: 2)) { try cell($1, $0) }
        }
    }

    @Test func fusedLSTMCellGradients() throws {
        var inputs = Inputs(seed: 5)
        try expectGradients([try inputs.uniform([2, 12]), try inputs.uniform([2, 12]), try inputs.uniform([12]), try inputs.uniform([2, 3])]) {
            let (h, c) = try Tensor.lstmCell(xGates: $0[0], hGates: $0[1], bias: $0[2], cell: $0[3])
            return try Tensor.concatenate([h, c * 0.5], axis: 1)
        }
    }

    @Test(arguments: [LSTM.Granularity.perLayer, .perTimestep])
    func lstmGradientsThroughTimeAndLayers(granularity: LSTM.Granularity) throws {
        var g = SeededGenerator(seed: 6)
        let lstm = try LSTM(
            inputSize: 4, hiddenSize: 3, layerCount: 2, initializer: .uniform(0.5), granularity: granularity,
            generator: &g)
        let tokens = [[0, 3], [2, 2], [1, 0]]
        try expectParameterGradients(lstm.parameters) {
            let (hiddens, state) = try lstm(tokens: tokens)
            return try Tensor.concatenate([hiddens.reshaped([-1, 3]), state[0].cell, state[1].hidden], axis: 0)
        }
    }

    /// Two units, and eleven: then the recurrent weight gradient's terms fill a whole kernel tile (10 rows) and a
    /// partial one, and its 44 gate columns a whole panel and a partial one.
    @Test(arguments: [2, 11])
    func fusedLSTMLayerGradientsIncludingTheInitialState(width: Int) throws {
        var inputs = Inputs(seed: 12)
        let (gates, wh, bias) = (try inputs.uniform([4, 3, 4 * width]), try inputs.uniform([width, 4 * width]), try inputs.uniform([4 * width]))
        try expectGradients([gates, wh, bias, try inputs.uniform([3, width]), try inputs.uniform([3, width])]) {
            let (hiddens, h, c) = try Tensor.lstmLayer(
                inputGates: $0[0], recurrentWeight: $0[1], bias: $0[2], initialHidden: $0[3], initialCell: $0[4])
            return try Tensor.concatenate([hiddens.reshaped([-1, width]), h * 0.5, c], axis: 0)
        }
    }

    /// A zero initial hidden state adds no term to the recurrent weight's gradient; after one step there is none.
    @Test(arguments: [1, 3])
    func fusedLSTMLayerGradientsFromAZeroInitialState(time: Int) throws {
        var inputs = Inputs(seed: 15)
        let (gates, wh, bias) = (try inputs.uniform([time, 2, 48]), try inputs.uniform([12, 48]), try inputs.uniform([48]))
        try expectGradients([gates, wh, bias, Tensor.filled(0, [2, 12]), try inputs.uniform([2, 12])]) {
            let (hiddens, h, c) = try Tensor.lstmLayer(
                inputGates: $0[0], recurrentWeight: $0[1], bias: $0[2], initialHidden: $0[3], initialCell: $0[4])
            return try Tensor.concatenate([hiddens.reshaped([-1, 12]), h * 0.5, c], axis: 0)
        }
    }

    /// The layer forms its input products itself: 13 inputs and 11 units put whole and partial kernel tiles in
    /// every per-timestep product (`x_t Wx`, `dx_t`, `dWx`, `dWh`).
    @Test func fusedLSTMLayerOnInputsGradients() throws {
        var inputs = Inputs(seed: 16)
        let (x, wx, wh) = (try inputs.uniform([3, 2, 13]), try inputs.uniform([13, 44]), try inputs.uniform([11, 44]))
        try expectGradients([x, wx, wh, try inputs.uniform([44]), try inputs.uniform([2, 11]), try inputs.uniform([2, 11])]) {
            let (hiddens, h, c) = try Tensor.lstmLayer(
                inputs: $0[0], inputWeight: $0[1], recurrentWeight: $0[2], bias: $0[3], initialHidden: $0[4],
                initialCell: $0[5])
            return try Tensor.concatenate([hiddens.reshaped([-1, 11]), h * 0.5, c], axis: 0)
        }
    }

    /// Token 2 occurs twice (its rows' gradients add up) and token 3 never (its row's gradient is zero).
    @Test func fusedLSTMLayerOnTokensGradients() throws {
        var inputs = Inputs(seed: 17)
        let tokens = [[0, 2], [2, 1], [4, 0]]
        let (wx, wh) = (try inputs.uniform([5, 44]), try inputs.uniform([11, 44]))
        try expectGradients([wx, wh, try inputs.uniform([44]), try inputs.uniform([2, 11]), try inputs.uniform([2, 11])]) {
            let (hiddens, h, c) = try Tensor.lstmLayer(
                tokens: tokens, inputWeight: $0[0], recurrentWeight: $0[1], bias: $0[2], initialHidden: $0[3],
                initialCell: $0[4])
            return try Tensor.concatenate([hiddens.reshaped([-1, 11]), h * 0.5, c], axis: 0)
        }
    }

    @Test func fusedLSTMLayerOnInputsEqualsTheLayerOnTheirProducts() throws {
        var inputs = Inputs(seed: 18)
        let (x, wx, wh, bias) = (try inputs.uniform([4, 3, 7]), try inputs.uniform([7, 20]), try inputs.uniform([5, 20]), try inputs.uniform([20]))
        let (h0, c0) = (try inputs.uniform([3, 5]), try inputs.uniform([3, 5]))
        let fused = try Tensor.lstmLayer(inputs: x, inputWeight: wx, recurrentWeight: wh, bias: bias, initialHidden: h0, initialCell: c0)
        let viaGates = try Tensor.lstmLayer(
            inputGates: try x.matmul(wx), recurrentWeight: wh, bias: bias, initialHidden: h0, initialCell: c0)
        expectClose(fused.hiddens.scalars, viaGates.hiddens.scalars)
        expectClose(fused.cell.scalars, viaGates.cell.scalars)
    }

    @Test func fusedLSTMLayerRejectsBadTokensAndShapes() throws {
        var inputs = Inputs(seed: 19)
        let (wx, wh, bias) = (try inputs.uniform([5, 8]), try inputs.uniform([2, 8]), try inputs.uniform([8]))
        let (h0, c0) = (try inputs.uniform([2, 2]), try inputs.uniform([2, 2]))
        for tokens in [[[0, 5]], [[0, -1]], [[0, 1], [2]], []] {
            #expect(throws: TensorError.self) {
                try Tensor.lstmLayer(tokens: tokens, inputWeight: wx, recurrentWeight: wh, bias: bias, initialHidden: h0, initialCell: c0)
            }
        }
        #expect(throws: TensorError.self) {
            try Tensor.lstmLayer(
                inputs: try inputs.uniform([3, 2, 4]), inputWeight: wx, recurrentWeight: wh, bias: bias, initialHidden: h0,
                initialCell: c0)
        }
    }

    @Test func bothGranularitiesGiveTheSameValuesAndGradients() throws {
        var g1 = SeededGenerator(seed: 13), g2 = SeededGenerator(seed: 13)
        let fused = try LSTM(inputSize: 5, hiddenSize: 4, layerCount: 2, granularity: .perLayer, generator: &g1)
        let stepped = try LSTM(inputSize: 5, hiddenSize: 4, layerCount: 2, granularity: .perTimestep, generator: &g2)
        let tokens = [[1, 4, 0], [2, 2, 3], [0, 1, 4], [3, 3, 1]]
        var results = [[[Float]]]()
        for lstm in [fused, stepped] {
            let tape = Tape()
            let loss = try tape.record { try lstm(tokens: tokens).hiddens.tanh().sum() }
            try tape.backward(from: loss)
            results.append([try lstm(tokens: tokens).hiddens.scalars] + lstm.parameters.map { $0.grad?.scalars ?? [] })
        }
        for (a, b) in zip(results[0], results[1]) { expectClose(a, b, tolerance: 1e-5) }
    }

    @Test func lstmOnTokensEqualsLSTMOnOneHotInputs() throws {
        var g = SeededGenerator(seed: 7)
        let lstm = try LSTM(inputSize: 4, hiddenSize: 3, layerCount: 2, generator: &g)
        let tokens = [[0, 3], [2, 1]]
        let viaTokens = try lstm(tokens: tokens).hiddens
        let oneHot = try Tensor.oneHot(tokens.flatMap { $0 }, depth: 4).reshaped([2, 2, 4])
        expectClose(viaTokens.scalars, try lstm(oneHot).hiddens.scalars)
    }

    @Test func lstmForwardMatchesAStraightforwardImplementation() throws {
        var g = SeededGenerator(seed: 8)
        let cell = try LSTMCell(inputSize: 2, hiddenSize: 2, initializer: .uniform(0.5), generator: &g)
        let x = [Tensor([0.5, -1]).reshapedUntracked([1, 2]), Tensor([1, 0.25]).reshapedUntracked([1, 2])]
        var state = try cell.zeroState(batchSize: 1)
        for input in x { state = try cell(input, state: state) }

        // The same recurrence with plain Floats: z = x Wx + h Wh + b, gates [i f o g].
        let (wx, wh, b) = (cell.wx.value.scalars, cell.wh.value.scalars, cell.bias.value.scalars)
        func sigmoid(_ v: Float) -> Float { 1 / (1 + Foundation.exp(-v)) }
        var h: [Float] = [0, 0], c: [Float] = [0, 0]
        for input in x.map(\.scalars) {
            var z = b
            for k in 0..<8 {
                for i in 0..<2 { z[k] += input[i] * wx[i * 8 + k] + h[i] * wh[i * 8 + k] }
            }
            for j in 0..<2 {
                let (ig, fg, og, gg) = (sigmoid(z[j]), sigmoid(z[2 + j]), sigmoid(z[4 + j]), Foundation.tanh(z[6 + j]))
                c[j] = fg * c[j] + ig * gg
                h[j] = og * Foundation.tanh(c[j])
            }
        }
        expectClose(state.hidden.scalars, h)
        expectClose(state.cell.scalars, c)
    }

    @Test func lstmForgetBiasStartsAtOne() throws {
        var g = SeededGenerator(seed: 9)
        let cell = try LSTMCell(inputSize: 3, hiddenSize: 4, generator: &g)
        let bias = cell.bias.value.scalars
        #expect(bias[4..<8].allSatisfy { $0 == 1 })
        #expect(bias[0..<4].allSatisfy { abs($0) <= 0.08 } && bias[8...].allSatisfy { abs($0) <= 0.08 })
    }

    @Test func sequentialGradients() throws {
        var g = SeededGenerator(seed: 10)
        let model = Sequential([try Linear(3, 4, generator: &g), Sigmoid(), try Linear(4, 2, generator: &g), Tanh()])
        let x = try Tensor.uniform([3, 3], low: -1, high: 1, using: &g)
        try expectParameterGradients(model.parameters) { try model(x) }
    }

    @Test func dropoutIsTheIdentityInEvaluationMode() throws {
        let dropout = try Dropout(rate: 0.5)
        dropout.setTraining(false)
        let x = try Tensor.ones([100])
        #expect(try dropout(x).scalars == x.scalars)
    }

    @Test func dropoutDropsAboutTheRateAndRescalesTheRest() throws {
        let dropout = try Dropout(rate: 0.25, seed: 3)
        let y = try dropout(try Tensor.ones([4000])).scalars
        let dropped = Float(y.filter { $0 == 0 }.count) / 4000
        #expect(abs(dropped - 0.25) < 0.03)
        #expect(y.filter { $0 != 0 }.allSatisfy { abs($0 - 1 / 0.75) < 1e-6 })
        #expect(throws: TensorError.self) { try Dropout(rate: 1) }
    }

    @Test func dropoutSendsTheGradientThroughTheKeptElementsOnly() throws {
        let dropout = try Dropout(rate: 0.5, seed: 4)
        let tape = Tape()
        let x = tape.watch(try Tensor.ones([64]))
        let y = try tape.record { try dropout(x) }
        try tape.backward(from: y, seed: try Tensor.ones([64]))
        // y = x * mask / keep, so dy/dx is exactly y / x = y here.
        #expect(try tape.gradient(of: x)?.scalars == y.scalars)
        #expect(y.scalars.contains(0) && y.scalars.contains(2))
    }

    @Test func initializersRespectTheirBounds() throws {
        var g = SeededGenerator(seed: 11)
        let xavier = try Initializer.xavierUniform.make([100, 50], fanIn: 100, fanOut: 50, using: &g).scalars
        let bound = (6 / Float(150)).squareRoot()
        #expect(xavier.allSatisfy { abs($0) <= bound } && xavier.contains { abs($0) > 0.9 * bound })
        let kaiming = try Initializer.kaimingNormal.make([200, 100], fanIn: 200, fanOut: 100, using: &g).scalars
        let std = (kaiming.map { $0 * $0 }.reduce(0, +) / Float(kaiming.count)).squareRoot()
        #expect(abs(std - (2 / Float(200)).squareRoot()) < 0.005)
    }
}
