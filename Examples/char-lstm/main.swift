// The seed's LSTM language model (char-rnn), with the hand-written backward pass replaced by the tape.
//
//     swift run -c release char-lstm [TEXT_FILE] [--steps N] [--seed S]
//
// char-rnn's defaults: 2 layers of 128, sequences of 50, batches of 50, RMSProp lr 2e-3 (alpha 0.95),
// gradients clamped at 5. Without a file it trains on the project's embedded corpus.
import ArgumentParser
import Autobw
import AutobwAssets
import AutobwTrainer
import Foundation

/// Prints a line unbuffered, so progress appears as it happens even through a pipe.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("char-lstm: \(message)\n".utf8))
    exit(2)
}

/// The example's few arguments, parsed by the same parser as the `autobw` command.
struct Arguments: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "char-lstm")

    @Argument(help: "A UTF-8 text file to train on (default: the embedded corpus).")
    var path: String?

    @Option(help: "Steps to train.")
    var steps = 1000

    @Option(help: "Seed for initialisation and sampling.")
    var seed: UInt64 = 42

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
    }
}

let arguments = Arguments.parseOrExit()
let (path, steps, seed) = (arguments.path, arguments.steps, arguments.seed)

do {
    BLAS.threadCount = 1
    let corpus = try path.map(CharCorpus.load) ?? CharCorpus.tinyShakespeare()
    let batches = try corpus.batches(batchSize: 50, sequenceLength: 50)
    var generator = SeededGenerator(seed: seed)
    let model = try CharLSTM(vocabularySize: corpus.vocabulary.count, generator: &generator)
    let optimizer = RMSProp(model.namedParameters(), learningRate: 2e-3, alpha: 0.95)
    say("\(corpus.ids.count) characters, \(corpus.vocabulary.count) distinct, \(batches.batchesPerEpoch) batches per epoch")

    var state: [LSTMState]? = nil
    var first: Float = .nan, last: Float = .nan
    let started = Date()
    for step in 0..<steps {
        let batch = batches.batch(step)
        if step % batches.batchesPerEpoch == 0 { state = nil }      // streams restart at each epoch
        let tape = Tape()
        let (loss, final) = try tape.record { try model.loss(batch, state: state) }
        state = final.map { $0.detached() }
        optimizer.zeroGrad()
        try tape.backward(from: loss)
        GradientClipping.clampElements(of: model.namedParameters(), to: 5)
        optimizer.step()
        last = try loss.item()
        guard last.isFinite else { fail("the loss diverged at step \(step)") }
        if step == 0 { first = last }
        if step % 50 == 0 || step == steps - 1 {
            let perStep = Date().timeIntervalSince(started) / Double(step + 1) * 1000
            say(String(format: "step %5d  loss %.4f  %.1f ms/step", step, last, perStep))
        }
    }
    let sample = try model.sample(count: 300, prime: [Int(corpus.ids[0])], generator: &generator)
    say("--- sample ---\n\(corpus.decode(sample))\n---")
    say(String(format: "final loss: %.4f (start %.4f)", last, first))
} catch {
    fail("\(error)")
}
