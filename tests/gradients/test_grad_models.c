/*
 * Finite-difference checks of whole models built from reference ops, as training runs them:
 *   siamese: codes -> LSTM (CODES) -> h_last -> cosine of all ordered pairs -> sigmoid BCE mean
 *   stacked: layer 1 (CODES, all_steps) -> gemm -> layer 2 (PROJECTED) -> the same pair head
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

enum { SEED = 99017, VOCAB = 9 };

/* The pair head over `rows` vectors: every ordered pair, target 1 when both rows share an
 * incident (row % 2 here, row 0 counted benign so that benign-benign pairs are 0). */
typedef struct pair_head {
    lc_cosine_pairs_params p;
    int32_t *ia, *ib;
    double *target, *z, *dz;
} pair_head;

static void head_init(pair_head *head, int32_t rows, int32_t width)
{
    head->p = (lc_cosine_pairs_params){rows * rows, rows, width};
    size_t pairs = (size_t)head->p.pairs;
    head->ia = calloc(pairs, sizeof(int32_t));
    head->ib = calloc(pairs, sizeof(int32_t));
    assert_true(head->ia && head->ib);
    head->target = test_doubles(pairs);
    head->z = test_doubles(pairs);
    head->dz = test_doubles(pairs);
    for (size_t k = 0; k < pairs; k++) {
        int32_t a = (int32_t)k / rows, b = (int32_t)k % rows;
        head->ia[k] = a;
        head->ib[k] = b;
        head->target[k] = a != 0 && b != 0 && a % 2 == b % 2;
    }
}

static void head_free(pair_head *head)
{
    free(head->ia);
    free(head->ib);
    free(head->target);
    free(head->z);
    free(head->dz);
}

static double head_loss(pair_head *head, const double *x)
{
    assert_int_equal(lc_ref_cosine_pairs(&head->p, x, head->ia, head->ib, head->z), LC_OK);
    lc_sigmoid_bce_params bce = {head->p.pairs, 1.0f};
    double loss = 0.0;
    assert_int_equal(lc_ref_sigmoid_bce(&bce, head->z, head->target, &loss, NULL, NULL), LC_OK);
    return loss;
}

/* Accumulates d loss / d x into dx (x must be the vectors of the last head_loss). */
static void head_backward(pair_head *head, const double *x, double *dx)
{
    lc_sigmoid_bce_params bce = {head->p.pairs, 1.0f};
    double loss = 0.0;
    memset(head->dz, 0, (size_t)head->p.pairs * sizeof(double));
    assert_int_equal(lc_ref_cosine_pairs(&head->p, x, head->ia, head->ib, head->z), LC_OK);
    assert_int_equal(lc_ref_sigmoid_bce(&bce, head->z, head->target, &loss, head->dz, NULL), LC_OK);
    assert_int_equal(
        lc_ref_cosine_pairs_backward(&head->p, x, head->ia, head->ib, head->dz, dx), LC_OK);
}

typedef struct model_shape {
    int32_t batch;
    int32_t lengths[6];
    int32_t hidden, hidden2; /* hidden2: second layer of the stacked model */
} model_shape;

static const model_shape SHAPES[] = {
    {1, {1}, 3, 3},
    {5, {7, 5, 5, 2, 0}, 5, 3}, /* an empty alert: a zero vector in the cosine */
    {4, {6, 3, 2, 2}, 10, 5},
};

/* ---- siamese ---------------------------------------------------------------------------------- */

typedef struct siamese_ctx {
    test_layer layer;
    pair_head head;
} siamese_ctx;

static double siamese_loss(void *opaque)
{
    siamese_ctx *s = opaque;
    test_layer_forward(&s->layer);
    return head_loss(&s->head, s->layer.h_last);
}

static void check_siamese(lc_lstm_form form, const model_shape *shape)
{
    siamese_ctx s;
    test_layer_init(&s.layer, form, LC_LSTM_INPUT_CODES, shape->batch, shape->lengths,
                    shape->hidden, VOCAB, 0, SEED, 0.5);
    head_init(&s.head, shape->batch, shape->hidden);
    size_t h = (size_t)shape->hidden, width = test_layer_gate_width(&s.layer);
    double *dh_last = test_doubles((size_t)shape->batch * h);
    test_layer_forward(&s.layer);
    head_backward(&s.head, s.layer.h_last, dh_last);
    test_layer_backward(&s.layer, dh_last, NULL);
    char what[160];
    snprintf(what, sizeof(what), "siamese form=%d batch=%d H=%d", form, shape->batch,
             shape->hidden);
    /* batch 1 is a lone self-pair: cos = 1 whatever the weights, so every gradient vanishes
     * (up to rounding). */
    gradcheck_expect constant = shape->batch == 1 ? GRAD_ANY : GRAD_NONZERO;
    gradcheck_assert(what, siamese_loss, &s, s.layer.table, (size_t)VOCAB * width, s.layer.dtable,
                     NULL, constant);
    gradcheck_assert(what, siamese_loss, &s, s.layer.wh, h * width, s.layer.dwh, NULL, constant);
    gradcheck_assert(what, siamese_loss, &s, s.layer.bias, width, s.layer.dbias, NULL, constant);
    gradcheck_assert(what, siamese_loss, &s, s.layer.peep, 3 * h, s.layer.dpeep, NULL,
                     form == LC_LSTM_STANDARD ? GRAD_ZERO : constant);
    free(dh_last);
    head_free(&s.head);
    test_layer_free(&s.layer);
}

