/*
 * The lstmcorr backend ABI: what a backend plugin (liblstmcorr-<name>.so) exports.
 *
 * A plugin exports one C symbol, LC_BACKEND_ENTRY_NAME, a function returning a pointer to a static
 * lc_backend_iface. The loader checks abi_major == LC_ABI_MAJOR, abi_minor >= the minor it needs,
 * and struct_size >= the size of the table at that minor, so entries can be appended in later minors
 * without breaking older plugins. See docs/backends.md ("how to add a backend").
 *
 * Conventions for every entry:
 *  - Returns lc_status; on failure the plugin stores a readable message retrievable through
 *    last_error() (thread-local in the plugin). Plugins never print and never call exit().
 *  - Matrices are row-major float32; index lists are int32. Sizes are element counts unless
 *    named *_bytes. Offsets into buffers are element offsets.
 *  - Every gradient output ACCUMULATES (+=) into its buffer: the caller zeroes it first. This lets
 *    the core sum contributions from several consumers without extra ops.
 *  - Ops are enqueued in order on the device's single stream; synchronize() waits for them.
 *    Host arrays named in op parameters (e.g. lstm lengths) are read during the call only.
 */
#ifndef LSTMCORR_BACKEND_H
#define LSTMCORR_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LC_ABI_MAJOR 1
#define LC_ABI_MINOR 0
#define LC_BACKEND_ENTRY_NAME "lstmcorr_backend_entry"

/* Opaque handles, defined by each plugin. */
typedef struct lc_backend lc_backend; /* one loaded, initialised backend */
typedef struct lc_device lc_device;   /* one opened device (its context and stream) */
typedef struct lc_buffer lc_buffer;   /* device memory */

/* ---- devices ------------------------------------------------------------------------------ */

enum {
    LC_DEVICE_FLAG_FP64 = 1u << 0,      /* the device has native float64 */
    LC_DEVICE_FLAG_HOST_MEMORY = 1u << 1, /* buffers live in host memory (cpu, PoCL) */
    LC_DEVICE_FLAG_REFERENCE = 1u << 2    /* exact but slow (float64 inside): tools that run on
                                             "every device" skip it unless it is named */
};

typedef struct lc_device_info {
    char name[128];           /* "AMD EPYC 7B13", "NVIDIA H200" */
    char vendor[64];
    char platform[128];       /* OpenCL platform, "CUDA", or "" */
    char driver_version[64];
    char api_version[64];     /* "OpenCL 3.0 PoCL", "CUDA 13.0", "C11 threads" */
    char libraries[128];      /* vendor libraries in use: "CLBlast 1.6.0", "cuDNN 9.1 cuBLAS 13.0" */
    uint64_t memory_bytes;    /* global memory */
    uint32_t compute_units;   /* threads (cpu), compute units (opencl), SMs (cuda) */
    uint32_t flags;           /* LC_DEVICE_FLAG_* */
} lc_device_info;

/* ---- ops ---------------------------------------------------------------------------------- */

typedef enum lc_op {
    LC_OP_GEMM = 0,
    LC_OP_GATHER = 1,
    LC_OP_SCATTER_ADD = 2,
    LC_OP_LSTM_FORWARD = 3,
    LC_OP_LSTM_BACKWARD = 4,
    LC_OP_COSINE_PAIRS = 5,
    LC_OP_COSINE_PAIRS_BACKWARD = 6,
    LC_OP_SIGMOID_BCE = 7,
    LC_OP_L2_NORMALIZE = 8,
    LC_OP_COSINE_DISTANCE_TILE = 9,
    LC_OP_SGD = 10,
    LC_OP_ADAM = 11,
    LC_OP_COUNT
} lc_op;

/* C[M,N] = alpha * op(A) op(B) + beta * C; op(X) = X or X^T. op(A) is M x K, op(B) is K x N. */
typedef struct lc_gemm_params {
    int32_t trans_a, trans_b;
    int32_t m, n, k;
    float alpha, beta;
    int32_t lda, ldb, ldc;            /* row strides of A, B, C as stored */
    size_t a_offset, b_offset, c_offset;
} lc_gemm_params;

/* GATHER:      out[r, :] = table[index[r], :]          (zero row when index[r] is out of [0, rows))
 * SCATTER_ADD: table[index[r], :] += src[r, :]        (out-of-range indices are skipped) */
typedef struct lc_gather_params {
    int32_t count;  /* number of indices */
    int32_t rows;   /* rows of the table */
    int32_t width;  /* columns of table and out/src */
} lc_gather_params;

typedef enum lc_lstm_form {
    LC_LSTM_STANDARD = 0,   /* cuDNN / PyTorch: no peepholes */
    LC_LSTM_PEEPHOLE = 1,   /* textbook peepholes inside the sigmoids: i,f see c_prev, o sees c */
    LC_LSTM_LASAGNE01 = 2   /* Lasagne 0.1: o = s(.) + w_co * c, see docs/lstm.md */
} lc_lstm_form;

