import Autobw
import Foundation
import Synchronization

/// A run log (`RunLog`; `autobw train --metrics FILE` writes one), followed as it grows: everything it holds
/// for a run started elsewhere, or a loop of your own. The loss and every other logged scalar as charts, each
/// parameter's and entry's gradient norms, the latest logged tape, and (`s`) the debugger on that tape.
public final class MetricsFollower: RunSource {
    private struct Progress {
        var snapshot: RunSnapshot
        var offset: UInt64 = 0
        var pending = Data()
        var lastStepTime: Date?
        /// Steps/s from the lines' `elapsed_s`, as the live UI computes it.
        var throughput = Throughput()
        var skippedLines = 0
        /// True while the rest of an over-long line is being dropped up to its newline.
        var droppingLine = false
        /// False until the run's header line has been read (the file may not exist yet).
        var headerRead = false
        /// Why the file stopped being followed: a line no run writes.
        var error: TrainerError?
        /// The latest logged tape, for the debugger.
        var tape: TapeDump?
        /// The debugger on `tape`, while open.
        var replay: DumpReplay?
    }

    /// No line is longer (a logged tape of tens of thousands of entries fits): a longer one is junk, dropped as
    /// it is read rather than held.
    static let longestLine = 1 << 24
    /// Steps the chart holds from the first logged one (64 MiB of losses); later lines are counted, not charted.
    static let longestHistory = 1 << 24

    private let path: String
    private let progress: Mutex<Progress>

