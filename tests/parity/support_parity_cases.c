/* The parity case table: every op over awkward and larger shapes. Names are stable: they are
 * what LSTMCORR_PARITY_CASE selects (an fnmatch pattern such as lstm/lasagne01/ followed by a star). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ref_random.h"
#include "support_parity.h"

typedef struct case_list {
    parity_case *items;
    int count, capacity;
} case_list;

static parity_case *add_case(case_list *list, lc_op op)
{
    if (list->count == list->capacity) {
        int capacity = list->capacity ? 2 * list->capacity : 256;
        parity_case *grown = realloc(list->items, (size_t)capacity * sizeof *grown);
        if (!grown)
            return NULL;
        list->items = grown;
        list->capacity = capacity;
    }
    parity_case *c = &list->items[list->count++];
    memset(c, 0, sizeof *c);
    c->op = op;
    return c;
}

static void add_gemm_cases(case_list *list)
{
    static const int32_t shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {13, 10, 64}, {64, 67, 40},
                                        {5, 3, 0}, {130, 40, 256}};
    static const float alphas[] = {1.0f, -1.25f, 0.5f};
    static const float betas[] = {0.0f, 1.0f, 0.75f};
    int variant = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int trans = 0; trans < 4; trans++) {
            int32_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            int32_t ta = trans & 1, tb = trans >> 1;
            int padded = (variant++ % 2) == 1; /* every other case has ld > width and offsets */
            int32_t pad = padded ? 3 : 0;
            parity_case *c = add_case(list, LC_OP_GEMM);
            if (!c)
                return;
            float alpha = alphas[variant % 3], beta = betas[(variant / 3) % 3];
            c->u.gemm = (lc_gemm_params){
                .trans_a = ta, .trans_b = tb, .m = m, .n = n, .k = k, .alpha = alpha,
                .beta = beta, .lda = (ta ? m : k) + pad, .ldb = (tb ? k : n) + pad,
                .ldc = n + pad, .a_offset = padded ? 5 : 0, .b_offset = padded ? 2 : 0,
                .c_offset = padded ? 7 : 0};
            if (c->u.gemm.lda == 0)
                c->u.gemm.lda = 1; /* k = 0: A is empty but its stride must stay valid */
            if (c->u.gemm.ldb == 0)
                c->u.gemm.ldb = 1;
            snprintf(c->name, sizeof c->name, "gemm/%c%c/m%d_n%d_k%d/%s/a%g_b%g", ta ? 't' : 'n',
                     tb ? 't' : 'n', m, n, k, padded ? "offset_ld" : "packed", (double)alpha,
                     (double)beta);
        }
}

static void add_gather_cases(case_list *list)
{
    static const int32_t shapes[][3] = {{1, 1, 1}, {7, 5, 3}, {300, 128, 40}, {64, 11, 130}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int scatter = 0; scatter < 2; scatter++) {
            parity_case *c = add_case(list, scatter ? LC_OP_SCATTER_ADD : LC_OP_GATHER);
            if (!c)
                return;
            c->u.gather = (lc_gather_params){shapes[s][0], shapes[s][1], shapes[s][2]};
            snprintf(c->name, sizeof c->name, "%s/count%d_rows%d_width%d",
                     scatter ? "scatter_add" : "gather", shapes[s][0], shapes[s][1], shapes[s][2]);
        }
}

static void add_cosine_cases(case_list *list)
{
    /* pairs, rows, width, zero row */
    static const int32_t shapes[][4] = {{1, 1, 3, -1}, {20, 5, 10, 2}, {400, 50, 64, 0},
                                        {97, 13, 13, -1}, {1000, 67, 5, 66}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int backward = 0; backward < 2; backward++) {
            parity_case *c =
                add_case(list, backward ? LC_OP_COSINE_PAIRS_BACKWARD : LC_OP_COSINE_PAIRS);
            if (!c)
                return;
            c->u.cosine.p = (lc_cosine_pairs_params){shapes[s][0], shapes[s][1], shapes[s][2]};
            c->u.cosine.zero_row = shapes[s][3];
            snprintf(c->name, sizeof c->name, "%s/pairs%d_rows%d_width%d%s",
                     backward ? "cosine_pairs_backward" : "cosine_pairs", shapes[s][0],
                     shapes[s][1], shapes[s][2], shapes[s][3] >= 0 ? "_zero_row" : "");
        }
}

