/* Clustering and scoring one fold over the eps x min_samples grid. */
#include "evaluate.h"

#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "unique_rows.h"

const float lc_eval_eps[LC_EVAL_EPS_COUNT] = {0.0001f, 0.0003f, 0.001f, 0.003f, 0.01f, 0.03f, 0.1f, 0.3f, 1.0f};
const int lc_eval_min_samples[LC_EVAL_MIN_SAMPLES_COUNT] = {1, 3, 10, 30};

lc_status lc_eval_grid(lc_dev *dev, int fold, const float *train_vectors, const int32_t *train_labels,
                       int64_t train_count, const float *valid_vectors, const int32_t *valid_labels,
                       int64_t valid_count, int64_t dim, lc_assign_rule rule, uint64_t seed,
                       void (*on_row)(void *ctx, const lc_eval_row *row), void *ctx)
{
    if (train_count < 1)
        return lc_fail(LC_ERR_INVALID, "fold %d has no training alerts", fold);
    /* The prototype clustered the training vectors in shuffled order; the order decides which
     * cluster a border point joins and which core point a validation alert meets first. */
    int64_t *order = malloc((size_t)train_count * sizeof *order);
    float *vectors = malloc((size_t)(train_count * dim) * sizeof *vectors);
    int32_t *labels = malloc((size_t)train_count * sizeof *labels);
    int32_t *valid_clusters = malloc((size_t)(valid_count ? valid_count : 1) * sizeof *valid_clusters);
    int32_t *mapping = malloc((size_t)train_count * sizeof *mapping);
    lc_neighbor_graph self = {0}, cross = {0};
    lc_unique_rows unique = {0};
    float *distinct = NULL;
    lc_status status = LC_OK;
    if (!order || !vectors || !labels || !valid_clusters || !mapping)
        status = lc_fail(LC_ERR_NOMEM, "out of memory clustering fold %d", fold);
    if (status == LC_OK) {
        lc_rng rng;
        lc_rng_seed(&rng, seed);
        for (int64_t i = 0; i < train_count; i++)
            order[i] = i;
        lc_rng_shuffle(&rng, order, (size_t)train_count, sizeof *order);
        for (int64_t i = 0; i < train_count; i++) {
            memcpy(vectors + i * dim, train_vectors + order[i] * dim, (size_t)dim * sizeof *vectors);
            labels[i] = train_labels[order[i]];
        }
        status = lc_unique_rows_build(vectors, train_count, dim, &unique);
    }
    /* Identical vectors are clustered once, weighted by their count: the same clustering. */
    if (status == LC_OK)
        status = lc_unique_rows_gather(&unique, vectors, dim, &distinct);
    if (status == LC_OK)
        status = lc_neighbors_self(dev, distinct, unique.count, dim, lc_eval_eps, LC_EVAL_EPS_COUNT, 0, &self);
    if (status == LC_OK && valid_count > 0)
        status = lc_neighbors_cross(dev, valid_vectors, valid_count, distinct, unique.count, dim, lc_eval_eps,
                                    LC_EVAL_EPS_COUNT, 0, &cross);
    for (int e = 0; status == LC_OK && e < LC_EVAL_EPS_COUNT; e++) {
        for (int m = 0; status == LC_OK && m < LC_EVAL_MIN_SAMPLES_COUNT; m++) {
            lc_clustering clustering = {0}, grouped = {0};
            status = lc_dbscan_weighted(&self, e, lc_eval_min_samples[m], unique.weight, &grouped);
            if (status == LC_OK)
                status = lc_clustering_expand(&grouped, unique.of, train_count, &clustering);
            if (status == LC_OK)
                status = lc_map_clusters(labels, clustering.labels, train_count, clustering.cluster_count, mapping);
            lc_eval_row row = {.fold = fold, .cut = LC_EVAL_TRAIN, .eps = lc_eval_eps[e],
                               .min_samples = lc_eval_min_samples[m]};
            if (status == LC_OK)
                status = lc_cluster_metrics_compute(labels, clustering.labels, train_count, clustering.cluster_count,
                                                    mapping, &row.metrics);
            if (status == LC_OK)
                on_row(ctx, &row);
            if (status == LC_OK && valid_count > 0) {
                status = lc_assign(&cross, e, &grouped, rule, valid_clusters);
                row.cut = LC_EVAL_VALIDATION;
                if (status == LC_OK)
                    status = lc_cluster_metrics_compute(valid_labels, valid_clusters, valid_count,
                                                        clustering.cluster_count, mapping, &row.metrics);
                if (status == LC_OK)
                    on_row(ctx, &row);
            }
            lc_clustering_free(&clustering);
            lc_clustering_free(&grouped);
        }
    }
    lc_neighbor_graph_free(&self);
    lc_neighbor_graph_free(&cross);
    lc_unique_rows_free(&unique);
    free(distinct);
    free(order);
    free(vectors);
    free(labels);
    free(valid_clusters);
    free(mapping);
    return status;
}
