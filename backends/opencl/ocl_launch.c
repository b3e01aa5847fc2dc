/* Setting kernel arguments and enqueueing: the first failure is kept and reported with the kernel
 * name and argument index, so op code can set all arguments and check once. */
#include "ocl_internal.h"

ocl_launch ocl_launch_begin(lc_device *device, ocl_kernel_id kernel)
{
    ocl_launch launch = {device, kernel, 0, CL_SUCCESS, 0};
    return launch;
}

static void ocl_arg(ocl_launch *launch, size_t bytes, const void *value)
{
    cl_uint index = launch->next_arg++;
    if (launch->cl_status != CL_SUCCESS)
        return;
    cl_int status =
        ocl.clSetKernelArg(launch->device->kernels[launch->kernel], index, bytes, value);
    if (status != CL_SUCCESS) {
        launch->cl_status = status;
        launch->failed_arg = index;
    }
}

void ocl_arg_mem(ocl_launch *launch, cl_mem mem)
{
    ocl_arg(launch, sizeof(cl_mem), mem ? (const void *)&mem : NULL);
}

void ocl_arg_int(ocl_launch *launch, int32_t value)
{
    cl_int v = value;
    ocl_arg(launch, sizeof v, &v);
}

void ocl_arg_long(ocl_launch *launch, int64_t value)
{
    cl_long v = value;
    ocl_arg(launch, sizeof v, &v);
}

void ocl_arg_float(ocl_launch *launch, float value)
{
    cl_float v = value;
    ocl_arg(launch, sizeof v, &v);
}

void ocl_arg_local(ocl_launch *launch, size_t bytes)
{
    ocl_arg(launch, bytes, NULL);
}

static lc_status ocl_enqueue(ocl_launch *launch, size_t global, size_t local)
{
    const char *name = ocl_kernel_name(launch->kernel);
    if (launch->cl_status != CL_SUCCESS)
        return ocl_fail(ocl_status_from_cl(launch->cl_status), "clSetKernelArg(%s, arg %u): %s",
                        name, launch->failed_arg, ocl_cl_status_name(launch->cl_status));
    cl_int status = ocl.clEnqueueNDRangeKernel(launch->device->queue,
                                               launch->device->kernels[launch->kernel], 1, NULL,
                                               &global, &local, 0, NULL, NULL);
    if (status != CL_SUCCESS)
        return ocl_fail(ocl_status_from_cl(status), "clEnqueueNDRangeKernel(%s, %zu items): %s",
                        name, global, ocl_cl_status_name(status));
    return LC_OK;
}

lc_status ocl_launch_run(ocl_launch *launch, size_t items)
{
    if (items == 0)
        return LC_OK;
    size_t local = launch->device->local_size[launch->kernel];
    size_t global = (items + local - 1) / local * local;
    return ocl_enqueue(launch, global, local);
}

lc_status ocl_launch_run_group(ocl_launch *launch)
{
    size_t local = launch->device->local_size[launch->kernel];
    return ocl_enqueue(launch, local, local);
}

lc_status ocl_launch_run_groups(ocl_launch *launch, size_t groups, size_t local)
{
    if (groups == 0)
        return LC_OK;
    return ocl_enqueue(launch, groups * local, local);
}
