/* Row-wise ops: gather, scatter_add, cosine of row pairs (and its gradient), L2 normalisation.
 * Scatters run in index order (columns split across threads), so sums never depend on threads. */
#include <math.h>
#include <string.h>

#include "cpu_ops.h"

typedef struct rows_job {
    const lc_gather_params *p;
    const int32_t *index;
    float *table;
    const float *src;
    float *out;
    int tasks;
} rows_job;

/* Split n items into `tasks` ranges; task t gets [*lo, *hi). */
static void task_range(int64_t n, int tasks, int task, int64_t *lo, int64_t *hi)
{
    *lo = n * task / tasks;
    *hi = n * (task + 1) / tasks;
}

static int task_count(const lc_device *device, double work)
{
    int tasks = (int)(work / 65536.0);
    if (tasks > device->threads)
        tasks = device->threads;
    return tasks > 0 ? tasks : 1;
}

static void gather_task(void *ctx, int task, int slot)
{
    (void)slot;
    rows_job *job = ctx;
    const int width = job->p->width;
    int64_t lo, hi;
    task_range(job->p->count, job->tasks, task, &lo, &hi);
    for (int64_t r = lo; r < hi; r++) {
        int32_t i = job->index[r];
        float *dst = job->out + (size_t)r * width;
        if (i >= 0 && i < job->p->rows)
            memcpy(dst, job->table + (size_t)i * width, (size_t)width * sizeof(float));
        else
            memset(dst, 0, (size_t)width * sizeof(float));
    }
}

lc_status cpu_gather(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                     lc_buffer *index, lc_buffer *out)
{
    lc_status st = cpu_validate(device, LC_OP_GATHER, p);
    if (st || (st = cpu_check_gather(p, table, index, out, "gather out")))
        return st;
    rows_job job = {p, cpu_i32(index), cpu_f32(table), NULL, cpu_f32(out),
                    task_count(device, (double)p->count * p->width)};
    cpu_pool_run(device->pool, job.tasks, gather_task, &job);
    return LC_OK;
}

static void scatter_task(void *ctx, int task, int slot)
{
    (void)slot;
    rows_job *job = ctx;
    const int width = job->p->width;
    int64_t lo, hi;
    task_range(width, job->tasks, task, &lo, &hi);
    for (int64_t r = 0; r < job->p->count; r++) {
        int32_t i = job->index[r];
        if (i < 0 || i >= job->p->rows)
            continue;
        float *dst = job->table + (size_t)i * width;
        const float *src = job->src + (size_t)r * width;
        for (int64_t c = lo; c < hi; c++)
            dst[c] += src[c];
    }
}

lc_status cpu_scatter_add(lc_device *device, const lc_gather_params *p, lc_buffer *table,
                          lc_buffer *index, lc_buffer *src)
{
    lc_status st = cpu_validate(device, LC_OP_SCATTER_ADD, p);
    if (st || (st = cpu_check_gather(p, table, index, src, "scatter_add src")))
        return st;
    int tasks = task_count(device, (double)p->count * p->width);
    if (tasks > p->width / 16)
        tasks = p->width / 16 > 0 ? p->width / 16 : 1;
    rows_job job = {p, cpu_i32(index), cpu_f32(table), cpu_f32(src), NULL, tasks};
    cpu_pool_run(device->pool, job.tasks, scatter_task, &job);
    return LC_OK;
}

/* ---- cosine of pairs ----------------------------------------------------------------------- */

typedef struct cosine_job {
    const lc_cosine_pairs_params *p;
    const float *x;
    const int32_t *ia, *ib;
    float *out;
    int tasks;
} cosine_job;

/* dot(a, b), |a|^2, |b|^2 accumulated in double: width is small, accuracy is cheap here. */
static void dot_norms(const float *a, const float *b, int width, double *ab, double *aa, double *bb)
{
    double s_ab = 0.0, s_aa = 0.0, s_bb = 0.0;
    for (int k = 0; k < width; k++) {
        s_ab += (double)a[k] * b[k];
        s_aa += (double)a[k] * a[k];
        s_bb += (double)b[k] * b[k];
    }
    *ab = s_ab;
    *aa = s_aa;
    *bb = s_bb;
}

static void cosine_task(void *ctx, int task, int slot)
{
    (void)slot;
    cosine_job *job = ctx;
    const int width = job->p->width;
    int64_t lo, hi;
    task_range(job->p->pairs, job->tasks, task, &lo, &hi);
    for (int64_t k = lo; k < hi; k++) {
        double ab, aa, bb;
        dot_norms(job->x + (size_t)job->ia[k] * width, job->x + (size_t)job->ib[k] * width, width,
                  &ab, &aa, &bb);
        job->out[k] = aa > 0.0 && bb > 0.0 ? (float)(ab / sqrt(aa * bb)) : 0.0f;
    }
}

