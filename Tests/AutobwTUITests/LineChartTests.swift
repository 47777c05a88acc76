import Foundation
import Testing
@testable import AutobwTUI

/// The line chart, drawn into buffers and read back as text.
@Suite struct LineChartTests {
    func render(_ losses: [Float], width: Int = 30, height: Int = 8, _ configure: (inout ChartSettings) -> Void = { _ in })
        -> String
    {
        var settings = ChartSettings()
        settings.smoothingIndex = 0
        configure(&settings)
        var buffer = CellBuffer(width: width, height: height)
        LineChart(lines: [ChartLine(label: "", firstStep: 0, values: losses, kind: .primary)], settings: settings).render(into: &buffer, area: buffer.bounds)
        return buffer.text
    }

    @Test func theAxisCoversTheDataWithNiceTicksAndEachStepIsADotColumn() {
        #expect(render([4, 3, 2, 1, 2, 3, 4, 3, 2, 1]) == """
                  4┤⢹  ⣿
                   │⢸⡀⢀⣿⡀
                   │ ⡇⢸ ⡇
                  2┤ ⢧⡼ ⢧
                   │ ⢸⡇ ⢸
                   │ ⠈⠁ ⠈
                  0┤
               step 0                    9
            """)
    }

    @Test func aLogAxisSpreadsDecadesEvenlyInHalfBlocks() {
        let text = render([1000, 100, 10, 1, 0.1]) {
            $0.logY = true
            $0.glyphs = .blocks
        }
        #expect(text == """
              1e+04┤
                   │▀█
                100┤ ▀█
                   │  █▄
                  1┤   █▄
                   │    █
               0.01┤
               step 0                    4
            """)
    }

    @Test func theLiveTailShowsOnlyTheLatestStepsAndTheWholeHistoryStartsAtTheFirst() {
        let losses = (0..<500).map { Float(500 - $0) }
        let tail = render(losses).split(separator: "\n").last.map(String.init) ?? ""
        let whole = render(losses) { $0.wholeHistory = true }.split(separator: "\n").last.map(String.init) ?? ""
        // 22 plot columns of 2 dots: the last 44 steps.
        #expect(tail.split(separator: " ") == ["step", "456", "499"])
        #expect(whole.split(separator: " ") == ["step", "0", "499"])
    }

    @Test func theSmoothedLineIsADebiasedAverageThatStartsAtTheFirstValue() {
        let smoothed = LineChart.smoothed([2, 4, .nan, 4], factor: 0.5)
        #expect(smoothed[0] == 2)
        #expect(abs(smoothed[1] - (0.5 * 2 * 0.5 + 0.5 * 4) / 0.75) < 1e-6)
        #expect(smoothed[2] == smoothed[1])
    }

    @Test func theCursorNamesItsStepAndLoss() {
        let text = render([4, 3, 2, 1, 2, 3, 4, 3, 2, 1], width: 50) { $0.cursorStep = 3 }
        #expect(text.split(separator: "\n").last?.contains("▲ step 3  loss 1") == true)
    }

    /// Near the right edge the label once sat about 30 columns left of the cursor: the arrow now stands under
    /// the cursor's column wherever it is, the details on whichever side has room.
    @Test(arguments: [0, 12, 40, 70, 79])
    func theCursorsArrowStandsUnderItsColumn(_ cursor: Int) {
        let losses = (0..<80).map { Float(80 - $0) }
        let bottom = render(losses, width: 50) { $0.cursorStep = cursor }.split(separator: "\n").last.map(Array.init) ?? []
        // 42 plot columns of 2 dots hold the 80 steps: step s is in column s / 2 of the plot.
        #expect(bottom.firstIndex(of: "▲") == LineChart.labelWidth + cursor / 2)
        #expect(String(bottom).contains("step \(cursor)  loss \(80 - cursor)"))
    }

    @Test func anEmptyHistorySaysItIsWaiting() {
        #expect(render([], width: 50).contains("waiting for the first step"))
    }

    @Test func ticksAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(AxisTicks.nice(0.13) == 0.2)
        #expect(AxisTicks.nice(3) == 5)
        #expect(AxisTicks.nice(0.7) == 1)
        #expect(AxisTicks(covering: [0.12, 0.93], count: 4, logarithmic: false).ticks == [0, 0.5, 1])
    }
}

/// A log axis within a decade ticks at values a person reads.
@Suite struct LogAxisTests {
    func labels(_ values: [Double]) -> [String] {
        let axis = AxisTicks(covering: values.map { log10($0) }, count: 4, logarithmic: true)
        return axis.ticks.map(axis.label)
    }

    @Test func withinADecadeTheTicksAreOneTwoFiveTimesAPowerOfTen() {
        // It once ticked at 1.5849, 1.2589, 1 and 0.7943.
        #expect(labels([0.8, 1.5]) == ["0.5", "1", "2"])
        #expect(labels([2.1, 4.5]) == ["2", "3", "4", "5"])
    }

    @Test func overSeveralDecadesTheTicksArePowersOfTen() {
        #expect(labels([0.1, 1000]) == ["0.1", "1", "10", "100", "1000"])
    }
}
