/* With the ICD loader pointed at an empty vendor directory the plugin still loads and initialises,
 * lists zero devices and says why; opening a device fails with NOT_FOUND. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setenv */
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

static void test_zero_devices_with_reason(void **state)
{
    (void)state;
    char directory[] = "/tmp/lstmcorr-no-icd-XXXXXX";
    assert_non_null(mkdtemp(directory));
    /* Before anything in this process loads libOpenCL: the loader reads it once. */
    assert_int_equal(setenv("OCL_ICD_VENDORS", directory, 1), 0);
    ocl_test_env env;
    ocl_test_load(&env);
    rmdir(directory);
    assert_int_equal(env.api->device_count(env.backend), 0);
    const char *reason = env.api->unavailable_reason(env.backend);
    assert_non_null(reason);
    printf("reason: %s\n", reason);
    /* Either no platform (ICD loader present) or no loader / CLBlast at all. */
    assert_true(strstr(reason, "no OpenCL platform") || strstr(reason, "not found"));
    lc_device *device = NULL;
    assert_int_equal(env.api->device_open(env.backend, 0, &device), LC_ERR_NOT_FOUND);
    assert_null(device);
    ocl_test_close(&env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_devices_with_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
