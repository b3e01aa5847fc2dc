#include "cli_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "mask.h"

const char lc_cli_read_help[] =
    "  --format F        alert format: auto (default), csv, fast, eve, ait\n"
    "  --skip-bad        skip malformed records (counted and reported) instead of failing\n"
    "  --mask LIST       replace timestamp,ip,port (any subset) by fixed tokens first\n";

const char lc_cli_train_help[] =
    "  --preset P        seed (the prototype, default) or fast (see README)\n"
    "  --lstm FORM       standard, peephole or lasagne-0.1\n"
    "  --hidden LIST     hidden units per layer, e.g. 10 or 64,32\n"
    "  --train-embedding / --no-train-embedding   train the 128x128 identity embedding or not\n"
    "  --reverse / --no-reverse   read each alert last character first (the prototype: first)\n"
    "  --pairs all|N     all ordered pairs per epoch, or N sampled pairs\n"
    "  --pairs-positive F  with sampled pairs: fraction F of each batch drawn from\n"
    "                    same-incident pairs, the rest uniform (seed 0 = uniform)\n"
    "  --optimizer O     sgd or adam;  --lr X  learning rate\n"
    "  --batch N         pairs per batch;  --epochs N;  --seed N\n"
    "  --forget-bias X   initial forget-gate bias (seed 0, fast 1)\n"
    "  --fold K          (train) validate on cut K, train on the others (-1: train on all)\n"
    "  --device D        cpu:0, opencl:0, cuda:0 (default cpu:0); --backend B = B:0\n"
    "  --max-time S      stop cleanly after the epoch that passes S seconds\n";

void lc_cli_read_defaults(lc_cli_read *r)
{
    memset(r, 0, sizeof *r);
    r->read.format = LC_FORMAT_AUTO;
}

int lc_cli_train_defaults(lc_cli_train *t, const char *preset)
{
    const char *device = t->device;
    int fold = t->fold;
    memset(t, 0, sizeof *t);
    t->device = device ? device : "cpu:0";
    t->fold = fold;
    lc_train_options_seed_preset(&t->train);
    if (strcmp(preset, "seed") == 0) {
        t->preset = "seed";
    } else if (strcmp(preset, "fast") == 0) {
        /* Our quicker default: a standard LSTM (cuDNN's form), a positive forget bias so the start
         * of a line survives to the last state, Adam, sampled pairs, half of them same-incident
         * (uniform pairs are ~97% negatives on AIT data). --reverse is an option, not the default:
         * on AIT data it mostly reads the timestamp, which leaks the label. */
        t->preset = "fast";
        t->train.net.form = LC_LSTM_STANDARD;
        t->train.net.hidden[0] = 32;
        t->train.net.train_embedding = 0;
        t->train.net.forget_bias = 1.0f;
        t->train.optimizer.kind = LC_OPTIMIZER_ADAM;
        t->train.optimizer.lr = 0.003f;
        t->train.pairs_per_epoch = 200000;
        t->train.pairs_positive = 0.5;
        t->train.batch = 2000;
        t->train.epochs = 5;
    } else {
        return -1;
    }
    return 0;
}

int lc_cli_train_init(lc_cli_train *t, int argc, char **argv)
{
    const char *preset = "seed";
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--preset") == 0)
            preset = argv[i + 1];
    t->device = NULL;
    t->fold = 0;
    if (lc_cli_train_defaults(t, preset) != 0)
        lc_cli_train_defaults(t, "seed"); /* the bad name is reported when the options are parsed */
    return 0;
}

