// One kernel body and its packing, included by packed_gemm.c once per instruction set with these defined:
//   SUFFIX  the name suffix of this instruction set's functions
//   TARGET  the function attribute enabling its instructions
//   LANES   floats per vector register
//   ROWS    rows of `a` per tile; ROWS * 2 accumulators, two vectors for `b` and a broadcast fit in registers
// A tile is ROWS x (2 * LANES) of `c`, accumulated over all of `k` in registers and written once.

#define JOIN_(base, suffix) base##_##suffix
#define JOIN(base, suffix) JOIN_(base, suffix)
#define VECTOR JOIN(vector, SUFFIX)
#define WIDTH (2 * LANES)

// aligned(4): rows of `a` and `c` need not be aligned to a vector.
typedef float VECTOR __attribute__((ext_vector_type(LANES), aligned(4)));

// `rows`, `a_transposed` and `half` are constants at every call, so the unrolled row loops keep each accumulator
// in its own register and the broadcasts' addresses need no multiplication. Element (r, p) of the left operand is
// `a[r * lda + p]`, or with `a_transposed` `a[p * lda + r]`: then a tile's rows are adjacent floats of one row.
// The panel's rows are `panel_stride` floats apart: WIDTH when packed, or the rows of `b` read in place. A `half`
// tile computes the panel's first LANES columns only: a last panel of at most LANES columns (char-rnn's 65
// classes leave one) would otherwise cost as much as a whole one.
TARGET static inline __attribute__((always_inline)) void JOIN(tile, SUFFIX)(
    int rows, int a_transposed, int half, long k, const float *a, long lda, const float *panel, long panel_stride,
    float beta, float *c, long ldc, long columns) {
    VECTOR sum[ROWS][2];
#pragma unroll
    for (int r = 0; r < ROWS; r++) sum[r][0] = sum[r][1] = 0;
    for (long p = 0; p < k; p++) {
        const float *row = panel + p * panel_stride;
        VECTOR left = *(const VECTOR *)row, right = half ? left : *(const VECTOR *)(row + LANES);
#pragma unroll
        for (int r = 0; r < ROWS; r++) {
            if (r < rows) {
                VECTOR x = a_transposed ? a[p * lda + r] : a[r * lda + p];
                sum[r][0] += x * left;
                if (!half) sum[r][1] += x * right;
            }
        }
    }
#pragma unroll
    for (int r = 0; r < ROWS; r++) {
        if (r >= rows) continue;
        float *out = c + r * ldc;
        if (columns == WIDTH) {
            if (beta != 0) {
                sum[r][0] += beta * *(VECTOR *)out;
                sum[r][1] += beta * *(VECTOR *)(out + LANES);
            }
            *(VECTOR *)out = sum[r][0];
            *(VECTOR *)(out + LANES) = sum[r][1];
        } else {
            // The last panel of an `n` that is not a multiple of WIDTH: its padding columns are not written.
            float spill[WIDTH];
            *(VECTOR *)spill = sum[r][0];
            *(VECTOR *)(spill + LANES) = sum[r][1];
            for (long j = 0; j < columns; j++) out[j] = beta != 0 ? spill[j] + beta * out[j] : spill[j];
        }
    }
}

// A tile of ROWS rows of `a` meets every panel before the next tile starts: its rows stay in the nearest cache
// while `b` streams from the next one (it was packed to fit there), and `a` is read from memory once. With
// panels outermost instead, `a` was read once per panel, and a product with thousands of rows ran about 10%
// slower.
// `b` is packed (`ldb == 0`) or read in place with rows `ldb` floats apart.
TARGET static inline __attribute__((always_inline)) void JOIN(tiles, SUFFIX)(
    int rows, int a_transposed, long n, long k, const float *a, long lda, const float *b, long ldb, float beta,
    float *c, long ldc) {
    for (long j = 0; j < n; j += WIDTH) {
        long columns = n - j < WIDTH ? n - j : WIDTH;
        const float *panel = ldb > 0 ? b + j : b + j * k;
        long stride = ldb > 0 ? ldb : WIDTH;
        if (columns <= LANES) {
            JOIN(tile, SUFFIX)(rows, a_transposed, 1, k, a, lda, panel, stride, beta, c + j, ldc, columns);
        } else {
            JOIN(tile, SUFFIX)(rows, a_transposed, 0, k, a, lda, panel, stride, beta, c + j, ldc, columns);
        }
    }
}

TARGET static inline __attribute__((always_inline)) void JOIN(multiply_rows, SUFFIX)(
    int a_transposed, long m, long n, long k, const float *a, long lda, const float *b, long ldb, float beta, float *c,
    long ldc) {
    long i = 0;
    // The first row of tile i: row i of `a`, or with `a_transposed` its column i.
#define TILE_ROWS(first) (a_transposed ? a + (first) : a + (first) * lda)
    for (; i + ROWS <= m; i += ROWS) {
        JOIN(tiles, SUFFIX)(ROWS, a_transposed, n, k, TILE_ROWS(i), lda, b, ldb, beta, c + i * ldc, ldc);
    }
    switch (m - i) {
#define REMAINDER(count) \
    case count: \
        JOIN(tiles, SUFFIX)( \
            count < ROWS ? count : ROWS, a_transposed, n, k, TILE_ROWS(i), lda, b, ldb, beta, c + i * ldc, ldc); \
        break;
        REMAINDER(1) REMAINDER(2) REMAINDER(3) REMAINDER(4) REMAINDER(5) REMAINDER(6) REMAINDER(7) REMAINDER(8)
        REMAINDER(9)
#undef REMAINDER
#undef TILE_ROWS
    default: break;
    }
}

// The two products the engine runs, each with its addressing fixed: `a` as stored times a packed `b`, and `a^T`
// times a `b` read in place (a weight gradient's term, `x^T dz`).
TARGET static void JOIN(multiply, SUFFIX)(
    long m, long n, long k, const float *a, long lda, const float *packed, float beta, float *c, long ldc) {
    JOIN(multiply_rows, SUFFIX)(0, m, n, k, a, lda, packed, 0, beta, c, ldc);
}

TARGET static void JOIN(multiply_transposed, SUFFIX)(
    long m, long n, long k, const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    JOIN(multiply_rows, SUFFIX)(1, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

// Packs the `k x n` operand whose element (p, j) is `b[p * row_stride + j * column_stride]` into panels of WIDTH
// columns (see autobw_packed_gemm_pack).
TARGET static void JOIN(pack, SUFFIX)(
    long k, long n, const float *b, long row_stride, long column_stride, float *packed) {
    for (long j = 0; j < n; j += WIDTH) {
        float *panel = packed + j * k;
        long columns = n - j < WIDTH ? n - j : WIDTH;
        for (long p = 0; p < k; p++) {
            const float *source = b + p * row_stride + j * column_stride;
            float *row = panel + p * WIDTH;
            if (column_stride == 1 && columns == WIDTH) {
                *(VECTOR *)row = *(const VECTOR *)source;
                *(VECTOR *)(row + LANES) = *(const VECTOR *)(source + LANES);
                continue;
            }
            for (long q = 0; q < columns; q++) row[q] = source[q * column_stride];
            for (long q = columns; q < WIDTH; q++) row[q] = 0;
        }
    }
}

#undef VECTOR
#undef WIDTH
#undef JOIN
#undef JOIN_
