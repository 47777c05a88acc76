import Foundation

/// Puts the terminal back however the UI ends. Normal exits (`q`, Ctrl-C, SIGTERM, an error) leave through
/// `CursesTerminal.end()`; a crash signal cannot call curses safely, so its handler restores the saved terminal
/// settings and the screen with async-signal-safe calls only (`tcsetattr`, `write`), then dies of the signal as it
/// would have.
enum TerminalRestorer {
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var hasSaved = false
    private static let crashSignals = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    static func saveTerminalState() {
        hasSaved = tcgetattr(STDIN_FILENO, &saved) == 0
    }

    static func installCrashHandlers() {
        for signalNumber in crashSignals {
            signal(signalNumber) { number in
                TerminalRestorer.restoreFromSignal()
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    /// Leaves the alternate screen, resets attributes, turns mouse reporting off, shows the cursor and restores the
    /// saved terminal mode.
    static func restoreFromSignal() {
        if hasSaved { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        // Mouse reporting off too (every mode curses may have turned on), or the shell would receive clicks.
        let reset: StaticString = "\u{1B}[0m\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l\u{1B}[?1049l\u{1B}[?25h\r\n"
        _ = write(STDOUT_FILENO, reset.utf8Start, reset.utf8CodeUnitCount)
    }
}
