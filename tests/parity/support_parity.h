/*
 * The parity harness: runs a table of op cases in float32 on a device and compares each output
 * with the float64 reference (backends/reference) on the same float inputs.
 *
 * Tolerances (eps = FLT_EPSILON = 1.19e-7; L(n) = ceil(log2(n + 2)); T = longest sequence):
 *
 *   check, in order          rule
 *   guards                   every element outside what the op may write (tail guard after each
 *                            buffer, gemm/distance gaps between rows, an ignored dpeep, inputs)
 *                            keeps its exact initial bits (sentinel 0x7FC5A5A5 = a quiet NaN)
 *   NaN/Inf agreement        isnan and isinf (with sign) equal element by element
 *   NMSE                     sum (d - r)^2 / sum r^2 <= 1e-7  (ggml's float32 bound)
 *   element                  |d - r| <= atol + rtol |r|,  atol = max(atol_abs, rtol * rms(r))
 *
 *   op                       rtol                                atol_abs
 *   gather                   0 (an exact copy)                   0
 *   scatter_add              4 eps L(count)                      0
 *   gemm                     8 eps L(k)                          0
 *   cosine_pairs             8 eps L(width)                      8 eps L(width)
 *   cosine_pairs_backward    16 eps L(width * pairs)             0
 *   sigmoid_bce              8 eps L(count)                      0
 *   l2_normalize             8 eps L(width)                      0
 *   cosine_distance_tile     8 eps L(width)                      8 eps L(width)
 *   sgd                      2 eps                               0
 *   adam                     16 eps                              0
 *   lstm_forward             8 eps L(H T) sqrt(T)                0
 *   lstm_backward            16 eps L(4H total) sqrt(T)          0
 *   (8 = PARITY_LSTM_FACTOR; T = 1 for an all-empty batch)
 *
 * benchdnn's recurrence bound is about 4 eps L(accumulation x T); ours also grows with sqrt(T),
 * since each step's float32 rounding is carried on through the cell state like a random walk.
 * Measured on the CPU backend (LSTMCORR_PARITY_VERBOSE=1 prints error / allowed per output):
 * over seeds 1-6 the worst LSTM output used 1/20 of its bound (T = 1 to 40), gemm 1/6.
 * The recurrent weights are N(0, 0.1) as in the prototype: with 0.3 the H = 64, T = 40 layer is
 * chaotic and float32 rounding alone grows past any fixed bound, whatever the backend.
 */
#ifndef LSTMCORR_TEST_PARITY_H
#define LSTMCORR_TEST_PARITY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lstmcorr/engine.h"

#define PARITY_NMSE_MAX 1e-7
#define PARITY_LSTM_FACTOR 8.0
#define PARITY_SENTINEL 0x7FC5A5A5u
#define PARITY_GUARD 64 /* elements of sentinel after every buffer */
#define PARITY_DEFAULT_SEED 0x5EED2024ull
#define PARITY_MAX_BATCH 80

typedef struct parity_options {
    uint64_t seed;
    const char *case_filter; /* fnmatch pattern over case names, or NULL for all */
    int verbose;             /* print every case's worst error */
    FILE *log;
} parity_options;

typedef struct parity_summary {
    int cases, passed, failed, skipped;
    int guard_failures; /* failures where a guard or an input was overwritten */
    double worst_ratio; /* max over passed checks of error / allowed, to size the tolerances */
    char worst_case[160];
} parity_summary;

/* The case table. */
typedef struct parity_case {
    char name[112];
    lc_op op;
    union {
        lc_gemm_params gemm;
        lc_gather_params gather;
        struct {
            lc_lstm_form form;
            lc_lstm_input input;
            int32_t batch, hidden, vocab, all_steps, training;
            int32_t use_dh_last, use_dh_all;
            int32_t lengths[PARITY_MAX_BATCH];
        } lstm;
        struct {
            lc_cosine_pairs_params p;
            int32_t zero_row; /* a row set to zero, or -1 */
        } cosine;
        struct {
            lc_sigmoid_bce_params p;
            int32_t with_dz, with_prob;
            float spread; /* standard deviation of z */
        } bce;
        struct {
            lc_l2_normalize_params p;
            int32_t in_place, zero_row;
        } l2;
        struct {
            lc_distance_params p;
            int32_t x_rows, y_rows; /* rows of the stored x and y */
        } distance;
        lc_optimizer_params opt;
    } u;
} parity_case;

