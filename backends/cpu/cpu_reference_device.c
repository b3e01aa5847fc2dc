/*
 * cpu:1, the float64 reference device: every op converts its float32 buffers to double, runs the
 * lc_ref_* function of the same name (backends/reference) and rounds what the op writes back to
 * float32. Gradient outputs accumulate in double: the output buffer is converted first, the
 * reference adds to it, and the sum is rounded once.
 *
 * Only the elements an op may write are stored back (strided GEMM/distance rows leave their gaps
 * alone). Buffers are checked here with the fast ops' rules, so both devices accept the same calls.
 *
 * The LSTM keeps no reserve (workspace_size is 0): lstm_backward re-runs the forward in double from
 * the input buffers it is given (codes or xproj, table, wh, bias, peep), as lc_ref_lstm_backward
 * does, so the backward must get the same inputs as the training forward.
 */
#include <stdlib.h>

#include "cpu_ops.h"
#include "reference.h"

#define SCRATCH_MAX 12

/* The double copies of one call, freed together. */
typedef struct scratch {
    double *arrays[SCRATCH_MAX];
    int count;
    int failed;
} scratch;

/* n zeroed doubles (at least one, so that an empty array is not NULL); NULL once any failed. */
static double *scratch_zeros(scratch *s, size_t n)
{
    if (s->failed || s->count == SCRATCH_MAX) {
        s->failed = 1;
        return NULL;
    }
    double *d = calloc(n ? n : 1, sizeof *d);
    if (!d) {
        s->failed = 1;
        return NULL;
    }
    s->arrays[s->count++] = d;
    return d;
}

/* n doubles holding src[0..n). */
static double *scratch_load(scratch *s, const float *src, size_t n)
{
    double *d = scratch_zeros(s, n);
    if (d)
        for (size_t k = 0; k < n; k++)
            d[k] = src[k];
    return d;
}

static void scratch_free(scratch *s)
{
    for (int k = 0; k < s->count; k++)
        free(s->arrays[k]);
    s->count = 0;
}

/* float -> double -> float is the identity, so storing an element the reference left alone
 * keeps its bits (quiet NaN sentinels included). */
static void store(float *dst, const double *src, size_t n)
{
    for (size_t k = 0; k < n; k++)
        dst[k] = (float)src[k];
}

/* rows x cols at row stride ld: only the written elements of a strided matrix. */
static void store_rows(float *dst, const double *src, int rows, int cols, size_t ld)
{
    for (size_t r = 0; r < (size_t)rows; r++)
        store(dst + r * ld, src + r * ld, (size_t)cols);
}

/* Status of a reference call, with a message, after the scratch is released. */
static lc_status finish(scratch *s, lc_status st, const char *what)
{
    int failed = s->failed;
    scratch_free(s);
    if (failed)
        return cpu_fail(LC_ERR_NOMEM, "%s: out of memory for the float64 copies", what);
    if (st == LC_ERR_NOMEM)
        return cpu_fail(st, "%s: out of memory in the float64 reference", what);
    if (st != LC_OK)
        return cpu_fail(st, "%s: the float64 reference rejected the arguments", what);
    return LC_OK;
}

/* Elements of a row-major matrix with `rows` rows of `cols` columns and row stride ld. */
static size_t extent(int rows, int cols, int ld)
{
    return rows == 0 || cols == 0 ? 0 : (size_t)(rows - 1) * (size_t)ld + (size_t)cols;
}

int cpu_reference_supports(lc_device *device, lc_op op, const void *params)
{
    return cpu_validate(device, op, params) == LC_OK;
}

lc_status cpu_reference_workspace_size(lc_device *device, lc_op op, const void *params,
                                       size_t *bytes)
{
    if (!bytes)
        return cpu_fail(LC_ERR_INVALID, "workspace_size: bytes is NULL");
    *bytes = 0; /* no reserve and no scratch: the reference backward recomputes */
    return cpu_validate(device, op, params);
}

