#if canImport(Glibc)
import Glibc
#endif
import Autobw
import Foundation

/// Metrics as JSON Lines or CSV, one line a logged step, each written whole with one `write`, so a reader
/// (`tail -f`, the TUI's `watch`) never sees half a line.
struct MetricsWriter {
    let descriptor: Int32
    let path: String

    /// The fields of every line, in order; `val_*` are empty (CSV) or absent (JSON) between evaluations,
    /// `allreduce_ms` outside data-parallel runs. `elapsed_s` is wall-clock seconds since the run (or its resume)
    /// started, from which `autobw watch` computes steps/s as the live UI does (`Throughput`).
    static let fields = [
        "step", "loss", "grad_norm", "lr", "ms", "samples_per_s", "val_loss", "val_accuracy", "val_r2", "allreduce_ms",
        "elapsed_s",
    ]

    /// Metrics to standard output, or to a new file at `path` (replacing any old one). Every line is appended
    /// at the file's end (`O_APPEND`), so a file truncated while the run writes it (logrotate's copytruncate,
    /// `: > FILE`) goes on from its new start instead of from a hole of NUL bytes.
    /// - Throws: `TrainerError.unwritableOutput` when the file cannot be created.
    init(path: String?) throws {
        guard let path else {
            descriptor = STDOUT_FILENO
            self.path = "standard output"
            return
        }
        let opened = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard opened >= 0 else {
            throw TrainerError.unwritableOutput(path: path, reason: String(cString: strerror(errno)))
        }
        descriptor = opened
        self.path = path
    }

    /// Closes the file (standard output stays open).
    func close() {
        if descriptor != STDOUT_FILENO { _ = Glibc.close(descriptor) }
    }

    /// Appends one line.
    /// - Throws: `TrainerError.unwritableOutput` when the write fails (a full disk, a closed pipe).
    func write(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw TrainerError.unwritableOutput(path: path, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
        }
    }

    static func values(_ metrics: StepMetrics, _ evaluation: Evaluation?, elapsed: Double) -> [String?] {
        [String(metrics.step), String(metrics.loss), String(metrics.gradientNorm), String(metrics.learningRate),
         String(rounded(metrics.milliseconds)), String(rounded(metrics.samplesPerSecond)),
         evaluation.map { String($0.loss) }, evaluation?.accuracy.map { String($0) }, evaluation?.r2.map { String($0) },
         metrics.allReduceMilliseconds.map { String(rounded($0)) }, String(rounded(elapsed))]
    }

    /// The first JSON line of a run (a run log's header): what produced the metrics that follow.
    static func header(_ session: TrainingSession, steps: Int, resumedAt step: Int?) -> String {
        var numbers = [String: Int]()
        if let configuration = session.configuration {
            numbers["seed"] = Int(truncatingIfNeeded: configuration.seed)
            numbers["threads"] = configuration.threads
        }
        if let step { numbers["resumed_at_step"] = step }
        return RunLog.header(name: session.name, steps: steps, details: ["blas_core": BLAS.coreName], numbers: numbers)
    }

    /// The scalars of one step's line, as (field, JSON number) in `fields`' order, absent ones left out.
    static func scalars(_ metrics: StepMetrics, evaluation: Evaluation? = nil, elapsed: Double) -> [(String, String)] {
        zip(fields, values(metrics, evaluation, elapsed: elapsed)).dropFirst().compactMap { name, value in value.map { (name, $0) } }
    }

    /// The CSV header.
    static var csvHeader: String { fields.joined(separator: ",") }

    /// The CSV line of one step.
    static func csvLine(_ metrics: StepMetrics, evaluation: Evaluation? = nil, elapsed: Double) -> String {
        values(metrics, evaluation, elapsed: elapsed).map { $0 ?? "" }.joined(separator: ",")
    }

    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

}
