import Autobw
import Testing
@testable import AutobwTrainer

/// The coin-flip preset shows host control flow on a tape: each branch records its own entries.
@Suite struct CoinFlipTests {
    static func recordedOps(_ problem: CoinFlipProblem, step: Int) throws -> [OpName] {
        let tape = Tape()
        _ = try tape.record { try problem.loss(step: step) }
        return tape.entries.map(\.op)
    }

    /// Tails computes the gate before the linear layer runs, so its `sigmoid` is the first entry.
    @Test func headsAndTailsRecordDifferentEntries() throws {
        let problem = try CoinFlipProblem(TrainingConfiguration())
        let steps = Array(0..<40)
        let heads = try #require(steps.first { problem.heads(step: $0) })
        let tails = try #require(steps.first { !problem.heads(step: $0) })
        #expect(try Self.recordedOps(problem, step: heads) == ["matmul", "add", "mul", "add", "mean_squared_error"])
        let tailsOps = try Self.recordedOps(problem, step: tails)
        #expect(tailsOps == ["sigmoid", "matmul", "add", "mul", "add", "mean_squared_error"], "\(tailsOps)")
    }

    @Test func aStepRecordedAgainTakesTheSameBranch() throws {
        let problem = try CoinFlipProblem(TrainingConfiguration())
        for step in 0..<20 {
            #expect(try Self.recordedOps(problem, step: step) == Self.recordedOps(problem, step: step))
        }
    }

    @Test func theGainAndTheGateTrainWithTheLinearLayer() throws {
        let problem = try CoinFlipProblem(TrainingConfiguration())
        #expect(problem.model.namedParameters().map(\.name) == ["gain", "x3", "linear.weight", "linear.bias"])
    }
}
