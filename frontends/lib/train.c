/* Siamese training loop: pair order, batches of distinct alerts, optimizer steps, epoch results. */
#define _POSIX_C_SOURCE 200809L
#include "train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checksum.h"
#include "rng.h"

void lc_train_options_seed_preset(lc_train_options *o)
{
    memset(o, 0, sizeof *o);
    o->net.form = LC_LSTM_LASAGNE01;
    o->net.layers = 1;
    o->net.hidden[0] = 10;
    o->net.train_embedding = 1; /* the prototype trained its identity embedding (method.md) */
    o->optimizer = (lc_optimizer_config){.kind = LC_OPTIMIZER_SGD, .lr = 0.1f, .beta1 = 0.9f,
                                         .beta2 = 0.999f, .eps = 1e-8f};
    o->batch = 10000;
    o->epochs = 10;
    o->seed = 1;
    o->valid_pairs_max = 200000;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int same_incident(const int32_t *labels, int32_t i, int32_t j)
{
    return labels[i] >= 0 && labels[i] == labels[j];
}

/* Identical alert texts share one LSTM run: unique[i] is text i's class, first[u] a member. */
typedef struct text_classes {
    int32_t *unique; /* [count] */
    int32_t *first;  /* [classes] */
    int32_t classes;
} text_classes;

static lc_status classes_build(const lc_labelled_texts *d, text_classes *c)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)d->count)
        cap *= 2;
    int32_t *slots = malloc(cap * sizeof *slots);
    c->unique = malloc((size_t)(d->count ? d->count : 1) * sizeof *c->unique);
    c->first = malloc((size_t)(d->count ? d->count : 1) * sizeof *c->first);
    c->classes = 0;
    if (slots == NULL || c->unique == NULL || c->first == NULL) {
        free(slots);
        free(c->unique);
        free(c->first);
        return lc_fail(LC_ERR_NOMEM, "out of memory grouping %d alerts", d->count);
    }
    for (size_t i = 0; i < cap; i++)
        slots[i] = -1;
    for (int32_t i = 0; i < d->count; i++) {
        size_t s = lc_fnv1a64(d->texts[i], d->lengths[i]) & (cap - 1);
        while (slots[s] >= 0) {
            int32_t u = slots[s], f = c->first[u];
            if (d->lengths[f] == d->lengths[i] && memcmp(d->texts[f], d->texts[i], d->lengths[i]) == 0)
                break;
            s = (s + 1) & (cap - 1);
        }
        if (slots[s] < 0) {
            slots[s] = c->classes;
            c->first[c->classes++] = i;
        }
        c->unique[i] = slots[s];
    }
    free(slots);
    return LC_OK;
}

static void classes_free(text_classes *c)
{
    free(c->unique);
    free(c->first);
}

/* The non-benign alerts grouped by incident: alerts[start[g] .. start[g] + size[g]) share one
 * incident; group_of[k] is the group of alerts[k]. */
typedef struct incident_groups {
    int32_t *alerts, *group_of, *start, *size;
    int32_t count, members;
} incident_groups;

static void groups_free(incident_groups *g)
{
    free(g->alerts);
    free(g->group_of);
    free(g->start);
    free(g->size);
    memset(g, 0, sizeof *g);
}

