#if canImport(Glibc)
import Glibc
#endif
import AutobwTrainer
import Dispatch
import Foundation
import Synchronization

/// `autobw train --headless`: the session's steps, metrics as JSON Lines, human progress on standard error.
struct HeadlessRun {
    let configuration: TrainingConfiguration
    let steps: Int
    let metricsPath: String?
    let csvPath: String?
    let logEvery: Int
    let evalEvery: Int
    let checkpointPath: String?
    let checkpointEvery: Int
    let resumePath: String?
    let dumpPath: String?
    /// The other processes of a data-parallel run (`mpirun`); nil alone. Rank 0 alone writes and reports.
    var group: ProcessGroup? = nil
    /// Whether the gradient sums overlap the replay (false: after it, the baseline).
    var overlapsCommunication = true

    private var isLeader: Bool { (group?.rank ?? 0) == 0 }

    /// Trains and returns the exit code (see `AutobwCommand`'s discussion).
    func run() -> Int32 {
        Interruption.install()
        var started: TrainingSession?
        do {
            if isLeader { try [checkpointPath, dumpPath].compactMap { $0 }.forEach(TrainerError.checkWritable) }
            let session = try resumePath.map { try TrainingSession(configuration, resumingFrom: $0, group: group) }
                ?? TrainingSession(configuration, group: group)
            session.overlapsCommunication = overlapsCommunication
            if isLeader, let summary = session.dataSummary { say("autobw: \(summary)") }
            started = session
            let writer = try MetricsWriter(path: isLeader ? metricsPath : "/dev/null")
            try writer.write(MetricsWriter.header(configuration, steps: steps, resumedAt: resumePath == nil ? nil : session.nextStep))
            let csv = try (isLeader ? csvPath : nil).map { try MetricsWriter(path: $0) }
            try csv?.write(MetricsWriter.csvHeader)
            var progress = Progress(total: steps, preset: configuration.preset.rawValue, shown: isLeader)
            progress.start(at: session.nextStep)
            if session.nextStep >= steps, isLeader, let resumePath {
                say("autobw: \(resumePath) is at step \(session.nextStep); --steps \(steps) leaves nothing to do (--steps counts"
                    + " the steps before the resume: ask for more than \(session.nextStep))")
            }
            while session.nextStep < steps {
                if try interrupted() {
                    progress.finish()
                    try checkpointPath.map { try session.save(to: $0) }
                    if isLeader { say("autobw: interrupted after \(session.nextStep) steps\(checkpointPath.map { "; saved \($0)" } ?? "")") }
                    return 130
                }
                // A diverging step throws before anything is saved: the last good checkpoint stays.
                let metrics: StepMetrics
                if let dumpPath, isLeader, session.nextStep == steps - 1 {
                    let (stepMetrics, dump) = try session.stepDumping()
                    try dump.write(to: dumpPath)
                    metrics = stepMetrics
                } else {
                    metrics = try session.step()
                }
                let evaluates = evalEvery > 0 && (session.nextStep % evalEvery == 0 || session.nextStep == steps)
                let evaluation = evaluates ? try session.evaluate() : nil
                progress.update(metrics)
                if metrics.step % logEvery == 0 || session.nextStep == steps || evaluation != nil {
                    try writer.write(MetricsWriter.line(metrics, evaluation: evaluation, elapsed: progress.elapsed))
                    try csv?.write(MetricsWriter.csvLine(metrics, evaluation: evaluation, elapsed: progress.elapsed))
                }
                if let checkpointPath, checkpointEvery > 0, session.nextStep % checkpointEvery == 0 {
                    try session.save(to: checkpointPath)
                }
            }
            progress.finish()
            try checkpointPath.map { try session.save(to: $0) }
            return 0
        } catch let error as TrainerError {
            if isLeader || !error.isShared { say("autobw\(rankLabel): \(error)") }
            // A diverging step never reaches the optimizer: the parameters are the last good state, saved as an
            // interruption saves them (every process takes part in a data-parallel save).
            if case .diverged = error, let checkpointPath, let session = started, session.parametersAreFinite {
                do {
                    try session.save(to: checkpointPath)
                    if isLeader { say("autobw: saved the last good state (step \(session.nextStep)) in \(checkpointPath)") }
                } catch {
                    say("autobw\(rankLabel): \(error)")
                }
            }
            if case .diverged = error, isLeader, let dumpPath, let dump = started?.lastDivergenceDump {
                do {
                    try dump.write(to: dumpPath)
                    say("autobw: the diverging step's tape is in \(dumpPath)")
                } catch {
                    say("autobw: \(error)")
                }
            }
            return error.exitCode
        } catch {
            say("autobw: internal error: \(error)")
            return 70
        }
    }

