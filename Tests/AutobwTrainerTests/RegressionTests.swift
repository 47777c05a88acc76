import AutobwTestSupport
import Autobw
import Foundation
import Testing
@testable import AutobwTrainer

/// Regression tables: held-out metrics in the target's units, and a default that does not memorise a small table.
@Suite struct RegressionTests {
    /// A table shaped like scikit-learn's diabetes (442 rows, 10 features, a whole-number target from 25 to 346,
    /// about half its variance explained by a linear model), written as CSV.
    static func diabetesLikeTable(seed: UInt64) throws -> String {
        var generator = SeededGenerator(seed: seed)
        let weights = (0..<10).map { _ in Double(generator.nextNormal()) }
        var lines = [(0..<10).map { "x\($0)" }.joined(separator: ",") + ",progression"]
        for _ in 0..<442 {
            let x = (0..<10).map { _ in Double(generator.nextNormal()) }
            let signal = zip(x, weights).reduce(0) { $0 + $1.0 * $1.1 } / 3
            let target = max(25, min(346, (150 + 55 * (signal + Double(generator.nextNormal()) * 1.0)).rounded()))
            lines.append(x.map { String(format: "%.4f", $0) }.joined(separator: ",") + ",\(Int(target))")
        }
        let path = temporaryPath("regression", ".csv")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Least squares with an intercept on `rows` of `table`, by the normal equations in Float64: the R² of its
    /// predictions on `heldOut`.
    static func linearRegressionR2(_ table: LabeledTable, fitOn rows: [Int], heldOut: [Int]) -> Double {
        let k = table.featureCount + 1
        func features(_ row: Int) -> [Double] { [1] + table.row(row).map(Double.init) }
        var a = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: k)
        for row in rows {
            let x = features(row), y = Double(table.labels[row])
            for i in 0..<k {
                for j in 0..<k { a[i][j] += x[i] * x[j] }
                a[i][k] += x[i] * y
            }
        }
        for column in 0..<k {  // Gauss-Jordan with partial pivoting
            let pivot = (column..<k).max { abs(a[$0][column]) < abs(a[$1][column]) } ?? column
            a.swapAt(column, pivot)
            for row in 0..<k where row != column {
                let factor = a[row][column] / a[column][column]
                for j in column...k { a[row][j] -= factor * a[column][j] }
            }
        }
        let beta = (0..<k).map { a[$0][k] / a[$0][$0] }
        let targets = heldOut.map { Double(table.labels[$0]) }
        let mean = targets.reduce(0, +) / Double(targets.count)
        let predictions = heldOut.map { row in zip(features(row), beta).reduce(0) { $0 + $1.0 * $1.1 } }
        let residual = zip(predictions, targets).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let total = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return 1 - residual / total
    }

    static func session(_ path: String, seed: UInt64) throws -> TrainingSession {
        var configuration = TrainingConfiguration()
        configuration.preset = .mlp
        configuration.dataPath = path
        configuration.task = .regression
        configuration.validationFraction = 0.1
        configuration.seed = seed
        return try TrainingSession(configuration)
    }

    @Test func theHeldOutR2OfTheDefaultsIsCloseToLinearRegressionsOnTheSameSplit() throws {
        var autobw = [Double](), linear = [Double]()
        for seed: UInt64 in 1...3 {
            let session = try Self.session(try Self.diabetesLikeTable(seed: seed), seed: seed)
            let problem = try #require(session.problem as? TableProblem)
            for _ in 0..<600 { _ = try session.step() }
            let evaluation = try #require(try session.evaluate())
            autobw.append(Double(try #require(evaluation.r2)))
            linear.append(Self.linearRegressionR2(problem.table, fitOn: problem.trainingRows, heldOut: problem.validationRows))
        }
        let (mine, theirs) = (autobw.reduce(0, +) / 3, linear.reduce(0, +) / 3)
        #expect(theirs > 0.3 && mine > theirs - 0.07, "autobw \(autobw), linear regression \(linear)")
    }

    @Test func theHeldOutLossIsTheMeanSquaredErrorInTheTargetsUnits() throws {
        let session = try Self.session(try Self.diabetesLikeTable(seed: 9), seed: 9)
        let problem = try #require(session.problem as? TableProblem)
        for _ in 0..<50 { _ = try session.step() }
        let evaluation = try #require(try session.evaluate())
        // Predictions by hand, back in the target's units.
        let rows = problem.validationRows
        let x = try Tensor(shape: [rows.count, problem.table.featureCount], scalars: rows.flatMap { problem.table.row($0) })
        let output: Tensor = try withoutRecording { try problem.network(x) }
        let predicted: [Double] = output.scalars.map { Double($0) }
        let targets: [Double] = rows.map { Double(problem.table.labels[$0]) }
        let deviation = problem.table.targetDeviation
        var squared = 0.0
        for (p, t) in zip(predicted, targets) { squared += (p - t) * (p - t) * deviation * deviation }
        squared /= Double(rows.count)
        #expect(abs(Double(evaluation.loss) - squared) <= 1e-4 * squared && deviation > 10)
        #expect(problem.defaultWeightDecay == 40 / Float(problem.trainingRows.count))
    }
}