static lc_status groups_build(const lc_labelled_texts *d, incident_groups *g)
{
    memset(g, 0, sizeof *g);
    int32_t max_label = -1;
    for (int32_t i = 0; i < d->count; i++)
        if (d->labels[i] > max_label)
            max_label = d->labels[i];
    size_t n = (size_t)(d->count ? d->count : 1), labels = (size_t)max_label + 1;
    int32_t *group_of_label = malloc((labels ? labels : 1) * sizeof *group_of_label);
    g->alerts = malloc(n * sizeof *g->alerts);
    g->group_of = malloc(n * sizeof *g->group_of);
    g->start = malloc(n * sizeof *g->start);
    g->size = calloc(n, sizeof *g->size);
    if (group_of_label == NULL || g->alerts == NULL || g->group_of == NULL || g->start == NULL || g->size == NULL) {
        free(group_of_label);
        groups_free(g);
        return lc_fail(LC_ERR_NOMEM, "out of memory grouping %d alerts by incident", d->count);
    }
    for (size_t l = 0; l < labels; l++)
        group_of_label[l] = -1;
    /* Groups in order of first appearance, members in input order: fixed for a given input. */
    for (int32_t i = 0; i < d->count; i++) {
        int32_t l = d->labels[i];
        if (l < 0)
            continue;
        if (group_of_label[l] < 0)
            group_of_label[l] = g->count++;
        g->size[group_of_label[l]]++;
        g->members++;
    }
    for (int32_t k = 0, at = 0; k < g->count; k++) {
        g->start[k] = at;
        at += g->size[k];
        g->size[k] = 0;
    }
    for (int32_t i = 0; i < d->count; i++) {
        if (d->labels[i] < 0)
            continue;
        int32_t k = group_of_label[d->labels[i]], at = g->start[k] + g->size[k]++;
        g->alerts[at] = i;
        g->group_of[at] = k;
    }
    free(group_of_label);
    return LC_OK;
}

/* One same-incident pair: i uniform over the non-benign alerts, j uniform over i's incident. */
static void groups_draw(const incident_groups *g, lc_rng *rng, int32_t *i, int32_t *j)
{
    int32_t a = (int32_t)lc_rng_below(rng, (uint64_t)g->members), k = g->group_of[a];
    *i = g->alerts[a];
    *j = g->alerts[g->start[k] + (int32_t)lc_rng_below(rng, (uint64_t)g->size[k])];
}

/* The state reused by every batch. */
typedef struct batch_work {
    int32_t *slot_of_class;  /* class -> position among the batch's distinct texts, or -1 */
    int32_t *members;        /* distinct classes of the batch, in first-seen order */
    const char **texts;
    size_t *lengths;
    int32_t *ia, *ib;
    float *target, *prob;
    int32_t *position;       /* distinct index -> row in the sorted LSTM batch */
} batch_work;

