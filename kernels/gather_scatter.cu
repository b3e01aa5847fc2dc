// Row gather and the atomic row scatter-add (the fast, non-reproducible default).
#include "cuda_kernels.h"

namespace {

__global__ void gather_rows(const float *table, int32_t rows, int32_t width,
                            const int32_t *index, int32_t count, float *out)
{
    int64_t n = (int64_t)count * width;
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < n;
         e += (int64_t)gridDim.x * blockDim.x) {
        int64_t r = e / width, col = e % width;
        int32_t v = index[r];
        out[e] = (v >= 0 && v < rows) ? table[(int64_t)v * width + col] : 0.0f;
    }
}

__global__ void scatter_rows_atomic(float *table, int32_t rows, int32_t width,
                                    const int32_t *index, int32_t count, const float *src)
{
    int64_t n = (int64_t)count * width;
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < n;
         e += (int64_t)gridDim.x * blockDim.x) {
        int64_t r = e / width, col = e % width;
        int32_t v = index[r];
        if (v >= 0 && v < rows)
            atomicAdd(&table[(int64_t)v * width + col], src[e]);
    }
}

unsigned blocks_for(int64_t n)
{
    int64_t b = (n + 255) / 256;
    return (unsigned)(b > 65535 ? 65535 : b);
}

} // namespace

extern "C" cudaError_t lc_k_gather(cudaStream_t stream, const float *table, int32_t rows,
                                   int32_t width, const int32_t *index, int32_t count,
                                   float *out)
{
    int64_t n = (int64_t)count * width;
    if (n <= 0)
        return cudaSuccess;
    gather_rows<<<blocks_for(n), 256, 0, stream>>>(table, rows, width, index, count, out);
    return cudaGetLastError();
}

extern "C" cudaError_t lc_k_scatter_add_atomic(cudaStream_t stream, float *table, int32_t rows,
                                               int32_t width, const int32_t *index,
                                               int32_t count, const float *src)
{
    int64_t n = (int64_t)count * width;
    if (n <= 0)
        return cudaSuccess;
    scatter_rows_atomic<<<blocks_for(n), 256, 0, stream>>>(table, rows, width, index, count,
                                                            src);
    return cudaGetLastError();
}
