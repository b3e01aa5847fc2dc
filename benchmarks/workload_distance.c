/* distance: all N x N cosine distances of N L2-normalised D-vectors, computed as row tiles of
 * LC_OP_COSINE_DISTANCE_TILE written one after another into ONE reused tile buffer (the full
 * matrix is never materialised). The same run times a plain GEMM of each tile's shape
 * (tile rows x N x D, B transposed) on the same device, so the result is also a fraction of the
 * device's own GEMM rate. When the whole pass would take longer than --max-time (N = 100000 on
 * a slow device), only the first row tiles that fit are timed, and the row says so: each tile
 * is a full-width slice of the same matrix, so the rate is the same measure. */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* The GEMM reference covers at most this many output elements (its rate does not need all). */
#define DISTANCE_GEMM_ELEMENTS 1000000000.0

typedef struct distance_state {
    lc_dev *dev;
    int64_t n;
    int32_t dim, tile_rows;
    int64_t tiles, timed_tiles;  /* row tiles of the pass, and those timed */
    int64_t gemm_tiles;          /* tiles the GEMM reference runs */
    double max_time;
    lc_buffer *x, *tile;
} distance_state;

static int distance_case_count(const bench_config *config)
{
    return config->distance_n_count * config->distance_d_count;
}

static void distance_teardown(void *opaque)
{
    distance_state *s = opaque;
    if (s == NULL)
        return;
    if (s->x)
        s->dev->api->buffer_free(s->dev->handle, s->x);
    if (s->tile)
        s->dev->api->buffer_free(s->dev->handle, s->tile);
    free(s);
}

static lc_status distance_setup(const bench_config *config, int index, lc_dev *dev, bench_case *c, void **out)
{
    int64_t n = config->distance_n[index / config->distance_d_count];
    int32_t dim = config->distance_d[index % config->distance_d_count];
    int64_t rows = (int64_t)(config->tile_bytes / ((size_t)n * sizeof(float)));
    rows = rows < 1 ? 1 : rows > n ? n : rows;
    bench_case_param_int(c, "n", n);
    bench_case_param_int(c, "d", dim);
    bench_case_param_int(c, "tile_rows", rows);
    if (n > INT32_MAX || (double)rows * (double)n > (double)INT32_MAX)
        return lc_fail(LC_ERR_INVALID, "distance n=%lld is too large", (long long)n);
    distance_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory");
    int64_t tiles = (n + rows - 1) / rows;
    *s = (distance_state){.dev = dev, .n = n, .dim = dim, .tile_rows = (int32_t)rows, .tiles = tiles,
                          .timed_tiles = tiles, .max_time = config->max_time};

    float *host = bench_normal_matrix(n, dim, config->seed + 7);
    size_t x_bytes = (size_t)n * (size_t)dim * sizeof(float);
    lc_status status = host ? LC_OK : lc_fail(LC_ERR_NOMEM, "out of memory for %lld vectors", (long long)n);
    const lc_backend_iface *api = dev->api;
    if (status == LC_OK)
        status = lc_dev_check(dev, api->buffer_alloc(dev->handle, x_bytes, &s->x), "buffer_alloc");
    if (status == LC_OK)
        status = lc_dev_check(dev, api->buffer_upload(dev->handle, s->x, 0, host, x_bytes), "buffer_upload");
    lc_l2_normalize_params norm = {.rows = (int32_t)n, .width = dim};
    if (status == LC_OK) /* normalised once, outside the timing: the op's input contract */
        status = lc_dev_check(dev, api->l2_normalize(dev->handle, &norm, s->x, s->x), "l2_normalize");
    if (status == LC_OK)
        status = lc_dev_check(dev, api->buffer_alloc(dev->handle, (size_t)rows * (size_t)n * sizeof(float), &s->tile),
                              "buffer_alloc");
    lc_distance_params probe = {.rows = (int32_t)rows, .cols = (int32_t)n, .width = dim, .ld_out = (int32_t)n};
    if (status == LC_OK && !api->supports(dev->handle, LC_OP_COSINE_DISTANCE_TILE, &probe))
        status = lc_fail(LC_ERR_UNSUPPORTED, "cosine_distance_tile: %s", api->last_error());
    free(host);
    if (status != LC_OK) {
        distance_teardown(s);
        return status;
    }
    c->items = (double)n * (double)n;
    c->flops = 2.0 * (double)n * (double)n * dim;
    *out = s;
    return LC_OK;
}

static int32_t rows_of_tile(const distance_state *s, int64_t start)
{
    return (int32_t)(s->n - start < s->tile_rows ? s->n - start : s->tile_rows);
}

