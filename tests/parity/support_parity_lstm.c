/* Parity runner of the LSTM layer: forward, and with training the backward through the reserve. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "support_parity.h"

#define EPS ((double)FLT_EPSILON)

typedef struct host_arrays {
    int32_t *codes;
    float *xproj, *table, *wh, *bias, *peep, *dh_last, *dh_all;
    float *dtable, *dxproj, *dwh, *dbias, *dpeep; /* initial gradient contents (accumulated onto) */
    double *r[9]; /* double copies: xproj table wh bias peep dh_last dh_all, see below */
} host_arrays;

static void host_free(host_arrays *h)
{
    free(h->codes);
    float *f[] = {h->xproj, h->table, h->wh, h->bias, h->peep, h->dh_last, h->dh_all,
                  h->dtable, h->dxproj, h->dwh, h->dbias, h->dpeep};
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
        free(f[k]);
    for (size_t k = 0; k < 9; k++)
        free(h->r[k]);
}

static float *random_array(parity_run *run, const char *name, size_t count, double scale)
{
    float *x = malloc((count + 1) * sizeof(float));
    if (!x) {
        run->setup_failed = 1;
        return NULL;
    }
    for (size_t k = 0; k < count; k++)
        x[k] = parity_normal(run, name, k, scale);
    return x;
}

static double *doubles_of(parity_run *run, const float *x, size_t count)
{
    double *d = malloc((count + 1) * sizeof(double));
    if (!d || !x) {
        free(d);
        run->setup_failed = 1;
        return NULL;
    }
    for (size_t k = 0; k < count; k++)
        d[k] = (double)x[k];
    return d;
}

static int device_ok(parity_run *run, const char *what, lc_status status)
{
    if (status == LC_OK)
        return 1;
    parity_call_failed(run, what, status);
    return 0;
}

static parity_array *gradient_output(parity_run *run, const char *name, const float *initial,
                                     size_t count, parity_tolerance tol, int ignored)
{
    parity_array *a = parity_output(run, name, initial, count, tol);
    if (a && ignored) { /* an ignored gradient (dpeep of STANDARD) must come back untouched */
        a->mask = calloc(count + 1, 1);
        if (!a->mask)
            run->setup_failed = 1;
    }
    return a;
}

