/* Device warm-up at open. CLBlast compiles each routine's program on its first call per context
 * (seconds on PoCL), and PoCL compiles a kernel for its work-group size on its first launch; both
 * then cache (CLBlast in memory per context, PoCL also on disk), so warming once at open keeps
 * compiles out of timed paths. */
#include <stdlib.h>

#include "ocl_internal.h"
#include "ocl_ops.h"
#include "ocl_warmup.h"

/* CLBlast switches from its direct GEMM kernel to the indirect one (with copy / transpose
 * helper kernels) above a device-tuned size; this one is above it on the devices we know. */
#define OCL_WARMUP_LARGE 512

static lc_status ocl_warm_gemm(lc_device *device)
{
    const size_t n = OCL_WARMUP_LARGE;
    cl_int status = CL_SUCCESS;
    cl_mem m = ocl.clCreateBuffer(device->context, CL_MEM_READ_WRITE, 3 * n * n * sizeof(float),
                                  NULL, &status);
    if (status != CL_SUCCESS)
        return ocl_fail_cl("clCreateBuffer(warm-up)", status);
    lc_status result = ocl_fill_zero(device, m, 0, 3 * n * n * sizeof(float));
    static const int variants[3][2] = {{0, 0}, {1, 0}, {0, 1}}; /* NN, TN (dWh), NT (distances) */
    for (int v = 0; v < 3 && result == LC_OK; v++) {
        for (size_t size = 4; size <= n && result == LC_OK; size = size == 4 ? n : n + 1)
            result = ocl_sgemm(device, variants[v][0], variants[v][1], size, size, size, 1.0f, m, 0,
                               size, m, n * n, size, 0.0f, m, 2 * n * n, size);
    }
    ocl.clFinish(device->queue);
    ocl.clReleaseMemObject(m);
    return result;
}

/* A 2-sequence peephole LSTM (H = 3: a partial vector block) forward + backward, CODES input. */
static lc_status ocl_warm_lstm(lc_device *device)
{
    enum { H = 3, V = 2 };
    const int32_t lengths[2] = {2, 1};
    lc_lstm_params p = {.form = LC_LSTM_PEEPHOLE, .input = LC_LSTM_INPUT_CODES, .batch = 2,
                        .hidden = H, .vocab = V, .total = 3, .all_steps = 1, .training = 1,
                        .lengths = lengths};
    size_t reserve_bytes = 0, workspace_bytes = 0;
    OCL_TRY(ocl_workspace_size(device, LC_OP_LSTM_FORWARD, &p, &reserve_bytes));
    OCL_TRY(ocl_workspace_size(device, LC_OP_LSTM_BACKWARD, &p, &workspace_bytes));
    const size_t sizes[] = {
        3 * sizeof(int32_t),     /* codes */
        V * 4 * H * sizeof(float), H * 4 * H * sizeof(float), 4 * H * sizeof(float),
        3 * H * sizeof(float),   /* table, wh, bias, peep */
        2 * H * sizeof(float), 3 * H * sizeof(float), /* h_last, h_all */
        reserve_bytes, workspace_bytes,
        V * 4 * H * sizeof(float), H * 4 * H * sizeof(float), 4 * H * sizeof(float),
        3 * H * sizeof(float), /* dtable, dwh, dbias, dpeep */
    };
    enum { COUNT = sizeof sizes / sizeof sizes[0] };
    lc_buffer *buffers[COUNT] = {0};
    lc_status status = LC_OK;
    for (int i = 0; i < COUNT && status == LC_OK; i++) {
        status = ocl_buffer_alloc(device, sizes[i], &buffers[i]);
        if (status == LC_OK)
            status = ocl_buffer_zero(device, buffers[i], 0, sizes[i]);
    }
    if (status == LC_OK) {
        lc_lstm_buffers b = {.codes = buffers[0], .table = buffers[1], .wh = buffers[2],
                             .bias = buffers[3], .peep = buffers[4], .h_last = buffers[5],
                             .h_all = buffers[6], .reserve = buffers[7], .workspace = buffers[8],
                             .dh_last = buffers[5], .dh_all = buffers[6], .dtable = buffers[9],
                             .dwh = buffers[10], .dbias = buffers[11], .dpeep = buffers[12]};
        status = ocl_lstm_forward(device, &p, &b);
        if (status == LC_OK)
            status = ocl_lstm_backward(device, &p, &b);
        p.training = 0; /* inference keeps its state in scratch: another argument pattern */
        if (status == LC_OK)
            status = ocl_lstm_forward(device, &p, &b);
        if (status == LC_OK)
            status = ocl_synchronize(device);
    }
    for (int i = 0; i < COUNT; i++)
        ocl_buffer_free(device, buffers[i]);
    return status;
}

lc_status ocl_warm_up(lc_device *device)
{
    const char *skip = getenv("LSTMCORR_OPENCL_NO_WARMUP");
    if (skip && *skip)
        return LC_OK;
    OCL_TRY(ocl_warm_gemm(device));
    return ocl_warm_lstm(device);
}
