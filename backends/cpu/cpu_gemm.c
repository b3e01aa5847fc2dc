/*
 * GEMM and the cosine distance tile. Cache blocking in the usual three levels: a KC x NC slab of
 * op(B) packed in NR-column panels, an MC x KC block of op(A) packed in MR-row panels, and the
 * ISA's register-blocked micro-kernel over MR x NR tiles. Threads take (MC rows x NC columns)
 * tasks; when there are too few of those and K is long (e.g. h^T dgates), K is split into one
 * chunk per thread and the partial products are summed in chunk order, so the result depends on
 * the thread count only, never on scheduling.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_ops.h"

enum { GEMM_KC = 256, GEMM_MC = 120, GEMM_NC = 1024 };

size_t cpu_gemm_scratch_floats(void) { return (size_t)GEMM_MC * GEMM_KC + (size_t)GEMM_KC * GEMM_NC; }

/* op(A) rows [i0, i0 + mc), k in [k0, k0 + kc), zero-padded to whole MR panels. */
static void pack_a(const lc_gemm_params *p, const float *a, int i0, int mc, int k0, int kc, int mr,
                   float *dst)
{
    for (int ip = 0; ip < mc; ip += mr) {
        int height = mc - ip < mr ? mc - ip : mr;
        float *d = dst + (size_t)ip * kc;
        if (p->trans_a) { /* op(A) rows are columns of A: read each A row's mr contiguous values */
            for (int k = 0; k < kc; k++) {
                const float *s = a + (size_t)(k0 + k) * p->lda + i0 + ip;
                for (int r = 0; r < height; r++)
                    d[(size_t)k * mr + r] = s[r];
                for (int r = height; r < mr; r++)
                    d[(size_t)k * mr + r] = 0.0f;
            }
            continue;
        }
        for (int r = 0; r < mr; r++) {
            if (r >= height) {
                for (int k = 0; k < kc; k++)
                    d[(size_t)k * mr + r] = 0.0f;
                continue;
            }
            const float *s = a + (size_t)(i0 + ip + r) * p->lda + k0;
            for (int k = 0; k < kc; k++)
                d[(size_t)k * mr + r] = s[k];
        }
    }
}

/* op(B) k in [k0, k0 + kc), columns [j0, j0 + nc), zero-padded to whole NR panels. */
static void pack_b(const lc_gemm_params *p, const float *b, int k0, int kc, int j0, int nc, int nr,
                   float *dst)
{
    for (int jp = 0; jp < nc; jp += nr) {
        int width = nc - jp < nr ? nc - jp : nr;
        float *d = dst + (size_t)jp * kc;
        for (int k = 0; k < kc; k++, d += nr) {
            if (p->trans_b) {
                const float *s = b + (size_t)(j0 + jp) * p->ldb + k0 + k;
                for (int c = 0; c < width; c++)
                    d[c] = s[(size_t)c * p->ldb];
            } else {
                memcpy(d, b + (size_t)(k0 + k) * p->ldb + j0 + jp, (size_t)width * sizeof(float));
            }
            for (int c = width; c < nr; c++)
                d[c] = 0.0f;
        }
    }
}

/* The whole product on the calling thread; a, b, c already include the params' offsets. */
static void gemm_block(const cpu_kernels *kern, const lc_gemm_params *p, const float *a,
                       const float *b, float *c, int distance, float *scratch)
{
    const int mr = kern->gemm_mr, nr = kern->gemm_nr;
    float *a_packed = scratch, *b_packed = scratch + (size_t)GEMM_MC * GEMM_KC;
    for (int j0 = 0; j0 < p->n; j0 += GEMM_NC) {
        int nc = p->n - j0 < GEMM_NC ? p->n - j0 : GEMM_NC;
        int k0 = 0;
        do { /* at least once, so that k == 0 still applies beta */
            int kc = p->k - k0 < GEMM_KC ? p->k - k0 : GEMM_KC;
            int last = k0 + kc >= p->k;
            cpu_gemm_epilogue ep = {p->alpha, k0 == 0 ? p->beta : 1.0f, distance && last};
            pack_b(p, b, k0, kc, j0, nc, nr, b_packed);
            for (int i0 = 0; i0 < p->m; i0 += GEMM_MC) {
                int mc = p->m - i0 < GEMM_MC ? p->m - i0 : GEMM_MC;
                pack_a(p, a, i0, mc, k0, kc, mr, a_packed);
                for (int jp = 0; jp < nc; jp += nr)
                    for (int ip = 0; ip < mc; ip += mr)
                        kern->gemm_micro(kc, a_packed + (size_t)ip * kc, b_packed + (size_t)jp * kc,
                                         c + (size_t)(i0 + ip) * p->ldc + j0 + jp, p->ldc,
                                         mc - ip < mr ? mc - ip : mr, nc - jp < nr ? nc - jp : nr,
                                         &ep);
            }
            k0 += kc;
        } while (k0 < p->k);
    }
}

