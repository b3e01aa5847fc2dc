/*
 * liblstmcorr-fake.so: a test-only backend that runs every op through the float64 reference on
 * host memory and rounds the results to float. It checks the parity driver itself: run clean it
 * must pass; with LSTMCORR_FAKE_FAULT set it breaks on purpose and the driver must notice:
 *   perturb      first output element of gemm, lstm_forward, lstm_backward and cosine backward off
 *   oob          gemm and sgd also write one element past their output
 *   nan          gemm writes a NaN into C
 *   unsupported  supports() declines every LSTM case
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lstmcorr/backend.h"
#include "reference.h"

struct lc_backend {
    int unused;
};
struct lc_device {
    int unused;
};
struct lc_buffer {
    size_t bytes;
    unsigned char *data;
};

static _Thread_local const char *fake_error = "";

static const char *fake_last_error(void)
{
    return fake_error;
}

static lc_status fail(lc_status status, const char *message)
{
    fake_error = message;
    return status;
}

static int fault(const char *name)
{
    const char *f = getenv("LSTMCORR_FAKE_FAULT");
    return f && strcmp(f, name) == 0;
}

static lc_status fake_init(lc_backend **out)
{
    static lc_backend backend;
    *out = &backend;
    return LC_OK;
}

static void fake_shutdown(lc_backend *backend)
{
    (void)backend;
}

static const char *fake_unavailable_reason(lc_backend *backend)
{
    (void)backend;
    return NULL;
}

static int fake_device_count(lc_backend *backend)
{
    (void)backend;
    return 1;
}

static lc_status fake_device_info(lc_backend *backend, int index, lc_device_info *out)
{
    (void)backend;
    if (index != 0)
        return fail(LC_ERR_INVALID, "fake has one device");
    memset(out, 0, sizeof *out);
    strcpy(out->name, "float64 reference rounded to float");
    strcpy(out->api_version, "test double");
    out->flags = LC_DEVICE_FLAG_HOST_MEMORY | LC_DEVICE_FLAG_FP64;
    return LC_OK;
}

static lc_status fake_device_open(lc_backend *backend, int index, lc_device **out)
{
    (void)backend;
    (void)index;
    static lc_device device;
    *out = &device;
    return LC_OK;
}

static void fake_device_close(lc_device *device)
{
    (void)device;
}

static lc_status fake_buffer_alloc(lc_device *device, size_t bytes, lc_buffer **out)
{
    (void)device;
    lc_buffer *b = malloc(sizeof *b);
    unsigned char *data = calloc(bytes + 1, 1);
    if (!b || !data) {
        free(b);
        free(data);
        return fail(LC_ERR_NOMEM, "out of memory");
    }
    b->bytes = bytes;
    b->data = data;
    *out = b;
    return LC_OK;
}

static void fake_buffer_free(lc_device *device, lc_buffer *buffer)
{
    (void)device;
    if (buffer)
        free(buffer->data);
    free(buffer);
}

static lc_status fake_upload(lc_device *device, lc_buffer *dst, size_t offset, const void *src,
                             size_t bytes)
{
    (void)device;
    if (offset + bytes > dst->bytes)
        return fail(LC_ERR_INVALID, "upload out of range");
    memcpy(dst->data + offset, src, bytes);
    return LC_OK;
}

static lc_status fake_download(lc_device *device, lc_buffer *src, size_t offset, void *dst,
                               size_t bytes)
{
    (void)device;
    if (offset + bytes > src->bytes)
        return fail(LC_ERR_INVALID, "download out of range");
    memcpy(dst, src->data + offset, bytes);
    return LC_OK;
}

static lc_status fake_copy(lc_device *device, lc_buffer *dst, size_t dst_offset, lc_buffer *src,
                           size_t src_offset, size_t bytes)
{
    (void)device;
    if (dst_offset + bytes > dst->bytes || src_offset + bytes > src->bytes)
        return fail(LC_ERR_INVALID, "copy out of range");
    memmove(dst->data + dst_offset, src->data + src_offset, bytes);
    return LC_OK;
}

static lc_status fake_zero(lc_device *device, lc_buffer *buffer, size_t offset, size_t bytes)
{
    (void)device;
    if (offset + bytes > buffer->bytes)
        return fail(LC_ERR_INVALID, "zero out of range");
    memset(buffer->data + offset, 0, bytes);
    return LC_OK;
}

static lc_status fake_synchronize(lc_device *device)
{
    (void)device;
    return LC_OK;
}

static int fake_supports(lc_device *device, lc_op op, const void *params)
{
    (void)device;
    (void)params;
    if (fault("unsupported") && (op == LC_OP_LSTM_FORWARD || op == LC_OP_LSTM_BACKWARD)) {
        fake_error = "LSTM declined (LSTMCORR_FAKE_FAULT=unsupported)";
        return 0;
    }
    return 1;
}

static lc_status fake_workspace_size(lc_device *device, lc_op op, const void *params, size_t *bytes)
{
    (void)device;
    (void)params;
    *bytes = op == LC_OP_LSTM_FORWARD ? 16 : op == LC_OP_LSTM_BACKWARD ? 8 : 0;
    return LC_OK;
}

/* ---- float <-> double views of buffers ------------------------------------------------------- */

