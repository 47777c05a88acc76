#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension TrainingDriver {
    /// A whole headless run: steps until `options.steps`, with metrics, progress, checkpoints and dumps as the
    /// options say; SIGINT, SIGTERM and SIGHUP stop it at the next step boundary (saving the checkpoint). Errors
    /// are reported on standard error, one line each.
    /// - Returns: the exit code `autobw train --headless` ends with: 0 done, 3 diverged, 130 interrupted, or
    ///   the error's (`TrainerError.exitCode`).
    public func runHeadless() -> Int32 {
        Interruption.install()
        let label = session.group.map { " (rank \($0.rank) of \($0.size))" } ?? ""
        do {
            if isDone, isLeader, session.nextStep > 0 {
                Self.say("autobw: the run is at step \(session.nextStep); --steps \(options.steps) leaves nothing to do (--steps"
                    + " counts the steps before the resume: ask for more than \(session.nextStep))")
            }
            while !isDone {
                if try interrupted() {
                    finishProgress()
                    try save()
                    if isLeader {
                        Self.say("autobw: interrupted after \(session.nextStep) steps\(options.checkpointPath.map { "; saved \($0)" } ?? "")")
                    }
                    return 130
                }
                try step()
            }
            finishProgress()
            try save()
            return 0
        } catch let error as TrainerError {
            finishProgress()
            // A divergence is of the global loss: every process meets it alike, and rank 0 alone reports it.
            if case .diverged = error {
                if isLeader { Self.say("autobw: \(error)") }
                for line in recordDivergence() { Self.say("autobw\(label): \(line)") }
            } else {
                Self.say("autobw\(label): \(error)")
            }
            return error.exitCode
        } catch {
            Self.say("autobw\(label): internal error: \(error)")
            return 70
        }
    }

    /// Whether SIGINT, SIGTERM or SIGHUP arrived, here or (data-parallel) at any process: all stop at the same step.
    private func interrupted() throws -> Bool {
        guard let group = session.group else { return Interruption.requested }
        return try group.sum([Interruption.requested ? 1 : 0])[0] > 0
    }

    static func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
