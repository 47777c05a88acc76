import Autobw
import Foundation

/// Why a training run could not start or had to stop, each with the exit code the `autobw` command uses.
public enum TrainerError: Error, Equatable, CustomStringConvertible {
    /// A flag or setting out of range, e.g. `--steps 0` or a NaN learning rate (exit 64).
    case usage(String)
    /// Data that is there but unusable: empty, not UTF-8, too few characters (exit 65).
    case badData(path: String, detail: String)
    /// An input that is missing or cannot be read (exit 66).
    case unreadableInput(path: String, reason: String)
    /// An output that cannot be written (exit 74).
    case unwritableOutput(path: String, reason: String)
    /// The loss or a gradient went non-finite; the message names the first entry that did (exit 3).
    case diverged(step: Int, detail: String)

    /// The exit code for this error (sysexits.h where one fits).
    public var exitCode: Int32 {
        switch self {
        case .usage: return 64
        case .badData: return 65
        case .unreadableInput: return 66
        case .unwritableOutput: return 74
        case .diverged: return 3
        }
    }

    public var description: String {
        switch self {
        case .usage(let message): return message
        case .badData(let path, let detail): return "\(path): \(detail)"
        case .unreadableInput(let path, let reason): return "cannot read \(path.isEmpty ? "''" : path): \(reason)"
        case .unwritableOutput(let path, let reason): return "cannot write \(path): \(reason)"
        case .diverged(let step, let detail): return "training diverged at step \(step): \(detail)"
        }
    }
}

extension TrainerError {
    /// The bytes of the input file at `path`.
    /// - Throws: `TrainerError.unreadableInput` with the reason (missing, a directory, a device, ...).
    static func readInput(_ path: String) throws -> Data {
        do {
            return try InputFile.read(path)
        } catch let error as CheckpointError {
            if case .unreadable(_, let reason) = error { throw TrainerError.unreadableInput(path: path, reason: reason) }
            throw TrainerError.unreadableInput(path: path, reason: error.description)
        }
    }
}

extension TrainerError {
    /// Checks that every parameter `model` loaded from the checkpoint at `path` is finite.
    /// - Throws: `TrainerError.badData` naming the first parameter with NaN or infinite values: a checkpoint
    ///   saved as training diverged would otherwise sample one character over and over, or diverge again at
    ///   once, with nothing pointing at the file.
    static func requireFiniteParameters(of model: Module, loadedFrom path: String) throws {
        for (name, parameter) in model.namedParameters() {
            let summary = GradientSummary(of: parameter.value)
            guard summary.isFinite else {
                throw TrainerError.badData(
                    path: path,
                    detail: "its parameter \(name) holds \(summary.nanCount) NaN and"
                        + " \(summary.positiveInfinityCount + summary.negativeInfinityCount) infinite values of"
                        + " \(summary.count) (saved from a run that had diverged?)")
            }
        }
    }
}
