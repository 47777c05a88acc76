import AutobwTrainer
import Foundation

/// The training loss as a line chart: raw faint, smoothed (debiased EMA) bold, validation in yellow; y autoscaled
/// over what is visible with 1-2-5 ticks, linear or log; the latest steps or the whole history; a cursor.
struct LossChart {
    var losses: [Float]
    var firstStep: Int
    var validation: [ValidationPoint]
    var settings: ChartSettings

    static let labelWidth = 8

    /// The steps the chart shows in `area`, and how many steps one dot column averages.
    func window(_ area: Rect) -> (start: Int, perColumn: Int, columns: Int) {
        let available = max(1, (area.width - Self.labelWidth) * settings.glyphs.dotsWide)
        let count = losses.count
        let start = settings.wholeHistory ? 0 : max(0, count - available)
        let perColumn = settings.wholeHistory ? max(1, (count + available - 1) / available) : 1
        return (start, perColumn, (count - start + perColumn - 1) / perColumn)
    }

    func render(into buffer: inout CellBuffer, area: Rect) {
        let plot = Rect(x: area.x + Self.labelWidth, y: area.y, width: area.width - Self.labelWidth, height: area.height - 1)
        guard plot.width >= 4, plot.height >= 2 else {
            buffer.write("(too small)", x: area.x, y: area.y, style: .faint, limit: area.width)
            return
        }
        guard !losses.isEmpty else {
            buffer.write("waiting for the first step…", x: plot.x, y: plot.y, style: .faint, limit: plot.width)
            return
        }
        let glyphs = settings.glyphs
        let (start, perColumn, columns) = window(area)
        let raw = (0..<columns).map { column -> Float in
            let bucket = losses[(start + column * perColumn)..<min(losses.count, start + (column + 1) * perColumn)]
            let finite = bucket.filter(\.isFinite)
            return finite.isEmpty ? .nan : finite.reduce(0, +) / Float(finite.count)
        }
        let smoothedAll = Self.smoothed(losses, factor: settings.smoothing)
        let smoothed = settings.smoothing > 0
            ? (0..<columns).map { smoothedAll[min(losses.count - 1, start + $0 * perColumn + perColumn - 1)] } : []
        var validationColumns = [(column: Int, loss: Float)]()
        for point in validation where point.r2 == nil {
            let index = point.step - firstStep
            guard index >= start, index < losses.count else { continue }
            validationColumns.append(((index - start) / perColumn, point.loss))
        }
        func plotted(_ value: Float) -> Double? {
            guard value.isFinite else { return nil }
            if settings.logY { return value > 0 ? log10(Double(value)) : nil }
            return Double(value)
        }
        let visible = (raw + smoothed + validationColumns.map(\.loss)).compactMap(plotted)
        let axis = AxisTicks(covering: visible, count: max(1, plot.height / 3), logarithmic: settings.logY)
        let dotHeight = plot.height * glyphs.dotsHigh
        func dotRow(_ value: Double) -> Int {
            let fraction = (axis.upper - value) / (axis.upper - axis.lower)
            return min(dotHeight - 1, max(0, Int((fraction * Double(dotHeight - 1)).rounded())))
        }
        var layers = [[UInt8]](repeating: [UInt8](repeating: 0, count: plot.width * plot.height), count: 3)
        func setDot(_ layer: Int, _ x: Int, _ y: Int) {
            let cellX = x / glyphs.dotsWide, cellY = y / glyphs.dotsHigh
            guard cellX < plot.width, cellY < plot.height else { return }
            layers[layer][cellY * plot.width + cellX] |= 1 << UInt8((x % glyphs.dotsWide) * glyphs.dotsHigh + y % glyphs.dotsHigh)
        }
        func drawLine(_ layer: Int, _ values: [Float]) {
            var previous: Int?
            for (x, value) in values.enumerated() {
                guard let plottedValue = plotted(value) else {
                    previous = nil
                    continue
                }
                let y = dotRow(plottedValue)
                for row in min(y, previous ?? y)...max(y, previous ?? y) { setDot(layer, x, row) }
                previous = y
            }
        }
        drawLine(0, raw)
        drawLine(1, smoothed)
        for point in validationColumns {
            if let value = plotted(point.loss) { setDot(2, point.column, dotRow(value)) }
        }
        let rawStyle = settings.smoothing > 0 ? Style.faint : Style.plain
        for row in 0..<plot.height {
            buffer[area.x + Self.labelWidth - 1, plot.y + row] = Cell("│", .faint)
            for column in 0..<plot.width {
                let index = row * plot.width + column
                let bits = layers[0][index] | layers[1][index] | layers[2][index]
                guard bits != 0 else { continue }
                let style = layers[2][index] != 0 ? Style(color: .yellow, bold: true)
                    : layers[1][index] != 0 ? Style(color: .cyan, bold: true) : rawStyle
                buffer[plot.x + column, plot.y + row] = Cell(glyphs.character(bits), style)
            }
        }
        for tick in axis.ticks {
            let row = plot.y + dotRow(tick) / glyphs.dotsHigh
            buffer.write(Format.right(axis.label(tick), Self.labelWidth - 1) + "┤", x: area.x, y: row, style: .faint)
        }
        let bottom = area.y + area.height - 1
        let lastStep = firstStep + losses.count - 1
        var cursorLabel: (text: String, x: Int)?
        if let cursor = settings.cursorStep, cursor - firstStep >= start, cursor <= lastStep {
            let column = (cursor - firstStep - start) / perColumn / glyphs.dotsWide
            for row in 0..<plot.height {
                var cell = buffer[plot.x + column, plot.y + row]
                if cell.character == " " { cell = Cell("│", .faint) } else { cell.style.reverse = true }
                buffer[plot.x + column, plot.y + row] = cell
            }
            let details = "step \(cursor)  loss \(Format.number(losses[cursor - firstStep]))"
                + (settings.smoothing > 0 ? "  smoothed \(Format.number(smoothedAll[cursor - firstStep]))" : "")
            // The arrow stands under the cursor's column: the details follow it, or precede it near the right edge.
            let arrow = plot.x + column
            cursorLabel = arrow + 2 + details.count <= plot.x + plot.width
                ? ("▲ " + details, arrow) : (details + " ▲", max(area.x, arrow - details.count - 1))
        }
        // The step labels at both ends, unless the cursor's label covers them.
        let ends = [(String(firstStep + start), plot.x), (String(lastStep), plot.x + plot.width - String(lastStep).count)]
        for (text, x) in ends {
            if let label = cursorLabel, x < label.x + label.text.count + 1, label.x < x + text.count + 1 { continue }
            buffer.write(text, x: x, y: bottom, style: .faint)
        }
        if let label = cursorLabel {
            buffer.write(label.text, x: label.x, y: bottom, style: .strong, limit: area.x + area.width - label.x)
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
