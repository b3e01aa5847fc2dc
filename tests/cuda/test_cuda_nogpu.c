/*
 * The CUDA plugin on a machine without a GPU (this one, CI): it loads, init succeeds with zero
 * devices, and every way of asking for cuda:0 says why ("no CUDA driver" / "no CUDA device").
 * Where a GPU is present the same tests check instead that a device is listed and opens.
 * Skipped when the build has no CUDA plugin (LSTMCORR_CUDA=OFF or no toolkit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lstmcorr/backend.h"
#include "lstmcorr/engine.h"

#define CUDA_PLUGIN LSTMCORR_BIN_DIR "/liblstmcorr-cuda.so"

typedef struct loaded {
    void *library;
    const lc_backend_iface *api;
    lc_backend *backend;
} loaded;

static int says_why(const char *text)
{
    return text && (strstr(text, "no CUDA driver") || strstr(text, "no CUDA device"));
}

static int setup(void **state)
{
    static loaded l;
    memset(&l, 0, sizeof l);
    if (access(CUDA_PLUGIN, F_OK) != 0) {
        *state = NULL;
        return 0;
    }
    l.library = dlopen(CUDA_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    if (!l.library) {
        fprintf(stderr, "dlopen %s: %s\n", CUDA_PLUGIN, dlerror());
        return -1;
    }
    void *symbol = dlsym(l.library, LC_BACKEND_ENTRY_NAME);
    if (!symbol)
        return -1;
    lc_backend_entry_fn entry;
    memcpy(&entry, &symbol, sizeof entry);
    l.api = entry();
    *state = &l;
    return 0;
}

static int teardown(void **state)
{
    loaded *l = *state;
    if (l && l->backend)
        l->api->shutdown(l->backend);
    if (l && l->library)
        dlclose(l->library);
    return 0;
}

static loaded *plugin_or_skip(void **state)
{
    loaded *l = *state;
    if (!l) {
        print_message("no %s in this build: skipped\n", CUDA_PLUGIN);
        skip();
    }
    return l;
}

static void test_table_is_complete(void **state)
{
    loaded *l = plugin_or_skip(state);
    assert_non_null(l->api);
    assert_int_equal(l->api->abi_major, LC_ABI_MAJOR);
    assert_true(l->api->struct_size >= sizeof(lc_backend_iface));
    assert_string_equal(l->api->name, "cuda");
    /* Every entry is set: the loader refuses a table with a NULL one. */
    const char *first = (const char *)&l->api->last_error;
    const char *end = (const char *)l->api + sizeof(lc_backend_iface);
    for (const char *at = first; at < end; at += sizeof(void (*)(void))) {
        void (*fn)(void);
        memcpy(&fn, at, sizeof fn);
        assert_non_null(fn);
    }
}

static void test_init_reports_devices_or_reason(void **state)
{
    loaded *l = plugin_or_skip(state);
    assert_int_equal(l->api->init(&l->backend), LC_OK);
    int count = l->api->device_count(l->backend);
    const char *reason = l->api->unavailable_reason(l->backend);
    if (count > 0) {
        assert_null(reason);
        lc_device_info info;
        assert_int_equal(l->api->device_info(l->backend, 0, &info), LC_OK);
        assert_true(strlen(info.name) > 0);
        assert_string_equal(info.vendor, "NVIDIA");
        assert_non_null(strstr(info.api_version, "CUDA "));
        assert_non_null(strstr(info.libraries, "cuDNN "));
        assert_true(info.memory_bytes > 0 && info.compute_units > 0);
        print_message("GPU present: %s, %s, %s\n", info.name, info.api_version, info.libraries);
        return;
    }
    assert_int_equal(count, 0);
    assert_true(says_why(reason));
    /* Opening or describing a device that is not there fails and says why. */
    lc_device *dev = NULL;
    assert_int_not_equal(l->api->device_open(l->backend, 0, &dev), LC_OK);
    assert_null(dev);
    assert_true(says_why(l->api->last_error()));
    lc_device_info info;
    assert_int_equal(l->api->device_info(l->backend, 0, &info), LC_ERR_NOT_FOUND);
}

static void test_probe_and_open_device(void **state)
{
    (void)plugin_or_skip(state);
    char reason[512] = "";
    lc_backend_report report;
    lc_status probed = lc_engine_probe(CUDA_PLUGIN, &report, reason, sizeof reason);

    lc_engine *engine = NULL;
    assert_int_equal(lc_engine_open(NULL, &engine), LC_OK);
    lc_dev *dev = NULL;
    lc_status opened = lc_engine_open_device(engine, "cuda:0", &dev);
    if (report.usable) {
        assert_int_equal(probed, LC_OK);
        assert_true(report.device_count > 0);
        assert_int_equal(opened, LC_OK);
        assert_non_null(dev);
        assert_string_equal(dev->name, "cuda:0");
        lc_dev_close(dev);
    } else {
        assert_int_not_equal(probed, LC_OK);
        assert_int_equal(report.device_count, 0);
        assert_true(says_why(reason));
        assert_int_not_equal(opened, LC_OK);
        assert_null(dev);
        print_message("cuda:0: %s\n", lc_last_error());
        assert_true(says_why(lc_last_error()));
    }
    lc_engine_close(engine);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_complete),
        cmocka_unit_test(test_init_reports_devices_or_reason),
        cmocka_unit_test(test_probe_and_open_device),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
