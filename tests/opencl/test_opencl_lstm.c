/* The OpenCL LSTM forward and backward against the float64 reference, for every form and input
 * mode, H below / at / above the kernel's vector width, and batches with zero-length sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reference.h"
#include "support_opencl.h"

typedef struct lstm_case {
    int hidden;
    int batch;
    const int32_t *lengths;
} lstm_case;

static const int32_t lengths_a[] = {7, 7, 5, 3, 3, 1, 0};
static const int32_t lengths_b[] = {12, 9, 9, 8, 4, 2, 2, 1, 1};
static const int32_t lengths_c[] = {4};

static const lstm_case cases[] = {
    {3, 7, lengths_a},   /* partial vector block only */
    {10, 9, lengths_b},  /* one full block + a partial one: the prototype's H */
    {16, 7, lengths_a},  /* full blocks */
    {8, 1, lengths_c},
};

typedef struct host_lstm {
    int32_t *codes;
    double *xproj, *table, *wh, *bias, *peep, *dh_last, *dh_all;
    double *h_last, *h_all, *dtable, *dxproj, *dwh, *dbias, *dpeep;
} host_lstm;

static double *alloc_doubles(size_t count)
{
    double *p = calloc(count ? count : 1, sizeof *p);
    assert_non_null(p);
    return p;
}

static void check_close(const char *what, const lc_lstm_params *p, const double *device,
                        const double *reference, size_t count, double atol, double rtol)
{
    double error = ocl_test_error(device, reference, count, atol, rtol);
    if (error > 1.0)
        fail_msg("%s: form %d input %d H=%d batch=%d: error %.3g x tolerance", what, p->form,
                 p->input, p->hidden, p->batch, error);
}

