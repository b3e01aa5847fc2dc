/* The op entries of the plugin table. One table serves both devices, so each entry sends the
 * call to the fast float32 op (cpu:0) or to its float64 reference adapter (cpu:1). A NULL device
 * goes to the fast op, whose validation reports it. */
#include "cpu_ops.h"

static int is_reference(const lc_device *device) { return device && device->reference; }

int cpu_dispatch_supports(lc_device *device, lc_op op, const void *params)
{
    return is_reference(device) ? cpu_reference_supports(device, op, params)
                                : cpu_supports(device, op, params);
}

lc_status cpu_dispatch_workspace_size(lc_device *device, lc_op op, const void *params,
                                      size_t *bytes)
{
    return is_reference(device) ? cpu_reference_workspace_size(device, op, params, bytes)
                                : cpu_workspace_size(device, op, params, bytes);
}

lc_status cpu_dispatch_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a,
                            lc_buffer *b, lc_buffer *c)
{
    return is_reference(device) ? cpu_reference_gemm(device, p, a, b, c)
                                : cpu_gemm(device, p, a, b, c);
}

lc_status cpu_dispatch_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                              lc_buffer *index, lc_buffer *out)
{
    return is_reference(device) ? cpu_reference_gather(device, p, table, index, out)
                                : cpu_gather(device, p, table, index, out);
}

lc_status cpu_dispatch_scatter_add(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                                   lc_buffer *index, lc_buffer *src)
{
    return is_reference(device) ? cpu_reference_scatter_add(device, p, table, index, src)
                                : cpu_scatter_add(device, p, table, index, src);
}

lc_status cpu_dispatch_lstm_forward(lc_device *device, const lc_lstm_params *p,
                                    const lc_lstm_buffers *b)
{
    return is_reference(device) ? cpu_reference_lstm_forward(device, p, b)
                                : cpu_lstm_forward(device, p, b);
}

lc_status cpu_dispatch_lstm_backward(lc_device *device, const lc_lstm_params *p,
                                     const lc_lstm_buffers *b)
{
    return is_reference(device) ? cpu_reference_lstm_backward(device, p, b)
                                : cpu_lstm_backward(device, p, b);
}

lc_status cpu_dispatch_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p,
                                    lc_buffer *x, lc_buffer *ia, lc_buffer *ib, lc_buffer *out)
{
    return is_reference(device) ? cpu_reference_cosine_pairs(device, p, x, ia, ib, out)
                                : cpu_cosine_pairs(device, p, x, ia, ib, out);
}

lc_status cpu_dispatch_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                             lc_buffer *x, lc_buffer *ia, lc_buffer *ib,
                                             lc_buffer *dout, lc_buffer *dx)
{
    return is_reference(device)
               ? cpu_reference_cosine_pairs_backward(device, p, x, ia, ib, dout, dx)
               : cpu_cosine_pairs_backward(device, p, x, ia, ib, dout, dx);
}

lc_status cpu_dispatch_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p,
                                   lc_buffer *z, lc_buffer *target, lc_buffer *loss,
                                   lc_buffer *dz, lc_buffer *prob)
{
    return is_reference(device) ? cpu_reference_sigmoid_bce(device, p, z, target, loss, dz, prob)
                                : cpu_sigmoid_bce(device, p, z, target, loss, dz, prob);
}

lc_status cpu_dispatch_l2_normalize(lc_device *device, const lc_l2_normalize_params *p,
                                    lc_buffer *x, lc_buffer *y)
{
    return is_reference(device) ? cpu_reference_l2_normalize(device, p, x, y)
                                : cpu_l2_normalize(device, p, x, y);
}

lc_status cpu_dispatch_cosine_distance_tile(lc_device *device, const lc_distance_params *p,
                                            lc_buffer *x, lc_buffer *y, lc_buffer *out)
{
    return is_reference(device) ? cpu_reference_cosine_distance_tile(device, p, x, y, out)
                                : cpu_cosine_distance_tile(device, p, x, y, out);
}

lc_status cpu_dispatch_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w,
                           lc_buffer *g)
{
    return is_reference(device) ? cpu_reference_sgd(device, p, w, g) : cpu_sgd(device, p, w, g);
}

lc_status cpu_dispatch_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w,
                            lc_buffer *g, lc_buffer *m, lc_buffer *v)
{
    return is_reference(device) ? cpu_reference_adam(device, p, w, g, m, v)
                                : cpu_adam(device, p, w, g, m, v);
}
