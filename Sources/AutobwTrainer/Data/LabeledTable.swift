import Autobw
import Foundation

/// Rows of numeric features with a label each: what the `mlp` preset trains on.
public struct LabeledTable: Sendable {
    /// What the labels are.
    public enum Task: Sendable, Equatable {
        /// Integer labels `0..<classes`.
        case classification(classes: Int)
        /// Real-valued targets.
        case regression
    }

    /// The feature names (from a header row, or `column 1`, ...).
    public let featureNames: [String]
    /// Row-major features, `rowCount x featureCount`.
    public private(set) var features: [Float]
    /// One label per row: a class index (classification) or a target value (regression).
    public private(set) var labels: [Float]
    /// Classification or regression.
    public let task: Task
    /// What each class index stood for in the file (`setosa`, `-1`), when the file named them.
    public let classNames: [String]?
    /// A regression target's deviation before `standardize` (1 before it, and for classes): a squared error on
    /// the standardised target times its square is one in the target's units.
    public private(set) var targetDeviation: Double = 1

    /// The number of rows.
    public var rowCount: Int { labels.count }
    /// The number of features per row.
    public var featureCount: Int { featureNames.count }
    /// The outputs a model of this table has: one score per class, or the one predicted value.
    public var outputCount: Int {
        switch task {
        case .classification(let classes): return classes
        case .regression: return 1
        }
    }

    /// A table from its parts; `features` holds `labels.count * featureNames.count` values.
    public init(featureNames: [String], features: [Float], labels: [Float], task: Task, classNames: [String]? = nil) {
        self.featureNames = featureNames
        self.features = features
        self.labels = labels
        self.task = task
        self.classNames = classNames
    }

    /// `150 rows, 4 features, 3 classes (setosa, versicolor, virginica)`, or `..., a regression target`.
    public var summary: String {
        let shape = "\(rowCount) rows, \(featureCount) features, "
        switch task {
        case .regression: return shape + "a regression target (standardised: loss 1 = predicting the mean)"
        case .classification(let classes):
            guard let classNames else { return shape + "\(classes) classes" }
            let shown = classNames.prefix(8).joined(separator: ", ") + (classNames.count > 8 ? ", ..." : "")
            return shape + "\(classes) classes (\(shown))"
        }
    }

    /// The features of `row`.
    public func row(_ row: Int) -> ArraySlice<Float> {
        features[(row * featureCount)..<((row + 1) * featureCount)]
    }

    /// Standardises every feature, and a regression target, to mean 0 and deviation 1, using the statistics of
    /// `rows` only (the training split), so columns of wildly different scales train with one learning rate and
    /// a target in the hundred thousands (a price) does not blow the first step up. The loss is then in units of
    /// the target's variance: 1 is what predicting the mean scores. Constant columns are centred.
    public mutating func standardize(using rows: [Int]) {
        guard !rows.isEmpty else { return }
        for column in 0..<featureCount {
            Self.standardize(&features, rows: rows, count: rowCount, offset: column, stride: featureCount)
        }
        if task == .regression {
            targetDeviation = Self.standardize(&labels, rows: rows, count: rowCount, offset: 0, stride: 1)
        }
    }

    /// Standardises the column of `values` at `offset` (element `row * stride + offset` for each row); returns
    /// the deviation it divided by.
    @discardableResult
    private static func standardize(_ values: inout [Float], rows: [Int], count: Int, offset: Int, stride: Int) -> Double {
        // Two passes, and a spread below Float32's resolution counts as none: a constant column must not turn its
        // rounding noise into values of order 1.
        let mean = rows.reduce(0.0) { $0 + Double(values[$1 * stride + offset]) } / Double(rows.count)
        let variance = rows.reduce(0.0) { sum, row in
            let difference = Double(values[row * stride + offset]) - mean
            return sum + difference * difference
        } / Double(rows.count)
        let deviation = variance.squareRoot()
        let scale = deviation > max(1e-12, 1e-6 * abs(mean)) ? 1 / deviation : 1
        for row in 0..<count {
            let index = row * stride + offset
            values[index] = Float((Double(values[index]) - mean) * scale)
        }
        return 1 / scale
    }
}

extension LabeledTable {
    /// Two interleaved spirals of 200 points each, a classic no straight line separates: the second arm is the
    /// first turned by half a turn, each point jittered by normal noise of deviation 0.05.
    public static func spirals(using generator: inout SeededGenerator) -> LabeledTable {
        var features = [Float](), labels = [Float]()
        for arm in 0..<2 {
            for i in 0..<200 {
                let r = Float(i) / 200 * 3 + 0.2
                let angle = Float(i) / 200 * 3 * Float.pi + Float(arm) * Float.pi
                features += [r * Foundation.cos(angle) + generator.nextNormal() * 0.05,
                             r * Foundation.sin(angle) + generator.nextNormal() * 0.05]
                labels.append(Float(arm))
            }
        }
        return LabeledTable(featureNames: ["x", "y"], features: features, labels: labels, task: .classification(classes: 2))
    }
}
