/* The plugin's one exported symbol: the table of entry points. */
#include "cuda_internal.h"

#ifndef LSTMCORR_VERSION
#define LSTMCORR_VERSION "0"
#endif

static const lc_backend_iface cuda_iface = {
    .abi_major = LC_ABI_MAJOR,
    .abi_minor = LC_ABI_MINOR,
    .struct_size = sizeof(lc_backend_iface),
    .name = "cuda",
    .version = LSTMCORR_VERSION,
    .last_error = lc_cuda_last_error,
    .init = lc_cuda_init,
    .shutdown = lc_cuda_shutdown,
    .unavailable_reason = lc_cuda_unavailable_reason,
    .device_count = lc_cuda_device_count,
    .device_info = lc_cuda_device_info,
    .device_open = lc_cuda_device_open,
    .device_close = lc_cuda_device_close,
    .buffer_alloc = lc_cuda_buffer_alloc,
    .buffer_free = lc_cuda_buffer_free,
    .buffer_upload = lc_cuda_buffer_upload,
    .buffer_download = lc_cuda_buffer_download,
    .buffer_copy = lc_cuda_buffer_copy,
    .buffer_zero = lc_cuda_buffer_zero,
    .synchronize = lc_cuda_synchronize,
    .supports = lc_cuda_supports,
    .workspace_size = lc_cuda_workspace_size,
    .gemm = lc_cuda_gemm,
    .gather = lc_cuda_gather,
    .scatter_add = lc_cuda_scatter_add,
    .lstm_forward = lc_cuda_lstm_forward,
    .lstm_backward = lc_cuda_lstm_backward,
    .cosine_pairs = lc_cuda_cosine_pairs,
    .cosine_pairs_backward = lc_cuda_cosine_pairs_backward,
    .sigmoid_bce = lc_cuda_sigmoid_bce,
    .l2_normalize = lc_cuda_l2_normalize,
    .cosine_distance_tile = lc_cuda_cosine_distance_tile,
    .sgd = lc_cuda_sgd,
    .adam = lc_cuda_adam,
};

__attribute__((visibility("default"))) const lc_backend_iface *lstmcorr_backend_entry(void)
{
    return &cuda_iface;
}
