import Autobw

/// Everything a front end draws, as the training thread last published it. A value: the front end keeps it as
/// long as it likes while training goes on.
public struct RunSnapshot: Sendable {
    /// What the run is doing.
    public enum State: Sendable, Equatable {
        /// Building the model and loading data.
        case starting
        /// Taking steps.
        case running
        /// Waiting for a resume.
        case paused
        /// Stopped inside a step's reverse replay, for the debugger.
        case stepping
        /// All steps done.
        case finished
        /// A step went non-finite; the debugger holds the diverging step, stopped at the entry where it started.
        case diverged(String)
        /// The run failed with this message (an unwritable checkpoint, say).
        case failed(String)
    }

    /// The preset's name.
    public var preset: String
    /// What the run is doing.
    public var state: State = .starting
    /// Steps done (the next step's index).
    public var stepsDone = 0
    /// The step the run stops after.
    public var totalSteps: Int
    /// The first step of `losses` (a resumed run starts later than 0).
    public var firstStep = 0
    /// The training loss of every step from `firstStep` on.
    public var losses: [Float] = []
    /// Every other charted scalar by name (the gradient norm, the learning rate, anything a run log holds), one
    /// value a step from `firstStep` on, as `losses`.
    public var series: [String: [Float]] = [:]
    /// Validation results, by step.
    public var validation: [ValidationPoint] = []
    /// The latest step's metrics.
    public var latest: StepMetrics?
    /// Steps per second over the last few seconds.
    public var stepsPerSecond: Double = 0
    /// Seconds since training started.
    public var elapsedSeconds: Double = 0
    /// Each tape entry's incoming gradient norm for the last steps (at most `GradientHistory.capacity`).
    public var entryNorms = GradientHistory()
    /// A recent step's tape, entry by entry (recaptured every few seconds; the tape's shape rarely changes).
    public var tape: [TapeEntryInfo] = []
    /// A recent text sample from the model (text presets).
    public var sample: String?
    /// The open step's reverse replay, while stepping or after divergence.
    public var debugger: DebuggerState?
    /// Where the metrics come from, when not from a live session (a metrics file, a tape dump).
    public var source: String?
    /// The exit code a command should end with once the run has diverged (3) or failed; nil otherwise.
    public var exitCode: Int32?
    /// The OpenBLAS kernel set in use.
    public var blasCore: String = BLAS.coreName
    /// The past steps that `RunCommand.reopen` can recompute now (empty when the run keeps no snapshots).
    public var reopenable: Range<Int> = 0..<0
    /// What the run did that a person should read once the UI has closed (a checkpoint saved after a
    /// divergence, where its tape was dumped).
    public var notes: [String] = []

    /// An empty snapshot of a run of `preset` for `totalSteps` steps.
    public init(preset: String, totalSteps: Int) {
        self.preset = preset
        self.totalSteps = totalSteps
    }

    /// Most scalars `series` holds: further names are dropped, so that a run log with hundreds of fields, or a
    /// model with hundreds of parameters, cannot grow the snapshot by hundreds of floats a step.
    public static let mostSeries = 48
    /// The series of steps/s (`Throughput`, as the status line shows it), charted live and by `watch`.
    public static let throughputSeries = "steps_per_s"

    /// The series of parameter `name`'s gradient norm.
    public static func gradientNormSeries(of name: String) -> String { "grad_norm/" + name }

    /// Charts `value` as series `name` at the step `step`; steps not logged since the series' last value hold
    /// that value (a run log written every N steps), so that positions stay steps from `firstStep`. Ignored past
    /// `mostSeries` names.
    public mutating func chart(_ name: String, _ value: Float, step: Int) {
        guard series[name] != nil || series.count < Self.mostSeries else { return }
        let position = step - firstStep
        var values = series.removeValue(forKey: name) ?? []
        guard position >= values.count else {
            series[name] = values
            return
        }
        values.append(contentsOf: repeatElement(values.last ?? .nan, count: position - values.count))
        values.append(value)
        series[name] = values
    }
}

/// A validation result.
public struct ValidationPoint: Sendable, Equatable {
    /// The step after which it was measured.
    public var step: Int
    /// The held-out loss.
    public var loss: Float
    /// The held-out accuracy, for classifiers.
    public var accuracy: Float?
    /// The held-out R², for regression (`loss` is then in the target's units, not the training loss's).
    public var r2: Float?

