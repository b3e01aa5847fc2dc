/* Parameter checks shared by supports() and the ops, and workspace_size(). Every valid case is
 * supported, so supports() is exactly "the parameters are valid". */
#include "cpu_ops.h"

static lc_status check_lstm(const lc_lstm_params *p)
{
    if (p->form < LC_LSTM_STANDARD || p->form > LC_LSTM_LASAGNE01)
        return cpu_fail(LC_ERR_INVALID, "lstm: form %d is not standard, peephole or lasagne-0.1",
                        p->form);
    if (p->input != LC_LSTM_INPUT_CODES && p->input != LC_LSTM_INPUT_PROJECTED)
        return cpu_fail(LC_ERR_INVALID, "lstm: input mode %d is not CODES or PROJECTED", p->input);
    if (p->batch < 0 || p->total < 0)
        return cpu_fail(LC_ERR_INVALID, "lstm: negative batch (%d) or total (%d)", p->batch,
                        p->total);
    if (p->hidden <= 0)
        return cpu_fail(LC_ERR_INVALID, "lstm: hidden size %d must be positive", p->hidden);
    if (p->hidden > (1 << 20))
        return cpu_fail(LC_ERR_INVALID, "lstm: hidden size %d is too large", p->hidden);
    if (p->input == LC_LSTM_INPUT_CODES && p->vocab <= 0)
        return cpu_fail(LC_ERR_INVALID, "lstm: vocab %d must be positive for CODES input",
                        p->vocab);
    if (p->batch > 0 && !p->lengths)
        return cpu_fail(LC_ERR_INVALID, "lstm: lengths is NULL");
    int64_t sum = 0;
    for (int b = 0; b < p->batch; b++) {
        if (p->lengths[b] < 0)
            return cpu_fail(LC_ERR_INVALID, "lstm: lengths[%d] = %d is negative", b, p->lengths[b]);
        if (b > 0 && p->lengths[b] > p->lengths[b - 1])
            return cpu_fail(LC_ERR_INVALID,
                            "lstm: lengths must be non-increasing, but lengths[%d] = %d > "
                            "lengths[%d] = %d",
                            b, p->lengths[b], b - 1, p->lengths[b - 1]);
        sum += p->lengths[b];
    }
    if (sum != p->total)
        return cpu_fail(LC_ERR_INVALID, "lstm: sum of lengths is %lld but total is %d",
                        (long long)sum, p->total);
    return LC_OK;
}

static lc_status check_gemm(const lc_gemm_params *p)
{
    if (p->m < 0 || p->n < 0 || p->k < 0)
        return cpu_fail(LC_ERR_INVALID, "gemm: negative size m=%d n=%d k=%d", p->m, p->n, p->k);
    if ((p->trans_a != 0 && p->trans_a != 1) || (p->trans_b != 0 && p->trans_b != 1))
        return cpu_fail(LC_ERR_INVALID, "gemm: trans flags must be 0 or 1 (got %d, %d)",
                        p->trans_a, p->trans_b);
    int a_cols = p->trans_a ? p->m : p->k, b_cols = p->trans_b ? p->k : p->n;
    if (p->lda < a_cols)
        return cpu_fail(LC_ERR_INVALID, "gemm: lda %d is less than A's %d columns", p->lda, a_cols);
    if (p->ldb < b_cols)
        return cpu_fail(LC_ERR_INVALID, "gemm: ldb %d is less than B's %d columns", p->ldb, b_cols);
    if (p->ldc < p->n)
        return cpu_fail(LC_ERR_INVALID, "gemm: ldc %d is less than C's %d columns", p->ldc, p->n);
    return LC_OK;
}

lc_status cpu_validate(const lc_device *device, lc_op op, const void *params)
{
    if (!device)
        return cpu_fail(LC_ERR_INVALID, "device is NULL");
    if (!params)
        return cpu_fail(LC_ERR_INVALID, "op parameters are NULL");
    switch (op) {
    case LC_OP_GEMM:
        return check_gemm(params);
    case LC_OP_GATHER:
    case LC_OP_SCATTER_ADD: {
        const lc_gather_params *p = params;
        if (p->count < 0 || p->rows < 0 || p->width < 0)
            return cpu_fail(LC_ERR_INVALID, "gather/scatter: negative count %d, rows %d or width %d",
                            p->count, p->rows, p->width);
        return LC_OK;
    }
    case LC_OP_LSTM_FORWARD:
    case LC_OP_LSTM_BACKWARD:
        return check_lstm(params);
    case LC_OP_COSINE_PAIRS:
    case LC_OP_COSINE_PAIRS_BACKWARD: {
        const lc_cosine_pairs_params *p = params;
        if (p->pairs < 0 || p->rows < 0 || p->width < 0)
            return cpu_fail(LC_ERR_INVALID, "cosine pairs: negative pairs %d, rows %d or width %d",
                            p->pairs, p->rows, p->width);
        return LC_OK;
    }
    case LC_OP_SIGMOID_BCE: {
        const lc_sigmoid_bce_params *p = params;
        if (p->count < 0)
            return cpu_fail(LC_ERR_INVALID, "sigmoid_bce: negative count %d", p->count);
        return LC_OK;
    }
    case LC_OP_L2_NORMALIZE: {
        const lc_l2_normalize_params *p = params;
        if (p->rows < 0 || p->width < 0)
            return cpu_fail(LC_ERR_INVALID, "l2_normalize: negative rows %d or width %d", p->rows,
                            p->width);
        return LC_OK;
    }
    case LC_OP_COSINE_DISTANCE_TILE: {
        const lc_distance_params *p = params;
        if (p->rows < 0 || p->cols < 0 || p->width < 0 || p->x_row < 0 || p->y_row < 0)
            return cpu_fail(LC_ERR_INVALID,
                            "distance: negative rows %d, cols %d, width %d, x_row %d or y_row %d",
                            p->rows, p->cols, p->width, p->x_row, p->y_row);
        if (p->ld_out < p->cols || p->ld_out < 1)
            return cpu_fail(LC_ERR_INVALID, "distance: ld_out %d is less than cols %d", p->ld_out,
                            p->cols);
        return LC_OK;
    }
    case LC_OP_SGD:
    case LC_OP_ADAM: {
        const lc_optimizer_params *p = params;
        if (p->count < 0)
            return cpu_fail(LC_ERR_INVALID, "optimizer: negative count %lld", (long long)p->count);
        if (op == LC_OP_ADAM) {
            if (p->step < 1)
                return cpu_fail(LC_ERR_INVALID, "adam: step %d must be >= 1", p->step);
            if (!(p->beta1 >= 0.0f && p->beta1 < 1.0f) || !(p->beta2 >= 0.0f && p->beta2 < 1.0f))
                return cpu_fail(LC_ERR_INVALID, "adam: beta1 %g and beta2 %g must be in [0, 1)",
                                (double)p->beta1, (double)p->beta2);
        }
        return LC_OK;
    }
    default:
        return cpu_fail(LC_ERR_INVALID, "unknown op %d", (int)op);
    }
}