void cpu_gemm_serial(const cpu_kernels *k, const lc_gemm_params *p, const float *a, const float *b,
                     float *c, int distance, float *scratch)
{
    gemm_block(k, p, a + p->a_offset, b + p->b_offset, c + p->c_offset, distance, scratch);
}

/* Sub-problem of rows [i0, i0+m) and columns [j0, j0+n), with offsets folded into pointers. */
typedef struct gemm_job {
    lc_device *device;
    const lc_gemm_params *p;
    const float *a, *b; /* offsets applied */
    float *c;
    int distance;
    int m_tasks, n_tasks;
    /* K split */
    int k_chunks;
    float *partials; /* k_chunks x m x n */
} gemm_job;

static void gemm_tile_task(void *ctx, int task, int slot)
{
    gemm_job *job = ctx;
    const lc_gemm_params *p = job->p;
    int i0 = (task / job->n_tasks) * GEMM_MC, j0 = (task % job->n_tasks) * GEMM_NC;
    lc_gemm_params sub = *p;
    sub.m = p->m - i0 < GEMM_MC ? p->m - i0 : GEMM_MC;
    sub.n = p->n - j0 < GEMM_NC ? p->n - j0 : GEMM_NC;
    const float *a = job->a + (p->trans_a ? (size_t)i0 : (size_t)i0 * p->lda);
    const float *b = job->b + (p->trans_b ? (size_t)j0 * p->ldb : (size_t)j0);
    float *c = job->c + (size_t)i0 * p->ldc + j0;
    gemm_block(job->device->kernels, &sub, a, b, c, job->distance,
               cpu_pool_scratch(job->device->pool, slot));
}

static void gemm_k_chunk_task(void *ctx, int task, int slot)
{
    gemm_job *job = ctx;
    const lc_gemm_params *p = job->p;
    int per = (p->k + job->k_chunks - 1) / job->k_chunks;
    int k0 = task * per, k1 = k0 + per < p->k ? k0 + per : p->k;
    lc_gemm_params sub = *p;
    sub.k = k1 > k0 ? k1 - k0 : 0;
    sub.alpha = 1.0f;
    sub.beta = 0.0f;
    sub.ldc = p->n;
    const float *a = job->a + (p->trans_a ? (size_t)k0 * p->lda : (size_t)k0);
    const float *b = job->b + (p->trans_b ? (size_t)k0 : (size_t)k0 * p->ldb);
    gemm_block(job->device->kernels, &sub, a, b, job->partials + (size_t)task * p->m * p->n, 0,
               cpu_pool_scratch(job->device->pool, slot));
}

