import Foundation
import Autobw
import AutobwTrainer
import Testing
@testable import AutobwTUI

/// What each key does: the commands it sends and the view it changes.
@Suite struct DashboardKeyTests {
    let running = ScreenFixtures.snapshot(losses: [3, 2, 1])

    func stepping(replayed: Int) throws -> RunSnapshot {
        var snapshot = running
        snapshot.state = .stepping
        snapshot.debugger = try ScreenFixtures.coinFlipDebugger(steps: replayed)
        return snapshot
    }

    @Test func spacePausesARunningRunAndResumesAPausedOne() {
        var dashboard = Dashboard()
        #expect(dashboard.handle(.character(" "), running).commands == [.pause])
        var paused = running
        paused.state = .paused
        #expect(dashboard.handle(.character(" "), paused).commands == [.resume])
    }

    @Test func sAsksForStepModeAndNextReplaysAnEntry() throws {
        var dashboard = Dashboard()
        #expect(dashboard.handle(.character("s"), running).commands == [.stepMode])
        #expect(dashboard.handle(.character("n"), try stepping(replayed: 0)).commands == [.next])
        #expect(dashboard.handle(.right, try stepping(replayed: 0)).commands == [.next])
    }

    @Test func backReviewsEarlierEntriesAndNextReturnsBeforeReplayingMore() throws {
        var dashboard = Dashboard()
        let snapshot = try stepping(replayed: 2)
        #expect(dashboard.handle(.character("p"), snapshot).commands.isEmpty)
        #expect(dashboard.review == 0)
        #expect(dashboard.handle(.left, snapshot).commands.isEmpty)
        #expect(dashboard.review == 0)
        #expect(dashboard.handle(.character("n"), snapshot).commands.isEmpty)
        #expect(dashboard.review == nil)
        #expect(dashboard.handle(.character("n"), snapshot).commands == [.next])
    }

    @Test func aTypedBreakpointIsSentAndANonsenseOneIsRefusedWithANotice() {
        var dashboard = Dashboard()
        _ = dashboard.handle(.character("b"), running)
        var commands = [RunCommand]()
        for character in ">1e3" { commands += dashboard.handle(.character(character), running).commands }
        commands += dashboard.handle(.enter, running).commands
        #expect(commands == [.setBreakpoint(.normAbove(1000))])
        _ = dashboard.handle(.character("b"), running)
        _ = dashboard.handle(.character("x"), running)
        #expect(dashboard.handle(.enter, running).commands.isEmpty)
        #expect(dashboard.notice?.hasPrefix("not a breakpoint") == true)
    }

    @Test func chartKeysToggleLogYHistoryAndSmoothing() {
        var dashboard = Dashboard()
        let smoothing = dashboard.chart.smoothingIndex
        _ = dashboard.handle(.character("l"), running)
        _ = dashboard.handle(.character("h"), running)
        _ = dashboard.handle(.character("+"), running)
        #expect(dashboard.chart.logY && dashboard.chart.wholeHistory && dashboard.chart.smoothingIndex == smoothing + 1)
    }

    @Test func arrowsOnTheChartMoveItsCursorWithinTheHistory() {
        var dashboard = Dashboard()
        _ = dashboard.handle(.left, running)
        #expect(dashboard.chart.cursorStep == 1)
        for _ in 0..<5 { _ = dashboard.handle(.left, running) }
        #expect(dashboard.chart.cursorStep == 0)
    }

    @Test func enterOnTheChartCursorReopensThatStepWhenItIsWithinReach() {
        var dashboard = Dashboard()
        var snapshot = running
        snapshot.reopenable = 1..<3
        dashboard.chart.cursorStep = 1
        #expect(dashboard.handle(.enter, snapshot).commands == [.reopen(step: 1)])
        #expect(dashboard.focus == .debugger)
        var far = Dashboard()
        far.chart.cursorStep = 0
        #expect(far.handle(.enter, snapshot).commands.isEmpty)
        #expect(far.notice == "step 0 cannot be reopened: steps 1-2 can")
    }

    @Test func tAsksForAStepNumberToReopen() {
        var dashboard = Dashboard()
        var snapshot = running
        snapshot.reopenable = 0..<3
        _ = dashboard.handle(.character("t"), snapshot)
        _ = dashboard.handle(.character("2"), snapshot)
        #expect(dashboard.handle(.enter, snapshot).commands == [.reopen(step: 2)])
    }

