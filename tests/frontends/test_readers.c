/* Alert readers (CSV, fast.log, EVE, AIT), format detection, masking, encoding, CSV writing, and
 * the real data sets under shared/data when they are present. */
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
#include "encode.h"
#include "mask.h"

#define FIXTURES LSTMCORR_SOURCE_DIR "/tests/frontends/data/"

static lc_status read_string(const char *text, lc_alert_format format, int skip_bad, lc_alert_set *set)
{
    lc_read_options opts = {format, skip_bad, 2024};
    return lc_alerts_read_memory(text, strlen(text), "mem", &opts, set);
}

/* Read `text`, expect LC_ERR_FORMAT whose message contains `fragment`. */
static void expect_format_error(const char *text, lc_alert_format format, const char *fragment)
{
    lc_alert_set set = {0};
    assert_int_equal(read_string(text, format, 0, &set), LC_ERR_FORMAT);
    if (!strstr(lc_last_error(), fragment))
        fail_msg("error '%s' does not mention '%s'", lc_last_error(), fragment);
    lc_alert_set_free(&set);
}

/* ---- CSV -------------------------------------------------------------------------------------- */

static void test_csv_quoting_crlf(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    assert_int_equal(lc_alerts_read_path(FIXTURES "quoted_crlf.csv", NULL, &set), LC_OK);
    assert_int_equal(set.count, 3);
    assert_string_equal(set.alerts[0].incident, "scan");
    assert_int_equal(set.alerts[0].cut, 3);
    assert_int_equal(set.alerts[0].text[set.alerts[0].text_len - 1], '2'); /* no CR kept */
    assert_string_equal(set.alerts[0].src_ip, "10.0.0.1");
    assert_int_equal(set.alerts[0].dst_port, 22);
    assert_true(isnan(set.alerts[0].time)); /* no year given: NaN */
    assert_string_equal(set.alerts[1].text, "text with \"quotes\", a comma\r\nand a newline");
    assert_int_equal(set.alerts[1].line, 3);
    assert_int_equal(set.alerts[2].line, 5);
    assert_int_equal(set.alerts[2].cut, LC_CUT_UNKNOWN);
    assert_string_equal(set.alerts[2].text, "plain text");
    lc_alert_set_free(&set);
}

static void test_csv_columns_and_blank_lines(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    /* Other column order, an extra column, blank lines, no final newline. */
    assert_int_equal(read_string("cut,extra,alert,incident\n\n7,x,hello,benign\n\n1,y,\"w,o\",a", LC_FORMAT_AUTO, 0,
                                 &set),
                     LC_OK);
    assert_int_equal(set.count, 2);
    assert_int_equal(set.alerts[0].cut, 7);
    assert_string_equal(set.alerts[1].text, "w,o");
    assert_string_equal(set.alerts[1].incident, "a");
    assert_int_equal(set.alerts[1].line, 5);
    lc_alert_set_free(&set);
}

static void test_csv_malformed(void **state)
{
    (void)state;
    expect_format_error("incident,alert,cut\nbenign,\"never closed,1\n", LC_FORMAT_CSV, "mem:2: unterminated quoted field");
    expect_format_error("incident,alert,cut\nbenign,a,1\nbenign,a\n", LC_FORMAT_CSV, "mem:3: expected 3 fields");
    expect_format_error("incident,alert,cut\nbenign,a,1,2\n", LC_FORMAT_CSV, "mem:2: expected 3 fields");
    expect_format_error("incident,alert,cut\nbenign,a,10\n", LC_FORMAT_CSV, "mem:2: cut '10' is not 0..9");
    expect_format_error("incident,alert,cut\nbenign,a,x\n", LC_FORMAT_CSV, "cut 'x' is not 0..9");
    expect_format_error("incident,alert,cut\nbenign,\"a\"b,1\n", LC_FORMAT_CSV, "mem:2: text after a closing quote at column 11");
    expect_format_error("incident,alert,cut\nbenign,a\"b,1\n", LC_FORMAT_CSV, "quote inside an unquoted field");
    expect_format_error("incident,alert,cut\nbenign,,1\n", LC_FORMAT_CSV, "mem:2: empty alert text");
    expect_format_error("incident,alert,cut\n,a,1\n", LC_FORMAT_CSV, "mem:2: empty incident");
    expect_format_error("alert,cut\na,1\n", LC_FORMAT_CSV, "mem:1: header must name columns");
    expect_format_error("incident,alert,alert\nb,a,1\n", LC_FORMAT_CSV, "appears twice");

    static const char nul_row[] = "incident,alert,cut\nbenign,a\0b,1\n";
    lc_alert_set set = {0};
    lc_read_options opts = {LC_FORMAT_CSV, 0, 0};
    assert_int_equal(lc_alerts_read_memory(nul_row, sizeof nul_row - 1, "nul", &opts, &set), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "nul:2: NUL byte at column 9"));
    lc_alert_set_free(&set);
}

