/*
 * The parity driver: every op case of the table (support_parity_cases.c) on every device of every
 * usable backend, in float32, against the float64 reference. The tolerance table is at the top of
 * support_parity.h, where its numbers are defined.
 *
 * Environment:
 *   LSTMCORR_PARITY_DEVICES=cpu:0,opencl:0   only these devices (default: all usable ones)
 *   LSTMCORR_PARITY_CASE=PATTERN            only cases whose name matches this fnmatch pattern
 *   LSTMCORR_PARITY_SEED=1234                inputs from this seed (printed every run)
 *   LSTMCORR_PARITY_VERBOSE=1                print each output's NMSE and worst error ratio
 * Every failure prints a one-line repro with these variables set. A case a backend declines
 * through supports() is counted as skipped. Finding no device at all fails: cpu must be there.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lstmcorr/engine.h"
#include "support_parity.h"

/* 1 when name is in the comma-separated list (or there is no list). */
static int device_selected(const char *list, const char *name)
{
    if (!list || !list[0])
        return 1;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += len + (end ? 1 : 0);
    }
    return 0;
}

static void test_parity_all_devices(void **state)
{
    (void)state;
    lc_engine *engine = NULL;
    assert_int_equal(lc_engine_open(NULL, &engine), LC_OK);
    parity_options options = parity_options_from_env(stdout);
    const char *wanted = getenv("LSTMCORR_PARITY_DEVICES");
    printf("parity seed %" PRIu64 " (LSTMCORR_PARITY_SEED), cases '%s', devices '%s'\n",
           options.seed, options.case_filter ? options.case_filter : "*",
           wanted ? wanted : "all");
    int devices = 0, failed = 0;
    for (int i = 0; i < lc_engine_backend_count(engine); i++) {
        const lc_backend_report *r = lc_engine_backend_report(engine, i);
        if (!r->usable) {
            printf("backend %s not usable: %s\n", r->name, r->reason);
            continue;
        }
        for (int d = 0; d < r->device_count; d++) {
            char name[96];
            snprintf(name, sizeof name, "%s:%d", r->name, d);
            if (!device_selected(wanted, name))
                continue;
            lc_dev *dev = NULL;
            if (lc_engine_open_device(engine, name, &dev) != LC_OK) {
                printf("FAIL %s: cannot open: %s\n", name, lc_last_error());
                failed++;
                continue;
            }
            devices++;
            parity_summary summary = {0};
            parity_run_device(dev, &options, &summary);
            printf("%s (%s): %d cases, %d passed, %d failed (%d guard), %d skipped; "
                   "worst error/allowed %.3g in %s\n",
                   name, dev->info.name, summary.cases, summary.passed, summary.failed,
                   summary.guard_failures, summary.skipped, summary.worst_ratio,
                   summary.worst_case[0] ? summary.worst_case : "-");
            failed += summary.failed;
            lc_dev_close(dev);
        }
    }
    lc_engine_close(engine);
    if (devices == 0)
        print_error("no usable device found (the cpu backend must always be there)\n");
    assert_true(devices > 0);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parity_all_devices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