lc_status cpu_cosine_pairs(lc_device *device, const lc_cosine_pairs_params *p, lc_buffer *x,
                           lc_buffer *ia, lc_buffer *ib, lc_buffer *out)
{
    lc_status st = cpu_validate(device, LC_OP_COSINE_PAIRS, p);
    if (st || (st = cpu_check_pairs(p, x, ia, ib)) ||
        (st = cpu_check_buffer(out, (size_t)p->pairs * sizeof(float), "cosine out")))
        return st;
    cosine_job job = {p, cpu_f32(x), cpu_i32(ia), cpu_i32(ib), cpu_f32(out),
                      task_count(device, (double)p->pairs * p->width * 3)};
    cpu_pool_run(device->pool, job.tasks, cosine_task, &job);
    return LC_OK;
}

/* d cos / d a = b / (|a||b|) - cos a / |a|^2 (and symmetrically for b). Pairs run in order on
 * one thread: rows repeat across pairs and the sums must not depend on threads. */
lc_status cpu_cosine_pairs_backward(lc_device *device, const lc_cosine_pairs_params *p,
                                    lc_buffer *x, lc_buffer *ia, lc_buffer *ib, lc_buffer *dout,
                                    lc_buffer *dx)
{
    lc_status st = cpu_validate(device, LC_OP_COSINE_PAIRS_BACKWARD, p);
    if (st || (st = cpu_check_pairs(p, x, ia, ib)) ||
        (st = cpu_check_buffer(dout, (size_t)p->pairs * sizeof(float), "cosine dout")) ||
        (st = cpu_check_buffer(dx, (size_t)p->rows * p->width * sizeof(float), "cosine dx")))
        return st;
    const float *xs = cpu_f32(x), *g = cpu_f32(dout);
    const int32_t *a_index = cpu_i32(ia), *b_index = cpu_i32(ib);
    float *d = cpu_f32(dx);
    const int width = p->width;
    for (int k = 0; k < p->pairs; k++) {
        const float *a = xs + (size_t)a_index[k] * width, *b = xs + (size_t)b_index[k] * width;
        double ab, aa, bb;
        dot_norms(a, b, width, &ab, &aa, &bb);
        if (!(aa > 0.0 && bb > 0.0))
            continue;
        double inv = 1.0 / sqrt(aa * bb), cosine = ab * inv;
        double ga = g[k] * inv, gaa = g[k] * cosine / aa, gbb = g[k] * cosine / bb;
        float *da = d + (size_t)a_index[k] * width;
        for (int c = 0; c < width; c++)
            da[c] += (float)(ga * b[c] - gaa * a[c]);
        float *db = d + (size_t)b_index[k] * width;
        for (int c = 0; c < width; c++)
            db[c] += (float)(ga * a[c] - gbb * b[c]);
    }
    return LC_OK;
}

/* ---- L2 normalisation ---------------------------------------------------------------------- */

typedef struct normalize_job {
    const lc_l2_normalize_params *p;
    const float *x;
    float *y;
    int tasks;
} normalize_job;

static void normalize_task(void *ctx, int task, int slot)
{
    (void)slot;
    normalize_job *job = ctx;
    const int width = job->p->width;
    int64_t lo, hi;
    task_range(job->p->rows, job->tasks, task, &lo, &hi);
    for (int64_t r = lo; r < hi; r++) {
        const float *x = job->x + (size_t)r * width;
        float *y = job->y + (size_t)r * width;
        double sum = 0.0;
        for (int c = 0; c < width; c++)
            sum += (double)x[c] * x[c];
        double scale = sum > 0.0 ? 1.0 / sqrt(sum) : 0.0;
        for (int c = 0; c < width; c++)
            y[c] = (float)(x[c] * scale);
    }
}

lc_status cpu_l2_normalize(lc_device *device, const lc_l2_normalize_params *p, lc_buffer *x,
                           lc_buffer *y)
{
    lc_status st = cpu_validate(device, LC_OP_L2_NORMALIZE, p);
    size_t bytes = (size_t)p->rows * p->width * sizeof(float);
    if (st || (st = cpu_check_buffer(x, bytes, "l2_normalize x")) ||
        (st = cpu_check_buffer(y, bytes, "l2_normalize y")))
        return st;
    normalize_job job = {p, cpu_f32(x), cpu_f32(y),
                         task_count(device, (double)p->rows * p->width * 2)};
    cpu_pool_run(device->pool, job.tasks, normalize_task, &job);
    return LC_OK;
}
