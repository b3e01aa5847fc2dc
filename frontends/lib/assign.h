/*
 * Placing new points (validation alerts) into an existing DBSCAN clustering.
 *
 * A new point joins the cluster of a core point of the clustering at distance strictly below
 * eps, else it is noise. Which core point, when several are close enough:
 *  - LC_ASSIGN_FIRST_CORE: the first in index order (what the prototype did);
 *  - LC_ASSIGN_NEAREST_CORE: the nearest (ties: the lower index).
 * The distances come from a cross graph (lc_neighbors_cross: new points as queries, the
 * clustered points as reference), built once for all eps levels, so a whole eps x min_samples
 * grid is assigned without computing a distance again.
 */
#ifndef LSTMCORR_ASSIGN_H
#define LSTMCORR_ASSIGN_H

#include <stdint.h>

#include "dbscan.h"
#include "neighbors.h"

typedef enum lc_assign_rule {
    LC_ASSIGN_FIRST_CORE = 0,
    LC_ASSIGN_NEAREST_CORE = 1
} lc_assign_rule;

/* labels: [cross->rows], cluster ids of `clustering` or LC_NOISE. The clustering must be of
 * cross->cols points, and at the eps of level `level` or smaller (usually the same level). */
lc_status lc_assign(const lc_neighbor_graph *cross, int level, const lc_clustering *clustering,
                    lc_assign_rule rule, int32_t *labels);

/* One-off placement: builds the cross graph for this eps alone (on dev, or on the host when dev
 * is NULL), assigns, frees it. */
lc_status lc_assign_vectors(lc_dev *dev, const float *queries, int64_t query_count,
                            const float *clustered, int64_t dim, const lc_clustering *clustering,
                            float eps, lc_assign_rule rule, int32_t *labels);

#endif
