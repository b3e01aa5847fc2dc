/* cpu:1, the CPU backend's float64 reference device: its device info, and ops run through
 * dev->api that agree with the lc_ref_* functions called directly in double (to float32
 * rounding, relative 1e-6), including accumulation into gradients and untouched strided gaps. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lstmcorr/engine.h"
#include "reference.h"

typedef struct fixture {
    lc_engine *engine;
    lc_dev *dev;
} fixture;

static int setup(void **state)
{
    static fixture fx;
    if (lc_engine_open(NULL, &fx.engine) != LC_OK)
        return -1;
    if (lc_engine_open_device(fx.engine, "cpu:1", &fx.dev) != LC_OK) {
        lc_engine_close(fx.engine);
        return -1;
    }
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    lc_dev_close(fx->dev);
    lc_engine_close(fx->engine);
    return 0;
}

/* Deterministic values in [-1, 1). */
static float next_value(uint32_t *seed)
{
    *seed = *seed * 1664525u + 1013904223u;
    return (float)((*seed >> 8) / 8388608.0 - 1.0);
}

static float *random_floats(size_t n, uint32_t seed)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    assert_non_null(v);
    for (size_t k = 0; k < n; k++)
        v[k] = next_value(&seed);
    return v;
}

static double *as_doubles(const float *v, size_t n)
{
    double *d = malloc((n ? n : 1) * sizeof *d);
    assert_non_null(d);
    for (size_t k = 0; k < n; k++)
        d[k] = v[k];
    return d;
}

static lc_buffer *device_copy(lc_dev *dev, const void *host, size_t bytes)
{
    lc_buffer *buf = NULL;
    assert_int_equal(dev->api->buffer_alloc(dev->handle, bytes, &buf), LC_OK);
    assert_int_equal(dev->api->buffer_upload(dev->handle, buf, 0, host, bytes), LC_OK);
    return buf;
}

/* Download n floats from buf into a fresh array. */
static float *device_read(lc_dev *dev, lc_buffer *buf, size_t n)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    assert_non_null(v);
    assert_int_equal(dev->api->buffer_download(dev->handle, buf, 0, v, n * sizeof *v), LC_OK);
    return v;
}

/* Every element agrees with the double reference to float32 rounding. */
static void assert_close(const char *what, const float *got, const double *want, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        double err = fabs((double)got[k] - want[k]);
        if (!(err <= 1e-6 * fabs(want[k]) + 1e-37))
            fail_msg("%s[%zu]: device %.9g, reference %.17g", what, k, (double)got[k], want[k]);
    }
}

static void test_device_info(void **state)
{
    fixture *fx = *state;
    assert_string_equal(fx->dev->name, "cpu:1");
    assert_string_equal(fx->dev->info.name, "CPU float64 reference");
    assert_string_equal(fx->dev->info.api_version, "C11 float64 reference");
    assert_int_equal(fx->dev->info.compute_units, 1);
    assert_true(fx->dev->info.flags & LC_DEVICE_FLAG_HOST_MEMORY);

    lc_dev *fast = NULL;
    assert_int_equal(lc_engine_open_device(fx->engine, "cpu:0", &fast), LC_OK);
    assert_string_equal(fast->info.vendor, fx->dev->info.vendor);
    assert_true(fast->info.memory_bytes == fx->dev->info.memory_bytes);
    assert_string_not_equal(fast->info.name, fx->dev->info.name);
    lc_dev_close(fast);
}

static void test_gemm_matches_reference(void **state)
{
    fixture *fx = *state;
    lc_dev *dev = fx->dev;
    /* C[5x6] (ldc 9, offset 2) = 0.75 A^T B + 0.5 C; A stored K x M (lda 7), B stored K x N. */
    const lc_gemm_params p = {.trans_a = 1, .trans_b = 0, .m = 5, .n = 6, .k = 4, .alpha = 0.75f,
                              .beta = 0.5f, .lda = 7, .ldb = 6, .ldc = 9, .a_offset = 3,
                              .b_offset = 0, .c_offset = 2};
    const size_t a_n = 3 + 4 * 7, b_n = 4 * 6, c_n = 2 + 5 * 9;
    float *a = random_floats(a_n, 1), *b = random_floats(b_n, 2), *c = random_floats(c_n, 3);
    lc_buffer *ab = device_copy(dev, a, a_n * sizeof(float));
    lc_buffer *bb = device_copy(dev, b, b_n * sizeof(float));
    lc_buffer *cb = device_copy(dev, c, c_n * sizeof(float));
    assert_true(dev->api->supports(dev->handle, LC_OP_GEMM, &p));
    assert_int_equal(dev->api->gemm(dev->handle, &p, ab, bb, cb), LC_OK);
    float *got = device_read(dev, cb, c_n);

    double *ad = as_doubles(a, a_n), *bd = as_doubles(b, b_n), *cd = as_doubles(c, c_n);
    assert_int_equal(lc_ref_gemm(&p, ad, bd, cd), LC_OK);
    assert_close("C", got, cd, c_n);
    /* The gaps of the strided C and the elements before its offset keep their bits. */
    for (size_t k = 0; k < c_n; k++) {
        int written = k >= 2 && (k - 2) % 9 < 6;
        if (!written)
            assert_memory_equal(&got[k], &c[k], sizeof(float));
    }
    free(got);
    free(ad);
    free(bd);
    free(cd);
    free(a);
    free(b);
    free(c);
    dev->api->buffer_free(dev->handle, ab);
    dev->api->buffer_free(dev->handle, bb);
    dev->api->buffer_free(dev->handle, cb);
}

