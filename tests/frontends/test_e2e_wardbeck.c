/* On real alerts (AIT-ADS wardbeck, when the shared data is present): the fast preset, trained a
 * few epochs on fold 0, clusters better than the same network with random weights: it has an
 * operating point (validation IMR <= 0.05) and a higher validation ARF there. */
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

/* The summary line of an evaluate --json file: *has_point = 0 when "eps" is null, else the ARF. */
static int read_summary(const char *path, int *has_point, double *arf)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[8192];
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "\"summary\":true") == NULL)
            continue;
        found++;
        *has_point = strstr(line, "\"eps\":null") == NULL;
        *arf = 0;
        const char *a = strstr(line, "\"arf\":");
        if (*has_point && a != NULL)
            *arf = strtod(a + strlen("\"arf\":"), NULL);
    }
    fclose(f);
    return found == 1 ? 0 : -1;
}

static void evaluate(const char *options, int *has_point, double *arf)
{
    char json[512], args[2048], err[8192];
    support_temp_path("wardbeck-json", json, sizeof json);
    snprintf(args, sizeof args, "evaluate --data %s --folds 0 --preset fast --quiet %s --json %s", WARDBECK,
             options, json);
    int rc = support_cli_run(args, err, sizeof err);
    if (rc != 0)
        fail_msg("lstmcorr %s exited %d: %s", args, rc, err);
    assert_int_equal(read_summary(json, has_point, arf), 0);
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
    int random_point = 0, trained_point = 0;
    double random_arf = 0, trained_arf = 0;
    evaluate("--epochs 0", &random_point, &random_arf);
    evaluate("", &trained_point, &trained_arf);
    printf("wardbeck fold 0: random weights %s (ARF %.2f), trained %s (ARF %.2f)\n",
           random_point ? "have an operating point" : "have no operating point", random_arf,
           trained_point ? "has an operating point" : "has no operating point", trained_arf);
    assert_true(trained_point);
    assert_true(trained_arf > (random_point ? random_arf : 0.0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_preset_beats_random_weights),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
