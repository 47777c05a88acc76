import Autobw
import Foundation

/// Two interleaved spirals (200 points an arm) classified by a tanh multi-layer perceptron.
final class SpiralsProblem: TrainingProblem {
    let network: Sequential
    var model: Module { network }
    let points: [[Float]]
    let labels: [Int]
    let batchSize: Int
    let order: [Int]
    var samplesPerStep: Int { batchSize }

    init(_ configuration: TrainingConfiguration) throws {
        var generator = SeededGenerator(seed: configuration.seed)
        var points = [[Float]](), labels = [Int]()
        for arm in 0..<2 {
            for i in 0..<200 {
                let r = Float(i) / 200 * 3 + 0.2
                let angle = Float(i) / 200 * 3 * Float.pi + Float(arm) * Float.pi
                points.append([r * Foundation.cos(angle) + generator.nextNormal() * 0.05,
                               r * Foundation.sin(angle) + generator.nextNormal() * 0.05])
                labels.append(arm)
            }
        }
        self.points = points
        self.labels = labels
        batchSize = min(configuration.batchSize ?? points.count, points.count)
        order = Array(points.indices).shuffled(using: &generator)
        let hidden = configuration.hiddenSize ?? 64
        var layers: [any Layer] = [try Linear(2, hidden, generator: &generator), Tanh()]
        for _ in 1..<max(configuration.layerCount ?? 2, 1) {
            layers += [try Linear(hidden, hidden, generator: &generator), Tanh()] as [any Layer]
        }
        layers.append(try Linear(hidden, 2, generator: &generator))
        network = Sequential(layers)
    }

    /// The examples of step `step`: consecutive slices of one seeded permutation (all of them by default).
    func batch(_ step: Int) -> [Int] {
        let start = (step * batchSize) % points.count
        return (0..<batchSize).map { order[(start + $0) % points.count] }
    }

    func loss(step: Int) throws -> Tensor {
        let chosen = batch(step)
        let x = try Tensor(shape: [chosen.count, 2], scalars: chosen.flatMap { points[$0] })
        return try network(x).softmaxCrossEntropy(targets: chosen.map { labels[$0] })
    }
}
