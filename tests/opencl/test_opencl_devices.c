/* OpenCL device listing and info fields, status names, and a deliberately failing kernel build
 * whose message must carry the compiler's log (through the plugin's own build routine, compiled
 * into this test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support_opencl.h"

#if LSTMCORR_OPENCL_INTERNALS
#include "ocl_internal.h"
#endif

static void test_devices_are_listed_with_info(void **state)
{
    (void)state;
    ocl_test_env env;
    ocl_test_load(&env);
    int count = env.api->device_count(env.backend);
    if (count == 0) {
        printf("skipped: %s\n", env.api->unavailable_reason(env.backend));
        ocl_test_close(&env);
        skip();
    }
    assert_null(env.api->unavailable_reason(env.backend));
    for (int d = 0; d < count; d++) {
        lc_device_info info;
        assert_int_equal(env.api->device_info(env.backend, d, &info), LC_OK);
        printf("opencl:%d  %s | %s | %s | driver %s | %s | %s | %llu MiB | %u CUs | flags %u\n", d,
               info.name, info.vendor, info.platform, info.driver_version, info.api_version,
               info.libraries, (unsigned long long)(info.memory_bytes >> 20), info.compute_units,
               info.flags);
        assert_true(info.name[0] && info.vendor[0] && info.platform[0] && info.driver_version[0]);
        assert_int_equal(strncmp(info.api_version, "OpenCL ", 7), 0);
        assert_int_equal(strncmp(info.libraries, "CLBlast ", 8), 0);
        assert_true(info.memory_bytes > 0);
        assert_true(info.compute_units > 0);
    }
    lc_device_info info;
    assert_int_equal(env.api->device_info(env.backend, count, &info), LC_ERR_NOT_FOUND);
    char expected[32];
    snprintf(expected, sizeof expected, "opencl:%d", count);
    assert_non_null(strstr(env.api->last_error(), expected));
    lc_device *device = NULL;
    assert_int_equal(env.api->device_open(env.backend, -1, &device), LC_ERR_NOT_FOUND);
    ocl_test_close(&env);
}

static void test_bad_arguments_are_refused_with_reason(void **state)
{
    (void)state;
    ocl_test_env env;
    ocl_test_open(&env);
    /* lda smaller than the row it describes. */
    lc_buffer *m = ocl_test_upload(&env, NULL, 64);
    lc_gemm_params p = {.m = 4, .n = 4, .k = 4, .alpha = 1, .lda = 2, .ldb = 4, .ldc = 4};
    assert_int_equal(env.api->gemm(env.device, &p, m, m, m), LC_ERR_INVALID);
    assert_non_null(strstr(env.api->last_error(), "leading dimension"));
    /* C past the end of its buffer. */
    p.lda = 4;
    p.c_offset = 60;
    assert_int_equal(env.api->gemm(env.device, &p, m, m, m), LC_ERR_INVALID);
    assert_non_null(strstr(env.api->last_error(), "gemm C"));
    /* Download past the end. */
    float host[4];
    assert_int_equal(env.api->buffer_download(env.device, m, 250, host, sizeof host), LC_ERR_INVALID);
    env.api->buffer_free(env.device, m);
    ocl_test_close(&env);
}

#if LSTMCORR_OPENCL_INTERNALS
static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(ocl_cl_status_name(CL_OUT_OF_RESOURCES), "CL_OUT_OF_RESOURCES");
    assert_string_equal(ocl_cl_status_name(CL_BUILD_PROGRAM_FAILURE), "CL_BUILD_PROGRAM_FAILURE");
    assert_string_equal(ocl_cl_status_name(-1001), "CL_PLATFORM_NOT_FOUND_KHR");
    assert_string_equal(ocl_cl_status_name(-9999), "unknown OpenCL status -9999");
    assert_string_equal(ocl_clblast_status_name(CLBlastInvalidDimension), "CLBlastInvalidDimension");
    assert_string_equal(ocl_clblast_status_name(CLBlastInvalidLocalMemUsage),
                        "CLBlastInvalidLocalMemUsage");
    assert_string_equal(ocl_clblast_status_name(CLBlastOpenCLOutOfResources), "CL_OUT_OF_RESOURCES");
    assert_string_equal(ocl_clblast_status_name(-4242), "unknown CLBlast status -4242");
    assert_int_equal(ocl_fail_cl("clCreateBuffer", CL_MEM_OBJECT_ALLOCATION_FAILURE), LC_ERR_NOMEM);
    assert_string_equal(ocl_last_error(), "clCreateBuffer: CL_MEM_OBJECT_ALLOCATION_FAILURE");
    assert_int_equal(ocl_fail_cl("clFinish", CL_INVALID_COMMAND_QUEUE), LC_ERR_DEVICE);
}

/* Build `source` on the first device and return the status; the message is in ocl_last_error(). */
static lc_status build_on_first_device(const char *source, int *skipped)
{
    char reason[512];
    *skipped = 0;
    if (ocl_api_load(reason, sizeof reason) != LC_OK) {
        printf("skipped: %s\n", reason);
        *skipped = 1;
        return LC_OK;
    }
    cl_platform_id platform;
    cl_device_id device;
    cl_uint count = 0;
    if (ocl.clGetPlatformIDs(1, &platform, &count) != CL_SUCCESS || count == 0 ||
        ocl.clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, &count) != CL_SUCCESS) {
        printf("skipped: no OpenCL device\n");
        *skipped = 1;
        return LC_OK;
    }
    cl_int status;
    cl_context context = ocl.clCreateContext(NULL, 1, &device, NULL, NULL, &status);
    assert_int_equal(status, CL_SUCCESS);
    cl_program program = NULL;
    lc_status result = ocl_program_build(context, device, 1, &source, "-cl-std=CL1.2", &program);
    if (program)
        ocl.clReleaseProgram(program);
    ocl.clReleaseContext(context);
    return result;
}

static void test_failing_build_reports_log(void **state)
{
    (void)state;
    int skipped;
    lc_status status = build_on_first_device(
        "kernel void broken(global float *x) { x[0] = lc_undeclared_identifier; }\n", &skipped);
    if (skipped)
        skip();
    assert_int_equal(status, LC_ERR_DEVICE);
    const char *message = ocl_last_error();
    assert_non_null(strstr(message, "clBuildProgram: CL_BUILD_PROGRAM_FAILURE"));
    assert_non_null(strstr(message, "build log"));
    assert_non_null(strstr(message, "lc_undeclared_identifier"));

    /* Hundreds of errors: the log is cut, and says so. */
    size_t size = 400 * 64 + 64;
    char *source = malloc(size);
    assert_non_null(source);
    size_t used = (size_t)snprintf(source, size, "kernel void many(global float *x) {\n");
    for (int i = 0; i < 400; i++)
        used += (size_t)snprintf(source + used, size - used, "  x[%d] = lc_missing_%d;\n", i, i);
    snprintf(source + used, size - used, "}\n");
    assert_int_equal(build_on_first_device(source, &skipped), LC_ERR_DEVICE);
    free(source);
    assert_non_null(strstr(ocl_last_error(), "(truncated)"));
    assert_true(strlen(ocl_last_error()) < 2048);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_devices_are_listed_with_info),
        cmocka_unit_test(test_bad_arguments_are_refused_with_reason),
#if LSTMCORR_OPENCL_INTERNALS
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_failing_build_reports_log),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
