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

    /// The tensors (converted to Float32) and metadata in `data`.
    /// - Throws: `CheckpointError` naming what is wrong: truncation, an oversized or malformed header, an
    ///   unsupported dtype, or byte ranges that are out of bounds, overlapping or of the wrong size.
    public static func decode(_ data: Data) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard data.count >= 8 else {
            throw CheckpointError.truncated(detail: "\(data.count) bytes, fewer than the 8-byte header length")
        }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= headerLimit, headerLength <= UInt64(data.count - 8) else {
            throw CheckpointError.headerTooLarge(bytes: headerLength, limit: min(headerLimit, UInt64(data.count - 8)))
        }
        let headerEnd = 8 + Int(headerLength)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd))
        } catch {
            throw CheckpointError.malformedHeader(detail: "not valid JSON")
        }
        guard let header = object as? [String: Any] else {
            throw CheckpointError.malformedHeader(detail: "the header is not a JSON object")
        }
        var metadata = [String: String]()
        if let raw = header["__metadata__"] {
            guard let values = raw as? [String: String] else {
                throw CheckpointError.malformedHeader(detail: "__metadata__ must map strings to strings")
            }
            metadata = values
        }
        let body = data.subdata(in: headerEnd..<data.count)
        var entries = [(name: String, entry: Entry)]()
        for (name, raw) in header where name != "__metadata__" {
            entries.append((name, try Entry(name: name, raw)))
        }
        entries.sort { $0.entry.begin < $1.entry.begin }
        var expectedBegin = 0
        for (name, entry) in entries {
            guard entry.begin == expectedBegin else {
                throw CheckpointError.badOffsets(
                    name: name, detail: "starts at byte \(entry.begin), expected \(expectedBegin) (gap or overlap)")
            }
            expectedBegin = entry.end
        }
        guard expectedBegin == body.count else {
            if expectedBegin > body.count {
                throw CheckpointError.truncated(detail: "the header describes \(expectedBegin) data bytes, the file has \(body.count)")
            }
            throw CheckpointError.badOffsets(
                name: entries.last?.name ?? "(none)", detail: "\(body.count - expectedBegin) trailing bytes after the last tensor")
        }
        var tensors = [String: Tensor]()
        for (name, entry) in entries {
            tensors[name] = try entry.tensor(from: body)
        }
        return (tensors, metadata)
    }

    /// Reads the file at `path`.
    public static func read(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw CheckpointError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data)
    }

    /// One header entry, validated.
    private struct Entry {
        let dtype: DType
        let shape: [Int]
        let begin: Int, end: Int

        init(name: String, _ raw: Any) throws {
            guard let fields = raw as? [String: Any] else {
                throw CheckpointError.malformedHeader(detail: "entry '\(name)' is not an object")
            }
            guard let dtypeName = fields["dtype"] as? String else {
                throw CheckpointError.malformedHeader(detail: "entry '\(name)' has no dtype")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw CheckpointError.unsupportedDType(name: name, dtype: dtypeName)
            }
            guard let shape = (fields["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                shape.count == (fields["shape"] as? [Any])?.count, shape.allSatisfy({ $0 >= 0 })
            else {
                throw CheckpointError.malformedHeader(detail: "entry '\(name)' has no valid shape")
            }
            guard let offsets = (fields["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                offsets.count == 2, offsets[0] >= 0, offsets[1] >= offsets[0]
            else {
                throw CheckpointError.badOffsets(name: name, detail: "data_offsets must be two ascending byte positions")
            }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= Int(Int32.max) else {
                    throw CheckpointError.malformedHeader(detail: "entry '\(name)' has an impossibly large shape")
                }
                count = product
            }
            guard offsets[1] - offsets[0] == count * dtype.size else {
                throw CheckpointError.badOffsets(
                    name: name,
                    detail: "\(offsets[1] - offsets[0]) bytes for \(count) elements of \(dtype.rawValue) (\(count * dtype.size) expected)")
            }
            self.dtype = dtype
            self.shape = shape
            begin = offsets[0]
            end = offsets[1]
        }

        func tensor(from body: Data) throws -> Tensor {
            let count = (end - begin) / dtype.size
            var scalars = [Float](repeating: 0, count: count)
            body.withUnsafeBytes { raw in
                let bytes = raw.baseAddress.map { UnsafeRawPointer($0) + begin }
                guard let bytes else { return }
                for i in 0..<count { scalars[i] = dtype.float(at: bytes + i * dtype.size) }
            }
            return try Tensor(shape: shape, scalars: scalars)
        }
    }

    /// Element types converted to Float32 on reading.
    private enum DType: String {
        case f32 = "F32", f64 = "F64", f16 = "F16", bf16 = "BF16"

        var size: Int {
            switch self {
            case .f32: return 4
            case .f64: return 8
            case .f16, .bf16: return 2
            }
        }

        func float(at p: UnsafeRawPointer) -> Float {
            switch self {
            case .f32: return Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
            case .f64: return Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
            case .f16: return Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
            case .bf16: return Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) << 16)
            }
        }
    }
}
