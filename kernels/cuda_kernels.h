/*
 * Launchers for lstmcorr's own CUDA kernels (the .cu files in kernels/), callable from C.
 * Each enqueues on `stream`, does nothing for empty sizes, and returns the launch's cudaError_t.
 * Pointers are device pointers; matrices are row-major float32.
 */
#ifndef LSTMCORR_CUDA_KERNELS_H
#define LSTMCORR_CUDA_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* gather_scatter.cu: out[r] = table[index[r]] (zero row when out of range);
 * table[index[r]] += src[r] with atomics (out-of-range skipped). */
cudaError_t lc_k_gather(cudaStream_t stream, const float *table, int32_t rows, int32_t width,
                        const int32_t *index, int32_t count, float *out);
cudaError_t lc_k_scatter_add_atomic(cudaStream_t stream, float *table, int32_t rows,
                                    int32_t width, const int32_t *index, int32_t count,
                                    const float *src);

/* sorted_scatter.cu: the same scatter without float atomics, each table row summed in index
 * order, so results are bit-reproducible. Scratch of lc_k_sorted_scatter_scratch() bytes. */
size_t lc_k_sorted_scatter_scratch(int32_t rows, int32_t count);
cudaError_t lc_k_scatter_add_sorted(cudaStream_t stream, float *table, int32_t rows,
                                    int32_t width, const int32_t *index, int32_t count,
                                    const float *src, void *scratch, size_t scratch_bytes);

/* cosine_pairs.cu */
cudaError_t lc_k_cosine_pairs(cudaStream_t stream, const float *x, int32_t rows, int32_t width,
                              const int32_t *ia, const int32_t *ib, int32_t pairs, float *out);
/* dx[ia[k]] += dout[k] dcos/da, dx[ib[k]] += dout[k] dcos/db, with atomics. */
cudaError_t lc_k_cosine_pairs_backward_atomic(cudaStream_t stream, const float *x, int32_t rows,
                                              int32_t width, const int32_t *ia,
                                              const int32_t *ib, int32_t pairs,
                                              const float *dout, float *dx);
/* The per-pair terms instead: terms[k] = dcos/da * dout[k], terms[pairs + k] = dcos/db * dout[k];
 * rows[k] = ia[k], rows[pairs + k] = ib[k] (for a deterministic scatter afterwards). */
cudaError_t lc_k_cosine_pairs_backward_terms(cudaStream_t stream, const float *x, int32_t rows,
                                             int32_t width, const int32_t *ia, const int32_t *ib,
                                             int32_t pairs, const float *dout, float *terms,
                                             int32_t *term_rows);

/* sigmoid_bce.cu: loss[0] = mean BCE (one block, fixed reduction order); dz += scale (p-t)/count
 * when dz; prob = p when prob. */
cudaError_t lc_k_sigmoid_bce(cudaStream_t stream, const float *z, const float *target,
                             int32_t count, float scale, float *loss, float *dz, float *prob);

/* l2_normalize.cu: y[r] = x[r] / |x[r]|, zero rows stay zero; x may equal y. */
cudaError_t lc_k_l2_normalize(cudaStream_t stream, const float *x, int32_t rows, int32_t width,
                              float *y);

/* distance_clamp.cu: out[i * ld + j] = max(0, 1 + out[i * ld + j]) (out holds -x.y). */
cudaError_t lc_k_distance_clamp(cudaStream_t stream, float *out, int32_t rows, int32_t cols,
                                int32_t ld);

/* optimizers.cu */
cudaError_t lc_k_sgd(cudaStream_t stream, float *w, const float *g, int64_t count, float lr);
/* optimizers.cu: cudaSuccess when the current device can run this plugin's kernels
 * (cudaErrorNoKernelImageForDevice when it was built for other architectures only). */
cudaError_t lc_k_image_check(void);
/* lr_t = lr / (1 - beta1^step) and eps_t = eps; v is corrected by inv_bias2 = 1 / (1 - beta2^step). */
cudaError_t lc_k_adam(cudaStream_t stream, float *w, const float *g, float *m, float *v,
                      int64_t count, float lr_corrected, float beta1, float beta2,
                      float inv_bias2, float eps);

/* lstm_layout.cu: small layout helpers of the LSTM paths. */
/* pre[r] = (codes ? table[codes[r]] : xproj[r]) + bias, r < total, width 4H (zero row for an
 * out-of-range code, as gather). */
cudaError_t lc_k_lstm_input(cudaStream_t stream, const int32_t *codes, const float *table,
                            int32_t vocab, const float *xproj, const float *bias, int32_t total,
                            int32_t gates_width, float *pre);
/* m (hidden x 4*hidden, zeroed) gets ones at (j, gate * hidden + j): cuDNN's input weight that
 * passes a pre-projected x through unchanged. */
cudaError_t lc_k_gate_selector(cudaStream_t stream, float *m, int32_t hidden, int32_t gate);
/* dst[rows[b]] += src[b] for b < count with rows[b] >= 0 (distinct rows: no atomics needed). */
cudaError_t lc_k_add_rows_indexed(cudaStream_t stream, float *dst, const int32_t *rows,
                                  const float *src, int32_t count, int32_t width);
cudaError_t lc_k_fill(cudaStream_t stream, float *x, int64_t count, float value);
/* y += x */
cudaError_t lc_k_add(cudaStream_t stream, float *y, const float *x, int64_t count);

/* lstm_cell.cu: one time step of the fused LSTM over the active rows b < batch of step t.
 * pre (rows of step t, width 4H) holds x W_x + bias + h_prev W_h and is overwritten by the gate
 * activations [i | f | g | o'] that backward reads (o' = s(a_o + ...): the sigmoid part of o).
 * c: packed cell states (total x H); c_prev of row b is row prev_offset + b, none when
 * prev_offset < 0. h goes to h_next[next_offset + b] for b < next_batch (the next step's
 * h_prev, packed), else to h_last[b] (the sequence ends here); also to h_all[offset + b]. */
typedef struct lc_lstm_step {
    int32_t form;         /* lc_lstm_form */
    int32_t hidden;
    int32_t batch;        /* active sequences at this step */
    int32_t offset;       /* first packed row of this step */
    int32_t prev_offset;  /* first packed row of the previous step, -1 at t = 0 */
    int32_t next_offset;  /* first packed row of the next step (total at the last step) */
    int32_t next_batch;   /* active sequences at the next step, 0 at the last step */
} lc_lstm_step;

cudaError_t lc_k_lstm_cell_forward(cudaStream_t stream, const lc_lstm_step *step, float *pre,
                                   const float *peep, float *c, float *h_next, float *h_last,
                                   float *h_all);
/* Backward of one step: dh (packed, total x H) holds the full gradient at this step's rows;
 * dc_carry (batch x H) the cell gradient from step t+1 (zero when a sequence ends here) and is
 * replaced by the gradient for c_prev; dpre gets d(pre-activations) for the step's rows;
 * dpeep_rows (batch x 3H) accumulates the peephole terms. */
cudaError_t lc_k_lstm_cell_backward(cudaStream_t stream, const lc_lstm_step *step,
                                    const float *act, const float *peep, const float *c,
                                    const float *dh, float *dc_carry, float *dpre,
                                    float *dpeep_rows);

#ifdef __cplusplus
}
#endif
#endif
