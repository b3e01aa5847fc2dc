/* Matrix products through CLBlast: the GEMM op and cosine distance tiles (-X Y^T, then 1 + and a
 * clamp at 0 in one small kernel). */
#include "ocl_internal.h"
#include "ocl_ops.h"

lc_status ocl_sgemm(lc_device *device, int trans_a, int trans_b, size_t m, size_t n, size_t k,
                    float alpha, cl_mem a, size_t a_offset, size_t lda, cl_mem b, size_t b_offset,
                    size_t ldb, float beta, cl_mem c, size_t c_offset, size_t ldc)
{
    CLBlastStatusCode status = ocl.CLBlastSgemm(
        CLBlastLayoutRowMajor, trans_a ? CLBlastTransposeYes : CLBlastTransposeNo,
        trans_b ? CLBlastTransposeYes : CLBlastTransposeNo, m, n, k, alpha, a, a_offset, lda, b,
        b_offset, ldb, beta, c, c_offset, ldc, &device->queue, NULL);
    if (status != CLBlastSuccess)
        return ocl_fail(status == CLBlastTempBufferAllocFailure ? LC_ERR_NOMEM : LC_ERR_DEVICE,
                        "CLBlastSgemm(%c%c, m=%zu n=%zu k=%zu): %s", trans_a ? 'T' : 'N',
                        trans_b ? 'T' : 'N', m, n, k, ocl_clblast_status_name(status));
    return LC_OK;
}

/* A stored matrix of `rows` x `cols` with row stride ld from element offset: in bounds? */
static lc_status ocl_check_matrix(const lc_buffer *buffer, const char *what, size_t offset,
                                  int64_t rows, int64_t cols, int64_t ld)
{
    if (ld < cols || ld < 1)
        return ocl_fail(LC_ERR_INVALID, "%s: leading dimension %lld < %lld columns", what,
                        (long long)ld, (long long)cols);
    if (rows == 0 || cols == 0)
        return buffer ? LC_OK : ocl_fail(LC_ERR_INVALID, "%s: buffer is NULL", what);
    return ocl_check_range(buffer, what, offset, (size_t)((rows - 1) * ld + cols), sizeof(float));
}

lc_status ocl_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a, lc_buffer *b,
                   lc_buffer *c)
{
    if (!device || !p)
        return ocl_fail(LC_ERR_INVALID, "gemm: NULL argument");
    if (p->m < 0 || p->n < 0 || p->k < 0)
        return ocl_fail(LC_ERR_INVALID, "gemm: negative size m=%d n=%d k=%d", p->m, p->n, p->k);
    OCL_TRY(ocl_check_matrix(c, "gemm C", p->c_offset, p->m, p->n, p->ldc));
    if (p->m == 0 || p->n == 0)
        return LC_OK;
    if (p->k == 0) { /* CLBlast refuses k == 0; the product is empty, so C = beta C */
        ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_scale_matrix);
        ocl_arg_int(&launch, p->m);
        ocl_arg_int(&launch, p->n);
        ocl_arg_float(&launch, p->beta);
        ocl_arg_mem(&launch, c->mem);
        ocl_arg_long(&launch, (int64_t)p->c_offset);
        ocl_arg_int(&launch, p->ldc);
        return ocl_launch_run(&launch, (size_t)p->m * p->n);
    }
    OCL_TRY(ocl_check_matrix(a, "gemm A", p->a_offset, p->trans_a ? p->k : p->m,
                             p->trans_a ? p->m : p->k, p->lda));
    OCL_TRY(ocl_check_matrix(b, "gemm B", p->b_offset, p->trans_b ? p->n : p->k,
                             p->trans_b ? p->k : p->n, p->ldb));
    return ocl_sgemm(device, p->trans_a, p->trans_b, p->m, p->n, p->k, p->alpha, a->mem,
                     p->a_offset, p->lda, b->mem, p->b_offset, p->ldb, p->beta, c->mem,
                     p->c_offset, p->ldc);
}

lc_status ocl_cosine_distance_tile(lc_device *device, const lc_distance_params *p, lc_buffer *x,
                                   lc_buffer *y, lc_buffer *out)
{
    if (!device || !p)
        return ocl_fail(LC_ERR_INVALID, "cosine_distance_tile: NULL argument");
    if (p->rows < 0 || p->cols < 0 || p->width < 0 || p->x_row < 0 || p->y_row < 0)
        return ocl_fail(LC_ERR_INVALID, "cosine_distance_tile: negative size or row");
    OCL_TRY(ocl_check_matrix(out, "cosine_distance_tile out", 0, p->rows, p->cols, p->ld_out));
    if (p->rows == 0 || p->cols == 0)
        return LC_OK;
    if (p->width == 0) { /* empty dot products: distance 1 */
        OCL_TRY(ocl_check_range(x, "cosine_distance_tile x", 0, 0, sizeof(float)));
        ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_scale_matrix);
        ocl_arg_int(&launch, p->rows);
        ocl_arg_int(&launch, p->cols);
        ocl_arg_float(&launch, 0.0f);
        ocl_arg_mem(&launch, out->mem);
        ocl_arg_long(&launch, 0);
        ocl_arg_int(&launch, p->ld_out);
        OCL_TRY(ocl_launch_run(&launch, (size_t)p->rows * p->cols));
    } else {
        OCL_TRY(ocl_check_range(x, "cosine_distance_tile x", (size_t)p->x_row * p->width,
                                (size_t)p->rows * p->width, sizeof(float)));
        OCL_TRY(ocl_check_range(y, "cosine_distance_tile y", (size_t)p->y_row * p->width,
                                (size_t)p->cols * p->width, sizeof(float)));
        OCL_TRY(ocl_sgemm(device, 0, 1, p->rows, p->cols, p->width, -1.0f, x->mem,
                          (size_t)p->x_row * p->width, p->width, y->mem,
                          (size_t)p->y_row * p->width, p->width, 0.0f, out->mem, 0, p->ld_out));
    }
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_distance_finish);
    ocl_arg_int(&launch, p->rows);
    ocl_arg_int(&launch, p->cols);
    ocl_arg_int(&launch, p->ld_out);
    ocl_arg_mem(&launch, out->mem);
    return ocl_launch_run(&launch, (size_t)p->rows * p->cols);
}
