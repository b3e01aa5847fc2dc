/*
 * LSTM forward and backward drivers. The batch (sorted by length) is cut into blocks of
 * consecutive sequences with about equal total length; a block stays on one thread for every
 * time step, with its h and c state in block-local contiguous arrays, so no barrier is needed
 * between steps. At step t the block's active sequences are a prefix of it and their packed rows
 * are contiguous: offset(t) + b0 ... The SIMD step kernels (cpu_simd_template.h) do the work.
 *
 * Internally H is padded to hp (a multiple of the vector width); padded units stay exactly 0.
 * Reserve (training forward -> backward), all hp-padded, packed-row order:
 *   gates [total x 4hp]  i, f, g, o after the nonlinearity (lasagne-0.1: sigmoid part of o)
 *   c     [total x hp]   cell state after the step
 *   hprev [total x hp]   hidden state before the step (rows of h^T dgates = dWh)
 * Backward workspace: dgates [total x 4hp], dh and dc state [batch x hp each], per-block dpeep
 * partials, per-chunk partials of dWh, dbias and dtable (summed in chunk order).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_ops.h"

enum { LSTM_BLOCK_SEQUENCES = 256 };

typedef struct lstm_plan {
    int hidden, hp, batch, total, max_len, blocks, chunks;
    const int32_t *lengths;
    int *batch_size;    /* [max_len] active sequences at step t */
    int64_t *offset;    /* [max_len + 1] first packed row of step t */
    int *block_start;   /* [blocks + 1] */
} lstm_plan;

static size_t align_floats(size_t n) { return (n + 15) / 16 * 16; }

static int lstm_hp(const lc_device *device, int hidden)
{
    return cpu_round_up(hidden, device->kernels->lanes);
}

static int lstm_block_count(int batch, int threads)
{
    int blocks = (batch + LSTM_BLOCK_SEQUENCES - 1) / LSTM_BLOCK_SEQUENCES;
    if (blocks < threads)
        blocks = threads;
    if (blocks > batch)
        blocks = batch;
    return blocks > 0 ? blocks : 1;
}

static int lstm_chunk_count(int total, int threads)
{
    int chunks = total / 1024;
    if (chunks > threads)
        chunks = threads;
    return chunks > 0 ? chunks : 1;
}

static size_t reserve_floats(int total, int hp) { return (size_t)total * 6 * hp; }

/* Offsets (floats) of the backward workspace sections. */
typedef struct backward_layout {
    size_t dgates, dh, dc, dpeep, partials, partial_stride, total;
} backward_layout;

static backward_layout backward_layout_for(const lc_device *device, const lc_lstm_params *p)
{
    int hp = lstm_hp(device, p->hidden);
    int blocks = lstm_block_count(p->batch, device->threads);
    int chunks = lstm_chunk_count(p->total, device->threads);
    backward_layout l;
    l.dgates = 0;
    l.dh = l.dgates + align_floats((size_t)p->total * 4 * hp);
    l.dc = l.dh + align_floats((size_t)p->batch * hp);
    l.dpeep = l.dc + align_floats((size_t)p->batch * hp);
    l.partials = l.dpeep + align_floats((size_t)blocks * 3 * hp);
    size_t table_rows = p->input == LC_LSTM_INPUT_CODES ? (size_t)p->vocab : 0;
    l.partial_stride = align_floats(((size_t)p->hidden + 1 + table_rows) * 4 * hp);
    l.total = l.partials + (size_t)chunks * l.partial_stride;
    return l;
}

lc_status cpu_lstm_workspace(const lc_device *device, lc_op op, const lc_lstm_params *p,
                             size_t *bytes)
{
    int hp = lstm_hp(device, p->hidden);
    if (op == LC_OP_LSTM_FORWARD)
        *bytes = p->training ? reserve_floats(p->total, hp) * sizeof(float) : 0;
    else
        *bytes = backward_layout_for(device, p).total * sizeof(float);
    return LC_OK;
}

static void plan_free(lstm_plan *plan)
{
    free(plan->batch_size);
    free(plan->offset);
    free(plan->block_start);
}

