import Testing
@testable import Autobw

/// The gradient check is sharp enough to catch a 1% error in a backward rule.
@Suite struct GradCheckTests {
    /// tanh with its real backward rule scaled by `factor`.
    static func tanh(scaledBy factor: Float) -> CustomOperation {
        CustomOperation(name: "tanh_scaled") { inputs in
            [try inputs[0].tanh()]
        } backward: { _, outputs, grads in
            [Elementwise.zipSame(grads[0], outputs[0]) { g, y in g * (1 - y * y) * factor }]
        }
    }

    @Test func acceptsTheExactRule() throws {
        var inputs = Inputs()
        let report = try gradCheck([try inputs.uniform([3, 4])]) { try Self.tanh(scaledBy: 1)([$0[0]])[0] }
        #expect(report.passed, "\(report)")
    }

    @Test func rejectsARuleOnePercentTooLarge() throws {
        var inputs = Inputs()
        let report = try gradCheck([try inputs.uniform([3, 4])]) { try Self.tanh(scaledBy: 1.01)([$0[0]])[0] }
        #expect(!report.passed, "\(report)")
        #expect(report.relativeErrors[0] > 5e-3)
    }

    @Test func rejectsARuleOnePercentTooSmall() throws {
        var inputs = Inputs()
        let report = try gradCheck([try inputs.uniform([3, 4])]) { try Self.tanh(scaledBy: 0.99)([$0[0]])[0] }
        #expect(!report.passed, "\(report)")
    }

    @Test func rejectsAWrongRuleForOneInputOnly() throws {
        // x * y whose backward forgets the broadcast reduction is caught on that input alone.
        let wrongMul = CustomOperation(name: "mul_wrong") { inputs in
            [try inputs[0] * inputs[1]]
        } backward: { inputs, _, grads in
            [try grads[0] * inputs[1], try grads[0] * inputs[0] * 1.01]
        }
        var inputs = Inputs()
        let report = try gradCheck([try inputs.uniform([4]), try inputs.uniform([4])]) { try wrongMul($0)[0] }
        #expect(report.relativeErrors[0] <= report.tolerance)
        #expect(report.relativeErrors[1] > report.tolerance)
    }

    @Test func reportsAnUntracedFunctionAsAllZeroGradients() throws {
        // A function that ignores its input has a zero gradient, and the check agrees.
        var inputs = Inputs()
        let report = try gradCheck([try inputs.uniform([3])]) { _ in try Tensor.ones([2]) }
        #expect(report.passed)
    }
}
