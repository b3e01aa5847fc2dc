/*
 * A plugin broken in one chosen way, for the loader's tests. Built once per PLUGIN_<KIND>:
 *   WORKING      a well-formed plugin with one device (the control)
 *   ABI_MAJOR    says it was built for ABI major LC_ABI_MAJOR + 1
 *   STRUCT_SIZE  declares a table shorter than this ABI's
 *   NO_ENTRY     exports its table under another symbol name
 *   ENTRY_NULL   the entry returns NULL
 *   INIT_FAILS   init fails with a message
 *   NO_DEVICES   init succeeds with zero devices and says why
 * It calls itself "cpu", so that a copy named liblstmcorr-cpu.so is taken for the cpu backend.
 * It needs nothing but the ABI header. Every op declines.
 */
#include <stddef.h>

#include "lstmcorr/backend.h"

struct lc_backend {
    int unused;
};

static const char *message = "";

static const char *broken_last_error(void)
{
    return message;
}

static lc_status broken_init(lc_backend **out)
{
    static lc_backend backend;
#ifdef PLUGIN_INIT_FAILS
    (void)backend;
    *out = NULL;
    message = "simulated driver failure";
    return LC_ERR_DEVICE;
#else
    *out = &backend;
    return LC_OK;
#endif
}

static void broken_shutdown(lc_backend *backend)
{
    (void)backend;
}

static const char *broken_unavailable_reason(lc_backend *backend)
{
    (void)backend;
#ifdef PLUGIN_NO_DEVICES
    return "no simulated accelerator";
#else
    return NULL;
#endif
}

static int broken_device_count(lc_backend *backend)
{
    (void)backend;
#ifdef PLUGIN_NO_DEVICES
    return 0;
#else
    return 1;
#endif
}

static lc_status decline(void)
{
    message = "this test plugin implements nothing";
    return LC_ERR_UNSUPPORTED;
}

static lc_status broken_device_info(lc_backend *b, int i, lc_device_info *o)
{
    (void)b, (void)i, (void)o;
    return decline();
}
static lc_status broken_device_open(lc_backend *b, int i, lc_device **o)
{
    (void)b, (void)i, (void)o;
    return decline();
}
static void broken_device_close(lc_device *d)
{
    (void)d;
}
static lc_status broken_buffer_alloc(lc_device *d, size_t n, lc_buffer **o)
{
    (void)d, (void)n, (void)o;
    return decline();
}
static void broken_buffer_free(lc_device *d, lc_buffer *b)
{
    (void)d, (void)b;
}
static lc_status broken_upload(lc_device *d, lc_buffer *b, size_t o, const void *s, size_t n)
{
    (void)d, (void)b, (void)o, (void)s, (void)n;
    return decline();
}
static lc_status broken_download(lc_device *d, lc_buffer *b, size_t o, void *s, size_t n)
{
    (void)d, (void)b, (void)o, (void)s, (void)n;
    return decline();
}
static lc_status broken_copy(lc_device *d, lc_buffer *a, size_t ao, lc_buffer *b, size_t bo, size_t n)
{
    (void)d, (void)a, (void)ao, (void)b, (void)bo, (void)n;
    return decline();
}
static lc_status broken_zero(lc_device *d, lc_buffer *b, size_t o, size_t n)
{
    (void)d, (void)b, (void)o, (void)n;
    return decline();
}
static lc_status broken_synchronize(lc_device *d)
{
    (void)d;
    return decline();
}
static int broken_supports(lc_device *d, lc_op op, const void *p)
{
    (void)d, (void)op, (void)p;
    decline();
    return 0;
}
static lc_status broken_workspace_size(lc_device *d, lc_op op, const void *p, size_t *n)
{
    (void)d, (void)op, (void)p, (void)n;
    return decline();
}
static lc_status broken_gemm(lc_device *d, const lc_gemm_params *p, lc_buffer *a, lc_buffer *b,
                             lc_buffer *c)
{
    (void)d, (void)p, (void)a, (void)b, (void)c;
    return decline();
}
static lc_status broken_gather(lc_device *d, const lc_gather_params *p, lc_buffer *t, lc_buffer *i,
                               lc_buffer *o)
{
    (void)d, (void)p, (void)t, (void)i, (void)o;
    return decline();
}
static lc_status broken_lstm(lc_device *d, const lc_lstm_params *p, const lc_lstm_buffers *b)
{
    (void)d, (void)p, (void)b;
    return decline();
}
static lc_status broken_cosine(lc_device *d, const lc_cosine_pairs_params *p, lc_buffer *x,
                               lc_buffer *a, lc_buffer *b, lc_buffer *o)
{
    (void)d, (void)p, (void)x, (void)a, (void)b, (void)o;
    return decline();
}
static lc_status broken_cosine_backward(lc_device *d, const lc_cosine_pairs_params *p, lc_buffer *x,
                                        lc_buffer *a, lc_buffer *b, lc_buffer *g, lc_buffer *o)
{
    (void)d, (void)p, (void)x, (void)a, (void)b, (void)g, (void)o;
    return decline();
}
static lc_status broken_bce(lc_device *d, const lc_sigmoid_bce_params *p, lc_buffer *z,
                            lc_buffer *t, lc_buffer *l, lc_buffer *g, lc_buffer *o)
{
    (void)d, (void)p, (void)z, (void)t, (void)l, (void)g, (void)o;
    return decline();
}
static lc_status broken_l2(lc_device *d, const lc_l2_normalize_params *p, lc_buffer *x, lc_buffer *y)
{
    (void)d, (void)p, (void)x, (void)y;
    return decline();
}
static lc_status broken_distance(lc_device *d, const lc_distance_params *p, lc_buffer *x,
                                 lc_buffer *y, lc_buffer *o)
{
    (void)d, (void)p, (void)x, (void)y, (void)o;
    return decline();
}
static lc_status broken_sgd(lc_device *d, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g)
{
    (void)d, (void)p, (void)w, (void)g;
    return decline();
}
static lc_status broken_adam(lc_device *d, const lc_optimizer_params *p, lc_buffer *w, lc_buffer *g,
                             lc_buffer *m, lc_buffer *v)
{
    (void)d, (void)p, (void)w, (void)g, (void)m, (void)v;
    return decline();
}

