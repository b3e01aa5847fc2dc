/* An opened device: its stream, cuBLAS handle, lazily created cuDNN handle and op scratch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_internal.h"
#include "cuda_kernels.h"

static int env_is(const char *name, const char *value)
{
    const char *v = getenv(name);
    return v && strcmp(v, value) == 0;
}

lc_status lc_cuda_device_open(lc_backend *backend, int index, lc_device **out)
{
    if (!backend || !out)
        return lc_cuda_fail(LC_ERR_INVALID, "device_open: NULL argument");
    if (backend->device_count == 0)
        return lc_cuda_fail(LC_ERR_NOT_FOUND, "cuda:%d: %s", index, backend->reason);
    if (index < 0 || index >= backend->device_count)
        return lc_cuda_fail(LC_ERR_NOT_FOUND, "cuda:%d: only %d CUDA device(s)", index,
                            backend->device_count);
    LC_CUDA(cudaSetDevice(index));
    /* Refuse at open, not at the first kernel: cuDNN and cuBLAS would run, our kernels not. */
    cudaError_t image = lc_k_image_check();
    if (image != cudaSuccess) {
        int major = 0, minor = 0;
        cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, index);
        cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, index);
        (void)cudaGetLastError();
        return lc_cuda_fail(LC_ERR_UNSUPPORTED,
                            "cuda:%d: compute capability %d.%d has no code in this plugin (%s); rebuild "
                            "with -DCMAKE_CUDA_ARCHITECTURES=%d%d",
                            index, major, minor, cudaGetErrorName(image), major, minor);
    }
    lc_device *dev = calloc(1, sizeof *dev);
    if (!dev)
        return lc_cuda_fail(LC_ERR_NOMEM, "device_open: out of host memory");
    dev->index = index;
    dev->deterministic = env_is("LSTMCORR_DETERMINISTIC", "1");
    dev->force_fused_lstm = env_is("LSTMCORR_CUDA_LSTM", "fused");
    lc_status st = lc_cuda_check(cudaStreamCreateWithFlags(&dev->stream, cudaStreamNonBlocking),
                                 "cudaStreamCreateWithFlags");
    if (st == LC_OK)
        st = lc_cublas_check(cublasCreate(&dev->cublas), "cublasCreate");
    if (st == LC_OK)
        st = lc_cublas_check(cublasSetStream(dev->cublas, dev->stream), "cublasSetStream");
    /* Plain FP32 products (no TF32): the distances near eps and the parity tests need them. */
    if (st == LC_OK)
        st = lc_cublas_check(cublasSetMathMode(dev->cublas, CUBLAS_PEDANTIC_MATH),
                             "cublasSetMathMode");
    if (st != LC_OK) {
        lc_cuda_device_close(dev);
        return st;
    }
    *out = dev;
    return LC_OK;
}

void lc_cuda_device_close(lc_device *dev)
{
    if (!dev)
        return;
    cudaSetDevice(dev->index);
    if (dev->stream)
        cudaStreamSynchronize(dev->stream);
    lc_lstm_cudnn_cache_free(dev);
    if (dev->cudnn)
        cudnnDestroy(dev->cudnn);
    if (dev->cublas)
        cublasDestroy(dev->cublas);
    if (dev->scratch)
        cudaFree(dev->scratch);
    if (dev->stream)
        cudaStreamDestroy(dev->stream);
    free(dev);
}

lc_status lc_cuda_enter(lc_device *dev)
{
    if (!dev)
        return lc_cuda_fail(LC_ERR_INVALID, "device is NULL");
    return lc_cuda_check(cudaSetDevice(dev->index), "cudaSetDevice");
}

lc_status lc_cuda_scratch(lc_device *dev, size_t bytes, void **out)
{
    if (bytes <= dev->scratch_bytes) {
        *out = dev->scratch;
        return LC_OK;
    }
    /* Earlier ops on the stream may still read the old scratch. */
    LC_CUDA(cudaStreamSynchronize(dev->stream));
    if (dev->scratch)
        LC_CUDA(cudaFree(dev->scratch));
    dev->scratch = NULL;
    dev->scratch_bytes = 0;
    size_t grown = bytes + bytes / 4; /* headroom so slowly growing batches do not reallocate */
    LC_CUDA(cudaMalloc(&dev->scratch, grown));
    dev->scratch_bytes = grown;
    *out = dev->scratch;
    return LC_OK;
}

cudnnHandle_t lc_cuda_cudnn(lc_device *dev)
{
    if (dev->cudnn_tried)
        return dev->cudnn;
    dev->cudnn_tried = 1;
    cudnnHandle_t handle = NULL;
    cudnnStatus_t st = cudnnCreate(&handle);
    if (st == CUDNN_STATUS_SUCCESS)
        st = cudnnSetStream(handle, dev->stream);
    if (st != CUDNN_STATUS_SUCCESS) {
        snprintf(dev->cudnn_reason, sizeof dev->cudnn_reason, "cudnnCreate: %s",
                 cudnnGetErrorString(st));
        if (handle)
            cudnnDestroy(handle);
        return NULL;
    }
    dev->cudnn = handle;
    return handle;
}
