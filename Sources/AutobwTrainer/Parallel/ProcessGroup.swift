/// The processes of a data-parallel run, as a session needs them. `AutobwDistributed` implements it on MPI; the
/// trainer itself knows nothing of MPI.
///
/// Every process calls the same operations in the same order (the collective rule): the session guarantees it
/// by recording the same graph on every rank and starting the gradient sums in replay order.
public protocol ProcessGroup: AnyObject {
    /// This process's index, from 0.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Replaces `values` on every process with rank `root`'s.
    func broadcast(_ values: inout [Float], root: Int) throws
    /// Starts summing `values` (copied before this returns) over the processes and returns at once;
    /// `PendingSum.wait(into:scale:)` gives the sum.
    func startSum(_ values: UnsafeBufferPointer<Float>) throws -> PendingSum
    /// Every process's `values` (all of one length), concatenated in rank order.
    func gather(_ values: [Float]) throws -> [Float]
    /// Lets started sums move on while this process computes.
    func progress()
}

/// A sum started by `ProcessGroup.startSum`.
public protocol PendingSum: AnyObject {
    /// Waits for the sum and writes it, times `scale`, into `target` (of the summed count).
    func wait(into target: UnsafeMutableBufferPointer<Float>, scale: Float) throws
}

extension ProcessGroup {
    /// Sums `values` elementwise over the processes; every process gets the sum.
    public func sum(_ values: [Float]) throws -> [Float] {
        let pending = try values.withUnsafeBufferPointer { try startSum($0) }
        var result = [Float](repeating: 0, count: values.count)
        try result.withUnsafeMutableBufferPointer { try pending.wait(into: $0, scale: 1) }
        return result
    }
}

/// Which share of each global batch a process trains on.
public struct Shard: Sendable, Equatable {
    /// This process's index.
    public var rank: Int
    /// The number of processes.
    public var count: Int

    /// A shard; one process holds everything.
    public init(rank: Int = 0, count: Int = 1) {
        self.rank = rank
        self.count = count
    }

    /// This process's part of `0..<total`, which `count` divides.
    public func range(of total: Int) -> Range<Int> {
        let each = total / max(count, 1)
        return (rank * each)..<((rank + 1) * each)
    }
}
