/* The standard LSTM through cuDNN 9's RNN API, on our packed layout unchanged
 * (CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED is PyTorch's PackedSequence order).
 *
 * Input: cuDNN's x is always a pre-projected [total x 4H] row (for CODES our gather of table
 * rows, for PROJECTED the caller's xproj) and its input weight is a fixed 0/1 selector, so
 * cuDNN's x W_x^T reproduces x exactly in FMA math and its dx is exactly d(gates). That keeps
 * one cuDNN setup for both inputs, costs a 4H x 4H product per row (cheaper than a V = 128
 * one-hot x while 4H <= 128) and turns dtable into a scatter of dx by code.
 * Weights: our wh (H x 4H, gates += h wh) is, per gate g, the transpose of cuDNN's recurrent
 * matrix g + 4 (H x H, row-major); our bias goes to cuDNN's input bias, its recurrent bias stays
 * zero, and dbias takes the input-bias gradient only (both equal the summed d(gates): adding the
 * two would double it).
 *
 * Reserve: device lengths, weight space, x (CODES), y, cuDNN reserve, cuDNN work space.
 * Backward scratch: dy, dx, dweight space, cuDNN work space. */
#include <string.h>

#include "cuda_internal.h"

#include "cuda_kernels.h"

enum { GATES = 4 };

void lc_lstm_cudnn_cache_free(lc_device *dev)
{
    lc_cudnn_lstm_cache *c = &dev->lstm_cache;
    if (c->rnn)
        cudnnDestroyRNNDescriptor(c->rnn);
    if (c->dropout)
        cudnnDestroyDropoutDescriptor(c->dropout);
    memset(c, 0, sizeof *c);
}

/* The RNN descriptor for (4H inputs, H units), rebuilt only when H changes. */
static lc_status rnn_descriptor(lc_device *dev, int32_t hidden, lc_cudnn_lstm_cache **out)
{
    lc_cudnn_lstm_cache *c = &dev->lstm_cache;
    if (c->valid && c->hidden == hidden) {
        *out = c;
        return LC_OK;
    }
    lc_lstm_cudnn_cache_free(dev);
    cudnnHandle_t handle = lc_cuda_cudnn(dev);
    if (!handle)
        return lc_cuda_fail(LC_ERR_UNSUPPORTED, "cuDNN unusable: %s", dev->cudnn_reason);
    lc_status st = lc_cudnn_check(cudnnCreateDropoutDescriptor(&c->dropout),
                                  "cudnnCreateDropoutDescriptor");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnSetDropoutDescriptor(c->dropout, handle, 0.0f, NULL, 0, 0),
                            "cudnnSetDropoutDescriptor");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnCreateRNNDescriptor(&c->rnn), "cudnnCreateRNNDescriptor");
    /* FMA math: no TF32, so the selector passes x through exactly and results match the CPU. */
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnSetRNNDescriptor_v8(c->rnn, CUDNN_RNN_ALGO_STANDARD, CUDNN_LSTM,
                                                     CUDNN_RNN_DOUBLE_BIAS, CUDNN_UNIDIRECTIONAL,
                                                     CUDNN_LINEAR_INPUT, CUDNN_DATA_FLOAT,
                                                     CUDNN_DATA_FLOAT, CUDNN_FMA_MATH,
                                                     GATES * hidden, hidden, hidden, 1,
                                                     c->dropout, CUDNN_RNN_PADDED_IO_DISABLED),
                            "cudnnSetRNNDescriptor_v8");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnGetRNNWeightSpaceSize(handle, c->rnn, &c->weight_bytes),
                            "cudnnGetRNNWeightSpaceSize");
    if (st != LC_OK) {
        lc_lstm_cudnn_cache_free(dev);
        return st;
    }
    c->valid = 1;
    c->input_size = GATES * hidden;
    c->hidden = hidden;
    *out = c;
    return LC_OK;
}

/* Per-call descriptors of one packed batch (the active sequences only: cuDNN wants length > 0). */
typedef struct batch_descs {
    cudnnRNNDataDescriptor_t x, y;
    cudnnTensorDescriptor_t h, c;
} batch_descs;