lc_status cpu_reference_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a,
                             lc_buffer *b, lc_buffer *c)
{
    lc_status st = cpu_validate(device, LC_OP_GEMM, p);
    if (st != LC_OK)
        return st;
    size_t a_len = p->trans_a ? extent(p->k, p->m, p->lda) : extent(p->m, p->k, p->lda);
    size_t b_len = p->trans_b ? extent(p->n, p->k, p->ldb) : extent(p->k, p->n, p->ldb);
    size_t c_len = extent(p->m, p->n, p->ldc);
    const size_t f = sizeof(float);
    if ((st = cpu_check_buffer(c, (p->c_offset + c_len) * f, "gemm C")) ||
        (p->k > 0 && (st = cpu_check_buffer(a, (p->a_offset + a_len) * f, "gemm A"))) ||
        (p->k > 0 && (st = cpu_check_buffer(b, (p->b_offset + b_len) * f, "gemm B"))))
        return st;
    /* The double copies start at the offsets, so the reference sees offsets 0. */
    lc_gemm_params q = *p;
    q.a_offset = q.b_offset = q.c_offset = 0;
    scratch s = {0};
    double *ad = p->k > 0 ? scratch_load(&s, cpu_f32(a) + p->a_offset, a_len) : NULL;
    double *bd = p->k > 0 ? scratch_load(&s, cpu_f32(b) + p->b_offset, b_len) : NULL;
    double *cd = scratch_load(&s, cpu_f32(c) + p->c_offset, c_len);
    if (!s.failed && (st = lc_ref_gemm(&q, ad, bd, cd)) == LC_OK)
        store_rows(cpu_f32(c) + p->c_offset, cd, p->m, p->n, (size_t)p->ldc);
    return finish(&s, st, "gemm");
}

lc_status cpu_reference_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                               lc_buffer *index, lc_buffer *out)
{
    lc_status st = cpu_validate(device, LC_OP_GATHER, p);
    if (st || (st = cpu_check_gather(p, table, index, out, "gather out")))
        return st;
    scratch s = {0};
    double *td = scratch_load(&s, cpu_f32(table), (size_t)p->rows * p->width);
    double *od = scratch_zeros(&s, (size_t)p->count * p->width);
    if (!s.failed && (st = lc_ref_gather(p, td, cpu_i32(index), od)) == LC_OK)
        store(cpu_f32(out), od, (size_t)p->count * p->width);
    return finish(&s, st, "gather");
}

lc_status cpu_reference_scatter_add(lc_device *device, const lc_gather_params *p,
                                    lc_buffer *table, lc_buffer *index, lc_buffer *src)
{
    lc_status st = cpu_validate(device, LC_OP_SCATTER_ADD, p);
    if (st || (st = cpu_check_gather(p, table, index, src, "scatter_add src")))
        return st;
    scratch s = {0};
    double *td = scratch_load(&s, cpu_f32(table), (size_t)p->rows * p->width);
    double *sd = scratch_load(&s, cpu_f32(src), (size_t)p->count * p->width);
    if (!s.failed && (st = lc_ref_scatter_add(p, td, cpu_i32(index), sd)) == LC_OK)
        store(cpu_f32(table), td, (size_t)p->rows * p->width);
    return finish(&s, st, "scatter_add");
}

/* Double copies of the inputs into a (outputs and gradients are the caller's). */
static void load_lstm_inputs(scratch *s, const lc_lstm_params *p, const lc_lstm_buffers *b,
                             lc_ref_lstm_arrays *a)
{
    const size_t H = (size_t)p->hidden;
    if (p->input == LC_LSTM_INPUT_CODES) {
        a->codes = cpu_i32(b->codes);
        a->table = scratch_load(s, cpu_f32(b->table), (size_t)p->vocab * 4 * H);
    } else {
        a->xproj = scratch_load(s, cpu_f32(b->xproj), (size_t)p->total * 4 * H);
    }
    a->wh = scratch_load(s, cpu_f32(b->wh), H * 4 * H);
    a->bias = scratch_load(s, cpu_f32(b->bias), 4 * H);
    a->peep = p->form != LC_LSTM_STANDARD ? scratch_load(s, cpu_f32(b->peep), 3 * H) : NULL;
}

