/* Parity runners of the non-recurrent ops: inputs from the counter RNG, device op, reference. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "support_parity.h"

#define EPS ((double)FLT_EPSILON)

/* Host scratch freed at the end of a runner. */
typedef struct scratch {
    void *blocks[16];
    int count;
} scratch;

static void *scratch_alloc(parity_run *run, scratch *s, size_t bytes)
{
    void *p = calloc(1, bytes + 8);
    if (!p || s->count >= 16) {
        free(p);
        run->setup_failed = 1;
        return NULL;
    }
    s->blocks[s->count++] = p;
    return p;
}

static void scratch_free(scratch *s)
{
    for (int i = 0; i < s->count; i++)
        free(s->blocks[i]);
}

static float *random_floats(parity_run *run, scratch *s, const char *name, size_t count,
                            double scale)
{
    float *x = scratch_alloc(run, s, count * sizeof(float));
    for (size_t k = 0; x && k < count; k++)
        x[k] = parity_normal(run, name, k, scale);
    return x;
}

static double *as_doubles(parity_run *run, scratch *s, const float *x, size_t count)
{
    double *d = scratch_alloc(run, s, count * sizeof(double));
    for (size_t k = 0; d && x && k < count; k++)
        d[k] = (double)x[k];
    return d;
}

/* Index k of `count` in [0, range), from the case's stream. */
static int32_t random_index(parity_run *run, const char *name, size_t k, int32_t range)
{
    double u = fabs(parity_normal(run, name, k, 1.0));
    return (int32_t)((uint32_t)(u * 7919.0 + (double)k * 31.0) % (uint32_t)range);
}

static unsigned char *mask_alloc(parity_run *run, parity_array *a)
{
    if (!a)
        return NULL;
    a->mask = calloc(a->count + 1, 1);
    if (!a->mask)
        run->setup_failed = 1;
    return a->mask;
}

/* Checks a status from the device; 0 (and the run marked failed) on error. */
static int device_ok(parity_run *run, const char *what, lc_status status)
{
    if (status == LC_OK)
        return 1;
    parity_call_failed(run, what, status);
    return 0;
}

static int reference_ok(parity_run *run, lc_status status)
{
    if (status != LC_OK)
        run->setup_failed = 1;
    return status == LC_OK;
}

/* Elements of a matrix stored rows x cols with stride ld from offset (0 when empty). */
static size_t stored_size(size_t offset, int32_t rows, int32_t cols, int32_t ld)
{
    if (rows <= 0 || cols <= 0)
        return offset;
    return offset + (size_t)(rows - 1) * (size_t)ld + (size_t)cols;
}

static parity_outcome run_gemm(parity_run *run, scratch *s)
{
    const lc_gemm_params *p = &run->c->u.gemm;
    if (!parity_supported(run, LC_OP_GEMM, p))
        return PARITY_SKIP;
    size_t a_size = stored_size(p->a_offset, p->trans_a ? p->k : p->m, p->trans_a ? p->m : p->k, p->lda);
    size_t b_size = stored_size(p->b_offset, p->trans_b ? p->n : p->k, p->trans_b ? p->k : p->n, p->ldb);
    size_t c_size = stored_size(p->c_offset, p->m, p->n, p->ldc);
    float *a = random_floats(run, s, "a", a_size, 1.0);
    float *b = random_floats(run, s, "b", b_size, 1.0);
    float *c = random_floats(run, s, "c", c_size, 1.0);
    if (run->setup_failed)
        return PARITY_FAIL;
    /* Between and before C's rows the sentinel must survive. */
    parity_tolerance tol = {8 * EPS * parity_log2_ceil(p->k), 0};
    lc_buffer *da = parity_input_f32(run, "a", a, a_size);
    lc_buffer *db = parity_input_f32(run, "b", b, b_size);
    float *c_init = scratch_alloc(run, s, c_size * sizeof(float));
    parity_array *out = parity_output(run, "c", NULL, c_size, tol);
    unsigned char *mask = mask_alloc(run, out);
    if (run->setup_failed)
        return PARITY_FAIL;
    for (int32_t i = 0; i < p->m; i++)
        for (int32_t j = 0; j < p->n; j++)
            mask[p->c_offset + (size_t)i * (size_t)p->ldc + (size_t)j] = 1;
    /* Rebuild C's initial content: random where the op writes, sentinel around. */
    for (size_t k = 0; k < c_size; k++) {
        if (mask[k]) {
            c_init[k] = c[k];
            memcpy(&out->initial[k], &c[k], sizeof(float));
        } else {
            memcpy(&c_init[k], &out->initial[k], sizeof(float));
        }
    }
    if (!device_ok(run, "upload c",
                   run->dev->api->buffer_upload(run->dev->handle, out->buf, 0, c_init,
                                                c_size * sizeof(float))))
        return PARITY_FAIL;
    parity_initial_doubles(out, out->expected);
    double *ra = as_doubles(run, s, a, a_size), *rb = as_doubles(run, s, b, b_size);
    if (run->setup_failed || !reference_ok(run, lc_ref_gemm(p, ra, rb, out->expected)))
        return PARITY_FAIL;
    device_ok(run, "gemm", run->dev->api->gemm(run->dev->handle, p, da, db, out->buf));
    return PARITY_PASS;
}

