import AutobwTestSupport
import Testing
@testable import Autobw

/// Seeded test inputs, kept away from the kinks of relu/clamp/max so finite differences are meaningful.
struct Inputs {
    var generator: SeededGenerator

    init(seed: UInt64 = 42) { generator = SeededGenerator(seed: seed) }

    /// Uniform in `low..<high`.
    mutating func uniform(_ shape: [Int], _ low: Float = -1, _ high: Float = 1) throws -> Tensor {
        try Tensor.uniform(shape, low: low, high: high, using: &generator)
    }

    /// Values whose magnitudes lie in 0.2..<1.2 with random signs: at least 0.2 from zero.
    mutating func awayFromZero(_ shape: [Int]) throws -> Tensor {
        let magnitudes = try uniform(shape, 0.2, 1.2)
        let scalars = magnitudes.scalars.map { generator.nextUnit() < 0.5 ? -$0 : $0 }
        return try Tensor(shape: shape, scalars: scalars)
    }
}

/// Asserts that the tape's gradients of `function` at `inputs` match finite differences.
func expectGradients(
    _ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation, _ function: ([Tensor]) throws -> Tensor
) throws {
    let report = try gradCheck(inputs, function)
    #expect(report.passed, "\(report)", sourceLocation: sourceLocation)
}

/// Asserts two float arrays agree elementwise within `tolerance` (relative to magnitude, floor 1).
func expectClose(
    _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "counts differ: \(actual.count) vs \(expected.count)", sourceLocation: sourceLocation)
    // NaN fails unless NaN was expected (`agrees`): a test of `> tolerance` alone passes it, as every comparison
    // with NaN is false.
    for (i, (a, e)) in zip(actual, expected).enumerated() where !agrees(a, e, tolerance: tolerance) {
        Issue.record("element \(i): \(a) != \(e)", sourceLocation: sourceLocation)
        return
    }
}

/// Asserts that the gradients a replay accumulates into `parameters` match finite differences.
func expectParameterGradients(
    _ parameters: [Parameter], sourceLocation: SourceLocation = #_sourceLocation, _ function: () throws -> Tensor
) throws {
    let report = try gradCheck(parameters: parameters, function)
    #expect(report.passed, "\(report)", sourceLocation: sourceLocation)
}

/// The largest error of a float GEMM result `c` (`m x n`, row-major) against `alpha op(a) op(b) + beta original`
/// computed in Float64, in units of a rounding bound that grows with `k` and the terms' magnitudes: at most 1 for a
/// correct product.
func gemmErrorOverBound(
    m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float, a: (Int, Int) -> Double, b: (Int, Int) -> Double,
    original: [Float], result c: [Float]
) -> Double {
    var worst = 0.0
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0, magnitude = 0.0
            for p in 0..<k {
                sum += a(i, p) * b(p, j)
                magnitude += abs(a(i, p) * b(p, j))
            }
            let expected = Double(alpha) * sum + Double(beta) * Double(original[i * n + j])
            let bound = 4 * Double(Float.ulpOfOne) * (Double(k) * abs(Double(alpha)) * magnitude
                + abs(Double(beta) * Double(original[i * n + j]))) + 1e-6
            let error = abs(Double(c[i * n + j]) - expected) / bound
            // `max` drops a NaN: a product that came out NaN would pass.
            worst = error.isNaN ? .infinity : max(worst, error)
        }
    }
    return worst
}
