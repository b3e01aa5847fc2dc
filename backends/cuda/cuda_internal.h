/*
 * Private to the CUDA plugin: the handle types behind backend.h's opaque names, error helpers
 * that name the failing call and status, and the entry points each source file provides.
 */
#ifndef LSTMCORR_CUDA_INTERNAL_H
#define LSTMCORR_CUDA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>

#include "lstmcorr/backend.h"

struct lc_backend {
    int device_count;
    char reason[256]; /* why there are no devices; "" when there are */
};

/* cuDNN's descriptors for one (input size, hidden size, batch) shape, reused while it repeats. */
typedef struct lc_cudnn_lstm_cache {
    int valid;
    int32_t input_size, hidden;
    cudnnRNNDescriptor_t rnn;
    cudnnDropoutDescriptor_t dropout;
    size_t weight_bytes;
} lc_cudnn_lstm_cache;

struct lc_device {
    int index;
    cudaStream_t stream;
    cublasHandle_t cublas;
    cudnnHandle_t cudnn;     /* created on first use; NULL until then or when cuDNN is unusable */
    int cudnn_tried;         /* 1 once creation was attempted */
    char cudnn_reason[256];  /* why cuDNN is unusable, "" when usable */
    lc_cudnn_lstm_cache lstm_cache;
    int deterministic;       /* LSTMCORR_DETERMINISTIC=1 */
    int force_fused_lstm;    /* LSTMCORR_CUDA_LSTM=fused: standard form without cuDNN */
    void *scratch;           /* grown on demand for ops that take no workspace */
    size_t scratch_bytes;
};

struct lc_buffer {
    void *ptr;
    size_t bytes;
};

/* ---- errors (cuda_error.c) ------------------------------------------------------------------ */

const char *lc_cuda_last_error(void);
lc_status lc_cuda_fail(lc_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Each records "<call>: <status name>: <description>" and returns LC_ERR_DEVICE (LC_ERR_NOMEM for
 * out-of-memory statuses), or LC_OK when the status is success. */
lc_status lc_cuda_check(cudaError_t err, const char *call);
lc_status lc_cublas_check(cublasStatus_t st, const char *call);
lc_status lc_cudnn_check(cudnnStatus_t st, const char *call);

/* Evaluate a CUDA/cuBLAS/cuDNN call; on failure return its lc_status from the enclosing function. */
#define LC_CUDA(call) LC_CUDA_TRY(lc_cuda_check((call), #call))
#define LC_CUBLAS(call) LC_CUDA_TRY(lc_cublas_check((call), #call))
#define LC_CUDNN(call) LC_CUDA_TRY(lc_cudnn_check((call), #call))
#define LC_CUDA_TRY(expr)                     \
    do {                                       \
        lc_status lc_cuda_status_ = (expr);    \
        if (lc_cuda_status_ != LC_OK)          \
            return lc_cuda_status_;            \
    } while (0)

/* ---- backend and devices (cuda_backend.c, cuda_device.c) ----------------------------------- */

lc_status lc_cuda_init(lc_backend **out);
void lc_cuda_shutdown(lc_backend *backend);
const char *lc_cuda_unavailable_reason(lc_backend *backend);
int lc_cuda_device_count(lc_backend *backend);
lc_status lc_cuda_device_info(lc_backend *backend, int index, lc_device_info *out);
lc_status lc_cuda_device_open(lc_backend *backend, int index, lc_device **out);
void lc_cuda_device_close(lc_device *device);
/* Make the device current on the calling thread (ops may come from any thread). */
lc_status lc_cuda_enter(lc_device *device);
/* Device scratch of at least `bytes`, valid until the next call; ordered on the device stream. */
lc_status lc_cuda_scratch(lc_device *device, size_t bytes, void **out);
/* The device's cuDNN handle, created on first use; NULL with the reason in cudnn_reason. */
cudnnHandle_t lc_cuda_cudnn(lc_device *device);

/* ---- buffers (cuda_buffers.c) ---------------------------------------------------------------- */

lc_status lc_cuda_buffer_alloc(lc_device *device, size_t bytes, lc_buffer **out);
void lc_cuda_buffer_free(lc_device *device, lc_buffer *buffer);
lc_status lc_cuda_buffer_upload(lc_device *device, lc_buffer *dst, size_t offset_bytes,
                                const void *src, size_t bytes);
lc_status lc_cuda_buffer_download(lc_device *device, lc_buffer *src, size_t offset_bytes,
                                  void *dst, size_t bytes);
lc_status lc_cuda_buffer_copy(lc_device *device, lc_buffer *dst, size_t dst_offset_bytes,
                              lc_buffer *src, size_t src_offset_bytes, size_t bytes);
lc_status lc_cuda_buffer_zero(lc_device *device, lc_buffer *buffer, size_t offset_bytes,
                              size_t bytes);
lc_status lc_cuda_synchronize(lc_device *device);
/* LC_ERR_INVALID unless buffer is non-NULL and holds `bytes` from `offset_bytes`. */
lc_status lc_cuda_need(const lc_buffer *buffer, size_t offset_bytes, size_t bytes, const char *what);

/* ---- BLAS (cuda_blas.c) --------------------------------------------------------------------- */

/* Row-major C = alpha op(A) op(B) + beta C on raw device pointers, through column-major cuBLAS. */
lc_status lc_cuda_sgemm_rows(lc_device *device, int trans_a, int trans_b, int m, int n, int k,
                             float alpha, const float *a, int lda, const float *b, int ldb,
                             float beta, float *c, int ldc);
lc_status lc_cuda_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a, lc_buffer *b,
                       lc_buffer *c);
