import Foundation
import Testing
@testable import AutobwTrainer

/// Reading numeric CSV files into labelled tables.
@Suite struct NumericCSVTests {
    static func table(_ text: String, label: String? = nil) throws -> LabeledTable {
        try Array(text.utf8).withUnsafeBytes { try NumericCSV.parse($0, path: "t.csv", labelColumn: label) }
    }

    @Test func aHeaderIsDetectedAndTheLastColumnIsTheLabel() throws {
        let table = try Self.table("a,\"b, c\",label\r\n1,2,0\r\n\r\n3.5,-4e2,1\r\n")
        #expect(table.featureNames == ["a", "b, c"] && table.features == [1, 2, 3.5, -400])
        #expect(table.labels == [0, 1] && table.task == .classification(classes: 2))
    }

    @Test func withoutAHeaderColumnsAreNumbered() throws {
        let table = try Self.table("1,2,3\n4,5,6\n")
        #expect(table.featureNames == ["column 1", "column 2"] && table.task == .classification(classes: 7))
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
        ("", "empty"), ("a,b\n", "no data rows"), ("a,b\n1,0\n2\n", "line 3"), ("a,b\n1,x\n", "line 2, column 2"),
        ("a,b\n1,0\ninf,1\n", "not a finite number"), ("a,b\n1,-2\n", "class labels"), ("a,b\n1,0\n2,0\n", "single class"),
        ("a,b\n1,0\n\"2,1\n", "not closed"), ("5\n", "column"),
    ])
    func malformedFilesNameTheProblem(_ text: String, _ expected: String) throws {
        let error = #expect(throws: TrainerError.self) { try Self.table(text) }
        #expect(error?.exitCode == 65 && error?.description.contains(expected) == true, "\(String(describing: error))")
    }
}
