/* Small matrix helpers around the CLBlast products. */

/* out[dst_offset + c * rows + r] = in[r * cols + c]  (in: rows x cols). */
kernel void transpose(int rows, int cols, global const float *in, global float *out,
                      long dst_offset)
{
    const size_t item = get_global_id(0);
    if (item >= (size_t)rows * cols)
        return;
    const size_t r = item / cols, c = item % cols;
    out[dst_offset + c * rows + r] = in[item];
}

/* C[i, j] = beta * C[i, j] over an m x n block with row stride ldc (beta == 0 writes zeros, so a
 * NaN already in C does not survive, as in BLAS). For GEMMs with k == 0. */
kernel void scale_matrix(int m, int n, float beta, global float *c, long offset, int ldc)
{
    const size_t item = get_global_id(0);
    if (item >= (size_t)m * n)
        return;
    global float *x = c + offset + (item / n) * ldc + item % n;
    *x = beta == 0.0f ? 0.0f : beta * *x;
}

/* out[i * ld + j] = max(0, 1 + out[i * ld + j]) where the GEMM left out = -x . y. */
kernel void distance_finish(int rows, int cols, int ld, global float *out)
{
    const size_t item = get_global_id(0);
    if (item >= (size_t)rows * cols)
        return;
    global float *d = out + (item / cols) * ld + item % cols;
    *d = fmax(0.0f, 1.0f + *d);
}
