/* lstmcorr label: give alerts the incident whose time window and addresses they match. */
#include "alerts.h"
#include "cli_data.h"
#include "cli_util.h"
#include "commands.h"
#include "label.h"
#include "mask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char label_help[] =
    "usage: lstmcorr label --incidents FILE [options] ALERTS...\n"
    "\n"
    "Label alerts from incident descriptions and write incident,alert,cut CSV. An alert takes an\n"
    "incident's label when its time lies in [start, stop + slack] and its source or destination\n"
    "address is the incident's attacker or victim; otherwise it is benign. Two different matching\n"
    "labels is an error. cut = row %% 10 in input order (stratify reassigns it after a shuffle).\n"
    "ALERTS may be '-' for standard input (e.g. zcat alerts.gz | lstmcorr label ... -).\n"
    "\n"
    "  --incidents FILE  CSV label,start,stop,attacker_ip,victim_ip (times: Unix seconds or ISO 8601)\n"
    "  --ignore-ip LIST  comma-separated addresses that never match (e.g. a shared gateway)\n"
    "  --slack S         seconds an incident's alerts may trail its stop time (default 60)\n"
    "  --year Y          year of timestamps written without one (default: the current UTC year)\n"
    "  -o FILE           output file, written whole or not at all (default '-': standard output)\n"
    "%s"
    "  --help            this text\n";

static int current_utc_year(void)
{
    time_t now = time(NULL);
    struct tm *utc = gmtime(&now);
    return utc ? utc->tm_year + 1900 : 1970;
}

/* Split "a,b,c" into addresses; every one must parse. */
static int parse_ignore_list(const char *list, char ***out, size_t *count)
{
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    char **items = calloc(n, sizeof *items);
    if (!items)
        return lc_run_error("label", "out of memory");
    size_t k = 0;
    for (const char *p = list;; k++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        uint8_t bytes[16];
        items[k] = malloc(len + 1);
        if (!items[k]) {
            *out = items, *count = k;
            return lc_run_error("label", "out of memory");
        }
        memcpy(items[k], p, len);
        items[k][len] = '\0';
        if (!lc_ip_parse(p, len, bytes)) {
            *out = items, *count = k + 1;
            return lc_usage_error("label", "--ignore-ip: '%s' is not an IP address", items[k]);
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = items;
    *count = k + 1;
    return 0;
}

static void report_skipped(const lc_alert_set *set)
{
    if (!set->bad_count)
        return;
    fprintf(stderr, "lstmcorr label: skipped %zu malformed record%s, e.g.:\n", set->bad_count,
            set->bad_count == 1 ? "" : "s");
    for (size_t k = 0; k < set->bad_count && k < LC_BAD_REASONS_KEPT; k++)
        fprintf(stderr, "  %s\n", set->bad_reasons[k]);
}

int lc_cmd_label(int argc, char **argv)
{
    lc_cli_read read;
    lc_cli_read_defaults(&read);
    read.read.year = current_utc_year();
    const char *incidents_path = NULL, *output = "-", *ignore = NULL;
    double slack = LC_LABEL_SLACK_SECONDS;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t input_count = 0;
    if (!inputs)
        return lc_run_error("label", "out of memory");
    int rc = LC_EXIT_OK;
    for (int i = 1; i < argc && rc == LC_EXIT_OK; i++) {
        const char *opt = argv[i], *v;
        long year;
        int shared = lc_cli_read_option("label", argc, argv, &i, &read);
        if (shared < 0) {
            rc = LC_EXIT_USAGE;
        } else if (shared > 0) {
            continue;
        } else if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) {
            printf(label_help, lc_cli_read_help);
            free(inputs);
            return LC_EXIT_OK;
        } else if (strcmp(opt, "--incidents") == 0) {
            rc = (incidents_path = lc_option_value("label", argc, argv, &i)) ? rc : LC_EXIT_USAGE;
        } else if (strcmp(opt, "--ignore-ip") == 0) {
            rc = (ignore = lc_option_value("label", argc, argv, &i)) ? rc : LC_EXIT_USAGE;
        } else if (strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) {
            rc = (output = lc_option_value("label", argc, argv, &i)) ? rc : LC_EXIT_USAGE;
        } else if (strcmp(opt, "--slack") == 0) {
            rc = (v = lc_option_value("label", argc, argv, &i)) && lc_parse_double("label", opt, v, 0, 1e9, &slack) == 0
                     ? rc : LC_EXIT_USAGE;
        } else if (strcmp(opt, "--year") == 0) {
            rc = (v = lc_option_value("label", argc, argv, &i)) && lc_parse_long("label", opt, v, 1971, 9999, &year) == 0
                     ? rc : LC_EXIT_USAGE;
            read.read.year = (int)year;
        } else if (opt[0] == '-' && opt[1] != '\0') {
            rc = lc_usage_error("label", "unknown option '%s' (see lstmcorr label --help)", opt);
        } else {
            inputs[input_count++] = opt;
        }
    }
    if (rc == LC_EXIT_OK && !incidents_path)
        rc = lc_usage_error("label", "--incidents FILE is required (see lstmcorr label --help)");
    if (rc == LC_EXIT_OK && input_count == 0)
        rc = lc_usage_error("label", "no alert file given (use '-' for standard input)");

    char **ignore_ips = NULL;
    size_t ignore_count = 0;
    if (rc == LC_EXIT_OK && ignore)
        rc = parse_ignore_list(ignore, &ignore_ips, &ignore_count);

    lc_incident_list incidents = {0};
    lc_alert_set alerts = {0};
    if (rc == LC_EXIT_OK && lc_incidents_read_path(incidents_path, &incidents) != LC_OK)
        rc = lc_run_error("label", "%s", lc_last_error());
    for (size_t k = 0; k < input_count && rc == LC_EXIT_OK; k++)
        if (lc_alerts_read_path(inputs[k], &read.read, &alerts) != LC_OK)
            rc = lc_run_error("label", "%s", lc_last_error());
    if (rc == LC_EXIT_OK)
        report_skipped(&alerts);
    lc_label_stats stats = {0, 0, 0};
    lc_label_options opts = {slack, (const char *const *)ignore_ips, ignore_count};
    if (rc == LC_EXIT_OK && lc_label_alerts(&alerts, &incidents, &opts, &stats) != LC_OK)
        rc = lc_run_error("label", "%s", lc_last_error());
    if (rc == LC_EXIT_OK && read.mask && lc_mask_alerts(&alerts, read.mask) != LC_OK)
        rc = lc_run_error("label", "%s", lc_last_error());
    if (rc == LC_EXIT_OK && lc_alerts_write_csv_path(output, &alerts) != LC_OK)
        rc = lc_run_error("label", "%s", lc_last_error());
    if (rc == LC_EXIT_OK) {
        fprintf(stderr, "lstmcorr label: %zu alerts: %zu labelled, %zu benign", alerts.count, stats.labelled,
                stats.benign);
        if (stats.no_time)
            fprintf(stderr, " (%zu had no time and stayed benign; --year?)", stats.no_time);
        fputc('\n', stderr);
    }
    for (size_t k = 0; k < ignore_count; k++)
        free(ignore_ips[k]);
    free(ignore_ips);
    lc_incident_list_free(&incidents);
    lc_alert_set_free(&alerts);
    free(inputs);
    return rc;
}
