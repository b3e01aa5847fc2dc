#define _POSIX_C_SOURCE 200809L
/* CLBlast tuning files (LSTMCORR_CLBLAST_TUNING, read at device_open): a missing file and each kind
 * of bad line fail the open with the file, the line and the reason; a section for another device
 * is ignored; parameters reach CLBlast (a set that cannot compile fails the open), and with a
 * complete, valid Xgemm set GEMM stays correct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support_opencl.h"

static char path[256];

/* Open opencl:0 with `text` as the tuning file. Returns the status; *env stays loaded (close it).
 * Skips the test without OpenCL devices. */
static lc_status open_with(ocl_test_env *env, const char *text)
{
    snprintf(path, sizeof path, "%s/lstmcorr-tuning-%ld.txt", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (long)getpid());
    if (text) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
    } else {
        remove(path);
    }
    ocl_test_load_with_devices(env);
    setenv("LSTMCORR_CLBLAST_TUNING", path, 1);
    lc_status status = env->api->device_open(env->backend, 0, &env->device);
    unsetenv("LSTMCORR_CLBLAST_TUNING");
    remove(path);
    return status;
}

static void expect_refused(const char *text, const char *reason)
{
    ocl_test_env env;
    lc_status status = open_with(&env, text);
    const char *message = env.api->last_error();
    if (status == LC_OK)
        fail_msg("tuning file accepted:\n%s", text);
    if (strstr(message, path) == NULL || strstr(message, reason) == NULL)
        fail_msg("message '%s' lacks the file or '%s'", message, reason);
    ocl_test_close(&env);
}

static void test_bad_files_are_refused_with_line_and_reason(void **state)
{
    (void)state;
    expect_refused(NULL, "cannot open");
    expect_refused("# comment\n\nXgemm 33 KWG=16\n", ":3: precision '33'");
    expect_refused("Xgemm 32 KWG\n", ":1: 'KWG' is not NAME=VALUE");
    expect_refused("Xgemm 32 KWG=sixteen\n", ":1: value of KWG is not a number");
    expect_refused("Xgemm\n", ":1: expected '<kernel> <precision>");
    expect_refused("[pthread\n", ":1: section header lacks ']'");
    expect_refused("NoSuchKernel 32 A=1\n", ":1: CLBlastOverrideParameters(NoSuchKernel, 32): CLBlast");
    expect_refused("Xgemm 32 KWG=16\n", ":1: CLBlastOverrideParameters(Xgemm, 32): CLBlast");
}

static void test_other_devices_sections_are_ignored(void **state)
{
    (void)state;
    ocl_test_env env;
    lc_status status = open_with(&env, "[no device is named like this]\nNoSuchKernel 7 A=1\n");
    if (status != LC_OK)
        fail_msg("device_open: %s", env.api->last_error());
    ocl_test_close(&env);
}

/* Proof that the parameters reach CLBlast: vector width 3 does not compile, and the open's warm-up
 * reports the build failure. (CLBlast keeps overrides for the process: the next test replaces it.) */
static void test_parameters_reach_clblast(void **state)
{
    (void)state;
    expect_refused("Xgemm 32 GEMMK=0 KREG=1 KWG=16 KWI=2 MDIMA=8 MDIMC=8 MWG=32 NDIMB=8 NDIMC=8 NWG=32 SA=0 SB=0 "
                   "STRM=0 STRN=0 VWM=3 VWN=1\n",
                   "CL_BUILD_PROGRAM_FAILURE");
}

/* M x K times K x N, row-major, against a double product. Large enough for CLBlast's indirect
 * Xgemm kernel (the one the tuning file sets), which the open's warm-up also compiled. */
static void test_valid_parameters_apply_and_gemm_stays_right(void **state)
{
    (void)state;
    enum { M = 520, N = 530, K = 515 };
    ocl_test_env env;
    lc_status status = open_with(&env, "[*]\nXgemm 32 GEMMK=0 KREG=1 KWG=16 KWI=2 MDIMA=8 MDIMC=8 MWG=32 NDIMB=8 "
                                       "NDIMC=8 NWG=32 SA=0 SB=0 STRM=0 STRN=0 VWM=1 VWN=1\n");
    if (status != LC_OK)
        fail_msg("device_open: %s", env.api->last_error());
    double *a = malloc(sizeof(double) * M * K), *b = malloc(sizeof(double) * K * N);
    double *c = malloc(sizeof(double) * M * N), *expect = calloc((size_t)M * N, sizeof(double));
    assert_true(a && b && c && expect);
    ocl_test_fill(a, (size_t)M * K, 1, 1.0);
    ocl_test_fill(b, (size_t)K * N, 2, 1.0);
    for (int i = 0; i < M; i++)
        for (int k = 0; k < K; k++)
            for (int j = 0; j < N; j++)
                expect[(size_t)i * N + j] += a[(size_t)i * K + k] * b[(size_t)k * N + j];
    lc_buffer *da = ocl_test_upload(&env, a, (size_t)M * K), *db = ocl_test_upload(&env, b, (size_t)K * N);
    lc_buffer *dc = ocl_test_upload(&env, NULL, (size_t)M * N);
    lc_gemm_params p = {.m = M, .n = N, .k = K, .alpha = 1.0f, .beta = 0.0f, .lda = K, .ldb = N, .ldc = N};
    if (env.api->gemm(env.device, &p, da, db, dc) != LC_OK)
        fail_msg("gemm: %s", env.api->last_error());
    ocl_test_download(&env, dc, c, (size_t)M * N);
    double error = ocl_test_error(c, expect, (size_t)M * N, 1e-3, 1e-4);
    printf("GEMM %dx%dx%d with the tuning file: worst error %.3f of the tolerance (atol 1e-3, rtol 1e-4)\n", M, N,
           K, error);
    assert_true(error <= 1.0);
    env.api->buffer_free(env.device, da);
    env.api->buffer_free(env.device, db);
    env.api->buffer_free(env.device, dc);
    free(a);
    free(b);
    free(c);
    free(expect);
    ocl_test_close(&env);
}

/* The shipped file for PoCL parses and opens the device (its section matches PoCL's CPU devices only). */
static void test_shipped_pocl_file_opens(void **state)
{
    (void)state;
    FILE *f = fopen(LSTMCORR_SOURCE_DIR "/backends/opencl/tuning/pocl-cpu.txt", "r");
    assert_non_null(f);
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    ocl_test_env env;
    if (open_with(&env, text) != LC_OK)
        fail_msg("device_open with tuning/pocl-cpu.txt: %s", env.api->last_error());
    ocl_test_close(&env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_files_are_refused_with_line_and_reason),
        cmocka_unit_test(test_other_devices_sections_are_ignored),
        cmocka_unit_test(test_parameters_reach_clblast),
        cmocka_unit_test(test_valid_parameters_apply_and_gemm_stays_right),
        cmocka_unit_test(test_shipped_pocl_file_opens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
