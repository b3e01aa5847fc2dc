/* embed: one LC_OP_LSTM_FORWARD call over N sequences (CODES input, sorted and packed), straight
 * through the backend ABI, reporting the last valid hidden state of each sequence. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "encode.h"
#include "network.h"

typedef struct embed_state {
    lc_dev *dev;
    lc_lstm_params params;
    lc_lstm_buffers buffers;
    int32_t *lengths;
} embed_state;

static int embed_case_count(const bench_config *config)
{
    return config->hidden_count;
}

static void embed_teardown(void *opaque)
{
    embed_state *s = opaque;
    if (s == NULL)
        return;
    lc_buffer **all[] = {&s->buffers.codes, &s->buffers.table, &s->buffers.wh, &s->buffers.bias,
                         &s->buffers.peep, &s->buffers.h_last, &s->buffers.reserve};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        if (*all[k])
            s->dev->api->buffer_free(s->dev->handle, *all[k]);
    free(s->lengths);
    free(s);
}

static lc_status upload_new(lc_dev *dev, const void *host, size_t bytes, lc_buffer **out)
{
    LC_TRY(lc_dev_check(dev, dev->api->buffer_alloc(dev->handle, bytes ? bytes : 4, out), "buffer_alloc"));
    if (host == NULL)
        return lc_dev_check(dev, dev->api->buffer_zero(dev->handle, *out, 0, bytes ? bytes : 4), "buffer_zero");
    return lc_dev_check(dev, dev->api->buffer_upload(dev->handle, *out, 0, host, bytes), "buffer_upload");
}

static lc_status embed_prepare(const bench_config *config, int hidden, lc_dev *dev, embed_state *s)
{
    bench_texts texts;
    LC_TRY(bench_texts_make(config->embed_n, config->len_min, config->len_max, config->seed, &texts));
    lc_net_batch batch;
    lc_status status = lc_net_batch_encode(&batch, (const char *const *)texts.texts, texts.lengths,
                                           (int32_t)texts.count);
    bench_texts_free(&texts);
    LC_TRY(status);
    s->lengths = batch.lengths;
    batch.lengths = NULL;
    int H = hidden;
    s->params = (lc_lstm_params){.form = config->form, .input = LC_LSTM_INPUT_CODES, .batch = batch.count,
                                 .hidden = H, .vocab = LC_ALPHABET_SIZE, .total = (int32_t)batch.total,
                                 .lengths = s->lengths};
    float *table = bench_normal_matrix(LC_ALPHABET_SIZE, 4 * H, config->seed + 1);
    float *wh = bench_normal_matrix(H, 4 * H, config->seed + 2);
    float *peep = bench_normal_matrix(1, 3 * H, config->seed + 3);
    if (table == NULL || wh == NULL || peep == NULL)
        status = lc_fail(LC_ERR_NOMEM, "out of memory for the embed weights");
    for (int64_t k = 0; status == LC_OK && k < (int64_t)LC_ALPHABET_SIZE * 4 * H; k++)
        table[k] *= 0.1f; /* the prototype's N(0, 0.1) */
    for (int64_t k = 0; status == LC_OK && k < (int64_t)H * 4 * H; k++)
        wh[k] *= 0.1f;
    for (int64_t k = 0; status == LC_OK && k < 3 * H; k++)
        peep[k] *= 0.1f;
    size_t f = sizeof(float);
    if (status == LC_OK)
        status = upload_new(dev, batch.codes, (size_t)batch.total * sizeof(int32_t), &s->buffers.codes);
    if (status == LC_OK)
        status = upload_new(dev, table, (size_t)LC_ALPHABET_SIZE * 4 * (size_t)H * f, &s->buffers.table);
    if (status == LC_OK)
        status = upload_new(dev, wh, (size_t)H * 4 * (size_t)H * f, &s->buffers.wh);
    if (status == LC_OK)
        status = upload_new(dev, NULL, 4 * (size_t)H * f, &s->buffers.bias);
    if (status == LC_OK)
        status = upload_new(dev, peep, 3 * (size_t)H * f, &s->buffers.peep);
    if (status == LC_OK)
        status = upload_new(dev, NULL, (size_t)batch.count * (size_t)H * f, &s->buffers.h_last);
    size_t reserve = 0;
    if (status == LC_OK)
        status = lc_dev_check(dev, dev->api->workspace_size(dev->handle, LC_OP_LSTM_FORWARD, &s->params, &reserve),
                              "workspace_size");
    if (status == LC_OK && reserve > 0)
        status = upload_new(dev, NULL, reserve, &s->buffers.reserve);
    free(table);
    free(wh);
    free(peep);
    lc_net_batch_free(&batch);
    return status;
}

static lc_status embed_setup(const bench_config *config, int index, lc_dev *dev, bench_case *c, void **out)
{
    int H = config->hidden[index];
    bench_case_param_int(c, "n", config->embed_n);
    bench_case_param_int(c, "hidden", H);
    bench_case_param_text(c, "form", lc_lstm_form_name(config->form));
    char lengths[32];
    snprintf(lengths, sizeof lengths, "%d-%d", config->len_min, config->len_max);
    bench_case_param_text(c, "lengths", lengths);
    embed_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory");
    s->dev = dev;
    lc_status status = embed_prepare(config, H, dev, s);
    if (status == LC_OK && !dev->api->supports(dev->handle, LC_OP_LSTM_FORWARD, &s->params))
        status = lc_fail(LC_ERR_UNSUPPORTED, "lstm_forward H=%d %s: %s", H, lc_lstm_form_name(config->form),
                         dev->api->last_error());
    if (status != LC_OK) {
        embed_teardown(s);
        return status;
    }
    c->items = (double)config->embed_n;
    c->flops = (double)s->params.total * bench_lstm_forward_flops(H, config->form);
    snprintf(c->note, sizeof c->note, "one lstm_forward call, %d steps packed", s->lengths[0]);
    *out = s;
    return LC_OK;
}

static lc_status embed_run(void *opaque)
{
    embed_state *s = opaque;
    lc_dev *dev = s->dev;
    LC_TRY(lc_dev_check(dev, dev->api->lstm_forward(dev->handle, &s->params, &s->buffers), "lstm_forward"));
    return lc_dev_check(dev, dev->api->synchronize(dev->handle), "synchronize");
}

const bench_workload bench_workload_embed = {
    .name = "embed",
    .case_count = embed_case_count,
    .setup = embed_setup,
    .run = embed_run,
    .teardown = embed_teardown,
};
