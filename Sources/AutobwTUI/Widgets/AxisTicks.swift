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
        // Within a decade, a log axis ticks at values a person reads (1, 2, 5 times a power of ten; every
        // mantissa when those are too few), not at even steps of the logarithm (1.2589, 1.5849, ...).
        if logarithmic && high - low < 1, let within = Self.decadeTicks(low, high) {
            (lower, upper, ticks) = within
            return
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

    /// Ticks at 1-2-5 (or, when fewer than two of those fall in, every mantissa 1-9) times powers of ten, and the
    /// axis rounded out to the nearest of them, for `low...high` in log10 units; nil when even that gives one tick.
    static func decadeTicks(_ low: Double, _ high: Double) -> (lower: Double, upper: Double, ticks: [Double])? {
        let decades = Int(low.rounded(.down)) - 1...Int(high.rounded(.up)) + 1
        for mantissas in [[1.0, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            let candidates = decades.flatMap { power in mantissas.map { log10($0) + Double(power) } }
            guard let lower = candidates.last(where: { $0 <= low + 1e-12 }),
                let upper = candidates.first(where: { $0 >= high - 1e-12 })
            else { continue }
            let ticks = candidates.filter { $0 >= lower - 1e-12 && $0 <= upper + 1e-12 }
            if ticks.count >= 3 || mantissas.count == 9 { return ticks.count >= 2 ? (lower, upper, ticks) : nil }
        }
        return nil
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
