import ArgumentParser
import AutobwTUI
import AutobwTrainer
import Foundation

/// Opens the terminal UI on a run source, for `train`, `replay` and `watch`.
enum TerminalUI {
    /// What `train` and `replay` tell a user without a terminal.
    static let headlessHint = "run it with --headless (see --help)"

    /// Shows `source` until the user quits; the terminal is restored before this returns.
    /// - Throws: `ExitCode(64)` with a message ending in `hint` when standard input or output is not a terminal.
    static func show(
        _ source: RunSource, initialFocus: PanelID? = nil, hint: String = headlessHint
    ) throws -> TerminalApp.Outcome {
        let terminal: CursesTerminal
        do {
            terminal = try CursesTerminal()
        } catch {
            say("autobw: \(error); \(hint)")
            throw ExitCode(64)
        }
        defer { terminal.end() }
        var app = TerminalApp(source: source, terminal: terminal)
        if let initialFocus { app.dashboard.focus = initialFocus }
        return app.run()
    }

    /// Fails with exit code 64 and a message ending in `hint` unless both standard input and output are
    /// terminals: never start curses on a pipe.
    static func requireTerminal(hint: String = headlessHint) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            say("autobw: standard input or output is not a terminal; \(hint)")
            throw ExitCode(64)
        }
        // A dumb terminal (Emacs' shell, some CI consoles) cannot move the cursor: the UI would draw one line
        // and never update it.
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else {
            say("autobw: TERM is \(term.isEmpty ? "not set" : "'dumb'"), a terminal that cannot draw the UI; \(hint)")
            throw ExitCode(64)
        }
    }
}

/// `autobw watch FILE`: a headless run's metrics file, followed live with the loss chart and status line.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow the metrics file of a headless run (--metrics FILE) with the loss chart, live.")

    @Argument(help: "The JSON Lines metrics file.")
    var file: String

    func run() throws {
        // The file first: a missing or malformed one is named as such from a script too.
        let follower: MetricsFollower
        do {
            follower = try MetricsFollower(path: file)
        } catch let error as TrainerError {
            say("autobw: \(error)")
            throw ExitCode(error.exitCode)
        }
        // watch has no headless form: the file itself is the headless view.
        let hint = "watch draws the loss chart; without a terminal, follow the file itself (tail -f \(file))"
        try TerminalUI.requireTerminal(hint: hint)
        if try TerminalUI.show(follower, hint: hint) == .interrupted { throw ExitCode(130) }
        // A file that turned out not to be metrics (it was waited for, so this shows only now).
        let final = follower.snapshot()
        if let code = final.exitCode {
            if case .failed(let message) = final.state { say("autobw: \(message)") }
            throw ExitCode(code)
        }
    }
}
