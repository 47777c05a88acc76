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
    public let labels: [Float]
    /// Classification or regression.
    public let task: Task

    /// The number of rows.
    public var rowCount: Int { labels.count }
    /// The number of features per row.
    public var featureCount: Int { featureNames.count }

    /// A table from its parts; `features` holds `labels.count * featureNames.count` values.
    public init(featureNames: [String], features: [Float], labels: [Float], task: Task) {
        self.featureNames = featureNames
        self.features = features
        self.labels = labels
        self.task = task
    }

    /// The features of `row`.
    public func row(_ row: Int) -> ArraySlice<Float> {
        features[(row * featureCount)..<((row + 1) * featureCount)]
    }

    /// Standardises every feature to mean 0 and deviation 1, using the statistics of `rows` only (the training
    /// split), so columns of wildly different scales train with one learning rate. Constant columns are centred.
    public mutating func standardize(using rows: [Int]) {
        guard !rows.isEmpty else { return }
        for column in 0..<featureCount {
            var sum = 0.0, squares = 0.0
            for row in rows {
                let x = Double(features[row * featureCount + column])
                sum += x
                squares += x * x
            }
            let mean = sum / Double(rows.count)
            let deviation = max(squares / Double(rows.count) - mean * mean, 0).squareRoot()
            let scale = deviation > 1e-12 ? 1 / deviation : 1
            for row in 0..<rowCount {
                let index = row * featureCount + column
                features[index] = Float((Double(features[index]) - mean) * scale)
            }
        }
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
