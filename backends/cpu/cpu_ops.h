/* The op entry points of the table, one group per source file. */
#ifndef LSTMCORR_CPU_OPS_H
#define LSTMCORR_CPU_OPS_H

#include "cpu_internal.h"

/* cpu_validate.c */
int cpu_supports(lc_device *device, lc_op op, const void *params);
lc_status cpu_workspace_size(lc_device *device, lc_op op, const void *params, size_t *bytes);

/* cpu_gemm.c */
lc_status cpu_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a, lc_buffer *b,
                   lc_buffer *c);
lc_status cpu_cosine_distance_tile(lc_device *device, const lc_distance_params *p, lc_buffer *x,
                                   lc_buffer *y, lc_buffer *out);

/* cpu_lstm.c */
lc_status cpu_lstm_forward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b);
lc_status cpu_lstm_backward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b);

/* cpu_rows.c: gather, scatter, cosine pairs, l2 normalisation */
lc_status cpu_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                     lc_buffer *index, lc_buffer *out);
lc_status cpu_scatter_add(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                          lc_buffer *index, lc_buffer *src);
lc_status cpu_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p, lc_buffer *x,
                           lc_buffer *ia, lc_buffer *ib, lc_buffer *out);
lc_status cpu_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                    lc_buffer *x, lc_buffer *ia, lc_buffer *ib, lc_buffer *dout,
                                    lc_buffer *dx);
lc_status cpu_l2_normalize(lc_device *device, const lc_l2_normalize_params *p, lc_buffer *x,
                           lc_buffer *y);

/* cpu_loss_optim.c: sigmoid BCE, SGD, Adam */
lc_status cpu_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p, lc_buffer *z,
                          lc_buffer *target, lc_buffer *loss, lc_buffer *dz, lc_buffer *prob);
lc_status cpu_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g);
lc_status cpu_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g,
                   lc_buffer *m, lc_buffer *v);

/* cpu_reference_device.c: the same ops on cpu:1, through the float64 lc_ref_* functions. */
int cpu_reference_supports(lc_device *device, lc_op op, const void *params);
lc_status cpu_reference_workspace_size(lc_device *device, lc_op op, const void *params,
                                       size_t *bytes);
lc_status cpu_reference_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a,
                             lc_buffer *b, lc_buffer *c);
lc_status cpu_reference_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                               lc_buffer *index, lc_buffer *out);
lc_status cpu_reference_scatter_add(lc_device *device, const lc_gather_params *p,
                                    lc_buffer *table, lc_buffer *index, lc_buffer *src);
lc_status cpu_reference_lstm_forward(lc_device *device, const lc_lstm_params *p,
                                     const lc_lstm_buffers *b);
lc_status cpu_reference_lstm_backward(lc_device *device, const lc_lstm_params *p,
                                      const lc_lstm_buffers *b);
lc_status cpu_reference_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p,
                                     lc_buffer *x, lc_buffer *ia, lc_buffer *ib, lc_buffer *out);
lc_status cpu_reference_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                              lc_buffer *x, lc_buffer *ia, lc_buffer *ib,
                                              lc_buffer *dout, lc_buffer *dx);
lc_status cpu_reference_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p,
                                    lc_buffer *z, lc_buffer *target, lc_buffer *loss,
                                    lc_buffer *dz, lc_buffer *prob);
lc_status cpu_reference_l2_normalize(lc_device *device, const lc_l2_normalize_params *p,
                                     lc_buffer *x, lc_buffer *y);
lc_status cpu_reference_cosine_distance_tile(lc_device *device, const lc_distance_params *p,
                                             lc_buffer *x, lc_buffer *y, lc_buffer *out);
lc_status cpu_reference_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w,
                            lc_buffer *g);
lc_status cpu_reference_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w,
                             lc_buffer *g, lc_buffer *m, lc_buffer *v);

/* cpu_dispatch.c: the table's op entries; each runs the fast or the reference op by device. */
int cpu_dispatch_supports(lc_device *device, lc_op op, const void *params);
lc_status cpu_dispatch_workspace_size(lc_device *device, lc_op op, const void *params,
                                      size_t *bytes);
lc_status cpu_dispatch_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a,
                            lc_buffer *b, lc_buffer *c);
lc_status cpu_dispatch_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                              lc_buffer *index, lc_buffer *out);
lc_status cpu_dispatch_scatter_add(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                                   lc_buffer *index, lc_buffer *src);
lc_status cpu_dispatch_lstm_forward(lc_device *device, const lc_lstm_params *p,
                                    const lc_lstm_buffers *b);
lc_status cpu_dispatch_lstm_backward(lc_device *device, const lc_lstm_params *p,
                                     const lc_lstm_buffers *b);
lc_status cpu_dispatch_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p,
                                    lc_buffer *x, lc_buffer *ia, lc_buffer *ib, lc_buffer *out);
lc_status cpu_dispatch_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                             lc_buffer *x, lc_buffer *ia, lc_buffer *ib,
                                             lc_buffer *dout, lc_buffer *dx);
lc_status cpu_dispatch_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p,
                                   lc_buffer *z, lc_buffer *target, lc_buffer *loss,
                                   lc_buffer *dz, lc_buffer *prob);
lc_status cpu_dispatch_l2_normalize(lc_device *device, const lc_l2_normalize_params *p,
                                    lc_buffer *x, lc_buffer *y);
lc_status cpu_dispatch_cosine_distance_tile(lc_device *device, const lc_distance_params *p,
                                            lc_buffer *x, lc_buffer *y, lc_buffer *out);
lc_status cpu_dispatch_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w,
                           lc_buffer *g);
lc_status cpu_dispatch_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w,
                            lc_buffer *g, lc_buffer *m, lc_buffer *v);

#endif