static float *floats(lc_buffer *b)
{
    return b ? (float *)(void *)b->data : NULL;
}

static const int32_t *ints(lc_buffer *b)
{
    return b ? (const int32_t *)(const void *)b->data : NULL;
}

/* The first `count` floats of b as doubles (NULL buffer: NULL); freed with free(). */
static double *load(lc_buffer *b, size_t count)
{
    if (!b)
        return NULL;
    double *d = calloc(count + 1, sizeof(double));
    if (!d)
        return NULL;
    for (size_t k = 0; k < count; k++)
        d[k] = (double)floats(b)[k];
    return d;
}

static void store(lc_buffer *b, const double *d, size_t count)
{
    for (size_t k = 0; b && d && k < count; k++)
        floats(b)[k] = (float)d[k];
}

static size_t stored_size(size_t offset, int32_t rows, int32_t cols, int32_t ld)
{
    return rows <= 0 || cols <= 0 ? offset : offset + (size_t)(rows - 1) * (size_t)ld + (size_t)cols;
}

/* Off by 0.1% plus 1e-3, so that a zero is moved too. */
static void perturb(lc_buffer *b, size_t index)
{
    if (fault("perturb") && b && b->bytes >= (index + 1) * sizeof(float))
        floats(b)[index] = floats(b)[index] * 1.001f + 1e-3f;
}

/* ---- ops ------------------------------------------------------------------------------------- */

static lc_status fake_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a, lc_buffer *b,
                           lc_buffer *c)
{
    (void)device;
    size_t na = stored_size(p->a_offset, p->trans_a ? p->k : p->m, p->trans_a ? p->m : p->k, p->lda);
    size_t nb = stored_size(p->b_offset, p->trans_b ? p->n : p->k, p->trans_b ? p->k : p->n, p->ldb);
    size_t nc = stored_size(p->c_offset, p->m, p->n, p->ldc);
    double *da = load(a, na), *db = load(b, nb), *dc = load(c, nc);
    lc_status status = (da && db && dc) ? lc_ref_gemm(p, da, db, dc) : LC_ERR_NOMEM;
    /* Only C's rows, so that the gaps keep their exact bits. */
    for (int32_t i = 0; status == LC_OK && i < p->m; i++)
        for (int32_t j = 0; j < p->n; j++) {
            size_t k = p->c_offset + (size_t)i * (size_t)p->ldc + (size_t)j;
            floats(c)[k] = (float)dc[k];
        }
    if (status == LC_OK && p->m > 0 && p->n > 0) {
        perturb(c, p->c_offset);
        if (fault("oob"))
            floats(c)[nc] = 1.0f;
        if (fault("nan"))
            floats(c)[p->c_offset] = NAN;
    }
    free(da);
    free(db);
    free(dc);
    return status == LC_OK ? LC_OK : fail(status, "gemm failed");
}

