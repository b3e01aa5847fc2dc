/* Building a graph and deriving its backward pass. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_internal.h"

static lc_value graph_fail(lc_graph *g, lc_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static lc_value graph_fail(lc_graph *g, lc_status status, const char *fmt, ...)
{
    if (g->status == LC_OK) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(g->error, sizeof g->error, fmt, args);
        va_end(args);
        g->status = status;
    }
    lc_fail(g->status, "%s", g->error);
    return -1;
}

lc_status lc_graph_create(lc_graph **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? LC_OK : lc_fail(LC_ERR_NOMEM, "out of memory creating a graph");
}

void lc_graph_free(lc_graph *g)
{
    if (g == NULL)
        return;
    for (int i = 0; i < g->value_count; i++) {
        free(g->values[i].host);
        free(g->values[i].name);
    }
    for (int i = 0; i < g->node_count; i++)
        free(g->nodes[i].lengths_copy);
    free(g->values);
    free(g->nodes);
    free(g);
}

lc_status lc_graph_status(const lc_graph *g)
{
    return g->status;
}

const char *lc_graph_error(const lc_graph *g)
{
    return g->error;
}

static lc_value add_value(lc_graph *g, value_kind kind, lc_dtype dtype, int64_t rows, int64_t cols)
{
    if (g->status != LC_OK)
        return -1;
    if (rows < 0 || cols < 0)
        return graph_fail(g, LC_ERR_INVALID, "negative shape %lld x %lld", (long long)rows, (long long)cols);
    if (g->value_count == g->value_cap) {
        int cap = g->value_cap ? 2 * g->value_cap : 32;
        graph_value *grown = realloc(g->values, (size_t)cap * sizeof *grown);
        if (grown == NULL)
            return graph_fail(g, LC_ERR_NOMEM, "out of memory growing a graph");
        g->values = grown;
        g->value_cap = cap;
    }
    graph_value *v = &g->values[g->value_count];
    memset(v, 0, sizeof *v);
    v->kind = kind;
    v->dtype = dtype;
    v->rows = rows;
    v->cols = cols;
    v->reserve_node = -1;
    v->grad = -1;
    return g->value_count++;
}

static graph_node *add_node(lc_graph *g, node_op op)
{
    if (g->status != LC_OK)
        return NULL;
    if (g->node_count == g->node_cap) {
        int cap = g->node_cap ? 2 * g->node_cap : 32;
        graph_node *grown = realloc(g->nodes, (size_t)cap * sizeof *grown);
        if (grown == NULL) {
            graph_fail(g, LC_ERR_NOMEM, "out of memory growing a graph");
            return NULL;
        }
        g->nodes = grown;
        g->node_cap = cap;
    }
    graph_node *n = &g->nodes[g->node_count++];
    memset(n, 0, sizeof *n);
    n->op = op;
    for (int i = 0; i < NODE_MAX_IN; i++)
        n->in[i] = -1;
    for (int i = 0; i < NODE_MAX_OUT; i++)
        n->out[i] = -1;
    return n;
}

static int valid(lc_graph *g, lc_value v, const char *what)
{
    if (g->status != LC_OK)
        return 0;
    if (v < 0 || v >= g->value_count) {
        graph_fail(g, LC_ERR_INVALID, "%s: no such value %d", what, v);
        return 0;
    }
    return 1;
}

static int check_shape(lc_graph *g, lc_value v, lc_dtype dtype, int64_t rows, int64_t cols,
                       const char *what)
{
    if (!valid(g, v, what))
        return 0;
    const graph_value *x = &g->values[v];
    if (x->dtype != dtype || x->rows != rows || x->cols != cols) {
        graph_fail(g, LC_ERR_INVALID, "%s: expected %s %lld x %lld, got %s %lld x %lld", what,
                   dtype == LC_I32 ? "int32" : "float32", (long long)rows, (long long)cols,
                   x->dtype == LC_I32 ? "int32" : "float32", (long long)x->rows, (long long)x->cols);
        return 0;
    }
    return 1;
}

static lc_value temp_like(lc_graph *g, lc_dtype dtype, int64_t rows, int64_t cols, int needs_grad)
{
    lc_value v = add_value(g, VALUE_TEMP, dtype, rows, cols);
    if (v >= 0)
        g->values[v].needs_grad = needs_grad;
    return v;
}

static int needs_grad(const lc_graph *g, lc_value v)
{
    return v >= 0 && g->values[v].needs_grad;
}

lc_value lc_graph_input(lc_graph *g, lc_dtype dtype, int64_t rows, int64_t cols, const void *data)
{
    lc_value v = add_value(g, VALUE_INPUT, dtype, rows, cols);
    if (v < 0)
        return -1;
    size_t bytes = (size_t)rows * (size_t)cols * 4;
    g->values[v].host = malloc(bytes ? bytes : 1);
    if (g->values[v].host == NULL)
        return graph_fail(g, LC_ERR_NOMEM, "out of memory copying a %zu-byte input", bytes);
    if (bytes)
        memcpy(g->values[v].host, data, bytes);
    return v;
}

lc_value lc_graph_param(lc_graph *g, const char *name, int64_t rows, int64_t cols)
{
    /* One value per parameter name, so its gradient is accumulated in one place. */
    for (lc_value i = 0; g->status == LC_OK && i < g->value_count; i++)
        if (g->values[i].kind == VALUE_PARAM && strcmp(g->values[i].name, name) == 0) {
            if (g->values[i].rows != rows || g->values[i].cols != cols)
                return graph_fail(g, LC_ERR_INVALID, "parameter '%s' used with two shapes", name);
            return i;
        }
    lc_value v = add_value(g, VALUE_PARAM, LC_F32, rows, cols);
    if (v < 0)
        return -1;
    g->values[v].name = strdup(name);
    if (g->values[v].name == NULL)
        return graph_fail(g, LC_ERR_NOMEM, "out of memory naming a parameter");
    g->values[v].needs_grad = 1;
    return v;
}

