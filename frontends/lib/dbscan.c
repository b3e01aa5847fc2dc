#include "dbscan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lstmcorr/engine.h"

void lc_clustering_free(lc_clustering *clustering)
{
    if (clustering == NULL)
        return;
    free(clustering->labels);
    free(clustering->is_core);
    clustering->labels = NULL;
    clustering->is_core = NULL;
}

lc_status lc_dbscan(const lc_neighbor_graph *graph, int level, int64_t min_samples,
                    lc_clustering *out)
{
    return lc_dbscan_weighted(graph, level, min_samples, NULL, out);
}

lc_status lc_dbscan_weighted(const lc_neighbor_graph *graph, int level, int64_t min_samples,
                             const int32_t *weights, lc_clustering *out)
{
    if (graph == NULL || out == NULL)
        return lc_fail(LC_ERR_INVALID, "dbscan: NULL argument");
    memset(out, 0, sizeof *out);
    if (!graph->is_self || graph->rows != graph->cols)
        return lc_fail(LC_ERR_INVALID, "dbscan needs the graph of the points among themselves");
    if (graph->rows == 0)
        return lc_fail(LC_ERR_INVALID, "dbscan: no points to cluster");
    if (level < 0 || level >= graph->levels)
        return lc_fail(LC_ERR_INVALID, "dbscan: eps level %d, the graph has %d", level,
                       graph->levels);
    if (min_samples < 1)
        return lc_fail(LC_ERR_INVALID, "dbscan: min_samples must be >= 1, got %lld",
                       (long long)min_samples);
    const int64_t n = graph->rows;
    out->points = n;
    out->labels = malloc((size_t)n * sizeof(int32_t));
    out->is_core = malloc((size_t)n);
    int32_t *queue = malloc((size_t)n * sizeof(int32_t));
    if (out->labels == NULL || out->is_core == NULL || queue == NULL) {
        free(queue);
        lc_clustering_free(out);
        return lc_fail(LC_ERR_NOMEM, "dbscan: out of memory for %lld points", (long long)n);
    }
    for (int64_t i = 0; i < n; i++) {
        out->labels[i] = LC_NOISE;
        int64_t end = lc_neighbor_level_end(graph, i, level), count = end - graph->offsets[i];
        if (weights) {
            count = 0;
            for (int64_t e = graph->offsets[i]; e < end; e++)
                count += weights[graph->indices[e]];
        }
        out->is_core[i] = count >= min_samples;
    }
    int32_t clusters = 0;
    for (int64_t seed = 0; seed < n; seed++) {
        if (out->labels[seed] != LC_NOISE || !out->is_core[seed])
            continue;
        /* Only core points enter the queue: a border point is labelled and never expanded. */
        int64_t head = 0, tail = 0;
        out->labels[seed] = clusters;
        queue[tail++] = (int32_t)seed;
        while (head < tail) {
            int64_t p = queue[head++];
            int64_t end = lc_neighbor_level_end(graph, p, level);
            for (int64_t e = graph->offsets[p]; e < end; e++) {
                int32_t q = graph->indices[e];
                if (out->labels[q] != LC_NOISE)
                    continue;
                out->labels[q] = clusters;
                if (out->is_core[q])
                    queue[tail++] = q;
            }
        }
        clusters++;
    }
    free(queue);
    out->cluster_count = clusters;
    return LC_OK;
}

lc_status lc_clustering_expand(const lc_clustering *distinct, const int64_t *of, int64_t n, lc_clustering *out)
{
    memset(out, 0, sizeof *out);
    out->points = n;
    out->cluster_count = distinct->cluster_count;
    out->labels = malloc((size_t)(n ? n : 1) * sizeof(int32_t));
    out->is_core = malloc((size_t)(n ? n : 1));
    if (out->labels == NULL || out->is_core == NULL) {
        lc_clustering_free(out);
        return lc_fail(LC_ERR_NOMEM, "dbscan: out of memory for %lld points", (long long)n);
    }
    for (int64_t i = 0; i < n; i++) {
        out->labels[i] = distinct->labels[of[i]];
        out->is_core[i] = distinct->is_core[of[i]];
    }
    return LC_OK;
}

lc_status lc_clustering_representatives(const lc_clustering *clustering, const float *vectors,
                                        int64_t dim, int32_t *representatives)
{
    if (clustering == NULL || vectors == NULL || representatives == NULL || dim < 1)
        return lc_fail(LC_ERR_INVALID, "cluster representatives: bad arguments");
    const int64_t n = clustering->points, k = clustering->cluster_count;
    if (k == 0)
        return LC_OK;
    double *sums = calloc((size_t)k * (size_t)dim, sizeof(double));
    double *best = malloc((size_t)k * sizeof(double));
    double *unit = malloc((size_t)dim * sizeof(double));
    if (sums == NULL || best == NULL || unit == NULL) {
        free(sums);
        free(best);
        free(unit);
        return lc_fail(LC_ERR_NOMEM, "cluster representatives: out of memory");
    }
    /* Two passes: sum the unit vectors per cluster, then score the core points against it. The
     * mean's own length is the same for every candidate of a cluster, so the dot product ranks
     * them as the cosine does. */
    for (int pass = 0; pass < 2; pass++) {
        for (int64_t c = 0; c < k; c++) {
            best[c] = -INFINITY;
            representatives[c] = -1;
        }
        for (int64_t i = 0; i < n; i++) {
            int32_t c = clustering->labels[i];
            if (c == LC_NOISE || (pass == 1 && !clustering->is_core[i]))
                continue;
            const float *x = vectors + i * dim;
            double norm = 0.0;
            for (int64_t d = 0; d < dim; d++)
                norm += (double)x[d] * x[d];
            double scale = norm > 0.0 ? 1.0 / sqrt(norm) : 0.0;
            for (int64_t d = 0; d < dim; d++)
                unit[d] = x[d] * scale;
            double *sum = sums + (size_t)c * (size_t)dim;
            if (pass == 0) {
                for (int64_t d = 0; d < dim; d++)
                    sum[d] += unit[d];
                continue;
            }
            double dot = 0.0;
            for (int64_t d = 0; d < dim; d++)
                dot += unit[d] * sum[d];
            if (dot > best[c]) { /* strict: ties keep the lower index */
                best[c] = dot;
                representatives[c] = (int32_t)i;
            }
        }
    }
    free(sums);
    free(best);
    free(unit);
    for (int64_t c = 0; c < k; c++)
        if (representatives[c] < 0)
            return lc_fail(LC_ERR_INVALID, "cluster %lld has no core point: not a DBSCAN result",
                           (long long)c);
    return LC_OK;
}