static lc_status plan_build(const lc_device *device, const lc_lstm_params *p, lstm_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->hidden = p->hidden;
    plan->hp = lstm_hp(device, p->hidden);
    plan->batch = p->batch;
    plan->total = p->total;
    plan->lengths = p->lengths;
    plan->max_len = p->batch > 0 ? p->lengths[0] : 0;
    plan->blocks = lstm_block_count(p->batch, device->threads);
    plan->chunks = lstm_chunk_count(p->total, device->threads);
    plan->batch_size = malloc(((size_t)plan->max_len + 1) * sizeof(int));
    plan->offset = malloc(((size_t)plan->max_len + 1) * sizeof(int64_t));
    plan->block_start = malloc(((size_t)plan->blocks + 1) * sizeof(int));
    if (!plan->batch_size || !plan->offset || !plan->block_start) {
        plan_free(plan);
        return cpu_fail(LC_ERR_NOMEM, "lstm: out of memory for the step plan");
    }
    int active = p->batch;
    plan->offset[0] = 0;
    for (int t = 0; t < plan->max_len; t++) {
        while (active > 0 && p->lengths[active - 1] <= t)
            active--;
        plan->batch_size[t] = active;
        plan->offset[t + 1] = plan->offset[t] + active;
    }
    /* Blocks of consecutive sequences with about total / blocks rows each. */
    plan->block_start[0] = 0;
    int64_t running = 0;
    int b = 0;
    for (int k = 1; k < plan->blocks; k++) {
        int64_t goal = (int64_t)p->total * k / plan->blocks;
        while (b < p->batch && (running < goal || b <= plan->block_start[k - 1])) {
            running += p->lengths[b];
            b++;
        }
        plan->block_start[k] = b;
    }
    plan->block_start[plan->blocks] = p->batch;
    return LC_OK;
}

/* ---- weight packing (padded layouts the kernels read) ------------------------------------- */

/* [hp / W][H][4][W]: the 4 gate vectors of one k adjacent. */
static void pack_wh_forward(const float *wh, int H, int hp, int lanes, float *out)
{
    for (int j = 0; j < hp / lanes; j++)
        for (int k = 0; k < H; k++)
            for (int g = 0; g < 4; g++)
                for (int l = 0; l < lanes; l++) {
                    int n = j * lanes + l;
                    *out++ = n < H ? wh[(size_t)k * 4 * H + (size_t)g * H + n] : 0.0f;
                }
}

/* [hp / W][4][H][W] = wh^T: lane l of tile j is output unit j*W + l. */
static void pack_wh_backward(const float *wh, int H, int hp, int lanes, float *out)
{
    for (int j = 0; j < hp / lanes; j++)
        for (int g = 0; g < 4; g++)
            for (int k = 0; k < H; k++)
                for (int l = 0; l < lanes; l++) {
                    int n = j * lanes + l;
                    *out++ = n < H ? wh[(size_t)n * 4 * H + (size_t)g * H + k] : 0.0f;
                }
}

/* Row of `gates` gate vectors of width H into width hp (zero padding), plus bias if given. */
static void pad_gate_row(const float *src, const float *bias, int gates, int H, int hp, float *dst)
{
    for (int g = 0; g < gates; g++) {
        for (int n = 0; n < H; n++)
            dst[g * hp + n] = src[g * H + n] + (bias ? bias[g * H + n] : 0.0f);
        for (int n = H; n < hp; n++)
            dst[g * hp + n] = 0.0f;
    }
}

/* ---- forward ------------------------------------------------------------------------------ */

typedef struct forward_job {
    const lc_device *device;
    const lc_lstm_params *p;
    const lstm_plan *plan;
    const int32_t *codes;
    const float *xproj;
    const float *table_packed; /* V x 4hp with bias (CODES) */
    const float *bias;         /* 4H as given (PROJECTED) */
    const float *wh_packed, *peep_padded;
    float *state;              /* batch x 3hp: h0, h1, c per block */
    float *input_rows;         /* batch x 4hp (PROJECTED) */
    const float **gate_in;     /* batch */
    float *h_last, *h_all, *reserve;
} forward_job;

