/* Central finite differences in float64, shared by the gradient tests. */
#include "support_gradcheck.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ref_random.h"

gradcheck_result gradcheck(gradcheck_loss_fn loss, void *ctx, double *param, size_t count,
                           const double *analytic, const unsigned char *skip)
{
    gradcheck_result result = {0};
    for (size_t k = 0; k < count; k++) {
        if (fabs(analytic[k]) > result.max_analytic)
            result.max_analytic = fabs(analytic[k]);
        if (skip && skip[k])
            continue;
        double saved = param[k];
        param[k] = saved + GRADCHECK_STEP;
        double up = loss(ctx);
        param[k] = saved - GRADCHECK_STEP;
        double down = loss(ctx);
        param[k] = saved;
        double numeric = (up - down) / (2.0 * GRADCHECK_STEP);
        double error = fabs(numeric - analytic[k]) / (GRADCHECK_ATOL + GRADCHECK_RTOL * fabs(numeric));
        if (!(error <= result.max_error)) { /* also catches NaN */
            result.max_error = error;
            result.worst = k;
            result.numeric = numeric;
            result.analytic = analytic[k];
        }
    }
    return result;
}

void gradcheck_assert(const char *name, gradcheck_loss_fn loss, void *ctx, double *param,
                      size_t count, const double *analytic, const unsigned char *skip,
                      gradcheck_expect expect)
{
    gradcheck_result r = gradcheck(loss, ctx, param, count, analytic, skip);
    if (!(r.max_error <= 1.0)) {
        print_error("%s: gradient [%zu] analytic %.12g, numeric %.12g (error ratio %.3g)\n", name,
                    r.worst, r.analytic, r.numeric, r.max_error);
        fail();
    }
    if (expect == GRAD_ZERO && r.max_analytic != 0.0) {
        print_error("%s: gradient should be zero, max |g| = %g\n", name, r.max_analytic);
        fail();
    }
    if (expect == GRAD_NONZERO && count > 0 && !(r.max_analytic > 1e-8)) {
        print_error("%s: gradient is all zero, the check proves nothing\n", name);
        fail();
    }
}

void fill_normal(double *x, size_t count, uint64_t seed, uint64_t stream, double scale)
{
    for (size_t k = 0; k < count; k++)
        x[k] = scale * lc_ref_random_normal(seed, stream, k);
}

double weighted_sum(const double *x, const double *w, size_t count)
{
    double sum = 0.0;
    for (size_t k = 0; k < count; k++)
        sum += x[k] * w[k];
    return sum;
}

double *test_doubles(size_t count)
{
    double *x = calloc(count + 1, sizeof(double));
    assert_non_null(x);
    return x;
}
