/* LSTM dispatch: validates the packed batch, derives its schedule, and picks the path —
 * cuDNN for the standard form, the fused cuBLAS + kernel path for the others, for the standard
 * form when cuDNN is unusable or declines the shape, and always in deterministic mode. */
#include <stdlib.h>
#include <string.h>

#include "cuda_internal.h"

void *lc_carve_take(lc_carve *carve, size_t bytes)
{
    void *at = carve->base ? carve->base + carve->used : NULL;
    carve->used += (bytes + 255) & ~(size_t)255;
    return at;
}

void lc_lstm_plan_free(lc_lstm_plan *plan)
{
    free(plan->batch_sizes);
    free(plan->offsets);
    free(plan->last_rows);
    memset(plan, 0, sizeof *plan);
}

lc_status lc_lstm_plan_make(const lc_lstm_params *p, lc_lstm_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    /* The lengths were validated by check_params. */
    for (int32_t b = 0; b < p->batch; b++)
        if (p->lengths[b] > 0)
            plan->active = b + 1;
    plan->steps = p->batch > 0 ? p->lengths[0] : 0;
    plan->batch_sizes = calloc((size_t)plan->steps + 1, sizeof(int32_t));
    plan->offsets = calloc((size_t)plan->steps + 1, sizeof(int32_t));
    plan->last_rows = calloc((size_t)p->batch + 1, sizeof(int32_t));
    if (!plan->batch_sizes || !plan->offsets || !plan->last_rows) {
        lc_lstm_plan_free(plan);
        return lc_cuda_fail(LC_ERR_NOMEM, "lstm: out of host memory");
    }
    /* batch_size(t) = #{b : lengths[b] > t}; walking b backwards keeps this linear. */
    int32_t b = p->batch;
    for (int32_t t = 0; t < plan->steps; t++) {
        while (b > 0 && p->lengths[b - 1] <= t)
            b--;
        plan->batch_sizes[t] = b;
        plan->offsets[t + 1] = plan->offsets[t] + b;
    }
    for (b = 0; b < p->batch; b++)
        plan->last_rows[b] = p->lengths[b] > 0 ? plan->offsets[p->lengths[b] - 1] + b : -1;
    return LC_OK;
}

static lc_status check_params(const lc_lstm_params *p)
{
    if (!p)
        return lc_cuda_fail(LC_ERR_INVALID, "lstm: params NULL");
    if (p->form < LC_LSTM_STANDARD || p->form > LC_LSTM_LASAGNE01)
        return lc_cuda_fail(LC_ERR_INVALID, "lstm: unknown form %d", p->form);
    if (p->input != LC_LSTM_INPUT_CODES && p->input != LC_LSTM_INPUT_PROJECTED)
        return lc_cuda_fail(LC_ERR_INVALID, "lstm: unknown input kind %d", p->input);
    if (p->batch < 0 || p->hidden <= 0 || p->total < 0 ||
        (p->input == LC_LSTM_INPUT_CODES && p->vocab <= 0))
        return lc_cuda_fail(LC_ERR_INVALID, "lstm: bad sizes (batch %d hidden %d vocab %d total %d)",
                            p->batch, p->hidden, p->vocab, p->total);
    if ((int64_t)p->total * 4 * p->hidden > INT32_MAX)
        return lc_cuda_fail(LC_ERR_UNSUPPORTED, "lstm: total x 4H exceeds 2^31 elements");
    /* Both paths index packed rows from the lengths: they must describe exactly `total` rows. */
    if (p->batch > 0 && !p->lengths)
        return lc_cuda_fail(LC_ERR_INVALID, "lstm: lengths is NULL");
    int64_t sum = 0;
    for (int32_t b = 0; b < p->batch; b++) {
        if (p->lengths[b] < 0 || (b > 0 && p->lengths[b] > p->lengths[b - 1]))
            return lc_cuda_fail(LC_ERR_INVALID,
                                "lstm: lengths must be non-negative and non-increasing (b = %d)", b);
        sum += p->lengths[b];
    }
    if (sum != p->total)
        return lc_cuda_fail(LC_ERR_INVALID, "lstm: lengths sum to %lld, total is %d",
                            (long long)sum, p->total);
    return LC_OK;
}

lc_status lc_lstm_uses_cudnn(lc_device *dev, const lc_lstm_params *p, int *use)
{
    *use = 0;
    if (p->form != LC_LSTM_STANDARD || dev->deterministic || dev->force_fused_lstm)
        return LC_OK;
    if (!lc_cuda_cudnn(dev))
        return LC_OK;
    /* Only "not supported" picks the fused path: a transient failure (out of memory) chosen
     * differently by forward and backward would make backward read the other path's reserve. */
    size_t reserve = 0, scratch = 0;
    lc_status st = lc_lstm_cudnn_sizes(dev, p, &reserve, &scratch);
    if (st == LC_ERR_UNSUPPORTED)
        return LC_OK;
    *use = st == LC_OK;
    return st;
}

int lc_cuda_supports(lc_device *dev, lc_op op, const void *params)
{
    if (!dev) {
        lc_cuda_fail(LC_ERR_INVALID, "device is NULL");
        return 0;
    }
    if ((int)op < 0 || op >= LC_OP_COUNT) {
        lc_cuda_fail(LC_ERR_UNSUPPORTED, "unknown op %d", (int)op);
        return 0;
    }
    if ((op == LC_OP_LSTM_FORWARD || op == LC_OP_LSTM_BACKWARD) && params)
        return check_params(params) == LC_OK;
    return 1;
}

