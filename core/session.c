/* Running a graph on one device: parameters, a liveness-planned buffer pool, dispatch, optimizers. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

typedef struct session_param {
    char *name;
    int64_t rows, cols;
    lc_tensor value, grad;
    lc_tensor moment[2]; /* Adam m, v (allocated on first Adam step) */
    int has_grad;        /* got a gradient in the last run */
} session_param;

typedef struct pooled_buffer {
    lc_buffer *buf;
    size_t bytes;
    int in_use;
    int used_this_run;
} pooled_buffer;

struct lc_session {
    lc_dev *dev;
    session_param *params;
    int param_count, param_cap;
    pooled_buffer *pool;
    int pool_count, pool_cap;
    int32_t steps;
    /* Per value of the last graph run: its buffer (param, grad or pool), -1 pool slot if none. */
    lc_buffer **bound;
    int *pool_slot;
    int bound_cap;
    const lc_graph *last_graph;
};

lc_status lc_session_create(lc_dev *dev, lc_session **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory creating a session");
    (*out)->dev = dev;
    return LC_OK;
}

static void pool_release_all(lc_session *s)
{
    for (int i = 0; i < s->pool_count; i++)
        s->pool[i].in_use = 0;
}

void lc_session_free(lc_session *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->param_count; i++) {
        session_param *p = &s->params[i];
        lc_tensor_free(&p->value);
        lc_tensor_free(&p->grad);
        lc_tensor_free(&p->moment[0]);
        lc_tensor_free(&p->moment[1]);
        free(p->name);
    }
    for (int i = 0; i < s->pool_count; i++)
        s->dev->api->buffer_free(s->dev->handle, s->pool[i].buf);
    free(s->params);
    free(s->pool);
    free(s->bound);
    free(s->pool_slot);
    free(s);
}

static session_param *find_param(lc_session *s, const char *name)
{
    for (int i = 0; i < s->param_count; i++)
        if (strcmp(s->params[i].name, name) == 0)
            return &s->params[i];
    return NULL;
}

