/*
 * The float64 reference of every backend op ("the CPU backend's float64 reference mode").
 *
 * Each function has exactly the semantics and packed layouts of the op of the same name in
 * lstmcorr/backend.h, but takes host double arrays instead of device buffers, and runs as plain
 * loops in one thread. The parity tests compare every device against it and the gradient tests
 * check its backward passes with finite differences, so clarity beats speed here.
 *
 * Conventions:
 *  - Parameters are the ABI's own params structs (their float scalars are exact in double).
 *  - Arrays have the op's layout: row-major double matrices, int32 index lists, element offsets.
 *  - Gradient outputs ACCUMULATE (+=), as in the ABI; a NULL gradient output is skipped.
 *  - Every function returns LC_OK, or LC_ERR_INVALID for a bad shape or argument (then nothing
 *    was written), or LC_ERR_NOMEM (the LSTM keeps per-sequence state). Nothing is printed.
 */
#ifndef LSTMCORR_REFERENCE_H
#define LSTMCORR_REFERENCE_H

#include <stdint.h>

#include "lstmcorr/backend.h"
#include "lstmcorr/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* C[M,N] = alpha op(A) op(B) + beta C with lda/ldb/ldc and element offsets as in lc_gemm_params.
 * As in BLAS, beta == 0 overwrites C without reading it (a NaN already in C does not survive). */
lc_status lc_ref_gemm(const lc_gemm_params *p, const double *a, const double *b, double *c);

/* out[r,:] = table[index[r],:], a zero row when index[r] is outside [0, rows). */
lc_status lc_ref_gather(const lc_gather_params *p, const double *table, const int32_t *index,
                        double *out);
/* table[index[r],:] += src[r,:], out-of-range indices skipped. */
lc_status lc_ref_scatter_add(const lc_gather_params *p, double *table, const int32_t *index,
                             const double *src);

/* The arrays of one LSTM layer, named and shaped as the buffers of lc_lstm_buffers:
 *   codes [total] (CODES) or xproj [total x 4H] (PROJECTED); table [V x 4H]; wh [H x 4H];
 *   bias [4H]; peep [3H] = w_ci | w_cf | w_co (may be NULL for STANDARD);
 *   h_last [batch x H]; h_all [total x H] (when all_steps);
 *   dh_last [batch x H] or NULL; dh_all [total x H] or NULL;
 *   dtable (CODES) or dxproj (PROJECTED), dwh, dbias, dpeep: accumulated, each may be NULL.
 * There is no reserve: the backward recomputes the forward states it needs. */
typedef struct lc_ref_lstm_arrays {
    const int32_t *codes;
    const double *xproj;
    const double *table, *wh, *bias, *peep;
    double *h_last, *h_all;
    const double *dh_last, *dh_all;
    double *dtable, *dxproj, *dwh, *dbias, *dpeep;
} lc_ref_lstm_arrays;

/* Writes h_last (and h_all when p->all_steps). p->training is ignored. Codes outside [0, vocab)
 * are LC_ERR_INVALID. */
lc_status lc_ref_lstm_forward(const lc_lstm_params *p, const lc_ref_lstm_arrays *a);
/* Accumulates the gradients of sum(dh_last . h_last) + sum(dh_all . h_all). Writes no h. */
lc_status lc_ref_lstm_backward(const lc_lstm_params *p, const lc_ref_lstm_arrays *a);

/* out[k] = cos(x[ia[k]], x[ib[k]]), 0 when either norm is 0. */
lc_status lc_ref_cosine_pairs(const lc_cosine_pairs_params *p, const double *x, const int32_t *ia,
                              const int32_t *ib, double *out);
/* dx[ia[k]], dx[ib[k]] += dout[k] d cos / d x (nothing when either norm is 0). */
lc_status lc_ref_cosine_pairs_backward(const lc_cosine_pairs_params *p, const double *x,
                                       const int32_t *ia, const int32_t *ib, const double *dout,
                                       double *dx);

/* loss[0] = mean BCE of sigmoid(z) against target (0 when count is 0); dz += scale (p - t) / count;
 * prob = sigmoid(z). dz and prob may be NULL. */
lc_status lc_ref_sigmoid_bce(const lc_sigmoid_bce_params *p, const double *z, const double *target,
                             double *loss, double *dz, double *prob);

/* y[r] = x[r] / |x[r]|, a zero row stays zero; x == y allowed. */
lc_status lc_ref_l2_normalize(const lc_l2_normalize_params *p, const double *x, double *y);
/* out[i * ld_out + j] = max(0, 1 - x[x_row + i] . y[y_row + j]); other elements untouched. */
lc_status lc_ref_cosine_distance_tile(const lc_distance_params *p, const double *x,
                                      const double *y, double *out);

/* w -= lr g. */
lc_status lc_ref_sgd(const lc_optimizer_params *p, double *w, const double *g);
/* Bias-corrected Adam step p->step (>= 1), updating w, m and v. */
lc_status lc_ref_adam(const lc_optimizer_params *p, double *w, const double *g, double *m,
                      double *v);

#ifdef __cplusplus
}
#endif
#endif
