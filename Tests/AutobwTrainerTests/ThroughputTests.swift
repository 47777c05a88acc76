import AutobwTestSupport
import Foundation
import Testing
@testable import AutobwTrainer

/// Steps per second: one definition (`Throughput`) for the status line, headless progress and `autobw watch`.
@Suite struct ThroughputTests {
    @Test func theRateIsStepsOverWallClockSecondsInTheLastWindow() {
        var throughput = Throughput()
        // 10 steps/s for 10 s, then 100 steps/s for 5 s: the window sees only the last 3 s.
        var steps = 0
        for tenth in 0...100 {
            throughput.note(steps: steps, at: Double(tenth) / 10)
            steps += 1
        }
        for hundredth in 1...500 {
            steps += 1
            throughput.note(steps: steps, at: 10 + Double(hundredth) / 100)
        }
        #expect(abs(throughput.stepsPerSecond - 100) < 1)
    }

    @Test func aYoungRunCountsFromItsStartAndNoSamplesGiveNoRate() {
        var throughput = Throughput()
        #expect(throughput.stepsPerSecond == 0)
        throughput.note(steps: 3000, at: 0)
        throughput.note(steps: 3002, at: 0.5)
        #expect(throughput.stepsPerSecond == 4)
    }

    /// `watch` once showed 1000 / the last line's `ms` (258.9 steps/s where the file's run made 921).
    @Test func watchTakesStepsPerSecondFromTheLinesClockNotTheLastStepsTime() throws {
        let path = temporaryPath("rate", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = ["{\"autobw\":\"0\",\"preset\":\"mlp\"}"]
            + (0..<400).map { "{\"step\":\($0),\"loss\":1,\"ms\":4,\"elapsed_s\":\(Double($0 + 1) / 200)}" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let rate = try MetricsFollower(path: path).snapshot().stepsPerSecond
        #expect(abs(rate - 200) < 1, "\(rate)")
    }
}