static void batch_descs_free(batch_descs *d)
{
    if (d->x)
        cudnnDestroyRNNDataDescriptor(d->x);
    if (d->y)
        cudnnDestroyRNNDataDescriptor(d->y);
    if (d->h)
        cudnnDestroyTensorDescriptor(d->h);
    if (d->c)
        cudnnDestroyTensorDescriptor(d->c);
    memset(d, 0, sizeof *d);
}

static lc_status batch_descs_make(const lc_lstm_params *p, int32_t active, batch_descs *d)
{
    memset(d, 0, sizeof *d);
    int32_t H = p->hidden;
    int dims[3] = {1, active, H}, strides[3] = {active * H, H, 1};
    lc_status st = lc_cudnn_check(cudnnCreateRNNDataDescriptor(&d->x), "cudnnCreateRNNDataDescriptor");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnCreateRNNDataDescriptor(&d->y), "cudnnCreateRNNDataDescriptor");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnCreateTensorDescriptor(&d->h), "cudnnCreateTensorDescriptor");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnCreateTensorDescriptor(&d->c), "cudnnCreateTensorDescriptor");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnSetRNNDataDescriptor(d->x, CUDNN_DATA_FLOAT,
                                                      CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED,
                                                      p->lengths[0], active, GATES * H, p->lengths,
                                                      NULL),
                            "cudnnSetRNNDataDescriptor(x)");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnSetRNNDataDescriptor(d->y, CUDNN_DATA_FLOAT,
                                                      CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED,
                                                      p->lengths[0], active, H, p->lengths, NULL),
                            "cudnnSetRNNDataDescriptor(y)");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnSetTensorNdDescriptor(d->h, CUDNN_DATA_FLOAT, 3, dims, strides),
                            "cudnnSetTensorNdDescriptor(h)");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnSetTensorNdDescriptor(d->c, CUDNN_DATA_FLOAT, 3, dims, strides),
                            "cudnnSetTensorNdDescriptor(c)");
    if (st != LC_OK)
        batch_descs_free(d);
    return st;
}

static int32_t active_sequences(const lc_lstm_params *p)
{
    int32_t active = 0;
    while (active < p->batch && p->lengths[active] > 0)
        active++;
    return active;
}

typedef struct cudnn_sizes {
    size_t weight, work, reserve;
} cudnn_sizes;

/* work: cuDNN's temporary space, used by the forward and again by both backward calls (the
 * reserve is there for both; the backward scratch needs no second copy). */
typedef struct cudnn_reserve {
    int32_t *lengths;
    float *weights, *x, *y;
    void *reserve, *work;
} cudnn_reserve;

typedef struct cudnn_scratch {
    float *dy, *dx, *dweights;
} cudnn_scratch;

static cudnn_reserve carve_reserve(lc_carve *carve, const lc_lstm_params *p, int32_t active,
                                   const cudnn_sizes *z)
{
    size_t rows = (size_t)p->total, H = (size_t)p->hidden, F = sizeof(float);
    cudnn_reserve r;
    r.lengths = lc_carve_take(carve, (size_t)active * sizeof(int32_t));
    r.weights = lc_carve_take(carve, z->weight);
    r.x = p->input == LC_LSTM_INPUT_CODES ? lc_carve_take(carve, rows * GATES * H * F) : NULL;
    r.y = lc_carve_take(carve, rows * H * F);
    r.reserve = lc_carve_take(carve, z->reserve);
    r.work = lc_carve_take(carve, z->work);
    return r;
}

static cudnn_scratch carve_scratch(lc_carve *carve, const lc_lstm_params *p, const cudnn_sizes *z)
{
    size_t rows = (size_t)p->total, H = (size_t)p->hidden, F = sizeof(float);
    cudnn_scratch s;
    s.dy = lc_carve_take(carve, rows * H * F);
    s.dx = lc_carve_take(carve, rows * GATES * H * F);
    s.dweights = lc_carve_take(carve, z->weight);
    return s;
}