static void forward_block(void *ctx, int block, int slot)
{
    (void)slot;
    forward_job *job = ctx;
    const lstm_plan *plan = job->plan;
    const int H = plan->hidden, hp = plan->hp;
    const int b0 = plan->block_start[block], b1 = plan->block_start[block + 1];
    const int nb = b1 - b0;
    if (nb <= 0)
        return;
    float *h[2] = {job->state + (size_t)b0 * 3 * hp, job->state + (size_t)b0 * 3 * hp + (size_t)nb * hp};
    float *c = h[1] + (size_t)nb * hp;
    memset(h[0], 0, (size_t)nb * 3 * hp * sizeof(float));
    const float **gate_in = job->gate_in + b0;
    size_t total = (size_t)plan->total;
    cpu_lstm_step s = {
        .form = job->p->form, .hidden = H, .hp = hp,
        .gate_in = gate_in, .wh_packed = job->wh_packed, .peep = job->peep_padded, .c = c,
        .reserve_gates = job->reserve,
        .reserve_c = job->reserve ? job->reserve + total * 4 * hp : NULL,
        .reserve_h_prev = job->reserve ? job->reserve + total * 5 * hp : NULL,
    };
    for (int t = 0; t < plan->lengths[b0]; t++) {
        int active = (plan->batch_size[t] < b1 ? plan->batch_size[t] : b1) - b0;
        int64_t row0 = plan->offset[t] + b0;
        for (int r = 0; r < active; r++) {
            if (job->codes) {
                gate_in[r] = job->table_packed + (size_t)job->codes[row0 + r] * 4 * hp;
            } else {
                float *dst = job->input_rows + (size_t)(b0 + r) * 4 * hp;
                pad_gate_row(job->xproj + (size_t)(row0 + r) * 4 * H, job->bias, 4, H, hp, dst);
                gate_in[r] = dst;
            }
        }
        s.rows = active;
        s.row0 = row0;
        s.h_prev = h[t & 1];
        s.h_next = h[(t + 1) & 1];
        job->device->kernels->lstm_forward_step(&s);
        if (job->h_all)
            for (int r = 0; r < active; r++)
                memcpy(job->h_all + (size_t)(row0 + r) * H, s.h_next + (size_t)r * hp,
                       (size_t)H * sizeof(float));
        if (job->h_last)
            for (int r = active - 1; r >= 0 && plan->lengths[b0 + r] == t + 1; r--)
                memcpy(job->h_last + (size_t)(b0 + r) * H, s.h_next + (size_t)r * hp,
                       (size_t)H * sizeof(float));
    }
}

