/* Backend lifetime and device discovery: every device of every platform the ICD loader reports,
 * named opencl:N in platform order then device order. No vendor or type filter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"
#include "ocl_ops.h"

static void ocl_platform_string(cl_platform_id platform, cl_platform_info what, char *out,
                                size_t size)
{
    out[0] = '\0';
    if (ocl.clGetPlatformInfo(platform, what, size, out, NULL) != CL_SUCCESS)
        out[0] = '\0';
    out[size - 1] = '\0';
}

static void ocl_device_string(cl_device_id device, cl_device_info what, char *out, size_t size)
{
    /* Query into a large buffer: names longer than the info field are cut, not refused. */
    char value[1024] = "";
    if (ocl.clGetDeviceInfo(device, what, sizeof value, value, NULL) != CL_SUCCESS)
        value[0] = '\0';
    value[sizeof value - 1] = '\0';
    snprintf(out, size, "%s", value);
}

static int ocl_device_has_extension(cl_device_id device, const char *extension)
{
    size_t bytes = 0;
    if (ocl.clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, 0, NULL, &bytes) != CL_SUCCESS || !bytes)
        return 0;
    char *list = malloc(bytes + 1);
    if (!list)
        return 0;
    int found = 0;
    if (ocl.clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, bytes, list, NULL) == CL_SUCCESS) {
        list[bytes] = '\0';
        size_t length = strlen(extension);
        for (char *at = strstr(list, extension); at && !found; at = strstr(at + 1, extension))
            found = (at == list || at[-1] == ' ') && (at[length] == ' ' || at[length] == '\0');
    }
    free(list);
    return found;
}

static void ocl_fill_info(cl_platform_id platform, cl_device_id device, lc_device_info *info)
{
    char platform_name[128];
    memset(info, 0, sizeof *info);
    ocl_platform_string(platform, CL_PLATFORM_NAME, platform_name, sizeof platform_name);
    snprintf(info->platform, sizeof info->platform, "%s", platform_name);
    ocl_device_string(device, CL_DEVICE_NAME, info->name, sizeof info->name);
    ocl_device_string(device, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    ocl_device_string(device, CL_DRIVER_VERSION, info->driver_version, sizeof info->driver_version);
    ocl_device_string(device, CL_DEVICE_VERSION, info->api_version, sizeof info->api_version);
    snprintf(info->libraries, sizeof info->libraries, "CLBlast %d.%d.%d", CLBLAST_VERSION_MAJOR,
             CLBLAST_VERSION_MINOR, CLBLAST_VERSION_PATCH);

    cl_ulong memory = 0;
    cl_uint units = 0;
    cl_bool unified = CL_FALSE;
    cl_device_type type = 0;
    cl_device_fp_config fp64 = 0;
    if (ocl.clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof memory, &memory, NULL))
        memory = 0;
    if (ocl.clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL))
        units = 0;
    if (ocl.clGetDeviceInfo(device, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified, &unified, NULL))
        unified = CL_FALSE;
    if (ocl.clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof type, &type, NULL))
        type = 0;
    if (ocl.clGetDeviceInfo(device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp64, &fp64, NULL))
        fp64 = 0;
    info->memory_bytes = memory;
    info->compute_units = units;
    if (fp64 != 0 || ocl_device_has_extension(device, "cl_khr_fp64"))
        info->flags |= LC_DEVICE_FLAG_FP64;
    if (unified || (type & CL_DEVICE_TYPE_CPU))
        info->flags |= LC_DEVICE_FLAG_HOST_MEMORY;
}

