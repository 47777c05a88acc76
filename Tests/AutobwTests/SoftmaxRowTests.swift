import Foundation
import Testing
@testable import Autobw

/// Softmax rows are computed in C in sixteen partial results (`CVectorLoops`): at every width around a multiple
/// of sixteen they agree with a Float64 reference, and non-finite rows give what the formula gives.
@Suite struct SoftmaxRowTests {
    /// `[softmax, log-softmax]` of each row, and `log(sum(exp(row)))`, in Float64.
    static func reference(_ x: Tensor) -> (softmax: [Float], logSoftmax: [Float], logSums: [Double]) {
        let width = x.shape.last ?? 1
        var (softmax, logSoftmax, logSums) = ([Float](), [Float](), [Double]())
        for start in stride(from: 0, to: x.count, by: width) {
            let row = x.scalars[start..<start + width].map(Double.init)
            let top = row.max() ?? 0
            let logSum = top + Foundation.log(row.map { Foundation.exp($0 - top) }.reduce(0, +))
            softmax += row.map { Float(Foundation.exp($0 - logSum)) }
            logSoftmax += row.map { Float($0 - logSum) }
            logSums.append(logSum)
        }
        return (softmax, logSoftmax, logSums)
    }

    @Test(arguments: [1, 2, 15, 16, 17, 31, 32, 33, 65, 100])
    func softmaxLogSoftmaxAndCrossEntropyMatchFloat64(width: Int) throws {
        var inputs = Inputs(seed: UInt64(40 + width))
        let x = try inputs.uniform([3, width], -30, 30)
        let expected = Self.reference(x)
        expectClose(try x.softmax().scalars, expected.softmax, tolerance: 1e-5)
        expectClose(try x.logSoftmax().scalars, expected.logSoftmax, tolerance: 1e-5)
        let targets = [0, width / 2, width - 1]
        let loss = zip(targets.indices, targets).map { row, target in -Double(expected.logSoftmax[row * width + target]) }
        expectClose([try x.softmaxCrossEntropy(targets: targets).item()], [Float(loss.reduce(0, +) / 3)], tolerance: 1e-5)
    }

    /// The maximum is what keeps exp from overflowing: a logit of 500 anywhere (in each lane of the sixteen, in
    /// the tail after them) must be found.
    @Test func theLargestLogitIsFoundAnywhereInTheRow() throws {
        for position in [0, 5, 15, 16, 31, 32, 33, 34] {
            var scalars = [Float](repeating: -1, count: 35)
            scalars[position] = 500
            let x = try Tensor(shape: [1, 35], scalars: scalars)
            expectClose(try x.softmax().scalars, Self.reference(x).softmax, tolerance: 1e-6)
        }
    }

    @Test func aNaNInARowMakesItsProbabilitiesNaN() throws {
        var scalars = [Float](repeating: 0.5, count: 40)
        scalars[20] = .nan
        let probabilities = try Tensor(shape: [1, 40], scalars: scalars).softmax().scalars
        #expect(probabilities.allSatisfy { $0.isNaN })
    }

    @Test func anInfiniteLogitTakesTheRowWithoutNaNElsewhere() throws {
        var scalars = [Float](repeating: 0.5, count: 20)
        scalars[17] = -.infinity
        let probabilities = try Tensor(shape: [1, 20], scalars: scalars).softmax().scalars
        #expect(probabilities[17] == 0)
        expectClose(probabilities.enumerated().filter { $0.offset != 17 }.map(\.element), [Float](repeating: 1.0 / 19, count: 19))
    }
}
