#include "CVectorLoops.h"
#include "vector_math.h"

WIDEST_VECTORS
void autobw_lstm_activations(
    const float *xg, const float *hg, const float *bias, float *act, long batch, long width) {
    long gates = 4 * width;
    for (long row = 0; row < batch; row++) {
        const float *x = xg + row * gates;
        const float *h = hg ? hg + row * gates : NULL;
        float *a = act + row * gates;
        // `a` is often `x` itself (in place): each element is read before it is written at the same index, so
        // the loops are safe to vectorise, but the compiler's overlap check would send them down its scalar path
        // (a third of this function's time once).
        if (h) {
#pragma clang loop vectorize(assume_safety)
            for (long k = 0; k < gates; k++) a[k] = x[k] + h[k] + bias[k];
        } else {
#pragma clang loop vectorize(assume_safety)
            for (long k = 0; k < gates; k++) a[k] = x[k] + bias[k];
        }
        for (long k = 0; k < 3 * width; k++) a[k] = fast_sigmoid(a[k]);
        for (long k = 3 * width; k < gates; k++) a[k] = fast_tanh(a[k]);
    }
}

WIDEST_VECTORS
void autobw_lstm_cell_update(
    const float *act, const float *cell, float *next_cell, float *tanh_cell, float *hidden, long batch, long width) {
    for (long row = 0; row < batch; row++) {
        const float *a = act + row * 4 * width;
        const float *i = a, *f = a + width, *o = a + 2 * width, *g = a + 3 * width;
        long s = row * width;
        const float *c_old = cell + s;
        float *c_new = next_cell + s, *tc = tanh_cell + s, *h = hidden + s;
        for (long j = 0; j < width; j++) c_new[j] = f[j] * c_old[j] + i[j] * g[j];
        for (long j = 0; j < width; j++) tc[j] = fast_tanh(c_new[j]);
        for (long j = 0; j < width; j++) h[j] = o[j] * tc[j];
    }
}

// One row, one fused loop. Every pointer but the two cell gradients is `restrict`: nothing else writes what
// they point to. Those two may be one buffer; each element is read before it is written. The hidden state's
// gradient is `dh`, plus `dh_more` when `has_more` (a constant at each call, so the sum costs no branch).
//     dc = dc' + dh * o * (1 - tanh(c')^2)
//     dz_i = dc * g * i(1-i)   dz_f = dc * c * f(1-f)   dz_o = dh * tanh(c') * o(1-o)   dz_g = dc * i * (1-g^2)
//     dc_prev = dc * f
static inline __attribute__((always_inline)) void cell_backward_row(
    const float *restrict a, const float *restrict c_prev, const float *restrict t, const float *restrict dh_in,
    int has_more, const float *restrict dh_more, const float *dc_next, float *restrict d, float *dc_out, long width) {
    const float *restrict i = a, *restrict f = a + width, *restrict o = a + 2 * width, *restrict g = a + 3 * width;
    float *restrict d_i = d, *restrict d_f = d + width, *restrict d_o = d + 2 * width, *restrict d_g = d + 3 * width;
    for (long j = 0; j < width; j++) {
        float dh = has_more ? dh_in[j] + dh_more[j] : dh_in[j];
        float dc = dc_next[j] + dh * o[j] * (1 - t[j] * t[j]);
        d_o[j] = dh * t[j] * o[j] * (1 - o[j]);
        d_i[j] = dc * g[j] * i[j] * (1 - i[j]);
        d_f[j] = dc * c_prev[j] * f[j] * (1 - f[j]);
        d_g[j] = dc * i[j] * (1 - g[j] * g[j]);
        dc_out[j] = dc * f[j];
    }
}

// Asks for `bytes` from `start` in the nearest cache, a line at a time.
static inline __attribute__((always_inline)) void prefetch(const void *start, long bytes) {
    for (long offset = 0; offset < bytes; offset += 64) __builtin_prefetch((const char *)start + offset, 0, 3);
}

WIDEST_VECTORS
void autobw_lstm_cell_backward(
    const float *act, const float *previous_cell, const float *tanh_cell, const float *d_hidden,
    const float *d_hidden_more, const float *d_cell_next, float *d_gates, long d_gates_stride, float *d_previous_cell,
    float *d_bias, long batch, long width) {
    for (long row = 0; row < batch; row++) {
        long s = row * width, g = row * 4 * width, dg = row * d_gates_stride;
        const float *more = d_hidden_more ? d_hidden_more + s : NULL;
        // What a row reads was saved by the forward pass, megabytes ago: fetched two rows ahead, the loop no longer
        // waits at the start of every row (its share of a char-rnn step fell from 7.5% to about 6%).
        if (row + 2 < batch) {
            long ahead = (row + 2) * width;
            prefetch(act + 4 * ahead, 16 * width);
            prefetch(previous_cell + ahead, 4 * width);
            prefetch(tanh_cell + ahead, 4 * width);
            prefetch(d_hidden + ahead, 4 * width);
        }
        // In place, the compiler sees one pointer read and written at the same index: no overlap checks,
        // which would otherwise send this common case down the scalar path.
#define ROW(has_more, dc_next) \
    cell_backward_row( \
        act + g, previous_cell + s, tanh_cell + s, d_hidden + s, has_more, more, dc_next, d_gates + dg, \
        d_previous_cell + s, width)
        if (d_cell_next == d_previous_cell) {
            if (more) ROW(1, d_previous_cell + s); else ROW(0, d_previous_cell + s);
        } else {
            if (more) ROW(1, d_cell_next + s); else ROW(0, d_cell_next + s);
        }
#undef ROW
        // Summed here, while the row is in cache: a pass over all timesteps' gate gradients afterwards reads
        // them back from memory.
        if (d_bias) {
            for (long k = 0; k < 4 * width; k++) d_bias[k] += d_gates[dg + k];
        }
    }
}
