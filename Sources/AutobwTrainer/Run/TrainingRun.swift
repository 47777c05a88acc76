import Autobw
import Dispatch
import Foundation
import Synchronization

/// A training session driven on its own thread, for a front end that must never wait on training: it publishes
/// a `RunSnapshot` after every step and takes `RunCommand`s between steps and between replay entries.
///
/// The session is handed to the training thread at `start()` and touched by no other thread after that; the
/// front end sees only snapshots, which are values.
public final class TrainingRun: RunSource {
    /// How the run goes beyond the session's own settings.
    public struct Options: Sendable {
        /// What is evaluated, logged, checkpointed and dumped, and when: as in a headless run (`TrainingDriver`).
        public var recording: TrainingDriver.Options
        /// Refresh the text sample (text presets) at most this often.
        public var sampleInterval: Double = 5
        /// Recapture the tape's entry list (with forward times) at most this often.
        public var tapeInterval: Double = 2
        /// Open the debugger on the first step instead of training freely.
        public var startsStepping = false
        /// The breakpoint the run starts with (the UI's `b` changes it): it applies to every step while training.
        public var breakpoint: Breakpoint?
        /// Keep a snapshot every this many steps, so that the last 1,000 steps can be reopened in the debugger
        /// (`TrainingSession.keepSnapshots`); nil for none.
        public var snapshotInterval: Int? = 40

        /// The run stops after this step.
        public var steps: Int {
            get { recording.steps }
            set { recording.steps = newValue }
        }
        /// Evaluate on held-out data every N steps and after the last; 0 for never.
        public var evalEvery: Int {
            get { recording.evalEvery }
            set { recording.evalEvery = newValue }
        }
        /// Save here every `checkpointEvery` steps, at the end and when stopped.
        public var checkpointPath: String? {
            get { recording.checkpointPath }
            set { recording.checkpointPath = newValue }
        }
        /// See `checkpointPath`; 0 for only at the end and when stopped.
        public var checkpointEvery: Int {
            get { recording.checkpointEvery }
            set { recording.checkpointEvery = newValue }
        }

        /// Options for a run of `steps` steps that writes nothing (no progress lines: the UI shows progress).
        public init(steps: Int) {
            recording = TrainingDriver.Options(steps: steps)
            recording.showsProgress = false
        }

        /// Options that record as `recording` says.
        public init(recording: TrainingDriver.Options) {
            self.recording = recording
            self.recording.showsProgress = false
        }
    }

    private struct Shared {
        var snapshot: RunSnapshot
        var commands: [RunCommand] = []
    }

    private let shared: Mutex<Shared>
    private let handoff: Handoff<TrainingDriver>
    private let done = DispatchSemaphore(value: 0)
    /// The options the run was started with.
    public let options: Options

    /// A run of `session`, not started yet. The caller gives up `session`: only the training thread uses it.
    /// - Throws: `TrainerError.unwritableOutput` when an output the options name cannot be written.
    public init(_ session: TrainingSession, options: Options) throws {
        self.options = options
        if let interval = options.snapshotInterval, session.group == nil { try session.keepSnapshots(interval: interval) }
        handoff = Handoff(try TrainingDriver(session: session, options: options.recording))
        var snapshot = RunSnapshot(preset: session.name, totalSteps: options.steps)
        snapshot.firstStep = session.nextStep
        snapshot.stepsDone = session.nextStep
        shared = Mutex(Shared(snapshot: snapshot))
    }

    /// Starts the training thread.
    public func start() {
        let thread = Thread { [self] in
            var loop = TrainingLoop(run: self, driver: handoff.value)
            loop.train()
            done.signal()
        }
        thread.name = "autobw training"
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// The latest snapshot.
    public func snapshot() -> RunSnapshot { shared.withLock { $0.snapshot } }

    /// Queues a command for the training thread.
    public func send(_ command: RunCommand) { shared.withLock { $0.commands.append(command) } }

    /// Stops the run and waits for the training thread to end (after saving, when a checkpoint path was given).
    public func stopAndWait() {
        send(.stop)
        done.wait()
    }

    func takeCommands() -> [RunCommand] {
        shared.withLock { shared in
            defer { shared.commands.removeAll() }
            return shared.commands
        }
    }

    /// Puts commands taken but not handled yet back in front of the queue: a burst of keys is never lost.
    func putBack(_ commands: ArraySlice<RunCommand>) {
        guard !commands.isEmpty else { return }
        shared.withLock { $0.commands.insert(contentsOf: commands, at: 0) }
    }

    func publish(_ change: (inout RunSnapshot) -> Void) { shared.withLock { change(&$0.snapshot) } }
}

/// Moves a value that is not `Sendable` to the one thread that uses it from then on.
final class Handoff<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
