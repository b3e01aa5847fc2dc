/* Finite-difference checks of the reference's non-recurrent backward passes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reference.h"
#include "support_gradcheck.h"

enum { SEED = 20240601 };

/* ---- gather / scatter_add: linear maps that are each other's adjoint ------------------------ */

typedef struct gather_ctx {
    lc_gather_params p;
    double *table, *src, *out, *weights;
    int32_t *index;
} gather_ctx;

static double gather_loss(void *opaque)
{
    gather_ctx *g = opaque;
    assert_int_equal(lc_ref_gather(&g->p, g->table, g->index, g->out), LC_OK);
    return weighted_sum(g->out, g->weights, (size_t)g->p.count * (size_t)g->p.width);
}

/* Loss of scatter_add as a function of src: w . (table + scatter(src)). */
static double scatter_loss(void *opaque)
{
    gather_ctx *g = opaque;
    size_t table_size = (size_t)g->p.rows * (size_t)g->p.width;
    memcpy(g->out, g->table, table_size * sizeof(double));
    assert_int_equal(lc_ref_scatter_add(&g->p, g->out, g->index, g->src), LC_OK);
    return weighted_sum(g->out, g->weights, table_size);
}

static void check_gather(int32_t count, int32_t rows, int32_t width)
{
    gather_ctx g = {.p = {count, rows, width}};
    size_t table_size = (size_t)rows * (size_t)width, rows_size = (size_t)count * (size_t)width;
    g.table = test_doubles(table_size);
    g.src = test_doubles(rows_size);
    g.out = test_doubles(table_size + rows_size);
    g.weights = test_doubles(table_size + rows_size);
    g.index = calloc((size_t)count + 1, sizeof(int32_t));
    assert_non_null(g.index);
    for (int32_t r = 0; r < count; r++) /* repeats, and out-of-range -1 and rows */
        g.index[r] = (r * 7 + 1) % (rows + 2) - 1;
    fill_normal(g.table, table_size, SEED, 1, 1.0);
    fill_normal(g.src, rows_size, SEED, 2, 1.0);

    /* gather: d/d table of w . out is scatter_add(w). */
    fill_normal(g.weights, rows_size, SEED, 3, 1.0);
    double *dtable = test_doubles(table_size);
    assert_int_equal(lc_ref_scatter_add(&g.p, dtable, g.index, g.weights), LC_OK);
    gradcheck_assert("gather d/dtable", gather_loss, &g, g.table, table_size, dtable, NULL, GRAD_NONZERO);

    /* scatter_add: d/d src of w . table is gather(w). */
    fill_normal(g.weights, table_size, SEED, 4, 1.0);
    double *dsrc = test_doubles(rows_size);
    assert_int_equal(lc_ref_gather(&g.p, g.weights, g.index, dsrc), LC_OK);
    gradcheck_assert("scatter_add d/dsrc", scatter_loss, &g, g.src, rows_size, dsrc, NULL, GRAD_NONZERO);

    /* Out-of-range indices gather a zero row. */
    assert_int_equal(lc_ref_gather(&g.p, g.table, g.index, g.out), LC_OK);
    for (int32_t r = 0; r < count; r++)
        if (g.index[r] < 0 || g.index[r] >= rows)
            for (int32_t j = 0; j < width; j++)
                assert_true(g.out[(size_t)r * (size_t)width + (size_t)j] == 0.0);
    free(dtable);
    free(dsrc);
    free(g.table);
    free(g.src);
    free(g.out);
    free(g.weights);
    free(g.index);
}

static void test_gather_scatter(void **state)
{
    (void)state;
    check_gather(1, 1, 1);
    check_gather(9, 4, 3);
    check_gather(30, 11, 10);
}

/* ---- cosine pairs ----------------------------------------------------------------------------- */

typedef struct cosine_ctx {
    lc_cosine_pairs_params p;
    double *x, *out, *weights;
    int32_t *ia, *ib;
} cosine_ctx;

static double cosine_loss(void *opaque)
{
    cosine_ctx *c = opaque;
    assert_int_equal(lc_ref_cosine_pairs(&c->p, c->x, c->ia, c->ib, c->out), LC_OK);
    return weighted_sum(c->out, c->weights, (size_t)c->p.pairs);
}

