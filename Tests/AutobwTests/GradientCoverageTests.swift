import Testing
@testable import Autobw

/// Every built-in op is checked against central differences: `check(_:)` switches over `BuiltInOp` with no
/// default, so an op added to the list does not compile until it has a gradient check here.
@Suite struct GradientCoverageTests {
    typealias Check = (inputs: [Tensor], function: ([Tensor]) throws -> Tensor)

    static func check(_ op: BuiltInOp, _ inputs: inout Inputs) throws -> Check {
        let a = try inputs.uniform([2, 3]), b = try inputs.uniform([2, 3])
        let row = try inputs.uniform([3]), positive = try inputs.uniform([2, 3], 0.5, 1.5)
        let apart = try inputs.awayFromZero([2, 3])
        switch op {
        case .add: return ([a, row], { try $0[0] + $0[1] })
        case .addScalar: return ([a], { try $0[0] + 0.5 })
        case .sub: return ([a, b], { try $0[0] - $0[1] })
        case .rsubScalar: return ([a], { try 2 - $0[0] })
        case .mul: return ([a, b], { try $0[0] * $0[1] })
        case .mulScalar: return ([a], { try $0[0] * 3 })
        case .div: return ([a, positive], { try $0[0] / $0[1] })
        case .neg: return ([a], { try -$0[0] })
        case .exp: return ([a], { try $0[0].exp() })
        case .log: return ([positive], { try $0[0].log() })
        case .sqrt: return ([positive], { try $0[0].sqrt() })
        case .pow: return ([positive], { try $0[0].pow(2.5) })
        case .tanh: return ([a], { try $0[0].tanh() })
        case .sigmoid: return ([a], { try $0[0].sigmoid() })
        case .relu: return ([apart], { try $0[0].relu() })
        case .clamp: return ([apart], { try $0[0].clamp(-0.7, 0.7) })
        case .sum: return ([a], { try $0[0].sum() })
        case .sumAxis: return ([a], { try $0[0].sum(axis: 1) })
        case .maxAxis: return ([a], { try $0[0].max(axis: 1) })
        case .reshape: return ([a], { try $0[0].reshaped([3, 2]) * Tensor([1, 2]) })
        case .transpose: return ([a], { try $0[0].transposed() * Tensor([1, 2]) })
        case .narrow: return ([a], { try $0[0].narrow(axis: 1, start: 1, length: 2) })
        case .split: return ([a], { try $0[0].split(axis: 1, sizes: [1, 2])[1] * 2 })
        case .concatenate: return ([a, b], { try Tensor.concatenate([$0[0], $0[1]], axis: 0) })
        case .gather: return ([a], { try $0[0].gather(rows: [1, 0, 1]) })
        case .matmul: return ([a, try inputs.uniform([3, 4])], { try $0[0].matmul($0[1]) })
        case .softmax: return ([a], { try $0[0].softmax() })
        case .logSoftmax: return ([a], { try $0[0].logSoftmax() })
        case .softmaxCrossEntropy: return ([a], { try $0[0].softmaxCrossEntropy(targets: [2, 0]) })
        case .meanSquaredError: return ([a, b], { try $0[0].meanSquaredError($0[1]) })
        case .lstmCell:
            let gates = try inputs.uniform([2, 8]), hidden = try inputs.uniform([2, 8]), bias = try inputs.uniform([8])
            return ([gates, hidden, bias, try inputs.uniform([2, 2])], {
                let (h, c) = try Tensor.lstmCell(xGates: $0[0], hGates: $0[1], bias: $0[2], cell: $0[3])
                return try h + c * 2
            })
        case .lstmLayer:
            let gates = try inputs.uniform([3, 2, 8]), wh = try inputs.uniform([2, 8]), bias = try inputs.uniform([8])
            return ([gates, wh, bias, try inputs.uniform([2, 2]), try inputs.uniform([2, 2])], {
                let (hiddens, h, c) = try Tensor.lstmLayer(
                    inputGates: $0[0], recurrentWeight: $0[1], bias: $0[2], initialHidden: $0[3], initialCell: $0[4])
                return try hiddens.sum() + (h * c).sum()
            })
        case .abs: return ([apart], { try $0[0].abs() })
        case .sin: return ([a], { try $0[0].sin() })
        case .cos: return ([a], { try $0[0].cos() })
        case .log1p: return ([positive], { try $0[0].log1p() })
        case .expm1: return ([a], { try $0[0].expm1() })
        case .square: return ([a], { try $0[0].square() })
        case .rsqrt: return ([positive], { try $0[0].rsqrt() })
        case .reciprocal: return ([positive], { try $0[0].reciprocal() })
        case .sign: return ([apart], { try $0[0].sign() * $0[0] })
        case .gelu: return ([a], { try $0[0].gelu() })
        case .geluTanh: return ([a], { try $0[0].gelu(approximatingWithTanh: true) })
        case .leakyReLU: return ([apart], { try $0[0].leakyReLU(slope: 0.1) })
        case .elu: return ([apart], { try $0[0].elu() })
        case .softplus: return ([a], { try $0[0].softplus() })
        case .silu: return ([a], { try $0[0].silu() })
        case .logSigmoid: return ([a], { try $0[0].logSigmoid() })
        case .minAxis: return ([a], { try $0[0].min(axis: 1) })
        case .logSumExp: return ([a], { try $0[0].logSumExp(axis: 1) })
        case .prod: return ([positive], { try $0[0].prod(axis: 1) })
        case .variance: return ([a], { try $0[0].variance(axis: 1) })
        case .standardDeviation: return ([a], { try $0[0].standardDeviation(axis: 1) })
        case .norm: return ([apart], { try $0[0].norm(axis: 1) })
        case .permute: return ([try inputs.uniform([2, 3, 2])], { try $0[0].permuted([2, 0, 1]) * Tensor([1, 2, 3]) })
        case .expand: return ([try inputs.uniform([2, 1])], { try $0[0].expanded(to: [2, 3]) * Tensor([1, 2, 3]) })
        case .indexSelect: return ([a], { try $0[0].indexSelect(axis: 1, indices: [2, 0, 2]) })
        case .pad: return ([a], { try $0[0].padded(axis: 1, before: 1, after: 2, value: 0.5) * Tensor([1, 2, 3, 4, 5, 6]) })
        case .crossEntropy: return ([a], { try $0[0].crossEntropy(targets: [1, 2], weights: [1, 2, 0.5], labelSmoothing: 0.1) })
        case .negativeLogLikelihood: return ([a], { try $0[0].negativeLogLikelihood(targets: [0, 2]) })
        case .binaryCrossEntropyWithLogits:
            let targets = try inputs.uniform([2, 3], 0, 1)
            return ([a], { try $0[0].binaryCrossEntropyWithLogits(targets: targets, positiveWeight: 2) })
        case .huberLoss: return ([a, b], { try $0[0].huberLoss($0[1], delta: 0.5) })
        case .maximum: return ([a, try b + 0.05], { try Tensor.maximum($0[0], $0[1]) })
        case .minimum: return ([a, try b + 0.05], { try Tensor.minimum($0[0], $0[1]) })
        case .powTensor: return ([positive, a], { try $0[0].pow($0[1]) })
        case .where:
            let condition = try Tensor(shape: [2, 3], scalars: [1, 0, 1, 0, 0, 1])
            return ([a, b], { try Tensor.where(condition, $0[0], $0[1]) })
        case .rdivScalar: return ([positive], { try 2 / $0[0] })
        case .unfold1d: return ([try inputs.uniform([1, 2, 5])], { try $0[0].unfolded1d(kernelSize: 3, stride: 1, padding: 1) })
        case .gatherAxis:
            return ([a], { try $0[0].gathered(axis: 1, indices: [2, 0, 1, 1], indexShape: [2, 2]) })
        }
    }

    @Test(arguments: BuiltInOp.allCases)
    func everyBuiltInOpAgreesWithFiniteDifferences(_ op: BuiltInOp) throws {
        var inputs = Inputs(seed: 5)
        let (values, function) = try Self.check(op, &inputs)
        // The check must exercise the op itself, not a neighbour.
        let tape = Tape()
        let watched = values.map { tape.watch($0) }
        _ = try tape.record { try function(watched) }
        #expect(tape.entries.contains { $0.op == op.name }, "the check of \(op.rawValue) records \(tape.entries.map(\.op))")
        let report = try gradCheck(values, function)
        #expect(report.passed, "\(op.rawValue): \(report)")
    }
}
