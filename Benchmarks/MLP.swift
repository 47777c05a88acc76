import Autobw
import Dispatch

/// W1 (784-256-256-10, batch 128, softmax cross-entropy, SGD 0.1) and W4 (1024-2048-2048-1024, batch 256,
/// MSE, SGD 0.01): ReLU multi-layer perceptrons built from `Linear` modules.
struct MLP: Workload {
    let model: Sequential
    let optimizer: SGD
    let input: Tensor
    let loss: (Tensor) throws -> Tensor
    let flopsPerStep: Double
    let measuresPeak: Bool
    let sizes: [Int]
    let batch: Int

    static func w1() throws -> MLP {
        var generator = SeededGenerator(seed: 0)
        let labels = (0..<128).map { _ in Int(generator.next() % 10) }
        return try MLP(sizes: [784, 256, 256, 10], batch: 128, learningRate: 0.1, measuresPeak: false, generator: &generator) {
            try $0.softmaxCrossEntropy(targets: labels)
        }
    }

    static func w4() throws -> MLP {
        var generator = SeededGenerator(seed: 0)
        let target = try Tensor.normal([256, 1024], using: &generator)
        return try MLP(sizes: [1024, 2048, 2048, 1024], batch: 256, learningRate: 0.01, measuresPeak: true, generator: &generator) {
            try $0.meanSquaredError(target)
        }
    }

    init(
        sizes: [Int], batch: Int, learningRate: Float, measuresPeak: Bool, generator: inout SeededGenerator,
        loss: @escaping (Tensor) throws -> Tensor
    ) throws {
        var layers = [any Layer]()
        for i in 0..<(sizes.count - 1) {
            layers.append(try Linear(sizes[i], sizes[i + 1], generator: &generator))
            if i < sizes.count - 2 { layers.append(ReLU()) }
        }
        model = Sequential(layers)
        optimizer = SGD(model.namedParameters(), learningRate: learningRate)
        input = try Tensor.normal([batch, sizes[0]], using: &generator)
        self.loss = loss
        flopsPerStep = 6 * Double(batch) * zip(sizes, sizes.dropFirst()).reduce(0) { $0 + Double($1.0 * $1.1) }
        self.measuresPeak = measuresPeak
        self.sizes = sizes
        self.batch = batch
    }

    func step(observer: ReplayObserver?) throws {
        optimizer.zeroGrad()
        let tape = Tape()
        let value = try tape.record { try loss(model(input)) }
        try tape.backward(from: value, observer: observer)
        optimizer.step()
    }

    func extraResults(msPerStep: Double) throws -> [String: Double] {
        let floor = try gemmFloorMilliseconds()
        var results = ["gflops": flopsPerStep / (msPerStep * 1e-3) * 1e-9]
        results["gemm_floor_ms"] = floor
        results["floor_ratio"] = msPerStep / floor
        if measuresPeak { results["sgemm_peak_gflops"] = try Self.sgemmPeakGFLOPs() }
        return results
    }

    /// The step time if nothing but its GEMMs ran: the sum, over the products a step needs (each layer's
    /// forward and weight gradient, and the input gradient of every layer but the first, whose input is data),
    /// of the median time of that product alone, measured in this process so machine drift between processes
    /// cannot skew the ratio.
    func gemmFloorMilliseconds() throws -> Double {
        var generator = SeededGenerator(seed: 2)
        var total = 0.0
        for (layer, (inputs, outputs)) in zip(sizes, sizes.dropFirst()).enumerated() {
            let x = try Tensor.normal([batch, inputs], using: &generator)
            let w = try Tensor.normal([inputs, outputs], using: &generator)
            let dy = try Tensor.normal([batch, outputs], using: &generator)
            total += Self.medianMilliseconds { _ = try? x.matmul(w) }
            total += Self.medianMilliseconds { _ = try? x.matmul(dy, transposeSelf: true) }
            if layer > 0 { total += Self.medianMilliseconds { _ = try? dy.matmul(w, transposeOther: true) } }
        }
        return total
    }

    private static func medianMilliseconds(_ body: () -> Void) -> Double {
        var times = [Double]()
        for i in 0..<13 {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            if i >= 2 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-6) }
        }
        times.sort()
        return times[times.count / 2]
    }

    /// The median GFLOP/s of a plain 2048^3 product (no tape), the same GEMM path the workload uses.
    static func sgemmPeakGFLOPs() throws -> Double {
        var generator = SeededGenerator(seed: 1)
        let a = try Tensor.normal([2048, 2048], using: &generator), b = try Tensor.normal([2048, 2048], using: &generator)
        var times = [Double]()
        for i in 0..<13 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try? a.matmul(b)
            if i >= 3 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9) }
        }
        times.sort()
        return 2 * 2048 * 2048 * 2048 / times[times.count / 2] * 1e-9
    }
}
