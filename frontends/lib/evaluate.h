/*
 * The prototype's evaluation protocol (method.md): per fold, train on the other nine cuts,
 * cluster the training alerts with DBSCAN over an eps x min_samples grid, map clusters to
 * incidents, place the validation alerts into the clustering, and score train and validation.
 */
#ifndef LSTMCORR_EVALUATE_H
#define LSTMCORR_EVALUATE_H

#include "assign.h"
#include "metrics.h"
#include "train.h"

#define LC_EVAL_EPS_COUNT 9
#define LC_EVAL_MIN_SAMPLES_COUNT 4
extern const float lc_eval_eps[LC_EVAL_EPS_COUNT];
extern const int lc_eval_min_samples[LC_EVAL_MIN_SAMPLES_COUNT];

typedef enum lc_eval_cut { LC_EVAL_TRAIN = 0, LC_EVAL_VALIDATION = 1 } lc_eval_cut;

/* One fold x grid point x cut. */
typedef struct lc_eval_row {
    int fold;
    lc_eval_cut cut;
    float eps;
    int min_samples;
    lc_cluster_metrics metrics;
} lc_eval_row;

/* Cluster one fold's vectors over the whole grid and report each row. train/valid vectors are
 * in the order of their labels arrays. `seed` shuffles the training alerts first (method.md). */
lc_status lc_eval_grid(lc_dev *dev, int fold, const float *train_vectors, const int32_t *train_labels,
                       int64_t train_count, const float *valid_vectors, const int32_t *valid_labels,
                       int64_t valid_count, int64_t dim, lc_assign_rule rule, uint64_t seed,
                       void (*on_row)(void *ctx, const lc_eval_row *row), void *ctx);

#endif
