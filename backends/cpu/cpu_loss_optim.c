/* The pair loss (fused, stable sigmoid + binary cross-entropy) and the optimizers. */
#include <math.h>

#include "cpu_ops.h"

lc_status cpu_sigmoid_bce(lc_device *device, const lc_sigmoid_bce_params *p, lc_buffer *z,
                          lc_buffer *target, lc_buffer *loss, lc_buffer *dz, lc_buffer *prob)
{
    lc_status st = cpu_validate(device, LC_OP_SIGMOID_BCE, p);
    if (st)
        return st;
    size_t bytes = (size_t)p->count * sizeof(float);
    if ( (st = cpu_check_buffer(z, bytes, "sigmoid_bce z")) ||
        (st = cpu_check_buffer(target, bytes, "sigmoid_bce target")) ||
        (st = cpu_check_buffer(loss, sizeof(float), "sigmoid_bce loss")) ||
        (dz && (st = cpu_check_buffer(dz, bytes, "sigmoid_bce dz"))) ||
        (prob && (st = cpu_check_buffer(prob, bytes, "sigmoid_bce prob"))))
        return st;
    const float *zs = cpu_f32(z), *ts = cpu_f32(target);
    float *dzs = cpu_f32(dz), *ps = cpu_f32(prob);
    double sum = 0.0; /* in index order: deterministic */
    for (int k = 0; k < p->count; k++) {
        double zk = zs[k], tk = ts[k];
        double e = exp(-fabs(zk));
        sum += (zk > 0.0 ? zk : 0.0) - zk * tk + log1p(e);
        double pk = zk >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        if (dzs)
            dzs[k] += (float)(p->scale * (pk - tk) / p->count);
        if (ps)
            ps[k] = (float)pk;
    }
    cpu_f32(loss)[0] = p->count > 0 ? (float)(sum / p->count) : 0.0f;
    return LC_OK;
}

typedef struct optimizer_job {
    const lc_optimizer_params *p;
    float *w, *m, *v;
    const float *g;
    float step_scale, v_scale; /* lr / (1 - b1^t), 1 / (1 - b2^t) */
    int tasks;
} optimizer_job;

static void range_of(const optimizer_job *job, int task, int64_t *lo, int64_t *hi)
{
    *lo = job->p->count * task / job->tasks;
    *hi = job->p->count * (task + 1) / job->tasks;
}

static void sgd_task(void *ctx, int task, int slot)
{
    (void)slot;
    optimizer_job *job = ctx;
    int64_t lo, hi;
    range_of(job, task, &lo, &hi);
    const float lr = job->p->lr;
    for (int64_t i = lo; i < hi; i++)
        job->w[i] -= lr * job->g[i];
}

static void adam_task(void *ctx, int task, int slot)
{
    (void)slot;
    optimizer_job *job = ctx;
    int64_t lo, hi;
    range_of(job, task, &lo, &hi);
    const float b1 = job->p->beta1, b2 = job->p->beta2, eps = job->p->eps;
    for (int64_t i = lo; i < hi; i++) {
        float g = job->g[i];
        float m = b1 * job->m[i] + (1.0f - b1) * g;
        float v = b2 * job->v[i] + (1.0f - b2) * g * g;
        job->m[i] = m;
        job->v[i] = v;
        job->w[i] -= job->step_scale * m / (sqrtf(v * job->v_scale) + eps);
    }
}

static int optimizer_tasks(const lc_device *device, int64_t count)
{
    int64_t tasks = count / 65536;
    if (tasks > device->threads)
        tasks = device->threads;
    return tasks > 0 ? (int)tasks : 1;
}

lc_status cpu_sgd(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g)
{
    lc_status st = cpu_validate(device, LC_OP_SGD, p);
    if (st)
        return st;
    size_t bytes = (size_t)p->count * sizeof(float);
    if ( (st = cpu_check_buffer(w, bytes, "sgd w")) ||
        (st = cpu_check_buffer(g, bytes, "sgd g")))
        return st;
    optimizer_job job = {p, cpu_f32(w), NULL, NULL, cpu_f32(g), 0.0f, 0.0f,
                         optimizer_tasks(device, p->count)};
    cpu_pool_run(device->pool, job.tasks, sgd_task, &job);
    return LC_OK;
}

lc_status cpu_adam(lc_device *device, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g,
                   lc_buffer *m, lc_buffer *v)
{
    lc_status st = cpu_validate(device, LC_OP_ADAM, p);
    if (st)
        return st;
    size_t bytes = (size_t)p->count * sizeof(float);
    if ( (st = cpu_check_buffer(w, bytes, "adam w")) ||
        (st = cpu_check_buffer(g, bytes, "adam g")) ||
        (st = cpu_check_buffer(m, bytes, "adam m")) || (st = cpu_check_buffer(v, bytes, "adam v")))
        return st;
    double c1 = 1.0 - pow(p->beta1, p->step), c2 = 1.0 - pow(p->beta2, p->step);
    optimizer_job job = {p, cpu_f32(w), cpu_f32(m), cpu_f32(v), cpu_f32(g),
                         (float)(p->lr / c1), (float)(1.0 / c2), optimizer_tasks(device, p->count)};
    cpu_pool_run(device->pool, job.tasks, adam_task, &job);
    return LC_OK;
}