lc_status cpu_reference_lstm_forward(lc_device *device, const lc_lstm_params *p,
                                     const lc_lstm_buffers *b)
{
    lc_status st = cpu_validate(device, LC_OP_LSTM_FORWARD, p);
    if (st != LC_OK)
        return st;
    if (!b)
        return cpu_fail(LC_ERR_INVALID, "lstm_forward: buffers are NULL");
    const size_t H = (size_t)p->hidden;
    if ((st = cpu_check_lstm_forward(p, b)))
        return st;
    if (p->batch == 0) /* nothing to write (and lengths may be NULL, which the reference refuses) */
        return LC_OK;
    scratch s = {0};
    lc_ref_lstm_arrays a = {0};
    load_lstm_inputs(&s, p, b, &a);
    a.h_last = scratch_zeros(&s, (size_t)p->batch * H);
    a.h_all = p->all_steps ? scratch_zeros(&s, (size_t)p->total * H) : NULL;
    /* No reserve is filled, training or not: the backward recomputes these states. */
    if (!s.failed && (st = lc_ref_lstm_forward(p, &a)) == LC_OK) {
        if (b->h_last)
            store(cpu_f32(b->h_last), a.h_last, (size_t)p->batch * H);
        if (p->all_steps)
            store(cpu_f32(b->h_all), a.h_all, (size_t)p->total * H);
    }
    return finish(&s, st, "lstm_forward");
}

/* A gradient output as doubles holding its current value (to accumulate into), or NULL. */
static double *load_gradient(scratch *s, lc_buffer *buffer, size_t n)
{
    return buffer ? scratch_load(s, cpu_f32(buffer), n) : NULL;
}

static void store_gradient(lc_buffer *buffer, const double *d, size_t n)
{
    if (buffer && d)
        store(cpu_f32(buffer), d, n);
}

lc_status cpu_reference_lstm_backward(lc_device *device, const lc_lstm_params *p,
                                      const lc_lstm_buffers *b)
{
    lc_status st = cpu_validate(device, LC_OP_LSTM_BACKWARD, p);
    if (st != LC_OK)
        return st;
    if (!b)
        return cpu_fail(LC_ERR_INVALID, "lstm_backward: buffers are NULL");
    const size_t f = sizeof(float), H = (size_t)p->hidden;
    const int codes_input = p->input == LC_LSTM_INPUT_CODES;
    const size_t total = (size_t)p->total, batch = (size_t)p->batch;
    lc_buffer *dinput = codes_input ? b->dtable : b->dxproj;
    size_t dinput_len = (codes_input ? (size_t)p->vocab : total) * 4 * H;
    lc_buffer *dpeep = p->form != LC_LSTM_STANDARD ? b->dpeep : NULL;
    if ((st = cpu_check_lstm_inputs(p, b)) ||
        (b->dh_last && (st = cpu_check_buffer(b->dh_last, batch * H * f, "lstm dh_last"))) ||
        (b->dh_all && (st = cpu_check_buffer(b->dh_all, total * H * f, "lstm dh_all"))) ||
        (dinput && (st = cpu_check_buffer(dinput, dinput_len * f,
                                          codes_input ? "lstm dtable" : "lstm dxproj"))) ||
        (b->dwh && (st = cpu_check_buffer(b->dwh, H * 4 * H * f, "lstm dwh"))) ||
        (b->dbias && (st = cpu_check_buffer(b->dbias, 4 * H * f, "lstm dbias"))) ||
        (dpeep && (st = cpu_check_buffer(dpeep, 3 * H * f, "lstm dpeep"))))
        return st;
    if (p->total == 0) /* no step ran: no gradient */
        return LC_OK;
    scratch s = {0};
    lc_ref_lstm_arrays a = {0};
    load_lstm_inputs(&s, p, b, &a);
    a.dh_last = load_gradient(&s, b->dh_last, batch * H);
    a.dh_all = load_gradient(&s, b->dh_all, total * H);
    double *dinput_d = load_gradient(&s, dinput, dinput_len);
    *(codes_input ? &a.dtable : &a.dxproj) = dinput_d;
    a.dwh = load_gradient(&s, b->dwh, H * 4 * H);
    a.dbias = load_gradient(&s, b->dbias, 4 * H);
    a.dpeep = load_gradient(&s, dpeep, 3 * H);
    if (!s.failed && (st = lc_ref_lstm_backward(p, &a)) == LC_OK) {
        store_gradient(dinput, dinput_d, dinput_len);
        store_gradient(b->dwh, a.dwh, H * 4 * H);
        store_gradient(b->dbias, a.dbias, 4 * H);
        store_gradient(dpeep, a.dpeep, 3 * H);
    }
    return finish(&s, st, "lstm_backward");
}

