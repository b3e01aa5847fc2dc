/* Reference cosine similarity of index pairs and its gradient. */
#include "reference.h"

#include <math.h>
#include <stddef.h>

static double dot(const double *x, const double *y, int32_t width)
{
    double sum = 0.0;
    for (int32_t j = 0; j < width; j++)
        sum += x[j] * y[j];
    return sum;
}

static int pairs_valid(const lc_cosine_pairs_params *p, const int32_t *ia, const int32_t *ib)
{
    if (!p || p->pairs < 0 || p->rows < 0 || p->width < 0)
        return 0;
    for (int32_t k = 0; k < p->pairs; k++)
        if (ia[k] < 0 || ia[k] >= p->rows || ib[k] < 0 || ib[k] >= p->rows)
            return 0;
    return 1;
}

lc_status lc_ref_cosine_pairs(const lc_cosine_pairs_params *p, const double *x, const int32_t *ia,
                              const int32_t *ib, double *out)
{
    if (!pairs_valid(p, ia, ib))
        return LC_ERR_INVALID;
    size_t width = (size_t)p->width;
    for (int32_t k = 0; k < p->pairs; k++) {
        const double *a = x + (size_t)ia[k] * width;
        const double *b = x + (size_t)ib[k] * width;
        double norm_a = sqrt(dot(a, a, p->width));
        double norm_b = sqrt(dot(b, b, p->width));
        out[k] = (norm_a == 0.0 || norm_b == 0.0) ? 0.0 : dot(a, b, p->width) / (norm_a * norm_b);
    }
    return LC_OK;
}

/* d cos(a, b) / d a = b / (|a| |b|) - cos a / |a|^2, and symmetrically for b. */
lc_status lc_ref_cosine_pairs_backward(const lc_cosine_pairs_params *p, const double *x,
                                       const int32_t *ia, const int32_t *ib, const double *dout,
                                       double *dx)
{
    if (!pairs_valid(p, ia, ib))
        return LC_ERR_INVALID;
    size_t width = (size_t)p->width;
    for (int32_t k = 0; k < p->pairs; k++) {
        const double *a = x + (size_t)ia[k] * width;
        const double *b = x + (size_t)ib[k] * width;
        double norm_a = sqrt(dot(a, a, p->width));
        double norm_b = sqrt(dot(b, b, p->width));
        if (norm_a == 0.0 || norm_b == 0.0)
            continue;
        double cosine = dot(a, b, p->width) / (norm_a * norm_b);
        double *da = dx + (size_t)ia[k] * width;
        double *db = dx + (size_t)ib[k] * width;
        for (size_t j = 0; j < width; j++) {
            /* Read both rows before writing: ia[k] may equal ib[k]. */
            double grad_a = b[j] / (norm_a * norm_b) - cosine * a[j] / (norm_a * norm_a);
            double grad_b = a[j] / (norm_a * norm_b) - cosine * b[j] / (norm_b * norm_b);
            da[j] += dout[k] * grad_a;
            db[j] += dout[k] * grad_b;
        }
    }
    return LC_OK;
}
