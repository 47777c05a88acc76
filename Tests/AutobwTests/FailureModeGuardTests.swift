import Testing
@testable import Autobw

/// The original autobw's five failure modes (docs/ARCHITECTURE.md section 3), each answered with the right gradient or a
/// clear error.
@Suite struct FailureModeGuardTests {
    // 1. Aliasing

    @Test func anIdentityOpReturningItsInputDoesNotDoubleCount() throws {
        let identity = CustomOperation(name: "identity") { inputs in [inputs[0]] } backward: { _, _, grads in [grads[0]] }
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let loss = try tape.record { try (identity([x])[0] + x).sum() }
        try tape.backward(from: loss)
        #expect(try tape.gradient(of: x)?.scalars == [2, 2])
    }

    @Test func anOutputListHoldingOneTensorTwiceGivesEachItsOwnGradient() throws {
        let twice = CustomOperation(name: "twice") { inputs in [inputs[0], inputs[0]] } backward: { _, _, grads in
            [try grads[0] + grads[1]]
        }
        let tape = Tape()
        let x = tape.watch(Tensor([1]))
        let loss = try tape.record { () throws -> Tensor in
            let pair = try twice([x])
            return try (pair[0] * 2 + pair[1] * 3).sum()
        }
        try tape.backward(from: loss)
        #expect(try tape.gradient(of: x)?.scalars == [5])
    }

