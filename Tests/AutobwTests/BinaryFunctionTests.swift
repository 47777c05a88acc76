import Foundation
import Testing
@testable import Autobw

/// Elementwise functions of two tensors: values against Float64, gradients against central differences,
/// with broadcasting.
@Suite struct BinaryFunctionTests {
    var inputs = Inputs(seed: 31)

    @Test mutating func maximumAndMinimumPickTheRightSideAndSplitTies() throws {
        let a = Tensor([1, 5, 3]), b = Tensor([2, 4, 3])
        #expect(try Tensor.maximum(a, b).scalars == [2, 5, 3] && Tensor.minimum(a, b).scalars == [1, 4, 3])
        let tape = Tape()
        let (x, y) = (tape.watch(a), tape.watch(b))
        try tape.backward(from: try tape.record { try Tensor.maximum(x, y).sum() })
        #expect(try tape.gradient(of: x)?.scalars == [0, 1, 0.5] && tape.gradient(of: y)?.scalars == [1, 0, 0.5])
        let p = try inputs.uniform([3, 4], -1, 0), q = try inputs.uniform([4], 0.2, 1)   // apart: no ties
        try expectGradients([p, q]) { try Tensor.maximum($0[0], $0[1]) }
        try expectGradients([p, q]) { try Tensor.minimum($0[0], $0[1]) }
    }

    @Test mutating func powWithATensorExponentMatchesFloat64() throws {
        let x = try inputs.uniform([2, 3], 0.5, 2), p = try inputs.uniform([3], -1.5, 2.5)
        let y = try x.pow(p)
        for i in 0..<2 { for j in 0..<3 {
            let expected = Foundation.pow(Double(x.element(at: [i, j]) ?? 0), Double(p.element(at: [j]) ?? 0))
            #expect(Swift.abs(Double(y.element(at: [i, j]) ?? 0) - expected) < 1e-5 * max(1, expected))
        } }
        try expectGradients([x, p]) { try $0[0].pow($0[1]) }
    }

    @Test mutating func whereChoosesAndRoutesTheGradient() throws {
        let condition = Tensor([1, 0, 1, 0]).reshapedUntracked([4, 1])
        let a = try inputs.uniform([4, 3]), b = try inputs.uniform([3])
        let y = try Tensor.where(condition, a, b)
        #expect(y.element(at: [0, 2]) == a.element(at: [0, 2]) && y.element(at: [1, 2]) == b.element(at: [2]))
        try expectGradients([a, b]) { try Tensor.where(condition, $0[0], $0[1]) }
    }

    @Test mutating func aScalarDividedByATensor() throws {
        let x = try inputs.uniform([5], 0.5, 2)
        expectClose(try (3 / x).scalars, x.scalars.map { 3 / $0 })
        try expectGradients([x]) { try 3 / $0[0] }
    }
}
