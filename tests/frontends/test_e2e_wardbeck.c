/* On real alerts (AIT-ADS wardbeck, when the shared data is present), timestamps masked so the
 * network cannot read the attack phase off the clock: the fast preset, trained on the nine other
 * cuts, clusters fold 0's validation alerts far better than the same network with random weights.
 *
 * One validation cut holds ~186 alerts and incidents of 1-3 alerts, so whether a run has an
 * operating point at IMR <= 0.05 can flip with rounding for some seeds. For the default seed it
 * held with IMR 0 (ARF 6.0-6.2) under the generic, AVX2 and AVX-512 kernels x 1-3 threads and at
 * -O0; over seeds 1-8 it held for 14 of 16 ISA x seed runs (the others: lowest IMR 0.062). The
 * second claim has a wide margin everywhere: best weighted F1 of the mapped incident >= random +
 * 0.15 (observed 0.41-0.54 against 0.19). Random weights have no point (lowest IMR 0.58). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "support_cli.h"

#define WARDBECK LSTMCORR_TEST_DATA_DIR "/ait/wardbeck.csv"

typedef struct {
    int has_point;  /* an operating point at IMR <= 0.05 exists */
    double arf;     /* its validation ARF */
    double best_f1; /* best validation F1 over the grid */
} outcome;

static int read_outcome(const char *path, outcome *out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[8192];
    int summaries = 0, points = 0;
    memset(out, 0, sizeof *out);
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "\"summary\":true") != NULL) {
            summaries++;
            out->has_point = strstr(line, "\"eps\":null") == NULL;
            if (out->has_point)
                out->arf = support_json_number(line, "arf");
        } else if (strstr(line, "\"cut\":\"validation\"") != NULL) {
            points++;
            double f1 = support_json_number(line, "f1");
            if (f1 > out->best_f1)
                out->best_f1 = f1;
        }
    }
    fclose(f);
    return summaries == 1 && points == 36 ? 0 : -1;
}

static void evaluate(const char *options, outcome *out)
{
    char json[512], args[2048], err[8192];
    support_temp_path("wardbeck-json", json, sizeof json);
    snprintf(args, sizeof args,
             "evaluate --data %s --folds 0 --preset fast --mask timestamp --quiet %s --json %s",
             WARDBECK, options, json);
    int rc = support_cli_run(args, err, sizeof err);
    if (rc != 0)
        fail_msg("lstmcorr %s exited %d: %s", args, rc, err);
    assert_int_equal(read_outcome(json, out), 0);
    remove(json);
}

static void test_fast_preset_beats_random_weights(void **state)
{
    (void)state;
    if (access(WARDBECK, R_OK) != 0) {
        printf("skipping: %s is not present (shared test data)\n", WARDBECK);
        skip();
    }
    if (!support_cli_available("evaluate"))
        skip();
    outcome random, trained;
    evaluate("--epochs 0", &random);
    evaluate("", &trained);
    printf("wardbeck fold 0, timestamps masked, IMR <= 0.05: random weights: %s ARF %.2f, best F1 %.3f; "
           "trained: %s ARF %.2f, best F1 %.3f\n",
           random.has_point ? "point" : "no point", random.arf, random.best_f1,
           trained.has_point ? "point" : "no point", trained.arf, trained.best_f1);
    assert_false(random.has_point);
    assert_true(trained.has_point);
    assert_true(trained.arf >= 3.0);
    assert_true(trained.best_f1 >= random.best_f1 + 0.15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_preset_beats_random_weights),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