void lc_graph_keep(lc_graph *g, lc_value v)
{
    if (valid(g, v, "keep"))
        g->values[v].keep = 1;
}

/* Append C (+)= op(A) op(B) with shapes from the values. */
static void emit_gemm(lc_graph *g, lc_value a, lc_value b, int ta, int tb, lc_value c, float beta)
{
    graph_node *n = add_node(g, NODE_GEMM);
    if (n == NULL)
        return;
    const graph_value *A = &g->values[a], *B = &g->values[b];
    n->in[0] = a;
    n->in[1] = b;
    n->out[0] = c;
    n->p.gemm = (lc_gemm_params){
        .trans_a = ta, .trans_b = tb,
        .m = (int32_t)(ta ? A->cols : A->rows), .n = (int32_t)(tb ? B->rows : B->cols),
        .k = (int32_t)(ta ? A->rows : A->cols), .alpha = 1.0f, .beta = beta,
        .lda = (int32_t)A->cols, .ldb = (int32_t)B->cols, .ldc = (int32_t)g->values[c].cols};
}

lc_value lc_graph_matmul(lc_graph *g, lc_value a, lc_value b, int trans_a, int trans_b)
{
    if (!valid(g, a, "matmul a") || !valid(g, b, "matmul b"))
        return -1;
    const graph_value *A = &g->values[a], *B = &g->values[b];
    int64_t m = trans_a ? A->cols : A->rows, ka = trans_a ? A->rows : A->cols;
    int64_t kb = trans_b ? B->cols : B->rows, n = trans_b ? B->rows : B->cols;
    if (A->dtype != LC_F32 || B->dtype != LC_F32 || ka != kb)
        return graph_fail(g, LC_ERR_INVALID, "matmul: inner sizes %lld and %lld differ (or not float32)",
                          (long long)ka, (long long)kb);
    lc_value c = temp_like(g, LC_F32, m, n, needs_grad(g, a) || needs_grad(g, b));
    if (c >= 0)
        emit_gemm(g, a, b, trans_a ? 1 : 0, trans_b ? 1 : 0, c, 0.0f);
    return c;
}

lc_value lc_graph_gather(lc_graph *g, lc_value table, lc_value index)
{
    if (!valid(g, table, "gather table") || !valid(g, index, "gather index"))
        return -1;
    const graph_value *T = &g->values[table], *I = &g->values[index];
    if (T->dtype != LC_F32 || I->dtype != LC_I32 || I->cols != 1)
        return graph_fail(g, LC_ERR_INVALID, "gather: needs a float32 table and an int32 column of indices");
    lc_value out = temp_like(g, LC_F32, I->rows, T->cols, needs_grad(g, table));
    graph_node *n = add_node(g, NODE_GATHER);
    if (n == NULL)
        return -1;
    n->in[0] = table;
    n->in[1] = index;
    n->out[0] = out;
    n->p.gather = (lc_gather_params){.count = (int32_t)I->rows, .rows = (int32_t)T->rows,
                                     .width = (int32_t)T->cols};
    return out;
}

