/* The siamese alert network: parameters, encoding, forward graph, batched embedding. */
#define _POSIX_C_SOURCE 200809L
#include "network.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "rng.h"

static const struct {
    const char *name;
    lc_lstm_form form;
} form_names[] = {{"standard", LC_LSTM_STANDARD}, {"peephole", LC_LSTM_PEEPHOLE},
                  {"lasagne-0.1", LC_LSTM_LASAGNE01}};

lc_status lc_lstm_form_parse(const char *name, lc_lstm_form *out)
{
    for (size_t i = 0; i < sizeof form_names / sizeof form_names[0]; i++)
        if (strcmp(name, form_names[i].name) == 0) {
            *out = form_names[i].form;
            return LC_OK;
        }
    return lc_fail(LC_ERR_INVALID, "unknown LSTM form '%s' (standard, peephole, lasagne-0.1)", name);
}

const char *lc_lstm_form_name(lc_lstm_form form)
{
    for (size_t i = 0; i < sizeof form_names / sizeof form_names[0]; i++)
        if (form_names[i].form == form)
            return form_names[i].name;
    return "unknown";
}

lc_status lc_net_hidden_parse(const char *text, lc_net_config *config)
{
    int layers = 0;
    const char *p = text;
    while (*p) {
        char *end;
        long h = strtol(p, &end, 10);
        if (end == p || h < 1 || h > 4096 || (*end != ',' && *end != '\0'))
            return lc_fail(LC_ERR_INVALID, "bad hidden size list '%s' (e.g. 10 or 64,32; each 1..4096)", text);
        if (layers == LC_NET_MAX_LAYERS)
            return lc_fail(LC_ERR_INVALID, "at most %d LSTM layers", LC_NET_MAX_LAYERS);
        config->hidden[layers++] = (int)h;
        p = *end ? end + 1 : end;
    }
    if (layers == 0)
        return lc_fail(LC_ERR_INVALID, "empty hidden size list");
    config->layers = layers;
    return LC_OK;
}

int lc_net_output_size(const lc_net_config *config)
{
    return config->hidden[config->layers - 1];
}

static int has_peepholes(const lc_net_config *config)
{
    return config->form != LC_LSTM_STANDARD;
}

static void param_name(char *out, size_t len, int layer, const char *what)
{
    snprintf(out, len, "lstm%d.%s", layer, what);
}

/* Every parameter's name and shape, in a fixed order (the order of files and initialisation). */
typedef struct param_spec {
    char name[32];
    int64_t rows, cols;
    enum { INIT_NORMAL, INIT_ZERO, INIT_IDENTITY } init;
} param_spec;

static int param_specs(const lc_net_config *config, param_spec *specs)
{
    int n = 0;
    if (config->train_embedding)
        specs[n++] = (param_spec){"embedding", LC_NET_VOCAB, LC_NET_VOCAB, INIT_IDENTITY};
    for (int l = 0; l < config->layers; l++) {
        int64_t h = config->hidden[l], in = l == 0 ? LC_NET_VOCAB : config->hidden[l - 1];
        param_spec *s = &specs[n];
        param_name(s[0].name, sizeof s[0].name, l, "wx");
        s[0].rows = in, s[0].cols = 4 * h, s[0].init = INIT_NORMAL;
        param_name(s[1].name, sizeof s[1].name, l, "wh");
        s[1].rows = h, s[1].cols = 4 * h, s[1].init = INIT_NORMAL;
        param_name(s[2].name, sizeof s[2].name, l, "bias");
        s[2].rows = 1, s[2].cols = 4 * h, s[2].init = INIT_ZERO;
        n += 3;
        if (has_peepholes(config)) {
            param_name(specs[n].name, sizeof specs[n].name, l, "peep");
            specs[n].rows = 1, specs[n].cols = 3 * h, specs[n].init = INIT_NORMAL;
            n++;
        }
    }
    return n;
}

enum { MAX_PARAMS = 1 + 4 * LC_NET_MAX_LAYERS };