int cpu_supports(lc_device *device, lc_op op, const void *params)
{
    return cpu_validate(device, op, params) == LC_OK;
}

lc_status cpu_workspace_size(lc_device *device, lc_op op, const void *params, size_t *bytes)
{
    if (!bytes)
        return cpu_fail(LC_ERR_INVALID, "workspace_size: bytes is NULL");
    *bytes = 0;
    lc_status st = cpu_validate(device, op, params);
    if (st != LC_OK)
        return st;
    if (op == LC_OP_LSTM_FORWARD || op == LC_OP_LSTM_BACKWARD)
        return cpu_lstm_workspace(device, op, params, bytes);
    return LC_OK;
}

lc_status cpu_check_lstm_codes(const lc_lstm_params *p, lc_buffer *codes)
{
    lc_status st = cpu_check_buffer(codes, (size_t)p->total * sizeof(int32_t), "lstm codes");
    const int32_t *c = cpu_i32(codes);
    for (int r = 0; st == LC_OK && r < p->total; r++)
        if (c[r] < 0 || c[r] >= p->vocab)
            st = cpu_fail(LC_ERR_INVALID, "lstm: codes[%d] = %d is outside the vocabulary [0, %d)", r, c[r],
                          p->vocab);
    return st;
}

lc_status cpu_check_lstm_inputs(const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    const size_t f = sizeof(float), H = (size_t)p->hidden;
    lc_status st;
    if (p->input == LC_LSTM_INPUT_CODES) {
        if ((st = cpu_check_lstm_codes(p, b->codes)) ||
            (st = cpu_check_buffer(b->table, (size_t)p->vocab * 4 * H * f, "lstm table")))
            return st;
    } else if ((st = cpu_check_buffer(b->xproj, (size_t)p->total * 4 * H * f, "lstm xproj"))) {
        return st;
    }
    if ((st = cpu_check_buffer(b->wh, H * 4 * H * f, "lstm wh")) ||
        (st = cpu_check_buffer(b->bias, 4 * H * f, "lstm bias")))
        return st;
    if (p->form != LC_LSTM_STANDARD && (st = cpu_check_buffer(b->peep, 3 * H * f, "lstm peep")))
        return st;
    return LC_OK;
}

lc_status cpu_check_pairs(const lc_cosine_pairs_params *p, lc_buffer *x, lc_buffer *ia, lc_buffer *ib)
{
    lc_status st;
    if ((st = cpu_check_buffer(x, (size_t)p->rows * p->width * sizeof(float), "cosine x")) ||
        (st = cpu_check_buffer(ia, (size_t)p->pairs * sizeof(int32_t), "cosine ia")) ||
        (st = cpu_check_buffer(ib, (size_t)p->pairs * sizeof(int32_t), "cosine ib")))
        return st;
    const int32_t *a = cpu_i32(ia), *b = cpu_i32(ib);
    for (int k = 0; k < p->pairs; k++)
        if (a[k] < 0 || a[k] >= p->rows || b[k] < 0 || b[k] >= p->rows)
            return cpu_fail(LC_ERR_INVALID, "cosine pair %d = (%d, %d) is outside rows [0, %d)", k, a[k], b[k],
                            p->rows);
    return LC_OK;
}

lc_status cpu_check_lstm_forward(const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    const size_t f = sizeof(float), H = (size_t)p->hidden;
    lc_status st = cpu_check_lstm_inputs(p, b);
    if (st)
        return st;
    /* h_last may be NULL when h_all is written. */
    if (!(p->all_steps && !b->h_last) &&
        (st = cpu_check_buffer(b->h_last, (size_t)p->batch * H * f, "lstm h_last")))
        return st;
    if (p->all_steps && (st = cpu_check_buffer(b->h_all, (size_t)p->total * H * f, "lstm h_all")))
        return st;
    return LC_OK;
}

lc_status cpu_check_gather(const lc_gather_params *p, lc_buffer *table, lc_buffer *index, lc_buffer *rows,
                           const char *what)
{
    const size_t f = sizeof(float);
    lc_status st;
    if ((st = cpu_check_buffer(table, (size_t)p->rows * p->width * f, "table")) ||
        (st = cpu_check_buffer(index, (size_t)p->count * sizeof(int32_t), "index")) ||
        (st = cpu_check_buffer(rows, (size_t)p->count * p->width * f, what)))
        return st;
    return LC_OK;
}
