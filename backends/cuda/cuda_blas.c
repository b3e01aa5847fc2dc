/* cuBLAS products: the GEMM op, the row-major helper the LSTM uses, and the distance tile. */
#include "cuda_internal.h"

#include "cuda_kernels.h"

/* Row-major C = A B is column-major C^T = B^T A^T: swap the operands and the sizes m, n. */
lc_status lc_cuda_sgemm_rows(lc_device *dev, int trans_a, int trans_b, int m, int n, int k,
                             float alpha, const float *a, int lda, const float *b, int ldb,
                             float beta, float *c, int ldc)
{
    if (m <= 0 || n <= 0)
        return LC_OK;
    LC_CUBLAS(cublasSgemm(dev->cublas, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                          trans_a ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, &alpha, b, ldb, a, lda,
                          &beta, c, ldc));
    return LC_OK;
}

/* Elements a row-major rows x cols matrix with row stride ld spans. */
static size_t span(int32_t rows, int32_t cols, int32_t ld)
{
    return rows > 0 && cols > 0 ? (size_t)(rows - 1) * (size_t)ld + (size_t)cols : 0;
}

lc_status lc_cuda_gemm(lc_device *dev, const lc_gemm_params *p, lc_buffer *a, lc_buffer *b,
                       lc_buffer *c)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    if (!p)
        return lc_cuda_fail(LC_ERR_INVALID, "gemm: params NULL");
    if (p->m < 0 || p->n < 0 || p->k < 0)
        return lc_cuda_fail(LC_ERR_INVALID, "gemm: negative size %d x %d x %d", p->m, p->n, p->k);
    int32_t a_rows = p->trans_a ? p->k : p->m, a_cols = p->trans_a ? p->m : p->k;
    int32_t b_rows = p->trans_b ? p->n : p->k, b_cols = p->trans_b ? p->k : p->n;
    if (p->lda < (a_cols > 1 ? a_cols : 1) || p->ldb < (b_cols > 1 ? b_cols : 1) ||
        p->ldc < (p->n > 1 ? p->n : 1))
        return lc_cuda_fail(LC_ERR_INVALID, "gemm: row stride below row length (lda %d ldb %d ldc %d)",
                            p->lda, p->ldb, p->ldc);
    LC_CUDA_TRY(lc_cuda_need(a, p->a_offset * 4, span(a_rows, a_cols, p->lda) * 4, "gemm A"));
    LC_CUDA_TRY(lc_cuda_need(b, p->b_offset * 4, span(b_rows, b_cols, p->ldb) * 4, "gemm B"));
    LC_CUDA_TRY(lc_cuda_need(c, p->c_offset * 4, span(p->m, p->n, p->ldc) * 4, "gemm C"));
    if (p->m == 0 || p->n == 0)
        return LC_OK;
    float *cp = (float *)c->ptr + p->c_offset;
    if (p->k == 0) {
        /* C = beta C. beta = 0 must not read C (it may hold NaN), as in BLAS. */
        if (p->beta == 0.0f)
            LC_CUDA(cudaMemset2DAsync(cp, (size_t)p->ldc * 4, 0, (size_t)p->n * 4, (size_t)p->m,
                                      dev->stream));
        else if (p->beta != 1.0f)
            LC_CUBLAS(cublasSgeam(dev->cublas, CUBLAS_OP_N, CUBLAS_OP_N, p->n, p->m, &p->beta, cp,
                                  p->ldc, &(float){0.0f}, cp, p->ldc, cp, p->ldc));
        return LC_OK;
    }
    return lc_cuda_sgemm_rows(dev, p->trans_a, p->trans_b, p->m, p->n, p->k, p->alpha,
                              (const float *)a->ptr + p->a_offset, p->lda,
                              (const float *)b->ptr + p->b_offset, p->ldb, p->beta, cp, p->ldc);
}

lc_status lc_cuda_cosine_distance_tile(lc_device *dev, const lc_distance_params *p, lc_buffer *x,
                                       lc_buffer *y, lc_buffer *out)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    if (!p)
        return lc_cuda_fail(LC_ERR_INVALID, "cosine_distance_tile: params NULL");
    if (p->rows < 0 || p->cols < 0 || p->width < 0 || p->x_row < 0 || p->y_row < 0 ||
        p->ld_out < p->cols)
        return lc_cuda_fail(LC_ERR_INVALID, "cosine_distance_tile: bad shape");
    if (p->rows == 0 || p->cols == 0)
        return LC_OK;
    size_t w = (size_t)p->width;
    LC_CUDA_TRY(lc_cuda_need(x, (size_t)p->x_row * w * 4, (size_t)p->rows * w * 4, "distance x"));
    LC_CUDA_TRY(lc_cuda_need(y, (size_t)p->y_row * w * 4, (size_t)p->cols * w * 4, "distance y"));
    LC_CUDA_TRY(lc_cuda_need(out, 0, span(p->rows, p->cols, p->ld_out) * 4, "distance out"));
    float *o = out->ptr;
    /* out = -X Y^T, then one pass turns it into max(0, 1 + out). */
    if (p->width == 0) {
        LC_CUDA(cudaMemset2DAsync(o, (size_t)p->ld_out * 4, 0, (size_t)p->cols * 4,
                                  (size_t)p->rows, dev->stream));
    } else {
        LC_CUDA_TRY(lc_cuda_sgemm_rows(dev, 0, 1, p->rows, p->cols, p->width, -1.0f,
                                       (const float *)x->ptr + (size_t)p->x_row * w, p->width,
                                       (const float *)y->ptr + (size_t)p->y_row * w, p->width,
                                       0.0f, o, p->ld_out));
    }
    LC_CUDA(lc_k_distance_clamp(dev->stream, o, p->rows, p->cols, p->ld_out));
    return LC_OK;
}