/* One LSTM layer forward (all steps) and backward on cpu:1 against lc_ref_lstm_* in double.
 * Gradient buffers start non-zero to check that they accumulate. */
static void lstm_case(lc_dev *dev, int form, int input)
{
    const int32_t lengths[3] = {4, 3, 1};
    const int batch = 3, total = 8, H = 5, V = 7, W = 4 * H;
    const lc_lstm_params p = {.form = form, .input = input, .batch = batch, .hidden = H,
                              .vocab = V, .total = total, .all_steps = 1, .training = 1,
                              .lengths = lengths};
    const int codes_input = input == LC_LSTM_INPUT_CODES;
    const int32_t codes[8] = {0, 3, 6, 2, 2, 5, 1, 4};
    const size_t n_in = (size_t)(codes_input ? V : total) * W;
    const size_t n_wh = (size_t)H * W, n_peep = (size_t)3 * H;
    float *x = random_floats(n_in, 11), *wh = random_floats(n_wh, 12);
    float *bias = random_floats((size_t)W, 13), *peep = random_floats(n_peep, 14);
    float *dh_last = random_floats((size_t)batch * H, 15);
    float *dh_all = random_floats((size_t)total * H, 16);
    float *g0[4] = {random_floats(n_in, 17), random_floats(n_wh, 18),
                    random_floats((size_t)W, 19), random_floats(n_peep, 20)};
    const size_t g_n[4] = {n_in, n_wh, (size_t)W, n_peep};

    size_t reserve_bytes = 1, workspace_bytes = 1;
    assert_int_equal(dev->api->workspace_size(dev->handle, LC_OP_LSTM_FORWARD, &p, &reserve_bytes),
                     LC_OK);
    assert_int_equal(dev->api->workspace_size(dev->handle, LC_OP_LSTM_BACKWARD, &p,
                                              &workspace_bytes),
                     LC_OK);
    assert_true(reserve_bytes == 0 && workspace_bytes == 0); /* the reference recomputes */

    lc_lstm_buffers b = {0};
    lc_buffer *in = device_copy(dev, x, n_in * sizeof(float));
    lc_buffer *codes_buf = device_copy(dev, codes, sizeof codes);
    *(codes_input ? &b.table : &b.xproj) = in;
    b.codes = codes_input ? codes_buf : NULL;
    b.wh = device_copy(dev, wh, n_wh * sizeof(float));
    b.bias = device_copy(dev, bias, (size_t)W * sizeof(float));
    b.peep = device_copy(dev, peep, n_peep * sizeof(float));
    float zeros[8 * 5] = {0};
    b.h_last = device_copy(dev, zeros, (size_t)batch * H * sizeof(float));
    b.h_all = device_copy(dev, zeros, (size_t)total * H * sizeof(float));
    b.dh_last = device_copy(dev, dh_last, (size_t)batch * H * sizeof(float));
    b.dh_all = device_copy(dev, dh_all, (size_t)total * H * sizeof(float));
    lc_buffer *grads[4];
    for (int g = 0; g < 4; g++)
        grads[g] = device_copy(dev, g0[g], g_n[g] * sizeof(float));
    *(codes_input ? &b.dtable : &b.dxproj) = grads[0];
    b.dwh = grads[1];
    b.dbias = grads[2];
    b.dpeep = grads[3];
    assert_true(dev->api->supports(dev->handle, LC_OP_LSTM_FORWARD, &p));
    if (dev->api->lstm_forward(dev->handle, &p, &b) != LC_OK)
        fail_msg("lstm_forward: %s", dev->api->last_error());
    if (dev->api->lstm_backward(dev->handle, &p, &b) != LC_OK)
        fail_msg("lstm_backward: %s", dev->api->last_error());

    double *xd = as_doubles(x, n_in), *whd = as_doubles(wh, n_wh);
    double *biasd = as_doubles(bias, (size_t)W), *peepd = as_doubles(peep, n_peep);
    double *dh_lastd = as_doubles(dh_last, (size_t)batch * H);
    double *dh_alld = as_doubles(dh_all, (size_t)total * H);
    double *gd[4];
    for (int g = 0; g < 4; g++)
        gd[g] = as_doubles(g0[g], g_n[g]);
    double h_last[3 * 5], h_all[8 * 5];
    lc_ref_lstm_arrays a = {.codes = codes_input ? codes : NULL, .xproj = codes_input ? NULL : xd,
                            .table = codes_input ? xd : NULL, .wh = whd, .bias = biasd,
                            .peep = peepd, .h_last = h_last, .h_all = h_all,
                            .dh_last = dh_lastd, .dh_all = dh_alld,
                            .dtable = codes_input ? gd[0] : NULL,
                            .dxproj = codes_input ? NULL : gd[0], .dwh = gd[1], .dbias = gd[2],
                            .dpeep = form != LC_LSTM_STANDARD ? gd[3] : NULL};
    assert_int_equal(lc_ref_lstm_forward(&p, &a), LC_OK);
    assert_int_equal(lc_ref_lstm_backward(&p, &a), LC_OK);

    float *got = device_read(dev, b.h_last, (size_t)batch * H);
    assert_close("h_last", got, h_last, (size_t)batch * H);
    free(got);
    got = device_read(dev, b.h_all, (size_t)total * H);
    assert_close("h_all", got, h_all, (size_t)total * H);
    free(got);
    static const char *const names[4] = {"dinput", "dwh", "dbias", "dpeep"};
    for (int g = 0; g < 4; g++) {
        got = device_read(dev, grads[g], g_n[g]);
        assert_close(names[g], got, gd[g], g_n[g]); /* STANDARD: dpeep left as it was */
        free(got);
    }

    lc_buffer *all[] = {in, codes_buf, b.wh, b.bias, b.peep, b.h_last, b.h_all, b.dh_last,
                        b.dh_all, grads[0], grads[1], grads[2], grads[3]};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        dev->api->buffer_free(dev->handle, all[k]);
    float *host[] = {x, wh, bias, peep, dh_last, dh_all, g0[0], g0[1], g0[2], g0[3]};
    for (size_t k = 0; k < sizeof host / sizeof host[0]; k++)
        free(host[k]);
    double *hostd[] = {xd, whd, biasd, peepd, dh_lastd, dh_alld, gd[0], gd[1], gd[2], gd[3]};
    for (size_t k = 0; k < sizeof hostd / sizeof hostd[0]; k++)
        free(hostd[k]);
}

