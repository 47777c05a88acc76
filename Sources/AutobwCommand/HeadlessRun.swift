import AutobwTrainer
import Foundation

/// `autobw train --headless`: the preset's session (or the one resumed) driven by `TrainingDriver.runHeadless`,
/// metrics as JSON Lines on standard output or in `--metrics FILE`, progress on standard error.
struct HeadlessRun {
    let configuration: TrainingConfiguration
    let options: TrainingDriver.Options
    let resumePath: String?
    /// Whether entries name their exact lines (`TrainingSession.recordsCallStacks`).
    var preciseSites = false
    /// The learning-rate schedule.
    var schedule = ScheduleKind.constant
    /// The other processes of a data-parallel run (`mpirun`); nil alone. Rank 0 alone writes and reports.
    var group: ProcessGroup? = nil
    /// Whether the gradient sums overlap the replay (false: after it, the baseline).
    var overlapsCommunication = true

    /// Trains and returns the exit code (see `AutobwCommand`'s discussion).
    func run() -> Int32 {
        let driver: TrainingDriver
        do {
            if (group?.rank ?? 0) == 0 {
                try [options.checkpointPath, options.dumpPath].compactMap { $0 }.forEach(TrainerError.checkWritable)
            }
            let session = try TrainingSession(configuration, group: group)
            try resumePath.map(session.resume(from:))
            session.overlapsCommunication = overlapsCommunication
            session.recordsCallStacks = preciseSites
            session.schedule = schedule.schedule(for: session, steps: options.steps)
            if (group?.rank ?? 0) == 0, let summary = session.dataSummary { say("autobw: \(summary)") }
            driver = try TrainingDriver(session: session, options: options)
        } catch let error as TrainerError {
            say("autobw\(group.map { " (rank \($0.rank) of \($0.size))" } ?? ""): \(error)")
            return error.exitCode
        } catch {
            say("autobw: internal error: \(error)")
            return 70
        }
        return driver.runHeadless()
    }
}

/// Writes one line to standard error.
func say(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
