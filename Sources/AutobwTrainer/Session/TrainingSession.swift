import Autobw
import Dispatch

/// One training run, independent of any front end: a model with its data (a `TrainingProblem`: one of the
/// presets', or yours), an optimizer and a clipping rule, and a step that records the forward pass, replays it,
/// clips and updates.
///
/// A step can also be taken apart for a debugger: `beginStep()` records the forward pass and opens the reverse
/// replay, the caller advances it entry by entry, and `finish(_:)` completes the step exactly as `step()` does
/// (a stepped step leaves bit-identical parameters). A session belongs to one thread.
public final class TrainingSession {
    /// What front ends, tape dumps and checkpoints call the run: the preset's name, or the one you gave.
    public let name: String
    /// What a preset's session was built from; nil for a session built from your own problem.
    public let configuration: TrainingConfiguration?
    /// The index of the next step.
    public internal(set) var nextStep = 0
    /// The snapshots that make past steps recomputable (`keepSnapshots`); nil when none are kept.
    var timeTravel: TimeTravel?

    let problem: TrainingProblem
    let optimizer: Optimizer
    let parameters: NamedParameters
    /// How gradients are limited before each update.
    public let clipping: ClippingRule
    /// The processes this session trains with, data-parallel; nil alone.
    public let group: ProcessGroup?
    /// Whether the gradient sums start during the replay (true) or after it.
    public var overlapsCommunication = true
    /// The optimizer's learning rate now (a schedule sets it before each update).
    public var learningRate: Float { optimizer.learningRate }
    /// The learning rate of each step, from its index (nil: the optimizer's own rate throughout). A function of
    /// the step alone, so that a resumed or reopened step uses the rate it had.
    public var schedule: LearningRateSchedule?
    /// Whether every recording captures call stacks, so that each entry names the exact line that made it,
    /// operators included (`TapeOptions.recordsCallStacks`; it costs a stack capture per op).
    public var recordsCallStacks = false
    /// The options every recording of this session adds to its own.
    private var sessionOptions: TapeOptions { recordsCallStacks ? .recordsCallStacks : [] }

    /// A session training `problem` with `optimizer` (built on `problem.model`'s parameters), alone or as one
    /// process of `group` (each process's problem trains on its share of every batch; the gradients are averaged
    /// over the group before each update, so all stay identical).
    ///
    /// `name` is what the UI, the metrics, tape dumps and checkpoints call the run; a checkpoint saved by one
    /// name resumes only into a session of that name.
    /// - Throws: `TrainerError.usage` when the optimizer updates parameters that are not the model's.
    public convenience init(
        problem: TrainingProblem, optimizer: Optimizer, clipping: ClippingRule = .none, name: String = "model",
        group: ProcessGroup? = nil
    ) throws {
        try self.init(problem: problem, optimizer: optimizer, clipping: clipping, name: name, configuration: nil, group: group)
    }

    private init(
        problem: TrainingProblem, optimizer: Optimizer, clipping: ClippingRule, name: String,
        configuration: TrainingConfiguration?, group: ProcessGroup?
    ) throws {
        self.problem = problem
        self.optimizer = optimizer
        self.clipping = clipping
        self.name = name
        self.configuration = configuration
        self.group = group.flatMap { $0.size > 1 ? $0 : nil }
        parameters = problem.model.namedParameters()
        let mine = Set(parameters.map { ObjectIdentifier($0.parameter) })
        if let stranger = optimizer.parameters.first(where: { !mine.contains(ObjectIdentifier($0.parameter)) }) {
            throw TrainerError.usage("the optimizer updates '\(stranger.name)', which is not a parameter of the problem's model")
        }
        try broadcastParameters()
    }

