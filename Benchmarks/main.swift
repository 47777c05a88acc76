// autobw-bench: the workloads of ../shared/bench/WORKLOADS.md written with the public Autobw API.
//
//     autobw-bench --workload W1 --threads 1 --steps 100 --warmup 20     one RESULT {json} line (for compare.py)
//     autobw-bench                                                       every workload, a readable table
//     autobw-bench --time-travel [STEPS]                                 snapshots' cost, reopening's time
//     autobw-bench --breakpoint-cost                                     a UI run's steps/s, breakpoint armed or not
import Autobw
import Foundation

struct Options {
    var workload: String?
    var threads = 1
    var steps = 100
    var warmup = 20
    /// Also time each step with a replay observer (steps alternate) and report the observer's cost.
    var observerCost = false
    /// Time replaying a 16,000-entry chain by `runToEnd()`, by `step()` and by the debugger's `c` (W3 only).
    var steppingCost = false
    /// Record W3 with precise creation sites (a call stack per op).
    var preciseSites = false

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            if flag == "--observer-cost" || flag == "--stepping-cost" || flag == "--precise-sites" {
                if flag == "--observer-cost" { observerCost = true }
                if flag == "--stepping-cost" { steppingCost = true }
                if flag == "--precise-sites" { preciseSites = true }
                continue
            }
            guard let value = rest.popFirst() else { throw BenchmarkError.usage("\(flag) needs a value") }
            switch flag {
            case "--workload": workload = value
            case "--threads", "--steps", "--warmup":
                guard let number = Int(value), number >= 0 else {
                    throw BenchmarkError.usage("\(flag) needs a non-negative integer, got '\(value)'")
                }
                if flag == "--threads" { threads = max(1, number) } else if flag == "--steps" { steps = number } else { warmup = number }
            default: throw BenchmarkError.usage("unknown option \(flag)")
            }
        }
    }
}

func makeWorkload(_ name: String) throws -> Workload {
    switch name.uppercased() {
    case "W1": return try MLP.w1()
    case "W2": return try CharLSTMWorkload()
    case "W3": return try OpOverhead()
    case "W4": return try MLP.w4()
    default: throw BenchmarkError.usage("unknown workload '\(name)' (W1, W2, W3, W4)")
    }
}

func result(_ name: String, _ options: Options) throws -> [String: Double] {
    BLAS.threadCount = options.threads
    var workload = try makeWorkload(name)
    if options.preciseSites, var chain = workload as? OpOverhead {
        chain.tapeOptions = .recordsCallStacks
        workload = chain
    }
    if options.steppingCost, let chain = workload as? OpOverhead {
        let ms = try chain.replayMilliseconds(operations: 16_000, repeats: max(options.steps, 1))
        let run = ms[.run] ?? .nan, stepped = ms[.stepped] ?? .nan, continued = ms[.continued] ?? .nan
        return [
            "ms_run_to_end": run, "ms_stepped": stepped, "stepped_ratio": stepped / run, "ms_continued": continued,
            "continued_ratio": continued / run, "threads": Double(options.threads),
        ]
    }
    if options.observerCost {
        let ms = try medianStepMilliseconds(
            workload, steps: options.steps, warmup: options.warmup, observed: [false, true])
        return [
            "ms_step": ms[0], "ms_step_observed": ms[1], "observer_overhead": ms[1] / ms[0] - 1,
            "threads": Double(options.threads),
        ]
    }
    let ms = try medianStepMilliseconds(workload, steps: options.steps, warmup: options.warmup)
    return ["ms_step": ms, "threads": Double(options.threads)].merging(try workload.extraResults(msPerStep: ms)) { $1 }
}

do {
    if CommandLine.arguments.dropFirst().first == "--breakpoint-cost" {
        try BreakpointCostBench.run(steps: [.charLSTM: 200, .mlp: 10000])
        exit(0)
    }
    if CommandLine.arguments.dropFirst().first == "--time-travel" {
        let steps = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 1000 : 1000
        try TimeTravelBench.run(steps: max(steps, 100))
        exit(0)
    }
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    if let name = options.workload {
        let figures = try result(name, options)
        let json = figures.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        print("RESULT {\"wl\": \"\(name.uppercased())\", \"blas_core\": \"\(BLAS.coreName)\", \(json)}")
    } else {
        print("workload  threads  ms/step   extra")
        for name in ["W1", "W2", "W3", "W4"] {
            for threads in [1, 2] {
                var options = options
                options.threads = threads
                let figures = try result(name, options)
                let extra = figures.filter { $0.key != "ms_step" && $0.key != "threads" }.sorted { $0.key < $1.key }
                    .map { "\($0.key)=\(String(format: "%.3f", $0.value))" }.joined(separator: " ")
                print(String(format: "%-9@ %7d  %8.3f  %@", name, threads, figures["ms_step"] ?? 0, extra))
            }
        }
    }
} catch {
    FileHandle.standardError.write(Data("autobw-bench: \(error)\n".utf8))
    exit(2)
}
