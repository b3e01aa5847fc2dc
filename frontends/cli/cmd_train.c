/* lstmcorr train: fit the siamese LSTM on labelled alerts and write a model file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_data.h"
#include "cli_model.h"
#include "cli_util.h"
#include "commands.h"
#include "progress.h"

typedef struct train_run {
    const char *model_path;
    FILE *log;
    lc_cli_train *t;
    lc_cli_read *r;
    lc_session *session;
    lc_progress_line progress;
    int quiet;
} train_run;

static void on_progress(void *ctx, const lc_train_progress *p)
{
    train_run *run = ctx;
    lc_progress_train(&run->progress, p);
}

static void json_number(FILE *out, const char *key, double value)
{
    if (isfinite(value))
        fprintf(out, ",\"%s\":%.6g", key, value);
    else
        fprintf(out, ",\"%s\":null", key);
}

/* After each epoch: log it, and write the model (also the checkpoint for --resume). */
static lc_status on_epoch(void *ctx, const lc_epoch_result *e)
{
    train_run *run = ctx;
    lc_progress_clear(&run->progress);
    if (!run->quiet)
        fprintf(stderr, "epoch %d: loss %.4f  pair accuracy %.4f  validation loss %.4f accuracy %.4f  %.1f s\n",
                e->epoch, e->train_loss, e->train_accuracy, e->valid_loss, e->valid_accuracy, e->seconds);
    if (run->log) {
        fprintf(run->log, "{\"epoch\":%d", e->epoch);
        json_number(run->log, "train_loss", e->train_loss);
        json_number(run->log, "train_accuracy", e->train_accuracy);
        json_number(run->log, "valid_loss", e->valid_loss);
        json_number(run->log, "valid_accuracy", e->valid_accuracy);
        json_number(run->log, "seconds", e->seconds);
        fprintf(run->log, ",\"pairs\":%lld}\n", (long long)e->pairs);
        fflush(run->log);
    }
    return lc_cli_model_save(run->model_path, run->t, run->r, run->session, e->epoch);
}

static void print_help(void)
{
    printf("usage: lstmcorr train --data FILE -o MODEL [options]\n\n"
           "Trains the siamese LSTM on labelled alerts (incidents vs benign). The model is written\n"
           "after every epoch (to a temporary name, then renamed): it is also the checkpoint that\n"
           "--resume continues from, bit-identically on the same device and thread count.\n\n"
           "options:\n"
           "  --data FILE       labelled alerts (incident,alert,cut CSV, or another format with labels)\n"
           "  -o, --output M    model file to write\n"
           "  --resume M        continue the training stored in model M (its settings; --epochs,\n"
           "                    --max-time and --device may be given)\n"
           "  --log FILE        append one JSON line per epoch (loss, pair accuracy, seconds)\n"
           "  --quiet           no per-epoch lines on stderr\n"
           "%s%s",
           lc_cli_read_help, lc_cli_train_help);
}