lc_status cpu_lstm_forward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    lc_status st = cpu_validate(device, LC_OP_LSTM_FORWARD, p);
    if (st != LC_OK)
        return st;
    if (!b)
        return cpu_fail(LC_ERR_INVALID, "lstm_forward: buffers are NULL");
    const size_t f = sizeof(float), H = (size_t)p->hidden;
    if ((st = cpu_check_lstm_forward(p, b)) != LC_OK)
        return st;
    int hp = lstm_hp(device, p->hidden);
    if (p->training &&
        (st = cpu_check_buffer(b->reserve, reserve_floats(p->total, hp) * f, "lstm reserve")))
        return st;
    int codes_input = p->input == LC_LSTM_INPUT_CODES;

    lstm_plan plan;
    if ((st = plan_build(device, p, &plan)) != LC_OK)
        return st;
    const int lanes = device->kernels->lanes;
    size_t table_floats = codes_input ? (size_t)p->vocab * 4 * hp : 0;
    size_t wh_floats = align_floats(H * 4 * hp), peep_floats = align_floats((size_t)3 * hp);
    size_t state_floats = align_floats((size_t)p->batch * 3 * hp);
    size_t input_floats = codes_input ? 0 : (size_t)p->batch * 4 * hp;
    size_t floats = align_floats(table_floats) + wh_floats + peep_floats + state_floats + input_floats;
    float *arena = aligned_alloc(CPU_ALIGN, floats * f);
    const float **gate_in = malloc(((size_t)p->batch + 1) * sizeof *gate_in);
    if (!arena || !gate_in) {
        free(arena);
        free(gate_in);
        plan_free(&plan);
        return cpu_fail(LC_ERR_NOMEM, "lstm_forward: out of memory for %zu floats of scratch", floats);
    }
    float *table_packed = arena, *wh_packed = arena + align_floats(table_floats);
    float *peep_padded = wh_packed + wh_floats, *state = peep_padded + peep_floats;
    float *input_rows = state + state_floats;
    const float *bias = cpu_f32(b->bias);
    if (codes_input) {
        const float *table = cpu_f32(b->table);
        for (int v = 0; v < p->vocab; v++)
            pad_gate_row(table + (size_t)v * 4 * H, bias, 4, p->hidden, hp,
                         table_packed + (size_t)v * 4 * hp);
    }
    pack_wh_forward(cpu_f32(b->wh), p->hidden, hp, lanes, wh_packed);
    if (p->form != LC_LSTM_STANDARD)
        pad_gate_row(cpu_f32(b->peep), NULL, 3, p->hidden, hp, peep_padded);

    float *h_last = cpu_f32(b->h_last);
    if (h_last) /* sequences of length 0 keep a zero h_last */
        for (int s = p->batch - 1; s >= 0 && p->lengths[s] == 0; s--)
            memset(h_last + (size_t)s * H, 0, H * f);
    forward_job job = {
        .device = device, .p = p, .plan = &plan,
        .codes = codes_input ? cpu_i32(b->codes) : NULL,
        .xproj = codes_input ? NULL : cpu_f32(b->xproj),
        .table_packed = table_packed, .bias = bias,
        .wh_packed = wh_packed, .peep_padded = p->form != LC_LSTM_STANDARD ? peep_padded : NULL,
        .state = state, .input_rows = input_rows, .gate_in = gate_in,
        .h_last = h_last, .h_all = p->all_steps ? cpu_f32(b->h_all) : NULL,
        .reserve = p->training ? cpu_f32(b->reserve) : NULL,
    };
    if (p->total > 0)
        cpu_pool_run(device->pool, plan.blocks, forward_block, &job);
    free(arena);
    free(gate_in);
    plan_free(&plan);
    return LC_OK;
}

/* ---- backward ----------------------------------------------------------------------------- */

typedef struct backward_job {
    const lc_device *device;
    const lc_lstm_params *p;
    const lstm_plan *plan;
    backward_layout layout;
    const int32_t *codes;
    const float *reserve, *wh_t_packed, *peep_padded;
    const float *dh_last, *dh_all;
    float *ws;
    int want_dpeep, want_dwh, want_dtable;
    float *dxproj;
} backward_job;

static void backward_block(void *ctx, int block, int slot)
{
    (void)slot;
    backward_job *job = ctx;
    const lstm_plan *plan = job->plan;
    const int H = plan->hidden, hp = plan->hp;
    const int b0 = plan->block_start[block], b1 = plan->block_start[block + 1];
    if (b1 <= b0)
        return;
    size_t total = (size_t)plan->total;
    float *dh = job->ws + job->layout.dh + (size_t)b0 * hp;
    cpu_lstm_step s = {
        .form = job->p->form, .hidden = H, .hp = hp,
        .peep = job->peep_padded,
        .reserve_gates = (float *)job->reserve,
        .reserve_c = (float *)job->reserve + total * 4 * hp,
        .dh = dh,
        .dc = job->ws + job->layout.dc + (size_t)b0 * hp,
        .dgates = job->ws + job->layout.dgates,
        .wh_t_packed = job->wh_t_packed,
        .dpeep = job->want_dpeep ? job->ws + job->layout.dpeep + (size_t)block * 3 * hp : NULL,
    };
    for (int t = plan->lengths[b0] - 1; t >= 0; t--) {
        int active = (plan->batch_size[t] < b1 ? plan->batch_size[t] : b1) - b0;
        int64_t row0 = plan->offset[t] + b0;
        if (job->dh_all)
            for (int r = 0; r < active; r++) {
                const float *src = job->dh_all + (size_t)(row0 + r) * H;
                float *dst = dh + (size_t)r * hp;
                for (int n = 0; n < H; n++)
                    dst[n] += src[n];
            }
        if (job->dh_last)
            for (int r = active - 1; r >= 0 && plan->lengths[b0 + r] == t + 1; r--) {
                const float *src = job->dh_last + (size_t)(b0 + r) * H;
                float *dst = dh + (size_t)r * hp;
                for (int n = 0; n < H; n++)
                    dst[n] += src[n];
            }
        s.rows = active;
        s.row0 = row0;
        s.prev_row0 = t > 0 ? plan->offset[t - 1] + b0 : -1;
        s.need_dh_prev = t > 0;
        job->device->kernels->lstm_backward_step(&s);
    }
}

