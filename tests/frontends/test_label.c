/* Labelling alerts from incident windows: window edges, address matching, ignore list, conflicts,
 * the incidents file format, and the `lstmcorr label` command. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "label.h"
#include "support_cli.h"

#define FIXTURES LSTMCORR_SOURCE_DIR "/tests/frontends/data/"

/* scan: 2024-03-05 10:00-11:00 UTC, attacker 203.0.113.5; exploit: 11:00-12:00, 198.51.100.7 -> 10.0.0.5 */
#define LINE(ts, src, dst) ts "  [**] [1:1:1] test [**] [Priority: 1] {TCP} " src ":1000 -> " dst ":80\n"
static const char alerts_text[] =
    LINE("03/05-11:01:00.000000", "203.0.113.5", "192.0.2.1")     /* stop + 60 s exactly: scan */
    LINE("03/05-11:01:00.500000", "203.0.113.5", "192.0.2.1")     /* just after: benign */
    LINE("03/05-09:59:59.999000", "203.0.113.5", "192.0.2.1")     /* just before start: benign */
    LINE("03/05-10:00:00.000000", "192.0.2.9", "203.0.113.5")     /* start, as destination: scan */
    LINE("03/05-11:30:00.000000", "10.0.0.5", "192.0.2.1")        /* victim as source: exploit */
    LINE("03/05-10:30:00.000000", "192.0.2.1", "192.0.2.2")       /* in a window, no address: benign */
    LINE("03/06-10:30:00.000000", "203.0.113.5", "10.0.0.5");     /* next day: benign */

static void read_alerts(const char *text, int year, lc_alert_set *set)
{
    lc_read_options opts = {LC_FORMAT_FAST, 0, year};
    assert_int_equal(lc_alerts_read_memory(text, strlen(text), "alerts.fast", &opts, set), LC_OK);
}

static void read_fixture_incidents(lc_incident_list *list)
{
    assert_int_equal(lc_incidents_read_path(FIXTURES "incidents.csv", list), LC_OK);
    assert_int_equal(list->count, 2);
}

static void test_windows_and_addresses(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    lc_incident_list incidents = {0};
    read_alerts(alerts_text, 2024, &set);
    read_fixture_incidents(&incidents);
    assert_true(incidents.windows[0].start == 1709632800.0); /* ISO 8601 */
    assert_true(incidents.windows[1].stop == 1709640000.0);  /* Unix seconds */
    assert_string_equal(incidents.windows[0].victim_ip, "");
    lc_label_stats stats;
    assert_int_equal(lc_label_alerts(&set, &incidents, NULL, &stats), LC_OK);
    static const char *const want[] = {"scan", "benign", "benign", "scan", "exploit", "benign", "benign"};
    for (size_t k = 0; k < 7; k++) {
        assert_string_equal(set.alerts[k].incident, want[k]);
        assert_int_equal(set.alerts[k].cut, (int)(k % 10));
    }
    assert_int_equal(stats.labelled, 3);
    assert_int_equal(stats.benign, 4);
    assert_int_equal(stats.no_time, 0);

    /* A wider slack takes the half-second-late alert too. */
    lc_label_options wide = {61.0, NULL, 0};
    assert_int_equal(lc_label_alerts(&set, &incidents, &wide, NULL), LC_OK);
    assert_string_equal(set.alerts[1].incident, "scan");
    assert_string_equal(set.alerts[2].incident, "benign");
    lc_alert_set_free(&set);
    lc_incident_list_free(&incidents);
}

static void test_ignore_ip(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    lc_incident_list incidents = {0};
    read_alerts(alerts_text, 2024, &set);
    read_fixture_incidents(&incidents);
    /* Spelled differently from the incidents file: addresses are compared, not strings. */
    const char *ignore[] = {"::ffff:10.0.0.5"};
    lc_label_options opts = {LC_LABEL_SLACK_SECONDS, ignore, 1};
    assert_int_equal(lc_label_alerts(&set, &incidents, &opts, NULL), LC_OK);
    assert_string_equal(set.alerts[4].incident, "benign");
    assert_string_equal(set.alerts[0].incident, "scan");
    lc_alert_set_free(&set);
    lc_incident_list_free(&incidents);
}

