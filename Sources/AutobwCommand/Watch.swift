import ArgumentParser
import AutobwTUI
import AutobwTrainer
import Foundation

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
        try CommandUI.requireTerminal(hint: hint)
        if try CommandUI.show(follower, hint: hint) == .interrupted { throw ExitCode(130) }
        // A file that turned out not to be metrics (it was waited for, so this shows only now).
        let final = follower.snapshot()
        if let code = final.exitCode {
            if case .failed(let message) = final.state { say("autobw: \(message)") }
            throw ExitCode(code)
        }
    }
}
