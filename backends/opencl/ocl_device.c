/* Opening a device: context, in-order queue, the kernel program (built once per device context),
 * CLBlast tuning, and a warm-up so that no compile lands inside the first timed op. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"
#include "ocl_ops.h"
#include "ocl_tuning.h"
#include "ocl_warmup.h"

/* Work-group size for a kernel: at most `wanted`, a power of two the kernel and device accept. */
static size_t ocl_pick_local_size(cl_kernel kernel, cl_device_id device, size_t wanted)
{
    size_t limit = 1;
    if (ocl.clGetKernelWorkGroupInfo(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, sizeof limit,
                                     &limit, NULL) != CL_SUCCESS || limit == 0)
        limit = 1;
    size_t size = 1;
    while (size * 2 <= wanted && size * 2 <= limit)
        size *= 2;
    return size;
}

static lc_status ocl_create_kernels(lc_device *device)
{
    for (int k = 0; k < OCL_KERNEL_COUNT; k++) {
        cl_int status = CL_SUCCESS;
        device->kernels[k] = ocl.clCreateKernel(device->program, ocl_kernel_name(k), &status);
        if (status != CL_SUCCESS)
            return ocl_fail(ocl_status_from_cl(status), "clCreateKernel(%s): %s",
                            ocl_kernel_name(k), ocl_cl_status_name(status));
        /* The reduction wants a wide group; elementwise kernels a moderate one. */
        size_t wanted = k == OCL_KERNEL_sigmoid_bce ? 256 : 64;
        device->local_size[k] = ocl_pick_local_size(device->kernels[k], device->id, wanted);
    }
    return LC_OK;
}

lc_status ocl_device_open(lc_backend *backend, int index, lc_device **out)
{
    if (!backend || !out)
        return ocl_fail(LC_ERR_INVALID, "opencl device_open: NULL argument");
    if (index < 0 || index >= backend->device_count)
        return ocl_fail(LC_ERR_NOT_FOUND, "opencl device_open: no device opencl:%d (%d devices)",
                        index, backend->device_count);
    lc_device *device = calloc(1, sizeof *device);
    if (!device)
        return ocl_fail(LC_ERR_NOMEM, "opencl device_open: out of host memory");
    const ocl_device_entry *entry = &backend->devices[index];
    device->backend = backend;
    device->index = index;
    device->id = entry->id;

    cl_int status = CL_SUCCESS;
    cl_context_properties properties[] = {CL_CONTEXT_PLATFORM,
                                          (cl_context_properties)entry->platform, 0};
    lc_status result = LC_OK;
    device->context = ocl.clCreateContext(properties, 1, &device->id, NULL, NULL, &status);
    if (status != CL_SUCCESS) {
        result = ocl_fail_cl("clCreateContext", status);
        goto fail;
    }
    device->queue = ocl.clCreateCommandQueue(device->context, device->id, 0, &status);
    if (status != CL_SUCCESS) {
        result = ocl_fail_cl("clCreateCommandQueue", status);
        goto fail;
    }
    result = ocl_program_build(device->context, device->id, ocl_program_source_count,
                               ocl_program_sources, OCL_PROGRAM_OPTIONS, &device->program);
    if (result != LC_OK)
        goto fail;
    if ((result = ocl_create_kernels(device)) != LC_OK)
        goto fail;
    if ((result = ocl_tuning_apply(device->id, entry->info.name)) != LC_OK)
        goto fail;
    if ((result = ocl_warm_up(device)) != LC_OK) {
        /* The warm-up is the first use of tuned parameters: say where they came from. */
        const char *tuning = getenv("LSTMCORR_CLBLAST_TUNING");
        if (tuning && *tuning) {
            char reason[2048];
            snprintf(reason, sizeof reason, "%s", ocl_last_error());
            result = ocl_fail(result, "with the CLBlast parameters of LSTMCORR_CLBLAST_TUNING=%s: %s", tuning,
                              reason);
        }
        goto fail;
    }
    *out = device;
    return LC_OK;
fail:
    ocl_device_close(device);
    return result;
}

void ocl_device_close(lc_device *device)
{
    if (!device)
        return;
    if (device->queue)
        ocl.clFinish(device->queue);
    for (int slot = 0; slot < OCL_SCRATCH_SLOTS; slot++)
        if (device->scratch[slot])
            ocl.clReleaseMemObject(device->scratch[slot]);
    for (int k = 0; k < OCL_KERNEL_COUNT; k++)
        if (device->kernels[k])
            ocl.clReleaseKernel(device->kernels[k]);
    if (device->program)
        ocl.clReleaseProgram(device->program);
    if (device->queue)
        ocl.clReleaseCommandQueue(device->queue);
    if (device->context)
        ocl.clReleaseContext(device->context);
    free(device);
}

lc_status ocl_scratch(lc_device *device, ocl_scratch_slot slot, size_t bytes, cl_mem *out)
{
    if (bytes == 0)
        bytes = 16;
    if (device->scratch_bytes[slot] < bytes) {
        /* Released objects live on until queued commands that use them finish. */
        if (device->scratch[slot])
            ocl.clReleaseMemObject(device->scratch[slot]);
        device->scratch[slot] = NULL;
        device->scratch_bytes[slot] = 0;
        cl_int status = CL_SUCCESS;
        cl_mem mem = ocl.clCreateBuffer(device->context, CL_MEM_READ_WRITE, bytes, NULL, &status);
        if (status != CL_SUCCESS)
            return ocl_fail(ocl_status_from_cl(status), "clCreateBuffer(scratch, %zu bytes): %s",
                            bytes, ocl_cl_status_name(status));
        device->scratch[slot] = mem;
        device->scratch_bytes[slot] = bytes;
    }
    *out = device->scratch[slot];
    return LC_OK;
}
