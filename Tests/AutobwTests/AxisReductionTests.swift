import Foundation
import Testing
@testable import Autobw

/// Reductions along any axis: values against a Float64 computation of the same lanes, gradients against
/// central differences, on every axis of a rank-3 tensor.
@Suite struct AxisReductionTests {
    typealias Reduction = @Sendable (Tensor, Int) throws -> Tensor
    /// Each reduction and its Float64 formula for one lane.
    static let cases: [(name: String, op: Reduction, reference: @Sendable ([Double]) -> Double)] = [
        ("min", { try $0.min(axis: $1) }, { $0.min() ?? 0 }),
        ("logSumExp", { try $0.logSumExp(axis: $1) }, { lane in Foundation.log(lane.reduce(0) { $0 + Foundation.exp($1) }) }),
        ("prod", { try $0.prod(axis: $1) }, { $0.reduce(1, *) }),
        ("variance", { try $0.variance(axis: $1) }, { lane in
            let mean = lane.reduce(0, +) / Double(lane.count)
            return lane.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(lane.count - 1)
        }),
        ("biased variance", { try $0.variance(axis: $1, unbiased: false) }, { lane in
            let mean = lane.reduce(0, +) / Double(lane.count)
            return lane.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(lane.count)
        }),
        ("standardDeviation", { try $0.standardDeviation(axis: $1) }, { lane in
            let mean = lane.reduce(0, +) / Double(lane.count)
            return (lane.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(lane.count - 1)).squareRoot()
        }),
        ("norm", { try $0.norm(axis: $1) }, { lane in lane.reduce(0) { $0 + $1 * $1 }.squareRoot() }),
    ]

    static let shape = [2, 3, 4]

    /// The lanes of `x` (shape `[2, 3, 4]`) along `axis`, in row-major order of the other axes.
    static func lanes(_ x: [Float], axis: Int) -> [[Double]] {
        var result = [[Double]]()
        let strides = [12, 4, 1]
        let others = (0..<3).filter { $0 != axis }
        for a in 0..<shape[others[0]] {
            for b in 0..<shape[others[1]] {
                result.append((0..<shape[axis]).map { j in
                    var index = [0, 0, 0]
                    index[others[0]] = a
                    index[others[1]] = b
                    index[axis] = j
                    return Double(x[zip(index, strides).map(*).reduce(0, +)])
                })
            }
        }
        return result
    }

    @Test(arguments: 0..<cases.count, 0..<3)
    func valuesMatchTheFloat64FormulaOnEveryAxis(_ index: Int, _ axis: Int) throws {
        let (name, op, reference) = Self.cases[index]
        var inputs = Inputs(seed: UInt64(index * 3 + axis))
        let x = try inputs.uniform(Self.shape, 0.3, 1.5)
        let y = try op(x, axis)
        #expect(y.shape == Self.shape.enumerated().filter { $0.offset != axis }.map(\.element))
        for (value, lane) in zip(y.scalars, Self.lanes(x.scalars, axis: axis)) {
            let expected = reference(lane)
            #expect(Swift.abs(Double(value) - expected) <= 1e-5 * max(1, Swift.abs(expected)), "\(name) axis \(axis)")
        }
    }

    @Test(arguments: 0..<cases.count, 0..<3)
    func gradientsMatchCentralDifferencesOnEveryAxis(_ index: Int, _ axis: Int) throws {
        let op = Self.cases[index].op
        // Distinct values at least 0.1 apart, so the finite differences never cross min's kink.
        var generator = SeededGenerator(seed: UInt64(50 + index * 3 + axis))
        let values = (0..<24).map { Float($0) * 0.1 + 0.35 }.shuffled(using: &generator)
        try expectGradients([try Tensor(shape: Self.shape, scalars: values)]) { try op($0[0], axis) }
    }

    @Test func keepingTheDimensionAndNegativeAxesWork() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 5, 2, 7, 0, 3])
        #expect(try x.min(axis: -1, keepingDimension: true).shape == [2, 1])
        #expect(try x.min(axis: -1).scalars == [1, 0])
        #expect(try x.argmax(axis: 1).scalars == [1, 0] && x.argmin(axis: 0).scalars == [0, 1, 0])
    }

    @Test func aProductWithAZeroStillHasGradients() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([2, 0, 3]))
        try tape.backward(from: try tape.record { try x.prod(axis: 0) })
        #expect(try tape.gradient(of: x)?.scalars == [0, 6, 0])
    }

    @Test func logSumExpIsStableForLargeInputs() throws {
        let y = try Tensor([1000, 1000]).logSumExp(axis: 0)
        #expect(Swift.abs(try y.item() - (1000 + Foundation.log(2))) < 1e-3)
    }

    @Test func badAxesAndEmptyLanesAreErrorsNamingTheOp() throws {
        #expect(throws: TensorError.self) { try Tensor([1, 2]).min(axis: 1) }
        #expect(throws: TensorError.self) { try Tensor([1]).variance(axis: 0) }
        #expect(throws: TensorError.self) { try Tensor.zeros([0, 2]).logSumExp(axis: 0) }
    }
}
