#include "cpu_features.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long enabled_state(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

unsigned autobw_cpu_features(void) {
    unsigned a, b, c, d, features = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (c & (1u << 0)) features |= AUTOBW_CPU_SSE3;
    if (c & (1u << 20)) features |= AUTOBW_CPU_SSE4_2;
    int osxsave = (c & (1u << 27)) != 0;
    unsigned long long state = osxsave ? enabled_state() : 0;
    int avx_state = (state & 0x6) == 0x6;
    int avx512_state = avx_state && (state & 0xE0) == 0xE0;
    if (avx_state && (c & (1u << 28))) features |= AUTOBW_CPU_AVX;
    if (avx_state && (c & (1u << 12))) features |= AUTOBW_CPU_FMA;
    if (__get_cpuid_max(0, 0) < 7) return features;
    __cpuid_count(7, 0, a, b, c, d);
    if (avx_state && (b & (1u << 5))) features |= AUTOBW_CPU_AVX2;
    if (avx512_state) {
        if (b & (1u << 16)) features |= AUTOBW_CPU_AVX512F;
        if (b & (1u << 17)) features |= AUTOBW_CPU_AVX512DQ;
        if (b & (1u << 28)) features |= AUTOBW_CPU_AVX512CD;
        if (b & (1u << 30)) features |= AUTOBW_CPU_AVX512BW;
        if (b & (1u << 31)) features |= AUTOBW_CPU_AVX512VL;
        unsigned max_subleaf = a;
        if (max_subleaf >= 1) {
            __cpuid_count(7, 1, a, b, c, d);
            if (a & (1u << 5)) features |= AUTOBW_CPU_AVX512_BF16;
        }
    }
    return features;
}
#else
unsigned autobw_cpu_features(void) { return 0; }
#endif
