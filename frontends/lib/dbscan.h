/*
 * DBSCAN over a neighbour graph (neighbors.h), as scikit-learn runs it.
 *
 * A point is core when it has at least min_samples neighbours at distance <= eps, itself
 * included. Clusters are discovered one at a time, each from the lowest-index core point not yet
 * in a cluster, and grown breadth-first through core points; a non-core point reached from a
 * core point joins that cluster and is not expanded. A border point within eps of core points
 * of several clusters therefore takes the cluster discovered first, i.e. the one whose
 * lowest-index core point is lowest. Points reached by no core point are noise (-1). Cluster ids
 * are 0..cluster_count-1 in order of discovery. The result depends only on the neighbour sets,
 * not on the order of neighbours inside a row.
 */
#ifndef LSTMCORR_DBSCAN_H
#define LSTMCORR_DBSCAN_H

#include <stdint.h>

#include "lstmcorr/status.h"
#include "neighbors.h"

#define LC_NOISE (-1)

typedef struct lc_clustering {
    int64_t points;
    int32_t cluster_count;
    int32_t *labels;  /* [points]: cluster id or LC_NOISE */
    uint8_t *is_core; /* [points]: 1 for core points */
} lc_clustering;

/* Cluster the points of a self graph (lc_neighbors_self) at eps level `level` of the graph.
 * min_samples >= 1 (1 makes every point core). An empty graph is an error. */
lc_status lc_dbscan(const lc_neighbor_graph *graph, int level, int64_t min_samples,
                    lc_clustering *out);

/* The same with a weight per point (how many identical points it stands for, see unique_rows.h):
 * a point is core when the weights of its neighbours, itself included, add up to min_samples.
 * weights NULL: every point weighs 1 (lc_dbscan). */
lc_status lc_dbscan_weighted(const lc_neighbor_graph *graph, int level, int64_t min_samples,
                             const int32_t *weights, lc_clustering *out);
/* The clustering of all n points from that of their distinct points: point i is distinct point
 * of[i]. Same cluster ids. */
lc_status lc_clustering_expand(const lc_clustering *distinct, const int64_t *of, int64_t n, lc_clustering *out);
void lc_clustering_free(lc_clustering *clustering);

/* For each cluster, the core point with the highest cosine similarity to the mean of the
 * cluster's L2-normalised member vectors (ties: the lower index). vectors: points x dim, the
 * ones the graph was built from. representatives: [cluster_count]. */
lc_status lc_clustering_representatives(const lc_clustering *clustering, const float *vectors,
                                        int64_t dim, int32_t *representatives);

#endif
