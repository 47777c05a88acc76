import AutobwTestSupport
import Autobw
import Foundation
import Testing
@testable import AutobwTrainer

/// A session driven on its own thread: snapshots out, commands in, the debugger inside a step.
@Suite struct TrainingRunTests {
    /// Polls `run` until `condition` holds (at most 10 s).
    func waitFor(_ run: RunSource, _ condition: (RunSnapshot) -> Bool) -> RunSnapshot? {
        for _ in 0..<2000 {
            let snapshot = run.snapshot()
            if condition(snapshot) { return snapshot }
            usleep(5000)
        }
        return nil
    }

    func coinFlipRun(steps: Int, stepping: Bool, learningRate: Float? = nil) throws -> TrainingRun {
        var configuration = TrainingConfiguration()
        configuration.preset = .coinFlip
        configuration.learningRate = learningRate
        var options = TrainingRun.Options(steps: steps)
        options.startsStepping = stepping
        let run = try TrainingRun(try TrainingSession(configuration), options: options)
        run.start()
        return run
    }

    @Test func aRunPublishesEveryStepAndFinishes() throws {
        let run = try coinFlipRun(steps: 50, stepping: false)
        defer { run.stopAndWait() }
        let done = try #require(waitFor(run) { $0.state == .finished })
        #expect(done.losses.count == 50 && done.stepsDone == 50)
        #expect(done.entryNorms.steps.count == 50)
        #expect(done.latest?.parameterGradientNorms.map(\.name) == ["gain", "x3", "linear.weight", "linear.bias"])
    }

    @Test func stepModeHandsTheReplayOverEntryByEntryAndResumeFinishesTheStep() throws {
        let run = try coinFlipRun(steps: 1000, stepping: true)
        defer { run.stopAndWait() }
        let opened = try #require(waitFor(run) { $0.debugger != nil })
        #expect(opened.state == .stepping && opened.debugger?.replayed.isEmpty == true && opened.stepsDone == 0)
        run.send(.next)
        run.send(.next)
        let stepped = try #require(waitFor(run) { $0.debugger?.replayed.count == 2 })
        let last = (stepped.debugger?.entries.count ?? 0) - 1
        #expect(stepped.debugger?.replayed.map(\.entry.index) == [last, last - 1])
        #expect(stepped.stepsDone == 0)
        run.send(.continueReplay)
        #expect(waitFor(run) { $0.debugger?.isFinished == true } != nil)
        run.send(.resume)
        #expect(waitFor(run) { $0.debugger == nil && $0.stepsDone > 1 } != nil)
    }

    /// Ten `s` pressed at once once advanced two steps: every key of a burst counts.
    @Test func aBurstOfStepKeysAdvancesOneStepEach() throws {
        let run = try coinFlipRun(steps: 1000, stepping: true)
        defer { run.stopAndWait() }
        _ = try #require(waitFor(run) { $0.debugger?.step == 0 })
        for _ in 0..<10 { run.send(.stepMode) }
        let stepped = try #require(waitFor(run) { $0.debugger?.step == 10 })
        #expect(stepped.stepsDone == 10)
        usleep(100_000)
        #expect(run.snapshot().debugger?.step == 10)
    }

    @Test func pauseStopsTakingStepsUntilResume() throws {
        let run = try coinFlipRun(steps: 100_000_000, stepping: false)
        defer { run.stopAndWait() }
        run.send(.pause)
        let paused = try #require(waitFor(run) { $0.state == .paused })
        usleep(50_000)
        #expect(run.snapshot().stepsDone == paused.stepsDone)
        run.send(.resume)
        #expect(waitFor(run) { $0.stepsDone > paused.stepsDone } != nil)
    }

    @Test func aDivergingRunStopsInTheDebuggerAtTheFirstNonFiniteGradient() throws {
        let run = try coinFlipRun(steps: 100, stepping: false, learningRate: 1e30)
        defer { run.stopAndWait() }
        let diverged = try #require(waitFor(run) { if case .diverged = $0.state { return true } else { return false } })
        let debugger = try #require(diverged.debugger)
        let stop = DivergenceStop(entries: debugger.entries)
        let last = try #require(debugger.replayed.last)
        #expect(stop.stops(at: last) && (stop.forwardEntry == last.entry.index || !last.isFinite))
        #expect(!debugger.replayed.dropLast().contains(where: stop.stops(at:)))
        #expect(debugger.stopReason?.hasPrefix("diverged: ") == true)
        #expect(diverged.exitCode == 3)
    }