lc_status cpu_reference_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p,
                                     lc_buffer *x, lc_buffer *ia, lc_buffer *ib, lc_buffer *out)
{
    lc_status st = cpu_validate(device, LC_OP_COSINE_PAIRS, p);
    if (st || (st = cpu_check_pairs(p, x, ia, ib)) ||
        (st = cpu_check_buffer(out, (size_t)p->pairs * sizeof(float), "cosine out")))
        return st;
    scratch s = {0};
    double *xd = scratch_load(&s, cpu_f32(x), (size_t)p->rows * p->width);
    double *od = scratch_zeros(&s, (size_t)p->pairs);
    if (!s.failed && (st = lc_ref_cosine_pairs(p, xd, cpu_i32(ia), cpu_i32(ib), od)) == LC_OK)
        store(cpu_f32(out), od, (size_t)p->pairs);
    return finish(&s, st, "cosine_pairs");
}

lc_status cpu_reference_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                              lc_buffer *x, lc_buffer *ia, lc_buffer *ib,
                                              lc_buffer *dout, lc_buffer *dx)
{
    lc_status st = cpu_validate(device, LC_OP_COSINE_PAIRS_BACKWARD, p);
    const size_t n = p ? (size_t)p->rows * p->width : 0;
    if (st || (st = cpu_check_pairs(p, x, ia, ib)) ||
        (st = cpu_check_buffer(dout, (size_t)p->pairs * sizeof(float), "cosine dout")) ||
        (st = cpu_check_buffer(dx, n * sizeof(float), "cosine dx")))
        return st;
    scratch s = {0};
    double *xd = scratch_load(&s, cpu_f32(x), n);
    double *gd = scratch_load(&s, cpu_f32(dout), (size_t)p->pairs);
    double *dxd = scratch_load(&s, cpu_f32(dx), n);
    if (!s.failed &&
        (st = lc_ref_cosine_pairs_backward(p, xd, cpu_i32(ia), cpu_i32(ib), gd, dxd)) == LC_OK)
        store(cpu_f32(dx), dxd, n);
    return finish(&s, st, "cosine_pairs_backward");
}

lc_status cpu_reference_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p,
                                    lc_buffer *z, lc_buffer *target, lc_buffer *loss,
                                    lc_buffer *dz, lc_buffer *prob)
{
    lc_status st = cpu_validate(device, LC_OP_SIGMOID_BCE, p);
    const size_t n = p ? (size_t)p->count : 0, bytes = n * sizeof(float);
    if (st || (st = cpu_check_buffer(z, bytes, "sigmoid_bce z")) ||
        (st = cpu_check_buffer(target, bytes, "sigmoid_bce target")) ||
        (st = cpu_check_buffer(loss, sizeof(float), "sigmoid_bce loss")) ||
        (dz && (st = cpu_check_buffer(dz, bytes, "sigmoid_bce dz"))) ||
        (prob && (st = cpu_check_buffer(prob, bytes, "sigmoid_bce prob"))))
        return st;
    scratch s = {0};
    double *zd = scratch_load(&s, cpu_f32(z), n);
    double *td = scratch_load(&s, cpu_f32(target), n);
    double *ld = scratch_zeros(&s, 1);
    double *dzd = load_gradient(&s, dz, n);
    double *pd = prob ? scratch_zeros(&s, n) : NULL;
    if (!s.failed && (st = lc_ref_sigmoid_bce(p, zd, td, ld, dzd, pd)) == LC_OK) {
        store(cpu_f32(loss), ld, 1);
        store_gradient(dz, dzd, n);
        if (prob)
            store(cpu_f32(prob), pd, n);
    }
    return finish(&s, st, "sigmoid_bce");
}

