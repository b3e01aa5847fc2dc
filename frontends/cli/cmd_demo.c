/* lstmcorr demo: synthetic alerts -> train -> evaluate one fold -> the table. No files needed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "cli_util.h"
#include "commands.h"
#include "synth.h"

static void print_help(void)
{
    printf("usage: lstmcorr demo [--alerts N] [--device D] [--seed N] [evaluate options]\n\n"
           "Generates labelled demo alerts (six multi-step incidents in fast.log style hidden in\n"
           "benign noise, see docs/formats.md), then runs 'lstmcorr evaluate' on fold 0 with the\n"
           "fast preset and prints its table. Other options are passed to evaluate.\n");
}

int lc_cmd_demo(int argc, char **argv)
{
    const char *cmd = "demo";
    lc_synth_options synth;
    lc_synth_defaults(&synth);
    char *pass[64];
    int npass = 0;
    pass[npass++] = "evaluate";
    for (int i = 1; i < argc; i++) {
        long v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_help();
            return LC_EXIT_OK;
        }
        if (strcmp(argv[i], "--alerts") == 0 && i + 1 < argc) {
            if (lc_parse_long(cmd, "--alerts", argv[++i], 50, 1000000, &v) != 0)
                return LC_EXIT_USAGE;
            synth.count = (size_t)v;
        } else if (npass < 56) {
            if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc &&
                lc_parse_long(cmd, "--seed", argv[i + 1], 0, 1L << 62, &v) == 0)
                synth.seed = (uint64_t)v;
            pass[npass++] = argv[i];
        } else {
            return lc_usage_error(cmd, "too many options");
        }
    }
    char dir[] = "/tmp/lstmcorr-demo-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return lc_run_error(cmd, "cannot create a temporary folder");
    char path[sizeof dir + 32];
    snprintf(path, sizeof path, "%s/alerts.csv", dir);
    lc_alert_set set = {0};
    int rc = LC_EXIT_FAILURE;
    if (lc_synth(&synth, &set) != LC_OK || lc_alerts_write_csv_path(path, &set) != LC_OK) {
        rc = lc_run_error(cmd, "%s", lc_last_error());
    } else {
        fprintf(stderr, "demo: %zu synthetic alerts (%d incidents + benign noise, seed %llu) in %s\n", set.count,
                synth.incidents, (unsigned long long)synth.seed, path);
        char *args[80];
        int n = 0;
        args[n++] = "evaluate";
        args[n++] = "--data";
        args[n++] = path;
        args[n++] = "--folds";
        args[n++] = "0";
        args[n++] = "--preset";
        args[n++] = "fast";
        for (int i = 1; i < npass; i++)
            args[n++] = pass[i];
        args[n] = NULL;
        rc = lc_cmd_evaluate(n, args);
    }
    lc_alert_set_free(&set);
    unlink(path);
    rmdir(dir);
    return rc;
}
