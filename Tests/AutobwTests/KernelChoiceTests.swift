import Testing
@testable import Autobw

/// Choosing OpenBLAS kernels for CPUs that OpenBLAS does not know.
@Suite struct KernelChoiceTests {
    let avx512bf16: Set<String> = [
        "sse3", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd", "avx512_bf16",
    ]

    @Test func aFallbackToPrescottOnAnAVX512CPUIsUpgradedBestFirst() {
        #expect(
            KernelChoice.upgrades(pick: "Prescott", flags: avx512bf16, userSetting: nil)
                == ["Cooperlake", "SkylakeX", "Haswell", "Sandybridge", "Nehalem"])
    }

    @Test func aPickAsGoodAsTheCPUAllowsStands() {
        #expect(KernelChoice.upgrades(pick: "Cooperlake", flags: avx512bf16, userSetting: nil).isEmpty)
        #expect(KernelChoice.upgrades(pick: "Haswell", flags: ["sse3", "sse4_2", "avx", "avx2", "fma"], userSetting: nil).isEmpty)
    }

    @Test func anAMDZenPickCountsAsHaswell() {
        #expect(KernelChoice.upgrades(pick: "Zen", flags: ["sse3", "sse4_2", "avx", "avx2", "fma"], userSetting: nil).isEmpty)
    }

    @Test func aValueTheUserSetIsNeverOverridden() {
        #expect(KernelChoice.upgrades(pick: "Prescott", flags: avx512bf16, userSetting: "Prescott").isEmpty)
    }

    @Test func aPickAutobwDoesNotRankStands() {
        #expect(KernelChoice.upgrades(pick: "SapphireRapids", flags: avx512bf16, userSetting: nil).isEmpty)
    }

    @Test func theKernelsInUsePassTheSelfCheck() {
        #expect(OpenBLASLibrary.shared.passesSelfCheck())
    }
}

extension KernelChoiceTests {
    @Test func cpuidAgreesWithTheKernelsOpenBLASRunsHere() {
        // OpenBLAS's own pick (or the upgrade) must be one the cpuid flags allow: never a set beyond the CPU.
        let best = KernelChoice.supported(flags: KernelChoice.cpuFlags()).first ?? "Prescott"
        if let running = KernelChoice.level(of: BLAS.coreName), let allowed = KernelChoice.level(of: best) {
            #expect(running <= allowed)
        }
        #expect(KernelChoice.cpuFlags().contains("sse3"))
    }
}
