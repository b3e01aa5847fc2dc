/* lstmcorr evaluate: the prototype's k-fold protocol, a table and JSON lines of every metric. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "cli_data.h"
#include "cli_model.h"
#include "cli_util.h"
#include "commands.h"
#include "evaluate.h"
#include "progress.h"
#include "text_identity.h"

enum { FOLDS = 10, GRID = LC_EVAL_EPS_COUNT * LC_EVAL_MIN_SAMPLES_COUNT };

typedef struct eval_state {
    FILE *json;
    /* rows[cut][grid point][fold], have[...] when present */
    lc_cluster_metrics rows[2][GRID][FOLDS];
    int have[2][GRID][FOLDS];
    lc_progress_line progress;
    int quiet;
} eval_state;

static int grid_index(float eps, int min_samples)
{
    for (int e = 0; e < LC_EVAL_EPS_COUNT; e++)
        for (int m = 0; m < LC_EVAL_MIN_SAMPLES_COUNT; m++)
            if (lc_eval_eps[e] == eps && lc_eval_min_samples[m] == min_samples)
                return e * LC_EVAL_MIN_SAMPLES_COUNT + m;
    return -1;
}

static void json_metrics(FILE *out, const lc_cluster_metrics *m)
{
    fprintf(out,
            "\"alerts\":%lld,\"arf\":%.6g,\"arf_analyst\":%.6g,\"narf\":%.6g,\"imr\":%.6g,\"faro\":%.6g,"
            "\"farc\":%.6g,\"homogeneity\":%.6g,\"accuracy\":%.6g,\"precision\":%.6g,\"recall\":%.6g,\"f1\":%.6g,"
            "\"clusters\":%lld,\"outliers\":%lld",
            (long long)m->alerts, m->arf, m->arf_analyst, m->narf, m->imr, m->faro, m->farc, m->homogeneity,
            m->accuracy, m->precision, m->recall, m->f1, (long long)m->clusters, (long long)m->outliers);
}

static void on_row(void *ctx, const lc_eval_row *row)
{
    eval_state *s = ctx;
    int g = grid_index(row->eps, row->min_samples);
    if (g < 0 || row->fold < 0 || row->fold >= FOLDS)
        return;
    s->rows[row->cut][g][row->fold] = row->metrics;
    s->have[row->cut][g][row->fold] = 1;
    if (s->json) {
        fprintf(s->json, "{\"fold\":%d,\"cut\":\"%s\",\"eps\":%g,\"min_samples\":%d,", row->fold,
                row->cut == LC_EVAL_TRAIN ? "train" : "validation", row->eps, row->min_samples);
        json_metrics(s->json, &row->metrics);
        fprintf(s->json, "}\n");
    }
}

static void on_progress(void *ctx, const lc_train_progress *p)
{
    eval_state *s = ctx;
    lc_progress_train(&s->progress, p);
}

static lc_status on_epoch(void *ctx, const lc_epoch_result *e)
{
    eval_state *s = ctx;
    lc_progress_clear(&s->progress);
    if (!s->quiet)
        fprintf(stderr, "  epoch %d: loss %.4f  pair accuracy %.4f  validation loss %.4f  %.1f s\n", e->epoch,
                e->train_loss, e->train_accuracy, e->valid_loss, e->seconds);
    return LC_OK;
}

/* Mean, min and max of one metric over the folds that have it. */
typedef struct spread {
    double mean, min, max;
    int n;
} spread;

static spread spread_of(const eval_state *s, int cut, int g, size_t offset)
{
    spread r = {0, INFINITY, -INFINITY, 0};
    for (int f = 0; f < FOLDS; f++) {
        if (!s->have[cut][g][f])
            continue;
        double v;
        const char *base = (const char *)&s->rows[cut][g][f];
        if (offset == offsetof(lc_cluster_metrics, clusters) || offset == offsetof(lc_cluster_metrics, outliers))
            v = (double)*(const int64_t *)(base + offset);
        else
            v = *(const double *)(base + offset);
        r.mean += v;
        r.min = v < r.min ? v : r.min;
        r.max = v > r.max ? v : r.max;
        r.n++;
    }
    if (r.n)
        r.mean /= r.n;
    return r;
}