/* Rows [k0, k1) of the packed batch: dWh += hprev^T dgates, dbias, dtable (chunk partials) and
 * dxproj (rows are disjoint, so written directly). */
static void backward_weights_chunk(void *ctx, int chunk, int slot)
{
    backward_job *job = ctx;
    const lstm_plan *plan = job->plan;
    const int H = plan->hidden, hp = plan->hp;
    int per = (plan->total + plan->chunks - 1) / plan->chunks;
    int k0 = chunk * per, k1 = k0 + per < plan->total ? k0 + per : plan->total;
    if (k1 < k0)
        k1 = k0;
    const float *dgates = job->ws + job->layout.dgates;
    float *partial = job->ws + job->layout.partials + (size_t)chunk * job->layout.partial_stride;
    float *dwh_part = partial, *dbias_part = partial + (size_t)H * 4 * hp;
    float *dtable_part = dbias_part + 4 * hp;
    if (job->want_dwh) {
        lc_gemm_params g = {
            .trans_a = 1, .trans_b = 0, .m = H, .n = 4 * hp, .k = k1 - k0,
            .alpha = 1.0f, .beta = 0.0f, .lda = hp, .ldb = 4 * hp, .ldc = 4 * hp,
            .a_offset = (size_t)k0 * hp, .b_offset = (size_t)k0 * 4 * hp, .c_offset = 0,
        };
        const float *h_prev = job->reserve + (size_t)plan->total * 5 * hp;
        cpu_gemm_serial(job->device->kernels, &g, h_prev, dgates, dwh_part, 0,
                        cpu_pool_scratch(job->device->pool, slot));
    }
    memset(dbias_part, 0, (size_t)4 * hp * sizeof(float));
    if (job->want_dtable)
        memset(dtable_part, 0, (size_t)job->p->vocab * 4 * hp * sizeof(float));
    for (int row = k0; row < k1; row++) {
        const float *dg = dgates + (size_t)row * 4 * hp;
        for (int k = 0; k < 4 * hp; k++)
            dbias_part[k] += dg[k];
        if (job->want_dtable) {
            float *dt = dtable_part + (size_t)job->codes[row] * 4 * hp;
            for (int k = 0; k < 4 * hp; k++)
                dt[k] += dg[k];
        }
        if (job->dxproj) {
            float *dx = job->dxproj + (size_t)row * 4 * H;
            for (int g = 0; g < 4; g++)
                for (int n = 0; n < H; n++)
                    dx[g * H + n] += dg[g * hp + n];
        }
    }
}

/* out[r][g*H + n] += sum over parts of part[r][g*hp + n], parts in order. */
static void reduce_unpad(float *out, const float *parts, size_t part_stride, int n_parts, int rows,
                         int gates, int H, int hp)
{
    for (int r = 0; r < rows; r++)
        for (int g = 0; g < gates; g++)
            for (int n = 0; n < H; n++) {
                float sum = 0.0f;
                for (int c = 0; c < n_parts; c++)
                    sum += parts[(size_t)c * part_stride + (size_t)r * gates * hp + g * hp + n];
                out[(size_t)r * gates * H + g * H + n] += sum;
            }
}

