import AutobwTrainer

/// The charts the user chose, stacked in the chart panel: as many as fit at `minimumHeight` rows each (the rest
/// are named as hidden), sharing the step axis, the settings and the cursor. With several, each has a heading:
/// its name, latest value and, with other runs, a legend.
struct ChartStack {
    var snapshot: RunSnapshot
    var others: [RunSnapshot] = []
    var settings: ChartSettings

    static let minimumHeight = 6

    /// The charts shown, in the order chosen; those the run has no values for yet are left out.
    var charts: [String] {
        let available = Set(ChartCatalog.names(snapshot) + others.flatMap(ChartCatalog.names))
        let shown = settings.shown.filter(available.contains)
        return shown.isEmpty ? [ChartCatalog.loss] : shown
    }

    /// How many of the charts fit in `area`.
    func fitting(_ area: Rect) -> Int { min(charts.count, max(1, area.height / Self.minimumHeight)) }

    /// The panel's title: what is charted and how.
    func title(_ area: Rect) -> String {
        let charts = charts
        var title = charts == [ChartCatalog.loss] ? "Loss" : charts.count == 1 ? "Chart · \(charts[0])" : "Charts"
        title += settings.smoothing > 0 ? " · ema \(settings.smoothing)" : " · raw"
        title += settings.logY ? " · log" : ""
        if settings.wholeHistory {
            title += " · all steps"
        } else if let window = chart(charts[0]).window(area.inner) {
            title += window.perColumn > 1 ? " · latest \(window.columns * window.perColumn) steps, min-max" : " · latest"
        } else {
            title += " · latest"
        }
        if charts.count == 1, charts[0] == ChartCatalog.loss, let last = snapshot.validation.last {
            // A regression's held-out loss is in the target's units, not the training loss's: its R² is shown
            // instead, and not drawn on the loss's axis.
            title += last.r2.map { " · val R² \(Format.number($0))" }
                ?? (" · val \(Format.number(last.loss))" + (last.accuracy.map { " acc \(Format.number($0))" } ?? ""))
        }
        let hidden = charts.count - fitting(area.inner)
        title += hidden > 0 ? " · +\(hidden) hidden (taller window)" : ""
        return title.count + 11 <= area.width - 4 ? title + " · m charts" : title
    }

    private func chart(_ name: String) -> LineChart {
        LineChart(
            lines: ChartCatalog.lines(name, snapshot, others: others), settings: settings, name: name,
            stepsPerSecond: snapshot.stepsPerSecond)
    }

    func render(into buffer: inout CellBuffer, area: Rect) {
        let charts = Array(charts.prefix(fitting(area)))
        let headed = charts.count > 1 || !others.isEmpty
        var y = area.y
        for (index, name) in charts.enumerated() {
            let height = area.height / charts.count + (index < area.height % charts.count ? 1 : 0)
            var chartArea = Rect(x: area.x, y: y, width: area.width, height: height)
            if headed {
                heading(name, into: &buffer, x: area.x, y: y, width: area.width)
                chartArea = Rect(x: area.x, y: y + 1, width: area.width, height: height - 1)
            }
            chart(name).render(into: &buffer, area: chartArea)
            y += height
        }
    }

    /// The chart's name and latest value; with other runs, each run's line colour and name.
    private func heading(_ name: String, into buffer: inout CellBuffer, x: Int, y: Int, width: Int) {
        let latest = ChartCatalog.latest(name, snapshot).map { " " + Format.number($0) } ?? ""
        var written = buffer.write(name + latest, x: x, y: y, style: .strong, limit: width)
        guard !others.isEmpty else { return }
        var legend = [(ChartCatalog.label(snapshot), Color.cyan)]
        for (index, other) in others.enumerated() {
            legend.append((ChartCatalog.label(other), ChartCatalog.overlayColors[index % ChartCatalog.overlayColors.count]))
        }
        for (label, color) in legend where written < width - 4 {
            written += 2
            written += buffer.write("━ " + label, x: x + written, y: y, style: Style(color: color, bold: true), limit: width - written)
        }
    }
}
