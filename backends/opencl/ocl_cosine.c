/* Cosine similarity of index pairs (forward and backward) and row L2 normalisation. */
#include "ocl_internal.h"
#include "ocl_ops.h"

/* Pair gradients are staged per pair and then scattered; bound the staging memory. */
#define OCL_PAIRS_PER_CHUNK 65536

static lc_status ocl_check_pairs(const char *op, const lc_cosine_pairs_params *p, lc_buffer *x,
                                 lc_buffer *ia, lc_buffer *ib)
{
    if (!p)
        return ocl_fail(LC_ERR_INVALID, "%s: NULL params", op);
    if (p->pairs < 0 || p->rows < 0 || p->width < 0)
        return ocl_fail(LC_ERR_INVALID, "%s: negative size", op);
    OCL_TRY(ocl_check_range(x, "x", 0, (size_t)p->rows * p->width, sizeof(float)));
    OCL_TRY(ocl_check_range(ia, "ia", 0, (size_t)p->pairs, sizeof(int32_t)));
    return ocl_check_range(ib, "ib", 0, (size_t)p->pairs, sizeof(int32_t));
}

lc_status ocl_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p, lc_buffer *x,
                           lc_buffer *ia, lc_buffer *ib, lc_buffer *out)
{
    OCL_TRY(ocl_check_pairs("cosine_pairs", p, x, ia, ib));
    OCL_TRY(ocl_check_range(out, "out", 0, (size_t)p->pairs, sizeof(float)));
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_cosine_pairs);
    ocl_arg_int(&launch, p->pairs);
    ocl_arg_int(&launch, p->rows);
    ocl_arg_int(&launch, p->width);
    ocl_arg_mem(&launch, x->mem);
    ocl_arg_mem(&launch, ia->mem);
    ocl_arg_mem(&launch, ib->mem);
    ocl_arg_mem(&launch, out->mem);
    return ocl_launch_run(&launch, (size_t)p->pairs);
}

lc_status ocl_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                    lc_buffer *x, lc_buffer *ia, lc_buffer *ib, lc_buffer *dout,
                                    lc_buffer *dx)
{
    OCL_TRY(ocl_check_pairs("cosine_pairs_backward", p, x, ia, ib));
    OCL_TRY(ocl_check_range(dout, "dout", 0, (size_t)p->pairs, sizeof(float)));
    OCL_TRY(ocl_check_range(dx, "dx", 0, (size_t)p->rows * p->width, sizeof(float)));
    if (p->pairs == 0 || p->width == 0 || p->rows == 0)
        return LC_OK;
    int32_t chunk = p->pairs < OCL_PAIRS_PER_CHUNK ? p->pairs : OCL_PAIRS_PER_CHUNK;
    size_t staged = (size_t)chunk * p->width; /* floats per side */
    cl_mem stage = NULL;
    OCL_TRY(ocl_scratch(device, OCL_SCRATCH_OP, 2 * staged * sizeof(float), &stage));
    for (int32_t first = 0; first < p->pairs; first += chunk) {
        int32_t count = p->pairs - first < chunk ? p->pairs - first : chunk;
        /* Stage: d cos / d x[ia] for each pair, then d cos / d x[ib] from float `staged`. */
        ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_cosine_pairs_grad);
        ocl_arg_int(&launch, first);
        ocl_arg_int(&launch, count);
        ocl_arg_int(&launch, p->rows);
        ocl_arg_int(&launch, p->width);
        ocl_arg_mem(&launch, x->mem);
        ocl_arg_mem(&launch, ia->mem);
        ocl_arg_mem(&launch, ib->mem);
        ocl_arg_mem(&launch, dout->mem);
        ocl_arg_mem(&launch, stage);
        ocl_arg_long(&launch, (int64_t)staged);
        OCL_TRY(ocl_launch_run(&launch, (size_t)count));
        OCL_TRY(ocl_scatter_add_rows(device, dx->mem, p->rows, p->width, ia->mem, (size_t)first,
                                     stage, 0, count));
        OCL_TRY(ocl_scatter_add_rows(device, dx->mem, p->rows, p->width, ib->mem, (size_t)first,
                                     stage, staged, count));
    }
    return LC_OK;
}

lc_status ocl_l2_normalize(lc_device *device, const lc_l2_normalize_params *p, lc_buffer *x,
                           lc_buffer *y)
{
    if (!p)
        return ocl_fail(LC_ERR_INVALID, "l2_normalize: NULL params");
    if (p->rows < 0 || p->width < 0)
        return ocl_fail(LC_ERR_INVALID, "l2_normalize: negative size");
    OCL_TRY(ocl_check_range(x, "x", 0, (size_t)p->rows * p->width, sizeof(float)));
    OCL_TRY(ocl_check_range(y, "y", 0, (size_t)p->rows * p->width, sizeof(float)));
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_l2_normalize);
    ocl_arg_int(&launch, p->rows);
    ocl_arg_int(&launch, p->width);
    ocl_arg_mem(&launch, x->mem);
    ocl_arg_mem(&launch, y->mem);
    return ocl_launch_run(&launch, (size_t)p->rows);
}
