#define _POSIX_C_SOURCE 200809L
/* End to end through the lstmcorr program: train, resume, info, embed, cluster, evaluate (--model, --baseline). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/stat.h>

#include "support_cli.h"

static char data[512];

static int setup(void **state)
{
    (void)state;
    if (!support_cli_available("train"))
        return 0;
    support_temp_path("e2e-data", data, sizeof data);
    char args[1024];
    snprintf(args, sizeof args, "synth --count 300 --seed 5 -o %s", data);
    return support_cli_run(args, NULL, 0) == 0 ? 0 : -1;
}

static long file_bytes(const char *path, unsigned char **out)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)n + 1);
    if (fread(*out, 1, (size_t)n, f) != (size_t)n)
        n = -1;
    fclose(f);
    return n;
}

/* Both files exist, are not empty, and hold the same bytes. */
static void assert_same_bytes(const char *path_a, const char *path_b)
{
    unsigned char *a = NULL, *b = NULL;
    long na = file_bytes(path_a, &a), nb = file_bytes(path_b, &b);
    assert_true(na > 0);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, (size_t)na);
    free(a);
    free(b);
}

static const char train_options[] = "--preset fast --pairs 6000 --batch 500 --hidden 8 --quiet";

static void test_resume_equals_uninterrupted(void **state)
{
    (void)state;
    if (!support_cli_available("train"))
        skip();
    char whole[512], part[512], args[2048], err[4096];
    support_temp_path("e2e-whole", whole, sizeof whole);
    support_temp_path("e2e-part", part, sizeof part);
    snprintf(args, sizeof args, "train --data %s -o %s --epochs 3 %s", data, whole, train_options);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    snprintf(args, sizeof args, "train --data %s -o %s --epochs 1 %s", data, part, train_options);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    snprintf(args, sizeof args, "train --data %s --resume %s --epochs 3 --quiet", data, part);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    assert_same_bytes(whole, part);

    /* Resuming keeps the stored settings: changing one is a usage error, not silently ignored. */
    snprintf(args, sizeof args, "train --data %s --resume %s --epochs 4 --lr 5 --quiet", data, part);
    assert_int_equal(support_cli_run(args, err, sizeof err), 2);
    assert_non_null(strstr(err, "--lr"));
    snprintf(args, sizeof args, "train --data %s -o %s --preset fast --pairs all --pairs-positive 0.3", data, part);
    assert_int_equal(support_cli_run(args, err, sizeof err), 2);

    /* The model describes itself, and a damaged one is refused with the reason. */
    snprintf(args, sizeof args, "info %s > /dev/null", whole);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    FILE *f = fopen(part, "r+b");
    assert_non_null(f);
    fseek(f, 40, SEEK_SET);
    fputc(0x5a ^ fgetc(f), f);
    fclose(f);
    snprintf(args, sizeof args, "info %s", part);
    assert_int_equal(support_cli_run(args, err, sizeof err), 1);
    assert_non_null(strstr(err, part));
    remove(whole);
    remove(part);
}

static void test_embed_and_cluster(void **state)
{
    (void)state;
    if (!support_cli_available("cluster"))
        skip();
    char model[512], npy[512], out[512], args[4096], err[4096];
    support_temp_path("e2e-model", model, sizeof model);
    support_temp_path("e2e-npy", npy, sizeof npy);
    support_temp_path("e2e-out", out, sizeof out);
    snprintf(args, sizeof args, "train --data %s -o %s --epochs 2 %s", data, model, train_options);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    snprintf(args, sizeof args, "embed --model %s --data %s -o %s", model, data, npy);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    unsigned char *bytes = NULL;
    long n = file_bytes(npy, &bytes);
    /* 300 x 8 float32 after a 128-byte header. */
    assert_int_equal(n, 128 + 300 * 8 * 4);
    assert_memory_equal(bytes, "\x93NUMPY", 6);
    free(bytes);
    /* A device as output is written in place, never replaced by a renamed file. */
    snprintf(args, sizeof args, "embed --model %s --data %s -o /dev/null", model, data);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    snprintf(args, sizeof args, "cluster --model %s --data %s --eps 0.05 --min-samples 3 --assign %s -o %s", model,
             data, data, out);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char line[8192];
    int alerts = 0, clusters = 0, assigned = 0;
    while (fgets(line, sizeof line, f)) {
        alerts += strstr(line, "\"type\":\"alert\"") != NULL;
        clusters += strstr(line, "\"type\":\"cluster\"") != NULL;
        assigned += strstr(line, "\"type\":\"assigned\"") != NULL;
    }
    fclose(f);
    assert_int_equal(alerts, 300);
    assert_int_equal(assigned, 300);
    assert_true(clusters >= 1);

    /* Usage and input errors have their exit codes. */
    snprintf(args, sizeof args, "cluster --model %s --data %s --eps 0.05", model, data);
    assert_int_equal(support_cli_run(args, err, sizeof err), 2);
    snprintf(args, sizeof args, "cluster --model %s --data %s --eps 0.05 --min-samples 3", data, data);
    assert_int_equal(support_cli_run(args, err, sizeof err), 1);
    snprintf(args, sizeof args, "train --data %s -o %s --device cuda:7 --quiet", data, model);
    assert_int_equal(support_cli_run(args, err, sizeof err), 1);
    assert_non_null(strstr(err, "cuda:7"));
    remove(model);
    remove(npy);
    remove(out);
}

