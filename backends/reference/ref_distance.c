/* Reference row normalisation and cosine distance tiles (the clustering inputs). */
#include "reference.h"

#include <math.h>
#include <stddef.h>

lc_status lc_ref_l2_normalize(const lc_l2_normalize_params *p, const double *x, double *y)
{
    if (!p || p->rows < 0 || p->width < 0)
        return LC_ERR_INVALID;
    size_t width = (size_t)p->width;
    for (size_t r = 0; r < (size_t)p->rows; r++) {
        double squares = 0.0;
        for (size_t j = 0; j < width; j++)
            squares += x[r * width + j] * x[r * width + j];
        double norm = sqrt(squares);
        for (size_t j = 0; j < width; j++)
            y[r * width + j] = norm == 0.0 ? 0.0 : x[r * width + j] / norm;
    }
    return LC_OK;
}

lc_status lc_ref_cosine_distance_tile(const lc_distance_params *p, const double *x,
                                      const double *y, double *out)
{
    if (!p || p->rows < 0 || p->cols < 0 || p->width < 0 || p->x_row < 0 || p->y_row < 0 ||
        p->ld_out < p->cols)
        return LC_ERR_INVALID;
    size_t width = (size_t)p->width;
    for (size_t i = 0; i < (size_t)p->rows; i++) {
        const double *xi = x + ((size_t)p->x_row + i) * width;
        for (size_t j = 0; j < (size_t)p->cols; j++) {
            const double *yj = y + ((size_t)p->y_row + j) * width;
            double dot = 0.0;
            for (size_t l = 0; l < width; l++)
                dot += xi[l] * yj[l];
            out[i * (size_t)p->ld_out + j] = fmax(0.0, 1.0 - dot);
        }
    }
    return LC_OK;
}