static parity_outcome run_gather(parity_run *run, scratch *s, int scatter)
{
    const lc_gather_params *p = &run->c->u.gather;
    if (!parity_supported(run, scatter ? LC_OP_SCATTER_ADD : LC_OP_GATHER, p))
        return PARITY_SKIP;
    size_t table_size = (size_t)p->rows * (size_t)p->width;
    size_t rows_size = (size_t)p->count * (size_t)p->width;
    int32_t *index = scratch_alloc(run, s, ((size_t)p->count + 1) * sizeof(int32_t));
    float *table = random_floats(run, s, "table", table_size, 1.0);
    float *src = random_floats(run, s, "src", rows_size, 1.0);
    if (run->setup_failed)
        return PARITY_FAIL;
    for (int32_t r = 0; r < p->count; r++) /* repeats, and -1 and rows out of range */
        index[r] = random_index(run, "index", (size_t)r, p->rows + 2) - 1;
    lc_buffer *dindex = parity_input_i32(run, "index", index, (size_t)p->count);
    double *rindex_table = as_doubles(run, s, table, table_size);
    if (scatter) {
        parity_tolerance tol = {4 * EPS * parity_log2_ceil(p->count), 0};
        parity_array *out = parity_output(run, "table", table, table_size, tol);
        lc_buffer *dsrc = parity_input_f32(run, "src", src, rows_size);
        double *rsrc = as_doubles(run, s, src, rows_size);
        if (run->setup_failed ||
            !reference_ok(run, lc_ref_scatter_add(p, out->expected, index, rsrc)))
            return PARITY_FAIL;
        device_ok(run, "scatter_add",
                  run->dev->api->scatter_add(run->dev->handle, p, out->buf, dindex, dsrc));
    } else {
        parity_tolerance tol = {0, 0};
        lc_buffer *dtable = parity_input_f32(run, "table", table, table_size);
        parity_array *out = parity_output(run, "out", NULL, rows_size, tol);
        if (run->setup_failed ||
            !reference_ok(run, lc_ref_gather(p, rindex_table, index, out->expected)))
            return PARITY_FAIL;
        device_ok(run, "gather", run->dev->api->gather(run->dev->handle, p, dtable, dindex, out->buf));
    }
    return PARITY_PASS;
}

