import ArgumentParser
import Autobw
import AutobwTrainer
import Foundation

/// `autobw replay FILE`: a dumped tape in the step-through debugger, or as a table with `--headless`.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a tape dumped by `autobw train --dump-tape`, or a step recomputed from a checkpoint (--step N).")

    @Argument(help: "The tape dump (JSON), or with --step a checkpoint (.safetensors).")
    var file: String

    @Flag(help: "Print the tape as a table instead of opening the debugger.")
    var headless = false

    @Option(help: "With a checkpoint as FILE: recompute this step (at or after the checkpoint's) and show its tape.")
    var step: Int?

    @Option(help: "With a checkpoint: the data file the run trained on (char-lstm or mlp with --data).")
    var data: String?

    func run() throws {
        // The file first: a missing or malformed one is named as such from a script too.
        let dump: TapeDump
        do {
            dump = try step.map { try Self.recompute(step: $0, from: file, data: data) } ?? TapeDump.read(file)
        } catch let error as TrainerError {
            say("autobw: \(error)")
            throw ExitCode(error.exitCode)
        }
        guard headless else {
            try CommandUI.requireTerminal()
            if try CommandUI.show(DumpReplay(dump, path: file), initialFocus: .debugger) == .interrupted { throw ExitCode(130) }
            return
        }
        print(Self.table(dump), terminator: "")
    }

    /// Step `step` of the run saved in the checkpoint at `path`, recomputed: the session is rebuilt from the
    /// checkpoint's notes (preset, seed, sizes), resumed, trained up to `step` and the step dumped. Training is
    /// deterministic for a thread count, so this is the step as the run took it.
    /// - Throws: `TrainerError` for an unreadable checkpoint, one of other settings, or a step before it.
    static func recompute(step: Int, from path: String, data: String?) throws -> TapeDump {
        let notes: [String: String]
        do {
            notes = try Checkpoint.notes(in: path)
        } catch {
            throw TrainerError.badData(path: path, detail: "not a checkpoint to recompute a step from (\(error))")
        }
        guard let preset = notes["preset"].flatMap(Preset.init(rawValue:)) else {
            throw TrainerError.badData(path: path, detail: "its notes name no preset, so its model cannot be rebuilt")
        }
        var configuration = TrainingConfiguration()
        configuration.preset = preset
        configuration.dataPath = data
        configuration.seed = notes["seed"].flatMap(UInt64.init) ?? configuration.seed
        configuration.hiddenSize = notes["hidden"].flatMap(Int.init)
        configuration.layerCount = notes["layers"].flatMap(Int.init)
        configuration.batchSize = notes["batch_size"].flatMap(Int.init)
        configuration.sequenceLength = notes["seq_length"].flatMap(Int.init)
        let session = try TrainingSession(configuration)
        try session.resume(from: path)
        guard step >= session.nextStep, step <= Checkpoint.maximumStep else {
            throw TrainerError.usage(
                "--step \(step) is before \(path)'s step \(session.nextStep): a checkpoint recomputes the steps after it")
        }
        while session.nextStep < step { _ = try session.step() }
        return try session.stepDumping().dump
    }

    /// One line per entry: index, scope, op, shapes, creation site, and the norms and non-finite counts of
    /// its output gradients and of its output values; then the inputs of the entry whose output first went
    /// non-finite.
    static func table(_ dump: TapeDump) -> String {
        var lines = ["\(dump.preset) step \(dump.step), loss \(dump.loss)" + (dump.divergence.map { ", diverged: \($0)" } ?? "")]
        lines.append(
            pad("#", 5) + pad("scope", 24) + pad("op", 22) + pad("shapes", 30) + pad("site", 40) + pad("grad norm", 12)
                + pad("grad nan/inf", 14) + pad("value norm", 12) + "value nan/inf")
        for item in dump.entries {
            let entry = item.entry
            let shapes = entry.inputShapes.map(describe).joined(separator: ",") + "->"
                + entry.outputShapes.map(describe).joined(separator: ",")
            let gradient = item.outputGradients?.first
            let value = entry.outputStatistics?.first
            lines.append(
                pad(String(entry.index), 5) + pad(entry.scope.isEmpty ? "-" : entry.scope, 24) + pad(entry.op.rawValue, 22)
                    + pad(shapes, 30) + pad(entry.site.map(\.description) ?? "-", 40)
                    + pad(gradient.map { String(format: "%.4g", $0.norm) } ?? (item.replayed ? "?" : "not reached"), 12)
                    + pad(gradient.map(counts) ?? "-", 14)
                    + pad(value.map { String(format: "%.4g", $0.norm) } ?? "-", 12) + (value.map(counts) ?? "-"))
        }
        for item in dump.entries {
            guard let inputs = item.entry.inputStatistics else { continue }
            lines.append("entry #\(item.entry.index)'s input values, which produced its non-finite output:")
            for (source, statistics) in zip(item.entry.inputSources, inputs) {
                lines.append(
                    "  \(source): norm \(String(format: "%.4g", statistics.norm)), min \(statistics.min), max \(statistics.max),"
                        + " nan/inf \(counts(statistics))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func counts(_ statistics: TensorStatistics) -> String {
        "\(statistics.nanCount)/\(statistics.positiveInfinityCount + statistics.negativeInfinityCount)"
    }

    private static func describe(_ shape: [Int]) -> String { Tensor.describe(shape: shape, compact: true) }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - text.count)
    }
}