    /// Reads what `path` holds so far. A file that does not exist yet (in a folder that does) or is still empty
    /// is waited for, as `tail -F` would: `autobw watch` may well start before the run writes its header.
    /// - Throws: `TrainerError.unreadableInput` when it cannot be read, `.badData` when its first line is not an
    ///   autobw metrics header.
    public init(path: String) throws {
        self.path = path
        var progress = Progress(snapshot: Self.waiting(for: path))
        if !Self.isNotWrittenYet(path) {
            if let problem = InputFile.problem(with: path) { throw TrainerError.unreadableInput(path: path, reason: problem) }
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw TrainerError.unreadableInput(path: path, reason: "it cannot be opened")
            }
            defer { try? handle.close() }
            Self.readAppended(from: handle, into: &progress, path: path)
            if let error = progress.error { throw error }
        }
        self.progress = Mutex(progress)
    }

    /// The snapshot shown until the header arrives.
    private static func waiting(for path: String) -> RunSnapshot {
        var snapshot = RunSnapshot(preset: "waiting for \(URL(fileURLWithPath: path).lastPathComponent)", totalSteps: 0)
        snapshot.source = path
        snapshot.blasCore = ""
        return snapshot
    }

    /// True for a file that is absent from an existing folder, or empty.
    private static func isNotWrittenYet(_ path: String) -> Bool {
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path) {
            return (attributes[.type] as? FileAttributeType) == .typeRegular && (attributes[.size] as? Int) == 0
        }
        var isFolder: ObjCBool = false
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// Reads, a chunk at a time, whatever `handle` holds past what was read before: the header first, then
    /// the lines after it. Memory stays within a line's cap however long a junk line is.
    private static func readAppended(from handle: FileHandle, into progress: inout Progress, path: String) {
        guard (try? handle.seek(toOffset: progress.offset)) != nil else { return }
        while progress.error == nil, let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            progress.offset += UInt64(chunk.count)
            take(chunk, into: &progress, path: path)
        }
    }

    /// Takes in `data`, the bytes that follow what was read before; only whole lines are applied (the writer
    /// appends each line with one write, but a read may catch it midway).
    private static func take(_ data: Data, into progress: inout Progress, path: String) {
        var rest = data[...]
        while progress.error == nil, let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            let tail = rest[..<newline]
            rest = rest[(newline + 1)...]
            if progress.droppingLine {
                progress.droppingLine = false
                continue
            }
            progress.pending.append(contentsOf: tail)
            let line = progress.pending
            progress.pending = Data()
            if progress.headerRead { apply(line, to: &progress, path: path) } else { takeHeader(line, into: &progress, path: path) }
        }
        guard !progress.droppingLine else { return }
        progress.pending.append(contentsOf: rest)
        if progress.pending.count > longestLine {
            progress.pending = Data()
            progress.droppingLine = true
            progress.skippedLines += 1
            if !progress.headerRead { progress.error = notMetrics(path) }
        }
    }

    /// Reads the run's header from the file's first line.
    private static func takeHeader(_ line: Data, into progress: inout Progress, path: String) {
        guard let header = try? JSONSerialization.jsonObject(with: line) as? [String: Any], header["autobw"] != nil else {
            progress.error = notMetrics(path)
            return
        }
        do {
            var snapshot = RunSnapshot(preset: header["preset"] as? String ?? "?", totalSteps: try step(header["steps"], "steps", path) ?? 0)
            snapshot.source = path
            snapshot.blasCore = header["blas_core"] as? String ?? ""
            snapshot.firstStep = try step(header["resumed_at_step"], "resumed_at_step", path) ?? 0
            snapshot.state = .running
            progress.snapshot = snapshot
            progress.headerRead = true
        } catch {
            progress.error = error as? TrainerError ?? notMetrics(path)
        }
    }

    private static func notMetrics(_ path: String) -> TrainerError {
        .badData(path: path, detail: "not an autobw metrics file (its first line is not the run's header)")
    }

    /// The step count at `key`: absent, or a whole number a run can produce (`0...Checkpoint.maximumStep`).
    /// - Throws: `TrainerError.badData` naming the key and the value.
    private static func step(_ value: Any?, _ key: String, _ path: String) throws -> Int? {
        guard let value else { return nil }
        guard let number = value as? NSNumber, let step = Int(exactly: number.doubleValue),
            (0...Checkpoint.maximumStep).contains(step)
        else {
            throw TrainerError.badData(
                path: path, detail: "'\(key)' is \(value), not a step a run can reach (0...\(Checkpoint.maximumStep))")
        }
        return step
    }

    /// Reads whatever was appended since the last call.
    public func poll() {
        progress.withLock { progress in
            guard progress.error == nil, let handle = FileHandle(forReadingAtPath: path) else { return }
            defer { try? handle.close() }
            // A new run that replaced or truncated the file starts it over: follow it from its header.
            if let size = try? handle.seekToEnd(), size < progress.offset {
                progress = Progress(snapshot: Self.waiting(for: path))
            }
            Self.readAppended(from: handle, into: &progress, path: path)
            if let error = progress.error {
                progress.snapshot.state = .failed(error.description)
                progress.snapshot.exitCode = error.exitCode
            }
        }
    }

    private static func apply(_ line: Data, to progress: inout Progress, path: String) {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            progress.skippedLines += 1
            return
        }
        let step: Int
        do {
            guard let logged = try Self.step(object["step"], "step", path) else { return }
            step = logged
            apply(step: step, object, parameterOrder: Self.keysInOrder(ofObject: "grad_norms", in: line), to: &progress)
        } catch {
            progress.error = error as? TrainerError
        }
    }

    /// The fields a line holds besides scalars.
    static let structuredFields: Set<String> = ["step", "grad_norms", "entry_norms", "tape"]

    private static func apply(step: Int, _ object: [String: Any], parameterOrder: [String], to progress: inout Progress) {
        var snapshot = progress.snapshot
        if snapshot.losses.isEmpty { snapshot.firstStep = step }
        // Logged every N steps: each value holds until the next logged step, so positions stay steps.
        let position = step - snapshot.firstStep
        guard position >= snapshot.losses.count else { return }
        guard position < longestHistory else {
            progress.skippedLines += 1
            return
        }
        let loss = Self.float(object["loss"]) ?? snapshot.losses.last ?? .nan
        snapshot.losses.append(contentsOf: repeatElement(loss, count: position - snapshot.losses.count + 1))
        for (name, value) in object where !structuredFields.contains(name) && name != "loss" && !name.hasPrefix("val_") {
            if let number = Self.float(value) { snapshot.chart(name, number, step: step) }
        }
        snapshot.stepsDone = step + 1
        // The header names the run's last step (older files do not): then the run is known to be over.
        if snapshot.totalSteps > 0 && step + 1 >= snapshot.totalSteps { snapshot.state = .finished }
        snapshot.totalSteps = max(snapshot.totalSteps, step + 1)
        // One definition of steps/s (`Throughput`): over the lines of the last seconds of the run's own clock,
        // not from one line's step time. Files without `elapsed_s` show none.
        if let elapsed = Self.float(object["elapsed_s"]), elapsed.isFinite, elapsed >= 0 {
            progress.throughput.note(steps: step + 1, at: Double(elapsed))
            snapshot.stepsPerSecond = progress.throughput.stepsPerSecond
            snapshot.chart(RunSnapshot.throughputSeries, Float(snapshot.stepsPerSecond), step: step)
        }
        let parameters = (object["grad_norms"] as? [String: Any]).map { norms in
            (parameterOrder.count == norms.count ? parameterOrder : norms.keys.sorted()).compactMap { name in
                Self.float(norms[name]).map { ParameterNorm(name: name, norm: $0) }
            }
        } ?? []
        for parameter in parameters { snapshot.chart(RunSnapshot.gradientNormSeries(of: parameter.name), parameter.norm, step: step) }
        let entries = (object["entry_norms"] as? [Any])?.map { Self.float($0) ?? -1 }
        if !parameters.isEmpty || entries != nil {
            snapshot.entryNorms.append(step: step, norms: entries ?? [], parameters: parameters)
        }
        snapshot.latest = StepMetrics(
            step: step, loss: loss, gradientNorm: Self.float(object["grad_norm"]) ?? .nan,
            learningRate: Self.float(object["lr"]) ?? .nan, milliseconds: Double(Self.float(object["ms"]) ?? 0),
            samplesPerSecond: Double(Self.float(object["samples_per_s"]) ?? 0), parameterGradientNorms: parameters, entries: [])
        if let validation = Self.float(object["val_loss"]) {
            snapshot.validation.append(
                ValidationPoint(
                    step: step, loss: validation, accuracy: Self.float(object["val_accuracy"]), r2: Self.float(object["val_r2"])))
        }
        if let tape = object["tape"], let dump = Self.tape(tape) {
            progress.tape = dump
            snapshot.tape = dump.entries.map(\.entry)
        }
        progress.snapshot = snapshot
    }

    /// A logged tape, checked as `TapeDump.read` checks a file; nil when it is not one.
    private static func tape(_ value: Any) -> TapeDump? {
        guard let data = try? JSONSerialization.data(withJSONObject: value) else { return nil }
        return try? TapeDump.decode(data, path: "the logged tape")
    }

    /// The keys of the flat object at top-level `field` of `line`, in the order written (a dictionary forgets
    /// it, and a parameter list's order is the model's); empty when the line has no such object.
    static func keysInOrder(ofObject field: String, in line: Data) -> [String] {
        let bytes = [UInt8](line)
        guard let start = bytes.firstRange(of: Array("\"\(field)\":{".utf8))?.upperBound else { return [] }
        var keys = [String](), index = start, expectingKey = true
        while index < bytes.count, bytes[index] != UInt8(ascii: "}") {
            guard bytes[index] == UInt8(ascii: "\"") else {
                if bytes[index] == UInt8(ascii: ",") { expectingKey = true }
                index += 1
                continue
            }
            // A string: a key where one is expected, else a value ("nan"); escapes are skipped whole.
            var end = index + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
            guard end < bytes.count else { return keys }
            if expectingKey,
                let key = try? JSONSerialization.jsonObject(with: Data(bytes[index...end]), options: .fragmentsAllowed) as? String
            {
                keys.append(key)
                expectingKey = false
            }
            index = end + 1
        }
        return keys
    }

    private static func float(_ value: Any?) -> Float? {
        switch value {
        case let number as NSNumber: return number.floatValue
        case let text as String: return Float(text)
        default: return nil
        }
    }

    /// What the file holds now (it is read again first), with the debugger while one is open.
    public func snapshot() -> RunSnapshot {
        poll()
        return progress.withLock { progress in
            var snapshot = progress.snapshot
            if let replay = progress.replay {
                snapshot.debugger = replay.snapshot().debugger
                snapshot.state = .stepping
            }
            return snapshot
        }
    }

    /// `s` (`stepMode`) opens the debugger on the latest logged tape (a dump's replay: its statistics), `n`,
    /// `c` and breakpoints move through it, space (`resume`) closes it; the file itself takes no commands.
    public func send(_ command: RunCommand) {
        progress.withLock { progress in
            switch command {
            case .stepMode:
                progress.replay = progress.tape.map { DumpReplay($0, path: path) }
            case .resume, .stop:
                progress.replay = nil
            case .next, .continueReplay, .setBreakpoint:
                progress.replay?.send(command)
            case .pause, .reopen:
                break
            }
        }
    }
}
