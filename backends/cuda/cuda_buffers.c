/* Device memory and transfers, all ordered on the device's stream. */
#include <stdlib.h>

#include "cuda_internal.h"

lc_status lc_cuda_need(const lc_buffer *buffer, size_t offset_bytes, size_t bytes, const char *what)
{
    if (!buffer)
        return lc_cuda_fail(LC_ERR_INVALID, "%s: buffer is NULL", what);
    if (offset_bytes > buffer->bytes || bytes > buffer->bytes - offset_bytes)
        return lc_cuda_fail(LC_ERR_INVALID, "%s: %zu bytes at offset %zu exceed the buffer's %zu",
                            what, bytes, offset_bytes, buffer->bytes);
    return LC_OK;
}

lc_status lc_cuda_buffer_alloc(lc_device *dev, size_t bytes, lc_buffer **out)
{
    if (!out)
        return lc_cuda_fail(LC_ERR_INVALID, "buffer_alloc: out is NULL");
    LC_CUDA_TRY(lc_cuda_enter(dev));
    lc_buffer *buf = calloc(1, sizeof *buf);
    if (!buf)
        return lc_cuda_fail(LC_ERR_NOMEM, "buffer_alloc: out of host memory");
    /* cudaMalloc(0) returns NULL; give every buffer a real address so views stay distinct. */
    lc_status st = lc_cuda_check(cudaMalloc(&buf->ptr, bytes ? bytes : 1), "cudaMalloc");
    if (st != LC_OK) {
        free(buf);
        return st;
    }
    buf->bytes = bytes;
    *out = buf;
    return LC_OK;
}

void lc_cuda_buffer_free(lc_device *dev, lc_buffer *buf)
{
    if (!buf)
        return;
    if (dev) {
        cudaSetDevice(dev->index);
        /* Queued ops may still use it; cudaFree alone does not wait for a non-blocking stream. */
        cudaStreamSynchronize(dev->stream);
    }
    cudaFree(buf->ptr);
    free(buf);
}

lc_status lc_cuda_buffer_upload(lc_device *dev, lc_buffer *dst, size_t offset_bytes,
                                const void *src, size_t bytes)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(lc_cuda_need(dst, offset_bytes, bytes, "buffer_upload"));
    if (bytes == 0)
        return LC_OK;
    if (!src)
        return lc_cuda_fail(LC_ERR_INVALID, "buffer_upload: src is NULL");
    /* The caller may reuse src as soon as we return: wait for the copy. */
    LC_CUDA(cudaMemcpyAsync((char *)dst->ptr + offset_bytes, src, bytes, cudaMemcpyHostToDevice,
                            dev->stream));
    LC_CUDA(cudaStreamSynchronize(dev->stream));
    return LC_OK;
}

lc_status lc_cuda_buffer_download(lc_device *dev, lc_buffer *src, size_t offset_bytes, void *dst,
                                  size_t bytes)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(lc_cuda_need(src, offset_bytes, bytes, "buffer_download"));
    if (bytes == 0)
        return LC_OK;
    if (!dst)
        return lc_cuda_fail(LC_ERR_INVALID, "buffer_download: dst is NULL");
    LC_CUDA(cudaMemcpyAsync(dst, (const char *)src->ptr + offset_bytes, bytes,
                            cudaMemcpyDeviceToHost, dev->stream));
    LC_CUDA(cudaStreamSynchronize(dev->stream));
    return LC_OK;
}

lc_status lc_cuda_buffer_copy(lc_device *dev, lc_buffer *dst, size_t dst_offset_bytes,
                              lc_buffer *src, size_t src_offset_bytes, size_t bytes)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(lc_cuda_need(dst, dst_offset_bytes, bytes, "buffer_copy dst"));
    LC_CUDA_TRY(lc_cuda_need(src, src_offset_bytes, bytes, "buffer_copy src"));
    if (bytes == 0)
        return LC_OK;
    LC_CUDA(cudaMemcpyAsync((char *)dst->ptr + dst_offset_bytes,
                            (const char *)src->ptr + src_offset_bytes, bytes,
                            cudaMemcpyDeviceToDevice, dev->stream));
    return LC_OK;
}

lc_status lc_cuda_buffer_zero(lc_device *dev, lc_buffer *buffer, size_t offset_bytes, size_t bytes)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(lc_cuda_need(buffer, offset_bytes, bytes, "buffer_zero"));
    if (bytes == 0)
        return LC_OK;
    LC_CUDA(cudaMemsetAsync((char *)buffer->ptr + offset_bytes, 0, bytes, dev->stream));
    return LC_OK;
}

lc_status lc_cuda_synchronize(lc_device *dev)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA(cudaStreamSynchronize(dev->stream));
    return LC_OK;
}