static void add_loss_and_distance_cases(case_list *list)
{
    static const int32_t bce_counts[] = {1, 10, 10000};
    for (size_t s = 0; s < 3; s++)
        for (int outputs = 0; outputs < 3; outputs++) {
            parity_case *c = add_case(list, LC_OP_SIGMOID_BCE);
            if (!c)
                return;
            c->u.bce.p = (lc_sigmoid_bce_params){bce_counts[s], s == 1 ? 0.5f : 1.0f};
            c->u.bce.with_dz = outputs != 1;
            c->u.bce.with_prob = outputs != 0;
            c->u.bce.spread = s == 2 ? 20.0f : 2.0f; /* large |z|: the stable form */
            snprintf(c->name, sizeof c->name, "sigmoid_bce/count%d/%s", bce_counts[s],
                     outputs == 0 ? "dz" : outputs == 1 ? "prob" : "dz_prob");
        }
    static const int32_t l2_shapes[][3] = {{1, 3, -1}, {10, 13, 4}, {67, 64, 0}, {5, 1, -1}};
    for (size_t s = 0; s < 4; s++)
        for (int in_place = 0; in_place < 2; in_place++) {
            parity_case *c = add_case(list, LC_OP_L2_NORMALIZE);
            if (!c)
                return;
            c->u.l2.p = (lc_l2_normalize_params){l2_shapes[s][0], l2_shapes[s][1]};
            c->u.l2.zero_row = l2_shapes[s][2];
            c->u.l2.in_place = in_place;
            snprintf(c->name, sizeof c->name, "l2_normalize/rows%d_width%d/%s", l2_shapes[s][0],
                     l2_shapes[s][1], in_place ? "in_place" : "out_of_place");
        }
    /* rows, cols, width, x_row, y_row, ld_out, x rows stored, y rows stored */
    static const int32_t tiles[][8] = {{1, 1, 3, 0, 0, 1, 1, 1},     {5, 7, 10, 0, 0, 7, 5, 7},
                                       {16, 33, 13, 4, 9, 40, 20, 42}, {64, 64, 64, 64, 0, 64, 128, 64},
                                       {3, 100, 5, 2, 1, 128, 5, 101}};
    for (size_t s = 0; s < sizeof tiles / sizeof tiles[0]; s++) {
        parity_case *c = add_case(list, LC_OP_COSINE_DISTANCE_TILE);
        if (!c)
            return;
        const int32_t *t = tiles[s];
        c->u.distance.p = (lc_distance_params){t[0], t[1], t[2], t[3], t[4], t[5]};
        c->u.distance.x_rows = t[6];
        c->u.distance.y_rows = t[7];
        snprintf(c->name, sizeof c->name, "cosine_distance_tile/%dx%d_w%d_x%d_y%d_ld%d", t[0],
                 t[1], t[2], t[3], t[4], t[5]);
    }
}

static void add_optimizer_cases(case_list *list)
{
    static const int64_t counts[] = {1, 1000, 4097};
    for (size_t s = 0; s < 3; s++)
        for (int adam = 0; adam < 2; adam++) {
            parity_case *c = add_case(list, adam ? LC_OP_ADAM : LC_OP_SGD);
            if (!c)
                return;
            int32_t step = s == 2 ? 10 : 1;
            c->u.opt = (lc_optimizer_params){counts[s], adam ? 1e-3f : 0.1f, 0.9f, 0.999f, 1e-8f,
                                             step};
            snprintf(c->name, sizeof c->name, "%s/count%lld_step%d", adam ? "adam" : "sgd",
                     (long long)counts[s], step);
        }
}

