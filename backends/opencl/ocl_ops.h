/* The ABI entries implemented by the ocl_*.c files, gathered into the table in ocl_backend.c. */
#ifndef LSTMCORR_OCL_OPS_H
#define LSTMCORR_OCL_OPS_H

#include "lstmcorr/backend.h"

lc_status ocl_device_open(lc_backend *backend, int index, lc_device **out);
void ocl_device_close(lc_device *device);
lc_status ocl_buffer_alloc(lc_device *device, size_t bytes, lc_buffer **out);
void ocl_buffer_free(lc_device *device, lc_buffer *buffer);
lc_status ocl_buffer_upload(lc_device *device, lc_buffer *dst, size_t offset_bytes,
                            const void *src, size_t bytes);
lc_status ocl_buffer_download(lc_device *device, lc_buffer *src, size_t offset_bytes, void *dst,
                              size_t bytes);
lc_status ocl_buffer_copy(lc_device *device, lc_buffer *dst, size_t dst_offset_bytes,
                          lc_buffer *src, size_t src_offset_bytes, size_t bytes);
lc_status ocl_buffer_zero(lc_device *device, lc_buffer *buffer, size_t offset_bytes, size_t bytes);
lc_status ocl_synchronize(lc_device *device);
int ocl_supports(lc_device *device, lc_op op, const void *params);
lc_status ocl_workspace_size(lc_device *device, lc_op op, const void *params, size_t *bytes);
lc_status ocl_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a, lc_buffer *b,
                   lc_buffer *c);
lc_status ocl_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                     lc_buffer *index, lc_buffer *out);
lc_status ocl_scatter_add(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                          lc_buffer *index, lc_buffer *src);
lc_status ocl_lstm_forward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b);
lc_status ocl_lstm_backward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b);
lc_status ocl_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p, lc_buffer *x,
                           lc_buffer *ia, lc_buffer *ib, lc_buffer *out);
lc_status ocl_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                    lc_buffer *x, lc_buffer *ia, lc_buffer *ib, lc_buffer *dout,
                                    lc_buffer *dx);
lc_status ocl_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p, lc_buffer *z,
                          lc_buffer *target, lc_buffer *loss, lc_buffer *dz, lc_buffer *prob);
lc_status ocl_l2_normalize(lc_device *device, const lc_l2_normalize_params *p, lc_buffer *x,
                           lc_buffer *y);
lc_status ocl_cosine_distance_tile(lc_device *device, const lc_distance_params *p, lc_buffer *x,
                                   lc_buffer *y, lc_buffer *out);
lc_status ocl_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g);
lc_status ocl_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g,
                   lc_buffer *m, lc_buffer *v);

#endif
