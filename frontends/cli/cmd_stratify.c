/* lstmcorr stratify: cap incidents, sample benign alerts, assign cross-validation cuts. */
#include "alerts.h"
#include "cli_data.h"
#include "cli_util.h"
#include "commands.h"
#include "mask.h"
#include "stratify.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char stratify_help[] =
    "usage: lstmcorr stratify [options] INPUT...\n"
    "\n"
    "Make a training set from labelled alerts: keep at most --cap alerts of each incident and\n"
    "--benign benign alerts (or fill up to --total), chosen at random with --seed, shuffle them\n"
    "and write incident,alert,cut CSV with cut = row %% 10. Same input and seed, same output.\n"
    "\n"
    "  --cap N           alerts kept per incident (default 200; 0 keeps all)\n"
    "  --benign N        benign alerts kept (default 1000; 'all' keeps all)\n"
    "  --total N         instead of --benign: as many benign alerts as make N rows in all\n"
    "  --seed S          random seed (default 1)\n"
    "  -o FILE           output file, written whole or not at all (default '-': standard output)\n"
    "%s"
    "  --help            this text\n";

static int count_option(int argc, char **argv, int *i, size_t *out)
{
    const char *opt = argv[*i], *v = lc_option_value("stratify", argc, argv, i);
    long n;
    if (!v || lc_parse_long("stratify", opt, v, 0, LONG_MAX, &n) != 0)
        return -1;
    *out = (size_t)n;
    return 0;
}

int lc_cmd_stratify(int argc, char **argv)
{
    lc_cli_read read;
    lc_cli_read_defaults(&read);
    lc_stratify_options opts;
    lc_stratify_defaults(&opts);
    const char *output = "-";
    int have_benign = 0;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t input_count = 0;
    if (!inputs)
        return lc_run_error("stratify", "out of memory");
    int rc = LC_EXIT_OK;
    for (int i = 1; i < argc && rc == LC_EXIT_OK; i++) {
        const char *opt = argv[i], *v;
        long seed;
        int shared = lc_cli_read_option("stratify", argc, argv, &i, &read);
        if (shared < 0) {
            rc = LC_EXIT_USAGE;
        } else if (shared > 0) {
            continue;
        } else if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            printf(stratify_help, lc_cli_read_help);
            free(inputs);
            return LC_EXIT_OK;
        } else if (strcmp(opt, "--cap") == 0) {
            rc = count_option(argc, argv, &i, &opts.cap) == 0 ? rc : LC_EXIT_USAGE;
        } else if (strcmp(opt, "--benign") == 0) {
            have_benign = 1;
            if (i + 1 < argc && strcmp(argv[i + 1], "all") == 0)
                opts.benign = SIZE_MAX, i++;
            else
                rc = count_option(argc, argv, &i, &opts.benign) == 0 ? rc : LC_EXIT_USAGE;
        } else if (strcmp(opt, "--total") == 0) {
            rc = count_option(argc, argv, &i, &opts.total) == 0 ? rc : LC_EXIT_USAGE;
            if (rc == LC_EXIT_OK && opts.total == 0)
                rc = lc_usage_error("stratify", "--total must be at least 1");
        } else if (strcmp(opt, "--seed") == 0) {
            rc = (v = lc_option_value("stratify", argc, argv, &i)) && lc_parse_long("stratify", opt, v, 0, LONG_MAX, &seed) == 0
                     ? rc : LC_EXIT_USAGE;
            opts.seed = (uint64_t)seed;
        } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
            rc = (output = lc_option_value("stratify", argc, argv, &i)) ? rc : LC_EXIT_USAGE;
        } else if (opt[0] == '-' && opt[1] != '\0') {
            rc = lc_usage_error("stratify", "unknown option '%s' (see lstmcorr stratify --help)", opt);
        } else {
            inputs[input_count++] = opt;
        }
    }
    if (rc == LC_EXIT_OK && have_benign && opts.total)
        rc = lc_usage_error("stratify", "--benign and --total exclude each other");
    if (rc == LC_EXIT_OK && input_count == 0)
        rc = lc_usage_error("stratify", "no input file given (use '-' for standard input)");

    lc_alert_set in = {0}, out = {0};
    for (size_t k = 0; k < input_count && rc == LC_EXIT_OK; k++)
        if (lc_alerts_read_path(inputs[k], &read.read, &in) != LC_OK)
            rc = lc_run_error("stratify", "%s", lc_last_error());
    if (rc == LC_EXIT_OK && in.bad_count) {
        fprintf(stderr, "lstmcorr stratify: skipped %zu malformed record%s, e.g.:\n", in.bad_count,
                in.bad_count == 1 ? "" : "s");
        for (size_t k = 0; k < in.bad_count && k < LC_BAD_REASONS_KEPT; k++)
            fprintf(stderr, "  %s\n", in.bad_reasons[k]);
    }
    if (rc == LC_EXIT_OK) {
        lc_status status = lc_stratify(&in, &opts, &out);
        if (status == LC_ERR_INVALID)
            rc = lc_usage_error("stratify", "%s", lc_last_error());
        else if (status != LC_OK)
            rc = lc_run_error("stratify", "%s", lc_last_error());
    }
    if (rc == LC_EXIT_OK && read.mask && lc_mask_alerts(&out, read.mask) != LC_OK)
        rc = lc_run_error("stratify", "%s", lc_last_error());
    if (rc == LC_EXIT_OK && lc_alerts_write_csv_path(output, &out) != LC_OK)
        rc = lc_run_error("stratify", "%s", lc_last_error());
    if (rc == LC_EXIT_OK) {
        size_t benign = 0;
        for (size_t k = 0; k < out.count; k++)
            benign += lc_alert_is_benign(&out.alerts[k]);
        fprintf(stderr, "lstmcorr stratify: kept %zu of %zu alerts (%zu incident, %zu benign)\n", out.count,
                in.count, out.count - benign, benign);
    }
    lc_alert_set_free(&in);
    lc_alert_set_free(&out);
    free(inputs);
    return rc;
}
