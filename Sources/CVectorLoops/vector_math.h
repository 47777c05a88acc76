// What every loop of this module shares: the attribute compiling a function once per instruction set, and
// exp, the sigmoid and tanh in arithmetic the compiler vectorises (the same as FastMath.swift).
#ifndef AUTOBW_VECTOR_MATH_H
#define AUTOBW_VECTOR_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

// One body per instruction set, chosen by the loader (an ifunc) from what the CPU reports: never an
// instruction the CPU lacks.
// Not under ThreadSanitizer: the loader runs the ifunc resolvers before the sanitizer's runtime is up, and
// instrumented resolvers crash the program (those builds only run tests, on the baseline body).
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define AUTOBW_NO_CLONES 1
#endif
#endif
#if defined(__x86_64__) && !defined(AUTOBW_NO_CLONES)
#define WIDEST_VECTORS __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define WIDEST_VECTORS
#endif

// The same arithmetic as FastMath.swift: e^x = 2^n * e^r, n = round(x / ln 2), |r| <= ln 2 / 2, a degree-6
// polynomial for e^r. Adding 1.5 * 2^23 rounds to an integer in the low mantissa bits without a conversion
// instruction, so the loops vectorise. NaN goes through the comparisons untouched and comes out NaN.
static inline float fast_exp(float x) {
    float clamped = x > 88.7f ? 88.7f : x;
    clamped = clamped < -87.3f ? -87.3f : clamped;
    float shifted = clamped * 1.44269504f + 12582912.0f;
    float n = shifted - 12582912.0f;
    float r = (clamped - n * 0.69314575f) - n * 1.4286068e-6f;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    p = p * r + 1;
    int32_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    int32_t exponent = (int32_t)((uint32_t)(bits - 0x4B400000 + 127) << 23);
    float scale;
    memcpy(&scale, &exponent, sizeof scale);
    float value = p * scale;
    return x > 88.72f ? INFINITY : (x < -87.3f ? 0.0f : value);
}

static inline float fast_sigmoid(float x) { return 1 / (1 + fast_exp(-x)); }

static inline float fast_tanh(float x) {
    // 1 - 2 / (e^{2|x|} + 1) loses relative accuracy for tiny |x|: the series takes over there.
    float magnitude = fabsf(x);
    float via_exp = 1 - 2 / (fast_exp(2 * magnitude) + 1);
    float series = magnitude * (1 - magnitude * magnitude / 3);
    float value = magnitude < 4e-3f ? series : via_exp;
    return x < 0 ? -value : value;
}

#endif
