/*
 * The SIMD kernels, written once with GCC vector extensions and compiled once per ISA.
 * The including file defines, before including this:
 *   W                      floats per vector (4 SSE2, 8 AVX2, 16 AVX-512)
 *   V_MIN(a, b), V_MAX(a, b) the ISA's min/max intrinsics
 *   KERNEL_TABLE           name of the cpu_kernels table to define, KERNEL_ISA its name string
 *   GEMM_MR, GEMM_NV       GEMM micro-tile: GEMM_MR rows x GEMM_NV vectors
 *   LSTM_MR                rows per LSTM forward micro-tile (4 * LSTM_MR accumulators)
 *   LSTM_BACK_MR           rows per LSTM backward recurrent micro-tile
 * Nothing here prints or allocates.
 */
#include <string.h>

#include "cpu_internal.h"

typedef float vf __attribute__((vector_size(W * 4)));
typedef int32_t vi __attribute__((vector_size(W * 4)));
typedef float vf_unaligned __attribute__((vector_size(W * 4), aligned(4), may_alias));

#define INLINE static inline __attribute__((always_inline))

INLINE vf load(const float *p) { return *(const vf_unaligned *)p; }
INLINE void store(float *p, vf v) { *(vf_unaligned *)p = v; }
/* x - 0, not 0 + x: keeps the sign of -0.0 */
INLINE vf splat(float x) { return x - (vf){0}; }

/* ---- transcendental approximations --------------------------------------------------------
 * exp: x = n ln2 + r with |r| <= ln2/2, Taylor polynomial of degree 7 (truncation < 6e-9
 * relative), 2^n by building the exponent; inputs clamped to [-87, 88] so results stay normal.
 * sigmoid = 1 / (1 + exp(-x)). tanh: |x| < 0.5 odd Taylor polynomial to x^13 (truncation
 * < 1e-7 relative), else sign(x) (1 - 2 / (exp(2|x|) + 1)).
 * Max relative error measured against double on a 1e-4 grid over [-87, 88] and a 1e-7 grid over
 * [-1, 1]: exp 7.7e-8, sigmoid 1.5e-7, tanh 1.9e-7. */

INLINE vf v_exp(vf x)
{
    const float magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    x = V_MAX(V_MIN(x, splat(88.0f)), splat(-87.0f));
    vf t = x * 1.44269504088896341f + magic;
    vf n = t - magic;
    vf r = x - n * 0.693145751953125f;   /* ln2 high part, exact product */
    r = r - n * 1.42860682030941723e-6f; /* ln2 low part */
    vf p = splat(1.0f / 5040.0f);
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    vi scale = ((vi)t - (vi)splat(magic) + 127) << 23;
    return p * (vf)scale;
}

INLINE vf v_sigmoid(vf x) { return 1.0f / (1.0f + v_exp(-x)); }

INLINE vf v_tanh(vf x)
{
    vi sign_mask = (vi){0} + INT32_MIN;
    vf ax = (vf)((vi)x & ~sign_mask);
    vf big = 1.0f - 2.0f / (v_exp(ax + ax) + 1.0f);
    big = (vf)((vi)big | ((vi)x & sign_mask));
    vf x2 = x * x;
    vf p = splat(21844.0f / 6081075.0f);
    p = p * x2 - 1382.0f / 155925.0f;
    p = p * x2 + 62.0f / 2835.0f;
    p = p * x2 - 17.0f / 315.0f;
    p = p * x2 + 2.0f / 15.0f;
    p = p * x2 - 1.0f / 3.0f;
    vf small = x + x * x2 * p;
    vi use_small = ax < 0.5f;
    return (vf)((use_small & (vi)small) | (~use_small & (vi)big));
}

/* ---- GEMM micro-kernel --------------------------------------------------------------------- */

#define GEMM_NR (GEMM_NV * W)

