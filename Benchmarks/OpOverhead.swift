import Autobw

/// W3: 10,000 chained elementwise ops on 16 elements (x*1.0001, x+0.0001, tanh), then backward from the sum.
struct OpOverhead: Workload {
    static let operations = 10_000
    let start: Tensor

    init() throws {
        var generator = SeededGenerator(seed: 0)
        start = try Tensor.normal([16], using: &generator)
    }

    func step(observer: ReplayObserver?) throws {
        let tape = Tape()
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

    func extraResults(msPerStep: Double) throws -> [String: Double] {
        ["us_per_op": msPerStep * 1000 / Double(Self.operations)]
    }
}
