/* lstmcorr-bench output: run the built program on a tiny configuration and check each format's
 * shape (fields present, numbers parse and are consistent, one row per workload x device), the
 * exit codes of bad usage, and `compare` of a result file with itself. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support_json.h"

#define BENCH LSTMCORR_BIN_DIR "/lstmcorr-bench"
#define MAX_DEVICES 8
#define WORKLOADS 5

static const char *const workloads[WORKLOADS] = {"embed", "train", "distance", "dbscan", "fold"};

typedef struct fixture {
    char dir[64];
    char data[128];
    char devices[MAX_DEVICES][32];
    int device_count;
    char *jsonl;                 /* output of the all-devices run */
} fixture;

static fixture fx;

/* Run a shell command; its stdout into *out (malloc'd), its exit status returned. */
static int run(const char *command, char **out)
{
    FILE *pipe = popen(command, "r");
    assert_non_null(pipe);
    size_t capacity = 4096, len = 0;
    char *text = malloc(capacity);
    assert_non_null(text);
    size_t got;
    while ((got = fread(text + len, 1, capacity - len - 1, pipe)) > 0) {
        len += got;
        if (capacity - len < 2) {
            text = realloc(text, capacity *= 2);
            assert_non_null(text);
        }
    }
    text[len] = '\0';
    int status = pclose(pipe);
    if (out)
        *out = text;
    else
        free(text);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The tiny configuration: every workload, one case each, a second or so per device. */
static int run_bench(const char *format, const char *device, char **out)
{
    char command[1024];
    snprintf(command, sizeof command,
             "'%s' --n 32 --hidden 8 --distance-d 8 --min-time 0 --min-reps 2 --max-time 5 --data '%s' -o %s%s%s "
             "2>/dev/null",
             BENCH, fx.data, format, device ? " --device " : "", device ? device : "");
    return run(command, out);
}

/* 120 alerts over two incidents and benign, cuts 0..9: enough pairs for one preset batch. */
static void write_data(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "incident,alert,cut\n");
    for (int i = 0; i < 120; i++) {
        const char *incident = i % 3 == 0 ? "scan" : i % 3 == 1 ? "brute" : "benign";
        fprintf(f, "%s,01/23-12:%02d:%02d [W-%s] event %d host=web ip=10.0.0.%d,%d\n", incident, i % 60, (7 * i) % 60,
                incident, i, i % 250, i % 10);
    }
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(fx.dir, sizeof fx.dir, "/tmp/lstmcorr-bench-test-XXXXXX");
    if (mkdtemp(fx.dir) == NULL)
        return -1;
    snprintf(fx.data, sizeof fx.data, "%s/alerts.csv", fx.dir);
    write_data(fx.data);
    char *list = NULL, command[256];
    snprintf(command, sizeof command, "'%s' --list-devices 2>/dev/null", BENCH);
    if (run(command, &list) != 0)
        return -1;
    for (char *save = NULL, *line = strtok_r(list, "\n", &save); line && fx.device_count < MAX_DEVICES;
         line = strtok_r(NULL, "\n", &save))
        snprintf(fx.devices[fx.device_count++], sizeof fx.devices[0], "%s", line);
    free(list);
    if (fx.device_count == 0 || strcmp(fx.devices[0], "cpu:0") != 0)
        return -1;
    return run_bench("jsonl", NULL, &fx.jsonl) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char command[160];
    snprintf(command, sizeof command, "rm -rf '%s'", fx.dir);
    free(fx.jsonl);
    return system(command) == 0 ? 0 : -1;
}

static int workload_index(const char *name)
{
    for (int w = 0; w < WORKLOADS; w++)
        if (strcmp(name, workloads[w]) == 0)
            return w;
    return -1;
}

static int device_index(const char *name)
{
    for (int d = 0; d < fx.device_count; d++)
        if (strcmp(name, fx.devices[d]) == 0)
            return d;
    return -1;
}

static double number_field(const json_value *row, const char *key)
{
    const json_value *v = json_get(row, key);
    assert_non_null(v);
    assert_int_equal(v->type, JSON_NUMBER);
    return v->number;
}

static void check_string_field(const json_value *row, const char *key)
{
    const json_value *v = json_get(row, key);
    assert_non_null(v);
    assert_int_equal(v->type, JSON_STRING);
}