static parity_outcome run_cosine(parity_run *run, scratch *s, int backward)
{
    const lc_cosine_pairs_params *p = &run->c->u.cosine.p;
    if (!parity_supported(run, backward ? LC_OP_COSINE_PAIRS_BACKWARD : LC_OP_COSINE_PAIRS, p))
        return PARITY_SKIP;
    size_t size = (size_t)p->rows * (size_t)p->width, pairs = (size_t)p->pairs;
    float *x = random_floats(run, s, "x", size, 1.0);
    float *dout = random_floats(run, s, "dout", pairs, 1.0);
    float *dx = random_floats(run, s, "dx", size, 1.0);
    int32_t *ia = scratch_alloc(run, s, (pairs + 1) * sizeof(int32_t));
    int32_t *ib = scratch_alloc(run, s, (pairs + 1) * sizeof(int32_t));
    if (run->setup_failed)
        return PARITY_FAIL;
    int32_t zero_row = run->c->u.cosine.zero_row;
    for (int32_t j = 0; zero_row >= 0 && j < p->width; j++)
        x[(size_t)zero_row * (size_t)p->width + (size_t)j] = 0.0f;
    for (size_t k = 0; k < pairs; k++) {
        ia[k] = random_index(run, "ia", k, p->rows);
        ib[k] = k % 5 == 0 ? ia[k] : random_index(run, "ib", k, p->rows); /* self-pairs too */
    }
    lc_buffer *dxin = parity_input_f32(run, "x", x, size);
    lc_buffer *dia = parity_input_i32(run, "ia", ia, pairs);
    lc_buffer *dib = parity_input_i32(run, "ib", ib, pairs);
    double *rx = as_doubles(run, s, x, size);
    double width_log = parity_log2_ceil(p->width);
    if (backward) {
        /* Each row gathers about 2 pairs / rows contributions. */
        parity_tolerance tol = {16 * EPS * parity_log2_ceil((double)p->width * (double)pairs), 0};
        lc_buffer *ddout = parity_input_f32(run, "dout", dout, pairs);
        parity_array *out = parity_output(run, "dx", dx, size, tol);
        double *rdout = as_doubles(run, s, dout, pairs);
        if (run->setup_failed ||
            !reference_ok(run, lc_ref_cosine_pairs_backward(p, rx, ia, ib, rdout, out->expected)))
            return PARITY_FAIL;
        device_ok(run, "cosine_pairs_backward",
                  run->dev->api->cosine_pairs_backward(run->dev->handle, p, dxin, dia, dib, ddout,
                                                       out->buf));
    } else {
        parity_tolerance tol = {8 * EPS * width_log, 8 * EPS * width_log};
        parity_array *out = parity_output(run, "out", NULL, pairs, tol);
        if (run->setup_failed ||
            !reference_ok(run, lc_ref_cosine_pairs(p, rx, ia, ib, out->expected)))
            return PARITY_FAIL;
        device_ok(run, "cosine_pairs",
                  run->dev->api->cosine_pairs(run->dev->handle, p, dxin, dia, dib, out->buf));
    }
    return PARITY_PASS;
}

static parity_outcome run_bce(parity_run *run, scratch *s)
{
    const lc_sigmoid_bce_params *p = &run->c->u.bce.p;
    if (!parity_supported(run, LC_OP_SIGMOID_BCE, p))
        return PARITY_SKIP;
    size_t count = (size_t)p->count;
    float *z = random_floats(run, s, "z", count, run->c->u.bce.spread);
    float *target = scratch_alloc(run, s, (count + 1) * sizeof(float));
    float *dz = random_floats(run, s, "dz", count, 1e-3);
    if (run->setup_failed)
        return PARITY_FAIL;
    for (size_t k = 0; k < count; k++)
        target[k] = (float)(parity_normal(run, "target", k, 1.0) > 0.5f);
    lc_buffer *dzin = parity_input_f32(run, "z", z, count);
    lc_buffer *dt = parity_input_f32(run, "target", target, count);
    parity_tolerance tol = {8 * EPS * parity_log2_ceil(p->count), 0};
    parity_array *loss = parity_output(run, "loss", NULL, 1, tol);
    parity_array *grad = run->c->u.bce.with_dz ? parity_output(run, "dz", dz, count, tol) : NULL;
    parity_array *prob = run->c->u.bce.with_prob ? parity_output(run, "prob", NULL, count, tol) : NULL;
    double *rz = as_doubles(run, s, z, count), *rt = as_doubles(run, s, target, count);
    if (run->setup_failed ||
        !reference_ok(run, lc_ref_sigmoid_bce(p, rz, rt, loss->expected,
                                              grad ? grad->expected : NULL,
                                              prob ? prob->expected : NULL)))
        return PARITY_FAIL;
    device_ok(run, "sigmoid_bce",
              run->dev->api->sigmoid_bce(run->dev->handle, p, dzin, dt, loss->buf,
                                         grad ? grad->buf : NULL, prob ? prob->buf : NULL));
    return PARITY_PASS;
}

