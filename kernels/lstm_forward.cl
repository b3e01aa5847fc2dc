/* One time step of an LSTM layer over the packed batch: the recurrent product h_prev Wh, the input
 * (a row of the table indexed by the code, or the precomputed projection), the gates of the chosen
 * form and the state update, fused into one launch. Work-item = LC_RB sequences x LC_VW units of all
 * four gates; only the batch_now active sequences of this step are launched, which is the masking.
 * Needs vector_columns.cl. */

/* acc[g][r] += sum_k h_prev[row r, k] * wh[k, g*H + j0 ...]  over the LC_RB rows `rows`. */
static inline void lc_forward_recurrent(floatv acc[4][LC_RB], global const float *h_prev,
                                        const size_t rows[LC_RB], global const float *wh,
                                        int hidden, int j0, int ncols)
{
    const size_t g4 = 4 * (size_t)hidden;
    if (ncols == LC_VW) {
        for (int k = 0; k < hidden; k++) {
            global const float *w = wh + k * g4 + j0;
            floatv wi = vloadv(0, w), wf = vloadv(0, w + hidden);
            floatv wg = vloadv(0, w + 2 * hidden), wo = vloadv(0, w + 3 * hidden);
            #pragma unroll
            for (int r = 0; r < LC_RB; r++) {
                float hk = h_prev[rows[r] * hidden + k];
                acc[0][r] = fma((floatv)hk, wi, acc[0][r]);
                acc[1][r] = fma((floatv)hk, wf, acc[1][r]);
                acc[2][r] = fma((floatv)hk, wg, acc[2][r]);
                acc[3][r] = fma((floatv)hk, wo, acc[3][r]);
            }
        }
    } else {
        for (int k = 0; k < hidden; k++) {
            global const float *w = wh + k * g4 + j0;
            floatv wv[4];
            #pragma unroll
            for (int g = 0; g < 4; g++)
                wv[g] = lc_load_columns(w + g * hidden, ncols);
            #pragma unroll
            for (int r = 0; r < LC_RB; r++) {
                float hk = h_prev[rows[r] * hidden + k];
                #pragma unroll
                for (int g = 0; g < 4; g++)
                    acc[g][r] = fma((floatv)hk, wv[g], acc[g][r]);
            }
        }
    }
}

/*
 * Rows: sequence b of this step is packed row row_base + b. h_prev row b is h_prev[h_prev_base + b],
 * c_prev likewise (both unread when has_prev is 0, the first step). h goes to h_out[h_out_base + b]
 * while the sequence continues (b < batch_next), else to h_last[b]. With write_gates, the gate
 * values [i | f | g | s(a_o)] go to gates_out[row] (the training reserve).
 */
kernel void lstm_forward_step(int form, int projected, int hidden, int vocab, int batch_now,
                              int batch_next, int row_base, global const int *codes,
                              global const float *xproj, global const float *table,
                              global const float *wh, global const float *bias,
                              global const float *peep, int has_prev, global const float *h_prev,
                              int h_prev_base, global float *h_out, int h_out_base,
                              global const float *c_prev, int c_prev_base, global float *c_out,
                              int c_out_base, global float *h_last, global float *h_all,
                              int write_all, global float *gates_out, int write_gates)
{
    const int blocks = (hidden + LC_VW - 1) / LC_VW;
    const int groups = (batch_now + LC_RB - 1) / LC_RB;
    const int item = get_global_id(0);
    if (item >= blocks * groups)
        return;
    /* Column block major: neighbouring work-items share one block of Wh, which stays in L1. */
    const int j0 = (item / groups) * LC_VW;
    const int b0 = (item % groups) * LC_RB;
    const int ncols = min(LC_VW, hidden - j0);
    const size_t g4 = 4 * (size_t)hidden;

    floatv bias_v[4];
    #pragma unroll
    for (int g = 0; g < 4; g++)
        bias_v[g] = lc_load_columns(bias + g * hidden + j0, ncols);

    floatv acc[4][LC_RB];
    size_t prev_rows[LC_RB];
    #pragma unroll
    for (int r = 0; r < LC_RB; r++) {
        const int b = min(b0 + r, batch_now - 1); /* tail rows repeat the last; not stored */
        const size_t row = (size_t)row_base + b;
        prev_rows[r] = (size_t)h_prev_base + b;
        global const float *x = 0;
        if (projected) {
            x = xproj + row * g4;
        } else {
            const int code = codes[row];
            if (code >= 0 && code < vocab)
                x = table + (size_t)code * g4;
        }
        #pragma unroll
        for (int g = 0; g < 4; g++)
            acc[g][r] = x ? bias_v[g] + lc_load_columns(x + g * hidden + j0, ncols) : bias_v[g];
    }
    if (has_prev)
        lc_forward_recurrent(acc, h_prev, prev_rows, wh, hidden, j0, ncols);

    floatv w_ci, w_cf, w_co;
    lc_load_peepholes(form, peep, hidden, j0, ncols, &w_ci, &w_cf, &w_co);

    #pragma unroll

    for (int r = 0; r < LC_RB; r++) {
        const int b = b0 + r;
        if (b >= batch_now)
            break;
        const size_t row = (size_t)row_base + b;
        floatv cp = has_prev ? lc_load_columns(c_prev + ((size_t)c_prev_base + b) * hidden + j0, ncols)
                             : (floatv)0.0f;
        floatv i = lc_sigmoid(acc[0][r] + w_ci * cp);
        floatv f = lc_sigmoid(acc[1][r] + w_cf * cp);
        floatv g = tanh(acc[2][r]);
        floatv c = f * cp + i * g;
        floatv so, o;
        if (form == LC_FORM_PEEPHOLE) {
            so = lc_sigmoid(acc[3][r] + w_co * c);
            o = so;
        } else if (form == LC_FORM_LASAGNE01) {
            so = lc_sigmoid(acc[3][r]);
            o = so + w_co * c; /* Lasagne 0.1 adds the peephole after the sigmoid */
        } else {
            so = lc_sigmoid(acc[3][r]);
            o = so;
        }
        floatv h = o * tanh(c);

        lc_store_columns(c_out + ((size_t)c_out_base + b) * hidden + j0, ncols, c);
        if (b < batch_next)
            lc_store_columns(h_out + ((size_t)h_out_base + b) * hidden + j0, ncols, h);
        else
            lc_store_columns(h_last + (size_t)b * hidden + j0, ncols, h);
        if (write_all)
            lc_store_columns(h_all + row * hidden + j0, ncols, h);
        if (write_gates) {
            global float *gates = gates_out + row * g4 + j0;
            lc_store_columns(gates, ncols, i);
            lc_store_columns(gates + hidden, ncols, f);
            lc_store_columns(gates + 2 * hidden, ncols, g);
            lc_store_columns(gates + 3 * hidden, ncols, so);
        }
    }
}