/* One row object of -o json / jsonl; counts it in seen[workload][device]. */
static void check_json_row(const json_value *row, int seen[WORKLOADS][MAX_DEVICES])
{
    assert_int_equal(row->type, JSON_OBJECT);
    const json_value *workload = json_get(row, "workload"), *device = json_get(row, "device");
    assert_true(workload && workload->type == JSON_STRING && device && device->type == JSON_STRING);
    int w = workload_index(workload->string), d = device_index(device->string);
    assert_true(w >= 0 && d >= 0);
    seen[w][d]++;
    check_string_field(row, "backend");
    check_string_field(row, "commit");
    assert_true(strncmp(device->string, json_get(row, "backend")->string, strlen(json_get(row, "backend")->string)) == 0);
    const json_value *params = json_get(row, "params"), *versions = json_get(row, "versions");
    assert_true(params && params->type == JSON_OBJECT && params->count > 0);
    assert_true(versions && versions->type == JSON_OBJECT);
    check_string_field(versions, "driver");
    check_string_field(versions, "api");
    check_string_field(versions, "libraries");
    double reps = number_field(row, "reps"), min = number_field(row, "min_s");
    double median = number_field(row, "median_s"), max = number_field(row, "max_s");
    assert_true(reps >= 1 && reps == (double)(int64_t)reps);
    assert_true(min > 0 && min <= median && median <= max);
    assert_true(number_field(row, "first_call_s") > 0);
    assert_true(number_field(row, "threads") >= 1);
    /* per_s and gflops: a positive number, or null where the workload has no such figure */
    const json_value *per_s = json_get(row, "per_s"), *gflops = json_get(row, "gflops");
    assert_true(per_s && gflops);
    if (strcmp(workload->string, "fold") == 0)
        assert_int_equal(per_s->type, JSON_NULL);
    else
        assert_true(per_s->type == JSON_NUMBER && per_s->number > 0);
    int counts_flops = w <= 2; /* embed, train, distance */
    if (counts_flops)
        assert_true(gflops->type == JSON_NUMBER && gflops->number > 0);
    else
        assert_int_equal(gflops->type, JSON_NULL);
    if (strcmp(workload->string, "distance") == 0) {
        const json_value *extra = json_get(row, "extra");
        assert_true(number_field(extra, "gemm_gflops") > 0 && number_field(extra, "gemm_fraction") > 0);
    }
}

static void check_one_row_each(int seen[WORKLOADS][MAX_DEVICES], int devices)
{
    for (int w = 0; w < WORKLOADS; w++)
        for (int d = 0; d < devices; d++) {
            if (seen[w][d] != 1)
                fail_msg("%d rows for %s on %s, expected 1", seen[w][d], workloads[w], fx.devices[d]);
        }
}

static void test_jsonl_one_row_per_workload_and_device(void **state)
{
    (void)state;
    int seen[WORKLOADS][MAX_DEVICES] = {{0}}, rows = 0;
    char *copy = strdup(fx.jsonl);
    assert_non_null(copy);
    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        json_value *row = json_parse(line, strlen(line));
        if (row == NULL)
            fail_msg("not a JSON line: %s", line);
        check_json_row(row, seen);
        json_free(row);
        rows++;
    }
    free(copy);
    assert_int_equal(rows, WORKLOADS * fx.device_count);
    check_one_row_each(seen, fx.device_count);
}

static void test_json_is_one_array(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(run_bench("json", "cpu:0", &out), 0);
    json_value *all = json_parse(out, strlen(out));
    if (all == NULL)
        fail_msg("-o json is not valid JSON:\n%s", out);
    assert_int_equal(all->type, JSON_ARRAY);
    assert_int_equal(all->count, WORKLOADS);
    int seen[WORKLOADS][MAX_DEVICES] = {{0}};
    for (size_t k = 0; k < all->count; k++)
        check_json_row(all->items[k], seen);
    check_one_row_each(seen, 1);
    json_free(all);
    free(out);
}

/* Split one CSV record (RFC 4180, no line breaks inside fields here) into fields in place. */
static int csv_split(char *line, char **fields, int max)
{
    int count = 0;
    char *w = line, *p = line;
    while (count < max) {
        fields[count++] = w;
        int quoted = *p == '"';
        if (quoted)
            p++;
        for (;;) {
            if (*p == '\0')
                break;
            if (quoted && *p == '"' && p[1] == '"') {
                *w++ = '"';
                p += 2;
            } else if (quoted && *p == '"') {
                quoted = 0;
                p++;
            } else if (!quoted && *p == ',') {
                break;
            } else {
                *w++ = *p++;
            }
        }
        int more = *p == ',';
        *w++ = '\0';
        if (!more)
            break;
        p++;
    }
    return count;
}

static int column(char **header, int count, const char *name)
{
    for (int k = 0; k < count; k++)
        if (strcmp(header[k], name) == 0)
            return k;
    fail_msg("CSV header lacks '%s'", name);
    return -1;
}

static double csv_number(const char *text)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0')
        fail_msg("'%s' is not a number", text);
    return v;
}

