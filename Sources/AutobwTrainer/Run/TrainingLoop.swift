import Autobw
import Dispatch
import Foundation

/// The training thread's side of a `TrainingRun`: steps, commands between them, the debugger inside one.
struct TrainingLoop {
    let owner: TrainingRun
    /// What follows each step (evaluation, logs, checkpoints, a divergence's record), as in a headless run.
    let driver: TrainingDriver
    var session: TrainingSession { driver.session }
    var options: TrainingRun.Options { owner.options }
    var paused = false
    var stepModeRequested: Bool
    var breakpoint: Breakpoint?
    /// The `.step` breakpoint already stopped at, so that continuing does not stop there again.
    var firedStepBreakpoint: Int?
    var lastTape: UInt64 = 0
    var lastSample: UInt64 = 0

    init(run: TrainingRun, driver: TrainingDriver) {
        self.owner = run
        self.driver = driver
        stepModeRequested = run.options.startsStepping
        breakpoint = run.options.breakpoint
    }

    /// What to do once the debugger lets go of a step (`unchanged`: go on as before it opened).
    enum AfterDebugging { case resume, stepAgain, stop, unchanged }

    mutating func train() {
        owner.publish { $0.state = .running }
        refreshSample()
        while true {
            var reopening: Int?
            // A step about to open in the debugger takes the queued commands itself.
            let commands = stepModeRequested ? [] : owner.takeCommands()
            // Commands that open the debugger leave the rest queued for it: ten `s` pressed at once advance ten steps.
            handling: for (position, command) in commands.enumerated() {
                switch command {
                case .pause: paused = true
                case .resume: paused = false
                case .stepMode:
                    stepModeRequested = true
                    owner.putBack(commands[(position + 1)...])
                    break handling
                case .setBreakpoint(let value): breakpoint = value
                case .stop: return stop()
                case .reopen(let step):
                    reopening = step
                    owner.putBack(commands[(position + 1)...])
                    break handling
                case .next, .continueReplay: break
                }
            }
            if let step = reopening {
                switch visit(step) {
                case .resume: paused = false
                case .stepAgain: stepModeRequested = true
                case .stop: return stop()
                case .unchanged: break
                }
                continue
            }
            do {
                if session.nextStep >= options.steps {
                    try finishOnce()
                    Self.nap(milliseconds: 20)
                } else if case .step(let step)? = breakpoint, step == session.nextStep, firedStepBreakpoint != step {
                    // Before step N runs: open it in the debugger, once.
                    firedStepBreakpoint = step
                    stepModeRequested = true
                    owner.publish { $0.notes.append("stopped at the breakpoint: step \(step)") }
                } else if stepModeRequested {
                    stepModeRequested = false
                    switch try debugOneStep() {
                    case .resume: paused = false
                    case .stepAgain: stepModeRequested = true
                    case .stop: return stop()
                    case .unchanged: break
                    }
                } else if paused {
                    owner.publish { $0.state = .paused }
                    Self.nap(milliseconds: 10)
                } else {
                    let capturesTape = due(&lastTape, every: options.tapeInterval)
                    let (metrics, evaluation, tape) = try driver.step(tapeOptions: capturesTape ? .timesForward : [])
                    publish(metrics, evaluation: evaluation, tape: capturesTape ? tape : nil)
                    // Breakpoints apply while training: the first step where an entry matches opens there.
                    if let breakpoint, metrics.entries.contains(where: breakpoint.matches) {
                        switch visit(metrics.step, stoppingAt: breakpoint) {
                        case .resume: paused = false
                        case .stepAgain: stepModeRequested = true
                        case .stop: return stop()
                        case .unchanged: paused = true
                        }
                    }
                }
            } catch TrainerError.diverged(_, let detail) {
                let notes = driver.recordDivergence()
                owner.publish {
                    $0.exitCode = 3
                    $0.notes += notes
                }
                finished = true
                if case .stop = showDivergence(detail) { return stop() }
            } catch {
                fail(error)
                if case .stop = waitForStop() { return }
            }
        }
    }

    // MARK: steps

    var finished = false

