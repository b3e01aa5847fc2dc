#include "unique_rows.h"

#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "lstmcorr/engine.h"

void lc_unique_rows_free(lc_unique_rows *u)
{
    free(u->first);
    free(u->of);
    free(u->weight);
    memset(u, 0, sizeof *u);
}

lc_status lc_unique_rows_build(const float *rows, int64_t n, int64_t dim, lc_unique_rows *out)
{
    memset(out, 0, sizeof *out);
    if (n < 0 || dim < 1 || n > INT32_MAX)
        return lc_fail(LC_ERR_INVALID, "unique rows: bad shape %lld x %lld", (long long)n, (long long)dim);
    size_t cap = 16;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    int64_t *slots = malloc(cap * sizeof *slots);
    out->first = malloc((size_t)(n ? n : 1) * sizeof *out->first);
    out->of = malloc((size_t)(n ? n : 1) * sizeof *out->of);
    out->weight = malloc((size_t)(n ? n : 1) * sizeof *out->weight);
    if (slots == NULL || out->first == NULL || out->of == NULL || out->weight == NULL) {
        free(slots);
        lc_unique_rows_free(out);
        return lc_fail(LC_ERR_NOMEM, "unique rows: out of memory for %lld rows", (long long)n);
    }
    for (size_t s = 0; s < cap; s++)
        slots[s] = -1;
    const size_t bytes = (size_t)dim * sizeof(float);
    for (int64_t i = 0; i < n; i++) {
        const float *row = rows + i * dim;
        /* Zero vectors are kept apart: two of them are at distance 1, not 0 (neighbors.h). */
        int zero = 1;
        for (int64_t d = 0; d < dim && zero; d++)
            zero = row[d] == 0.0f;
        if (zero) {
            out->first[out->count] = i;
            out->weight[out->count] = 1;
            out->of[i] = out->count++;
            continue;
        }
        size_t s = lc_fnv1a64(row, (size_t)dim * sizeof(float)) & (cap - 1);
        while (slots[s] >= 0 && memcmp(rows + out->first[slots[s]] * dim, row, bytes) != 0)
            s = (s + 1) & (cap - 1);
        if (slots[s] < 0) {
            slots[s] = out->count;
            out->first[out->count] = i;
            out->weight[out->count] = 0;
            out->count++;
        }
        out->of[i] = slots[s];
        out->weight[slots[s]]++;
    }
    free(slots);
    return LC_OK;
}

lc_status lc_unique_rows_gather(const lc_unique_rows *u, const float *rows, int64_t dim, float **out)
{
    *out = malloc((size_t)(u->count ? u->count : 1) * (size_t)dim * sizeof **out);
    if (*out == NULL)
        return lc_fail(LC_ERR_NOMEM, "unique rows: out of memory for %lld rows", (long long)u->count);
    for (int64_t k = 0; k < u->count; k++)
        memcpy(*out + k * dim, rows + u->first[k] * dim, (size_t)dim * sizeof **out);
    return LC_OK;
}
