import Autobw
import Foundation

/// Why a text corpus cannot be used.
public enum CorpusError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not valid UTF-8.
    case notUTF8(path: String)
    /// The text is too short or has too few distinct characters to train on.
    case tooSmall(detail: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .notUTF8(let path): return "\(path) is not valid UTF-8 text"
        case .tooSmall(let detail): return "the text is too small to train on: \(detail)"
        }
    }
}

/// A text as a sequence of character ids, char-rnn style: the vocabulary is the sorted set of its characters
/// (Unicode scalars).
public struct CharCorpus: Sendable {
    /// The characters, indexed by id.
    public let vocabulary: [Unicode.Scalar]
    /// The text as ids.
    public let ids: [Int]

    /// The corpus of `text`.
    /// - Throws: `CorpusError.tooSmall` for fewer than 2 distinct characters or 3 characters in all.
    public init(text: String) throws {
        let scalars = Array(text.unicodeScalars)
        vocabulary = Array(Set(scalars)).sorted { $0.value < $1.value }
        guard vocabulary.count >= 2, scalars.count >= 3 else {
            throw CorpusError.tooSmall(detail: "\(scalars.count) characters, \(vocabulary.count) distinct")
        }
        let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) })
        ids = scalars.map { index[$0] ?? 0 }
    }

    /// The corpus in the UTF-8 file at `path`.
    /// - Throws: `CorpusError` when the file is missing, unreadable, not UTF-8 or too small.
    public static func load(path: String) throws -> CharCorpus {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CorpusError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CorpusError.notUTF8(path: path) }
        return try CharCorpus(text: text)
    }

    /// The text of `ids` (ids outside the vocabulary are skipped).
    public func decode(_ ids: [Int]) -> String {
        var text = String.UnicodeScalarView()
        for id in ids where vocabulary.indices.contains(id) { text.append(vocabulary[id]) }
        return String(text)
    }

    /// The id of `character`, if it occurs in the corpus.
    public func id(of character: Unicode.Scalar) -> Int? { vocabulary.firstIndex(of: character) }

    /// char-rnn's batching: the text cut into `batchSize` parallel streams, read `sequenceLength` characters at
    /// a time, so each stream continues where its previous batch ended (which is why the LSTM state can be
    /// carried over).
    /// - Throws: `CorpusError.tooSmall` when the text does not fill one batch.
    public func batches(batchSize: Int, sequenceLength: Int) throws -> CharBatches {
        try CharBatches(ids: ids, batchSize: batchSize, sequenceLength: sequenceLength)
    }
}

/// One training batch: inputs and next-character targets, indexed `[time][stream]`.
public struct CharBatch: Sendable {
    /// Input ids `[sequenceLength][batchSize]`.
    public let inputs: [[Int]]
    /// The id following each input.
    public let targets: [[Int]]
}

/// The batches of one corpus, cycling through epochs.
public struct CharBatches: Sendable {
    /// Batches per pass over the text.
    public let batchesPerEpoch: Int
    /// Parallel streams, the batch size.
    public var streamCount: Int { streams.count }
    let streams: [[Int]]
    let sequenceLength: Int

    init(ids: [Int], batchSize: Int, sequenceLength: Int) throws {
        guard batchSize > 0, sequenceLength > 0 else {
            throw CorpusError.tooSmall(detail: "batch size and sequence length must be positive")
        }
        let perStream = (ids.count - 1) / batchSize
        batchesPerEpoch = perStream / sequenceLength
        guard batchesPerEpoch > 0 else {
            throw CorpusError.tooSmall(
                detail: "\(ids.count) characters do not fill one batch of \(batchSize) x \(sequenceLength) + 1")
        }
        streams = (0..<batchSize).map { Array(ids[($0 * perStream)..<($0 * perStream + perStream + 1)]) }
        self.sequenceLength = sequenceLength
    }

    /// Batch `index`, counted around the epoch in either direction (`-1` is the epoch's last batch).
    public func batch(_ index: Int) -> CharBatch {
        let wrapped = ((index % batchesPerEpoch) + batchesPerEpoch) % batchesPerEpoch
        let start = wrapped * sequenceLength
        let inputs = (0..<sequenceLength).map { t in streams.map { $0[start + t] } }
        let targets = (0..<sequenceLength).map { t in streams.map { $0[start + t + 1] } }
        return CharBatch(inputs: inputs, targets: targets)
    }
}
