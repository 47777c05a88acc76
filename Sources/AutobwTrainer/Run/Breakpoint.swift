import Foundation

/// Where a replay run with "continue" stops: at the first entry whose gradient matches.
public enum Breakpoint: Sendable, Equatable, CustomStringConvertible {
    /// A gradient received or sent that holds a NaN or an infinity.
    case nonFinite
    /// An incoming gradient whose L2 norm is above the threshold (exploding).
    case normAbove(Float)
    /// An incoming gradient whose L2 norm is below the threshold (vanishing).
    case normBelow(Float)

    /// A breakpoint as a user types it: `nan` (or `inf`), `>1e3`, `<1e-6`.
    /// - Returns: nil for anything else, or a threshold that is not a finite number.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "nan" || trimmed == "inf" || trimmed == "non-finite" {
            self = .nonFinite
            return
        }
        guard let first = trimmed.first, first == ">" || first == "<",
            let threshold = Float(trimmed.dropFirst().trimmingCharacters(in: .whitespaces)), threshold.isFinite
        else { return nil }
        self = first == ">" ? .normAbove(threshold) : .normBelow(threshold)
    }

    /// Whether `entry` stops a run. Every breakpoint also stops at a non-finite gradient: nothing after it can be
    /// trusted.
    public func matches(_ entry: ReplayedEntry) -> Bool {
        if !entry.isFinite { return true }
        let norm = entry.incoming.first?.norm ?? 0
        switch self {
        case .nonFinite: return false
        case .normAbove(let threshold): return norm > threshold
        case .normBelow(let threshold): return norm < threshold
        }
    }

    /// Why `entry` stops a run, or nil when it does not.
    public func stopReason(at entry: ReplayedEntry) -> String? {
        guard matches(entry) else { return nil }
        return entry.isFinite ? "breakpoint: \(self)" : "non-finite gradient"
    }

    /// How the debugger names it: `non-finite gradient`, `grad norm > 1000.0`, `grad norm < 1e-06`.
    public var description: String {
        switch self {
        case .nonFinite: return "non-finite gradient"
        case .normAbove(let threshold): return "grad norm > \(threshold)"
        case .normBelow(let threshold): return "grad norm < \(threshold)"
        }
    }
}
