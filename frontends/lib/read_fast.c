/* Snort 2, Snort 3 and Suricata fast.log lines: the alert text is the line itself; the timestamp,
 * addresses and ports are parsed for `label`. */
#include "read_common.h"

#include <math.h>
#include <string.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Protocols whose endpoints carry ports, so a bare IPv6 "addr:port" is read with a port. */
static int protocol_has_ports(const char *proto, size_t len)
{
    static const char *const with_ports[] = {"TCP", "UDP", "SCTP"};
    for (size_t k = 0; k < sizeof with_ports / sizeof with_ports[0]; k++) {
        size_t n = strlen(with_ports[k]);
        if (len != n)
            continue;
        size_t i = 0;
        while (i < n && (proto[i] & ~0x20) == with_ports[k][i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

static int parse_port(const char *text, size_t len, int *port)
{
    if (len == 0 || len > 5)
        return 0;
    int value = 0;
    for (size_t k = 0; k < len; k++) {
        if (text[k] < '0' || text[k] > '9')
            return 0;
        value = value * 10 + (text[k] - '0');
    }
    if (value > 65535)
        return 0;
    *port = value;
    return 1;
}

static void store_ip(char dest[LC_IP_TEXT_MAX], const char *text, size_t len)
{
    memcpy(dest, text, len);
    dest[len] = '\0';
}

/* One endpoint: "[v6]:port", "[v6]", "a.b.c.d:port", "a.b.c.d", "v6" or (with ports) "v6:port". */
static int parse_endpoint(const char *text, size_t len, int with_ports, char ip[LC_IP_TEXT_MAX], int *port)
{
    uint8_t bytes[16];
    *port = -1;
    if (len >= 2 && text[0] == '[') {
        const char *close = memchr(text, ']', len);
        if (!close)
            return 0;
        size_t ip_len = (size_t)(close - text) - 1;
        if (ip_len >= LC_IP_TEXT_MAX || !lc_ip_parse(text + 1, ip_len, bytes))
            return 0;
        size_t rest = len - ip_len - 2;
        if (rest > 0 && (close[1] != ':' || !parse_port(close + 2, rest - 1, port)))
            return 0;
        store_ip(ip, text + 1, ip_len);
        return 1;
    }
    const char *colon = NULL;
    for (size_t k = len; k > 0; k--) {
        if (text[k - 1] == ':') {
            colon = text + k - 1;
            break;
        }
    }
    size_t head = colon ? (size_t)(colon - text) : len;
    int is_v4_with_port = colon && memchr(text, ':', head) == NULL;
    /* IPv4 with a port, or a bare IPv6 whose last group is the port when the protocol has ports. */
    if (colon && (is_v4_with_port || with_ports) && head < LC_IP_TEXT_MAX && lc_ip_parse(text, head, bytes) &&
        parse_port(colon + 1, len - head - 1, port)) {
        store_ip(ip, text, head);
        return 1;
    }
    *port = -1;
    if (len < LC_IP_TEXT_MAX && lc_ip_parse(text, len, bytes)) {
        store_ip(ip, text, len);
        return 1;
    }
    return 0;
}

/* "{PROTO} SRC -> DST" at the end of the line. */
static void parse_addresses(const char *line, size_t len, lc_alert *alert)
{
    const char *brace = NULL;
    for (size_t k = len; k > 0; k--) {
        if (line[k - 1] == '{') {
            brace = line + k - 1;
            break;
        }
    }
    if (!brace)
        return;
    const char *end = line + len;
    while (end > brace && is_space(end[-1]))
        end--;
    const char *close = memchr(brace, '}', (size_t)(end - brace));
    if (!close)
        return;
    int with_ports = protocol_has_ports(brace + 1, (size_t)(close - brace) - 1);
    const char *p = close + 1;
    while (p < end && is_space(*p))
        p++;
    const char *arrow = NULL;
    for (const char *q = p; q + 4 <= end; q++) {
        if (memcmp(q, " -> ", 4) == 0) {
            arrow = q;
            break;
        }
    }
    if (!arrow)
        return;
    char src[LC_IP_TEXT_MAX], dst[LC_IP_TEXT_MAX];
    int src_port, dst_port;
    if (!parse_endpoint(p, (size_t)(arrow - p), with_ports, src, &src_port) ||
        !parse_endpoint(arrow + 4, (size_t)(end - arrow - 4), with_ports, dst, &dst_port))
        return;
    memcpy(alert->src_ip, src, sizeof src);
    memcpy(alert->dst_ip, dst, sizeof dst);
    alert->src_port = src_port;
    alert->dst_port = dst_port;
}

int lc_fast_line_fields(const char *line, size_t len, int year, lc_alert *alert)
{
    double seconds;
    int has_year;
    size_t pos = lc_time_parse_fast(line, len, year, &seconds, &has_year);
    if (pos == 0)
        return 0;
    alert->time = seconds;
    parse_addresses(line, len, alert);
    /* After the time: optional action tags such as "[Drop]", then the "[**]" that opens the rule. */
    for (;;) {
        while (pos < len && is_space(line[pos]))
            pos++;
        if (pos + 4 <= len && memcmp(line + pos, "[**]", 4) == 0)
            return 1;
        if (pos >= len || line[pos] != '[')
            return 0;
        const char *close = memchr(line + pos, ']', len - pos);
        if (!close)
            return 0;
        pos = (size_t)(close - line) + 1;
    }
}

static int is_blank(const char *line, size_t len)
{
    for (size_t k = 0; k < len; k++)
        if (!is_space(line[k]))
            return 0;
    return 1;
}

lc_status lc_read_fast(lc_reader *r)
{
    const char *line;
    size_t len;
    long line_no;
    while (lc_reader_next_line(r, &line, &len, &line_no)) {
        if (is_blank(line, len))
            continue;
        int ok;
        LC_TRY(lc_reader_check_line(r, line, len, line_no, &ok));
        if (!ok)
            continue;
        lc_alert fields = {.time = NAN, .src_port = -1, .dst_port = -1};
        if (!lc_fast_line_fields(line, len, r->opts->year, &fields)) {
            LC_TRY(lc_reader_bad(r, line_no, "not a fast.log alert (expected MM/DD-HH:MM:SS.ffffff ... [**] ...)"));
            continue;
        }
        LC_TRY(lc_reader_add(r, line_no, LC_BENIGN_NAME, line, len, LC_CUT_UNKNOWN, &fields));
    }
    return LC_OK;
}
