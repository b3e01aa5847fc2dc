/* Building the kernel program, with the build log in the message when the compiler refuses. */
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"

/* Keep the message readable: compilers can log megabytes for one mistake. */
#define OCL_BUILD_LOG_LIMIT 1500

lc_status ocl_program_build(cl_context context, cl_device_id device, cl_uint count,
                            const char *const *sources, const char *options, cl_program *out)
{
    cl_int status = CL_SUCCESS;
    cl_program program =
        ocl.clCreateProgramWithSource(context, count, (const char **)sources, NULL, &status);
    if (status != CL_SUCCESS)
        return ocl_fail_cl("clCreateProgramWithSource", status);

    status = ocl.clBuildProgram(program, 1, &device, options, NULL, NULL);
    if (status != CL_SUCCESS) {
        size_t log_bytes = 0;
        char *log = NULL;
        if (ocl.clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, NULL, &log_bytes) ==
                CL_SUCCESS &&
            log_bytes > 0 && (log = malloc(log_bytes + 1)) != NULL) {
            if (ocl.clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log_bytes, log,
                                          NULL) != CL_SUCCESS)
                log[0] = '\0';
            log[log_bytes] = '\0';
        }
        size_t shown = log ? strlen(log) : 0;
        int truncated = shown > OCL_BUILD_LOG_LIMIT;
        lc_status result = ocl_fail(
            ocl_status_from_cl(status), "clBuildProgram: %s; build log%s:\n%.*s%s",
            ocl_cl_status_name(status), truncated ? " (truncated)" : "",
            (int)(truncated ? OCL_BUILD_LOG_LIMIT : shown), log ? log : "(none)",
            truncated ? "\n..." : "");
        free(log);
        ocl.clReleaseProgram(program);
        return result;
    }
    *out = program;
    return LC_OK;
}
