/* The fused LSTM path: per time step one cuBLAS product for h_prev W_h over the active rows and
 * one kernel for gates and state; backward through time the same way in reverse, then the
 * weight gradients as whole-batch products. Serves all three forms.
 *
 * Reserve (kept from forward to backward), per packed row: act [4H] gate activations,
 * c [H] cell state, hp [H] the row's h_prev (zero at t = 0).
 * Backward scratch: dpre [total x 4H], dh [total x H], dc_carry and dpeep_rows per sequence,
 * a ones vector for column sums, the sequences' last rows. */
#include "cuda_internal.h"

#include "cuda_kernels.h"

typedef struct fused_reserve {
    float *act, *c, *hp;
} fused_reserve;

typedef struct fused_scratch {
    float *dpre, *dh, *dc_carry, *dpeep_rows, *ones;
    int32_t *last_rows;
} fused_scratch;

static size_t max_size(size_t a, size_t b) { return a > b ? a : b; }

static fused_reserve carve_reserve(lc_carve *carve, const lc_lstm_params *p)
{
    size_t rows = (size_t)p->total, H = (size_t)p->hidden, F = sizeof(float);
    fused_reserve r;
    r.act = lc_carve_take(carve, rows * 4 * H * F);
    r.c = lc_carve_take(carve, rows * H * F);
    r.hp = lc_carve_take(carve, rows * H * F);
    return r;
}

static fused_scratch carve_scratch(lc_carve *carve, const lc_lstm_params *p)
{
    size_t rows = (size_t)p->total, batch = (size_t)p->batch, H = (size_t)p->hidden;
    size_t F = sizeof(float);
    fused_scratch s;
    s.dpre = lc_carve_take(carve, rows * 4 * H * F);
    s.dh = lc_carve_take(carve, rows * H * F);
    s.dc_carry = lc_carve_take(carve, batch * H * F);
    s.dpeep_rows = lc_carve_take(carve, batch * 3 * H * F);
    s.ones = lc_carve_take(carve, max_size(rows, batch) * F);
    s.last_rows = lc_carve_take(carve, batch * sizeof(int32_t));
    return s;
}

lc_status lc_lstm_fused_sizes(const lc_lstm_params *p, size_t *reserve, size_t *scratch)
{
    lc_carve r = {NULL, 0}, s = {NULL, 0};
    carve_reserve(&r, p);
    carve_scratch(&s, p);
    *reserve = r.used;
    *scratch = s.used;
    return LC_OK;
}

static lc_lstm_step step_at(const lc_lstm_params *p, const lc_lstm_plan *plan, int32_t t)
{
    lc_lstm_step s;
    s.form = p->form;
    s.hidden = p->hidden;
    s.batch = plan->batch_sizes[t];
    s.offset = plan->offsets[t];
    s.prev_offset = t > 0 ? plan->offsets[t - 1] : -1;
    s.next_offset = plan->offsets[t + 1];
    s.next_batch = t + 1 < plan->steps ? plan->batch_sizes[t + 1] : 0;
    return s;
}

static lc_status zero_idle_h_last(lc_device *dev, const lc_lstm_params *p,
                                  const lc_lstm_plan *plan, const lc_lstm_buffers *b)
{
    if (!b->h_last || plan->active == p->batch)
        return LC_OK;
    size_t row = (size_t)p->hidden * sizeof(float);
    LC_CUDA(cudaMemsetAsync((char *)b->h_last->ptr + (size_t)plan->active * row, 0,
                            (size_t)(p->batch - plan->active) * row, dev->stream));
    return LC_OK;
}

static lc_status forward_steps(lc_device *dev, const lc_lstm_params *p, const lc_lstm_plan *plan,
                               const lc_lstm_buffers *b, fused_reserve r)
{
    int32_t H = p->hidden, G = 4 * H;
    const float *wh = b->wh->ptr;
    const float *peep = p->form != LC_LSTM_STANDARD ? b->peep->ptr : NULL;
    float *h_last = b->h_last ? b->h_last->ptr : NULL;
    float *h_all = p->all_steps ? b->h_all->ptr : NULL;
    int codes = p->input == LC_LSTM_INPUT_CODES;
    LC_CUDA(lc_k_lstm_input(dev->stream, codes ? b->codes->ptr : NULL, codes ? b->table->ptr : NULL,
                            p->vocab, codes ? NULL : b->xproj->ptr, b->bias->ptr, p->total, G,
                            r.act));
    /* t = 0 has no h_prev: its hp rows are zero so that the dW_h product can span all rows. */
    LC_CUDA(cudaMemsetAsync(r.hp, 0, (size_t)plan->batch_sizes[0] * H * sizeof(float),
                            dev->stream));
    for (int32_t t = 0; t < plan->steps; t++) {
        lc_lstm_step s = step_at(p, plan, t);
        if (t > 0)
            LC_CUDA_TRY(lc_cuda_sgemm_rows(dev, 0, 0, s.batch, G, H, 1.0f,
                                           r.hp + (size_t)s.offset * H, H, wh, G, 1.0f,
                                           r.act + (size_t)s.offset * G, G));
        LC_CUDA(lc_k_lstm_cell_forward(dev->stream, &s, r.act, peep, r.c, r.hp, h_last, h_all));
    }
    return LC_OK;
}

lc_status lc_lstm_fused_forward(lc_device *dev, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    lc_lstm_plan plan;
    LC_CUDA_TRY(lc_lstm_plan_make(p, &plan));
    lc_status st = zero_idle_h_last(dev, p, &plan, b);
    if (st == LC_OK && plan.steps > 0) {
        if (!b->reserve) {
            st = lc_cuda_fail(LC_ERR_INVALID, "lstm_forward: reserve is NULL");
        } else {
            lc_carve carve = {b->reserve->ptr, 0};
            st = forward_steps(dev, p, &plan, b, carve_reserve(&carve, p));
        }
    }
    lc_lstm_plan_free(&plan);
    return st;
}

