#if canImport(Glibc)
import Glibc
#endif

/// What a tape does beyond recording; each costs time, so each is off unless asked for.
public struct TapeOptions: OptionSet, Sendable {
    public let rawValue: Int

    /// An option set from its bits.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Measure each entry's forward time (`TapeEntryInfo.forwardNanoseconds`).
    public static let timesForward = TapeOptions(rawValue: 1 << 0)
    /// Anomaly detection: throw `TensorError.nonFinite` at the first entry whose output (while recording) or
    /// whose gradient (while replaying) holds a NaN or an infinity, naming the entry, its shapes and its
    /// creation site.
    public static let stopsAtNonFinite = TapeOptions(rawValue: 1 << 1)
    /// Keep statistics of every entry's outputs (`TapeEntryInfo.outputStatistics`), e.g. for a tape dump.
    public static let recordsOutputStatistics = TapeOptions(rawValue: 1 << 2)
    /// Precise creation sites: capture a call stack per entry, so that every entry's `site` is the line of your
    /// code that made it, operators included (by default an operator names the innermost module call around
    /// it). Needs debug information in the binary (SwiftPM builds have it); costs a stack capture per op.
    public static let recordsCallStacks = TapeOptions(rawValue: 1 << 3)
    /// With `recordsOutputStatistics`: also a histogram of each output (`TapeEntryInfo.outputHistograms`), for a
    /// debugger to draw; two more passes over every output.
    public static let recordsOutputHistograms = TapeOptions(rawValue: 1 << 4)
}

/// A monotonic clock for timing entries.
enum Clock {
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
