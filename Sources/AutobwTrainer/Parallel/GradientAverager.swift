import Autobw
import Dispatch

/// Averages the parameters' gradients over the processes of a group while the replay runs: a parameter's
/// gradient is complete once the replay has passed its first use (the earliest entry reading it), so its sum
/// starts then, and the rest of the replay overlaps the communication, as PyTorch's DDP does with its buckets.
/// With `overlaps` false, every sum starts after the replay: the baseline the overlap is measured against.
final class GradientAverager {
    let group: ProcessGroup
    let parameters: NamedParameters
    let overlaps: Bool
    /// Entry index -> the parameters (positions in `parameters`) whose first use it is.
    private var completedBy: [Int: [Int]] = [:]
    /// The gradients being summed, taken out of their parameters, with their sums; the values keep the
    /// storage the sums write into alive until `finish()` puts them back.
    private var inFlight: [(gradient: Tensor, sum: PendingSum)?]
    /// Wall time spent in communication calls (starting, progressing, waiting): what the replay did not hide.
    private(set) var milliseconds: Double = 0

    init(group: ProcessGroup, parameters: NamedParameters, entries: [TapeEntryInfo], overlaps: Bool) {
        self.group = group
        self.parameters = parameters
        self.overlaps = overlaps
        inFlight = Array(repeating: nil, count: parameters.count)
        guard overlaps else { return }
        let position = Dictionary(parameters.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<Int>()
        for entry in entries {
            for source in entry.inputSources {
                guard case .parameter(let name) = source, let index = position[name], seen.insert(index).inserted else { continue }
                completedBy[entry.index, default: []].append(index)
            }
        }
    }

    deinit {
        // A step that failed midway still has sums writing into these gradients: let them end first.
        for started in inFlight { try? started?.sum.wait() }
    }

    /// Called after each replayed entry.
    func replayed(entry: Int) throws {
        try timed {
            for index in completedBy[entry] ?? [] { try start(index) }
            group.progress()
        }
    }

    private func timed(_ body: () throws -> Void) rethrows {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { milliseconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 }
        try body()
    }

    /// Scales the gradient by 1 / size first, so the sum is the average: one pass over it, while it is still
    /// in cache from the replay. Taken out of the parameter, the gradient is normally referenced only here,
    /// and is summed in its own storage; anything else still holding it gets it copied first.
    private func start(_ index: Int) throws {
        let parameter = parameters[index].parameter
        guard var gradient = parameter.grad else { return }
        parameter.zeroGrad()
        let scale = 1 / Float(group.size)
        let buffer = try gradient.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] *= scale }
            return buffer
        }
        inFlight[index] = (gradient, try group.startSum(inPlace: buffer))
    }

    /// Starts what the replay did not (all of them without overlap), waits for every sum and replaces each
    /// gradient with the average. A parameter no gradient reached is left without one, on every process alike:
    /// they all recorded the same graph.
    func finish() throws { try timed(finishSums) }

    private func finishSums() throws {
        for index in parameters.indices where inFlight[index] == nil && parameters[index].parameter.grad != nil {
            try start(index)
        }
        for (index, started) in inFlight.enumerated() {
            guard let started else { continue }
            try started.sum.wait()
            try parameters[index].parameter.setGradient(started.gradient)
        }
    }
}