static void test_siamese_loss_gradient(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(SHAPES) / sizeof(SHAPES[0]); k++) {
        check_siamese(LC_LSTM_LASAGNE01, &SHAPES[k]);
        check_siamese(LC_LSTM_STANDARD, &SHAPES[k]);
        check_siamese(LC_LSTM_PEEPHOLE, &SHAPES[k]);
    }
}

/* ---- stacked: layer 1 all steps -> gemm -> layer 2 PROJECTED ---------------------------------- */

typedef struct stacked_ctx {
    test_layer first, second;
    double *w2; /* H1 x 4H2: layer 2's input weights */
    pair_head head;
} stacked_ctx;

static double stacked_loss(void *opaque)
{
    stacked_ctx *s = opaque;
    test_layer_forward(&s->first);
    lc_lstm_params *p1 = &s->first.p, *p2 = &s->second.p;
    int32_t width2 = 4 * p2->hidden;
    lc_gemm_params g = {0, 0, p1->total, width2, p1->hidden, 1.0f, 0.0f,
                        p1->hidden, width2, width2, 0, 0, 0};
    assert_int_equal(lc_ref_gemm(&g, s->first.h_all, s->w2, s->second.xproj), LC_OK);
    test_layer_forward(&s->second);
    return head_loss(&s->head, s->second.h_last);
}

static void check_stacked(lc_lstm_form form, const model_shape *shape)
{
    stacked_ctx s;
    test_layer_init(&s.first, form, LC_LSTM_INPUT_CODES, shape->batch, shape->lengths,
                    shape->hidden, VOCAB, 1, SEED, 0.5);
    test_layer_init(&s.second, form, LC_LSTM_INPUT_PROJECTED, shape->batch, shape->lengths,
                    shape->hidden2, 1, 0, SEED + 1, 0.5);
    head_init(&s.head, shape->batch, shape->hidden2);
    int32_t h1 = shape->hidden, h2 = shape->hidden2, total = s.first.p.total, width2 = 4 * h2;
    s.w2 = test_doubles((size_t)h1 * (size_t)width2);
    fill_normal(s.w2, (size_t)h1 * (size_t)width2, SEED, 7, 1.0);

    /* Backward through the chain, each op's adjoint in turn. */
    double *dh_last2 = test_doubles((size_t)shape->batch * (size_t)h2);
    double *dh_all1 = test_doubles((size_t)total * (size_t)h1);
    double *dw2 = test_doubles((size_t)h1 * (size_t)width2);
    stacked_loss(&s);
    head_backward(&s.head, s.second.h_last, dh_last2);
    test_layer_backward(&s.second, dh_last2, NULL);
    lc_gemm_params d_input = {0, 1, total, h1, width2, 1.0f, 0.0f, width2, width2, h1, 0, 0, 0};
    assert_int_equal(lc_ref_gemm(&d_input, s.second.dxproj, s.w2, dh_all1), LC_OK);
    lc_gemm_params d_weight = {1, 0, h1, width2, total, 1.0f, 0.0f, h1, width2, width2, 0, 0, 0};
    assert_int_equal(lc_ref_gemm(&d_weight, s.first.h_all, s.second.dxproj, dw2), LC_OK);
    test_layer_backward(&s.first, NULL, dh_all1);

    char what[160];
    snprintf(what, sizeof(what), "stacked form=%d batch=%d H=%d,%d", form, shape->batch, h1, h2);
    gradcheck_expect constant = shape->batch == 1 ? GRAD_ANY : GRAD_NONZERO;
    gradcheck_expect no_peep = form == LC_LSTM_STANDARD ? GRAD_ZERO : constant;
    size_t wide1 = 4 * (size_t)h1, wide2 = (size_t)width2;
    gradcheck_assert(what, stacked_loss, &s, s.first.table, (size_t)VOCAB * wide1, s.first.dtable,
                     NULL, constant);
    gradcheck_assert(what, stacked_loss, &s, s.first.wh, (size_t)h1 * wide1, s.first.dwh, NULL,
                     constant);
    gradcheck_assert(what, stacked_loss, &s, s.first.peep, 3 * (size_t)h1, s.first.dpeep, NULL,
                     no_peep);
    gradcheck_assert(what, stacked_loss, &s, s.w2, (size_t)h1 * wide2, dw2, NULL, constant);
    gradcheck_assert(what, stacked_loss, &s, s.second.wh, (size_t)h2 * wide2, s.second.dwh, NULL,
                     constant);
    gradcheck_assert(what, stacked_loss, &s, s.second.bias, wide2, s.second.dbias, NULL, constant);
    gradcheck_assert(what, stacked_loss, &s, s.second.peep, 3 * (size_t)h2, s.second.dpeep, NULL,
                     no_peep);
    free(dh_last2);
    free(dh_all1);
    free(dw2);
    free(s.w2);
    head_free(&s.head);
    test_layer_free(&s.first);
    test_layer_free(&s.second);
}

static void test_stacked_model_gradient(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(SHAPES) / sizeof(SHAPES[0]); k++) {
        check_stacked(LC_LSTM_LASAGNE01, &SHAPES[k]);
        check_stacked(LC_LSTM_STANDARD, &SHAPES[k]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siamese_loss_gradient),
        cmocka_unit_test(test_stacked_model_gradient),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