static void run_case(ocl_test_env *env, const lstm_case *c, int form, int input, uint64_t seed)
{
    const int h = c->hidden, g4 = 4 * h, vocab = 11;
    int total = 0;
    for (int b = 0; b < c->batch; b++)
        total += c->lengths[b];
    lc_lstm_params p = {.form = form, .input = input, .batch = c->batch, .hidden = h,
                        .vocab = vocab, .total = total, .all_steps = 1, .training = 1,
                        .lengths = c->lengths};
    host_lstm x = {0};
    x.codes = calloc((size_t)total + 1, sizeof(int32_t));
    assert_non_null(x.codes);
    for (int r = 0; r < total; r++)
        x.codes[r] = (int32_t)((r * 7 + seed) % vocab);
    x.xproj = alloc_doubles((size_t)total * g4);
    x.table = alloc_doubles((size_t)vocab * g4);
    x.wh = alloc_doubles((size_t)h * g4);
    x.bias = alloc_doubles(g4);
    x.peep = alloc_doubles(3 * h);
    x.dh_last = alloc_doubles((size_t)c->batch * h);
    x.dh_all = alloc_doubles((size_t)total * h);
    ocl_test_fill(x.xproj, (size_t)total * g4, seed + 1, 1.0);
    ocl_test_fill(x.table, (size_t)vocab * g4, seed + 2, 1.0);
    ocl_test_fill(x.wh, (size_t)h * g4, seed + 3, 0.5);
    ocl_test_fill(x.bias, g4, seed + 4, 0.3);
    ocl_test_fill(x.peep, 3 * h, seed + 5, 0.5);
    ocl_test_fill(x.dh_last, (size_t)c->batch * h, seed + 6, 1.0);
    ocl_test_fill(x.dh_all, (size_t)total * h, seed + 7, 1.0);

    /* Reference. */
    host_lstm ref = x;
    ref.h_last = alloc_doubles((size_t)c->batch * h);
    ref.h_all = alloc_doubles((size_t)total * h);
    ref.dtable = alloc_doubles((size_t)vocab * g4);
    ref.dxproj = alloc_doubles((size_t)total * g4);
    ref.dwh = alloc_doubles((size_t)h * g4);
    ref.dbias = alloc_doubles(g4);
    ref.dpeep = alloc_doubles(3 * h);
    lc_ref_lstm_arrays ra = {.codes = x.codes, .xproj = x.xproj, .table = x.table, .wh = x.wh,
                             .bias = x.bias, .peep = x.peep, .h_last = ref.h_last,
                             .h_all = ref.h_all, .dh_last = x.dh_last, .dh_all = x.dh_all,
                             .dtable = ref.dtable, .dxproj = ref.dxproj, .dwh = ref.dwh,
                             .dbias = ref.dbias, .dpeep = ref.dpeep};
    assert_int_equal(lc_ref_lstm_forward(&p, &ra), LC_OK);
    assert_int_equal(lc_ref_lstm_backward(&p, &ra), LC_OK);

    /* Device. */
    size_t reserve = 0, workspace = 0;
    assert_int_equal(env->api->workspace_size(env->device, LC_OP_LSTM_FORWARD, &p, &reserve), LC_OK);
    assert_int_equal(env->api->workspace_size(env->device, LC_OP_LSTM_BACKWARD, &p, &workspace),
                     LC_OK);
    lc_lstm_buffers b = {0};
    b.codes = ocl_test_upload_int(env, x.codes, (size_t)total + 1);
    b.xproj = ocl_test_upload(env, x.xproj, (size_t)total * g4);
    b.table = ocl_test_upload(env, x.table, (size_t)vocab * g4);
    b.wh = ocl_test_upload(env, x.wh, (size_t)h * g4);
    b.bias = ocl_test_upload(env, x.bias, g4);
    b.peep = ocl_test_upload(env, x.peep, 3 * h);
    b.h_last = ocl_test_upload(env, NULL, (size_t)c->batch * h);
    b.h_all = ocl_test_upload(env, NULL, (size_t)total * h);
    b.reserve = ocl_test_upload(env, NULL, reserve / sizeof(float));
    b.workspace = ocl_test_upload(env, NULL, workspace / sizeof(float));
    b.dh_last = ocl_test_upload(env, x.dh_last, (size_t)c->batch * h);
    b.dh_all = ocl_test_upload(env, x.dh_all, (size_t)total * h);
    /* Gradients accumulate: start from ones and compare against reference + 1. */
    double *ones = alloc_doubles((size_t)total * g4 + (size_t)vocab * g4);
    for (size_t i = 0; i < (size_t)total * g4 + (size_t)vocab * g4; i++)
        ones[i] = 1.0;
    b.dtable = ocl_test_upload(env, ones, (size_t)vocab * g4);
    b.dxproj = ocl_test_upload(env, ones, (size_t)total * g4);
    b.dwh = ocl_test_upload(env, ones, (size_t)h * g4);
    b.dbias = ocl_test_upload(env, ones, g4);
    b.dpeep = ocl_test_upload(env, ones, 3 * h);
    if (env->api->lstm_forward(env->device, &p, &b) != LC_OK)
        fail_msg("lstm_forward: %s", env->api->last_error());
    if (env->api->lstm_backward(env->device, &p, &b) != LC_OK)
        fail_msg("lstm_backward: %s", env->api->last_error());

    double *out = alloc_doubles((size_t)total * g4 + (size_t)vocab * g4 + 1);
    /* float32 against float64 over <= 12 steps: a few hundred ulps of slack. */
    const double atol = 2e-5, rtol = 2e-4;
    ocl_test_download(env, b.h_last, out, (size_t)c->batch * h);
    check_close("h_last", &p, out, ref.h_last, (size_t)c->batch * h, atol, rtol);
    ocl_test_download(env, b.h_all, out, (size_t)total * h);
    check_close("h_all", &p, out, ref.h_all, (size_t)total * h, atol, rtol);

    struct { const char *name; lc_buffer *buffer; double *ref; size_t count; int used; } grads[] = {
        {"dtable", b.dtable, ref.dtable, (size_t)vocab * g4, input == LC_LSTM_INPUT_CODES},
        {"dxproj", b.dxproj, ref.dxproj, (size_t)total * g4, input == LC_LSTM_INPUT_PROJECTED},
        {"dwh", b.dwh, ref.dwh, (size_t)h * g4, 1},
        {"dbias", b.dbias, ref.dbias, g4, 1},
        {"dpeep", b.dpeep, ref.dpeep, 3 * (size_t)h, form != LC_LSTM_STANDARD},
    };
    for (size_t g = 0; g < sizeof grads / sizeof grads[0]; g++) {
        ocl_test_download(env, grads[g].buffer, out, grads[g].count);
        for (size_t i = 0; i < grads[g].count; i++)
            grads[g].ref[i] = grads[g].used ? grads[g].ref[i] + 1.0 : 1.0; /* unused: untouched */
        check_close(grads[g].name, &p, out, grads[g].ref, grads[g].count, 1e-4, 5e-4);
    }

    /* Inference (no reserve) gives the same h. */
    p.training = 0;
    if (env->api->lstm_forward(env->device, &p, &b) != LC_OK)
        fail_msg("lstm_forward (inference): %s", env->api->last_error());
    ocl_test_download(env, b.h_last, out, (size_t)c->batch * h);
    check_close("h_last (inference)", &p, out, ref.h_last, (size_t)c->batch * h, atol, rtol);

    lc_buffer **all[] = {&b.codes, &b.xproj, &b.table, &b.wh, &b.bias, &b.peep, &b.h_last,
                         &b.h_all, &b.reserve, &b.workspace, &b.dh_last, &b.dh_all, &b.dtable,
                         &b.dxproj, &b.dwh, &b.dbias, &b.dpeep};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        env->api->buffer_free(env->device, *all[i]);
    free(out);
    free(ones);
    free(x.codes);
    double *owned[] = {x.xproj, x.table, x.wh, x.bias, x.peep, x.dh_last, x.dh_all, ref.h_last,
                       ref.h_all, ref.dtable, ref.dxproj, ref.dwh, ref.dbias, ref.dpeep};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        free(owned[i]);
}

