import Foundation

/// A y axis: its range rounded out to "nice" 1-2-5 ticks, linear or logarithmic.
struct AxisTicks: Equatable {
    /// The bottom and top of the axis, in plotted units (log10 of the value on a log axis).
    var lower: Double
    var upper: Double
    /// Tick positions, in plotted units, bottom up.
    var ticks: [Double]
    var logarithmic: Bool

    /// An axis covering `values` (already log10'd on a log axis) with about `count` ticks.
    init(covering values: [Double], count: Int, logarithmic: Bool) {
        self.logarithmic = logarithmic
        var low = values.min() ?? 0, high = values.max() ?? 1
        if high - low < 1e-12 {
            let pad = logarithmic ? 0.5 : max(abs(low) * 0.1, 1e-6)
            low -= pad
            high += pad
        }
        let step: Double
        if logarithmic && high - low >= 1 {
            step = max(1, Self.nice((high - low) / Double(max(1, count))).rounded(.up))
        } else {
            step = Self.nice((high - low) / Double(max(1, count)))
        }
        lower = (low / step).rounded(.down) * step
        upper = (high / step).rounded(.up) * step
        if upper - lower < step { upper = lower + step }
        var ticks = [Double]()
        var tick = lower
        while tick <= upper + step * 1e-6 && ticks.count < 100 {
            ticks.append(tick)
            tick += step
        }
        self.ticks = ticks
    }

    /// The smallest of 1, 2 and 5 times a power of ten that is at least `raw`.
    static func nice(_ raw: Double) -> Double {
        guard raw.isFinite, raw > 0 else { return 1 }
        let power = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * power >= raw * (1 - 1e-9) { return factor * power }
        return 10 * power
    }

    /// A tick's label: the value itself on a log axis.
    func label(_ tick: Double) -> String {
        let value = logarithmic ? pow(10, tick) : tick
        if value == 0 || abs(value) < 1e-12 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e4 || magnitude < 1e-2 { return String(format: "%.3g", value) }
        return String(format: "%g", (value * 1e4).rounded() / 1e4)
    }
}
