import Autobw
import Foundation

/// The `mlp` preset: a tanh multi-layer perceptron on a table of numeric features, classifying (softmax
/// cross-entropy) or regressing (mean squared error). The table is the built-in two spirals, or a CSV file.
final class TableProblem: TrainingProblem {
    let table: LabeledTable
    let network: Sequential
    var model: Module { network }
    let trainingRows: [Int]
    let validationRows: [Int]
    let batchSize: Int
    let shard: Shard
    var samplesPerStep: Int { batchSize }
    let dataSummary: String?

    init(_ configuration: TrainingConfiguration) throws {
        var generator = SeededGenerator(seed: configuration.seed)
        var table = try configuration.dataPath.map { try Self.readTable(path: $0, configuration) }
            ?? LabeledTable.spirals(using: &generator)
        let order = Array(0..<table.rowCount).shuffled(using: &generator)
        let validationCount = min(Int(Double(table.rowCount) * (configuration.validationFraction ?? 0)), table.rowCount - 1)
        validationRows = Array(order.prefix(validationCount))
        trainingRows = Array(order.dropFirst(validationCount))
        if let fraction = configuration.validationFraction, fraction > 0 {
            // Each side must hold at least a batch: a split that trains on one row or evaluates on none is refused.
            let least = max(configuration.batchSize ?? 1, Self.leastTrainingRows)
            guard validationRows.count >= 1, trainingRows.count >= least else {
                throw TrainerError.usage(
                    "--val-fraction \(fraction) of \(table.rowCount) rows holds out \(validationRows.count) and trains on"
                        + " \(trainingRows.count); each side needs a batch (at least 1 row held out and \(least) to train on)")
            }
        }
        table.standardize(using: trainingRows)
        self.table = table
        dataSummary = configuration.dataPath.map { "\($0): \(table.summary)" }
        batchSize = min(configuration.effectiveBatchSize, trainingRows.count)
        shard = configuration.shard
        guard batchSize % shard.count == 0 else {
            throw TrainerError.usage("the global batch of \(batchSize) rows does not split evenly over \(shard.count) processes")
        }
        let hidden = configuration.effectiveHiddenSize
        var layers: [any Layer] = [try Linear(table.featureCount, hidden, generator: &generator), Tanh()]
        for _ in 1..<max(configuration.effectiveLayerCount, 1) {
            layers += [try Linear(hidden, hidden, generator: &generator), Tanh()] as [any Layer]
        }
        layers.append(try Linear(hidden, table.outputCount, generator: &generator))
        network = Sequential(layers)
    }

    /// Fewer rows than this left to train on by a held-out split is refused.
    static let leastTrainingRows = 10

    /// The table in the file at `path`: IDX images (MNIST) or CSV, checked against this machine's memory before
    /// the network is sized from its width.
    static func readTable(path: String, _ configuration: TrainingConfiguration) throws -> LabeledTable {
        if configuration.labelsPath != nil || IDXFile.recognizes(path) {
            if configuration.task == .regression {
                throw TrainerError.usage("IDX images are classified: --task regression applies to CSV tables")
            }
            // Up to 256 classes (labels are bytes): the largest head the file can ask for.
            return try IDXFile.read(images: path, labels: configuration.labelsPath) { images, pixels in
                try configuration.checkTableFitsInMemory(rows: images, features: pixels, outputs: 256, path: path)
            }
        }
        let table = try NumericCSV.read(path: path, labelColumn: configuration.labelColumn, task: configuration.task)
        try configuration.checkTableFitsInMemory(
            rows: table.rowCount, features: table.featureCount, outputs: table.outputCount, path: path)
        return table
    }

    var checkpointNotes: [String: String] { ["batch_size": String(batchSize), "rows": String(table.rowCount)] }

    /// This process's rows of step `step`: its share of consecutive slices of the shuffled training rows (all
    /// of them by default).
    func batch(_ step: Int) -> [Int] {
        let start = (step * batchSize) % trainingRows.count
        return shard.range(of: batchSize).map { trainingRows[(start + $0) % trainingRows.count] }
    }

    func loss(step: Int) throws -> Tensor { try loss(rows: batch(step)).loss }

    func evaluate() throws -> Evaluation? {
        guard !validationRows.isEmpty else { return nil }
        let (loss, accuracy) = try withoutRecording { try self.loss(rows: validationRows) }
        guard table.task == .regression else { return Evaluation(loss: try loss.item(), accuracy: accuracy) }
        // On the standardised target: R² is free of units, the squared error scales by the deviation squared.
        let squaredError = Double(try loss.item())
        let targets = validationRows.map { Double(table.labels[$0]) }
        let mean = targets.reduce(0, +) / Double(targets.count)
        let spread = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(targets.count)
        return Evaluation(
            loss: Float(squaredError * table.targetDeviation * table.targetDeviation),
            r2: spread > 0 ? Float(1 - squaredError / spread) : nil)
    }

    /// Weight decay (an L2 penalty) when the run names none: for a regression table, `40 / training rows` (0.1
    /// on 400 rows, at most 1), a prior that keeps a small table from being memorised (scikit-learn's diabetes
    /// table: held-out R² about 0.1 without it, 0.46 with it, as linear regression's) and fades as rows grow;
    /// none for classes.
    /// The weight decay a run that names none trains with: for regression, enough to keep a small table from
    /// being memorised (`Preset.regressionWeightDecayRule`), none for classification.
    var defaultWeightDecay: Float {
        table.task == .regression ? min(1, Preset.regressionWeightDecayRows / Float(max(trainingRows.count, 1))) : 0
    }

    /// The loss on `rows`, and for classification the fraction of them classified right.
    private func loss(rows: [Int]) throws -> (loss: Tensor, accuracy: Float?) {
        let x = try Tensor(shape: [rows.count, table.featureCount], scalars: rows.flatMap { table.row($0) })
        let output = try network(x)
        switch table.task {
        case .classification(let classes):
            let targets = rows.map { Int(table.labels[$0]) }
            let scores = output.scalars
            let correct = targets.indices.filter { i in
                let row = scores[(i * classes)..<((i + 1) * classes)]
                return row.indices.max { row[$0] < row[$1] }.map { $0 - i * classes } == targets[i]
            }.count
            return (try output.softmaxCrossEntropy(targets: targets), Float(correct) / Float(max(rows.count, 1)))
        case .regression:
            let target = try Tensor(shape: [rows.count, 1], scalars: rows.map { table.labels[$0] })
            return (try output.meanSquaredError(target), nil)
        }
    }
}
