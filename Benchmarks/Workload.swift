import Autobw
import Foundation

/// One benchmark workload of ../shared/bench/WORKLOADS.md: a training step, timed repeatedly.
protocol Workload {
    /// One step: forward (recorded), backward, update.
    func step() throws
    /// Workload-specific figures for the RESULT line, from the median step time.
    func extraResults(msPerStep: Double) -> [String: Double]
}

enum BenchmarkError: Error, CustomStringConvertible {
    case noGradient
    case usage(String)

    var description: String {
        switch self {
        case .noGradient: return "the step produced no gradient"
        case .usage(let message): return message
        }
    }
}

/// Median milliseconds per step after `warmup` untimed steps.
func medianStepMilliseconds(_ workload: Workload, steps: Int, warmup: Int) throws -> Double {
    for _ in 0..<warmup { try workload.step() }
    var times = [Double]()
    for _ in 0..<max(steps, 1) {
        let start = DispatchTime.now().uptimeNanoseconds
        try workload.step()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
}
