/* The OpenCL and CLBlast entry points the plugin uses, resolved with dlopen at init so that the
 * plugin loads (with zero devices and a reason) on machines without an ICD loader or CLBlast. */
#ifndef LSTMCORR_OCL_API_H
#define LSTMCORR_OCL_API_H

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl_icd.h>
#include <clblast_c.h>

#include "lstmcorr/status.h"

#define OCL_API_FUNCTIONS(X)       \
    X(clGetPlatformIDs)            \
    X(clGetPlatformInfo)           \
    X(clGetDeviceIDs)              \
    X(clGetDeviceInfo)             \
    X(clCreateContext)             \
    X(clReleaseContext)            \
    X(clCreateCommandQueue)        \
    X(clReleaseCommandQueue)       \
    X(clCreateBuffer)              \
    X(clReleaseMemObject)          \
    X(clEnqueueWriteBuffer)        \
    X(clEnqueueReadBuffer)         \
    X(clEnqueueCopyBuffer)         \
    X(clEnqueueFillBuffer)         \
    X(clFinish)                    \
    X(clFlush)                     \
    X(clCreateProgramWithSource)   \
    X(clBuildProgram)              \
    X(clGetProgramBuildInfo)       \
    X(clReleaseProgram)            \
    X(clCreateKernel)              \
    X(clReleaseKernel)             \
    X(clSetKernelArg)              \
    X(clGetKernelWorkGroupInfo)    \
    X(clEnqueueNDRangeKernel)

typedef CLBlastStatusCode (*ocl_clblast_sgemm_fn)(
    CLBlastLayout layout, CLBlastTranspose a_transpose, CLBlastTranspose b_transpose, size_t m,
    size_t n, size_t k, float alpha, cl_mem a_buffer, size_t a_offset, size_t a_ld, cl_mem b_buffer,
    size_t b_offset, size_t b_ld, float beta, cl_mem c_buffer, size_t c_offset, size_t c_ld,
    cl_command_queue *queue, cl_event *event);
typedef CLBlastStatusCode (*ocl_clblast_override_fn)(cl_device_id device, const char *kernel_name,
                                                     CLBlastPrecision precision,
                                                     size_t num_parameters,
                                                     const char **parameters_names,
                                                     const size_t *parameters_values);

typedef struct ocl_api {
#define OCL_API_MEMBER(name) cl_api_##name name;
    OCL_API_FUNCTIONS(OCL_API_MEMBER)
#undef OCL_API_MEMBER
    ocl_clblast_sgemm_fn CLBlastSgemm;
    ocl_clblast_override_fn CLBlastOverrideParameters;
} ocl_api;

/* The resolved table; valid after ocl_api_load() returned LC_OK. */
extern ocl_api ocl;

/* Load libOpenCL and CLBlast once per process. On failure returns LC_ERR_NOT_FOUND with the reason
 * in `reason` (the libraries stay unloaded and later calls fail the same way). */
lc_status ocl_api_load(char *reason, size_t reason_len);

#endif