    /// Whether SIGINT or SIGTERM arrived, here or (data-parallel) at any process: all stop at the same step.
    private func interrupted() throws -> Bool {
        guard let group else { return Interruption.requested }
        return try group.sum([Interruption.requested ? 1 : 0])[0] > 0
    }
}

extension HeadlessRun {
    /// ` (rank 1 of 2)` in a data-parallel run, so that a failing process is named.
    var rankLabel: String { group.map { " (rank \($0.rank) of \($0.size))" } ?? "" }
}

extension TrainerError {
    /// Errors every process of a data-parallel run meets alike (a divergence is of the global loss): only rank 0
    /// reports them. Any other error is reported by each process that meets it, named by its rank.
    var isShared: Bool {
        if case .diverged = self { return true }
        return false
    }
}

/// Writes one line to standard error.
func say(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// SIGINT, SIGTERM and SIGHUP (the terminal or SSH session closed) ask the run to stop at the next step boundary.
enum Interruption {
    private static let flag = Atomic<Bool>(false)

    static var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() {
        _ = requested  // initialise the flag before a handler can touch it
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { _ in Interruption.flag.store(true, ordering: .relaxed) }
        }
    }
}

/// Progress for a person: a line rewritten in place on a terminal, a plain line every few seconds otherwise.
struct Progress {
    let total: Int
    let preset: String
    let shown: Bool
    let toTerminal = isatty(STDERR_FILENO) == 1
    let started = DispatchTime.now().uptimeNanoseconds
    /// Seconds since this process started training (after a resume, since the resume), at the last update.
    private(set) var elapsed: Double = 0
    private var throughput = Throughput()
    var lastShown: UInt64 = 0
    var latest: StepMetrics?
    var latestShown = false

    init(total: Int, preset: String, shown: Bool = true) {
        self.total = total
        self.preset = preset
        self.shown = shown
    }

    /// The step this process starts at (after a resume, the checkpoint's): steps/s counts from it.
    mutating func start(at step: Int) { throughput.note(steps: step, at: 0) }

    mutating func update(_ metrics: StepMetrics) {
        let now = DispatchTime.now().uptimeNanoseconds
        elapsed = Double(now - started) / 1e9
        throughput.note(steps: metrics.step + 1, at: elapsed)
        guard shown else { return }
        latest = metrics
        latestShown = false
        let interval: UInt64 = toTerminal ? 100_000_000 : 5_000_000_000
        guard now - lastShown >= interval else { return }
        lastShown = now
        latestShown = true
        show(metrics)
    }

    mutating func finish() {
        guard let latest else { return }
        if !latestShown { show(latest) }
        if toTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `mlp 57/100 done  step 56 loss 2.9670  grad 0.954  921.3 steps/s  4s`: the loss and gradient norm are
    /// step 56's, the status line's and the metrics file's figures for that step.
    private func show(_ metrics: StepMetrics) {
        let text = String(
            format: "%@ %d/%d done  step %d loss %.4f  grad %.3g  %.1f steps/s  %.0fs", preset, metrics.step + 1, total,
            metrics.step, metrics.loss, metrics.gradientNorm, throughput.stepsPerSecond, elapsed)
        FileHandle.standardError.write(Data((toTerminal ? "\r\u{1B}[K" + text : text + "\n").utf8))
    }
}
