import Testing
@testable import Autobw

/// Elementwise ops replay by rewriting the incoming gradient in place (`BackwardRule.pointwise`); nothing else
/// that holds that gradient may see the rewrite.
@Suite struct PointwiseRuleTests {
    var inputs = Inputs()

    @Test mutating func aGradientSharedByTwoInputsIsRewrittenForOneOnly() throws {
        // The sum's rule hands the same gradient to both of its inputs; tanh and exp each rewrite their own.
        try expectGradients([try inputs.uniform([6])]) { try $0[0].tanh() + $0[0].exp() }
    }

    @Test mutating func aGradientSharedWithALeafIsRewrittenOnlyForTheEntry() throws {
        // x's slot holds the gradient that also reaches tanh: tanh's rewrite must not change x's direct term.
        try expectGradients([try inputs.uniform([6])]) { x in try x[0] + x[0].tanh() }
    }

    @Test func aStepShowsTheGradientAPointwiseEntryReceivedAndTheOneItSent() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let loss = try tape.record { try (x * 3).sum() }
        let replay = try tape.replay(from: loss)
        _ = try replay.step()
        let scale = try #require(try replay.step())
        #expect(scale.entry.op == .mulScalar)
        #expect(scale.incoming.map(\.scalars) == [[1, 1]])
        #expect(scale.sent.map { $0?.scalars } == [[3, 3]])
    }

    @Test func aSeedIsNotRewrittenByTheReplay() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let y = try tape.record { try x.tanh() }
        let seed = Tensor([0.5, -2])
        try tape.backward(from: y, seed: seed)
        #expect(seed.scalars == [0.5, -2])
        let expected = try Tensor([1, 2]).tanh().scalars.enumerated().map { i, t in [Float(0.5), -2][i] * (1 - t * t) }
        expectClose(try #require(try tape.gradient(of: x)).scalars, expected)
    }
}
