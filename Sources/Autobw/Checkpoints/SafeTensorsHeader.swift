/// The JSON header of a safetensors file, read by a parser that knows the format's one shape of header.
///
/// A general JSON parser builds an object per value before anything can be checked, so a hostile 100 MB header
/// of empty objects costs gigabytes. This one keeps only what the format defines (per tensor: dtype, shape,
/// byte range; the string metadata), skips unknown fields without storing them, and stops at the first
/// error, so reading any header takes time linear in its size and memory bounded by `maximumTensorCount`.
struct SafeTensorsHeader {
    /// One tensor's header entry, checked: known dtype, valid shape, a byte range that fits the shape.
    struct Entry {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let begin: Int, end: Int
    }

    /// More tensors than any real checkpoint holds (large language models have a few thousand); a header
    /// claiming more is refused before its entries can exhaust memory.
    static let maximumTensorCount = 250_000
    /// Shapes deeper than this are refused.
    static let maximumRank = 64
    /// Nesting depth of unknown values that are skipped.
    static let maximumDepth = 64

    private(set) var entries: [Entry] = []
    private(set) var metadata: [String: String] = [:]
    /// Whether the header has a `__metadata__` object.
    private(set) var hasMetadata = false

    private var reader: JSONReader

    /// Parses `bytes`, the header without its 8-byte length.
    /// - Throws: `CheckpointError.malformedHeader` (with the byte position), `.unsupportedDType` or
    ///   `.badOffsets` naming the tensor.
    init(parsing bytes: UnsafeRawBufferPointer) throws {
        reader = JSONReader(bytes)
        try parse()
    }

    private mutating func parse() throws {
        try reader.expect(UInt8(ascii: "{"))
        var names = Set<String>()
        if try !reader.consumeIf(UInt8(ascii: "}")) {
            repeat {
                let key = try reader.string()
                try reader.expect(UInt8(ascii: ":"))
                if key == "__metadata__" {
                    guard !hasMetadata else { throw reader.error("__metadata__ appears twice") }
                    hasMetadata = true
                    metadata = try parseMetadata()
                } else {
                    guard names.insert(key).inserted else { throw reader.error("tensor '\(key)' appears twice") }
                    guard entries.count < Self.maximumTensorCount else {
                        throw reader.error("more than \(Self.maximumTensorCount) tensors")
                    }
                    entries.append(try parseEntry(named: key))
                }
            } while try reader.consumeIf(UInt8(ascii: ","))
            try reader.expect(UInt8(ascii: "}"))
        }
        try reader.expectEnd()
    }

    private mutating func parseMetadata() throws -> [String: String] {
        var values = [String: String]()
        try reader.expect(UInt8(ascii: "{"))
        if try reader.consumeIf(UInt8(ascii: "}")) { return values }
        repeat {
            let key = try reader.string()
            try reader.expect(UInt8(ascii: ":"))
            guard reader.peek() == UInt8(ascii: "\"") else {
                throw reader.error("__metadata__ must map strings to strings ('\(key)' is not a string)")
            }
            values[key] = try reader.string()
        } while try reader.consumeIf(UInt8(ascii: ","))
        try reader.expect(UInt8(ascii: "}"))
        return values
    }

