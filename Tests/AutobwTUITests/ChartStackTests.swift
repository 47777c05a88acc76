import AutobwTrainer
import Testing
@testable import AutobwTUI

/// Several charts at once, chosen in the `m` menu, and other runs overlaid with a legend.
@Suite struct ChartStackTests {
    /// A run with a loss, a gradient norm, the learning rate, steps/s, two parameters' norms and validation.
    func run(_ name: String = "mlp") -> RunSnapshot {
        var snapshot = ScreenFixtures.snapshot(losses: (0..<50).map { 3 - Float($0) * 0.05 }, preset: name)
        for step in 0..<50 {
            snapshot.chart("grad_norm", 2 + Float(step % 5), step: step)
            snapshot.chart("lr", 0.01, step: step)
            snapshot.chart(RunSnapshot.throughputSeries, 100, step: step)
            snapshot.chart(RunSnapshot.gradientNormSeries(of: "w1"), 1, step: step)
            snapshot.chart(RunSnapshot.gradientNormSeries(of: "b1"), 0.5, step: step)
        }
        snapshot.latest = StepMetrics(
            step: 49, loss: 0.55, gradientNorm: 6, learningRate: 0.01, milliseconds: 1, samplesPerSecond: 1,
            parameterGradientNorms: [ParameterNorm(name: "w1", norm: 1), ParameterNorm(name: "b1", norm: 0.5)], entries: [])
        snapshot.validation = [ValidationPoint(step: 9, loss: 2.6, accuracy: 0.5), ValidationPoint(step: 39, loss: 1.2, accuracy: 0.8)]
        return snapshot
    }

    @Test func theMenuListsEveryChartLossAndValidationFirstParametersInModelOrderLast() {
        #expect(ChartCatalog.names(run()) == [
            "loss", "val_loss", "val_accuracy", "grad_norm", "lr", "steps_per_s", "grad_norm/w1", "grad_norm/b1",
        ])
    }

    @Test func mOpensTheMenuWhereSpaceShowsAChartBesideTheLoss() {
        var dashboard = Dashboard()
        let snapshot = run()
        _ = dashboard.handle(.character("m"), snapshot)
        #expect(dashboard.render(snapshot, width: 80, height: 24).text.contains("[x] loss 1"))
        for key in [Key.down, .down, .down, .character(" "), .down, .down, .down, .enter, .escape] {
            #expect(dashboard.handle(key, snapshot).commands.isEmpty)
        }
        #expect(dashboard.chartMenu == nil)
        #expect(dashboard.chart.shown == ["loss", "grad_norm", "grad_norm/w1"])
        // The menu took the keys: nothing else moved.
        #expect(dashboard.chart.cursorStep == nil)
    }

    @Test func ctrlCInTheMenuStillQuits() {
        var dashboard = Dashboard()
        _ = dashboard.handle(.character("m"), run())
        #expect(dashboard.handle(.interrupt, run()).quit)
        #expect(!dashboard.handle(.character("j"), run()).quit)
    }

    @Test(arguments: [(60, 20, 1), (80, 24, 1), (120, 40, 3), (200, 60, 3)])
    func asManyChartsAsFitAreStackedEachWithItsHeading(width: Int, height: Int, stacked: Int) {
        var dashboard = Dashboard()
        dashboard.chart.shown = ["loss", "grad_norm", "val_accuracy"]
        let text = dashboard.render(run(), width: width, height: height).text
        let headings = ["│loss 0.55", "│grad_norm 6", "│val_accuracy 0.8"].filter(text.contains)
        #expect(headings.count == (stacked > 1 ? stacked : 0))
        #expect(text.contains("─ Charts"))
        if stacked < 3 { #expect(text.contains("hidden (taller window)")) }
    }

    @Test func watchingSeveralRunsOverlaysTheirLinesWithALegend() {
        var mine = run(), theirs = run()
        mine.source = "/runs/a.jsonl"
        theirs.source = "/runs/b.jsonl"
        theirs.losses = theirs.losses.map { $0 * 2 }
        let lines = ChartCatalog.lines("loss", mine, others: [theirs])
        #expect(lines.map(\.label) == ["a.jsonl", "val", "b.jsonl"])
        #expect(lines[2].kind == .overlay(.magenta))
        let text = Dashboard().render(mine, others: [theirs], width: 120, height: 40).text
        #expect(text.contains("━ a.jsonl  ━ b.jsonl"))
        // The axis covers both runs: theirs starts at 6.
        #expect(text.contains("6┤"))
    }

    @Test func aSeriesRecordedEveryFewStepsHoldsItsValueBetween() {
        var snapshot = RunSnapshot(preset: "x", totalSteps: 10)
        snapshot.chart("g", 1, step: 0)
        snapshot.chart("g", 3, step: 3)
        snapshot.chart("g", 9, step: 2)  // late: ignored
        #expect(snapshot.series["g"] == [1, 1, 1, 3])
    }

    @Test func noMoreThanMostSeriesNamesAreKept() {
        var snapshot = RunSnapshot(preset: "x", totalSteps: 10)
        for index in 0..<(RunSnapshot.mostSeries + 10) { snapshot.chart("s\(index)", 1, step: 0) }
        #expect(snapshot.series.count == RunSnapshot.mostSeries)
    }
}
