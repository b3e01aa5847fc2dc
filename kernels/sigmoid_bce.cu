// Fused sigmoid + binary cross-entropy. The mean comes from a single block in a fixed order, so
// the loss is reproducible without atomics.
#include "cuda_kernels.h"

namespace {

constexpr int kThreads = 1024;

__device__ float stable_sigmoid(float z)
{
    if (z >= 0.0f)
        return 1.0f / (1.0f + expf(-z));
    float e = expf(z);
    return e / (1.0f + e);
}

__global__ void sigmoid_bce_block(const float *z, const float *target, int32_t count, float scale,
                                  float *loss, float *dz, float *prob)
{
    __shared__ double partial[kThreads];
    double sum = 0.0;
    for (int32_t k = threadIdx.x; k < count; k += kThreads) {
        float zk = z[k], tk = target[k];
        sum += (double)(fmaxf(zk, 0.0f) - zk * tk + log1pf(expf(-fabsf(zk))));
        float p = stable_sigmoid(zk);
        if (dz)
            dz[k] += scale * (p - tk) / (float)count;
        if (prob)
            prob[k] = p;
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int s = kThreads / 2; s > 0; s /= 2) {
        if (threadIdx.x < s)
            partial[threadIdx.x] += partial[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0)
        loss[0] = count > 0 ? (float)(partial[0] / count) : 0.0f;
}

} // namespace

extern "C" cudaError_t lc_k_sigmoid_bce(cudaStream_t stream, const float *z, const float *target,
                                        int32_t count, float scale, float *loss, float *dz,
                                        float *prob)
{
    sigmoid_bce_block<<<1, kThreads, 0, stream>>>(z, target, count, scale, loss, dz, prob);
    return cudaGetLastError();
}
