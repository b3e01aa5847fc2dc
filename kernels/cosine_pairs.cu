// Cosine similarity of row pairs and its gradient; one warp per pair, the rows read once each.
#include "cuda_kernels.h"

namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;

__device__ double warp_sum(double v)
{
    for (int s = kWarp / 2; s > 0; s /= 2)
        v += __shfl_xor_sync(0xffffffffu, v, s);
    return v;
}

// In double, as the CPU backend sums them: float squares underflow below |x| ~ 1e-19.
struct pair_dots {
    double ab, aa, bb;
};

__device__ pair_dots dots(const float *a, const float *b, int32_t width, int lane)
{
    pair_dots d = {0.0, 0.0, 0.0};
    for (int32_t k = lane; k < width; k += kWarp) {
        double x = a[k], y = b[k];
        d.ab += x * y;
        d.aa += x * x;
        d.bb += y * y;
    }
    d.ab = warp_sum(d.ab);
    d.aa = warp_sum(d.aa);
    d.bb = warp_sum(d.bb);
    return d;
}

__device__ bool valid_row(int32_t r, int32_t rows) { return r >= 0 && r < rows; }

__global__ void cosine_forward(const float *x, int32_t rows, int32_t width, const int32_t *ia,
                               const int32_t *ib, int32_t pairs, float *out)
{
    int lane = threadIdx.x % kWarp;
    int32_t k = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarp;
    if (k >= pairs)
        return;
    int32_t ra = ia[k], rb = ib[k];
    if (!valid_row(ra, rows) || !valid_row(rb, rows)) {
        if (lane == 0)
            out[k] = 0.0f;
        return;
    }
    pair_dots d = dots(x + (int64_t)ra * width, x + (int64_t)rb * width, width, lane);
    if (lane == 0)
        out[k] = (d.aa > 0.0 && d.bb > 0.0) ? (float)(d.ab / (sqrt(d.aa) * sqrt(d.bb))) : 0.0f;
}

// d cos / d a = b / (|a||b|) - cos a / |a|^2, and symmetrically for b.
template <bool kAtomic>
__global__ void cosine_backward(const float *x, int32_t rows, int32_t width, const int32_t *ia,
                                const int32_t *ib, int32_t pairs, const float *dout, float *dx,
                                float *terms, int32_t *term_rows)
{
    int lane = threadIdx.x % kWarp;
    int32_t k = blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarp;
    if (k >= pairs)
        return;
    int32_t ra = ia[k], rb = ib[k];
    bool ok = valid_row(ra, rows) && valid_row(rb, rows);
    pair_dots d = {0.0, 0.0, 0.0};
    if (ok)
        d = dots(x + (int64_t)ra * width, x + (int64_t)rb * width, width, lane);
    bool nonzero = ok && d.aa > 0.0 && d.bb > 0.0;
    double inv_ab = 0.0, cos = 0.0, g = 0.0;
    if (nonzero) {
        inv_ab = 1.0 / (sqrt(d.aa) * sqrt(d.bb));
        cos = d.ab * inv_ab;
        g = dout[k];
    }
    if (!kAtomic && lane == 0) {
        term_rows[k] = ok ? ra : -1;
        term_rows[pairs + k] = ok ? rb : -1;
    }
    for (int32_t j = lane; j < width; j += kWarp) {
        float da = 0.0f, db = 0.0f;
        if (nonzero) {
            double a = x[(int64_t)ra * width + j], b = x[(int64_t)rb * width + j];
            da = (float)(g * (b * inv_ab - cos * a / d.aa));
            db = (float)(g * (a * inv_ab - cos * b / d.bb));
        }
        if (kAtomic) {
            if (nonzero) {
                atomicAdd(&dx[(int64_t)ra * width + j], da);
                atomicAdd(&dx[(int64_t)rb * width + j], db);
            }
        } else {
            terms[(int64_t)k * width + j] = da;
            terms[((int64_t)pairs + k) * width + j] = db;
        }
    }
}

unsigned blocks_for(int32_t pairs) { return (unsigned)(((int64_t)pairs + kWarpsPerBlock - 1) / kWarpsPerBlock); }

} // namespace

extern "C" cudaError_t lc_k_cosine_pairs(cudaStream_t stream, const float *x, int32_t rows,
                                         int32_t width, const int32_t *ia, const int32_t *ib,
                                         int32_t pairs, float *out)
{
    if (pairs <= 0)
        return cudaSuccess;
    cosine_forward<<<blocks_for(pairs), kWarp * kWarpsPerBlock, 0, stream>>>(x, rows, width, ia,
                                                                          ib, pairs, out);
    return cudaGetLastError();
}

extern "C" cudaError_t lc_k_cosine_pairs_backward_atomic(cudaStream_t stream, const float *x,
                                                         int32_t rows, int32_t width,
                                                         const int32_t *ia, const int32_t *ib,
                                                         int32_t pairs, const float *dout,
                                                         float *dx)
{
    if (pairs <= 0 || width <= 0)
        return cudaSuccess;
    cosine_backward<true><<<blocks_for(pairs), kWarp * kWarpsPerBlock, 0, stream>>>(
        x, rows, width, ia, ib, pairs, dout, dx, nullptr, nullptr);
    return cudaGetLastError();
}

extern "C" cudaError_t lc_k_cosine_pairs_backward_terms(cudaStream_t stream, const float *x,
                                                        int32_t rows, int32_t width,
                                                        const int32_t *ia, const int32_t *ib,
                                                        int32_t pairs, const float *dout,
                                                        float *terms, int32_t *term_rows)
{
    if (pairs <= 0)
        return cudaSuccess;
    cosine_backward<false><<<blocks_for(pairs), kWarp * kWarpsPerBlock, 0, stream>>>(
        x, rows, width, ia, ib, pairs, dout, nullptr, terms, term_rows);
    return cudaGetLastError();
}
