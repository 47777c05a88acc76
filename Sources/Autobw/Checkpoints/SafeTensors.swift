import Foundation

/// The safetensors file format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data. PyTorch users read and write it with the
/// `safetensors` Python package.
public enum SafeTensors {
    /// Headers larger than this are rejected before anything is allocated for them (the reference
    /// implementation's limit).
    public static let headerLimit: UInt64 = 100_000_000

    /// The encoded file for `tensors` (stored as F32) and string `metadata`.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header = [String: Any]()
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let tensor = tensors[name] ?? Tensor.empty
            let bytes = tensor.count * 4
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names {
            guard let tensor = tensors[name] else { continue }
            tensor.withUnsafeBufferPointer { buffer in
                for value in buffer { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            }
        }
        return data
    }

    /// Writes `tensors` and `metadata` to `path` atomically.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        try AtomicFile.write(try encode(tensors, metadata: metadata), to: path)
    }

    /// The tensors (converted to Float32) and metadata in `data`, with whether the header had a
    /// `__metadata__` object at all.
    /// - Throws: `CheckpointError` naming what is wrong: truncation, an oversized or malformed header, an
    ///   unsupported dtype, or byte ranges that are out of bounds, overlapping or of the wrong size.
    public static func decode(_ data: Data) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = try decodeFile(data)
        return (file.tensors, file.metadata)
    }

    /// `decode`, also saying whether the header had a `__metadata__` object.
    static func decodeFile(_ data: Data) throws -> (tensors: [String: Tensor], metadata: [String: String], hasMetadata: Bool) {
        guard data.count >= 8 else {
            throw CheckpointError.truncated(detail: "\(data.count) bytes, fewer than the 8-byte header length")
        }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= headerLimit, headerLength <= UInt64(data.count - 8) else {
            throw CheckpointError.headerTooLarge(bytes: headerLength, limit: min(headerLimit, UInt64(data.count - 8)))
        }
        let headerEnd = 8 + Int(headerLength)
        return try data.withUnsafeBytes { raw in
            let header = try SafeTensorsHeader(parsing: UnsafeRawBufferPointer(rebasing: raw[8..<headerEnd]))
            let body = UnsafeRawBufferPointer(rebasing: raw[headerEnd...])
            try checkLayout(header.entries, bodyCount: body.count)
            var tensors = [String: Tensor]()
            for entry in header.entries { tensors[entry.name] = try tensor(entry, from: body) }
            return (tensors, header.metadata, header.hasMetadata)
        }
    }

    /// The non-empty tensors must tile the data area exactly: no gap, no overlap, nothing after the last.
    /// Empty tensors hold no bytes, so they may sit at any offset inside it, e.g. sharing a neighbour's start.
    /// Checked in byte order, so the result never depends on the order of the header's entries.
    private static func checkLayout(_ entries: [SafeTensorsHeader.Entry], bodyCount: Int) throws {
        if let outside = entries.first(where: { $0.end > bodyCount }) {
            throw CheckpointError.truncated(
                detail: "tensor '\(outside.name)' ends at byte \(outside.end), the data has \(bodyCount)")
        }
        let filled = entries.filter { $0.end > $0.begin }.sorted { ($0.begin, $0.name) < ($1.begin, $1.name) }
        var expectedBegin = 0
        for entry in filled {
            guard entry.begin == expectedBegin else {
                throw CheckpointError.badOffsets(
                    name: entry.name,
                    detail: "starts at byte \(entry.begin), expected \(expectedBegin) (\(entry.begin > expectedBegin ? "gap" : "overlap"))")
            }
            expectedBegin = entry.end
        }
        guard expectedBegin == bodyCount else {
            throw CheckpointError.badOffsets(
                name: filled.last?.name ?? "(none)", detail: "\(bodyCount - expectedBegin) trailing bytes after the last tensor")
        }
    }

    private static func tensor(_ entry: SafeTensorsHeader.Entry, from body: UnsafeRawBufferPointer) throws -> Tensor {
        let count = (entry.end - entry.begin) / entry.dtype.size
        let out = Tensor.uninitialized(entry.shape)
        if let base = body.baseAddress {
            let bytes = base + entry.begin
            for i in 0..<count { out.pointer[i] = entry.dtype.float(at: bytes + i * entry.dtype.size) }
        }
        return out
    }

    /// Reads the file at `path`.
    public static func read(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = try readFile(path)
        return (file.tensors, file.metadata)
    }

    /// `read`, also saying whether the header had a `__metadata__` object.
    static func readFile(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String], hasMetadata: Bool) {
        try decodeFile(try InputFile.read(path))
    }
}