static void test_csv_header_and_rows(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(run_bench("csv", "cpu:0", &out), 0);
    char *save = NULL, *line = strtok_r(out, "\n", &save);
    assert_non_null(line);
    char header_text[1024], *header[64];
    snprintf(header_text, sizeof header_text, "%s", line);
    int columns = csv_split(header_text, header, 64);
    const char *required[] = {"workload", "device", "backend", "params", "reps", "min_s", "median_s", "max_s",
                              "per_s", "gflops", "first_call_s", "threads", "commit", "driver_version",
                              "api_version", "libraries"};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        column(header, columns, required[k]);
    int seen[WORKLOADS][MAX_DEVICES] = {{0}}, rows = 0;
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *fields[64];
        assert_int_equal(csv_split(line, fields, 64), columns);
        int w = workload_index(fields[column(header, columns, "workload")]);
        assert_true(w >= 0);
        assert_string_equal(fields[column(header, columns, "device")], "cpu:0");
        seen[w][0]++;
        double min = csv_number(fields[column(header, columns, "min_s")]);
        double median = csv_number(fields[column(header, columns, "median_s")]);
        double max = csv_number(fields[column(header, columns, "max_s")]);
        assert_true(min > 0 && min <= median && median <= max);
        assert_true(csv_number(fields[column(header, columns, "reps")]) >= 1);
        assert_true(csv_number(fields[column(header, columns, "first_call_s")]) > 0);
        assert_true(csv_number(fields[column(header, columns, "threads")]) >= 1);
        if (w != 4)
            assert_true(csv_number(fields[column(header, columns, "per_s")]) > 0);
        assert_true(strchr(fields[column(header, columns, "params")], '=') != NULL);
        rows++;
    }
    assert_int_equal(rows, WORKLOADS);
    check_one_row_each(seen, 1);
    free(out);
}

static void test_markdown_table_by_default(void **state)
{
    (void)state;
    char *out = NULL, command[1024];
    snprintf(command, sizeof command, "'%s' --n 32 --hidden 8 --min-time 0 --min-reps 1 --device cpu:0 "
             "--workload embed,dbscan 2>/dev/null", BENCH);
    assert_int_equal(run(command, &out), 0);
    int lines = 0;
    for (char *save = NULL, *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), lines++) {
        assert_true(line[0] == '|' && line[strlen(line) - 1] == '|');
        if (lines == 1)
            assert_true(strncmp(line, "|---", 4) == 0);
        if (lines >= 2)
            assert_true(strncmp(line, lines == 2 ? "| embed |" : "| dbscan |", lines == 2 ? 9 : 10) == 0);
    }
    assert_int_equal(lines, 4);
    free(out);
}

static void test_usage_errors_exit_2(void **state)
{
    (void)state;
    const char *bad[] = {"--bogus", "--workload nope", "-o xml", "--min-reps 0", "--hidden 8,x", "--device",
                         "compare only-one.jsonl"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char command[256];
        snprintf(command, sizeof command, "'%s' %s 2>/dev/null", BENCH, bad[k]);
        char *out = NULL;
        if (run(command, &out) != 2)
            fail_msg("'%s' did not exit 2", bad[k]);
        assert_string_equal(out, ""); /* nothing on stdout */
        free(out);
    }
    char command[256], *out = NULL;
    snprintf(command, sizeof command, "'%s' --help", BENCH);
    assert_int_equal(run(command, &out), 0);
    assert_non_null(strstr(out, "usage: lstmcorr-bench"));
    free(out);
    snprintf(command, sizeof command, "'%s' --device nosuch:0 --workload embed 2>/dev/null", BENCH);
    assert_int_equal(run(command, NULL), 1);
}

static void test_compare_with_itself_is_one(void **state)
{
    (void)state;
    char path[160], command[512];
    snprintf(path, sizeof path, "%s/a.jsonl", fx.dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(fx.jsonl, f);
    assert_int_equal(fclose(f), 0);
    snprintf(command, sizeof command, "'%s' compare '%s' '%s'", BENCH, path, path);
    char *out = NULL;
    assert_int_equal(run(command, &out), 0);
    int rows = 0;
    for (char *save = NULL, *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "| workload", 10) == 0 || strncmp(line, "|---", 4) == 0)
            continue;
        size_t len = strlen(line);
        assert_true(len > 8);
        assert_string_equal(line + len - 8, " 1.000 |"); /* the last cell: B/A speed */
        rows++;
    }
    assert_int_equal(rows, WORKLOADS * fx.device_count);
    free(out);
    snprintf(command, sizeof command, "'%s' compare '%s' '%s/missing.jsonl' 2>/dev/null", BENCH, path, fx.dir);
    assert_int_equal(run(command, NULL), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonl_one_row_per_workload_and_device),
        cmocka_unit_test(test_json_is_one_array),
        cmocka_unit_test(test_csv_header_and_rows),
        cmocka_unit_test(test_markdown_table_by_default),
        cmocka_unit_test(test_usage_errors_exit_2),
        cmocka_unit_test(test_compare_with_itself_is_one),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
