import Autobw
import AutobwTrainer
import Testing
@testable import AutobwTUI

/// The whole screen at the sizes people use: what matters stays on it, wrapped or elided, never cut.
@Suite struct ScreenSizeTests {
    static let sizes = [(60, 20), (80, 24), (120, 40), (200, 60)]

    /// A step whose last entry splits a value in two, replayed to it, with a long creation site and a stop reason.
    func steppingSnapshot() throws -> RunSnapshot {
        let tape = Tape(options: [.recordsOutputStatistics, .recordsOutputHistograms])
        let x = tape.watch(Tensor([1, -2, 3, 4]), name: "input values of a long name")
        let w = Parameter(Tensor([0.5, 0, -1.5, 2]), name: "model.layers.0.attention.query.weight")
        let loss = try tape.record {
            try withScope("model.layers.0.attention") {
                let pieces = try (x * w.value).split(axis: 0, sizes: [1, 3])
                return try (pieces[0].sum() + pieces[1].sum())
            }
        }
        let replay = try tape.replay(from: loss)
        var state = DebuggerState(step: 12, loss: try loss.item(), entries: replay.entries, next: replay.peek())
        while let step = try replay.step() {
            state.replayed.append(ReplayedEntry(step))
            if step.entry.op == .split { break }
        }
        state.next = replay.peek()
        state.stopReason = "breakpoint: op split (the first entry in replay order whose op is split, at step 12)"
        var snapshot = ScreenFixtures.snapshot(losses: (0..<300).map { 2 / Float($0 + 1) }, preset: "custom-model")
        snapshot.debugger = state
        snapshot.state = .stepping
        return snapshot
    }

    func rows(_ snapshot: RunSnapshot, _ width: Int, _ height: Int) -> [String] {
        var dashboard = Dashboard()
        dashboard.focus = .debugger
        return dashboard.render(snapshot, width: width, height: height).text.split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
    }

    @Test(arguments: sizes)
    func theStatusLineKeepsTheHelpHintAtEverySize(width: Int, height: Int) throws {
        let training = ScreenFixtures.snapshot(losses: [3, 2, 1], preset: "char-lstm")
        for snapshot in [training, try steppingSnapshot()] {
            let status = try #require(rows(snapshot, width, height).last)
            #expect(status.hasSuffix("? help  q quit") || status.hasSuffix("? help"), "\(status)")
            #expect(status.contains(snapshot.state == .stepping ? " stepping " : " running "))
            // In the debugger, from 80 columns on, the next-entry key is offered.
            if snapshot.state == .stepping && width >= 80 { #expect(status.contains("n next"), "\(status)") }
        }
    }

    @Test(arguments: sizes)
    func whatTheStoppedEntrySentIsOnScreenWholeAtEverySize(width: Int, height: Int) throws {
        let screen = rows(try steppingSnapshot(), width, height).joined(separator: "\n")
        // The stop reason and the creation site wrap rather than being cut: every word of them is on screen.
        for word in ["breakpoint:", "split", "order", "whose", "step", "12)"] { #expect(screen.contains(word), "\(word)") }
        #expect(screen.contains("ScreenSizeTests.swift:"))
        // From 80x24 on, both outputs are named, and the gradient sent to the input is there too.
        guard width >= 80 else { return }
        #expect(screen.contains("out 0 [1]") && screen.contains("out 1 [3]"))
        #expect(screen.contains("sent to inputs"))
        #expect(screen.contains("norm 1.732"))
    }

    @Test(arguments: sizes)
    func wideScreensShowEachEntrysForwardOutputAndGradientHistograms(width: Int, height: Int) throws {
        let screen = rows(try steppingSnapshot(), width, height).joined(separator: "\n")
        guard height >= 40 else { return }
        #expect(screen.contains("output values"))
        #expect(screen.contains("zeros 0"))
        #expect(screen.contains("values 0-0 of 1"))
    }

    @Test func inTheDebuggerTheGradientPanelListsTheReplayedEntriesBeforeTheParameters() throws {
        let screen = rows(try steppingSnapshot(), 120, 40)
        let entries = try #require(screen.firstIndex { $0.contains("tape entries, step 12") })
        let parameters = try #require(screen.firstIndex { $0.contains("parameters (model order)") })
        #expect(entries < parameters)
    }

    @Test func theTapesOpColumnIsAsWideAsItsLongestOp() throws {
        let screen = rows(try steppingSnapshot(), 200, 60)
        let row = try #require(screen.first { $0.contains(" split ") && $0.contains("#1") })
        // Scope, op and shape columns follow each other at their contents' widths: no run of 13 blanks.
        #expect(row.contains("model.layers.0.attention split "))
        #expect(!row.contains("split" + String(repeating: " ", count: 8)))
    }

    @Test(arguments: [(8, 4), (12, 6), (19, 10), (25, 5)])
    func aScreenTooSmallSaysSoInFull(width: Int, height: Int) {
        let text = Dashboard().render(ScreenFixtures.snapshot(losses: [1]), width: width, height: height).text
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(words == "autobw needs at least 20x6" || height * width < 26)
    }
}
