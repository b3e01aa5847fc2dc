/* One reference LSTM layer with its own seeded arrays, for the gradient tests. */
#include "support_layer.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ref_random.h"
#include "support_gradcheck.h"

size_t test_layer_gate_width(const test_layer *layer)
{
    return 4 * (size_t)layer->p.hidden;
}

void test_layer_init(test_layer *layer, lc_lstm_form form, lc_lstm_input input, int32_t batch,
                     const int32_t *lengths, int32_t hidden, int32_t vocab, int32_t all_steps,
                     uint64_t seed, double scale)
{
    memset(layer, 0, sizeof(*layer));
    layer->lengths = calloc((size_t)batch + 1, sizeof(int32_t));
    assert_non_null(layer->lengths);
    int32_t total = 0;
    for (int32_t b = 0; b < batch; b++) {
        layer->lengths[b] = lengths[b];
        total += lengths[b];
    }
    layer->p = (lc_lstm_params){.form = form, .input = input, .batch = batch, .hidden = hidden,
                                .vocab = vocab, .total = total, .all_steps = all_steps,
                                .training = 1, .lengths = layer->lengths};
    size_t h = (size_t)hidden, width = 4 * h;
    layer->codes = calloc((size_t)total + 1, sizeof(int32_t));
    assert_non_null(layer->codes);
    for (int32_t r = 0; r < total; r++)
        layer->codes[r] = (int32_t)(lc_ref_random_bits(seed, 100, (uint64_t)r) % (uint64_t)vocab);
    layer->xproj = test_doubles((size_t)total * width);
    layer->table = test_doubles((size_t)vocab * width);
    layer->wh = test_doubles(h * width);
    layer->bias = test_doubles(width);
    layer->peep = test_doubles(3 * h);
    fill_normal(layer->xproj, (size_t)total * width, seed, 101, 1.0);
    fill_normal(layer->table, (size_t)vocab * width, seed, 102, 1.0);
    fill_normal(layer->wh, h * width, seed, 103, scale);
    fill_normal(layer->bias, width, seed, 104, scale);
    fill_normal(layer->peep, 3 * h, seed, 105, scale);
    layer->h_last = test_doubles((size_t)batch * h);
    layer->h_all = test_doubles((size_t)total * h);
    layer->dtable = test_doubles((size_t)vocab * width);
    layer->dxproj = test_doubles((size_t)total * width);
    layer->dwh = test_doubles(h * width);
    layer->dbias = test_doubles(width);
    layer->dpeep = test_doubles(3 * h);
}

void test_layer_free(test_layer *layer)
{
    free(layer->lengths);
    free(layer->codes);
    free(layer->xproj);
    free(layer->table);
    free(layer->wh);
    free(layer->bias);
    free(layer->peep);
    free(layer->h_last);
    free(layer->h_all);
    free(layer->dtable);
    free(layer->dxproj);
    free(layer->dwh);
    free(layer->dbias);
    free(layer->dpeep);
}

lc_ref_lstm_arrays test_layer_arrays(test_layer *layer, const double *dh_last,
                                     const double *dh_all)
{
    return (lc_ref_lstm_arrays){.codes = layer->codes, .xproj = layer->xproj,
                                .table = layer->table, .wh = layer->wh, .bias = layer->bias,
                                .peep = layer->peep, .h_last = layer->h_last,
                                .h_all = layer->h_all, .dh_last = dh_last, .dh_all = dh_all,
                                .dtable = layer->dtable, .dxproj = layer->dxproj,
                                .dwh = layer->dwh, .dbias = layer->dbias, .dpeep = layer->dpeep};
}

void test_layer_forward(test_layer *layer)
{
    lc_ref_lstm_arrays a = test_layer_arrays(layer, NULL, NULL);
    assert_int_equal(lc_ref_lstm_forward(&layer->p, &a), LC_OK);
}

void test_layer_backward(test_layer *layer, const double *dh_last, const double *dh_all)
{
    size_t h = (size_t)layer->p.hidden, width = 4 * h;
    memset(layer->dtable, 0, (size_t)layer->p.vocab * width * sizeof(double));
    memset(layer->dxproj, 0, (size_t)layer->p.total * width * sizeof(double));
    memset(layer->dwh, 0, h * width * sizeof(double));
    memset(layer->dbias, 0, width * sizeof(double));
    memset(layer->dpeep, 0, 3 * h * sizeof(double));
    lc_ref_lstm_arrays a = test_layer_arrays(layer, dh_last, dh_all);
    assert_int_equal(lc_ref_lstm_backward(&layer->p, &a), LC_OK);
}
