// Parameter updates: plain SGD and bias-corrected Adam, elementwise.
#include "cuda_kernels.h"

namespace {

unsigned blocks_for(int64_t n)
{
    int64_t b = (n + 255) / 256;
    return (unsigned)(b > 65535 ? 65535 : (b < 1 ? 1 : b));
}

__global__ void sgd_step(float *w, const float *g, int64_t count, float lr)
{
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < count;
         e += (int64_t)gridDim.x * blockDim.x)
        w[e] -= lr * g[e];
}

__global__ void adam_step(float *w, const float *g, float *m, float *v, int64_t count,
                          float lr_corrected, float beta1, float beta2, float inv_bias2, float eps)
{
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < count;
         e += (int64_t)gridDim.x * blockDim.x) {
        float ge = g[e];
        float me = beta1 * m[e] + (1.0f - beta1) * ge;
        float ve = beta2 * v[e] + (1.0f - beta2) * ge * ge;
        m[e] = me;
        v[e] = ve;
        w[e] -= lr_corrected * me / (sqrtf(ve * inv_bias2) + eps);
    }
}

} // namespace

extern "C" cudaError_t lc_k_sgd(cudaStream_t stream, float *w, const float *g, int64_t count,
                                float lr)
{
    if (count <= 0)
        return cudaSuccess;
    sgd_step<<<blocks_for(count), 256, 0, stream>>>(w, g, count, lr);
    return cudaGetLastError();
}

extern "C" cudaError_t lc_k_adam(cudaStream_t stream, float *w, const float *g, float *m, float *v,
                                 int64_t count, float lr_corrected, float beta1, float beta2,
                                 float inv_bias2, float eps)
{
    if (count <= 0)
        return cudaSuccess;
    adam_step<<<blocks_for(count), 256, 0, stream>>>(w, g, m, v, count, lr_corrected, beta1, beta2,
                                                    inv_bias2, eps);
    return cudaGetLastError();
}

// Whether this plugin holds code the current device can run (machine code for its architecture
// or PTX it can compile): cudaErrorNoKernelImageForDevice when not.
extern "C" cudaError_t lc_k_image_check(void)
{
    cudaFuncAttributes attributes;
    return cudaFuncGetAttributes(&attributes, sgd_step);
}
