import Foundation
import Testing
@testable import Autobw

/// One-pass statistics against a plain Double computation of each figure.
@Suite struct TensorStatisticsTests {
    @Test(arguments: [0, 1, 7, 1024, 1037, 5000])
    func statisticsMatchADoubleReference(count: Int) throws {
        var g = SeededGenerator(seed: UInt64(count))
        let scalars = (0..<count).map { i in i % 9 == 0 ? 0 : g.nextNormal(mean: 0.3, standardDeviation: 2) }
        let stats = Tensor(scalars).statistics()
        let sum = scalars.reduce(0.0) { $0 + Double($1) }, squares = scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(stats.count == count && stats.zeroCount == scalars.filter { $0 == 0 }.count)
        #expect(stats.min == (scalars.min() ?? 0) && stats.max == (scalars.max() ?? 0))
        #expect(abs(Double(stats.mean) - (count > 0 ? sum / Double(count) : 0)) < 1e-5)
        #expect(abs(Double(stats.norm) - squares.squareRoot()) <= 1e-5 * max(1, squares.squareRoot()))
        #expect(stats.isFinite)
    }

    @Test func nonFiniteElementsAreCountedApartFromTheFiniteOnes() throws {
        var scalars = [Float](repeating: 1, count: 2048)
        scalars[3] = .nan
        scalars[1500] = .infinity
        scalars[2000] = -.infinity
        scalars[2047] = -4
        let stats = Tensor(scalars).statistics()
        #expect(stats.nanCount == 1 && stats.positiveInfinityCount == 1 && stats.negativeInfinityCount == 1)
        #expect(stats.min == -4 && stats.max == 1 && !stats.isFinite)
        #expect(stats.norm.isNaN)
    }

    /// A norm is the norm of every element: a value with an infinity is infinitely large (a debugger once
    /// showed "norm 0" for an output of three infinities).
    @Test func theNormOfAValueWithAnInfinityIsInfiniteAndWithANaNIsNaN() throws {
        #expect(Tensor([.infinity, -.infinity, .infinity]).statistics().norm == .infinity)
        #expect(Tensor([1, 2, -.infinity]).statistics().norm == .infinity)
        #expect(Tensor([1, .nan, .infinity]).statistics().norm.isNaN)
        let long = Tensor([Float](repeating: 2, count: 3000) + [.infinity]).statistics()
        #expect(long.norm == .infinity && long.min == 2 && long.max == 2 && long.mean == 2)
    }

    @Test func hugeFiniteElementsDoNotOverflowTheNorm() throws {
        let stats = Tensor([Float](repeating: 1e20, count: 2048)).statistics()
        #expect(stats.isFinite && stats.norm.isFinite && abs(stats.norm / 1e20 - Float(2048).squareRoot()) < 1e-3)
    }

    @Test func decodingRefusesCountsNoTensorCouldHave() throws {
        let valid = #"{"count":4,"min":0,"max":1,"mean":0.5,"norm":1,"nanCount":1,"positiveInfinityCount":0,"negativeInfinityCount":0,"zeroCount":1}"#
        #expect(try JSONDecoder().decode(TensorStatistics.self, from: Data(valid.utf8)).nonFiniteCount == 1)
        for damaged in [
            valid.replacingOccurrences(of: #""nanCount":1"#, with: #""nanCount":-1"#),
            valid.replacingOccurrences(of: #""zeroCount":1"#, with: #""zeroCount":4"#),
            valid.replacingOccurrences(of: #""nanCount":1,"positiveInfinityCount":0"#,
                                       with: #""nanCount":4611686018427387904,"positiveInfinityCount":4611686018427387904"#),
        ] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(TensorStatistics.self, from: Data(damaged.utf8)) }
        }
    }

    @Test func theNonFiniteCountOfHandBuiltStatisticsSaturatesInsteadOfTrapping() {
        let statistics = TensorStatistics(
            count: 1, min: 0, max: 0, mean: 0, norm: 0, nanCount: Int.max, positiveInfinityCount: Int.max,
            negativeInfinityCount: 0, zeroCount: 0)
        #expect(statistics.nonFiniteCount == Int.max && !statistics.isFinite)
    }
}
