/* One time step of the LSTM backward pass (steps run from last to first), fused like the forward:
 * dh = dh_all + dh_last (at a sequence's last step) + dG(t+1) Wh^T, then the gate derivatives of the
 * chosen form, dc carried to the previous step. Per-sequence sums of dpeep are kept in the
 * workspace (a work-item owns its sequences' units for the whole pass, so no atomics) and reduced
 * over sequences once at the end; dWh, dbias and dtable are products/scatters over dG afterwards.
 * Needs vector_columns.cl. */

/* dh[r] += sum_k dgates_next[row r, k] * wht[k, j0 ...]  (wht = Wh^T, 4H x H). */
static inline void lc_backward_recurrent(floatv dh[LC_RB], global const float *dgates_next,
                                         const size_t rows[LC_RB], global const float *wht,
                                         int hidden, int j0, int ncols)
{
    const int g4 = 4 * hidden;
    floatv acc[LC_RB];
    #pragma unroll
    for (int r = 0; r < LC_RB; r++)
        acc[r] = 0.0f;
    if (ncols == LC_VW) {
        for (int k = 0; k < g4; k++) {
            floatv w = vloadv(0, wht + (size_t)k * hidden + j0);
            #pragma unroll
            for (int r = 0; r < LC_RB; r++)
                acc[r] = fma((floatv)dgates_next[rows[r] * g4 + k], w, acc[r]);
        }
    } else {
        for (int k = 0; k < g4; k++) {
            floatv w = lc_load_columns(wht + (size_t)k * hidden + j0, ncols);
            #pragma unroll
            for (int r = 0; r < LC_RB; r++)
                acc[r] = fma((floatv)dgates_next[rows[r] * g4 + k], w, acc[r]);
        }
    }
    #pragma unroll
    for (int r = 0; r < LC_RB; r++)
        dh[r] += acc[r];
}

/*
 * Rows as in lstm_forward_step: this step's sequence b is row row_base + b, the next step's is
 * next_base + b (b < batch_next), the previous step's c is c_all[c_prev_base + b] (has_prev).
 * reserve holds the forward's gates and c_all at float offsets gates_at / c_at; work holds wht,
 * dgates, dc_state and dpeep_seq at theirs (see ocl_lstm_plan.h). dc_state[b] carries
 * dc between steps (read only while the sequence continues). dgates[row] receives
 * dG = d(pre-activations) [i | f | g | o].
 */
kernel void lstm_backward_step(int form, int hidden, int batch_now, int batch_next, int row_base,
                               int next_base, int has_prev, int c_prev_base,
                               global const float *reserve, long gates_at, long c_at,
                               global const float *peep, global float *work, long wht_at,
                               global const float *dh_last, global const float *dh_all,
                               long dgates_at, long dc_at, long dpeep_at,
                               global float *dxproj)
{
    const int blocks = (hidden + LC_VW - 1) / LC_VW;
    const int groups = (batch_now + LC_RB - 1) / LC_RB;
    const int item = get_global_id(0);
    if (item >= blocks * groups)
        return;
    const int j0 = (item % blocks) * LC_VW;
    const int b0 = (item / blocks) * LC_RB;
    const int ncols = min(LC_VW, hidden - j0);
    const size_t g4 = 4 * (size_t)hidden;
    global const float *gates = reserve + gates_at, *c_all = reserve + c_at;
    global const float *wht = work + wht_at;
    global float *dgates = work + dgates_at, *dc_state = work + dc_at;
    global float *dpeep_seq = work + dpeep_at;

    floatv dh[LC_RB];
    size_t next_rows[LC_RB];
    #pragma unroll
    for (int r = 0; r < LC_RB; r++) {
        const int b = min(b0 + r, batch_now - 1);
        const size_t row = (size_t)row_base + b;
        dh[r] = 0.0f;
        if (dh_all)
            dh[r] += lc_load_columns(dh_all + row * hidden + j0, ncols);
        if (dh_last && b >= batch_next)
            dh[r] += lc_load_columns(dh_last + (size_t)b * hidden + j0, ncols);
        next_rows[r] = (size_t)next_base + min(b, max(batch_next - 1, 0));
    }
    if (batch_next > b0) {
        floatv rec[LC_RB];
        #pragma unroll
        for (int r = 0; r < LC_RB; r++)
            rec[r] = 0.0f;
        lc_backward_recurrent(rec, dgates, next_rows, wht, hidden, j0, ncols);
        #pragma unroll
        for (int r = 0; r < LC_RB; r++)
            if (b0 + r < batch_next)
                dh[r] += rec[r];
    }

    floatv w_ci, w_cf, w_co;
    lc_load_peepholes(form, peep, hidden, j0, ncols, &w_ci, &w_cf, &w_co);

    #pragma unroll

    for (int r = 0; r < LC_RB; r++) {
        const int b = b0 + r;
        if (b >= batch_now)
            break;
        const size_t row = (size_t)row_base + b;
        global const float *gr = gates + row * g4 + j0;
        floatv i = lc_load_columns(gr, ncols);
        floatv f = lc_load_columns(gr + hidden, ncols);
        floatv g = lc_load_columns(gr + 2 * hidden, ncols);
        floatv so = lc_load_columns(gr + 3 * hidden, ncols);
        floatv c = lc_load_columns(c_all + row * hidden + j0, ncols);
        floatv cp = has_prev ? lc_load_columns(c_all + ((size_t)c_prev_base + b) * hidden + j0, ncols)
                             : (floatv)0.0f;
        global float *dc_row = dc_state + (size_t)b * hidden + j0;
        floatv dc = b < batch_next ? lc_load_columns(dc_row, ncols) : (floatv)0.0f;

        floatv tc = tanh(c);
        floatv o = form == LC_FORM_LASAGNE01 ? so + w_co * c : so;
        floatv d_o = dh[r] * tc;
        dc += dh[r] * o * (1.0f - tc * tc);
        floatv da_o = d_o * so * (1.0f - so);
        floatv dw_co = 0.0f;
        if (form == LC_FORM_PEEPHOLE) {        /* o = s(a_o + w_co c) */
            dc += da_o * w_co;
            dw_co = da_o * c;
        } else if (form == LC_FORM_LASAGNE01) { /* o = s(a_o) + w_co c */
            dc += d_o * w_co;
            dw_co = d_o * c;
        }
        floatv da_i = dc * g * i * (1.0f - i);
        floatv da_f = dc * cp * f * (1.0f - f);
        floatv da_g = dc * i * (1.0f - g * g);
        floatv dc_prev = dc * f;
        if (form != LC_FORM_STANDARD)
            dc_prev += da_i * w_ci + da_f * w_cf;
        lc_store_columns(dc_row, ncols, dc_prev);

        global float *dg = dgates + row * g4 + j0;
        lc_store_columns(dg, ncols, da_i);
        lc_store_columns(dg + hidden, ncols, da_f);
        lc_store_columns(dg + 2 * hidden, ncols, da_g);
        lc_store_columns(dg + 3 * hidden, ncols, da_o);
        if (dxproj) {
            global float *dx = dxproj + row * g4 + j0;
            lc_add_columns(dx, ncols, da_i);
            lc_add_columns(dx + hidden, ncols, da_f);
            lc_add_columns(dx + 2 * hidden, ncols, da_g);
            lc_add_columns(dx + 3 * hidden, ncols, da_o);
        }
        if (form != LC_FORM_STANDARD) {
            global float *dp = dpeep_seq + (size_t)b * 3 * hidden + j0;
            lc_add_columns(dp, ncols, da_i * cp);
            lc_add_columns(dp + hidden, ncols, da_f * cp);
            lc_add_columns(dp + 2 * hidden, ncols, dw_co);
        }
    }
}

