import Autobw
import AutobwTrainer
import Dispatch
import Foundation

/// `autobw-bench --time-travel`: what keeping snapshots costs and how long reopening a past step takes.
///
/// For char-lstm at its default size and for mlp: two sessions train side by side in blocks of 20 steps, one
/// keeping snapshots (every 40 steps, reaching 1,000 back) and one not, and the medians of their block times
/// give the cost; then 30 of the last 1,000 steps, drawn at random, are reopened, timed from the request to the
/// opened replay.
enum TimeTravelBench {
    static func run(steps: Int) throws {
        for preset in [Preset.charLSTM, .mlp] {
            var configuration = TrainingConfiguration()
            configuration.preset = preset
            let kept = try TrainingSession(configuration), plain = try TrainingSession(configuration)
            try kept.keepSnapshots(interval: 40, reach: 1000)
            var keptBlocks = [Double](), plainBlocks = [Double]()
            while kept.nextStep < steps {
                for (session, blocks) in [(kept, 0), (plain, 1)] {
                    let start = DispatchTime.now().uptimeNanoseconds
                    for _ in 0..<20 { _ = try session.step() }
                    let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / 20
                    if blocks == 0 { keptBlocks.append(ms) } else { plainBlocks.append(ms) }
                }
            }
            var generator = SeededGenerator(seed: 11)
            let reach = kept.reopenableSteps.suffix(1000)
            var reopen = [Double]()
            for _ in 0..<30 {
                let step = reach.lowerBound + Int(generator.next() % UInt64(reach.count))
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try kept.reopen(step: step)
                reopen.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                try kept.returnToPresent()
            }
            reopen.sort()
            let keptMedian = median(keptBlocks), plainMedian = median(plainBlocks)
            let figures: [(String, Double)] = [
                ("steps", Double(steps)), ("ms_step_plain", plainMedian), ("ms_step_snapshots", keptMedian),
                ("snapshot_cost", keptMedian / plainMedian - 1), ("snapshot_mb", Double(kept.snapshotBytes) / 1e6),
                ("reopen_ms_min", reopen[0]), ("reopen_ms_median", median(reopen)), ("reopen_ms_p90", reopen[26]),
                ("reopen_ms_max", reopen[29]),
            ]
            let json = figures.map { "\"\($0.0)\": \(String(format: "%.4f", $0.1))" }.joined(separator: ", ")
            print("RESULT {\"wl\": \"time-travel \(preset.rawValue)\", \"blas_core\": \"\(BLAS.coreName)\", \(json)}")
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}
