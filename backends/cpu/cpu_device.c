/* The CPU devices: the thread count, the SIMD kernels and what device_info reports for cpu:0
 * (fast float32 kernels) and cpu:1 (the float64 reference on the same processor). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu_internal.h"

#define CPU_MAX_THREADS 1024

lc_status cpu_thread_count(int *out)
{
    const char *text = getenv("LSTMCORR_THREADS");
    if (!text || !*text) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        *out = online > 0 ? (int)(online < CPU_MAX_THREADS ? online : CPU_MAX_THREADS) : 1;
        return LC_OK;
    }
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 1 || value > CPU_MAX_THREADS)
        return cpu_fail(LC_ERR_INVALID,
                        "LSTMCORR_THREADS='%s' is not a thread count (an integer from 1 to %d)",
                        text, CPU_MAX_THREADS);
    *out = (int)value;
    return LC_OK;
}

static int cpu_has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static int cpu_has_avx512(void)
{
    __builtin_cpu_init();
    return cpu_has_avx2() && __builtin_cpu_supports("avx512f");
}

lc_status cpu_select_kernels(const cpu_kernels **out)
{
    const char *forced = getenv("LSTMCORR_CPU_ISA");
    if (!forced || !*forced) {
        *out = cpu_has_avx512() ? &cpu_kernels_avx512
             : cpu_has_avx2()   ? &cpu_kernels_avx2
                                : &cpu_kernels_generic;
        return LC_OK;
    }
    if (strcmp(forced, "generic") == 0) {
        *out = &cpu_kernels_generic;
    } else if (strcmp(forced, "avx2") == 0) {
        if (!cpu_has_avx2())
            return cpu_fail(LC_ERR_UNSUPPORTED, "LSTMCORR_CPU_ISA=avx2 but this CPU lacks AVX2/FMA");
        *out = &cpu_kernels_avx2;
    } else if (strcmp(forced, "avx512") == 0) {
        if (!cpu_has_avx512())
            return cpu_fail(LC_ERR_UNSUPPORTED, "LSTMCORR_CPU_ISA=avx512 but this CPU lacks AVX-512F");
        *out = &cpu_kernels_avx512;
    } else {
        return cpu_fail(LC_ERR_INVALID,
                        "LSTMCORR_CPU_ISA='%s' is not one of generic, avx2, avx512", forced);
    }
    return LC_OK;
}

/* Value of the first "key : value" line of /proc/cpuinfo, or 0 when absent. */
static int read_cpuinfo_field(const char *key, char *out, size_t out_len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return 0;
    char line[512];
    size_t key_len = strlen(key);
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, key_len) != 0)
            continue;
        const char *p = line + key_len;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ':')
            continue;
        p++;
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, "\n");
        if (len >= out_len)
            len = out_len - 1;
        memcpy(out, p, len);
        out[len] = '\0';
        found = len > 0;
    }
    fclose(f);
    return found;
}

lc_status cpu_fill_device_info(const lc_backend *backend, int index, lc_device_info *out)
{
    int threads = 0;
    lc_status st = cpu_thread_count(&threads);
    if (st != LC_OK)
        return st;
    memset(out, 0, sizeof *out);
    if (!read_cpuinfo_field("model name", out->name, sizeof out->name))
        snprintf(out->name, sizeof out->name, "CPU");
    char vendor_id[64] = "";
    if (read_cpuinfo_field("vendor_id", vendor_id, sizeof vendor_id)) {
        const char *vendor = strcmp(vendor_id, "AuthenticAMD") == 0   ? "AMD"
                             : strcmp(vendor_id, "GenuineIntel") == 0 ? "Intel"
                                                                      : vendor_id;
        snprintf(out->vendor, sizeof out->vendor, "%s", vendor);
    }
    snprintf(out->driver_version, sizeof out->driver_version, "lstmcorr-cpu %s (%s kernels)",
             LSTMCORR_CPU_VERSION, backend->kernels->isa);
    snprintf(out->api_version, sizeof out->api_version, "C11 threads");
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
    out->memory_bytes = pages > 0 && page_size > 0 ? (uint64_t)pages * (uint64_t)page_size : 0;
    out->compute_units = (uint32_t)threads;
    out->flags = LC_DEVICE_FLAG_HOST_MEMORY;
    if (index == CPU_DEVICE_REFERENCE) {
        /* Same processor and memory; one thread of plain double loops. */
        snprintf(out->name, sizeof out->name, "CPU float64 reference");
        snprintf(out->driver_version, sizeof out->driver_version,
                 "lstmcorr-cpu %s (lstmcorr_reference)", LSTMCORR_CPU_VERSION);
        snprintf(out->api_version, sizeof out->api_version, "C11 float64 reference");
        out->compute_units = 1;
        out->flags |= LC_DEVICE_FLAG_FP64 | LC_DEVICE_FLAG_REFERENCE;
    }
    return LC_OK;
}