static void test_evaluate_json_lines(void **state)
{
    (void)state;
    if (!support_cli_available("evaluate"))
        skip();
    char json[512], args[2048], err[4096];
    support_temp_path("e2e-json", json, sizeof json);
    snprintf(args, sizeof args, "evaluate --data %s --folds 0,1 --epochs 1 %s --json %s", data, train_options, json);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    FILE *f = fopen(json, "r");
    assert_non_null(f);
    char line[8192];
    int rows = 0, summaries = 0;
    const char *fields[] = {"\"cut\":", "\"eps\":", "\"min_samples\":", "\"arf\":", "\"arf_analyst\":", "\"narf\":",
                            "\"imr\":", "\"faro\":", "\"farc\":", "\"homogeneity\":", "\"accuracy\":", "\"f1\":",
                            "\"clusters\":", "\"outliers\":"};
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "\"summary\":true")) {
            summaries++;
            assert_non_null(strstr(line, "\"folds\":2"));
            assert_non_null(strstr(line, "\"imr_max\":0.05"));
            continue;
        }
        rows++;
        assert_non_null(strstr(line, "\"fold\":"));
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            if (strstr(line, fields[k]) == NULL)
                fail_msg("row without %s: %s", fields[k], line);
    }
    fclose(f);
    assert_int_equal(summaries, 1);
    assert_int_equal(rows, 2 * 36 * 2); /* folds x grid x cuts */
    /* A failed run leaves an existing results file as it was. */
    assert_int_equal(support_write_file(json, "old\n"), 0);
    snprintf(args, sizeof args, "evaluate --data %s.missing --folds 0 --json %s", data, json);
    assert_int_equal(support_cli_run(args, err, sizeof err), 1);
    f = fopen(json, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "old\n");
    fclose(f);
    snprintf(args, sizeof args, "evaluate --data %s --fold 3", data);
    assert_int_equal(support_cli_run(args, err, sizeof err), 2);
    remove(json);
}

/* evaluate --model with the model train writes for fold 0 gives exactly evaluate's own fold 0
 * (both initialise with the seed + fold and train the same way); training options are refused. */
static void test_evaluate_model(void **state)
{
    (void)state;
    if (!support_cli_available("evaluate"))
        skip();
    char model[512], own[512], given[512], args[2048], err[4096];
    support_temp_path("e2e-eval-model", model, sizeof model);
    support_temp_path("e2e-eval-own", own, sizeof own);
    support_temp_path("e2e-eval-given", given, sizeof given);
    snprintf(args, sizeof args, "train --data %s -o %s --fold 0 --epochs 2 %s", data, model, train_options);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    snprintf(args, sizeof args, "evaluate --data %s --folds 0 --epochs 2 %s --json %s", data, train_options, own);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    snprintf(args, sizeof args, "evaluate --data %s --folds 0 --model %s --quiet --json %s", data, model, given);
    if (support_cli_run(args, err, sizeof err) != 0)
        fail_msg("lstmcorr %s: %s", args, err);
    assert_same_bytes(own, given);
    snprintf(args, sizeof args, "evaluate --data %s --model %s --epochs 3", data, model);
    assert_int_equal(support_cli_run(args, err, sizeof err), 2);
    assert_non_null(strstr(err, "--epochs"));
    snprintf(args, sizeof args, "evaluate --data %s --model %s.missing", data, model);
    assert_int_equal(support_cli_run(args, err, sizeof err), 1);
    assert_non_null(strstr(err, ".missing"));
    remove(model);
    remove(own);
    remove(given);
}