    private mutating func finishOnce() throws {
        guard !finished else { return }
        finished = true
        try driver.save()
        owner.publish { $0.state = .finished }
    }

    private mutating func publish(_ metrics: StepMetrics, evaluation: Evaluation?, tape: [TapeEntryInfo]?) {
        let rate = driver.stepsPerSecond, elapsed = driver.elapsedSeconds
        owner.publish { snapshot in
            snapshot.state = paused ? .paused : .running
            snapshot.stepsDone = session.nextStep
            snapshot.losses.append(metrics.loss)
            snapshot.chart("grad_norm", metrics.gradientNorm, step: metrics.step)
            snapshot.chart("lr", metrics.learningRate, step: metrics.step)
            snapshot.chart(RunSnapshot.throughputSeries, Float(rate), step: metrics.step)
            for parameter in metrics.parameterGradientNorms {
                snapshot.chart(RunSnapshot.gradientNormSeries(of: parameter.name), parameter.norm, step: metrics.step)
            }
            snapshot.latest = metrics
            snapshot.entryNorms.append(step: metrics.step, reports: metrics.entries, parameters: metrics.parameterGradientNorms)
            snapshot.stepsPerSecond = rate
            snapshot.elapsedSeconds = elapsed
            snapshot.reopenable = session.reopenableSteps
            if let tape { snapshot.tape = tape }
            if let evaluation {
                snapshot.validation.append(
                    ValidationPoint(step: metrics.step, loss: evaluation.loss, accuracy: evaluation.accuracy, r2: evaluation.r2))
            }
        }
        if due(&lastSample, every: options.sampleInterval) { refreshSample() }
    }

    private func refreshSample() {
        guard let text = try? session.sample(length: 400, seed: UInt64(session.nextStep)) else { return }
        owner.publish { $0.sample = text }
    }

