/* The repetition loop: a warm-up call timed apart, then repetitions until both the minimum time
 * and the minimum count are reached (or the case's time cap runs out), reported as min/median/max. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <time.h>

#include "bench.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

lc_status bench_time(const bench_config *config, bench_call warmup, bench_call run, void *state,
                     const char *label, bench_stats *out)
{
    *out = (bench_stats){0};
    bench_progress("%s: warm-up", label);
    double start = bench_now();
    LC_TRY((warmup ? warmup : run)(state));
    out->first_call_s = bench_now() - start;

    int capacity = 64, reps = 0;
    double *times = malloc((size_t)capacity * sizeof *times);
    if (times == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory timing %s", label);
    double spent = 0;
    lc_status status = LC_OK;
    for (;;) {
        int enough = spent >= config->min_time && reps >= config->min_reps;
        int capped = reps >= 1 && spent >= config->max_time;
        if (enough || capped)
            break;
        if (reps == capacity) {
            double *grown = realloc(times, 2 * (size_t)capacity * sizeof *times);
            if (grown == NULL) {
                status = lc_fail(LC_ERR_NOMEM, "out of memory timing %s", label);
                break;
            }
            times = grown;
            capacity *= 2;
        }
        bench_progress("%s: rep %d", label, reps + 1);
        double t0 = bench_now();
        status = run(state);
        if (status != LC_OK)
            break;
        times[reps] = bench_now() - t0;
        spent += times[reps++];
    }
    if (status == LC_OK) {
        qsort(times, (size_t)reps, sizeof *times, by_value);
        out->reps = reps;
        out->min_s = times[0];
        out->max_s = times[reps - 1];
        out->median_s = reps % 2 ? times[reps / 2] : 0.5 * (times[reps / 2 - 1] + times[reps / 2]);
    }
    free(times);
    return status;
}
