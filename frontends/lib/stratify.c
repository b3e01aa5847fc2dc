/* Seeded sampling per incident; the same seed and input always give the same rows and cuts. */
#include "stratify.h"
#include "encode.h"
#include "rng.h"

#include <stdlib.h>
#include <string.h>

void lc_stratify_defaults(lc_stratify_options *opts)
{
    opts->cap = 200;
    opts->benign = 1000;
    opts->total = 0;
    opts->seed = 1;
}

void lc_assign_cuts(lc_alert_set *set, uint64_t seed)
{
    lc_rng rng;
    lc_rng_seed(&rng, seed);
    lc_rng_shuffle(&rng, set->alerts, set->count, sizeof *set->alerts);
    for (size_t k = 0; k < set->count; k++)
        set->alerts[k].cut = (int)(k % LC_CUTS);
}

/* Move a uniform random choice of `keep` of the `count` indices to the front (partial Fisher-Yates). */
static void choose(lc_rng *rng, size_t *indices, size_t count, size_t keep)
{
    for (size_t k = 0; k < keep && k + 1 < count; k++) {
        size_t j = k + (size_t)lc_rng_below(rng, (uint64_t)(count - k));
        size_t t = indices[k];
        indices[k] = indices[j];
        indices[j] = t;
    }
}

lc_status lc_stratify(const lc_alert_set *in, const lc_stratify_options *opts, lc_alert_set *out)
{
    lc_incident_ids ids;
    LC_TRY(lc_incident_ids_build(in, &ids));
    /* Group alert indices by incident id; benign is the last group. */
    size_t groups = ids.count + 1;
    size_t *group_start = calloc(groups + 1, sizeof *group_start);
    size_t *order = malloc((in->count ? in->count : 1) * sizeof *order);
    size_t *kept = malloc((in->count ? in->count : 1) * sizeof *kept);
    if (!group_start || !order || !kept) {
        free(group_start);
        free(order);
        free(kept);
        lc_incident_ids_free(&ids);
        return lc_fail(LC_ERR_NOMEM, "out of memory stratifying %zu alerts", in->count);
    }
    for (size_t k = 0; k < in->count; k++)
        group_start[(ids.ids[k] < 0 ? ids.count : (size_t)ids.ids[k]) + 1]++;
    for (size_t g = 0; g < groups; g++)
        group_start[g + 1] += group_start[g];
    size_t *fill = malloc(groups * sizeof *fill);
    if (!fill) {
        free(group_start);
        free(order);
        free(kept);
        lc_incident_ids_free(&ids);
        return lc_fail(LC_ERR_NOMEM, "out of memory stratifying %zu alerts", in->count);
    }
    memcpy(fill, group_start, groups * sizeof *fill);
    for (size_t k = 0; k < in->count; k++)
        order[fill[ids.ids[k] < 0 ? ids.count : (size_t)ids.ids[k]]++] = k;
    free(fill);

    lc_status status = LC_OK;
    size_t incident_kept = 0;
    for (size_t g = 0; g < ids.count; g++) {
        size_t n = group_start[g + 1] - group_start[g];
        incident_kept += opts->cap && n > opts->cap ? opts->cap : n;
    }
    size_t benign_available = group_start[groups] - group_start[ids.count];
    size_t benign_wanted = opts->benign;
    if (opts->total) {
        if (opts->total < incident_kept)
            status = lc_fail(LC_ERR_INVALID, "total %zu is smaller than the %zu incident alerts kept (lower --cap)",
                             opts->total, incident_kept);
        benign_wanted = opts->total - (status == LC_OK ? incident_kept : 0);
    }

    lc_rng rng;
    lc_rng_seed(&rng, opts->seed);
    size_t kept_count = 0;
    for (size_t g = 0; g < groups && status == LC_OK; g++) {
        size_t n = group_start[g + 1] - group_start[g];
        size_t keep = g < ids.count ? (opts->cap && n > opts->cap ? opts->cap : n)
                                    : (benign_wanted < benign_available ? benign_wanted : benign_available);
        size_t *members = order + group_start[g];
        choose(&rng, members, n, keep);
        memcpy(kept + kept_count, members, keep * sizeof *kept);
        kept_count += keep;
    }
    if (status == LC_OK) {
        lc_rng_shuffle(&rng, kept, kept_count, sizeof *kept);
        for (size_t k = 0; k < kept_count && status == LC_OK; k++) {
            status = lc_alert_set_append_copy(out, &in->alerts[kept[k]]);
            if (status == LC_OK)
                out->alerts[out->count - 1].cut = (int)(k % LC_CUTS);
        }
    }
    free(group_start);
    free(order);
    free(kept);
    lc_incident_ids_free(&ids);
    return status;
}
