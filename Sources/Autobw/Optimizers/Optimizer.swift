import Dispatch

/// Updates parameters from their accumulated gradients.
///
/// Optimizers keep per-parameter state (momentum, running averages) keyed by the parameter's name, so the
/// state can be saved in a checkpoint and restored into a freshly built model.
public protocol Optimizer: AnyObject {
    /// The step size; schedules change it between steps.
    var learningRate: Float { get set }
    /// The number of `step()` calls so far (Adam's bias correction depends on it).
    var stepCount: Int { get }
    /// The parameters updated, with their names.
    var parameters: NamedParameters { get }
    /// Applies one update to every parameter that has a gradient; parameters without one are left alone.
    func step()
    /// The per-parameter state as named tensors (`<slot>/<parameter name>`), for checkpoints.
    func stateTensors() -> [String: Tensor]
    /// Restores state saved by `stateTensors()`.
    /// - Throws: `CheckpointError` when a tensor is missing or has the wrong shape.
    func loadState(_ tensors: [String: Tensor], stepCount: Int) throws
}

extension Optimizer {
    /// Forgets every parameter's gradient.
    public func zeroGrad() {
        for (_, parameter) in parameters { parameter.zeroGrad() }
    }
}

/// A built-in optimizer: everything it keeps between steps lives in its `OptimizerSlots`, so saving and
/// restoring it is the same for all of them.
protocol SlottedOptimizer: Optimizer {
    var slots: OptimizerSlots { get set }
}

extension SlottedOptimizer {
    /// The parameters updated, with their names.
    public var parameters: NamedParameters { slots.parameters }

    /// The number of `step()` calls so far.
    public var stepCount: Int { slots.stepCount }

    /// The per-parameter state as named tensors (`<slot>/<parameter name>`), for checkpoints.
    public func stateTensors() -> [String: Tensor] { slots.stateTensors() }

    /// Restores state saved by `stateTensors()`, and the step count.
    public func loadState(_ tensors: [String: Tensor], stepCount: Int) throws {
        try slots.load(tensors)
        slots.stepCount = stepCount
    }
}

/// Named per-parameter buffers (e.g. `momentum`, `square_avg`), created as zeros.
///
/// The buffers are tensors owned here alone and written through their pointers; `stateTensors()` hands out
/// copies, so nothing outside ever sees them change.
struct OptimizerSlots {
    let slotNames: [String]
    let parameters: NamedParameters
    /// The number of steps taken with these buffers.
    var stepCount = 0
    /// `buffers[slot][parameterIndex]`
    private var buffers: [[Tensor]]

    init(_ slotNames: [String], parameters: NamedParameters) {
        self.slotNames = slotNames
        self.parameters = parameters
        buffers = slotNames.map { _ in parameters.map { Tensor.filled(0, $0.parameter.shape) } }
    }

    /// Parameters with at least this many elements are updated in parallel chunks.
    static let parallelThreshold = 1 << 18

    /// Calls `body(weights, gradient, count, slotBuffers)` for every parameter with a gradient; large
    /// parameters are split into chunks updated concurrently, so `body` must treat elements independently.
    func forEachParameter(
        _ body: @escaping (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, [UnsafeMutablePointer<Float>]) -> Void
    ) {
        for (index, (_, parameter)) in parameters.enumerated() {
            guard let gradient = parameter.grad else { continue }
            let count = min(gradient.count, Shape.count(parameter.shape))
            let slots = buffers.map { $0[index].pointer }
            parameter.update { weights in
                guard let w = weights.baseAddress else { return }
                // Updates are memory-bound; on large parameters use the cores OpenBLAS may use.
                let parts = count >= Self.parallelThreshold ? min(BLAS.threadCount, 8) : 1
                guard parts > 1 else { return body(w, gradient.pointer, count, slots) }
                let update = ChunkedUpdate(
                    body: body, weights: w, gradient: gradient.pointer, slots: slots, count: count, parts: parts)
                DispatchQueue.concurrentPerform(iterations: parts) { update.run(part: $0) }
            }
        }
    }

    func stateTensors() -> [String: Tensor] {
        var tensors = [String: Tensor]()
        for (s, slot) in slotNames.enumerated() {
            for (p, (name, _)) in parameters.enumerated() {
                tensors["\(slot)/\(name)"] = buffers[s][p].copied()
            }
        }
        return tensors
    }

    mutating func load(_ tensors: [String: Tensor]) throws {
        var loaded = buffers
        for (s, slot) in slotNames.enumerated() {
            for (p, (name, parameter)) in parameters.enumerated() {
                let key = "\(slot)/\(name)"
                guard let tensor = tensors[key] else { throw CheckpointError.missingTensor(key) }
                guard tensor.shape == parameter.shape else {
                    throw CheckpointError.shapeMismatch(name: key, expected: parameter.shape, found: tensor.shape)
                }
                loaded[s][p] = tensor.copied()
            }
        }
        buffers = loaded
    }
}

/// One parameter's update split into `parts` disjoint element ranges, run on several threads. The ranges do
/// not overlap, so sharing the pointers is safe even though the compiler cannot prove it.
private struct ChunkedUpdate: @unchecked Sendable {
    let body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, [UnsafeMutablePointer<Float>]) -> Void
    let weights: UnsafeMutablePointer<Float>
    let gradient: UnsafePointer<Float>
    let slots: [UnsafeMutablePointer<Float>]
    let count: Int
    let parts: Int

    func run(part: Int) {
        let chunk = (count + parts - 1) / parts
        let start = part * chunk, length = min(chunk, count - start)
        guard length > 0 else { return }
        body(weights + start, gradient + start, length, slots.map { $0 + start })
    }
}
