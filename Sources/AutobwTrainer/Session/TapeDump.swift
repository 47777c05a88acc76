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
        /// Each parameter among the inputs with statistics of its gradient accumulated up to this entry, as the
        /// live debugger shows it (a parameter several entries use sums what each sent); absent in older dumps.
        public var parameterGradients: [NamedStatistics]?

        /// An entry of a dump.
        public init(
            entry: TapeEntryInfo, replayed: Bool, outputGradients: [TensorStatistics]?, inputGradients: [TensorStatistics?]?,
            parameterGradients: [NamedStatistics]? = nil
        ) {
            // A dump holds what its file holds: histograms are for the live debugger, not written.
            var entry = entry
            entry.outputHistograms = nil
            self.entry = entry
            self.replayed = replayed
            self.outputGradients = outputGradients
            self.inputGradients = inputGradients
            self.parameterGradients = parameterGradients
        }
    }

    /// `autobw-tape-1`.
    public var format = TapeDump.currentFormat
    /// The run's name: the preset that was training, or the name of your session or run log.
    public var preset: String
    /// The step's index.
    public var step: Int
    /// The step's loss (may be NaN or infinite for a diverging step).
    public var loss: Float
    /// For a diverging step, what went non-finite first; nil otherwise.
    public var divergence: String?
    /// The entries in recording order.
    public var entries: [Entry]

    /// A dump of step `step` of the run `preset`.
    public init(preset: String, step: Int, loss: Float, divergence: String? = nil, entries: [Entry]) {
        self.preset = preset
        self.step = step
        self.loss = loss
        self.divergence = divergence
        self.entries = entries
    }

    /// The dump of step `step` of a tape whose replay `replay` has run to its end, stepped, with `gradients`
    /// noting every entry: for your own loop, which can then show it in `autobw replay` or a run log.
    static func stepped(_ replay: ReverseReplay, gradients: GradientStatistics, name: String, step: Int, loss: Float) -> TapeDump {
        TapeDump(preset: name, step: step, loss: loss, entries: gradients.dumpEntries(replay.entries))
    }

    /// The full statistics of the gradients each replayed entry received and sent, and of each parameter's
    /// gradient as accumulated so far, gathered while a replay is stepped: the live debugger's own figures
    /// (`ReplayedEntry`), so a replayed dump shows them.
    struct GradientStatistics {
        var byEntry = [Int: (incoming: [TensorStatistics], sent: [TensorStatistics?], parameters: [NamedStatistics])]()
        /// Each parameter's gradient statistics once the replay is done, in the order the replay first reached it.
        private(set) var parameters = [NamedStatistics]()

        mutating func note(_ step: ReplayStep) { note(ReplayedEntry(step, valueCount: 0, histograms: false)) }

        mutating func note(_ view: ReplayedEntry) {
            byEntry[view.entry.index] = (view.incoming, view.sent, view.parameters)
            for parameter in view.parameters {
                if let index = parameters.firstIndex(where: { $0.name == parameter.name }) {
                    parameters[index] = parameter
                } else {
                    parameters.append(parameter)
                }
            }
        }

        func dumpEntries(_ entries: [TapeEntryInfo]) -> [TapeDump.Entry] {
            entries.map { entry in
                let seen = byEntry[entry.index]
                return TapeDump.Entry(
                    entry: entry, replayed: seen != nil, outputGradients: seen?.incoming, inputGradients: seen?.sent,
                    parameterGradients: seen?.parameters)
            }
        }
    }

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
        try decode(try TrainerError.readInput(path), path: path)
    }

    /// A dump from its JSON text, checked as `read` checks a file (`path` names it in errors).
    /// - Throws: `TrainerError.badData` naming what is wrong.
    static func decode(_ data: Data, path: String) throws -> TapeDump {
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
        if let problem = dump.problem { throw TrainerError.badData(path: path, detail: problem) }
        return dump
    }

    /// What makes this dump one no run writes, or nil: every number is checked when a dump is read, so that the
    /// debugger's arithmetic on it (steps, indices, shapes, counts) cannot overflow.
    var problem: String? {
        guard (0...Checkpoint.maximumStep).contains(step) else {
            return "step \(step) is not a step a run can reach (0...\(Checkpoint.maximumStep))"
        }
        for (position, item) in entries.enumerated() {
            let entry = item.entry
            let name = "entry \(position)"
            guard entry.index == position else { return "\(name) has index \(entry.index): entries are listed in order from 0" }
            guard entry.inputSources.count == entry.inputShapes.count else {
                return "\(name) has \(entry.inputSources.count) input sources for \(entry.inputShapes.count) input shapes"
            }
            for source in entry.inputSources {
                guard case .entry(let index, let output) = source else { continue }
                guard (0..<position).contains(index), (0..<entries[index].entry.outputShapes.count).contains(output) else {
                    return "\(name) reads \(source), which is not an output of an earlier entry"
                }
            }
            for shape in entry.inputShapes + entry.outputShapes + entry.savedShapes {
                guard shape.allSatisfy({ $0 >= 0 }), (try? Tensor.elementCount(of: shape)) != nil else {
                    return "\(name) has the shape \(shape), which no tensor has"
                }
            }
            if let line = entry.site?.line, line < 0 { return "\(name)'s creation site has line \(line)" }
            if let outputs = item.outputGradients, outputs.count != entry.outputShapes.count {
                return "\(name) has \(outputs.count) output gradients for \(entry.outputShapes.count) outputs"
            }
            if let inputs = item.inputGradients, inputs.count != entry.inputSources.count {
                return "\(name) has \(inputs.count) input gradients for \(entry.inputSources.count) inputs"
            }
            let statistics = (entry.outputStatistics ?? []) + (item.outputGradients ?? [])
                + (item.inputGradients ?? []).compactMap { $0 } + (item.parameterGradients ?? []).map(\.statistics)
            for value in statistics {
                let counts = [value.count, value.nanCount, value.positiveInfinityCount, value.negativeInfinityCount, value.zeroCount]
                guard counts.allSatisfy({ (0...value.count).contains($0) }) else {
                    return "\(name) has statistics with counts \(counts) outside 0...\(value.count)"
                }
            }
        }
        return nil
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
