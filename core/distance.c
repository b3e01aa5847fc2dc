/* Tiled cosine distances: normalise once, one reused device tile, one host tile. */
#include <stdlib.h>

#include "lstmcorr/distance.h"

static lc_status upload_normalized(lc_dev *dev, const float *x, int64_t rows, int64_t dim, lc_tensor *t)
{
    LC_TRY(lc_tensor_alloc(dev, LC_F32, rows, dim, t));
    LC_TRY(lc_tensor_upload(t, x));
    lc_l2_normalize_params p = {(int32_t)rows, (int32_t)dim};
    return lc_dev_check(dev, dev->api->l2_normalize(dev->handle, &p, t->buf, t->buf), "L2_NORMALIZE");
}

lc_status lc_cosine_distances(lc_dev *dev, const float *queries, int64_t query_count, const float *reference,
                              int64_t reference_count, int64_t dim, int64_t rows_per_tile,
                              lc_distance_tile_fn on_tile, void *ctx)
{
    int self = queries == NULL;
    int64_t rows_total = self ? reference_count : query_count;
    if (rows_total > INT32_MAX || reference_count > INT32_MAX || dim > INT32_MAX || rows_per_tile < 1 ||
        reference_count < 0 || rows_total < 0 || dim < 1)
        return lc_fail(LC_ERR_INVALID, "distances: bad sizes (%lld x %lld, dim %lld, tile %lld rows)",
                       (long long)rows_total, (long long)reference_count, (long long)dim, (long long)rows_per_tile);
    if (rows_total == 0 || reference_count == 0)
        return LC_OK;
    if (rows_per_tile > rows_total)
        rows_per_tile = rows_total;
    lc_tensor q = {0}, r = {0}, tile = {0};
    float *host_tile = NULL;
    lc_status status = upload_normalized(dev, reference, reference_count, dim, &r);
    if (status == LC_OK && !self)
        status = upload_normalized(dev, queries, query_count, dim, &q);
    const lc_tensor *x = self ? &r : &q;
    if (status == LC_OK)
        status = lc_tensor_alloc(dev, LC_F32, rows_per_tile, reference_count, &tile);
    if (status == LC_OK && (host_tile = malloc(lc_tensor_bytes(&tile))) == NULL)
        status = lc_fail(LC_ERR_NOMEM, "distances: out of memory for a %lld x %lld tile", (long long)rows_per_tile,
                         (long long)reference_count);
    for (int64_t first = 0; status == LC_OK && first < rows_total; first += rows_per_tile) {
        int64_t rows = rows_total - first < rows_per_tile ? rows_total - first : rows_per_tile;
        lc_distance_params p = {(int32_t)rows, (int32_t)reference_count, (int32_t)dim, (int32_t)first, 0,
                                (int32_t)reference_count};
        status = lc_dev_check(dev, dev->api->cosine_distance_tile(dev->handle, &p, x->buf, r.buf, tile.buf),
                              "COSINE_DISTANCE_TILE");
        if (status == LC_OK)
            status = lc_dev_check(dev, dev->api->synchronize(dev->handle), "synchronize");
        if (status == LC_OK)
            status = lc_dev_check(dev,
                                  dev->api->buffer_download(dev->handle, tile.buf, 0, host_tile,
                                                            (size_t)rows * (size_t)reference_count * sizeof(float)),
                                  "distance tile download");
        if (status == LC_OK)
            status = on_tile(ctx, first, rows, host_tile);
    }
    free(host_tile);
    lc_tensor_free(&tile);
    lc_tensor_free(&q);
    lc_tensor_free(&r);
    return status;
}
