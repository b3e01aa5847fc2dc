/* Fused, numerically stable sigmoid + binary cross-entropy. One work-group: each work-item sums a
 * strided share, then a tree reduction in local memory (the group size is a power of two). */
kernel void sigmoid_bce(int count, float scale, global const float *z, global const float *target,
                        global float *loss, global float *dz, global float *prob,
                        local float *partial)
{
    const int lid = get_local_id(0), size = get_local_size(0);
    float sum = 0.0f;
    for (int k = lid; k < count; k += size) {
        const float zk = z[k], tk = target[k];
        sum += fmax(zk, 0.0f) - zk * tk + log1p(exp(-fabs(zk)));
        const float p = 1.0f / (1.0f + exp(-zk));
        if (dz)
            dz[k] += scale * (p - tk) / count;
        if (prob)
            prob[k] = p;
    }
    partial[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int step = size / 2; step > 0; step /= 2) {
        if (lid < step)
            partial[lid] += partial[lid + step];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        loss[0] = count > 0 ? partial[0] / count : 0.0f;
}
