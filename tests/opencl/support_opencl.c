/* Test helpers for the OpenCL backend tests (see support_opencl.h). */
#include "support_opencl.h"

#include <dlfcn.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

void ocl_test_load(ocl_test_env *env)
{
    const char *path = LSTMCORR_BIN_DIR "/liblstmcorr-opencl.so";
    env->library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!env->library)
        fail_msg("cannot load %s: %s", path, dlerror());
    void *entry = dlsym(env->library, LC_BACKEND_ENTRY_NAME);
    assert_non_null(entry);
    lc_backend_entry_fn entry_fn;
    *(void **)&entry_fn = entry;
    env->api = entry_fn();
    assert_int_equal(env->api->abi_major, LC_ABI_MAJOR);
    assert_string_equal(env->api->name, "opencl");
    assert_int_equal(env->api->init(&env->backend), LC_OK);
    env->device = NULL;
}

void ocl_test_load_with_devices(ocl_test_env *env)
{
    ocl_test_load(env);
    if (env->api->device_count(env->backend) == 0) {
        printf("skipped: %s\n", env->api->unavailable_reason(env->backend));
        ocl_test_close(env);
        skip();
    }
}

void ocl_test_open(ocl_test_env *env)
{
    ocl_test_load_with_devices(env);
    lc_status status = env->api->device_open(env->backend, 0, &env->device);
    if (status != LC_OK)
        fail_msg("device_open(opencl:0): %s", env->api->last_error());
}

void ocl_test_close(ocl_test_env *env)
{
    if (env->device)
        env->api->device_close(env->device);
    if (env->backend)
        env->api->shutdown(env->backend);
    env->device = NULL;
    env->backend = NULL;
    /* The library stays loaded: PoCL and CLBlast keep process-wide state. */
}

lc_buffer *ocl_test_upload(ocl_test_env *env, const double *values, size_t count)
{
    float *host = calloc(count ? count : 1, sizeof *host);
    assert_non_null(host);
    for (size_t i = 0; values && i < count; i++)
        host[i] = (float)values[i];
    lc_buffer *buffer = NULL;
    assert_int_equal(env->api->buffer_alloc(env->device, count * sizeof(float), &buffer), LC_OK);
    assert_int_equal(env->api->buffer_upload(env->device, buffer, 0, host, count * sizeof(float)),
                     LC_OK);
    free(host);
    return buffer;
}

lc_buffer *ocl_test_upload_int(ocl_test_env *env, const int32_t *values, size_t count)
{
    lc_buffer *buffer = NULL;
    assert_int_equal(env->api->buffer_alloc(env->device, count * sizeof(int32_t), &buffer), LC_OK);
    assert_int_equal(
        env->api->buffer_upload(env->device, buffer, 0, values, count * sizeof(int32_t)), LC_OK);
    return buffer;
}

void ocl_test_download(ocl_test_env *env, lc_buffer *buffer, double *out, size_t count)
{
    float *host = calloc(count ? count : 1, sizeof *host);
    assert_non_null(host);
    lc_status status = env->api->buffer_download(env->device, buffer, 0, host, count * sizeof(float));
    if (status != LC_OK)
        fail_msg("buffer_download: %s", env->api->last_error());
    for (size_t i = 0; i < count; i++)
        out[i] = host[i];
    free(host);
}

void ocl_test_fill(double *values, size_t count, uint64_t seed, double scale)
{
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < count; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        values[i] = scale * (2.0 * (double)(state >> 11) / 9007199254740992.0 - 1.0);
    }
}

double ocl_test_error(const double *a, const double *b, size_t count, double atol, double rtol)
{
    double worst = 0.0;
    for (size_t i = 0; i < count; i++) {
        double e = fabs(a[i] - b[i]) / (atol + rtol * fabs(b[i]));
        if (isnan(a[i]) != isnan(b[i]))
            e = INFINITY;
        if (e > worst || isnan(e))
            worst = isnan(e) ? INFINITY : e;
    }
    return worst;
}
