import Autobw
import Foundation

/// Everything a step depends on, copied out of a session: the parameters' values, the optimizer's state and step
/// count, the problem's carried state and the index of the next step. Restoring it and training on reproduces
/// the run bit for bit (for the same thread count): a checkpoint kept in memory.
struct SessionState {
    let nextStep: Int
    let parameters: [Tensor]
    let optimizerState: [String: Tensor]
    let optimizerSteps: Int
    let carried: [String: Tensor]

    /// The bytes its tensors hold.
    var bytes: Int {
        4 * (parameters.map(\.count).reduce(0, +) + optimizerState.values.map(\.count).reduce(0, +)
            + carried.values.map(\.count).reduce(0, +))
    }
}

/// The ring of snapshots that makes recent steps recomputable, and the present kept while the session visits
/// the past. A snapshot is taken every `interval` steps; the ring keeps enough to reach `reach` steps back.
final class TimeTravel {
    let interval: Int
    /// Snapshots kept: enough to reach `reach` steps back, fewer when they would not fit `budget` bytes.
    private(set) var capacity: Int
    private let budget: Int
    private(set) var snapshots: [SessionState] = []
    /// The live state, while a past step is open.
    var present: SessionState?

    init(interval: Int, reach: Int, budget: Int) {
        self.interval = max(1, interval)
        self.budget = budget
        capacity = (max(1, reach) + self.interval - 1) / self.interval + 1
    }

    func keep(_ state: SessionState) {
        if snapshots.isEmpty { capacity = max(2, min(capacity, budget / max(state.bytes, 1))) }
        if let last = snapshots.last, last.nextStep == state.nextStep { snapshots.removeLast() }
        snapshots.append(state)
        if snapshots.count > capacity { snapshots.removeFirst(snapshots.count - capacity) }
    }

    /// The default memory budget: an eighth of the machine's memory, at most 1 GiB.
    static var defaultBudget: Int {
        Int(min(Double(1 << 30), Double(ProcessInfo.processInfo.physicalMemory) / 8))
    }

    /// The latest snapshot at or before `step`.
    func snapshot(before step: Int) -> SessionState? { snapshots.last { $0.nextStep <= step } }

    /// The bytes the ring holds.
    var bytes: Int { snapshots.map(\.bytes).reduce(0, +) }
}

extension TrainingSession {
    /// Keeps snapshots so that any of the last `reach` steps can be reopened (`reopen(step:)`): one every
    /// `interval` steps (reopening a step recomputes at most `interval - 1` steps before it), within `budget`
    /// bytes (a model too large for `reach` reaches fewer steps back; `reopenableSteps` says which). Call it
    /// before training; it takes the first snapshot now. Not for data-parallel sessions.
    /// - Throws: `TrainerError.usage` in a data-parallel session.
    public func keepSnapshots(interval: Int = 40, reach: Int = 1000, budget: Int? = nil) throws {
        guard group == nil else { throw TrainerError.usage("reopening past steps is for a session training alone") }
        let travel = TimeTravel(interval: interval, reach: reach, budget: budget ?? TimeTravel.defaultBudget)
        travel.keep(captureState())
        timeTravel = travel
    }

    /// The steps `reopen(step:)` can reach now (empty without snapshots).
    public var reopenableSteps: Range<Int> {
        guard let first = timeTravel?.snapshots.first, timeTravel?.present == nil else { return 0..<0 }
        return first.nextStep..<nextStep
    }

    /// The bytes the snapshots hold.
    public var snapshotBytes: Int { timeTravel?.bytes ?? 0 }

    /// Whether a past step is open (`reopen(step:)` until `returnToPresent()`).
    public var isVisitingThePast: Bool { timeTravel?.present != nil }

    /// Recomputes step `step` exactly as it ran (from the latest snapshot before it) and opens its reverse replay
    /// for a debugger, positioned before its first entry. Do not `finish` it: call `returnToPresent()`, which puts
    /// the session back exactly where it was.
    /// - Throws: `TrainerError.usage` when `step` is not in `reopenableSteps` or a past step is already open;
    ///   recording errors.
    public func reopen(step: Int) throws -> OpenStep {
        guard let travel = timeTravel else { throw TrainerError.usage("no snapshots are kept: call keepSnapshots() first") }
        guard travel.present == nil else { throw TrainerError.usage("a past step is open: return to the present first") }
        guard reopenableSteps.contains(step), let snapshot = travel.snapshot(before: step) else {
            throw TrainerError.usage("step \(step) cannot be reopened (steps \(reopenableSteps) can)")
        }
        travel.present = captureState()
        do {
            try restoreState(snapshot)
            while nextStep < step { _ = try self.step() }
            return try beginStep(options: TapeOptions.debugger)
        } catch {
            try returnToPresent()
            throw error
        }
    }

    /// Closes a step opened by `reopen(step:)`: parameters, optimizer state, carried state and the step count are
    /// back, bit for bit, to what they were before it. Does nothing when no past step is open.
    /// - Throws: `TrainerError` only if the saved state no longer fits the model (it always does).
    public func returnToPresent() throws {
        guard let present = timeTravel?.present else { return }
        optimizer.zeroGrad()
        try restoreState(present)
        timeTravel?.present = nil
    }

    /// A snapshot after a finished step, when one is due (never while visiting the past).
    func keepSnapshotIfDue() {
        guard let travel = timeTravel, travel.present == nil, nextStep % travel.interval == 0 else { return }
        travel.keep(captureState())
    }

    func captureState() -> SessionState {
        SessionState(
            nextStep: nextStep, parameters: parameters.map { $0.parameter.value.copied() },
            optimizerState: optimizer.stateTensors(), optimizerSteps: optimizer.stepCount,
            carried: problem.carriedState.mapValues { $0.copied() })
    }

    func restoreState(_ state: SessionState) throws {
        do {
            for ((_, parameter), value) in zip(parameters, state.parameters) { try parameter.assign(value) }
            try optimizer.loadState(state.optimizerState, stepCount: state.optimizerSteps)
        } catch {
            throw TrainerError.usage("a snapshot does not fit the model: \(error)")
        }
        try problem.restore(state.carried.mapValues { $0.copied() })
        nextStep = state.nextStep
    }
}
