import AutobwTrainer
import Foundation

/// A scalar by step as a line chart: the primary line raw (faint) and smoothed (a debiased EMA, bold cyan), where
/// one dot column holds several steps their min/max envelope, not a sample; markers (validation, yellow); other
/// runs' lines in their colours. The y axis is autoscaled over what is visible with 1-2-5 ticks, linear or log;
/// the x axis has step ticks between its ends. The latest steps or the whole history; a cursor.
struct LineChart {
    /// The primary line first.
    var lines: [ChartLine]
    var settings: ChartSettings
    /// What the chart shows, for the cursor's label ("step 3  loss 1.2").
    var name = "loss"
    /// The run's speed: the "latest" window spans at least `latestSeconds` of it, so that at thousands of steps
    /// a second it moves slowly enough to read.
    var stepsPerSecond: Double = 0

    static let labelWidth = 8
    static let latestSeconds = 10.0

    /// The steps on screen: dot column `c` holds steps `origin + c * perColumn ..< origin + (c + 1) * perColumn`
    /// (from `start` on).
    struct Window: Equatable {
        var origin: Int
        var start: Int
        var last: Int
        var perColumn: Int
        var columns: Int

        func column(of step: Int) -> Int { (step - origin) / perColumn }
        /// The steps of dot column `column`.
        func steps(of column: Int) -> ClosedRange<Int> {
            max(start, origin + column * perColumn)...min(last, origin + (column + 1) * perColumn - 1)
        }
        /// How many steps the window spans.
        var span: Int { last - start + 1 }
    }

    /// The steps the chart shows in `area`.
    func window(_ area: Rect) -> Window? {
        guard let first = lines.map(\.firstStep).min(), let last = lines.filter({ !$0.values.isEmpty }).map(\.lastStep).max(),
            last >= first
        else { return nil }
        let available = max(1, (area.width - Self.labelWidth) * settings.glyphs.dotsWide)
        let count = last - first + 1
        if settings.wholeHistory {
            let perColumn = max(1, (count + available - 1) / available)
            return Window(origin: first, start: first, last: last, perColumn: perColumn, columns: (count + perColumn - 1) / perColumn)
        }
        // A rate read from a file may be anything: only a finite, positive one widens the window.
        let seconds = stepsPerSecond.isFinite && stepsPerSecond > 0 ? min(stepsPerSecond * Self.latestSeconds, 1e12) : 0
        let wanted = min(count, max(available, Int(seconds)))
        let perColumn = max(1, (wanted + available - 1) / available)
        // Columns aligned to multiples of `perColumn`, so that a column keeps its steps as the chart scrolls.
        let origin = max(last / perColumn - available + 1, first / perColumn) * perColumn
        return Window(origin: origin, start: max(origin, first), last: last, perColumn: perColumn, columns: (last - origin) / perColumn + 1)
    }

    private func plotted(_ value: Float) -> Double? {
        guard value.isFinite else { return nil }
        if settings.logY { return value > 0 ? log10(Double(value)) : nil }
        return Double(value)
    }

    /// Per dot column, the lowest and highest plotted value of `line`'s steps there (nil where it has none).
    private func envelope(_ line: ChartLine, _ window: Window) -> [(low: Double, high: Double)?] {
        (0..<window.columns).map { column in
            var low = Double.infinity, high = -Double.infinity
            for step in window.steps(of: column) {
                guard let value = line.value(at: step), let point = plotted(value) else { continue }
                low = min(low, point)
                high = max(high, point)
            }
            return low <= high ? (low, high) : nil
        }
    }

    /// Per dot column, the value of `smoothed` (a line's smoothed values, from `firstStep`) at its last step.
    private func smoothedColumns(_ smoothed: [Float], from firstStep: Int, _ window: Window) -> [Double?] {
        (0..<window.columns).map { column in
            let index = window.steps(of: column).upperBound - firstStep
            return smoothed.indices.contains(index) ? plotted(smoothed[index]) : nil
        }
    }

