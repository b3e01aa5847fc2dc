/*
 * lstmcorr-bench: shared types. A workload expands into cases (one per parameter combination);
 * each case runs on one device: set up, warmed up, repeated until a minimum time and count, and
 * reported as one row. README.md in this folder defines every workload and its FLOP count.
 */
#ifndef LSTMCORR_BENCH_H
#define LSTMCORR_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lstmcorr/engine.h"

#ifndef LSTMCORR_COMMIT
#define LSTMCORR_COMMIT "unknown"
#endif

enum { BENCH_EXIT_OK = 0, BENCH_EXIT_FAILURE = 1, BENCH_EXIT_USAGE = 2 };
enum { BENCH_MAX_LIST = 8, BENCH_MAX_PARAMS = 8, BENCH_MAX_EXTRAS = 4 };

typedef enum bench_format { BENCH_MARKDOWN, BENCH_CSV, BENCH_JSON, BENCH_JSONL } bench_format;

/* Everything the command line sets. */
typedef struct bench_config {
    const char *devices;         /* "cpu:0,opencl:0" or NULL for every available device */
    const char *workloads;       /* "embed,train" or NULL for all */
    bench_format format;
    double min_time;             /* seconds of timed repetitions at least */
    int min_reps;
    double max_time;             /* stop repeating a case past this, even below min_reps */
    int quick;
    int list_devices;
    uint64_t seed;
    lc_lstm_form form;
    int hidden[BENCH_MAX_LIST], hidden_count;
    int64_t embed_n;             /* sequences */
    int len_min, len_max;        /* sequence lengths, uniform */
    int64_t train_pairs;
    int64_t distance_n[BENCH_MAX_LIST];
    int distance_n_count;
    int distance_d[BENCH_MAX_LIST], distance_d_count;
    size_t tile_bytes;           /* distance row tile */
    int64_t dbscan_n;
    int dbscan_d, dbscan_blobs;
    double dbscan_eps;
    int dbscan_min_samples;
    const char *data_path;       /* fold; NULL: the default file, looked up */
} bench_config;

/* One key = value parameter of a case; numbers are printed bare in JSON. */
typedef struct bench_param {
    char key[24];
    char value[48];
    int is_number;
} bench_param;

typedef struct bench_extra {
    char key[24];
    double value;
} bench_extra;

/* What a case's setup tells the harness. */
typedef struct bench_case {
    bench_param params[BENCH_MAX_PARAMS];
    int param_count;
    double items;                /* sequences, pairs or vectors per repetition (0: none) */
    double flops;                /* per repetition (0: not counted) */
    char note[160];              /* shown in the Markdown table */
    bench_extra extras[BENCH_MAX_EXTRAS]; /* extra figures, e.g. the GEMM rate of distance */
    int extra_count;
} bench_case;

void bench_case_param_int(bench_case *c, const char *key, int64_t value);
void bench_case_param_text(bench_case *c, const char *key, const char *value);
void bench_case_param_double(bench_case *c, const char *key, double value);
void bench_case_extra(bench_case *c, const char *key, double value);

/* Timing of one repeated call. */
typedef struct bench_stats {
    int reps;
    double first_call_s;         /* the warm-up call, kept out of the others */
    double min_s, median_s, max_s;
} bench_stats;

typedef lc_status (*bench_call)(void *state);

/* Warm up with `warmup` (or `run` when NULL), then repeat `run` as the config says. */
lc_status bench_time(const bench_config *config, bench_call warmup, bench_call run, void *state,
                     const char *label, bench_stats *out);
double bench_now(void);

/* A workload. setup fills the case and returns its state; after_timing may time more (e.g. the
 * reference GEMM of distance) and add extras. */
typedef struct bench_workload {
    const char *name;
    int (*case_count)(const bench_config *config);
    /* LC_ERR_UNSUPPORTED with a message means "skip this case with a note". */
    lc_status (*setup)(const bench_config *config, int index, lc_dev *dev, bench_case *c, void **state);
    bench_call warmup;           /* NULL: one full repetition */
    bench_call run;              /* one repetition, finished on the device when it returns */
    lc_status (*after_timing)(const bench_config *config, void *state, const bench_stats *stats,
                              bench_case *c);
    void (*teardown)(void *state);
} bench_workload;

extern const bench_workload bench_workload_embed;
extern const bench_workload bench_workload_train;
extern const bench_workload bench_workload_distance;
extern const bench_workload bench_workload_dbscan;
extern const bench_workload bench_workload_fold;

/* One finished row. */
typedef struct bench_row {
    const char *workload;
    bench_case c;
    bench_stats stats;
    char device[32], backend[32];
    lc_device_info info;
    char plugin_version[64];
    int threads;
} bench_row;

/* Output of rows in the chosen format; nothing else goes to stdout. */
void bench_output_begin(FILE *out, bench_format format);
void bench_output_row(FILE *out, bench_format format, const bench_row *row, int index);
void bench_output_end(FILE *out, bench_format format);
void bench_json_string(FILE *out, const char *s);

/* Command line: parse into config (exit code on bad usage, -1 when the run should go on). */
int bench_options_parse(int argc, char **argv, bench_config *config);
void bench_options_help(FILE *out);

/* `lstmcorr-bench compare A.jsonl B.jsonl` */
int bench_compare_main(int argc, char **argv);

/* Progress on stderr when it is a terminal. */
void bench_progress(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
void bench_progress_clear(void);

/* Seeded synthetic inputs shared by embed and train: n texts of printable ASCII. */
typedef struct bench_texts {
    int64_t count;
    char **texts;
    size_t *lengths;
    int64_t total;               /* characters in all */
} bench_texts;
lc_status bench_texts_make(int64_t count, int len_min, int len_max, uint64_t seed, bench_texts *out);
void bench_texts_free(bench_texts *t);
/* n x dim normal floats (seeded), host memory. */
float *bench_normal_matrix(int64_t n, int64_t dim, uint64_t seed);

/* FLOPs of the LSTM per (sequence, step); README.md explains each term. */
double bench_lstm_forward_flops(int hidden, lc_lstm_form form);
double bench_lstm_backward_flops(int hidden, lc_lstm_form form);

#endif
