import CZlib
import Foundation
import Testing
@testable import AutobwTrainer

/// Compressed data files are inflated within bounds.
@Suite struct GzipTests {
    /// `bytes` compressed by zlib (the zlib format; inflate detects it as it detects gzip).
    func compressed(_ bytes: [UInt8]) -> Data {
        var length = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        _ = compress2(&output, &length, bytes, uLong(bytes.count), 9)
        return Data(output[0..<Int(length)])
    }

    @Test func compressedBytesComeBackUnchanged() throws {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(try Gzip.decompress(compressed(bytes), path: "x") == Data(bytes))
    }

    @Test func aFileThatInflatesBeyondTheLimitIsRefused() {
        let bomb = compressed([UInt8](repeating: 0, count: 3 << 20))
        #expect(bomb.count < 10_000)
        #expect {
            try Gzip.decompress(bomb, path: "bomb.gz", limit: 1 << 20)
        } throws: { error in
            "\(error)".contains("decompresses to more than 1048576 bytes")
        }
    }
}

/// `bytes` in the gzip format, as `gzip` writes it.
func gzipped(_ bytes: [UInt8]) -> Data {
    var stream = z_stream()
    // 15 + 16: the largest window, with a gzip header and trailer.
    _ = deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
    input.withUnsafeMutableBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            (stream.next_in, stream.avail_in) = (source.baseAddress, UInt32(source.count))
            (stream.next_out, stream.avail_out) = (target.baseAddress, UInt32(target.count))
            _ = deflate(&stream, Z_FINISH)
        }
    }
    return Data(output[0..<Int(stream.total_out)])
}

/// Text and CSV data files are read gzip-compressed too; corrupt compressed data is an error naming the file.
@Suite struct CompressedDataFileTests {
    func file(_ data: Data, _ suffix: String) throws -> String {
        let path = NSTemporaryDirectory() + "autobw-\(UUID().uuidString)\(suffix)"
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
}
