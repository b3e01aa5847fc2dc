/*
 * Reference LSTM layer over packed variable-length sequences, forward and backward.
 *
 * Each sequence is run on its own (the batch only decides where its rows sit in the packed
 * arrays): row (t, b) = offset(t) + b. The backward re-runs the sequence's forward, keeping every
 * step's gates and cell, then walks back through time. Gate columns are [i | f | g | o].
 */
#include "reference.h"

#include <math.h>
#include <stdlib.h>

static double sigmoid(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

/* Per-sequence state: for step t (0-based), gates[t] = i, f, g and the sigmoid part of o
 * (4H values) and c[t + 1], h[t + 1]; c[0] = h[0] = 0. pre is 4H of scratch. */
typedef struct sequence_state {
    double *gates;
    double *c;
    double *h;
    double *pre;
} sequence_state;

static void state_free(sequence_state *s)
{
    free(s->gates);
    free(s->c);
    free(s->h);
    free(s->pre);
}

static lc_status state_alloc(sequence_state *s, int32_t steps, int32_t hidden)
{
    size_t h = (size_t)hidden;
    s->gates = calloc((size_t)steps * 4 * h + 1, sizeof(double));
    s->c = calloc(((size_t)steps + 1) * h, sizeof(double));
    s->h = calloc(((size_t)steps + 1) * h, sizeof(double));
    s->pre = calloc(4 * h + 1, sizeof(double));
    if (!s->gates || !s->c || !s->h || !s->pre) {
        state_free(s);
        return LC_ERR_NOMEM;
    }
    return LC_OK;
}

/* Packed row offsets: offset[t] = sum over s < t of #{b : lengths[b] > s}, t <= max length. */
static int32_t *packed_offsets(const lc_lstm_params *p, int32_t *max_length)
{
    int32_t longest = p->batch > 0 ? p->lengths[0] : 0;
    int32_t *offset = malloc(((size_t)longest + 1) * sizeof(int32_t));
    if (!offset)
        return NULL;
    offset[0] = 0;
    for (int32_t t = 0; t < longest; t++) {
        int32_t active = 0;
        for (int32_t b = 0; b < p->batch; b++)
            active += p->lengths[b] > t;
        offset[t + 1] = offset[t] + active;
    }
    *max_length = longest;
    return offset;
}

static lc_status check_params(const lc_lstm_params *p, const lc_ref_lstm_arrays *a)
{
    if (!p || !a || !p->lengths || p->batch < 0 || p->hidden < 1 || p->total < 0)
        return LC_ERR_INVALID;
    if (p->form < LC_LSTM_STANDARD || p->form > LC_LSTM_LASAGNE01)
        return LC_ERR_INVALID;
    if (p->input != LC_LSTM_INPUT_CODES && p->input != LC_LSTM_INPUT_PROJECTED)
        return LC_ERR_INVALID;
    int64_t total = 0;
    for (int32_t b = 0; b < p->batch; b++) {
        if (p->lengths[b] < 0 || (b > 0 && p->lengths[b] > p->lengths[b - 1]))
            return LC_ERR_INVALID;
        total += p->lengths[b];
    }
    if (total != p->total || !a->wh || !a->bias || (p->form != LC_LSTM_STANDARD && !a->peep))
        return LC_ERR_INVALID;
    if (p->input == LC_LSTM_INPUT_CODES) {
        if (!a->codes || !a->table || p->vocab < 0)
            return LC_ERR_INVALID;
        for (int32_t r = 0; r < p->total; r++)
            if (a->codes[r] < 0 || a->codes[r] >= p->vocab)
                return LC_ERR_INVALID;
    } else if (!a->xproj) {
        return LC_ERR_INVALID;
    }
    return LC_OK;
}

/* The 4H input contribution of packed row `row`: a table row (CODES) or an xproj row. */
static const double *input_row(const lc_lstm_params *p, const lc_ref_lstm_arrays *a, int32_t row)
{
    size_t width = 4 * (size_t)p->hidden;
    if (p->input == LC_LSTM_INPUT_CODES)
        return a->table + (size_t)a->codes[row] * width;
    return a->xproj + (size_t)row * width;
}

/* One step: from h_prev, c_prev and the input row, the gates (i, f, g, sigmoid part of o), c, h. */
static void step_forward(const lc_lstm_params *p, const lc_ref_lstm_arrays *a, const double *x,
                         const double *h_prev, const double *c_prev, double *pre, double *gates,
                         double *c, double *h)
{
    size_t hidden = (size_t)p->hidden, width = 4 * hidden;
    for (size_t j = 0; j < width; j++) {
        double sum = x[j] + a->bias[j];
        for (size_t k = 0; k < hidden; k++)
            sum += h_prev[k] * a->wh[k * width + j];
        pre[j] = sum;
    }
    int peepholes = p->form != LC_LSTM_STANDARD;
    for (size_t u = 0; u < hidden; u++) {
        double w_ci = peepholes ? a->peep[u] : 0.0;
        double w_cf = peepholes ? a->peep[hidden + u] : 0.0;
        double w_co = peepholes ? a->peep[2 * hidden + u] : 0.0;
        double i = sigmoid(pre[u] + w_ci * c_prev[u]);
        double f = sigmoid(pre[hidden + u] + w_cf * c_prev[u]);
        double g = tanh(pre[2 * hidden + u]);
        c[u] = f * c_prev[u] + i * g;
        double o_sigmoid, o;
        if (p->form == LC_LSTM_PEEPHOLE) {
            o_sigmoid = sigmoid(pre[3 * hidden + u] + w_co * c[u]);
            o = o_sigmoid;
        } else if (p->form == LC_LSTM_LASAGNE01) {
            o_sigmoid = sigmoid(pre[3 * hidden + u]);
            o = o_sigmoid + w_co * c[u]; /* Lasagne 0.1: the peephole is added after the sigmoid */
        } else {
            o_sigmoid = sigmoid(pre[3 * hidden + u]);
            o = o_sigmoid;
        }
        h[u] = o * tanh(c[u]);
        gates[u] = i;
        gates[hidden + u] = f;
        gates[2 * hidden + u] = g;
        gates[3 * hidden + u] = o_sigmoid;
    }
}

/* Forward of sequence b, keeping every step in s. */
static void sequence_forward(const lc_lstm_params *p, const lc_ref_lstm_arrays *a,
                             const int32_t *offset, int32_t b, sequence_state *s)
{
    size_t hidden = (size_t)p->hidden;
    for (int32_t t = 0; t < p->lengths[b]; t++) {
        size_t ts = (size_t)t;
        step_forward(p, a, input_row(p, a, offset[t] + b), s->h + ts * hidden, s->c + ts * hidden,
                     s->pre, s->gates + ts * 4 * hidden, s->c + (ts + 1) * hidden,
                     s->h + (ts + 1) * hidden);
    }
}

lc_status lc_ref_lstm_forward(const lc_lstm_params *p, const lc_ref_lstm_arrays *a)
{
    lc_status status = check_params(p, a);
    if (status != LC_OK)
        return status;
    if (!a->h_last || (p->all_steps && !a->h_all))
        return LC_ERR_INVALID;
    int32_t longest = 0;
    int32_t *offset = packed_offsets(p, &longest);
    sequence_state s = {0};
    if (!offset || state_alloc(&s, longest, p->hidden) != LC_OK) {
        free(offset);
        return LC_ERR_NOMEM;
    }
    size_t hidden = (size_t)p->hidden;
    for (int32_t b = 0; b < p->batch; b++) {
        sequence_forward(p, a, offset, b, &s);
        int32_t length = p->lengths[b];
        for (size_t u = 0; u < hidden; u++)
            a->h_last[(size_t)b * hidden + u] = s.h[(size_t)length * hidden + u];
        for (int32_t t = 0; p->all_steps && t < length; t++)
            for (size_t u = 0; u < hidden; u++)
                a->h_all[(size_t)(offset[t] + b) * hidden + u] = s.h[((size_t)t + 1) * hidden + u];
    }
    state_free(&s);
    free(offset);
    return LC_OK;
}

/* Adds the gradients of step t of a sequence given dh and dc flowing into it; leaves in
 * dh_prev and dc_prev what flows on to step t - 1. da is 4H of scratch. */
static void step_backward(const lc_lstm_params *p, const lc_ref_lstm_arrays *a,
                          const sequence_state *s, int32_t t, int32_t row, const double *dh,
                          const double *dc_in, double *da, double *dh_prev, double *dc_prev)
{
    size_t hidden = (size_t)p->hidden, width = 4 * hidden, ts = (size_t)t;
    const double *gates = s->gates + ts * width;
    const double *c_prev = s->c + ts * hidden;
    const double *c = s->c + (ts + 1) * hidden;
    const double *h_prev = s->h + ts * hidden;
    int peepholes = p->form != LC_LSTM_STANDARD;
    for (size_t u = 0; u < hidden; u++) {
        double i = gates[u], f = gates[hidden + u], g = gates[2 * hidden + u];
        double o_sigmoid = gates[3 * hidden + u];
        double w_ci = peepholes ? a->peep[u] : 0.0;
        double w_cf = peepholes ? a->peep[hidden + u] : 0.0;
        double w_co = peepholes ? a->peep[2 * hidden + u] : 0.0;
        double o = p->form == LC_LSTM_LASAGNE01 ? o_sigmoid + w_co * c[u] : o_sigmoid;
        double tanh_c = tanh(c[u]);
        double d_o = dh[u] * tanh_c;
        double dc = dc_in[u] + dh[u] * o * (1.0 - tanh_c * tanh_c);
        double da_o = d_o * o_sigmoid * (1.0 - o_sigmoid);
        double dw_co = 0.0;
        if (p->form == LC_LSTM_PEEPHOLE) { /* o = s(a_o + w_co c) */
            dc += da_o * w_co;
            dw_co = da_o * c[u];
        } else if (p->form == LC_LSTM_LASAGNE01) { /* o = s(a_o) + w_co c */
            dc += d_o * w_co;
            dw_co = d_o * c[u];
        }
        double da_i = dc * g * i * (1.0 - i);
        double da_f = dc * c_prev[u] * f * (1.0 - f);
        double da_g = dc * i * (1.0 - g * g);
        dc_prev[u] = dc * f + da_i * w_ci + da_f * w_cf;
        if (peepholes && a->dpeep) {
            a->dpeep[u] += da_i * c_prev[u];
            a->dpeep[hidden + u] += da_f * c_prev[u];
            a->dpeep[2 * hidden + u] += dw_co;
        }
        da[u] = da_i;
        da[hidden + u] = da_f;
        da[2 * hidden + u] = da_g;
        da[3 * hidden + u] = da_o;
    }
    for (size_t j = 0; j < width; j++) {
        if (a->dbias)
            a->dbias[j] += da[j];
        if (p->input == LC_LSTM_INPUT_CODES && a->dtable)
            a->dtable[(size_t)a->codes[row] * width + j] += da[j];
        if (p->input == LC_LSTM_INPUT_PROJECTED && a->dxproj)
            a->dxproj[(size_t)row * width + j] += da[j];
    }
    for (size_t k = 0; k < hidden; k++) {
        double sum = 0.0;
        for (size_t j = 0; j < width; j++) {
            sum += a->wh[k * width + j] * da[j];
            if (a->dwh)
                a->dwh[k * width + j] += h_prev[k] * da[j];
        }
        dh_prev[k] = sum;
    }
}

lc_status lc_ref_lstm_backward(const lc_lstm_params *p, const lc_ref_lstm_arrays *a)
{
    lc_status status = check_params(p, a);
    if (status != LC_OK)
        return status;
    int32_t longest = 0;
    int32_t *offset = packed_offsets(p, &longest);
    sequence_state s = {0};
    size_t hidden = (size_t)p->hidden;
    /* dh, dc: what flows into the current step; dh_prev, dc_prev: out of it; da: gate grads. */
    double *scratch = calloc(8 * hidden, sizeof(double));
    if (!offset || !scratch || state_alloc(&s, longest, p->hidden) != LC_OK) {
        free(offset);
        free(scratch);
        return LC_ERR_NOMEM;
    }
    double *dh = scratch, *dc = scratch + hidden, *dh_prev = scratch + 2 * hidden;
    double *dc_prev = scratch + 3 * hidden, *da = scratch + 4 * hidden;
    for (int32_t b = 0; b < p->batch; b++) {
        int32_t length = p->lengths[b];
        if (length == 0)
            continue;
        sequence_forward(p, a, offset, b, &s);
        for (size_t u = 0; u < hidden; u++) {
            dh[u] = a->dh_last ? a->dh_last[(size_t)b * hidden + u] : 0.0;
            dc[u] = 0.0;
        }
        for (int32_t t = length - 1; t >= 0; t--) {
            int32_t row = offset[t] + b;
            for (size_t u = 0; u < hidden; u++)
                dh[u] += a->dh_all ? a->dh_all[(size_t)row * hidden + u] : 0.0;
            step_backward(p, a, &s, t, row, dh, dc, da, dh_prev, dc_prev);
            for (size_t u = 0; u < hidden; u++) {
                dh[u] = dh_prev[u];
                dc[u] = dc_prev[u];
            }
        }
    }
    state_free(&s);
    free(scratch);
    free(offset);
    return LC_OK;
}
