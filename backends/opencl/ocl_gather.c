/* Gather and scatter-add of rows, and column sums. Scatter-add is deterministic: each work-item
 * owns a block of columns of one partial table and adds its chunk of rows in order; the tables
 * (at most OCL_SCATTER_MAX_CHUNKS, bounded in memory) are then summed into the table. */
#include "ocl_internal.h"
#include "ocl_ops.h"

#define OCL_SCATTER_MAX_CHUNKS 64
#define OCL_SCATTER_PARTIAL_BYTES (32u << 20)
#define OCL_SCATTER_MIN_CHUNK_ROWS 256

lc_status ocl_scatter_add_rows(lc_device *device, cl_mem table, int32_t rows, int32_t width,
                               cl_mem index, size_t index_offset, cl_mem src, size_t src_offset,
                               int32_t count)
{
    if (count <= 0 || width <= 0 || rows <= 0)
        return LC_OK;
    size_t table_elements = (size_t)rows * width;
    size_t chunks = (size_t)(count + OCL_SCATTER_MIN_CHUNK_ROWS - 1) / OCL_SCATTER_MIN_CHUNK_ROWS;
    size_t by_memory = OCL_SCATTER_PARTIAL_BYTES / (table_elements * sizeof(float));
    if (chunks > OCL_SCATTER_MAX_CHUNKS)
        chunks = OCL_SCATTER_MAX_CHUNKS;
    if (chunks > by_memory)
        chunks = by_memory;
    if (chunks < 1)
        chunks = 1;
    int32_t chunk_rows = (int32_t)((count + chunks - 1) / chunks);

    cl_mem partials = table;
    if (chunks > 1) {
        OCL_TRY(ocl_scratch(device, OCL_SCRATCH_SCATTER, chunks * table_elements * sizeof(float), &partials));
        OCL_TRY(ocl_fill_zero(device, partials, 0, chunks * table_elements * sizeof(float)));
    }
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_scatter_add_partial);
    ocl_arg_int(&launch, count);
    ocl_arg_int(&launch, rows);
    ocl_arg_int(&launch, width);
    ocl_arg_int(&launch, chunk_rows);
    ocl_arg_int(&launch, (int32_t)chunks);
    ocl_arg_mem(&launch, partials);
    ocl_arg_long(&launch, (int64_t)table_elements);
    ocl_arg_mem(&launch, index);
    ocl_arg_long(&launch, (int64_t)index_offset);
    ocl_arg_mem(&launch, src);
    ocl_arg_long(&launch, (int64_t)src_offset);
    size_t blocks = (size_t)(width + OCL_LSTM_VW - 1) / OCL_LSTM_VW;
    OCL_TRY(ocl_launch_run(&launch, blocks * chunks));
    if (chunks == 1)
        return LC_OK;

    launch = ocl_launch_begin(device, OCL_KERNEL_sum_partials);
    ocl_arg_long(&launch, (int64_t)table_elements);
    ocl_arg_int(&launch, (int32_t)chunks);
    ocl_arg_mem(&launch, table);
    ocl_arg_mem(&launch, partials);
    ocl_arg_long(&launch, 0);
    return ocl_launch_run(&launch, table_elements);
}

lc_status ocl_add_column_sums(lc_device *device, cl_mem m, size_t offset, int32_t rows,
                              int32_t cols, cl_mem out)
{
    if (rows <= 0 || cols <= 0)
        return LC_OK;
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_add_column_sums);
    ocl_arg_int(&launch, rows);
    ocl_arg_int(&launch, cols);
    ocl_arg_mem(&launch, m);
    ocl_arg_long(&launch, (int64_t)offset);
    ocl_arg_mem(&launch, out);
    return ocl_launch_run(&launch, (size_t)cols);
}

static lc_status ocl_check_gather(const char *op, const lc_gather_params *p, lc_buffer *table,
                                  lc_buffer *index, lc_buffer *rows_buffer)
{
    if (!p)
        return ocl_fail(LC_ERR_INVALID, "%s: NULL params", op);
    if (p->count < 0 || p->rows < 0 || p->width < 0)
        return ocl_fail(LC_ERR_INVALID, "%s: negative size", op);
    OCL_TRY(ocl_check_range(table, "table", 0, (size_t)p->rows * p->width, sizeof(float)));
    OCL_TRY(ocl_check_range(index, "index", 0, (size_t)p->count, sizeof(int32_t)));
    return ocl_check_range(rows_buffer, "rows", 0, (size_t)p->count * p->width, sizeof(float));
}

lc_status ocl_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                     lc_buffer *index, lc_buffer *out)
{
    OCL_TRY(ocl_check_gather("gather", p, table, index, out));
    ocl_launch launch = ocl_launch_begin(device, OCL_KERNEL_gather_rows);
    ocl_arg_int(&launch, p->count);
    ocl_arg_int(&launch, p->rows);
    ocl_arg_int(&launch, p->width);
    ocl_arg_mem(&launch, table->mem);
    ocl_arg_mem(&launch, index->mem);
    ocl_arg_mem(&launch, out->mem);
    return ocl_launch_run(&launch, (size_t)p->count * p->width);
}

lc_status ocl_scatter_add(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                          lc_buffer *index, lc_buffer *src)
{
    OCL_TRY(ocl_check_gather("scatter_add", p, table, index, src));
    return ocl_scatter_add_rows(device, table->mem, p->rows, p->width, index->mem, 0, src->mem, 0,
                                p->count);
}
