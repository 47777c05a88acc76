import Autobw
import Dispatch
import Foundation

/// The one training driver: what happens around every step, whoever takes it. Headless runs, the terminal UI,
/// each process of a data-parallel run and your own program all train through it, so they evaluate, log,
/// checkpoint, stop on a divergence and dump its tape alike.
///
/// `runHeadless()` is a whole headless run in one call. A front end that steps on its own (the UI's debugger
/// finishes steps through `TrainingSession.finish(_:)`) calls `record(_:)` after each step instead.
public final class TrainingDriver {
    /// What a run does besides training.
    public struct Options: Sendable {
        /// The run stops after this step.
        public var steps: Int
        /// Evaluate on held-out data every N steps and after the last; 0 for never.
        public var evalEvery = 0
        /// Log every N-th step (and every evaluated step, and the last).
        public var logEvery = 1
        /// The JSON Lines metrics file; nil for none (see `metricsToStandardOutput`).
        public var metricsPath: String?
        /// Metrics to standard output when `metricsPath` is nil (the command's default).
        public var metricsToStandardOutput = false
        /// The same metrics as CSV; nil for none.
        public var csvPath: String?
        /// Save here every `checkpointEvery` steps, at the end, when interrupted and after a divergence (the
        /// last good state).
        public var checkpointPath: String?
        /// See `checkpointPath`; 0 for only at the end, when interrupted and after a divergence.
        public var checkpointEvery = 0
        /// Write the last step's tape, or the diverging step's, here (for `autobw replay`).
        public var dumpPath: String?
        /// Log the whole tape of every N-th step in the metrics (for `autobw watch`'s tape panel and debugger);
        /// 0 for never.
        public var tapeEvery = 0
        /// Progress lines for a person on standard error (headless runs).
        public var showsProgress = true

        /// Options for a run of `steps` steps that writes nothing.
        public init(steps: Int) { self.steps = steps }
    }

    /// The session trained.
    public let session: TrainingSession
    /// What the run does besides training.
    public let options: Options
    private let log: RunLog?
    private let csv: MetricsWriter?
    private let started = DispatchTime.now().uptimeNanoseconds
    private var throughput = Throughput()
    private var progress: ProgressLine

    deinit { csv?.close() }

    /// Whether this process writes files and reports (rank 0 of a data-parallel run, or the only process).
    public var isLeader: Bool { (session.group?.rank ?? 0) == 0 }
    /// Whether every step has been taken.
    public var isDone: Bool { session.nextStep >= options.steps }
    /// Steps per second, as `Throughput` defines it.
    public var stepsPerSecond: Double { throughput.stepsPerSecond }
    /// Seconds since the driver started.
    public var elapsedSeconds: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    /// A driver for `session` (fresh, or resumed: it then starts at `session.nextStep`). Checks that every output
    /// can be written before anything trains, and writes the metrics files' headers.
    /// - Throws: `TrainerError.unwritableOutput` for an output that cannot be written.
    public init(session: TrainingSession, options: Options) throws {
        self.session = session
        self.options = options
        let leader = (session.group?.rank ?? 0) == 0
        if leader { try [options.checkpointPath, options.dumpPath].compactMap { $0 }.forEach(TrainerError.checkWritable) }
        let resumedAt = session.nextStep > 0 ? session.nextStep : nil
        if leader, options.metricsPath != nil || options.metricsToStandardOutput {
            log = try RunLog(
                writer: MetricsWriter(path: options.metricsPath), name: session.name,
                header: MetricsWriter.header(session, steps: options.steps, resumedAt: resumedAt))
        } else {
            log = nil
        }
        csv = try (leader ? options.csvPath : nil).map { try MetricsWriter(path: $0) }
        try csv?.write(MetricsWriter.csvHeader)
        progress = ProgressLine(total: options.steps, name: session.name, shown: leader && options.showsProgress)
        throughput.note(steps: session.nextStep, at: 0)
    }

