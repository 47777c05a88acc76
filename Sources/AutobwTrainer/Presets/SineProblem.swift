import Autobw
import Foundation

/// The seed's RNN on toy data: windows of 5 points of a sine wave at random phases, predict the next point.
final class SineProblem: TrainingProblem {
    static let window = 5

    let cell: RNNCell
    let readout: Linear
    let network: Module
    var model: Module { network }
    let batchSize: Int
    let seed: UInt64
    var samplesPerStep: Int { batchSize }

    /// The cell and its readout as one module, so their parameters are named `cell.*` and `readout.*`.
    final class Network: Module, @unchecked Sendable {
        let cell: RNNCell
        let readout: Linear
        init(cell: RNNCell, readout: Linear) {
            self.cell = cell
            self.readout = readout
        }
    }

    init(_ configuration: TrainingConfiguration) throws {
        var generator = SeededGenerator(seed: configuration.seed)
        let hidden = configuration.effectiveHiddenSize
        cell = try RNNCell(inputSize: 1, hiddenSize: hidden, generator: &generator)
        readout = try Linear(hidden, 1, initializer: .xavierUniform, generator: &generator)
        network = Network(cell: cell, readout: readout)
        batchSize = configuration.effectiveBatchSize
        seed = configuration.seed
    }

    func loss(step: Int) throws -> Tensor {
        // Each step's phases come from its own generator, so recording a step twice sees the same batch.
        var generator = SeededGenerator(seed: seed &+ 0x9E37_79B9 &* UInt64(truncatingIfNeeded: step + 1))
        let starts = (0..<batchSize).map { _ in generator.nextUnit() * 2 * Float.pi }
        let point = { (start: Float, k: Int) in Foundation.sin(start + 0.3 * Float(k)) }
        let inputs = try (0..<Self.window).map { k in try Tensor(shape: [batchSize, 1], scalars: starts.map { point($0, k) }) }
        let target = try Tensor(shape: [batchSize, 1], scalars: starts.map { point($0, Self.window) })
        return try network.scoped {
            let h = try inputs.reduce(try cell.zeroState(batchSize: batchSize)) { try cell($1, $0) }
            return try readout(h).meanSquaredError(target)
        }
    }
}
