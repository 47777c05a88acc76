import Autobw
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

    /// Median milliseconds to replay a recorded chain of `operations` entries with `runToEnd()` and with
    /// `step()` until done, the two taking turns; the debugger steps, so stepping must cost about the same.
    func replayMilliseconds(operations: Int, repeats: Int) throws -> (run: Double, stepped: Double) {
        var run = [Double](), stepped = [Double]()
        for _ in 0..<repeats {
            for stepping in [false, true] {
                let tape = Tape()
                let x = tape.watch(start)
                let loss = try tape.record { () throws -> Tensor in
                    var y = x
                    for i in 0..<operations { y = i % 2 == 0 ? try y * 1.0001 : try y.tanh() }
                    return try y.sum()
                }
                let replay = try tape.replay(from: loss)
                let begin = DispatchTime.now().uptimeNanoseconds
                if stepping {
                    while let step = try replay.step() { withExtendedLifetime(step) {} }
                } else {
                    try replay.runToEnd()
                }
                let ms = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6
                if stepping { stepped.append(ms) } else { run.append(ms) }
            }
        }
        return (run.sorted()[run.count / 2], stepped.sorted()[stepped.count / 2])
    }

    func extraResults(msPerStep: Double) throws -> [String: Double] {
        ["us_per_op": msPerStep * 1000 / Double(Self.operations)]
    }
}