int lc_cmd_train(int argc, char **argv)
{
    const char *cmd = "train", *data_path = NULL, *model_path = NULL, *log_path = NULL, *resume = NULL;
    lc_cli_read r;
    lc_cli_train t;
    lc_cli_read_defaults(&r);
    lc_cli_train_init(&t, argc, argv);
    int quiet = 0, epochs_given = -1;
    double max_time = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return LC_EXIT_OK;
        }
        if ((used = lc_cli_read_option(cmd, argc, argv, &i, &r)) != 0 ||
            (used = lc_cli_train_option(cmd, argc, argv, &i, &t)) != 0) {
            if (used < 0)
                return LC_EXIT_USAGE;
            if (strcmp(a, "--epochs") == 0)
                epochs_given = t.train.epochs;
            if (strcmp(a, "--max-time") == 0)
                max_time = t.train.max_seconds;
            continue;
        }
        if ((strcmp(a, "--data") == 0 || strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
             strcmp(a, "--log") == 0 || strcmp(a, "--resume") == 0) && i + 1 >= argc)
            return lc_usage_error(cmd, "%s needs a value", a);
        if (strcmp(a, "--data") == 0)
            data_path = argv[++i];
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
            model_path = argv[++i];
        else if (strcmp(a, "--log") == 0)
            log_path = argv[++i];
        else if (strcmp(a, "--resume") == 0)
            resume = argv[++i];
        else if (strcmp(a, "--quiet") == 0)
            quiet = 1;
        else
            return lc_usage_error(cmd, "unknown option '%s'", a);
    }
    if (data_path == NULL)
        return lc_usage_error(cmd, "--data FILE is required");
    if (resume && (t.setting_given || r.mask_text))
        return lc_usage_error(cmd, "--resume continues with the settings stored in %s; %s cannot change them "
                                   "(only --epochs, --max-time and --device can)",
                              resume, t.setting_given ? t.setting_given : "--mask");
    if (!resume && lc_cli_train_check(cmd, &t) != 0)
        return LC_EXIT_USAGE;
    if (model_path == NULL)
        model_path = resume;
    if (model_path == NULL)
        return lc_usage_error(cmd, "-o MODEL is required");

    lc_engine *engine = NULL;
    lc_dev *dev = NULL;
    lc_session *session = NULL;
    lc_cli_dataset data = {0};
    int32_t *train_index = NULL, *valid_index = NULL, train_count = 0, valid_count = 0;
    lc_labelled_texts train = {0}, valid = {0};
    FILE *log = NULL;
    int rc = LC_EXIT_FAILURE, epochs_done = 0;
    if (lc_engine_open(NULL, &engine) != LC_OK || lc_engine_open_device(engine, t.device, &dev) != LC_OK) {
        lc_run_error(cmd, "%s", lc_last_error());
        goto done;
    }
    if (resume) {
        lc_net_config net;
        const char *device = t.device;
        if (lc_cli_model_load(resume, dev, &net, &session, &t, &r, &epochs_done) != LC_OK) {
            lc_run_error(cmd, "%s", lc_last_error());
            goto done;
        }
        t.device = device;
        if (epochs_given >= 0)
            t.train.epochs = epochs_given;
        if (max_time >= 0)
            t.train.max_seconds = max_time;
    }
    if (lc_cli_dataset_load(cmd, data_path, &r, &data) != 0)
        goto done;
    if (lc_cli_fold_split(cmd, &data, t.fold, &train_index, &train_count, &valid_index, &valid_count) != 0)
        goto done;
    if (lc_cli_subset(&data, train_index, train_count, &train) != 0 ||
        lc_cli_subset(&data, valid_index, valid_count, &valid) != 0) {
        lc_run_error(cmd, "out of memory");
        goto done;
    }
    if (!resume) {
        if (lc_session_create(dev, &session) != LC_OK ||
            lc_net_init_params(&t.train.net, t.train.seed, session) != LC_OK) {
            lc_run_error(cmd, "%s", lc_last_error());
            goto done;
        }
    }
    if (log_path && (log = fopen(log_path, "a")) == NULL) {
        lc_run_error(cmd, "cannot open log %s for appending", log_path);
        goto done;
    }
    train_run run = {.model_path = model_path, .log = log, .t = &t, .r = &r, .session = session, .quiet = quiet};
    lc_progress_init(&run.progress);
    t.train.start_epoch = epochs_done;
    t.train.on_progress = on_progress;
    t.train.on_epoch = on_epoch;
    t.train.ctx = &run;
    if (!quiet)
        fprintf(stderr, "training on %s: %d alerts (%d validation, fold %d), %s LSTM, hidden %d, %s\n", dev->name,
                train_count, valid_count, t.fold, lc_lstm_form_name(t.train.net.form), t.train.net.hidden[0],
                t.train.optimizer.kind == LC_OPTIMIZER_ADAM ? "adam" : "sgd");
    if (lc_train(session, &t.train, &train, valid_count ? &valid : NULL, &epochs_done) != LC_OK) {
        lc_progress_clear(&run.progress);
        lc_run_error(cmd, "%s", lc_last_error());
        goto done;
    }
    lc_progress_clear(&run.progress);
    /* With zero epochs to run, still leave a model behind (the initial weights). */
    if (epochs_done == t.train.start_epoch && lc_cli_model_save(model_path, &t, &r, session, epochs_done) != LC_OK) {
        lc_run_error(cmd, "%s", lc_last_error());
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "wrote %s after epoch %d of %d\n", model_path, epochs_done, t.train.epochs);
    rc = LC_EXIT_OK;
done:
    if (log)
        fclose(log);
    lc_cli_subset_free(&train);
    lc_cli_subset_free(&valid);
    free(train_index);
    free(valid_index);
    lc_cli_dataset_free(&data);
    lc_session_free(session);
    lc_dev_close(dev);
    lc_engine_close(engine);
    return rc;
}