/*
 * partials[part][j, k] = sum over the rows of chunk `part` of a[row, j] * b[row, k] (a: rows x a_cols,
 * b: rows x b_cols), and with want_bias partials[bias_at + part * b_cols + k] = sum of b[row, k]:
 * dWh = hprev^T dG and dbias = 1^T dG split over row chunks, reduced by sum_partials. A work-item
 * keeps an LC_OUTER_ROWS x LC_VW block of the product in registers; one work-group holds all blocks
 * of the product (or 1 / sets of them when they exceed a group) and walks its chunk in tiles of LC_OUTER_TILE rows with a
 * barrier after each, so every row is fetched from memory once and then re-read from cache by the
 * group's other work-items (PoCL runs a group's work-items one after another between barriers;
 * without the barrier each streamed the whole chunk alone, re-reading dG from memory per block).
 */
#define LC_OUTER_ROWS 8
#define LC_OUTER_TILE 32
#define LC_OUTER_STEP(extra)                                                                      \
    for (int row = t; row < stop; row++) {                                                       \
        floatv bv = lc_load_columns(bp + (size_t)row * b_cols, ncols);                            \
        global const float *ar = ap + (size_t)row * a_cols;                                        \
        _Pragma("unroll") for (int r = 0; r < LC_OUTER_ROWS; r++)                                 \
            acc[r] = fma((floatv)ar[js[r]], bv, acc[r]);                                          \
        extra;                                                                                    \
    }
kernel void outer_product_tiled(int rows, int a_cols, int b_cols, int chunk_rows, int sets,
                                global const float *a, long a_offset, global const float *b,
                                long b_offset, global float *partials, long bias_at,
                                int want_bias)
{
    const int b_blocks = (b_cols + LC_VW - 1) / LC_VW;
    const int a_groups = (a_cols + LC_OUTER_ROWS - 1) / LC_OUTER_ROWS;
    const int set = get_group_id(0) % sets, part = get_group_id(0) / sets;
    const int pair = set * (int)get_local_size(0) + (int)get_local_id(0);
    /* Spare work-items of the last set still meet every barrier. */
    const int active = pair < b_blocks * a_groups;
    const int k0 = active ? (pair % b_blocks) * LC_VW : 0;
    const int j0 = active ? (pair / b_blocks) * LC_OUTER_ROWS : 0;
    const int ncols = min(LC_VW, b_cols - k0);
    const int bias = active && want_bias && j0 == 0;
    int js[LC_OUTER_ROWS];
#pragma unroll
    for (int r = 0; r < LC_OUTER_ROWS; r++)
        js[r] = min(j0 + r, a_cols - 1);
    floatv acc[LC_OUTER_ROWS], accb = 0.0f;
#pragma unroll
    for (int r = 0; r < LC_OUTER_ROWS; r++)
        acc[r] = 0.0f;
    global const float *ap = a + a_offset, *bp = b + b_offset + k0;
    const int begin = part * chunk_rows, end = min(rows, begin + chunk_rows);
    for (int t = begin; t < end; t += LC_OUTER_TILE) {
        const int stop = min(end, t + LC_OUTER_TILE);
        if (bias) {
            LC_OUTER_STEP(accb += bv)
        } else if (active) {
            LC_OUTER_STEP((void)0)
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (!active)
        return;
    global float *out = partials + (size_t)part * a_cols * b_cols;
#pragma unroll
    for (int r = 0; r < LC_OUTER_ROWS; r++)
        if (j0 + r < a_cols)
            lc_store_columns(out + (size_t)(j0 + r) * b_cols + k0, ncols, acc[r]);
    if (bias)
        lc_store_columns(partials + bias_at + (size_t)part * b_cols + k0, ncols, accb);
}
