/* Finding and loading backend plugins; opening devices by name. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lstmcorr/engine.h"

/* Messages hold paths; an over-long one is cut, never overflowed: that is what snprintf is for. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#ifndef LSTMCORR_INSTALL_LIBDIR
#define LSTMCORR_INSTALL_LIBDIR "/usr/local/lib"
#endif

/* The backends the engine looks for by name, in listing order. */
static const char *const known_backends[] = {"cpu", "opencl", "cuda"};
enum { KNOWN_BACKEND_COUNT = sizeof known_backends / sizeof known_backends[0] };

typedef struct loaded_backend {
    lc_backend_report report;
    char name[64];
    char path[PATH_MAX];
    char version[64];
    char reason[512];
    void *library;
    const lc_backend_iface *api;
    lc_backend *backend;
} loaded_backend;

struct lc_engine {
    loaded_backend *backends;
    int count;
};

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Entries every plugin must fill: a NULL one is reported by name instead of crashing later. */
static const char *first_missing_entry(const lc_backend_iface *api)
{
#define REQUIRE(field)      \
    if (api->field == NULL) \
        return #field;
    REQUIRE(last_error) REQUIRE(init) REQUIRE(shutdown) REQUIRE(unavailable_reason)
    REQUIRE(device_count) REQUIRE(device_info) REQUIRE(device_open) REQUIRE(device_close)
    REQUIRE(buffer_alloc) REQUIRE(buffer_free) REQUIRE(buffer_upload) REQUIRE(buffer_download)
    REQUIRE(buffer_copy) REQUIRE(buffer_zero) REQUIRE(synchronize) REQUIRE(supports)
    REQUIRE(workspace_size) REQUIRE(gemm) REQUIRE(gather) REQUIRE(scatter_add)
    REQUIRE(lstm_forward) REQUIRE(lstm_backward) REQUIRE(cosine_pairs)
    REQUIRE(cosine_pairs_backward) REQUIRE(sigmoid_bce) REQUIRE(l2_normalize)
    REQUIRE(cosine_distance_tile) REQUIRE(sgd) REQUIRE(adam)
#undef REQUIRE
    return NULL;
}

/* Load and initialise one plugin file. On failure b->reason says why and b->library is closed. */
static lc_status load_plugin(loaded_backend *b, const char *path)
{
    snprintf(b->path, sizeof b->path, "%s", path);
    b->report.device_count = 0;
    b->report.usable = 0;
    if (!file_exists(path)) {
        snprintf(b->reason, sizeof b->reason, "file not found: %s", path);
        return LC_ERR_NOT_FOUND;
    }
    dlerror();
    b->library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (b->library == NULL) {
        const char *why = dlerror();
        snprintf(b->reason, sizeof b->reason, "cannot load %s: %s", path, why ? why : "unknown dlopen error");
        return LC_ERR_NOT_FOUND;
    }
    lc_status status = LC_ERR_ABI;
    lc_backend_entry_fn entry;
    void *symbol = dlsym(b->library, LC_BACKEND_ENTRY_NAME);
    memcpy(&entry, &symbol, sizeof entry); /* object-to-function pointer, as dlsym requires */
    const lc_backend_iface *api = NULL;
    const char *missing = NULL;
    if (symbol == NULL) {
        snprintf(b->reason, sizeof b->reason,
                 "missing symbol %s: not an lstmcorr backend", LC_BACKEND_ENTRY_NAME);
    } else if ((api = entry()) == NULL) {
        snprintf(b->reason, sizeof b->reason, "%s returned no table", LC_BACKEND_ENTRY_NAME);
    } else if (api->abi_major != LC_ABI_MAJOR) {
        snprintf(b->reason, sizeof b->reason, "ABI major %u, this lstmcorr needs %u (rebuild the plugin)",
                 api->abi_major, LC_ABI_MAJOR);
    } else if (api->struct_size < LC_BACKEND_IFACE_SIZE_1_0) {
        snprintf(b->reason, sizeof b->reason,
                 "table struct size %u is shorter than the %zu bytes of ABI %d.0",
                 api->struct_size, (size_t)LC_BACKEND_IFACE_SIZE_1_0, LC_ABI_MAJOR);
    } else if ((missing = first_missing_entry(api)) != NULL) {
        snprintf(b->reason, sizeof b->reason, "table entry %s is NULL", missing);
    } else {
        snprintf(b->version, sizeof b->version, "%s", api->version ? api->version : "");
        if (api->name && api->name[0])
            snprintf(b->name, sizeof b->name, "%s", api->name);
        lc_status init = api->init(&b->backend);
        if (init != LC_OK) {
            snprintf(b->reason, sizeof b->reason, "init failed (%s): %s", lc_status_name(init),
                     api->last_error());
            status = LC_ERR_DEVICE;
        } else {
            b->api = api;
            b->report.device_count = api->device_count(b->backend);
            if (b->report.device_count <= 0) {
                const char *why = api->unavailable_reason(b->backend);
                snprintf(b->reason, sizeof b->reason, "no devices: %s", why ? why : "none reported");
                b->report.device_count = 0;
            } else {
                b->report.usable = 1;
                b->reason[0] = '\0';
            }
            return LC_OK;
        }
    }
    dlclose(b->library);
    b->library = NULL;
    return status;
}

