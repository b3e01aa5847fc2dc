/* The packed-batch schedule of one LSTM call and the layout of its reserve and workspace. */
#ifndef LSTMCORR_OCL_LSTM_PLAN_H
#define LSTMCORR_OCL_LSTM_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/backend.h"

/* Float offsets into the reserve (kept from forward to backward) and the backward workspace. */
typedef struct ocl_lstm_layout {
    size_t gates_at;  /* reserve: total x 4H, [i | f | g | s(a_o)] per packed row */
    size_t c_at;      /* reserve: total x H, the cell state of each row */
    size_t hprev_at;  /* reserve: total x H, the h each row started from (0 at the first step) */
    size_t reserve_floats;
    size_t inference_floats; /* reserve without training: h (two buffers) and c, batch x H each */
    size_t dgates_at; /* workspace: total x 4H, d(pre-activation) of each row */
    size_t wht_at;    /* workspace: 4H x H, Wh transposed for dh = dG Wh^T */
    size_t dc_at;     /* workspace: batch x H, dc carried between steps */
    size_t dpeep_at;  /* workspace: batch x 3H, per-sequence sums of the peephole gradients */
    size_t workspace_floats;
} ocl_lstm_layout;

typedef struct ocl_lstm_plan {
    int32_t steps;         /* lengths[0] */
    int32_t *batch_sizes;  /* [steps + 1], batch_sizes[steps] = 0 */
    int32_t *offsets;      /* [steps + 1], packed row of (t, 0); offsets[steps] = total */
    ocl_lstm_layout layout;
} ocl_lstm_plan;

/* Check the parameters that do not depend on buffers; LC_ERR_INVALID with the reason. */
lc_status ocl_lstm_check_params(const lc_lstm_params *p, int need_lengths);
void ocl_lstm_layout_of(const lc_lstm_params *p, ocl_lstm_layout *out);
/* Validate lengths (non-increasing, sum = total) and build the schedule. */
lc_status ocl_lstm_plan_make(const lc_lstm_params *p, ocl_lstm_plan *out);
void ocl_lstm_plan_free(ocl_lstm_plan *plan);

#endif
