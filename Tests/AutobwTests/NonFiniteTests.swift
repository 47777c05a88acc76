import Testing
@testable import Autobw

/// Opt-in anomaly detection: the first NaN or infinity is reported with the entry, its shapes and its site.
@Suite struct NonFiniteTests {
    @Test func aNonFiniteOutputStopsRecordingNamingTheEntry() throws {
        let tape = Tape(options: .stopsAtNonFinite)
        let x = tape.watch(Tensor([1, -1]))
        let line = #line + 1
        let error = #expect(throws: TensorError.self) { try tape.record { try x.log().sum() } }
        guard case .nonFinite(let value)? = error else {
            Issue.record("not a nonFinite error: \(String(describing: error))")
            return
        }
        #expect(value.entry.op == .log && value.location == .output(0) && value.statistics.nanCount == 1)
        #expect(value.entry.site?.line == line && value.entry.inputShapes == [[2]])
        #expect(value.description.contains("log") && value.description.contains("[2]"))
    }

    @Test func aNonFiniteGradientStopsTheReplayNamingTheEntry() throws {
        let tape = Tape(options: .stopsAtNonFinite)
        let x = tape.watch(Tensor([0, 4]))
        let loss = try tape.record { try x.sqrt().sum() }
        let error = #expect(throws: TensorError.self) { try tape.backward(from: loss) }
        guard case .nonFinite(let value)? = error else {
            Issue.record("not a nonFinite error: \(String(describing: error))")
            return
        }
        #expect(value.entry.op == .sqrt && value.location == .gradientToInput(0))
        #expect(value.statistics.positiveInfinityCount == 1)
    }

    @Test func withoutTheOptionNaNFlowsThrough() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([-1]))
        let loss = try tape.record { try x.log().sum() }
        try tape.backward(from: loss)
        #expect(try loss.item().isNaN)
    }

    @Test func clippingReportsANonFiniteNormNamingTheParameter() throws {
        final class Model: Module, @unchecked Sendable {
            let good = Parameter(Tensor([1]))
            let bad = Parameter(Tensor([-1]))
        }
        let model = Model()
        let tape = Tape()
        let loss = try tape.record { try (model.good.value + model.bad.value.sqrt()).sum() }
        try tape.backward(from: loss)
        #expect(throws: TensorError.nonFiniteGradientNorm(parameter: "bad")) {
            try GradientClipping.clipGlobalNorm(of: model.namedParameters(), to: 1)
        }
    }
}
