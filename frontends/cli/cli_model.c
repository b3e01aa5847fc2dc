#include "cli_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "mask.h"

static lc_status save_moments(lc_model *model, lc_session *session)
{
    for (int i = 0; i < lc_session_param_count(session); i++) {
        int64_t rows, cols;
        const char *name = lc_session_param_name(session, i, &rows, &cols);
        float *values = malloc((size_t)(rows * cols) * sizeof *values);
        if (values == NULL)
            return lc_fail(LC_ERR_NOMEM, "out of memory saving optimizer state");
        lc_status status = LC_OK;
        for (int m = 0; m < 2 && status == LC_OK; m++) {
            char key[96];
            snprintf(key, sizeof key, "adam.%c.%s", m ? 'v' : 'm', name);
            status = lc_session_get_moment(session, name, m, values);
            if (status == LC_OK)
                status = lc_model_tensor_add(model, key, rows, cols, values);
        }
        free(values);
        LC_TRY(status);
    }
    return LC_OK;
}

lc_status lc_cli_model_save(const char *path, const lc_cli_train *t, const lc_cli_read *r, lc_session *session,
                            int epochs_done)
{
    const lc_train_options *o = &t->train;
    lc_model *model = NULL;
    LC_TRY(lc_model_create(&model));
    lc_status status = lc_net_save_params(&o->net, session, model);
#define SET(call)              \
    if (status == LC_OK)       \
        status = (call);
    SET(lc_model_config_set(model, "preset", t->preset ? t->preset : "custom"));
    SET(lc_model_config_set(model, "mask", r->mask_text ? r->mask_text : "none"));
    SET(lc_model_config_set(model, "optimizer", o->optimizer.kind == LC_OPTIMIZER_ADAM ? "adam" : "sgd"));
    SET(lc_model_config_set_float(model, "lr", o->optimizer.lr));
    SET(lc_model_config_set_int(model, "batch", o->batch));
    SET(lc_model_config_set_int(model, "pairs", o->pairs_per_epoch));
    SET(lc_model_config_set_double(model, "pairs_positive", o->pairs_positive));
    SET(lc_model_config_set_int(model, "epochs", o->epochs));
    SET(lc_model_config_set_int(model, "epochs_done", epochs_done));
    SET(lc_model_config_set_int(model, "seed", (int64_t)o->seed));
    SET(lc_model_config_set_int(model, "fold", t->fold));
    SET(lc_model_config_set_int(model, "optimizer_steps", lc_session_step_count(session)));
    if (o->optimizer.kind == LC_OPTIMIZER_ADAM)
        SET(save_moments(model, session));
#undef SET
    if (status == LC_OK)
        status = lc_model_save(model, path);
    lc_model_free(model);
    return status;
}