static lc_status query_sizes(lc_device *dev, const lc_lstm_params *p, lc_cudnn_lstm_cache **cache,
                             int32_t *active, cudnn_sizes *z)
{
    memset(z, 0, sizeof *z);
    LC_CUDA_TRY(rnn_descriptor(dev, p->hidden, cache));
    z->weight = (*cache)->weight_bytes;
    *active = active_sequences(p);
    if (*active == 0)
        return LC_OK;
    batch_descs d;
    LC_CUDA_TRY(batch_descs_make(p, *active, &d));
    cudnnForwardMode_t mode = p->training ? CUDNN_FWD_MODE_TRAINING : CUDNN_FWD_MODE_INFERENCE;
    lc_status st = lc_cudnn_check(cudnnGetRNNTempSpaceSizes(dev->cudnn, (*cache)->rnn, mode, d.x,
                                                            &z->work, &z->reserve),
                                  "cudnnGetRNNTempSpaceSizes");
    batch_descs_free(&d);
    return st;
}

lc_status lc_lstm_cudnn_sizes(lc_device *dev, const lc_lstm_params *p, size_t *reserve,
                              size_t *scratch)
{
    lc_cudnn_lstm_cache *cache;
    int32_t active;
    cudnn_sizes z;
    LC_CUDA_TRY(query_sizes(dev, p, &cache, &active, &z));
    lc_carve r = {NULL, 0}, s = {NULL, 0};
    carve_reserve(&r, p, active, &z);
    carve_scratch(&s, p, &z);
    *reserve = r.used;
    *scratch = s.used;
    return LC_OK;
}

/* Address of cuDNN's matrix and bias for linear layer `id` (0-3 input, 4-7 recurrent; i f g o),
 * after checking that the matrix is the dense rows x cols row-major block we assume. */
static lc_status weight_params(lc_device *dev, lc_cudnn_lstm_cache *cache, void *space, int id,
                               int rows, int cols, float **matrix, float **bias)
{
    cudnnTensorDescriptor_t m = NULL, b = NULL;
    lc_status st = lc_cudnn_check(cudnnCreateTensorDescriptor(&m), "cudnnCreateTensorDescriptor");
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnCreateTensorDescriptor(&b), "cudnnCreateTensorDescriptor");
    void *maddr = NULL, *baddr = NULL;
    if (st == LC_OK)
        st = lc_cudnn_check(cudnnGetRNNWeightParams(dev->cudnn, cache->rnn, 0, cache->weight_bytes,
                                                    space, id, m, &maddr, b, &baddr),
                            "cudnnGetRNNWeightParams");
    if (st == LC_OK) {
        cudnnDataType_t type;
        int nb = 0, dims[3] = {0, 0, 0}, strides[3] = {0, 0, 0};
        st = lc_cudnn_check(cudnnGetTensorNdDescriptor(m, 3, &type, &nb, dims, strides),
                            "cudnnGetTensorNdDescriptor");
        if (st == LC_OK && (nb != 3 || dims[0] != 1 || dims[1] != rows || dims[2] != cols ||
                            strides[2] != 1 || strides[1] != cols || !maddr || !baddr))
            st = lc_cuda_fail(LC_ERR_INTERNAL,
                              "cuDNN weight %d has layout %d:[%d %d %d]/[%d %d %d], expected [1 %d %d]",
                              id, nb, dims[0], dims[1], dims[2], strides[0], strides[1],
                              strides[2], rows, cols);
    }
    if (m)
        cudnnDestroyTensorDescriptor(m);
    if (b)
        cudnnDestroyTensorDescriptor(b);
    *matrix = maddr;
    *bias = baddr;
    return st;
}

