/* The command line of lstmcorr-bench: defaults, parsing and --help. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "network.h"

void bench_options_help(FILE *out)
{
    fprintf(out,
            "usage: lstmcorr-bench [options]\n"
            "       lstmcorr-bench compare A.jsonl B.jsonl\n\n"
            "Times the engine's workloads on every available device (or those named) and prints one\n"
            "Markdown table row per workload case and device on stdout. Workloads (README.md):\n"
            "  embed     one lstm_forward call over N sequences (sequences/s, GFLOP/s)\n"
            "  train     one siamese SGD step on P pairs (pairs/s, GFLOP/s)\n"
            "  distance  tiled N x N cosine distances of D-vectors (GFLOP/s, fraction of GEMM)\n"
            "  dbscan    neighbour graph + DBSCAN of N blob vectors (vectors/s)\n"
            "  fold      one fold of `lstmcorr evaluate` (seed preset, 1 epoch; seconds)\n\n"
            "options:\n"
            "  --device LIST       e.g. cpu:0,opencl:0 (default: every available device)\n"
            "  --workload LIST     e.g. embed,train (default: all)\n"
            "  -o, --output FMT    md (default), csv, json (one array), jsonl (one object a line)\n"
            "  --min-time S        time each case's repetitions for at least S seconds (default 1)\n"
            "  --min-reps N        and at least N repetitions (default 3)\n"
            "  --max-time S        but stop a case's repetitions after S seconds (default 20; >= 1 rep)\n"
            "  --quick             min-time 0.25, min-reps 2, distance without N = 100000\n"
            "  --seed N            seed of every generated input (default 42)\n"
            "  --lstm FORM         standard (default), peephole, lasagne-0.1 (embed, train)\n"
            "  --hidden LIST       LSTM sizes, one case each, e.g. 10,64,128,256 (default 64)\n"
            "  --n N               every workload's size set to N (smoke tests)\n"
            "  --embed-n N         sequences of embed and train (default 4096)\n"
            "  --train-pairs P     pairs of the train step (default 1024)\n"
            "  --distance-n LIST   default 10000,100000\n"
            "  --distance-d LIST   default 10,64\n"
            "  --tile-mb M         distance row tile size in MiB (default 128)\n"
            "  --dbscan-n N        default 20000 (D 64, 50 blobs, 10%% noise)\n"
            "  --eps X             DBSCAN eps (default 0.05)\n"
            "  --min-samples N     DBSCAN min_samples (default 10)\n"
            "  --data FILE         fold data (default ../shared/data/ait/wardbeck.csv; skipped if absent)\n"
            "  --list-devices      print the available device names and exit\n"
            "  -h, --help          this text\n\n"
            "Exit status: 0 success, 1 a case failed, 2 bad usage. Progress goes to stderr when it is a\n"
            "terminal; stdout holds only the table.\n");
}

static int usage(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "lstmcorr-bench: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, " (see --help)\n");
    return BENCH_EXIT_USAGE;
}

static int parse_integer(const char *option, const char *text, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno || v < lo || v > hi) {
        char range[64];
        snprintf(range, sizeof range, "an integer from %lld to %lld", lo, hi);
        return usage("%s needs %s", option, range);
    }
    *out = v;
    return 0;
}

static int parse_real(const char *option, const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno || !isfinite(v) || v < lo || v > hi) {
        char range[64];
        snprintf(range, sizeof range, "a number from %g to %g", lo, hi);
        return usage("%s needs %s", option, range);
    }
    *out = v;
    return 0;
}

/* "a,b,c" of integers in [lo, hi] into values; count set. */
static int parse_int_list(const char *option, const char *text, long long lo, long long hi, int64_t *values,
                          int *count)
{
    char copy[256];
    if (strlen(text) >= sizeof copy || text[0] == '\0')
        return usage("%s: bad list '%s'", option, text);
    snprintf(copy, sizeof copy, "%s", text);
    *count = 0;
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        long long v;
        if (*count >= BENCH_MAX_LIST)
            return usage("%s: at most 8 values in '%s'", option, text);
        if (parse_integer(option, item, lo, hi, &v) != 0)
            return BENCH_EXIT_USAGE;
        values[(*count)++] = v;
    }
    return *count ? 0 : usage("%s: bad list '%s'", option, text);
}

static const char *const workload_names[] = {"embed", "train", "distance", "dbscan", "fold"};

static int check_workloads(const char *text)
{
    char copy[256];
    if (strlen(text) >= sizeof copy || text[0] == '\0')
        return usage("--workload: bad list '%s'%s", text, "");
    snprintf(copy, sizeof copy, "%s", text);
    for (char *save = NULL, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        int known = 0;
        for (size_t k = 0; k < sizeof workload_names / sizeof workload_names[0]; k++)
            known |= strcmp(item, workload_names[k]) == 0;
        if (!known)
            return usage("unknown workload '%s' (embed, train, distance, dbscan, fold)%s", item, "");
    }
    return 0;
}

static void set_defaults(bench_config *c)
{
    memset(c, 0, sizeof *c);
    c->format = BENCH_MARKDOWN;
    c->min_time = 1.0;
    c->min_reps = 3;
    c->max_time = 20.0;
    c->seed = 42;
    c->form = LC_LSTM_STANDARD;
    c->hidden[0] = 64;
    c->hidden_count = 1;
    c->embed_n = 4096;
    c->len_min = 100;
    c->len_max = 200;
    c->train_pairs = 1024;
    c->distance_n[0] = 10000;
    c->distance_n[1] = 100000;
    c->distance_n_count = 2;
    c->distance_d[0] = 10;
    c->distance_d[1] = 64;
    c->distance_d_count = 2;
    c->tile_bytes = (size_t)128 << 20;
    c->dbscan_n = 20000;
    c->dbscan_d = 64;
    c->dbscan_blobs = 50;
    c->dbscan_eps = 0.05;
    c->dbscan_min_samples = 10;
}