static lc_status fake_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                             lc_buffer *index, lc_buffer *out)
{
    (void)device;
    size_t rows = (size_t)p->count * (size_t)p->width;
    double *dt = load(table, (size_t)p->rows * (size_t)p->width), *dout = load(out, rows);
    lc_status status = (dt && dout) ? lc_ref_gather(p, dt, ints(index), dout) : LC_ERR_NOMEM;
    if (status == LC_OK)
        store(out, dout, rows);
    free(dt);
    free(dout);
    return status == LC_OK ? LC_OK : fail(status, "gather failed");
}

static lc_status fake_scatter_add(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                                  lc_buffer *index, lc_buffer *src)
{
    (void)device;
    size_t size = (size_t)p->rows * (size_t)p->width;
    double *dt = load(table, size), *ds = load(src, (size_t)p->count * (size_t)p->width);
    lc_status status = (dt && ds) ? lc_ref_scatter_add(p, dt, ints(index), ds) : LC_ERR_NOMEM;
    if (status == LC_OK)
        store(table, dt, size);
    free(dt);
    free(ds);
    return status == LC_OK ? LC_OK : fail(status, "scatter_add failed");
}

static lc_ref_lstm_arrays lstm_load(const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    size_t h = (size_t)p->hidden, w = 4 * h, total = (size_t)p->total;
    size_t batch = (size_t)p->batch, vocab = (size_t)p->vocab;
    int codes = p->input == LC_LSTM_INPUT_CODES;
    lc_ref_lstm_arrays a = {
        .codes = codes ? ints(b->codes) : NULL,
        .xproj = codes ? NULL : load(b->xproj, total * w),
        .table = codes ? load(b->table, vocab * w) : NULL,
        .wh = load(b->wh, h * w),
        .bias = load(b->bias, w),
        .peep = load(b->peep, 3 * h),
        .h_last = load(b->h_last, batch * h),
        .h_all = p->all_steps ? load(b->h_all, total * h) : NULL,
        .dh_last = load(b->dh_last, batch * h),
        .dh_all = load(b->dh_all, total * h),
        .dtable = codes ? load(b->dtable, vocab * w) : NULL,
        .dxproj = codes ? NULL : load(b->dxproj, total * w),
        .dwh = load(b->dwh, h * w),
        .dbias = load(b->dbias, w),
        .dpeep = p->form == LC_LSTM_STANDARD ? NULL : load(b->dpeep, 3 * h)};
    return a;
}

static void lstm_free(lc_ref_lstm_arrays *a)
{
    free((void *)a->xproj);
    free((void *)a->table);
    free((void *)a->wh);
    free((void *)a->bias);
    free((void *)a->peep);
    free(a->h_last);
    free(a->h_all);
    free((void *)a->dh_last);
    free((void *)a->dh_all);
    free(a->dtable);
    free(a->dxproj);
    free(a->dwh);
    free(a->dbias);
    free(a->dpeep);
}

static lc_status fake_lstm_forward(lc_device *device, const lc_lstm_params *p,
                                   const lc_lstm_buffers *b)
{
    (void)device;
    lc_ref_lstm_arrays a = lstm_load(p, b);
    lc_status status = lc_ref_lstm_forward(p, &a);
    size_t h = (size_t)p->hidden;
    if (status == LC_OK) {
        store(b->h_last, a.h_last, (size_t)p->batch * h);
        if (p->all_steps)
            store(b->h_all, a.h_all, (size_t)p->total * h);
        if (b->reserve)
            memset(b->reserve->data, 0, 16);
        if (p->batch > 0)
            perturb(b->h_last, 0);
    }
    lstm_free(&a);
    return status == LC_OK ? LC_OK : fail(status, "lstm_forward failed");
}

