import Foundation
import Testing
@testable import Autobw

/// Recording and replaying: what gets recorded, fan-out, stepping, scopes, parameters.
@Suite struct TapeTests {
    @Test func recordsOneEntryPerOperationInOrder() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2, 3]))
        _ = try tape.record { try (x * 2).tanh().sum() }
        #expect(tape.entries.map(\.op) == ["mul_scalar", "tanh", "sum"])
        #expect(tape.entries[2].inputShapes == [[3]] && tape.entries[2].outputShapes == [[]])
    }

    @Test func recordsNothingOutsideRecord() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        _ = try x * 2
        #expect(tape.count == 0)
    }

    @Test func recordsNothingForUntracedValues() throws {
        let tape = Tape()
        _ = try tape.record { try Tensor([1, 2]).exp() }
        #expect(tape.count == 0)
    }

    @Test func fanOutAccumulatesGradients() throws {
        // y = x*x + 3x  =>  dy/dx = 2x + 3
        let tape = Tape()
        let x = tape.watch(Tensor([2, -1]))
        let y = try tape.record { try (x * x + x * 3).sum() }
        try tape.backward(from: y)
        #expect(try tape.gradient(of: x)?.scalars == [7, 1])
    }

    @Test func parameterGradientsAccumulateUntilZeroed() throws {
        let w = Parameter(Tensor([1, 2]))
        for _ in 0..<2 {
            let tape = Tape()
            let loss = try tape.record { try (w.value * 3).sum() }
            try tape.backward(from: loss)
        }
        #expect(w.grad?.scalars == [6, 6])
        w.zeroGrad()
        #expect(w.grad == nil)
    }

    @Test func steppingEndsWithTheGradientsOfAFullBackward() throws {
        var inputs = Inputs()
        let w1 = Parameter(try inputs.uniform([3, 4])), w2 = Parameter(try inputs.uniform([4, 2]))
        let x = try inputs.uniform([5, 3])
        func loss(_ tape: Tape) throws -> Tensor {
            try tape.record { try x.matmul(w1.value).tanh().matmul(w2.value).softmaxCrossEntropy(targets: [0, 1, 1, 0, 1]) }
        }
        let full = Tape()
        try full.backward(from: try loss(full))
        let expected = [w1.grad!.scalars, w2.grad!.scalars]
        w1.zeroGrad()
        w2.zeroGrad()

        let stepped = Tape()
        let replay = try stepped.replay(from: try loss(stepped))
        var ops = [OpName]()
        while let step = try replay.step() { ops.append(step.entry.op) }
        #expect(ops == [.softmaxCrossEntropy, .matmul, .tanh, .matmul])
        #expect(replay.isFinished)
        #expect([w1.grad!.scalars, w2.grad!.scalars] == expected)
    }

    @Test func aStepShowsIncomingAndSentGradients() throws {
        // y = x * w: the mul entry receives dL/dy = 1 and sends w to x and x to w.
        let w = Parameter(Tensor([3]))
        let tape = Tape()
        let x = tape.watch(Tensor([2]))
        let y = try tape.record { try (x * w.value).sum() }
        let replay = try tape.replay(from: y)
        let sum = try #require(try replay.step())
        #expect(sum.entry.op == "sum" && sum.incoming[0].scalars == [1])
        let mul = try #require(try replay.step())
        #expect(mul.entry.op == "mul")
        #expect(mul.sent.map { $0?.scalars } == [[3], [2]])
        #expect(mul.parameterGradients.count == 1 && mul.parameterGradients[0].gradient.scalars == [2])
        #expect(try replay.step() == nil)
    }

    @Test func entriesOffThePathToTheOutputAreNotStepped() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let loss = try tape.record { () throws -> Tensor in
            _ = try x.exp()          // recorded, but the loss does not depend on it
            return try (x * 2).sum()
        }
        let replay = try tape.replay(from: loss)
        var ops = [OpName]()
        while let step = try replay.step() { ops.append(step.entry.op) }
        #expect(ops == ["sum", "mul_scalar"])
    }

    @Test func scopesLabelEntries() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1]))
        _ = try tape.record {
            try withScope("lstm") { try withScope("t3") { try x.tanh() } }
        }
        #expect(tape.entries.first?.scope == "lstm.t3")
    }

    @Test func aTapeRecordedButNeverReplayedIsFreed() throws {
        weak var released: Tape?
        do {
            let tape = Tape()
            released = tape
            let x = tape.watch(Tensor([1]))
            _ = try tape.record { try withScope("layer") { try x * 2 } }
        }
        #expect(released == nil)
    }

    @Test func entriesKeepTheirOwnScopesWhenScopesAlternate() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1]))
        _ = try tape.record { () throws -> Tensor in
            var y = try x * 2
            for name in ["a", "b", "a", "a"] { y = try withScope(name) { try y * 2 } }
            return try withScope("b") { try withScope("c") { try y + 1 } }
        }
        #expect(tape.entries.map(\.scope) == ["", "a", "b", "a", "a", "b.c"])
    }

    @Test func detachedValuesGetNoGradient() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([2]))
        let y = try tape.record { try (x * x.detached()).sum() }
        try tape.backward(from: y)
        #expect(try tape.gradient(of: x)?.scalars == [2])
    }

    @Test func withoutRecordingProducesUntracedValues() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([2]))
        let y = try tape.record { try withoutRecording { try x * 3 } }
        #expect(!y.isRecorded && tape.count == 0)
    }

    @Test func aSeedGradientReplaysANonScalarOutput() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let y = try tape.record { try x * 3 }
        try tape.backward(from: y, seed: Tensor([1, 10]))
        #expect(try tape.gradient(of: x)?.scalars == [3, 30])
    }

    @Test func aNonScalarOutputWithoutSeedIsAnError() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let y = try tape.record { try x * 3 }
        #expect(throws: TensorError.self) { try tape.backward(from: y) }
    }

    @Test func recordingWorksAcrossAsyncSuspensions() async throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let y = try await tape.record { () async throws -> Tensor in
            await Task.yield()
            return try (x * x).sum()
        }
        try tape.backward(from: y)
        #expect(try tape.gradient(of: x)?.scalars == [2, 4])
    }

    // Elementwise rules compute in the incoming gradient's buffer when nothing else holds it; these pin down
    // that nothing anyone can still see is ever written.

    @Test func aSeedGradientIsNeverWrittenByTheReplay() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([0.5, -1, 2]))
        let y = try tape.record { try -((x * 3).tanh() * 2) }
        let seed = Tensor([1, 2, 3])
        try tape.backward(from: y, seed: seed)
        #expect(seed.scalars == [1, 2, 3])
        let expected = [Float](zip([0.5, -1, 2] as [Float], [1, 2, 3] as [Float]).map { x, g in
            let t = Foundation.tanh(3 * x)
            return -2 * g * (1 - t * t) * 3
        })
        let gradient = try #require(try tape.gradient(of: x))
        #expect(zip(gradient.scalars, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func gradientsAStepShowedKeepTheirValuesWhileTheReplayGoesOn() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([0.5, -1, 2]))
        let loss = try tape.record { try (x.tanh() * 3).sigmoid().sum() }
        let replay = try tape.replay(from: loss)
        var shown = [(step: ReplayStep, values: [[Float]])]()
        while let step = try replay.step() { shown.append((step, step.incoming.map(\.scalars) + step.sent.compactMap { $0?.scalars })) }
        #expect(shown.count == 4)
        for (step, values) in shown { #expect(step.incoming.map(\.scalars) + step.sent.compactMap { $0?.scalars } == values) }
    }

    @Test func aStepOfAThreeInputTwoOutputEntryShowsEveryGradientInOrder() throws {
        // The step keeps the first incoming and sent gradients apart from the rest: all must come back, in order.
        let op = CustomOperation(name: "spread") { inputs in
            [try inputs[0] + inputs[1], try inputs[1] + inputs[2]]
        } backward: { _, _, grads in
            [try grads[0] * 2, try grads[0] + grads[1], try grads[1] * 3]
        }
        let tape = Tape()
        let a = tape.watch(Tensor([1, 2])), b = tape.watch(Tensor([3, 4])), c = tape.watch(Tensor([5, 6]))
        let loss = try tape.record {
            let outputs = try op([a, b, c])
            return try (outputs[0] * 10 + outputs[1] * 100).sum()
        }
        let replay = try tape.replay(from: loss)
        var spread: ReplayStep?
        while let step = try replay.step() { if step.entry.op.rawValue == "spread" { spread = step } }
        let step = try #require(spread)
        #expect(step.incoming.map(\.scalars) == [[10, 10], [100, 100]])
        #expect(step.sent.map { $0?.scalars } == [[20, 20], [110, 110], [300, 300]])
    }

    @Test func aGradientSentToTwoInputsIsNotOverwrittenThroughEither() throws {
        // y = tanh(x) + x*x, the sum's gradient reaches both terms: each rule must leave the other's alone.
        let tape = Tape()
        let x = tape.watch(Tensor([0.3, -0.7]))
        let loss = try tape.record { try (x.tanh() + (x * x)).sum() }
        try tape.backward(from: loss)
        let gradient = try #require(try tape.gradient(of: x))
        let expected = [Float]([0.3, -0.7].map { v in 1 - Foundation.tanh(v) * Foundation.tanh(v) + 2 * v })
        #expect(zip(gradient.scalars, expected).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func aReplayAfterALongerOneSeesOnlyItsOwnGradients() throws {
        // Replays reuse one list of gradient slots; nothing of the first replay may reach the second.
        for _ in 0..<3 {
            let long = Tape()
            let x = long.watch(Tensor([0.5, -1, 2]))
            let longLoss = try long.record { () throws -> Tensor in
                var y = x
                for _ in 0..<50 { y = try y.tanh() * 1.5 }
                return try y.sum()
            }
            try long.backward(from: longLoss)
            #expect(try long.gradient(of: x) != nil)

            let short = Tape()
            let z = short.watch(Tensor([1, 2, 3]))
            let shortLoss = try short.record { try (z * 2).sum() }
            try short.backward(from: shortLoss)
            #expect(try short.gradient(of: z)?.scalars == [2, 2, 2])
        }
    }
}