/* All ordered pairs of `rows` rows (self-pairs included), row zero_row set to zero (or -1). */
static void check_cosine(int32_t rows, int32_t width, int32_t zero_row)
{
    cosine_ctx c = {.p = {rows * rows, rows, width}};
    size_t size = (size_t)rows * (size_t)width;
    c.x = test_doubles(size);
    c.out = test_doubles((size_t)c.p.pairs);
    c.weights = test_doubles((size_t)c.p.pairs);
    c.ia = calloc((size_t)c.p.pairs, sizeof(int32_t));
    c.ib = calloc((size_t)c.p.pairs, sizeof(int32_t));
    assert_true(c.ia && c.ib);
    for (int32_t k = 0; k < c.p.pairs; k++) {
        c.ia[k] = k / rows;
        c.ib[k] = k % rows;
    }
    fill_normal(c.x, size, SEED, 5, 1.0);
    fill_normal(c.weights, (size_t)c.p.pairs, SEED, 6, 1.0);
    unsigned char *skip = calloc(size, 1);
    assert_non_null(skip);
    if (zero_row >= 0) {
        /* cos is not differentiable at a zero vector: check only that its gradient is zero. */
        for (int32_t j = 0; j < width; j++) {
            c.x[(size_t)zero_row * (size_t)width + (size_t)j] = 0.0;
            skip[(size_t)zero_row * (size_t)width + (size_t)j] = 1;
        }
    }
    double *dx = test_doubles(size);
    assert_int_equal(lc_ref_cosine_pairs_backward(&c.p, c.x, c.ia, c.ib, c.weights, dx), LC_OK);
    gradcheck_assert("cosine_pairs d/dx", cosine_loss, &c, c.x, size, dx, skip, GRAD_NONZERO);
    assert_int_equal(lc_ref_cosine_pairs(&c.p, c.x, c.ia, c.ib, c.out), LC_OK);
    for (int32_t k = 0; k < c.p.pairs; k++) {
        if (c.ia[k] == zero_row || c.ib[k] == zero_row)
            assert_true(c.out[k] == 0.0);
        else if (c.ia[k] == c.ib[k])
            assert_true(fabs(c.out[k] - 1.0) < 1e-14);
    }
    for (int32_t j = 0; zero_row >= 0 && j < width; j++)
        assert_true(dx[(size_t)zero_row * (size_t)width + (size_t)j] == 0.0);
    free(skip);
    free(dx);
    free(c.x);
    free(c.out);
    free(c.weights);
    free(c.ia);
    free(c.ib);
}

static void test_cosine_pairs(void **state)
{
    (void)state;
    check_cosine(2, 3, -1);
    check_cosine(4, 3, 2);
    check_cosine(5, 5, 0);
    check_cosine(6, 10, -1);
}

/* ---- sigmoid_bce ------------------------------------------------------------------------------ */

typedef struct bce_ctx {
    lc_sigmoid_bce_params p;
    double *z, *target;
} bce_ctx;

static double bce_loss(void *opaque)
{
    bce_ctx *b = opaque;
    double loss = 0.0;
    assert_int_equal(lc_ref_sigmoid_bce(&b->p, b->z, b->target, &loss, NULL, NULL), LC_OK);
    return (double)b->p.scale * loss;
}

static void check_bce(int32_t count, float scale, double spread)
{
    bce_ctx b = {.p = {count, scale}};
    b.z = test_doubles((size_t)count);
    b.target = test_doubles((size_t)count);
    fill_normal(b.z, (size_t)count, SEED, 7, spread);
    for (int32_t k = 0; k < count; k++)
        b.target[k] = (double)(k % 3 == 0);
    double *dz = test_doubles((size_t)count);
    double *prob = test_doubles((size_t)count);
    double loss = 0.0;
    assert_int_equal(lc_ref_sigmoid_bce(&b.p, b.z, b.target, &loss, dz, prob), LC_OK);
    gradcheck_assert("sigmoid_bce d/dz", bce_loss, &b, b.z, (size_t)count, dz, NULL, GRAD_NONZERO);
    /* The stable form must equal the textbook one where the textbook one is accurate. */
    double textbook = 0.0;
    for (int32_t k = 0; k < count; k++) {
        assert_true(fabs(prob[k] - 1.0 / (1.0 + exp(-b.z[k]))) < 1e-15);
        textbook -= b.target[k] * log(prob[k]) + (1.0 - b.target[k]) * log(1.0 - prob[k]);
    }
    if (spread <= 5.0)
        assert_true(fabs(loss - textbook / count) < 1e-12);
    assert_true(isfinite(loss));
    free(dz);
    free(prob);
    free(b.z);
    free(b.target);
}

