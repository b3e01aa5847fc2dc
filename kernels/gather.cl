/* Row gather and deterministic row scatter-add. */

/* out[r, c] = table[index[r], c], 0 for an index outside [0, rows). One work-item per element. */
kernel void gather_rows(int count, int rows, int width, global const float *table,
                        global const int *index, global float *out)
{
    const size_t item = get_global_id(0);
    if (item >= (size_t)count * width)
        return;
    const size_t r = item / width, c = item % width;
    const int t = index[r];
    out[item] = (t >= 0 && t < rows) ? table[(size_t)t * width + c] : 0.0f;
}

/*
 * dst[part][index[r], c] += src[src_offset + r * width + c] for the rows r of chunk `part`.
 * Work-item = (block of LC_VW columns, chunk part); it alone writes those columns of its partial
 * table, in row order, so the sums are deterministic and need no atomics. Vector blocks make each
 * row read a whole cache line. With one chunk dst is the table itself. Needs vector_columns.cl.
 */
kernel void scatter_add_partial(int count, int rows, int width, int chunk_rows, int chunks,
                                global float *dst, long partial_stride, global const int *index,
                                long index_offset, global const float *src, long src_offset)
{
    const int blocks = (width + LC_VW - 1) / LC_VW;
    const size_t item = get_global_id(0);
    if (item >= (size_t)blocks * chunks)
        return;
    const int c0 = (item % blocks) * LC_VW;
    const int ncols = min(LC_VW, width - c0);
    const int part = item / blocks;
    global float *table = dst + part * partial_stride + c0;
    global const float *from = src + src_offset + c0;
    const int end = min(count, (part + 1) * chunk_rows);
    for (int r = part * chunk_rows; r < end; r++) {
        const int t = index[index_offset + r];
        if (t >= 0 && t < rows)
            lc_add_columns(table + (size_t)t * width, ncols,
                           lc_load_columns(from + (size_t)r * width, ncols));
    }
}

/* table[e] += sum_p partials[offset + p * elements + e]. */
kernel void sum_partials(long elements, int chunks, global float *table,
                         global const float *partials, long offset)
{
    const size_t e = get_global_id(0);
    if (e >= (size_t)elements)
        return;
    float sum = 0.0f;
    for (int p = 0; p < chunks; p++)
        sum += partials[offset + p * (size_t)elements + e];
    table[e] += sum;
}

/* out[c] += sum_r m[offset + r * cols + c]. */
kernel void add_column_sums(int rows, int cols, global const float *m, long offset,
                            global float *out)
{
    const int c = get_global_id(0);
    if (c >= cols)
        return;
    float sum = 0.0f;
    for (int r = 0; r < rows; r++)
        sum += m[offset + (size_t)r * cols + c];
    out[c] += sum;
}
