import AutobwTrainer
import CMPI
import Foundation

/// The processes `mpirun` started, as a `ProcessGroup`: the only code that talks to MPI.
///
/// MPI's default error handler aborts the whole job on a communication failure, and `abort(code:)` ends every
/// process of the job: a failing rank never leaves the others waiting in a collective.
public final class MPIProcessGroup: ProcessGroup {
    public let rank: Int
    public let size: Int
    private var started: [MPIPendingSum] = []

    /// Whether this process was started by `mpirun` (Open MPI sets these before `main`).
    public static var isLaunchedByMPI: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// Joins the job; call once.
    public init() {
        MPI_Init(nil, nil)
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(autobw_mpi_world(), &rank)
        MPI_Comm_size(autobw_mpi_world(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// Leaves the job normally.
    public func finalize() { MPI_Finalize() }

    /// Ends every process of the job with `code`.
    public func abort(code: Int32) -> Never {
        MPI_Abort(autobw_mpi_world(), code)
        exit(code)
    }

    public func broadcast(_ values: inout [Float], root: Int) throws {
        let count = Int32(values.count)
        values.withUnsafeMutableBufferPointer { buffer in
            _ = MPI_Bcast(buffer.baseAddress, count, autobw_mpi_float(), Int32(root), autobw_mpi_world())
        }
    }

    public func sum(_ values: [Float]) throws -> [Float] {
        var result = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                _ = MPI_Allreduce(
                    source.baseAddress, target.baseAddress, Int32(values.count), autobw_mpi_float(), autobw_mpi_sum(),
                    autobw_mpi_world())
            }
        }
        return result
    }

    public func startSum(_ values: [Float]) throws -> PendingSum {
        let pending = MPIPendingSum(values)
        started.append(pending)
        return pending
    }

    public func gather(_ values: [Float]) throws -> [Float] {
        var result = [Float](repeating: 0, count: values.count * size)
        values.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                _ = MPI_Allgather(
                    source.baseAddress, Int32(values.count), autobw_mpi_float(), target.baseAddress, Int32(values.count),
                    autobw_mpi_float(), autobw_mpi_world())
            }
        }
        return result
    }

    /// Open MPI moves a nonblocking collective on only inside MPI calls: testing the started sums from the
    /// replay's observer is what lets them overlap the rest of the replay.
    public func progress() {
        started.removeAll { $0.isDone }
        for pending in started { pending.test() }
    }
}

/// A nonblocking sum in flight: its buffers are allocated here and stay put until it completes.
final class MPIPendingSum: PendingSum {
    private let count: Int
    private let send: UnsafeMutablePointer<Float>
    private let receive: UnsafeMutablePointer<Float>
    private var request: MPI_Request?
    private(set) var isDone = false

    init(_ values: [Float]) {
        count = values.count
        send = .allocate(capacity: max(count, 1))
        receive = .allocate(capacity: max(count, 1))
        values.withUnsafeBufferPointer { send.initialize(from: $0.baseAddress!, count: count) }
        request = autobw_mpi_request_null()
        MPI_Iallreduce(send, receive, Int32(count), autobw_mpi_float(), autobw_mpi_sum(), autobw_mpi_world(), &request)
    }

    deinit {
        if !isDone { MPI_Wait(&request, nil) }
        send.deallocate()
        receive.deallocate()
    }

    func test() {
        guard !isDone else { return }
        var flag: Int32 = 0
        MPI_Test(&request, &flag, nil)
        if flag != 0 { isDone = true }
    }

    func wait() throws -> [Float] {
        if !isDone {
            MPI_Wait(&request, nil)
            isDone = true
        }
        return Array(UnsafeBufferPointer(start: receive, count: count))
    }
}
