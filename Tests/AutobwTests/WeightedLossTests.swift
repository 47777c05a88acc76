import Foundation
import Testing
@testable import Autobw

/// Losses with PyTorch's options: values against Float64 formulas written out here, gradients against
/// central differences for every reduction.
@Suite struct WeightedLossTests {
    static let targets = [2, 0, 1, 2]
    static let weights: [Float] = [0.5, 2, 1]

    static func logits() throws -> Tensor {
        var inputs = Inputs(seed: 9)
        return try inputs.uniform([4, 3], -2, 2)
    }

    /// PyTorch's cross-entropy in Float64: weighted, smoothed, rows with `ignored` skipped.
    static func referenceCrossEntropy(
        _ z: [Float], weights w: [Float], smoothing e: Double, ignored: Int?, mean: Bool
    ) -> Double {
        var total = 0.0, denominator = 0.0
        for (r, y) in targets.enumerated() where y != ignored {
            let row = (0..<3).map { Double(z[r * 3 + $0]) }
            let logSum = Foundation.log(row.reduce(0) { $0 + Foundation.exp($1) })
            let logp = row.map { $0 - logSum }
            total -= (1 - e) * Double(w[y]) * logp[y]
            for c in 0..<3 { total -= e / 3 * Double(w[c]) * logp[c] }
            denominator += Double(w[y])
        }
        return mean ? total / denominator : total
    }

    @Test(arguments: [(Float(0), nil as Int?), (0.1, nil), (0, 0), (0.2, 2)])
    func crossEntropyMatchesPyTorchsDefinition(_ smoothing: Float, _ ignored: Int?) throws {
        let z = try Self.logits()
        for (reduction, mean) in [(LossReduction.mean, true), (.sum, false)] {
            let value = try z.crossEntropy(
                targets: Self.targets, weights: Self.weights, labelSmoothing: smoothing, ignoredIndex: ignored,
                reduction: reduction).item()
            let expected = Self.referenceCrossEntropy(z.scalars, weights: Self.weights, smoothing: Double(smoothing), ignored: ignored, mean: mean)
            #expect(Swift.abs(Double(value) - expected) < 1e-5 * max(1, Swift.abs(expected)))
        }
        try expectGradients([z]) {
            try $0[0].crossEntropy(targets: Self.targets, weights: Self.weights, labelSmoothing: smoothing, ignoredIndex: ignored)
        }
        try expectGradients([z]) {
            try $0[0].crossEntropy(targets: Self.targets, labelSmoothing: smoothing, ignoredIndex: ignored, reduction: .none)
        }
    }

    @Test func unweightedCrossEntropyEqualsTheFusedSoftmaxCrossEntropy() throws {
        let z = try Self.logits()
        #expect(Swift.abs(try z.crossEntropy(targets: Self.targets).item() - z.softmaxCrossEntropy(targets: Self.targets).item()) < 1e-6)
    }

    @Test func negativeLogLikelihoodPicksTheTargetLogProbability() throws {
        let logp = try Self.logits().logSoftmax()
        let value = try logp.negativeLogLikelihood(targets: Self.targets, weights: Self.weights, ignoredIndex: 1).item()
        var total: Float = 0, denominator: Float = 0
        for (r, y) in Self.targets.enumerated() where y != 1 {
            total -= Self.weights[y] * (logp.element(at: [r, y]) ?? 0)
            denominator += Self.weights[y]
        }
        #expect(Swift.abs(value - total / denominator) < 1e-6)
        try expectGradients([try Self.logits()]) { try $0[0].negativeLogLikelihood(targets: Self.targets, reduction: .sum) }
    }

    @Test func binaryCrossEntropyWithLogitsIsStableAndRight() throws {
        let z = Tensor([-3, -0.5, 0.7, 2.5]), t = Tensor([0, 1, 1, 0.3])
        let expected = zip(z.scalars, t.scalars).map { z, t -> Double in
            let p = 1 / (1 + Foundation.exp(-Double(z)))
            return -(Double(t) * Foundation.log(p) + (1 - Double(t)) * Foundation.log(1 - p))
        }
        expectClose(try z.binaryCrossEntropyWithLogits(targets: t, reduction: .none).scalars, expected.map(Float.init), tolerance: 1e-6)
        #expect(try Tensor([1000, -1000]).binaryCrossEntropyWithLogits(targets: Tensor([1, 0])).item() == 0)
        try expectGradients([z]) { try $0[0].binaryCrossEntropyWithLogits(targets: t) }
    }

