/* lstmcorr synth: write the built-in demo alerts as incident,alert,cut CSV. */
#include "alerts.h"
#include "cli_util.h"
#include "commands.h"
#include "synth.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char synth_help[] =
    "usage: lstmcorr synth [options]\n"
    "\n"
    "Generate demo alerts in Snort fast.log form: up to six multi-step incidents (portscan,\n"
    "ssh-bruteforce, web-exploit, c2-beacon, dns-exfil, lateral-smb) among benign noise. Some\n"
    "signatures occur in both, so the addresses matter. Rows are shuffled, cut = row % 10.\n"
    "\n"
    "  -n, --count N         alerts in all (default 2000)\n"
    "  --incidents K         incidents, 1..6 (default 6)\n"
    "  --benign-fraction F   share of benign alerts (default 0.5)\n"
    "  --seed S              random seed (default 1); same seed, same file\n"
    "  --year Y              year of the alerts' times (default 2024)\n"
    "  -o FILE               output file, written whole or not at all (default '-': standard output)\n"
    "  --help                this text\n";

int lc_cmd_synth(int argc, char **argv)
{
    lc_synth_options opts;
    lc_synth_defaults(&opts);
    const char *output = "-";
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *v;
        long n;
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            fputs(synth_help, stdout);
            return LC_EXIT_OK;
        } else if (strcmp(opt, "-n") == 0 || strcmp(opt, "--count") == 0) {
            if (!(v = lc_option_value("synth", argc, argv, &i)) || lc_parse_long("synth", opt, v, 1, 100000000L, &n) != 0)
                return LC_EXIT_USAGE;
            opts.count = (size_t)n;
        } else if (strcmp(opt, "--incidents") == 0) {
            if (!(v = lc_option_value("synth", argc, argv, &i)) ||
                lc_parse_long("synth", opt, v, 1, LC_SYNTH_MAX_INCIDENTS, &n) != 0)
                return LC_EXIT_USAGE;
            opts.incidents = (int)n;
        } else if (strcmp(opt, "--benign-fraction") == 0) {
            if (!(v = lc_option_value("synth", argc, argv, &i)) || lc_parse_double("synth", opt, v, 0, 1, &opts.benign_fraction) != 0)
                return LC_EXIT_USAGE;
        } else if (strcmp(opt, "--seed") == 0) {
            if (!(v = lc_option_value("synth", argc, argv, &i)) || lc_parse_long("synth", opt, v, 0, LONG_MAX, &n) != 0)
                return LC_EXIT_USAGE;
            opts.seed = (uint64_t)n;
        } else if (strcmp(opt, "--year") == 0) {
            if (!(v = lc_option_value("synth", argc, argv, &i)) || lc_parse_long("synth", opt, v, 1971, 9999, &n) != 0)
                return LC_EXIT_USAGE;
            opts.year = (int)n;
        } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
            if (!(output = lc_option_value("synth", argc, argv, &i)))
                return LC_EXIT_USAGE;
        } else {
            return lc_usage_error("synth", "unexpected argument '%s' (see lstmcorr synth --help)", opt);
        }
    }
    lc_alert_set set = {0};
    int rc = LC_EXIT_OK;
    if (lc_synth(&opts, &set) != LC_OK || lc_alerts_write_csv_path(output, &set) != LC_OK)
        rc = lc_run_error("synth", "%s", lc_last_error());
    lc_alert_set_free(&set);
    return rc;
}