static lc_status run_batch(lc_session *session, const lc_train_options *o, const lc_labelled_texts *d,
                           const text_classes *tc, batch_work *w, const uint32_t *pair_ids,
                           const int32_t *pair_i, const int32_t *pair_j, int32_t pairs, double *loss,
                           int64_t *correct)
{
    int32_t distinct = 0;
    for (int32_t k = 0; k < pairs; k++) {
        int32_t i, j;
        if (pair_ids) {
            i = (int32_t)(pair_ids[k] / (uint32_t)d->count);
            j = (int32_t)(pair_ids[k] % (uint32_t)d->count);
        } else {
            i = pair_i[k];
            j = pair_j[k];
        }
        int32_t ends[2] = {tc->unique[i], tc->unique[j]};
        for (int e = 0; e < 2; e++)
            if (w->slot_of_class[ends[e]] < 0) {
                w->slot_of_class[ends[e]] = distinct;
                w->members[distinct++] = ends[e];
            }
        w->ia[k] = w->slot_of_class[ends[0]];
        w->ib[k] = w->slot_of_class[ends[1]];
        w->target[k] = same_incident(d->labels, i, j) ? 1.0f : 0.0f;
    }
    for (int32_t u = 0; u < distinct; u++) {
        int32_t f = tc->first[w->members[u]];
        w->texts[u] = d->texts[f];
        w->lengths[u] = d->lengths[f];
    }
    lc_net_batch batch;
    LC_TRY(lc_net_batch_encode_for(&o->net, &batch, w->texts, w->lengths, distinct));
    for (int32_t k = 0; k < distinct; k++)
        w->position[batch.order[k]] = k;
    for (int32_t k = 0; k < pairs; k++) {
        w->ia[k] = w->position[w->ia[k]];
        w->ib[k] = w->position[w->ib[k]];
    }
    for (int32_t u = 0; u < distinct; u++)
        w->slot_of_class[w->members[u]] = -1;

    lc_graph *g = NULL;
    lc_status status = lc_graph_create(&g);
    lc_value loss_value = -1, prob = -1;
    if (status == LC_OK) {
        lc_value h = lc_net_forward(g, &o->net, &batch);
        lc_value ia = lc_graph_input(g, LC_I32, pairs, 1, w->ia);
        lc_value ib = lc_graph_input(g, LC_I32, pairs, 1, w->ib);
        lc_value t = lc_graph_input(g, LC_F32, pairs, 1, w->target);
        lc_value cos = lc_graph_cosine_pairs(g, h, ia, ib);
        loss_value = lc_graph_sigmoid_bce(g, cos, t, &prob);
        lc_graph_keep(g, loss_value);
        lc_graph_keep(g, prob);
        status = lc_graph_backward(g, loss_value);
    }
    if (status == LC_OK)
        status = lc_session_run(session, g);
    float batch_loss = 0;
    if (status == LC_OK)
        status = lc_session_read(session, g, loss_value, &batch_loss);
    if (status == LC_OK)
        status = lc_session_read(session, g, prob, w->prob);
    if (status == LC_OK)
        status = lc_session_optimize(session, &o->optimizer);
    if (status == LC_OK) {
        *loss = batch_loss;
        for (int32_t k = 0; k < pairs; k++)
            *correct += (w->prob[k] > 0.5f) == (w->target[k] > 0.5f);
    }
    lc_graph_free(g);
    lc_net_batch_free(&batch);
    return status;
}

static uint64_t epoch_seed(uint64_t seed, int epoch)
{
    return seed * 0x9E3779B97F4A7C15ull + (uint64_t)epoch * 0xD1B54A32D192ED03ull + 1;
}

void lc_pair_scores(const float *vectors, int dim, const lc_labelled_texts *data, int64_t max_pairs,
                    uint64_t seed, double *loss, double *accuracy)
{
    int64_t n = data->count, all = n * n, count = all <= max_pairs ? all : max_pairs;
    double total = 0;
    int64_t correct = 0;
    lc_rng rng;
    lc_rng_seed(&rng, seed);
    double *norms = malloc((size_t)(n ? n : 1) * sizeof *norms);
    if (norms == NULL || count == 0) {
        free(norms);
        *loss = *accuracy = NAN;
        return;
    }
    for (int64_t i = 0; i < n; i++) {
        double s = 0;
        for (int d = 0; d < dim; d++)
            s += (double)vectors[i * dim + d] * vectors[i * dim + d];
        norms[i] = sqrt(s);
    }
    for (int64_t k = 0; k < count; k++) {
        int64_t i, j;
        if (all <= max_pairs) {
            i = k / n;
            j = k % n;
        } else {
            i = (int64_t)lc_rng_below(&rng, (uint64_t)n);
            j = (int64_t)lc_rng_below(&rng, (uint64_t)n);
        }
        double dot = 0;
        for (int d = 0; d < dim; d++)
            dot += (double)vectors[i * dim + d] * vectors[j * dim + d];
        double z = norms[i] > 0 && norms[j] > 0 ? dot / (norms[i] * norms[j]) : 0;
        double t = same_incident(data->labels, (int32_t)i, (int32_t)j) ? 1 : 0;
        total += fmax(z, 0) - z * t + log1p(exp(-fabs(z)));
        correct += (z > 0) == (t > 0.5); /* sigmoid(z) > 0.5 */
    }
    free(norms);
    *loss = total / (double)count;
    *accuracy = (double)correct / (double)count;
}