static void test_lstm_peephole_codes(void **state)
{
    lstm_case(((fixture *)*state)->dev, LC_LSTM_PEEPHOLE, LC_LSTM_INPUT_CODES);
}

static void test_lstm_lasagne_projected(void **state)
{
    lstm_case(((fixture *)*state)->dev, LC_LSTM_LASAGNE01, LC_LSTM_INPUT_PROJECTED);
}

static void test_lstm_standard_codes(void **state)
{
    lstm_case(((fixture *)*state)->dev, LC_LSTM_STANDARD, LC_LSTM_INPUT_CODES);
}

static void test_bad_codes_are_rejected(void **state)
{
    fixture *fx = *state;
    lc_dev *dev = fx->dev;
    const int32_t lengths[1] = {2}, codes[2] = {0, 9};
    const lc_lstm_params p = {.form = LC_LSTM_STANDARD, .input = LC_LSTM_INPUT_CODES, .batch = 1,
                              .hidden = 2, .vocab = 3, .total = 2, .lengths = lengths};
    float zeros[3 * 8] = {0};
    lc_lstm_buffers b = {0};
    b.codes = device_copy(dev, codes, sizeof codes);
    b.table = device_copy(dev, zeros, sizeof zeros);
    b.wh = device_copy(dev, zeros, 2 * 8 * sizeof(float));
    b.bias = device_copy(dev, zeros, 8 * sizeof(float));
    b.h_last = device_copy(dev, zeros, 2 * sizeof(float));
    assert_int_equal(dev->api->lstm_forward(dev->handle, &p, &b), LC_ERR_INVALID);
    assert_non_null(strstr(dev->api->last_error(), "outside the vocabulary"));
    lc_buffer *all[] = {b.codes, b.table, b.wh, b.bias, b.h_last};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        dev->api->buffer_free(dev->handle, all[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_info),
        cmocka_unit_test(test_gemm_matches_reference),
        cmocka_unit_test(test_lstm_peephole_codes),
        cmocka_unit_test(test_lstm_lasagne_projected),
        cmocka_unit_test(test_lstm_standard_codes),
        cmocka_unit_test(test_bad_codes_are_rejected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