    private mutating func parseEntry(named name: String) throws -> Entry {
        var dtypeName: String?, shape: [Int]?, offsets: [Int]?
        try reader.expect(UInt8(ascii: "{"))
        if try !reader.consumeIf(UInt8(ascii: "}")) {
            repeat {
                let key = try reader.string()
                try reader.expect(UInt8(ascii: ":"))
                switch key {
                case "dtype": dtypeName = try reader.string()
                case "shape": shape = try reader.integers(atMost: Self.maximumRank, what: "shape of '\(name)'")
                case "data_offsets": offsets = try reader.integers(atMost: 2, what: "data_offsets of '\(name)'")
                default: try reader.skipValue(depthLimit: Self.maximumDepth)
                }
            } while try reader.consumeIf(UInt8(ascii: ","))
            try reader.expect(UInt8(ascii: "}"))
        }
        guard let dtypeName else { throw CheckpointError.malformedHeader(detail: "entry '\(name)' has no dtype") }
        guard let shape else { throw CheckpointError.malformedHeader(detail: "entry '\(name)' has no valid shape") }
        guard let offsets, offsets.count == 2, offsets[1] >= offsets[0] else {
            throw CheckpointError.badOffsets(name: name, detail: "data_offsets must be two ascending byte positions")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw CheckpointError.unsupportedDType(name: name, dtype: dtypeName)
        }
        let count: Int
        do {
            count = try Shape.validatedCount(shape, op: "safetensors", argument: "shape of '\(name)'")
        } catch {
            throw CheckpointError.malformedHeader(detail: "entry '\(name)' has an impossibly large shape")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, offsets[1] - offsets[0] == bytes else {
            throw CheckpointError.badOffsets(
                name: name,
                detail: "\(offsets[1] - offsets[0]) bytes for \(count) elements of \(dtype.rawValue)"
                    + " (\(overflow ? "too many" : String(bytes)) expected)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
    }
}

/// A forward-only reader of JSON tokens over bytes, for `SafeTensorsHeader`.
private struct JSONReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func error(_ detail: String) -> CheckpointError {
        .malformedHeader(detail: "\(detail) (at byte \(position) of the header)")
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    mutating func consumeIf(_ byte: UInt8) throws -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    mutating func expect(_ byte: UInt8) throws {
        guard try consumeIf(byte) else {
            throw error(peek() == nil ? "the header ends early" : "expected '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    /// Only whitespace may follow the top-level object (writers pad the header with spaces).
    mutating func expectEnd() throws {
        guard peek() == nil else { throw error("unexpected text after the header object") }
    }

    /// A JSON string, unescaped.
    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        var utf8 = [UInt8]()
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw error("a string is not UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                try unescape(into: &utf8)
            case 0..<0x20:
                throw error("a control character inside a string")
            default:
                utf8.append(byte)
            }
        }
        throw error("a string is not closed")
    }

    private mutating func unescape(into utf8: inout [UInt8]) throws {
        guard position < bytes.count else { throw error("a string is not closed") }
        let escaped = bytes[position]
        position += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by `\uDC00`-`\uDFFF`.
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("an unpaired surrogate in a string") }
                position += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw error("an unpaired surrogate in a string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let character = Unicode.Scalar(scalar) else { throw error("an invalid \\u escape") }
            utf8.append(contentsOf: Array(String(character).utf8))
        default:
            throw error("an invalid escape in a string")
        }
    }

    private mutating func hexQuad() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("a string is not closed") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Character(Unicode.Scalar(bytes[position])).hexDigitValue else {
                throw error("an invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// A non-negative integer without fraction or exponent (shapes and byte offsets).
    mutating func integer(what: String) throws -> Int {
        skipWhitespace()
        var value = 0, digits = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw error("a number in \(what) is too large") }
            value = next
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw error("\(what) must hold non-negative integers") }
        if let next = peek(), next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            throw error("\(what) must hold integers")
        }
        return value
    }

    /// An array of at most `limit` non-negative integers.
    mutating func integers(atMost limit: Int, what: String) throws -> [Int] {
        try expect(UInt8(ascii: "["))
        var values = [Int]()
        if try consumeIf(UInt8(ascii: "]")) { return values }
        repeat {
            guard values.count < limit else { throw error("\(what) has more than \(limit) numbers") }
            values.append(try integer(what: what))
        } while try consumeIf(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return values
    }

    /// Passes over any JSON value without keeping it.
    mutating func skipValue(depthLimit: Int) throws {
        guard depthLimit > 0 else { throw error("values nested too deeply") }
        switch peek() {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"):
            position += 1
            if try consumeIf(UInt8(ascii: "}")) { return }
            repeat {
                _ = try string()
                try expect(UInt8(ascii: ":"))
                try skipValue(depthLimit: depthLimit - 1)
            } while try consumeIf(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            position += 1
            if try consumeIf(UInt8(ascii: "]")) { return }
            repeat { try skipValue(depthLimit: depthLimit - 1) } while try consumeIf(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case nil:
            throw error("the header ends early")
        default:
            // A number, true, false or null: letters, digits and signs up to the next delimiter.
            let start = position
            while position < bytes.count, !Self.delimiters.contains(bytes[position]) { position += 1 }
            guard position > start else { throw error("expected a value") }
        }
    }

    private static let delimiters: Set<UInt8> = [
        UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D,
    ]
}
