/* The plugin table, the backend and device lifecycle, and host-memory buffers (shared by cpu:0
 * and cpu:1). The op entries go through cpu_dispatch.c, which picks the device's mode. */
#include <stdlib.h>
#include <string.h>

#include "cpu_ops.h"

static lc_status cpu_init(lc_backend **out)
{
    if (!out)
        return cpu_fail(LC_ERR_INVALID, "init: out is NULL");
    *out = NULL;
    lc_backend *backend = calloc(1, sizeof *backend);
    if (!backend)
        return cpu_fail(LC_ERR_NOMEM, "out of memory for the backend");
    lc_status st = cpu_select_kernels(&backend->kernels);
    if (st != LC_OK) {
        free(backend);
        return st;
    }
    *out = backend;
    return LC_OK;
}

static void cpu_shutdown(lc_backend *backend) { free(backend); }

static const char *cpu_unavailable_reason(lc_backend *backend)
{
    (void)backend;
    return NULL;
}

static int cpu_device_count(lc_backend *backend) { return backend ? CPU_DEVICE_COUNT : 0; }

static lc_status check_index(lc_backend *backend, int index)
{
    if (!backend)
        return cpu_fail(LC_ERR_INVALID, "backend is NULL");
    if (index < 0 || index >= CPU_DEVICE_COUNT)
        return cpu_fail(LC_ERR_NOT_FOUND,
                        "cpu has two devices (cpu:0 fast, cpu:1 float64 reference), not cpu:%d",
                        index);
    return LC_OK;
}

static lc_status cpu_device_info(lc_backend *backend, int index, lc_device_info *out)
{
    lc_status st = check_index(backend, index);
    if (st != LC_OK)
        return st;
    if (!out)
        return cpu_fail(LC_ERR_INVALID, "device_info: out is NULL");
    return cpu_fill_device_info(backend, index, out);
}

static lc_status cpu_device_open(lc_backend *backend, int index, lc_device **out)
{
    lc_status st = check_index(backend, index);
    if (st != LC_OK)
        return st;
    if (!out)
        return cpu_fail(LC_ERR_INVALID, "device_open: out is NULL");
    *out = NULL;
    int threads = 0;
    if ((st = cpu_thread_count(&threads)) != LC_OK)
        return st;
    lc_device *device = calloc(1, sizeof *device);
    if (!device)
        return cpu_fail(LC_ERR_NOMEM, "out of memory for the device");
    device->backend = backend;
    device->kernels = backend->kernels;
    if (index == CPU_DEVICE_REFERENCE) {
        /* The reference loops run on the calling thread: no pool to start. */
        device->reference = 1;
        device->threads = 1;
        *out = device;
        return LC_OK;
    }
    device->threads = threads;
    st = cpu_pool_create(threads, cpu_gemm_scratch_floats() * sizeof(float), &device->pool);
    if (st != LC_OK) {
        free(device);
        return st;
    }
    *out = device;
    return LC_OK;
}

static void cpu_device_close(lc_device *device)
{
    if (!device)
        return;
    cpu_pool_destroy(device->pool);
    free(device);
}

static lc_status cpu_buffer_alloc(lc_device *device, size_t bytes, lc_buffer **out)
{
    (void)device;
    if (!out)
        return cpu_fail(LC_ERR_INVALID, "buffer_alloc: out is NULL");
    *out = NULL;
    if (bytes > SIZE_MAX - CPU_ALIGN)
        return cpu_fail(LC_ERR_NOMEM, "buffer of %zu bytes is too large", bytes);
    lc_buffer *buffer = malloc(sizeof *buffer);
    size_t rounded = (bytes + CPU_ALIGN - 1) / CPU_ALIGN * CPU_ALIGN;
    void *data = aligned_alloc(CPU_ALIGN, rounded ? rounded : CPU_ALIGN);
    if (!buffer || !data) {
        free(buffer);
        free(data);
        return cpu_fail(LC_ERR_NOMEM, "out of memory for a buffer of %zu bytes", bytes);
    }
    buffer->data = data;
    buffer->bytes = bytes;
    *out = buffer;
    return LC_OK;
}

static void cpu_buffer_free(lc_device *device, lc_buffer *buffer)
{
    (void)device;
    if (!buffer)
        return;
    free(buffer->data);
    free(buffer);
}

