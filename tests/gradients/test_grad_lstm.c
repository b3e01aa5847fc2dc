/*
 * Finite-difference checks of the reference LSTM backward: every form x input mode x output
 * gradient (dh_last, dh_all, both) over awkward batches (batch 1, length 1, a length-0 sequence,
 * differing lengths, H = 3, 5, 10).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reference.h"
#include "support_gradcheck.h"
#include "support_layer.h"

enum { SEED = 77001, VOCAB = 7 };

typedef struct lstm_shape {
    int32_t batch;
    int32_t lengths[6];
    int32_t hidden;
} lstm_shape;

static const lstm_shape SHAPES[] = {
    {1, {1}, 3},          /* batch 1, length 1 */
    {1, {6}, 5},          /* one long sequence */
    {4, {5, 3, 3, 0}, 3}, /* differing lengths and an empty sequence */
    {3, {4, 2, 1}, 10},
};

typedef struct lstm_ctx {
    test_layer layer;
    const double *dh_last, *dh_all; /* the loss weights, either NULL */
} lstm_ctx;

/* loss = dh_last . h_last + dh_all . h_all */
static double lstm_loss(void *opaque)
{
    lstm_ctx *c = opaque;
    test_layer_forward(&c->layer);
    size_t h = (size_t)c->layer.p.hidden;
    double loss = 0.0;
    if (c->dh_last)
        loss += weighted_sum(c->layer.h_last, c->dh_last, (size_t)c->layer.p.batch * h);
    if (c->dh_all)
        loss += weighted_sum(c->layer.h_all, c->dh_all, (size_t)c->layer.p.total * h);
    return loss;
}

static const char *FORM_NAMES[] = {"standard", "peephole", "lasagne01"};

static void check_lstm(lc_lstm_form form, lc_lstm_input input, int use_last, int use_all,
                       const lstm_shape *shape)
{
    char name[160];
    snprintf(name, sizeof(name), "lstm %s %s dh_last=%d dh_all=%d batch=%d H=%d",
             FORM_NAMES[form], input == LC_LSTM_INPUT_CODES ? "codes" : "projected", use_last,
             use_all, shape->batch, shape->hidden);
    lstm_ctx c = {0};
    test_layer_init(&c.layer, form, input, shape->batch, shape->lengths, shape->hidden, VOCAB,
                    use_all, SEED, 0.5);
    test_layer *l = &c.layer;
    size_t h = (size_t)shape->hidden, width = test_layer_gate_width(l);
    double *dh_last = test_doubles((size_t)shape->batch * h);
    double *dh_all = test_doubles((size_t)l->p.total * h);
    fill_normal(dh_last, (size_t)shape->batch * h, SEED, 1, 1.0);
    fill_normal(dh_all, (size_t)l->p.total * h, SEED, 2, 1.0);
    c.dh_last = use_last ? dh_last : NULL;
    c.dh_all = use_all ? dh_all : NULL;

    test_layer_forward(l);
    test_layer_backward(l, c.dh_last, c.dh_all);
    char what[200];
    if (input == LC_LSTM_INPUT_CODES) {
        snprintf(what, sizeof(what), "%s: dtable", name);
        gradcheck_assert(what, lstm_loss, &c, l->table, (size_t)VOCAB * width, l->dtable, NULL, GRAD_NONZERO);
    } else {
        snprintf(what, sizeof(what), "%s: dxproj", name);
        gradcheck_assert(what, lstm_loss, &c, l->xproj, (size_t)l->p.total * width, l->dxproj,
                         NULL, GRAD_NONZERO);
    }
    snprintf(what, sizeof(what), "%s: dwh", name);
    /* With one step there is no h_prev, so dwh is exactly zero. */
    int longest = shape->lengths[0];
    gradcheck_assert(what, lstm_loss, &c, l->wh, h * width, l->dwh, NULL,
                     longest < 2 ? GRAD_ZERO : GRAD_NONZERO);
    snprintf(what, sizeof(what), "%s: dbias", name);
    gradcheck_assert(what, lstm_loss, &c, l->bias, width, l->dbias, NULL, GRAD_NONZERO);
    snprintf(what, sizeof(what), "%s: dpeep", name);
    gradcheck_assert(what, lstm_loss, &c, l->peep, 3 * h, l->dpeep, NULL,
                     form == LC_LSTM_STANDARD ? GRAD_ZERO : GRAD_NONZERO);
    free(dh_last);
    free(dh_all);
    test_layer_free(l);
}

