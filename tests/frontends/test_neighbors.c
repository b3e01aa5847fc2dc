/* Neighbour graphs: against brute force in double (pairs within 1e-5 of an eps left out, as a
 * float rounding may put them on either side), through tiles of every size, on the host, on a
 * fake device that checks the tiles it is asked for, and on the CPU backend when it loads. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "dbscan.h"
#include "lstmcorr/engine.h"
#include "neighbors.h"

#define BOUNDARY_MARGIN 1e-5

static const float grid_eps[] = {1e-4f, 3e-4f, 1e-3f, 3e-3f, 0.01f, 0.03f, 0.1f, 0.3f, 1.0f};
#define GRID_LEVELS 9

/* ---- data: clumps of nearly parallel vectors at several spreads, from a fixed seed -------- */

static uint64_t rng_state;

static double uniform(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static float *clumped_vectors(int64_t n, int64_t dim, uint64_t seed)
{
    rng_state = seed;
    float *v = malloc((size_t)n * (size_t)dim * sizeof(float));
    float center[64] = {0}; /* set at i = 0; the compiler cannot see that */
    /* A clump's distances grow about as spread^2: these cover every eps of the grid. */
    const double spreads[] = {3e-3, 0.012, 0.02, 0.04, 0.07, 0.1, 0.17, 0.3, 0.55, 1.0};
    for (int64_t i = 0; i < n; i++) {
        if (i % 7 == 0)
            for (int64_t c = 0; c < dim; c++)
                center[c] = (float)(uniform() * 2 - 1);
        double spread = spreads[(i / 7) % 10];
        for (int64_t c = 0; c < dim; c++)
            v[i * dim + c] = center[c] + (float)(spread * (uniform() * 2 - 1));
    }
    return v;
}

static double cosine_distance(const float *a, const float *b, int64_t dim)
{
    double ab = 0, aa = 0, bb = 0;
    for (int64_t c = 0; c < dim; c++) {
        ab += (double)a[c] * b[c];
        aa += (double)a[c] * a[c];
        bb += (double)b[c] * b[c];
    }
    double d = (aa > 0 && bb > 0) ? 1.0 - ab / sqrt(aa * bb) : 1.0;
    return d > 0 ? d : 0;
}

/* The level of distance d (levels when beyond the last eps), or -1 when too near an eps. */
static int expected_level(const lc_neighbor_graph *g, double d)
{
    for (int k = 0; k < g->levels; k++)
        if (fabs(d - g->eps[k]) < BOUNDARY_MARGIN)
            return -1;
    int k = 0;
    while (k < g->levels && d > g->eps[k])
        k++;
    return k;
}

static void check_graph(const lc_neighbor_graph *g, const float *queries, const float *reference,
                        int64_t dim)
{
    int *level_of_col = malloc((size_t)g->cols * sizeof(int));
    int64_t checked = 0;
    for (int64_t i = 0; i < g->rows; i++) {
        for (int64_t j = 0; j < g->cols; j++)
            level_of_col[j] = g->levels; /* absent */
        int64_t previous_end = g->offsets[i];
        for (int k = 0; k < g->levels; k++) {
            int64_t end = lc_neighbor_level_end(g, i, k);
            assert_true(end >= previous_end);
            for (int64_t e = previous_end; e < end; e++) {
                int32_t j = g->indices[e];
                assert_true(j >= 0 && j < g->cols);
                if (e > previous_end)
                    assert_true(j > g->indices[e - 1]); /* ascending inside a level */
                assert_int_equal(level_of_col[j], g->levels); /* no entry twice */
                level_of_col[j] = k;
                assert_true(g->distances[e] <= g->eps[k]);
                assert_true(k == 0 || g->distances[e] > g->eps[k - 1]);
            }
            previous_end = end;
        }
        assert_int_equal(previous_end, g->offsets[i + 1]);
        for (int64_t j = 0; j < g->cols; j++) {
            if (g->is_self && j == i) {
                assert_int_equal(level_of_col[j], 0);
                continue;
            }
            double d = cosine_distance(queries + i * dim, reference + j * dim, dim);
            int expected = expected_level(g, d);
            if (expected < 0)
                continue;
            if (expected != level_of_col[j])
                fail_msg("row %lld col %lld: distance %.9g in level %d, expected %d",
                         (long long)i, (long long)j, d, level_of_col[j], expected);
            checked++;
        }
    }
    assert_true(checked > g->rows * g->cols * 9 / 10);
    free(level_of_col);
}

static void assert_same_graph(const lc_neighbor_graph *a, const lc_neighbor_graph *b)
{
    assert_int_equal(a->rows, b->rows);
    assert_memory_equal(a->offsets, b->offsets, ((size_t)a->rows + 1) * sizeof(int64_t));
    assert_memory_equal(a->level_ends, b->level_ends,
                        (size_t)a->rows * (size_t)a->levels * sizeof(int64_t));
    int64_t entries = a->offsets[a->rows];
    assert_memory_equal(a->indices, b->indices, (size_t)entries * sizeof(int32_t));
    assert_memory_equal(a->distances, b->distances, (size_t)entries * sizeof(float));
}

/* ---- host ---------------------------------------------------------------------------------- */

static void test_host_self_graph_matches_brute_force(void **state)
{
    (void)state;
    const int64_t n = 280, dim = 8;
    float *v = clumped_vectors(n, dim, 1);
    lc_neighbor_graph whole, tiled;
    assert_int_equal(lc_neighbors_self(NULL, v, n, dim, grid_eps, GRID_LEVELS, 0, &whole), LC_OK);
    check_graph(&whole, v, v, dim);
    /* Every level is used by this data, the smallest too. */
    for (int k = 0; k < GRID_LEVELS; k++) {
        int64_t at_level = 0;
        for (int64_t i = 0; i < n; i++) {
            int64_t begin = k == 0 ? whole.offsets[i] : lc_neighbor_level_end(&whole, i, k - 1);
            at_level += lc_neighbor_level_end(&whole, i, k) - begin;
        }
        if (at_level < n / 10)
            fail_msg("level %d has only %lld entries", k, (long long)at_level);
    }
    /* Tiles of 1, 3 and 7 rows (the last one partial) give the same graph. */
    const size_t tiles[] = {1, 3 * n * sizeof(float), 7 * n * sizeof(float) + 5};
    for (size_t t = 0; t < 3; t++) {
        assert_int_equal(lc_neighbors_self(NULL, v, n, dim, grid_eps, GRID_LEVELS, tiles[t], &tiled),
                         LC_OK);
        assert_same_graph(&whole, &tiled);
        lc_neighbor_graph_free(&tiled);
    }
    assert_int_equal(lc_neighbor_graph_level(&whole, 0.03), 5);
    assert_int_equal(lc_neighbor_graph_level(&whole, 0.02), -1);
    lc_neighbor_graph_free(&whole);
    free(v);
}

static void test_host_cross_graph_matches_brute_force(void **state)
{
    (void)state;
    const int64_t n = 150, queries = 40, dim = 5;
    float *v = clumped_vectors(n + queries, dim, 2);
    lc_neighbor_graph g;
    assert_int_equal(lc_neighbors_cross(NULL, v + n * dim, queries, v, n, dim, grid_eps,
                                        GRID_LEVELS, 100, &g),
                     LC_OK);
    assert_int_equal(g.is_self, 0);
    check_graph(&g, v + n * dim, v, dim);
    lc_neighbor_graph_free(&g);
    /* No reference points: every row is empty. */
    assert_int_equal(lc_neighbors_cross(NULL, v, 3, v, 0, dim, grid_eps, GRID_LEVELS, 0, &g),
                     LC_OK);
    assert_int_equal(g.offsets[3], 0);
    assert_int_equal(lc_neighbor_level_end(&g, 2, GRID_LEVELS - 1), 0);
    lc_neighbor_graph_free(&g);
    free(v);
}

static void test_zero_vector_is_only_its_own_neighbour(void **state)
{
    (void)state;
    const float v[] = {0, 0, 0, 1, 2, 3, 0, 0, 0};
    const float eps[] = {0.5f, 1.0f};
    lc_neighbor_graph g;
    assert_int_equal(lc_neighbors_self(NULL, v, 3, 3, eps, 2, 0, &g), LC_OK);
    for (int64_t i = 0; i < 3; i++) {
        assert_int_equal(lc_neighbor_level_end(&g, i, 0) - g.offsets[i], 1); /* itself */
        assert_int_equal(g.indices[g.offsets[i]], i);
        assert_true(g.distances[g.offsets[i]] == 0.0f);
    }
    /* At distance 1 exactly, from everything: the eps = 1 level holds all the others. */
    assert_int_equal(g.offsets[3], 9);
    lc_neighbor_graph_free(&g);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const float v[] = {1, 2};
    const float descending[] = {0.3f, 0.1f}, negative[] = {-0.1f}, repeated[] = {0.1f, 0.1f};
    lc_neighbor_graph g;
    assert_int_equal(lc_neighbors_self(NULL, v, 1, 2, descending, 2, 0, &g), LC_ERR_INVALID);
    assert_non_null(strstr(lc_last_error(), "ascending"));
    assert_int_equal(lc_neighbors_self(NULL, v, 1, 2, negative, 1, 0, &g), LC_ERR_INVALID);
    assert_int_equal(lc_neighbors_self(NULL, v, 1, 2, repeated, 2, 0, &g), LC_ERR_INVALID);
    assert_int_equal(lc_neighbors_self(NULL, v, 1, 2, grid_eps, 0, 0, &g), LC_ERR_INVALID);
    assert_int_equal(lc_neighbors_self(NULL, v, 1, 0, grid_eps, 1, 0, &g), LC_ERR_INVALID);
    assert_int_equal(lc_neighbors_self(NULL, NULL, 1, 2, grid_eps, 1, 0, &g), LC_ERR_INVALID);
    assert_int_equal(lc_neighbors_from_distances(v, 1, 2, 1, grid_eps, 1, &g), LC_ERR_INVALID);
}

/* ---- a fake device: host memory, float32 arithmetic, a log of the tiles asked for ---------- */

struct lc_device {
    int64_t max_tile_elements;
    int tile_calls;
    int normalize_calls;
};
struct lc_buffer {
    size_t bytes;
    unsigned char *data;
};

static const char *fake_last_error(void) { return "fake device error"; }

static lc_status fake_alloc(lc_device *device, size_t bytes, lc_buffer **out)
{
    (void)device;
    *out = malloc(sizeof(lc_buffer));
    (*out)->bytes = bytes;
    (*out)->data = calloc(1, bytes);
    return LC_OK;
}

static void fake_free(lc_device *device, lc_buffer *buffer)
{
    (void)device;
    free(buffer->data);
    free(buffer);
}

static lc_status fake_upload(lc_device *device, lc_buffer *dst, size_t offset, const void *src,
                             size_t bytes)
{
    (void)device;
    assert_true(offset + bytes <= dst->bytes);
    memcpy(dst->data + offset, src, bytes);
    return LC_OK;
}

static lc_status fake_download(lc_device *device, lc_buffer *src, size_t offset, void *dst,
                               size_t bytes)
{
    (void)device;
    assert_true(offset + bytes <= src->bytes);
    memcpy(dst, src->data + offset, bytes);
    return LC_OK;
}

static lc_status fake_synchronize(lc_device *device)
{
    (void)device;
    return LC_OK;
}

static lc_status fake_l2_normalize(lc_device *device, const lc_l2_normalize_params *p,
                                   lc_buffer *x, lc_buffer *y)
{
    device->normalize_calls++;
    const float *in = (const float *)(void *)x->data;
    float *out = (float *)(void *)y->data;
    for (int32_t r = 0; r < p->rows; r++) {
        float sum = 0;
        for (int32_t c = 0; c < p->width; c++)
            sum += in[r * p->width + c] * in[r * p->width + c];
        float scale = sum > 0 ? 1.0f / sqrtf(sum) : 0.0f;
        for (int32_t c = 0; c < p->width; c++)
            out[r * p->width + c] = in[r * p->width + c] * scale;
    }
    return LC_OK;
}

static lc_status fake_distance_tile(lc_device *device, const lc_distance_params *p, lc_buffer *x,
                                    lc_buffer *y, lc_buffer *out)
{
    device->tile_calls++;
    int64_t elements = (int64_t)p->rows * p->ld_out;
    if (elements > device->max_tile_elements)
        device->max_tile_elements = elements;
    assert_true((size_t)elements * sizeof(float) <= out->bytes);
    const float *a = (const float *)(void *)x->data, *b = (const float *)(void *)y->data;
    float *d = (float *)(void *)out->data;
    for (int32_t i = 0; i < p->rows; i++)
        for (int32_t j = 0; j < p->cols; j++) {
            float dot = 0;
            for (int32_t c = 0; c < p->width; c++)
                dot += a[(p->x_row + i) * p->width + c] * b[(p->y_row + j) * p->width + c];
            d[i * p->ld_out + j] = fmaxf(0.0f, 1.0f - dot);
        }
    return LC_OK;
}

static const lc_backend_iface fake_iface = {
    .abi_major = LC_ABI_MAJOR,
    .name = "fake",
    .last_error = fake_last_error,
    .buffer_alloc = fake_alloc,
    .buffer_free = fake_free,
    .buffer_upload = fake_upload,
    .buffer_download = fake_download,
    .synchronize = fake_synchronize,
    .l2_normalize = fake_l2_normalize,
    .cosine_distance_tile = fake_distance_tile,
};

static void test_fake_device_tiles_and_results(void **state)
{
    (void)state;
    const int64_t n = 230, queries = 31, dim = 6;
    float *v = clumped_vectors(n + queries, dim, 3);
    lc_device handle = {0};
    lc_dev dev = {.api = &fake_iface, .handle = &handle, .name = "fake:0"};

    lc_neighbor_graph g;
    const size_t tile_bytes = 16 * n * sizeof(float);
    assert_int_equal(lc_neighbors_self(&dev, v, n, dim, grid_eps, GRID_LEVELS, tile_bytes, &g),
                     LC_OK);
    check_graph(&g, v, v, dim);
    assert_int_equal(handle.normalize_calls, 1);         /* once, not per tile */
    assert_int_equal(handle.tile_calls, (n + 15) / 16);  /* 16 rows a tile, the last partial */
    assert_int_equal(handle.max_tile_elements, 16 * n);
    lc_neighbor_graph_free(&g);

    handle = (lc_device){0};
    assert_int_equal(lc_neighbors_cross(&dev, v + n * dim, queries, v, n, dim, grid_eps,
                                        GRID_LEVELS, 0, &g),
                     LC_OK);
    check_graph(&g, v + n * dim, v, dim);
    assert_int_equal(handle.normalize_calls, 2); /* queries and reference */
    assert_int_equal(handle.tile_calls, 1);      /* the default tile holds all 31 rows */
    lc_neighbor_graph_free(&g);
    free(v);
}

/* ---- the CPU backend ----------------------------------------------------------------------- */

static lc_engine *engine;
static lc_dev *cpu;

static int open_cpu(void **state)
{
    (void)state;
    if (lc_engine_open(NULL, &engine) == LC_OK && lc_engine_open_device(engine, "cpu", &cpu) != LC_OK)
        cpu = NULL;
    return 0;
}

static int close_cpu(void **state)
{
    (void)state;
    if (cpu)
        lc_dev_close(cpu);
    if (engine)
        lc_engine_close(engine);
    return 0;
}

static void test_cpu_backend_matches_brute_force(void **state)
{
    (void)state;
    if (cpu == NULL) {
        print_message("no cpu backend: %s\n", lc_last_error());
        skip();
    }
    const int64_t n = 300, dim = 10;
    float *v = clumped_vectors(n, dim, 4);
    lc_neighbor_graph g;
    assert_int_equal(lc_neighbors_self(cpu, v, n, dim, grid_eps, GRID_LEVELS, 4096, &g), LC_OK);
    check_graph(&g, v, v, dim);
    lc_neighbor_graph_free(&g);
    free(v);
}

static double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void test_cpu_backend_twenty_thousand_vectors(void **state)
{
    (void)state;
    if (cpu == NULL)
        skip();
    /* 20,000 alerts' vectors: 400 M distances through 32 MiB tiles, then DBSCAN. */
    const int64_t n = 20000, dim = 16;
    float *v = clumped_vectors(n, dim, 5);
    const float eps[] = {1e-3f, 0.01f, 0.03f};
    lc_neighbor_graph g;
    double start = seconds_now();
    assert_int_equal(lc_neighbors_self(cpu, v, n, dim, eps, 3, 0, &g), LC_OK);
    double built = seconds_now();
    lc_clustering c;
    assert_int_equal(lc_dbscan(&g, 2, 5, &c), LC_OK);
    double clustered = seconds_now();
    print_message("20000 x %d: graph %.2f s (%lld entries), dbscan %.3f s, %d clusters\n",
                  (int)dim, built - start, (long long)g.offsets[n], clustered - built,
                  c.cluster_count);
    /* Spot-check rows against brute force. */
    for (int64_t i = 0; i < n; i += 997) {
        int64_t begin = g.offsets[i], end = lc_neighbor_level_end(&g, i, 2);
        int64_t expected = 0;
        for (int64_t j = 0; j < n; j++) {
            double d = cosine_distance(v + i * dim, v + j * dim, dim);
            if (j == i || d <= 0.03 - BOUNDARY_MARGIN)
                expected++;
            else if (d < 0.03 + BOUNDARY_MARGIN)
                expected = -1000000; /* ambiguous row: skip */
        }
        if (expected >= 0)
            assert_int_equal(end - begin, expected);
    }
    assert_true(c.cluster_count > 0);
    assert_true(built - start < 60.0); /* seconds on a laptop; generous for sanitizers */
    lc_clustering_free(&c);
    lc_neighbor_graph_free(&g);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_self_graph_matches_brute_force),
        cmocka_unit_test(test_host_cross_graph_matches_brute_force),
        cmocka_unit_test(test_zero_vector_is_only_its_own_neighbour),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_fake_device_tiles_and_results),
        cmocka_unit_test(test_cpu_backend_matches_brute_force),
        cmocka_unit_test(test_cpu_backend_twenty_thousand_vectors),
    };
    return cmocka_run_group_tests(tests, open_cpu, close_cpu);
}