static void test_csv_overlong_text(void **state)
{
    (void)state;
    size_t n = LC_ALERT_TEXT_MAX + 1;
    char *text = malloc(n + 64);
    assert_non_null(text);
    strcpy(text, "incident,alert,cut\nbenign,");
    size_t at = strlen(text);
    memset(text + at, 'a', n);
    strcpy(text + at + n, ",1\n");
    expect_format_error(text, LC_FORMAT_CSV, "mem:2: alert text is 65537 bytes, more than the limit of 65536");
    /* Exactly at the limit is fine. */
    strcpy(text + at + n - 1, ",1\n");
    lc_alert_set set = {0};
    assert_int_equal(read_string(text, LC_FORMAT_CSV, 0, &set), LC_OK);
    assert_int_equal(set.alerts[0].text_len, LC_ALERT_TEXT_MAX);
    lc_alert_set_free(&set);
    free(text);
}

static void test_skip_bad_counts_and_reasons(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    const char *text = "incident,alert,cut\n"
                       "benign,ok1,1\n"
                       "benign,a,12\n"
                       "benign\n"
                       "benign,ok2,2\n"
                       "benign,\"x\"y,3\n"
                       "benign,ok3,3\n";
    assert_int_equal(read_string(text, LC_FORMAT_CSV, 1, &set), LC_OK);
    assert_int_equal(set.count, 3);
    assert_int_equal(set.bad_count, 3);
    assert_non_null(strstr(set.bad_reasons[0], "mem:3: cut '12'"));
    assert_non_null(strstr(set.bad_reasons[1], "mem:4: expected 3 fields"));
    assert_non_null(strstr(set.bad_reasons[2], "mem:6: text after a closing quote"));
    assert_string_equal(set.alerts[2].text, "ok3");
    assert_int_equal(set.alerts[2].line, 7);
    lc_alert_set_free(&set);
}

/* ---- fast.log --------------------------------------------------------------------------------- */

static void test_fast_variants(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    lc_read_options opts = {LC_FORMAT_AUTO, 0, 2020};
    assert_int_equal(lc_alerts_read_path(FIXTURES "snort_suricata.fast", &opts, &set), LC_OK);
    assert_int_equal(set.count, 5);
    const lc_alert *a = set.alerts;
    /* Snort 2, year from the options (2020 is a leap year: no effect in January). */
    assert_string_equal(a[0].incident, "benign");
    assert_int_equal(a[0].cut, LC_CUT_UNKNOWN);
    assert_true(fabs(a[0].time - (1577934245.0 + 0.123456)) < 1e-6);
    assert_string_equal(a[0].src_ip, "10.0.254.32");
    assert_int_equal(a[0].src_port, 42032);
    assert_string_equal(a[0].dst_ip, "10.0.0.52");
    assert_int_equal(a[0].dst_port, 22);
    assert_int_equal(a[0].text_len, strlen(a[0].text));
    assert_int_equal(a[0].text[a[0].text_len - 1], '2'); /* newline stripped */
    /* Suricata with a two-digit year: 2017-11-04 13:20:24 UTC. */
    assert_true(fabs(a[1].time - 1509801624.289881) < 1e-6);
    assert_int_equal(a[1].line, 2);
    /* Snort 3, quoted message, ICMP without ports; line 3 was blank. */
    assert_int_equal(a[2].line, 4);
    assert_string_equal(a[2].src_ip, "192.168.0.1");
    assert_int_equal(a[2].src_port, -1);
    assert_string_equal(a[2].dst_ip, "192.168.0.2");
    /* Action tag and bracketed IPv6. */
    assert_string_equal(a[3].src_ip, "2001:db8::1");
    assert_int_equal(a[3].src_port, 80);
    assert_int_equal(a[3].dst_port, 56068);
    /* Bare IPv6 with UDP: the last group is the port. */
    assert_string_equal(a[4].src_ip, "2001:db8::1");
    assert_int_equal(a[4].src_port, 53);
    assert_string_equal(a[4].dst_ip, "fe80::2");
    assert_int_equal(a[4].dst_port, 5353);
    lc_alert_set_free(&set);
}

