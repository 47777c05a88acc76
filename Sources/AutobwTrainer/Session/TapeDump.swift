import Autobw
import Foundation

/// One training step's tape, as `autobw train --dump-tape` writes it and `autobw replay` reads it: every entry
/// (op, scope, creation site, input sources and shapes, statistics of its outputs) and, for each replayed
/// entry, statistics of the gradients it received and sent.
///
/// JSON, with keys sorted; NaN and infinities in statistics are the strings `"nan"`, `"inf"` and `"-inf"`.
public struct TapeDump: Codable, Sendable, Equatable {
    /// The format's name and version.
    public static let currentFormat = "autobw-tape-1"

    /// One entry and what the replay saw of it.
    public struct Entry: Codable, Sendable, Equatable {
        /// The entry as recorded.
        public var entry: TapeEntryInfo
        /// Whether the replay reached it (entries off every path to the loss are never replayed).
        public var replayed: Bool
        /// Statistics of the gradient of each output, when replayed.
        public var outputGradients: [TensorStatistics]?
        /// Statistics of the gradient sent to each input (nil where none was sent), when replayed.
        public var inputGradients: [TensorStatistics?]?
    }

    /// `autobw-tape-1`.
    public var format = TapeDump.currentFormat
    /// The preset that was training.
    public var preset: String
    /// The step's index.
    public var step: Int
    /// The step's loss (may be NaN or infinite for a diverging step).
    public var loss: Float
    /// For a diverging step, what went non-finite first; nil otherwise.
    public var divergence: String?
    /// The entries in recording order.
    public var entries: [Entry]

    /// The JSON text.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// Writes the dump to `path`, atomically.
    /// - Throws: `TrainerError.unwritableOutput`.
    public func write(to path: String) throws {
        do {
            try AtomicFile.write(try encoded(), to: path)
        } catch let error as CheckpointError {
            if case .unwritable(_, let reason) = error { throw TrainerError.unwritableOutput(path: path, reason: reason) }
            throw TrainerError.unwritableOutput(path: path, reason: error.description)
        }
    }

    /// Reads a dump written by `write(to:)`.
    /// - Throws: `TrainerError.unreadableInput` or `.badData` naming what is wrong.
    public static func read(_ path: String) throws -> TapeDump {
        let data = try TrainerError.readInput(path)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let dump: TapeDump
        do {
            dump = try decoder.decode(TapeDump.self, from: data)
        } catch {
            throw TrainerError.badData(path: path, detail: "not an autobw tape dump (\(Self.reason(error)))")
        }
        guard dump.format == currentFormat else {
            throw TrainerError.badData(path: path, detail: "tape dump format '\(dump.format)', expected \(currentFormat)")
        }
        return dump
    }

    private static func reason(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not valid JSON" : "bad value at \(path)"
        default: return "unreadable"
        }
    }
}
