import Foundation
import Testing
@testable import Autobw

/// The added elementwise functions and activations: values against a Float64 reference computed here, and
/// gradients against central differences.
@Suite struct ElementaryFunctionTests {
    typealias Op = @Sendable (Tensor) throws -> Tensor

    /// Each op, the Double formula it must match, and a range of inputs away from its kinks and poles.
    static let cases: [(name: String, op: Op, reference: @Sendable (Double) -> Double, low: Float, high: Float)] = [
        ("abs", { try $0.abs() }, { Swift.abs($0) }, 0.2, 1.2),
        ("sin", { try $0.sin() }, { Foundation.sin($0) }, -3, 3),
        ("cos", { try $0.cos() }, { Foundation.cos($0) }, -3, 3),
        ("log1p", { try $0.log1p() }, { Foundation.log1p($0) }, -0.5, 2),
        ("expm1", { try $0.expm1() }, { Foundation.expm1($0) }, -2, 2),
        ("square", { try $0.square() }, { $0 * $0 }, -2, 2),
        ("rsqrt", { try $0.rsqrt() }, { 1 / $0.squareRoot() }, 0.5, 3),
        ("reciprocal", { try $0.reciprocal() }, { 1 / $0 }, 0.5, 3),
        ("gelu", { try $0.gelu() }, { 0.5 * $0 * (1 + Foundation.erf($0 / 2.squareRoot())) }, -3, 3),
        ("gelu tanh", { try $0.gelu(approximatingWithTanh: true) },
         { 0.5 * $0 * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) }, -3, 3),
        ("leakyReLU", { try $0.leakyReLU(slope: 0.1) }, { $0 > 0 ? $0 : 0.1 * $0 }, 0.2, 1.2),
        ("elu", { try $0.elu(alpha: 1.5) }, { $0 > 0 ? $0 : 1.5 * Foundation.expm1($0) }, -2, -0.2),
        ("softplus", { try $0.softplus() }, { Foundation.log(1 + Foundation.exp($0)) }, -4, 4),
        ("silu", { try $0.silu() }, { $0 / (1 + Foundation.exp(-$0)) }, -4, 4),
        ("logSigmoid", { try $0.logSigmoid() }, { -Foundation.log(1 + Foundation.exp(-$0)) }, -4, 4),
    ]

    @Test(arguments: 0..<cases.count)
    func valuesMatchTheFloat64Formula(_ index: Int) throws {
        let (name, op, reference, low, high) = Self.cases[index]
        var inputs = Inputs(seed: UInt64(index))
        let x = try inputs.uniform([5, 7], low, high)
        let y = try op(x).scalars
        for (value, input) in zip(y, x.scalars) {
            let expected = reference(Double(input))
            #expect(Swift.abs(Double(value) - expected) <= 2e-6 * max(1, Swift.abs(expected)), "\(name)(\(input))")
        }
    }

    @Test(arguments: 0..<cases.count)
    func gradientsMatchCentralDifferences(_ index: Int) throws {
        let (_, op, _, low, high) = Self.cases[index]
        var inputs = Inputs(seed: UInt64(100 + index))
        try expectGradients([try inputs.uniform([3, 4], low, high)]) { try op($0[0]) }
    }

    @Test func negativeInputsOfTheKinkedOpsUseTheirOtherSlope() throws {
        var inputs = Inputs(seed: 5)
        let negative = try inputs.uniform([2, 3], -1.2, -0.2)
        try expectGradients([negative]) { try $0[0].abs() }
        try expectGradients([negative]) { try $0[0].leakyReLU(slope: 0.1) }
        let positive = try inputs.uniform([2, 3], 0.2, 1.2)
        try expectGradients([positive]) { try $0[0].elu() }
    }

    @Test func stableFormsStayFiniteForLargeInputs() throws {
        let x = Tensor([-200, -50, 50, 200])
        expectClose(try x.softplus().scalars, [0, 0, 50, 200], tolerance: 1e-6)
        expectClose(try x.logSigmoid().scalars, [-200, -50, 0, 0], tolerance: 1e-6)
        #expect(try x.silu().scalars.allSatisfy(\.isFinite))
    }

    @Test func signIsRecordedWithAZeroGradient() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([-2, 0, 3]))
        let loss = try tape.record { try (x.sign() * x).sum() }
        #expect(tape.entries.first?.op == .sign)
        try tape.backward(from: loss)
        #expect(try tape.gradient(of: x)?.scalars == [-1, 0, 1])
    }
}