static void test_fast_malformed(void **state)
{
    (void)state;
    const char *good = "01/02-03:04:05.000000  [**] [1:2:3] x [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n";
    char text[512];
    snprintf(text, sizeof text, "%sthis is not an alert\n", good);
    expect_format_error(text, LC_FORMAT_FAST, "mem:2: not a fast.log alert");
    expect_format_error("13/02-03:04:05.000000  [**] x\n", LC_FORMAT_FAST, "mem:1: not a fast.log alert");
    expect_format_error("01/02-03:04:05.000000 no stars here\n", LC_FORMAT_FAST, "mem:1:");
    /* A line that is not fast.log at all cannot be detected either. */
    expect_format_error("hello world\n", LC_FORMAT_AUTO, "cannot tell the alert format");
    lc_alert_set set = {0};
    snprintf(text, sizeof text, "%sgarbage\n%s", good, good);
    assert_int_equal(read_string(text, LC_FORMAT_FAST, 1, &set), LC_OK);
    assert_int_equal(set.count, 2);
    assert_int_equal(set.bad_count, 1);
    lc_alert_set_free(&set);
}

/* ---- EVE JSON --------------------------------------------------------------------------------- */

static void test_eve_fixture(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    assert_int_equal(lc_alerts_read_path(FIXTURES "cptc_small.eve.json", NULL, &set), LC_OK);
    assert_int_equal(set.count, 3);
    assert_int_equal(set.other_events, 2);
    assert_string_equal(set.alerts[0].text,
                        "11/04/17-13:20:24.289881  [**] [1:2001569:15] ET SCAN Behavioral Unusual Port 445 traffic "
                        "Potential Scan or Infection [**] [Classification: Misc activity] [Priority: 3] {TCP} "
                        "10.0.254.32:42032 -> 10.0.0.52:445");
    assert_true(fabs(set.alerts[0].time - 1509801624.289881) < 1e-6);
    assert_int_equal(set.alerts[0].dst_port, 445);
    /* Escapes decoded to UTF-8; IPv6 endpoints bracketed; offset +0100 applied to the time only. */
    assert_string_equal(set.alerts[1].text, "11/04/17-14:00:00.500000  [**] [1:7:0] caf\xc3\xa9 \xf0\x9f\x98\x80 "
                                            "\"quoted\" a/b [**] [Classification: Test] [Priority: 1] {TCP} "
                                            "[2001:db8::1]:80 -> [2001:db8::2]:1234");
    assert_true(fabs(set.alerts[1].time - 1509800400.5) < 1e-6);
    assert_int_equal(set.alerts[1].line, 3);
    assert_string_equal(set.alerts[2].text, "11/04/17-15:00:00.000000  [**] [1:2100366:8] GPL ICMP_INFO PING *NIX [**] "
                                            "[Priority: 3] {ICMP} 10.0.0.9 -> 10.0.0.8");
    /* The fast.log parser reads the EVE template back to the same fields. */
    lc_alert back = {.time = NAN, .src_port = -1, .dst_port = -1};
    assert_int_equal(lc_fast_line_fields(set.alerts[1].text, set.alerts[1].text_len, 0, &back), 1);
    assert_string_equal(back.src_ip, "2001:db8::1");
    assert_int_equal(back.dst_port, 1234);
    lc_alert_set_free(&set);
}