/* dh = dh_all + dh_last at each sequence's last row; the recurrence adds the rest. */
static lc_status seed_dh(lc_device *dev, const lc_lstm_params *p, const lc_lstm_plan *plan,
                         const lc_lstm_buffers *b, fused_scratch s)
{
    size_t H = (size_t)p->hidden, F = sizeof(float);
    if (b->dh_all)
        LC_CUDA(cudaMemcpyAsync(s.dh, b->dh_all->ptr, (size_t)p->total * H * F,
                                cudaMemcpyDeviceToDevice, dev->stream));
    else
        LC_CUDA(cudaMemsetAsync(s.dh, 0, (size_t)p->total * H * F, dev->stream));
    if (b->dh_last && p->batch > 0) {
        /* plan->last_rows is pageable and freed after this call; CUDA only says such a copy *may*
         * be staged before returning, so wait for it (a few bytes, once per backward). */
        LC_CUDA(cudaMemcpyAsync(s.last_rows, plan->last_rows, (size_t)p->batch * sizeof(int32_t),
                                cudaMemcpyHostToDevice, dev->stream));
        LC_CUDA(cudaStreamSynchronize(dev->stream));
        LC_CUDA(lc_k_add_rows_indexed(dev->stream, s.dh, s.last_rows, b->dh_last->ptr, p->batch,
                                      p->hidden));
    }
    return LC_OK;
}

/* y += A^T ones: the column sums of a row-major rows x cols matrix. */
static lc_status add_column_sums(lc_device *dev, const float *a, int32_t rows, int32_t cols,
                                 const float *ones, float *y)
{
    if (rows <= 0 || cols <= 0)
        return LC_OK;
    const float one = 1.0f;
    LC_CUBLAS(cublasSgemv(dev->cublas, CUBLAS_OP_N, cols, rows, &one, a, cols, ones, 1, &one, y, 1));
    return LC_OK;
}

static lc_status backward_steps(lc_device *dev, const lc_lstm_params *p, const lc_lstm_plan *plan,
                                const lc_lstm_buffers *b, fused_reserve r, fused_scratch s)
{
    int32_t H = p->hidden, G = 4 * H;
    size_t F = sizeof(float);
    const float *wh = b->wh->ptr;
    const float *peep = p->form != LC_LSTM_STANDARD ? b->peep->ptr : NULL;
    LC_CUDA_TRY(seed_dh(dev, p, plan, b, s));
    LC_CUDA(cudaMemsetAsync(s.dc_carry, 0, (size_t)p->batch * H * F, dev->stream));
    LC_CUDA(cudaMemsetAsync(s.dpeep_rows, 0, (size_t)p->batch * 3 * H * F, dev->stream));
    for (int32_t t = plan->steps - 1; t >= 0; t--) {
        lc_lstm_step step = step_at(p, plan, t);
        LC_CUDA(lc_k_lstm_cell_backward(dev->stream, &step, r.act, peep, r.c, s.dh, s.dc_carry,
                                        s.dpre, s.dpeep_rows));
        if (t > 0) /* dh_prev += dpre W_h^T, into the previous step's rows */
            LC_CUDA_TRY(lc_cuda_sgemm_rows(dev, 0, 1, step.batch, H, G, 1.0f,
                                           s.dpre + (size_t)step.offset * G, G, wh, G, 1.0f,
                                           s.dh + (size_t)step.prev_offset * H, H));
    }
    if (b->dwh) /* dW_h += hp^T dpre over every packed row at once */
        LC_CUDA_TRY(lc_cuda_sgemm_rows(dev, 1, 0, H, G, p->total, 1.0f, r.hp, H, s.dpre, G, 1.0f,
                                       b->dwh->ptr, G));
    if (b->dbias || (b->dpeep && peep))
        LC_CUDA(lc_k_fill(dev->stream, s.ones, p->total > p->batch ? p->total : p->batch, 1.0f));
    if (b->dbias)
        LC_CUDA_TRY(add_column_sums(dev, s.dpre, p->total, G, s.ones, b->dbias->ptr));
    if (b->dpeep && peep)
        LC_CUDA_TRY(add_column_sums(dev, s.dpeep_rows, p->batch, 3 * H, s.ones, b->dpeep->ptr));
    if (p->input == LC_LSTM_INPUT_CODES && b->dtable)
        LC_CUDA_TRY(lc_cuda_scatter_rows(dev, b->dtable->ptr, p->vocab, G, b->codes->ptr, s.dpre,
                                         p->total));
    if (p->input == LC_LSTM_INPUT_PROJECTED && b->dxproj)
        LC_CUDA(lc_k_add(dev->stream, b->dxproj->ptr, s.dpre, (int64_t)p->total * G));
    return LC_OK;
}

lc_status lc_lstm_fused_backward(lc_device *dev, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    lc_lstm_plan plan;
    LC_CUDA_TRY(lc_lstm_plan_make(p, &plan));
    lc_status st = LC_OK;
    if (plan.steps > 0) {
        if (!b->reserve || !b->workspace) {
            st = lc_cuda_fail(LC_ERR_INVALID, "lstm_backward: reserve or workspace is NULL");
        } else {
            lc_carve rc = {b->reserve->ptr, 0}, sc = {b->workspace->ptr, 0};
            fused_reserve r = carve_reserve(&rc, p);
            st = backward_steps(dev, p, &plan, b, r, carve_scratch(&sc, p));
        }
    }
    lc_lstm_plan_free(&plan);
    return st;
}
