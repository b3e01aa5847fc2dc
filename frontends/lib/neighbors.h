/*
 * Cosine neighbour graphs for DBSCAN and for placing new points: for each query row, every
 * reference row at cosine distance d = max(0, 1 - cos) <= eps, for several eps at once.
 *
 * A graph is built for an ascending list of eps "levels" in one pass over the distances. Each
 * row's entries are grouped by level: first those with d <= eps[0], then those with
 * eps[0] < d <= eps[1], and so on, in ascending reference index inside a group. So the
 * neighbours of row i at level k are the prefix entries offsets[i] .. level_end(i, k) - 1: one
 * CSR per eps without storing any entry twice. Memory is linear in the number of neighbours at
 * the largest eps (plus one distance tile), never rows x cols.
 *
 * Distances are compared in float32, as the device computes them (and as numpy compares a
 * float32 matrix with a Python float): d <= (float)eps.
 */
#ifndef LSTMCORR_NEIGHBORS_H
#define LSTMCORR_NEIGHBORS_H

#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/engine.h"

#define LC_NEIGHBORS_MAX_LEVELS 32
/* Default size of one downloaded distance tile. */
#define LC_NEIGHBORS_TILE_BYTES ((size_t)32 << 20)

typedef struct lc_neighbor_graph {
    int64_t rows;            /* query points */
    int64_t cols;            /* reference points */
    int is_self;             /* queries are the reference points themselves */
    int levels;              /* number of eps values */
    float eps[LC_NEIGHBORS_MAX_LEVELS]; /* ascending */
    int64_t *offsets;        /* [rows + 1]: row i's entries start at offsets[i] */
    int64_t *level_ends;     /* [rows * levels]: end of row i's entries at level k */
    int32_t *indices;        /* [offsets[rows]] reference index */
    float *distances;        /* [offsets[rows]] cosine distance */
} lc_neighbor_graph;

/*
 * The neighbours of each of n vectors (n x dim, row-major, host memory) among themselves.
 * A point is always its own neighbour, at distance 0 (a zero vector too, which is at distance
 * 1 from every other vector). eps: `levels` values in [0, 2], strictly ascending.
 * With dev, the vectors are uploaded, L2-normalised once, and distances are computed on the
 * device in tiles of about tile_bytes (0: LC_NEIGHBORS_TILE_BYTES) and downloaded one by one.
 * With dev NULL the host computes them (double sums): for tests and tiny inputs.
 */
lc_status lc_neighbors_self(lc_dev *dev, const float *vectors, int64_t n, int64_t dim,
                            const float *eps, int levels, size_t tile_bytes,
                            lc_neighbor_graph *out);

/* The neighbours of each query row among the reference rows (e.g. validation alerts among the
 * training alerts); no entry is special. Same conventions as lc_neighbors_self. */
lc_status lc_neighbors_cross(lc_dev *dev, const float *queries, int64_t query_count,
                             const float *reference, int64_t reference_count, int64_t dim,
                             const float *eps, int levels, size_t tile_bytes,
                             lc_neighbor_graph *out);

/* The graph of a precomputed host distance matrix (rows x cols, row-major), like
 * scikit-learn's metric='precomputed'. is_self: rows == cols and row i is point i, which is
 * then its own neighbour at distance 0 whatever the diagonal holds. */
lc_status lc_neighbors_from_distances(const float *distances, int64_t rows, int64_t cols,
                                      int is_self, const float *eps, int levels,
                                      lc_neighbor_graph *out);

void lc_neighbor_graph_free(lc_neighbor_graph *graph);

/* The level whose eps equals `eps` (compared in float32), or -1. */
int lc_neighbor_graph_level(const lc_neighbor_graph *graph, double eps);

/* End of row i's entries at level k: row i has level_end - offsets[i] neighbours there. */
static inline int64_t lc_neighbor_level_end(const lc_neighbor_graph *graph, int64_t row, int level)
{
    return graph->level_ends[row * graph->levels + level];
}

#endif