/* cuDNN's weight space from ours: selectors, transposed wh, input bias; the rest zero. */
static lc_status fill_weights(lc_device *dev, lc_cudnn_lstm_cache *cache, const lc_lstm_params *p,
                              const lc_lstm_buffers *b, float *space)
{
    int32_t H = p->hidden, G = GATES * H;
    const float one = 1.0f, zero = 0.0f;
    LC_CUDA(cudaMemsetAsync(space, 0, cache->weight_bytes, dev->stream));
    for (int g = 0; g < GATES; g++) {
        float *m, *bias;
        LC_CUDA_TRY(weight_params(dev, cache, space, g, H, G, &m, &bias));
        LC_CUDA(lc_k_gate_selector(dev->stream, m, H, g));
        LC_CUDA(cudaMemcpyAsync(bias, (const float *)b->bias->ptr + (size_t)g * H, H * sizeof(float),
                                cudaMemcpyDeviceToDevice, dev->stream));
        LC_CUDA_TRY(weight_params(dev, cache, space, g + GATES, H, H, &m, &bias));
        /* Column-major view: our gate block is H x H at wh + gH with ld 4H; cuDNN's is its
         * transpose with ld H. */
        const float *ours = (const float *)b->wh->ptr + (size_t)g * H;
        LC_CUBLAS(cublasSgeam(dev->cublas, CUBLAS_OP_T, CUBLAS_OP_N, H, H, &one, ours, G, &zero, m,
                              H, m, H));
    }
    return LC_OK;
}

lc_status lc_lstm_cudnn_forward(lc_device *dev, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    lc_cudnn_lstm_cache *cache;
    int32_t active;
    cudnn_sizes z;
    LC_CUDA_TRY(query_sizes(dev, p, &cache, &active, &z));
    size_t row = (size_t)p->hidden * sizeof(float);
    if (b->h_last && active < p->batch)
        LC_CUDA(cudaMemsetAsync((char *)b->h_last->ptr + (size_t)active * row, 0,
                                (size_t)(p->batch - active) * row, dev->stream));
    if (active == 0)
        return LC_OK;
    if (!b->reserve)
        return lc_cuda_fail(LC_ERR_INVALID, "lstm_forward: reserve is NULL");
    lc_carve carve = {b->reserve->ptr, 0};
    cudnn_reserve r = carve_reserve(&carve, p, active, &z);
    /* p->lengths is the caller's pageable array, valid only during this call; CUDA only says
     * such a copy *may* be staged before returning, so wait for it (a few bytes). */
    LC_CUDA(cudaMemcpyAsync(r.lengths, p->lengths, (size_t)active * sizeof(int32_t),
                            cudaMemcpyHostToDevice, dev->stream));
    LC_CUDA(cudaStreamSynchronize(dev->stream));
    LC_CUDA_TRY(fill_weights(dev, cache, p, b, r.weights));
    const float *x = b->xproj ? b->xproj->ptr : NULL;
    if (p->input == LC_LSTM_INPUT_CODES) {
        LC_CUDA(lc_k_gather(dev->stream, b->table->ptr, p->vocab, GATES * p->hidden, b->codes->ptr,
                            p->total, r.x));
        x = r.x;
    }
    batch_descs d;
    LC_CUDA_TRY(batch_descs_make(p, active, &d));
    cudnnForwardMode_t mode = p->training ? CUDNN_FWD_MODE_TRAINING : CUDNN_FWD_MODE_INFERENCE;
    lc_status st = lc_cudnn_check(
        cudnnRNNForward(dev->cudnn, cache->rnn, mode, r.lengths, d.x, x, d.y, r.y, d.h, NULL,
                        b->h_last ? b->h_last->ptr : NULL, d.c, NULL, NULL, z.weight, r.weights,
                        z.work, r.work, z.reserve, z.reserve ? r.reserve : NULL),
        "cudnnRNNForward");
    batch_descs_free(&d);
    LC_CUDA_TRY(st);
    if (p->all_steps)
        LC_CUDA(cudaMemcpyAsync(b->h_all->ptr, r.y, (size_t)p->total * row,
                                cudaMemcpyDeviceToDevice, dev->stream));
    return LC_OK;
}

