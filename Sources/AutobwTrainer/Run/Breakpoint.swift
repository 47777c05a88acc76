import Autobw
import Foundation

/// Where a run stops in the debugger: at the first entry whose gradient matches, while stepping (`c`) and while
/// training (the step where an entry first matches is reopened there), or before a given step.
public enum Breakpoint: Sendable, Equatable, CustomStringConvertible {
    /// A gradient received or sent that holds a NaN or an infinity.
    case nonFinite
    /// An incoming gradient whose L2 norm is above the threshold (exploding).
    case normAbove(Float)
    /// An incoming gradient whose L2 norm is below the threshold (vanishing).
    case normBelow(Float)
    /// An entry of this op (`matmul`), or whose scope is or lies inside this one (`lstm.l1`).
    case entry(String)
    /// The step with this index, before it runs (while training; a replay has only its own step).
    case step(Int)

    /// A breakpoint as a user types it: `nan` (or `inf`), `>1e3`, `<1e-6`, `op matmul`, `scope lstm.l1`,
    /// `step 500`.
    /// - Returns: nil for anything else, or a threshold that is not a finite number.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lowered = trimmed.lowercased()
        if lowered == "nan" || lowered == "inf" || lowered == "non-finite" {
            self = .nonFinite
            return
        }
        let words = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2, ["op", "scope"].contains(words[0].lowercased()) {
            self = .entry(words[1].trimmingCharacters(in: .whitespaces))
            return
        }
        if words.count == 2, words[0].lowercased() == "step", let step = Int(words[1].trimmingCharacters(in: .whitespaces)),
            (0...Checkpoint.maximumStep).contains(step)
        {
            self = .step(step)
            return
        }
        guard let first = lowered.first, first == ">" || first == "<",
            let threshold = Float(lowered.dropFirst().trimmingCharacters(in: .whitespaces)), threshold.isFinite
        else { return nil }
        self = first == ">" ? .normAbove(threshold) : .normBelow(threshold)
    }

    /// Whether `entry` stops a run. Every breakpoint also stops at a non-finite gradient: nothing after it can be
    /// trusted.
    public func matches(_ entry: ReplayedEntry) -> Bool {
        if !entry.isFinite { return true }
        return matches(norm: entry.incoming.first?.norm ?? 0, op: entry.entry.op, scope: entry.entry.scope)
    }

    /// Whether a step's report of an entry (what training measures of every step anyway) matches: the check that
    /// runs after every step while training, at the cost of a look at each entry's incoming norm.
    public func matches(_ report: EntryGradientReport) -> Bool {
        let incoming = report.incoming.first
        if let incoming, !incoming.isFinite || report.sent.contains(where: { $0.map { !$0.isFinite } ?? false }) { return true }
        return matches(norm: incoming?.norm ?? 0, op: report.op, scope: report.scope)
    }

    private func matches(norm: Float, op: OpName, scope: String) -> Bool {
        switch self {
        case .nonFinite, .step: return false
        case .normAbove(let threshold): return norm > threshold
        case .normBelow(let threshold): return norm < threshold
        case .entry(let name): return op.rawValue == name || scope == name || scope.hasPrefix(name + ".")
        }
    }

    /// Why `entry` stops a run, or nil when it does not.
    public func stopReason(at entry: ReplayedEntry) -> String? {
        guard matches(entry) else { return nil }
        return entry.isFinite ? "breakpoint: \(self)" : "non-finite gradient"
    }

    /// How the debugger names it: `non-finite gradient`, `grad norm > 1000.0`, `op or scope matmul`, `step 500`.
    public var description: String {
        switch self {
        case .nonFinite: return "non-finite gradient"
        case .normAbove(let threshold): return "grad norm > \(threshold)"
        case .normBelow(let threshold): return "grad norm < \(threshold)"
        case .entry(let name): return "op or scope \(name)"
        case .step(let step): return "step \(step)"
        }
    }
}