lc_status lc_session_add_param(lc_session *s, const char *name, int64_t rows, int64_t cols,
                               const float *init)
{
    if (find_param(s, name))
        return lc_fail(LC_ERR_INVALID, "parameter '%s' already exists", name);
    if (s->param_count == s->param_cap) {
        int cap = s->param_cap ? 2 * s->param_cap : 16;
        session_param *grown = realloc(s->params, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return lc_fail(LC_ERR_NOMEM, "out of memory adding parameter '%s'", name);
        s->params = grown;
        s->param_cap = cap;
    }
    session_param *p = &s->params[s->param_count];
    memset(p, 0, sizeof *p);
    p->name = strdup(name);
    p->rows = rows;
    p->cols = cols;
    lc_status status = p->name ? LC_OK : lc_fail(LC_ERR_NOMEM, "out of memory naming '%s'", name);
    if (status == LC_OK)
        status = lc_tensor_alloc(s->dev, LC_F32, rows, cols, &p->value);
    if (status == LC_OK)
        status = lc_tensor_alloc(s->dev, LC_F32, rows, cols, &p->grad);
    if (status == LC_OK)
        status = init ? lc_tensor_upload(&p->value, init) : lc_tensor_zero(&p->value);
    if (status == LC_OK)
        status = lc_tensor_zero(&p->grad);
    if (status != LC_OK) {
        lc_tensor_free(&p->value);
        lc_tensor_free(&p->grad);
        free(p->name);
        return status;
    }
    s->param_count++;
    return LC_OK;
}

static lc_status param_or_fail(lc_session *s, const char *name, session_param **out)
{
    *out = find_param(s, name);
    return *out ? LC_OK : lc_fail(LC_ERR_NOT_FOUND, "no parameter named '%s'", name);
}

lc_status lc_session_set_param(lc_session *s, const char *name, const float *host)
{
    session_param *p;
    LC_TRY(param_or_fail(s, name, &p));
    return lc_tensor_upload(&p->value, host);
}

lc_status lc_session_get_param(lc_session *s, const char *name, float *host)
{
    session_param *p;
    LC_TRY(param_or_fail(s, name, &p));
    return lc_tensor_download(&p->value, host);
}

lc_status lc_session_get_grad(lc_session *s, const char *name, float *host)
{
    session_param *p;
    LC_TRY(param_or_fail(s, name, &p));
    return lc_tensor_download(&p->grad, host);
}

int lc_session_param_count(const lc_session *s)
{
    return s->param_count;
}

const char *lc_session_param_name(const lc_session *s, int index, int64_t *rows, int64_t *cols)
{
    if (index < 0 || index >= s->param_count)
        return NULL;
    if (rows)
        *rows = s->params[index].rows;
    if (cols)
        *cols = s->params[index].cols;
    return s->params[index].name;
}

size_t lc_session_pool_bytes(const lc_session *s)
{
    size_t total = 0;
    for (int i = 0; i < s->pool_count; i++)
        total += s->pool[i].bytes;
    return total;
}

/* Best fit: the smallest free buffer that holds `bytes` without wasting more than half of it. */
static lc_status pool_acquire(lc_session *s, size_t bytes, int *slot)
{
    if (bytes == 0)
        bytes = 4;
    int best = -1;
    for (int i = 0; i < s->pool_count; i++) {
        pooled_buffer *b = &s->pool[i];
        if (!b->in_use && b->bytes >= bytes && b->bytes / 2 <= bytes &&
            (best < 0 || b->bytes < s->pool[best].bytes))
            best = i;
    }
    if (best < 0) {
        if (s->pool_count == s->pool_cap) {
            int cap = s->pool_cap ? 2 * s->pool_cap : 32;
            pooled_buffer *grown = realloc(s->pool, (size_t)cap * sizeof *grown);
            if (grown == NULL)
                return lc_fail(LC_ERR_NOMEM, "out of memory growing the buffer pool");
            s->pool = grown;
            s->pool_cap = cap;
        }
        pooled_buffer *b = &s->pool[s->pool_count];
        memset(b, 0, sizeof *b);
        LC_TRY(lc_dev_check(s->dev, s->dev->api->buffer_alloc(s->dev->handle, bytes, &b->buf),
                            "buffer alloc"));
        b->bytes = bytes;
        best = s->pool_count++;
    }
    s->pool[best].in_use = 1;
    s->pool[best].used_this_run = 1;
    *slot = best;
    return LC_OK;
}

/* Buffers the last run did not touch go back to the device, so the pool follows the workload. */
static void pool_trim(lc_session *s)
{
    int kept = 0;
    for (int i = 0; i < s->pool_count; i++) {
        if (s->pool[i].used_this_run || s->pool[i].in_use) {
            s->pool[kept] = s->pool[i];
            s->pool[kept].used_this_run = 0;
            kept++;
        } else {
            s->dev->api->buffer_free(s->dev->handle, s->pool[i].buf);
        }
    }
    s->pool_count = kept;
}

static size_t value_bytes(const graph_value *v)
{
    return (size_t)v->rows * (size_t)v->cols * 4;
}

static lc_status reserve_bytes(lc_session *s, const lc_graph *g, const graph_value *v, size_t *bytes)
{
    const graph_node *f = &g->nodes[v->reserve_node];
    return lc_dev_check(s->dev, s->dev->api->workspace_size(s->dev->handle, LC_OP_LSTM_FORWARD, &f->p.lstm, bytes),
                        "lstm reserve size");
}

/* Give value v a buffer: bind a parameter or its gradient, or take one from the pool. */
static lc_status materialise(lc_session *s, const lc_graph *g, lc_value v)
{
    if (v < 0 || s->bound[v] != NULL)
        return LC_OK;
    const graph_value *x = &g->values[v];
    if (x->kind == VALUE_PARAM || x->kind == VALUE_PARAM_GRAD) {
        session_param *p = find_param(s, x->name);
        if (p == NULL)
            return lc_fail(LC_ERR_NOT_FOUND, "the graph uses parameter '%s', which the session lacks", x->name);
        if (p->rows != x->rows || p->cols != x->cols)
            return lc_fail(LC_ERR_INVALID, "parameter '%s' is %lld x %lld in the session, %lld x %lld in the graph",
                           x->name, (long long)p->rows, (long long)p->cols, (long long)x->rows, (long long)x->cols);
        if (x->kind == VALUE_PARAM_GRAD) {
            s->bound[v] = p->grad.buf;
            p->has_grad = 1;
            return lc_tensor_zero(&p->grad);
        }
        s->bound[v] = p->value.buf;
        return LC_OK;
    }
    size_t bytes = value_bytes(x);
    if (x->kind == VALUE_RESERVE)
        LC_TRY(reserve_bytes(s, g, x, &bytes));
    int slot;
    LC_TRY(pool_acquire(s, bytes, &slot));
    s->pool_slot[v] = slot;
    s->bound[v] = s->pool[slot].buf;
    const lc_backend_iface *api = s->dev->api;
    if (x->kind == VALUE_INPUT && bytes)
        return lc_dev_check(s->dev, api->buffer_upload(s->dev->handle, s->bound[v], 0, x->host, bytes),
                            "upload input");
    if (x->zero_init && bytes)
        return lc_dev_check(s->dev, api->buffer_zero(s->dev->handle, s->bound[v], 0, bytes), "zero");
    return LC_OK;
}

#define BUF(v) ((v) >= 0 ? s->bound[(v)] : NULL)

static lc_status run_lstm(lc_session *s, const graph_node *n, int backward)
{
    const lc_backend_iface *api = s->dev->api;
    lc_lstm_buffers b = {0};
    int codes = n->p.lstm.input == LC_LSTM_INPUT_CODES;
    *(codes ? &b.codes : &b.xproj) = BUF(n->in[LSTM_IN_INPUT]);
    b.table = BUF(n->in[LSTM_IN_TABLE]);
    b.wh = BUF(n->in[LSTM_IN_WH]);
    b.bias = BUF(n->in[LSTM_IN_BIAS]);
    b.peep = BUF(n->in[LSTM_IN_PEEP]);
    if (!backward) {
        b.h_last = BUF(n->out[LSTM_OUT_H_LAST]);
        b.h_all = BUF(n->out[LSTM_OUT_H_ALL]);
        b.reserve = BUF(n->out[LSTM_OUT_RESERVE]);
        int slot = -1;
        if (b.reserve == NULL) {
            /* Inference: a backend may still want scratch (cuDNN does); it lives for this call. */
            size_t bytes = 0;
            LC_TRY(lc_dev_check(s->dev, api->workspace_size(s->dev->handle, LC_OP_LSTM_FORWARD, &n->p.lstm, &bytes),
                                "lstm forward workspace size"));
            if (bytes) {
                LC_TRY(pool_acquire(s, bytes, &slot));
                b.reserve = s->pool[slot].buf;
            }
        }
        lc_status status = lc_dev_check(s->dev, api->lstm_forward(s->dev->handle, &n->p.lstm, &b), "lstm forward");
        if (slot >= 0)
            s->pool[slot].in_use = 0;
        return status;
    }
    b.reserve = BUF(n->in[LSTM_IN_RESERVE]);
    b.dh_last = BUF(n->in[LSTM_IN_DH_LAST]);
    b.dh_all = BUF(n->in[LSTM_IN_DH_ALL]);
    *(codes ? &b.dtable : &b.dxproj) = BUF(n->out[LSTM_OUT_DINPUT]);
    b.dwh = BUF(n->out[LSTM_OUT_DWH]);
    b.dbias = BUF(n->out[LSTM_OUT_DBIAS]);
    b.dpeep = BUF(n->out[LSTM_OUT_DPEEP]);
    size_t scratch = 0;
    LC_TRY(lc_dev_check(s->dev, api->workspace_size(s->dev->handle, LC_OP_LSTM_BACKWARD, &n->p.lstm, &scratch),
                        "lstm backward workspace size"));
    int slot = -1;
    if (scratch) {
        LC_TRY(pool_acquire(s, scratch, &slot));
        b.workspace = s->pool[slot].buf;
    }
    lc_status status = lc_dev_check(s->dev, api->lstm_backward(s->dev->handle, &n->p.lstm, &b), "lstm backward");
    if (slot >= 0)
        s->pool[slot].in_use = 0;
    return status;
}

static lc_status run_node(lc_session *s, const graph_node *n)
{
    const lc_backend_iface *api = s->dev->api;
    lc_device *d = s->dev->handle;
    switch (n->op) {
    case NODE_GEMM:
        return lc_dev_check(s->dev, api->gemm(d, &n->p.gemm, BUF(n->in[0]), BUF(n->in[1]), BUF(n->out[0])), "gemm");
    case NODE_GATHER:
        return lc_dev_check(s->dev, api->gather(d, &n->p.gather, BUF(n->in[0]), BUF(n->in[1]), BUF(n->out[0])),
                            "gather");
    case NODE_SCATTER_ADD:
        return lc_dev_check(s->dev, api->scatter_add(d, &n->p.gather, BUF(n->out[0]), BUF(n->in[0]), BUF(n->in[1])),
                            "scatter_add");
    case NODE_LSTM_FORWARD:
        return run_lstm(s, n, 0);
    case NODE_LSTM_BACKWARD:
        return run_lstm(s, n, 1);
    case NODE_COSINE_PAIRS:
        return lc_dev_check(s->dev, api->cosine_pairs(d, &n->p.cosine, BUF(n->in[0]), BUF(n->in[1]), BUF(n->in[2]),
                                                      BUF(n->out[0])),
                            "cosine_pairs");
    case NODE_COSINE_PAIRS_BACKWARD:
        return lc_dev_check(s->dev, api->cosine_pairs_backward(d, &n->p.cosine, BUF(n->in[0]), BUF(n->in[1]),
                                                               BUF(n->in[2]), BUF(n->in[3]), BUF(n->out[0])),
                            "cosine_pairs_backward");
    case NODE_SIGMOID_BCE:
        return lc_dev_check(s->dev, api->sigmoid_bce(d, &n->p.bce, BUF(n->in[0]), BUF(n->in[1]), BUF(n->out[0]),
                                                     BUF(n->out[1]), BUF(n->out[2])),
                            "sigmoid_bce");
    }
    return lc_fail(LC_ERR_INTERNAL, "unknown node op %d", (int)n->op);
}

lc_status lc_session_run(lc_session *s, lc_graph *g)
{
    if (g->status != LC_OK)
        return lc_fail(g->status, "graph has an error: %s", g->error);
    pool_release_all(s);
    s->last_graph = NULL;
    if (g->value_count > s->bound_cap) {
        lc_buffer **bound = realloc(s->bound, (size_t)g->value_count * sizeof *bound);
        if (bound)
            s->bound = bound;
        int *slots = realloc(s->pool_slot, (size_t)g->value_count * sizeof *slots);
        if (slots)
            s->pool_slot = slots;
        if (bound == NULL || slots == NULL)
            return lc_fail(LC_ERR_NOMEM, "out of memory planning a graph of %d values", g->value_count);
        s->bound_cap = g->value_count;
    }
    for (int v = 0; v < g->value_count; v++) {
        s->bound[v] = NULL;
        s->pool_slot[v] = -1;
    }
    for (int i = 0; i < s->param_count; i++)
        s->params[i].has_grad = 0;
    /* Liveness: a pooled value goes back to the pool after the last node that touches it. */
    int *last_use = malloc((size_t)(g->value_count ? g->value_count : 1) * sizeof *last_use);
    if (last_use == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory planning a graph");
    for (int v = 0; v < g->value_count; v++)
        last_use[v] = g->values[v].keep ? g->node_count : -1;
    for (int i = 0; i < g->node_count; i++) {
        for (int k = 0; k < NODE_MAX_IN; k++)
            if (g->nodes[i].in[k] >= 0 && last_use[g->nodes[i].in[k]] < i)
                last_use[g->nodes[i].in[k]] = i;
        for (int k = 0; k < NODE_MAX_OUT; k++)
            if (g->nodes[i].out[k] >= 0 && last_use[g->nodes[i].out[k]] < i)
                last_use[g->nodes[i].out[k]] = i;
    }
    lc_status status = LC_OK;
    for (int i = 0; i < g->node_count && status == LC_OK; i++) {
        const graph_node *n = &g->nodes[i];
        for (int k = 0; k < NODE_MAX_IN && status == LC_OK; k++)
            status = materialise(s, g, n->in[k]);
        for (int k = 0; k < NODE_MAX_OUT && status == LC_OK; k++)
            status = materialise(s, g, n->out[k]);
        if (status == LC_OK)
            status = run_node(s, n);
        for (int k = 0; k < NODE_MAX_IN + NODE_MAX_OUT; k++) {
            lc_value v = k < NODE_MAX_IN ? n->in[k] : n->out[k - NODE_MAX_IN];
            if (v >= 0 && last_use[v] == i && s->pool_slot[v] >= 0)
                s->pool[s->pool_slot[v]].in_use = 0;
        }
    }
    free(last_use);
    if (status == LC_OK)
        status = lc_dev_check(s->dev, s->dev->api->synchronize(s->dev->handle), "synchronize");
    pool_trim(s);
    if (status == LC_OK)
        s->last_graph = g;
    return status;
}

lc_status lc_session_read(lc_session *s, lc_graph *g, lc_value v, void *host)
{
    if (s->last_graph != g)
        return lc_fail(LC_ERR_INVALID, "read: this graph was not the last one run");
    if (v < 0 || v >= g->value_count || s->bound[v] == NULL)
        return lc_fail(LC_ERR_INVALID, "read: value %d has no buffer", v);
    const graph_value *x = &g->values[v];
    if (!x->keep && x->kind != VALUE_PARAM && x->kind != VALUE_PARAM_GRAD)
        return lc_fail(LC_ERR_INVALID, "read: value %d was not kept (lc_graph_keep before the run)", v);
    size_t bytes = value_bytes(x);
    if (bytes == 0)
        return LC_OK;
    return lc_dev_check(s->dev, s->dev->api->buffer_download(s->dev->handle, s->bound[v], 0, host, bytes),
                        "read");
}

lc_status lc_session_optimize(lc_session *s, const lc_optimizer_config *config)
{
    if (config->kind != LC_OPTIMIZER_SGD && config->kind != LC_OPTIMIZER_ADAM)
        return lc_fail(LC_ERR_INVALID, "unknown optimizer %d", (int)config->kind);
    s->steps++;
    for (int i = 0; i < s->param_count; i++) {
        session_param *p = &s->params[i];
        if (!p->has_grad)
            continue;
        lc_optimizer_params op = {.count = p->rows * p->cols, .lr = config->lr, .beta1 = config->beta1,
                                  .beta2 = config->beta2, .eps = config->eps, .step = s->steps};
        if (config->kind == LC_OPTIMIZER_SGD) {
            LC_TRY(lc_dev_check(s->dev, s->dev->api->sgd(s->dev->handle, &op, p->value.buf, p->grad.buf), "sgd"));
            continue;
        }
        for (int m = 0; m < 2; m++)
            if (p->moment[m].buf == NULL) {
                LC_TRY(lc_tensor_alloc(s->dev, LC_F32, p->rows, p->cols, &p->moment[m]));
                LC_TRY(lc_tensor_zero(&p->moment[m]));
            }
        LC_TRY(lc_dev_check(s->dev, s->dev->api->adam(s->dev->handle, &op, p->value.buf, p->grad.buf,
                                                      p->moment[0].buf, p->moment[1].buf),
                            "adam"));
    }
    return lc_dev_check(s->dev, s->dev->api->synchronize(s->dev->handle), "synchronize");
}

static lc_status moment_or_fail(lc_session *s, const char *name, int moment, session_param **out)
{
    LC_TRY(param_or_fail(s, name, out));
    if (moment != 0 && moment != 1)
        return lc_fail(LC_ERR_INVALID, "moment must be 0 (m) or 1 (v), got %d", moment);
    if ((*out)->moment[moment].buf == NULL) {
        LC_TRY(lc_tensor_alloc(s->dev, LC_F32, (*out)->rows, (*out)->cols, &(*out)->moment[moment]));
        LC_TRY(lc_tensor_zero(&(*out)->moment[moment]));
    }
    return LC_OK;
}

lc_status lc_session_get_moment(lc_session *s, const char *name, int moment, float *host)
{
    session_param *p;
    LC_TRY(moment_or_fail(s, name, moment, &p));
    return lc_tensor_download(&p->moment[moment], host);
}

lc_status lc_session_set_moment(lc_session *s, const char *name, int moment, const float *host)
{
    session_param *p;
    LC_TRY(moment_or_fail(s, name, moment, &p));
    return lc_tensor_upload(&p->moment[moment], host);
}

int32_t lc_session_step_count(const lc_session *s)
{
    return s->steps;
}

void lc_session_set_step_count(lc_session *s, int32_t steps)
{
    s->steps = steps;
}
