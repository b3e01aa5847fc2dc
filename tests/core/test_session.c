/* Graph + session on the CPU backend: the derived backward pass of whole networks against finite
 * differences, buffer reuse, and the errors a caller can make. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lstmcorr/graph.h"
#include "network.h"

static lc_engine *engine;
static lc_dev *dev;

static int setup(void **state)
{
    (void)state;
    if (lc_engine_open(NULL, &engine) != LC_OK || lc_engine_open_device(engine, "cpu:0", &dev) != LC_OK) {
        fprintf(stderr, "cannot open cpu:0: %s\n", lc_last_error());
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lc_dev_close(dev);
    lc_engine_close(engine);
    return 0;
}

static const char *const texts[] = {"GET /index.html", "x", "", "scan 10.0.0.1:22", "GET /index.html",
                                    "ssh brute force attempt", "C2 beacon"};
enum { TEXTS = 7, PAIRS = 10 };
static const int32_t pair_a[PAIRS] = {0, 1, 3, 5, 6, 0, 2, 4, 3, 6};
static const int32_t pair_b[PAIRS] = {4, 3, 5, 6, 0, 1, 3, 0, 3, 5};
static const float targets[PAIRS] = {1, 0, 1, 0, 0, 0, 0, 1, 1, 1};

/* Forward (and backward when grads) of the pair loss; returns the loss computed in double from the
 * device's cosines, so finite differences are not limited by a float32 loss. */
static double pair_loss(lc_session *session, const lc_net_config *config, int grads)
{
    size_t lengths[TEXTS];
    for (int i = 0; i < TEXTS; i++)
        lengths[i] = strlen(texts[i]);
    lc_net_batch batch;
    assert_int_equal(lc_net_batch_encode(&batch, texts, lengths, TEXTS), LC_OK);
    int32_t position[TEXTS], ia[PAIRS], ib[PAIRS];
    for (int k = 0; k < TEXTS; k++)
        position[batch.order[k]] = k;
    for (int k = 0; k < PAIRS; k++) {
        ia[k] = position[pair_a[k]];
        ib[k] = position[pair_b[k]];
    }
    lc_graph *g = NULL;
    assert_int_equal(lc_graph_create(&g), LC_OK);
    lc_value h = lc_net_forward(g, config, &batch);
    lc_value cos = lc_graph_cosine_pairs(g, h, lc_graph_input(g, LC_I32, PAIRS, 1, ia),
                                         lc_graph_input(g, LC_I32, PAIRS, 1, ib));
    lc_value loss = lc_graph_sigmoid_bce(g, cos, lc_graph_input(g, LC_F32, PAIRS, 1, targets), NULL);
    lc_graph_keep(g, cos);
    if (grads)
        assert_int_equal(lc_graph_backward(g, loss), LC_OK);
    assert_int_equal(lc_graph_status(g), LC_OK);
    if (lc_session_run(session, g) != LC_OK)
        fail_msg("run: %s", lc_last_error());
    float c[PAIRS];
    assert_int_equal(lc_session_read(session, g, cos, c), LC_OK);
    double total = 0;
    for (int k = 0; k < PAIRS; k++) {
        double z = c[k], t = targets[k];
        total += fmax(z, 0) - z * t + log1p(exp(-fabs(z)));
    }
    lc_graph_free(g);
    lc_net_batch_free(&batch);
    return total / PAIRS;
}

static void check_network(const lc_net_config *config)
{
    lc_session *session = NULL;
    assert_int_equal(lc_session_create(dev, &session), LC_OK);
    assert_int_equal(lc_net_init_params(config, 7, session), LC_OK);
    /* Larger weights than the prototype's 0.1 so that every gate is away from its linear regime. */
    for (int p = 0; p < lc_session_param_count(session); p++) {
        int64_t rows, cols;
        const char *name = lc_session_param_name(session, p, &rows, &cols);
        float *w = malloc((size_t)(rows * cols) * sizeof *w);
        assert_int_equal(lc_session_get_param(session, name, w), LC_OK);
        for (int64_t k = 0; k < rows * cols; k++)
            w[k] = w[k] * 5.0f + (strstr(name, "bias") ? 0.1f * (float)((k % 7) - 3) : 0.0f);
        assert_int_equal(lc_session_set_param(session, name, w), LC_OK);
        free(w);
    }
    pair_loss(session, config, 1);
    int checked = 0;
    for (int p = 0; p < lc_session_param_count(session); p++) {
        int64_t rows, cols;
        const char *name = lc_session_param_name(session, p, &rows, &cols);
        int64_t n = rows * cols;
        float *w = malloc((size_t)n * sizeof *w), *grad = malloc((size_t)n * sizeof *grad);
        assert_int_equal(lc_session_get_param(session, name, w), LC_OK);
        assert_int_equal(lc_session_get_grad(session, name, grad), LC_OK);
        /* A spread of entries: rows of symbols the texts use, every gate block. */
        for (int s = 0; s < 12; s++) {
            int64_t k = (int64_t)((s * 2654435761u) % (uint64_t)n);
            if (strcmp(name, "embedding") == 0 || strcmp(name, "lstm0.wx") == 0)
                k = (int64_t)("Gs Cx1"[s % 6]) * cols + (s * 7) % cols;
            float saved = w[k];
            const float h = 1e-2f;
            w[k] = saved + h;
            assert_int_equal(lc_session_set_param(session, name, w), LC_OK);
            double up = pair_loss(session, config, 0);
            w[k] = saved - h;
            assert_int_equal(lc_session_set_param(session, name, w), LC_OK);
            double down = pair_loss(session, config, 0);
            w[k] = saved;
            assert_int_equal(lc_session_set_param(session, name, w), LC_OK);
            double fd = (up - down) / (2.0 * h);
            double tolerance = 1e-3 + 3e-2 * fabs(fd);
            if (fabs(grad[k] - fd) > tolerance)
                fail_msg("%s %s[%lld]: backward %.6g, finite difference %.6g", lc_lstm_form_name(config->form), name,
                         (long long)k, grad[k], fd);
            checked++;
        }
        free(w);
        free(grad);
    }
    assert_true(checked >= 36);
    lc_session_free(session);
}

