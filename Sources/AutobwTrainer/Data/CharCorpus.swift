import Autobw
import AutobwAssets
import Foundation

/// Why a text corpus cannot be used.
public enum CorpusError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not valid UTF-8: its first bad byte, the line it is on, and whether the file looks binary
    /// (NUL bytes near its start) rather than text in another encoding.
    case notUTF8(path: String, line: Int, byte: UInt8, looksBinary: Bool)
    /// The text is too short or has too few distinct characters to train on.
    case tooSmall(detail: String)
    /// The text has more distinct characters than a character model can take.
    case tooManyCharacters(count: Int, limit: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .notUTF8(let path, let line, let byte, let looksBinary):
            return "\(path) is not valid UTF-8 text: \(Self.utf8Detail(line: line, byte: byte, looksBinary: looksBinary))"
        case .tooSmall(let detail): return "the text is too small to train on: \(detail)"
        case .tooManyCharacters(let count, let limit):
            return "\(count) distinct characters, more than the \(limit) a character model takes (is this a binary file?)"
        }
    }

    /// Where the first bad byte is, and the likely cure: most such files are Latin-1 or Windows-1252 text.
    static func utf8Detail(line: Int, byte: UInt8, looksBinary: Bool) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        let hint = looksBinary
            ? " (it holds NUL bytes: a binary file, not text)"
            : " (Latin-1 or Windows-1252 text? convert it: iconv -f CP1252 -t UTF-8 FILE)"
        return "line \(line) has byte 0x\(hex.count < 2 ? "0" + hex : hex)" + hint
    }
}

/// A text as a sequence of character ids, char-rnn style: the vocabulary is the sorted set of its characters
/// (Unicode scalars).
///
/// Ids are 16-bit and read straight from the file's bytes, so a corpus costs about twice its size in memory (plus
/// the file's mapped pages), not a copy per representation: a gigabyte of text trains on this machine.
public struct CharCorpus: Sendable {
    /// The most distinct characters a corpus may hold (ids are 16-bit).
    public static let maximumVocabulary = Int(UInt16.max)

    /// The characters, indexed by id.
    public let vocabulary: [Unicode.Scalar]
    /// The text as ids.
    public let ids: [UInt16]

    /// The corpus of `text`.
    /// - Throws: `CorpusError.tooSmall` for fewer than 2 distinct characters or 3 characters in all.
    public init(text: String) throws {
        var text = text
        self = try text.withUTF8 { try CharCorpus(utf8: UnsafeRawBufferPointer($0), path: "the text") }
    }

    /// The corpus of UTF-8 `bytes`, decoded twice (once for the vocabulary, once for the ids) instead of
    /// being copied into a `String` and an array of scalars.
    init(utf8 bytes: UnsafeRawBufferPointer, path: String) throws {
        var present = [Bool](repeating: false, count: 0x110000)
        var count = 0, distinct = 0
        try Self.decode(bytes, path: path) { scalar in
            count += 1
            if !present[Int(scalar.value)] {
                present[Int(scalar.value)] = true
                distinct += 1
            }
        }
        guard distinct <= Self.maximumVocabulary else {
            throw CorpusError.tooManyCharacters(count: distinct, limit: Self.maximumVocabulary)
        }
        vocabulary = present.indices.compactMap { present[$0] ? Unicode.Scalar(UInt32($0)) : nil }
        guard vocabulary.count >= 2, count >= 3 else {
            throw CorpusError.tooSmall(detail: "\(count) characters, \(vocabulary.count) distinct")
        }
        var index = [UInt16](repeating: 0, count: 0x110000)
        for (id, scalar) in vocabulary.enumerated() { index[Int(scalar.value)] = UInt16(id) }
        var ids = [UInt16]()
        ids.reserveCapacity(count)
        try Self.decode(bytes, path: path) { ids.append(index[Int($0.value)]) }
        self.ids = ids
    }

