/* Suricata EVE JSON, one object per line. Alerts become fast.log-style text so that a model trained
 * on fast.log transfers:
 *   MM/DD/YY-HH:MM:SS.ffffff  [**] [GID:SID:REV] SIGNATURE [**] [Classification: CATEGORY]
 *   [Priority: SEVERITY] {PROTO} SRC:SPORT -> DST:DPORT
 * (one line; docs/formats.md gives every rule). Other event types are counted and skipped. */
#include "read_common.h"
#include "read_json.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct text_builder {
    char *data;
    size_t len, cap;
    int failed;
} text_builder;

static void append(text_builder *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void append(text_builder *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list args;
    va_start(args, fmt);
    int need = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    if (need < 0 || b->len + (size_t)need + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (need >= 0 && b->len + (size_t)need + 1 > cap)
            cap *= 2;
        char *grown = need < 0 ? NULL : realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    va_start(args, fmt);
    vsnprintf(b->data + b->len, b->cap - b->len, fmt, args);
    va_end(args);
    b->len += (size_t)need;
}

static const char *string_member(const lc_json_value *object, const char *key)
{
    const lc_json_value *v = lc_json_get(object, key);
    return v && v->type == LC_JSON_STRING ? v->string : NULL;
}

static int has_nul(const lc_json_value *object, const char *key)
{
    const lc_json_value *v = lc_json_get(object, key);
    return v && v->type == LC_JSON_STRING && memchr(v->string, '\0', v->length) != NULL;
}

/* An integer member in [low, high]: 1 found, 0 absent or null, -1 present but not such an integer. */
static int integer_member(const lc_json_value *object, const char *key, double low, double high, long long *out)
{
    const lc_json_value *v = lc_json_get(object, key);
    if (!v || v->type == LC_JSON_NULL)
        return 0;
    if (v->type != LC_JSON_NUMBER || v->number != floor(v->number) || v->number < low || v->number > high)
        return -1;
    *out = (long long)v->number;
    return 1;
}

/* The sensor's wall clock as written ("2017-11-04T13:20:24.289881+0000" -> "11/04/17-13:20:24.289881"). */
static int fast_clock(const char *iso, char out[32])
{
    size_t len = strlen(iso);
    if (len < 19 || iso[4] != '-' || iso[7] != '-' || (iso[10] != 'T' && iso[10] != ' ') || iso[13] != ':' ||
        iso[16] != ':')
        return 0;
    char micros[7] = "000000";
    if (len > 20 && iso[19] == '.') {
        for (size_t k = 0; k < 6 && 20 + k < len && iso[20 + k] >= '0' && iso[20 + k] <= '9'; k++)
            micros[k] = iso[20 + k];
    }
    snprintf(out, 32, "%.2s/%.2s/%.2s-%.8s.%s", iso + 5, iso + 8, iso + 2, iso + 11, micros);
    return 1;
}

static void append_endpoint(text_builder *b, const char *ip, int port)
{
    int v6 = strchr(ip, ':') != NULL;
    if (port >= 0)
        append(b, v6 ? "[%s]:%d" : "%s:%d", ip, port);
    else
        append(b, "%s", ip);
}

static lc_status read_alert(lc_reader *r, long line_no, const lc_json_value *event)
{
    const char *timestamp = string_member(event, "timestamp");
    const lc_json_value *alert = lc_json_get(event, "alert");
    if (!timestamp)
        return lc_reader_bad(r, line_no, "alert without a \"timestamp\" string");
    if (!alert || alert->type != LC_JSON_OBJECT)
        return lc_reader_bad(r, line_no, "alert without an \"alert\" object");
    const char *signature = string_member(alert, "signature");
    if (!signature)
        return lc_reader_bad(r, line_no, "alert without \"alert.signature\"");
    /* "\u0000" decodes to NUL, which alert text may not hold (the text would silently end there). */
    static const char *const event_texts[] = {"timestamp", "proto", "src_ip", "dest_ip"};
    static const char *const alert_texts[] = {"signature", "category"};
    for (size_t k = 0; k < sizeof event_texts / sizeof event_texts[0]; k++)
        if (has_nul(event, event_texts[k]))
            return lc_reader_bad(r, line_no, "NUL byte (\\u0000) in \"%s\"", event_texts[k]);
    for (size_t k = 0; k < sizeof alert_texts / sizeof alert_texts[0]; k++)
        if (has_nul(alert, alert_texts[k]))
            return lc_reader_bad(r, line_no, "NUL byte (\\u0000) in \"alert.%s\"", alert_texts[k]);
    lc_alert fields = {.time = NAN, .src_port = -1, .dst_port = -1};
    char clock[32];
    if (lc_time_parse_iso8601(timestamp, strlen(timestamp), &fields.time) != strlen(timestamp) ||
        !fast_clock(timestamp, clock))
        return lc_reader_bad(r, line_no, "timestamp '%.40s' is not ISO 8601 date and time", timestamp);

    long long sid = 0, gid = 1, rev = 0, severity = 0, port;
    int has_sid = integer_member(alert, "signature_id", 0, 4294967295.0, &sid);
    int has_gid = integer_member(alert, "gid", 0, 4294967295.0, &gid);
    int has_rev = integer_member(alert, "rev", 0, 4294967295.0, &rev);
    int has_severity = integer_member(alert, "severity", 0, 255, &severity);
    if (has_sid <= 0)
        return lc_reader_bad(r, line_no, "alert.signature_id missing or not a non-negative integer");
    if (has_gid < 0 || has_rev < 0 || has_severity < 0)
        return lc_reader_bad(r, line_no, "alert.gid, alert.rev or alert.severity is not a small integer");
    int ports_ok = 1;
    int found = integer_member(event, "src_port", 0, 65535, &port);
    if (found > 0)
        fields.src_port = (int)port;
    ports_ok &= found >= 0;
    found = integer_member(event, "dest_port", 0, 65535, &port);
    if (found > 0)
        fields.dst_port = (int)port;
    ports_ok &= found >= 0;
    if (!ports_ok)
        return lc_reader_bad(r, line_no, "src_port or dest_port is not an integer 0..65535");
    const char *src_ip = string_member(event, "src_ip"), *dst_ip = string_member(event, "dest_ip");
    uint8_t bytes[16];
    if ((src_ip && !lc_ip_parse(src_ip, strlen(src_ip), bytes)) || (dst_ip && !lc_ip_parse(dst_ip, strlen(dst_ip), bytes)))
        return lc_reader_bad(r, line_no, "src_ip or dest_ip is not an IP address");
    if (src_ip)
        snprintf(fields.src_ip, sizeof fields.src_ip, "%s", src_ip);
    if (dst_ip)
        snprintf(fields.dst_ip, sizeof fields.dst_ip, "%s", dst_ip);

    text_builder b = {0};
    append(&b, "%s  [**] [%lld:%lld:%lld] %s [**]", clock, gid, sid, rev, signature);
    const char *category = string_member(alert, "category");
    if (category)
        append(&b, " [Classification: %s]", category);
    if (has_severity > 0)
        append(&b, " [Priority: %lld]", severity);
    const lc_json_value *proto = lc_json_get(event, "proto");
    if (proto && proto->type == LC_JSON_STRING)
        append(&b, " {%s}", proto->string);
    else if (proto && proto->type == LC_JSON_NUMBER)
        append(&b, " {PROTO:%03.0f}", proto->number);
    if (src_ip && dst_ip) {
        append(&b, " ");
        append_endpoint(&b, src_ip, fields.src_port);
        append(&b, " -> ");
        append_endpoint(&b, dst_ip, fields.dst_port);
    }
    if (b.failed) {
        free(b.data);
        return lc_fail(LC_ERR_NOMEM, "out of memory building an EVE alert");
    }
    lc_status status = lc_reader_add(r, line_no, LC_BENIGN_NAME, b.data, b.len, LC_CUT_UNKNOWN, &fields);
    free(b.data);
    return status;
}

static int is_blank(const char *line, size_t len)
{
    for (size_t k = 0; k < len; k++)
        if (line[k] != ' ' && line[k] != '\t')
            return 0;
    return 1;
}

lc_status lc_read_eve(lc_reader *r)
{
    lc_json_arena arena = {0};
    const char *line;
    size_t len;
    long line_no;
    lc_status status = LC_OK;
    char error[160];
    while (status == LC_OK && lc_reader_next_line(r, &line, &len, &line_no)) {
        if (is_blank(line, len))
            continue;
        int ok;
        status = lc_reader_check_line(r, line, len, line_no, &ok);
        if (status != LC_OK || !ok)
            continue;
        lc_json_arena_reset(&arena);
        lc_json_value *event;
        if (!lc_json_parse(&arena, line, len, &event, error, sizeof error)) {
            if (strcmp(error, "out of memory") == 0)
                status = lc_fail(LC_ERR_NOMEM, "%s:%ld: out of memory parsing JSON", r->name, line_no);
            else
                status = lc_reader_bad(r, line_no, "bad JSON %s", error);
            continue;
        }
        if (event->type != LC_JSON_OBJECT) {
            status = lc_reader_bad(r, line_no, "EVE line is not a JSON object");
            continue;
        }
        const char *event_type = string_member(event, "event_type");
        if (!event_type) {
            status = lc_reader_bad(r, line_no, "EVE object without an \"event_type\" string");
            continue;
        }
        if (strcmp(event_type, "alert") != 0) {
            r->set->other_events++;
            continue;
        }
        status = read_alert(r, line_no, event);
    }
    lc_json_arena_free(&arena);
    return status;
}