    /// A validation result.
    public init(step: Int, loss: Float, accuracy: Float?, r2: Float? = nil) {
        self.step = step
        self.loss = loss
        self.accuracy = accuracy
        self.r2 = r2
    }
}

/// The gradient norms of the last `capacity` steps, each tape entry's and each parameter's, to link a loss spike
/// to the entries where it started: the chart's cursor shows a past step's from here.
public struct GradientHistory: Sendable {
    /// One step's norms.
    public struct Step: Sendable, Equatable {
        /// The step's index.
        public var step: Int
        /// By entry index, the norm of the gradient the entry received (-1 where it received none).
        public var norms: [Float]
        /// Each parameter's gradient norm, in model order (as the step's metrics have them).
        public var parameters: [ParameterNorm]
    }

    /// Steps kept.
    public static let capacity = 1000
    /// The kept steps, oldest first.
    public private(set) var steps: [Step] = []

    /// An empty history.
    public init() {}

    /// Adds a step's entry reports and parameter norms, dropping the oldest step beyond `capacity`.
    public mutating func append(step: Int, reports: [EntryGradientReport], parameters: [ParameterNorm] = []) {
        let count = (reports.map(\.entryIndex).max() ?? -1) + 1
        var norms = [Float](repeating: -1, count: count)
        for report in reports { norms[report.entryIndex] = report.incoming.first?.norm ?? .nan }
        append(step: step, norms: norms, parameters: parameters)
    }

    /// Adds a step's entry norms (by entry index, negative where none arrived) and parameter norms.
    public mutating func append(step: Int, norms: [Float], parameters: [ParameterNorm]) {
        if steps.count >= Self.capacity { steps.removeFirst(steps.count - Self.capacity + 1) }
        steps.append(Step(step: step, norms: norms, parameters: parameters))
    }

    /// The norms of `step`, if kept.
    public func record(at step: Int) -> Step? {
        guard let last = steps.last else { return nil }
        let offset = steps.count - 1 - (last.step - step)
        guard steps.indices.contains(offset), steps[offset].step == step else { return steps.first { $0.step == step } }
        return steps[offset]
    }

    /// The entry norms of `step`, if kept.
    public func norms(at step: Int) -> [Float]? { record(at: step)?.norms }
}

/// A step's reverse replay as a debugger shows it.
public struct DebuggerState: Sendable {
    /// The step being replayed.
    public var step: Int
    /// Its loss.
    public var loss: Float
    /// Every entry of its tape, in recording order.
    public var entries: [TapeEntryInfo]
    /// The entries replayed so far, in replay order.
    public var replayed: [ReplayedEntry] = []
    /// The entry the next replay step reaches; nil when the replay is done.
    public var next: TapeEntryInfo?
    /// The breakpoint that "continue" stops at (non-finite gradients always stop it).
    public var breakpoint: Breakpoint?
    /// Why the replay stopped where it is (a breakpoint, the divergence), if not by a single step.
    public var stopReason: String?
    /// Whether this is a past step, recomputed from a snapshot (`RunCommand.reopen`) while the run waits.
    public var reopened = false

    /// A replay positioned before its first entry.
    public init(step: Int, loss: Float, entries: [TapeEntryInfo], next: TapeEntryInfo?) {
        self.step = step
        self.loss = loss
        self.entries = entries
        self.next = next
    }

    /// Whether every entry on a path to the loss has been replayed.
    public var isFinished: Bool { next == nil }
}

/// What a front end asks of a run.
public enum RunCommand: Sendable, Equatable {
    /// Stop taking steps until `resume`.
    case pause
    /// Take steps again (and, while stepping, finish the open step first).
    case resume
    /// Pause after the next forward pass and open its replay; while stepping, finish this step and open the next.
    case stepMode
    /// Replay one entry.
    case next
    /// Replay to the end, or to the first entry that matches the breakpoint.
    case continueReplay
    /// Sets (or, with nil, clears) the breakpoint.
    case setBreakpoint(Breakpoint?)
    /// Recompute a past step from the run's snapshots and open it in the debugger; `resume` returns to the
    /// live run exactly where it was.
    case reopen(step: Int)
    /// End the run (the open step, if any, is not finished).
    case stop
}

/// A source of snapshots that takes commands: a live training run, a tape dump, a metrics file.
public protocol RunSource: AnyObject, Sendable {
    /// The latest snapshot.
    func snapshot() -> RunSnapshot
    /// Sends a command; sources ignore what does not apply to them.
    func send(_ command: RunCommand)
}
