import Autobw

/// The seed's coin-flip graph: `linear(x1) + x2 * gate`, the gate `sigmoid(x3)` on tails and `x3` on heads,
/// trained toward a fixed target while every step flips its own coin: a tape of a few entries.
final class CoinFlipProblem: TrainingProblem {
    let linear: Linear
    var model: Module { linear }
    let x1: Tensor, x2: Tensor, x3: Tensor, target: Tensor
    let seed: UInt64
    var samplesPerStep: Int { 1 }

    init(_ configuration: TrainingConfiguration) throws {
        var generator = SeededGenerator(seed: configuration.seed)
        linear = try Linear(4, 3, generator: &generator)
        x1 = try Tensor.uniform([1, 4], low: -1, high: 1, using: &generator)
        x2 = try Tensor.uniform([1, 3], low: -1, high: 1, using: &generator)
        x3 = try Tensor.uniform([1, 3], low: -1, high: 1, using: &generator)
        target = try Tensor.uniform([1, 3], low: -1, high: 1, using: &generator)
        seed = configuration.seed
    }

    func loss(step: Int) throws -> Tensor {
        var coin = SeededGenerator(seed: seed ^ UInt64(truncatingIfNeeded: step &* 7919 &+ 1))
        let heads = coin.nextUnit() < 0.5
        let gate = heads ? x3 : try x3.sigmoid()
        return try (linear(x1) + x2 * gate).meanSquaredError(target)
    }
}
