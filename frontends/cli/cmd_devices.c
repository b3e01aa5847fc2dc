/* lstmcorr devices: every backend found, its devices, and why a backend cannot be used. */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "lstmcorr/engine.h"

static void print_device_json(const lc_device_info *d, const char *name)
{
    printf("{\"name\":");
    lc_json_string(stdout, name);
    printf(",\"device\":");
    lc_json_string(stdout, d->name);
    printf(",\"vendor\":");
    lc_json_string(stdout, d->vendor);
    printf(",\"platform\":");
    lc_json_string(stdout, d->platform);
    printf(",\"driver_version\":");
    lc_json_string(stdout, d->driver_version);
    printf(",\"api_version\":");
    lc_json_string(stdout, d->api_version);
    printf(",\"libraries\":");
    lc_json_string(stdout, d->libraries);
    printf(",\"memory_bytes\":%llu,\"compute_units\":%u,\"fp64\":%s,\"reference\":%s}",
           (unsigned long long)d->memory_bytes, d->compute_units,
           (d->flags & LC_DEVICE_FLAG_FP64) ? "true" : "false",
           (d->flags & LC_DEVICE_FLAG_REFERENCE) ? "true" : "false");
}

int lc_cmd_devices(int argc, char **argv)
{
    int json = 0;
    const char *plugin = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: lstmcorr devices [--json] [--plugin FILE]\n\n"
                   "Lists every backend plugin found (LSTMCORR_BACKEND_PATH, the installed library\n"
                   "folder, the program's folder), its devices, and for each backend that cannot be\n"
                   "used the reason. --plugin loads one more plugin file. --json prints one object.\n");
            return LC_EXIT_OK;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--plugin") == 0 && i + 1 < argc) {
            plugin = argv[++i];
        } else {
            return lc_usage_error("devices", "unknown option '%s'", argv[i]);
        }
    }
    lc_engine *engine = NULL;
    if (lc_engine_open(plugin, &engine) != LC_OK)
        return lc_run_error("devices", "%s", lc_last_error());
    int usable = 0;
    if (json)
        printf("{\"backends\":[");
    for (int b = 0; b < lc_engine_backend_count(engine); b++) {
        const lc_backend_report *r = lc_engine_backend_report(engine, b);
        usable += r->usable;
        if (json) {
            printf("%s{\"backend\":", b ? "," : "");
            lc_json_string(stdout, r->name);
            printf(",\"path\":");
            lc_json_string(stdout, r->path);
            printf(",\"version\":");
            lc_json_string(stdout, r->version);
            printf(",\"usable\":%s,\"reason\":", r->usable ? "true" : "false");
            if (r->usable)
                printf("null");
            else
                lc_json_string(stdout, r->reason);
            printf(",\"devices\":[");
        } else {
            printf("%-7s %s\n", r->name, r->usable ? r->path : "unusable");
            if (!r->usable)
                printf("        reason: %s\n", r->reason);
        }
        for (int d = 0; d < r->device_count; d++) {
            lc_device_info info;
            char name[96];
            snprintf(name, sizeof name, "%s:%d", r->name, d);
            if (lc_engine_device_info(engine, b, d, &info) != LC_OK) {
                if (!json)
                    printf("  %-9s error: %s\n", name, lc_last_error());
                continue;
            }
            if (json) {
                if (d)
                    printf(",");
                print_device_json(&info, name);
            } else {
                printf("  %-9s %s", name, info.name);
                if (info.vendor[0])
                    printf(" (%s)", info.vendor);
                printf("\n            %s%s%s, %.1f GiB, %u compute units%s%s\n", info.api_version,
                       info.driver_version[0] ? ", driver " : "", info.driver_version,
                       (double)info.memory_bytes / (1024.0 * 1024.0 * 1024.0), info.compute_units,
                       info.libraries[0] ? ", " : "", info.libraries);
            }
        }
        if (json)
            printf("]}");
    }
    if (json)
        printf("]}\n");
    lc_engine_close(engine);
    return usable ? LC_EXIT_OK : LC_EXIT_FAILURE;
}