    @Test func aReshapeSharingStorageKeepsSeparateGradients() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2, 3, 4]))
        let loss = try tape.record { try (x.reshaped([2, 2]).reshaped([4]) * 2 + x).sum() }
        try tape.backward(from: loss)
        #expect(try tape.gradient(of: x)?.scalars == [3, 3, 3, 3])
    }

    // 2. Overwritten saved values

    @Test func aParameterUpdatedBeforeBackwardIsReportedNamingTheOp() throws {
        let w = Parameter(Tensor([3]))
        let tape = Tape()
        let x = tape.watch(Tensor([2]))
        let loss = try tape.record { try withScope("head") { try (x * w.value).sum() } }
        w.update { $0[0] = 5 }
        #expect(throws: TensorError.savedValueModified(op: "mul", scope: "head")) { try tape.backward(from: loss) }
        #expect(TensorError.savedValueModified(op: "mul", scope: "head").description.contains("mul"))
    }

    /// An LSTM layer that forms its input products itself saves its input weight like any op saves its operands.
    @Test func anLSTMInputWeightUpdatedBeforeBackwardIsReported() throws {
        var generator = SeededGenerator(seed: 3)
        let lstm = try LSTM(inputSize: 3, hiddenSize: 2, layerCount: 2, generator: &generator)
        let tape = Tape()
        let loss = try tape.record { try lstm(tokens: [[0, 2], [1, 1]]).hiddens.sum() }
        lstm.layers[1].wx.update { $0[0] += 1 }
        #expect(throws: TensorError.savedValueModified(op: "lstm_layer", scope: "lstm.l2")) { try tape.backward(from: loss) }
    }

    @Test func overwritingAConstantAfterUseDoesNotChangeTheGradient() throws {
        // The seed's RNN example overwrote a buffer it had fed in; here the tape keeps the value it saw.
        var buffer = Tensor([4])
        let tape = Tape()
        let x = tape.watch(Tensor([1]))
        let loss = try tape.record { try (x * buffer).sum() }
        try buffer.withUnsafeMutableBufferPointer { $0[0] = 100 }
        try tape.backward(from: loss)
        #expect(try tape.gradient(of: x)?.scalars == [4])
    }

    // 3. Silent cuts

    @Test func usingLastStepsValueInANewRecordingIsAnError() throws {
        let first = Tape()
        let x = first.watch(Tensor([1]))
        let hidden = try first.record { try x.tanh() }
        let second = Tape()
        let w = Parameter(Tensor([2]))
        #expect(throws: TensorError.valueFromInactiveTape(op: "mul")) {
            try second.record { try hidden * w.value }
        }
        // Detached, it is an ordinary constant.
        let ok = try second.record { try hidden.detached() * w.value }
        #expect(ok.isRecorded)
    }

    @Test func aOneInputOpOnLastStepsValueIsAnErrorToo() throws {
        // One-input ops record through their own path; it guards the same way.
        let first = Tape()
        let x = first.watch(Tensor([1]))
        let hidden = try first.record { try x.tanh() }
        let second = Tape()
        #expect(throws: TensorError.valueFromInactiveTape(op: "tanh")) { try second.record { try hidden.tanh() } }
        #expect(throws: TensorError.valueFromInactiveTape(op: "mul_scalar")) { try second.record { try hidden * 2 } }
    }

    @Test func backwardFromAValueTheTapeDidNotRecordIsAnError() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1]))
        let inside = try tape.record { try x * 2 }
        let outside = try (inside * 3).sum()
        #expect(throws: TensorError.self) { try tape.backward(from: outside) }
    }

    @Test func writingInPlaceIntoARecordedValueIsAnError() throws {
        let tape = Tape()
        var y = try tape.record { try tape.watch(Tensor([1])) * 2 }
        #expect(throws: TensorError.mutatingRecordedValue) { try y.withUnsafeMutableBufferPointer { $0[0] = 0 } }
    }

    // 4. Backward twice

    @Test func aSecondBackwardIsAnError() throws {
        let w = Parameter(Tensor([1]))
        let tape = Tape()
        let loss = try tape.record { try (w.value * 2).sum() }
        try tape.backward(from: loss)
        #expect(throws: TensorError.tapeAlreadyReplayed) { try tape.backward(from: loss) }
        #expect(w.grad?.scalars == [2])
    }

    @Test func aKeptTapeReplaysAgainAndAccumulates() throws {
        let w = Parameter(Tensor([1]))
        let tape = Tape()
        let loss = try tape.record { try (w.value * 2).sum() }
        try tape.backward(from: loss, keepTape: true)
        try tape.backward(from: loss)
        #expect(w.grad?.scalars == [4])
    }

    // 5. Global state: nesting, errors, concurrency

    @Test func nestedTapesEachRecordTheirOwnGraph() throws {
        let outer = Tape(), inner = Tape()
        let x = outer.watch(Tensor([2]))
        var z = Tensor([0])
        let y = try outer.record { () throws -> Tensor in
            let a = try x * 3
            let b = try inner.record { () throws -> Tensor in
                z = inner.watch(Tensor([5]))
                return try a * z       // a is outer's, z is inner's: both tapes record this product
            }
            try inner.backward(from: inner.record { try b.sum() })
            return try b.sum()
        }
        #expect(try inner.gradient(of: z)?.scalars == [6])
        try outer.backward(from: y)
        #expect(try outer.gradient(of: x)?.scalars == [15])
    }

    struct Boom: Error {}

    @Test func anErrorInsideRecordEndsRecordingCleanly() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1]))
        #expect(throws: Boom.self) {
            try tape.record { () throws -> Void in
                _ = try x * 2
                throw Boom()
            }
        }
        _ = try x * 5      // after the error nothing records
        #expect(tape.count == 1)
        let y = try tape.record { try (x * 3).sum() }
        try tape.backward(from: y)
        #expect(try tape.gradient(of: x)?.scalars == [3])
    }

    @Test func concurrentTapesStayIndependent() async throws {
        let results = try await withThrowingTaskGroup(of: (Float, [Float]).self) { group in
            for k in 1...8 {
                group.addTask {
                    let tape = Tape()
                    let x = tape.watch(Tensor([Float(k), 1]))
                    let y = try tape.record { () throws -> Tensor in
                        var h = x
                        for _ in 0..<50 { h = try h * 1.0 + 0.0 }
                        return try (h * h).sum()
                    }
                    try tape.backward(from: y)
                    return (Float(k), try tape.gradient(of: x)?.scalars ?? [])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 8)
        for (k, gradient) in results { #expect(gradient == [2 * k, 2]) }
    }
}
