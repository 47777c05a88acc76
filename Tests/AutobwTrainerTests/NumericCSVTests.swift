import Autobw
import Foundation
import Testing
@testable import AutobwTrainer

/// Reading numeric CSV files into labelled tables.
@Suite struct NumericCSVTests {
    static func table(_ text: String, label: String? = nil, task: LearningTask? = nil) throws -> LabeledTable {
        try Array(text.utf8).withUnsafeBytes { try NumericCSV.parse($0, path: "t.csv", labelColumn: label, task: task) }
    }

    @Test func aHeaderIsDetectedAndTheLastColumnIsTheLabel() throws {
        let table = try Self.table("a,\"b, c\",label\r\n1,2,0\r\n\r\n3.5,-4e2,1\r\n")
        #expect(table.featureNames == ["a", "b, c"] && table.features == [1, 2, 3.5, -400])
        #expect(table.labels == [0, 1] && table.task == .classification(classes: 2))
    }

    @Test func withoutAHeaderColumnsAreNumbered() throws {
        let table = try Self.table("1,2,3\n4,5,6\n")
        #expect(table.featureNames == ["column 1", "column 2"] && table.features == [1, 2, 4, 5])
    }

    @Test func aHeaderColumnNamedLabelIsTheLabelWhereverItStands() throws {
        let table = try Self.table("Label,p1,p2\n3,0,255\n7,12,0\n")
        #expect(table.featureNames == ["p1", "p2"] && table.classNames == ["3", "7"] && table.features == [0, 255, 12, 0])
    }

    @Test func aCoordinateNamedYIsAFeature() throws {
        let table = try Self.table("x,y,colour\n1,2,red\n3,4,blue\n")
        #expect(table.featureNames == ["x", "y"] && table.classNames == ["blue", "red"])
    }

    @Test func textLabelsAreClassesInSortedOrder() throws {
        let table = try Self.table("a,b,species\n1,2,virginica\n3,4,setosa\n5,6,virginica\n")
        #expect(table.task == .classification(classes: 2) && table.labels == [1, 0, 1])
        #expect(table.classNames == ["setosa", "virginica"] && table.featureNames == ["a", "b"])
    }

    @Test func aFirstLineWithTextOnlyInTheLabelColumnIsData() throws {
        // UCI's iris.data: no header, the class as text in every row.
        let table = try Self.table("5.1,3.5,Iris-setosa\n4.9,3.0,Iris-versicolor\n")
        #expect(table.rowCount == 2 && table.featureNames == ["column 1", "column 2"] && table.features == [5.1, 3.5, 4.9, 3])
    }

    @Test func semicolonsAndTabsSeparateFieldsWhenTheFirstLineUsesThem() throws {
        let semicolons = try Self.table("\"fixed acidity\";\"quality\"\n7,4;5\n7,8;6\n")
        #expect(semicolons.featureNames == ["fixed acidity"] && semicolons.labels == [0, 1])
        let tabs = try Self.table("a\tb\tc\n1\t2\tx\n3\t4\ty\n")
        #expect(tabs.features == [1, 2, 3, 4] && tabs.classNames == ["x", "y"])
    }

    @Test func runsOfSpacesSeparateFieldsWhenTheFirstLineHasNoOtherSeparator() throws {
        // UCI's housing.data: no header, numbers right-aligned in space-padded columns.
        let table = try Self.table(" 0.00632  18.00   2.310  24.00\n 0.02731   0.00\t7.070  21.60\n")
        #expect(table.featureNames.count == 3 && table.features == [0.00632, 18, 2.31, 0.02731, 0, 7.07])
        #expect(table.labels.count == 2)
        let headed = try Self.table("a b label\n1 2 0\n3  4  1\n")
        #expect(headed.featureNames == ["a", "b"] && headed.features == [1, 2, 3, 4] && headed.labels == [0, 1])
    }

