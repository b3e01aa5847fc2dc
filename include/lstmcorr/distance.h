/*
 * Pairwise cosine distances on a device, streamed in row tiles so that a queries x reference
 * matrix is never held whole: each tile of d = max(0, 1 - cos) is handed to a callback.
 */
#ifndef LSTMCORR_DISTANCE_H
#define LSTMCORR_DISTANCE_H

#include <stdint.h>

#include "lstmcorr/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called once per tile, in row order: rows [first_row, first_row + rows) of the distance matrix,
 * row-major, reference_count columns. A non-OK status stops the pass with that status. */
typedef lc_status (*lc_distance_tile_fn)(void *ctx, int64_t first_row, int64_t rows, const float *tile);

/* Upload and L2-normalise both sets once (the reference alone when queries is NULL: distances of
 * the reference among itself), then compute tiles of rows_per_tile rows on dev. */
lc_status lc_cosine_distances(lc_dev *dev, const float *queries, int64_t query_count, const float *reference,
                              int64_t reference_count, int64_t dim, int64_t rows_per_tile,
                              lc_distance_tile_fn on_tile, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
