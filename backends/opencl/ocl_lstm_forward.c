/* LSTM forward: one fused kernel launch per time step over the active sequences. Inference keeps
 * h (two buffers, alternating) and c (updated in place) in the reserve (or internal scratch when
 * none is passed); training writes every row's gates, c and starting h into the reserve for the
 * backward pass. */
#include "ocl_internal.h"
#include "ocl_lstm_plan.h"
#include "ocl_ops.h"

/* Buffer checks shared with the backward pass's input side. */
lc_status ocl_lstm_check_inputs(const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    const size_t h = (size_t)p->hidden, g4 = 4 * h;
    if (p->input == LC_LSTM_INPUT_CODES) {
        OCL_TRY(ocl_check_range(b->codes, "lstm codes", 0, (size_t)p->total, sizeof(int32_t)));
        OCL_TRY(ocl_check_range(b->table, "lstm table", 0, (size_t)p->vocab * g4, sizeof(float)));
    } else {
        OCL_TRY(ocl_check_range(b->xproj, "lstm xproj", 0, (size_t)p->total * g4, sizeof(float)));
    }
    OCL_TRY(ocl_check_range(b->wh, "lstm wh", 0, h * g4, sizeof(float)));
    OCL_TRY(ocl_check_range(b->bias, "lstm bias", 0, g4, sizeof(float)));
    if (p->form != LC_LSTM_STANDARD)
        OCL_TRY(ocl_check_range(b->peep, "lstm peep", 0, 3 * h, sizeof(float)));
    return LC_OK;
}

static lc_status ocl_lstm_forward_steps(lc_device *device, const lc_lstm_params *p,
                                        const lc_lstm_buffers *b, const ocl_lstm_plan *plan)
{
    const size_t h = (size_t)p->hidden;
    const int32_t batch0 = plan->batch_sizes[0];
    const int training = p->training != 0;
    const ocl_lstm_layout *layout = &plan->layout;
    cl_mem reserve = training ? b->reserve->mem : NULL;
    cl_mem state = NULL;
    size_t h_state[2] = {0, (size_t)batch0 * h}, c_state = 2 * (size_t)batch0 * h;
    if (training) {
        /* The first step starts from h = 0: that row block of hprev is read by the dWh product. */
        OCL_TRY(ocl_fill_zero(device, reserve, layout->hprev_at * sizeof(float),
                              (size_t)batch0 * h * sizeof(float)));
    } else if (b->reserve && b->reserve->bytes >= layout->inference_floats * sizeof(float)) {
        state = b->reserve->mem; /* the ABI lets inference use the reserve as scratch */
    } else {
        OCL_TRY(ocl_scratch(device, OCL_SCRATCH_OP, 3 * (size_t)batch0 * h * sizeof(float), &state));
    }
    for (int32_t t = 0; t < plan->steps; t++) {
        const int32_t now = plan->batch_sizes[t], next = plan->batch_sizes[t + 1];
        const int32_t row = plan->offsets[t];
        cl_mem h_prev, h_out, c_prev, c_out;
        size_t h_prev_base, h_out_base, c_prev_base, c_out_base;
        if (training) {
            h_prev = h_out = c_prev = c_out = reserve;
            h_prev_base = layout->hprev_at / h + row;
            h_out_base = layout->hprev_at / h + plan->offsets[t + 1];
            c_prev_base = layout->c_at / h + (t > 0 ? plan->offsets[t - 1] : 0);
            c_out_base = layout->c_at / h + row;
        } else {
            h_prev = h_out = c_prev = c_out = state;
            h_prev_base = h_state[t % 2] / h;
            h_out_base = h_state[(t + 1) % 2] / h;
            c_prev_base = c_out_base = c_state / h;
        }
        ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_lstm_forward_step);
        ocl_arg_int(&launch, p->form);
        ocl_arg_int(&launch, p->input == LC_LSTM_INPUT_PROJECTED);
        ocl_arg_int(&launch, p->hidden);
        ocl_arg_int(&launch, p->vocab);
        ocl_arg_int(&launch, now);
        ocl_arg_int(&launch, next);
        ocl_arg_int(&launch, row);
        ocl_arg_mem(&launch, ocl_mem_of(b->codes));
        ocl_arg_mem(&launch, ocl_mem_of(b->xproj));
        ocl_arg_mem(&launch, ocl_mem_of(b->table));
        ocl_arg_mem(&launch, b->wh->mem);
        ocl_arg_mem(&launch, b->bias->mem);
        ocl_arg_mem(&launch, ocl_mem_of(b->peep));
        ocl_arg_int(&launch, t > 0);
        ocl_arg_mem(&launch, h_prev);
        ocl_arg_int(&launch, (int32_t)h_prev_base);
        ocl_arg_mem(&launch, h_out);
        ocl_arg_int(&launch, (int32_t)h_out_base);
        ocl_arg_mem(&launch, c_prev);
        ocl_arg_int(&launch, (int32_t)c_prev_base);
        ocl_arg_mem(&launch, c_out);
        ocl_arg_int(&launch, (int32_t)c_out_base);
        ocl_arg_mem(&launch, b->h_last->mem);
        ocl_arg_mem(&launch, p->all_steps ? b->h_all->mem : NULL);
        ocl_arg_int(&launch, p->all_steps != 0);
        ocl_arg_mem(&launch, reserve);
        ocl_arg_int(&launch, training);
        OCL_TRY(ocl_launch_run(&launch, OCL_LSTM_ITEMS(p->hidden, now)));
    }
    return LC_OK;
}

lc_status ocl_lstm_forward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    if (!device || !b)
        return ocl_fail(LC_ERR_INVALID, "lstm_forward: NULL argument");
    OCL_TRY(ocl_lstm_check_params(p, 1));
    OCL_TRY(ocl_lstm_check_inputs(p, b));
    const size_t h = (size_t)p->hidden;
    OCL_TRY(ocl_check_range(b->h_last, "lstm h_last", 0, (size_t)p->batch * h, sizeof(float)));
    if (p->all_steps)
        OCL_TRY(ocl_check_range(b->h_all, "lstm h_all", 0, (size_t)p->total * h, sizeof(float)));
    ocl_lstm_plan plan;
    OCL_TRY(ocl_lstm_plan_make(p, &plan));
    lc_status status = LC_OK;
    if (p->training && plan.layout.reserve_floats > 0)
        status = ocl_check_range(b->reserve, "lstm reserve", 0, plan.layout.reserve_floats,
                                 sizeof(float));
    /* Sequences of length 0 (the rows from batch_sizes[0] on) have h_last = 0. */
    if (status == LC_OK)
        status = ocl_fill_zero(device, b->h_last->mem, (size_t)plan.batch_sizes[0] * h * sizeof(float),
                               (size_t)(p->batch - plan.batch_sizes[0]) * h * sizeof(float));
    if (status == LC_OK)
        status = ocl_lstm_forward_steps(device, p, b, &plan);
    ocl_lstm_plan_free(&plan);
    return status;
}
