import Autobw
import Testing
@testable import AutobwTrainer

/// The debugger's `c`: what it keeps of the entries it passes and of the one it stops at.
@Suite struct ReplayContinuationTests {
    /// A replay of sum(tanh(x * 2)), opened as the debugger opens one: sum, tanh, then the product.
    func openReplay() throws -> (OpenStep, [TapeEntryInfo]) {
        let tape = Tape()
        let x = tape.watch(Tensor([0.5, -1, 2]), name: "x")
        let loss = try tape.record { try (x * 2).tanh().sum() }
        let replay = try tape.replay(from: loss)
        return (OpenStep(step: 0, loss: try loss.item(), replay: replay), replay.entries)
    }

    @Test func itStopsAtTheFirstEntryABreakpointMatchesWithThatEntryInFull() throws {
        let (open, described) = try openReplay()
        let continued = try ReplayContinuation(
            next: open.next, described: described, until: Breakpoint.entry("tanh").stopReason(at:))
        #expect(continued.entries.map(\.entry.op.rawValue) == ["sum", "tanh"])
        #expect(continued.stopReason == "breakpoint: op or scope tanh")
        let stop = try #require(continued.entries.last)
        #expect(stop.incomingValues == [1, 1, 1])
        #expect(stop.incomingHistograms.count == 1 && stop.sentHistograms.count == 1)
        #expect(open.replay.peek() == described.first)  // the product, recorded first, is left
    }

    @Test func anEntryItPassesKeepsItsStatisticsButNoValuesOrHistograms() throws {
        let (open, described) = try openReplay()
        let continued = try ReplayContinuation(next: open.next, described: described) { _ in nil }
        #expect(continued.entries.count == 3 && continued.stopReason == nil)
        let passed = continued.entries[1]
        #expect(passed.incomingValues.isEmpty && passed.incomingHistograms.isEmpty && passed.sentHistograms.isEmpty)
        #expect(passed.incoming.first?.count == 3 && passed.sent.first??.count == 3)
        // The last entry replayed is shown in full, as a stepped one.
        #expect(continued.entries[2].incomingValues.count == 3)
    }

    @Test func itsViewsAreTheViewsOfSteppingOneEntryAtATime() throws {
        let (open, described) = try openReplay()
        let continued = try ReplayContinuation(next: open.next, described: described) { _ in nil }
        let (stepped, _) = try openReplay()
        var views = [ReplayedEntry]()
        while let step = try stepped.next() { views.append(ReplayedEntry(step)) }
        #expect(continued.entries.map(\.entry) == views.map(\.entry))
        #expect(continued.entries.map(\.incoming) == views.map(\.incoming))
        #expect(continued.entries.map(\.sent) == views.map(\.sent))
        #expect(continued.entries.last == views.last)
    }
}
