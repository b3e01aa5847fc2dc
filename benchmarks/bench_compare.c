/* `lstmcorr-bench compare A B`: for each workload case and device in both files, B's speed over
 * A's as a Markdown table: B per_s / A per_s where both have a rate (a distance pass may time a
 * different number of rows each run), else A median_s / B median_s. Above 1, B is faster. */
#include <string.h>

#include "bench.h"
#include "bench_results.h"

static const bench_result *find(const bench_results *list, const bench_result *key)
{
    for (size_t k = 0; k < list->count; k++) {
        const bench_result *r = &list->rows[k];
        if (strcmp(r->workload, key->workload) == 0 && strcmp(r->device, key->device) == 0 &&
            strcmp(r->params, key->params) == 0)
            return r;
    }
    return NULL;
}

static double speed_ratio(const bench_result *a, const bench_result *b)
{
    if (a->per_s > 0 && b->per_s > 0)
        return b->per_s / a->per_s;
    return a->median_s / b->median_s;
}

int bench_compare_main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: lstmcorr-bench compare A.jsonl B.jsonl\n\n"
               "Matches rows by workload, params and device (files from -o jsonl or -o json) and prints\n"
               "B/A speed per row (B per_s / A per_s, or A median_s / B median_s without a rate):\n"
               "above 1, B is faster. Rows found in only one file are listed with '-'.\n");
        return BENCH_EXIT_OK;
    }
    if (argc != 3) {
        fprintf(stderr, "lstmcorr-bench compare: needs two result files (see compare --help)\n");
        return BENCH_EXIT_USAGE;
    }
    bench_results a, b;
    char error[512];
    if (bench_results_read(argv[1], &a, error, sizeof error) != 0) {
        fprintf(stderr, "lstmcorr-bench compare: %s\n", error);
        return BENCH_EXIT_FAILURE;
    }
    if (bench_results_read(argv[2], &b, error, sizeof error) != 0) {
        fprintf(stderr, "lstmcorr-bench compare: %s\n", error);
        bench_results_free(&a);
        return BENCH_EXIT_FAILURE;
    }
    printf("| workload | params | device | A median_s | B median_s | B/A speed |\n"
           "|---|---|---|---:|---:|---:|\n");
    for (size_t k = 0; k < a.count; k++) {
        const bench_result *x = &a.rows[k], *y = find(&b, x);
        printf("| %s | %s | %s | %.4g |", x->workload, x->params, x->device, x->median_s);
        if (y)
            printf(" %.4g | %.3f |\n", y->median_s, speed_ratio(x, y));
        else
            printf(" - | - |\n");
    }
    for (size_t k = 0; k < b.count; k++) {
        const bench_result *y = &b.rows[k];
        if (find(&a, y) == NULL)
            printf("| %s | %s | %s | - | %.4g | - |\n", y->workload, y->params, y->device, y->median_s);
    }
    bench_results_free(&a);
    bench_results_free(&b);
    return BENCH_EXIT_OK;
}
