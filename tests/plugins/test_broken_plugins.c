/*
 * The loader meets broken plugins (built by tests/plugins/CMakeLists.txt from broken_plugin.c):
 * each must be refused with a status and a reason that names the problem, alone through
 * lc_engine_probe and as the cpu backend found through LSTMCORR_BACKEND_PATH, never crashing.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lstmcorr/engine.h"

#ifndef LSTMCORR_TEST_PLUGIN_DIR
#error "LSTMCORR_TEST_PLUGIN_DIR must be defined by the build"
#endif

typedef struct broken_case {
    const char *kind;     /* file liblstmcorr-broken-<kind>.so, folder as-cpu/<kind> */
    lc_status status;     /* what lc_engine_probe returns */
    const char *words[2]; /* the reason must contain both (NULL: none) */
} broken_case;

static const broken_case CASES[] = {
    {"abi_major", LC_ERR_ABI, {"ABI major 2", "needs 1"}},
    {"struct_size", LC_ERR_ABI, {"struct size", NULL}},
    {"no_entry", LC_ERR_ABI, {"lstmcorr_backend_entry", "missing"}},
    {"entry_null", LC_ERR_ABI, {"lstmcorr_backend_entry", "no table"}},
    {"init_fails", LC_ERR_DEVICE, {"init failed", "simulated driver failure"}},
    {"no_devices", LC_ERR_NOT_FOUND, {"no devices", "no simulated accelerator"}},
};

static void assert_reason(const char *what, const char *reason, const char *const words[2])
{
    for (int i = 0; i < 2; i++)
        if (words[i] && !strstr(reason, words[i])) {
            print_error("%s: reason \"%s\" does not mention \"%s\"\n", what, reason, words[i]);
            fail();
        }
}

static void probe(const char *path, lc_status expected, const char *const words[2])
{
    lc_backend_report report;
    memset(&report, 0x5A, sizeof report); /* garbage, to see that probe fills it */
    char reason[512] = "untouched";
    lc_status status = lc_engine_probe(path, &report, reason, sizeof reason);
    if (status != expected)
        print_error("%s: status %s, expected %s (%s)\n", path, lc_status_name(status),
                    lc_status_name(expected), reason);
    assert_int_equal(status, expected);
    assert_int_equal(report.usable, 0);
    assert_int_equal(report.device_count, 0);
    assert_reason(path, reason, words);
    /* The thread's last error says which file it was. */
    assert_non_null(strstr(lc_last_error(), path));
}

static void test_working_control_plugin_probes_fine(void **state)
{
    (void)state;
    lc_backend_report report;
    char reason[256] = "untouched";
    const char *path = LSTMCORR_TEST_PLUGIN_DIR "/liblstmcorr-broken-working.so";
    assert_int_equal(lc_engine_probe(path, &report, reason, sizeof reason), LC_OK);
    assert_int_equal(report.usable, 1);
    assert_int_equal(report.device_count, 1);
    assert_string_equal(reason, "");
}

static void test_each_broken_plugin_is_refused_with_its_reason(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/liblstmcorr-broken-%s.so", LSTMCORR_TEST_PLUGIN_DIR,
                 CASES[i].kind);
        probe(path, CASES[i].status, CASES[i].words);
    }
}

static void test_not_a_shared_library(void **state)
{
    (void)state;
    const char *const words[2] = {"cannot load", NULL};
    probe(LSTMCORR_TEST_PLUGIN_DIR "/liblstmcorr-text.so", LC_ERR_NOT_FOUND, words);
}

static void test_missing_file(void **state)
{
    (void)state;
    const char *const words[2] = {"file not found", "liblstmcorr-nothing.so"};
    probe(LSTMCORR_TEST_PLUGIN_DIR "/liblstmcorr-nothing.so", LC_ERR_NOT_FOUND, words);
}

/* The broken copy named liblstmcorr-cpu.so found first on LSTMCORR_BACKEND_PATH. */
static void check_engine_with_broken_cpu(const char *kind, const char *const words[2])
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/as-cpu/%s", LSTMCORR_TEST_PLUGIN_DIR, kind);
    assert_int_equal(setenv("LSTMCORR_BACKEND_PATH", dir, 1), 0);
    lc_engine *engine = NULL;
    assert_int_equal(lc_engine_open(NULL, &engine), LC_OK);
    const lc_backend_report *cpu = NULL;
    for (int i = 0; i < lc_engine_backend_count(engine); i++) {
        const lc_backend_report *r = lc_engine_backend_report(engine, i);
        if (strcmp(r->name, "cpu") == 0)
            cpu = r;
    }
    assert_non_null(cpu);
    assert_int_equal(cpu->usable, 0);
    assert_non_null(strstr(cpu->path, dir));
    assert_reason(kind, cpu->reason, words);
    lc_dev *dev = NULL;
    assert_int_not_equal(lc_engine_open_device(engine, "cpu:0", &dev), LC_OK);
    assert_null(dev);
    assert_non_null(strstr(lc_last_error(), "cpu"));
    lc_engine_close(engine);
    unsetenv("LSTMCORR_BACKEND_PATH");
}

static void test_engine_reports_broken_cpu_backends(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++)
        check_engine_with_broken_cpu(CASES[i].kind, CASES[i].words);
    const char *const text[2] = {"cannot load", NULL};
    check_engine_with_broken_cpu("text", text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_working_control_plugin_probes_fine),
        cmocka_unit_test(test_each_broken_plugin_is_refused_with_its_reason),
        cmocka_unit_test(test_not_a_shared_library),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_engine_reports_broken_cpu_backends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