static lc_status fake_lstm_backward(lc_device *device, const lc_lstm_params *p,
                                    const lc_lstm_buffers *b)
{
    (void)device;
    lc_ref_lstm_arrays a = lstm_load(p, b);
    lc_status status = lc_ref_lstm_backward(p, &a);
    size_t h = (size_t)p->hidden, w = 4 * h;
    if (status == LC_OK) {
        if (p->input == LC_LSTM_INPUT_CODES)
            store(b->dtable, a.dtable, (size_t)p->vocab * w);
        else
            store(b->dxproj, a.dxproj, (size_t)p->total * w);
        store(b->dwh, a.dwh, h * w);
        store(b->dbias, a.dbias, w);
        if (p->form != LC_LSTM_STANDARD)
            store(b->dpeep, a.dpeep, 3 * h);
        if (p->total > 0)
            perturb(b->dwh, 0);
    }
    lstm_free(&a);
    return status == LC_OK ? LC_OK : fail(status, "lstm_backward failed");
}

static lc_status fake_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p,
                                   lc_buffer *x, lc_buffer *ia, lc_buffer *ib, lc_buffer *out)
{
    (void)device;
    double *dx = load(x, (size_t)p->rows * (size_t)p->width), *dout = load(out, (size_t)p->pairs);
    lc_status status = (dx && dout) ? lc_ref_cosine_pairs(p, dx, ints(ia), ints(ib), dout)
                                    : LC_ERR_NOMEM;
    if (status == LC_OK)
        store(out, dout, (size_t)p->pairs);
    free(dx);
    free(dout);
    return status == LC_OK ? LC_OK : fail(status, "cosine_pairs failed");
}

static lc_status fake_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                            lc_buffer *x, lc_buffer *ia, lc_buffer *ib,
                                            lc_buffer *dout, lc_buffer *dx)
{
    (void)device;
    size_t size = (size_t)p->rows * (size_t)p->width;
    double *rx = load(x, size), *rd = load(dout, (size_t)p->pairs), *rdx = load(dx, size);
    lc_status status = (rx && rd && rdx)
                           ? lc_ref_cosine_pairs_backward(p, rx, ints(ia), ints(ib), rd, rdx)
                           : LC_ERR_NOMEM;
    if (status == LC_OK) {
        store(dx, rdx, size);
        if (size > 0)
            perturb(dx, 0);
    }
    free(rx);
    free(rd);
    free(rdx);
    return status == LC_OK ? LC_OK : fail(status, "cosine_pairs_backward failed");
}

static lc_status fake_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p, lc_buffer *z,
                                  lc_buffer *target, lc_buffer *loss, lc_buffer *dz, lc_buffer *prob)
{
    (void)device;
    size_t n = (size_t)p->count;
    double *rz = load(z, n), *rt = load(target, n), *rdz = load(dz, n), *rp = load(prob, n);
    double rloss = 0.0;
    lc_status status = (rz && rt) ? lc_ref_sigmoid_bce(p, rz, rt, &rloss, rdz, rp) : LC_ERR_NOMEM;
    if (status == LC_OK) {
        store(loss, &rloss, 1);
        store(dz, rdz, n);
        store(prob, rp, n);
    }
    free(rz);
    free(rt);
    free(rdz);
    free(rp);
    return status == LC_OK ? LC_OK : fail(status, "sigmoid_bce failed");
}

static lc_status fake_l2_normalize(lc_device *device, const lc_l2_normalize_params *p, lc_buffer *x,
                                   lc_buffer *y)
{
    (void)device;
    size_t size = (size_t)p->rows * (size_t)p->width;
    double *rx = load(x, size);
    lc_status status = rx ? lc_ref_l2_normalize(p, rx, rx) : LC_ERR_NOMEM;
    if (status == LC_OK)
        store(y, rx, size);
    free(rx);
    return status == LC_OK ? LC_OK : fail(status, "l2_normalize failed");
}

