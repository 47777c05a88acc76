import AutobwTrainer
import CMPI
import Foundation

/// The processes `mpirun` started, as a `ProcessGroup`: the only code that talks to MPI.
///
/// Every MPI call runs on one serial queue, one at a time (MPI's "serialized" threading level): a sum started
/// during the replay is a blocking all-reduce on that queue's thread, which overlaps the replay on this one, and
/// the sums run in the order they were started, the same on every process. MPI's default error handler aborts
/// the whole job on a communication failure, and `abort(code:)` ends every process of the job: a failing rank
/// never leaves the others waiting in a collective.
public final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The number of processes in the job.
    public let size: Int
    private let queue = DispatchQueue(label: "autobw.mpi")

    /// Whether this process was started by `mpirun` (Open MPI sets these before `main`).
    public static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// Joins the job; call once.
    public init() {
        // Waiting processes yield their CPU instead of spinning: the communication thread shares a core with
        // the replay, which measured 3% more samples/s on 2 processes (unless the user set it otherwise).
        setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0)
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided)
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(autobw_mpi_world(), &rank)
        MPI_Comm_size(autobw_mpi_world(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// Leaves the job normally.
    public func finalize() { queue.sync { _ = MPI_Finalize() } }

    /// Ends every process of the job with `code`.
    public func abort(code: Int32) -> Never {
        MPI_Abort(autobw_mpi_world(), code)
        exit(code)
    }

    /// `MPI_Bcast` of `values` from `root`.
    public func broadcast(_ values: inout [Float], root: Int) throws {
        let count = Int32(values.count)
        try queue.sync {
            try values.withUnsafeMutableBufferPointer { buffer in
                try check(MPI_Bcast(buffer.baseAddress, count, autobw_mpi_float(), Int32(root), autobw_mpi_world()))
            }
        }
    }

    /// Queues a blocking in-place `MPI_Allreduce` of `values` on the MPI queue.
    public func startSum(inPlace values: UnsafeMutableBufferPointer<Float>) throws -> PendingSum {
        let pending = MPIPendingSum(values)
        queue.async { pending.run() }
        return pending
    }

    /// `MPI_Allgather` of equal-length `values`.
    public func gather(_ values: [Float]) throws -> [Float] {
        var result = [Float](repeating: 0, count: values.count * size)
        try queue.sync {
            try values.withUnsafeBufferPointer { source in
                try result.withUnsafeMutableBufferPointer { target in
                    try check(MPI_Allgather(
                        source.baseAddress, Int32(values.count), autobw_mpi_float(), target.baseAddress,
                        Int32(values.count), autobw_mpi_float(), autobw_mpi_world()))
                }
            }
        }
        return result
    }

    /// Nothing to do: the sums move on their own thread.
    public func progress() {}
}

/// Why an MPI call failed (with MPI's default handler the job aborts first; this is for handlers that return).
public struct MPIError: Error, CustomStringConvertible {
    /// The MPI error code.
    public let code: Int32
    /// `MPI error N`.
    public var description: String { "MPI error \(code)" }
}

private func check(_ code: Int32) throws {
    guard code == MPI_SUCCESS else { throw MPIError(code: code) }
}

/// A sum in flight on the MPI queue, written into its starter's buffer.
final class MPIPendingSum: PendingSum, @unchecked Sendable {
    private let values: UnsafeMutableBufferPointer<Float>
    private let done = DispatchSemaphore(value: 0)
    private var status: Int32 = 0
    private var waited = false

    init(_ values: UnsafeMutableBufferPointer<Float>) { self.values = values }

    deinit {
        // The sum writes into memory its starter owns: it must be over before that memory can go.
        if !waited { done.wait() }
    }

    func run() {
        status = MPI_Allreduce(
            autobw_mpi_in_place(), values.baseAddress, Int32(values.count), autobw_mpi_float(), autobw_mpi_sum(),
            autobw_mpi_world())
        done.signal()
    }

    func wait() throws {
        if !waited {
            done.wait()
            waited = true
        }
        try check(status)
    }
}