    /// A session for a preset's `configuration`, alone or as one process of `group`.
    /// - Throws: `TrainerError` for invalid settings or data.
    public convenience init(_ configuration: TrainingConfiguration, group: ProcessGroup? = nil) throws {
        var configuration = configuration
        if let group { configuration.shard = Shard(rank: group.rank, count: group.size) }
        try configuration.validate()
        BLAS.threadCount = configuration.threads
        let problem: TrainingProblem
        do {
            problem = try configuration.preset.makeProblem(configuration)
        } catch let error as TensorError {
            throw TrainerError.usage("the model cannot be built with these settings: \(error)")
        }
        let parameters = problem.model.namedParameters()
        let defaults = configuration.preset.defaults
        let rate = configuration.learningRate ?? defaults.learningRate
        let decay = configuration.weightDecay ?? (problem as? TableProblem)?.defaultWeightDecay ?? 0
        let optimizer: Optimizer
        switch configuration.optimizer ?? defaults.optimizer {
        case .sgd: optimizer = SGD(parameters, learningRate: rate, weightDecay: decay)
        case .momentum: optimizer = SGD(parameters, learningRate: rate, momentum: 0.9, weightDecay: decay)
        case .rmsprop: optimizer = RMSProp(parameters, learningRate: rate)
        case .adagrad: optimizer = Adagrad(parameters, learningRate: rate)
        case .adam: optimizer = Adam(parameters, learningRate: rate, weightDecay: decay)
        case .adamw:
            optimizer = Adam.adamW(parameters, learningRate: rate, weightDecay: configuration.weightDecay ?? (decay > 0 ? decay : 0.01))
        }
        try self.init(
            problem: problem, optimizer: optimizer, clipping: configuration.preset.clipping(limit: configuration.clip),
            name: configuration.preset.rawValue, configuration: configuration, group: group)
    }

    /// Every process starts from rank 0's parameters (they are built from one seed, so this only guards).
    private func broadcastParameters() throws {
        guard let group = self.group else { return }
        for (_, parameter) in parameters {
            var values = parameter.value.scalars
            try group.broadcast(&values, root: 0)
            try parameter.assign(Tensor(shape: parameter.shape, scalars: values))
        }
    }

    /// What the data file turned out to be (rows, features, label classes), for presets that read one.
    public var dataSummary: String? { problem.dataSummary }

    /// The trained model's parameters, by name.
    public var namedParameters: NamedParameters { parameters }

    /// Runs one whole step.
    /// - Throws: `TrainerError.diverged` naming the first entry whose output or gradient went non-finite.
    public func step() throws -> StepMetrics {
        let open = try beginStep()
        try open.runToEnd()
        return try finish(open)
    }

    /// Records the forward pass of the next step and opens its reverse replay, positioned before its first
    /// entry. Advance it with `OpenStep.next()`, then call `finish(_:)`.
    /// `options` are the tape's, e.g. `.recordsOutputStatistics` for a dump.
    public func beginStep(options: TapeOptions = []) throws -> OpenStep {
        let started = DispatchTime.now().uptimeNanoseconds
        optimizer.zeroGrad()
        let tape = Tape(options: options.union(sessionOptions))
        let loss = try tape.record { try problem.loss(step: nextStep) }
        return OpenStep(step: nextStep, loss: try loss.item(), replay: try tape.replay(from: loss), started: started)
    }

    /// Runs one whole step, stepping its replay to keep full statistics of every gradient, and returns the
    /// step's tape as a dump too. The parameters end exactly as `step()` leaves them.
    /// - Throws: `TrainerError.diverged`; `lastDivergenceDump` then holds the diverging step's tape.
    public func stepDumping() throws -> (metrics: StepMetrics, dump: TapeDump) {
        let open = try beginStep(options: .recordsOutputStatistics)
        var gradients = TapeDump.GradientStatistics()
        while let step = try open.next() { gradients.note(step) }
        let dump = TapeDump(
            preset: name, step: open.step, loss: open.loss, divergence: nil,
            entries: gradients.dumpEntries(open.replay.entries))
        return (try finish(open), dump)
    }

