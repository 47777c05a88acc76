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
    /// Starts summing `values` over the processes in place and returns at once; once `PendingSum.wait()`
    /// returns, `values` holds the sum. Until then the memory must stay allocated and nothing else may touch it.
    /// In place, because a copy of a large gradient in and another out cost more than the sum itself.
    func startSum(inPlace values: UnsafeMutableBufferPointer<Float>) throws -> PendingSum
    /// Every process's `values` (all of one length), concatenated in rank order.
    func gather(_ values: [Float]) throws -> [Float]
    /// Lets started sums move on while this process computes.
    func progress()
}

/// A sum started by `ProcessGroup.startSum`.
public protocol PendingSum: AnyObject {
    /// Waits until the buffer the sum was started on holds the sum.
    func wait() throws
}

extension ProcessGroup {
    /// Sums `values` elementwise over the processes; every process gets the sum.
    public func sum(_ values: [Float]) throws -> [Float] {
        var result = values
        try result.withUnsafeMutableBufferPointer { try startSum(inPlace: $0).wait() }
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
