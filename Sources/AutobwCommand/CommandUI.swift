import ArgumentParser
import AutobwTUI
import AutobwTrainer
import Foundation

/// The library's `TerminalUI`, with the command's messages and exit codes, for `train`, `replay` and `watch`.
enum CommandUI {
    /// What `train` and `replay` tell a user without a terminal.
    static let headlessHint = "run it with --headless (see --help)"

    /// Shows `source` until the user quits; the terminal is restored before this returns.
    /// - Throws: `ExitCode(64)` with a message ending in `hint` when curses cannot start.
    static func show(
        _ source: RunSource, comparing others: [RunSource] = [], initialFocus: PanelID? = nil, hint: String = headlessHint
    ) throws -> TerminalUI.Outcome {
        do {
            return try TerminalUI.show(source, comparing: others, initialFocus: initialFocus)
        } catch {
            say("autobw: \(error); \(hint)")
            throw ExitCode(64)
        }
    }

    /// Fails with exit code 64 and a message ending in `hint` unless the UI can start here.
    static func requireTerminal(hint: String = headlessHint) throws {
        do {
            try TerminalUI.requireTerminal()
        } catch {
            say("autobw: \(error); \(hint)")
            throw ExitCode(64)
        }
    }
}
