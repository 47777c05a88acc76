import CZlib
import Foundation

/// gzip decompression through zlib, bounded: a data file that inflates beyond what data sensibly needs is
/// refused instead of exhausting memory.
enum Gzip {
    /// Whether `data` starts with gzip's magic bytes.
    static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// What a compressed text or table of `compressedSize` bytes may inflate to: 2 GiB at most, and beyond
    /// 256 MiB no more than 200 times its compressed size. Text and CSV compress 3 to 20-fold; a thousand-fold
    /// (zeros, one line repeated) is a decompression bomb, not data, and would train for gigabytes of memory.
    static func limit(forCompressed compressedSize: Int) -> Int {
        min(maximumInflatedSize, max(256 << 20, compressedSize.multipliedReportingOverflow(by: maximumRatio).partialValue))
    }

    static let maximumInflatedSize = 2 << 30
    static let maximumRatio = 200

    /// The decompressed bytes of `data`, up to `limit` (by default `limit(forCompressed:)`), beyond which it
    /// throws, or, with `stopsAtLimit`, returns the first `limit` bytes (a header, say).
    /// - Throws: `TrainerError.badData` for corrupt or truncated data, or more than `limit` bytes.
    static func decompress(
        _ data: Data, path: String, limit requestedLimit: Int? = nil, stopsAtLimit: Bool = false
    ) throws -> Data {
        let limit = requestedLimit ?? Self.limit(forCompressed: data.count)
        var stream = z_stream()
        // 15 + 32: the largest window, with the gzip (or zlib) header detected.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw TrainerError.badData(path: path, detail: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var status: Int32 = Z_OK, reachedLimit = false
        try data.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            // zlib does not write through next_in; its type is only not const.
            stream.next_in = UnsafeMutablePointer(mutating: source.bindMemory(to: UInt8.self).baseAddress)
            stream.avail_in = UInt32(clamping: source.count)
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
                if output.count >= limit {
                    guard stopsAtLimit else {
                        throw TrainerError.badData(
                            path: path,
                            detail: "decompresses to more than \(limit) bytes from \(data.count); more than"
                                + " \(Self.maximumRatio) times its size above 256 MiB, or 2 GiB in all, is refused as a"
                                + " decompression bomb (decompress it yourself to train on it)")
                    }
                    output.removeSubrange(limit...)
                    reachedLimit = true
                    return
                }
            } while status != Z_STREAM_END && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        if !reachedLimit && status != Z_STREAM_END {
            throw TrainerError.badData(path: path, detail: "truncated gzip data")
        }
        return output
    }
}