/* Returns -1 to go on, else the exit code (0 after --help). */
int bench_options_parse(int argc, char **argv, bench_config *c)
{
    set_defaults(c);
    int set_min_time = 0, set_min_reps = 0, set_distance_n = 0;
    long long n_all = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            bench_options_help(stdout);
            return BENCH_EXIT_OK;
        }
        if (strcmp(a, "--quick") == 0) {
            c->quick = 1;
            continue;
        }
        if (strcmp(a, "--list-devices") == 0) {
            c->list_devices = 1;
            continue;
        }
        if (i + 1 >= argc)
            return usage("unknown option '%s'%s", a, " (or it needs a value)");
        const char *v = argv[++i];
        long long n;
        int64_t list[BENCH_MAX_LIST];
        int count;
        if (strcmp(a, "--device") == 0)
            c->devices = v;
        else if (strcmp(a, "--workload") == 0) {
            if (check_workloads(v) != 0)
                return BENCH_EXIT_USAGE;
            c->workloads = v;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (strcmp(v, "md") == 0 || strcmp(v, "markdown") == 0)
                c->format = BENCH_MARKDOWN;
            else if (strcmp(v, "csv") == 0)
                c->format = BENCH_CSV;
            else if (strcmp(v, "json") == 0)
                c->format = BENCH_JSON;
            else if (strcmp(v, "jsonl") == 0)
                c->format = BENCH_JSONL;
            else
                return usage("unknown output format '%s'%s (md, csv, json, jsonl)", v, "");
        } else if (strcmp(a, "--min-time") == 0) {
            if (parse_real(a, v, 0, 3600, &c->min_time) != 0)
                return BENCH_EXIT_USAGE;
            set_min_time = 1;
        } else if (strcmp(a, "--max-time") == 0) {
            if (parse_real(a, v, 0, 86400, &c->max_time) != 0)
                return BENCH_EXIT_USAGE;
        } else if (strcmp(a, "--min-reps") == 0) {
            if (parse_integer(a, v, 1, 100000, &n) != 0)
                return BENCH_EXIT_USAGE;
            c->min_reps = (int)n;
            set_min_reps = 1;
        } else if (strcmp(a, "--seed") == 0) {
            if (parse_integer(a, v, 0, INT64_MAX, &n) != 0)
                return BENCH_EXIT_USAGE;
            c->seed = (uint64_t)n;
        } else if (strcmp(a, "--lstm") == 0) {
            if (lc_lstm_form_parse(v, &c->form) != LC_OK)
                return usage("unknown --lstm '%s'%s (standard, peephole, lasagne-0.1)", v, "");
        } else if (strcmp(a, "--hidden") == 0) {
            if (parse_int_list(a, v, 1, 4096, list, &count) != 0)
                return BENCH_EXIT_USAGE;
            for (int k = 0; k < count; k++)
                c->hidden[k] = (int)list[k];
            c->hidden_count = count;
        } else if (strcmp(a, "--n") == 0) {
            if (parse_integer(a, v, 2, 1000000, &n_all) != 0)
                return BENCH_EXIT_USAGE;
        } else if (strcmp(a, "--embed-n") == 0) {
            if (parse_integer(a, v, 1, 10000000, &n) != 0)
                return BENCH_EXIT_USAGE;
            c->embed_n = n;
        } else if (strcmp(a, "--train-pairs") == 0) {
            if (parse_integer(a, v, 1, 100000000, &n) != 0)
                return BENCH_EXIT_USAGE;
            c->train_pairs = n;
        } else if (strcmp(a, "--distance-n") == 0) {
            if (parse_int_list(a, v, 1, 1000000, c->distance_n, &c->distance_n_count) != 0)
                return BENCH_EXIT_USAGE;
            set_distance_n = 1;
        } else if (strcmp(a, "--distance-d") == 0) {
            if (parse_int_list(a, v, 1, 4096, list, &count) != 0)
                return BENCH_EXIT_USAGE;
            for (int k = 0; k < count; k++)
                c->distance_d[k] = (int)list[k];
            c->distance_d_count = count;
        } else if (strcmp(a, "--tile-mb") == 0) {
            if (parse_integer(a, v, 1, 16384, &n) != 0)
                return BENCH_EXIT_USAGE;
            c->tile_bytes = (size_t)n << 20;
        } else if (strcmp(a, "--dbscan-n") == 0) {
            if (parse_integer(a, v, 2, 10000000, &n) != 0)
                return BENCH_EXIT_USAGE;
            c->dbscan_n = n;
        } else if (strcmp(a, "--eps") == 0) {
            if (parse_real(a, v, 0, 2, &c->dbscan_eps) != 0)
                return BENCH_EXIT_USAGE;
        } else if (strcmp(a, "--min-samples") == 0) {
            if (parse_integer(a, v, 1, 1000000, &n) != 0)
                return BENCH_EXIT_USAGE;
            c->dbscan_min_samples = (int)n;
        } else if (strcmp(a, "--data") == 0)
            c->data_path = v;
        else
            return usage("unknown option '%s'%s", a, "");
    }
    if (n_all) {
        c->embed_n = c->train_pairs = c->dbscan_n = n_all;
        c->distance_n[0] = n_all;
        c->distance_n_count = 1;
    }
    if (c->quick) {
        if (!set_min_time)
            c->min_time = 0.25;
        if (!set_min_reps)
            c->min_reps = 2;
        if (!set_distance_n && !n_all) { /* N = 100000 is the long case */
            c->distance_n[0] = 10000;
            c->distance_n_count = 1;
        }
    }
    return -1;
}