static void gemm_micro(int k, const float *a, const float *b, float *c, int64_t ldc, int mr, int nr,
                       const cpu_gemm_epilogue *ep)
{
    vf acc[GEMM_MR][GEMM_NV];
    for (int r = 0; r < GEMM_MR; r++)
        for (int v = 0; v < GEMM_NV; v++)
            acc[r][v] = splat(0.0f);
    for (int kk = 0; kk < k; kk++) {
        vf bv[GEMM_NV];
        for (int v = 0; v < GEMM_NV; v++)
            bv[v] = load(b + (size_t)kk * GEMM_NR + v * W);
        for (int r = 0; r < GEMM_MR; r++) {
            float av = a[(size_t)kk * GEMM_MR + r];
            for (int v = 0; v < GEMM_NV; v++)
                acc[r][v] += bv[v] * av;
        }
    }
    const float alpha = ep->alpha, beta = ep->beta;
    if (mr == GEMM_MR && nr == GEMM_NR) {
        for (int r = 0; r < GEMM_MR; r++)
            for (int v = 0; v < GEMM_NV; v++) {
                float *cp = c + (int64_t)r * ldc + v * W;
                vf out = acc[r][v] * alpha;
                if (beta != 0.0f)
                    out += load(cp) * beta;
                if (ep->distance)
                    out = V_MAX(1.0f - out, splat(0.0f));
                store(cp, out);
            }
        return;
    }
    float tile[GEMM_MR][GEMM_NR];
    for (int r = 0; r < GEMM_MR; r++)
        for (int v = 0; v < GEMM_NV; v++)
            store(&tile[r][v * W], acc[r][v]);
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) {
            float *cp = c + (int64_t)r * ldc + j;
            float out = alpha * tile[r][j];
            if (beta != 0.0f)
                out += beta * *cp;
            if (ep->distance) {
                out = 1.0f - out;
                out = out > 0.0f ? out : 0.0f;
            }
            *cp = out;
        }
}

/* ---- LSTM forward: one step of a block of sequences ---------------------------------------
 * Per micro-tile of MR rows and each group of W hidden units, the 4 gate vectors of every row
 * live in registers: initialised from the gathered x W_x + bias row, accumulated over h_prev Wh
 * (Wh packed so the 4 gate vectors of one k are adjacent), then the nonlinearities and the
 * state update are applied before anything goes back to memory. */

INLINE void forward_tile(const cpu_lstm_step *s, int r0, const int MR, const int form)
{
    const int H = s->hidden, hp = s->hp, tiles = hp / W;
    const float *hrow[LSTM_MR > MR ? LSTM_MR : MR];
    for (int r = 0; r < MR; r++)
        hrow[r] = s->h_prev + (size_t)(r0 + r) * hp;
    for (int j = 0; j < tiles; j++) {
        vf acc[MR][4];
        for (int r = 0; r < MR; r++) {
            const float *in = s->gate_in[r0 + r] + j * W;
            for (int g = 0; g < 4; g++)
                acc[r][g] = load(in + g * hp);
        }
        const float *wp = s->wh_packed + (size_t)j * H * 4 * W;
        for (int k = 0; k < H; k++) {
            vf b0 = load(wp), b1 = load(wp + W), b2 = load(wp + 2 * W), b3 = load(wp + 3 * W);
            wp += 4 * W;
            for (int r = 0; r < MR; r++) {
                float hv = hrow[r][k];
                acc[r][0] += b0 * hv;
                acc[r][1] += b1 * hv;
                acc[r][2] += b2 * hv;
                acc[r][3] += b3 * hv;
            }
        }
        for (int r = 0; r < MR; r++) {
            float *cptr = s->c + (size_t)(r0 + r) * hp + j * W;
            vf c_prev = load(cptr);
            vf ai = acc[r][0], af = acc[r][1], ag = acc[r][2], ao = acc[r][3];
            if (form != LC_LSTM_STANDARD) {
                ai += load(s->peep + j * W) * c_prev;
                af += load(s->peep + hp + j * W) * c_prev;
            }
            vf i = v_sigmoid(ai), f = v_sigmoid(af), g = v_tanh(ag);
            vf c_new = f * c_prev + i * g;
            vf o_sig, o;
            if (form == LC_LSTM_PEEPHOLE) {
                o_sig = v_sigmoid(ao + load(s->peep + 2 * hp + j * W) * c_new);
                o = o_sig;
            } else if (form == LC_LSTM_LASAGNE01) {
                o_sig = v_sigmoid(ao);
                o = o_sig + load(s->peep + 2 * hp + j * W) * c_new;
            } else {
                o_sig = v_sigmoid(ao);
                o = o_sig;
            }
            store(cptr, c_new);
            store(s->h_next + (size_t)(r0 + r) * hp + j * W, o * v_tanh(c_new));
            if (s->reserve_gates) {
                size_t row = (size_t)(s->row0 + r0 + r);
                float *gt = s->reserve_gates + row * 4 * hp + j * W;
                store(gt, i);
                store(gt + hp, f);
                store(gt + 2 * hp, g);
                store(gt + 3 * hp, o_sig);
                store(s->reserve_c + row * hp + j * W, c_new);
                store(s->reserve_h_prev + row * hp + j * W, load(hrow[r] + j * W));
            }
        }
    }
}

