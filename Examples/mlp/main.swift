// A multi-layer perceptron classifying two interleaved spirals, a data set no straight line separates.
//
//     swift run mlp
import Autobw
import AutobwTrainer
import Foundation

// This example takes no arguments: it is the seed's example as it was, not a tool.
if CommandLine.arguments.count > 1 {
    FileHandle.standardError.write(Data("usage: mlp (no arguments; `autobw train --preset mlp` takes options)\n".utf8))
    exit(64)
}

let steps = 1500
var generator = SeededGenerator(seed: 3)

do {
    // The same data as `autobw train --preset mlp`.
    let table = LabeledTable.spirals(using: &generator)
    let points = try Tensor(shape: [table.rowCount, table.featureCount], scalars: table.features)
    let labels = table.labels.map { Int($0) }
    let model = Sequential([
        try Linear(2, 64, generator: &generator), Tanh(), try Linear(64, 64, generator: &generator), Tanh(),
        try Linear(64, 2, generator: &generator),
    ])
    let optimizer = Adam(model.namedParameters(), learningRate: 0.01)
    var first: Float = .nan, last: Float = .nan
    for step in 0..<steps {
        let tape = Tape()
        let loss = try tape.record { try model(points).softmaxCrossEntropy(targets: labels) }
        optimizer.zeroGrad()
        try tape.backward(from: loss)
        optimizer.step()
        last = try loss.item()
        if step == 0 { first = last }
        if step % 250 == 0 { print(String(format: "step %4d  loss %.4f", step, last)) }
    }
    let logits = try model(points).scalars
    let correct = labels.indices.filter { (logits[2 * $0 + 1] > logits[2 * $0] ? 1 : 0) == labels[$0] }.count
    print(String(format: "accuracy: %.1f%%", Float(correct) / Float(labels.count) * 100))
    print(String(format: "final loss: %.4f (start %.4f)", last, first))
} catch {
    FileHandle.standardError.write(Data("mlp: \(error)\n".utf8))
    exit(1)
}