#define METRIC(name) offsetof(lc_cluster_metrics, name)

static void print_cell(FILE *out, spread s, int digits)
{
    char cell[64];
    if (s.n > 1)
        snprintf(cell, sizeof cell, "%.*f [%.*f-%.*f]", digits, s.mean, digits, s.min, digits, s.max);
    else
        snprintf(cell, sizeof cell, "%.*f", digits, s.mean);
    fprintf(out, " %-23s|", cell);
}

static void print_table(FILE *out, const eval_state *s)
{
    fprintf(out, "\n| eps    | min | train ARF              | train IMR              | valid ARF              "
                 "| valid IMR              | valid ARF (analyst)    | valid F1               |\n");
    fprintf(out, "|--------|-----|------------------------|------------------------|------------------------"
                 "|------------------------|------------------------|------------------------|\n");
    for (int g = 0; g < GRID; g++) {
        spread train_arf = spread_of(s, LC_EVAL_TRAIN, g, METRIC(arf));
        if (train_arf.n == 0)
            continue;
        fprintf(out, "| %-6g | %3d |", lc_eval_eps[g / LC_EVAL_MIN_SAMPLES_COUNT],
                lc_eval_min_samples[g % LC_EVAL_MIN_SAMPLES_COUNT]);
        print_cell(out, train_arf, 2);
        print_cell(out, spread_of(s, LC_EVAL_TRAIN, g, METRIC(imr)), 3);
        print_cell(out, spread_of(s, LC_EVAL_VALIDATION, g, METRIC(arf)), 2);
        print_cell(out, spread_of(s, LC_EVAL_VALIDATION, g, METRIC(imr)), 3);
        print_cell(out, spread_of(s, LC_EVAL_VALIDATION, g, METRIC(arf_analyst)), 2);
        print_cell(out, spread_of(s, LC_EVAL_VALIDATION, g, METRIC(f1)), 3);
        fprintf(out, "\n");
    }
}

/* The grid point with the highest mean validation ARF whose mean validation IMR <= imr_max. */
static int operating_point(const eval_state *s, double imr_max)
{
    int best = -1;
    double best_arf = -1;
    for (int g = 0; g < GRID; g++) {
        spread arf = spread_of(s, LC_EVAL_VALIDATION, g, METRIC(arf));
        spread imr = spread_of(s, LC_EVAL_VALIDATION, g, METRIC(imr));
        if (arf.n == 0 || imr.mean > imr_max)
            continue;
        if (arf.mean > best_arf) {
            best_arf = arf.mean;
            best = g;
        }
    }
    return best;
}

static void print_summary(const eval_state *s, FILE *table, double imr_max, int folds)
{
    int g = operating_point(s, imr_max);
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {{"arf", METRIC(arf)}, {"arf_analyst", METRIC(arf_analyst)}, {"narf", METRIC(narf)},
                  {"imr", METRIC(imr)}, {"faro", METRIC(faro)}, {"farc", METRIC(farc)},
                  {"homogeneity", METRIC(homogeneity)}, {"accuracy", METRIC(accuracy)},
                  {"precision", METRIC(precision)}, {"recall", METRIC(recall)}, {"f1", METRIC(f1)},
                  {"clusters", METRIC(clusters)}, {"outliers", METRIC(outliers)}};
    if (g < 0)
        fprintf(table, "\nno grid point keeps the mean validation IMR <= %g\n", imr_max);
    else
        fprintf(table, "\noperating point (highest validation ARF at IMR <= %g): eps %g, min_samples %d: "
                       "ARF %.2f, IMR %.4f, analyst's ARF %.2f, F1 %.3f over %d fold%s\n",
                imr_max, lc_eval_eps[g / LC_EVAL_MIN_SAMPLES_COUNT], lc_eval_min_samples[g % LC_EVAL_MIN_SAMPLES_COUNT],
                spread_of(s, LC_EVAL_VALIDATION, g, METRIC(arf)).mean,
                spread_of(s, LC_EVAL_VALIDATION, g, METRIC(imr)).mean,
                spread_of(s, LC_EVAL_VALIDATION, g, METRIC(arf_analyst)).mean,
                spread_of(s, LC_EVAL_VALIDATION, g, METRIC(f1)).mean, folds, folds == 1 ? "" : "s");
    if (s->json == NULL)
        return;
    fprintf(s->json, "{\"summary\":true,\"cut\":\"validation\",\"folds\":%d,\"imr_max\":%g,", folds, imr_max);
    if (g < 0) {
        fprintf(s->json, "\"eps\":null,\"min_samples\":null}\n");
        return;
    }
    fprintf(s->json, "\"eps\":%g,\"min_samples\":%d", lc_eval_eps[g / LC_EVAL_MIN_SAMPLES_COUNT],
            lc_eval_min_samples[g % LC_EVAL_MIN_SAMPLES_COUNT]);
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
        fprintf(s->json, ",\"%s\":%.6g", fields[k].name, spread_of(s, LC_EVAL_VALIDATION, g, fields[k].offset).mean);
    fprintf(s->json, "}\n");
}

