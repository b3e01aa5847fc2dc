/*
 * A small graph of ops, its derived backward pass, and a session that runs it on one device.
 *
 * Build a graph with the lc_graph_* calls; each returns a value id (>= 0) or -1 after an error.
 * Errors are sticky: check lc_graph_status() once after building. Graphs know nothing of
 * devices: the session binds named parameters, plans buffers by liveness (a pool of device
 * buffers reused best-fit across runs) and dispatches each node to its backend.
 *
 *   lc_graph *g; lc_graph_create(&g);
 *   lc_value codes = lc_graph_input(g, LC_I32, total, 1, host_codes);
 *   lc_value h = lc_graph_lstm(g, &desc, codes, table, wh, bias, peep, NULL);
 *   ...
 *   lc_graph_backward(g, loss);      // gradients of every parameter, into the session
 *   lc_session_run(session, g);
 *   lc_session_optimize(session, &opt);
 */
#ifndef LSTMCORR_GRAPH_H
#define LSTMCORR_GRAPH_H

#include <stdint.h>

#include "lstmcorr/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lc_graph lc_graph;
typedef int32_t lc_value;

lc_status lc_graph_create(lc_graph **out);
void lc_graph_free(lc_graph *g);
/* LC_OK, or the first error met while building (its message is in lc_last_error() at that time
 * and kept in lc_graph_error()). */
lc_status lc_graph_status(const lc_graph *g);
const char *lc_graph_error(const lc_graph *g);

/* Host data copied into the graph; uploaded when the graph runs. */
lc_value lc_graph_input(lc_graph *g, lc_dtype dtype, int64_t rows, int64_t cols, const void *data);
/* A float32 parameter owned by the session, bound by name when the graph runs. */
lc_value lc_graph_param(lc_graph *g, const char *name, int64_t rows, int64_t cols);

/* op(a) op(b), row-major. */
lc_value lc_graph_matmul(lc_graph *g, lc_value a, lc_value b, int trans_a, int trans_b);
/* out[r] = table[index[r]] (index: int32 count x 1). */
lc_value lc_graph_gather(lc_graph *g, lc_value table, lc_value index);

typedef struct lc_graph_lstm_desc {
    lc_lstm_form form;
    int32_t hidden;
    int32_t batch;
    const int32_t *lengths; /* [batch], non-increasing; copied */
} lc_graph_lstm_desc;

/* One LSTM layer (see backend.h for the packed layout). input is int32 codes (total x 1, CODES:
 * table is V x 4H) or float xproj (total x 4H, PROJECTED: table is ignored, pass -1). peep may be
 * -1 for the standard form. Returns h_last (batch x H); *h_all (total x H) when h_all != NULL. */
lc_value lc_graph_lstm(lc_graph *g, const lc_graph_lstm_desc *desc, lc_value input, lc_value table,
                       lc_value wh, lc_value bias, lc_value peep, lc_value *h_all);

/* cos(x[ia[k]], x[ib[k]]) for k < pairs; ia, ib int32 pairs x 1. Result pairs x 1. */
lc_value lc_graph_cosine_pairs(lc_graph *g, lc_value x, lc_value ia, lc_value ib);

/* Mean binary cross-entropy of sigmoid(z) against target (both count x 1): a 1 x 1 loss.
 * *prob (count x 1) receives sigmoid(z) when prob != NULL. */
lc_value lc_graph_sigmoid_bce(lc_graph *g, lc_value z, lc_value target, lc_value *prob);

/* Derive the backward pass of loss (a sigmoid_bce result) into every parameter it depends on.
 * Call once, after the forward graph is complete. */
lc_status lc_graph_backward(lc_graph *g, lc_value loss);

/* Keep v's buffer after the run so lc_session_read can fetch it. */
void lc_graph_keep(lc_graph *g, lc_value v);

/* ---- sessions ----------------------------------------------------------------------------- */

typedef struct lc_session lc_session;

lc_status lc_session_create(lc_dev *dev, lc_session **out);
void lc_session_free(lc_session *s);

/* Parameters: created once with initial values (host float32 rows x cols), kept on the device. */
lc_status lc_session_add_param(lc_session *s, const char *name, int64_t rows, int64_t cols,
                               const float *init);
lc_status lc_session_set_param(lc_session *s, const char *name, const float *host);
lc_status lc_session_get_param(lc_session *s, const char *name, float *host);
/* Gradient of the last run that had a backward pass (zero if none). */
lc_status lc_session_get_grad(lc_session *s, const char *name, float *host);
int lc_session_param_count(const lc_session *s);
const char *lc_session_param_name(const lc_session *s, int index, int64_t *rows, int64_t *cols);

/* Run every node of g. */
lc_status lc_session_run(lc_session *s, lc_graph *g);
/* Copy a kept value of the last run of g to host memory. */
lc_status lc_session_read(lc_session *s, lc_graph *g, lc_value v, void *host);

typedef enum lc_optimizer { LC_OPTIMIZER_SGD = 0, LC_OPTIMIZER_ADAM = 1 } lc_optimizer;
typedef struct lc_optimizer_config {
    lc_optimizer kind;
    float lr, beta1, beta2, eps; /* Adam's betas and eps; ignored by SGD */
} lc_optimizer_config;

/* One optimizer step on every parameter that got a gradient in the last run. */
lc_status lc_session_optimize(lc_session *s, const lc_optimizer_config *config);
/* Adam state for checkpoints: moment 0 = m, 1 = v (host float32, the parameter's shape); step count. */
lc_status lc_session_get_moment(lc_session *s, const char *name, int moment, float *host);
lc_status lc_session_set_moment(lc_session *s, const char *name, int moment, const float *host);
int32_t lc_session_step_count(const lc_session *s);
void lc_session_set_step_count(lc_session *s, int32_t steps);

/* Bytes held in the session's buffer pool (for memory reports). */
size_t lc_session_pool_bytes(const lc_session *s);

#ifdef __cplusplus
}
#endif
#endif