    /// coin-flip at lr 10 overflows in the forward pass at step 6 (`gain * x3` is infinite). The live debugger
    /// and `autobw replay` of the step's dump both open on that entry, with the values of its inputs, and show
    /// the same figures for every entry they replayed; the dump's loss is the step's loss.
    @Test func aForwardDivergenceOpensOnTheEntryThatProducedItLiveAndInItsDump() throws {
        let run = try coinFlipRun(steps: 100, stepping: false, learningRate: 10)
        defer { run.stopAndWait() }
        let diverged = try #require(waitFor(run) { if case .diverged = $0.state { return true } else { return false } })
        let live = try #require(diverged.debugger)

        var configuration = TrainingConfiguration()
        configuration.preset = .coinFlip
        configuration.learningRate = 10
        let session = try TrainingSession(configuration)
        let error = #expect(throws: TrainerError.self) { for _ in 0..<100 { _ = try session.step() } }
        let dump = try #require(session.lastDivergenceDump)
        let replay = try #require(DumpReplay(dump, path: "dump.json").snapshot().debugger)

        let opened = try #require(live.replayed.last)
        #expect(opened.entry.op == .mul && opened.entry.outputStatistics?.first?.isFinite == false)
        #expect(opened.entry.inputStatistics?.count == 2 && opened.entry.inputStatistics?.allSatisfy(\.isFinite) == true)
        // Everything but the forward times (the live step measured them) and the gradient's first values.
        func figures(_ entries: [ReplayedEntry]) -> [[String]] {
            entries.map { view in
                [view.entry.index, view.entry.outputStatistics as Any, view.entry.inputStatistics as Any, view.incoming, view.sent,
                 view.parameters]
                    .map { String(describing: $0) }
            }
        }
        #expect(figures(replay.replayed) == figures(live.replayed))
        #expect(replay.stopReason == live.stopReason && live.stopReason?.contains("entry #\(opened.entry.index) mul") == true)
        #expect(dump.loss == live.loss && dump.loss == .infinity && dump.step == live.step)
        guard case .diverged(let step, let detail)? = error else {
            Issue.record("no divergence: \(String(describing: error))")
            return
        }
        #expect(step == dump.step && live.stopReason == "diverged: \(detail)")
    }

    @Test func aPastStepReopensInTheDebuggerAndTheRunGoesOnWhereItWas() throws {
        var configuration = TrainingConfiguration()
        configuration.preset = .mlp
        let run = try TrainingRun(try TrainingSession(configuration), options: TrainingRun.Options(steps: 100_000_000))
        run.start()
        defer { run.stopAndWait() }
        let later = try #require(waitFor(run) { $0.reopenable.contains(12) })
        run.send(.reopen(step: 12))
        let opened = try #require(waitFor(run) { $0.debugger?.reopened == true })
        #expect(opened.debugger?.step == 12 && opened.state == .stepping)
        let paused = opened.stepsDone
        for _ in 0..<3 { run.send(.next) }
        let stepped = try #require(waitFor(run) { $0.debugger?.replayed.count == 3 })
        #expect(stepped.stepsDone == paused && paused >= later.stepsDone)
        run.send(.resume)
        #expect(waitFor(run) { $0.debugger == nil && $0.stepsDone > paused } != nil)
    }

    static func mlpRun(breakpoint: Breakpoint) throws -> TrainingRun {
        var configuration = TrainingConfiguration()
        configuration.preset = .mlp
        var options = TrainingRun.Options(steps: 100_000_000)
        options.breakpoint = breakpoint
        let run = try TrainingRun(try TrainingSession(configuration), options: options)
        run.start()
        return run
    }

    /// Breakpoints apply to every step while training: the step where an entry first matches opens in the
    /// debugger (recomputed from a snapshot), stopped at that entry.
    @Test func aBreakpointStopsTrainingAtTheFirstStepWhereAnEntryMatches() throws {
        let run = try Self.mlpRun(breakpoint: .entry("tanh"))
        defer { run.stopAndWait() }
        let stopped = try #require(waitFor(run) { $0.debugger?.reopened == true })
        let debugger = try #require(stopped.debugger)
        #expect(debugger.replayed.last?.entry.op == .tanh && debugger.replayed.dropLast().allSatisfy { $0.entry.op != .tanh })
        #expect(debugger.stopReason == "breakpoint at step \(debugger.step) while training: op or scope tanh")
        #expect(debugger.step == 0)
    }