static void report_refresh(loaded_backend *b)
{
    b->report.name = b->name;
    b->report.path = b->path;
    b->report.version = b->version;
    b->report.reason = b->reason;
}

static void unload_plugin(loaded_backend *b)
{
    if (b->api && b->backend)
        b->api->shutdown(b->backend);
    if (b->library)
        dlclose(b->library);
    b->api = NULL;
    b->backend = NULL;
    b->library = NULL;
}

lc_status lc_engine_probe(const char *path, lc_backend_report *report, char *reason, size_t reason_len)
{
    loaded_backend *b = calloc(1, sizeof *b);
    if (b == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory probing %s", path);
    snprintf(b->name, sizeof b->name, "?");
    lc_status status = load_plugin(b, path);
    if (status == LC_OK && !b->report.usable)
        status = LC_ERR_NOT_FOUND;
    if (reason && reason_len)
        snprintf(reason, reason_len, "%s", b->reason);
    if (report) {
        report->name = NULL;
        report->path = NULL;
        report->version = NULL;
        report->reason = NULL;
        report->usable = b->report.usable;
        report->device_count = b->report.device_count;
    }
    if (status != LC_OK)
        lc_fail(status, "%s: %s", path, b->reason);
    unload_plugin(b);
    free(b);
    return status;
}

/* Directory of the running executable, for build trees run without installing. */
static int executable_dir(char *out, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", out, len - 1);
    if (n <= 0)
        return 0;
    out[n] = '\0';
    char *slash = strrchr(out, '/');
    if (slash == NULL)
        return 0;
    *slash = '\0';
    return 1;
}

/* Look for liblstmcorr-<name>.so in the search path; load the first copy found. */
static void find_and_load(loaded_backend *b, const char *name)
{
    char candidate[PATH_MAX];
    const char *env = getenv("LSTMCORR_BACKEND_PATH");
    if (env && env[0]) {
        char *dirs = strdup(env);
        if (dirs) {
            char *save = NULL;
            for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
                snprintf(candidate, sizeof candidate, "%s/liblstmcorr-%s.so", dir, name);
                if (file_exists(candidate)) {
                    load_plugin(b, candidate);
                    free(dirs);
                    return;
                }
            }
            free(dirs);
        }
    }
    char dirs[2][PATH_MAX];
    int ndirs = 0;
    snprintf(dirs[ndirs++], PATH_MAX, "%s", LSTMCORR_INSTALL_LIBDIR);
    if (executable_dir(dirs[ndirs], PATH_MAX))
        ndirs++;
    for (int i = 0; i < ndirs; i++) {
        snprintf(candidate, sizeof candidate, "%s/liblstmcorr-%s.so", dirs[i], name);
        if (file_exists(candidate)) {
            load_plugin(b, candidate);
            return;
        }
    }
    snprintf(b->path, sizeof b->path, "liblstmcorr-%s.so", name);
    snprintf(b->reason, sizeof b->reason,
             "file not found: liblstmcorr-%s.so (searched LSTMCORR_BACKEND_PATH, %s%s%s)", name,
             LSTMCORR_INSTALL_LIBDIR, ndirs > 1 ? ", " : "", ndirs > 1 ? dirs[1] : "");
}

