/*
 * The parity driver must catch what it is for. Against the fake backend (the reference rounded to
 * float, tests/parity/fake_backend.c) it must pass everything clean, and fail when the fake is
 * told to be wrong (LSTMCORR_FAKE_FAULT): a 0.1% error, a write past the output, a NaN; a
 * declined case must count as skipped.
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
#include "support_parity.h"

#ifndef LSTMCORR_FAKE_BACKEND
#error "LSTMCORR_FAKE_BACKEND (path of liblstmcorr-fake.so) must be defined by the build"
#endif

typedef struct fixture {
    lc_engine *engine;
    lc_dev *dev;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || lc_engine_open(LSTMCORR_FAKE_BACKEND, &f->engine) != LC_OK ||
        lc_engine_open_device(f->engine, "fake:0", &f->dev) != LC_OK) {
        fprintf(stderr, "cannot open the fake backend: %s\n", lc_last_error());
        if (f)
            lc_engine_close(f->engine);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    lc_dev_close(f->dev);
    lc_engine_close(f->engine);
    free(f);
    unsetenv("LSTMCORR_FAKE_FAULT");
    return 0;
}

/* Runs the cases matching filter with the given fault; the log is kept in *log_text. */
static parity_summary run_with_fault(fixture *f, const char *fault, const char *filter,
                                     char *log_text, size_t log_len)
{
    if (fault)
        setenv("LSTMCORR_FAKE_FAULT", fault, 1);
    else
        unsetenv("LSTMCORR_FAKE_FAULT");
    FILE *log = tmpfile();
    assert_non_null(log);
    parity_options options = {.seed = PARITY_DEFAULT_SEED, .case_filter = filter, .log = log};
    parity_summary summary = {0};
    parity_run_device(f->dev, &options, &summary);
    rewind(log);
    size_t n = fread(log_text, 1, log_len - 1, log);
    log_text[n] = '\0';
    fclose(log);
    unsetenv("LSTMCORR_FAKE_FAULT");
    return summary;
}

static char log_text[1 << 16];

static void test_clean_backend_passes_every_case(void **state)
{
    parity_summary s = run_with_fault(*state, NULL, NULL, log_text, sizeof log_text);
    if (s.failed)
        print_error("%s", log_text);
    assert_true(s.cases > 200);
    assert_int_equal(s.failed, 0);
    assert_int_equal(s.skipped, 0);
    assert_int_equal(s.passed, s.cases);
}

static void test_small_error_fails_with_repro(void **state)
{
    parity_summary s = run_with_fault(*state, "perturb", "gemm/*", log_text, sizeof log_text);
    assert_true(s.cases > 0);
    assert_int_equal(s.failed, s.cases);
    assert_non_null(strstr(log_text, "repro: LSTMCORR_PARITY_DEVICES=fake:0 LSTMCORR_PARITY_CASE='gemm/"));
    assert_non_null(strstr(log_text, "LSTMCORR_PARITY_SEED="));
    s = run_with_fault(*state, "perturb", "lstm/*/train_dh_both/B4_ragged_H13", log_text,
                       sizeof log_text);
    assert_int_equal(s.cases, 6);
    assert_int_equal(s.failed, 6);
    s = run_with_fault(*state, "perturb", "cosine_pairs_backward/*", log_text, sizeof log_text);
    assert_int_equal(s.failed, s.cases);
}

static void test_write_past_the_output_fails(void **state)
{
    parity_summary s = run_with_fault(*state, "oob", "sgd/*", log_text, sizeof log_text);
    assert_int_equal(s.cases, 3);
    assert_int_equal(s.failed, 3);
    assert_int_equal(s.guard_failures, 3);
    assert_non_null(strstr(log_text, "guard (past the end) overwritten"));
    s = run_with_fault(*state, "oob", "gemm/*", log_text, sizeof log_text);
    assert_true(s.cases > 0);
    assert_int_equal(s.guard_failures, s.cases);
}

static void test_nan_fails(void **state)
{
    parity_summary s = run_with_fault(*state, "nan", "gemm/*/packed/*", log_text, sizeof log_text);
    assert_true(s.cases > 0);
    assert_int_equal(s.failed, s.cases);
    assert_non_null(strstr(log_text, "NaN/Inf disagree"));
}

static void test_declined_case_is_skipped(void **state)
{
    parity_summary s = run_with_fault(*state, "unsupported", "lstm/*", log_text, sizeof log_text);
    assert_true(s.cases > 100);
    assert_int_equal(s.skipped, s.cases);
    assert_int_equal(s.failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_backend_passes_every_case),
        cmocka_unit_test(test_small_error_fails_with_repro),
        cmocka_unit_test(test_write_past_the_output_fails),
        cmocka_unit_test(test_nan_fails),
        cmocka_unit_test(test_declined_case_is_skipped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