    @Test func aStepBreakpointOpensThatStepBeforeItRuns() throws {
        let run = try Self.mlpRun(breakpoint: .step(25))
        defer { run.stopAndWait() }
        let stopped = try #require(waitFor(run) { $0.debugger != nil })
        #expect(stopped.debugger?.step == 25 && stopped.debugger?.reopened == false && stopped.stepsDone == 25)
        run.send(.resume)
        #expect(waitFor(run) { $0.stepsDone > 30 && $0.debugger == nil } != nil)
    }

    @Test func anArmedBreakpointThatNeverMatchesLetsTrainingRun() throws {
        let run = try Self.mlpRun(breakpoint: .normAbove(1e30))
        defer { run.stopAndWait() }
        #expect(waitFor(run) { $0.stepsDone > 200 } != nil)
        #expect(run.snapshot().debugger == nil)
    }

    @Test func aTextRunPublishesASampleAndRefreshesIt() throws {
        var options = TrainingRun.Options(steps: 1_000_000)
        options.sampleInterval = 0.05
        let run = try TrainingRun(try TrainingSession(TrainingSessionTests.configuration(.charLSTM)), options: options)
        run.start()
        defer { run.stopAndWait() }
        let first = try #require(waitFor(run) { $0.sample != nil && $0.stepsDone > 0 })
        #expect(first.sample?.isEmpty == false)
        #expect(waitFor(run) { $0.sample != first.sample } != nil)
    }

    @Test func theGradientHistoryKeepsTheLast1000Steps() {
        var history = GradientHistory()
        for step in 0..<1005 { history.append(step: step, reports: []) }
        #expect(history.steps.count == 1000)
        #expect(history.norms(at: 5) != nil && history.norms(at: 4) == nil && history.norms(at: 1004) != nil)
    }

    @Test func breakpointsParseAsTypedAndRefuseNonsense() {
        #expect(Breakpoint(parsing: "nan") == .nonFinite)
        #expect(Breakpoint(parsing: " >1e3") == .normAbove(1000))
        #expect(Breakpoint(parsing: "< 1e-6") == .normBelow(1e-6))
        #expect(Breakpoint(parsing: "op matmul") == .entry("matmul"))
        #expect(Breakpoint(parsing: "scope lstm.l1") == .entry("lstm.l1"))
        #expect(Breakpoint(parsing: "step 500") == .step(500))
        #expect(Breakpoint(parsing: "step -1") == nil && Breakpoint(parsing: "step x") == nil)
        #expect(Breakpoint(parsing: "x") == nil)
        #expect(Breakpoint(parsing: ">nan") == nil)
        #expect(Breakpoint(parsing: ">") == nil)
    }

    @Test func aDumpReplaysInDescendingEntryOrderAndContinueStopsAtTheBreakpoint() throws {
        let session = try TrainingSession(TrainingSessionTests.configuration(.mlp))
        let dump = try session.stepDumping().dump
        let replay = DumpReplay(dump, path: "dump.json")
        replay.send(.next)
        replay.send(.next)
        let indices = replay.snapshot().debugger?.replayed.map(\.entry.index) ?? []
        let replayedIndices = dump.entries.filter(\.replayed).map(\.entry.index).sorted(by: >)
        #expect(indices == Array(replayedIndices.prefix(2)))
        replay.send(.setBreakpoint(.normBelow(1e30)))
        replay.send(.continueReplay)
        let stopped = try #require(replay.snapshot().debugger)
        #expect(stopped.replayed.count == 3 && stopped.stopReason?.hasPrefix("breakpoint") == true)
    }