    /// The tape of the step that diverged, recorded again with anomaly detection, up to the entry that went
    /// non-finite; nil until a step diverges.
    public private(set) var lastDivergenceDump: TapeDump?

    /// Completes a step opened by `beginStep()`: the rest of the replay, clipping, the update and the metrics.
    /// - Throws: `TrainerError.diverged` when the loss or a gradient is not finite; the parameters are then
    ///   left as they were before the step.
    public func finish(_ open: OpenStep) throws -> StepMetrics {
        var loss = open.loss
        var communication: Double?
        if let group {
            let averager = GradientAverager(
                group: group, parameters: parameters, entries: overlapsCommunication ? open.replay.entries : [],
                overlaps: overlapsCommunication)
            try open.runToEnd { try averager.replayed(entry: $0.entryIndex) }
            try averager.finish()
            loss = try group.sum([open.loss])[0] / Float(group.size)
            communication = averager.milliseconds
        } else {
            try open.runToEnd()
        }
        let norms = parameters.map { ParameterNorm(name: $0.name, norm: $0.parameter.grad.map { GradientSummary(of: $0).norm } ?? 0) }
        // In Float64: finite parameter norms above 1.8e19 would overflow a Float32 sum of their squares.
        let globalNorm = norms.reduce(0.0) { $0 + Double($1.norm) * Double($1.norm) }.squareRoot()
        guard loss.isFinite, Float(globalNorm).isFinite else {
            throw try divergence(
                at: open.step, loss: loss, reason: divergenceReason(loss: loss, norms: norms, globalNorm: globalNorm))
        }
        try clipping.apply(to: parameters)
        if let schedule { optimizer.learningRate = schedule.learningRate(step: open.step, epoch: 0) }
        let rate = optimizer.learningRate
        optimizer.step()
        problem.commit(step: open.step)
        nextStep = open.step + 1
        keepSnapshotIfDue()
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - open.started) / 1e6
        return StepMetrics(
            step: open.step, loss: loss, gradientNorm: Float(globalNorm), learningRate: rate, milliseconds: milliseconds,
            samplesPerSecond: Double(problem.samplesPerStep) / max(milliseconds / 1000, 1e-9),
            parameterGradientNorms: norms, entries: open.reports, allReduceMilliseconds: communication)
    }

    /// A session that continues the run saved at `path` by `save(to:)`: the same metrics from here on as the
    /// run would have printed had it not stopped (data order and sampling depend only on the seed and step).
    /// - Throws: `TrainerError.unreadableInput` for a missing file, `.badData` for a corrupt one, one saved
    ///   from another preset or model shape, or one whose parameters hold NaN or infinities.
    public convenience init(_ configuration: TrainingConfiguration, resumingFrom path: String, group: ProcessGroup? = nil) throws {
        try self.init(configuration, group: group)
        try resume(from: path)
    }

    /// Continues the run saved at `path` by `save(to:)`: the model, the optimizer's state, the step and the
    /// problem's carried state. Call it on a fresh session, before any step.
    /// - Throws: `TrainerError.unreadableInput` for a missing file, `.badData` for a corrupt one, one saved
    ///   from another run (name, settings or model shape), or one whose parameters hold NaN or infinities.
    public func resume(from path: String) throws {
        if let problem = InputFile.problem(with: path) { throw TrainerError.unreadableInput(path: path, reason: problem) }
        do {
            // The settings first: a checkpoint of other settings is named as such, not as a missing tensor.
            try checkSettings(savedIn: try Checkpoint.notes(in: path), path: path)
            let saved = try Checkpoint.loadRun(from: path, into: problem.model, optimizer: optimizer)
            try TrainerError.requireFiniteParameters(of: problem.model, loadedFrom: path)
            try problem.restore(saved.extras)
            nextStep = saved.step
        } catch let error as CheckpointError {
            if case .unreadable(_, let reason) = error { throw TrainerError.unreadableInput(path: path, reason: reason) }
            throw TrainerError.badData(path: path, detail: "cannot resume from it: \(error)")
        }
    }

    /// What a checkpoint of this run notes: the preset, the seed and the problem's own settings (sizes, a text's
    /// vocabulary), which a resumed run must share to continue it exactly.
    var runNotes: [String: String] {
        problem.checkpointNotes.merging(["preset": name].merging(configuration.map { ["seed": String($0.seed)] } ?? [:]) { $1 }) { $1 }
    }

    /// The flag that sets each noted setting, for messages.
    static let noteFlags = [
        "preset": "--preset", "seed": "--seed", "hidden": "--hidden", "layers": "--layers", "batch_size": "--batch-size",
        "seq_length": "--seq-length", "rows": "--data",
    ]

    /// Checks the settings a checkpoint notes against this run's; a note the checkpoint lacks (an older file) is
    /// not checked.
    /// - Throws: `TrainerError.badData` naming the file, the setting and both values.
    private func checkSettings(savedIn saved: [String: String], path: String) throws {
        let mine = runNotes
        // The preset first: its other settings mean nothing for another model.
        for key in ["preset"] + Self.noteFlags.keys.sorted().filter({ $0 != "preset" }) + ["vocabulary"] {
            guard let theirs = saved[key], let ours = mine[key], theirs != ours else { continue }
            if key == "vocabulary" {
                let a = Array(theirs.unicodeScalars), b = Array(ours.unicodeScalars)
                let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] }
                let shown = { (c: Unicode.Scalar) in c.value < 0x21 ? c.escaped(asASCII: true) : String(c) }
                let difference = first.map { "'\(shown(a[$0]))' where this text has '\(shown(b[$0]))'" }
                    ?? "\(a.count) characters where this text has \(b.count)"
                throw TrainerError.badData(
                    path: path,
                    detail: "saved from a text of other characters (\(difference)): resume with the --data it trained on")
            }
            let flag = Self.noteFlags[key] ?? key
            let detail = key == "rows"
                ? "saved from a table of \(theirs) rows, --data has \(ours): resume with the data it trained on"
                : "saved with \(flag) \(theirs), this run has \(flag) \(ours): resume with the same settings"
            throw TrainerError.badData(path: path, detail: detail)
        }
    }

    /// Saves the model, the optimizer, the next step and the carried state to `path`, atomically.
    /// - Throws: `TrainerError.unwritableOutput`.
    public func save(to path: String) throws {
        // Every process takes part (the carried state is gathered); rank 0 alone writes.
        let extras = try group.map { try problem.gatheredState($0) } ?? problem.carriedState
        if let group, group.rank != 0 { return }
        do {
            try Checkpoint.save(
                model: problem.model, optimizer: optimizer, step: nextStep, extras: extras,
                notes: runNotes,
                to: path)
        } catch let error as CheckpointError {
            if case .unwritable(_, let reason) = error { throw TrainerError.unwritableOutput(path: path, reason: reason) }
            throw TrainerError.unwritableOutput(path: path, reason: error.description)
        }
    }

    /// Whether every parameter is finite: a diverged step leaves them as they were, unless an earlier update
    /// already made one infinite (then the state is not worth saving).
    public var parametersAreFinite: Bool {
        parameters.allSatisfy { GradientSummary(of: $0.parameter.value).isFinite }
    }

    /// The loss (and accuracy) on the held-out rows; nil when nothing is held out.
    public func evaluate() throws -> Evaluation? { try problem.evaluate() }

    /// A sample of `length` characters from a text model; nil for other presets.
    public func sample(length: Int, seed: UInt64) throws -> String? {
        try problem.sample(length: length, seed: seed)
    }

    /// Which figure went non-finite, before the step is recorded again to find the entry: the loss, a
    /// parameter's gradient (with its NaN and infinity counts), or only their global norm beyond Float32.
    private func divergenceReason(loss: Float, norms: [ParameterNorm], globalNorm: Double) -> String {
        if !loss.isFinite { return "the loss is \(loss)" }
        if let bad = norms.first(where: { !$0.norm.isFinite }) {
            let summary = parameters.first { $0.name == bad.name }?.parameter.grad.map { GradientSummary(of: $0) }
            return "the gradient of \(bad.name) is not finite"
                + (summary.map { " (\($0.nanCount) NaN, \($0.positiveInfinityCount + $0.negativeInfinityCount) infinite of \($0.count))" } ?? "")
        }
        let largest = norms.max { $0.norm < $1.norm }
        return "the global gradient norm \(String(format: "%.3g", globalNorm)) is beyond Float32's range"
            + (largest.map { " (largest: \($0.name), \($0.norm))" } ?? "")
    }

    /// Records step `step` again (its loss was `loss`) with output statistics, replays it in full keeping every
    /// gradient's statistics, and names the entry `DivergenceStop` opens on; the dump holds what the live
    /// debugger shows of that step. Nothing is updated: the optimizer has not stepped.
    private func divergence(at step: Int, loss: Float, reason: String) throws -> TrainerError {
        optimizer.zeroGrad()
        defer { optimizer.zeroGrad() }
        let tape = Tape(options: TapeOptions.recordsOutputStatistics.union(sessionOptions))
        var detail = reason
        var entries = [TapeEntryInfo](), gradients = TapeDump.GradientStatistics()
        do {
            let output = try tape.record { try problem.loss(step: step) }
            let replay = try tape.replay(from: output)
            entries = replay.entries
            let stop = DivergenceStop(entries: entries)
            var located = false
            while let replayed = try replay.step() {
                let view = ReplayedEntry(replayed, valueCount: 0, histograms: false)
                gradients.note(view)
                if !located, stop.stops(at: view) {
                    located = true
                    detail = stop.culprit(view)?.description ?? detail
                }
            }
        } catch {
            if entries.isEmpty { entries = tape.entries }
        }
        lastDivergenceDump = TapeDump(
            preset: name, step: step, loss: loss, divergence: detail,
            entries: gradients.dumpEntries(entries))
        return .diverged(step: step, detail: detail)
    }
}

