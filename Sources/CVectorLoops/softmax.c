#include "CVectorLoops.h"
#include "vector_math.h"

// A row's maximum and sum in LANES independent partial results: one running value chains every element through
// the latency of a compare or an add, and a 65-class row then cost more than its exponentials.
enum { LANES = 16 };

// NaN is never kept (`>` is false for it), so a NaN row has a finite or infinite maximum and NaN exponentials.
static inline __attribute__((always_inline)) float row_maximum(const float *x, long width) {
    float tops[LANES];
    for (int l = 0; l < LANES; l++) tops[l] = -INFINITY;
    long i = 0;
    for (; i + LANES <= width; i += LANES) {
        for (int l = 0; l < LANES; l++) tops[l] = x[i + l] > tops[l] ? x[i + l] : tops[l];
    }
    float top = -INFINITY;
    for (int l = 0; l < LANES; l++) top = tops[l] > top ? tops[l] : top;
    for (; i < width; i++) top = x[i] > top ? x[i] : top;
    return top;
}

static inline __attribute__((always_inline)) float row_sum(const float *x, long width) {
    float sums[LANES] = {0};
    long i = 0;
    for (; i + LANES <= width; i += LANES) {
        for (int l = 0; l < LANES; l++) sums[l] += x[i + l];
    }
    float total = 0;
    for (int l = 0; l < LANES; l++) total += sums[l];
    for (; i < width; i++) total += x[i];
    return total;
}

WIDEST_VECTORS
float autobw_softmax_row(const float *x, float *p, long width) {
    float top = row_maximum(x, width);
    for (long k = 0; k < width; k++) p[k] = fast_exp(x[k] - top);
    // An infinite maximum (or none, all NaN): exp(x - top) already says what there is to say (NaN, or 0 and 1).
    if (!isfinite(top)) return top;
    float total = row_sum(p, width), inverse = 1 / total;
    for (long k = 0; k < width; k++) p[k] *= inverse;
    return top + logf(total);
}

WIDEST_VECTORS
float autobw_log_sum_exp(const float *x, long width) {
    float top = row_maximum(x, width);
    if (!isfinite(top)) return top;
    float sums[LANES] = {0};
    long i = 0;
    for (; i + LANES <= width; i += LANES) {
        for (int l = 0; l < LANES; l++) sums[l] += fast_exp(x[i + l] - top);
    }
    float total = 0;
    for (int l = 0; l < LANES; l++) total += sums[l];
    for (; i < width; i++) total += fast_exp(x[i] - top);
    return top + logf(total);
}
