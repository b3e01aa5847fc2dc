/* The parity harness: guarded device arrays, the comparison rules, and the per-device loop. */
#define _POSIX_C_SOURCE 200809L
#include "support_parity.h"

#include <float.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ref_random.h"

double parity_log2_ceil(double n)
{
    return ceil(log2(n + 2.0));
}

static float bits_to_float(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

float parity_normal(parity_run *run, const char *array, size_t index, double scale)
{
    uint64_t stream = run->stream ^ lc_ref_random_stream(array, 0);
    return (float)(scale * lc_ref_random_normal(run->options->seed, stream, index));
}

static void report_failure(parity_run *run, const char *fmt, const char *detail)
{
    const parity_options *o = run->options;
    fprintf(o->log, "FAIL %s %s: %s%s\n  repro: LSTMCORR_PARITY_DEVICES=%s LSTMCORR_PARITY_CASE='%s' "
            "LSTMCORR_PARITY_SEED=%" PRIu64 " ./test_parity\n",
            run->dev->name, run->c->name, fmt, detail, run->dev->name, run->c->name, o->seed);
    run->failed = 1;
}

void parity_call_failed(parity_run *run, const char *what, lc_status status)
{
    char detail[400];
    snprintf(detail, sizeof detail, "%s returned %s: %s", what, lc_status_name(status),
             run->dev->api->last_error());
    report_failure(run, "", detail);
}

int parity_supported(parity_run *run, lc_op op, const void *params)
{
    if (run->dev->api->supports(run->dev->handle, op, params))
        return 1;
    if (run->options->verbose)
        fprintf(run->options->log, "skip %s %s: %s\n", run->dev->name, run->c->name,
                run->dev->api->last_error());
    return 0;
}

/* A new array with a device buffer of count + guard elements holding `initial` then sentinel. */
static parity_array *add_array(parity_run *run, const char *name, parity_kind kind,
                               const void *initial, size_t count)
{
    if (run->setup_failed || run->count >= PARITY_MAX_ARRAYS) {
        run->setup_failed = 1;
        return NULL;
    }
    parity_array *a = &run->arrays[run->count];
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", name);
    a->kind = kind;
    a->count = count;
    size_t total = count + PARITY_GUARD;
    uint32_t *staging = malloc(total * sizeof(uint32_t));
    a->initial = malloc((count + 1) * sizeof(uint32_t));
    if (!staging || !a->initial) {
        free(staging);
        free(a->initial);
        run->setup_failed = 1;
        return NULL;
    }
    for (size_t k = 0; k < total; k++)
        staging[k] = PARITY_SENTINEL;
    if (initial && count)
        memcpy(staging, initial, count * sizeof(uint32_t));
    memcpy(a->initial, staging, count * sizeof(uint32_t));
    const lc_backend_iface *api = run->dev->api;
    lc_status status = api->buffer_alloc(run->dev->handle, total * sizeof(uint32_t), &a->buf);
    if (status == LC_OK)
        status = api->buffer_upload(run->dev->handle, a->buf, 0, staging, total * sizeof(uint32_t));
    free(staging);
    run->count++;
    if (status != LC_OK) {
        parity_call_failed(run, "buffer_alloc/upload", status);
        run->setup_failed = 1;
        return NULL;
    }
    return a;
}

lc_buffer *parity_input_f32(parity_run *run, const char *name, const float *host, size_t count)
{
    parity_array *a = add_array(run, name, ARRAY_INPUT, host, count);
    return a ? a->buf : NULL;
}

lc_buffer *parity_input_i32(parity_run *run, const char *name, const int32_t *host, size_t count)
{
    parity_array *a = add_array(run, name, ARRAY_INPUT, host, count);
    return a ? a->buf : NULL;
}

parity_array *parity_output(parity_run *run, const char *name, const float *initial, size_t count,
                            parity_tolerance tol)
{
    parity_array *a = add_array(run, name, ARRAY_OUTPUT, initial, count);
    if (!a)
        return NULL;
    a->tol = tol;
    a->expected = malloc((count + 1) * sizeof(double));
    if (!a->expected) {
        run->setup_failed = 1;
        return NULL;
    }
    parity_initial_doubles(a, a->expected);
    return a;
}

lc_buffer *parity_opaque(parity_run *run, const char *name, size_t bytes)
{
    parity_array *a = add_array(run, name, ARRAY_OPAQUE, NULL, (bytes + 3) / 4);
    return a ? a->buf : NULL;
}

void parity_initial_doubles(const parity_array *array, double *out)
{
    for (size_t k = 0; k < array->count; k++)
        out[k] = (double)bits_to_float(array->initial[k]);
}

/* Is d where the reference says r may be? Both non-finite classes must agree. */
static int finite_class_differs(float d, double r)
{
    if (isnan(d) != isnan(r))
        return 1;
    if (isinf(d) || isinf(r))
        return !(isinf(d) && isinf(r) && signbit(d) == signbit(r));
    return 0;
}

static void check_output(parity_run *run, const parity_array *a, const uint32_t *got)
{
    char detail[320];
    double sum_sq_ref = 0.0, sum_sq_err = 0.0;
    size_t compared = 0;
    for (size_t k = 0; k < a->count; k++) {
        if (a->mask && !a->mask[k])
            continue;
        float d = bits_to_float(got[k]);
        double r = a->expected[k];
        if (finite_class_differs(d, r)) {
            snprintf(detail, sizeof detail, "%s[%zu] = %g, reference %g (NaN/Inf disagree)",
                     a->name, k, (double)d, r);
            report_failure(run, "", detail);
            return;
        }
        if (isfinite(r)) {
            sum_sq_ref += r * r;
            sum_sq_err += ((double)d - r) * ((double)d - r);
            compared++;
        }
    }
    double rms = compared ? sqrt(sum_sq_ref / (double)compared) : 0.0;
    double nmse = sum_sq_ref > 0.0 ? sum_sq_err / sum_sq_ref : sum_sq_err;
    if (!(nmse <= PARITY_NMSE_MAX)) {
        snprintf(detail, sizeof detail, "%s: NMSE %.3g > %.1g", a->name, nmse, PARITY_NMSE_MAX);
        report_failure(run, "", detail);
        return;
    }
    double atol = fmax(a->tol.atol_abs, a->tol.rtol * rms);
    double worst = 0.0;
    for (size_t k = 0; k < a->count; k++) {
        if (a->mask && !a->mask[k])
            continue;
        double d = (double)bits_to_float(got[k]), r = a->expected[k];
        if (!isfinite(r))
            continue;
        double allowed = atol + a->tol.rtol * fabs(r);
        double error = fabs(d - r);
        double ratio = allowed > 0.0 ? error / allowed : (error > 0.0 ? INFINITY : 0.0);
        if (ratio > 1.0) {
            snprintf(detail, sizeof detail,
                     "%s[%zu] = %.9g, reference %.9g: |error| %.3g > %.3g (rtol %.3g, atol %.3g)",
                     a->name, k, d, r, error, allowed, a->tol.rtol, atol);
            report_failure(run, "", detail);
            return;
        }
        if (ratio > worst)
            worst = ratio;
    }
    if (run->options->verbose)
        fprintf(run->options->log, "  %s %s %s: NMSE %.3g, worst error/allowed %.3g\n",
                run->dev->name, run->c->name, a->name, nmse, worst);
    if (worst > run->summary->worst_ratio) {
        run->summary->worst_ratio = worst;
        snprintf(run->summary->worst_case, sizeof run->summary->worst_case, "%s %s", run->c->name,
                 a->name);
    }
}

/* Elements the op must not touch: guards, unmasked output elements, inputs. */
static int check_untouched(parity_run *run, const parity_array *a, const uint32_t *got)
{
    char detail[240];
    for (size_t k = 0; k < a->count + PARITY_GUARD; k++) {
        int in_guard = k >= a->count;
        int must_keep = in_guard || a->kind == ARRAY_INPUT ||
                        (a->kind == ARRAY_OUTPUT && a->mask && !a->mask[k]);
        if (!must_keep)
            continue;
        uint32_t want = in_guard ? PARITY_SENTINEL : a->initial[k];
        if (got[k] != want) {
            snprintf(detail, sizeof detail, "%s[%zu] %s overwritten (0x%08" PRIx32 ", was 0x%08" PRIx32
                     ")", a->name, k, in_guard ? "guard (past the end)" :
                     a->kind == ARRAY_INPUT ? "input" : "element outside the op", got[k], want);
            report_failure(run, "", detail);
            run->summary->guard_failures++;
            return 0;
        }
    }
    return 1;
}

void parity_check(parity_run *run)
{
    if (run->setup_failed || run->failed)
        return;
    const lc_backend_iface *api = run->dev->api;
    lc_status status = api->synchronize(run->dev->handle);
    if (status != LC_OK) {
        parity_call_failed(run, "synchronize", status);
        return;
    }
    for (int i = 0; i < run->count && !run->failed; i++) {
        parity_array *a = &run->arrays[i];
        size_t total = a->count + PARITY_GUARD;
        uint32_t *got = malloc(total * sizeof(uint32_t));
        if (!got) {
            run->setup_failed = 1;
            return;
        }
        status = api->buffer_download(run->dev->handle, a->buf, 0, got, total * sizeof(uint32_t));
        if (status != LC_OK)
            parity_call_failed(run, "buffer_download", status);
        else if (check_untouched(run, a, got) && a->kind == ARRAY_OUTPUT)
            check_output(run, a, got);
        free(got);
    }
}

static void run_free(parity_run *run)
{
    for (int i = 0; i < run->count; i++) {
        parity_array *a = &run->arrays[i];
        if (a->buf)
            run->dev->api->buffer_free(run->dev->handle, a->buf);
        free(a->initial);
        free(a->expected);
        free(a->mask);
    }
    run->count = 0;
}

void parity_run_device(lc_dev *dev, const parity_options *options, parity_summary *summary)
{
    parity_case *cases = NULL;
    int count = parity_cases(&cases);
    if (!cases) {
        fprintf(options->log, "FAIL %s: cannot build the case table\n", dev->name);
        summary->failed++;
        return;
    }
    for (int i = 0; i < count; i++) {
        if (options->case_filter && fnmatch(options->case_filter, cases[i].name, 0) != 0)
            continue;
        parity_run run = {.dev = dev, .c = &cases[i], .options = options, .summary = summary};
        run.stream = lc_ref_random_stream(cases[i].name, 0);
        parity_outcome outcome = cases[i].op == LC_OP_LSTM_FORWARD ? parity_run_lstm(&run)
                                                                   : parity_run_simple_op(&run);
        if (outcome != PARITY_SKIP)
            parity_check(&run);
        if (run.setup_failed && !run.failed) {
            fprintf(options->log, "FAIL %s %s: the harness could not set up the case\n", dev->name,
                    cases[i].name);
            run.failed = 1;
        }
        summary->cases++;
        if (outcome == PARITY_SKIP && !run.failed)
            summary->skipped++;
        else if (run.failed)
            summary->failed++;
        else
            summary->passed++;
        run_free(&run);
    }
    free(cases);
}

parity_options parity_options_from_env(FILE *log)
{
    parity_options o = {.seed = PARITY_DEFAULT_SEED, .log = log};
    const char *seed = getenv("LSTMCORR_PARITY_SEED");
    if (seed && seed[0])
        o.seed = strtoull(seed, NULL, 0);
    const char *filter = getenv("LSTMCORR_PARITY_CASE");
    if (filter && filter[0])
        o.case_filter = filter;
    const char *verbose = getenv("LSTMCORR_PARITY_VERBOSE");
    o.verbose = verbose && verbose[0] && strcmp(verbose, "0") != 0;
    return o;
}