/// A step between its forward pass and its update: the open reverse replay, for a debugger to advance.
public final class OpenStep {
    /// The step's index.
    public let step: Int
    /// The step's loss.
    public let loss: Float
    /// The reverse replay of the step's tape.
    public let replay: ReverseReplay
    /// What the replay reported of each entry so far, in replay order.
    public private(set) var reports: [EntryGradientReport] = []
    let started: UInt64

    init(step: Int, loss: Float, replay: ReverseReplay, started: UInt64) {
        self.step = step
        self.loss = loss
        self.replay = replay
        self.started = started
    }

    /// Step `step` of a tape of one's own, whose loss was `loss`, opened on `replay` (its reverse replay).
    public convenience init(step: Int, loss: Float, replay: ReverseReplay) {
        self.init(step: step, loss: loss, replay: replay, started: DispatchTime.now().uptimeNanoseconds)
    }

    /// Replays the next entry; nil once the replay is done.
    public func next() throws -> ReplayStep? {
        guard let step = try replay.step() else { return nil }
        reports.append(step.report)
        return step
    }

    /// Replays every remaining entry; `then` runs after each one's report.
    func runToEnd(then: ((EntryGradientReport) throws -> Void)? = nil) throws {
        var failure: Error?
        try replay.runToEnd(observer: { report in
            self.reports.append(report)
            guard failure == nil, let then else { return }
            do { try then(report) } catch { failure = error }
        })
        if let failure { throw failure }
    }
}

extension TapeOptions {
    /// A step opened in the debugger (stepped, reopened or diverged): forward times, and each entry's output
    /// statistics and histograms, which the debugger shows beside the gradients.
    static let debugger: TapeOptions = [.timesForward, .recordsOutputStatistics, .recordsOutputHistograms]
}