lc_status lc_cuda_cosine_distance_tile(lc_device *device, const lc_distance_params *p,
                                       lc_buffer *x, lc_buffer *y, lc_buffer *out);

/* ---- element ops (cuda_ops.c) ------------------------------------------------------------- */

/* table[index[r]] += src[r] on raw pointers; sorted and atomic-free in deterministic mode. */
lc_status lc_cuda_scatter_rows(lc_device *device, float *table, int32_t rows, int32_t width,
                               const int32_t *index, const float *src, int32_t count);
lc_status lc_cuda_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                         lc_buffer *index, lc_buffer *out);
lc_status lc_cuda_scatter_add(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                              lc_buffer *index, lc_buffer *src);
lc_status lc_cuda_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p, lc_buffer *x,
                               lc_buffer *ia, lc_buffer *ib, lc_buffer *out);
lc_status lc_cuda_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                        lc_buffer *x, lc_buffer *ia, lc_buffer *ib,
                                        lc_buffer *dout, lc_buffer *dx);
lc_status lc_cuda_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p, lc_buffer *z,
                              lc_buffer *target, lc_buffer *loss, lc_buffer *dz, lc_buffer *prob);
lc_status lc_cuda_l2_normalize(lc_device *device, const lc_l2_normalize_params *p, lc_buffer *x,
                               lc_buffer *y);
lc_status lc_cuda_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g);
lc_status lc_cuda_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g,
                       lc_buffer *m, lc_buffer *v);

/* ---- LSTM (cuda_lstm.c, cuda_lstm_cudnn.c, cuda_lstm_fused.c) ------------------------------ */

/* The packed-sequence schedule derived from the host lengths. */
typedef struct lc_lstm_plan {
    int32_t steps;        /* lengths[0] */
    int32_t active;       /* sequences with length > 0 (a prefix, lengths being sorted) */
    int32_t *batch_sizes; /* [steps] */
    int32_t *offsets;     /* [steps + 1]: first packed row of each step; offsets[steps] = total */
    int32_t *last_rows;   /* [batch]: packed row of each sequence's last step, -1 for length 0 */
} lc_lstm_plan;

lc_status lc_lstm_plan_make(const lc_lstm_params *p, lc_lstm_plan *plan);
void lc_lstm_plan_free(lc_lstm_plan *plan);

int lc_cuda_supports(lc_device *device, lc_op op, const void *params);
lc_status lc_cuda_workspace_size(lc_device *device, lc_op op, const void *params, size_t *bytes);
lc_status lc_cuda_lstm_forward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b);
lc_status lc_cuda_lstm_backward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b);

/* *use = 1 when the standard form goes through cuDNN on this device (0: the fused kernels);
 * a failure other than cuDNN declining the shape is returned, not turned into a fallback. */
lc_status lc_lstm_uses_cudnn(lc_device *device, const lc_lstm_params *p, int *use);

lc_status lc_lstm_cudnn_sizes(lc_device *device, const lc_lstm_params *p, size_t *reserve,
                              size_t *scratch);
lc_status lc_lstm_cudnn_forward(lc_device *device, const lc_lstm_params *p,
                                const lc_lstm_buffers *b);
lc_status lc_lstm_cudnn_backward(lc_device *device, const lc_lstm_params *p,
                                 const lc_lstm_buffers *b);
void lc_lstm_cudnn_cache_free(lc_device *device);

lc_status lc_lstm_fused_sizes(const lc_lstm_params *p, size_t *reserve, size_t *scratch);
lc_status lc_lstm_fused_forward(lc_device *device, const lc_lstm_params *p,
                                const lc_lstm_buffers *b);
lc_status lc_lstm_fused_backward(lc_device *device, const lc_lstm_params *p,
                                 const lc_lstm_buffers *b);

/* Carves aligned regions out of one workspace: the same sequence of takes gives the same layout. */
typedef struct lc_carve {
    char *base;
    size_t used;
} lc_carve;
void *lc_carve_take(lc_carve *carve, size_t bytes);

#endif
