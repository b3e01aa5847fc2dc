/*
 * Finding backends, choosing a device, and device memory: the core API frontends use.
 *
 * Every call returns an lc_status; on failure lc_last_error() holds a readable message for the
 * calling thread. The library never prints and never exits.
 */
#ifndef LSTMCORR_ENGINE_H
#define LSTMCORR_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/backend.h"
#include "lstmcorr/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Message of the last failure on this thread (never NULL; "" when none). */
const char *lc_last_error(void);
/* Set the message (printf-style) and return status: for frontends and the core's own modules. */
lc_status lc_fail(lc_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- discovery ---------------------------------------------------------------------------- */

typedef struct lc_engine lc_engine;

/* One plugin the engine looked for: loaded with devices, or not usable and why. */
typedef struct lc_backend_report {
    const char *name;    /* "cpu" */
    const char *path;    /* file it was loaded from, or the last place looked */
    const char *version; /* plugin version or "" */
    int usable;          /* loaded and has at least one device */
    int device_count;
    const char *reason;  /* why not usable: "file not found", "ABI major 2, expected 1", ... */
} lc_backend_report;

/*
 * Load backends. With plugin_path non-NULL, that file is loaded first (as an extra backend).
 * Then each known backend name (cpu, opencl, cuda) is searched in LSTMCORR_BACKEND_PATH (':'
 * separated), the installed library directory, and the running executable's directory.
 * A backend that cannot be loaded is kept as a report with its reason; only allocation
 * failure makes this call fail.
 */
lc_status lc_engine_open(const char *plugin_path, lc_engine **out);
void lc_engine_close(lc_engine *engine);

int lc_engine_backend_count(const lc_engine *engine);
const lc_backend_report *lc_engine_backend_report(const lc_engine *engine, int index);
/* Device info of backend `backend`, device `index` (both from the reports above). */
lc_status lc_engine_device_info(lc_engine *engine, int backend, int index, lc_device_info *out);

/* Load one plugin file alone and report on it (used by tests of broken plugins). */
lc_status lc_engine_probe(const char *path, lc_backend_report *report, char *reason, size_t reason_len);

/* ---- devices ------------------------------------------------------------------------------ */

typedef struct lc_dev {
    const lc_backend_iface *api;
    lc_device *handle;
    lc_device_info info;
    char name[32];        /* "cpu:0" */
} lc_dev;

/* Open a device by name: "cpu", "cpu:0", "opencl:1", "cuda:0" ("name" alone means index 0).
 * Unknown backends, backends without devices and out-of-range indices are errors that say why. */
lc_status lc_engine_open_device(lc_engine *engine, const char *name, lc_dev **out);
void lc_dev_close(lc_dev *dev);

/* A plugin call's status with the plugin's message copied into lc_last_error(), prefixed by the
 * device name and `what`. Use: LC_TRY(lc_dev_check(dev, dev->api->gemm(...), "gemm")). */
lc_status lc_dev_check(lc_dev *dev, lc_status status, const char *what);

/* ---- tensors: 2-D device arrays ------------------------------------------------------------ */

typedef enum lc_dtype { LC_F32 = 0, LC_I32 = 1 } lc_dtype;

typedef struct lc_tensor {
    lc_dev *dev;
    lc_buffer *buf;
    lc_dtype dtype;
    int64_t rows, cols;
} lc_tensor;

lc_status lc_tensor_alloc(lc_dev *dev, lc_dtype dtype, int64_t rows, int64_t cols, lc_tensor *out);
void lc_tensor_free(lc_tensor *t);
size_t lc_tensor_bytes(const lc_tensor *t);
lc_status lc_tensor_upload(lc_tensor *t, const void *host);
lc_status lc_tensor_download(const lc_tensor *t, void *host);
lc_status lc_tensor_zero(lc_tensor *t);

#define LC_TRY(expr)                       \
    do {                                   \
        lc_status lc_try_status_ = (expr); \
        if (lc_try_status_ != LC_OK)       \
            return lc_try_status_;         \
    } while (0)

#ifdef __cplusplus
}
#endif
#endif
