/* The loader and device selection: what a user sees when a backend or device is missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lstmcorr/engine.h"

static lc_engine *open_engine(void)
{
    lc_engine *engine = NULL;
    assert_int_equal(lc_engine_open(NULL, &engine), LC_OK);
    assert_non_null(engine);
    return engine;
}

static const lc_backend_report *report_named(lc_engine *engine, const char *name)
{
    for (int i = 0; i < lc_engine_backend_count(engine); i++)
        if (strcmp(lc_engine_backend_report(engine, i)->name, name) == 0)
            return lc_engine_backend_report(engine, i);
    return NULL;
}

static void test_every_known_backend_is_reported(void **state)
{
    (void)state;
    lc_engine *engine = open_engine();
    const char *names[] = {"cpu", "opencl", "cuda"};
    for (int i = 0; i < 3; i++) {
        const lc_backend_report *r = report_named(engine, names[i]);
        assert_non_null(r);
        /* Usable, or not usable with a reason: never silently absent. */
        if (!r->usable)
            assert_true(strlen(r->reason) > 0);
    }
    const lc_backend_report *cpu = report_named(engine, "cpu");
    assert_true(cpu->usable);
    assert_int_equal(cpu->device_count, 2); /* cpu:0 fast, cpu:1 float64 reference */
    lc_engine_close(engine);
}

static void test_device_names(void **state)
{
    (void)state;
    lc_engine *engine = open_engine();
    lc_dev *dev = NULL;
    assert_int_equal(lc_engine_open_device(engine, "cpu", &dev), LC_OK);
    assert_string_equal(dev->name, "cpu:0");
    lc_dev_close(dev);
    assert_int_equal(lc_engine_open_device(engine, "cpu:0", &dev), LC_OK);
    lc_dev_close(dev);

    assert_int_equal(lc_engine_open_device(engine, "tpu:0", &dev), LC_ERR_NOT_FOUND);
    assert_null(dev);
    assert_non_null(strstr(lc_last_error(), "unknown backend 'tpu'"));
    assert_int_equal(lc_engine_open_device(engine, "cpu:3", &dev), LC_ERR_NOT_FOUND);
    assert_non_null(strstr(lc_last_error(), "cpu:3 does not exist"));
    assert_int_equal(lc_engine_open_device(engine, "cpu:x", &dev), LC_ERR_INVALID);
    assert_non_null(strstr(lc_last_error(), "bad device index"));
    assert_int_equal(lc_engine_open_device(engine, "cpu:", &dev), LC_ERR_INVALID);
    assert_int_equal(lc_engine_open_device(engine, ":0", &dev), LC_ERR_INVALID);
    lc_engine_close(engine);
}

static void test_unusable_backend_is_an_error_not_a_fallback(void **state)
{
    (void)state;
    lc_engine *engine = open_engine();
    const lc_backend_report *cuda = report_named(engine, "cuda");
    if (cuda->usable) {
        lc_engine_close(engine);
        skip();
    }
    lc_dev *dev = NULL;
    assert_int_equal(lc_engine_open_device(engine, "cuda:0", &dev), LC_ERR_NOT_FOUND);
    assert_null(dev);
    /* The message carries the backend's own reason. */
    assert_non_null(strstr(lc_last_error(), cuda->reason));
    lc_engine_close(engine);
}

static void test_tensor_round_trip(void **state)
{
    (void)state;
    lc_engine *engine = open_engine();
    lc_dev *dev = NULL;
    assert_int_equal(lc_engine_open_device(engine, "cpu:0", &dev), LC_OK);
    float host[6] = {1, 2, 3, 4, 5, 6}, back[6] = {0};
    lc_tensor t;
    assert_int_equal(lc_tensor_alloc(dev, LC_F32, 2, 3, &t), LC_OK);
    assert_int_equal(lc_tensor_bytes(&t), sizeof host);
    assert_int_equal(lc_tensor_upload(&t, host), LC_OK);
    assert_int_equal(lc_tensor_download(&t, back), LC_OK);
    assert_memory_equal(host, back, sizeof host);
    assert_int_equal(lc_tensor_zero(&t), LC_OK);
    assert_int_equal(lc_tensor_download(&t, back), LC_OK);
    for (int i = 0; i < 6; i++)
        assert_true(back[i] == 0.0f);
    lc_tensor_free(&t);
    assert_int_equal(lc_tensor_alloc(dev, LC_F32, -1, 3, &t), LC_ERR_INVALID);
    lc_dev_close(dev);
    lc_engine_close(engine);
}

static void test_explicit_missing_plugin_is_reported(void **state)
{
    (void)state;
    lc_engine *engine = NULL;
    assert_int_equal(lc_engine_open("/nonexistent/liblstmcorr-foo.so", &engine), LC_OK);
    const lc_backend_report *r = lc_engine_backend_report(engine, 0);
    assert_false(r->usable);
    assert_non_null(strstr(r->reason, "file not found"));
    lc_engine_close(engine);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(lc_status_name(LC_OK), "LC_OK");
    assert_string_equal(lc_status_name(LC_ERR_ABI), "LC_ERR_ABI");
    assert_string_equal(lc_status_name((lc_status)999), "LC_ERR_UNKNOWN");
    assert_int_equal(lc_fail(LC_ERR_IO, "disk %d", 7), LC_ERR_IO);
    assert_string_equal(lc_last_error(), "disk 7");
}

static lc_status fake_adam(lc_device *d, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g, lc_buffer *m,
                           lc_buffer *v)
{
    (void)d, (void)p, (void)w, (void)g, (void)m, (void)v;
    return LC_OK;
}

static void test_table_size_rule(void **state)
{
    (void)state;
    lc_backend_iface api = {0};
    api.adam = fake_adam;
    api.struct_size = (uint32_t)LC_BACKEND_IFACE_SIZE_1_0;
    assert_true(LC_BACKEND_HAS(&api, adam));
    /* A table that stops before an entry does not have it, whatever lies beyond its end. */
    api.struct_size = (uint32_t)offsetof(lc_backend_iface, adam);
    assert_false(LC_BACKEND_HAS(&api, adam));
    assert_true(LC_BACKEND_IFACE_SIZE_1_0 <= sizeof(lc_backend_iface));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_known_backend_is_reported),
        cmocka_unit_test(test_device_names),
        cmocka_unit_test(test_unusable_backend_is_an_error_not_a_fallback),
        cmocka_unit_test(test_tensor_round_trip),
        cmocka_unit_test(test_explicit_missing_plugin_is_reported),
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_table_size_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
