// A GEMM whose right operand is packed once and then multiplied by many left operands: an LSTM's recurrent
// weight meets a new hidden state at every timestep. OpenBLAS repacks that operand on each call (its interface
// cannot keep it packed) and its kernels lose speed on such short, thin products; these run near the core's peak.
// Matrices are row-major floats.
#ifndef AUTOBW_CPACKEDGEMM_H
#define AUTOBW_CPACKEDGEMM_H

/// The kernels, by the instruction set each needs. The caller picks one the CPU runs; a packed operand is
/// multiplied only by the kernel it was packed for.
enum {
    AUTOBW_PACKED_GEMM_AVX512 = 1,  ///< AVX-512F: 10 rows by 32 columns per tile.
    AUTOBW_PACKED_GEMM_AVX2 = 2,    ///< AVX2 with FMA: 6 rows by 16 columns per tile.
};

/// The number of floats a `k x n` operand takes once packed for `kernel`; 0 for an unknown kernel.
long autobw_packed_gemm_size(int kernel, long k, long n);

/// Packs the `k x n` operand `b` for `kernel`, element `(p, j)` read from `b[p * row_stride + j * column_stride]`
/// (a transposed operand is packed by swapping the strides). `packed` holds `autobw_packed_gemm_size` floats.
void autobw_packed_gemm_pack(
    int kernel, long k, long n, const float *b, long row_stride, long column_stride, float *packed);

/// `c = a * b + beta * c`: `a` is `m x k` with rows `lda` apart, `b` was packed by `autobw_packed_gemm_pack` for
/// the same `kernel`, `k` and `n`, `c` is `m x n` with rows `ldc` apart. With `beta == 0`, `c` is not read.
void autobw_packed_gemm(
    int kernel, long m, long n, long k, const float *a, long lda, const float *packed, float beta, float *c, long ldc);

/// `c = a^T * b + beta * c` on the same kernels: `a` is stored `k x m` (its transpose, rows `lda` apart) and `b`
/// (`k x n`) is read in place, rows `ldb` floats apart. Every row of `b` must be readable up to
/// `autobw_packed_gemm_size(kernel, 1, n)` floats (the panel width rounds `n` up), and rows a multiple of 512
/// bytes apart make the reads collide in the cache: pad them.
void autobw_transposed_gemm(
    int kernel, long m, long n, long k, const float *a, long lda, const float *b, long ldb, float beta, float *c,
    long ldc);

#endif