lc_status lc_cuda_workspace_size(lc_device *dev, lc_op op, const void *params, size_t *bytes)
{
    if (!dev || !bytes)
        return lc_cuda_fail(LC_ERR_INVALID, "workspace_size: NULL argument");
    *bytes = 0;
    if (op != LC_OP_LSTM_FORWARD && op != LC_OP_LSTM_BACKWARD)
        return LC_OK;
    const lc_lstm_params *p = params;
    LC_CUDA_TRY(check_params(p));
    LC_CUDA_TRY(lc_cuda_enter(dev));
    size_t reserve = 0, scratch = 0;
    int cudnn = 0;
    LC_CUDA_TRY(lc_lstm_uses_cudnn(dev, p, &cudnn));
    if (cudnn)
        LC_CUDA_TRY(lc_lstm_cudnn_sizes(dev, p, &reserve, &scratch));
    else
        LC_CUDA_TRY(lc_lstm_fused_sizes(p, &reserve, &scratch));
    *bytes = op == LC_OP_LSTM_FORWARD ? reserve : scratch;
    return LC_OK;
}

static lc_status check_buffers(const lc_lstm_params *p, const lc_lstm_buffers *b, int backward)
{
    size_t H = (size_t)p->hidden, G = 4 * H, F = sizeof(float);
    const char *what = backward ? "lstm_backward" : "lstm_forward";
    if (!b)
        return lc_cuda_fail(LC_ERR_INVALID, "%s: buffers NULL", what);
    if (p->input == LC_LSTM_INPUT_CODES) {
        LC_CUDA_TRY(lc_cuda_need(b->codes, 0, (size_t)p->total * sizeof(int32_t), "lstm codes"));
        if (!backward)
            LC_CUDA_TRY(lc_cuda_need(b->table, 0, (size_t)p->vocab * G * F, "lstm table"));
        if (backward && b->dtable)
            LC_CUDA_TRY(lc_cuda_need(b->dtable, 0, (size_t)p->vocab * G * F, "lstm dtable"));
    } else {
        if (!backward || b->xproj)
            LC_CUDA_TRY(lc_cuda_need(b->xproj, 0, (size_t)p->total * G * F, "lstm xproj"));
        if (backward && b->dxproj)
            LC_CUDA_TRY(lc_cuda_need(b->dxproj, 0, (size_t)p->total * G * F, "lstm dxproj"));
    }
    LC_CUDA_TRY(lc_cuda_need(b->wh, 0, H * G * F, "lstm wh"));
    if (!backward)
        LC_CUDA_TRY(lc_cuda_need(b->bias, 0, G * F, "lstm bias"));
    if (p->form != LC_LSTM_STANDARD)
        LC_CUDA_TRY(lc_cuda_need(b->peep, 0, 3 * H * F, "lstm peep"));
    if (!backward) {
        if (b->h_last)
            LC_CUDA_TRY(lc_cuda_need(b->h_last, 0, (size_t)p->batch * H * F, "lstm h_last"));
        if (p->all_steps)
            LC_CUDA_TRY(lc_cuda_need(b->h_all, 0, (size_t)p->total * H * F, "lstm h_all"));
    } else {
        if (b->dh_last)
            LC_CUDA_TRY(lc_cuda_need(b->dh_last, 0, (size_t)p->batch * H * F, "lstm dh_last"));
        if (b->dh_all)
            LC_CUDA_TRY(lc_cuda_need(b->dh_all, 0, (size_t)p->total * H * F, "lstm dh_all"));
        if (b->dwh)
            LC_CUDA_TRY(lc_cuda_need(b->dwh, 0, H * G * F, "lstm dwh"));
        if (b->dbias)
            LC_CUDA_TRY(lc_cuda_need(b->dbias, 0, G * F, "lstm dbias"));
        if (b->dpeep && p->form != LC_LSTM_STANDARD)
            LC_CUDA_TRY(lc_cuda_need(b->dpeep, 0, 3 * H * F, "lstm dpeep"));
    }
    return LC_OK;
}

/* The reserve/scratch the caller passed must be at least what workspace_size reported. */
static lc_status check_workspace(lc_device *dev, const lc_lstm_params *p, lc_buffer *buf,
                                 lc_op op, const char *what)
{
    size_t need = 0;
    LC_CUDA_TRY(lc_cuda_workspace_size(dev, op, p, &need));
    if (need == 0)
        return LC_OK;
    return lc_cuda_need(buf, 0, need, what);
}

lc_status lc_cuda_lstm_forward(lc_device *dev, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(check_params(p));
    LC_CUDA_TRY(check_buffers(p, b, 0));
    LC_CUDA_TRY(check_workspace(dev, p, b->reserve, LC_OP_LSTM_FORWARD, "lstm_forward reserve"));
    int cudnn = 0;
    LC_CUDA_TRY(lc_lstm_uses_cudnn(dev, p, &cudnn));
    if (cudnn)
        return lc_lstm_cudnn_forward(dev, p, b);
    return lc_lstm_fused_forward(dev, p, b);
}

lc_status lc_cuda_lstm_backward(lc_device *dev, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(check_params(p));
    LC_CUDA_TRY(check_buffers(p, b, 1));
    /* Backward reads the reserve laid out by a training forward. */
    lc_lstm_params training = *p;
    training.training = 1;
    LC_CUDA_TRY(check_workspace(dev, &training, b->reserve, LC_OP_LSTM_FORWARD,
                                "lstm_backward reserve"));
    LC_CUDA_TRY(check_workspace(dev, &training, b->workspace, LC_OP_LSTM_BACKWARD,
                                "lstm_backward workspace"));
    int cudnn = 0;
    LC_CUDA_TRY(lc_lstm_uses_cudnn(dev, &training, &cudnn));
    if (cudnn)
        return lc_lstm_cudnn_backward(dev, &training, b);
    return lc_lstm_fused_backward(dev, &training, b);
}
