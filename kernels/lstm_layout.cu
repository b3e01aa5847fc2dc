// Small layout kernels shared by the two LSTM paths: input rows plus bias, cuDNN's pass-through
// input weight, indexed row adds, fills.
#include "cuda_kernels.h"

namespace {

unsigned blocks_for(int64_t n)
{
    int64_t b = (n + 255) / 256;
    return (unsigned)(b > 65535 ? 65535 : (b < 1 ? 1 : b));
}

__global__ void input_rows(const int32_t *codes, const float *table, int32_t vocab,
                           const float *xproj, const float *bias, int32_t total,
                           int32_t gates_width, float *pre)
{
    int64_t n = (int64_t)total * gates_width;
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < n;
         e += (int64_t)gridDim.x * blockDim.x) {
        int64_t r = e / gates_width, col = e % gates_width;
        float x;
        if (codes) {
            int32_t v = codes[r];
            x = (v >= 0 && v < vocab) ? table[(int64_t)v * gates_width + col] : 0.0f;
        } else {
            x = xproj[e];
        }
        pre[e] = x + bias[col];
    }
}

__global__ void gate_selector(float *m, int32_t hidden, int32_t gate)
{
    int32_t j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < hidden)
        m[(int64_t)j * 4 * hidden + (int64_t)gate * hidden + j] = 1.0f;
}

__global__ void add_rows_indexed(float *dst, const int32_t *rows, const float *src, int32_t count,
                                 int32_t width)
{
    int64_t n = (int64_t)count * width;
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < n;
         e += (int64_t)gridDim.x * blockDim.x) {
        int64_t b = e / width, col = e % width;
        int32_t r = rows[b];
        if (r >= 0)
            dst[(int64_t)r * width + col] += src[e];
    }
}

__global__ void fill(float *x, int64_t count, float value)
{
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < count;
         e += (int64_t)gridDim.x * blockDim.x)
        x[e] = value;
}

__global__ void add(float *y, const float *x, int64_t count)
{
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < count;
         e += (int64_t)gridDim.x * blockDim.x)
        y[e] += x[e];
}

} // namespace

extern "C" cudaError_t lc_k_lstm_input(cudaStream_t stream, const int32_t *codes,
                                       const float *table, int32_t vocab, const float *xproj,
                                       const float *bias, int32_t total, int32_t gates_width,
                                       float *pre)
{
    int64_t n = (int64_t)total * gates_width;
    if (n <= 0)
        return cudaSuccess;
    input_rows<<<blocks_for(n), 256, 0, stream>>>(codes, table, vocab, xproj, bias, total,
                                                  gates_width, pre);
    return cudaGetLastError();
}

extern "C" cudaError_t lc_k_gate_selector(cudaStream_t stream, float *m, int32_t hidden,
                                          int32_t gate)
{
    if (hidden <= 0)
        return cudaSuccess;
    gate_selector<<<(unsigned)((hidden + 255) / 256), 256, 0, stream>>>(m, hidden, gate);
    return cudaGetLastError();
}

extern "C" cudaError_t lc_k_add_rows_indexed(cudaStream_t stream, float *dst, const int32_t *rows,
                                             const float *src, int32_t count, int32_t width)
{
    int64_t n = (int64_t)count * width;
    if (n <= 0)
        return cudaSuccess;
    add_rows_indexed<<<blocks_for(n), 256, 0, stream>>>(dst, rows, src, count, width);
    return cudaGetLastError();
}

extern "C" cudaError_t lc_k_fill(cudaStream_t stream, float *x, int64_t count, float value)
{
    if (count <= 0)
        return cudaSuccess;
    fill<<<blocks_for(count), 256, 0, stream>>>(x, count, value);
    return cudaGetLastError();
}

extern "C" cudaError_t lc_k_add(cudaStream_t stream, float *y, const float *x, int64_t count)
{
    if (count <= 0)
        return cudaSuccess;
    add<<<blocks_for(count), 256, 0, stream>>>(y, x, count);
    return cudaGetLastError();
}
