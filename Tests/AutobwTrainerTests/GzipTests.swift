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

    @Test func inflationIsBoundedByTheCompressedSizeBeyond256MiB() {
        #expect(Gzip.limit(forCompressed: 800_000) == 256 << 20)
        #expect(Gzip.limit(forCompressed: 2 << 20) == 400 << 20)
        #expect(Gzip.limit(forCompressed: 100 << 20) == 2 << 30)
    }

    @Test func aStopAtTheLimitReturnsTheFirstBytes() throws {
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(try Gzip.decompress(compressed(bytes), path: "x", limit: 20, stopsAtLimit: true) == Data(bytes[0..<20]))
        #expect(try Gzip.decompress(compressed(bytes), path: "x", limit: 5_000, stopsAtLimit: true) == Data(bytes[0..<5_000]))
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
