import Autobw
import AutobwTrainer
import Testing
@testable import AutobwTUI

/// The tape list, the debugger panel and a whole screen, drawn at fixed sizes.
@Suite struct PanelTests {
    @Test func theTapeListScrollsToKeepTheSelectedEntryInTheMiddle() throws {
        var buffer = CellBuffer(width: 64, height: 8)
        TapeList(entries: try ScreenFixtures.longTape(count: 50), selected: 40, expanded: false)
            .render(into: &buffer, area: buffer.bounds)
        #expect(buffer.text == """
                #36 chain   mul_scalar [3]
                #37 chain   add_scalar [3]
                #38 chain   mul_scalar [3]
                #39 chain   add_scalar [3]
                #40 chain   mul_scalar [3]
                #41 chain   add_scalar [3]
                #42 chain   mul_scalar [3]
                #43 chain   add_scalar [3]
            """)
        #expect(buffer[4, 4].style == .selected)
    }

    @Test func theTapeListStopsScrollingAtTheLastEntry() throws {
        var buffer = CellBuffer(width: 64, height: 4)
        TapeList(entries: try ScreenFixtures.longTape(count: 10), selected: 9, expanded: false)
            .render(into: &buffer, area: buffer.bounds)
        #expect(buffer.text.split(separator: "\n").map { $0.split(separator: " ")[0] } == ["#6", "#7", "#8", "#9"])
    }

    @Test func theDebuggerShowsTheGradientsOfTheCoinFlipKnownByHand() throws {
        var buffer = CellBuffer(width: 60, height: 18)
        DebuggerPanel(state: try ScreenFixtures.coinFlipDebugger(steps: 2), shown: nil).render(into: &buffer, area: buffer.bounds)
        // x = [1, 2] sent to w and w = [3, 4] to x: each histogram has one value at each end.
        #expect(buffer.text == """
            step 7  loss 11  replayed 2 entries  done
            #0 mul  at AutobwTUITests/ScreenFixtures.swift:15
            shapes [2] [2] -> [2]
            incoming gradient
              norm 1.414  min 1  max 1  mean 1
                1             █            1  zeros 0
              values 0-1 of 2 ([ ]): 1 1
            sent to inputs
              watched x      norm 5  min 3  max 4  mean 3.5
                3 █                      █ 4  zeros 0
              w              norm 2.236  min 1  max 2  mean 1.5
                1 █                      █ 2  zeros 0
            parameters touched, accumulated so far
              w              norm 2.236  min 1  max 2  mean 1.5

            replay done: space applies the update and resumes, s steps
                  into the next step
            breakpoint: first non-finite gradient (b sets one)
            """)
    }

    @Test func onAShortPanelTheLeastImportantLinesGiveWayAndItSaysHowMany() throws {
        var buffer = CellBuffer(width: 60, height: 10)
        var state = try ScreenFixtures.coinFlipDebugger(steps: 2)
        state.stopReason = "breakpoint: op mul"
        DebuggerPanel(state: state, shown: nil).render(into: &buffer, area: buffer.bounds)
        let rows = buffer.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(rows.first == "step 7  loss 11  replayed 2 entries  done")
        #expect(rows[1] == "stopped: breakpoint: op mul")
        #expect(rows[2].hasPrefix("#0 mul"))
        // What was sent to each input stays; histograms, values and the breakpoint line give way first.
        #expect(rows.contains { $0.hasPrefix("  watched x      norm 5") })
        #expect(!rows.contains { $0.contains("zeros") })
        #expect(rows.last?.hasPrefix("… ") == true && rows.last?.hasSuffix("more lines in a taller window") == true)
    }

    @Test func aHistogramMarksWhereZeroFallsBetweenItsMinimumAndMaximum() {
        let values = Tensor([-2, -1, 0, 0, 1, 3])
        let text = DebuggerPanel.histogram(values.histogram(bins: 5), values.statistics())
        // Bins of width 1 from -2 to 3 hold 1, 1, 2 (the zeros), 1 and 1: zero falls two bins in.
        #expect(text == "-2 ▄▄┊█▄▄ 3  zeros 2")
    }

    @Test func reviewingAnEarlierEntryShowsItAndSaysSo() throws {
        var buffer = CellBuffer(width: 80, height: 3)
        DebuggerPanel(state: try ScreenFixtures.coinFlipDebugger(steps: 2), shown: 0).render(into: &buffer, area: buffer.bounds)
        #expect(buffer.text.hasPrefix("step 7  loss 11  replayed 2 entries  (reviewing 1 of 2)  done\n#1 sum"))
    }

    @Test func aNonFiniteGradientIsDrawnAsAnAlarm() {
        let statistics = Tensor([1, .nan, .infinity]).statistics()
        #expect(DebuggerPanel.summary(statistics).hasSuffix("NaN 1 +Inf 1 -Inf 0"))
        #expect(DebuggerPanel.style(statistics) == .alarm)
    }

    @Test func theStepModeScreenAt80x24ShowsTheDebuggerAboveTheTape() throws {
        var snapshot = ScreenFixtures.snapshot(losses: [2, 1.5, 1.2, 1.0, 0.9], preset: "coin-flip")
        snapshot.debugger = try ScreenFixtures.coinFlipDebugger(steps: 1)
        snapshot.state = .stepping
        var dashboard = Dashboard()
        dashboard.focus = .debugger
        #expect(dashboard.render(snapshot, width: 80, height: 24).text == """
            ┌─ Debugger ───────────────────────────────────────────────────────────────────┐
            │step 7  loss 11  replayed 1 entry                                             │
            │#1 sum  at AutobwTUITests/ScreenFixtures.swift:15                             │
            │shapes [2] -> []                                                              │
            │incoming gradient                                                             │
            │  norm 1  min 1  max 1  mean 1                                                │
            │    1             █            1  zeros 0                                     │
            │  values 0-0 of 1 ([ ]): 1                                                    │
            │sent to inputs                                                                │
            │  #0             norm 1.414  min 1  max 1  mean 1                             │
            │    1             █            1  zeros 0                                     │
            │                                                                              │
            │next: #0 mul                                                                  │
            │breakpoint: first non-finite gradient (b sets one)                            │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌─ Tape · 2 entries · step 7 replay ───────────────────────────────────────────┐
            │     #0 -       mul   [2]                                                     │
            │▶    #1 -       sum   []                                                      │
            │      in   #0 [2]                                                             │
            │      at   AutobwTUITests/ScreenFixtures.swift:15                             │
            │                                                                              │
            │                                                                              │
            └──────────────────────────────────────────────────────────────────────────────┘
             stepping  │ 5/100 done        space resume  n next  p back  c continue  ? help
            """)
    }

    @Test func aWideScreenWhileTrainingHasTheChartTapeGradientsAndSample() {
        var snapshot = ScreenFixtures.snapshot(losses: [2, 1.5, 1.2, 1.0, 0.9], preset: "char-lstm")
        snapshot.sample = "ROMEO: hello"
        let text = Dashboard().render(snapshot, width: 120, height: 40).text
        for title in ["─ Loss", "─ Tape", "─ Gradient norms", "─ Sample", "ROMEO: hello", " running "] {
            #expect(text.contains(title), "missing \(title)")
        }
    }

    @Test func wideCharactersAndControlsAreDrawnAsOneColumnEach() {
        var buffer = CellBuffer(width: 6, height: 1)
        buffer.write("a\u{7}日b", x: 0, y: 0)
        #expect(buffer.text == "a??b")
    }
}

/// The gradient bars: sorted on request, non-finite values flagged.
@Suite struct GradientBarsTests {
    func render(_ bars: GradientBars) -> [String] {
        var buffer = CellBuffer(width: 40, height: 4)
        bars.render(into: &buffer, area: buffer.bounds)
        return buffer.text.split(separator: "\n").map(String.init)
    }

    @Test func oSortsTheParametersByNormLargestFirst() {
        let norms = [ParameterNorm(name: "a", norm: 1), ParameterNorm(name: "b", norm: 3)]
        var dashboard = Dashboard()
        _ = dashboard.handle(.character("o"), ScreenFixtures.snapshot(losses: [1]))
        let lines = render(GradientBars(parameters: norms, sortedByNorm: dashboard.gradientsByNorm, entryNorms: nil, step: nil, tape: []))
        #expect(lines[1].hasPrefix("b ") && lines[2].hasPrefix("a "))
        #expect(render(GradientBars(parameters: norms, sortedByNorm: false, entryNorms: nil, step: nil, tape: []))[1].hasPrefix("a "))
    }

    @Test func aNonFiniteNormIsFlagged() {
        let lines = render(GradientBars(
            parameters: [ParameterNorm(name: "w", norm: .nan)], sortedByNorm: false, entryNorms: nil, step: nil, tape: []))
        #expect(lines[1].contains("nan") && lines[1].contains("!! non-finite"))
    }

    /// Before a replay reaches a parameter its norm is 0: its bar is empty, not full.
    @Test func aBarsLengthFollowsItsValueAndZeroIsEmpty() {
        let zeros = render(GradientBars(
            parameters: [ParameterNorm(name: "w", norm: 0), ParameterNorm(name: "b", norm: 0)], sortedByNorm: false,
            entryNorms: nil, step: nil, tape: []))
        #expect(zeros == ["parameters (model order)", "w             0", "b             0"], "\(zeros)")
        let lines = render(GradientBars(
            parameters: [ParameterNorm(name: "w", norm: 2), ParameterNorm(name: "b", norm: 1), ParameterNorm(name: "c", norm: 0)],
            sortedByNorm: false, entryNorms: nil, step: nil, tape: []))
        let lengths = lines.dropFirst().map { $0.filter { $0 == "█" }.count }
        #expect(lengths[0] > 0 && abs(lengths[1] * 2 - lengths[0]) <= 1 && lengths[2] == 0, "\(lines)")
    }
}

/// The chart's cursor and the gradient panel show one step: a past step's parameter and entry norms together,
/// labelled, never the latest parameters beside a past step's entries.
@Suite struct CursorStepTests {
    func screen(cursor: Int?) -> String {
        var snapshot = ScreenFixtures.snapshot(losses: [3, 2, 1])
        for step in 0..<3 {
            snapshot.entryNorms.append(step: step, reports: [], parameters: [ParameterNorm(name: "weightzz", norm: Float(7 + step))])
        }
        snapshot.latest = nil
        var dashboard = Dashboard()
        dashboard.chart.cursorStep = cursor
        return dashboard.render(snapshot, width: 120, height: 40).text
    }

    func parameterLine(_ text: String) -> String {
        text.split(separator: "\n").first { $0.contains("weightzz") }.map(String.init) ?? ""
    }

    @Test func atAPastStepTheGradientPanelShowsThatStepsParameterNorms() {
        let text = screen(cursor: 0)
        #expect(text.contains("Gradient norms · step 0 (cursor)"))
        #expect(parameterLine(text).contains(" 7 ") && !parameterLine(text).contains(" 9 "))
    }

    @Test func withoutACursorItShowsTheLatestStepAndSaysSo() {
        let text = screen(cursor: nil)
        #expect(text.contains("Gradient norms · step 2 (latest)"))
        #expect(parameterLine(text).contains(" 9 "))
    }
}

/// A terminal whose locale is not UTF-8 (`LANG=C`) is drawn in ASCII.
@Suite struct ASCIIFallbackTests {
    @Test func everyCellOfABusyScreenBecomesASCIIWithBordersBarsAndTheChartStillDrawn() throws {
        let running = ScreenFixtures.snapshot(losses: (0..<200).map { 3 / Float($0 + 1) }, preset: "coin-flip")
        var stepping = running
        stepping.debugger = try ScreenFixtures.coinFlipDebugger(steps: 2)
        stepping.state = .stepping
        let screens = [running, stepping].map { Dashboard().render($0, width: 120, height: 40) }
        #expect(screens.allSatisfy { $0.text.unicodeScalars.contains { !$0.isASCII } })
        let chart = screens[0].asciiOnly.text, debugger = screens[1].asciiOnly.text
        for text in [chart, debugger] {
            #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
            // Every glyph the screens use has a stand-in: no `?` but the help hint's.
            #expect(!text.replacingOccurrences(of: "? help", with: "").contains("?"), "\(text)")
        }
        #expect(chart.contains("+- Loss") && chart.contains("3|") && chart.contains(":"))
        #expect(debugger.contains("+- Debugger") && debugger.contains("w         2.236 ####"))
    }

    @Test func brailleBecomesAMarkForWhereItsDotsAre() {
        #expect(ASCIIFallback.character("⠁") == "'")
        #expect(ASCIIFallback.character("⣀") == ".")
        #expect(ASCIIFallback.character("⣿") == ":")
        #expect(ASCIIFallback.character("é") == "?")
        #expect(ASCIIFallback.character("a") == "a")
    }
}

/// The status line names the step its loss belongs to, as the debugger and the metrics file do.
@Suite struct StatusLineTests {
    @Test func theLossIsNamedWithItsStepBesideTheCountOfStepsDone() {
        var snapshot = ScreenFixtures.snapshot(losses: [3, 2, 1])
        snapshot.latest = StepMetrics(
            step: 56, loss: 2.967, gradientNorm: 1, learningRate: 0.1, milliseconds: 1, samplesPerSecond: 1,
            parameterGradientNorms: [], entries: [])
        snapshot.stepsDone = 57
        var buffer = CellBuffer(width: 120, height: 1)
        StatusLine(snapshot: snapshot, hints: "").render(into: &buffer, area: buffer.bounds)
        #expect(buffer.text.contains("57/100 done │ step 56 loss 2.967 │ lr 0.1"), "\(buffer.text)")
    }
}