lc_value lc_graph_lstm(lc_graph *g, const lc_graph_lstm_desc *desc, lc_value input, lc_value table,
                       lc_value wh, lc_value bias, lc_value peep, lc_value *h_all)
{
    if (h_all)
        *h_all = -1;
    if (g->status != LC_OK)
        return -1;
    const int32_t H = desc->hidden, B = desc->batch;
    if (H <= 0 || B < 0 || (B > 0 && desc->lengths == NULL))
        return graph_fail(g, LC_ERR_INVALID, "lstm: hidden %d and batch %d must be positive", H, B);
    if (desc->form != LC_LSTM_STANDARD && desc->form != LC_LSTM_PEEPHOLE && desc->form != LC_LSTM_LASAGNE01)
        return graph_fail(g, LC_ERR_INVALID, "lstm: unknown form %d", (int)desc->form);
    int64_t total = 0;
    for (int32_t b = 0; b < B; b++) {
        if (desc->lengths[b] < 0 || (b > 0 && desc->lengths[b] > desc->lengths[b - 1]))
            return graph_fail(g, LC_ERR_INVALID,
                              "lstm: lengths must be non-negative and non-increasing (length %d at %d)",
                              desc->lengths[b], b);
        total += desc->lengths[b];
    }
    if (total > INT32_MAX)
        return graph_fail(g, LC_ERR_INVALID, "lstm: %lld packed steps exceed int32", (long long)total);
    if (!valid(g, input, "lstm input"))
        return -1;
    int codes = g->values[input].dtype == LC_I32;
    int32_t vocab = 0;
    if (codes) {
        if (!check_shape(g, input, LC_I32, total, 1, "lstm codes") || !valid(g, table, "lstm table"))
            return -1;
        vocab = (int32_t)g->values[table].rows;
        if (!check_shape(g, table, LC_F32, vocab, 4 * (int64_t)H, "lstm table"))
            return -1;
    } else if (!check_shape(g, input, LC_F32, total, 4 * (int64_t)H, "lstm xproj")) {
        return -1;
    }
    if (!check_shape(g, wh, LC_F32, H, 4 * (int64_t)H, "lstm wh") ||
        !check_shape(g, bias, LC_F32, 1, 4 * (int64_t)H, "lstm bias"))
        return -1;
    if (desc->form != LC_LSTM_STANDARD && !check_shape(g, peep, LC_F32, 1, 3 * (int64_t)H, "lstm peep"))
        return -1;
    if (desc->form == LC_LSTM_STANDARD)
        peep = -1;
    int grad = needs_grad(g, input) || (codes && needs_grad(g, table)) || needs_grad(g, wh) ||
               needs_grad(g, bias) || needs_grad(g, peep);
    lc_value h_last = temp_like(g, LC_F32, B, H, grad);
    lc_value all = h_all ? temp_like(g, LC_F32, total, H, grad) : -1;
    int32_t *lengths = malloc((size_t)(B ? B : 1) * sizeof *lengths);
    if (lengths == NULL)
        return graph_fail(g, LC_ERR_NOMEM, "out of memory copying lstm lengths");
    if (B)
        memcpy(lengths, desc->lengths, (size_t)B * sizeof *lengths);
    graph_node *n = add_node(g, NODE_LSTM_FORWARD);
    if (n == NULL) {
        free(lengths);
        return -1;
    }
    n->lengths_copy = lengths;
    n->in[LSTM_IN_INPUT] = input;
    n->in[LSTM_IN_TABLE] = codes ? table : -1;
    n->in[LSTM_IN_WH] = wh;
    n->in[LSTM_IN_BIAS] = bias;
    n->in[LSTM_IN_PEEP] = peep;
    n->out[LSTM_OUT_H_LAST] = h_last;
    n->out[LSTM_OUT_H_ALL] = all;
    n->p.lstm = (lc_lstm_params){.form = desc->form,
                                 .input = codes ? LC_LSTM_INPUT_CODES : LC_LSTM_INPUT_PROJECTED,
                                 .batch = B, .hidden = H, .vocab = vocab, .total = (int32_t)total,
                                 .all_steps = h_all != NULL, .training = 0, .lengths = lengths};
    if (h_all)
        *h_all = all;
    return h_last;
}