    /// Takes the next step (dumping its tape when it is the last and `dumpPath` is set), then `record`s it.
    /// `tapeOptions` are the recording's (the UI times the forward pass of the steps whose tape it shows).
    /// - Throws: `TrainerError.diverged` (then call `recordDivergence()`), or an output's error.
    @discardableResult
    public func step(tapeOptions: TapeOptions = []) throws -> (metrics: StepMetrics, evaluation: Evaluation?, tape: [TapeEntryInfo]) {
        let step = session.nextStep
        let dumps = options.dumpPath != nil && step == options.steps - 1
        let logsTape = log != nil && options.tapeEvery > 0 && step % options.tapeEvery == 0
        guard isLeader, dumps || logsTape else {
            let open = try session.beginStep(options: tapeOptions)
            let tape = tapeOptions.isEmpty ? [] : open.replay.entries
            let metrics = try session.finish(open)
            return (metrics, try record(metrics), tape)
        }
        let (metrics, dump) = try session.stepDumping()
        if dumps, let path = options.dumpPath { try dump.write(to: path) }
        return (metrics, try record(metrics, tape: logsTape ? dump : nil), dump.entries.map(\.entry))
    }

    /// What follows every step, however it was taken: the evaluation when due (every `evalEvery` steps and after
    /// the last), the log line when due (with `tape`, if given), a checkpoint when due. Returns the evaluation,
    /// if one was due.
    /// - Throws: an evaluation's or an output's error.
    @discardableResult
    public func record(_ step: StepMetrics, tape: TapeDump? = nil) throws -> Evaluation? {
        let done = session.nextStep
        let evaluates = options.evalEvery > 0 && (done % options.evalEvery == 0 || done == options.steps)
        let evaluation = evaluates ? try session.evaluate() : nil
        let elapsed = elapsedSeconds
        throughput.note(steps: done, at: elapsed)
        progress.update(step, stepsPerSecond: throughput.stepsPerSecond, elapsed: elapsed)
        if step.step % max(options.logEvery, 1) == 0 || done == options.steps || evaluation != nil || tape != nil {
            // Each entry's norm by entry index (the reports are in replay order; nil for an entry not replayed).
            var entryNorms = [Float?](repeating: nil, count: (step.entries.map(\.entryIndex).max() ?? -1) + 1)
            for report in step.entries { entryNorms[report.entryIndex] = report.incoming.first?.norm }
            try log?.log(
                step: step.step, scalars: MetricsWriter.scalars(step, evaluation: evaluation, elapsed: elapsed),
                parameterNorms: step.parameterGradientNorms, entryNorms: entryNorms, tape: tape)
            try csv?.write(MetricsWriter.csvLine(step, evaluation: evaluation, elapsed: elapsed))
        }
        if let path = options.checkpointPath, options.checkpointEvery > 0, done % options.checkpointEvery == 0 {
            try session.save(to: path)
        }
        return evaluation
    }

    /// Saves the checkpoint, if the run has one (at the end, or when interrupted); every process of a
    /// data-parallel run takes part.
    /// - Throws: `TrainerError.unwritableOutput`.
    public func save() throws {
        try options.checkpointPath.map { try session.save(to: $0) }
    }

    /// After `TrainerError.diverged`: saves the last good state (a diverged step never reaches the optimizer)
    /// when the run has a checkpoint, and writes the diverging step's tape when it has a dump. Returns what was
    /// done (or what failed), as lines for a person.
    public func recordDivergence() -> [String] {
        var said = [String]()
        if let path = options.checkpointPath, session.parametersAreFinite {
            do {
                try session.save(to: path)
                if isLeader { said.append("saved the last good state (step \(session.nextStep)) in \(path)") }
            } catch {
                said.append("\(error)")
            }
        }
        if isLeader, let path = options.dumpPath, let dump = session.lastDivergenceDump {
            do {
                try dump.write(to: path)
                said.append("the diverging step's tape is in \(path)")
            } catch {
                said.append("\(error)")
            }
        }
        return said
    }

    /// Ends the progress line.
    public func finishProgress() { progress.finish() }
}