static void test_eve_malformed(void **state)
{
    (void)state;
    expect_format_error("{\"event_type\":\"alert\",}\n", LC_FORMAT_EVE, "mem:1: bad JSON at column 23");
    expect_format_error("{\"a\":01}\n", LC_FORMAT_EVE, "leading zero");
    expect_format_error("{\"a\":\"x\ty\"}\n", LC_FORMAT_EVE, "control character");
    expect_format_error("{\"a\":\"\\ud800\"}\n", LC_FORMAT_EVE, "surrogate");
    expect_format_error("{\"a\":\"\\q\"}\n", LC_FORMAT_EVE, "unknown escape");
    expect_format_error("{\"a\":\"\\u12\"}\n", LC_FORMAT_EVE, "four hex digits");
    expect_format_error("{\"a\":tru}\n", LC_FORMAT_EVE, "column 6");
    expect_format_error("{\"a\":1} x\n", LC_FORMAT_EVE, "text after the JSON value");
    expect_format_error("{\"a\":\"open\n", LC_FORMAT_EVE, "unterminated string");
    expect_format_error("{\"a\":[1,2}\n", LC_FORMAT_EVE, "expected ',' or ']'");
    expect_format_error("{\"a\":1.}\n", LC_FORMAT_EVE, "after the decimal point");
    expect_format_error("{\"a\":1e}\n", LC_FORMAT_EVE, "exponent");
    expect_format_error("[1]\n", LC_FORMAT_EVE, "not a JSON object");
    expect_format_error("{\"a\":1}\n", LC_FORMAT_EVE, "without an \"event_type\"");
    expect_format_error("{\"event_type\":\"alert\",\"timestamp\":\"2017-11-04T13:20:24Z\"}\n", LC_FORMAT_EVE,
                        "without an \"alert\" object");
    expect_format_error("{\"event_type\":\"alert\",\"timestamp\":\"yesterday\",\"alert\":{\"signature\":\"s\","
                        "\"signature_id\":1}}\n",
                        LC_FORMAT_EVE, "is not ISO 8601");
    expect_format_error("{\"event_type\":\"alert\",\"timestamp\":\"2017-11-04T13:20:24Z\",\"src_port\":70000,"
                        "\"alert\":{\"signature\":\"s\",\"signature_id\":1}}\n",
                        LC_FORMAT_EVE, "0..65535");
    expect_format_error("{\"event_type\":\"alert\",\"timestamp\":\"2017-11-04T13:20:24Z\",\"alert\":{\"signature\":\"s\","
                        "\"signature_id\":1}}\n{\"event_type\":\"alert\",\"timestamp\":\"2017-11-04T13:20:24Z\","
                        "\"alert\":{\"signature\":\"\\u0000\",\"signature_id\":1}}\n",
                        LC_FORMAT_EVE, "mem:2: NUL byte");
    /* Nesting beyond the limit is an error, not a stack overflow. */
    char deep[400] = "{\"a\":";
    for (int k = 0; k < 100; k++)
        strcat(deep, "[");
    strcat(deep, "\n");
    expect_format_error(deep, LC_FORMAT_EVE, "nested deeper");
}

/* ---- AIT -------------------------------------------------------------------------------------- */

static void test_ait_fixture(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    assert_int_equal(lc_alerts_read_path(FIXTURES "ait_small.csv", NULL, &set), LC_OK);
    assert_int_equal(set.count, 4);
    assert_string_equal(set.alerts[0].text, "01/19-00:38:02 [W-Sys-Cav] Wazuh: ClamAV database update host=mail ip=10.132.56.171");
    assert_string_equal(set.alerts[0].incident, "benign");
    assert_string_equal(set.alerts[0].src_ip, "10.132.56.171");
    assert_string_equal(set.alerts[1].incident, "dnsteal");
    assert_string_equal(set.alerts[1].text, "01/20-22:40:17 [W-Sys-Cav] Wazuh: ClamAV database update host=walker_mail ip=192.168.99.0");
    assert_string_equal(set.alerts[2].text, "01/20-22:50:47 [A-Dns-Clc1] AMiner: Unusual occurrence, with comma host=smith_mail ip=192.168.98.239");
    assert_true(fabs(set.alerts[2].time - 1642719047.75) < 1e-9);
    assert_string_equal(set.alerts[3].incident, "benign"); /* '-' label */
    assert_string_equal(set.alerts[3].src_ip, "");
    lc_alert_set_free(&set);

    const char *header = "time,name,ip,host,short,time_label,event_label\n";
    char text[256];
    snprintf(text, sizeof text, "%s12x,a,1.2.3.4,h,s,-,-\n", header);
    expect_format_error(text, LC_FORMAT_AIT, "mem:2: time '12x' is not Unix seconds");
    snprintf(text, sizeof text, "%s12,a,1.2.3.4,h,s,-\n", header);
    expect_format_error(text, LC_FORMAT_AIT, "mem:2: expected 7 fields");
    expect_format_error("time,name,ip\n1,a,b\n", LC_FORMAT_AIT, "mem:1: AIT header");
}

