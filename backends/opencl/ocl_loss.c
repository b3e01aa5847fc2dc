/* Fused sigmoid + binary cross-entropy (one work-group reduction for the mean loss). */
#include "ocl_internal.h"
#include "ocl_ops.h"

lc_status ocl_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p, lc_buffer *z,
                          lc_buffer *target, lc_buffer *loss, lc_buffer *dz, lc_buffer *prob)
{
    if (!p)
        return ocl_fail(LC_ERR_INVALID, "sigmoid_bce: NULL params");
    if (p->count < 0)
        return ocl_fail(LC_ERR_INVALID, "sigmoid_bce: negative count");
    OCL_TRY(ocl_check_range(z, "z", 0, (size_t)p->count, sizeof(float)));
    OCL_TRY(ocl_check_range(target, "target", 0, (size_t)p->count, sizeof(float)));
    OCL_TRY(ocl_check_range(loss, "loss", 0, 1, sizeof(float)));
    if (dz)
        OCL_TRY(ocl_check_range(dz, "dz", 0, (size_t)p->count, sizeof(float)));
    if (prob)
        OCL_TRY(ocl_check_range(prob, "prob", 0, (size_t)p->count, sizeof(float)));
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_sigmoid_bce);
    ocl_arg_int(&launch, p->count);
    ocl_arg_float(&launch, p->scale);
    ocl_arg_mem(&launch, z->mem);
    ocl_arg_mem(&launch, target->mem);
    ocl_arg_mem(&launch, loss->mem);
    ocl_arg_mem(&launch, ocl_mem_of(dz));
    ocl_arg_mem(&launch, ocl_mem_of(prob));
    ocl_arg_local(&launch, device->local_size[OCL_KERNEL_sigmoid_bce] * sizeof(float));
    return ocl_launch_run_group(&launch);
}
