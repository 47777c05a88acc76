// A user's own model on autobw's public API: the `Module` documentation's example, trained on a toy task.
import Autobw
import AutobwTrainer

final class Head: Module {
    let proj: Linear
    init(generator: inout SeededGenerator) throws {
        proj = try Linear(128, 65, generator: &generator)
    }
    func callAsFunction(_ h: Tensor) throws -> Tensor { try scoped { try proj(h).logSoftmax() } }
}

/// Two layers with a gain of its own, used by an operator (`h * gain`): the kind of forward users write.
final class Regressor: Module {
    let hidden: Linear
    let output: Linear
    let gain = Parameter(Tensor([1.5]), name: "gain")
    init(generator: inout SeededGenerator) throws {
        hidden = try Linear(2, 16, generator: &generator)
        output = try Linear(16, 1, generator: &generator)
    }
    func callAsFunction(_ x: Tensor) throws -> Tensor { try scoped { try output(try hidden(x).tanh() * gain.value) } }
}

var generator = SeededGenerator(seed: 7)
do {
    let head = try Head(generator: &generator)
    let logProbabilities = try head(try Tensor.uniform([4, 128], low: -1, high: 1, using: &generator))
    guard logProbabilities.shape == [4, 65] else { fatalError("the documented Head gave \(logProbabilities.shape)") }

    let model = try Regressor(generator: &generator)
    let optimizer = Adam(model.namedParameters(), learningRate: 0.01)
    let x = try Tensor.uniform([64, 2], low: -1, high: 1, using: &generator)
    let y = try Tensor(shape: [64, 1], scalars: (0..<64).map { x.scalars[2 * $0] * x.scalars[2 * $0 + 1] })
    var first: Float = 0, last: Float = 0
    for step in 0..<300 {
        let tape = Tape()
        let loss = try tape.record { try model(x).meanSquaredError(y) }
        optimizer.zeroGrad()
        try tape.backward(from: loss)
        try GradientClipping.clipGlobalNorm(of: model.parameters, to: 10)
        optimizer.step()
        if step == 0 { first = try loss.item() }
        last = try loss.item()
    }
    print("consumer: loss \(first) -> \(last)")
    guard last < first / 4 else { fatalError("the loss did not fall") }
    let table = LabeledTable(featureNames: ["a"], features: [1, 2], labels: [0, 1], task: .classification(classes: 2))
    print("consumer: \(table.summary)")
} catch {
    print("consumer: \(error)")
    fatalError("a public API threw")
}
