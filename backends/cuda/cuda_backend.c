/* Backend lifetime and device enumeration: the only place the CUDA driver is first reached. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_internal.h"

/* Statuses that mean "the driver is not there or too old", as opposed to "no GPU". */
static int is_missing_driver(cudaError_t err)
{
    return err == cudaErrorInsufficientDriver || err == cudaErrorStubLibrary ||
           err == cudaErrorSystemDriverMismatch || err == cudaErrorCallRequiresNewerDriver;
}

lc_status lc_cuda_init(lc_backend **out)
{
    if (!out)
        return lc_cuda_fail(LC_ERR_INVALID, "init: out is NULL");
    lc_backend *backend = calloc(1, sizeof *backend);
    if (!backend)
        return lc_cuda_fail(LC_ERR_NOMEM, "init: out of host memory");
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err == cudaErrorNoDevice) {
        snprintf(backend->reason, sizeof backend->reason, "no CUDA device");
        count = 0;
    } else if (is_missing_driver(err)) {
        snprintf(backend->reason, sizeof backend->reason, "no CUDA driver (cudaGetDeviceCount: %s)",
                 cudaGetErrorName(err));
        count = 0;
    } else if (err != cudaSuccess) {
        snprintf(backend->reason, sizeof backend->reason, "CUDA unavailable: cudaGetDeviceCount: %s: %s",
                 cudaGetErrorName(err), cudaGetErrorString(err));
        count = 0;
    } else if (count == 0) {
        snprintf(backend->reason, sizeof backend->reason, "no CUDA device");
    }
    /* A failed probe leaves a sticky error in the runtime's thread state; clear it. */
    (void)cudaGetLastError();
    backend->device_count = count;
    *out = backend;
    return LC_OK;
}

void lc_cuda_shutdown(lc_backend *backend) { free(backend); }

const char *lc_cuda_unavailable_reason(lc_backend *backend)
{
    if (!backend)
        return "CUDA backend not initialised";
    return backend->device_count > 0 ? NULL : backend->reason;
}

int lc_cuda_device_count(lc_backend *backend) { return backend ? backend->device_count : 0; }

static void format_version(char *dst, size_t size, const char *prefix, int version)
{
    /* CUDA encodes 13.0 as 13000. */
    snprintf(dst, size, "%s%d.%d", prefix, version / 1000, (version % 1000) / 10);
}

static void format_libraries(char *dst, size_t size)
{
    size_t cudnn = cudnnGetVersion(); /* 9.19.0 is 91900 */
    int major = 0, minor = 0, patch = 0;
    cublasGetProperty(MAJOR_VERSION, &major);
    cublasGetProperty(MINOR_VERSION, &minor);
    cublasGetProperty(PATCH_LEVEL, &patch);
    snprintf(dst, size, "cuDNN %zu.%zu.%zu cuBLAS %d.%d.%d", cudnn / 10000, (cudnn % 10000) / 100,
             cudnn % 100, major, minor, patch);
}

lc_status lc_cuda_device_info(lc_backend *backend, int index, lc_device_info *out)
{
    if (!backend || !out)
        return lc_cuda_fail(LC_ERR_INVALID, "device_info: NULL argument");
    if (index < 0 || index >= backend->device_count)
        return lc_cuda_fail(LC_ERR_NOT_FOUND, "device_info: no CUDA device %d (%d present%s%s)",
                            index, backend->device_count, backend->device_count ? "" : ": ",
                            backend->device_count ? "" : backend->reason);
    struct cudaDeviceProp prop;
    LC_CUDA(cudaGetDeviceProperties(&prop, index));
    int driver = 0, runtime = 0;
    LC_CUDA(cudaDriverGetVersion(&driver));
    LC_CUDA(cudaRuntimeGetVersion(&runtime));
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%.*s", (int)sizeof out->name - 1, prop.name);
    snprintf(out->vendor, sizeof out->vendor, "NVIDIA");
    snprintf(out->platform, sizeof out->platform, "CUDA");
    format_version(out->driver_version, sizeof out->driver_version, "CUDA driver ", driver);
    format_version(out->api_version, sizeof out->api_version, "CUDA ", runtime);
    format_libraries(out->libraries, sizeof out->libraries);
    out->memory_bytes = (uint64_t)prop.totalGlobalMem;
    out->compute_units = (uint32_t)prop.multiProcessorCount;
    out->flags = LC_DEVICE_FLAG_FP64; /* every CUDA GPU has native double, if slow on some */
    return LC_OK;
}