/* One fold's vectors: exact-duplicate directions (--baseline), or the network's. *session is the
 * --model's, or NULL: then a network is initialised and trained on the fold into a new session. */
static lc_status fold_vectors(lc_dev *dev, int baseline, lc_train_options *o, const lc_net_config *net, int fold,
                              const lc_labelled_texts *train, const lc_labelled_texts *valid, lc_session **session,
                              float *train_vectors, float *valid_vectors)
{
    if (baseline) {
        lc_text_identity_vectors(train->texts, train->lengths, train->count, train_vectors);
        lc_text_identity_vectors(valid->texts, valid->lengths, valid->count, valid_vectors);
        return LC_OK;
    }
    if (*session == NULL) {
        int epochs_done;
        LC_TRY(lc_session_create(dev, session));
        LC_TRY(lc_net_init_params(&o->net, o->seed + (uint64_t)fold, *session));
        if (o->epochs > 0)
            LC_TRY(lc_train(*session, o, train, valid->count ? valid : NULL, &epochs_done));
    }
    LC_TRY(lc_net_embed(net, *session, train->texts, train->lengths, train->count, 4096, train_vectors));
    return lc_net_embed(net, *session, valid->texts, valid->lengths, valid->count, 4096, valid_vectors);
}

static int parse_folds(const char *text, int *folds)
{
    memset(folds, 0, FOLDS * sizeof *folds);
    const char *p = text;
    while (*p) {
        char *end;
        long a = strtol(p, &end, 10), b = a;
        if (end == p)
            return -1;
        if (*end == '-') {
            p = end + 1;
            b = strtol(p, &end, 10);
            if (end == p)
                return -1;
        }
        if (a < 0 || b > FOLDS - 1 || a > b || (*end != ',' && *end != '\0'))
            return -1;
        for (long f = a; f <= b; f++)
            folds[f] = 1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

static void print_help(void)
{
    printf("usage: lstmcorr evaluate --data FILE [--folds 0-9] [options]\n\n"
           "Per fold: train on the other cuts, cluster the training alerts over eps {1e-4 .. 1} x\n"
           "min_samples {1,3,10,30}, place the validation alerts, map clusters to incidents and score\n"
           "both cuts (ARF, analyst's ARF, NARF, IMR, FARO, FARC, homogeneity, accuracy, weighted\n"
           "precision/recall/F1, clusters, outliers). Prints mean [min-max] over folds per grid point\n"
           "and the operating point with the highest validation ARF at IMR <= --imr-max.\n\n"
           "options:\n"
           "  --folds LIST      e.g. 0-9 (default), 0, 0,3,5-7\n"
           "  --model M         use the trained model M (train's -o) in every fold instead of training:\n"
           "                    e.g. train on one scenario, evaluate on another; its masking applies\n"
           "                    unless --mask is given; training options are refused (--seed,\n"
           "                    which also orders the alerts for clustering, is not)\n"
           "  --baseline identical  no network: only identical (masked) texts share a vector, so\n"
           "                    clusters are exact duplicates; what the network must beat\n"
           "  --imr-max X       IMR bound of the operating point (default 0.05)\n"
           "  --rule R          placing validation alerts: first (prototype, default) or nearest\n"
           "  --json FILE       one JSON line per fold x grid point x cut, and a summary line\n"
           "                    (\"summary\": true); '-' writes them to stdout and the table to stderr\n"
           "  --quiet           no per-epoch lines\n"
           "%s%s",
           lc_cli_read_help, lc_cli_train_help);
}

int lc_cmd_evaluate(int argc, char **argv)
{
    const char *cmd = "evaluate", *data_path = NULL, *json_path = NULL, *model_path = NULL;
    const char *training_option = NULL; /* the first one given, refused with --model or --baseline */
    int baseline = 0;
    int folds[FOLDS];
    parse_folds("0-9", folds);
    double imr_max = 0.05;
    lc_assign_rule rule = LC_ASSIGN_FIRST_CORE;
    lc_cli_read r;
    lc_cli_train t;
    lc_cli_read_defaults(&r);
    lc_cli_train_init(&t, argc, argv);
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return LC_EXIT_OK;
        }
        if (strcmp(a, "--fold") == 0)
            return lc_usage_error(cmd, "evaluate runs every fold of --folds LIST (e.g. --folds 3); --fold is train's");
        if ((used = lc_cli_read_option(cmd, argc, argv, &i, &r)) != 0) {
            if (used < 0)
                return LC_EXIT_USAGE;
            continue;
        }
        if ((used = lc_cli_train_option(cmd, argc, argv, &i, &t)) != 0) {
            if (used < 0)
                return LC_EXIT_USAGE;
            /* --seed also orders the training alerts for clustering, so it stays meaningful. */
            if (training_option == NULL && strcmp(a, "--device") != 0 && strcmp(a, "--backend") != 0 &&
                strcmp(a, "--seed") != 0)
                training_option = a;
            continue;
        }
        if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
            continue;
        }
        if (i + 1 >= argc)
            return lc_usage_error(cmd, "unknown option '%s' (or it needs a value)", a);
        const char *v = argv[++i];
        if (strcmp(a, "--data") == 0)
            data_path = v;
        else if (strcmp(a, "--json") == 0)
            json_path = v;
        else if (strcmp(a, "--model") == 0)
            model_path = v;
        else if (strcmp(a, "--baseline") == 0) {
            if (strcmp(v, "identical") != 0)
                return lc_usage_error(cmd, "unknown --baseline '%s' (identical)", v);
            baseline = 1;
        }
        else if (strcmp(a, "--folds") == 0) {
            if (parse_folds(v, folds) != 0)
                return lc_usage_error(cmd, "bad --folds '%s' (e.g. 0-9, 0, 1,3-5)", v);
        } else if (strcmp(a, "--imr-max") == 0) {
            if (lc_parse_double(cmd, a, v, 0, 1, &imr_max) != 0)
                return LC_EXIT_USAGE;
        } else if (strcmp(a, "--rule") == 0) {
            if (lc_cli_parse_rule(cmd, v, &rule) != 0)
                return LC_EXIT_USAGE;
        } else
            return lc_usage_error(cmd, "unknown option '%s'", a);
    }
    if (data_path == NULL)
        return lc_usage_error(cmd, "--data FILE is required");
    if (model_path && baseline)
        return lc_usage_error(cmd, "--model and --baseline exclude each other");
    if (model_path && training_option)
        return lc_usage_error(cmd, "--model evaluates the model as trained; %s is a training option", training_option);
    if (baseline && training_option)
        return lc_usage_error(cmd, "--baseline has no network to train; %s is a training option", training_option);
    if (!model_path && !baseline && lc_cli_train_check(cmd, &t) != 0)
        return LC_EXIT_USAGE;

    eval_state *state = calloc(1, sizeof *state);
    lc_engine *engine = NULL;
    lc_dev *dev = NULL;
    lc_cli_dataset data = {0};
    lc_net_config model_net;
    lc_session *model_session = NULL; /* with --model: shared by every fold */
    int rc = LC_EXIT_FAILURE, fold_count = 0;
    FILE *table = stdout;
    char *json_text = NULL;
    size_t json_len = 0;
    if (state == NULL)
        return lc_run_error(cmd, "out of memory");
    state->quiet = quiet;
    lc_progress_init(&state->progress);
    if (json_path && strcmp(json_path, "-") == 0) {
        state->json = stdout;
        table = stderr;
    } else if (json_path && (state->json = open_memstream(&json_text, &json_len)) == NULL) {
        /* Held in memory and written whole at the end: a failed run leaves an old file as it was. */
        lc_run_error(cmd, "out of memory for the JSON lines");
        goto done;
    }
    if (model_path) {
        if (lc_cli_open_model(cmd, t.device, model_path, &r, &engine, &dev, &model_net, &model_session) != 0)
            goto done;
    } else if (lc_engine_open(NULL, &engine) != LC_OK || lc_engine_open_device(engine, t.device, &dev) != LC_OK) {
        lc_run_error(cmd, "%s", lc_last_error());
        goto done;
    }
    if (lc_cli_dataset_load(cmd, data_path, &r, &data) != 0)
        goto done;
    double started = lc_now_seconds();
    for (int fold = 0; fold < FOLDS; fold++) {
        if (!folds[fold])
            continue;
        int32_t *train_index = NULL, *valid_index = NULL, train_count = 0, valid_count = 0;
        lc_labelled_texts train = {0}, valid = {0};
        lc_session *session = model_session;
        float *train_vectors = NULL, *valid_vectors = NULL;
        lc_train_options o = t.train;
        o.on_progress = on_progress;
        o.on_epoch = on_epoch;
        o.ctx = state;
        const lc_net_config *net = model_path ? &model_net : &o.net;
        int ok = 0, H = baseline ? LC_TEXT_IDENTITY_DIM : lc_net_output_size(net);
        if (lc_cli_fold_split(cmd, &data, fold, &train_index, &train_count, &valid_index, &valid_count) != 0)
            goto done;
        if (!quiet && baseline)
            fprintf(stderr, "fold %d: identical-text baseline on %d alerts, validating on %d\n", fold, train_count,
                    valid_count);
        else if (!quiet && model_path)
            fprintf(stderr, "fold %d: %s clusters %d alerts, validating on %d (%s)\n", fold, model_path, train_count,
                    valid_count, dev->name);
        else if (!quiet)
            fprintf(stderr, "fold %d: training on %d alerts, validating on %d (%s)\n", fold, train_count, valid_count,
                    dev->name);
        if (lc_cli_subset(&data, train_index, train_count, &train) == 0 &&
            lc_cli_subset(&data, valid_index, valid_count, &valid) == 0 &&
            (train_vectors = malloc((size_t)train_count * (size_t)H * sizeof(float))) != NULL &&
            (valid_vectors = malloc((size_t)(valid_count ? valid_count : 1) * (size_t)H * sizeof(float))) != NULL &&
            fold_vectors(dev, baseline, &o, net, fold, &train, &valid, &session, train_vectors, valid_vectors) ==
                LC_OK) {
            lc_progress_clear(&state->progress);
            lc_progress_text(&state->progress, "clustering the grid...");
            ok = lc_eval_grid(dev, fold, train_vectors, train.labels, train_count, valid_vectors, valid.labels,
                              valid_count, H, rule, o.seed + 1000003u * (uint64_t)fold, on_row, state) == LC_OK;
        }
        lc_progress_clear(&state->progress);
        if (!ok)
            lc_run_error(cmd, "fold %d: %s", fold, lc_last_error());
        if (session != model_session)
            lc_session_free(session);
        lc_cli_subset_free(&train);
        lc_cli_subset_free(&valid);
        free(train_index);
        free(valid_index);
        free(train_vectors);
        free(valid_vectors);
        if (!ok)
            goto done;
        fold_count++;
    }
    print_table(table, state);
    print_summary(state, table, imr_max, fold_count);
    fprintf(table, "%d fold%s in %.1f s on %s\n", fold_count, fold_count == 1 ? "" : "s",
            lc_now_seconds() - started, dev->name);
    rc = LC_EXIT_OK;
done:
    if (state->json && state->json != stdout) {
        fclose(state->json);
        if (rc == LC_EXIT_OK && lc_atomic_file_write(json_path, json_text, json_len) != LC_OK)
            rc = lc_run_error(cmd, "%s", lc_last_error());
    }
    free(json_text);
    lc_cli_dataset_free(&data);
    lc_session_free(model_session);
    lc_dev_close(dev);
    lc_engine_close(engine);
    free(state);
    return rc;
}
