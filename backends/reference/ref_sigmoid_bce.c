/* Reference fused sigmoid + binary cross-entropy, in its numerically stable form. */
#include "reference.h"

#include <math.h>

lc_status lc_ref_sigmoid_bce(const lc_sigmoid_bce_params *p, const double *z, const double *target,
                             double *loss, double *dz, double *prob)
{
    if (!p || p->count < 0 || !loss)
        return LC_ERR_INVALID;
    double sum = 0.0;
    for (int32_t k = 0; k < p->count; k++) {
        double zk = z[k];
        double tk = target[k];
        /* max(z,0) - z t + log(1 + exp(-|z|)) never overflows. */
        sum += fmax(zk, 0.0) - zk * tk + log1p(exp(-fabs(zk)));
        double pk = 1.0 / (1.0 + exp(-zk));
        if (dz)
            dz[k] += (double)p->scale * (pk - tk) / (double)p->count;
        if (prob)
            prob[k] = pk;
    }
    loss[0] = p->count > 0 ? sum / (double)p->count : 0.0;
    return LC_OK;
}
