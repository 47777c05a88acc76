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
        var skippedLines = 0
        /// False until the run's header line has been read (the file may not exist yet).
        var headerRead = false
    }

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
            let data = try TrainerError.readInput(path)
            if let error = Self.takeHeader(from: data, into: &progress, path: path) { throw error }
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

    /// Reads the header from the file's first bytes `data` and takes in the lines after it. Returns nil once
    /// read, or while the first line is still incomplete; the error when the first line is not a header.
    private static func takeHeader(from data: Data, into progress: inout Progress, path: String) -> TrainerError? {
        guard let newline = data.firstIndex(of: UInt8(ascii: "\n")) else {
            return data.count > 1 << 20 ? notMetrics(path) : nil
        }
        guard let header = try? JSONSerialization.jsonObject(with: Data(data[..<newline])) as? [String: Any],
            header["autobw"] != nil
        else { return notMetrics(path) }
        var snapshot = RunSnapshot(preset: header["preset"] as? String ?? "?", totalSteps: header["steps"] as? Int ?? 0)
        snapshot.source = path
        snapshot.blasCore = header["blas_core"] as? String ?? ""
        snapshot.firstStep = header["resumed_at_step"] as? Int ?? 0
        snapshot.state = .running
        progress = Progress(snapshot: snapshot, headerRead: true)
        // What was read to check the header is taken in as it is, not read a second time.
        take(data, into: &progress)
        return nil
    }

    private static func notMetrics(_ path: String) -> TrainerError {
        .badData(path: path, detail: "not an autobw metrics file (its first line is not the run's header)")
    }

    /// Reads whatever was appended since the last call.
    public func poll() {
        progress.withLock { progress in
            guard let handle = FileHandle(forReadingAtPath: path) else { return }
            defer { try? handle.close() }
            // A new run that replaced the file starts it over: follow it from its header.
            if progress.headerRead, let size = try? handle.seekToEnd(), size < progress.offset {
                progress = Progress(snapshot: Self.waiting(for: path))
            }
            guard progress.headerRead else {
                guard case .starting = progress.snapshot.state, (try? handle.seek(toOffset: 0)) != nil,
                    let data = try? handle.readToEnd()
                else { return }
                if let error = Self.takeHeader(from: data, into: &progress, path: path) {
                    progress.snapshot.state = .failed(error.description)
                    progress.snapshot.exitCode = error.exitCode
                }
                return
            }
            guard (try? handle.seek(toOffset: progress.offset)) != nil, let data = try? handle.readToEnd() else { return }
            Self.take(data, into: &progress)
        }
    }

    /// Takes in `data`, the bytes that follow what was read before.
    private static func take(_ data: Data, into progress: inout Progress) {
        guard !data.isEmpty else { return }
        progress.offset += UInt64(data.count)
        progress.pending.append(data)
        // Only whole lines: the writer appends each line with one write, but a read may catch it midway.
        guard let lastNewline = progress.pending.lastIndex(of: UInt8(ascii: "\n")) else {
            // No metrics line is this long: junk, dropped rather than held without bound.
            if progress.pending.count > 1 << 20 {
                progress.pending = Data()
                progress.skippedLines += 1
            }
            return
        }
        let complete = progress.pending[progress.pending.startIndex...lastNewline]
        for line in complete.split(separator: UInt8(ascii: "\n")) { apply(Data(line), to: &progress) }
        progress.pending = Data(progress.pending[(lastNewline + 1)...])
    }

    private static func apply(_ line: Data, to progress: inout Progress) {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            progress.skippedLines += 1
            return
        }
        guard let step = object["step"] as? Int, let loss = Self.float(object["loss"]) else { return }
        var snapshot = progress.snapshot
        if snapshot.losses.isEmpty { snapshot.firstStep = step }
        // Logged every N steps: the loss holds until the next logged step, so positions stay steps.
        let position = step - snapshot.firstStep
        guard position >= snapshot.losses.count, position - snapshot.losses.count < 1 << 20 else { return }
        snapshot.losses.append(contentsOf: repeatElement(loss, count: position - snapshot.losses.count + 1))
        snapshot.stepsDone = step + 1
        // The header names the run's last step (older files do not): then the run is known to be over.
        if snapshot.totalSteps > 0 && step + 1 >= snapshot.totalSteps { snapshot.state = .finished }
        snapshot.totalSteps = max(snapshot.totalSteps, step + 1)
        if let milliseconds = Self.float(object["ms"]), milliseconds > 0 { snapshot.stepsPerSecond = 1000 / Double(milliseconds) }
        snapshot.latest = StepMetrics(
            step: step, loss: loss, gradientNorm: Self.float(object["grad_norm"]) ?? .nan,
            learningRate: Self.float(object["lr"]) ?? .nan, milliseconds: Double(Self.float(object["ms"]) ?? 0),
            samplesPerSecond: Double(Self.float(object["samples_per_s"]) ?? 0), parameterGradientNorms: [], entries: [])
        if let validation = Self.float(object["val_loss"]) {
            snapshot.validation.append(
                ValidationPoint(step: step, loss: validation, accuracy: Self.float(object["val_accuracy"])))
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
