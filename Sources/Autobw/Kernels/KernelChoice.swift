import Foundation

/// Which OpenBLAS kernel set to run, decided before OpenBLAS is used.
///
/// Debian's OpenBLAS picks its kernels from the CPU model when it loads; on CPUs newer than it, it falls back to
/// its oldest set (`Prescott`, SSE3 only) and every GEMM runs 2-5 times slower, silently. The CPU's feature flags
/// say which sets it can run; when OpenBLAS's own pick is older than the best of those, autobw loads OpenBLAS
/// again with `OPENBLAS_CORETYPE` set to the best set that passes a quick GEMM self-check.
public enum KernelChoice {
    /// The kernel sets autobw chooses among, oldest first, with the CPU flags each needs.
    static let ladder: [(name: String, flags: [String])] = [
        ("Prescott", ["sse3"]),
        ("Nehalem", ["sse4_2"]),
        ("Sandybridge", ["avx"]),
        ("Haswell", ["avx2", "fma"]),
        ("SkylakeX", ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"]),
        ("Cooperlake", ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd", "avx512_bf16"]),
    ]

    /// OpenBLAS's names for sets at the level of a ladder rung (AMD's Zen kernels are Haswell's).
    static let aliases = ["zen": "Haswell", "core2": "Prescott", "penryn": "Prescott", "dunnington": "Prescott"]

    /// The position of kernel set `name` on the ladder; nil for sets autobw does not rank (then OpenBLAS's pick
    /// stands).
    static func level(of name: String) -> Int? {
        let key = name.lowercased()
        let canonical = aliases[key] ?? name
        return ladder.firstIndex { $0.name.lowercased() == canonical.lowercased() }
    }

    /// The sets this CPU can run, best first, given its feature flags (`/proc/cpuinfo`'s `flags`).
    static func supported(flags: Set<String>) -> [String] {
        ladder.filter { $0.flags.allSatisfy(flags.contains) }.map(\.name).reversed()
    }

    /// The sets to try instead of OpenBLAS's `pick`, best first: those the CPU supports above it. Empty when the
    /// user or the machine set `OPENBLAS_CORETYPE`, when the pick is as good as the CPU allows, or when autobw does
    /// not know the pick.
    static func upgrades(pick: String, flags: Set<String>, userSetting: String?) -> [String] {
        guard userSetting == nil, let current = level(of: pick) else { return [] }
        return supported(flags: flags).filter { (level(of: $0) ?? 0) > current }
    }

    /// This CPU's feature flags, from `/proc/cpuinfo` (empty where there is none).
    static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
            let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
