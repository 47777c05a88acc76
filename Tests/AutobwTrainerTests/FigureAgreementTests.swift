import Autobw
import Testing
@testable import AutobwTrainer

/// One figure, one source: for random small models and steps, what the live debugger shows, what a headless
/// step's metrics record, what the step's dump holds and what `autobw replay` of that dump shows agree.
@Suite struct FigureAgreementTests {
    /// A small random configuration of `preset`, and how many steps to train before the one compared.
    static func randomCase(_ preset: Preset, _ generator: inout SeededGenerator) -> (TrainingConfiguration, steps: Int) {
        var configuration = TrainingConfiguration()
        configuration.preset = preset
        configuration.seed = generator.next() % 1000
        if configuration.preset == .charLSTM {
            configuration.hiddenSize = 4 + Int(generator.next() % 8)
            configuration.batchSize = 2 + Int(generator.next() % 4)
            configuration.sequenceLength = 3 + Int(generator.next() % 6)
        }
        return (configuration, Int(generator.next() % 6))
    }

    static func close(_ a: Float, _ b: Float) -> Bool {
        a == b || abs(a - b) <= 1e-5 * max(abs(a), abs(b)) || (a.isNaN && b.isNaN)
    }

    /// Two random cases of each preset.
    @Test(arguments: 0..<8)
    func theLiveDebuggerTheMetricsTheDumpAndItsReplayAgree(_ seed: UInt64) throws {
        var generator = SeededGenerator(seed: 100 + seed)
        let presets: [Preset] = [.coinFlip, .rnnSine, .mlp, .charLSTM]
        let (configuration, steps) = Self.randomCase(presets[Int(seed) % presets.count], &generator)
        let live = try TrainingSession(configuration), headless = try TrainingSession(configuration)
        let dumped = try TrainingSession(configuration)
        for _ in 0..<steps {
            for session in [live, headless, dumped] { _ = try session.step() }
        }

        // The live debugger, stepped to the end as the UI steps it.
        let open = try live.beginStep()
        var shown = [ReplayedEntry]()
        while let step = try open.next() { shown.append(ReplayedEntry(step)) }
        let liveMetrics = try live.finish(open)
        let metrics = try headless.step()
        let (_, dump) = try dumped.stepDumping()
        let replay = DumpReplay(dump, path: "dump.json")
        for _ in shown { replay.send(.next) }
        let replayed = try #require(replay.snapshot().debugger?.replayed)
        let label = "\(configuration.preset) seed \(configuration.seed) after \(steps) steps"

        // Each parameter's final accumulated gradient in the debugger is the norm the metrics record.
        var accumulated = [String: Float]()
        for entry in shown { for parameter in entry.parameters { accumulated[parameter.name] = parameter.statistics.norm } }
        for parameter in metrics.parameterGradientNorms where accumulated[parameter.name] != nil {
            #expect(Self.close(accumulated[parameter.name] ?? .nan, parameter.norm), "\(label): \(parameter.name)")
        }
        #expect(accumulated.count == metrics.parameterGradientNorms.filter { $0.norm > 0 }.count, "\(label)")
        // The global norm is the root sum of squares of the parameters' norms.
        let global = metrics.parameterGradientNorms.reduce(0.0) { $0 + Double($1.norm) * Double($1.norm) }.squareRoot()
        #expect(Self.close(metrics.gradientNorm, Float(global)), "\(label)")
        // Each entry's incoming gradient norm: debugger, metrics, and the stepped live step's own metrics.
        #expect(shown.map(\.entry.index) == metrics.entries.map(\.entryIndex), "\(label)")
        for (view, report) in zip(shown, metrics.entries) {
            #expect(Self.close(view.incoming.first?.norm ?? .nan, report.incoming.first?.norm ?? .nan), "\(label) #\(report.entryIndex)")
        }
        #expect(liveMetrics.loss == metrics.loss && liveMetrics.parameterGradientNorms == metrics.parameterGradientNorms, "\(label)")
        // The dump and its replay show exactly the live debugger's figures.
        #expect(dump.loss == metrics.loss && dump.step == metrics.step, "\(label)")
        #expect(replayed.map(\.incoming) == shown.map(\.incoming), "\(label)")
        #expect(replayed.map(\.sent) == shown.map(\.sent), "\(label)")
        #expect(replayed.map(\.parameters) == shown.map(\.parameters), "\(label)")
    }
}