/* The JSON line of (cut, eps, min_samples) in fold 0, or fail. */
static void grid_line(const char *path, const char *cut, const char *eps, int min_samples, char *line, size_t size)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char want[256];
    snprintf(want, sizeof want, "{\"fold\":0,\"cut\":\"%s\",\"eps\":%s,\"min_samples\":%d,", cut, eps, min_samples);
    while (fgets(line, (int)size, f))
        if (strncmp(line, want, strlen(want)) == 0) {
            fclose(f);
            return;
        }
    fclose(f);
    fail_msg("no line %s in %s", want, path);
}

/* --baseline identical: 4 texts x 10 copies, one copy of each per cut. Fold 0 trains on 9 copies
 * of each: 4 pure clusters at a small eps (IMR 0), none at min_samples 10, one at eps 1. */
static void test_evaluate_identical_baseline(void **state)
{
    (void)state;
    if (!support_cli_available("evaluate"))
        skip();
    static const char *const texts[4][2] = {{"scan", "portscan from host=a"},
                                            {"brute", "ssh login failed host=b"},
                                            {"benign", "dns query host=c"},
                                            {"benign", "dns query host=d"}};
    char csv[4096] = "incident,alert,cut\n", path[512], json[512], args[2048], err[4096], line[8192];
    for (int copy = 0; copy < 10; copy++)
        for (int t = 0; t < 4; t++)
            snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "%s,%s,%d\n", texts[t][0], texts[t][1], copy);
    support_temp_path("e2e-identical-csv", path, sizeof path);
    support_temp_path("e2e-identical-json", json, sizeof json);
    assert_int_equal(support_write_file(path, csv), 0);
    snprintf(args, sizeof args, "evaluate --data %s --folds 0 --baseline identical --quiet --json %s", path, json);
    if (support_cli_run(args, err, sizeof err) != 0)
        fail_msg("lstmcorr %s: %s", args, err);
    grid_line(json, "train", "0.0001", 1, line, sizeof line);
    assert_non_null(strstr(line, "\"clusters\":4,\"outliers\":0"));
    assert_non_null(strstr(line, "\"imr\":0,"));
    grid_line(json, "validation", "0.3", 3, line, sizeof line);
    assert_non_null(strstr(line, "\"clusters\":4,\"outliers\":0"));
    assert_non_null(strstr(line, "\"imr\":0,"));
    grid_line(json, "train", "0.0001", 10, line, sizeof line);
    assert_non_null(strstr(line, "\"clusters\":0,\"outliers\":36"));
    grid_line(json, "train", "1", 1, line, sizeof line);
    assert_non_null(strstr(line, "\"clusters\":1,"));
    snprintf(args, sizeof args, "evaluate --data %s --baseline identical --epochs 2", path);
    assert_int_equal(support_cli_run(args, err, sizeof err), 2);
    assert_non_null(strstr(err, "--epochs"));
    snprintf(args, sizeof args, "evaluate --data %s --baseline tfidf", path);
    assert_int_equal(support_cli_run(args, err, sizeof err), 2);
    remove(path);
    remove(json);
}

/* Error messages quote input text; control bytes and invalid UTF-8 in it come out as \xNN, never
 * raw (an alert could otherwise send escape sequences to the analyst's terminal). */
static void test_messages_escape_control_bytes(void **state)
{
    (void)state;
    if (!support_cli_available("stratify"))
        skip();
    char path[512], out[512], args[2048], err[4096];
    support_temp_path("e2e-escape", path, sizeof path);
    support_temp_path("e2e-escape-out", out, sizeof out);
    assert_int_equal(support_write_file(path, "incident,alert,cut\nscan,text,\"\x1b]0;owned\x07 \xff\xc3\xa9\"\n"), 0);
    snprintf(args, sizeof args, "stratify %s -o %s", path, out);
    assert_int_equal(support_cli_run(args, err, sizeof err), 1);
    assert_null(strchr(err, '\x1b'));
    assert_null(strchr(err, '\x07'));
    assert_null(strchr(err, '\xff'));
    assert_non_null(strstr(err, ":2:"));
    if (strstr(err, "\\x1b]0;owned\\x07 \\xff\xc3\xa9") == NULL)
        fail_msg("message does not show the escaped text: %s", err);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resume_equals_uninterrupted),
        cmocka_unit_test(test_embed_and_cluster),
        cmocka_unit_test(test_evaluate_json_lines),
        cmocka_unit_test(test_evaluate_model),
        cmocka_unit_test(test_evaluate_identical_baseline),
        cmocka_unit_test(test_messages_escape_control_bytes),
    };
    int rc = cmocka_run_group_tests(tests, setup, NULL);
    if (data[0])
        remove(data);
    return rc;
}