lc_status lc_net_init_params(const lc_net_config *config, uint64_t seed, lc_session *session)
{
    param_spec specs[MAX_PARAMS];
    int count = param_specs(config, specs);
    lc_rng rng;
    lc_rng_seed(&rng, seed);
    for (int i = 0; i < count; i++) {
        size_t n = (size_t)(specs[i].rows * specs[i].cols);
        float *values = calloc(n, sizeof *values);
        if (values == NULL)
            return lc_fail(LC_ERR_NOMEM, "out of memory initialising %s", specs[i].name);
        for (size_t k = 0; k < n; k++) {
            if (specs[i].init == INIT_NORMAL)
                values[k] = (float)(0.1 * lc_rng_normal(&rng));
            else if (specs[i].init == INIT_IDENTITY)
                values[k] = (k / (size_t)specs[i].cols == k % (size_t)specs[i].cols) ? 1.0f : 0.0f;
        }
        /* Gate blocks are [i | f | g | o]: a positive forget bias makes early characters last. */
        if (specs[i].init == INIT_ZERO)
            for (size_t k = n / 4; k < n / 2; k++)
                values[k] = config->forget_bias;
        lc_status status = lc_session_add_param(session, specs[i].name, specs[i].rows, specs[i].cols, values);
        free(values);
        LC_TRY(status);
    }
    return LC_OK;
}

lc_status lc_net_save_params(const lc_net_config *config, lc_session *session, lc_model *model)
{
    char hidden[256] = "";
    for (int l = 0; l < config->layers; l++)
        snprintf(hidden + strlen(hidden), sizeof hidden - strlen(hidden), "%s%d", l ? "," : "", config->hidden[l]);
    LC_TRY(lc_model_config_set(model, "lstm", lc_lstm_form_name(config->form)));
    LC_TRY(lc_model_config_set(model, "hidden", hidden));
    LC_TRY(lc_model_config_set_int(model, "vocab", LC_NET_VOCAB));
    LC_TRY(lc_model_config_set_int(model, "train_embedding", config->train_embedding));
    if (config->reverse) /* only when set: models read first-to-last stay as they were */
        LC_TRY(lc_model_config_set(model, "reading", "reverse"));
    param_spec specs[MAX_PARAMS];
    int count = param_specs(config, specs);
    for (int i = 0; i < count; i++) {
        float *values = malloc((size_t)(specs[i].rows * specs[i].cols) * sizeof *values);
        if (values == NULL)
            return lc_fail(LC_ERR_NOMEM, "out of memory saving %s", specs[i].name);
        lc_status status = lc_session_get_param(session, specs[i].name, values);
        if (status == LC_OK)
            status = lc_model_tensor_add(model, specs[i].name, specs[i].rows, specs[i].cols, values);
        free(values);
        LC_TRY(status);
    }
    return LC_OK;
}

lc_status lc_net_config_from_model(const lc_model *model, lc_net_config *config)
{
    memset(config, 0, sizeof *config);
    const char *form = lc_model_config_get(model, "lstm");
    const char *hidden = lc_model_config_get(model, "hidden");
    if (form == NULL || hidden == NULL)
        return lc_fail(LC_ERR_FORMAT, "model has no 'lstm' or 'hidden' setting");
    LC_TRY(lc_lstm_form_parse(form, &config->form));
    LC_TRY(lc_net_hidden_parse(hidden, config));
    int64_t vocab = 0, embedding = 0;
    LC_TRY(lc_model_config_get_int(model, "vocab", &vocab));
    LC_TRY(lc_model_config_get_int(model, "train_embedding", &embedding));
    if (vocab != LC_NET_VOCAB)
        return lc_fail(LC_ERR_FORMAT, "model alphabet is %lld symbols; this lstmcorr reads %d",
                       (long long)vocab, LC_NET_VOCAB);
    config->train_embedding = embedding != 0;
    const char *reading = lc_model_config_get(model, "reading");
    if (reading != NULL && strcmp(reading, "reverse") != 0 && strcmp(reading, "forward") != 0)
        return lc_fail(LC_ERR_FORMAT, "model reads alerts in an unknown order '%s'", reading);
    config->reverse = reading != NULL && strcmp(reading, "reverse") == 0;
    return LC_OK;
}