lc_status cpu_reference_l2_normalize(lc_device *device, const lc_l2_normalize_params *p,
                                     lc_buffer *x, lc_buffer *y)
{
    lc_status st = cpu_validate(device, LC_OP_L2_NORMALIZE, p);
    const size_t n = p ? (size_t)p->rows * p->width : 0;
    if (st || (st = cpu_check_buffer(x, n * sizeof(float), "l2_normalize x")) ||
        (st = cpu_check_buffer(y, n * sizeof(float), "l2_normalize y")))
        return st;
    scratch s = {0};
    double *xd = scratch_load(&s, cpu_f32(x), n);
    double *yd = scratch_zeros(&s, n); /* separate even when x == y: x is read whole first */
    if (!s.failed && (st = lc_ref_l2_normalize(p, xd, yd)) == LC_OK)
        store(cpu_f32(y), yd, n);
    return finish(&s, st, "l2_normalize");
}

lc_status cpu_reference_cosine_distance_tile(lc_device *device, const lc_distance_params *p,
                                             lc_buffer *x, lc_buffer *y, lc_buffer *out)
{
    lc_status st = cpu_validate(device, LC_OP_COSINE_DISTANCE_TILE, p);
    if (st != LC_OK)
        return st;
    const size_t width = (size_t)p->width, f = sizeof(float);
    const size_t out_len = extent(p->rows, p->cols, p->ld_out);
    if ((st = cpu_check_buffer(x, ((size_t)p->x_row + p->rows) * width * f, "distance x")) ||
        (st = cpu_check_buffer(y, ((size_t)p->y_row + p->cols) * width * f, "distance y")) ||
        (st = cpu_check_buffer(out, out_len * f, "distance out")))
        return st;
    /* Copy only the rows the tile reads; the reference then starts at row 0 of each. */
    lc_distance_params q = *p;
    q.x_row = q.y_row = 0;
    scratch s = {0};
    double *xd = scratch_load(&s, cpu_f32(x) + (size_t)p->x_row * width, (size_t)p->rows * width);
    double *yd = scratch_load(&s, cpu_f32(y) + (size_t)p->y_row * width, (size_t)p->cols * width);
    double *od = scratch_zeros(&s, out_len);
    if (!s.failed && (st = lc_ref_cosine_distance_tile(&q, xd, yd, od)) == LC_OK)
        store_rows(cpu_f32(out), od, p->rows, p->cols, (size_t)p->ld_out);
    return finish(&s, st, "cosine_distance_tile");
}

lc_status cpu_reference_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w,
                            lc_buffer *g)
{
    lc_status st = cpu_validate(device, LC_OP_SGD, p);
    const size_t n = p ? (size_t)p->count : 0;
    if (st || (st = cpu_check_buffer(w, n * sizeof(float), "sgd w")) ||
        (st = cpu_check_buffer(g, n * sizeof(float), "sgd g")))
        return st;
    scratch s = {0};
    double *wd = scratch_load(&s, cpu_f32(w), n);
    double *gd = scratch_load(&s, cpu_f32(g), n);
    if (!s.failed && (st = lc_ref_sgd(p, wd, gd)) == LC_OK)
        store(cpu_f32(w), wd, n);
    return finish(&s, st, "sgd");
}

lc_status cpu_reference_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w,
                             lc_buffer *g, lc_buffer *m, lc_buffer *v)
{
    lc_status st = cpu_validate(device, LC_OP_ADAM, p);
    const size_t n = p ? (size_t)p->count : 0, bytes = n * sizeof(float);
    if (st || (st = cpu_check_buffer(w, bytes, "adam w")) ||
        (st = cpu_check_buffer(g, bytes, "adam g")) || (st = cpu_check_buffer(m, bytes, "adam m")) ||
        (st = cpu_check_buffer(v, bytes, "adam v")))
        return st;
    scratch s = {0};
    double *wd = scratch_load(&s, cpu_f32(w), n);
    double *gd = scratch_load(&s, cpu_f32(g), n);
    double *md = scratch_load(&s, cpu_f32(m), n);
    double *vd = scratch_load(&s, cpu_f32(v), n);
    /* The moments live in float32 buffers, so they are rounded each step like the weights. */
    if (!s.failed && (st = lc_ref_adam(p, wd, gd, md, vd)) == LC_OK) {
        store(cpu_f32(w), wd, n);
        store(cpu_f32(m), md, n);
        store(cpu_f32(v), vd, n);
    }
    return finish(&s, st, "adam");
}
