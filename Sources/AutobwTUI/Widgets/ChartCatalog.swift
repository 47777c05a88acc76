import AutobwTrainer

/// The charts a run can show, by name, and the lines each draws: the training loss (with the validation loss),
/// the validation figures, every scalar the run charts (`RunSnapshot.series`: the gradient norm, the learning
/// rate, steps/s, each parameter's gradient norm, a run log's other fields). With other runs (`autobw watch A
/// B`), each chart overlays their line of the same name.
enum ChartCatalog {
    static let loss = "loss"
    static let validationLoss = "val_loss"
    static let validationAccuracy = "val_accuracy"
    static let validationR2 = "val_r2"

    /// The colours of other runs' lines, in order (the run's own is cyan).
    static let overlayColors: [Color] = [.magenta, .yellow, .green, .red, .blue, .white]

    /// Every chart `snapshot` can draw, in the order the chart menu lists them: the loss and validation, the
    /// run-wide scalars, then each parameter's gradient norm in model order.
    static func names(_ snapshot: RunSnapshot) -> [String] {
        var names = [loss]
        if snapshot.validation.contains(where: { $0.r2 == nil }) { names.append(validationLoss) }
        if snapshot.validation.contains(where: { $0.accuracy != nil }) { names.append(validationAccuracy) }
        if snapshot.validation.contains(where: { $0.r2 != nil }) { names.append(validationR2) }
        let parameterPrefix = RunSnapshot.gradientNormSeries(of: "")
        // What every run charts first, then what a run log adds (its clock's fields among them), by name.
        let scalars = snapshot.series.keys.filter { !$0.hasPrefix(parameterPrefix) }
        let usual = ["grad_norm", "lr", RunSnapshot.throughputSeries]
        names += usual.filter(scalars.contains) + scalars.filter { !usual.contains($0) }.sorted()
        let order = snapshot.latest?.parameterGradientNorms.map { RunSnapshot.gradientNormSeries(of: $0.name) } ?? []
        let parameters = snapshot.series.keys.filter { $0.hasPrefix(parameterPrefix) }
        names += order.filter(parameters.contains) + parameters.filter { !order.contains($0) }.sorted()
        return names
    }

    /// The run's own values of chart `name`, from `firstStep` on; nil when it has none.
    static func values(_ name: String, _ snapshot: RunSnapshot) -> (firstStep: Int, values: [Float], sparse: Bool)? {
        switch name {
        case loss: return (snapshot.firstStep, snapshot.losses, false)
        case validationLoss: return validation(snapshot) { $0.r2 == nil ? $0.loss : nil }
        case validationAccuracy: return validation(snapshot) { $0.accuracy }
        case validationR2: return validation(snapshot) { $0.r2 }
        default: return snapshot.series[name].map { (snapshot.firstStep, $0, false) }
        }
    }

    /// A validation figure as a line with values at the evaluated steps only.
    private static func validation(_ snapshot: RunSnapshot, _ figure: (ValidationPoint) -> Float?)
        -> (firstStep: Int, values: [Float], sparse: Bool)?
    {
        let points = snapshot.validation.compactMap { point in figure(point).map { (point.step, $0) } }
        guard let first = points.first?.0, let last = points.map(\.0).max(), last - first < 1 << 26 else { return nil }
        var values = [Float](repeating: .nan, count: last - first + 1)
        for (step, value) in points where step >= first { values[step - first] = value }
        return (first, values, true)
    }

    /// The lines of chart `name`: the run's own first, the validation loss on the loss chart, then the same chart
    /// of each run in `others`.
    static func lines(_ name: String, _ snapshot: RunSnapshot, others: [RunSnapshot] = []) -> [ChartLine] {
        var lines = [ChartLine]()
        if let own = values(name, snapshot) {
            lines.append(ChartLine(label: label(snapshot), firstStep: own.firstStep, values: own.values,
                                   kind: own.sparse ? .markers(joined: true) : .primary))
        }
        if name == loss, let validation = values(validationLoss, snapshot) {
            lines.append(ChartLine(label: "val", firstStep: validation.firstStep, values: validation.values, kind: .markers(joined: false)))
        }
        for (index, other) in others.enumerated() {
            guard let theirs = values(name, other) else { continue }
            let color = overlayColors[index % overlayColors.count]
            lines.append(ChartLine(label: label(other), firstStep: theirs.firstStep, values: theirs.values, kind: .overlay(color)))
        }
        return lines
    }

    /// How a run is named in a legend: its file, or its preset.
    static func label(_ snapshot: RunSnapshot) -> String {
        snapshot.source.map { String($0.split(separator: "/").last ?? Substring($0)) } ?? snapshot.preset
    }

    /// The chart's latest value, for its heading.
    static func latest(_ name: String, _ snapshot: RunSnapshot) -> Float? {
        values(name, snapshot)?.values.last { $0.isFinite }
    }
}