    private static func decode(
        _ bytes: UnsafeRawBufferPointer, path: String, _ body: (Unicode.Scalar) -> Void
    ) throws {
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): body(scalar)
            case .emptyInput: return
            case .error: throw firstInvalidByte(in: bytes, path: path)
            }
        }
    }

    /// The error naming the first byte of `bytes` that is not valid UTF-8, found again on the (rare) failing path.
    private static func firstInvalidByte(in bytes: UnsafeRawBufferPointer, path: String) -> CorpusError {
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        var offset = 0, line = 1
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            if scalar == "\n" { line += 1 }
            offset += UTF8.width(scalar)
        }
        return .notUTF8(
            path: path, line: line, byte: offset < bytes.count ? bytes[offset] : 0,
            looksBinary: bytes.prefix(4096).contains(0))
    }

    /// The corpus in the UTF-8 (or, with a byte-order mark, UTF-16) file at `path`, plain or gzip-compressed.
    /// - Throws: `CorpusError` when the file is missing, unreadable, not UTF-8 or too small;
    ///   `TrainerError.badData` for corrupt or truncated gzip data.
    /// tinyshakespeare, the corpus linked into autobw (`EmbeddedCorpus.tinyShakespeareGzip`): the default's data.
    public static func tinyShakespeare() throws -> CharCorpus {
        let text = try Gzip.decompress(Data(EmbeddedCorpus.tinyShakespeareGzip), path: "the embedded corpus")
        return try text.withUnsafeBytes { try CharCorpus(utf8: $0, path: "the embedded corpus") }
    }

    public static func load(path: String) throws -> CharCorpus {
        if let problem = InputFile.problem(with: path) { throw CorpusError.unreadable(path: path, reason: problem) }
        var data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw CorpusError.unreadable(path: path, reason: "reading failed (\(error.localizedDescription))")
        }
        if Gzip.isCompressed(data) { data = try Gzip.decompress(data, path: path) }
        // Windows editors save "Unicode" as UTF-16 with a byte-order mark, and UTF-8 with a mark of its own.
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            // Binary data after two bytes that happen to look like a mark decodes too, but with NUL characters.
            guard let text = String(data: data, encoding: .utf16), !text.unicodeScalars.contains("\u{0}") else {
                throw CorpusError.notUTF8(path: path, line: 1, byte: data[data.startIndex], looksBinary: true)
            }
            return try CharCorpus(text: text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        }
        let markLength = data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        return try data.withUnsafeBytes { bytes in
            try CharCorpus(utf8: UnsafeRawBufferPointer(rebasing: bytes[markLength...]), path: path)
        }
    }

    /// The text of `ids` (ids outside the vocabulary are skipped).
    public func decode<S: Sequence>(_ ids: S) -> String where S.Element: BinaryInteger {
        var text = String.UnicodeScalarView()
        for id in ids where vocabulary.indices.contains(Int(id)) { text.append(vocabulary[Int(id)]) }
        return String(text)
    }

    /// The id of `character`, if it occurs in the corpus.
    public func id(of character: Unicode.Scalar) -> Int? { vocabulary.firstIndex(of: character) }

    /// char-rnn's batching: the text cut into `batchSize` parallel streams, read `sequenceLength` characters at
    /// a time, so each stream continues where its previous batch ended (which is why the LSTM state can be
    /// carried over).
    /// - Throws: `CorpusError.tooSmall` when the text does not fill one batch.
    public func batches(batchSize: Int, sequenceLength: Int) throws -> CharBatches {
        try CharBatches(ids: ids, range: ids.indices, batchSize: batchSize, sequenceLength: sequenceLength)
    }

    /// char-rnn's split: training batches over the text's first part and validation batches over its last
    /// `validationFraction` (nil when that part does not fill one batch).
    public func split(
        validationFraction: Double, batchSize: Int, sequenceLength: Int
    ) throws -> (training: CharBatches, validation: CharBatches?) {
        let held = Int(Double(ids.count) * min(max(validationFraction, 0), 0.9))
        let training = try CharBatches(
            ids: ids, range: 0..<(ids.count - held), batchSize: batchSize, sequenceLength: sequenceLength)
        let validation = try? CharBatches(
            ids: ids, range: (ids.count - held)..<ids.count, batchSize: batchSize, sequenceLength: sequenceLength)
        return (training, held > 0 ? validation : nil)
    }
}

/// One training batch: inputs and next-character targets, indexed `[time][stream]`.
public struct CharBatch: Sendable {
    /// Input ids `[sequenceLength][batchSize]`.
    public let inputs: [[Int]]
    /// The id following each input.
    public let targets: [[Int]]
}

/// The batches of one corpus, cycling through epochs. Shares the corpus's ids; nothing is copied.
public struct CharBatches: Sendable {
    /// Batches per pass over the text.
    public let batchesPerEpoch: Int
    /// Parallel streams, the batch size.
    public let streamCount: Int
    let ids: [UInt16]
    /// Where the streams start in `ids`.
    let offset: Int
    let perStream: Int
    let sequenceLength: Int

    init(ids: [UInt16], range: Range<Int>, batchSize: Int, sequenceLength: Int) throws {
        guard batchSize > 0, sequenceLength > 0 else {
            throw CorpusError.tooSmall(detail: "batch size and sequence length must be positive")
        }
        offset = range.lowerBound
        perStream = max(range.count - 1, 0) / batchSize
        batchesPerEpoch = perStream / sequenceLength
        guard batchesPerEpoch > 0 else {
            throw CorpusError.tooSmall(
                detail: "\(range.count) characters do not fill one batch of \(batchSize) x \(sequenceLength) + 1")
        }
        self.ids = ids
        streamCount = batchSize
        self.sequenceLength = sequenceLength
    }

    /// Batch `index`, counted around the epoch in either direction (`-1` is the epoch's last batch).
    public func batch(_ index: Int) -> CharBatch {
        let wrapped = ((index % batchesPerEpoch) + batchesPerEpoch) % batchesPerEpoch
        let start = wrapped * sequenceLength
        let base = offset + start
        let inputs = (0..<sequenceLength).map { t in (0..<streamCount).map { Int(ids[base + $0 * perStream + t]) } }
        let targets = (0..<sequenceLength).map { t in (0..<streamCount).map { Int(ids[base + $0 * perStream + t + 1]) } }
        return CharBatch(inputs: inputs, targets: targets)
    }
}
