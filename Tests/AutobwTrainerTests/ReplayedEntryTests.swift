import Autobw
import Testing
@testable import AutobwTrainer

/// What the debugger keeps of each replayed entry.
@Suite struct ReplayedEntryTests {
    func steppedSum(count: Int) throws -> ReplayStep {
        let tape = Tape()
        let x = tape.watch(Tensor((0..<count).map { Float($0) - 100 }), name: "x")
        let loss = try tape.record { try (x * x).sum() }
        let replay = try tape.replay(from: loss)
        _ = try replay.step()  // the sum
        return try #require(try replay.step())  // the product: its incoming gradient is `count` ones
    }

    @Test func aLiveEntryKeepsTheFirst256IncomingValuesAndHistogramsOfWhatItReceivedAndSent() throws {
        let entry = ReplayedEntry(try steppedSum(count: 300))
        #expect(entry.incomingValues.count == ReplayedEntry.valueSliceLength)
        #expect(entry.incomingValues.allSatisfy { $0 == 1 })
        #expect(entry.incomingHistograms.map { $0.counts.reduce(0, +) } == [300])
        // x * x sends the other factor, x = -100 ... 199, to each of its two inputs.
        #expect(entry.sentHistograms.count == 2)
        let sent = try #require(entry.sentHistograms.first ?? nil)
        #expect(sent.lower == -100 && sent.upper == 199 && sent.counts.reduce(0, +) == 300)
    }

    @Test func aDumpsEntryKeepsNeitherValuesNorHistograms() throws {
        let entry = ReplayedEntry(try steppedSum(count: 300), valueCount: 0, histograms: false)
        #expect(entry.incomingValues.isEmpty && entry.incomingHistograms.isEmpty && entry.sentHistograms.isEmpty)
        #expect(entry.incoming.first?.count == 300)
    }
}