lc_value lc_graph_cosine_pairs(lc_graph *g, lc_value x, lc_value ia, lc_value ib)
{
    if (!valid(g, x, "cosine x") || !valid(g, ia, "cosine ia") || !valid(g, ib, "cosine ib"))
        return -1;
    const graph_value *X = &g->values[x], *A = &g->values[ia];
    if (X->dtype != LC_F32 || !check_shape(g, ia, LC_I32, A->rows, 1, "cosine ia") ||
        !check_shape(g, ib, LC_I32, A->rows, 1, "cosine ib"))
        return g->status == LC_OK ? graph_fail(g, LC_ERR_INVALID, "cosine: x must be float32") : -1;
    lc_value out = temp_like(g, LC_F32, A->rows, 1, needs_grad(g, x));
    graph_node *n = add_node(g, NODE_COSINE_PAIRS);
    if (n == NULL)
        return -1;
    n->in[0] = x;
    n->in[1] = ia;
    n->in[2] = ib;
    n->out[0] = out;
    n->p.cosine = (lc_cosine_pairs_params){.pairs = (int32_t)A->rows, .rows = (int32_t)X->rows,
                                           .width = (int32_t)X->cols};
    return out;
}

lc_value lc_graph_sigmoid_bce(lc_graph *g, lc_value z, lc_value target, lc_value *prob)
{
    if (prob)
        *prob = -1;
    if (!valid(g, z, "bce z"))
        return -1;
    int64_t count = g->values[z].rows;
    if (!check_shape(g, z, LC_F32, count, 1, "bce z") || !check_shape(g, target, LC_F32, count, 1, "bce target"))
        return -1;
    lc_value loss = temp_like(g, LC_F32, 1, 1, needs_grad(g, z));
    lc_value p = prob ? temp_like(g, LC_F32, count, 1, 0) : -1;
    graph_node *n = add_node(g, NODE_SIGMOID_BCE);
    if (n == NULL)
        return -1;
    n->in[0] = z;
    n->in[1] = target;
    n->out[0] = loss;
    n->out[2] = p;
    n->p.bce = (lc_sigmoid_bce_params){.count = (int32_t)count, .scale = 1.0f};
    if (prob)
        *prob = p;
    return loss;
}

/* The gradient value of v, created (zero-initialised, accumulated into) on first use. */
static lc_value grad_of(lc_graph *g, lc_value v)
{
    if (g->values[v].grad >= 0)
        return g->values[v].grad;
    const graph_value x = g->values[v];
    lc_value d;
    if (x.kind == VALUE_PARAM) {
        d = add_value(g, VALUE_PARAM_GRAD, LC_F32, x.rows, x.cols);
        if (d >= 0 && (g->values[d].name = strdup(x.name)) == NULL)
            return graph_fail(g, LC_ERR_NOMEM, "out of memory naming a gradient");
    } else {
        d = add_value(g, VALUE_TEMP, LC_F32, x.rows, x.cols);
    }
    if (d < 0)
        return -1;
    g->values[d].zero_init = 1;
    g->values[v].grad = d;
    return d;
}

static void backward_gemm(lc_graph *g, const graph_node *n)
{
    lc_value a = n->in[0], b = n->in[1], dc = g->values[n->out[0]].grad;
    int ta = n->p.gemm.trans_a, tb = n->p.gemm.trans_b;
    if (needs_grad(g, a)) {
        lc_value da = grad_of(g, a);
        if (da < 0)
            return;
        if (!ta)
            emit_gemm(g, dc, b, 0, !tb, da, 1.0f);  /* dA = dC op(B)^T */
        else
            emit_gemm(g, b, dc, tb, 1, da, 1.0f);   /* dA = op(B) dC^T */
    }
    if (needs_grad(g, b)) {
        lc_value db = grad_of(g, b);
        if (db < 0)
            return;
        if (!tb)
            emit_gemm(g, a, dc, !ta, 0, db, 1.0f);  /* dB = op(A)^T dC */
        else
            emit_gemm(g, dc, a, 1, ta, db, 1.0f);   /* dB = dC^T op(A) */
    }
}

