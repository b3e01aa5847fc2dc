/* Result rows read back from a JSON or JSON lines file (for `lstmcorr-bench compare`). */
#ifndef LSTMCORR_BENCH_RESULTS_H
#define LSTMCORR_BENCH_RESULTS_H

#include <stddef.h>

typedef struct bench_result {
    char workload[32];
    char device[32];
    char params[512];            /* the params object's text as written */
    double median_s;
    double per_s;                /* -1 when null */
} bench_result;

typedef struct bench_results {
    bench_result *rows;
    size_t count, capacity;
} bench_results;

/* 0 on success; else -1 with "FILE:LINE: reason" in error. */
int bench_results_read(const char *path, bench_results *out, char *error, size_t error_size);
void bench_results_free(bench_results *list);

#endif
