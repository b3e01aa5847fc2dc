/* lstmcorr-bench: run the selected workloads on the selected devices and print one row per case
 * and device; `compare` sets two result files side by side. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const bench_workload *const all_workloads[] = {
    &bench_workload_embed, &bench_workload_train, &bench_workload_distance, &bench_workload_dbscan,
    &bench_workload_fold,
};
enum { WORKLOAD_COUNT = sizeof all_workloads / sizeof all_workloads[0], MAX_DEVICES = 16 };

static int in_list(const char *list, const char *name)
{
    if (list == NULL)
        return 1;
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t item = end ? (size_t)(end - p) : strlen(p);
        if (item == len && strncmp(p, name, len) == 0)
            return 1;
        p += item + (end != NULL);
    }
    return 0;
}

/* "cpu:0 opencl:0 ..." of every usable backend, or the names of --device. */
static int device_names(lc_engine *engine, const char *list, char names[][32], int max)
{
    int count = 0;
    if (list) {
        for (const char *p = list; *p && count < max;) {
            const char *end = strchr(p, ',');
            size_t item = end ? (size_t)(end - p) : strlen(p);
            if (item > 0 && item < 32) {
                memcpy(names[count], p, item);
                names[count++][item] = '\0';
            }
            p += item + (end != NULL);
        }
        return count;
    }
    for (int b = 0; b < lc_engine_backend_count(engine); b++) {
        const lc_backend_report *r = lc_engine_backend_report(engine, b);
        for (int d = 0; r->usable && d < r->device_count && count < max; d++) {
            lc_device_info info;
            /* Reference devices (cpu:1) are exact but slow: timed only when named. */
            if (lc_engine_device_info(engine, b, d, &info) == LC_OK && (info.flags & LC_DEVICE_FLAG_REFERENCE))
                continue;
            snprintf(names[count++], 32, "%s:%d", r->name, d);
        }
    }
    return count;
}

static int thread_count(const lc_dev *dev)
{
    const char *env = getenv("LSTMCORR_THREADS");
    if (strcmp(dev->api->name, "cpu") == 0 && env && atoi(env) > 0)
        return atoi(env);
    return (int)dev->info.compute_units;
}

/* Run one case of one workload on one device; 0 done or skipped, 1 failed. */
static int run_case(const bench_config *config, const bench_workload *w, int index, lc_dev *dev, int *rows,
                    const char *step)
{
    bench_row row = {.workload = w->name};
    void *state = NULL;
    char label[96];
    snprintf(label, sizeof label, "%s %s %s", step, w->name, dev->name);
    bench_progress("%s: setting up", label);
    lc_status status = w->setup(config, index, dev, &row.c, &state);
    if (status == LC_ERR_UNSUPPORTED || status == LC_ERR_NOT_FOUND) {
        bench_progress_clear();
        fprintf(stderr, "lstmcorr-bench: %s on %s skipped: %s\n", w->name, dev->name, lc_last_error());
        return 0;
    }
    if (status == LC_OK)
        status = bench_time(config, w->warmup, w->run, state, label, &row.stats);
    if (status == LC_OK && w->after_timing)
        status = w->after_timing(config, state, &row.stats, &row.c);
    bench_progress_clear();
    if (status != LC_OK) {
        fprintf(stderr, "lstmcorr-bench: %s on %s failed: %s\n", w->name, dev->name, lc_last_error());
        if (state)
            w->teardown(state);
        return 1;
    }
    snprintf(row.device, sizeof row.device, "%s", dev->name);
    snprintf(row.backend, sizeof row.backend, "%s", dev->api->name);
    snprintf(row.plugin_version, sizeof row.plugin_version, "%s", dev->api->version ? dev->api->version : "");
    row.info = dev->info;
    row.threads = thread_count(dev);
    bench_output_row(stdout, config->format, &row, (*rows)++);
    w->teardown(state);
    return 0;
}

static int run_benchmarks(const bench_config *config)
{
    lc_engine *engine = NULL;
    if (lc_engine_open(NULL, &engine) != LC_OK) {
        fprintf(stderr, "lstmcorr-bench: %s\n", lc_last_error());
        return BENCH_EXIT_FAILURE;
    }
    char names[MAX_DEVICES][32];
    int name_count = device_names(engine, config->devices, names, MAX_DEVICES);
    if (config->list_devices) {
        for (int d = 0; d < name_count; d++)
            printf("%s\n", names[d]);
        lc_engine_close(engine);
        return BENCH_EXIT_OK;
    }
    lc_dev *devices[MAX_DEVICES];
    int device_count = 0, failures = 0;
    for (int d = 0; d < name_count; d++) {
        bench_progress("opening %s", names[d]);
        if (lc_engine_open_device(engine, names[d], &devices[device_count]) == LC_OK)
            device_count++;
        else {
            bench_progress_clear();
            fprintf(stderr, "lstmcorr-bench: cannot open %s: %s\n", names[d], lc_last_error());
            failures++;
        }
    }
    bench_progress_clear();
    if (device_count == 0) {
        fprintf(stderr, "lstmcorr-bench: no device to run on\n");
        lc_engine_close(engine);
        return BENCH_EXIT_FAILURE;
    }
    int total = 0, step = 0, rows = 0;
    for (int w = 0; w < WORKLOAD_COUNT; w++)
        if (in_list(config->workloads, all_workloads[w]->name))
            total += all_workloads[w]->case_count(config) * device_count;
    bench_output_begin(stdout, config->format);
    double started = bench_now();
    for (int w = 0; w < WORKLOAD_COUNT; w++) {
        const bench_workload *workload = all_workloads[w];
        if (!in_list(config->workloads, workload->name))
            continue;
        for (int c = 0; c < workload->case_count(config); c++)
            for (int d = 0; d < device_count; d++) {
                char progress[32];
                snprintf(progress, sizeof progress, "[%d/%d]", ++step, total);
                failures += run_case(config, workload, c, devices[d], &rows, progress);
            }
    }
    bench_output_end(stdout, config->format);
    bench_progress_clear();
    fprintf(stderr, "lstmcorr-bench: %d row%s in %.1f s%s\n", rows, rows == 1 ? "" : "s", bench_now() - started,
            failures ? ", with failures (above)" : "");
    for (int d = 0; d < device_count; d++)
        lc_dev_close(devices[d]);
    lc_engine_close(engine);
    return failures ? BENCH_EXIT_FAILURE : BENCH_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "compare") == 0)
        return bench_compare_main(argc - 1, argv + 1);
    bench_config config;
    int parsed = bench_options_parse(argc, argv, &config);
    if (parsed >= 0)
        return parsed;
    return run_benchmarks(&config);
}