static void test_conflict_and_same_label(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    lc_incident_list incidents = {0};
    /* 11:00:30 from the scan attacker to the exploit victim: inside both windows. */
    read_alerts(LINE("03/05-10:15:00.000000", "203.0.113.5", "192.0.2.1")
                LINE("03/05-11:00:30.000000", "203.0.113.5", "10.0.0.5"), 2024, &set);
    read_fixture_incidents(&incidents);
    assert_int_equal(lc_label_alerts(&set, &incidents, NULL, NULL), LC_ERR_FORMAT);
    const char *message = lc_last_error();
    if (!strstr(message, "alerts.fast:2:") || !strstr(message, "'scan'") || !strstr(message, "'exploit'") ||
        !strstr(message, "incidents.csv:2") || !strstr(message, "incidents.csv:3"))
        fail_msg("conflict message lacks the alert or an incident: %s", message);
    /* Ignoring the victim leaves one match. */
    const char *ignore[] = {"10.0.0.5"};
    lc_label_options opts = {LC_LABEL_SLACK_SECONDS, ignore, 1};
    assert_int_equal(lc_label_alerts(&set, &incidents, &opts, NULL), LC_OK);
    assert_string_equal(set.alerts[1].incident, "scan");
    lc_incident_list_free(&incidents);

    /* Two windows with the same label are no conflict. */
    const char *same = "label,start,stop,attacker_ip,victim_ip\n"
                       "scan,2024-03-05T10:00:00Z,2024-03-05T11:00:00Z,203.0.113.5,\n"
                       "scan,2024-03-05T10:30:00+01:00,2024-03-05T12:00:00+01:00,,10.0.0.5\n";
    assert_int_equal(lc_incidents_read_memory(same, strlen(same), "same.csv", &incidents), LC_OK);
    assert_true(incidents.windows[1].start == 1709631000.0);
    assert_int_equal(lc_label_alerts(&set, &incidents, NULL, NULL), LC_OK);
    assert_string_equal(set.alerts[1].incident, "scan");
    lc_incident_list_free(&incidents);
    lc_alert_set_free(&set);
}

static void test_alerts_without_time(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    lc_incident_list incidents = {0};
    read_alerts(alerts_text, 0, &set); /* no year: no times */
    read_fixture_incidents(&incidents);
    lc_label_stats stats;
    assert_int_equal(lc_label_alerts(&set, &incidents, NULL, &stats), LC_OK);
    assert_int_equal(stats.no_time, 7);
    assert_int_equal(stats.benign, 7);
    lc_alert_set_free(&set);
    lc_incident_list_free(&incidents);
}

static void expect_incidents_error(const char *rows, const char *fragment)
{
    char text[512];
    snprintf(text, sizeof text, "label,start,stop,attacker_ip,victim_ip\n%s", rows);
    lc_incident_list list = {0};
    assert_int_equal(lc_incidents_read_memory(text, strlen(text), "inc.csv", &list), LC_ERR_FORMAT);
    if (!strstr(lc_last_error(), fragment))
        fail_msg("error '%s' does not mention '%s'", lc_last_error(), fragment);
    lc_incident_list_free(&list);
}

