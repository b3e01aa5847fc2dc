/* fold: one fold of `lstmcorr evaluate` (fold 0, seed preset, 1 epoch) from the frontend library:
 * train on cuts != 0, embed both cuts, cluster over the eps x min_samples grid and score. The data
 * is read once, outside the timing. Without the default data file the workload is skipped. */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "bench.h"
#include "encode.h"
#include "evaluate.h"
#include "train.h"

#define FOLD_DEFAULT_DATA "../shared/data/ait/wardbeck.csv"
#define FOLD_INDEX 0
/* The warm-up runs the same pipeline on this many alerts of each cut: every kernel, little work. */
#define FOLD_WARMUP_ALERTS 64

typedef struct fold_state {
    lc_dev *dev;
    lc_alert_set alerts;
    lc_incident_ids ids;
    const char **texts[2];       /* [0] training, [1] validation */
    size_t *lengths[2];
    int32_t *labels[2];
    int32_t count[2];
    char path[PATH_MAX];
} fold_state;

static int fold_case_count(const bench_config *config)
{
    (void)config;
    return 1;
}

static void fold_teardown(void *opaque)
{
    fold_state *s = opaque;
    if (s == NULL)
        return;
    for (int k = 0; k < 2; k++) {
        free(s->texts[k]);
        free(s->lengths[k]);
        free(s->labels[k]);
    }
    lc_incident_ids_free(&s->ids);
    lc_alert_set_free(&s->alerts);
    free(s);
}

/* The default file relative to the working directory, else to the source tree the program was
 * built in (<repo>/<build>/bin/lstmcorr-bench). */
static int find_default_data(char *out, size_t size)
{
    if (access(FOLD_DEFAULT_DATA, R_OK) == 0) {
        snprintf(out, size, "%s", FOLD_DEFAULT_DATA);
        return 1;
    }
#ifdef LSTMCORR_SOURCE_DIR
    /* The source tree this program was built from: its ../shared beside the checkout. */
    int from_source = snprintf(out, size, "%s/%s", LSTMCORR_SOURCE_DIR, FOLD_DEFAULT_DATA);
    if (from_source > 0 && (size_t)from_source < size && access(out, R_OK) == 0)
        return 1;
#endif
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return 0;
    exe[len] = '\0';
    for (int up = 0; up < 3; up++) { /* bin -> build -> repo */
        char *slash = strrchr(exe, '/');
        if (slash == NULL)
            return 0;
        *slash = '\0';
    }
    int written = snprintf(out, size, "%s/%s", exe, FOLD_DEFAULT_DATA);
    return written > 0 && (size_t)written < size && access(out, R_OK) == 0;
}

static lc_status fold_split(fold_state *s)
{
    size_t n = s->alerts.count;
    for (int k = 0; k < 2; k++) {
        s->texts[k] = malloc((n ? n : 1) * sizeof *s->texts[k]);
        s->lengths[k] = malloc((n ? n : 1) * sizeof *s->lengths[k]);
        s->labels[k] = malloc((n ? n : 1) * sizeof *s->labels[k]);
        if (!s->texts[k] || !s->lengths[k] || !s->labels[k])
            return lc_fail(LC_ERR_NOMEM, "out of memory splitting %zu alerts", n);
    }
    for (size_t i = 0; i < n; i++) {
        const lc_alert *a = &s->alerts.alerts[i];
        if (a->cut == LC_CUT_UNKNOWN)
            return lc_fail(LC_ERR_FORMAT, "%s:%ld: alert has no cut", s->path, a->line);
        int k = a->cut == FOLD_INDEX;
        s->texts[k][s->count[k]] = a->text;
        s->lengths[k][s->count[k]] = a->text_len;
        s->labels[k][s->count[k]++] = s->ids.ids[i];
    }
    if (s->count[0] == 0 || s->count[1] == 0)
        return lc_fail(LC_ERR_FORMAT, "%s: fold %d needs alerts in cut %d and in the other cuts", s->path,
                       FOLD_INDEX, FOLD_INDEX);
    return LC_OK;
}

