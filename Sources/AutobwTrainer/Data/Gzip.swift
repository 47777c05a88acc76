import CZlib
import Foundation

/// gzip decompression through zlib, bounded: a data file that inflates beyond `limit` bytes is refused instead
/// of exhausting memory.
enum Gzip {
    /// Whether `data` starts with gzip's magic bytes.
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The decompressed bytes of `data`, or its first `prefix` bytes when given.
    /// - Throws: `TrainerError.badData` for corrupt or truncated data, or more than `limit` bytes.
    static func decompress(_ data: Data, path: String, limit: Int = 2 << 30, prefix: Int? = nil) throws -> Data {
        var stream = z_stream()
        // 15 + 32: the largest window, with the gzip (or zlib) header detected.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw TrainerError.badData(path: path, detail: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var input = [UInt8](data)
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            repeat {
                status = buffer.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(chunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw TrainerError.badData(path: path, detail: "corrupt gzip data (\(reason))")
                }
                output.append(contentsOf: buffer[0..<(chunk - Int(stream.avail_out))])
                if let prefix, output.count >= prefix { return }
                guard output.count <= limit else {
                    throw TrainerError.badData(path: path, detail: "decompresses to more than \(limit) bytes")
                }
            } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        if prefix == nil && status != Z_STREAM_END {
            throw TrainerError.badData(path: path, detail: "truncated gzip data")
        }
        return output
    }
}
