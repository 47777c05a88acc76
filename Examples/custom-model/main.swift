// A model no preset has, on autobw's public API alone: a GRU that tells noisy sine, square and sawtooth waves
// apart from their samples. It trains in the terminal UI (press s to step through a step's backward pass; every
// entry names a line of this file), or headless with metrics as JSON Lines on standard output.
//
//     swift run custom-model [--headless] [--dump-tape FILE]
import Autobw
import AutobwTUI
import AutobwTrainer
import Foundation

/// A GRU reads a wave sample by sample; a linear head classifies its last state.
final class WaveClassifier: Module, @unchecked Sendable {
    let cell: GRUCell
    let head: Linear

    init(hidden: Int, generator: inout SeededGenerator) throws {
        cell = try GRUCell(inputSize: 1, hiddenSize: hidden, generator: &generator)
        head = try Linear(hidden, 3, generator: &generator)
    }

    func callAsFunction(_ samples: [Tensor], file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try scoped(file: file, line: line) {
            var h = try cell.zeroState(batchSize: samples[0].shape[0])
            for x in samples { h = try cell(x, h) }
            return try head(h)
        }
    }
}

/// Batches of noisy waves: step `n`'s are drawn from a generator seeded by `n`, so `loss(step:)` repeats.
final class Waves: TrainingProblem {
    static let length = 24, batch = 32
    let classifier: WaveClassifier
    var model: Module { classifier }
    var samplesPerStep: Int { Self.batch }

    init() throws {
        var generator = SeededGenerator(seed: 7)
        classifier = try WaveClassifier(hidden: 16, generator: &generator)
    }

    /// `count` waves of random phase and frequency, labelled 0 sine, 1 square, 2 sawtooth, with noise added.
    static func waves(count: Int, seed: UInt64) throws -> (samples: [Tensor], labels: [Int]) {
        var generator = SeededGenerator(seed: seed)
        let labels = (0..<count).map { _ in Int(generator.next() % 3) }
        let rows = labels.map { label -> [Float] in
            let phase = generator.nextUnit(), cycles = 1 + 2 * generator.nextUnit()
            return (0..<length).map { t in
                let x = (phase + cycles * Float(t) / Float(length)).truncatingRemainder(dividingBy: 1)
                let clean = label == 0 ? Float(sin(2 * Double.pi * Double(x))) : label == 1 ? (x < 0.5 ? 1 : -1) : 2 * x - 1
                return clean + 0.3 * generator.nextNormal()
            }
        }
        return (try (0..<length).map { t in try Tensor(shape: [count, 1], scalars: rows.map { $0[t] }) }, labels)
    }

    func loss(step: Int) throws -> Tensor {
        let (samples, labels) = try Self.waves(count: Self.batch, seed: 1000 + UInt64(step))
        return try classifier(samples).softmaxCrossEntropy(targets: labels)
    }

    /// The loss and accuracy on 300 waves that no step trains on.
    func evaluate() throws -> Evaluation? {
        let (samples, labels) = try Self.waves(count: 300, seed: 1)
        let logits = try classifier(samples)
        let right = zip(try logits.argmax(axis: 1).scalars, labels).filter { Int($0) == $1 }.count
        return Evaluation(loss: try logits.softmaxCrossEntropy(targets: labels).item(), accuracy: Float(right) / 300)
    }
}

// `--headless` trains without the UI; `--dump-tape FILE` writes the last step's tape (for `autobw replay`).
var arguments = Array(CommandLine.arguments.dropFirst())
let headless = arguments.first == "--headless"
if headless { arguments.removeFirst() }
let dumpPath = arguments.count == 2 && arguments[0] == "--dump-tape" ? arguments[1] : nil
guard arguments.isEmpty || dumpPath != nil else {
    FileHandle.standardError.write(Data("usage: custom-model [--headless] [--dump-tape FILE]\n".utf8))
    exit(64)
}
do {
    let problem = try Waves()
    let optimizer = Adam(problem.model.namedParameters(), learningRate: 0.01)
    let session = try TrainingSession(problem: problem, optimizer: optimizer, clipping: .globalNorm(5), name: "waves")
    var options = TrainingDriver.Options(steps: 600)
    options.evalEvery = 100
    options.dumpPath = dumpPath
    options.metricsToStandardOutput = headless
    exit(headless
        ? try TrainingDriver(session: session, options: options).runHeadless()
        : TerminalUI.train(session, options: TrainingRun.Options(recording: options)))
} catch {
    FileHandle.standardError.write(Data("custom-model: \(error)\n".utf8))
    exit(1)
}