static void test_sigmoid_bce(void **state)
{
    (void)state;
    check_bce(1, 1.0f, 1.0);
    check_bce(10, 0.5f, 3.0);
    check_bce(40, 1.0f, 30.0); /* large |z|: the stable form stays finite */
}

/* ---- gemm: the two products its backward uses ------------------------------------------------- */

typedef struct gemm_ctx {
    lc_gemm_params p;
    double *a, *b, *c, *weights;
} gemm_ctx;

static double gemm_loss(void *opaque)
{
    gemm_ctx *g = opaque;
    memset(g->c, 0, (size_t)g->p.m * (size_t)g->p.n * sizeof(double));
    assert_int_equal(lc_ref_gemm(&g->p, g->a, g->b, g->c), LC_OK);
    return weighted_sum(g->c, g->weights, (size_t)g->p.m * (size_t)g->p.n);
}

static void test_gemm_adjoints(void **state)
{
    (void)state;
    int32_t m = 4, n = 5, k = 3;
    gemm_ctx g = {.p = {0, 0, m, n, k, 1.5f, 0.0f, k, n, n, 0, 0, 0}};
    g.a = test_doubles((size_t)m * k);
    g.b = test_doubles((size_t)k * n);
    g.c = test_doubles((size_t)m * n);
    g.weights = test_doubles((size_t)m * n);
    fill_normal(g.a, (size_t)m * k, SEED, 8, 1.0);
    fill_normal(g.b, (size_t)k * n, SEED, 9, 1.0);
    fill_normal(g.weights, (size_t)m * n, SEED, 10, 1.0);
    /* dA = alpha W B^T (M x K), dB = alpha A^T W (K x N). */
    double *da = test_doubles((size_t)m * k), *db = test_doubles((size_t)k * n);
    lc_gemm_params pa = {0, 1, m, k, n, 1.5f, 0.0f, n, n, k, 0, 0, 0};
    assert_int_equal(lc_ref_gemm(&pa, g.weights, g.b, da), LC_OK);
    lc_gemm_params pb = {1, 0, k, n, m, 1.5f, 0.0f, k, n, n, 0, 0, 0};
    assert_int_equal(lc_ref_gemm(&pb, g.a, g.weights, db), LC_OK);
    gradcheck_assert("gemm d/dA", gemm_loss, &g, g.a, (size_t)m * k, da, NULL, GRAD_NONZERO);
    gradcheck_assert("gemm d/dB", gemm_loss, &g, g.b, (size_t)k * n, db, NULL, GRAD_NONZERO);
    free(da);
    free(db);
    free(g.a);
    free(g.b);
    free(g.c);
    free(g.weights);
}

/* ---- the checker itself must be able to fail --------------------------------------------------- */

static void test_checker_rejects_wrong_gradient(void **state)
{
    (void)state;
    bce_ctx b = {.p = {8, 1.0f}};
    b.z = test_doubles(8);
    b.target = test_doubles(8);
    fill_normal(b.z, 8, SEED, 11, 1.0);
    double dz[8] = {0}, loss = 0.0;
    assert_int_equal(lc_ref_sigmoid_bce(&b.p, b.z, b.target, &loss, dz, NULL), LC_OK);
    assert_true(gradcheck(bce_loss, &b, b.z, 8, dz, NULL).max_error <= 1.0);
    dz[3] *= 1.001; /* a 0.1% error in one element */
    gradcheck_result r = gradcheck(bce_loss, &b, b.z, 8, dz, NULL);
    assert_true(r.max_error > 1.0);
    assert_int_equal(r.worst, 3);
    free(b.z);
    free(b.target);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gather_scatter),
        cmocka_unit_test(test_cosine_pairs),
        cmocka_unit_test(test_sigmoid_bce),
        cmocka_unit_test(test_gemm_adjoints),
        cmocka_unit_test(test_checker_rejects_wrong_gradient),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
