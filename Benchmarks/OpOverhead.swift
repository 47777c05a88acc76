import Autobw
import AutobwTrainer
import Dispatch

/// W3: 10,000 chained elementwise ops on 16 elements (x*1.0001, x+0.0001, tanh), then backward from the sum.
struct OpOverhead: Workload {
    static let operations = 10_000
    let start: Tensor
    /// The recording's options (`--precise-sites` adds `.recordsCallStacks`).
    var tapeOptions: TapeOptions = []

    init() throws {
        var generator = SeededGenerator(seed: 0)
        start = try Tensor.normal([16], using: &generator)
    }

    func step(observer: ReplayObserver?) throws {
        let tape = Tape(options: tapeOptions)
        let x = tape.watch(start)
        let loss = try tape.record { () throws -> Tensor in
            var y = x
            for i in 0..<Self.operations {
                switch i % 3 {
                case 0: y = try y * 1.0001
                case 1: y = try y + 0.0001
                default: y = try y.tanh()
                }
            }
            return try y.sum()
        }
        try tape.backward(from: loss, observer: observer)
        guard try tape.gradient(of: x) != nil else { throw BenchmarkError.noGradient }
    }

    /// How `replayMilliseconds` replays the chain.
    enum ReplayMode: CaseIterable {
        /// `runToEnd()`, as training does.
        case run
        /// `step()` until done.
        case stepped
        /// The debugger's `c` (`ReplayContinuation` over an `OpenStep`) with a breakpoint that never fires.
        case continued
    }

    /// Median milliseconds to replay a recorded chain of `operations` entries in each mode, the modes taking
    /// turns; the debugger steps and continues, so both must cost about what running does.
    func replayMilliseconds(operations: Int, repeats: Int) throws -> [ReplayMode: Double] {
        var times = [ReplayMode: [Double]]()
        for _ in 0..<repeats {
            for mode in ReplayMode.allCases {
                let tape = Tape()
                let x = tape.watch(start)
                let loss = try tape.record { () throws -> Tensor in
                    var y = x
                    for i in 0..<operations { y = i % 2 == 0 ? try y * 1.0001 : try y.tanh() }
                    return try y.sum()
                }
                let replay = try tape.replay(from: loss)
                // The debugger describes the entries once, when it opens the step; `c` comes after.
                let described = mode == .continued ? replay.entries : []
                let begin = DispatchTime.now().uptimeNanoseconds
                switch mode {
                case .run: try replay.runToEnd()
                case .stepped: while let step = try replay.step() { withExtendedLifetime(step) {} }
                case .continued:
                    let open = OpenStep(step: 0, loss: 0, replay: replay)
                    let continued = try ReplayContinuation(
                        next: open.next, described: described, until: Breakpoint.normAbove(1e30).stopReason(at:))
                    withExtendedLifetime(continued) {}
                }
                times[mode, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6)
            }
        }
        return times.mapValues { $0.sorted()[$0.count / 2] }
    }

    func extraResults(msPerStep: Double) throws -> [String: Double] {
        ["us_per_op": msPerStep * 1000 / Double(Self.operations)]
    }
}
