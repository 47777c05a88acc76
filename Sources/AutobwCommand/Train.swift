import ArgumentParser
import AutobwDistributed
import Autobw
import AutobwTUI
import AutobwTrainer
import Foundation

/// `autobw train`: one training run, in the terminal UI or headless.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a preset model.")

    @Option(help: "The model to train (see `autobw presets`).")
    var preset: Preset = .charLSTM

    @Option(help: "Data for presets that take it: a UTF-8 text (char-lstm); a CSV (or space-separated table) of numeric features and a label, IDX images or a folder with MNIST's IDX files (mlp). Each may be gzip-compressed.")
    var data: String?

    @Option(help: "The labels file (idx1) for --data IDX images; a folder with MNIST's files needs none.")
    var labels: String?

    @Option(help: "The CSV label column, by header name or 1-based position (default: the last).")
    var labelColumn: String?

    @Option(help: "What the label is (mlp): classification or regression (default: decided from the labels; whole numbers that could be either are refused until this says).")
    var task: LearningTask?

    @Option(parsing: .unconditional, help: "The fraction of a CSV's rows held out for validation (mlp).")
    var valFraction: Double?

    @Option(parsing: .unconditional, help: "Evaluate on the held-out data every N steps (adds val_loss, and val_accuracy or val_r2); 0 for never (default: 100 for char-lstm on the embedded corpus, else 0).")
    var evalEvery: Int?

    /// `--eval-every`, or its default: the default run (char-lstm on tinyshakespeare) holds out a tenth of the
    /// text and shows the held-out loss, so that a newcomer sees whether it learns or memorises.
    var evaluationInterval: Int { evalEvery ?? (preset == .charLSTM && data == nil ? 100 : 0) }

    @Option(parsing: .unconditional, help: "Train until this many steps are done (a resumed run counts the steps before it).")
    var steps = 1000

    @Option(
        parsing: .unconditional, help: "Seed for initialisation, data order and sampling; equal seeds give equal metrics.",
        transform: Self.seed)
    var seed: UInt64 = 1

    @Flag(help: "Run without the terminal UI: metrics as JSON Lines on standard output (or --metrics).")
    var headless = false

    @Option(help: "Write the JSON Lines metrics to this file instead of standard output.")
    var metrics: String?

    @Option(help: "Also write the metrics as CSV to this file.")
    var csv: String?

    @Option(parsing: .unconditional, help: "Log metrics every N steps.")
    var logEvery = 1

    @Option(help: "Save a checkpoint here (atomically) at the end, on SIGINT/SIGTERM, and every --checkpoint-every steps.")
    var checkpoint: String?

    @Option(parsing: .unconditional, help: "Also save the checkpoint every N steps (0: only at the end and on interruption).")
    var checkpointEvery = 0

    @Option(help: "Continue the run saved in this checkpoint: the same metrics as if it had never stopped.")
    var resume: String?

    @Option(help: "Write the last step's tape (or the diverging step's) here as JSON, for `autobw replay`.")
    var dumpTape: String?

    @Option(help: "Learning-rate schedule: constant, or cosine (from --lr down to 1% of it at --steps, after 5% of the steps of linear warm-up).")
    var lrSchedule: ScheduleKind = .constant

    @Option(name: .customLong("break"), help: "UI: stop in the debugger at the first step where an entry matches, while training: nan, >1e3 (incoming gradient norm above), <1e-6 (below), op NAME, scope NAME, or step N (before it runs).")
    var breakAt: String?

    @Flag(help: "UI: start paused, in the debugger before the first step's replay.")
    var paused = false

    @Flag(help: "Precise creation sites: every tape entry names the line that made it, operators included (captures a call stack per op; slower).")
    var preciseSites = false

    @Option(parsing: .unconditional, help: "Log the whole tape of every N-th step in the metrics, for `autobw watch`'s tape panel and debugger (default: 0, never).")
    var logTapeEvery = 0

    @Option(parsing: .unconditional, help: "OpenBLAS threads.")
    var threads = 1

    @Option(parsing: .unconditional, help: ArgumentHelp(PresetHelp.learningRate))
    var lr: Float?

    @Option(help: ArgumentHelp(PresetHelp.optimizer))
    var optimizer: OptimizerKind?

    @Option(parsing: .unconditional, help: ArgumentHelp(PresetHelp.batchSize))
    var batchSize: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(PresetHelp.hiddenSize))
    var hidden: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(PresetHelp.layerCount))
    var layers: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(PresetHelp.sequenceLength))
    var seqLength: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp(PresetHelp.weightDecay))
    var weightDecay: Float?

    @Option(parsing: .unconditional, help: ArgumentHelp(PresetHelp.clip))
    var clip: Float?

    @Option(help: "Under mpirun: start each parameter's gradient all-reduce as soon as the replay completes it (overlap), or all after the replay (after).")
    var allreduce: AllReduceTiming = .overlap

    func validate() throws {
        guard steps > 0, steps <= Checkpoint.maximumStep else {
            throw ValidationError("--steps must be between 1 and \(Checkpoint.maximumStep) (2^40), got \(steps)")
        }
        guard logEvery > 0 else { throw ValidationError("--log-every must be positive, got \(logEvery)") }
        if let breakAt, Breakpoint(parsing: breakAt) == nil {
            throw ValidationError("--break '\(breakAt)' is not a breakpoint: nan, >1e3, <1e-6, op NAME, scope NAME or step N")
        }
        guard logTapeEvery >= 0 else { throw ValidationError("--log-tape-every must be 0 or more, got \(logTapeEvery)") }
        if let evalEvery, evalEvery < 0 { throw ValidationError("--eval-every must be 0 or more, got \(evalEvery)") }
        guard checkpointEvery >= 0 else { throw ValidationError("--checkpoint-every must be 0 or more, got \(checkpointEvery)") }
        if checkpointEvery > 0 && checkpoint == nil { throw ValidationError("--checkpoint-every needs --checkpoint PATH") }
    }

    var trainingConfiguration: TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.preset = preset
        configuration.dataPath = data
        configuration.seed = seed
        // More threads than cores only contend: the cores there are (run() says so once).
        configuration.threads = min(threads, Self.cores)
        configuration.learningRate = lr
        configuration.optimizer = optimizer
        configuration.batchSize = batchSize
        configuration.hiddenSize = hidden
        configuration.layerCount = layers
        configuration.sequenceLength = seqLength
        configuration.clip = clip
        configuration.weightDecay = weightDecay
        configuration.labelColumn = labelColumn
        configuration.labelsPath = labels
        configuration.task = task
        configuration.validationFraction = valFraction ?? (evaluationInterval > 0 ? 0.1 : nil)
        return configuration
    }

    /// A seed as typed: a whole number from 0 to 2^64 - 1 (`-1` is a value here, not a flag).
    static func seed(_ text: String) throws -> UInt64 {
        guard let seed = UInt64(text) else {
            throw ValidationError("--seed must be a whole number from 0 to \(UInt64.max), got '\(text)'")
        }
        return seed
    }

    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The files this run reads and writes, named by their flags.
    var files: RunFiles {
        var files = RunFiles()
        files.inputs = [("--data", data), ("--labels", labels), ("--resume", resume)].compactMap { flag, path in
            path.map { RunFiles.File(flag, $0) }
        }
        files.outputs = [("--metrics", metrics), ("--csv", csv), ("--checkpoint", checkpoint), ("--dump-tape", dumpTape)]
            .compactMap { flag, path in path.map { RunFiles.File(flag, $0) } }
        files.inPlace = ("--checkpoint", "--resume")
        return files
    }

    func run() throws {
        // Before anything is read or written: no output may replace an input or another output.
        do {
            try files.check()
        } catch let error as TrainerError {
            say("autobw: \(error)")
            throw ExitCode(error.exitCode)
        }
        if threads > Self.cores { say("autobw: --threads \(threads) is more than this machine's \(Self.cores) cores; using \(Self.cores)") }
        if MPIProcessGroup.isLaunchedByMPI { return try runDataParallel() }
        guard headless else { return try runInTerminal() }
        let code = headlessRun.run()
        if code != 0 { throw ExitCode(code) }
    }

    /// What the run writes and when: the same for headless runs and the UI.
    private var driverOptions: TrainingDriver.Options {
        var options = TrainingDriver.Options(steps: steps)
        options.evalEvery = evaluationInterval
        options.logEvery = logEvery
        options.metricsPath = metrics
        options.csvPath = csv
        options.checkpointPath = checkpoint
        options.checkpointEvery = checkpointEvery
        options.dumpPath = dumpTape
        options.tapeEvery = logTapeEvery
        return options
    }

    private var headlessRun: HeadlessRun {
        var options = driverOptions
        options.metricsToStandardOutput = true
        return HeadlessRun(
            configuration: trainingConfiguration, options: options, resumePath: resume, preciseSites: preciseSites,
            schedule: lrSchedule)
    }

    /// One process of `mpirun -np N autobw train --headless`: ends normally when every process agrees (done,
    /// diverged, interrupted); any other failure aborts the whole job, so that no process waits forever.
    private func runDataParallel() throws {
        guard headless else {
            say("autobw: under mpirun, train with --headless (one terminal cannot show several processes)")
            throw ExitCode(64)
        }
        let group = MPIProcessGroup()
        var run = headlessRun
        run.group = group
        run.overlapsCommunication = allreduce == .overlap
        let code = run.run()
        guard [0, 3, 130].contains(code) else { group.abort(code: code) }
        group.finalize()
        if code != 0 { throw ExitCode(code) }
    }

    /// The terminal UI: the session trains on its own thread while this one draws. Data and settings are checked
    /// before curses starts, so their errors print as plain lines with their exit codes.
    private func runInTerminal() throws {
        try CommandUI.requireTerminal()
        let session: TrainingSession
        do {
            try [checkpoint, dumpTape].compactMap { $0 }.forEach(TrainerError.checkWritable)
            session = try TrainingSession(trainingConfiguration)
            session.recordsCallStacks = preciseSites
            session.schedule = lrSchedule.schedule(for: session, steps: steps)
            try resume.map(session.resume(from:))
        } catch let error as TrainerError {
            say("autobw: \(error)")
            throw ExitCode(error.exitCode)
        }
        var options = TrainingRun.Options(recording: driverOptions)
        options.breakpoint = breakAt.flatMap(Breakpoint.init(parsing:))
        options.startsStepping = paused
        let code = TerminalUI.train(session, options: options)
        if code != 0 { throw ExitCode(code) }
    }
}

/// The learning-rate schedules `--lr-schedule` offers.
enum ScheduleKind: String, ExpressibleByArgument, CaseIterable {
    case constant, cosine

    /// The schedule for `session`'s optimizer over a run of `steps` steps; nil for a constant rate.
    func schedule(for session: TrainingSession, steps: Int) -> LearningRateSchedule? {
        guard self == .cosine else { return nil }
        let rate = session.learningRate
        return CosineDecay(initial: rate, minimum: rate / 100, totalSteps: steps, warmupSteps: steps / 20)
    }
}

/// When a data-parallel run sums the gradients.
enum AllReduceTiming: String, ExpressibleByArgument, CaseIterable {
    case overlap, after
}

extension Preset: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension LearningTask: ExpressibleByArgument {}
