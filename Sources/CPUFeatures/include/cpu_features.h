// The instruction-set extensions this CPU offers and the operating system (or an emulator such as valgrind)
// lets a program use: cpuid, with the register state enabled in XCR0 for the AVX and AVX-512 families.
#ifndef AUTOBW_CPU_FEATURES_H
#define AUTOBW_CPU_FEATURES_H

enum {
    AUTOBW_CPU_SSE3 = 1 << 0,
    AUTOBW_CPU_SSE4_2 = 1 << 1,
    AUTOBW_CPU_AVX = 1 << 2,
    AUTOBW_CPU_FMA = 1 << 3,
    AUTOBW_CPU_AVX2 = 1 << 4,
    AUTOBW_CPU_AVX512F = 1 << 5,
    AUTOBW_CPU_AVX512DQ = 1 << 6,
    AUTOBW_CPU_AVX512CD = 1 << 7,
    AUTOBW_CPU_AVX512BW = 1 << 8,
    AUTOBW_CPU_AVX512VL = 1 << 9,
    AUTOBW_CPU_AVX512_BF16 = 1 << 10,
};

/// The AUTOBW_CPU_* bits of what can run here; 0 on other architectures.
unsigned autobw_cpu_features(void);

#endif
