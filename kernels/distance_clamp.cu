// Second half of the distance tile: SGEMM wrote -x.y, this turns it into max(0, 1 - x.y) in place.
// float4 accesses when the row stride allows them (the tile is memory-bound here).
#include "cuda_kernels.h"

namespace {

__global__ void clamp_rows(float *out, int32_t rows, int32_t cols, int32_t ld)
{
    int64_t n = (int64_t)rows * cols;
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < n;
         e += (int64_t)gridDim.x * blockDim.x) {
        int64_t i = e / cols, j = e % cols;
        float *p = out + i * ld + j;
        *p = fmaxf(0.0f, 1.0f + *p);
    }
}

__global__ void clamp_vec4(float4 *out, int64_t count4)
{
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < count4;
         e += (int64_t)gridDim.x * blockDim.x) {
        float4 v = out[e];
        v.x = fmaxf(0.0f, 1.0f + v.x);
        v.y = fmaxf(0.0f, 1.0f + v.y);
        v.z = fmaxf(0.0f, 1.0f + v.z);
        v.w = fmaxf(0.0f, 1.0f + v.w);
        out[e] = v;
    }
}

unsigned blocks_for(int64_t n)
{
    int64_t b = (n + 255) / 256;
    return (unsigned)(b > 65535 * 4 ? 65535 * 4 : (b < 1 ? 1 : b));
}

} // namespace

extern "C" cudaError_t lc_k_distance_clamp(cudaStream_t stream, float *out, int32_t rows,
                                           int32_t cols, int32_t ld)
{
    int64_t n = (int64_t)rows * cols;
    if (n <= 0)
        return cudaSuccess;
    bool dense = ld == cols && ((uintptr_t)out % 16) == 0 && n % 4 == 0;
    if (dense)
        clamp_vec4<<<blocks_for(n / 4), 256, 0, stream>>>((float4 *)out, n / 4);
    else
        clamp_rows<<<blocks_for(n), 256, 0, stream>>>(out, rows, cols, ld);
    return cudaGetLastError();
}
