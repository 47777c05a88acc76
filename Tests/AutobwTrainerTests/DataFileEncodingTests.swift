import AutobwTestSupport
import Foundation
import Testing
@testable import AutobwTrainer

/// Text and CSV data files are read gzip-compressed too (and CSV in UTF-16); corrupt compressed data is an error
/// naming the file.
@Suite struct DataFileEncodingTests {
    func file(_ data: Data, _ suffix: String) throws -> String {
        let path = temporaryPath("encoding", suffix)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aGzippedTextIsReadAsItsText() throws {
        let text = String(repeating: "First Citizen:\nBefore we proceed any further, hear me speak.\n", count: 40)
        let compressed = gzipped(Array(text.utf8))
        #expect(Gzip.isCompressed(compressed))
        let corpus = try CharCorpus.load(path: try file(compressed, ".txt.gz"))
        #expect(corpus.decode(corpus.ids) == text)
    }

    @Test func aGzippedCSVGivesTheSameTableAsThePlainOne() throws {
        let csv = "a,b,label\n" + (0..<30).map { "\($0),\(Double($0) / 4),\($0 % 3)" }.joined(separator: "\n")
        let plain = try NumericCSV.read(path: try file(Data(csv.utf8), ".csv"))
        let compressed = try NumericCSV.read(path: try file(gzipped(Array(csv.utf8)), ".csv.gz"))
        #expect(compressed.features == plain.features && compressed.labels == plain.labels && compressed.summary == plain.summary)
    }

    /// Excel saves "Unicode Text" as UTF-16 with a byte-order mark, fields separated by tabs.
    @Test func aUTF16TableReadsAsItsUTF8Twin() throws {
        let csv = "a\tb\tspecies\n1\t2\tsetosa\n3\t4\tvirginica\n5\t6\tsetosa\n"
        let utf16 = try #require(csv.data(using: .utf16))
        let table = try NumericCSV.read(path: try file(utf16, ".txt"))
        #expect(table.summary == (try NumericCSV.read(path: try file(Data(csv.utf8), ".csv"))).summary)
        #expect(table.features == [1, 2, 3, 4, 5, 6] && table.classNames == ["setosa", "virginica"])
    }

    @Test func truncatedGzipDataIsAnErrorNamingTheFile() throws {
        let compressed = gzipped(Array(String(repeating: "to be or not to be\n", count: 500).utf8))
        let path = try file(compressed.prefix(compressed.count / 2), ".txt.gz")
        for read in [{ _ = try CharCorpus.load(path: path) }, { _ = try NumericCSV.read(path: path) }] {
            #expect {
                try read()
            } throws: { error in
                "\(error)".contains(path) && "\(error)".contains("truncated gzip data")
            }
        }
    }

    /// Old Excel for Mac writes CSV with a lone CR ending each line; it once read as "a header but no data rows".
    @Test func classicMacLineEndingsReadAsLines() throws {
        let table = try NumericCSV.read(path: try file(Data("a,b,label\r1,2,0\r3,4,1\r".utf8), ".csv"))
        #expect(table.rowCount == 2 && table.features == [1, 2, 3, 4] && table.labels == [0, 1])
    }
}