    /// rnn-sine's cell weights are used by every timestep's entries: a replayed dump must show each parameter's
    /// gradient accumulated so far, exactly as the live debugger showed it for that step (it once showed what the
    /// one entry sent, so `cell.wh` read 0 where the live debugger read 0.004068).
    @Test(arguments: [Preset.rnnSine, .charLSTM, .mlp])
    func aReplayedDumpShowsTheLiveDebuggersParameterFigures(_ preset: Preset) throws {
        var configuration = TrainingConfiguration()
        configuration.preset = preset
        configuration.seed = 4
        if preset == .charLSTM { (configuration.hiddenSize, configuration.batchSize, configuration.sequenceLength) = (8, 4, 6) }
        let live = try TrainingSession(configuration), dumped = try TrainingSession(configuration)
        for _ in 0..<3 {
            _ = try live.step()
            _ = try dumped.step()
        }
        let open = try live.beginStep()
        var shown = [ReplayedEntry]()
        while let step = try open.next() { shown.append(ReplayedEntry(step)) }
        let (_, dump) = try dumped.stepDumping()
        let replay = DumpReplay(dump, path: "dump.json")
        for _ in shown { replay.send(.next) }
        let replayed = try #require(replay.snapshot().debugger?.replayed)
        #expect(replayed.count == shown.count)
        #expect(replayed.map(\.parameters) == shown.map(\.parameters))
        #expect(shown.contains { !$0.parameters.isEmpty })
    }

    @Test func theMetricsFollowerReadsWholeLinesAsTheFileGrows() throws {
        let path = temporaryPath("follow", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"autobw\":\"0\",\"preset\":\"mlp\"}\n{\"step\":0,\"loss\":2,\"lr\":0.1}\n{\"step\":1,\"lo".utf8)
            .write(to: URL(fileURLWithPath: path))
        let follower = try MetricsFollower(path: path)
        #expect(follower.snapshot().losses == [2])
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("ss\":1.5,\"val_loss\":1.7}\n".utf8))
        try handle.close()
        let snapshot = follower.snapshot()
        #expect(snapshot.losses == [2, 1.5] && snapshot.validation.map(\.loss) == [1.7] && snapshot.preset == "mlp")
    }

    @Test func aMetricsFileReplacedByANewRunIsFollowedFromItsStart() throws {
        let path = temporaryPath("restart", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let header = "{\"autobw\":\"0\",\"preset\":\"mlp\"}\n"
        try Data((header + (0..<3).map { "{\"step\":\($0),\"loss\":\(3 - $0)}\n" }.joined()).utf8).write(to: URL(fileURLWithPath: path))
        let follower = try MetricsFollower(path: path)
        #expect(follower.snapshot().losses == [3, 2, 1])
        try Data((header + "{\"step\":0,\"loss\":9}\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(follower.snapshot().losses == [9])
    }

    @Test func aMetricsFileThatDoesNotExistYetIsWaitedFor() throws {
        let path = temporaryPath("later", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let follower = try MetricsFollower(path: path)
        #expect(follower.snapshot().state == .starting && follower.snapshot().preset.hasPrefix("waiting for"))
        try Data("{\"autobw\":\"0\",\"preset\":\"mlp\"}\n{\"step\":0,\"loss\":2}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(follower.snapshot().state == .running && follower.snapshot().losses == [2])
    }

    @Test func aWaitedForFileThatTurnsOutNotToBeMetricsFailsTheWatch() throws {
        let path = temporaryPath("other", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data().write(to: URL(fileURLWithPath: path))
        let follower = try MetricsFollower(path: path)
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(follower.snapshot().exitCode == 65)
        #expect(throws: TrainerError.self) { try MetricsFollower(path: "/no/such/folder/metrics.jsonl") }
    }

    @Test func aFollowedRunIsFinishedAtTheLastStepItsHeaderNames() throws {
        let path = temporaryPath("done", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = ["{\"autobw\":\"0\",\"preset\":\"mlp\",\"steps\":2}", "{\"step\":0,\"loss\":2}"]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let follower = try MetricsFollower(path: path)
        #expect(follower.snapshot().state == .running && follower.snapshot().totalSteps == 2)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"step\":1,\"loss\":1}\n".utf8))
        try handle.close()
        #expect(follower.snapshot().state == .finished)
    }

    @Test func aFileThatIsNotAMetricsFileIsRefusedAsBadData() throws {
        let path = temporaryPath("not", ".jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("step,loss\n0,1\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try MetricsFollower(path: path)
        } throws: { error in
            if case TrainerError.badData = error { return true } else { return false }
        }
    }
}
