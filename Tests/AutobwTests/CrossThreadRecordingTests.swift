import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Autobw

/// Work handed to another thread inside `record` is never a silent cut: it is recorded (task children) or it is
/// an error (threads and dispatch queues, which do not inherit the recording scope).
@Suite struct CrossThreadRecordingTests {
    @Test func anOpOnAThreadOnAValueBeingRecordedIsAnError() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let caught = Locked<(any Error)?>(nil)
        try tape.record {
            let h = try x * 2
            let thread = Thread {
                do { _ = try h.tanh() } catch { caught.withLock { $0 = error } }
            }
            thread.start()
            while !thread.isFinished { usleep(500) }
        }
        let error = caught.withLock { $0 }
        #expect(error as? TensorError == .recordingOnAnotherThread(op: "tanh"))
    }

    /// `concurrentPerform` runs some iterations on the calling thread (recorded) and some on workers (not):
    /// each iteration's result must be recorded or its op must have thrown, never an unrecorded value.
    @Test func concurrentPerformInsideRecordNeverCutsSilently() throws {
        let tape = Tape()
        let x = tape.watch(Tensor((0..<64).map(Float.init)))
        let outcomes = Locked<[String]>([])
        try tape.record {
            let parts = try x.chunked(16, axis: 0)
            DispatchQueue.concurrentPerform(iterations: 16) { i in
                let outcome: String
                do {
                    outcome = try (parts[i] * 2).sum().isRecorded ? "recorded" : "cut"
                } catch TensorError.recordingOnAnotherThread {
                    outcome = "error"
                } catch {
                    outcome = "other error"
                }
                outcomes.withLock { $0.append(outcome) }
            }
        }
        let seen = outcomes.withLock { $0 }
        #expect(seen.count == 16 && seen.allSatisfy { $0 == "recorded" || $0 == "error" }, "\(seen)")
    }

    @Test func taskGroupChildrenRecordOnTheParentsTape() async throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2, 3, 4]))
        let loss = try await tape.record { () async throws -> Tensor in
            let parts = try x.chunked(2, axis: 0)
            let sums = try await withThrowingTaskGroup(of: Tensor.self) { group in
                for part in parts { group.addTask { try (part * 3).sum() } }
                return try await group.reduce(into: [Tensor]()) { $0.append($1) }
            }
            return try sums[0] + sums[1]
        }
        try tape.backward(from: loss)
        #expect(try tape.gradient(of: x)?.scalars == [3, 3, 3, 3])
    }

    @Test func aThreadMayUseRecordedValuesOnceRecordingHasEnded() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let y = try tape.record { try x * 2 }
        let result = Locked<[Float]>([])
        let thread = Thread { result.withLock { $0 = (try? y.tanh().scalars) ?? [] } }
        thread.start()
        while !thread.isFinished { usleep(500) }
        #expect(result.withLock { $0.count } == 2)
    }

    @Test func withoutRecordingOnAnotherThreadUsesTheValueAsAConstant() throws {
        let tape = Tape()
        let x = tape.watch(Tensor([1, 2]))
        let result = Locked<Bool>(false)
        try tape.record {
            let h = try x * 2
            let thread = Thread { result.withLock { $0 = (try? withoutRecording { try h.tanh() }) != nil } }
            thread.start()
            while !thread.isFinished { usleep(500) }
        }
        #expect(result.withLock { $0 })
    }
}
