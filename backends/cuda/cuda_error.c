/* The plugin's thread-local last error, and messages that name the failing call and status. */
#include <stdarg.h>
#include <stdio.h>

#include "cuda_internal.h"

static _Thread_local char last_error[512] = "";

const char *lc_cuda_last_error(void) { return last_error; }

lc_status lc_cuda_fail(lc_status status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, args);
    va_end(args);
    return status;
}

lc_status lc_cuda_check(cudaError_t err, const char *call)
{
    if (err == cudaSuccess)
        return LC_OK;
    (void)cudaGetLastError(); /* reported here: the next launch's check must not inherit it */
    lc_status status = err == cudaErrorMemoryAllocation ? LC_ERR_NOMEM : LC_ERR_DEVICE;
    return lc_cuda_fail(status, "%s: %s: %s", call, cudaGetErrorName(err), cudaGetErrorString(err));
}

lc_status lc_cublas_check(cublasStatus_t st, const char *call)
{
    if (st == CUBLAS_STATUS_SUCCESS)
        return LC_OK;
    lc_status status = st == CUBLAS_STATUS_ALLOC_FAILED ? LC_ERR_NOMEM : LC_ERR_DEVICE;
    return lc_cuda_fail(status, "%s: %s: %s", call, cublasGetStatusName(st), cublasGetStatusString(st));
}

lc_status lc_cudnn_check(cudnnStatus_t st, const char *call)
{
    if (st == CUDNN_STATUS_SUCCESS)
        return LC_OK;
    /* cuDNN 9 groups its statuses by thousands: 3xxx not supported, 4003/4004 allocation. */
    lc_status status = (st == CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED ||
                        st == CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED)
                           ? LC_ERR_NOMEM
                       : (st / 1000 == CUDNN_STATUS_NOT_SUPPORTED / 1000) ? LC_ERR_UNSUPPORTED
                                                                          : LC_ERR_DEVICE;
    /* cudnnGetErrorString gives the enumerator's name ("CUDNN_STATUS_BAD_PARAM"). */
    return lc_cuda_fail(status, "%s: %s", call, cudnnGetErrorString(st));
}
