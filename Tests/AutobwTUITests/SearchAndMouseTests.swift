import Autobw
import AutobwTrainer
import Testing
@testable import AutobwTUI

/// `/` finds tape entries by op or scope, `f`/`F` the next and previous match; the mouse focuses and scrolls.
@Suite struct SearchAndMouseTests {
    func snapshotWithTape() throws -> RunSnapshot {
        var snapshot = ScreenFixtures.snapshot(losses: (0..<40).map { Float(40 - $0) })
        snapshot.tape = try ScreenFixtures.longTape(count: 9)
        return snapshot
    }

    func type(_ text: String, into dashboard: inout Dashboard, _ snapshot: RunSnapshot) {
        for character in text { _ = dashboard.handle(.character(character), snapshot) }
    }

    @Test func slashFindsTheFirstEntryWhoseOpMatchesAndFGoesOnToTheNext() throws {
        let snapshot = try snapshotWithTape()
        var dashboard = Dashboard()
        _ = dashboard.handle(.character("/"), snapshot)
        type("ADD", into: &dashboard, snapshot)
        _ = dashboard.handle(.enter, snapshot)
        // Entries alternate mul, add: the adds are #1, #3, #5, #7.
        #expect(dashboard.tapeSelection == 1)
        #expect(dashboard.focus == .tape)
        #expect(dashboard.notice == "/ADD: #1 add_scalar, match 1 of 4 (f next, F previous)")
        _ = dashboard.handle(.character("f"), snapshot)
        #expect(dashboard.tapeSelection == 3)
        _ = dashboard.handle(.character("F"), snapshot)
        _ = dashboard.handle(.character("F"), snapshot)
        #expect(dashboard.tapeSelection == 7)
    }

    @Test func aSearchMatchesScopesTooAndSaysWhenNothingMatches() throws {
        let snapshot = try snapshotWithTape()
        var dashboard = Dashboard()
        dashboard.search = "nothing here"
        _ = dashboard.handle(.character("f"), snapshot)
        #expect(dashboard.notice == "/nothing here: no entry's op or scope matches")
        #expect(dashboard.tapeSelection == nil)
        dashboard.search = "chain"
        _ = dashboard.handle(.character("f"), snapshot)
        #expect(dashboard.tapeSelection == 0)
    }

    @Test func theSearchPromptShowsWhatIsTypedOnANarrowScreen() throws {
        let snapshot = try snapshotWithTape()
        var dashboard = Dashboard()
        _ = dashboard.handle(.character("/"), snapshot)
        type("softmax_cross", into: &dashboard, snapshot)
        let rows = dashboard.render(snapshot, width: 60, height: 20).text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows[18].contains("/softmax_cross█"))
    }

    @Test func aClickFocusesThePanelUnderItAndOnTheChartPutsTheCursorThere() throws {
        let snapshot = try snapshotWithTape()
        var dashboard = Dashboard()
        dashboard.screenSize = (80, 24)
        let layout = dashboard.layout(for: snapshot, width: 80, height: 24)
        let tape = try #require(layout.area(of: .tape)), chart = try #require(layout.area(of: .loss))
        _ = dashboard.handle(.mouse(.click, x: tape.x + 3, y: tape.y + 2), snapshot)
        #expect(dashboard.focus == .tape)
        // Plot column 5 of the chart holds dot columns 10 and 11: steps 10 and 11 of 40.
        _ = dashboard.handle(.mouse(.click, x: chart.x + 1 + LineChart.labelWidth + 5, y: chart.y + 3), snapshot)
        #expect(dashboard.focus == .loss)
        #expect(dashboard.chart.cursorStep == 10)
    }

    @Test func theWheelScrollsThePanelUnderIt() throws {
        let snapshot = try snapshotWithTape()
        var dashboard = Dashboard()
        dashboard.screenSize = (80, 24)
        let tape = try #require(dashboard.layout(for: snapshot, width: 80, height: 24).area(of: .tape))
        _ = dashboard.handle(.mouse(.wheelDown, x: tape.x + 3, y: tape.y + 2), snapshot)
        _ = dashboard.handle(.mouse(.wheelDown, x: tape.x + 3, y: tape.y + 2), snapshot)
        #expect(dashboard.tapeSelection == 6)
        _ = dashboard.handle(.mouse(.wheelUp, x: tape.x + 3, y: tape.y + 2), snapshot)
        #expect(dashboard.tapeSelection == 3)
    }
}
