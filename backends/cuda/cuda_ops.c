/* The element-wise and row ops: argument checks here, the work in the kernels/ launchers. */
#include <math.h>

#include "cuda_internal.h"

#include "cuda_kernels.h"

#define F32 sizeof(float)
#define I32 sizeof(int32_t)

lc_status lc_cuda_scatter_rows(lc_device *dev, float *table, int32_t rows, int32_t width,
                               const int32_t *index, const float *src, int32_t count)
{
    if (count <= 0 || rows <= 0 || width <= 0)
        return LC_OK;
    if (!dev->deterministic) {
        LC_CUDA(lc_k_scatter_add_atomic(dev->stream, table, rows, width, index, count, src));
        return LC_OK;
    }
    size_t bytes = lc_k_sorted_scatter_scratch(rows, count);
    void *scratch = NULL;
    LC_CUDA_TRY(lc_cuda_scratch(dev, bytes, &scratch));
    LC_CUDA(lc_k_scatter_add_sorted(dev->stream, table, rows, width, index, count, src, scratch,
                                    bytes));
    return LC_OK;
}

static lc_status check_gather(const lc_gather_params *p, lc_buffer *table, lc_buffer *index,
                              lc_buffer *rows_buf, const char *what)
{
    if (!p || p->count < 0 || p->rows < 0 || p->width < 0)
        return lc_cuda_fail(LC_ERR_INVALID, "%s: bad params", what);
    LC_CUDA_TRY(lc_cuda_need(table, 0, (size_t)p->rows * p->width * F32, what));
    LC_CUDA_TRY(lc_cuda_need(index, 0, (size_t)p->count * I32, what));
    LC_CUDA_TRY(lc_cuda_need(rows_buf, 0, (size_t)p->count * p->width * F32, what));
    return LC_OK;
}

lc_status lc_cuda_gather(lc_device *dev, const lc_gather_params *p, lc_buffer *table,
                         lc_buffer *index, lc_buffer *out)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(check_gather(p, table, index, out, "gather"));
    LC_CUDA(lc_k_gather(dev->stream, table->ptr, p->rows, p->width, index->ptr, p->count,
                        out->ptr));
    return LC_OK;
}

lc_status lc_cuda_scatter_add(lc_device *dev, const lc_gather_params *p, lc_buffer *table,
                              lc_buffer *index, lc_buffer *src)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(check_gather(p, table, index, src, "scatter_add"));
    return lc_cuda_scatter_rows(dev, table->ptr, p->rows, p->width, index->ptr, src->ptr,
                                p->count);
}

static lc_status check_pairs(const lc_cosine_pairs_params *p, lc_buffer *x, lc_buffer *ia,
                             lc_buffer *ib, const char *what)
{
    if (!p || p->pairs < 0 || p->rows < 0 || p->width < 0)
        return lc_cuda_fail(LC_ERR_INVALID, "%s: bad params", what);
    /* The backward's per-pair terms count 2 x pairs in int32. */
    if (p->pairs > INT32_MAX / 2)
        return lc_cuda_fail(LC_ERR_UNSUPPORTED, "%s: %d pairs (at most %d per call)", what, p->pairs,
                            INT32_MAX / 2);
    LC_CUDA_TRY(lc_cuda_need(x, 0, (size_t)p->rows * p->width * F32, what));
    LC_CUDA_TRY(lc_cuda_need(ia, 0, (size_t)p->pairs * I32, what));
    LC_CUDA_TRY(lc_cuda_need(ib, 0, (size_t)p->pairs * I32, what));
    return LC_OK;
}

lc_status lc_cuda_cosine_pairs(lc_device *dev, const lc_cosine_pairs_params *p, lc_buffer *x,
                               lc_buffer *ia, lc_buffer *ib, lc_buffer *out)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(check_pairs(p, x, ia, ib, "cosine_pairs"));
    LC_CUDA_TRY(lc_cuda_need(out, 0, (size_t)p->pairs * F32, "cosine_pairs out"));
    LC_CUDA(lc_k_cosine_pairs(dev->stream, x->ptr, p->rows, p->width, ia->ptr, ib->ptr, p->pairs,
                              out->ptr));
    return LC_OK;
}

