/* Row normalisation and cosine similarity of index pairs, with its gradient. */

static inline float lc_dot_rows(global const float *a, global const float *b, int width)
{
    float sum = 0.0f;
    for (int c = 0; c < width; c++)
        sum = fma(a[c], b[c], sum);
    return sum;
}

/* y[r] = x[r] / |x[r]|; a zero row stays zero. x and y may be the same buffer. */
kernel void l2_normalize(int rows, int width, global const float *x, global float *y)
{
    const int r = get_global_id(0);
    if (r >= rows)
        return;
    global const float *xr = x + (size_t)r * width;
    const float norm = sqrt(lc_dot_rows(xr, xr, width));
    const float scale = norm > 0.0f ? 1.0f / norm : 0.0f;
    global float *yr = y + (size_t)r * width;
    for (int c = 0; c < width; c++)
        yr[c] = xr[c] * scale;
}

/* out[k] = cos(x[ia[k]], x[ib[k]]); 0 when a norm is 0 (or an index is out of range). */
kernel void cosine_pairs(int pairs, int rows, int width, global const float *x,
                         global const int *ia, global const int *ib, global float *out)
{
    const int k = get_global_id(0);
    if (k >= pairs)
        return;
    const int a = ia[k], b = ib[k];
    if (a < 0 || a >= rows || b < 0 || b >= rows) {
        out[k] = 0.0f;
        return;
    }
    global const float *xa = x + (size_t)a * width;
    global const float *xb = x + (size_t)b * width;
    const float na = sqrt(lc_dot_rows(xa, xa, width));
    const float nb = sqrt(lc_dot_rows(xb, xb, width));
    out[k] = (na > 0.0f && nb > 0.0f) ? lc_dot_rows(xa, xb, width) / (na * nb) : 0.0f;
}

/*
 * Per-pair gradient rows, scattered into dx afterwards (rows repeat across pairs):
 *   ga[k] = dout[k] (xb / (|a||b|) - cos xa / |a|^2),  gb[k] = dout[k] (xa / (|a||b|) - cos xb / |b|^2)
 * for pairs first .. first+count-1; zero rows when a norm is 0.
 */
kernel void cosine_pairs_grad(int first, int count, int rows, int width, global const float *x,
                              global const int *ia, global const int *ib,
                              global const float *dout, global float *stage, long gb_offset)
{
    /* ga rows at the start of stage, gb rows from gb_offset (one buffer, two halves). */
    global float *ga = stage, *gb = stage + gb_offset;
    const int local_k = get_global_id(0);
    if (local_k >= count)
        return;
    const int k = first + local_k;
    const int a = ia[k], b = ib[k];
    global float *gar = ga + (size_t)local_k * width;
    global float *gbr = gb + (size_t)local_k * width;
    float na = 0.0f, nb = 0.0f, dot = 0.0f;
    global const float *xa = x, *xb = x;
    if (a >= 0 && a < rows && b >= 0 && b < rows) {
        xa = x + (size_t)a * width;
        xb = x + (size_t)b * width;
        na = sqrt(lc_dot_rows(xa, xa, width));
        nb = sqrt(lc_dot_rows(xb, xb, width));
        dot = lc_dot_rows(xa, xb, width);
    }
    if (!(na > 0.0f && nb > 0.0f)) {
        for (int c = 0; c < width; c++)
            gar[c] = gbr[c] = 0.0f;
        return;
    }
    const float inv_ab = 1.0f / (na * nb);
    const float cosine = dot * inv_ab;
    const float d = dout[k];
    const float sa = cosine / (na * na), sb = cosine / (nb * nb);
    for (int c = 0; c < width; c++) {
        gar[c] = d * (xb[c] * inv_ab - sa * xa[c]);
        gbr[c] = d * (xa[c] * inv_ab - sb * xb[c]);
    }
}