lc_status lc_net_load_params(const lc_net_config *config, const lc_model *model, lc_session *session)
{
    param_spec specs[MAX_PARAMS];
    int count = param_specs(config, specs);
    for (int i = 0; i < count; i++) {
        const float *data = NULL;
        LC_TRY(lc_model_tensor_expect(model, specs[i].name, specs[i].rows, specs[i].cols, &data));
        LC_TRY(lc_session_add_param(session, specs[i].name, specs[i].rows, specs[i].cols, data));
    }
    return LC_OK;
}

typedef struct length_index {
    size_t length;
    int32_t index;
} length_index;

static int by_length_desc(const void *a, const void *b)
{
    const length_index *x = a, *y = b;
    if (x->length != y->length)
        return x->length < y->length ? 1 : -1;
    return x->index < y->index ? -1 : (x->index > y->index); /* stable: keeps input order */
}

void lc_net_batch_free(lc_net_batch *batch)
{
    free(batch->order);
    free(batch->lengths);
    free(batch->codes);
    memset(batch, 0, sizeof *batch);
}

static lc_status batch_encode(lc_net_batch *batch, const char *const *texts, const size_t *lengths,
                              int32_t count, int reverse)
{
    memset(batch, 0, sizeof *batch);
    length_index *sorted = malloc((size_t)(count ? count : 1) * sizeof *sorted);
    batch->order = malloc((size_t)(count ? count : 1) * sizeof *batch->order);
    batch->lengths = malloc((size_t)(count ? count : 1) * sizeof *batch->lengths);
    if (sorted == NULL || batch->order == NULL || batch->lengths == NULL) {
        free(sorted);
        lc_net_batch_free(batch);
        return lc_fail(LC_ERR_NOMEM, "out of memory encoding %d alerts", count);
    }
    int64_t total = 0;
    for (int32_t i = 0; i < count; i++) {
        if (lengths[i] > INT32_MAX / 2) {
            free(sorted);
            lc_net_batch_free(batch);
            return lc_fail(LC_ERR_INVALID, "alert %d is too long (%zu bytes)", i, lengths[i]);
        }
        sorted[i] = (length_index){lengths[i], i};
        total += (int64_t)lengths[i];
    }
    qsort(sorted, (size_t)count, sizeof *sorted, by_length_desc);
    batch->count = count;
    batch->total = total;
    batch->codes = malloc((size_t)(total ? total : 1) * sizeof *batch->codes);
    if (batch->codes == NULL || total > INT32_MAX) {
        free(sorted);
        lc_net_batch_free(batch);
        return lc_fail(LC_ERR_NOMEM, "cannot encode %lld characters in one batch", (long long)total);
    }
    for (int32_t k = 0; k < count; k++) {
        batch->order[k] = sorted[k].index;
        batch->lengths[k] = (int32_t)sorted[k].length;
    }
    /* Packed time-major: at step t the sequences still running are a prefix of the sorted batch. */
    int64_t row = 0;
    int32_t active = count;
    for (int32_t t = 0; count > 0 && t < batch->lengths[0]; t++) {
        while (active > 0 && batch->lengths[active - 1] <= t)
            active--;
        for (int32_t k = 0; k < active; k++) {
            int32_t at = reverse ? batch->lengths[k] - 1 - t : t;
            batch->codes[row++] = lc_encode_byte((unsigned char)texts[batch->order[k]][at]);
        }
    }
    free(sorted);
    return LC_OK;
}

lc_status lc_net_batch_encode(lc_net_batch *batch, const char *const *texts, const size_t *lengths,
                              int32_t count)
{
    return batch_encode(batch, texts, lengths, count, 0);
}

lc_status lc_net_batch_encode_for(const lc_net_config *config, lc_net_batch *batch, const char *const *texts,
                                  const size_t *lengths, int32_t count)
{
    return batch_encode(batch, texts, lengths, count, config->reverse);
}