    private func due(_ last: inout UInt64, every seconds: Double) -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        guard last == 0 || Double(now - last) / 1e9 >= seconds else { return false }
        last = now
        return true
    }

    // MARK: the debugger

    /// Records the next step's forward pass and hands its replay to the front end, entry by entry, until it
    /// resumes (the step is then finished exactly as an unstepped one) or stops.
    private mutating func debugOneStep() throws -> AfterDebugging {
        let open = try session.beginStep(options: TapeOptions.debugger)
        var state = openDebugger(on: open, reopened: false)
        let after = try debug(open, &state, diverged: false)
        guard after != .stop else { return .stop }
        let metrics = try session.finish(open)
        owner.publish { $0.debugger = nil }
        publish(metrics, evaluation: try driver.record(metrics), tape: nil)
        return after
    }

    /// The debugger's state on `open`, before its first entry (or, with `stoppingAt`, replayed to the breakpoint's
    /// first entry), published with the step's tape.
    private func openDebugger(on open: OpenStep, reopened: Bool, stoppingAt stop: Breakpoint? = nil) -> DebuggerState {
        var state = DebuggerState(step: open.step, loss: open.loss, entries: open.replay.entries, next: open.replay.peek())
        state.breakpoint = breakpoint
        state.reopened = reopened
        if let stop {
            try? replay(open, &state, until: stop.stopReason(at:))
            state.stopReason = "breakpoint at step \(open.step) while training: \(stop)"
        }
        let tape = state.entries
        owner.publish { [state] in
            $0.state = .stepping
            $0.debugger = state
            $0.tape = tape
            if reopened { $0.reopenable = 0..<0 }
        }
        return state
    }

    /// Recomputes past step `step` from the session's snapshots and opens it in the debugger; whatever the user
    /// does next, the session returns to the present first, exactly as it was.
    /// With `stoppingAt`, the replay runs to the breakpoint's first entry (a breakpoint that matched while training).
    private mutating func visit(_ step: Int, stoppingAt stop: Breakpoint? = nil) -> AfterDebugging {
        let open: OpenStep
        do {
            open = try session.reopen(step: step)
        } catch {
            // Out of reach (the dashboard offers only reachable steps; a run without snapshots): the run goes on
            // as it was, or, stopped by a breakpoint, waits paused.
            if let stop { owner.publish { $0.notes.append("breakpoint \(stop) matched at step \(step)") } }
            return .unchanged
        }
        var state = openDebugger(on: open, reopened: true, stoppingAt: stop)
        let after = (try? debug(open, &state, diverged: false)) ?? .resume
        do {
            try session.returnToPresent()
        } catch {
            fail(error)
            return .stop
        }
        let reopenable = session.reopenableSteps
        owner.publish {
            $0.debugger = nil
            $0.state = .running
            $0.reopenable = reopenable
        }
        return after
    }

    /// Opens the diverging step again in the debugger, stopped where `DivergenceStop` says (as its dump does).
    private mutating func showDivergence(_ detail: String) -> AfterDebugging {
        do {
            let open = try session.beginStep(options: TapeOptions.debugger)
            var state = DebuggerState(step: open.step, loss: open.loss, entries: open.replay.entries, next: open.replay.peek())
            state.breakpoint = .nonFinite
            let stop = DivergenceStop(entries: state.entries)
            try replay(open, &state) { stop.stops(at: $0) ? "" : nil }
            state.stopReason = "diverged: \(detail)"
            let tape = state.entries
            owner.publish { [state] in
                $0.state = .diverged(detail)
                $0.debugger = state
                $0.tape = tape
            }
            return try debug(open, &state, diverged: true)
        } catch {
            owner.publish { $0.state = .diverged(detail) }
            return waitForStop()
        }
    }

    /// The debugger's command loop; a diverged step can be looked at but not finished.
    private mutating func debug(_ open: OpenStep, _ state: inout DebuggerState, diverged: Bool) throws -> AfterDebugging {
        while true {
            let commands = owner.takeCommands()
            if commands.isEmpty {
                Self.nap(milliseconds: 5)
                continue
            }
            for (position, command) in commands.enumerated() {
                // Leaving the step leaves the commands after it queued for the next one.
                let rest = commands[(position + 1)...]
                switch command {
                case .next:
                    state.stopReason = nil
                    if let step = try open.next() { state.replayed.append(ReplayedEntry(step)) }
                    state.next = open.replay.peek()
                case .continueReplay:
                    try continueReplay(open, &state, to: breakpoint ?? .nonFinite)
                case .setBreakpoint(let value):
                    breakpoint = value
                    state.breakpoint = value
                case .resume where !diverged:
                    owner.putBack(rest)
                    return .resume
                case .stepMode where !diverged:
                    owner.putBack(rest)
                    return .stepAgain
                case .stop: return .stop
                case .pause, .resume, .stepMode, .reopen: break
                }
            }
            owner.publish { [state] in $0.debugger = state }
        }
    }

    private func continueReplay(_ open: OpenStep, _ state: inout DebuggerState, to breakpoint: Breakpoint) throws {
        try replay(open, &state, until: breakpoint.stopReason(at:))
    }

    /// Replays entries until `until` gives a reason to stop (kept as the stop reason) or the replay ends.
    private func replay(_ open: OpenStep, _ state: inout DebuggerState, until: (ReplayedEntry) -> String?) throws {
        let continued = try ReplayContinuation(next: open.next, described: state.entries, until: until)
        state.replayed += continued.entries
        state.stopReason = continued.stopReason
        state.next = open.replay.peek()
    }

    // MARK: ending

    private func waitForStop() -> AfterDebugging {
        while !owner.takeCommands().contains(.stop) { Self.nap(milliseconds: 20) }
        return .stop
    }

    /// Saves when a checkpoint path was given, unless the run has finished (saved then) or diverged (the driver
    /// saved the last good state then).
    private func stop() {
        guard !finished else { return }
        do {
            try driver.save()
        } catch {
            fail(error)
        }
    }

    private func fail(_ error: Error) {
        owner.publish {
            $0.state = .failed("\(error)")
            $0.exitCode = (error as? TrainerError)?.exitCode ?? 70
        }
    }

    static func nap(milliseconds: Int) { usleep(UInt32(milliseconds * 1000)) }
}