static const char *value_of(const char *cmd, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        lc_usage_error(cmd, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int lc_cli_read_option(const char *cmd, int argc, char **argv, int *i, lc_cli_read *r)
{
    const char *opt = argv[*i], *v;
    if (strcmp(opt, "--skip-bad") == 0) {
        r->read.skip_bad = 1;
        return 1;
    }
    if (strcmp(opt, "--format") == 0) {
        if ((v = value_of(cmd, argc, argv, i)) == NULL)
            return -1;
        if (lc_alert_format_parse(v, &r->read.format) != LC_OK)
            return lc_usage_error(cmd, "%s", lc_last_error()), -1;
        return 1;
    }
    if (strcmp(opt, "--mask") == 0) {
        if ((v = value_of(cmd, argc, argv, i)) == NULL)
            return -1;
        if (lc_mask_parse(v, &r->mask) != LC_OK)
            return lc_usage_error(cmd, "%s", lc_last_error()), -1;
        r->mask_text = v;
        return 1;
    }
    return 0;
}

int lc_cli_train_option(const char *cmd, int argc, char **argv, int *i, lc_cli_train *t)
{
    const char *opt = argv[*i], *v;
    lc_train_options *o = &t->train;
    long n;
    double x;
    if (strcmp(opt, "--train-embedding") == 0) {
        t->setting_given = t->setting_given ? t->setting_given : opt;
        o->net.train_embedding = 1;
        return 1;
    }
    if (strcmp(opt, "--no-train-embedding") == 0) {
        t->setting_given = t->setting_given ? t->setting_given : opt;
        o->net.train_embedding = 0;
        return 1;
    }
    if (strcmp(opt, "--reverse") == 0 || strcmp(opt, "--no-reverse") == 0) {
        t->setting_given = t->setting_given ? t->setting_given : opt;
        o->net.reverse = strcmp(opt, "--reverse") == 0;
        return 1;
    }
    static const char *const with_value[] = {"--preset", "--lstm", "--hidden", "--pairs", "--optimizer", "--lr",
                                             "--batch", "--epochs", "--seed", "--fold", "--device", "--backend",
                                             "--max-time", "--forget-bias", "--pairs-positive"};
    int known = 0;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
        known |= strcmp(opt, with_value[k]) == 0;
    if (!known)
        return 0;
    if ((v = value_of(cmd, argc, argv, i)) == NULL)
        return -1;
    if (t->setting_given == NULL && strcmp(opt, "--epochs") != 0 && strcmp(opt, "--max-time") != 0 &&
        strcmp(opt, "--device") != 0 && strcmp(opt, "--backend") != 0)
        t->setting_given = opt;
    if (strcmp(opt, "--preset") == 0) {
        /* Applied before the other options by lc_cli_train_init; only checked here. */
        if (strcmp(v, "seed") != 0 && strcmp(v, "fast") != 0)
            return lc_usage_error(cmd, "unknown preset '%s' (seed, fast)", v), -1;
    } else if (strcmp(opt, "--lstm") == 0) {
        if (lc_lstm_form_parse(v, &o->net.form) != LC_OK)
            return lc_usage_error(cmd, "%s", lc_last_error()), -1;
    } else if (strcmp(opt, "--hidden") == 0) {
        if (lc_net_hidden_parse(v, &o->net) != LC_OK)
            return lc_usage_error(cmd, "%s", lc_last_error()), -1;
    } else if (strcmp(opt, "--pairs") == 0) {
        if (strcmp(v, "all") == 0) {
            o->pairs_per_epoch = 0;
            if (!t->positive_given) /* a preset's sampling does not apply to all pairs */
                o->pairs_positive = 0;
        }
        else if (lc_parse_long(cmd, opt, v, 1, 1L << 40, &n) != 0)
            return -1;
        else
            o->pairs_per_epoch = n;
    } else if (strcmp(opt, "--pairs-positive") == 0) {
        if (lc_parse_double(cmd, opt, v, 0, 1, &x) != 0)
            return -1;
        o->pairs_positive = x;
        t->positive_given = 1;
    } else if (strcmp(opt, "--optimizer") == 0) {
        if (strcmp(v, "sgd") == 0)
            o->optimizer.kind = LC_OPTIMIZER_SGD;
        else if (strcmp(v, "adam") == 0)
            o->optimizer.kind = LC_OPTIMIZER_ADAM;
        else
            return lc_usage_error(cmd, "unknown optimizer '%s' (sgd, adam)", v), -1;
    } else if (strcmp(opt, "--lr") == 0) {
        if (lc_parse_double(cmd, opt, v, 1e-12, 1e6, &x) != 0)
            return -1;
        o->optimizer.lr = (float)x;
    } else if (strcmp(opt, "--batch") == 0) {
        if (lc_parse_long(cmd, opt, v, 1, 100000000, &n) != 0)
            return -1;
        o->batch = (int32_t)n;
    } else if (strcmp(opt, "--epochs") == 0) {
        if (lc_parse_long(cmd, opt, v, 0, 1000000, &n) != 0)
            return -1;
        o->epochs = (int)n;
    } else if (strcmp(opt, "--seed") == 0) {
        if (lc_parse_long(cmd, opt, v, 0, 0x7fffffffffffffffL, &n) != 0)
            return -1;
        o->seed = (uint64_t)n;
    } else if (strcmp(opt, "--fold") == 0) {
        if (lc_parse_long(cmd, opt, v, -1, 9, &n) != 0)
            return -1;
        t->fold = (int)n;
    } else if (strcmp(opt, "--device") == 0) {
        t->device = v;
    } else if (strcmp(opt, "--backend") == 0) {
        static char device[80];
        snprintf(device, sizeof device, "%s:0", v);
        t->device = device;
    } else if (strcmp(opt, "--forget-bias") == 0) {
        if (lc_parse_double(cmd, opt, v, -100, 100, &x) != 0)
            return -1;
        o->net.forget_bias = (float)x;
    } else if (strcmp(opt, "--max-time") == 0) {
        if (lc_parse_double(cmd, opt, v, 0, 1e9, &x) != 0)
            return -1;
        o->max_seconds = x;
    }
    return 1;
}

int lc_cli_train_check(const char *cmd, const lc_cli_train *t)
{
    if (t->train.pairs_per_epoch == 0 && t->train.pairs_positive > 0) {
        lc_usage_error(cmd, "--pairs-positive %g samples pairs: it needs --pairs N (or --pairs-positive 0 with --pairs all)",
                       t->train.pairs_positive);
        return -1;
    }
    return 0;
}

int lc_cli_parse_rule(const char *cmd, const char *text, lc_assign_rule *rule)
{
    if (strcmp(text, "first") == 0)
        *rule = LC_ASSIGN_FIRST_CORE;
    else if (strcmp(text, "nearest") == 0)
        *rule = LC_ASSIGN_NEAREST_CORE;
    else
        return lc_usage_error(cmd, "unknown --rule '%s' (first, nearest)", text), -1;
    return 0;
}

int lc_cli_dataset_load(const char *cmd, const char *path, const lc_cli_read *r, lc_cli_dataset *d)
{
    memset(d, 0, sizeof *d);
    if (lc_alerts_read_path(path, &r->read, &d->alerts) != LC_OK ||
        (r->mask && lc_mask_alerts(&d->alerts, r->mask) != LC_OK) ||
        lc_incident_ids_build(&d->alerts, &d->ids) != LC_OK) {
        lc_run_error(cmd, "%s", lc_last_error());
        lc_cli_dataset_free(d);
        return 1;
    }
    if (d->alerts.bad_count) {
        fprintf(stderr, "lstmcorr %s: skipped %zu malformed record%s of %s, e.g.:\n", cmd, d->alerts.bad_count,
                d->alerts.bad_count == 1 ? "" : "s", path);
        for (size_t k = 0; k < d->alerts.bad_count && k < LC_BAD_REASONS_KEPT; k++)
            fprintf(stderr, "  %s\n", d->alerts.bad_reasons[k]);
    }
    size_t n = d->alerts.count;
    if (n > INT32_MAX - 1) {
        lc_run_error(cmd, "%s: %zu alerts is more than this version handles", path, n);
        lc_cli_dataset_free(d);
        return 1;
    }
    d->texts = malloc((n ? n : 1) * sizeof *d->texts);
    d->lengths = malloc((n ? n : 1) * sizeof *d->lengths);
    d->labels = malloc((n ? n : 1) * sizeof *d->labels);
    if (d->texts == NULL || d->lengths == NULL || d->labels == NULL) {
        lc_run_error(cmd, "out of memory loading %s", path);
        lc_cli_dataset_free(d);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        d->texts[i] = d->alerts.alerts[i].text;
        d->lengths[i] = d->alerts.alerts[i].text_len;
        d->labels[i] = d->ids.ids[i];
    }
    return 0;
}

void lc_cli_dataset_free(lc_cli_dataset *d)
{
    lc_alert_set_free(&d->alerts);
    lc_incident_ids_free(&d->ids);
    free(d->texts);
    free(d->lengths);
    free(d->labels);
    memset(d, 0, sizeof *d);
}

int lc_cli_fold_split(const char *cmd, const lc_cli_dataset *d, int fold, int32_t **train, int32_t *train_count,
                      int32_t **valid, int32_t *valid_count)
{
    size_t n = d->alerts.count;
    *train = malloc((n ? n : 1) * sizeof **train);
    *valid = malloc((n ? n : 1) * sizeof **valid);
    *train_count = *valid_count = 0;
    if (*train == NULL || *valid == NULL) {
        free(*train);
        free(*valid);
        return lc_run_error(cmd, "out of memory splitting folds");
    }
    for (size_t i = 0; i < n; i++) {
        int cut = d->alerts.alerts[i].cut;
        if (fold >= 0 && cut == LC_CUT_UNKNOWN) {
            free(*train);
            free(*valid);
            const lc_alert *a = &d->alerts.alerts[i];
            return lc_run_error(cmd, "%s:%ld: alert has no cut, needed for --fold %d (use --fold -1 or stratify)",
                                a->source ? a->source : "input", a->line, fold);
        }
        if (fold >= 0 && cut == fold)
            (*valid)[(*valid_count)++] = (int32_t)i;
        else
            (*train)[(*train_count)++] = (int32_t)i;
    }
    return 0;
}

int lc_cli_subset(const lc_cli_dataset *d, const int32_t *index, int32_t count, lc_labelled_texts *out)
{
    const char **texts = malloc((size_t)(count ? count : 1) * sizeof *texts);
    size_t *lengths = malloc((size_t)(count ? count : 1) * sizeof *lengths);
    int32_t *labels = malloc((size_t)(count ? count : 1) * sizeof *labels);
    if (texts == NULL || lengths == NULL || labels == NULL) {
        free(texts);
        free(lengths);
        free(labels);
        return 1;
    }
    for (int32_t k = 0; k < count; k++) {
        texts[k] = d->texts[index[k]];
        lengths[k] = d->lengths[index[k]];
        labels[k] = d->labels[index[k]];
    }
    *out = (lc_labelled_texts){.count = count, .texts = texts, .lengths = lengths, .labels = labels};
    return 0;
}

void lc_cli_subset_free(lc_labelled_texts *view)
{
    free((void *)view->texts);
    free((void *)view->lengths);
    free((void *)view->labels);
    memset(view, 0, sizeof *view);
}
