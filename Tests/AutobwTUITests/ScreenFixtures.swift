import Autobw
import AutobwTrainer
@testable import AutobwTUI

/// Inputs for the screen tests: small runs whose numbers are known.
enum ScreenFixtures {
    /// The seed's coin flip on heads, `sum(x * w)` with `x = [1, 2]` watched and the parameter `w = [3, 4]`:
    /// by hand, the sum sends 1 to each product, the product sends `w = [3, 4]` (norm 5) to `x` and
    /// `x = [1, 2]` (norm 2.236) to `w`. The replay is stepped `steps` times.
    static func coinFlipDebugger(steps: Int) throws -> DebuggerState {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]), name: "x")
        let w = Parameter(Tensor([3, 4]), name: "w")
        let heads = true
        let loss = try tape.record { try (heads ? x * w.value : x + w.value).sum() }
        let replay = try tape.replay(from: loss)
        var state = DebuggerState(step: 7, loss: try loss.item(), entries: replay.entries, next: replay.peek())
        for _ in 0..<steps {
            if let step = try replay.step() { state.replayed.append(ReplayedEntry(step)) }
        }
        state.next = replay.peek()
        return state
    }

    /// A snapshot with `losses` from step 0.
    static func snapshot(losses: [Float], preset: String = "mlp") -> RunSnapshot {
        var snapshot = RunSnapshot(preset: preset, totalSteps: 100)
        snapshot.losses = losses
        snapshot.stepsDone = losses.count
        snapshot.state = .running
        return snapshot
    }
}

extension ScreenFixtures {
    /// A chain of `count` entries: `x * 2`, then `+ 1`, `* 2`, ... alternating, recorded under scope `chain`.
    static func longTape(count: Int) throws -> [TapeEntryInfo] {
        let tape = Tape()
        var value = tape.watch(Tensor([1, 2, 3]), name: "x")
        try tape.record {
            try withScope("chain") {
                for index in 0..<count { value = index % 2 == 0 ? try value * 2 : try value + 1 }
            }
        }
        return tape.entries
    }
}