/* ---- detection, forcing, empty input ----------------------------------------------------------- */

static void test_detection(void **state)
{
    (void)state;
    const char *fast = "01/02-03:04:05.000000  [**] [1:2:3] x [**] {TCP} 1.2.3.4:1 -> 5.6.7.8:2\n";
    assert_int_equal(lc_alerts_detect(fast, strlen(fast)), LC_FORMAT_FAST);
    assert_int_equal(lc_alerts_detect("\n\n  {\"a\":1}\n", 11), LC_FORMAT_EVE);
    const char *ait = "\xEF\xBB\xBFtime,name,ip,host,short,time_label,event_label\r\n";
    assert_int_equal(lc_alerts_detect(ait, strlen(ait)), LC_FORMAT_AIT);
    assert_int_equal(lc_alerts_detect("incident,alert,cut\n", 19), LC_FORMAT_CSV);
    assert_int_equal(lc_alerts_detect("\"incident\",\"alert\"\n", 19), LC_FORMAT_CSV);
    assert_int_equal(lc_alerts_detect("hello\n", 6), LC_FORMAT_AUTO);
    assert_int_equal(lc_alerts_detect("", 0), LC_FORMAT_AUTO);

    lc_alert_format f;
    assert_int_equal(lc_alert_format_parse("eve", &f), LC_OK);
    assert_int_equal(f, LC_FORMAT_EVE);
    assert_int_equal(lc_alert_format_parse("json", &f), LC_ERR_INVALID);
    assert_string_equal(lc_alert_format_name(LC_FORMAT_AIT), "ait");

    /* Forcing a format overrides detection: a CSV read as fast.log fails on its header. */
    expect_format_error("incident,alert,cut\nbenign,a,1\n", LC_FORMAT_FAST, "mem:1: not a fast.log alert");
    /* Empty input is zero records in any format. */
    lc_alert_set set = {0};
    assert_int_equal(read_string(" \n\r\n", LC_FORMAT_AUTO, 0, &set), LC_OK);
    assert_int_equal(set.count, 0);
    lc_alert_set_free(&set);
    assert_int_equal(lc_alerts_read_path("/nonexistent/alerts.csv", NULL, &set), LC_ERR_NOT_FOUND);
    assert_non_null(strstr(lc_last_error(), "/nonexistent/alerts.csv"));
}

/* ---- fields: time, IP ------------------------------------------------------------------------- */

static void test_time_and_ip_helpers(void **state)
{
    (void)state;
    double t;
    assert_int_equal(lc_time_parse_iso8601("1970-01-01T00:00:00Z", 20, &t), 20);
    assert_true(t == 0.0);
    assert_int_equal(lc_time_parse_iso8601("2024-02-29 12:00:00.25+01:30", 28, &t), 28);
    assert_true(fabs(t - (1709208000.25 - 5400)) < 1e-6);
    assert_int_equal(lc_time_parse_iso8601("2023-02-29T00:00:00Z", 20, &t), 0); /* not a leap year */
    assert_int_equal(lc_time_parse_iso8601("2024-03-05", 10, &t), 10);
    assert_true(t == 1709596800.0);
    int has_year;
    assert_int_equal(lc_time_parse_fast("02/29-00:00:00", 14, 0, &t, &has_year), 14);
    assert_true(isnan(t));
    assert_int_equal(has_year, 0);
    assert_int_equal(lc_time_parse_fast("12/31/1999-23:59:59.5", 21, 0, &t, &has_year), 21);
    assert_true(fabs(t - 946684799.5) < 1e-6);
    assert_int_equal(lc_time_parse_fast("02/29-00:00:00", 14, 2023, &t, &has_year), 0);
    assert_int_equal(lc_time_parse_fast("01/01-24:00:00", 14, 2023, &t, &has_year), 0);

    assert_true(lc_ip_equal("::1", "0:0:0:0:0:0:0:1"));
    assert_true(lc_ip_equal("::ffff:10.0.0.1", "10.0.0.1"));
    assert_true(lc_ip_equal("2001:DB8::A", "2001:db8:0::a"));
    assert_false(lc_ip_equal("10.0.0.1", "10.0.0.10"));
    uint8_t b[16];
    static const char *const bad[] = {"1.2.3", "1.2.3.256", "1.2.3.4.5", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1",
                                      "1:", "12345::", "g::1", "1:2:3:4:5:6:7::8", ""};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        if (lc_ip_parse(bad[k], strlen(bad[k]), b))
            fail_msg("'%s' parsed as an address", bad[k]);
    assert_true(lc_ip_parse("::", 2, b));
    assert_true(lc_ip_parse("1::", 3, b));
    assert_true(lc_ip_parse("64:ff9b::192.0.2.33", 19, b));
    assert_int_equal(b[15], 33);
}