    /// Rows of plain numbers take a fast path: padded with spaces and tabs as text tools write them, they read
    /// as the same rows separated by commas.
    @Test func spaceSeparatedRowsReadAsTheirCommaSeparatedTwins() throws {
        var generator = SeededGenerator(seed: 9)
        let rows = (0..<40).map { _ in (0..<4).map { _ in String(format: "%.3f", Float(generator.nextUnit()) * 200 - 100) } }
        let pads = ["  ", " ", "\t", " \t "]
        let spaced = rows.enumerated().map { index, row in
            " " + row.joined(separator: pads[index % pads.count]) + (index % 3 == 0 ? "   " : "")
        }
        let commas = rows.map { $0.joined(separator: ",") }
        let viaSpaces = try Self.table(spaced.joined(separator: "\n")), viaCommas = try Self.table(commas.joined(separator: "\n"))
        #expect(viaSpaces.features == viaCommas.features && viaSpaces.labels == viaCommas.labels && viaSpaces.rowCount == 40)
        let error = #expect(throws: TrainerError.self) { try Self.table(spaced.joined(separator: "\n") + "\n1 2 3\n") }
        #expect(error?.description.contains("line 41 has 3 fields, expected 4") == true, "\(String(describing: error))")
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstColumnsName() throws {
        #expect(try Self.table("\u{FEFF}sepal,petal,species\n5.1,3.5,setosa\n6.2,2.9,virginica\n").featureNames == ["sepal", "petal"])
        #expect(try Self.table("\u{FEFF}id,x,y\n1,2,0\n2,4,1\n", label: "id").featureNames == ["x", "y"])
    }

    @Test func aSeparatorEndingEveryLineAddsNoColumn() throws {
        let table = try Self.table("a,b,label,\r\n1,2,0,\r\n3,4,1, \r\n")
        #expect(table.featureNames == ["a", "b"] && table.features == [1, 2, 3, 4] && table.labels == [0, 1])
        let semicolons = try Self.table("1;2;x;\n3;4;y;\n")
        #expect(semicolons.features == [1, 2, 3, 4] && semicolons.classNames == ["x", "y"])
    }

    @Test func wholeNumberLabelsAreClassesInSortedOrder() throws {
        let table = try Self.table("a,label\n1,-1\n2,1\n3,-1\n")
        #expect(table.task == .classification(classes: 2) && table.labels == [0, 1, 0] && table.classNames == ["-1", "1"])
    }

    /// scikit-learn's diabetes table has 214 distinct whole-number targets over 442 rows: read as classes it had
    /// trained a 214-way classifier to an accuracy of 0.
    @Test func manyDistinctWholeNumbersAreAmbiguousUntilTheTaskIsNamed() throws {
        let rows = (0..<60).map { "\($0),\(100_000 + 997 * $0)" }.joined(separator: "\n")
        let error = #expect(throws: TrainerError.self) { try Self.table("rooms,price\n" + rows) }
        #expect(error?.exitCode == 65 && error?.description.contains("60 distinct whole numbers over 60 rows") == true)
        #expect(error?.description.contains("--task regression") == true)
        let table = try Self.table("rooms,price\n" + rows, task: .regression)
        #expect(table.task == .regression && table.labels[1] == 100_997)
    }

    @Test func fewWholeNumbersForTheRowsAreClassesAndTooFewRowsAreAmbiguous() throws {
        let wine = (0..<60).map { "\($0),\(3 + $0 % 6)" }.joined(separator: "\n")
        #expect(try Self.table("a,quality\n" + wine).task == .classification(classes: 6))
        // linnerud's pulse: 11 distinct values over 20 rows.
        let pulse = (0..<20).map { "\($0),\(50 + ($0 * 7) % 11)" }.joined(separator: "\n")
        #expect(throws: TrainerError.self) { try Self.table("a,pulse\n" + pulse) }
        #expect(try Self.table("a,pulse\n" + pulse, task: .classification).task == .classification(classes: 11))
    }

    @Test func classIndicesFromZeroAreClassesHoweverMany() throws {
        let rows = (0..<300).map { "\($0),\($0 % 100)" }.joined(separator: "\n")
        #expect(try Self.table("a,label\n" + rows).task == .classification(classes: 100))
    }

    /// A label of 1e19 (or 2.8e38, finite as a Float) once trapped converting it to an Int for its class name.
    @Test(arguments: ["1,2\n3,1e19\n", "1,2.3,   28236e34\n", "1,2\n3,-1e30\n"])
    func aWholeNumberTooLargeForAClassIsNamed(_ text: String) throws {
        let error = #expect(throws: TrainerError.self) { try Self.table(text) }
        #expect(error?.exitCode == 65 && error?.description.contains("too large to name a class") == true, "\(String(describing: error))")
        #expect(try Self.table(text, task: .regression).task == .regression)
        #expect(throws: TrainerError.self) { try Self.table(text, task: .classification) }
    }

    @Test func theTaskNamedMustFitTheLabels() throws {
        #expect(throws: TrainerError.self) { try Self.table("a,b\n1,x\n2,y\n", task: .regression) }
        #expect(throws: TrainerError.self) { try Self.table("a,b\n1,0.5\n2,1.5\n", task: .classification) }
        #expect(try Self.table("a,b\n1,0.5\n2,1.5\n").task == .regression)
    }

    @Test func aRegressionTargetIsStandardisedWithTheFeatures() throws {
        var table = try Self.table("a,y\n1,100000.5\n2,300000.5\n3,200000.5\n")
        table.standardize(using: [0, 1, 2])
        let mean = table.labels.reduce(0, +) / 3
        let variance = table.labels.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3
        #expect(abs(mean) < 1e-6 && abs(variance - 1) < 1e-5)
    }

    @Test func aConstantColumnIsCentredNotBlownUp() throws {
        var table = try Self.table("a,b,label\n1000000.5,1,0\n1000000.5,2,1\n1000000.5,3,0\n")
        table.standardize(using: [0, 1, 2])
        #expect(table.row(0).first == 0 && table.row(2).first == 0)
    }

    @Test func theLabelColumnCanBeNamedOrNumbered() throws {
        let byName = try Self.table("y,a,b\n0.5,1,2\n1.5,3,4\n", label: "y")
        #expect(byName.labels == [0.5, 1.5] && byName.task == .regression && byName.features == [1, 2, 3, 4])
        let byPosition = try Self.table("y,a,b\n0.5,1,2\n1.5,3,4\n", label: "1")
        #expect(byPosition.labels == byName.labels)
    }

    @Test func quotedNumbersAndSpacesAreRead() throws {
        let table = try Self.table("a,b\n \"1\" , 0\n2,1\n")
        #expect(table.features == [1, 2] && table.labels == [0, 1])
    }

    @Test func standardisationUsesOnlyTheGivenRows() throws {
        var table = try Self.table("a,label\n1,0\n3,1\n100,0\n")
        table.standardize(using: [0, 1])
        #expect(table.features == [-1, 1, 98])
    }

    @Test(arguments: [
        ("", "empty"), ("a,b\n", "no data rows"), ("a,b\n1,0\n2\n", "line 3"), ("a,b,c\n1,x,0\n", "line 2, column 2"),
        ("a,b\n1,0\n2,dog\n", "mixes numbers (line 2) and text (line 3)"), ("a,b,c\n1,,0\n2,3,1\n", "missing value"),
        ("a,b,c\n1,NA,0\n2,3,1\n", "'NA' (a missing value)"),
        ("a,b\n1,0\ninf,1\n", "not a finite number"), ("a,b\n1,x\n2,x\n", "single class"), ("a,b\n1,0\n2,0\n", "single class"),
        ("a,b\n1,0\n\"2,1\n", "not closed"), ("5\n", "column"), ("a,b,c\n1,2,\n", "the label is empty"),
        ("a,b,c,\n1,2,3,4\n", "line 2 has 4 fields, expected 3"),
    ])
    func malformedFilesNameTheProblem(_ text: String, _ expected: String) throws {
        let error = #expect(throws: TrainerError.self) { try Self.table(text) }
        #expect(error?.exitCode == 65 && error?.description.contains(expected) == true, "\(String(describing: error))")
    }
}
