#include "CPackedGEMM.h"

#if defined(__x86_64__)

#define SUFFIX avx512
#define TARGET __attribute__((target("avx512f,fma")))
#define LANES 16
#define ROWS 10
#include "packed_gemm_kernel.h"
#undef SUFFIX
#undef TARGET
#undef LANES
#undef ROWS

#define SUFFIX avx2
#define TARGET __attribute__((target("avx2,fma")))
#define LANES 8
#define ROWS 6
#include "packed_gemm_kernel.h"
#undef SUFFIX
#undef TARGET
#undef LANES
#undef ROWS

static long panel_width(int kernel) {
    switch (kernel) {
    case AUTOBW_PACKED_GEMM_AVX512: return 32;
    case AUTOBW_PACKED_GEMM_AVX2: return 16;
    default: return 0;
    }
}

#else
static long panel_width(int kernel) { (void)kernel; return 0; }
#endif

long autobw_packed_gemm_size(int kernel, long k, long n) {
    long width = panel_width(kernel);
    return width == 0 ? 0 : (n + width - 1) / width * width * k;
}

// Panel after panel of `width` columns, each `k` rows of `width` floats; the last panel is padded with zeros.
// Full rows of a row-major operand are copied by the kernel's own vector width (`pack_*`): a layer packs its
// gate gradients every timestep, and copies of 128 bytes through `memcpy` calls cost as much as the products.
void autobw_packed_gemm_pack(
    int kernel, long k, long n, const float *b, long row_stride, long column_stride, float *packed) {
#if defined(__x86_64__)
    switch (kernel) {
    case AUTOBW_PACKED_GEMM_AVX512: pack_avx512(k, n, b, row_stride, column_stride, packed); break;
    case AUTOBW_PACKED_GEMM_AVX2: pack_avx2(k, n, b, row_stride, column_stride, packed); break;
    default: __builtin_trap();  // only PackedMatrix.Kernel's cases, each handled above, reach here
    }
#else
    (void)kernel; (void)k; (void)n; (void)b; (void)row_stride; (void)column_stride; (void)packed;
#endif
}

void autobw_packed_gemm(
    int kernel, long m, long n, long k, const float *a, long lda, const float *packed, float beta, float *c, long ldc) {
#if defined(__x86_64__)
    switch (kernel) {
    case AUTOBW_PACKED_GEMM_AVX512: multiply_avx512(m, n, k, a, lda, packed, beta, c, ldc); break;
    case AUTOBW_PACKED_GEMM_AVX2: multiply_avx2(m, n, k, a, lda, packed, beta, c, ldc); break;
    default: __builtin_trap();  // only PackedMatrix.Kernel's cases, each handled above, reach here
    }
#else
    (void)kernel; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed; (void)beta; (void)c; (void)ldc;
#endif
}

void autobw_transposed_gemm(
    int kernel, long m, long n, long k, const float *a, long lda, const float *b, long ldb, float beta, float *c,
    long ldc) {
#if defined(__x86_64__)
    switch (kernel) {
    case AUTOBW_PACKED_GEMM_AVX512: multiply_transposed_avx512(m, n, k, a, lda, b, ldb, beta, c, ldc); break;
    case AUTOBW_PACKED_GEMM_AVX2: multiply_transposed_avx2(m, n, k, a, lda, b, ldb, beta, c, ldc); break;
    default: __builtin_trap();  // only PackedMatrix.Kernel's cases, each handled above, reach here
    }
#else
    (void)kernel; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)b; (void)ldb; (void)beta; (void)c; (void)ldc;
#endif
}