/* ---- masking ---------------------------------------------------------------------------------- */

static void expect_mask(const char *in, unsigned flags, const char *want)
{
    char *out;
    size_t len;
    assert_int_equal(lc_mask_text(in, strlen(in), flags, &out, &len), LC_OK);
    if (strcmp(out, want) != 0)
        fail_msg("mask(%s)\n  got  '%s'\n  want '%s'", in, out, want);
    assert_int_equal(len, strlen(want));
    free(out);
}

static void test_mask(void **state)
{
    (void)state;
    const unsigned all = LC_MASK_TIMESTAMP | LC_MASK_IP | LC_MASK_PORT;
    expect_mask("01/02-03:04:05.123456  [**] [1:2001219:20] SSH {TCP} 10.0.0.1:40000 -> 10.0.0.2:22", all,
                "<TIMESTAMP>  [**] [1:2001219:20] SSH {TCP} <IP>:<PORT> -> <IP>:<PORT>");
    expect_mask("01/02-03:04:05.123456 {TCP} 10.0.0.1:40000 -> 10.0.0.2:22", LC_MASK_PORT,
                "01/02-03:04:05.123456 {TCP} 10.0.0.1:<PORT> -> 10.0.0.2:<PORT>");
    expect_mask("01/02-03:04:05 x 10.0.0.1:40000", LC_MASK_IP, "01/02-03:04:05 x <IP>:40000");
    expect_mask("11/04/17-13:20:24.289881 and 2017-11-04T13:20:24.289881+0000 end", LC_MASK_TIMESTAMP,
                "<TIMESTAMP> and <TIMESTAMP> end");
    expect_mask("{UDP} [2001:db8::1]:53 -> fe80::2 and ::1.", all, "{UDP} [<IP>]:<PORT> -> <IP> and <IP>.");
    expect_mask("host=mail ip=10.132.56.171", all, "host=mail ip=<IP>");
    /* Not addresses: versions, sids, clocks, MACs, words, too-big octets and ports. */
    expect_mask("v1.2.3 [1:2:3] 12:30:45 00:11:22:33:44:55 dead beef 1.2.3.456 1.2.3.4.5", all,
                "v1.2.3 [1:2:3] 12:30:45 00:11:22:33:44:55 dead beef 1.2.3.456 1.2.3.4.5");
    expect_mask("10.0.0.1:99999 10.0.0.1:", all, "<IP>:99999 <IP>:");
    expect_mask("unchanged 10.0.0.1", 0, "unchanged 10.0.0.1");
    expect_mask("", all, "");

    unsigned flags;
    assert_int_equal(lc_mask_parse("port,timestamp", &flags), LC_OK);
    assert_int_equal(flags, LC_MASK_PORT | LC_MASK_TIMESTAMP);
    assert_int_equal(lc_mask_parse("all", &flags), LC_OK);
    assert_int_equal(flags, all);
    assert_int_equal(lc_mask_parse("none", &flags), LC_OK);
    assert_int_equal(flags, 0);
    assert_int_equal(lc_mask_parse("ip,mac", &flags), LC_ERR_INVALID);
    assert_non_null(strstr(lc_last_error(), "'mac'"));
}

/* ---- encoding --------------------------------------------------------------------------------- */