parity_outcome parity_run_lstm(parity_run *run)
{
    const parity_case *c = run->c;
    lc_lstm_params p = {.form = c->u.lstm.form, .input = c->u.lstm.input,
                        .batch = c->u.lstm.batch, .hidden = c->u.lstm.hidden,
                        .vocab = c->u.lstm.vocab, .all_steps = c->u.lstm.all_steps,
                        .training = c->u.lstm.training, .lengths = c->u.lstm.lengths};
    for (int32_t b = 0; b < p.batch; b++)
        p.total += p.lengths[b];
    if (!parity_supported(run, LC_OP_LSTM_FORWARD, &p) ||
        (p.training && !parity_supported(run, LC_OP_LSTM_BACKWARD, &p)))
        return PARITY_SKIP;
    const lc_backend_iface *api = run->dev->api;
    lc_device *dev = run->dev->handle;
    size_t hidden = (size_t)p.hidden, width = 4 * hidden, total = (size_t)p.total;
    size_t batch = (size_t)p.batch, vocab = (size_t)p.vocab;
    int codes = p.input == LC_LSTM_INPUT_CODES;

    host_arrays h = {0};
    h.codes = malloc((total + 1) * sizeof(int32_t));
    h.xproj = random_array(run, "xproj", total * width, 0.5);
    h.table = random_array(run, "table", vocab * width, 0.5);
    h.wh = random_array(run, "wh", hidden * width, 0.1); /* the prototype's init: no chaos */
    h.bias = random_array(run, "bias", width, 0.1);
    h.peep = random_array(run, "peep", 3 * hidden, 0.1);
    h.dh_last = random_array(run, "dh_last", batch * hidden, 1.0);
    h.dh_all = random_array(run, "dh_all", total * hidden, 1.0);
    h.dtable = random_array(run, "dtable", vocab * width, 1.0);
    h.dxproj = random_array(run, "dxproj", total * width, 1.0);
    h.dwh = random_array(run, "dwh", hidden * width, 1.0);
    h.dbias = random_array(run, "dbias", width, 1.0);
    h.dpeep = random_array(run, "dpeep", 3 * hidden, 1.0);
    if (!h.codes)
        run->setup_failed = 1;
    for (size_t r = 0; h.codes && r < total; r++)
        h.codes[r] = (int32_t)((uint32_t)(fabs(parity_normal(run, "codes", r, 1.0)) * 104729.0 + r) %
                               (uint32_t)p.vocab);
    h.r[0] = doubles_of(run, h.xproj, total * width);
    h.r[1] = doubles_of(run, h.table, vocab * width);
    h.r[2] = doubles_of(run, h.wh, hidden * width);
    h.r[3] = doubles_of(run, h.bias, width);
    h.r[4] = doubles_of(run, h.peep, 3 * hidden);
    h.r[5] = doubles_of(run, h.dh_last, batch * hidden);
    h.r[6] = doubles_of(run, h.dh_all, total * hidden);
    if (run->setup_failed) {
        host_free(&h);
        return PARITY_FAIL;
    }

    int32_t longest = p.batch > 0 ? p.lengths[0] : 0;
    double steps = longest > 0 ? longest : 1;
    /* Rounding errors of the steps add up like a random walk: the bound grows with sqrt(T). */
    parity_tolerance forward_tol = {
        PARITY_LSTM_FACTOR * EPS * parity_log2_ceil(hidden * steps) * sqrt(steps), 0};
    parity_tolerance backward_tol = {
        2 * PARITY_LSTM_FACTOR * EPS * parity_log2_ceil((double)width * (double)total) * sqrt(steps),
        0};

    lc_lstm_buffers b = {0};
    b.codes = codes ? parity_input_i32(run, "codes", h.codes, total) : NULL;
    b.xproj = codes ? NULL : parity_input_f32(run, "xproj", h.xproj, total * width);
    b.table = codes ? parity_input_f32(run, "table", h.table, vocab * width) : NULL;
    b.wh = parity_input_f32(run, "wh", h.wh, hidden * width);
    b.bias = parity_input_f32(run, "bias", h.bias, width);
    b.peep = parity_input_f32(run, "peep", h.peep, 3 * hidden);
    parity_array *h_last = parity_output(run, "h_last", NULL, batch * hidden, forward_tol);
    parity_array *h_all = p.all_steps ? parity_output(run, "h_all", NULL, total * hidden, forward_tol)
                                      : NULL;
    b.h_last = h_last ? h_last->buf : NULL;
    b.h_all = h_all ? h_all->buf : NULL;
    size_t reserve_bytes = 0, workspace_bytes = 0;
    if (!device_ok(run, "workspace_size(forward)",
                   api->workspace_size(dev, LC_OP_LSTM_FORWARD, &p, &reserve_bytes)) ||
        (p.training && !device_ok(run, "workspace_size(backward)",
                                  api->workspace_size(dev, LC_OP_LSTM_BACKWARD, &p,
                                                      &workspace_bytes)))) {
        host_free(&h);
        return PARITY_FAIL;
    }
    b.reserve = parity_opaque(run, "reserve", reserve_bytes);
    /* The ABI lets the workspace be NULL when it needs no bytes; the reserve always exists. */
    b.workspace = workspace_bytes ? parity_opaque(run, "workspace", workspace_bytes) : NULL;

    lc_ref_lstm_arrays ref = {.codes = h.codes, .xproj = h.r[0], .table = h.r[1], .wh = h.r[2],
                              .bias = h.r[3], .peep = h.r[4]};
    parity_array *grads[4] = {0};
    if (p.training) {
        b.dh_last = c->u.lstm.use_dh_last ? parity_input_f32(run, "dh_last", h.dh_last, batch * hidden)
                                          : NULL;
        b.dh_all = c->u.lstm.use_dh_all ? parity_input_f32(run, "dh_all", h.dh_all, total * hidden)
                                        : NULL;
        grads[0] = codes ? gradient_output(run, "dtable", h.dtable, vocab * width, backward_tol, 0)
                         : gradient_output(run, "dxproj", h.dxproj, total * width, backward_tol, 0);
        grads[1] = gradient_output(run, "dwh", h.dwh, hidden * width, backward_tol, 0);
        grads[2] = gradient_output(run, "dbias", h.dbias, width, backward_tol, 0);
        grads[3] = gradient_output(run, "dpeep", h.dpeep, 3 * hidden, backward_tol,
                                   p.form == LC_LSTM_STANDARD);
        if (!run->setup_failed) {
            b.dtable = codes ? grads[0]->buf : NULL;
            b.dxproj = codes ? NULL : grads[0]->buf;
            b.dwh = grads[1]->buf;
            b.dbias = grads[2]->buf;
            b.dpeep = grads[3]->buf;
            ref.dh_last = c->u.lstm.use_dh_last ? h.r[5] : NULL;
            ref.dh_all = c->u.lstm.use_dh_all ? h.r[6] : NULL;
            ref.dtable = codes ? grads[0]->expected : NULL;
            ref.dxproj = codes ? NULL : grads[0]->expected;
            ref.dwh = grads[1]->expected;
            ref.dbias = grads[2]->expected;
            ref.dpeep = grads[3]->expected;
        }
    }
    if (run->setup_failed) {
        host_free(&h);
        return PARITY_FAIL;
    }
    ref.h_last = h_last->expected;
    ref.h_all = h_all ? h_all->expected : NULL;
    if (lc_ref_lstm_forward(&p, &ref) != LC_OK ||
        (p.training && lc_ref_lstm_backward(&p, &ref) != LC_OK)) {
        run->setup_failed = 1;
        host_free(&h);
        return PARITY_FAIL;
    }
    if (device_ok(run, "lstm_forward", api->lstm_forward(dev, &p, &b)) && p.training)
        device_ok(run, "lstm_backward", api->lstm_backward(dev, &p, &b));
    host_free(&h);
    return PARITY_PASS;
}