/* Our gradients from cuDNN's: dwh += transposed recurrent blocks, dbias += input biases. */
static lc_status add_weight_grads(lc_device *dev, lc_cudnn_lstm_cache *cache,
                                  const lc_lstm_params *p, const lc_lstm_buffers *b, float *space)
{
    int32_t H = p->hidden, G = GATES * H;
    const float one = 1.0f;
    for (int g = 0; g < GATES; g++) {
        float *m, *bias;
        if (b->dbias) {
            LC_CUDA_TRY(weight_params(dev, cache, space, g, H, G, &m, &bias));
            LC_CUBLAS(cublasSaxpy(dev->cublas, H, &one, bias, 1,
                                  (float *)b->dbias->ptr + (size_t)g * H, 1));
        }
        if (b->dwh) {
            LC_CUDA_TRY(weight_params(dev, cache, space, g + GATES, H, H, &m, &bias));
            float *ours = (float *)b->dwh->ptr + (size_t)g * H;
            LC_CUBLAS(cublasSgeam(dev->cublas, CUBLAS_OP_T, CUBLAS_OP_N, H, H, &one, m, H, &one,
                                  ours, G, ours, G));
        }
    }
    return LC_OK;
}

static lc_status backward_run(lc_device *dev, const lc_lstm_params *p, const lc_lstm_buffers *b,
                              lc_cudnn_lstm_cache *cache, int32_t active, const cudnn_sizes *z,
                              const batch_descs *d)
{
    lc_carve rc = {b->reserve->ptr, 0}, sc = {b->workspace->ptr, 0};
    cudnn_reserve r = carve_reserve(&rc, p, active, z);
    cudnn_scratch s = carve_scratch(&sc, p, z);
    size_t rows_h = (size_t)p->total * p->hidden * sizeof(float);
    if (b->dh_all)
        LC_CUDA(cudaMemcpyAsync(s.dy, b->dh_all->ptr, rows_h, cudaMemcpyDeviceToDevice, dev->stream));
    else
        LC_CUDA(cudaMemsetAsync(s.dy, 0, rows_h, dev->stream));
    LC_CUDNN(cudnnRNNBackwardData_v8(dev->cudnn, cache->rnn, r.lengths, d->y, r.y, s.dy, d->x, s.dx,
                                     d->h, NULL, b->dh_last ? b->dh_last->ptr : NULL, NULL, d->c,
                                     NULL, NULL, NULL, z->weight, r.weights, z->work, r.work,
                                     z->reserve, r.reserve));
    /* x only feeds the selector's gradient, which we drop; any [total x 4H] buffer will do when
     * the caller's xproj is gone. */
    const float *x = p->input == LC_LSTM_INPUT_CODES ? r.x : (b->xproj ? b->xproj->ptr : s.dx);
    LC_CUDA(cudaMemsetAsync(s.dweights, 0, z->weight, dev->stream));
    LC_CUDNN(cudnnRNNBackwardWeights_v8(dev->cudnn, cache->rnn, CUDNN_WGRAD_MODE_ADD, r.lengths,
                                        d->x, x, d->h, NULL, d->y, r.y, z->weight, s.dweights,
                                        z->work, r.work, z->reserve, r.reserve));
    LC_CUDA_TRY(add_weight_grads(dev, cache, p, b, s.dweights));
    int32_t G = GATES * p->hidden;
    if (p->input == LC_LSTM_INPUT_CODES && b->dtable)
        LC_CUDA_TRY(lc_cuda_scatter_rows(dev, b->dtable->ptr, p->vocab, G, b->codes->ptr, s.dx,
                                         p->total));
    if (p->input == LC_LSTM_INPUT_PROJECTED && b->dxproj)
        LC_CUDA(lc_k_add(dev->stream, b->dxproj->ptr, s.dx, (int64_t)p->total * G));
    return LC_OK;
}

lc_status lc_lstm_cudnn_backward(lc_device *dev, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    lc_cudnn_lstm_cache *cache;
    int32_t active;
    cudnn_sizes z;
    LC_CUDA_TRY(query_sizes(dev, p, &cache, &active, &z));
    if (active == 0)
        return LC_OK;
    if (!b->reserve || !b->workspace)
        return lc_cuda_fail(LC_ERR_INVALID, "lstm_backward: reserve or workspace is NULL");
    batch_descs d;
    LC_CUDA_TRY(batch_descs_make(p, active, &d));
    lc_status st = backward_run(dev, p, b, cache, active, &z, &d);
    batch_descs_free(&d);
    return st;
}