static void test_encode(void **state)
{
    (void)state;
    assert_int_equal(lc_encode_byte(0), LC_CODE_OTHER);
    assert_int_equal(lc_encode_byte(1), 1);
    assert_int_equal(lc_encode_byte('A'), 'A');
    assert_int_equal(lc_encode_byte(126), 126);
    assert_int_equal(lc_encode_byte(127), LC_CODE_OTHER);
    assert_int_equal(lc_encode_byte(128), LC_CODE_OTHER);
    assert_int_equal(lc_encode_byte(255), LC_CODE_OTHER);
    for (int b = 0; b < 256; b++) {
        uint8_t code = lc_encode_byte((unsigned char)b);
        assert_true(code >= 1 && code < LC_ALPHABET_SIZE);
    }

    lc_alert_set set = {0};
    assert_int_equal(lc_alert_set_add(&set, "b", "ab\n", 3, 0, NULL), LC_OK);
    assert_int_equal(lc_alert_set_add(&set, "benign", "caf\xc3\xa9", 5, 1, NULL), LC_OK);
    assert_int_equal(lc_alert_set_add(&set, "a", "x", 1, 2, NULL), LC_OK);
    assert_int_equal(lc_alert_set_add(&set, "b", "yy", 2, 3, NULL), LC_OK);
    lc_encoded enc;
    assert_int_equal(lc_encode_alerts(&set, &enc), LC_OK);
    assert_int_equal(enc.count, 4);
    assert_int_equal(enc.max_length, 5);
    assert_int_equal(enc.offsets[1], 3);
    assert_int_equal(enc.offsets[4], 11);
    static const uint8_t want[] = {'a', 'b', '\n', 'c', 'a', 'f', 127, 127, 'x', 'y', 'y'};
    assert_memory_equal(enc.codes, want, sizeof want);
    lc_encoded_free(&enc);

    lc_incident_ids ids;
    assert_int_equal(lc_incident_ids_build(&set, &ids), LC_OK);
    assert_int_equal(ids.count, 2);
    assert_string_equal(ids.names[0], "a");
    assert_string_equal(ids.names[1], "b");
    assert_int_equal(ids.ids[0], 1);
    assert_int_equal(ids.ids[1], -1);
    assert_int_equal(ids.ids[2], 0);
    assert_int_equal(ids.ids[3], 1);
    lc_incident_ids_free(&ids);
    lc_alert_set_free(&set);
}

/* ---- writing ---------------------------------------------------------------------------------- */

static void test_write_roundtrip(void **state)
{
    (void)state;
    lc_alert_set set = {0}, back = {0};
    assert_int_equal(lc_alert_set_add(&set, "in,c", "a \"q\", b\nc", 10, 4, NULL), LC_OK);
    assert_int_equal(lc_alert_set_add(&set, "benign", "plain", 5, LC_CUT_UNKNOWN, NULL), LC_OK);
    char path[] = "/tmp/lstmcorr_test_readers_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(lc_alerts_write_csv_path(path, &set), LC_OK);
    assert_int_equal(lc_alerts_read_path(path, NULL, &back), LC_OK);
    assert_int_equal(back.count, 2);
    assert_string_equal(back.alerts[0].incident, "in,c");
    assert_string_equal(back.alerts[0].text, "a \"q\", b\nc");
    assert_int_equal(back.alerts[0].cut, 4);
    assert_int_equal(back.alerts[1].cut, LC_CUT_UNKNOWN);
    unlink(path);
    /* A folder that does not exist: an error naming the path, and no file. */
    assert_int_not_equal(lc_alerts_write_csv_path("/nonexistent-dir/x.csv", &set), LC_OK);
    assert_non_null(strstr(lc_last_error(), "/nonexistent-dir/x.csv"));
    lc_alert_set_free(&set);
    lc_alert_set_free(&back);
}

/* ---- the real data sets ----------------------------------------------------------------------- */

static int data_present(const char *path)
{
    if (access(path, R_OK) == 0)
        return 1;
    print_message("skipping: %s is not present (shared/data is optional)\n", path);
    return 0;
}

static void test_real_ait_training_files(void **state)
{
    (void)state;
    static const char *const files[] = {"wardbeck.csv", "fox.csv", "harrison.csv"};
    if (!data_present(LSTMCORR_TEST_DATA_DIR "/ait/wardbeck.csv"))
        skip();
    for (size_t f = 0; f < 3; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/ait/%s", LSTMCORR_TEST_DATA_DIR, files[f]);
        lc_alert_set set = {0};
        lc_read_options opts = {LC_FORMAT_AUTO, 0, 2022};
        assert_int_equal(lc_alerts_read_path(path, &opts, &set), LC_OK);
        assert_int_equal(set.bad_count, 0);
        if (f == 0)
            assert_int_equal(set.count, 1853);
        int cuts[10] = {0};
        for (size_t k = 0; k < set.count; k++) {
            assert_true(set.alerts[k].cut >= 0 && set.alerts[k].cut <= 9);
            cuts[set.alerts[k].cut]++;
            assert_false(isnan(set.alerts[k].time));
        }
        for (int c = 0; c < 10; c++)
            assert_true(abs(cuts[c] - (int)(set.count / 10)) <= 1);
        lc_alert_set_free(&set);
    }
}

