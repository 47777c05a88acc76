// The seed's RNN on toy data: a vanilla RNN reads windows of 5 points of a sine wave and predicts the next.
// 25 hidden units, batches of 15, mean squared error, plain SGD.
//
//     swift run rnn-sine
import Autobw
import Foundation

// This example takes no arguments: it is the seed's example as it was, not a tool.
if CommandLine.arguments.count > 1 {
    FileHandle.standardError.write(Data("usage: rnn-sine (no arguments; `autobw train --preset rnn-sine` takes options)\n".utf8))
    exit(64)
}

let steps = 1500
var generator = SeededGenerator(seed: 1)

/// A batch of 15 windows starting at random phases: 5 inputs `[15, 1]` per timestep and the next value.
func batch(_ generator: inout SeededGenerator) throws -> (inputs: [Tensor], target: Tensor) {
    let starts = (0..<15).map { _ in generator.nextUnit() * 2 * Float.pi }
    let point = { (start: Float, k: Int) in Foundation.sin(start + 0.3 * Float(k)) }
    let inputs = try (0..<5).map { k in try Tensor(shape: [15, 1], scalars: starts.map { point($0, k) }) }
    return (inputs, try Tensor(shape: [15, 1], scalars: starts.map { point($0, 5) }))
}

do {
    let cell = try RNNCell(inputSize: 1, hiddenSize: 25, generator: &generator)
    let readout = try Linear(25, 1, initializer: .xavierUniform, generator: &generator)
    let optimizer = SGD(cell.namedParameters() + readout.namedParameters(), learningRate: 0.05, momentum: 0.9)
    var first: Float = .nan, recent = [Float]()
    for step in 0..<steps {
        let (inputs, target) = try batch(&generator)
        let tape = Tape()
        let loss = try tape.record {
            let h = try inputs.reduce(cell.zeroState(batchSize: 15)) { try cell($1, $0) }
            return try readout(h).meanSquaredError(target)
        }
        optimizer.zeroGrad()
        try tape.backward(from: loss)
        optimizer.step()
        let value = try loss.item()
        if step == 0 { first = value }
        recent = Array((recent + [value]).suffix(50))
        if step % 250 == 0 { print(String(format: "step %4d  loss %.3e", step, value)) }
    }
    // The average of the last 50 batches, so one lucky batch does not decide the result.
    let final = recent.reduce(0, +) / Float(max(recent.count, 1))
    print(String(format: "final loss: %.3e (start %.3e)", final, first))
} catch {
    FileHandle.standardError.write(Data("rnn-sine: \(error)\n".utf8))
    exit(1)
}
