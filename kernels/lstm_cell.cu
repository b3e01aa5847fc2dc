// The fused LSTM cell, forward and backward, for one time step over the active sequences.
// One thread per (sequence, unit); the three forms differ only in where the peepholes enter:
//   standard  i = s(a_i), f = s(a_f), o = s(a_o)
//   peephole  i = s(a_i + w_ci c_prev), f = s(a_f + w_cf c_prev), o = s(a_o + w_co c)
//   lasagne   as peephole but o = s(a_o) + w_co c            (Lasagne 0.1's form)
// with g = tanh(a_g), c = f c_prev + i g, h = o tanh(c).
#include "cuda_kernels.h"

#include "lstmcorr/backend.h"

namespace {

__device__ float sigmoid(float a) { return 1.0f / (1.0f + expf(-a)); }

unsigned blocks_for(int64_t n)
{
    int64_t b = (n + 255) / 256;
    return (unsigned)(b > 65535 ? 65535 : (b < 1 ? 1 : b));
}

__global__ void cell_forward(lc_lstm_step s, float *pre, const float *peep, float *c,
                             float *h_next, float *h_last, float *h_all)
{
    const int32_t H = s.hidden;
    int64_t n = (int64_t)s.batch * H;
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < n;
         e += (int64_t)gridDim.x * blockDim.x) {
        int32_t b = (int32_t)(e / H), j = (int32_t)(e % H);
        int64_t row = (int64_t)s.offset + b;
        float *a = pre + row * 4 * H;
        float c_prev = s.prev_offset >= 0 ? c[((int64_t)s.prev_offset + b) * H + j] : 0.0f;
        bool peeps = s.form != LC_LSTM_STANDARD;
        float i = sigmoid(a[j] + (peeps ? peep[j] * c_prev : 0.0f));
        float f = sigmoid(a[H + j] + (peeps ? peep[H + j] * c_prev : 0.0f));
        float g = tanhf(a[2 * H + j]);
        float cell = f * c_prev + i * g;
        float o_sig, o;
        if (s.form == LC_LSTM_PEEPHOLE) {
            o_sig = sigmoid(a[3 * H + j] + peep[2 * H + j] * cell);
            o = o_sig;
        } else if (s.form == LC_LSTM_LASAGNE01) {
            o_sig = sigmoid(a[3 * H + j]);
            o = o_sig + peep[2 * H + j] * cell;
        } else {
            o_sig = sigmoid(a[3 * H + j]);
            o = o_sig;
        }
        float h = o * tanhf(cell);
        a[j] = i;
        a[H + j] = f;
        a[2 * H + j] = g;
        a[3 * H + j] = o_sig;
        c[row * H + j] = cell;
        if (b < s.next_batch)
            h_next[((int64_t)s.next_offset + b) * H + j] = h;
        else if (h_last)
            h_last[(int64_t)b * H + j] = h;
        if (h_all)
            h_all[row * H + j] = h;
    }
}

__global__ void cell_backward(lc_lstm_step s, const float *act, const float *peep, const float *c,
                              const float *dh, float *dc_carry, float *dpre, float *dpeep_rows)
{
    const int32_t H = s.hidden;
    int64_t n = (int64_t)s.batch * H;
    for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < n;
         e += (int64_t)gridDim.x * blockDim.x) {
        int32_t b = (int32_t)(e / H), j = (int32_t)(e % H);
        int64_t row = (int64_t)s.offset + b;
        const float *a = act + row * 4 * H;
        float i = a[j], f = a[H + j], g = a[2 * H + j], o_sig = a[3 * H + j];
        float cell = c[row * H + j];
        float c_prev = s.prev_offset >= 0 ? c[((int64_t)s.prev_offset + b) * H + j] : 0.0f;
        float tc = tanhf(cell);
        float dhj = dh[row * H + j];
        float w_co = s.form == LC_LSTM_STANDARD ? 0.0f : peep[2 * H + j];
        float o = s.form == LC_LSTM_LASAGNE01 ? o_sig + w_co * cell : o_sig;
        float d_o = dhj * tc;
        float dc = dc_carry[(int64_t)b * H + j] + dhj * o * (1.0f - tc * tc);
        float da_o = d_o * o_sig * (1.0f - o_sig);
        float dw_co = 0.0f;
        // The output gate sees the new cell state: its path into dc comes before i, f and g.
        if (s.form == LC_LSTM_PEEPHOLE) {
            dc += da_o * w_co;
            dw_co = da_o * cell;
        } else if (s.form == LC_LSTM_LASAGNE01) {
            dc += d_o * w_co;
            dw_co = d_o * cell;
        }
        float da_i = dc * g * i * (1.0f - i);
        float da_f = dc * c_prev * f * (1.0f - f);
        float da_g = dc * i * (1.0f - g * g);
        float dc_prev = dc * f;
        if (s.form != LC_LSTM_STANDARD) {
            dc_prev += da_i * peep[j] + da_f * peep[H + j];
            float *dp = dpeep_rows + (int64_t)b * 3 * H;
            dp[j] += da_i * c_prev;
            dp[H + j] += da_f * c_prev;
            dp[2 * H + j] += dw_co;
        }
        dc_carry[(int64_t)b * H + j] = dc_prev;
        float *d = dpre + row * 4 * H;
        d[j] = da_i;
        d[H + j] = da_f;
        d[2 * H + j] = da_g;
        d[3 * H + j] = da_o;
    }
}

} // namespace

extern "C" cudaError_t lc_k_lstm_cell_forward(cudaStream_t stream, const lc_lstm_step *step,
                                              float *pre, const float *peep, float *c,
                                              float *h_next, float *h_last, float *h_all)
{
    int64_t n = (int64_t)step->batch * step->hidden;
    if (n <= 0)
        return cudaSuccess;
    cell_forward<<<blocks_for(n), 256, 0, stream>>>(*step, pre, peep, c, h_next, h_last, h_all);
    return cudaGetLastError();
}

extern "C" cudaError_t lc_k_lstm_cell_backward(cudaStream_t stream, const lc_lstm_step *step,
                                               const float *act, const float *peep,
                                               const float *c, const float *dh, float *dc_carry,
                                               float *dpre, float *dpeep_rows)
{
    int64_t n = (int64_t)step->batch * step->hidden;
    if (n <= 0)
        return cudaSuccess;
    cell_backward<<<blocks_for(n), 256, 0, stream>>>(*step, act, peep, c, dh, dc_carry, dpre,
                                                     dpeep_rows);
    return cudaGetLastError();
}
