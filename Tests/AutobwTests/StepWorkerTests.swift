import Foundation
import Synchronization
import Testing
@testable import Autobw

/// The second thread that LSTM layers hand per-timestep products to on several BLAS threads.
@Suite struct StepWorkerTests {
    /// A log the worker appends to and the test reads after waiting.
    final class Log: @unchecked Sendable {
        var entries = [Int]()
    }

    @Test func jobsRunInTheOrderSubmittedAndWaitingSeesTheirWrites() {
        let log = Log()
        var last = 0
        for index in 0..<3000 { last = StepWorker.shared.submit { log.entries.append(index) } }
        StepWorker.shared.wait(for: last)
        #expect(log.entries == Array(0..<3000))
    }

    final class Counter: Sendable {
        let runs = Atomic<Int>(0)
    }

    @Test func severalThreadsSubmittingGetEveryJobRunOnce() async {
        let counter = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var last = 0
                    for _ in 0..<500 { last = StepWorker.shared.submit { counter.runs.add(1, ordering: .relaxed) } }
                    StepWorker.shared.wait(for: last)
                }
            }
        }
        #expect(counter.runs.load(ordering: .relaxed) == 2000)
    }

    @Test func aWorkerThatFellAsleepWakesForTheNextJob() throws {
        let log = Log()
        // Long enough for the worker to stop spinning and sleep.
        Thread.sleep(forTimeInterval: 0.3)
        let ticket = StepWorker.shared.submit { log.entries.append(7) }
        StepWorker.shared.wait(for: ticket)
        #expect(log.entries == [7])
    }
}