/* Builds the table; returns the number of cases (*cases is malloc'ed, NULL on failure). */
int parity_cases(parity_case **cases);

/* Runs every case matching the filter on dev and adds to summary; failures print one line each
 * with a repro. */
void parity_run_device(lc_dev *dev, const parity_options *options, parity_summary *summary);

/* Options from the environment: LSTMCORR_PARITY_SEED, LSTMCORR_PARITY_CASE,
 * LSTMCORR_PARITY_VERBOSE. */
parity_options parity_options_from_env(FILE *log);

/* ---- harness internals shared by the op runners ---------------------------------------------- */

typedef enum parity_outcome { PARITY_PASS, PARITY_FAIL, PARITY_SKIP } parity_outcome;

typedef struct parity_tolerance {
    double rtol, atol_abs;
} parity_tolerance;

typedef enum parity_kind {
    ARRAY_INPUT,  /* must come back unchanged */
    ARRAY_OUTPUT, /* compared with expected where mask says the op writes, unchanged elsewhere */
    ARRAY_OPAQUE  /* workspace: only its guard is checked */
} parity_kind;

typedef struct parity_array {
    char name[32];
    parity_kind kind;
    size_t count;          /* 4-byte elements before the guard */
    uint32_t *initial;     /* initial bits, count */
    double *expected;      /* OUTPUT: count values, expected[k] meaningful where mask[k] */
    unsigned char *mask;   /* OUTPUT: 1 where the op writes; NULL means everywhere */
    parity_tolerance tol;
    lc_buffer *buf;
} parity_array;

#define PARITY_MAX_ARRAYS 24

typedef struct parity_run {
    lc_dev *dev;
    const parity_case *c;
    const parity_options *options;
    parity_summary *summary;
    parity_array arrays[PARITY_MAX_ARRAYS];
    int count;
    int failed;       /* a check failed (message printed) */
    int setup_failed; /* the harness itself could not allocate */
    uint64_t stream;  /* counter-RNG stream of this case */
} parity_run;

/* Float inputs: values from the counter RNG (normal * scale), rounded to float. */
float parity_normal(parity_run *run, const char *array, size_t index, double scale);
/* An input array of floats (host copy kept), or of int32. Returns the device buffer. */
lc_buffer *parity_input_f32(parity_run *run, const char *name, const float *host, size_t count);
lc_buffer *parity_input_i32(parity_run *run, const char *name, const int32_t *host, size_t count);
/* An output array: initial content `initial` (NULL: all sentinel), expected values and mask
 * filled by the caller before parity_check (through the returned array). */
parity_array *parity_output(parity_run *run, const char *name, const float *initial, size_t count,
                            parity_tolerance tol);
/* A workspace of `bytes` (rounded up to 4), guard checked only; never NULL, even for 0 bytes. */
lc_buffer *parity_opaque(parity_run *run, const char *name, size_t bytes);
/* After the ops: download everything and check. Prints failures. */
void parity_check(parity_run *run);
/* Reports a failing device call (with its message) and marks the run failed. */
void parity_call_failed(parity_run *run, const char *what, lc_status status);
/* 1 when the device supports op with params; else prints the skip reason and returns 0. */
int parity_supported(parity_run *run, lc_op op, const void *params);
/* Initial bits as doubles (the reference's starting values), count values into out. */
void parity_initial_doubles(const parity_array *array, double *out);

/* Per-op runners (support_parity_ops.c, support_parity_lstm.c): set up arrays, run the device op
 * and the reference, fill expected values. Return PARITY_SKIP when unsupported. */
parity_outcome parity_run_simple_op(parity_run *run);
parity_outcome parity_run_lstm(parity_run *run);

double parity_log2_ceil(double n);

#endif
