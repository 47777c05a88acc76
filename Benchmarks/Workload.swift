import Autobw
import Foundation

/// One benchmark workload of ../shared/bench/WORKLOADS.md: a training step, timed repeatedly.
protocol Workload {
    /// One step: forward (recorded), backward (reporting each entry to `observer`, if any), update.
    func step(observer: ReplayObserver?) throws
    /// Workload-specific figures for the RESULT line, from the median step time.
    func extraResults(msPerStep: Double) throws -> [String: Double]
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
    try medianStepMilliseconds(workload, steps: steps, warmup: warmup, observed: [false])[0]
}

/// Median milliseconds per step for each entry of `observed` (with or without a replay observer that computes
/// the statistics of every gradient), the variants taking turns step by step so that drift of this noisy
/// machine hits them alike.
func medianStepMilliseconds(_ workload: Workload, steps: Int, warmup: Int, observed: [Bool]) throws -> [Double] {
    var reports = 0
    let observer: ReplayObserver = { _ in reports += 1 }
    for _ in 0..<warmup {
        for variant in observed { try workload.step(observer: variant ? observer : nil) }
    }
    var times = observed.map { _ in [Double]() }
    for _ in 0..<max(steps, 1) {
        for (v, variant) in observed.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            try workload.step(observer: variant ? observer : nil)
            times[v].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
    }
    return times.map(median)
}

private func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