lc_value lc_net_forward(lc_graph *g, const lc_net_config *config, const lc_net_batch *batch)
{
    char name[32];
    lc_value codes = lc_graph_input(g, LC_I32, batch->total, 1, batch->codes);
    lc_value table;
    int h0 = config->hidden[0];
    param_name(name, sizeof name, 0, "wx");
    lc_value wx0 = lc_graph_param(g, name, LC_NET_VOCAB, 4 * h0);
    if (config->train_embedding) {
        /* x = E[code] then x Wx equals row code of E Wx: one small product, then a gather. */
        lc_value embedding = lc_graph_param(g, "embedding", LC_NET_VOCAB, LC_NET_VOCAB);
        table = lc_graph_matmul(g, embedding, wx0, 0, 0);
    } else {
        table = wx0;
    }
    lc_value input = codes, h_last = -1;
    for (int l = 0; l < config->layers; l++) {
        int h = config->hidden[l];
        param_name(name, sizeof name, l, "wh");
        lc_value wh = lc_graph_param(g, name, h, 4 * h);
        param_name(name, sizeof name, l, "bias");
        lc_value bias = lc_graph_param(g, name, 1, 4 * h);
        lc_value peep = -1;
        if (has_peepholes(config)) {
            param_name(name, sizeof name, l, "peep");
            peep = lc_graph_param(g, name, 1, 3 * h);
        }
        if (l > 0) {
            param_name(name, sizeof name, l, "wx");
            lc_value wx = lc_graph_param(g, name, config->hidden[l - 1], 4 * h);
            input = lc_graph_matmul(g, input, wx, 0, 0);
        }
        lc_graph_lstm_desc desc = {.form = config->form, .hidden = h, .batch = batch->count,
                                   .lengths = batch->lengths};
        lc_value h_all = -1;
        h_last = lc_graph_lstm(g, &desc, input, l == 0 ? table : -1, wh, bias, peep,
                               l + 1 < config->layers ? &h_all : NULL);
        input = h_all;
    }
    return h_last;
}

lc_status lc_net_embed(const lc_net_config *config, lc_session *session, const char *const *texts,
                       const size_t *lengths, int64_t count, int32_t chunk, float *vectors)
{
    if (count == 0)
        return LC_OK;
    if (chunk < 1)
        return lc_fail(LC_ERR_INVALID, "embedding chunk must be at least 1");
    int H = lc_net_output_size(config);
    /* Sort everything by length once so each chunk holds similar lengths. */
    length_index *sorted = malloc((size_t)count * sizeof *sorted);
    const char **chunk_texts = malloc((size_t)chunk * sizeof *chunk_texts);
    size_t *chunk_lengths = malloc((size_t)chunk * sizeof *chunk_lengths);
    float *out = malloc((size_t)chunk * (size_t)H * sizeof *out);
    lc_status status = LC_OK;
    if (sorted == NULL || chunk_texts == NULL || chunk_lengths == NULL || out == NULL || count > INT32_MAX)
        status = lc_fail(LC_ERR_NOMEM, "out of memory embedding %lld alerts", (long long)count);
    if (status == LC_OK) {
        for (int64_t i = 0; i < count; i++)
            sorted[i] = (length_index){lengths[i], (int32_t)i};
        qsort(sorted, (size_t)count, sizeof *sorted, by_length_desc);
    }
    for (int64_t start = 0; status == LC_OK && start < count; start += chunk) {
        int32_t n = (int32_t)(count - start < chunk ? count - start : chunk);
        for (int32_t k = 0; k < n; k++) {
            chunk_texts[k] = texts[sorted[start + k].index];
            chunk_lengths[k] = sorted[start + k].length;
        }
        lc_net_batch batch;
        status = lc_net_batch_encode_for(config, &batch, chunk_texts, chunk_lengths, n);
        if (status != LC_OK)
            break;
        lc_graph *g = NULL;
        status = lc_graph_create(&g);
        lc_value h = status == LC_OK ? lc_net_forward(g, config, &batch) : -1;
        if (status == LC_OK && (status = lc_graph_status(g)) == LC_OK) {
            lc_graph_keep(g, h);
            status = lc_session_run(session, g);
        }
        if (status == LC_OK)
            status = lc_session_read(session, g, h, out);
        if (status == LC_OK)
            for (int32_t k = 0; k < n; k++)
                memcpy(vectors + (size_t)sorted[start + batch.order[k]].index * (size_t)H,
                       out + (size_t)k * (size_t)H, (size_t)H * sizeof *out);
        lc_graph_free(g);
        lc_net_batch_free(&batch);
    }
    free(sorted);
    free(chunk_texts);
    free(chunk_lengths);
    free(out);
    return status;
}
