import Foundation
import Testing
@testable import Autobw

/// The seed's first example: `linear(x1) + x2 * sigmoid(x3)`, with `sigmoid(x3)` replaced by `x3` on heads.
@Suite struct CoinFlipTests {
    struct Run {
        let dx1: [Float], dx2: [Float], dx3: [Float], dW: [Float], db: [Float], ops: [OpName]
    }

    static let x1: [Float] = [0.5, -1, 2], x2: [Float] = [0.3, -0.7], x3: [Float] = [1.5, -0.5]
    static let weights: [Float] = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6]   // [3, 2]

    static func run(heads: Bool) throws -> Run {
        var generator = SeededGenerator(seed: 1)
        let linear = try Linear(3, 2, generator: &generator)
        try linear.weight.assign(try Tensor(shape: [3, 2], scalars: weights))
        let tape = Tape()
        let v1 = tape.watch(try Tensor(shape: [1, 3], scalars: x1))
        let v2 = tape.watch(try Tensor(shape: [1, 2], scalars: x2))
        let v3 = tape.watch(try Tensor(shape: [1, 2], scalars: x3))
        let out = try tape.record {
            let gate = heads ? v3 : try v3.sigmoid()
            return try (linear(v1) + v2 * gate).sum()
        }
        let ops = tape.entries.map(\.op)
        try tape.backward(from: out)
        return Run(
            dx1: try tape.gradient(of: v1)?.scalars ?? [], dx2: try tape.gradient(of: v2)?.scalars ?? [],
            dx3: try tape.gradient(of: v3)?.scalars ?? [], dW: linear.weight.grad?.scalars ?? [],
            db: linear.bias?.grad?.scalars ?? [], ops: ops)
    }

    @Test func tailsRecordsTheSigmoidAndDifferentiatesThroughIt() throws {
        let run = try Self.run(heads: false)
        #expect(run.ops.contains("sigmoid"))
        let s = Self.x3.map { 1 / (1 + Foundation.exp(-$0)) }
        expectClose(run.dx2, s)
        expectClose(run.dx3, zip(Self.x2, s).map { $0 * $1 * (1 - $1) })
        expectClose(run.dx1, [0.1 - 0.2, 0.3 + 0.4, -0.5 + 0.6])
        expectClose(run.dW, [0.5, 0.5, -1, -1, 2, 2])
        expectClose(run.db, [1, 1])
    }

    @Test func headsRecordsNoSigmoidAndPassesX3Straight() throws {
        let run = try Self.run(heads: true)
        #expect(!run.ops.contains("sigmoid"))
        expectClose(run.dx2, Self.x3)
        expectClose(run.dx3, Self.x2)
        expectClose(run.dx1, [0.1 - 0.2, 0.3 + 0.4, -0.5 + 0.6])
        expectClose(run.dW, [0.5, 0.5, -1, -1, 2, 2])
        expectClose(run.db, [1, 1])
    }
}