lc_status cpu_gemm_parallel(lc_device *device, const lc_gemm_params *p, const float *a,
                            const float *b, float *c, int distance)
{
    gemm_job job = {device, p, a + p->a_offset, b + p->b_offset, c + p->c_offset, distance,
                    (p->m + GEMM_MC - 1) / GEMM_MC, (p->n + GEMM_NC - 1) / GEMM_NC, 0, NULL};
    if (p->m == 0 || p->n == 0)
        return LC_OK;
    int threads = device->threads;
    int tiles = job.m_tasks * job.n_tasks;
    double flops = 2.0 * p->m * p->n * (double)p->k;
    if (threads > 1 && tiles < threads && !distance && p->k >= 8 * GEMM_KC &&
        (size_t)p->m * p->n <= ((size_t)1 << 22) && flops > 1e6) {
        job.k_chunks = threads;
        size_t mn = (size_t)p->m * p->n;
        job.partials = malloc(mn * job.k_chunks * sizeof(float));
        if (!job.partials)
            return cpu_fail(LC_ERR_NOMEM, "gemm: out of memory for %d K-chunk partials", threads);
        cpu_pool_run(device->pool, job.k_chunks, gemm_k_chunk_task, &job);
        for (int i = 0; i < p->m; i++)
            for (int j = 0; j < p->n; j++) {
                float sum = 0.0f;
                for (int t = 0; t < job.k_chunks; t++)
                    sum += job.partials[(size_t)t * mn + (size_t)i * p->n + j];
                float *cp = job.c + (size_t)i * p->ldc + j;
                *cp = p->alpha * sum + (p->beta != 0.0f ? p->beta * *cp : 0.0f);
            }
        free(job.partials);
        return LC_OK;
    }
    if (flops < 2e5)
        tiles = tiles > 0 ? tiles : 1; /* small: the pool runs a single task inline */
    cpu_pool_run(device->pool, tiles, gemm_tile_task, &job);
    return LC_OK;
}

/* Elements of a row-major matrix with `rows` rows of `cols` columns and row stride ld. */
static size_t matrix_extent(int rows, int cols, int ld)
{
    return rows == 0 || cols == 0 ? 0 : (size_t)(rows - 1) * (size_t)ld + (size_t)cols;
}

lc_status cpu_gemm(lc_device *device, const lc_gemm_params *p, lc_buffer *a, lc_buffer *b,
                   lc_buffer *c)
{
    lc_status st = cpu_validate(device, LC_OP_GEMM, p);
    if (st != LC_OK)
        return st;
    size_t a_need = p->a_offset + (p->trans_a ? matrix_extent(p->k, p->m, p->lda)
                                              : matrix_extent(p->m, p->k, p->lda));
    size_t b_need = p->b_offset + (p->trans_b ? matrix_extent(p->n, p->k, p->ldb)
                                              : matrix_extent(p->k, p->n, p->ldb));
    size_t c_need = p->c_offset + matrix_extent(p->m, p->n, p->ldc);
    if ((st = cpu_check_buffer(c, c_need * sizeof(float), "gemm C")) != LC_OK)
        return st;
    if (p->k > 0 && (st = cpu_check_buffer(a, a_need * sizeof(float), "gemm A")) != LC_OK)
        return st;
    if (p->k > 0 && (st = cpu_check_buffer(b, b_need * sizeof(float), "gemm B")) != LC_OK)
        return st;
    static const float nothing[1];
    return cpu_gemm_parallel(device, p, a ? cpu_f32(a) : nothing, b ? cpu_f32(b) : nothing,
                             cpu_f32(c), 0);
}

lc_status cpu_cosine_distance_tile(lc_device *device, const lc_distance_params *p, lc_buffer *x,
                                   lc_buffer *y, lc_buffer *out)
{
    lc_status st = cpu_validate(device, LC_OP_COSINE_DISTANCE_TILE, p);
    if (st != LC_OK)
        return st;
    size_t x_need = ((size_t)p->x_row + p->rows) * p->width * sizeof(float);
    size_t y_need = ((size_t)p->y_row + p->cols) * p->width * sizeof(float);
    if ((st = cpu_check_buffer(x, x_need, "distance x")) != LC_OK ||
        (st = cpu_check_buffer(y, y_need, "distance y")) != LC_OK ||
        (st = cpu_check_buffer(out, matrix_extent(p->rows, p->cols, p->ld_out) * sizeof(float),
                               "distance out")) != LC_OK)
        return st;
    /* out = max(0, 1 - X Y^T): a GEMM with B transposed and the clamp fused into its store. */
    lc_gemm_params g = {
        .trans_a = 0, .trans_b = 1, .m = p->rows, .n = p->cols, .k = p->width,
        .alpha = 1.0f, .beta = 0.0f, .lda = p->width, .ldb = p->width, .ldc = p->ld_out,
        .a_offset = (size_t)p->x_row * p->width, .b_offset = (size_t)p->y_row * p->width,
        .c_offset = 0,
    };
    return cpu_gemm_parallel(device, &g, cpu_f32(x), cpu_f32(y), cpu_f32(out), 1);
}
