/* The graph's representation, shared by the builder (graph.c) and the session (session.c). */
#ifndef LSTMCORR_GRAPH_INTERNAL_H
#define LSTMCORR_GRAPH_INTERNAL_H

#include "lstmcorr/graph.h"

typedef enum value_kind {
    VALUE_INPUT,     /* host data uploaded at run */
    VALUE_PARAM,     /* session parameter, bound by name */
    VALUE_PARAM_GRAD,/* the session's gradient buffer of a parameter */
    VALUE_TEMP,      /* produced by a node, pooled */
    VALUE_RESERVE    /* LSTM reserve: size known only from the device */
} value_kind;

typedef struct graph_value {
    value_kind kind;
    lc_dtype dtype;
    int64_t rows, cols;
    void *host;        /* VALUE_INPUT data (owned) */
    char *name;        /* VALUE_PARAM / VALUE_PARAM_GRAD parameter name (owned) */
    int reserve_node;  /* VALUE_RESERVE: the forward node whose params size it */
    int keep;
    int zero_init;     /* gradients: zeroed when first materialised, then accumulated into */
    int needs_grad;    /* depends on a parameter */
    lc_value grad;     /* gradient value during backward derivation, -1 if none */
} graph_value;

typedef enum node_op {
    NODE_GEMM,        /* in: a, b; out: c (accumulates when beta = 1) */
    NODE_GATHER,      /* in: table, index; out */
    NODE_SCATTER_ADD, /* in: index, src; out: table (+=) */
    NODE_LSTM_FORWARD,
    NODE_LSTM_BACKWARD,
    NODE_COSINE_PAIRS,          /* in: x, ia, ib; out */
    NODE_COSINE_PAIRS_BACKWARD, /* in: x, ia, ib, dout; out: dx (+=) */
    NODE_SIGMOID_BCE            /* in: z, target; out: loss, dz (+=, or -1), prob (or -1) */
} node_op;

/* LSTM slots in in[] / out[]. */
enum { LSTM_IN_INPUT, LSTM_IN_TABLE, LSTM_IN_WH, LSTM_IN_BIAS, LSTM_IN_PEEP, LSTM_IN_RESERVE,
       LSTM_IN_DH_LAST, LSTM_IN_DH_ALL };
enum { LSTM_OUT_H_LAST, LSTM_OUT_H_ALL, LSTM_OUT_RESERVE, LSTM_OUT_DINPUT, LSTM_OUT_DWH,
       LSTM_OUT_DBIAS, LSTM_OUT_DPEEP };

enum { NODE_MAX_IN = 8, NODE_MAX_OUT = 7 };

typedef struct graph_node {
    node_op op;
    lc_value in[NODE_MAX_IN];   /* -1 = unused */
    lc_value out[NODE_MAX_OUT]; /* -1 = unused */
    union {
        lc_gemm_params gemm;
        lc_gather_params gather;
        lc_lstm_params lstm;   /* lengths points at lengths_copy below */
        lc_cosine_pairs_params cosine;
        lc_sigmoid_bce_params bce;
    } p;
    int32_t *lengths_copy;
} graph_node;

struct lc_graph {
    graph_value *values;
    int value_count, value_cap;
    graph_node *nodes;
    int node_count, node_cap;
    lc_status status;
    char error[512];
    int has_backward;
};

#endif