static lc_status fold_setup(const bench_config *config, int index, lc_dev *dev, bench_case *c, void **out)
{
    (void)index;
    fold_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory");
    s->dev = dev;
    if (config->data_path)
        snprintf(s->path, sizeof s->path, "%s", config->data_path);
    else if (!find_default_data(s->path, sizeof s->path)) {
        fold_teardown(s);
        return lc_fail(LC_ERR_NOT_FOUND, "%s not found (give --data FILE)", FOLD_DEFAULT_DATA);
    }
    lc_status status = lc_alerts_read_path(s->path, NULL, &s->alerts);
    if (status == LC_OK)
        status = lc_incident_ids_build(&s->alerts, &s->ids);
    if (status == LC_OK)
        status = fold_split(s);
    if (status != LC_OK) {
        fold_teardown(s);
        if (status != LC_ERR_NOT_FOUND && status != LC_ERR_UNSUPPORTED)
            return status;
        char why[512]; /* a file named on the command line must be there: a failure, not a skip */
        snprintf(why, sizeof why, "%s", lc_last_error());
        return lc_fail(LC_ERR_IO, "%s", why);
    }
    const char *base = strrchr(s->path, '/');
    bench_case_param_text(c, "data", base ? base + 1 : s->path);
    bench_case_param_int(c, "fold", FOLD_INDEX);
    bench_case_param_int(c, "train", s->count[0]);
    bench_case_param_int(c, "valid", s->count[1]);
    bench_case_param_text(c, "preset", "seed");
    bench_case_param_int(c, "epochs", 1);
    snprintf(c->note, sizeof c->note, "train 1 epoch + embed + %dx%d grid; warm-up on %d alerts",
             LC_EVAL_EPS_COUNT, LC_EVAL_MIN_SAMPLES_COUNT, FOLD_WARMUP_ALERTS);
    *out = s;
    return LC_OK;
}

static void ignore_row(void *ctx, const lc_eval_row *row)
{
    (void)ctx;
    (void)row;
}

/* The fold on the first `limit` alerts of each cut; batch 0 keeps the preset's. */
static lc_status fold_pipeline(fold_state *s, int32_t limit, int32_t batch)
{
    lc_train_options o;
    lc_train_options_seed_preset(&o);
    o.epochs = 1;
    if (batch > 0)
        o.batch = batch;
    lc_labelled_texts part[2];
    for (int k = 0; k < 2; k++)
        part[k] = (lc_labelled_texts){.count = s->count[k] < limit ? s->count[k] : limit,
                                      .texts = s->texts[k], .lengths = s->lengths[k], .labels = s->labels[k]};
    int H = lc_net_output_size(&o.net);
    float *vectors[2] = {malloc((size_t)part[0].count * (size_t)H * sizeof(float)),
                         malloc((size_t)part[1].count * (size_t)H * sizeof(float))};
    lc_session *session = NULL;
    int epochs_done = 0;
    lc_status status = vectors[0] && vectors[1] ? LC_OK : lc_fail(LC_ERR_NOMEM, "out of memory for vectors");
    if (status == LC_OK)
        status = lc_session_create(s->dev, &session);
    if (status == LC_OK)
        status = lc_net_init_params(&o.net, o.seed + FOLD_INDEX, session);
    if (status == LC_OK)
        status = lc_train(session, &o, &part[0], &part[1], &epochs_done);
    for (int k = 0; k < 2 && status == LC_OK; k++)
        status = lc_net_embed(&o.net, session, part[k].texts, part[k].lengths, part[k].count, 4096, vectors[k]);
    if (status == LC_OK)
        status = lc_eval_grid(s->dev, FOLD_INDEX, vectors[0], part[0].labels, part[0].count, vectors[1],
                              part[1].labels, part[1].count, H, LC_ASSIGN_FIRST_CORE, o.seed, ignore_row, NULL);
    lc_session_free(session);
    free(vectors[0]);
    free(vectors[1]);
    return status;
}

static lc_status fold_run(void *opaque)
{
    return fold_pipeline(opaque, INT32_MAX, 0);
}

static lc_status fold_warmup(void *opaque)
{
    /* 64^2 pairs would be under one preset batch (dropped): use a few smaller batches. */
    return fold_pipeline(opaque, FOLD_WARMUP_ALERTS, FOLD_WARMUP_ALERTS * FOLD_WARMUP_ALERTS / 4);
}

const bench_workload bench_workload_fold = {
    .name = "fold",
    .case_count = fold_case_count,
    .setup = fold_setup,
    .warmup = fold_warmup,
    .run = fold_run,
    .teardown = fold_teardown,
};