static lc_status fake_distance(lc_device *device, const lc_distance_params *p, lc_buffer *x,
                               lc_buffer *y, lc_buffer *out)
{
    (void)device;
    size_t nx = ((size_t)p->x_row + (size_t)p->rows) * (size_t)p->width;
    size_t ny = ((size_t)p->y_row + (size_t)p->cols) * (size_t)p->width;
    size_t nout = stored_size(0, p->rows, p->cols, p->ld_out);
    double *rx = load(x, nx), *ry = load(y, ny), *rout = calloc(nout + 1, sizeof(double));
    lc_status status = (rx && ry && rout) ? lc_ref_cosine_distance_tile(p, rx, ry, rout) : LC_ERR_NOMEM;
    for (int32_t i = 0; status == LC_OK && i < p->rows; i++)
        for (int32_t j = 0; j < p->cols; j++) {
            size_t k = (size_t)i * (size_t)p->ld_out + (size_t)j;
            floats(out)[k] = (float)rout[k];
        }
    free(rx);
    free(ry);
    free(rout);
    return status == LC_OK ? LC_OK : fail(status, "cosine_distance_tile failed");
}

static lc_status fake_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g)
{
    (void)device;
    size_t n = (size_t)p->count;
    double *rw = load(w, n), *rg = load(g, n);
    lc_status status = (rw && rg) ? lc_ref_sgd(p, rw, rg) : LC_ERR_NOMEM;
    if (status == LC_OK) {
        store(w, rw, n);
        if (fault("oob"))
            floats(w)[n] = 0.0f;
    }
    free(rw);
    free(rg);
    return status == LC_OK ? LC_OK : fail(status, "sgd failed");
}

static lc_status fake_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w,
                           lc_buffer *g, lc_buffer *m, lc_buffer *v)
{
    (void)device;
    size_t n = (size_t)p->count;
    double *rw = load(w, n), *rg = load(g, n), *rm = load(m, n), *rv = load(v, n);
    lc_status status = (rw && rg && rm && rv) ? lc_ref_adam(p, rw, rg, rm, rv) : LC_ERR_NOMEM;
    if (status == LC_OK) {
        store(w, rw, n);
        store(m, rm, n);
        store(v, rv, n);
    }
    free(rw);
    free(rg);
    free(rm);
    free(rv);
    return status == LC_OK ? LC_OK : fail(status, "adam failed");
}

static const lc_backend_iface FAKE = {
    .abi_major = LC_ABI_MAJOR,
    .abi_minor = LC_ABI_MINOR,
    .struct_size = sizeof(lc_backend_iface),
    .name = "fake",
    .version = "test",
    .last_error = fake_last_error,
    .init = fake_init,
    .shutdown = fake_shutdown,
    .unavailable_reason = fake_unavailable_reason,
    .device_count = fake_device_count,
    .device_info = fake_device_info,
    .device_open = fake_device_open,
    .device_close = fake_device_close,
    .buffer_alloc = fake_buffer_alloc,
    .buffer_free = fake_buffer_free,
    .buffer_upload = fake_upload,
    .buffer_download = fake_download,
    .buffer_copy = fake_copy,
    .buffer_zero = fake_zero,
    .synchronize = fake_synchronize,
    .supports = fake_supports,
    .workspace_size = fake_workspace_size,
    .gemm = fake_gemm,
    .gather = fake_gather,
    .scatter_add = fake_scatter_add,
    .lstm_forward = fake_lstm_forward,
    .lstm_backward = fake_lstm_backward,
    .cosine_pairs = fake_cosine_pairs,
    .cosine_pairs_backward = fake_cosine_pairs_backward,
    .sigmoid_bce = fake_sigmoid_bce,
    .l2_normalize = fake_l2_normalize,
    .cosine_distance_tile = fake_distance,
    .sgd = fake_sgd,
    .adam = fake_adam,
};

__attribute__((visibility("default"))) const lc_backend_iface *lstmcorr_backend_entry(void)
{
    return &FAKE;
}
