/// One line of a chart: a scalar by step, and how it is drawn.
struct ChartLine: Sendable {
    /// How a line is drawn beside the others.
    enum Kind: Sendable, Equatable {
        /// The chart's own series: raw (faint) and smoothed (bold cyan), min/max envelope where a column holds
        /// several steps.
        case primary
        /// Values at some steps only (validation): yellow dots, joined when `joined`.
        case markers(joined: Bool)
        /// Another run's series (`autobw watch A B`): its smoothed line in `color`, named in the legend.
        case overlay(Color)
    }

    /// The name the legend gives it.
    var label: String
    /// The step of `values[0]`.
    var firstStep: Int
    /// One value a step from `firstStep`; NaN where there is none.
    var values: [Float]
    var kind: Kind

    /// The last step the line has a value for.
    var lastStep: Int { firstStep + values.count - 1 }

    /// The value at `step`, if the line has a finite one there.
    func value(at step: Int) -> Float? {
        let index = step - firstStep
        guard values.indices.contains(index), values[index].isFinite else { return nil }
        return values[index]
    }
}
