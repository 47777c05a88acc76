/// Why a checkpoint or safetensors file could not be read or written.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file could not be written; any previous file at the path is intact.
    case unwritable(path: String, reason: String)
    /// The file ends before its header or data says it should.
    case truncated(detail: String)
    /// The header length field is larger than the file or the safety limit.
    case headerTooLarge(bytes: UInt64, limit: UInt64)
    /// The JSON header is not valid or does not describe tensors.
    case malformedHeader(detail: String)
    /// A tensor uses an element type autobw cannot convert to Float32.
    case unsupportedDType(name: String, dtype: String)
    /// A tensor's byte range is out of bounds, overlapping or of the wrong size.
    case badOffsets(name: String, detail: String)
    /// A tensor the model or optimizer needs is not in the file.
    case missingTensor(String)
    /// A tensor in the file does not have the shape the model expects.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A metadata field is missing, unparsable or out of range.
    case badMetadata(field: String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
        case .truncated(let detail): return "truncated file: \(detail)"
        case .headerTooLarge(let bytes, let limit):
            return "header length \(bytes) bytes is larger than the file or the \(limit)-byte limit"
        case .malformedHeader(let detail): return "malformed safetensors header: \(detail)"
        case .unsupportedDType(let name, let dtype): return "tensor '\(name)' has unsupported dtype \(dtype)"
        case .badOffsets(let name, let detail): return "tensor '\(name)' has bad data offsets: \(detail)"
        case .missingTensor(let name): return "the file has no tensor '\(name)'"
        case .shapeMismatch(let name, let expected, let found):
            return "tensor '\(name)' has shape \(Shape.describe(found)), expected \(Shape.describe(expected))"
        case .badMetadata(let field, let detail): return "metadata field '\(field)': \(detail)"
        }
    }
}
