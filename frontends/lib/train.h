/*
 * Siamese training on alert pairs (method.md "Training"): every ordered pair of training alerts
 * (or a seeded sample per epoch), target 1 when both alerts belong to the same non-benign incident,
 * mean BCE of sigmoid(cos), SGD or Adam. Each batch runs the LSTM once per distinct alert text.
 * Nothing here prints: progress and per-epoch results go to callbacks.
 */
#ifndef LSTMCORR_TRAIN_H
#define LSTMCORR_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "network.h"

/* Alerts with integer labels: -1 = benign, >= 0 = incident id. */
typedef struct lc_labelled_texts {
    int32_t count;
    const char *const *texts;
    const size_t *lengths;
    const int32_t *labels;
} lc_labelled_texts;

typedef struct lc_train_progress {
    int epoch, epochs;           /* 1-based epoch being run */
    int64_t batch, batches;      /* batches done in this epoch */
    double loss;                 /* mean loss of this epoch's batches so far */
    double pairs_per_second;
    double eta_seconds;          /* until the last epoch ends */
} lc_train_progress;

typedef struct lc_epoch_result {
    int epoch;
    double train_loss, train_accuracy;       /* over the epoch's batches, p > 0.5 == target */
    double valid_loss, valid_accuracy;       /* NaN without validation data */
    double seconds;
    int64_t pairs;
} lc_epoch_result;

typedef struct lc_train_options {
    lc_net_config net;
    lc_optimizer_config optimizer;
    int64_t pairs_per_epoch;  /* 0: all N^2 ordered pairs, reshuffled each epoch */
    /* Balanced sampling (sampled pairs only): this fraction of every batch are same-incident pairs
     * (i uniform over the non-benign training alerts, j uniform over i's incident), the rest
     * uniform pairs. 0 (the prototype): uniform only. */
    double pairs_positive;
    int32_t batch;            /* pairs per batch; the last partial batch is dropped */
    int epochs;
    int start_epoch;          /* epochs already done (resume) */
    uint64_t seed;            /* pair order of epoch e comes from (seed, e) alone */
    double max_seconds;       /* stop after the epoch that passes this (0: no limit) */
    int64_t valid_pairs_max;  /* validation pairs evaluated per epoch (sampled when more) */
    void (*on_progress)(void *ctx, const lc_train_progress *progress);
    /* Called after each epoch; a non-OK status stops training with that status. */
    lc_status (*on_epoch)(void *ctx, const lc_epoch_result *result);
    void *ctx;
} lc_train_options;

/* Defaults of the seed preset (method.md): SGD 0.1, batch 10,000, 10 epochs, all pairs. */
void lc_train_options_seed_preset(lc_train_options *options);

/* Train the session's parameters (already initialised or loaded). *epochs_done = last epoch run. */
lc_status lc_train(lc_session *session, const lc_train_options *options, const lc_labelled_texts *train,
                   const lc_labelled_texts *valid, int *epochs_done);

/* Mean BCE and accuracy of sigmoid(cos) over pairs of `data` (all when count^2 <= max_pairs, else
 * max_pairs seeded samples), from vectors already embedded (count x dim). */
void lc_pair_scores(const float *vectors, int dim, const lc_labelled_texts *data, int64_t max_pairs,
                    uint64_t seed, double *loss, double *accuracy);

#endif
