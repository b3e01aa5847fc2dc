/* Parameter updates. */

kernel void sgd(long count, float lr, global float *w, global const float *g)
{
    const size_t e = get_global_id(0);
    if (e < (size_t)count)
        w[e] -= lr * g[e];
}

/* Adam with bias correction; correction1 = 1 - beta1^step, correction2 = 1 - beta2^step. */
kernel void adam(long count, float lr, float beta1, float beta2, float eps, float correction1,
                 float correction2, global float *w, global const float *g, global float *m,
                 global float *v)
{
    const size_t e = get_global_id(0);
    if (e >= (size_t)count)
        return;
    const float ge = g[e];
    const float me = beta1 * m[e] + (1.0f - beta1) * ge;
    const float ve = beta2 * v[e] + (1.0f - beta2) * ge * ge;
    m[e] = me;
    v[e] = ve;
    w[e] -= lr * (me / correction1) / (sqrt(ve / correction2) + eps);
}
