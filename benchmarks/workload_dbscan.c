/* dbscan: cluster N seeded vectors with real structure (Gaussian blobs around random directions
 * on the sphere, plus uniform noise on the sphere) at one eps and min_samples: the device
 * neighbour graph (lc_neighbors_self) and then lc_dbscan, both timed. */
#include <math.h>
#include <stdlib.h>

#include "bench.h"
#include "dbscan.h"
#include "neighbors.h"
#include "rng.h"

/* Share of points that are uniform noise, and the blob spread per coordinate (times 1/sqrt(D)):
 * members sit at cosine distance ~0.01 of their centre, unrelated points near 1. */
#define DBSCAN_NOISE_FRACTION 0.1
#define DBSCAN_BLOB_SPREAD 0.15

typedef struct dbscan_state {
    lc_dev *dev;
    const bench_config *config;
    float *vectors;
    int32_t clusters;
    int64_t noise;
} dbscan_state;

static int dbscan_case_count(const bench_config *config)
{
    (void)config;
    return 1;
}

static void dbscan_teardown(void *opaque)
{
    dbscan_state *s = opaque;
    if (s == NULL)
        return;
    free(s->vectors);
    free(s);
}

static float *blob_vectors(int64_t n, int dim, int blobs, uint64_t seed)
{
    float *centres = bench_normal_matrix(blobs, dim, seed);
    float *v = malloc((size_t)n * (size_t)dim * sizeof *v);
    if (centres == NULL || v == NULL) {
        free(centres);
        free(v);
        return NULL;
    }
    for (int b = 0; b < blobs; b++) {
        double norm = 0;
        for (int j = 0; j < dim; j++)
            norm += (double)centres[b * dim + j] * centres[b * dim + j];
        for (int j = 0; j < dim; j++)
            centres[b * dim + j] = (float)(centres[b * dim + j] / sqrt(norm));
    }
    lc_rng rng;
    lc_rng_seed(&rng, seed + 1);
    double spread = DBSCAN_BLOB_SPREAD / sqrt((double)dim);
    for (int64_t i = 0; i < n; i++) {
        float *row = v + i * dim;
        if (lc_rng_uniform(&rng) < DBSCAN_NOISE_FRACTION) {
            for (int j = 0; j < dim; j++) /* a normal vector's direction is uniform on the sphere */
                row[j] = (float)lc_rng_normal(&rng);
        } else {
            const float *centre = centres + (int64_t)lc_rng_below(&rng, (uint64_t)blobs) * dim;
            for (int j = 0; j < dim; j++)
                row[j] = centre[j] + (float)(spread * lc_rng_normal(&rng));
        }
    }
    free(centres);
    return v;
}

static lc_status dbscan_setup(const bench_config *config, int index, lc_dev *dev, bench_case *c, void **out)
{
    (void)index;
    bench_case_param_int(c, "n", config->dbscan_n);
    bench_case_param_int(c, "d", config->dbscan_d);
    bench_case_param_int(c, "blobs", config->dbscan_blobs);
    bench_case_param_double(c, "eps", config->dbscan_eps);
    bench_case_param_int(c, "min_samples", config->dbscan_min_samples);
    dbscan_state *s = calloc(1, sizeof *s);
    if (s == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory");
    s->dev = dev;
    s->config = config;
    s->vectors = blob_vectors(config->dbscan_n, config->dbscan_d, config->dbscan_blobs, config->seed + 11);
    if (s->vectors == NULL) {
        dbscan_teardown(s);
        return lc_fail(LC_ERR_NOMEM, "out of memory for %lld vectors", (long long)config->dbscan_n);
    }
    c->items = (double)config->dbscan_n;
    *out = s;
    return LC_OK;
}

static lc_status dbscan_run(void *opaque)
{
    dbscan_state *s = opaque;
    const bench_config *config = s->config;
    float eps = (float)config->dbscan_eps;
    lc_neighbor_graph graph = {0};
    LC_TRY(lc_neighbors_self(s->dev, s->vectors, config->dbscan_n, config->dbscan_d, &eps, 1, 0, &graph));
    lc_clustering clustering = {0};
    lc_status status = lc_dbscan(&graph, 0, config->dbscan_min_samples, &clustering);
    if (status == LC_OK) {
        s->clusters = clustering.cluster_count;
        s->noise = 0;
        for (int64_t i = 0; i < clustering.points; i++)
            s->noise += clustering.labels[i] == LC_NOISE;
    }
    lc_clustering_free(&clustering);
    lc_neighbor_graph_free(&graph);
    return status;
}

static lc_status dbscan_after(const bench_config *config, void *opaque, const bench_stats *stats, bench_case *c)
{
    (void)config;
    (void)stats;
    dbscan_state *s = opaque;
    bench_case_extra(c, "clusters", s->clusters);
    bench_case_extra(c, "noise", (double)s->noise);
    snprintf(c->note, sizeof c->note, "neighbour graph on the device + DBSCAN: %d clusters, %lld noise",
             (int)s->clusters, (long long)s->noise);
    return LC_OK;
}

const bench_workload bench_workload_dbscan = {
    .name = "dbscan",
    .case_count = dbscan_case_count,
    .setup = dbscan_setup,
    .run = dbscan_run,
    .after_timing = dbscan_after,
    .teardown = dbscan_teardown,
};
