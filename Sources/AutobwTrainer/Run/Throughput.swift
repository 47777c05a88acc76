/// Steps per second, one definition for every place that shows it (the UI's status line, headless progress,
/// `autobw watch` of a metrics file): steps finished per second of wall-clock time over the last
/// `window` seconds, or since the run (or its resume) started when it is younger than that. Evaluations,
/// checkpoints and logging count: it is the rate a person waiting for the run sees.
public struct Throughput: Sendable {
    /// Seconds the rate looks back over.
    public static let window = 3.0

    /// (seconds since the start, steps done) samples a tenth of a second or more apart, oldest first, covering
    /// a little more than `window`; and the latest, which need not be.
    private var samples: [(seconds: Double, steps: Int)] = []
    private var latest: (seconds: Double, steps: Int)?

    /// A rate with no steps yet.
    public init() {}

    /// Records that `steps` steps were done `seconds` after the start (a time before the last one starts afresh).
    public mutating func note(steps: Int, at seconds: Double) {
        if let last = latest, seconds < last.seconds { samples.removeAll() }
        latest = (seconds, steps)
        if samples.last.map({ seconds - $0.seconds >= 0.1 }) ?? true { samples.append((seconds, steps)) }
        // Keep the newest sample at or before the window's start, so that the rate spans the whole window.
        while samples.count > 2, samples[1].seconds <= seconds - Self.window { samples.removeFirst() }
    }

    /// Steps per second over the window; 0 until two samples lie apart in time.
    public var stepsPerSecond: Double {
        guard let first = samples.first, let last = latest, last.seconds > first.seconds else { return 0 }
        return Double(last.steps - first.steps) / (last.seconds - first.seconds)
    }
}
