import ArgumentParser
import Autobw
import AutobwTrainer

/// `autobw`: train a preset model in the terminal UI (or headless), watch a run, step through its backward pass.
@main
struct AutobwCommand: ParsableCommand {
    static var version: String { AutobwVersion.current }

    static let configuration = CommandConfiguration(
        commandName: "autobw",
        abstract: "Train a model on a recorded tape and see its backpropagation.",
        discussion: """
            Exit codes: 0 done; 64 bad usage; 65 malformed data; 66 input missing or unreadable; 74 cannot write \
            an output; 3 training diverged; 130 interrupted.
            """,
        version: "autobw \(AutobwCommand.version) (OpenBLAS kernels: \(BLAS.coreName), \(BLAS.kernelSelection))",
        subcommands: [Train.self, Presets.self, Sample.self, Replay.self, Watch.self],
        defaultSubcommand: Train.self)
}

/// `autobw presets`: the presets, a line each.
struct Presets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the preset models and the data each accepts.")

    func run() {
        for preset in Preset.allCases { print("\(preset.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))  \(preset.summary)") }
    }
}
