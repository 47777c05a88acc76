// A user's own model on autobw's public API: the `Module` documentation's example, trained on a toy task by
// hand, then as a `TrainingProblem` through the trainer's driver (the UI's one call is refused without a terminal).
import Autobw
import AutobwTUI
import AutobwTrainer
import Foundation

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

/// The regressor's task as the trainer takes it: each step's batch from a generator seeded by the step.
final class Product: TrainingProblem {
    let regressor: Regressor
    var model: Module { regressor }
    var samplesPerStep: Int { 64 }
    init(_ regressor: Regressor) { self.regressor = regressor }
    func loss(step: Int) throws -> Tensor {
        var generator = SeededGenerator(seed: UInt64(step))
        let x = try Tensor.uniform([64, 2], low: -1, high: 1, using: &generator)
        let y = try Tensor(shape: [64, 1], scalars: (0..<64).map { x.scalars[2 * $0] * x.scalars[2 * $0 + 1] })
        return try regressor(x).meanSquaredError(y)
    }
}

var generator = SeededGenerator(seed: 7)
// `Consumer --ui`: its own model in autobw's terminal UI (Tests/EndToEnd/tui.sh steps into it in tmux).
if CommandLine.arguments.dropFirst().first == "--ui" {
    do {
        let problem = Product(try Regressor(generator: &generator))
        let session = try TrainingSession(
            problem: problem, optimizer: Adam(problem.model.namedParameters(), learningRate: 0.01), clipping: .globalNorm(10),
            name: "product")
        exit(TerminalUI.train(session, options: TrainingRun.Options(steps: 1_000_000)))
    } catch {
        fatalError("consumer: \(error)")
    }
}
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
        try GradientClipping.clipGlobalNorm(of: model.namedParameters(), to: 10)
        optimizer.step()
        if step == 0 { first = try loss.item() }
        last = try loss.item()
    }
    print("consumer: loss \(first) -> \(last)")
    guard last < first / 4 else { fatalError("the loss did not fall") }
    let problem = Product(try Regressor(generator: &generator))
    let session = try TrainingSession(
        problem: problem, optimizer: Adam(problem.model.namedParameters(), learningRate: 0.01), clipping: .globalNorm(10),
        name: "product")
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("consumer-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var options = TrainingDriver.Options(steps: 300)
    options.metricsPath = folder + "/metrics.jsonl"
    options.checkpointPath = folder + "/product.safetensors"
    options.dumpPath = folder + "/tape.json"
    options.showsProgress = false
    guard try TrainingDriver(session: session, options: options).runHeadless() == 0 else { fatalError("the driver failed") }
    let lines = try String(contentsOfFile: folder + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
    let dump = try TapeDump.read(folder + "/tape.json")
    print("consumer: the driver logged \(lines.count - 1) steps and dumped step \(dump.step) of \(dump.entries.count) entries")
    guard lines.count == 301, dump.step == 299 else { fatalError("the driver's record is incomplete") }
    let again = Product(try Regressor(generator: &generator))
    let resumed = try TrainingSession(
        problem: again, optimizer: Adam(again.model.namedParameters(), learningRate: 0.01), name: "product")
    try resumed.resume(from: folder + "/product.safetensors")
    guard resumed.nextStep == 300 else { fatalError("the checkpoint resumed at step \(resumed.nextStep)") }
    if isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0 {
        var ui = TrainingRun.Options(steps: 10)
        ui.startsStepping = true
        guard TerminalUI.train(session, options: ui) == 64 else { fatalError("the UI started without a terminal") }
    }
    // A loop of its own, logging what `autobw watch` shows: the folder is the first argument, if any.
    let logs = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : folder
    // README's run-log example as it stands (the file's path aside).
    let log = try RunLog(path: logs + "/own-loop.jsonl", name: "my-model", steps: 50)
    for step in 0..<50 {
        let tape = Tape()
        let loss = try tape.record { try model(x).meanSquaredError(y) }
        optimizer.zeroGrad()
        try log.backward(step: step, tape: tape, loss: loss, model: model, scalars: ["lr": 0.01], logsTape: step % 10 == 0)
        optimizer.step()
    }
    print("consumer: logged 50 steps of its own loop in \(logs)/own-loop.jsonl")
    let table = LabeledTable(featureNames: ["a"], features: [1, 2], labels: [0, 1], task: .classification(classes: 2))
    print("consumer: \(table.summary)")
} catch {
    print("consumer: \(error)")
    fatalError("a public API threw")
}
