import Foundation
import Testing
@testable import Autobw

/// LayerNorm, BatchNorm1d, GRU, Conv1d and Embedding's padding index: values against direct Float64 loops,
/// parameter gradients against central differences.
@Suite struct MoreLayerTests {
    var inputs = Inputs(seed: 12)

    @Test mutating func layerNormCentresAndScalesEachRow() throws {
        let norm = try LayerNorm(size: 5)
        let x = try inputs.uniform([3, 5], -2, 3)
        let y = try norm(x)
        for r in 0..<3 {
            let row = (0..<5).map { Double(y.element(at: [r, $0]) ?? 0) }
            let mean = row.reduce(0, +) / 5, variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 5
            #expect(Swift.abs(mean) < 1e-5 && Swift.abs(variance - 1) < 1e-3)
        }
        norm.gain?.update { for i in 0..<$0.count { $0[i] = Float(i) * 0.3 + 0.5 } }
        try expectParameterGradients(norm.parameters) { try norm(x) }
        try expectGradients([x]) { try norm($0[0]) }
    }

    @Test mutating func batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEvaluation() throws {
        let norm = try BatchNorm1d(features: 3, momentum: 0.5)
        let x = try inputs.uniform([6, 3], -1, 4)
        let y = try norm(x)
        for c in 0..<3 {
            let column = (0..<6).map { Double(y.element(at: [$0, c]) ?? 0) }
            #expect(Swift.abs(column.reduce(0, +) / 6) < 1e-5)
        }
        let columnMean = (0..<6).map { x.element(at: [$0, 0]) ?? 0 }.reduce(0, +) / 6
        #expect(Swift.abs((norm.runningMean.element(at: [0]) ?? 0) - 0.5 * columnMean) < 1e-5)
        try expectParameterGradients(norm.parameters) { try norm(x) }
        norm.setTraining(false)
        let z = try norm(x)
        let expected = ((x.element(at: [2, 1]) ?? 0) - (norm.runningMean.element(at: [1]) ?? 0))
            / ((norm.runningVariance.element(at: [1]) ?? 0) + 1e-5).squareRoot()
        #expect(Swift.abs((z.element(at: [2, 1]) ?? 0) - expected) < 1e-5)
    }

    @Test mutating func aGRUCellFollowsPyTorchsEquations() throws {
        var g = SeededGenerator(seed: 5)
        let cell = try GRUCell(inputSize: 3, hiddenSize: 2, generator: &g)
        let x = try inputs.uniform([1, 3]), h = try inputs.uniform([1, 2])
        let out = try cell(x, h).scalars
        let (wx, wh, bx, bh) = (cell.wx.value, cell.wh.value, cell.bx.value, cell.bh.value)
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
        for j in 0..<2 {
            func side(_ gate: Int) -> (Double, Double) {
                let column = gate * 2 + j
                let input = (0..<3).reduce(Double(bx.element(at: [column]) ?? 0)) {
                    $0 + Double(x.element(at: [0, $1]) ?? 0) * Double(wx.element(at: [$1, column]) ?? 0)
                }
                let hidden = (0..<2).reduce(Double(bh.element(at: [column]) ?? 0)) {
                    $0 + Double(h.element(at: [0, $1]) ?? 0) * Double(wh.element(at: [$1, column]) ?? 0)
                }
                return (input, hidden)
            }
            let r = sigmoid(side(0).0 + side(0).1), z = sigmoid(side(1).0 + side(1).1)
            let n = Foundation.tanh(side(2).0 + r * side(2).1)
            let expected = (1 - z) * n + z * Double(h.element(at: [0, j]) ?? 0)
            #expect(Swift.abs(Double(out[j]) - expected) < 1e-5)
        }
        try expectParameterGradients(cell.parameters) { try cell(x, h) }
    }

    @Test mutating func aGRUStackRunsOverASequence() throws {
        var g = SeededGenerator(seed: 6)
        let gru = try GRU(inputSize: 3, hiddenSize: 4, layerCount: 2, generator: &g)
        let x = try inputs.uniform([5, 2, 3])
        let (hiddens, state) = try gru(x)
        #expect(hiddens.shape == [5, 2, 4] && state.count == 2)
        #expect(gru.namedParameters().map(\.name).first == "l1.wx")
        try expectParameterGradients(gru.parameters) { try gru(x).hiddens }
    }

    @Test mutating func conv1dMatchesADirectLoop() throws {
        var g = SeededGenerator(seed: 7)
        let conv = try Conv1d(inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, generator: &g)
        let x = try inputs.uniform([2, 2, 7])
        let y = try conv(x)
        #expect(y.shape == [2, 3, 4])
        for n in 0..<2 { for o in 0..<3 { for t in 0..<4 {
            var sum = Double(conv.bias?.value.element(at: [o]) ?? 0)
            for c in 0..<2 { for k in 0..<3 {
                let p = t * 2 - 1 + k
                if p >= 0 && p < 7 {
                    sum += Double(x.element(at: [n, c, p]) ?? 0) * Double(conv.weight.value.element(at: [c * 3 + k, o]) ?? 0)
                }
            } }
            #expect(Swift.abs(Double(y.element(at: [n, o, t]) ?? 0) - sum) < 1e-5)
        } } }
        try expectParameterGradients(conv.parameters) { try conv(x) }
        try expectGradients([x]) { try conv($0[0]) }
        #expect(throws: TensorError.self) { try conv(try inputs.uniform([1, 3, 7])) }
    }

    @Test func thePaddingIndexOfAnEmbeddingIsZeroAndUntrained() throws {
        var g = SeededGenerator(seed: 8)
        let table = try Embedding(count: 4, dimension: 3, paddingIndex: 1, generator: &g)
        #expect(table.weight.value.scalars[3..<6].allSatisfy { $0 == 0 })
        let tape = Tape()
        try tape.backward(from: try tape.record { try (table([1, 2, 1]) * 5).sum() })
        let grad = try #require(table.weight.grad).scalars
        #expect(grad[3..<6].allSatisfy { $0 == 0 } && grad[6..<9].allSatisfy { $0 == 5 })
        #expect(throws: TensorError.self) { try Embedding(count: 4, dimension: 3, paddingIndex: 4, generator: &g) }
    }
}