static void test_gradients_lasagne_with_embedding(void **state)
{
    (void)state;
    lc_net_config c = {.form = LC_LSTM_LASAGNE01, .layers = 1, .hidden = {5}, .train_embedding = 1};
    check_network(&c);
}

static void test_gradients_standard_two_layers(void **state)
{
    (void)state;
    lc_net_config c = {.form = LC_LSTM_STANDARD, .layers = 2, .hidden = {4, 3}, .train_embedding = 0};
    check_network(&c);
}

static void test_gradients_peephole(void **state)
{
    (void)state;
    lc_net_config c = {.form = LC_LSTM_PEEPHOLE, .layers = 1, .hidden = {3}, .train_embedding = 0};
    check_network(&c);
}

static void test_pool_is_reused(void **state)
{
    (void)state;
    lc_net_config c = {.form = LC_LSTM_STANDARD, .layers = 1, .hidden = {8}};
    lc_session *session = NULL;
    assert_int_equal(lc_session_create(dev, &session), LC_OK);
    assert_int_equal(lc_net_init_params(&c, 1, session), LC_OK);
    pair_loss(session, &c, 1);
    size_t after_first = lc_session_pool_bytes(session);
    for (int i = 0; i < 5; i++)
        pair_loss(session, &c, 1);
    assert_int_equal(lc_session_pool_bytes(session), after_first);
    lc_session_free(session);
}

static void test_caller_errors(void **state)
{
    (void)state;
    lc_graph *g = NULL;
    assert_int_equal(lc_graph_create(&g), LC_OK);
    int32_t lengths[2] = {1, 3}; /* not sorted */
    int32_t codes[4] = {65, 66, 67, 68};
    lc_graph_lstm_desc d = {.form = LC_LSTM_STANDARD, .hidden = 2, .batch = 2, .lengths = lengths};
    lc_value input = lc_graph_input(g, LC_I32, 4, 1, codes);
    lc_value h = lc_graph_lstm(g, &d, input, lc_graph_param(g, "t", 128, 8), lc_graph_param(g, "wh", 2, 8),
                               lc_graph_param(g, "b", 1, 8), -1, NULL);
    assert_int_equal(h, -1);
    assert_int_equal(lc_graph_status(g), LC_ERR_INVALID);
    assert_non_null(strstr(lc_graph_error(g), "non-increasing"));
    lc_graph_free(g);

    /* A parameter the session lacks, and a value that was not kept. */
    lc_session *session = NULL;
    assert_int_equal(lc_session_create(dev, &session), LC_OK);
    assert_int_equal(lc_graph_create(&g), LC_OK);
    lengths[0] = 3;
    lengths[1] = 1;
    input = lc_graph_input(g, LC_I32, 4, 1, codes);
    h = lc_graph_lstm(g, &d, input, lc_graph_param(g, "t", 128, 8), lc_graph_param(g, "wh", 2, 8),
                      lc_graph_param(g, "b", 1, 8), -1, NULL);
    assert_true(h >= 0);
    assert_int_equal(lc_session_run(session, g), LC_ERR_NOT_FOUND);
    assert_non_null(strstr(lc_last_error(), "parameter 't'"));
    assert_int_equal(lc_session_add_param(session, "t", 128, 8, NULL), LC_OK);
    assert_int_equal(lc_session_add_param(session, "wh", 2, 8, NULL), LC_OK);
    assert_int_equal(lc_session_add_param(session, "b", 1, 4, NULL), LC_OK);
    assert_int_equal(lc_session_run(session, g), LC_ERR_INVALID);
    assert_non_null(strstr(lc_last_error(), "'b' is 1 x 4"));
    lc_graph_free(g);
    lc_session_free(session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradients_lasagne_with_embedding),
        cmocka_unit_test(test_gradients_standard_two_layers),
        cmocka_unit_test(test_gradients_peephole),
        cmocka_unit_test(test_pool_is_reused),
        cmocka_unit_test(test_caller_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