static lc_status check_range(const lc_buffer *b, size_t offset, size_t bytes, const char *what)
{
    if (!b)
        return cpu_fail(LC_ERR_INVALID, "%s: buffer is NULL", what);
    if (offset > b->bytes || bytes > b->bytes - offset)
        return cpu_fail(LC_ERR_INVALID, "%s: bytes [%zu, %zu + %zu) exceed the buffer's %zu", what,
                        offset, offset, bytes, b->bytes);
    return LC_OK;
}

static lc_status cpu_buffer_upload(lc_device *device, lc_buffer *dst, size_t offset_bytes,
                                   const void *src, size_t bytes)
{
    (void)device;
    lc_status st = check_range(dst, offset_bytes, bytes, "buffer_upload");
    if (st != LC_OK)
        return st;
    if (bytes && !src)
        return cpu_fail(LC_ERR_INVALID, "buffer_upload: src is NULL");
    if (bytes)
        memcpy((char *)dst->data + offset_bytes, src, bytes);
    return LC_OK;
}

static lc_status cpu_buffer_download(lc_device *device, lc_buffer *src, size_t offset_bytes,
                                     void *dst, size_t bytes)
{
    (void)device;
    lc_status st = check_range(src, offset_bytes, bytes, "buffer_download");
    if (st != LC_OK)
        return st;
    if (bytes && !dst)
        return cpu_fail(LC_ERR_INVALID, "buffer_download: dst is NULL");
    if (bytes)
        memcpy(dst, (const char *)src->data + offset_bytes, bytes);
    return LC_OK;
}

static lc_status cpu_buffer_copy(lc_device *device, lc_buffer *dst, size_t dst_offset_bytes,
                                 lc_buffer *src, size_t src_offset_bytes, size_t bytes)
{
    (void)device;
    lc_status st = check_range(dst, dst_offset_bytes, bytes, "buffer_copy destination");
    if (st == LC_OK)
        st = check_range(src, src_offset_bytes, bytes, "buffer_copy source");
    if (st != LC_OK)
        return st;
    if (bytes) /* memmove: source and destination may be the same buffer */
        memmove((char *)dst->data + dst_offset_bytes, (const char *)src->data + src_offset_bytes,
                bytes);
    return LC_OK;
}

static lc_status cpu_buffer_zero(lc_device *device, lc_buffer *buffer, size_t offset_bytes,
                                 size_t bytes)
{
    (void)device;
    lc_status st = check_range(buffer, offset_bytes, bytes, "buffer_zero");
    if (st != LC_OK)
        return st;
    if (bytes)
        memset((char *)buffer->data + offset_bytes, 0, bytes);
    return LC_OK;
}

/* Every op completes before it returns. */
static lc_status cpu_synchronize(lc_device *device)
{
    (void)device;
    return LC_OK;
}

static const lc_backend_iface cpu_backend_iface = {
    .abi_major = LC_ABI_MAJOR,
    .abi_minor = LC_ABI_MINOR,
    .struct_size = sizeof(lc_backend_iface),
    .name = "cpu",
    .version = LSTMCORR_CPU_VERSION,
    .last_error = cpu_last_error,
    .init = cpu_init,
    .shutdown = cpu_shutdown,
    .unavailable_reason = cpu_unavailable_reason,
    .device_count = cpu_device_count,
    .device_info = cpu_device_info,
    .device_open = cpu_device_open,
    .device_close = cpu_device_close,
    .buffer_alloc = cpu_buffer_alloc,
    .buffer_free = cpu_buffer_free,
    .buffer_upload = cpu_buffer_upload,
    .buffer_download = cpu_buffer_download,
    .buffer_copy = cpu_buffer_copy,
    .buffer_zero = cpu_buffer_zero,
    .synchronize = cpu_synchronize,
    .supports = cpu_dispatch_supports,
    .workspace_size = cpu_dispatch_workspace_size,
    .gemm = cpu_dispatch_gemm,
    .gather = cpu_dispatch_gather,
    .scatter_add = cpu_dispatch_scatter_add,
    .lstm_forward = cpu_dispatch_lstm_forward,
    .lstm_backward = cpu_dispatch_lstm_backward,
    .cosine_pairs = cpu_dispatch_cosine_pairs,
    .cosine_pairs_backward = cpu_dispatch_cosine_pairs_backward,
    .sigmoid_bce = cpu_dispatch_sigmoid_bce,
    .l2_normalize = cpu_dispatch_l2_normalize,
    .cosine_distance_tile = cpu_dispatch_cosine_distance_tile,
    .sgd = cpu_dispatch_sgd,
    .adam = cpu_dispatch_adam,
};

__attribute__((visibility("default"))) const lc_backend_iface *lstmcorr_backend_entry(void)
{
    return &cpu_backend_iface;
}
