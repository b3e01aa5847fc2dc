/* train: one siamese step on P pairs over the embed sequences, pair k = (k mod N, (7k + 3) mod N),
 * target k mod 2, through the graph/session API with the frontend network (frozen one-hot): build
 * the graph, run forward, cosine, sigmoid-BCE and backward through time, then one SGD update. Only
 * the distinct sequences the pairs touch run the LSTM, as lc_train does. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "network.h"

typedef struct train_state {
    lc_dev *dev;
    lc_session *session;
    lc_net_config net;
    lc_net_batch batch;          /* the distinct sequences, sorted by length */
    int32_t pairs;
    int32_t *ia, *ib;            /* rows of the sorted batch */
    float *target;
} train_state;

static int train_case_count(const bench_config *config)
{
    return config->hidden_count;
}

static void train_teardown(void *opaque)
{
    train_state *s = opaque;
    if (s == NULL)
        return;
    lc_session_free(s->session);
    lc_net_batch_free(&s->batch);
    free(s->ia);
    free(s->ib);
    free(s->target);
    free(s);
}

/* The distinct sequences the pairs touch, their texts in `sequence index` order, and each pair's
 * two rows in the sorted LSTM batch. */
static lc_status train_prepare(const bench_config *config, train_state *s)
{
    int64_t n = config->embed_n, pairs = config->train_pairs;
    bench_texts texts;
    LC_TRY(bench_texts_make(n, config->len_min, config->len_max, config->seed, &texts));
    int32_t *slot = malloc((size_t)n * sizeof *slot);
    const char **used_texts = malloc((size_t)n * sizeof *used_texts);
    size_t *used_lengths = malloc((size_t)n * sizeof *used_lengths);
    int32_t *row_of_slot = malloc((size_t)n * sizeof *row_of_slot);
    s->ia = malloc((size_t)pairs * sizeof *s->ia);
    s->ib = malloc((size_t)pairs * sizeof *s->ib);
    s->target = malloc((size_t)pairs * sizeof *s->target);
    lc_status status = LC_OK;
    if (!slot || !used_texts || !used_lengths || !row_of_slot || !s->ia || !s->ib || !s->target)
        status = lc_fail(LC_ERR_NOMEM, "out of memory preparing %lld pairs", (long long)pairs);
    int32_t distinct = 0;
    if (status == LC_OK) {
        for (int64_t i = 0; i < n; i++)
            slot[i] = -1;
        for (int64_t k = 0; k < pairs; k++) {
            int64_t ends[2] = {k % n, (7 * k + 3) % n};
            for (int e = 0; e < 2; e++)
                if (slot[ends[e]] < 0) {
                    slot[ends[e]] = distinct;
                    used_texts[distinct] = texts.texts[ends[e]];
                    used_lengths[distinct++] = texts.lengths[ends[e]];
                }
        }
        status = lc_net_batch_encode(&s->batch, used_texts, used_lengths, distinct);
    }
    if (status == LC_OK) {
        for (int32_t r = 0; r < distinct; r++)
            row_of_slot[s->batch.order[r]] = r;
        for (int64_t k = 0; k < pairs; k++) {
            s->ia[k] = row_of_slot[slot[k % n]];
            s->ib[k] = row_of_slot[slot[(7 * k + 3) % n]];
            s->target[k] = (float)(k % 2);
        }
        s->pairs = (int32_t)pairs;
    }
    free(slot);
    free(used_texts);
    free(used_lengths);
    free(row_of_slot);
    bench_texts_free(&texts);
    return status;
}

static lc_status train_setup(const bench_config *config, int index, lc_dev *dev, bench_case *c, void **out)
{
    int H = config->hidden[index];
    bench_case_param_int(c, "pairs", config->train_pairs);
    bench_case_param_int(c, "n", config->embed_n);
    bench_case_param_int(c, "hidden", H);
    bench_case_param_text(c, "form", lc_lstm_form_name(config->form));
    train_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory");
    s->dev = dev;
    s->net = (lc_net_config){.form = config->form, .layers = 1, .hidden = {H}, .train_embedding = 0};
    lc_status status = train_prepare(config, s);
    if (status == LC_OK)
        status = lc_session_create(dev, &s->session);
    if (status == LC_OK)
        status = lc_net_init_params(&s->net, config->seed, s->session);
    if (status != LC_OK) {
        train_teardown(s);
        return status;
    }
    c->items = (double)config->train_pairs;
    c->flops = (double)s->batch.total *
               (bench_lstm_forward_flops(H, config->form) + bench_lstm_backward_flops(H, config->form));
    bench_case_param_int(c, "distinct", s->batch.count);
    snprintf(c->note, sizeof c->note, "graph build + run + SGD; %d distinct sequences", s->batch.count);
    *out = s;
    return LC_OK;
}

static lc_status train_run(void *opaque)
{
    train_state *s = opaque;
    lc_graph *g = NULL;
    LC_TRY(lc_graph_create(&g));
    lc_value h = lc_net_forward(g, &s->net, &s->batch);
    lc_value ia = lc_graph_input(g, LC_I32, s->pairs, 1, s->ia);
    lc_value ib = lc_graph_input(g, LC_I32, s->pairs, 1, s->ib);
    lc_value target = lc_graph_input(g, LC_F32, s->pairs, 1, s->target);
    lc_value loss = lc_graph_sigmoid_bce(g, lc_graph_cosine_pairs(g, h, ia, ib), target, NULL);
    lc_graph_keep(g, loss);
    lc_status status = lc_graph_status(g);
    if (status == LC_OK)
        status = lc_graph_backward(g, loss);
    if (status == LC_OK)
        status = lc_session_run(s->session, g);
    float loss_value = 0;
    if (status == LC_OK) /* reading the loss waits for the device */
        status = lc_session_read(s->session, g, loss, &loss_value);
    lc_optimizer_config sgd = {.kind = LC_OPTIMIZER_SGD, .lr = 0.1f};
    if (status == LC_OK)
        status = lc_session_optimize(s->session, &sgd);
    if (status == LC_OK) /* the update is part of the step */
        status = lc_dev_check(s->dev, s->dev->api->synchronize(s->dev->handle), "synchronize");
    lc_graph_free(g);
    return status;
}

const bench_workload bench_workload_train = {
    .name = "train",
    .case_count = train_case_count,
    .setup = train_setup,
    .run = train_run,
    .teardown = train_teardown,
};
