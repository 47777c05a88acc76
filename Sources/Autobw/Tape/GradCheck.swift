/// How well analytic gradients (the tape's) agree with central finite differences.
public struct GradCheckReport: Sendable, CustomStringConvertible {
    /// For each input: `|analytic - numeric| / (|numeric| + floor)`, Euclidean norms over all its elements.
    public let relativeErrors: [Double]
    /// The largest relative error accepted.
    public let tolerance: Double

    /// True when every input's relative error is within the tolerance.
    public var passed: Bool { relativeErrors.allSatisfy { $0 <= tolerance } }

    public var description: String {
        let errors = relativeErrors.map { String(format: "%.2e", $0) }.joined(separator: ", ")
        return "gradCheck \(passed ? "passed" : "FAILED"): relative errors [\(errors)], tolerance \(tolerance)"
    }
}

/// Compares the tape's gradients of `function` at `inputs` with central differences.
///
/// The function's output is reduced to a scalar with fixed pseudo-random weights (so every output element
/// matters and errors cannot cancel). The check runs in Float32; the reductions accumulate in Double. With the
/// default `step` of 1e-2 the central difference's truncation error is O(step^2) ~ 1e-4 relative for smooth
/// functions of inputs near 1, and rounding adds about 1e-7 / step ~ 1e-5, so a tolerance of 2e-3 is
/// comfortably met by a correct gradient while a gradient that is 1% off (relative error 1e-2) fails.
/// Keep inputs at least `step` away from kinks (relu at 0, clamp bounds, ties in max).
/// - Throws: whatever `function` throws.
public func gradCheck(
    _ inputs: [Tensor], step: Float = 1e-2, tolerance: Double = 2e-3, seed: UInt64 = 7,
    _ function: ([Tensor]) throws -> Tensor
) throws -> GradCheckReport {
    let plain = inputs.map { $0.detached() }
    let projection = try RandomProjection(of: try withoutRecording { try function(plain) }, seed: seed)
    let weights = projection.weights
    let weighted = projection.apply

    let tape = Tape()
    let watched = plain.map { tape.watch($0) }
    let output = try tape.record { try function(watched) }
    let analytic: [Tensor?]
    if output.isRecorded {
        try tape.backward(from: output, seed: weights)
        analytic = try watched.map { try tape.gradient(of: $0) }
    } else {
        analytic = watched.map { _ in nil }
    }

    var errors = [Double]()
    for (k, input) in plain.enumerated() {
        var numeric = [Double](repeating: 0, count: input.count)
        for i in 0..<input.count {
            var shifted = plain
            shifted[k] = input.withShiftedElement(i, by: step)
            let up = weighted(try withoutRecording { try function(shifted) })
            shifted[k] = input.withShiftedElement(i, by: -step)
            let down = weighted(try withoutRecording { try function(shifted) })
            numeric[i] = (up - down) / (2 * Double(step))
        }
        let exact = analytic[k]?.scalars.map(Double.init) ?? [Double](repeating: 0, count: input.count)
        errors.append(relativeError(exact, numeric))
    }
    return GradCheckReport(relativeErrors: errors, tolerance: tolerance)
}

extension Tensor {
    fileprivate func withShiftedElement(_ index: Int, by delta: Float) -> Tensor {
        let copy = copied()
        copy.pointer[index] += delta
        return copy
    }
}

/// Compares the gradients that a replay accumulates into `parameters` with central differences, perturbing
/// each parameter in place (and restoring it). `function` builds the output from the current parameter
/// values, typically by calling a module. Parameter gradients are cleared before and after.
public func gradCheck(
    parameters: [Parameter], step: Float = 1e-2, tolerance: Double = 2e-3, seed: UInt64 = 7,
    _ function: () throws -> Tensor
) throws -> GradCheckReport {
    let projection = try RandomProjection(of: try withoutRecording { try function() }, seed: seed)
    let weights = projection.weights
    let weighted = projection.apply
    for parameter in parameters { parameter.zeroGrad() }
    defer { for parameter in parameters { parameter.zeroGrad() } }
    let tape = Tape()
    let output = try tape.record { try function() }
    if output.isRecorded { try tape.backward(from: output, seed: weights) }

    var errors = [Double]()
    for parameter in parameters {
        let count = Shape.count(parameter.shape)
        var numeric = [Double](repeating: 0, count: count)
        for i in 0..<count {
            parameter.update { $0[i] += step }
            let up = weighted(try withoutRecording { try function() })
            parameter.update { $0[i] -= 2 * step }
            let down = weighted(try withoutRecording { try function() })
            parameter.update { $0[i] += step }
            numeric[i] = (up - down) / (2 * Double(step))
        }
        let exact = parameter.grad?.scalars.map(Double.init) ?? [Double](repeating: 0, count: count)
        errors.append(relativeError(exact, numeric))
    }
    return GradCheckReport(relativeErrors: errors, tolerance: tolerance)
}

/// `|exact - numeric| / (|numeric| + floor)` in the Euclidean norm; the floor keeps all-zero gradients from
/// dividing by zero.
func relativeError(_ exact: [Double], _ numeric: [Double]) -> Double {
    var difference: Double = 0, magnitude: Double = 0
    for i in 0..<min(exact.count, numeric.count) {
        difference += (exact[i] - numeric[i]) * (exact[i] - numeric[i])
        magnitude += numeric[i] * numeric[i]
    }
    let floor = 1e-3 * Double(numeric.count).squareRoot()
    return difference.squareRoot() / (magnitude.squareRoot() + floor)
}

/// Reduces a function's output to a scalar with fixed pseudo-random positive weights, so that every output
/// element counts and errors in different elements cannot cancel.
struct RandomProjection {
    let weights: Tensor

    init(of output: Tensor, seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        weights = try Tensor.uniform(output.shape, low: 0.5, high: 1.5, using: &generator)
    }

    func apply(_ output: Tensor) -> Double {
        var total: Double = 0
        for i in 0..<min(output.count, weights.count) { total += Double(output.pointer[i]) * Double(weights.pointer[i]) }
        return total
    }
}
