#include "CVectorLoops.h"
#include "vector_math.h"

WIDEST_VECTORS
void autobw_exp(const float *x, float *y, long count) {
    for (long k = 0; k < count; k++) y[k] = fast_exp(x[k]);
}

WIDEST_VECTORS
void autobw_sigmoid(const float *x, float *y, long count) {
    for (long k = 0; k < count; k++) y[k] = fast_sigmoid(x[k]);
}

WIDEST_VECTORS
void autobw_tanh(const float *x, float *y, long count) {
    for (long k = 0; k < count; k++) y[k] = fast_tanh(x[k]);
}
