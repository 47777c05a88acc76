import AutobwTrainer
import Foundation

/// The terminal UI in one call, for `autobw` and for your own programs: the dashboard and the step-through
/// debugger on a training session, a tape dump or a metrics file, with the keys, the terminal restore and the
/// signal handling of `autobw`.
public enum TerminalUI {
    /// How a shown screen was left.
    public enum Outcome: Equatable, Sendable {
        /// The user pressed `q`.
        case quit
        /// SIGINT, SIGTERM, SIGHUP or Ctrl-C.
        case interrupted
    }

    /// Why the UI cannot start here.
    public struct Unavailable: Error, CustomStringConvertible {
        /// One line for the user.
        public let description: String
    }

    /// Trains `session` in the UI until the user quits (or the run ends and the user quits): the dashboard, the
    /// debugger on `s`, and everything `options.recording` asks for (metrics, CSV, checkpoints, a dump), as
    /// `autobw train` does. Messages go to standard error once the terminal is restored.
    /// - Returns: the exit code `autobw train` ends with: 0, 3 after a divergence, 130 when interrupted, 64
    ///   without a terminal, or a failure's own code.
    public static func train(_ session: TrainingSession, options: TrainingRun.Options) -> Int32 {
        do {
            try requireTerminal()
        } catch {
            say("autobw: \(error); train headless instead (TrainingDriver.runHeadless, or autobw train --headless)")
            return 64
        }
        let run: TrainingRun
        do {
            run = try TrainingRun(session, options: options)
        } catch let error as TrainerError {
            say("autobw: \(error)")
            return error.exitCode
        } catch {
            say("autobw: \(error)")
            return 70
        }
        run.start()
        let outcome: Outcome
        do {
            outcome = try show(run)
        } catch {
            run.stopAndWait()
            say("autobw: \(error)")
            return 64
        }
        run.stopAndWait()
        let final = run.snapshot()
        if let checkpoint = options.checkpointPath, final.exitCode == nil { say("autobw: saved \(checkpoint) at step \(final.stepsDone)") }
        if case .diverged(let detail) = final.state { say("autobw: training diverged at step \(final.stepsDone): \(detail)") }
        for note in final.notes { say("autobw: \(note)") }
        if outcome == .interrupted { return 130 }
        if let code = final.exitCode {
            if case .failed(let message) = final.state { say("autobw: \(message)") }
            return code
        }
        return 0
    }

    /// Shows `source` until the user quits; the terminal is restored before this returns. The charts overlay
    /// the same chart of each run in `comparing` (metrics files of other runs, say), named in a legend; keys go
    /// to `source` alone.
    /// - Throws: `Unavailable` when curses cannot start on this terminal.
    public static func show(_ source: RunSource, comparing others: [RunSource] = [], initialFocus: PanelID? = nil) throws -> Outcome {
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal()
        } catch {
            throw Unavailable(description: "\(error)")
        }
        defer { terminal.end() }
        var app = TerminalApp(source: source, terminal: terminal)
        app.others = others
        if let initialFocus { app.dashboard.focus = initialFocus }
        return app.run()
    }

    /// Refuses to start unless both standard input and output are terminals that can move the cursor: never
    /// curses on a pipe, nor on `TERM=dumb` (Emacs' shell, some CI consoles), where the UI would draw one line
    /// and never update it.
    /// - Throws: `Unavailable` saying which.
    public static func requireTerminal() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw Unavailable(description: "standard input or output is not a terminal")
        }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else {
            throw Unavailable(description: "TERM is \(term.isEmpty ? "not set" : "'dumb'"), a terminal that cannot draw the UI")
        }
    }

    static func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