static void test_lstm_matches_reference(void **state)
{
    (void)state;
    ocl_test_env env;
    ocl_test_open(&env);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int form = LC_LSTM_STANDARD; form <= LC_LSTM_LASAGNE01; form++)
            for (int input = LC_LSTM_INPUT_CODES; input <= LC_LSTM_INPUT_PROJECTED; input++)
                run_case(&env, &cases[c], form, input, 17 * c + 3 * form + input);
    ocl_test_close(&env);
}

static void test_lstm_rejects_bad_lengths(void **state)
{
    (void)state;
    ocl_test_env env;
    ocl_test_open(&env);
    static const int32_t increasing[] = {2, 3};
    lc_lstm_params p = {.form = LC_LSTM_STANDARD, .input = LC_LSTM_INPUT_PROJECTED, .batch = 2,
                        .hidden = 4, .total = 5, .lengths = increasing};
    lc_lstm_buffers b = {0};
    b.xproj = ocl_test_upload(&env, NULL, 5 * 16);
    b.wh = ocl_test_upload(&env, NULL, 4 * 16);
    b.bias = ocl_test_upload(&env, NULL, 16);
    b.h_last = ocl_test_upload(&env, NULL, 2 * 4);
    assert_int_equal(env.api->lstm_forward(env.device, &p, &b), LC_ERR_INVALID);
    assert_non_null(strstr(env.api->last_error(), "non-increasing"));
    /* A too-small h_last is refused before anything runs. */
    static const int32_t fine[] = {3, 2};
    p.lengths = fine;
    p.batch = 2;
    lc_buffer *small = b.h_last;
    b.h_last = ocl_test_upload(&env, NULL, 3);
    assert_int_equal(env.api->lstm_forward(env.device, &p, &b), LC_ERR_INVALID);
    assert_non_null(strstr(env.api->last_error(), "h_last"));
    env.api->buffer_free(env.device, small);
    env.api->buffer_free(env.device, b.h_last);
    env.api->buffer_free(env.device, b.xproj);
    env.api->buffer_free(env.device, b.wh);
    env.api->buffer_free(env.device, b.bias);
    ocl_test_close(&env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lstm_matches_reference),
        cmocka_unit_test(test_lstm_rejects_bad_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