typedef struct lstm_shape {
    const char *label;
    int32_t batch, hidden, vocab;
    int32_t lengths[8]; /* explicit lengths; a zero first length with batch > 8 means random */
    int32_t max_length;
} lstm_shape;

static const lstm_shape LSTM_SHAPES[] = {
    {"B1_T1_H3", 1, 3, 11, {1}, 1},
    {"B1_T7_H10", 1, 10, 11, {7}, 7},
    {"B4_ragged_H13", 4, 13, 11, {5, 3, 3, 1}, 5},
    {"B5_empty_H10", 5, 10, 11, {6, 4, 2, 0, 0}, 6},
    {"B3_all_empty_H5", 3, 5, 11, {0, 0, 0}, 0},
    {"B8_H64", 8, 64, 128, {9, 9, 8, 4, 4, 4, 2, 1}, 9},
    {"B67_T40_H64", 67, 64, 128, {0}, 40},
};

/* Non-increasing lengths in [0, max_length] with the longest equal to max_length. */
static void random_lengths(int32_t *lengths, int32_t batch, int32_t max_length)
{
    for (int32_t b = 0; b < batch; b++)
        lengths[b] = (int32_t)(lc_ref_random_bits(0x1E6, 7, (uint64_t)b) % (uint64_t)(max_length + 1));
    lengths[0] = max_length;
    for (int32_t i = 1; i < batch; i++) /* insertion sort, descending */
        for (int32_t j = i; j > 0 && lengths[j] > lengths[j - 1]; j--) {
            int32_t t = lengths[j];
            lengths[j] = lengths[j - 1];
            lengths[j - 1] = t;
        }
}

static void add_lstm_cases(case_list *list)
{
    static const char *forms[] = {"standard", "peephole", "lasagne01"};
    /* all_steps, training, dh_last, dh_all */
    static const int32_t modes[][4] = {{0, 0, 0, 0}, {0, 1, 1, 0}, {1, 0, 0, 0},
                                       {1, 1, 1, 1}, {1, 1, 0, 1}};
    static const char *mode_names[] = {"infer_last", "train_dh_last", "infer_all",
                                       "train_dh_both", "train_dh_all"};
    for (size_t s = 0; s < sizeof LSTM_SHAPES / sizeof LSTM_SHAPES[0]; s++)
        for (int form = 0; form < 3; form++)
            for (int input = 0; input < 2; input++)
                for (int mode = 0; mode < 5; mode++) {
                    const lstm_shape *shape = &LSTM_SHAPES[s];
                    parity_case *c = add_case(list, LC_OP_LSTM_FORWARD);
                    if (!c)
                        return;
                    c->u.lstm.form = (lc_lstm_form)form;
                    c->u.lstm.input = (lc_lstm_input)input;
                    c->u.lstm.batch = shape->batch;
                    c->u.lstm.hidden = shape->hidden;
                    c->u.lstm.vocab = shape->vocab;
                    c->u.lstm.all_steps = modes[mode][0];
                    c->u.lstm.training = modes[mode][1];
                    c->u.lstm.use_dh_last = modes[mode][2];
                    c->u.lstm.use_dh_all = modes[mode][3];
                    if (shape->batch > 8)
                        random_lengths(c->u.lstm.lengths, shape->batch, shape->max_length);
                    else
                        memcpy(c->u.lstm.lengths, shape->lengths, sizeof shape->lengths);
                    snprintf(c->name, sizeof c->name, "lstm/%s/%s/%s/%s", forms[form],
                             input ? "projected" : "codes", mode_names[mode], shape->label);
                }
}

int parity_cases(parity_case **cases)
{
    case_list list = {0};
    add_gemm_cases(&list);
    add_gather_cases(&list);
    add_cosine_cases(&list);
    add_loss_and_distance_cases(&list);
    add_optimizer_cases(&list);
    add_lstm_cases(&list);
    *cases = list.items;
    return list.count;
}
