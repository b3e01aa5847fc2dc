/* Device memory: buffers, transfers (blocking, so host arrays are free when the call returns),
 * copies and fills (enqueued in order), synchronisation. */
#include <stdlib.h>

#include "ocl_internal.h"
#include "ocl_ops.h"

static lc_status ocl_check_bytes(const lc_buffer *buffer, const char *what, size_t offset,
                                 size_t bytes)
{
    return ocl_check_range(buffer, what, offset, bytes, 1);
}

lc_status ocl_buffer_alloc(lc_device *device, size_t bytes, lc_buffer **out)
{
    if (!device || !out)
        return ocl_fail(LC_ERR_INVALID, "opencl buffer_alloc: NULL argument");
    lc_buffer *buffer = calloc(1, sizeof *buffer);
    if (!buffer)
        return ocl_fail(LC_ERR_NOMEM, "opencl buffer_alloc: out of host memory");
    cl_int status = CL_SUCCESS;
    /* OpenCL refuses empty buffers; a zero-byte lc_buffer still gets a small cl_mem. */
    buffer->mem = ocl.clCreateBuffer(device->context, CL_MEM_READ_WRITE, bytes ? bytes : 16, NULL,
                                     &status);
    if (status != CL_SUCCESS) {
        free(buffer);
        return ocl_fail(ocl_status_from_cl(status), "clCreateBuffer(%zu bytes): %s", bytes,
                        ocl_cl_status_name(status));
    }
    buffer->bytes = bytes;
    *out = buffer;
    return LC_OK;
}

void ocl_buffer_free(lc_device *device, lc_buffer *buffer)
{
    (void)device;
    if (!buffer)
        return;
    ocl.clReleaseMemObject(buffer->mem);
    free(buffer);
}

lc_status ocl_buffer_upload(lc_device *device, lc_buffer *dst, size_t offset_bytes,
                            const void *src, size_t bytes)
{
    OCL_TRY(ocl_check_bytes(dst, "buffer_upload dst", offset_bytes, bytes));
    if (bytes == 0)
        return LC_OK;
    OCL_CHECK("clEnqueueWriteBuffer", ocl.clEnqueueWriteBuffer(device->queue, dst->mem, CL_TRUE,
                                                               offset_bytes, bytes, src, 0, NULL,
                                                               NULL));
    return LC_OK;
}

lc_status ocl_buffer_download(lc_device *device, lc_buffer *src, size_t offset_bytes, void *dst,
                              size_t bytes)
{
    OCL_TRY(ocl_check_bytes(src, "buffer_download src", offset_bytes, bytes));
    if (bytes == 0)
        return LC_OK;
    OCL_CHECK("clEnqueueReadBuffer", ocl.clEnqueueReadBuffer(device->queue, src->mem, CL_TRUE,
                                                             offset_bytes, bytes, dst, 0, NULL,
                                                             NULL));
    return LC_OK;
}

lc_status ocl_buffer_copy(lc_device *device, lc_buffer *dst, size_t dst_offset_bytes,
                          lc_buffer *src, size_t src_offset_bytes, size_t bytes)
{
    OCL_TRY(ocl_check_bytes(dst, "buffer_copy dst", dst_offset_bytes, bytes));
    OCL_TRY(ocl_check_bytes(src, "buffer_copy src", src_offset_bytes, bytes));
    if (bytes == 0)
        return LC_OK;
    if (src == dst && src_offset_bytes < dst_offset_bytes + bytes &&
        dst_offset_bytes < src_offset_bytes + bytes)
        return ocl_fail(LC_ERR_INVALID, "buffer_copy: source and destination overlap");
    OCL_CHECK("clEnqueueCopyBuffer",
              ocl.clEnqueueCopyBuffer(device->queue, src->mem, dst->mem, src_offset_bytes,
                                      dst_offset_bytes, bytes, 0, NULL, NULL));
    return LC_OK;
}

lc_status ocl_fill_zero(lc_device *device, cl_mem mem, size_t offset_bytes, size_t bytes)
{
    if (bytes == 0)
        return LC_OK;
    const cl_uchar zero = 0;
    OCL_CHECK("clEnqueueFillBuffer", ocl.clEnqueueFillBuffer(device->queue, mem, &zero, 1,
                                                             offset_bytes, bytes, 0, NULL, NULL));
    return LC_OK;
}

lc_status ocl_buffer_zero(lc_device *device, lc_buffer *buffer, size_t offset_bytes, size_t bytes)
{
    OCL_TRY(ocl_check_bytes(buffer, "buffer_zero", offset_bytes, bytes));
    return ocl_fill_zero(device, buffer->mem, offset_bytes, bytes);
}

lc_status ocl_synchronize(lc_device *device)
{
    if (!device)
        return ocl_fail(LC_ERR_INVALID, "opencl synchronize: NULL device");
    OCL_CHECK("clFinish", ocl.clFinish(device->queue));
    return LC_OK;
}
