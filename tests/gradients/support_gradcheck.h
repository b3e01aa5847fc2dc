/* Central finite differences in float64, shared by the gradient tests. */
#ifndef LSTMCORR_TEST_GRADCHECK_H
#define LSTMCORR_TEST_GRADCHECK_H

#include <stddef.h>
#include <stdint.h>

/* A scalar loss of some parameters the caller perturbs in place; ctx is the caller's. */
typedef double (*gradcheck_loss_fn)(void *ctx);

typedef struct gradcheck_result {
    double max_error;  /* max over k of |numeric - analytic| / (ATOL + RTOL |numeric|) */
    size_t worst;      /* index where it was reached */
    double numeric, analytic; /* both gradients there */
    double max_analytic;      /* max |analytic|, to reject a vacuous all-zero check */
} gradcheck_result;

/* Tolerances of the comparison: an error ratio above 1 fails. With step 1e-5 the central
 * difference is exact to about 1e-10 on losses of order 1, so these leave a wide margin while a
 * wrong formula is off by 1e-3 or more. */
#define GRADCHECK_STEP 1e-5
#define GRADCHECK_ATOL 1e-7
#define GRADCHECK_RTOL 1e-5

/* Compares analytic[k] with (loss(param[k] + h) - loss(param[k] - h)) / 2h for every k with
 * skip == NULL or skip[k] == 0; param is restored. */
gradcheck_result gradcheck(gradcheck_loss_fn loss, void *ctx, double *param, size_t count,
                           const double *analytic, const unsigned char *skip);

/* What the analytic gradient must look like besides matching the differences. */
typedef enum gradcheck_expect {
    GRAD_NONZERO = 0, /* not all zero, else the check would prove nothing */
    GRAD_ZERO = 1,    /* exactly zero (an unused parameter) */
    GRAD_ANY = 2      /* tiny by construction (a constant loss): only the match is checked */
} gradcheck_expect;

/* Asserts (CMocka) that the check passed and that the gradient is as expected; name is printed
 * on failure. */
void gradcheck_assert(const char *name, gradcheck_loss_fn loss, void *ctx, double *param,
                      size_t count, const double *analytic, const unsigned char *skip,
                      gradcheck_expect expect);

/* Fills x[count] with seeded normal values times scale. */
void fill_normal(double *x, size_t count, uint64_t seed, uint64_t stream, double scale);
/* sum x[k] w[k]. */
double weighted_sum(const double *x, const double *w, size_t count);
/* calloc of count doubles that fails the test when memory is out. */
double *test_doubles(size_t count);

#endif
