import CPUFeatures

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

    /// What this CPU can run, by `/proc/cpuinfo`'s flag names, from cpuid and the register state the operating
    /// system enabled. cpuid rather than `/proc/cpuinfo`: under valgrind or a hypervisor that masks features,
    /// cpuid says what really runs (valgrind runs no AVX-512), and so does OpenBLAS's own detection.
    static func cpuFlags() -> Set<String> {
        let bits = autobw_cpu_features()
        let names: [(UInt32, String)] = [
            (UInt32(AUTOBW_CPU_SSE3), "sse3"), (UInt32(AUTOBW_CPU_SSE4_2), "sse4_2"), (UInt32(AUTOBW_CPU_AVX), "avx"),
            (UInt32(AUTOBW_CPU_FMA), "fma"), (UInt32(AUTOBW_CPU_AVX2), "avx2"), (UInt32(AUTOBW_CPU_AVX512F), "avx512f"),
            (UInt32(AUTOBW_CPU_AVX512DQ), "avx512dq"), (UInt32(AUTOBW_CPU_AVX512CD), "avx512cd"),
            (UInt32(AUTOBW_CPU_AVX512BW), "avx512bw"), (UInt32(AUTOBW_CPU_AVX512VL), "avx512vl"),
            (UInt32(AUTOBW_CPU_AVX512_BF16), "avx512_bf16"),
        ]
        return Set(names.filter { bits & $0.0 != 0 }.map(\.1))
    }
}