static lc_status validation_scores(lc_session *session, const lc_train_options *o,
                                   const lc_labelled_texts *valid, int epoch, lc_epoch_result *r)
{
    r->valid_loss = r->valid_accuracy = NAN;
    if (valid == NULL || valid->count == 0)
        return LC_OK;
    int dim = lc_net_output_size(&o->net);
    float *vectors = malloc((size_t)valid->count * (size_t)dim * sizeof *vectors);
    if (vectors == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory embedding validation alerts");
    lc_status status = lc_net_embed(&o->net, session, valid->texts, valid->lengths, valid->count, 4096, vectors);
    if (status == LC_OK)
        lc_pair_scores(vectors, dim, valid, o->valid_pairs_max, epoch_seed(o->seed, -epoch), &r->valid_loss,
                       &r->valid_accuracy);
    free(vectors);
    return status;
}

lc_status lc_train(lc_session *session, const lc_train_options *o, const lc_labelled_texts *train,
                   const lc_labelled_texts *valid, int *epochs_done)
{
    *epochs_done = o->start_epoch;
    int64_t n = train->count;
    if (n < 1)
        return lc_fail(LC_ERR_INVALID, "no training alerts");
    if (o->batch < 1 || o->epochs < 0)
        return lc_fail(LC_ERR_INVALID, "batch must be >= 1 and epochs >= 0");
    if (!(o->pairs_positive >= 0 && o->pairs_positive <= 1))
        return lc_fail(LC_ERR_INVALID, "the fraction of same-incident pairs must be in [0, 1]");
    if (o->pairs_positive > 0 && o->pairs_per_epoch == 0)
        return lc_fail(LC_ERR_INVALID, "same-incident pair sampling needs sampled pairs (--pairs N)");
    int64_t pairs_per_epoch = o->pairs_per_epoch > 0 ? o->pairs_per_epoch : n * n;
    if (o->pairs_per_epoch == 0 && n * n > (int64_t)UINT32_MAX)
        return lc_fail(LC_ERR_INVALID, "%lld alerts make %lld pairs per epoch; sample them with --pairs N",
                       (long long)n, (long long)(n * n));
    int64_t batches = pairs_per_epoch / o->batch;
    if (batches == 0)
        return lc_fail(LC_ERR_INVALID, "%lld pairs per epoch make no full batch of %d", (long long)pairs_per_epoch,
                       o->batch);
    /* Same-incident pairs per batch, and the non-benign alerts grouped by incident to draw them. */
    int32_t positives = (int32_t)floor(o->pairs_positive * (double)o->batch + 0.5);
    incident_groups groups = {0};
    if (positives > 0) {
        LC_TRY(groups_build(train, &groups));
        if (groups.count == 0) {
            groups_free(&groups);
            return lc_fail(LC_ERR_INVALID, "same-incident pair sampling needs non-benign training alerts");
        }
    }
    text_classes tc;
    lc_status built = classes_build(train, &tc);
    if (built != LC_OK) {
        groups_free(&groups);
        return built;
    }
    batch_work w = {0};
    size_t b = (size_t)o->batch, distinct_max = (size_t)(2 * b < (size_t)tc.classes ? 2 * b : (size_t)tc.classes);
    w.slot_of_class = malloc((size_t)tc.classes * sizeof *w.slot_of_class);
    w.members = malloc(distinct_max * sizeof *w.members);
    w.texts = malloc(distinct_max * sizeof *w.texts);
    w.lengths = malloc(distinct_max * sizeof *w.lengths);
    w.position = malloc(distinct_max * sizeof *w.position);
    w.ia = malloc(b * sizeof *w.ia);
    w.ib = malloc(b * sizeof *w.ib);
    w.target = malloc(b * sizeof *w.target);
    w.prob = malloc(b * sizeof *w.prob);
    uint32_t *pair_ids = o->pairs_per_epoch == 0 ? malloc((size_t)pairs_per_epoch * sizeof *pair_ids) : NULL;
    int32_t *pair_i = o->pairs_per_epoch ? malloc(b * sizeof *pair_i) : NULL;
    int32_t *pair_j = o->pairs_per_epoch ? malloc(b * sizeof *pair_j) : NULL;
    lc_status status = LC_OK;
    if (!w.slot_of_class || !w.members || !w.texts || !w.lengths || !w.position || !w.ia || !w.ib || !w.target ||
        !w.prob || (o->pairs_per_epoch == 0 && !pair_ids) || (o->pairs_per_epoch && (!pair_i || !pair_j)))
        status = lc_fail(LC_ERR_NOMEM, "out of memory preparing %lld pairs per epoch", (long long)pairs_per_epoch);
    if (status == LC_OK)
        for (int32_t u = 0; u < tc.classes; u++)
            w.slot_of_class[u] = -1;

    double started = now_seconds();
    int64_t pairs_done = 0;
    for (int epoch = o->start_epoch + 1; status == LC_OK && epoch <= o->epochs; epoch++) {
        double epoch_start = now_seconds();
        lc_rng rng;
        lc_rng_seed(&rng, epoch_seed(o->seed, epoch));
        if (pair_ids) {
            for (int64_t k = 0; k < pairs_per_epoch; k++)
                pair_ids[k] = (uint32_t)k;
            lc_rng_shuffle(&rng, pair_ids, (size_t)pairs_per_epoch, sizeof *pair_ids);
        }
        double loss_sum = 0;
        int64_t correct = 0;
        for (int64_t k = 0; status == LC_OK && k < batches; k++) {
            if (!pair_ids) {
                for (int32_t p = 0; p < positives; p++)
                    groups_draw(&groups, &rng, &pair_i[p], &pair_j[p]);
                for (int32_t p = positives; p < o->batch; p++) {
                    pair_i[p] = (int32_t)lc_rng_below(&rng, (uint64_t)n);
                    pair_j[p] = (int32_t)lc_rng_below(&rng, (uint64_t)n);
                }
            }
            double loss = 0;
            status = run_batch(session, o, train, &tc, &w, pair_ids ? pair_ids + k * o->batch : NULL, pair_i,
                               pair_j, o->batch, &loss, &correct);
            loss_sum += loss;
            pairs_done += o->batch;
            if (status == LC_OK && o->on_progress) {
                double elapsed = now_seconds() - started;
                double rate = elapsed > 0 ? (double)pairs_done / elapsed : 0;
                int64_t left = (int64_t)(o->epochs - epoch) * batches * o->batch + (batches - k - 1) * o->batch;
                lc_train_progress p = {.epoch = epoch, .epochs = o->epochs, .batch = k + 1, .batches = batches,
                                       .loss = loss_sum / (double)(k + 1), .pairs_per_second = rate,
                                       .eta_seconds = rate > 0 ? (double)left / rate : 0};
                o->on_progress(o->ctx, &p);
            }
        }
        if (status != LC_OK)
            break;
        lc_epoch_result r = {.epoch = epoch, .train_loss = loss_sum / (double)batches,
                             .train_accuracy = (double)correct / (double)(batches * o->batch),
                             .pairs = batches * o->batch};
        status = validation_scores(session, o, valid, epoch, &r);
        r.seconds = now_seconds() - epoch_start;
        *epochs_done = epoch;
        if (status == LC_OK && o->on_epoch)
            status = o->on_epoch(o->ctx, &r);
        if (o->max_seconds > 0 && now_seconds() - started >= o->max_seconds)
            break;
    }
    classes_free(&tc);
    groups_free(&groups);
    free(w.slot_of_class);
    free(w.members);
    free(w.texts);
    free(w.lengths);
    free(w.position);
    free(w.ia);
    free(w.ib);
    free(w.target);
    free(w.prob);
    free(pair_ids);
    free(pair_i);
    free(pair_j);
    return status;
}