static void test_lstm_gradients(void **state)
{
    (void)state;
    for (int form = LC_LSTM_STANDARD; form <= LC_LSTM_LASAGNE01; form++)
        for (int input = LC_LSTM_INPUT_CODES; input <= LC_LSTM_INPUT_PROJECTED; input++)
            for (size_t s = 0; s < sizeof(SHAPES) / sizeof(SHAPES[0]); s++) {
                check_lstm((lc_lstm_form)form, (lc_lstm_input)input, 1, 0, &SHAPES[s]);
                check_lstm((lc_lstm_form)form, (lc_lstm_input)input, 0, 1, &SHAPES[s]);
                check_lstm((lc_lstm_form)form, (lc_lstm_input)input, 1, 1, &SHAPES[s]);
            }
}

/* h_last is the last h_all row of each sequence, and 0 for an empty one. */
static void test_lstm_outputs_agree(void **state)
{
    (void)state;
    const lstm_shape *shape = &SHAPES[2];
    test_layer l;
    test_layer_init(&l, LC_LSTM_LASAGNE01, LC_LSTM_INPUT_CODES, shape->batch, shape->lengths,
                    shape->hidden, VOCAB, 1, SEED, 0.5);
    test_layer_forward(&l);
    size_t h = (size_t)shape->hidden;
    /* Packed rows of the last steps of lengths {5, 3, 3, 0}: batch sizes 3,3,3,1,1. */
    const int32_t last_row[] = {10, 7, 8};
    for (int32_t b = 0; b < 3; b++)
        for (size_t u = 0; u < h; u++)
            assert_true(l.h_last[(size_t)b * h + u] == l.h_all[(size_t)last_row[b] * h + u]);
    for (size_t u = 0; u < h; u++)
        assert_true(l.h_last[3 * h + u] == 0.0);
    test_layer_free(&l);
}

/* Gradients accumulate: a second backward without zeroing doubles them. */
static void test_lstm_backward_accumulates(void **state)
{
    (void)state;
    const lstm_shape *shape = &SHAPES[3];
    test_layer l;
    test_layer_init(&l, LC_LSTM_PEEPHOLE, LC_LSTM_INPUT_PROJECTED, shape->batch, shape->lengths,
                    shape->hidden, VOCAB, 0, SEED, 0.5);
    size_t h = (size_t)shape->hidden, width = test_layer_gate_width(&l);
    double *dh_last = test_doubles((size_t)shape->batch * h);
    fill_normal(dh_last, (size_t)shape->batch * h, SEED, 3, 1.0);
    test_layer_backward(&l, dh_last, NULL);
    double *once = test_doubles(h * width);
    memcpy(once, l.dwh, h * width * sizeof(double));
    lc_ref_lstm_arrays a = test_layer_arrays(&l, dh_last, NULL);
    assert_int_equal(lc_ref_lstm_backward(&l.p, &a), LC_OK);
    for (size_t k = 0; k < h * width; k++)
        assert_true(fabs(l.dwh[k] - 2.0 * once[k]) <= 1e-12 * (1.0 + fabs(once[k])));
    free(once);
    free(dh_last);
    test_layer_free(&l);
}

/* Shapes the reference must refuse rather than misread. */
static void test_lstm_rejects_bad_shapes(void **state)
{
    (void)state;
    const int32_t lengths[] = {2, 3};
    test_layer l;
    test_layer_init(&l, LC_LSTM_STANDARD, LC_LSTM_INPUT_CODES, 2, lengths, 3, VOCAB, 0, SEED, 0.5);
    lc_ref_lstm_arrays a = test_layer_arrays(&l, NULL, NULL);
    assert_int_equal(lc_ref_lstm_forward(&l.p, &a), LC_ERR_INVALID); /* increasing lengths */
    l.lengths[0] = 3;
    l.lengths[1] = 2;
    l.codes[0] = VOCAB; /* out of the table */
    assert_int_equal(lc_ref_lstm_forward(&l.p, &a), LC_ERR_INVALID);
    l.codes[0] = 0;
    assert_int_equal(lc_ref_lstm_forward(&l.p, &a), LC_OK);
    l.p.total = 4; /* not the sum of lengths */
    assert_int_equal(lc_ref_lstm_forward(&l.p, &a), LC_ERR_INVALID);
    test_layer_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lstm_gradients),
        cmocka_unit_test(test_lstm_outputs_agree),
        cmocka_unit_test(test_lstm_backward_accumulates),
        cmocka_unit_test(test_lstm_rejects_bad_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