static void test_incidents_file_errors(void **state)
{
    (void)state;
    expect_incidents_error("a,1,2,1.2.3.4\n", "inc.csv:2: expected 5 fields");
    expect_incidents_error("a,soon,2,1.2.3.4,\n", "inc.csv:2: start is not Unix seconds or ISO 8601");
    expect_incidents_error("a,1,2024-13-01,1.2.3.4,\n", "inc.csv:2: stop is not");
    expect_incidents_error("a,1,2,1.2.3.4,\nb,5,4,1.2.3.4,\n", "inc.csv:3: stop is before start");
    expect_incidents_error("a,1,2,1.2.3,\n", "attacker_ip is not an IP address");
    expect_incidents_error("a,1,2,,host\n", "victim_ip is not an IP address");
    expect_incidents_error("a,1,2,,\n", "needs an attacker_ip or a victim_ip");
    expect_incidents_error("benign,1,2,1.2.3.4,\n", "not 'benign'");
    expect_incidents_error("\"a,1,2,1.2.3.4,\n", "unterminated quoted field");
    lc_incident_list list = {0};
    assert_int_equal(lc_incidents_read_memory("label,start\n", 12, "h.csv", &list), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "h.csv:1: header must be"));
    lc_incident_list_free(&list);
    assert_int_equal(lc_incidents_read_path("/nonexistent/incidents.csv", &list), LC_ERR_NOT_FOUND);
    lc_incident_list_free(&list);
}

static void test_label_command(void **state)
{
    (void)state;
    if (!support_cli_available("label"))
        skip();
    char alerts[64], out[64], args[512], err[2048];
    support_temp_path("label_alerts", alerts, sizeof alerts);
    support_temp_path("label_out", out, sizeof out);
    assert_int_equal(support_write_file(alerts, alerts_text), 0);

    snprintf(args, sizeof args, "label --incidents %sincidents.csv --year 2024 -o %s %s", FIXTURES, out, alerts);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    lc_alert_set set = {0};
    assert_int_equal(lc_alerts_read_path(out, NULL, &set), LC_OK);
    assert_int_equal(set.count, 7);
    assert_string_equal(set.alerts[4].incident, "exploit");
    assert_int_equal(set.alerts[4].cut, 4);
    lc_alert_set_free(&set);

    snprintf(args, sizeof args, "label --incidents %sincidents.csv --year 2024 --ignore-ip 10.0.0.5 -o - %s > %s",
             FIXTURES, alerts, out);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    assert_int_equal(lc_alerts_read_path(out, NULL, &set), LC_OK);
    assert_string_equal(set.alerts[4].incident, "benign");
    lc_alert_set_free(&set);

    /* Usage errors exit 2; bad input exits 1 naming FILE:LINE; the output file stays as it was. */
    assert_int_equal(support_cli_run("label --help", NULL, 0), 0);
    assert_int_equal(support_cli_run("label --year", err, sizeof err), 2);
    assert_int_equal(support_cli_run("label --frobnicate x", err, sizeof err), 2);
    snprintf(args, sizeof args, "label --incidents %sincidents.csv", FIXTURES);
    assert_int_equal(support_cli_run(args, err, sizeof err), 2);
    snprintf(args, sizeof args, "label --incidents %sincidents.csv --ignore-ip nope %s", FIXTURES, alerts);
    assert_int_equal(support_cli_run(args, err, sizeof err), 2);
    assert_int_equal(support_write_file(alerts, "01/02-03:04:05.000000  [**] x\nnot an alert\n"), 0);
    assert_int_equal(support_write_file(out, "untouched"), 0);
    snprintf(args, sizeof args, "label --incidents %sincidents.csv -o %s %s", FIXTURES, out, alerts);
    assert_int_equal(support_cli_run(args, err, sizeof err), 1);
    char where[128];
    snprintf(where, sizeof where, "%s:2: not a fast.log alert", alerts);
    if (!strstr(err, where))
        fail_msg("stderr '%s' lacks '%s'", err, where);
    FILE *f = fopen(out, "rb");
    assert_non_null(f);
    char content[32] = {0};
    assert_int_equal(fread(content, 1, sizeof content - 1, f), 9);
    fclose(f);
    assert_string_equal(content, "untouched");
    unlink(alerts);
    unlink(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_and_addresses),
        cmocka_unit_test(test_ignore_ip),
        cmocka_unit_test(test_conflict_and_same_label),
        cmocka_unit_test(test_alerts_without_time),
        cmocka_unit_test(test_incidents_file_errors),
        cmocka_unit_test(test_label_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