static parity_outcome run_l2(parity_run *run, scratch *s)
{
    const lc_l2_normalize_params *p = &run->c->u.l2.p;
    if (!parity_supported(run, LC_OP_L2_NORMALIZE, p))
        return PARITY_SKIP;
    size_t size = (size_t)p->rows * (size_t)p->width;
    float *x = random_floats(run, s, "x", size, 3.0);
    if (run->setup_failed)
        return PARITY_FAIL;
    int32_t zero_row = run->c->u.l2.zero_row;
    for (int32_t j = 0; zero_row >= 0 && j < p->width; j++)
        x[(size_t)zero_row * (size_t)p->width + (size_t)j] = 0.0f;
    parity_tolerance tol = {8 * EPS * parity_log2_ceil(p->width), 0};
    double *rx = as_doubles(run, s, x, size);
    parity_array *y;
    lc_buffer *dxin;
    if (run->c->u.l2.in_place) {
        y = parity_output(run, "x", x, size, tol);
        dxin = y ? y->buf : NULL;
    } else {
        dxin = parity_input_f32(run, "x", x, size);
        y = parity_output(run, "y", NULL, size, tol);
    }
    if (run->setup_failed || !reference_ok(run, lc_ref_l2_normalize(p, rx, y->expected)))
        return PARITY_FAIL;
    device_ok(run, "l2_normalize", run->dev->api->l2_normalize(run->dev->handle, p, dxin, y->buf));
    return PARITY_PASS;
}

/* Rows of unit length (the op's precondition), rounded to float. */
static float *unit_rows(parity_run *run, scratch *s, const char *name, int32_t rows, int32_t width)
{
    size_t size = (size_t)rows * (size_t)width;
    float *x = random_floats(run, s, name, size, 1.0);
    double *d = as_doubles(run, s, x, size);
    lc_l2_normalize_params p = {rows, width};
    if (!x || !d || lc_ref_l2_normalize(&p, d, d) != LC_OK)
        return NULL;
    for (size_t k = 0; k < size; k++)
        x[k] = (float)d[k];
    /* Duplicate row 0 into row 1: a zero distance, the clamp at 0 exercised. */
    for (int32_t j = 0; rows > 1 && j < width; j++)
        x[(size_t)width + (size_t)j] = x[j];
    return x;
}

static parity_outcome run_distance(parity_run *run, scratch *s)
{
    const lc_distance_params *p = &run->c->u.distance.p;
    if (!parity_supported(run, LC_OP_COSINE_DISTANCE_TILE, p))
        return PARITY_SKIP;
    int32_t x_rows = run->c->u.distance.x_rows, y_rows = run->c->u.distance.y_rows;
    float *x = unit_rows(run, s, "x", x_rows, p->width);
    float *y = unit_rows(run, s, "y", y_rows, p->width);
    if (!x || !y) {
        run->setup_failed = 1;
        return PARITY_FAIL;
    }
    size_t out_size = stored_size(0, p->rows, p->cols, p->ld_out);
    double w = parity_log2_ceil(p->width);
    parity_tolerance tol = {8 * EPS * w, 8 * EPS * w};
    lc_buffer *dx = parity_input_f32(run, "x", x, (size_t)x_rows * (size_t)p->width);
    lc_buffer *dy = parity_input_f32(run, "y", y, (size_t)y_rows * (size_t)p->width);
    parity_array *out = parity_output(run, "out", NULL, out_size, tol);
    unsigned char *mask = mask_alloc(run, out);
    double *rx = as_doubles(run, s, x, (size_t)x_rows * (size_t)p->width);
    double *ry = as_doubles(run, s, y, (size_t)y_rows * (size_t)p->width);
    if (run->setup_failed)
        return PARITY_FAIL;
    for (int32_t i = 0; i < p->rows; i++)
        for (int32_t j = 0; j < p->cols; j++)
            mask[(size_t)i * (size_t)p->ld_out + (size_t)j] = 1;
    if (!reference_ok(run, lc_ref_cosine_distance_tile(p, rx, ry, out->expected)))
        return PARITY_FAIL;
    device_ok(run, "cosine_distance_tile",
              run->dev->api->cosine_distance_tile(run->dev->handle, p, dx, dy, out->buf));
    return PARITY_PASS;
}

