/* One reference LSTM layer with its own seeded arrays, for the gradient tests. */
#ifndef LSTMCORR_TEST_LAYER_H
#define LSTMCORR_TEST_LAYER_H

#include <stdint.h>

#include "reference.h"

typedef struct test_layer {
    lc_lstm_params p;
    int32_t *lengths;
    int32_t *codes;         /* CODES */
    double *xproj;          /* PROJECTED */
    double *table, *wh, *bias, *peep;
    double *h_last, *h_all;
    double *dtable, *dxproj, *dwh, *dbias, *dpeep;
} test_layer;

/* A layer over `batch` sequences of the given (non-increasing) lengths, with seeded weights of
 * standard deviation `scale` (the prototype's 0.1 learns nothing in two steps: use larger). */
void test_layer_init(test_layer *layer, lc_lstm_form form, lc_lstm_input input, int32_t batch,
                     const int32_t *lengths, int32_t hidden, int32_t vocab, int32_t all_steps,
                     uint64_t seed, double scale);
void test_layer_free(test_layer *layer);
/* The reference arrays view of the layer, with the given output gradients. */
lc_ref_lstm_arrays test_layer_arrays(test_layer *layer, const double *dh_last,
                                     const double *dh_all);
void test_layer_forward(test_layer *layer);
/* Zeroes the layer's gradients, then accumulates those of dh_last / dh_all (either NULL). */
void test_layer_backward(test_layer *layer, const double *dh_last, const double *dh_all);
/* Sizes: 4H columns, and the element counts of the arrays. */
size_t test_layer_gate_width(const test_layer *layer);

#endif
