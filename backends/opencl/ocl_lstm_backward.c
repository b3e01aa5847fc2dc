/* LSTM backward through time: one fused kernel launch per step, last step first, then dWh and dbias
 * as one product over all rows ([hprev | 1]^T dG, own kernel: see outer_product_tiled), dpeep as
 * column sums of per-sequence partial sums, and dtable as a deterministic scatter of dG by code. */
#include "ocl_internal.h"
#include "ocl_lstm_plan.h"
#include "ocl_ops.h"

lc_status ocl_lstm_check_inputs(const lc_lstm_params *p, const lc_lstm_buffers *b);

static lc_status ocl_lstm_check_gradients(const lc_lstm_params *p, const lc_lstm_buffers *b,
                                          const ocl_lstm_layout *layout)
{
    const size_t h = (size_t)p->hidden, g4 = 4 * h;
    OCL_TRY(ocl_check_range(b->reserve, "lstm reserve", 0, layout->reserve_floats, sizeof(float)));
    OCL_TRY(ocl_check_range(b->workspace, "lstm workspace", 0, layout->workspace_floats,
                            sizeof(float)));
    if (b->dh_last)
        OCL_TRY(ocl_check_range(b->dh_last, "lstm dh_last", 0, (size_t)p->batch * h, sizeof(float)));
    if (b->dh_all)
        OCL_TRY(ocl_check_range(b->dh_all, "lstm dh_all", 0, (size_t)p->total * h, sizeof(float)));
    if (p->input == LC_LSTM_INPUT_CODES && b->dtable)
        OCL_TRY(ocl_check_range(b->dtable, "lstm dtable", 0, (size_t)p->vocab * g4, sizeof(float)));
    if (p->input == LC_LSTM_INPUT_PROJECTED && b->dxproj)
        OCL_TRY(ocl_check_range(b->dxproj, "lstm dxproj", 0, (size_t)p->total * g4, sizeof(float)));
    if (b->dwh)
        OCL_TRY(ocl_check_range(b->dwh, "lstm dwh", 0, h * g4, sizeof(float)));
    if (b->dbias)
        OCL_TRY(ocl_check_range(b->dbias, "lstm dbias", 0, g4, sizeof(float)));
    if (p->form != LC_LSTM_STANDARD && b->dpeep)
        OCL_TRY(ocl_check_range(b->dpeep, "lstm dpeep", 0, 3 * h, sizeof(float)));
    return LC_OK;
}

/* Row chunks of the dWh product: several work-groups per compute unit, partials bounded. */
#define OCL_DWH_MAX_CHUNKS 32
#define OCL_OUTER_ROWS 8 /* LC_OUTER_ROWS in kernels/lstm_backward.cl */
#define OCL_DWH_MIN_CHUNK_ROWS 1024

static lc_status ocl_sum_into(lc_device *device, cl_mem out, cl_mem partials, size_t offset,
                              size_t elements, int32_t chunks)
{
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_sum_partials);
    ocl_arg_long(&launch, (int64_t)elements);
    ocl_arg_int(&launch, chunks);
    ocl_arg_mem(&launch, out);
    ocl_arg_mem(&launch, partials);
    ocl_arg_long(&launch, (int64_t)offset);
    return ocl_launch_run(&launch, elements);
}

/* dwh += hprev^T dG and dbias += 1^T dG over all packed rows (either may be NULL), as per-chunk
 * partial products summed in chunk order. */
static lc_status ocl_lstm_add_dwh_dbias(lc_device *device, const lc_lstm_params *p,
                                        const ocl_lstm_layout *layout, cl_mem reserve,
                                        cl_mem work, cl_mem dwh, cl_mem dbias)
{
    const int32_t h = p->hidden, g4 = 4 * p->hidden;
    int32_t chunks = (p->total + OCL_DWH_MIN_CHUNK_ROWS - 1) / OCL_DWH_MIN_CHUNK_ROWS;
    if (chunks > OCL_DWH_MAX_CHUNKS)
        chunks = OCL_DWH_MAX_CHUNKS;
    if (chunks < 1)
        chunks = 1;
    const int32_t chunk_rows = (p->total + chunks - 1) / chunks;
    const size_t elements = (size_t)h * g4, bias_at = (size_t)chunks * elements;
    /* One fixed group size for every H: PoCL compiles a kernel once per group size, and the
     * warm-up's tiny LSTM then covers the size every later call uses. */
    const size_t blocks = (size_t)((g4 + OCL_LSTM_VW - 1) / OCL_LSTM_VW) *
                          (size_t)((h + OCL_OUTER_ROWS - 1) / OCL_OUTER_ROWS);
    const size_t local = device->local_size[OCL_KERNEL_outer_product_tiled];
    const size_t sets = (blocks + local - 1) / local;
    cl_mem partials = NULL;
    OCL_TRY(ocl_scratch(device, OCL_SCRATCH_OP, (size_t)chunks * (elements + g4) * sizeof(float),
                        &partials));
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_outer_product_tiled);
    ocl_arg_int(&launch, p->total);
    ocl_arg_int(&launch, h);
    ocl_arg_int(&launch, g4);
    ocl_arg_int(&launch, chunk_rows);
    ocl_arg_int(&launch, (int32_t)sets);
    ocl_arg_mem(&launch, reserve);
    ocl_arg_long(&launch, (int64_t)layout->hprev_at);
    ocl_arg_mem(&launch, work);
    ocl_arg_long(&launch, (int64_t)layout->dgates_at);
    ocl_arg_mem(&launch, partials);
    ocl_arg_long(&launch, (int64_t)bias_at);
    ocl_arg_int(&launch, dbias != NULL);
    OCL_TRY(ocl_launch_run_groups(&launch, sets * (size_t)chunks, local));
    if (dwh)
        OCL_TRY(ocl_sum_into(device, dwh, partials, 0, elements, chunks));
    if (dbias)
        OCL_TRY(ocl_sum_into(device, dbias, partials, bias_at, (size_t)g4, chunks));
    return LC_OK;
}

