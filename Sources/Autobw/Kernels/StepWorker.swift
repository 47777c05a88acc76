import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A second thread that runs jobs in the order they were submitted, for work that can run beside a recurrence
/// on a second core: an LSTM layer's input products ahead of its timesteps, and its weight-gradient terms of
/// timestep `t` while the main thread goes on to `t - 1`. On two threads this took char-rnn's step from 32-39 ms
/// (OpenBLAS splitting one GEMM per gradient after the recurrence, its worker idle during it) to 24-27 ms.
///
/// Jobs pass through a ring of slots and two counters: a slot is written before `submitted` is released and
/// read after it is acquired, so running a job takes no lock (submitting takes one, for several submitting
/// threads). Between jobs the worker spins, yielding the CPU, for a while before it sleeps on a semaphore: a
/// recurrence hands it a job every few dozen microseconds.
final class StepWorker: @unchecked Sendable {
    typealias Job = @Sendable () -> Void

    /// The process's worker, started on first use.
    static let shared = StepWorker()

    /// The worker for LSTM layers' per-timestep products: on several BLAS threads, where a packed kernel runs
    /// them (on one, the layer runs them all itself); nil otherwise.
    static var forLayers: StepWorker? {
        BLAS.threadCount > 1 && PackedMatrix.fastestKernel != nil ? shared : nil
    }

    private let capacity = 1024
    private let slots: UnsafeMutablePointer<Job?>
    /// Serialises submitting threads; the counters below order the slots.
    private let submitting = Locked(())
    private let submitted = Atomic<Int>(0)
    private let completed = Atomic<Int>(0)
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    private init() {
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        let thread = Thread { [self] in run() }
        thread.name = "autobw step worker"
        thread.start()
    }

    /// Queues `job` and returns its ticket, for `wait(for:)`.
    @discardableResult
    func submit(_ job: @escaping Job) -> Int {
        submitting.withLock { _ in
            let ticket = submitted.load(ordering: .relaxed)
            // The ring is full: wait for the worker to free the slot.
            while ticket - completed.load(ordering: .acquiring) >= capacity { sched_yield() }
            slots[ticket % capacity] = job
            // Sequentially consistent with the worker's flag and check in `run`: neither may miss the other's store.
            submitted.store(ticket + 1, ordering: .sequentiallyConsistent)
            if sleeping.load(ordering: .sequentiallyConsistent) { wake.signal() }
            return ticket + 1
        }
    }

    /// Returns once every job up to `ticket` has run.
    func wait(for ticket: Int) {
        var spins = 0
        while completed.load(ordering: .acquiring) < ticket {
            spins += 1
            if spins > 64 { sched_yield() }
        }
    }

    private func run() {
        var next = 0, idle = 0
        while true {
            if next < submitted.load(ordering: .acquiring) {
                let slot = slots + next % capacity
                var job = slot.pointee
                slot.pointee = nil
                job?()
                // Released before the job counts as done: what it holds (tensors, packed operands) is then freed
                // on the thread that submitted it, into that thread's buffer pool.
                job = nil
                next += 1
                completed.store(next, ordering: .releasing)
                idle = 0
                continue
            }
            idle += 1
            if idle < 20_000 {
                sched_yield()
                continue
            }
            sleeping.store(true, ordering: .sequentiallyConsistent)
            // A job submitted between the check above and the flag would otherwise wait for the next one.
            if next < submitted.load(ordering: .sequentiallyConsistent) {
                sleeping.store(false, ordering: .sequentiallyConsistent)
                continue
            }
            wake.wait()
            sleeping.store(false, ordering: .sequentiallyConsistent)
            idle = 0
        }
    }
}