static void test_real_eve(void **state)
{
    (void)state;
    const char *path = LSTMCORR_TEST_DATA_DIR "/eve/cptc2017-team5.eve.json";
    if (!data_present(path))
        skip();
    lc_alert_set set = {0};
    assert_int_equal(lc_alerts_read_path(path, NULL, &set), LC_OK);
    assert_int_equal(set.count, 1912);
    assert_int_equal(set.bad_count, 0);
    size_t with_ports = 0;
    for (size_t k = 0; k < set.count; k++) {
        assert_true(set.alerts[k].src_ip[0] != '\0');
        with_ports += set.alerts[k].src_port >= 0;
        assert_int_equal(strncmp(set.alerts[k].text + 2, "/", 1), 0);
    }
    assert_int_equal(with_ports, 1904); /* the 8 ICMP alerts have no ports */
    lc_alert_set_free(&set);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The AIT reader reproduces the data set's own text layout: every wardbeck.csv row (incident and
 * alert) is one of the rows read from wardbeck_alerts.txt.gz. */
static void test_real_ait_raw(void **state)
{
    (void)state;
    const char *gz = LSTMCORR_TEST_DATA_DIR "/ait/wardbeck_alerts.txt.gz";
    if (!data_present(gz))
        skip();
    char command[600];
    snprintf(command, sizeof command, "gzip -dc '%s'", gz);
    FILE *pipe = popen(command, "r");
    if (!pipe) {
        print_message("skipping: cannot run gzip\n");
        skip();
    }
    lc_alert_set raw = {0};
    lc_status status = lc_alerts_read_stream(pipe, "wardbeck_alerts.txt", NULL, &raw);
    int rc = pclose(pipe);
    if (rc != 0) {
        lc_alert_set_free(&raw);
        print_message("skipping: gzip -dc failed (status %d)\n", rc);
        skip();
    }
    assert_int_equal(status, LC_OK);
    assert_int_equal(raw.count, 91257);
    assert_int_equal(raw.bad_count, 0);

    char **keys = malloc(raw.count * sizeof *keys);
    assert_non_null(keys);
    for (size_t k = 0; k < raw.count; k++) {
        size_t n = strlen(raw.alerts[k].incident) + raw.alerts[k].text_len + 2;
        keys[k] = malloc(n);
        assert_non_null(keys[k]);
        snprintf(keys[k], n, "%s,%s", raw.alerts[k].incident, raw.alerts[k].text);
    }
    qsort(keys, raw.count, sizeof *keys, compare_strings);

    lc_alert_set train = {0};
    assert_int_equal(lc_alerts_read_path(LSTMCORR_TEST_DATA_DIR "/ait/wardbeck.csv", NULL, &train), LC_OK);
    for (size_t k = 0; k < train.count; k++) {
        char key[1024];
        snprintf(key, sizeof key, "%s,%s", train.alerts[k].incident, train.alerts[k].text);
        char *p = key;
        if (!bsearch(&p, keys, raw.count, sizeof *keys, compare_strings))
            fail_msg("wardbeck.csv row %zu not reproduced: %s", k + 2, key);
    }
    for (size_t k = 0; k < raw.count; k++)
        free(keys[k]);
    free(keys);
    lc_alert_set_free(&train);
    lc_alert_set_free(&raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quoting_crlf),
        cmocka_unit_test(test_csv_columns_and_blank_lines),
        cmocka_unit_test(test_csv_malformed),
        cmocka_unit_test(test_csv_overlong_text),
        cmocka_unit_test(test_skip_bad_counts_and_reasons),
        cmocka_unit_test(test_fast_variants),
        cmocka_unit_test(test_fast_malformed),
        cmocka_unit_test(test_eve_fixture),
        cmocka_unit_test(test_eve_malformed),
        cmocka_unit_test(test_ait_fixture),
        cmocka_unit_test(test_detection),
        cmocka_unit_test(test_time_and_ip_helpers),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_write_roundtrip),
        cmocka_unit_test(test_real_ait_training_files),
        cmocka_unit_test(test_real_eve),
        cmocka_unit_test(test_real_ait_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
