import Testing
@testable import AutobwTUI

/// The step axis and what a dot column holds when it holds several steps.
@Suite struct ChartAxisTests {
    func chart(_ values: [Float], stepsPerSecond: Double = 0, _ configure: (inout ChartSettings) -> Void = { _ in }) -> LineChart {
        var settings = ChartSettings()
        settings.smoothingIndex = 0
        configure(&settings)
        return LineChart(lines: [ChartLine(label: "", firstStep: 0, values: values, kind: .primary)], settings: settings,
                         stepsPerSecond: stepsPerSecond)
    }

    func bottomRow(_ chart: LineChart, width: Int = 80, height: Int = 10) -> String {
        var buffer = CellBuffer(width: width, height: height)
        chart.render(into: &buffer, area: buffer.bounds)
        return buffer.text.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
    }

    @Test func stepTicksStandAtRoundStepsBetweenTheEnds() {
        let row = bottomRow(chart((0..<1000).map { Float($0) }) { $0.wholeHistory = true })
        let labels = row.split(separator: " ").map(String.init)
        #expect(labels.first == "step")
        #expect(labels.dropFirst().first == "0")
        #expect(labels.last == "999")
        let between = labels.filter { $0.hasPrefix("┴") }.compactMap { Int($0.dropFirst()) }
        #expect(between.count >= 3)
        // Round steps, evenly spaced, each at its own column.
        #expect(between.allSatisfy { $0 % 100 == 0 })
        let spacing = Set(zip(between.dropFirst(), between).map { $0 - $1 })
        #expect(spacing.count == 1)
        let window = chart((0..<1000).map { Float($0) }) { $0.wholeHistory = true }.window(CellBuffer(width: 80, height: 10).bounds)!
        for tick in between {
            #expect(row.distance(of: "┴\(tick)") == LineChart.labelWidth + window.column(of: tick) / 2)
        }
    }

    @Test func aColumnOfManyStepsShowsTheirMinimumAndMaximumNotAnAverage() {
        // One spike among 10,000 steps squeezed into 72 dot columns: an average would flatten it to 1.7.
        var values = [Float](repeating: 1, count: 10_000)
        values[5_000] = 100
        var buffer = CellBuffer(width: 40, height: 10)
        chart(values) { $0.wholeHistory = true }.render(into: &buffer, area: buffer.bounds)
        let rows = buffer.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(rows[0].hasPrefix("    100┤"))
        let plotTop = rows[0].dropFirst(LineChart.labelWidth)
        #expect(plotTop.contains { $0 != " " })
    }

    @Test func atThousandsOfStepsASecondTheLatestWindowSpansTenSecondsOfThem() {
        let values = (0..<30_000).map { Float($0 % 7) }
        let area = CellBuffer(width: 80, height: 10).bounds
        let slow = chart(values).window(area)!
        let fast = chart(values, stepsPerSecond: 1_500).window(area)!
        #expect(slow.perColumn == 1)
        #expect(slow.span == (80 - LineChart.labelWidth) * 2)
        #expect(fast.last == 29_999)
        #expect(fast.span >= 15_000 - fast.perColumn && fast.span <= 15_000 + fast.perColumn)
        // Columns keep their steps as the chart scrolls: they start at multiples of the steps a column holds.
        #expect(fast.origin % fast.perColumn == 0)
        #expect(bottomRow(chart(values, stepsPerSecond: 1_500)).contains(String(fast.start)))
    }

    @Test func validationMarkersOnTheirOwnChartAreJoined() {
        var values = [Float](repeating: .nan, count: 41)
        values[0] = 4
        values[40] = 0
        var settings = ChartSettings()
        settings.smoothingIndex = 0
        let chart = LineChart(lines: [ChartLine(label: "", firstStep: 0, values: values, kind: .markers(joined: true))], settings: settings)
        var buffer = CellBuffer(width: 40, height: 6)
        chart.render(into: &buffer, area: buffer.bounds)
        // A straight segment from the first point to the last: every plot column in between has a dot.
        let rows = buffer.text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }.dropLast()
        for column in LineChart.labelWidth..<(LineChart.labelWidth + 20) {
            #expect(rows.contains { $0.count > column && $0[column] != " " })
        }
    }
}

extension String {
    /// The column where `text` starts, if it occurs.
    fileprivate func distance(of text: String) -> Int? {
        range(of: text).map { self.distance(from: startIndex, to: $0.lowerBound) }
    }
}
