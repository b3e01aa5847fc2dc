/* Shared definitions of the CPU backend: handles, errors, the thread pool and the kernel table. */
#ifndef LSTMCORR_CPU_INTERNAL_H
#define LSTMCORR_CPU_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/backend.h"

#define CPU_ALIGN 64

/* ---- errors (cpu_error.c) ------------------------------------------------------------------ */

const char *cpu_last_error(void);
/* Store a printf-style message for this thread and return status. */
lc_status cpu_fail(lc_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the SIMD kernel table (cpu_kernels_*.c, one per ISA) -------------------------------- */

/* GEMM micro-kernel epilogue: v = alpha * acc + beta * C (C not read when beta == 0);
 * with distance set, C = max(0, 1 - v). */
typedef struct cpu_gemm_epilogue {
    float alpha, beta;
    int distance;
} cpu_gemm_epilogue;

/* Everything one LSTM step of one block of sequences needs. Rows are block-local (0..rows-1);
 * packed row index of local row r at this step is row0 + r. Widths: hp = padded H. */
typedef struct cpu_lstm_step {
    int form;              /* lc_lstm_form */
    int hidden, hp;        /* H and H rounded up to the lane count */
    int rows;              /* active rows of the block at this step */
    int64_t row0;          /* packed row of local row 0 at this step */
    int64_t prev_row0;     /* packed row of local row 0 at the previous step (t > 0), else -1 */
    /* forward */
    const float *const *gate_in; /* per local row: 4 * hp gate inputs (x W_x + bias), padded */
    const float *wh_packed;      /* [hp / lanes][H][4][lanes] */
    const float *peep;           /* [3][hp] padded, or NULL for STANDARD */
    const float *h_prev;         /* rows x hp */
    float *h_next;               /* rows x hp */
    float *c;                    /* rows x hp, updated in place */
    float *reserve_gates;        /* total x 4hp: i, f, g, o (lasagne: sigmoid part of o), or NULL */
    float *reserve_c;            /* total x hp: c after the step */
    float *reserve_h_prev;       /* total x hp: h before the step */
    /* backward (reserve_* read only) */
    float *dh;                   /* rows x hp: dh from the later step, replaced by dh for t-1 */
    float *dc;                   /* rows x hp: dc from the later step, replaced by dc for t-1 */
    const float *dh_extra;       /* rows x hp of dh_all + dh_last for this step, or NULL */
    float *dgates;               /* total x 4hp: d pre-activations, written */
    const float *wh_t_packed;    /* [hp / lanes][4][H][lanes] = wh transposed */
    float *dpeep;                /* [3][hp] accumulators of this block, or NULL */
    int need_dh_prev;            /* 0 at t == 0 */
} cpu_lstm_step;

typedef struct cpu_kernels {
    const char *isa;     /* "generic", "avx2", "avx512" */
    int lanes;           /* floats per vector */
    int gemm_mr, gemm_nr;
    /* acc[mr][nr] = sum_k a[k * gemm_mr + r] * b[k * gemm_nr + j]; stores rows < mr, cols < nr. */
    void (*gemm_micro)(int k, const float *a_packed, const float *b_packed, float *c, int64_t ldc,
                       int mr, int nr, const cpu_gemm_epilogue *ep);
    void (*lstm_forward_step)(const cpu_lstm_step *s);
    void (*lstm_backward_step)(const cpu_lstm_step *s);
} cpu_kernels;

extern const cpu_kernels cpu_kernels_generic;
extern const cpu_kernels cpu_kernels_avx2;
extern const cpu_kernels cpu_kernels_avx512;

/* ---- thread pool (cpu_pool.c) -------------------------------------------------------------- */

/* One task of a parallel loop; slot is the running thread's index in [0, threads) (its scratch). */
typedef void (*cpu_task_fn)(void *ctx, int task, int slot);

typedef struct cpu_pool cpu_pool;
lc_status cpu_pool_create(int threads, size_t scratch_bytes, cpu_pool **out);
void cpu_pool_destroy(cpu_pool *pool);
int cpu_pool_threads(const cpu_pool *pool);
float *cpu_pool_scratch(cpu_pool *pool, int slot);
/* Run tasks 0..n_tasks-1 on the pool (the caller works too) and wait for all of them. */
void cpu_pool_run(cpu_pool *pool, int n_tasks, cpu_task_fn fn, void *ctx);

/* ---- handles ------------------------------------------------------------------------------- */

struct lc_backend {
    const cpu_kernels *kernels;
    int open_devices;
};

/* Device indices: the fast float32 kernels and the float64 reference (cpu_reference_device.c). */
enum { CPU_DEVICE_FAST = 0, CPU_DEVICE_REFERENCE = 1, CPU_DEVICE_COUNT = 2 };

struct lc_device {
    lc_backend *backend;
    const cpu_kernels *kernels;
    cpu_pool *pool;   /* NULL on the reference device: it runs on the calling thread */
    int threads;
    int reference;    /* 1 on cpu:1: every op goes through the lc_ref_* float64 functions */
};

struct lc_buffer {
    void *data;
    size_t bytes;
};

/* Threads the device would use: LSTMCORR_THREADS, else all online cores. */
lc_status cpu_thread_count(int *out);
/* The kernel table for this CPU (or LSTMCORR_CPU_ISA). */
lc_status cpu_select_kernels(const cpu_kernels **out);
lc_status cpu_fill_device_info(const lc_backend *backend, int index, lc_device_info *out);

/* ---- shared helpers ------------------------------------------------------------------------ */

static inline float *cpu_f32(lc_buffer *b) { return b ? (float *)b->data : NULL; }
static inline int32_t *cpu_i32(lc_buffer *b) { return b ? (int32_t *)b->data : NULL; }
/* LC_ERR_INVALID unless buffer is non-NULL and holds at least `bytes`. */
lc_status cpu_check_buffer(const lc_buffer *b, size_t bytes, const char *what);
static inline int cpu_round_up(int x, int m) { return (x + m - 1) / m * m; }

/* Parameter validation shared by supports() and the ops (cpu_validate.c). */
lc_status cpu_validate(const lc_device *device, lc_op op, const void *params);
/* Buffer checks shared by the fast ops and the float64 reference device: sizes, codes in
 * [0, vocab), pair indices in [0, rows). */
lc_status cpu_check_lstm_codes(const lc_lstm_params *p, lc_buffer *codes);
lc_status cpu_check_lstm_inputs(const lc_lstm_params *p, const lc_lstm_buffers *b);
lc_status cpu_check_pairs(const lc_cosine_pairs_params *p, lc_buffer *x, lc_buffer *ia, lc_buffer *ib);
/* Inputs plus h_last / h_all of a forward call. */
lc_status cpu_check_lstm_forward(const lc_lstm_params *p, const lc_lstm_buffers *b);
/* table, index and the gathered or scattered rows (named `what`). */
lc_status cpu_check_gather(const lc_gather_params *p, lc_buffer *table, lc_buffer *index, lc_buffer *rows,
                           const char *what);
lc_status cpu_lstm_workspace(const lc_device *device, lc_op op, const lc_lstm_params *p,
                             size_t *bytes);

/* GEMM core (cpu_gemm.c): op(A) M x K times op(B) K x N into C with epilogue, on one thread
 * (scratch of cpu_gemm_scratch_floats()) or on the pool. */
size_t cpu_gemm_scratch_floats(void);
void cpu_gemm_serial(const cpu_kernels *k, const lc_gemm_params *p, const float *a, const float *b,
                     float *c, int distance, float *scratch);
lc_status cpu_gemm_parallel(lc_device *device, const lc_gemm_params *p, const float *a,
                            const float *b, float *c, int distance);

#endif