/* Fill backend->devices; on "nothing usable" leave zero devices and the reason. */
static lc_status ocl_discover(lc_backend *backend)
{
    if (ocl_api_load(backend->unavailable, sizeof backend->unavailable) != LC_OK)
        return LC_OK;

    cl_uint platform_count = 0;
    cl_int status = ocl.clGetPlatformIDs(0, NULL, &platform_count);
    if (status != CL_SUCCESS || platform_count == 0) {
        snprintf(backend->unavailable, sizeof backend->unavailable,
                 "no OpenCL platform (clGetPlatformIDs: %s)",
                 status != CL_SUCCESS ? ocl_cl_status_name(status) : "0 platforms");
        return LC_OK;
    }
    cl_platform_id *platforms = calloc(platform_count, sizeof *platforms);
    if (!platforms)
        return ocl_fail(LC_ERR_NOMEM, "opencl: out of host memory listing platforms");
    status = ocl.clGetPlatformIDs(platform_count, platforms, NULL);
    if (status != CL_SUCCESS) {
        free(platforms);
        snprintf(backend->unavailable, sizeof backend->unavailable,
                 "no OpenCL platform (clGetPlatformIDs: %s)", ocl_cl_status_name(status));
        return LC_OK;
    }

    lc_status result = LC_OK;
    for (cl_uint p = 0; p < platform_count && result == LC_OK; p++) {
        cl_uint count = 0;
        if (ocl.clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &count) != CL_SUCCESS ||
            count == 0)
            continue; /* CL_DEVICE_NOT_FOUND: a platform without devices */
        cl_device_id *ids = calloc(count, sizeof *ids);
        ocl_device_entry *grown =
            realloc(backend->devices, (backend->device_count + count) * sizeof *grown);
        if (!ids || !grown) {
            free(ids);
            if (grown)
                backend->devices = grown;
            result = ocl_fail(LC_ERR_NOMEM, "opencl: out of host memory listing devices");
            break;
        }
        backend->devices = grown;
        if (ocl.clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, count, ids, NULL) == CL_SUCCESS) {
            for (cl_uint d = 0; d < count; d++) {
                ocl_device_entry *entry = &backend->devices[backend->device_count++];
                entry->platform = platforms[p];
                entry->id = ids[d];
                ocl_fill_info(platforms[p], ids[d], &entry->info);
            }
        }
        free(ids);
    }
    free(platforms);
    if (result == LC_OK && backend->device_count == 0)
        snprintf(backend->unavailable, sizeof backend->unavailable,
                 "OpenCL platforms found (%u) but none has a device", platform_count);
    return result;
}

static lc_status ocl_init(lc_backend **out)
{
    if (!out)
        return ocl_fail(LC_ERR_INVALID, "opencl init: out is NULL");
    lc_backend *backend = calloc(1, sizeof *backend);
    if (!backend)
        return ocl_fail(LC_ERR_NOMEM, "opencl init: out of host memory");
    lc_status status = ocl_discover(backend);
    if (status != LC_OK) {
        free(backend->devices);
        free(backend);
        return status;
    }
    *out = backend;
    return LC_OK;
}

static void ocl_shutdown(lc_backend *backend)
{
    if (!backend)
        return;
    free(backend->devices);
    free(backend);
}

static const char *ocl_unavailable_reason(lc_backend *backend)
{
    if (!backend)
        return "opencl backend not initialised";
    return backend->device_count > 0 ? NULL : backend->unavailable;
}

static int ocl_device_count(lc_backend *backend)
{
    return backend ? backend->device_count : 0;
}

static lc_status ocl_device_info(lc_backend *backend, int index, lc_device_info *out)
{
    if (!backend || !out)
        return ocl_fail(LC_ERR_INVALID, "opencl device_info: NULL argument");
    if (index < 0 || index >= backend->device_count)
        return ocl_fail(LC_ERR_NOT_FOUND, "opencl device_info: no device opencl:%d (%d devices)",
                        index, backend->device_count);
    *out = backend->devices[index].info;
    return LC_OK;
}

static const lc_backend_iface ocl_iface = {
    .abi_major = LC_ABI_MAJOR,
    .abi_minor = LC_ABI_MINOR,
    .struct_size = sizeof(lc_backend_iface),
    .name = "opencl",
    .version = "0.1.0",
    .last_error = ocl_last_error,
    .init = ocl_init,
    .shutdown = ocl_shutdown,
    .unavailable_reason = ocl_unavailable_reason,
    .device_count = ocl_device_count,
    .device_info = ocl_device_info,
    .device_open = ocl_device_open,
    .device_close = ocl_device_close,
    .buffer_alloc = ocl_buffer_alloc,
    .buffer_free = ocl_buffer_free,
    .buffer_upload = ocl_buffer_upload,
    .buffer_download = ocl_buffer_download,
    .buffer_copy = ocl_buffer_copy,
    .buffer_zero = ocl_buffer_zero,
    .synchronize = ocl_synchronize,
    .supports = ocl_supports,
    .workspace_size = ocl_workspace_size,
    .gemm = ocl_gemm,
    .gather = ocl_gather,
    .scatter_add = ocl_scatter_add,
    .lstm_forward = ocl_lstm_forward,
    .lstm_backward = ocl_lstm_backward,
    .cosine_pairs = ocl_cosine_pairs,
    .cosine_pairs_backward = ocl_cosine_pairs_backward,
    .sigmoid_bce = ocl_sigmoid_bce,
    .l2_normalize = ocl_l2_normalize,
    .cosine_distance_tile = ocl_cosine_distance_tile,
    .sgd = ocl_sgd,
    .adam = ocl_adam,
};

__attribute__((visibility("default"))) const lc_backend_iface *lstmcorr_backend_entry(void)
{
    return &ocl_iface;
}