static const lc_backend_iface TABLE = {
#ifdef PLUGIN_ABI_MAJOR
    .abi_major = LC_ABI_MAJOR + 1,
#else
    .abi_major = LC_ABI_MAJOR,
#endif
    .abi_minor = LC_ABI_MINOR,
#ifdef PLUGIN_STRUCT_SIZE
    .struct_size = offsetof(lc_backend_iface, gemm), /* as if built before the ops existed */
#else
    .struct_size = sizeof(lc_backend_iface),
#endif
    .name = "cpu",
    .version = "broken-test",
    .last_error = broken_last_error,
    .init = broken_init,
    .shutdown = broken_shutdown,
    .unavailable_reason = broken_unavailable_reason,
    .device_count = broken_device_count,
    .device_info = broken_device_info,
    .device_open = broken_device_open,
    .device_close = broken_device_close,
    .buffer_alloc = broken_buffer_alloc,
    .buffer_free = broken_buffer_free,
    .buffer_upload = broken_upload,
    .buffer_download = broken_download,
    .buffer_copy = broken_copy,
    .buffer_zero = broken_zero,
    .synchronize = broken_synchronize,
    .supports = broken_supports,
    .workspace_size = broken_workspace_size,
    .gemm = broken_gemm,
    .gather = broken_gather,
    .scatter_add = broken_gather,
    .lstm_forward = broken_lstm,
    .lstm_backward = broken_lstm,
    .cosine_pairs = broken_cosine,
    .cosine_pairs_backward = broken_cosine_backward,
    .sigmoid_bce = broken_bce,
    .l2_normalize = broken_l2,
    .cosine_distance_tile = broken_distance,
    .sgd = broken_sgd,
    .adam = broken_adam,
};

#ifdef PLUGIN_NO_ENTRY
#define ENTRY_SYMBOL lstmcorr_backend_entry_v0
#else
#define ENTRY_SYMBOL lstmcorr_backend_entry
#endif

__attribute__((visibility("default"))) const lc_backend_iface *ENTRY_SYMBOL(void)
{
#ifdef PLUGIN_ENTRY_NULL
    (void)&TABLE;
    return NULL;
#else
    return &TABLE;
#endif
}
