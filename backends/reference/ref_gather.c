/* Reference row gather and its adjoint, the row scatter-add. */
#include "reference.h"

#include <stddef.h>

static int valid_shape(const lc_gather_params *p)
{
    return p && p->count >= 0 && p->rows >= 0 && p->width >= 0;
}

lc_status lc_ref_gather(const lc_gather_params *p, const double *table, const int32_t *index,
                        double *out)
{
    if (!valid_shape(p))
        return LC_ERR_INVALID;
    size_t width = (size_t)p->width;
    for (int32_t r = 0; r < p->count; r++) {
        int32_t row = index[r];
        int in_range = row >= 0 && row < p->rows;
        for (size_t col = 0; col < width; col++)
            out[(size_t)r * width + col] = in_range ? table[(size_t)row * width + col] : 0.0;
    }
    return LC_OK;
}

lc_status lc_ref_scatter_add(const lc_gather_params *p, double *table, const int32_t *index,
                             const double *src)
{
    if (!valid_shape(p))
        return LC_ERR_INVALID;
    size_t width = (size_t)p->width;
    for (int32_t r = 0; r < p->count; r++) {
        int32_t row = index[r];
        if (row < 0 || row >= p->rows)
            continue;
        for (size_t col = 0; col < width; col++)
            table[(size_t)row * width + col] += src[(size_t)r * width + col];
    }
    return LC_OK;
}