INLINE void forward_rows(const cpu_lstm_step *s, const int form)
{
    int r = 0;
    for (; r + LSTM_MR <= s->rows; r += LSTM_MR)
        forward_tile(s, r, LSTM_MR, form);
    switch (s->rows - r) {
    case 1: forward_tile(s, r, 1, form); break;
    case 2: if (LSTM_MR > 2) forward_tile(s, r, 2, form); break;
    case 3: if (LSTM_MR > 3) forward_tile(s, r, 3, form); break;
    case 4: if (LSTM_MR > 4) forward_tile(s, r, 4, form); break;
    case 5: if (LSTM_MR > 5) forward_tile(s, r, 5, form); break;
    default: break;
    }
}

static void lstm_forward_step(const cpu_lstm_step *s)
{
    switch (s->form) {
    case LC_LSTM_PEEPHOLE: forward_rows(s, LC_LSTM_PEEPHOLE); break;
    case LC_LSTM_LASAGNE01: forward_rows(s, LC_LSTM_LASAGNE01); break;
    default: forward_rows(s, LC_LSTM_STANDARD); break;
    }
}

/* ---- LSTM backward: one step of a block, in reverse time ----------------------------------
 * Elementwise: from dh (all sources summed by the caller), dc and the reserve, the gradients of
 * the 4 pre-activations (written to dgates), dc for the previous step and the peephole sums.
 * Then dh for the previous step = dgates Wh^T, a micro-tile of rows x W units at a time. */

