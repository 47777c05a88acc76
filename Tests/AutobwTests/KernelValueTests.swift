import Foundation
import Testing
@testable import Autobw

/// Forward values against straightforward reference computations, and shape errors.
@Suite struct KernelValueTests {
    @Test func matmulMatchesANaiveTripleLoop() throws {
        var inputs = Inputs(seed: 3)
        let a = try inputs.uniform([5, 7]), b = try inputs.uniform([7, 3])
        let c = try a.matmul(b)
        var expected = [Float](repeating: 0, count: 15)
        for i in 0..<5 { for j in 0..<3 { for k in 0..<7 { expected[i * 3 + j] += a.scalars[i * 7 + k] * b.scalars[k * 3 + j] } } }
        #expect(c.shape == [5, 3])
        expectClose(c.scalars, expected)
    }

    @Test func matmulTransposeFlagsMatchExplicitTransposes() throws {
        var inputs = Inputs(seed: 4)
        let a = try inputs.uniform([4, 3]), b = try inputs.uniform([5, 4])
        let flagged = try a.matmul(b, transposeSelf: true, transposeOther: true)
        let explicit = try a.transposed().matmul(b.transposed())
        expectClose(flagged.scalars, explicit.scalars)
    }

    @Test func broadcastingAddsARowToEveryRow() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try (a + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect(try (a + Tensor(shape: [2, 1], scalars: [100, 200])).scalars == [101, 102, 103, 204, 205, 206])
    }

    @Test func incompatibleShapesThrowAClearError() throws {
        let error = #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]) + Tensor.zeros([4]) }
        #expect(error?.description.contains("[2, 3]") == true)
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]).matmul(try Tensor.zeros([2, 3])) }
        #expect(throws: TensorError.self) { try Tensor.zeros([6]).reshaped([4, -1]) }
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
    }

    @Test func softmaxRowsSumToOneAndMatchTheFormula() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, 1000])
        let y = try x.softmax()
        let e = [1, 2, 3].map { Foundation.exp(Float($0)) }
        let total = e.reduce(0, +)
        expectClose(Array(y.scalars[0..<3]), e.map { $0 / total })
        expectClose(Array(y.scalars[3..<6]), [1.0 / 3, 1.0 / 3, 1.0 / 3])
    }

    @Test func crossEntropyIsLogClassesForUniformLogits() throws {
        let loss = try Tensor.zeros([4, 65]).softmaxCrossEntropy(targets: [0, 1, 2, 64])
        #expect(abs(try loss.item() - Foundation.log(Float(65))) < 1e-5)
    }

    @Test func crossEntropyRejectsTargetsOutOfRange() throws {
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]).softmaxCrossEntropy(targets: [0, 3]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, 3]).softmaxCrossEntropy(targets: [0]) }
    }

    @Test func reductionsAlongAxes() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
        #expect(try x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(try x.sum(axis: 1).shape == [2])
        #expect(try x.max(axis: 1).scalars == [5, 6])
        #expect(try x.mean().item() == 3.5)
    }

    @Test func splitAndConcatenateAreInverses() throws {
        let x = try Tensor(shape: [2, 4], scalars: (0..<8).map(Float.init))
        let parts = try x.split(axis: 1, sizes: [1, 3])
        #expect(parts[0].scalars == [0, 4])
        #expect(try Tensor.concatenate(parts, axis: 1).scalars == x.scalars)
    }

    @Test func gatherAndOneHotAgree() throws {
        let table = try Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let gathered = try table.gather(rows: [2, 0])
        let viaOneHot = try Tensor.oneHot([2, 0], depth: 3).matmul(table)
        #expect(gathered.scalars == viaOneHot.scalars)
        #expect(throws: TensorError.self) { try table.gather(rows: [3]) }
    }

    @Test func negativeDimensionsInFactoriesAreErrorsNamingTheShape() throws {
        var g = SeededGenerator(seed: 1)
        let error = #expect(throws: TensorError.self) { try Tensor.zeros([2, -3]) }
        #expect(error?.description.contains("[2, -3]") == true)
        #expect(throws: TensorError.self) { try Tensor.uniform([-1], using: &g) }
    }

    @Test func elementsAreAddressedRowMajorAndOutOfRangeIsNil() throws {
        let x = try Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5])
        #expect(x.element(at: [1, 2]) == 5 && x.element(at: [0, 1]) == 1)
        #expect(x.element(at: [2, 0]) == nil && x.element(at: [0]) == nil && x.element(at: [0, -1]) == nil)
    }

    @Test func clampRejectsInvertedBounds() throws {
        #expect(throws: TensorError.self) { try Tensor([1]).clamp(1, 0) }
    }

    @Test func sameSeedSameNumbers() throws {
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5), c = SeededGenerator(seed: 6)
        let x = try Tensor.normal([100], using: &a), y = try Tensor.normal([100], using: &b), z = try Tensor.normal([100], using: &c)
        #expect(x.scalars == y.scalars && x.scalars != z.scalars)
    }

    @Test func normalSamplesHaveTheRequestedMoments() throws {
        var g = SeededGenerator(seed: 8)
        let x = try Tensor.normal([20000], mean: 2, standardDeviation: 3, using: &g).scalars
        let mean = x.reduce(0, +) / Float(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(x.count)
        #expect(abs(mean - 2) < 0.1 && abs(variance.squareRoot() - 3) < 0.1)
    }
}