typedef enum lc_lstm_input {
    LC_LSTM_INPUT_CODES = 0,     /* codes[packed] index rows of table (V x 4H): one-hot x times W_x */
    LC_LSTM_INPUT_PROJECTED = 1  /* xproj[packed, 4H] = x W_x already computed (stacked layers) */
} lc_lstm_input;

/*
 * One LSTM layer over a batch of variable-length sequences, packed time-major like PyTorch's
 * PackedSequence. Sequences are sorted by length, non-increasing (lengths[0] is the longest;
 * lengths may be 0). At step t the active sequences are b < batch_size(t) = #{b : lengths[b] > t},
 * and row (t, b) of every packed array is offset(t) + b with offset(t) = sum_{s<t} batch_size(s).
 * total = sum of lengths = number of packed rows. No work is done for padding.
 *
 * Gates are ordered i, f, g, o (as cuDNN and PyTorch): 4H columns [i | f | g | o].
 *   table: V x 4H (CODES) — row v is W_x for symbol v; xproj: total x 4H (PROJECTED)
 *   wh: H x 4H (gates += h_prev wh); bias: 4H; peep: 3H = [w_ci | w_cf | w_co] (ignored by STANDARD)
 * Initial h and c are zero.
 * Forward writes h_last (batch x H: h after each sequence's last step, 0 for length 0) and, when
 * all_steps, h_all (total x H). With training, it fills reserve for the backward pass; without,
 * reserve is scratch for this call. The caller passes a reserve buffer whenever
 * workspace_size(LC_OP_LSTM_FORWARD, params) is above 0 (training or not), and the backward gets
 * params and the same input buffers (codes or xproj, table, wh, bias, peep) as the training
 * forward that filled its reserve. A reserve serves one backward call; it may be NULL when
 * workspace_size is 0.
 * Backward reads dh_last (or NULL) and dh_all (or NULL) and ACCUMULATES dtable (CODES) or dxproj
 * (PROJECTED), dwh, dbias and dpeep (unless NULL; dpeep ignored for STANDARD).
 */
typedef struct lc_lstm_params {
    int32_t form;        /* lc_lstm_form */
    int32_t input;       /* lc_lstm_input */
    int32_t batch;       /* sequences */
    int32_t hidden;      /* H */
    int32_t vocab;       /* table rows V (CODES) */
    int32_t total;       /* sum of lengths */
    int32_t all_steps;   /* write h_all */
    int32_t training;    /* forward keeps the reserve */
    const int32_t *lengths; /* host array [batch], non-increasing */
} lc_lstm_params;

typedef struct lc_lstm_buffers {
    lc_buffer *codes;    /* int32 [total] (CODES) */
    lc_buffer *xproj;    /* float [total x 4H] (PROJECTED) */
    lc_buffer *table, *wh, *bias, *peep;
    lc_buffer *h_last, *h_all;
    lc_buffer *reserve;  /* workspace_size(LC_OP_LSTM_FORWARD) bytes, kept from forward to backward */
    lc_buffer *workspace;/* workspace_size(LC_OP_LSTM_BACKWARD) bytes of scratch, or NULL if 0 */
    lc_buffer *dh_last, *dh_all;
    lc_buffer *dtable, *dxproj, *dwh, *dbias, *dpeep;
} lc_lstm_buffers;

/* COSINE_PAIRS: out[k] = cos(x[ia[k]], x[ib[k]]) over rows of x (rows x width); 0 when a norm is 0.
 * COSINE_PAIRS_BACKWARD: dx[ia[k]] and dx[ib[k]] += dout[k] * d cos / d x (0 when a norm is 0). */
typedef struct lc_cosine_pairs_params {
    int32_t pairs;
    int32_t rows;
    int32_t width;
} lc_cosine_pairs_params;

/* SIGMOID_BCE, fused and numerically stable (z, target, loss, dz, prob: float32): with p = sigmoid(z),
 *   loss[0] = mean_k ( max(z,0) - z t + log(1 + exp(-|z|)) )    (= mean BCE(p, t))
 *   dz[k] += scale * (p_k - t_k) / count                        (dz may be NULL)
 *   prob[k] = p_k                                               (prob may be NULL) */
typedef struct lc_sigmoid_bce_params {
    int32_t count;
    float scale;
} lc_sigmoid_bce_params;

/* L2_NORMALIZE: y[r] = x[r] / |x[r]| (a zero row stays zero). x and y may be the same buffer. */
typedef struct lc_l2_normalize_params {
    int32_t rows, width;
} lc_l2_normalize_params;

/* COSINE_DISTANCE_TILE over L2-normalised rows:
 *   out[i * ld_out + j] = max(0, 1 - x[x_row + i] . y[y_row + j]),  i < rows, j < cols */
typedef struct lc_distance_params {
    int32_t rows, cols, width;
    int32_t x_row, y_row;
    int32_t ld_out;
} lc_distance_params;