lc_status lc_cuda_cosine_pairs_backward(lc_device *dev, const lc_cosine_pairs_params *p,
                                        lc_buffer *x, lc_buffer *ia, lc_buffer *ib,
                                        lc_buffer *dout, lc_buffer *dx)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(check_pairs(p, x, ia, ib, "cosine_pairs_backward"));
    LC_CUDA_TRY(lc_cuda_need(dout, 0, (size_t)p->pairs * F32, "cosine_pairs_backward dout"));
    LC_CUDA_TRY(lc_cuda_need(dx, 0, (size_t)p->rows * p->width * F32, "cosine_pairs_backward dx"));
    if (!dev->deterministic) {
        LC_CUDA(lc_k_cosine_pairs_backward_atomic(dev->stream, x->ptr, p->rows, p->width, ia->ptr,
                                                  ib->ptr, p->pairs, dout->ptr, dx->ptr));
        return LC_OK;
    }
    /* Per-pair terms first, then an ordered scatter: no float atomics. The terms take the front
     * of the scratch, the sorted scatter's own scratch the rest. */
    if (p->pairs == 0 || p->width == 0)
        return LC_OK;
    int32_t terms = 2 * p->pairs;
    size_t term_bytes = ((size_t)terms * p->width * F32 + 255) & ~(size_t)255;
    size_t row_bytes = ((size_t)terms * I32 + 255) & ~(size_t)255;
    size_t sort_bytes = lc_k_sorted_scatter_scratch(p->rows, terms);
    char *scratch = NULL;
    LC_CUDA_TRY(lc_cuda_scratch(dev, term_bytes + row_bytes + sort_bytes, (void **)&scratch));
    float *term = (float *)scratch;
    int32_t *term_rows = (int32_t *)(scratch + term_bytes);
    LC_CUDA(lc_k_cosine_pairs_backward_terms(dev->stream, x->ptr, p->rows, p->width, ia->ptr,
                                             ib->ptr, p->pairs, dout->ptr, term, term_rows));
    LC_CUDA(lc_k_scatter_add_sorted(dev->stream, dx->ptr, p->rows, p->width, term_rows, terms,
                                    term, scratch + term_bytes + row_bytes, sort_bytes));
    return LC_OK;
}

lc_status lc_cuda_sigmoid_bce(lc_device *dev, const lc_sigmoid_bce_params *p, lc_buffer *z,
                              lc_buffer *target, lc_buffer *loss, lc_buffer *dz, lc_buffer *prob)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    if (!p || p->count < 0)
        return lc_cuda_fail(LC_ERR_INVALID, "sigmoid_bce: bad params");
    size_t bytes = (size_t)p->count * F32;
    LC_CUDA_TRY(lc_cuda_need(z, 0, bytes, "sigmoid_bce z"));
    LC_CUDA_TRY(lc_cuda_need(target, 0, bytes, "sigmoid_bce target"));
    LC_CUDA_TRY(lc_cuda_need(loss, 0, F32, "sigmoid_bce loss"));
    if (dz)
        LC_CUDA_TRY(lc_cuda_need(dz, 0, bytes, "sigmoid_bce dz"));
    if (prob)
        LC_CUDA_TRY(lc_cuda_need(prob, 0, bytes, "sigmoid_bce prob"));
    LC_CUDA(lc_k_sigmoid_bce(dev->stream, z->ptr, target->ptr, p->count, p->scale, loss->ptr,
                             dz ? dz->ptr : NULL, prob ? prob->ptr : NULL));
    return LC_OK;
}

lc_status lc_cuda_l2_normalize(lc_device *dev, const lc_l2_normalize_params *p, lc_buffer *x,
                               lc_buffer *y)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    if (!p || p->rows < 0 || p->width < 0)
        return lc_cuda_fail(LC_ERR_INVALID, "l2_normalize: bad params");
    size_t bytes = (size_t)p->rows * p->width * F32;
    LC_CUDA_TRY(lc_cuda_need(x, 0, bytes, "l2_normalize x"));
    LC_CUDA_TRY(lc_cuda_need(y, 0, bytes, "l2_normalize y"));
    LC_CUDA(lc_k_l2_normalize(dev->stream, x->ptr, p->rows, p->width, y->ptr));
    return LC_OK;
}

static lc_status check_optimizer(const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g,
                                 const char *what)
{
    if (!p || p->count < 0)
        return lc_cuda_fail(LC_ERR_INVALID, "%s: bad params", what);
    LC_CUDA_TRY(lc_cuda_need(w, 0, (size_t)p->count * F32, what));
    LC_CUDA_TRY(lc_cuda_need(g, 0, (size_t)p->count * F32, what));
    return LC_OK;
}

lc_status lc_cuda_sgd(lc_device *dev, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(check_optimizer(p, w, g, "sgd"));
    LC_CUDA(lc_k_sgd(dev->stream, w->ptr, g->ptr, p->count, p->lr));
    return LC_OK;
}

lc_status lc_cuda_adam(lc_device *dev, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g,
                       lc_buffer *m, lc_buffer *v)
{
    LC_CUDA_TRY(lc_cuda_enter(dev));
    LC_CUDA_TRY(check_optimizer(p, w, g, "adam"));
    LC_CUDA_TRY(lc_cuda_need(m, 0, (size_t)p->count * F32, "adam m"));
    LC_CUDA_TRY(lc_cuda_need(v, 0, (size_t)p->count * F32, "adam v"));
    if (p->step < 1)
        return lc_cuda_fail(LC_ERR_INVALID, "adam: step %d < 1", p->step);
    /* Bias corrections in double on the host: beta^step underflows gracefully there. */
    double bias1 = 1.0 - pow(p->beta1, p->step), bias2 = 1.0 - pow(p->beta2, p->step);
    LC_CUDA(lc_k_adam(dev->stream, w->ptr, g->ptr, m->ptr, v->ptr, p->count,
                      (float)(p->lr / bias1), p->beta1, p->beta2, (float)(1.0 / bias2), p->eps));
    return LC_OK;
}
