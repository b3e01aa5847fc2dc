#include "assign.h"

#include "lstmcorr/engine.h"

lc_status lc_assign(const lc_neighbor_graph *cross, int level, const lc_clustering *clustering,
                    lc_assign_rule rule, int32_t *labels)
{
    if (cross == NULL || clustering == NULL || (labels == NULL && cross->rows > 0))
        return lc_fail(LC_ERR_INVALID, "assign: NULL argument");
    if (cross->cols != clustering->points)
        return lc_fail(LC_ERR_INVALID, "assign: graph against %lld points, clustering of %lld",
                       (long long)cross->cols, (long long)clustering->points);
    if (level < 0 || level >= cross->levels)
        return lc_fail(LC_ERR_INVALID, "assign: eps level %d, the graph has %d", level,
                       cross->levels);
    if (rule != LC_ASSIGN_FIRST_CORE && rule != LC_ASSIGN_NEAREST_CORE)
        return lc_fail(LC_ERR_INVALID, "assign: unknown rule %d", (int)rule);
    const float eps = cross->eps[level];
    for (int64_t i = 0; i < cross->rows; i++) {
        /* Entries up to the level end are at d <= eps; the rule wants d < eps. */
        int64_t end = lc_neighbor_level_end(cross, i, level);
        int32_t chosen = -1;
        float chosen_distance = 0.0f;
        for (int64_t e = cross->offsets[i]; e < end; e++) {
            int32_t j = cross->indices[e];
            float d = cross->distances[e];
            if (!(d < eps) || !clustering->is_core[j])
                continue;
            int better = chosen < 0 ||
                         (rule == LC_ASSIGN_FIRST_CORE
                              ? j < chosen
                              : (d < chosen_distance || (d == chosen_distance && j < chosen)));
            if (better) {
                chosen = j;
                chosen_distance = d;
            }
        }
        labels[i] = chosen < 0 ? LC_NOISE : clustering->labels[chosen];
    }
    return LC_OK;
}

lc_status lc_assign_vectors(lc_dev *dev, const float *queries, int64_t query_count,
                            const float *clustered, int64_t dim, const lc_clustering *clustering,
                            float eps, lc_assign_rule rule, int32_t *labels)
{
    if (clustering == NULL)
        return lc_fail(LC_ERR_INVALID, "assign: NULL clustering");
    lc_neighbor_graph cross;
    LC_TRY(lc_neighbors_cross(dev, queries, query_count, clustered, clustering->points, dim, &eps,
                              1, 0, &cross));
    lc_status status = lc_assign(&cross, 0, clustering, rule, labels);
    lc_neighbor_graph_free(&cross);
    return status;
}
