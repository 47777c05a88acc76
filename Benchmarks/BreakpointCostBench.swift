import AutobwTrainer
import Dispatch
import Foundation

/// `autobw-bench --breakpoint-cost`: steps/s of a UI run (a `TrainingRun`, as `autobw train` drives it) with a
/// breakpoint armed that never fires, against none: five runs of each, taking turns, medians.
enum BreakpointCostBench {
    static func run(steps: [Preset: Int]) throws {
        for (preset, count) in steps.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            var armed = [Double](), plain = [Double]()
            for _ in 0..<5 {
                for breakpoint in [nil, Breakpoint.normAbove(1e30)] {
                    var configuration = TrainingConfiguration()
                    configuration.preset = preset
                    var options = TrainingRun.Options(steps: count)
                    options.breakpoint = breakpoint
                    options.snapshotInterval = nil
                    let run = try TrainingRun(try TrainingSession(configuration), options: options)
                    let start = DispatchTime.now().uptimeNanoseconds
                    run.start()
                    while run.snapshot().state != .finished { usleep(1000) }
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    run.stopAndWait()
                    if breakpoint == nil { plain.append(Double(count) / seconds) } else { armed.append(Double(count) / seconds) }
                }
            }
            let a = TimeTravelBench.median(armed), p = TimeTravelBench.median(plain)
            print(String(
                format: "RESULT {\"wl\": \"breakpoint-cost %@\", \"steps\": %d, \"steps_per_s_plain\": %.2f, \"steps_per_s_armed\": %.2f, \"armed_cost\": %.4f}",
                preset.rawValue, count, p, a, 1 - a / p))
        }
    }
}
