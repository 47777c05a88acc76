#if canImport(Glibc)
import Glibc
#endif
import AutobwTrainer

/// JSON Lines metrics, one object a logged step, each line written whole with one `write`, so a reader
/// (`tail -f`, the TUI's `watch`) never sees half a line.
struct MetricsWriter {
    let descriptor: Int32
    let path: String

    /// Metrics to standard output, or to a new file at `path` (replacing any old one).
    /// - Throws: `TrainerError.unwritableOutput` when the file cannot be created.
    init(path: String?) throws {
        guard let path else {
            descriptor = STDOUT_FILENO
            self.path = "standard output"
            return
        }
        let opened = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard opened >= 0 else {
            throw TrainerError.unwritableOutput(path: path, reason: String(cString: strerror(errno)))
        }
        descriptor = opened
        self.path = path
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

    /// The metrics line of one step.
    static func line(_ metrics: StepMetrics) -> String {
        "{\"step\":\(metrics.step),\"loss\":\(metrics.loss),\"grad_norm\":\(metrics.gradientNorm),"
            + "\"lr\":\(metrics.learningRate),\"ms\":\(rounded(metrics.milliseconds)),"
            + "\"samples_per_s\":\(rounded(metrics.samplesPerSecond))}"
    }

    private static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}
