// Reproducible scatter-add: a stable radix sort of (row key, position) pairs groups the sources of
// each table row in index order; one thread per (table row, column) then sums its group serially.
#include <cub/device/device_radix_sort.cuh>

#include "cuda_kernels.h"

namespace {

size_t align_up(size_t n) { return (n + 255) & ~(size_t)255; }

// Out-of-range indices get key `rows`, which sorts last and belongs to no table row.
__global__ void make_keys(const int32_t *index, int32_t count, int32_t rows, int32_t *keys,
                          int32_t *positions)
{
    for (int64_t r = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; r < count; r += (int64_t)gridDim.x * blockDim.x) {
        int32_t v = index[r];
        keys[r] = (v >= 0 && v < rows) ? v : rows;
        positions[r] = (int32_t)r;
    }
}

__global__ void mark_groups(const int32_t *sorted_keys, int32_t count, int32_t rows,
                            int32_t *group_begin, int32_t *group_end)
{
    for (int64_t p = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; p < count; p += (int64_t)gridDim.x * blockDim.x) {
        int32_t key = sorted_keys[p];
        if (key >= rows)
            continue;
        if (p == 0 || sorted_keys[p - 1] != key)
            group_begin[key] = (int32_t)p;
        if (p == count - 1 || sorted_keys[p + 1] != key)
            group_end[key] = (int32_t)(p + 1);
    }
}

__global__ void sum_groups(float *table, int32_t rows, int32_t width, const int32_t *group_begin,
                           const int32_t *group_end, const int32_t *sorted_positions,
                           const float *src)
{
    int64_t n = (int64_t)rows * width;
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < n;
         e += (int64_t)gridDim.x * blockDim.x) {
        int64_t v = e / width, col = e % width;
        int32_t begin = group_begin[v], end = group_end[v];
        if (begin < 0)
            continue;
        float sum = 0.0f;
        for (int32_t p = begin; p < end; p++)
            sum += src[(int64_t)sorted_positions[p] * width + col];
        table[e] += sum;
    }
}

unsigned blocks_for(int64_t n)
{
    int64_t b = (n + 255) / 256;
    return (unsigned)(b > 65535 ? 65535 : (b < 1 ? 1 : b));
}

int key_bits(int32_t rows)
{
    int bits = 1;
    while (bits < 31 && ((int64_t)1 << bits) <= rows)
        bits++;
    return bits;
}

// Queried with the same item count and key bits as the sort itself.
size_t sort_temp_bytes(int32_t count, int32_t rows)
{
    size_t bytes = 0;
    cub::DeviceRadixSort::SortPairs(nullptr, bytes, (const int32_t *)nullptr, (int32_t *)nullptr,
                                    (const int32_t *)nullptr, (int32_t *)nullptr, count, 0,
                                    key_bits(rows));
    return bytes;
}

} // namespace

extern "C" size_t lc_k_sorted_scatter_scratch(int32_t rows, int32_t count)
{
    size_t n = count > 0 ? (size_t)count : 1;
    return 4 * align_up(n * sizeof(int32_t)) + 2 * align_up(((size_t)rows + 1) * sizeof(int32_t)) +
           align_up(sort_temp_bytes(count > 0 ? count : 1, rows));
}

extern "C" cudaError_t lc_k_scatter_add_sorted(cudaStream_t stream, float *table, int32_t rows,
                                               int32_t width, const int32_t *index,
                                               int32_t count, const float *src, void *scratch,
                                               size_t scratch_bytes)
{
    if (count <= 0 || rows <= 0 || width <= 0)
        return cudaSuccess;
    if (scratch_bytes < lc_k_sorted_scatter_scratch(rows, count))
        return cudaErrorInvalidValue;
    char *at = (char *)scratch;
    size_t list = align_up((size_t)count * sizeof(int32_t));
    size_t per_row = align_up(((size_t)rows + 1) * sizeof(int32_t));
    int32_t *keys = (int32_t *)at; at += list;
    int32_t *positions = (int32_t *)at; at += list;
    int32_t *sorted_keys = (int32_t *)at; at += list;
    int32_t *sorted_positions = (int32_t *)at; at += list;
    int32_t *group_begin = (int32_t *)at; at += per_row;
    int32_t *group_end = (int32_t *)at; at += per_row;
    size_t temp_bytes = sort_temp_bytes(count, rows);

    make_keys<<<blocks_for(count), 256, 0, stream>>>(index, count, rows, keys, positions);
    cudaError_t err = cub::DeviceRadixSort::SortPairs(at, temp_bytes, keys, sorted_keys, positions,
                                                      sorted_positions, count, 0, key_bits(rows),
                                                      stream);
    if (err != cudaSuccess)
        return err;
    // 0xff bytes make every group_begin -1: rows with no sources are skipped.
    err = cudaMemsetAsync(group_begin, 0xff, per_row, stream);
    if (err != cudaSuccess)
        return err;
    mark_groups<<<blocks_for(count), 256, 0, stream>>>(sorted_keys, count, rows, group_begin,
                                                       group_end);
    sum_groups<<<blocks_for((int64_t)rows * width), 256, 0, stream>>>(
        table, rows, width, group_begin, group_end, sorted_positions, src);
    return cudaGetLastError();
}