static void backward_lstm(lc_graph *g, int forward_index)
{
    graph_node *f = &g->nodes[forward_index];
    lc_value dh_last = g->values[f->out[LSTM_OUT_H_LAST]].grad;
    lc_value dh_all = f->out[LSTM_OUT_H_ALL] >= 0 ? g->values[f->out[LSTM_OUT_H_ALL]].grad : -1;
    if (dh_last < 0 && dh_all < 0)
        return;
    lc_value reserve = add_value(g, VALUE_RESERVE, LC_F32, 0, 0);
    if (reserve < 0)
        return;
    g->values[reserve].reserve_node = forward_index;
    f = &g->nodes[forward_index]; /* add_value may not move nodes, but keep the pattern safe */
    f->p.lstm.training = 1;
    f->out[LSTM_OUT_RESERVE] = reserve;

    lc_value input = f->in[LSTM_IN_INPUT];
    int codes = f->p.lstm.input == LC_LSTM_INPUT_CODES;
    lc_value grad_target = codes ? f->in[LSTM_IN_TABLE] : input;
    lc_value dinput = needs_grad(g, grad_target) ? grad_of(g, grad_target) : -1;
    lc_value dwh = needs_grad(g, f->in[LSTM_IN_WH]) ? grad_of(g, f->in[LSTM_IN_WH]) : -1;
    lc_value dbias = needs_grad(g, f->in[LSTM_IN_BIAS]) ? grad_of(g, f->in[LSTM_IN_BIAS]) : -1;
    lc_value dpeep = needs_grad(g, f->in[LSTM_IN_PEEP]) ? grad_of(g, f->in[LSTM_IN_PEEP]) : -1;
    int32_t *lengths = malloc((size_t)(f->p.lstm.batch ? f->p.lstm.batch : 1) * sizeof *lengths);
    if (lengths == NULL) {
        graph_fail(g, LC_ERR_NOMEM, "out of memory copying lstm lengths");
        return;
    }
    memcpy(lengths, f->lengths_copy, (size_t)f->p.lstm.batch * sizeof *lengths);
    graph_node copy = *f;
    graph_node *n = add_node(g, NODE_LSTM_BACKWARD);
    if (n == NULL) {
        free(lengths);
        return;
    }
    memcpy(n->in, copy.in, sizeof n->in);
    n->in[LSTM_IN_RESERVE] = reserve;
    n->in[LSTM_IN_DH_LAST] = dh_last;
    n->in[LSTM_IN_DH_ALL] = dh_all;
    n->out[LSTM_OUT_DINPUT] = dinput;
    n->out[LSTM_OUT_DWH] = dwh;
    n->out[LSTM_OUT_DBIAS] = dbias;
    n->out[LSTM_OUT_DPEEP] = dpeep;
    n->p.lstm = copy.p.lstm;
    n->p.lstm.lengths = lengths;
    n->lengths_copy = lengths;
}

lc_status lc_graph_backward(lc_graph *g, lc_value loss)
{
    if (g->status != LC_OK)
        return g->status;
    if (g->has_backward)
        return graph_fail(g, LC_ERR_INVALID, "backward: already derived"), g->status;
    if (!valid(g, loss, "backward loss"))
        return g->status;
    int loss_node = -1;
    for (int i = 0; i < g->node_count; i++)
        if (g->nodes[i].op == NODE_SIGMOID_BCE && g->nodes[i].out[0] == loss)
            loss_node = i;
    if (loss_node < 0)
        return graph_fail(g, LC_ERR_INVALID, "backward: the loss must be a sigmoid_bce result"), g->status;
    g->has_backward = 1;
    /* The fused loss writes dz directly (upstream gradient 1). */
    graph_node *bce = &g->nodes[loss_node];
    if (needs_grad(g, bce->in[0])) {
        lc_value dz = grad_of(g, bce->in[0]);
        g->nodes[loss_node].out[1] = dz;
    }
    int forward_count = loss_node;
    for (int i = forward_count - 1; i >= 0 && g->status == LC_OK; i--) {
        graph_node n = g->nodes[i];
        int has_grad = 0;
        for (int k = 0; k < NODE_MAX_OUT; k++)
            has_grad |= n.out[k] >= 0 && g->values[n.out[k]].grad >= 0;
        if (!has_grad)
            continue;
        switch (n.op) {
        case NODE_GEMM:
            backward_gemm(g, &n);
            break;
        case NODE_GATHER:
            if (needs_grad(g, n.in[0])) {
                lc_value dtable = grad_of(g, n.in[0]);
                graph_node *s = add_node(g, NODE_SCATTER_ADD);
                if (s) {
                    s->in[0] = n.in[1];
                    s->in[1] = g->values[n.out[0]].grad;
                    s->out[0] = dtable;
                    s->p.gather = n.p.gather;
                }
            }
            break;
        case NODE_LSTM_FORWARD:
            backward_lstm(g, i);
            break;
        case NODE_COSINE_PAIRS:
            if (needs_grad(g, n.in[0])) {
                lc_value dx = grad_of(g, n.in[0]);
                graph_node *s = add_node(g, NODE_COSINE_PAIRS_BACKWARD);
                if (s) {
                    s->in[0] = n.in[0];
                    s->in[1] = n.in[1];
                    s->in[2] = n.in[2];
                    s->in[3] = g->values[n.out[0]].grad;
                    s->out[0] = dx;
                    s->p.cosine = n.p.cosine;
                }
            }
            break;
        default:
            return graph_fail(g, LC_ERR_UNSUPPORTED, "backward: node %d has no derivative rule", i), g->status;
        }
    }
    return g->status;
}
