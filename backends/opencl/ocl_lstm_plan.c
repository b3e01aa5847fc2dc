/* Schedule of a packed LSTM batch: batch_size(t) = #{b : lengths[b] > t}, offset(t) = rows before
 * step t, and the reserve / workspace layout shared by forward, backward and workspace_size. */
#include <stdlib.h>

#include "ocl_errors.h"
#include "ocl_lstm_plan.h"

lc_status ocl_lstm_check_params(const lc_lstm_params *p, int need_lengths)
{
    if (!p)
        return ocl_fail(LC_ERR_INVALID, "lstm: NULL params");
    if (p->form < LC_LSTM_STANDARD || p->form > LC_LSTM_LASAGNE01)
        return ocl_fail(LC_ERR_INVALID, "lstm: unknown form %d", p->form);
    if (p->input != LC_LSTM_INPUT_CODES && p->input != LC_LSTM_INPUT_PROJECTED)
        return ocl_fail(LC_ERR_INVALID, "lstm: unknown input mode %d", p->input);
    if (p->batch < 0 || p->hidden <= 0 || p->total < 0)
        return ocl_fail(LC_ERR_INVALID, "lstm: batch %d, hidden %d, total %d", p->batch,
                        p->hidden, p->total);
    if (p->input == LC_LSTM_INPUT_CODES && p->vocab <= 0)
        return ocl_fail(LC_ERR_INVALID, "lstm: vocab %d with CODES input", p->vocab);
    if ((int64_t)p->hidden * 4 * p->hidden > INT32_MAX)
        return ocl_fail(LC_ERR_UNSUPPORTED, "lstm: hidden %d too large", p->hidden);
    if (need_lengths && p->batch > 0 && !p->lengths)
        return ocl_fail(LC_ERR_INVALID, "lstm: lengths is NULL");
    return LC_OK;
}

void ocl_lstm_layout_of(const lc_lstm_params *p, ocl_lstm_layout *out)
{
    size_t total = (size_t)p->total, h = (size_t)p->hidden, batch = (size_t)p->batch;
    out->gates_at = 0;
    out->c_at = total * 4 * h;
    out->hprev_at = out->c_at + total * h;
    out->reserve_floats = out->hprev_at + total * h;
    out->inference_floats = total > 0 ? 3 * batch * h : 0;
    out->dgates_at = 0;
    out->wht_at = total * 4 * h;
    out->dc_at = out->wht_at + 4 * h * h;
    out->dpeep_at = out->dc_at + batch * h;
    out->workspace_floats = out->dpeep_at + batch * 3 * h;
}

lc_status ocl_lstm_plan_make(const lc_lstm_params *p, ocl_lstm_plan *out)
{
    out->steps = 0;
    out->batch_sizes = out->offsets = NULL;
    int64_t sum = 0;
    for (int32_t b = 0; b < p->batch; b++) {
        if (p->lengths[b] < 0 || (b > 0 && p->lengths[b] > p->lengths[b - 1]))
            return ocl_fail(LC_ERR_INVALID,
                            "lstm: lengths must be >= 0 and non-increasing (lengths[%d] = %d)", b,
                            p->lengths[b]);
        sum += p->lengths[b];
    }
    if (sum != p->total)
        return ocl_fail(LC_ERR_INVALID, "lstm: lengths sum to %lld, total is %d", (long long)sum,
                        p->total);
    int32_t steps = p->batch > 0 ? p->lengths[0] : 0;
    out->batch_sizes = malloc(((size_t)steps + 1) * sizeof(int32_t));
    out->offsets = malloc(((size_t)steps + 1) * sizeof(int32_t));
    if (!out->batch_sizes || !out->offsets) {
        ocl_lstm_plan_free(out);
        return ocl_fail(LC_ERR_NOMEM, "lstm: out of host memory for %d steps", steps);
    }
    out->steps = steps;
    /* Walk b down while lengths[b] <= t: lengths are non-increasing. */
    int32_t active = p->batch, offset = 0;
    for (int32_t t = 0; t <= steps; t++) {
        while (active > 0 && p->lengths[active - 1] <= t)
            active--;
        out->batch_sizes[t] = active;
        out->offsets[t] = offset;
        offset += active;
    }
    ocl_lstm_layout_of(p, &out->layout);
    return LC_OK;
}

void ocl_lstm_plan_free(ocl_lstm_plan *plan)
{
    free(plan->batch_sizes);
    free(plan->offsets);
    plan->batch_sizes = plan->offsets = NULL;
}
