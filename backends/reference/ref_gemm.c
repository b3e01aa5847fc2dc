/* Reference GEMM: the textbook triple loop in double precision. */
#include "reference.h"

#include <stddef.h>

/* Element (row, col) of op(X) where X is stored row-major with stride ld from offset. */
static double op_element(const double *x, size_t offset, int32_t ld, int32_t trans, int32_t row,
                         int32_t col)
{
    if (trans)
        return x[offset + (size_t)col * (size_t)ld + (size_t)row];
    return x[offset + (size_t)row * (size_t)ld + (size_t)col];
}

lc_status lc_ref_gemm(const lc_gemm_params *p, const double *a, const double *b, double *c)
{
    if (!p || p->m < 0 || p->n < 0 || p->k < 0)
        return LC_ERR_INVALID;
    /* Stored shapes: A is M x K (K x M when transposed), B is K x N (N x K when transposed). */
    int32_t a_cols = p->trans_a ? p->m : p->k;
    int32_t b_cols = p->trans_b ? p->k : p->n;
    if (p->lda < a_cols || p->ldb < b_cols || p->ldc < p->n)
        return LC_ERR_INVALID;
    if (p->m == 0 || p->n == 0)
        return LC_OK;
    if (!c || (p->k > 0 && (!a || !b)))
        return LC_ERR_INVALID;
    for (int32_t i = 0; i < p->m; i++) {
        for (int32_t j = 0; j < p->n; j++) {
            double sum = 0.0;
            for (int32_t l = 0; l < p->k; l++)
                sum += op_element(a, p->a_offset, p->lda, p->trans_a, i, l) *
                       op_element(b, p->b_offset, p->ldb, p->trans_b, l, j);
            double *out = &c[p->c_offset + (size_t)i * (size_t)p->ldc + (size_t)j];
            double scaled = (double)p->alpha * sum;
            /* BLAS convention: beta == 0 means C is output only. */
            *out = p->beta == 0.0f ? scaled : scaled + (double)p->beta * *out;
        }
    }
    return LC_OK;
}
