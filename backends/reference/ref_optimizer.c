/* Reference optimiser steps: plain SGD and bias-corrected Adam. */
#include "reference.h"

#include <math.h>

lc_status lc_ref_sgd(const lc_optimizer_params *p, double *w, const double *g)
{
    if (!p || p->count < 0)
        return LC_ERR_INVALID;
    for (int64_t k = 0; k < p->count; k++)
        w[k] -= (double)p->lr * g[k];
    return LC_OK;
}

lc_status lc_ref_adam(const lc_optimizer_params *p, double *w, const double *g, double *m,
                      double *v)
{
    if (!p || p->count < 0 || p->step < 1)
        return LC_ERR_INVALID;
    double beta1 = p->beta1, beta2 = p->beta2;
    double correction1 = 1.0 - pow(beta1, p->step);
    double correction2 = 1.0 - pow(beta2, p->step);
    for (int64_t k = 0; k < p->count; k++) {
        m[k] = beta1 * m[k] + (1.0 - beta1) * g[k];
        v[k] = beta2 * v[k] + (1.0 - beta2) * g[k] * g[k];
        double m_hat = m[k] / correction1;
        double v_hat = v[k] / correction2;
        w[k] -= (double)p->lr * m_hat / (sqrt(v_hat) + (double)p->eps);
    }
    return LC_OK;
}