lc_status lc_engine_open(const char *plugin_path, lc_engine **out)
{
    *out = NULL;
    lc_engine *engine = calloc(1, sizeof *engine);
    if (engine == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory opening the engine");
    engine->backends = calloc(KNOWN_BACKEND_COUNT + 1, sizeof *engine->backends);
    if (engine->backends == NULL) {
        free(engine);
        return lc_fail(LC_ERR_NOMEM, "out of memory opening the engine");
    }
    if (plugin_path) {
        loaded_backend *b = &engine->backends[engine->count++];
        snprintf(b->name, sizeof b->name, "%s", plugin_path);
        load_plugin(b, plugin_path);
    }
    for (int i = 0; i < KNOWN_BACKEND_COUNT; i++) {
        /* An explicit plugin of the same name replaces the search. */
        int taken = 0;
        for (int j = 0; j < engine->count; j++)
            taken |= strcmp(engine->backends[j].name, known_backends[i]) == 0;
        if (taken)
            continue;
        loaded_backend *b = &engine->backends[engine->count++];
        snprintf(b->name, sizeof b->name, "%s", known_backends[i]);
        find_and_load(b, known_backends[i]);
        if (b->api && strcmp(b->name, known_backends[i]) != 0) {
            /* A file named for one backend must present itself as that backend. */
            snprintf(b->reason, sizeof b->reason, "%s calls itself '%s', expected '%s'", b->path,
                     b->name, known_backends[i]);
            unload_plugin(b);
            b->report.usable = 0;
            b->report.device_count = 0;
            snprintf(b->name, sizeof b->name, "%s", known_backends[i]);
        }
    }
    for (int i = 0; i < engine->count; i++)
        report_refresh(&engine->backends[i]);
    *out = engine;
    return LC_OK;
}

void lc_engine_close(lc_engine *engine)
{
    if (engine == NULL)
        return;
    for (int i = 0; i < engine->count; i++)
        unload_plugin(&engine->backends[i]);
    free(engine->backends);
    free(engine);
}

int lc_engine_backend_count(const lc_engine *engine)
{
    return engine ? engine->count : 0;
}

const lc_backend_report *lc_engine_backend_report(const lc_engine *engine, int index)
{
    if (engine == NULL || index < 0 || index >= engine->count)
        return NULL;
    return &engine->backends[index].report;
}

lc_status lc_engine_device_info(lc_engine *engine, int backend, int index, lc_device_info *out)
{
    if (engine == NULL || backend < 0 || backend >= engine->count)
        return lc_fail(LC_ERR_INVALID, "no backend number %d", backend);
    loaded_backend *b = &engine->backends[backend];
    if (!b->report.usable)
        return lc_fail(LC_ERR_NOT_FOUND, "backend %s is not usable: %s", b->name, b->reason);
    if (index < 0 || index >= b->report.device_count)
        return lc_fail(LC_ERR_NOT_FOUND, "%s:%d: no such device (%d devices)", b->name, index,
                       b->report.device_count);
    memset(out, 0, sizeof *out);
    lc_status status = b->api->device_info(b->backend, index, out);
    if (status != LC_OK)
        return lc_fail(status, "%s:%d: device info: %s", b->name, index, b->api->last_error());
    return LC_OK;
}

/* Split "name" or "name:index"; index defaults to 0. */
static lc_status parse_device_name(const char *spec, char *name, size_t name_len, int *index)
{
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    if (n == 0 || n >= name_len)
        return lc_fail(LC_ERR_INVALID, "bad device name '%s' (expected e.g. cpu:0, opencl:1)", spec);
    memcpy(name, spec, n);
    name[n] = '\0';
    *index = 0;
    if (colon) {
        char *end = NULL;
        errno = 0;
        long value = strtol(colon + 1, &end, 10);
        if (colon[1] == '\0' || *end != '\0' || errno || value < 0 || value > INT_MAX)
            return lc_fail(LC_ERR_INVALID, "bad device index in '%s' (expected e.g. %s:0)", spec, name);
        *index = (int)value;
    }
    return LC_OK;
}

lc_status lc_engine_open_device(lc_engine *engine, const char *spec, lc_dev **out)
{
    *out = NULL;
    char name[64];
    int index;
    LC_TRY(parse_device_name(spec, name, sizeof name, &index));
    loaded_backend *b = NULL;
    for (int i = 0; i < engine->count && b == NULL; i++)
        if (strcmp(engine->backends[i].name, name) == 0)
            b = &engine->backends[i];
    if (b == NULL)
        return lc_fail(LC_ERR_NOT_FOUND, "unknown backend '%s' in device '%s' (known: cpu, opencl, cuda)",
                       name, spec);
    if (!b->report.usable)
        return lc_fail(LC_ERR_NOT_FOUND, "device %s is not available: backend %s: %s", spec, name,
                       b->reason);
    if (index >= b->report.device_count)
        return lc_fail(LC_ERR_NOT_FOUND, "device %s does not exist: backend %s has %d device%s (%s:0%s)",
                       spec, name, b->report.device_count, b->report.device_count == 1 ? "" : "s",
                       name, b->report.device_count > 1 ? " and up" : "");
    lc_dev *dev = calloc(1, sizeof *dev);
    if (dev == NULL)
        return lc_fail(LC_ERR_NOMEM, "out of memory opening %s", spec);
    dev->api = b->api;
    snprintf(dev->name, sizeof dev->name, "%s:%d", name, index);
    lc_status status = b->api->device_info(b->backend, index, &dev->info);
    if (status == LC_OK)
        status = b->api->device_open(b->backend, index, &dev->handle);
    if (status != LC_OK) {
        lc_fail(status, "%s: cannot open device: %s", dev->name, b->api->last_error());
        free(dev);
        return status;
    }
    *out = dev;
    return LC_OK;
}

void lc_dev_close(lc_dev *dev)
{
    if (dev == NULL)
        return;
    if (dev->handle)
        dev->api->device_close(dev->handle);
    free(dev);
}

lc_status lc_dev_check(lc_dev *dev, lc_status status, const char *what)
{
    if (status == LC_OK)
        return LC_OK;
    return lc_fail(status, "%s: %s: %s", dev->name, what, dev->api->last_error());
}