    @Test func tabMovesFocusThroughThePanelsOnScreen() {
        var dashboard = Dashboard()
        var seen = [PanelID]()
        for _ in 0..<3 {
            _ = dashboard.handle(.tab, running)
            seen.append(dashboard.focus)
        }
        #expect(seen == [.tape, .gradients, .loss])
    }

    @Test func qAndCtrlCQuit() {
        var dashboard = Dashboard()
        #expect(dashboard.handle(.character("q"), running).quit)
        #expect(dashboard.handle(.interrupt, running).quit)
    }
}

/// The gradients panel while stepping shows the replay so far, not the last finished step.
@Suite struct ReplayGradientTests {
    @Test func parametersShowTheirGradientAccumulatedUpToTheEntryOnScreen() throws {
        let debugger = try ScreenFixtures.coinFlipDebugger(steps: 2)
        var dashboard = Dashboard()
        let (parameters, entries) = dashboard.replayGradients(debugger, order: [])
        #expect(parameters.map(\.name) == ["w"])
        #expect(abs(parameters[0].norm - Float(5).squareRoot()) < 1e-5)
        #expect(entries == [Float(2).squareRoot(), 1])
        dashboard.review = 0
        let (early, earlyEntries) = dashboard.replayGradients(debugger, order: ["w"])
        #expect(early.map(\.norm) == [0] && earlyEntries == [-1, 1])
    }
}

/// The status line offers only the keys that apply now.
@Suite struct HintTests {
    @Test func aRunThatEndedOrADumpNoLongerOffersSpace() throws {
        let dashboard = Dashboard()
        var snapshot = ScreenFixtures.snapshot(losses: [3, 2, 1])
        #expect(dashboard.hints(for: snapshot).hasPrefix("space pause"))
        for ended in [RunSnapshot.State.finished, .diverged("x"), .failed("y")] {
            snapshot.state = ended
            #expect(!dashboard.hints(for: snapshot).contains("space"), "\(ended)")
        }
        snapshot.debugger = try ScreenFixtures.coinFlipDebugger(steps: 1)
        #expect(!dashboard.hints(for: snapshot).contains("space"))
        snapshot.state = .stepping
        #expect(dashboard.hints(for: snapshot).contains("space resume"))
        snapshot.source = "dump.json"
        #expect(!dashboard.hints(for: snapshot).contains("space"))
    }
}

/// One key table: what is handled, listed in help and hinted comes from `KeyBinding.table`.
@Suite struct KeyTableTests {
    @Test func everyActionHasAKeyAndNoKeyHasTwoActions() {
        #expect(Set(KeyBinding.table.map(\.action)) == Set(KeyAction.allCases))
        let keys = KeyBinding.table.flatMap(\.keys)
        #expect(keys.count == Set(keys.map { "\($0)" }).count)
    }

    @Test func theHelpListsEveryLabelledRowAndTheHintsComeFromTheTable() {
        #expect(HelpOverlay.keys.map(\.0) == KeyBinding.table.map(\.label).filter { !$0.isEmpty })
        #expect(KeyBinding.hints(.training) == "space pause  s step  m charts  ? help  q quit")
        #expect(KeyBinding.hints(.replaying) == "n next  p back  c continue  b break  ? help  q quit")
    }

    @Test func homeAndEndOrGAndShiftGGoToTheFirstAndLastStep() {
        var dashboard = Dashboard()
        let snapshot = ScreenFixtures.snapshot(losses: [5, 4, 3, 2, 1])
        _ = dashboard.handle(.character("g"), snapshot)
        #expect(dashboard.chart.cursorStep == 0)
        _ = dashboard.handle(.end, snapshot)
        #expect(dashboard.chart.cursorStep == 4)
        _ = dashboard.handle(.home, snapshot)
        _ = dashboard.handle(.character("G"), snapshot)
        #expect(dashboard.chart.cursorStep == 4)
    }
}

/// README's key table is the one key table, as Markdown.
@Suite struct ReadmeKeyTableTests {
    @Test func readmeListsExactlyTheKeysOfTheKeyTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- keys: generated from KeyBinding.table -->\n"))
        let end = try #require(readme.range(of: "\n<!-- /keys -->", range: start.upperBound..<readme.endIndex))
        #expect(String(readme[start.upperBound..<end.lowerBound]) == KeyBinding.markdown)
    }
}