static lc_status load_training(const lc_model *model, lc_session *session, lc_cli_train *t, lc_cli_read *r,
                               int *epochs_done)
{
    lc_train_options *o = &t->train;
    int64_t batch, pairs, epochs, done, seed, fold, steps;
    double lr;
    const char *optimizer = lc_model_config_get(model, "optimizer");
    const char *preset = lc_model_config_get(model, "preset");
    const char *mask = lc_model_config_get(model, "mask");
    if (optimizer == NULL || mask == NULL)
        return lc_fail(LC_ERR_FORMAT, "model has no training settings to resume from");
    LC_TRY(lc_model_config_get_double(model, "lr", &lr));
    LC_TRY(lc_model_config_get_int(model, "batch", &batch));
    LC_TRY(lc_model_config_get_int(model, "pairs", &pairs));
    LC_TRY(lc_model_config_get_int(model, "epochs", &epochs));
    LC_TRY(lc_model_config_get_int(model, "epochs_done", &done));
    LC_TRY(lc_model_config_get_int(model, "seed", &seed));
    LC_TRY(lc_model_config_get_int(model, "fold", &fold));
    LC_TRY(lc_model_config_get_int(model, "optimizer_steps", &steps));
    o->optimizer.kind = strcmp(optimizer, "adam") == 0 ? LC_OPTIMIZER_ADAM : LC_OPTIMIZER_SGD;
    o->optimizer.lr = (float)lr;
    o->batch = (int32_t)batch;
    o->pairs_per_epoch = pairs;
    /* Absent in models written before balanced sampling existed: uniform pairs. */
    double positive = 0;
    if (lc_model_config_get(model, "pairs_positive"))
        LC_TRY(lc_model_config_get_double(model, "pairs_positive", &positive));
    o->pairs_positive = positive;
    o->epochs = (int)epochs;
    o->seed = (uint64_t)seed;
    t->fold = (int)fold;
    t->preset = preset && strcmp(preset, "seed") == 0 ? "seed" : preset && strcmp(preset, "fast") == 0 ? "fast" : NULL;
    *epochs_done = (int)done;
    lc_session_set_step_count(session, (int32_t)steps);
    if (r) {
        LC_TRY(lc_mask_parse(mask, &r->mask));
        r->mask_text = strcmp(mask, "none") == 0 ? NULL : lc_model_config_get(model, "mask");
    }
    if (o->optimizer.kind != LC_OPTIMIZER_ADAM)
        return LC_OK;
    for (int i = 0; i < lc_session_param_count(session); i++) {
        int64_t rows, cols;
        const char *name = lc_session_param_name(session, i, &rows, &cols);
        for (int m = 0; m < 2; m++) {
            char key[96];
            const float *data = NULL;
            snprintf(key, sizeof key, "adam.%c.%s", m ? 'v' : 'm', name);
            LC_TRY(lc_model_tensor_expect(model, key, rows, cols, &data));
            LC_TRY(lc_session_set_moment(session, name, m, data));
        }
    }
    return LC_OK;
}

lc_status lc_cli_model_load(const char *path, lc_dev *dev, lc_net_config *net, lc_session **session,
                            lc_cli_train *t, lc_cli_read *r, int *epochs_done)
{
    *session = NULL;
    lc_model *model = NULL;
    LC_TRY(lc_model_load(path, &model));
    lc_status status = lc_net_config_from_model(model, net);
    if (status == LC_OK)
        status = lc_session_create(dev, session);
    if (status == LC_OK)
        status = lc_net_load_params(net, model, *session);
    if (status == LC_OK && t) {
        t->train.net = *net;
        status = load_training(model, *session, t, r, epochs_done);
    }
    if (status != LC_OK) {
        char message[1024];
        snprintf(message, sizeof message, "%s", lc_last_error());
        lc_fail(status, "%s: %s", path, message);
        lc_session_free(*session);
        *session = NULL;
    }
    /* The mask text points into the model; keep a copy that outlives it. */
    if (status == LC_OK && r && r->mask_text) {
        static char mask_copy[128];
        snprintf(mask_copy, sizeof mask_copy, "%s", r->mask_text);
        r->mask_text = mask_copy;
    }
    lc_model_free(model);
    return status;
}

int lc_cli_open_model(const char *cmd, const char *device, const char *path, lc_cli_read *r, lc_engine **engine,
                      lc_dev **dev, lc_net_config *net, lc_session **session)
{
    lc_cli_train t = {0};
    lc_cli_read model_read;
    lc_cli_read_defaults(&model_read);
    int epochs_done;
    if (lc_engine_open(NULL, engine) != LC_OK || lc_engine_open_device(*engine, device, dev) != LC_OK ||
        lc_cli_model_load(path, *dev, net, session, &t, &model_read, &epochs_done) != LC_OK)
        return lc_run_error(cmd, "%s", lc_last_error());
    if (r->mask_text == NULL)
        r->mask = model_read.mask;
    return 0;
}

float *lc_cli_embed_dataset(const char *cmd, const lc_net_config *net, lc_session *session,
                            const lc_cli_dataset *d, int32_t chunk)
{
    int H = lc_net_output_size(net);
    float *v = malloc((d->alerts.count ? d->alerts.count : 1) * (size_t)H * sizeof *v);
    if (v == NULL) {
        lc_run_error(cmd, "out of memory for %zu vectors", d->alerts.count);
        return NULL;
    }
    if (lc_net_embed(net, session, d->texts, d->lengths, (int64_t)d->alerts.count, chunk, v) != LC_OK) {
        lc_run_error(cmd, "%s", lc_last_error());
        free(v);
        return NULL;
    }
    return v;
}