lc_status cpu_lstm_backward(lc_device *device, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    lc_status st = cpu_validate(device, LC_OP_LSTM_BACKWARD, p);
    if (st != LC_OK)
        return st;
    if (!b)
        return cpu_fail(LC_ERR_INVALID, "lstm_backward: buffers are NULL");
    const size_t f = sizeof(float), H = (size_t)p->hidden;
    const int hp = lstm_hp(device, p->hidden);
    const int codes_input = p->input == LC_LSTM_INPUT_CODES;
    backward_layout layout = backward_layout_for(device, p);
    if ((st = cpu_check_buffer(b->reserve, reserve_floats(p->total, hp) * f, "lstm reserve")) ||
        (st = cpu_check_buffer(b->workspace, layout.total * f, "lstm workspace")) ||
        (st = cpu_check_buffer(b->wh, H * 4 * H * f, "lstm wh")))
        return st;
    if (p->form != LC_LSTM_STANDARD && (st = cpu_check_buffer(b->peep, 3 * H * f, "lstm peep")))
        return st;
    if (b->dh_last && (st = cpu_check_buffer(b->dh_last, (size_t)p->batch * H * f, "lstm dh_last")))
        return st;
    if (b->dh_all && (st = cpu_check_buffer(b->dh_all, (size_t)p->total * H * f, "lstm dh_all")))
        return st;
    if (b->dwh && (st = cpu_check_buffer(b->dwh, H * 4 * H * f, "lstm dwh")))
        return st;
    if (b->dbias && (st = cpu_check_buffer(b->dbias, 4 * H * f, "lstm dbias")))
        return st;
    int want_dpeep = p->form != LC_LSTM_STANDARD && b->dpeep;
    if (want_dpeep && (st = cpu_check_buffer(b->dpeep, 3 * H * f, "lstm dpeep")))
        return st;
    int want_dtable = codes_input && b->dtable;
    if (want_dtable) {
        if ((st = cpu_check_buffer(b->dtable, (size_t)p->vocab * 4 * H * f, "lstm dtable")) ||
            (st = cpu_check_lstm_codes(p, b->codes)))
            return st;
    }
    float *dxproj = !codes_input && b->dxproj ? cpu_f32(b->dxproj) : NULL;
    if (dxproj && (st = cpu_check_buffer(b->dxproj, (size_t)p->total * 4 * H * f, "lstm dxproj")))
        return st;
    if (p->total == 0)
        return LC_OK;

    lstm_plan plan;
    if ((st = plan_build(device, p, &plan)) != LC_OK)
        return st;
    float *packed = aligned_alloc(CPU_ALIGN, align_floats(4 * H * hp + (size_t)3 * hp) * f);
    if (!packed) {
        plan_free(&plan);
        return cpu_fail(LC_ERR_NOMEM, "lstm_backward: out of memory for packed weights");
    }
    float *peep_padded = packed + 4 * H * hp;
    pack_wh_backward(cpu_f32(b->wh), p->hidden, hp, device->kernels->lanes, packed);
    if (p->form != LC_LSTM_STANDARD)
        pad_gate_row(cpu_f32(b->peep), NULL, 3, p->hidden, hp, peep_padded);
    float *ws = cpu_f32(b->workspace);
    memset(ws + layout.dh, 0, (layout.partials - layout.dh) * f);

    backward_job job = {
        .device = device, .p = p, .plan = &plan, .layout = layout,
        .codes = codes_input ? cpu_i32(b->codes) : NULL,
        .reserve = cpu_f32(b->reserve), .wh_t_packed = packed,
        .peep_padded = p->form != LC_LSTM_STANDARD ? peep_padded : NULL,
        .dh_last = cpu_f32(b->dh_last), .dh_all = cpu_f32(b->dh_all), .ws = ws,
        .want_dpeep = want_dpeep, .want_dwh = b->dwh != NULL, .want_dtable = want_dtable,
        .dxproj = dxproj,
    };
    cpu_pool_run(device->pool, plan.blocks, backward_block, &job);
    cpu_pool_run(device->pool, plan.chunks, backward_weights_chunk, &job);

    const float *parts = ws + layout.partials;
    if (b->dwh)
        reduce_unpad(cpu_f32(b->dwh), parts, layout.partial_stride, plan.chunks, p->hidden, 4,
                     p->hidden, hp);
    if (b->dbias)
        reduce_unpad(cpu_f32(b->dbias), parts + H * 4 * hp, layout.partial_stride, plan.chunks, 1,
                     4, p->hidden, hp);
    if (want_dtable)
        reduce_unpad(cpu_f32(b->dtable), parts + (H + 1) * 4 * hp, layout.partial_stride,
                     plan.chunks, p->vocab, 4, p->hidden, hp);
    if (want_dpeep)
        reduce_unpad(cpu_f32(b->dpeep), ws + layout.dpeep, (size_t)3 * hp, plan.blocks, 1, 3,
                     p->hidden, hp);
    free(packed);
    plan_free(&plan);
    return LC_OK;
}
