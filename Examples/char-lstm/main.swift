// The seed's LSTM language model (char-rnn), with the hand-written backward pass replaced by the tape.
//
//     swift run -c release char-lstm [TEXT_FILE] [--steps N] [--seed S]
//
// char-rnn's defaults: 2 layers of 128, sequences of 50, batches of 50, RMSProp lr 2e-3 (alpha 0.95),
// gradients clamped at 5. Without a file it trains on the project's embedded corpus.
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

var path: String?
var steps = 1000
var seed: UInt64 = 42
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--steps":
        guard let value = arguments.popFirst().flatMap({ Int($0) }), value > 0 else { fail("--steps needs a positive integer") }
        steps = value
    case "--seed":
        guard let value = arguments.popFirst().flatMap({ UInt64($0) }) else { fail("--seed needs a non-negative integer") }
        seed = value
    case let flag where flag.hasPrefix("--"): fail("unknown option \(flag)")
    default: path = argument
    }
}

do {
    BLAS.threadCount = 1
    let corpus = try path.map(CharCorpus.load) ?? CharCorpus(text: EmbeddedCorpus.text)
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
        GradientClipping.clampElements(of: model.parameters, to: 5)
        optimizer.step()
        last = try loss.item()
        guard last.isFinite else { fail("the loss diverged at step \(step)") }
        if step == 0 { first = last }
        if step % 50 == 0 || step == steps - 1 {
            let perStep = Date().timeIntervalSince(started) / Double(step + 1) * 1000
            say(String(format: "step %5d  loss %.4f  %.1f ms/step", step, last, perStep))
        }
    }
    let sample = try model.sample(count: 300, prime: [corpus.ids[0]], generator: &generator)
    say("--- sample ---\n\(corpus.decode(sample))\n---")
    say(String(format: "final loss: %.4f (start %.4f)", last, first))
} catch {
    fail("\(error)")
}