    func render(into buffer: inout CellBuffer, area: Rect) {
        let plot = Rect(x: area.x + Self.labelWidth, y: area.y, width: area.width - Self.labelWidth, height: area.height - 1)
        guard plot.width >= 4, plot.height >= 2 else {
            buffer.write("(too small)", x: area.x, y: area.y, style: .faint, limit: area.width)
            return
        }
        guard let primary = lines.first, let window = window(area) else {
            buffer.write("waiting for the first step…", x: plot.x, y: plot.y, style: .faint, limit: plot.width)
            return
        }
        let glyphs = settings.glyphs
        let smoothing = settings.smoothing > 0
        // What each line puts on screen, as plotted values per dot column.
        var raw = [(low: Double, high: Double)?](), smoothed = [Double?](), primarySmoothed: [Float]?
        var overlays = [(Style, [Double?])]()
        var markers = [(joined: Bool, points: [(x: Int, value: Double)])]()
        for line in lines {
            switch line.kind {
            case .primary:
                raw = envelope(line, window)
                // Smoothed once a frame: the columns and the cursor's label both read it.
                primarySmoothed = smoothing ? Self.smoothed(line.values, factor: settings.smoothing) : nil
                smoothed = primarySmoothed.map { smoothedColumns($0, from: line.firstStep, window) } ?? []
            case .overlay(let color):
                let values = smoothing
                    ? smoothedColumns(Self.smoothed(line.values, factor: settings.smoothing), from: line.firstStep, window)
                    : envelope(line, window).map { $0.map { ($0.low + $0.high) / 2 } }
                overlays.append((Style(color: color, bold: true), values))
            case .markers(let joined):
                let points = (window.start...window.last).compactMap { step in
                    line.value(at: step).flatMap(plotted).map { (window.column(of: step), $0) }
                }
                markers.append((joined, points))
            }
        }
        var visible = raw.compactMap { $0 }.flatMap { [$0.low, $0.high] } + smoothed.compactMap { $0 }
        visible += overlays.flatMap { $0.1.compactMap { $0 } } + markers.flatMap { $0.points.map(\.value) }
        let axis = AxisTicks(covering: visible, count: max(1, plot.height / 3), logarithmic: settings.logY)
        var canvas = DotCanvas(plot: plot, glyphs: glyphs, axis: axis)
        canvas.ranges(raw, style: smoothing ? .faint : .plain)
        for (style, values) in overlays { canvas.ranges(values.map { $0.map { ($0, $0) } }, style: style) }
        if smoothing { canvas.ranges(smoothed.map { $0.map { ($0, $0) } }, style: Style(color: .cyan, bold: true)) }
        for marker in markers { canvas.points(marker.points, joined: marker.joined, style: Style(color: .yellow, bold: true)) }
        canvas.draw(into: &buffer)
        for tick in axis.ticks {
            buffer.write(Format.right(axis.label(tick), Self.labelWidth - 1) + "┤", x: area.x, y: plot.y + canvas.row(tick) / glyphs.dotsHigh,
                         style: .faint)
        }
        drawStepAxis(into: &buffer, area: area, plot: plot, window: window, primary: primary, smoothed: primarySmoothed)
    }

    /// The bottom row: "step", the first and last step, ticks between them, and the cursor with its label.
    private func drawStepAxis(
        into buffer: inout CellBuffer, area: Rect, plot: Rect, window: Window, primary: ChartLine, smoothed primarySmoothed: [Float]?
    ) {
        let glyphs = settings.glyphs
        let bottom = area.y + area.height - 1
        func cellX(_ step: Int) -> Int { plot.x + window.column(of: step) / glyphs.dotsWide }
        var taken = [ClosedRange<Int>]()
        func place(_ text: String, _ x: Int, style: Style) {
            let range = (x - 1)...(x + text.count)
            guard x >= plot.x, x + text.count <= plot.x + plot.width, !taken.contains(where: { $0.overlaps(range) }) else { return }
            taken.append(range)
            buffer.write(text, x: x, y: bottom, style: style)
        }
        if let cursor = settings.cursorStep, cursor >= window.start, cursor <= window.last {
            let arrow = cellX(cursor)
            for row in 0..<plot.height {
                var cell = buffer[arrow, plot.y + row]
                if cell.character == " " { cell = Cell("│", .faint) } else { cell.style.reverse = true }
                buffer[arrow, plot.y + row] = cell
            }
            let value = primary.value(at: cursor).map(Format.number) ?? "-"
            let smoothed = primarySmoothed.flatMap { $0.indices.contains(cursor - primary.firstStep) ? $0[cursor - primary.firstStep] : nil }
                .map { "  smoothed " + Format.number($0) } ?? ""
            let details = "step \(cursor)  \(name) \(value)" + smoothed
            // The arrow stands under the cursor's column: the details follow it, or precede it near the right edge.
            let label = arrow + 2 + details.count <= plot.x + plot.width
                ? ("▲ " + details, arrow) : (details + " ▲", max(area.x, arrow - details.count - 1))
            buffer.write(label.0, x: label.1, y: bottom, style: .strong, limit: area.x + area.width - label.1)
            taken.append((label.1 - 1)...(label.1 + label.0.count))
        }
        buffer.write(Format.right("step", Self.labelWidth - 1), x: area.x, y: bottom, style: .faint)
        let lastLabel = String(window.last)
        place(String(window.start), plot.x, style: .faint)
        place(lastLabel, plot.x + plot.width - lastLabel.count, style: .faint)
        // Ticks at round steps, about one every 10 columns (fewer where their labels would touch).
        let every = max(1, Int(AxisTicks.nice(Double(window.span) / Double(max(1, plot.width / 10)))))
        var tick = (window.start / every + 1) * every
        while tick < window.last {
            let text = "┴" + String(tick)
            place(text, cellX(tick), style: .faint)
            tick += every
        }
    }