INLINE void backward_elementwise_row(const cpu_lstm_step *s, int r, const int form)
{
    const int hp = s->hp, tiles = hp / W;
    size_t row = (size_t)(s->row0 + r);
    for (int j = 0; j < tiles; j++) {
        const float *gt = s->reserve_gates + row * 4 * hp + j * W;
        vf i = load(gt), f = load(gt + hp), g = load(gt + 2 * hp), o_sig = load(gt + 3 * hp);
        vf c = load(s->reserve_c + row * hp + j * W);
        vf c_prev = s->prev_row0 >= 0
                        ? load(s->reserve_c + (size_t)(s->prev_row0 + r) * hp + j * W)
                        : splat(0.0f);
        vf dh = load(s->dh + (size_t)r * hp + j * W);
        vf dc = load(s->dc + (size_t)r * hp + j * W);
        vf tc = v_tanh(c);
        vf d_ao, o, w_co = splat(0.0f);
        if (form != LC_LSTM_STANDARD)
            w_co = load(s->peep + 2 * hp + j * W);
        o = form == LC_LSTM_LASAGNE01 ? o_sig + w_co * c : o_sig;
        vf d_o = dh * tc;
        dc += dh * o * (1.0f - tc * tc);
        d_ao = d_o * o_sig * (1.0f - o_sig);
        if (form == LC_LSTM_PEEPHOLE)
            dc += d_ao * w_co;
        else if (form == LC_LSTM_LASAGNE01)
            dc += d_o * w_co;
        vf d_ai = dc * g * i * (1.0f - i);
        vf d_af = dc * c_prev * f * (1.0f - f);
        vf d_ag = dc * i * (1.0f - g * g);
        vf dc_prev = dc * f;
        if (form != LC_LSTM_STANDARD) {
            dc_prev += d_ai * load(s->peep + j * W) + d_af * load(s->peep + hp + j * W);
            if (s->dpeep) {
                float *dp = s->dpeep + j * W;
                store(dp, load(dp) + d_ai * c_prev);
                store(dp + hp, load(dp + hp) + d_af * c_prev);
                vf d_wco = form == LC_LSTM_PEEPHOLE ? d_ao * c : d_o * c;
                store(dp + 2 * hp, load(dp + 2 * hp) + d_wco);
            }
        }
        float *dg = s->dgates + row * 4 * hp + j * W;
        store(dg, d_ai);
        store(dg + hp, d_af);
        store(dg + 2 * hp, d_ag);
        store(dg + 3 * hp, d_ao);
        store(s->dc + (size_t)r * hp + j * W, dc_prev);
    }
}

INLINE void backward_recurrent_tile(const cpu_lstm_step *s, int r0, const int MR)
{
    const int H = s->hidden, hp = s->hp, tiles = hp / W;
    const float *da[LSTM_BACK_MR > MR ? LSTM_BACK_MR : MR];
    for (int r = 0; r < MR; r++)
        da[r] = s->dgates + (size_t)(s->row0 + r0 + r) * 4 * hp;
    for (int j = 0; j < tiles; j++) {
        vf acc[MR];
        for (int r = 0; r < MR; r++)
            acc[r] = splat(0.0f);
        const float *wp = s->wh_t_packed + (size_t)j * 4 * H * W;
        for (int g = 0; g < 4; g++)
            for (int k = 0; k < H; k++) {
                vf b = load(wp);
                wp += W;
                for (int r = 0; r < MR; r++)
                    acc[r] += b * da[r][g * hp + k];
            }
        for (int r = 0; r < MR; r++)
            store(s->dh + (size_t)(r0 + r) * hp + j * W, acc[r]);
    }
}

INLINE void backward_rows(const cpu_lstm_step *s, const int form)
{
    for (int r = 0; r < s->rows; r++)
        backward_elementwise_row(s, r, form);
    if (!s->need_dh_prev)
        return;
    int r = 0;
    for (; r + LSTM_BACK_MR <= s->rows; r += LSTM_BACK_MR)
        backward_recurrent_tile(s, r, LSTM_BACK_MR);
    for (; r < s->rows; r++)
        backward_recurrent_tile(s, r, 1);
}

static void lstm_backward_step(const cpu_lstm_step *s)
{
    switch (s->form) {
    case LC_LSTM_PEEPHOLE: backward_rows(s, LC_LSTM_PEEPHOLE); break;
    case LC_LSTM_LASAGNE01: backward_rows(s, LC_LSTM_LASAGNE01); break;
    default: backward_rows(s, LC_LSTM_STANDARD); break;
    }
}

const cpu_kernels KERNEL_TABLE = {
    .isa = KERNEL_ISA,
    .lanes = W,
    .gemm_mr = GEMM_MR,
    .gemm_nr = GEMM_NR,
    .gemm_micro = gemm_micro,
    .lstm_forward_step = lstm_forward_step,
    .lstm_backward_step = lstm_backward_step,
};
