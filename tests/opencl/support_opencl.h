/* Shared by the OpenCL backend tests: load liblstmcorr-opencl.so from the build tree directly
 * (no core loader), open opencl:0 or skip with the reason, and move double arrays to float
 * device buffers. */
#ifndef LSTMCORR_TEST_SUPPORT_OPENCL_H
#define LSTMCORR_TEST_SUPPORT_OPENCL_H

#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/backend.h"

typedef struct ocl_test_env {
    void *library;
    const lc_backend_iface *api;
    lc_backend *backend;
    lc_device *device;
} ocl_test_env;

/* Load and init the plugin; fails the test when the plugin cannot be loaded at all. */
void ocl_test_load(ocl_test_env *env);
/* Load and init; skips the test (with the reason printed) when there are no devices. */
void ocl_test_load_with_devices(ocl_test_env *env);
/* The same, then open opencl:0 (failing the test when it does not open). */
void ocl_test_open(ocl_test_env *env);
void ocl_test_close(ocl_test_env *env);

/* A float buffer holding `count` values of `values` (or zeros when values is NULL). */
lc_buffer *ocl_test_upload(ocl_test_env *env, const double *values, size_t count);
lc_buffer *ocl_test_upload_int(ocl_test_env *env, const int32_t *values, size_t count);
void ocl_test_download(ocl_test_env *env, lc_buffer *buffer, double *out, size_t count);

/* Deterministic values in [-scale, scale]. */
void ocl_test_fill(double *values, size_t count, uint64_t seed, double scale);
/* Largest |a - b| / (atol + rtol |b|) over count values; <= 1 passes. */
double ocl_test_error(const double *a, const double *b, size_t count, double atol, double rtol);

#endif
