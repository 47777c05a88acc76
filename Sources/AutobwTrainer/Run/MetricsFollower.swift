import Autobw
import Foundation
import Synchronization

/// The metrics file of a headless run (`--metrics FILE`), followed as it grows: the loss chart and status line
/// of a run started elsewhere.
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
    }

    /// No metrics line is longer: a longer one is junk, dropped as it is read rather than held.
    static let longestLine = 1 << 20
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
            guard let logged = try Self.step(object["step"], "step", path), let loss = Self.float(object["loss"]) else { return }
            step = logged
            apply(step: step, loss: loss, object, to: &progress)
        } catch {
            progress.error = error as? TrainerError
        }
    }

    private static func apply(step: Int, loss: Float, _ object: [String: Any], to progress: inout Progress) {
        var snapshot = progress.snapshot
        if snapshot.losses.isEmpty { snapshot.firstStep = step }
        // Logged every N steps: the loss holds until the next logged step, so positions stay steps.
        let position = step - snapshot.firstStep
        guard position >= snapshot.losses.count else { return }
        guard position < longestHistory else {
            progress.skippedLines += 1
            return
        }
        snapshot.losses.append(contentsOf: repeatElement(loss, count: position - snapshot.losses.count + 1))
        snapshot.stepsDone = step + 1
        // The header names the run's last step (older files do not): then the run is known to be over.
        if snapshot.totalSteps > 0 && step + 1 >= snapshot.totalSteps { snapshot.state = .finished }
        snapshot.totalSteps = max(snapshot.totalSteps, step + 1)
        // One definition of steps/s (`Throughput`): over the lines of the last seconds of the run's own clock,
        // not from one line's step time. Files without `elapsed_s` show none.
        if let elapsed = Self.float(object["elapsed_s"]), elapsed.isFinite, elapsed >= 0 {
            progress.throughput.note(steps: step + 1, at: Double(elapsed))
            snapshot.stepsPerSecond = progress.throughput.stepsPerSecond
        }
        snapshot.latest = StepMetrics(
            step: step, loss: loss, gradientNorm: Self.float(object["grad_norm"]) ?? .nan,
            learningRate: Self.float(object["lr"]) ?? .nan, milliseconds: Double(Self.float(object["ms"]) ?? 0),
            samplesPerSecond: Double(Self.float(object["samples_per_s"]) ?? 0), parameterGradientNorms: [], entries: [])
        if let validation = Self.float(object["val_loss"]) {
            snapshot.validation.append(
                ValidationPoint(
                    step: step, loss: validation, accuracy: Self.float(object["val_accuracy"]), r2: Self.float(object["val_r2"])))
        }
        progress.snapshot = snapshot
    }

    private static func float(_ value: Any?) -> Float? {
        switch value {
        case let number as NSNumber: return number.floatValue
        case let text as String: return Float(text)
        default: return nil
        }
    }

    /// What the file holds now (it is read again first).
    public func snapshot() -> RunSnapshot {
        poll()
        return progress.withLock { $0.snapshot }
    }

    /// A metrics file takes no commands.
    public func send(_ command: RunCommand) {}
}