static lc_status ocl_lstm_backward_steps(lc_device *device, const lc_lstm_params *p,
                                         const lc_lstm_buffers *b, const ocl_lstm_plan *plan)
{
    const size_t h = (size_t)p->hidden, g4 = 4 * h;
    const ocl_lstm_layout *layout = &plan->layout;
    const int32_t batch0 = plan->batch_sizes[0];
    cl_mem reserve = b->reserve->mem, work = b->workspace->mem;
    /* Regions of reserve and workspace go to kernels as buffer + float offset (no sub-buffers,
     * whose offsets would have to meet CL_DEVICE_MEM_BASE_ADDR_ALIGN). */
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_transpose);
    ocl_arg_int(&launch, p->hidden);
    ocl_arg_int(&launch, (int32_t)g4);
    ocl_arg_mem(&launch, b->wh->mem);
    ocl_arg_mem(&launch, work);
    ocl_arg_long(&launch, (int64_t)layout->wht_at);
    OCL_TRY(ocl_launch_run(&launch, h * g4));
    if (p->form != LC_LSTM_STANDARD)
        OCL_TRY(ocl_fill_zero(device, work, layout->dpeep_at * sizeof(float),
                              (size_t)p->batch * 3 * h * sizeof(float)));

    for (int32_t t = plan->steps - 1; t >= 0; t--) {
        const int32_t now = plan->batch_sizes[t], next = plan->batch_sizes[t + 1];
        launch = ocl_launch_begin(device, OCL_KERNEL_lstm_backward_step);
        ocl_arg_int(&launch, p->form);
        ocl_arg_int(&launch, p->hidden);
        ocl_arg_int(&launch, now);
        ocl_arg_int(&launch, next);
        ocl_arg_int(&launch, plan->offsets[t]);
        ocl_arg_int(&launch, plan->offsets[t + 1]);
        ocl_arg_int(&launch, t > 0);
        ocl_arg_int(&launch, t > 0 ? plan->offsets[t - 1] : 0);
        ocl_arg_mem(&launch, reserve);
        ocl_arg_long(&launch, (int64_t)layout->gates_at);
        ocl_arg_long(&launch, (int64_t)layout->c_at);
        ocl_arg_mem(&launch, ocl_mem_of(b->peep));
        ocl_arg_mem(&launch, work);
        ocl_arg_long(&launch, (int64_t)layout->wht_at);
        ocl_arg_mem(&launch, ocl_mem_of(b->dh_last));
        ocl_arg_mem(&launch, ocl_mem_of(b->dh_all));
        ocl_arg_long(&launch, (int64_t)layout->dgates_at);
        ocl_arg_long(&launch, (int64_t)layout->dc_at);
        ocl_arg_long(&launch, (int64_t)layout->dpeep_at);
        ocl_arg_mem(&launch, p->input == LC_LSTM_INPUT_PROJECTED ? ocl_mem_of(b->dxproj) : NULL);
        OCL_TRY(ocl_launch_run(&launch, OCL_LSTM_ITEMS(p->hidden, now)));
    }

    if (b->dwh || b->dbias)
        OCL_TRY(ocl_lstm_add_dwh_dbias(device, p, layout, reserve, work, ocl_mem_of(b->dwh),
                                       ocl_mem_of(b->dbias)));
    if (p->form != LC_LSTM_STANDARD && b->dpeep)
        OCL_TRY(ocl_add_column_sums(device, work, layout->dpeep_at, batch0, (int32_t)(3 * h),
                                    b->dpeep->mem));
    if (p->input == LC_LSTM_INPUT_CODES && b->dtable)
        OCL_TRY(ocl_scatter_add_rows(device, b->dtable->mem, p->vocab, (int32_t)g4, b->codes->mem,
                                     0, work, layout->dgates_at, p->total));
    return LC_OK;
}

lc_status ocl_lstm_backward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    if (!device || !b)
        return ocl_fail(LC_ERR_INVALID, "lstm_backward: NULL argument");
    OCL_TRY(ocl_lstm_check_params(p, 1));
    OCL_TRY(ocl_lstm_check_inputs(p, b));
    ocl_lstm_plan plan;
    OCL_TRY(ocl_lstm_plan_make(p, &plan));
    lc_status status = LC_OK;
    if (p->total > 0) {
        status = ocl_lstm_check_gradients(p, b, &plan.layout);
        if (status == LC_OK)
            status = ocl_lstm_backward_steps(device, p, b, &plan);
    }
    ocl_lstm_plan_free(&plan);
    return status;
}
