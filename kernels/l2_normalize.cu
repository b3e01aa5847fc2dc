// Row L2 normalisation, one warp per row; every lane reads its elements before writing, so x and
// y may alias.
#include "cuda_kernels.h"

namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;

__global__ void normalize_rows(const float *x, int32_t rows, int32_t width, float *y)
{
    int lane = threadIdx.x % kWarp;
    int32_t r = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarp;
    if (r >= rows)
        return;
    const float *xr = x + (int64_t)r * width;
    float *yr = y + (int64_t)r * width;
    double ss = 0.0; // in double, as the CPU backend: float squares underflow below |x| ~ 1e-19
    for (int32_t k = lane; k < width; k += kWarp)
        ss += (double)xr[k] * xr[k];
    for (int s = kWarp / 2; s > 0; s /= 2)
        ss += __shfl_xor_sync(0xffffffffu, ss, s);
    double inv = ss > 0.0 ? 1.0 / sqrt(ss) : 0.0;
    for (int32_t k = lane; k < width; k += kWarp)
        yr[k] = (float)(xr[k] * inv);
}

} // namespace

extern "C" cudaError_t lc_k_l2_normalize(cudaStream_t stream, const float *x, int32_t rows,
                                         int32_t width, float *y)
{
    if (rows <= 0)
        return cudaSuccess;
    unsigned blocks = (unsigned)((rows + kWarpsPerBlock - 1) / kWarpsPerBlock);
    normalize_rows<<<blocks, kWarp * kWarpsPerBlock, 0, stream>>>(x, rows, width, y);
    return cudaGetLastError();
}