    /// The debiased exponential moving average of `values` (non-finite values are skipped, holding the average).
    static func smoothed(_ values: [Float], factor: Float) -> [Float] {
        guard factor > 0 else { return values }
        var average: Double = 0, weight: Double = 0
        let beta = Double(factor)
        return values.map { value in
            if value.isFinite {
                average = beta * average + (1 - beta) * Double(value)
                weight = beta * weight + (1 - beta)
            }
            return weight > 0 ? Float(average / weight) : value
        }
    }
}

/// The dots of a chart's plot area, in layers: a cell takes the style of the last layer with a dot in it.
private struct DotCanvas {
    let plot: Rect
    let glyphs: ChartGlyphs
    let axis: AxisTicks
    private var layers = [(style: Style, bits: [UInt8])]()

    init(plot: Rect, glyphs: ChartGlyphs, axis: AxisTicks) {
        self.plot = plot
        self.glyphs = glyphs
        self.axis = axis
    }

    private var dotHeight: Int { plot.height * glyphs.dotsHigh }

    /// The dot row of a plotted value.
    func row(_ value: Double) -> Int {
        let fraction = (axis.upper - value) / (axis.upper - axis.lower)
        return min(dotHeight - 1, max(0, Int((fraction * Double(dotHeight - 1)).rounded())))
    }

    private mutating func set(_ x: Int, _ y: Int) {
        let cellX = x / glyphs.dotsWide, cellY = y / glyphs.dotsHigh
        guard cellX >= 0, cellX < plot.width, cellY >= 0, cellY < plot.height else { return }
        layers[layers.count - 1].bits[cellY * plot.width + cellX] |= 1 << UInt8((x % glyphs.dotsWide) * glyphs.dotsHigh + y % glyphs.dotsHigh)
    }

    private mutating func layer(_ style: Style) { layers.append((style, [UInt8](repeating: 0, count: plot.width * plot.height))) }

    /// A new layer: each dot column's range, joined to the previous column's so that the line stays unbroken.
    mutating func ranges(_ columns: [(low: Double, high: Double)?], style: Style) {
        layer(style)
        var previous: ClosedRange<Int>?
        for (x, range) in columns.enumerated() {
            guard let range else {
                previous = nil
                continue
            }
            var top = row(range.high), bottom = row(range.low)
            if let previous {
                top = min(top, previous.upperBound)
                bottom = max(bottom, previous.lowerBound)
            }
            for y in top...bottom { set(x, y) }
            previous = row(range.high)...row(range.low)
        }
    }

    /// A new layer: points, joined by straight segments when `joined`.
    mutating func points(_ points: [(x: Int, value: Double)], joined: Bool, style: Style) {
        layer(style)
        var previous: (x: Int, y: Int)?
        for point in points {
            let y = row(point.value)
            if joined, let previous, point.x > previous.x {
                var lastY = previous.y
                for x in (previous.x + 1)...point.x {
                    let nextY = previous.y + (y - previous.y) * (x - previous.x) / (point.x - previous.x)
                    for dotY in min(lastY, nextY)...max(lastY, nextY) { set(x, dotY) }
                    lastY = nextY
                }
            }
            set(point.x, y)
            previous = (point.x, y)
        }
    }

    func draw(into buffer: inout CellBuffer) {
        for row in 0..<plot.height {
            buffer[plot.x - 1, plot.y + row] = Cell("│", .faint)
            for column in 0..<plot.width {
                let index = row * plot.width + column
                var bits: UInt8 = 0
                var style = Style.plain
                for layer in layers where layer.bits[index] != 0 {
                    bits |= layer.bits[index]
                    style = layer.style
                }
                guard bits != 0 else { continue }
                buffer[plot.x + column, plot.y + row] = Cell(glyphs.character(bits), style)
            }
        }
    }
}
