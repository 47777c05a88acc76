import AutobwTestSupport
import Autobw
import Foundation
import Testing
@testable import AutobwTrainer

/// A run log written by a loop of the user's own, read back as `autobw watch` reads it.
@Suite struct RunLogTests {
    /// Two layers and a gain, trained by hand for `steps` steps with `RunLog.backward` in place of `backward`.
    final class Model: Module, @unchecked Sendable {
        let first: Linear, second: Linear
        let gain = Parameter(Tensor([1.5]))
        init(generator: inout SeededGenerator) throws {
            first = try Linear(2, 8, generator: &generator)
            second = try Linear(8, 1, generator: &generator)
        }
        func callAsFunction(_ x: Tensor) throws -> Tensor { try scoped { try second(try first(x).tanh() * gain.value) } }
    }

    /// The log's last step is not applied, so the model's gradients are that step's.
    static func writeLog(steps: Int, to path: String) throws -> Model {
        var generator = SeededGenerator(seed: 5)
        let model = try Model(generator: &generator)
        let optimizer = SGD(model.namedParameters(), learningRate: 0.1)
        let log = try RunLog(path: path, name: "own-loop", steps: steps)
        for step in 0..<steps {
            var data = SeededGenerator(seed: UInt64(step))
            let x = try Tensor.uniform([16, 2], low: -1, high: 1, using: &data)
            let y = try Tensor(shape: [16, 1], scalars: (0..<16).map { x.scalars[2 * $0] * x.scalars[2 * $0 + 1] })
            let tape = Tape()
            let loss = try tape.record { try model(x).meanSquaredError(y) }
            optimizer.zeroGrad()
            try log.backward(step: step, tape: tape, loss: loss, model: model, scalars: ["lr": 0.1], logsTape: step % 5 == 0)
            if step < steps - 1 { optimizer.step() }
        }
        return model
    }

    static func stepZero(_ model: Model) throws -> (Tape, Tensor) {
        var data = SeededGenerator(seed: 0)
        let x = try Tensor.uniform([16, 2], low: -1, high: 1, using: &data)
        let y = try Tensor(shape: [16, 1], scalars: (0..<16).map { x.scalars[2 * $0] * x.scalars[2 * $0 + 1] })
        let tape = Tape()
        return (tape, try tape.record { try model(x).meanSquaredError(y) })
    }

    @Test func watchShowsTheLossEveryScalarTheGradientNormsAndTheTapeOfAUsersOwnLoop() throws {
        let path = temporaryPath("runlog", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = try Self.writeLog(steps: 11, to: path)
        let snapshot = try MetricsFollower(path: path).snapshot()
        #expect(snapshot.preset == "own-loop" && snapshot.losses.count == 11 && snapshot.state == .finished)
        #expect(snapshot.series["lr"] == Array(repeating: 0.1, count: 11))
        // The parameters in model order, with the norms the replay accumulated.
        let names = try #require(snapshot.latest?.parameterGradientNorms.map(\.name))
        #expect(names == model.namedParameters().map(\.name))
        let expected = model.namedParameters().map { GradientSummary(of: $0.parameter.grad ?? Tensor([0])).norm }
        for (shown, norm) in zip(snapshot.latest?.parameterGradientNorms.map(\.norm) ?? [], expected) {
            #expect(abs(shown - norm) <= 1e-5 * max(1, norm))
        }
        #expect(snapshot.entryNorms.steps.count == 11 && snapshot.entryNorms.steps.last?.norms.count == snapshot.tape.count)
        #expect(snapshot.tape.map(\.op).contains(.tanh))
    }

    @Test func theDebuggerOnALoggedTapeShowsWhatALiveReplayShows() throws {
        let path = temporaryPath("runlog", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // One step, not applied: the model is as it was when step 0 was logged, so its replay is the logged one.
        let model = try Self.writeLog(steps: 1, to: path)
        for (_, parameter) in model.namedParameters() { parameter.zeroGrad() }
        let (tape, loss) = try Self.stepZero(model)
        let live = try tape.replay(from: loss)
        var shown = [ReplayedEntry]()
        while let step = try live.step() { shown.append(ReplayedEntry(step)) }

        let follower = try MetricsFollower(path: path)
        #expect(follower.snapshot().debugger == nil)
        follower.send(.stepMode)
        for _ in shown { follower.send(.next) }
        let debugger = try #require(follower.snapshot().debugger)
        #expect(follower.snapshot().state == .stepping)
        #expect(debugger.replayed.map(\.incoming) == shown.map(\.incoming))
        #expect(debugger.replayed.map(\.parameters) == shown.map(\.parameters))
        follower.send(.resume)
        #expect(follower.snapshot().debugger == nil)
    }

    @Test func nonFiniteScalarsAreWrittenAsStringsAndReadBack() throws {
        let path = temporaryPath("runlog", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let log = try RunLog(path: path, name: "odd")
        try log.log(step: 0, scalars: ["loss": 1, "ratio": .nan])
        try log.log(step: 1, scalars: ["loss": .infinity, "ratio": 2])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"ratio\":\"nan\"") && text.contains("\"loss\":\"inf\""))
        let snapshot = try MetricsFollower(path: path).snapshot()
        #expect(snapshot.losses == [1, .infinity] && snapshot.series["ratio"]?.last == 2)
    }

    @Test func parameterNamesKeepTheOrderTheLineWroteThemInEvenWithEscapes() {
        let line = Data(#"{"step":0,"grad_norms":{"z.w":1,"a \"q\" b":"nan","m":2},"loss":1}"#.utf8)
        #expect(MetricsFollower.keysInOrder(ofObject: "grad_norms", in: line) == ["z.w", "a \"q\" b", "m"])
        #expect(MetricsFollower.keysInOrder(ofObject: "grad_norms", in: Data("{\"step\":1}".utf8)).isEmpty)
    }
}