/* SGD: w -= lr * g.  ADAM (Kingma & Ba, bias-corrected, step >= 1):
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  w -= lr * (m / (1-b1^step)) / (sqrt(v / (1-b2^step)) + eps) */
typedef struct lc_optimizer_params {
    int64_t count;
    float lr, beta1, beta2, eps;
    int32_t step;
} lc_optimizer_params;

/* ---- the table ---------------------------------------------------------------------------- */

typedef struct lc_backend_iface {
    uint32_t abi_major;    /* LC_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;
    uint32_t struct_size;  /* sizeof(lc_backend_iface) as the plugin was built */
    const char *name;      /* "cpu", "opencl", "cuda": the device prefix */
    const char *version;   /* plugin version string */

    /* Message of the last failing call on this thread; never NULL. */
    const char *(*last_error)(void);

    /* Initialise the backend. Succeeds with zero devices when the driver or device is missing;
     * then unavailable_reason() says why ("no CUDA driver", "no OpenCL platform"). */
    lc_status (*init)(lc_backend **out);
    void (*shutdown)(lc_backend *backend);
    const char *(*unavailable_reason)(lc_backend *backend); /* NULL when devices exist */
    int (*device_count)(lc_backend *backend);
    lc_status (*device_info)(lc_backend *backend, int index, lc_device_info *out);
    lc_status (*device_open)(lc_backend *backend, int index, lc_device **out);
    void (*device_close)(lc_device *device);

    lc_status (*buffer_alloc)(lc_device *device, size_t bytes, lc_buffer **out);
    void (*buffer_free)(lc_device *device, lc_buffer *buffer);
    lc_status (*buffer_upload)(lc_device *device, lc_buffer *dst, size_t offset_bytes,
                               const void *src, size_t bytes);
    lc_status (*buffer_download)(lc_device *device, lc_buffer *src, size_t offset_bytes,
                                 void *dst, size_t bytes);
    lc_status (*buffer_copy)(lc_device *device, lc_buffer *dst, size_t dst_offset_bytes,
                             lc_buffer *src, size_t src_offset_bytes, size_t bytes);
    lc_status (*buffer_zero)(lc_device *device, lc_buffer *buffer, size_t offset_bytes,
                             size_t bytes);
    lc_status (*synchronize)(lc_device *device);

    /* 1 when op with these parameters (the op's params struct) runs here; else 0 with the reason
     * in last_error(). */
    int (*supports)(lc_device *device, lc_op op, const void *params);
    /* Bytes of reserve (LSTM_FORWARD) or scratch (LSTM_BACKWARD) the op needs; 0 for other ops. */
    lc_status (*workspace_size)(lc_device *device, lc_op op, const void *params, size_t *bytes);

    lc_status (*gemm)(lc_device *device, const lc_gemm_params *p, lc_buffer *a, lc_buffer *b,
                      lc_buffer *c);
    lc_status (*gather)(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                        lc_buffer *index, lc_buffer *out);
    lc_status (*scatter_add)(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                             lc_buffer *index, lc_buffer *src);
    lc_status (*lstm_forward)(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b);
    lc_status (*lstm_backward)(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b);
    lc_status (*cosine_pairs)(lc_device *device, const lc_cosine_pairs_params *p, lc_buffer *x,
                              lc_buffer *ia, lc_buffer *ib, lc_buffer *out);
    lc_status (*cosine_pairs_backward)(lc_device *device, const lc_cosine_pairs_params *p,
                                       lc_buffer *x, lc_buffer *ia, lc_buffer *ib,
                                       lc_buffer *dout, lc_buffer *dx);
    lc_status (*sigmoid_bce)(lc_device *device, const lc_sigmoid_bce_params *p, lc_buffer *z,
                             lc_buffer *target, lc_buffer *loss, lc_buffer *dz, lc_buffer *prob);
    lc_status (*l2_normalize)(lc_device *device, const lc_l2_normalize_params *p, lc_buffer *x,
                              lc_buffer *y);
    lc_status (*cosine_distance_tile)(lc_device *device, const lc_distance_params *p,
                                      lc_buffer *x, lc_buffer *y, lc_buffer *out);
    lc_status (*sgd)(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g);
    lc_status (*adam)(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g,
                      lc_buffer *m, lc_buffer *v);
} lc_backend_iface;

/* Bytes of the table at ABI 1.0: the loader accepts any struct_size from this up. A later minor
 * appends entries after `adam`; the core calls such an entry only when LC_BACKEND_HAS says the
 * plugin's table reaches it (an older plugin's table is shorter). */
#define LC_BACKEND_IFACE_SIZE_1_0 (offsetof(lc_backend_iface, adam) + sizeof(void (*)(void)))
#define LC_BACKEND_HAS(api, entry)                                                        \
    ((api)->struct_size >= offsetof(lc_backend_iface, entry) + sizeof((api)->entry) && \
     (api)->entry != NULL)

/* The one symbol a plugin exports. */
typedef const lc_backend_iface *(*lc_backend_entry_fn)(void);

#ifdef __cplusplus
}
#endif
#endif
