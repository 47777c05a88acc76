// Element-wise loops in C, so that each can be compiled for the widest vector units the CPU has (AVX-512, AVX2
// with FMA, or the baseline), picked when the program loads: Swift compiles for the baseline x86-64 only, where
// these loops cost a tenth of an LSTM step. Layout: row-major. An LSTM's gate rows are `4 * width` wide, in the
// order [i f o g], `batch` rows.
#ifndef AUTOBW_CVECTORLOOPS_H
#define AUTOBW_CVECTORLOOPS_H

/// act = [sigmoid | sigmoid | sigmoid | tanh](xg + hg + bias), row by row; `hg` may be NULL (no hidden part).
void autobw_lstm_activations(
    const float *xg, const float *hg, const float *bias, float *act, long batch, long width);

/// c' = f * c + i * g, tanh(c') and h' = o * tanh(c'), from the activations.
void autobw_lstm_cell_update(
    const float *act, const float *cell, float *next_cell, float *tanh_cell, float *hidden, long batch, long width);

/// The step's backward: the gate pre-activation gradients (rows `d_gates_stride` floats apart) and the previous
/// cell's gradient. The hidden state's gradient is `d_hidden` plus, unless NULL, `d_hidden_more`. `d_cell_next`
/// and `d_previous_cell` may be the same buffer. Unless NULL, `d_bias` (`4 * width`) has every row of `d_gates`
/// added to it.
void autobw_lstm_cell_backward(
    const float *act, const float *previous_cell, const float *tanh_cell, const float *d_hidden,
    const float *d_hidden_more, const float *d_cell_next, float *d_gates, long d_gates_stride, float *d_previous_cell,
    float *d_bias, long batch, long width);

/// Writes the softmax of the row `x` (`width` floats) to `p` and returns log(sum(exp(x))), both computed stably
/// (the row's maximum subtracted first). A row whose maximum is infinite (or that holds only NaN) gets
/// exp(x - maximum) and returns the maximum.
float autobw_softmax_row(const float *x, float *p, long width);

/// log(sum(exp(x))) of the row `x` (`width` floats), as `autobw_softmax_row` returns it.
float autobw_log_sum_exp(const float *x, long width);

/// exp, the logistic sigmoid and tanh of `count` floats, as the loops above compute them (for tests).
void autobw_exp(const float *x, float *y, long count);
void autobw_sigmoid(const float *x, float *y, long count);
void autobw_tanh(const float *x, float *y, long count);

#endif
