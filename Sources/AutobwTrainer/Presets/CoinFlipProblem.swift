import Autobw

/// The seed's coin-flip graph, `linear(x1) + gain * gate`, with `gate = sigmoid(x3)` on tails and `x3` on heads,
/// trained toward a fixed target while every step flips its own coin.
///
/// `gain` (the seed's `x2`) and `x3` are parameters, so both branches reach the tape: heads records
/// `matmul, add, mul, add, mean_squared_error`, tails the same after a first `sigmoid`, and stepping through
/// two steps shows the host's `if` as two different tapes.
final class CoinFlipProblem: TrainingProblem {
    let graph: CoinFlipGraph
    var model: Module { graph }
    let x1: Tensor, target: Tensor
    let seed: UInt64
    var samplesPerStep: Int { 1 }

    init(_ configuration: TrainingConfiguration) throws {
        var generator = SeededGenerator(seed: configuration.seed)
        graph = try CoinFlipGraph(generator: &generator)
        x1 = try Tensor.uniform([1, 4], low: -1, high: 1, using: &generator)
        target = try Tensor.uniform([1, 3], low: -1, high: 1, using: &generator)
        seed = configuration.seed
    }

    /// Whether step `step`'s coin lands heads: a function of the seed and the step alone, so a step recorded
    /// again (to locate a divergence, or reopened later) takes the branch it took the first time.
    func heads(step: Int) -> Bool {
        var coin = SeededGenerator(seed: seed ^ UInt64(truncatingIfNeeded: step &* 7919 &+ 1))
        return coin.nextUnit() < 0.5
    }

    func loss(step: Int) throws -> Tensor {
        try graph(x1, heads: heads(step: step)).meanSquaredError(target)
    }
}

/// The coin-flip graph's parameters: the linear layer, the seed's `x2` (`gain`) and `x3`.
final class CoinFlipGraph: Module, @unchecked Sendable {
    let linear: Linear
    let gain: Parameter
    let x3: Parameter

    init(generator: inout SeededGenerator) throws {
        linear = try Linear(4, 3, generator: &generator)
        gain = Parameter(try Tensor.uniform([1, 3], low: -1, high: 1, using: &generator))
        x3 = Parameter(try Tensor.uniform([1, 3], low: -1, high: 1, using: &generator))
    }

    /// `linear(x1) + gain * (heads ? x3 : sigmoid(x3))`.
    func callAsFunction(_ x1: Tensor, heads: Bool, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try scoped(file: file, line: line) {
            let gate = heads ? x3.value : try x3.value.sigmoid()
            return try linear(x1) + gain.value * gate
        }
    }
}
