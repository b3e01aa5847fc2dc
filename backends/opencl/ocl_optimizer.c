/* SGD and Adam parameter updates. */
#include <math.h>

#include "ocl_internal.h"
#include "ocl_ops.h"

static lc_status ocl_check_optimizer(const char *op, const lc_optimizer_params *p)
{
    if (!p)
        return ocl_fail(LC_ERR_INVALID, "%s: NULL params", op);
    if (p->count < 0)
        return ocl_fail(LC_ERR_INVALID, "%s: negative count", op);
    return LC_OK;
}

lc_status ocl_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g)
{
    OCL_TRY(ocl_check_optimizer("sgd", p));
    OCL_TRY(ocl_check_range(w, "w", 0, (size_t)p->count, sizeof(float)));
    OCL_TRY(ocl_check_range(g, "g", 0, (size_t)p->count, sizeof(float)));
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_sgd);
    ocl_arg_long(&launch, p->count);
    ocl_arg_float(&launch, p->lr);
    ocl_arg_mem(&launch, w->mem);
    ocl_arg_mem(&launch, g->mem);
    return ocl_launch_run(&launch, (size_t)p->count);
}

lc_status ocl_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g,
                   lc_buffer *m, lc_buffer *v)
{
    OCL_TRY(ocl_check_optimizer("adam", p));
    if (p->step < 1)
        return ocl_fail(LC_ERR_INVALID, "adam: step %d < 1", p->step);
    OCL_TRY(ocl_check_range(w, "w", 0, (size_t)p->count, sizeof(float)));
    OCL_TRY(ocl_check_range(g, "g", 0, (size_t)p->count, sizeof(float)));
    OCL_TRY(ocl_check_range(m, "m", 0, (size_t)p->count, sizeof(float)));
    OCL_TRY(ocl_check_range(v, "v", 0, (size_t)p->count, sizeof(float)));
    /* Bias corrections in double on the host: 1 - beta^step loses digits in float for small steps. */
    float correction1 = (float)(1.0 - pow((double)p->beta1, p->step));
    float correction2 = (float)(1.0 - pow((double)p->beta2, p->step));
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_adam);
    ocl_arg_long(&launch, p->count);
    ocl_arg_float(&launch, p->lr);
    ocl_arg_float(&launch, p->beta1);
    ocl_arg_float(&launch, p->beta2);
    ocl_arg_float(&launch, p->eps);
    ocl_arg_float(&launch, correction1);
    ocl_arg_float(&launch, correction2);
    ocl_arg_mem(&launch, w->mem);
    ocl_arg_mem(&launch, g->mem);
    ocl_arg_mem(&launch, m->mem);
    ocl_arg_mem(&launch, v->mem);
    return ocl_launch_run(&launch, (size_t)p->count);
}