    @Test func huberLossIsQuadraticInsideDeltaAndLinearOutside() throws {
        let x = Tensor([0.2, -0.5, 3, -4]), y = Tensor([0, 0, 0, 0])
        expectClose(try x.huberLoss(y, delta: 1, reduction: .none).scalars, [0.02, 0.125, 2.5, 3.5])
        var inputs = Inputs(seed: 3)
        try expectGradients([try inputs.uniform([6], -3, 3), try inputs.uniform([6], -3, 3)]) {
            try $0[0].huberLoss($0[1], delta: 0.75, reduction: .sum)
        }
    }

    @Test func badArgumentsAreErrorsNamingTheLoss() throws {
        let z = try Self.logits()
        #expect(throws: TensorError.self) { try z.crossEntropy(targets: [0, 1]) }
        #expect(throws: TensorError.self) { try z.crossEntropy(targets: [0, 1, 5, 0]) }
        #expect(throws: TensorError.self) { try z.crossEntropy(targets: Self.targets, weights: [1, 2]) }
        #expect(throws: TensorError.self) { try z.crossEntropy(targets: Self.targets, labelSmoothing: 2) }
        #expect(throws: TensorError.self) { try z.huberLoss(z, delta: 0) }
    }

    @Test func softmaxAlongAnyAxisNormalisesThatAxis() throws {
        var inputs = Inputs(seed: 4)
        let x = try inputs.uniform([2, 3, 4])
        let y = try x.softmax(axis: 1)
        for a in 0..<2 { for c in 0..<4 {
            #expect(Swift.abs((0..<3).reduce(Float(0)) { $0 + (y.element(at: [a, $1, c]) ?? 0) } - 1) < 1e-6)
        } }
        try expectGradients([x]) { try $0[0].softmax(axis: 0) }
        try expectGradients([x]) { try $0[0].logSoftmax(axis: 1) }
    }

    @Test func meanSquaredErrorReducesAsAsked() throws {
        var inputs = Inputs(seed: 6)
        let x = try inputs.uniform([2, 3]), y = try inputs.uniform([2, 3])
        let squares = zip(x.scalars, y.scalars).map { ($0 - $1) * ($0 - $1) }
        expectClose(try x.meanSquaredError(y, reduction: .none).scalars, squares)
        #expect(Swift.abs(try x.meanSquaredError(y, reduction: .sum).item() - squares.reduce(0, +)) < 1e-5)
        try expectGradients([x, y]) { try $0[0].meanSquaredError($0[1], reduction: .sum) }
        try expectGradients([x, y]) { try $0[0].meanSquaredError($0[1], reduction: .none) }
    }

    @Test func aPositiveWeightScalesThePositiveTerm() throws {
        let z = Tensor([-1.5, 0.3, 2]), t = Tensor([1, 0.4, 0])
        let expected = zip(z.scalars, t.scalars).map { z, t -> Float in
            let p = 1 / (1 + Foundation.exp(-Double(z)))
            return Float(-(3 * Double(t) * Foundation.log(p) + (1 - Double(t)) * Foundation.log(1 - p)))
        }
        expectClose(try z.binaryCrossEntropyWithLogits(targets: t, positiveWeight: 3, reduction: .none).scalars, expected, tolerance: 1e-6)
        try expectGradients([z]) { try $0[0].binaryCrossEntropyWithLogits(targets: t, positiveWeight: 3) }
    }

    /// PyTorch sends soft targets a gradient (label smoothing, distillation learn them): `p softplus(-z) -
    /// softplus(z)`, checked here against finite differences in the targets.
    @Test func binaryCrossEntropySendsTheTargetsTheirGradient() throws {
        let z = Tensor([-1.5, 0.3, 2, -0.2]), t = Tensor([0.9, 0.4, 0.1, 0.6])
        for weight: Float in [1, 3] {
            try expectGradients([z, t]) { try $0[0].binaryCrossEntropyWithLogits(targets: $0[1], positiveWeight: weight, reduction: .sum) }
        }
    }
}
