import ArgumentParser
import AutobwTUI
import AutobwTrainer
import Foundation

/// `autobw watch FILE [FILE...]`: a headless run's metrics file, followed live with its charts and status line;
/// with several files, their lines overlaid in each chart with a legend.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow the metrics file of a headless run (--metrics FILE) with its charts, live; several files overlay their runs.")

    @Argument(help: "The JSON Lines metrics file; more files are overlaid in every chart (the first one's keys, tape and status line).")
    var files: [String]

    /// Most runs one chart overlays: beyond that its lines cannot be told apart.
    static let mostFiles = 6

    func validate() throws {
        guard files.count <= Self.mostFiles else { throw ValidationError("watch overlays at most \(Self.mostFiles) files, not \(files.count)") }
    }

    func run() throws {
        // The files first: a missing or malformed one is named as such from a script too.
        var followers = [MetricsFollower]()
        for file in files {
            do {
                followers.append(try MetricsFollower(path: file))
            } catch let error as TrainerError {
                say("autobw: \(error)")
                throw ExitCode(error.exitCode)
            }
        }
        // watch has no headless form: the file itself is the headless view.
        let hint = "watch draws the charts; without a terminal, follow the file itself (tail -f \(files[0]))"
        try CommandUI.requireTerminal(hint: hint)
        if try CommandUI.show(followers[0], comparing: Array(followers.dropFirst()), hint: hint) == .interrupted { throw ExitCode(130) }
        // A file that turned out not to be metrics (it was waited for, so this shows only now).
        for follower in followers {
            let final = follower.snapshot()
            if let code = final.exitCode {
                if case .failed(let message) = final.state { say("autobw: \(message)") }
                throw ExitCode(code)
            }
        }
    }
}