/* Row tiles [0, count) into the one tile buffer. */
static lc_status distance_tiles(distance_state *s, int64_t count)
{
    lc_dev *dev = s->dev;
    for (int64_t t = 0; t < count; t++) {
        int64_t start = t * s->tile_rows;
        lc_distance_params p = {.rows = rows_of_tile(s, start), .cols = (int32_t)s->n, .width = s->dim,
                                .x_row = (int32_t)start, .y_row = 0, .ld_out = (int32_t)s->n};
        LC_TRY(lc_dev_check(dev, dev->api->cosine_distance_tile(dev->handle, &p, s->x, s->x, s->tile),
                            "cosine_distance_tile"));
    }
    return lc_dev_check(dev, dev->api->synchronize(dev->handle), "synchronize");
}

static lc_status distance_run(void *opaque)
{
    distance_state *s = opaque;
    return distance_tiles(s, s->timed_tiles);
}

/* One tile pays any kernel compile; a second one, timed, says how many tiles fit in --max-time
 * when the full pass would take over 1.5 times that (it would only repeat them). */
static lc_status distance_warmup(void *opaque)
{
    distance_state *s = opaque;
    LC_TRY(distance_tiles(s, 1));
    double start = bench_now();
    LC_TRY(distance_tiles(s, 1));
    double per_tile = bench_now() - start;
    if (per_tile * (double)s->tiles > 1.5 * s->max_time) { /* cut only where it saves much */
        int64_t fit = (int64_t)(s->max_time / (per_tile > 0 ? per_tile : 1e-9));
        s->timed_tiles = fit < 1 ? 1 : fit > s->tiles ? s->tiles : fit;
    }
    return LC_OK;
}

/* tile = x[start rows] . x^T, the same shape as a distance tile, for tiles [0, count). */
static lc_status distance_gemm_tiles(distance_state *s, int64_t count)
{
    lc_dev *dev = s->dev;
    for (int64_t t = 0; t < count; t++) {
        int64_t start = t * s->tile_rows;
        lc_gemm_params p = {.trans_a = 0, .trans_b = 1, .m = rows_of_tile(s, start), .n = (int32_t)s->n,
                            .k = s->dim, .alpha = 1.0f, .beta = 0.0f, .lda = s->dim, .ldb = s->dim,
                            .ldc = (int32_t)s->n, .a_offset = (size_t)start * (size_t)s->dim};
        LC_TRY(lc_dev_check(dev, dev->api->gemm(dev->handle, &p, s->x, s->x, s->tile), "gemm"));
    }
    return lc_dev_check(dev, dev->api->synchronize(dev->handle), "synchronize");
}

static lc_status distance_gemm_run(void *opaque)
{
    distance_state *s = opaque;
    return distance_gemm_tiles(s, s->gemm_tiles);
}

static lc_status distance_gemm_warmup(void *opaque)
{
    return distance_gemm_tiles(opaque, 1);
}

/* Rows covered by the first `count` tiles. */
static double rows_in(const distance_state *s, int64_t count)
{
    double rows = (double)count * s->tile_rows;
    return rows < (double)s->n ? rows : (double)s->n;
}

/* The timed tiles fix the counts; then the reference GEMM over as many tiles (at most
 * DISTANCE_GEMM_ELEMENTS outputs: its rate does not need more). */
static lc_status distance_after(const bench_config *config, void *opaque, const bench_stats *stats, bench_case *c)
{
    distance_state *s = opaque;
    double rows = rows_in(s, s->timed_tiles);
    c->items = rows * (double)s->n;
    c->flops = 2.0 * rows * (double)s->n * s->dim;
    int64_t cap = (int64_t)(DISTANCE_GEMM_ELEMENTS / ((double)s->tile_rows * (double)s->n));
    s->gemm_tiles = cap < 1 ? 1 : cap < s->timed_tiles ? cap : s->timed_tiles;
    bench_stats gemm;
    LC_TRY(bench_time(config, distance_gemm_warmup, distance_gemm_run, s, "distance: reference gemm", &gemm));
    double gemm_flops = 2.0 * rows_in(s, s->gemm_tiles) * (double)s->n * s->dim;
    double gemm_gflops = gemm_flops / gemm.median_s * 1e-9;
    double gflops = c->flops / stats->median_s * 1e-9;
    bench_case_extra(c, "gemm_gflops", gemm_gflops);
    bench_case_extra(c, "gemm_fraction", gflops / gemm_gflops);
    bench_case_extra(c, "rows_timed", rows);
    int len = snprintf(c->note, sizeof c->note, "%lld of %lld row tiles of %d x %lld, one reused buffer",
                       (long long)s->timed_tiles, (long long)s->tiles, (int)s->tile_rows, (long long)s->n);
    if (len > 0 && (size_t)len < sizeof c->note)
        snprintf(c->note + len, sizeof c->note - (size_t)len, "; gemm %.1f GFLOP/s, distance at %.2f of it",
                 gemm_gflops, gflops / gemm_gflops);
    return LC_OK;
}

const bench_workload bench_workload_distance = {
    .name = "distance",
    .case_count = distance_case_count,
    .setup = distance_setup,
    .warmup = distance_warmup,
    .run = distance_run,
    .after_timing = distance_after,
    .teardown = distance_teardown,
};