static parity_outcome run_optimizer(parity_run *run, scratch *s, int adam)
{
    const lc_optimizer_params *p = &run->c->u.opt;
    if (!parity_supported(run, adam ? LC_OP_ADAM : LC_OP_SGD, p))
        return PARITY_SKIP;
    size_t count = (size_t)p->count;
    float *w = random_floats(run, s, "w", count, 1.0);
    float *g = random_floats(run, s, "g", count, 1.0);
    float *m = random_floats(run, s, "m", count, 0.1);
    float *v = random_floats(run, s, "v", count, 0.1);
    if (run->setup_failed)
        return PARITY_FAIL;
    for (size_t k = 0; k < count; k++)
        v[k] = v[k] * v[k]; /* a second moment is never negative */
    parity_tolerance tol = {(adam ? 16 : 2) * EPS, 0};
    lc_buffer *dg = parity_input_f32(run, "g", g, count);
    parity_array *dw = parity_output(run, "w", w, count, tol);
    double *rg = as_doubles(run, s, g, count);
    if (!adam) {
        if (run->setup_failed || !reference_ok(run, lc_ref_sgd(p, dw->expected, rg)))
            return PARITY_FAIL;
        device_ok(run, "sgd", run->dev->api->sgd(run->dev->handle, p, dw->buf, dg));
        return PARITY_PASS;
    }
    parity_array *dm = parity_output(run, "m", m, count, tol);
    parity_array *dv = parity_output(run, "v", v, count, tol);
    if (run->setup_failed ||
        !reference_ok(run, lc_ref_adam(p, dw->expected, rg, dm->expected, dv->expected)))
        return PARITY_FAIL;
    device_ok(run, "adam", run->dev->api->adam(run->dev->handle, p, dw->buf, dg, dm->buf, dv->buf));
    return PARITY_PASS;
}

parity_outcome parity_run_simple_op(parity_run *run)
{
    scratch s = {0};
    parity_outcome outcome = PARITY_FAIL;
    switch (run->c->op) {
    case LC_OP_GEMM: outcome = run_gemm(run, &s); break;
    case LC_OP_GATHER: outcome = run_gather(run, &s, 0); break;
    case LC_OP_SCATTER_ADD: outcome = run_gather(run, &s, 1); break;
    case LC_OP_COSINE_PAIRS: outcome = run_cosine(run, &s, 0); break;
    case LC_OP_COSINE_PAIRS_BACKWARD: outcome = run_cosine(run, &s, 1); break;
    case LC_OP_SIGMOID_BCE: outcome = run_bce(run, &s); break;
    case LC_OP_L2_NORMALIZE: outcome = run_l2(run, &s); break;
    case LC_OP_COSINE_DISTANCE_TILE: outcome = run_distance(run, &s); break;
    case LC_OP_SGD: outcome = run_optimizer(run, &s, 0); break;
    case LC_OP_ADAM: outcome = run_optimizer(run, &s, 1); break;
    default: run->setup_failed = 1; break;
    }
    scratch_free(&s);
    return outcome;
}
