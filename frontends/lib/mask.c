/* One left-to-right scan: at each token start try a timestamp, then an address (with its port). */
#include "mask.h"

#include <stdlib.h>
#include <string.h>

typedef struct out_buffer {
    char *data;
    size_t len, cap;
} out_buffer;

static int put(out_buffer *b, const char *text, size_t len)
{
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (b->len + len + 1 > cap)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown)
            return 0;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, text, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 1;
}

static int is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A token may start here: not in the middle of a word, number or address. */
static int starts_token(const char *text, size_t pos)
{
    if (pos == 0)
        return 1;
    char prev = text[pos - 1];
    return !is_alnum(prev) && prev != '.' && prev != ':' && prev != '_';
}

/* A token may end here: what follows does not continue it. */
static int ends_token(const char *text, size_t len, size_t pos)
{
    if (pos >= len)
        return 1;
    char next = text[pos];
    if (is_alnum(next) || next == '_')
        return 0;
    /* "1.2.3.4." ends a sentence; "1.2.3.4.5" does not end an address. */
    if ((next == '.' || next == ':') && pos + 1 < len && is_alnum(text[pos + 1]))
        return 0;
    return 1;
}

static size_t match_timestamp(const char *text, size_t len, size_t pos)
{
    double seconds;
    int has_year;
    size_t n = lc_time_parse_fast(text + pos, len - pos, 2000, &seconds, &has_year);
    if (n == 0)
        n = lc_time_parse_iso8601(text + pos, len - pos, &seconds);
    return n > 0 && ends_token(text, len, pos + n) ? n : 0;
}

/* ":port" at pos (1 to 5 digits, at most 65535, then the token ends); returns bytes or 0. */
static size_t match_port(const char *text, size_t len, size_t pos)
{
    if (pos >= len || text[pos] != ':')
        return 0;
    size_t end = pos + 1;
    unsigned value = 0;
    while (end < len && text[end] >= '0' && text[end] <= '9' && end - pos <= 5) {
        value = value * 10 + (unsigned)(text[end] - '0');
        end++;
    }
    if (end == pos + 1 || end - pos > 6 || value > 65535 || !ends_token(text, len, end))
        return 0;
    return end - pos;
}

/* Longest prefix of the address-like run at pos that parses as an address and ends a token. */
static size_t match_address(const char *text, size_t len, size_t pos)
{
    size_t run = pos;
    while (run < len && (is_hex(text[run]) || text[run] == '.' || text[run] == ':'))
        run++;
    uint8_t bytes[16];
    for (size_t end = run; end > pos; end--) {
        char last = text[end - 1];
        if (last == '.' || (last == ':' && !(end >= pos + 2 && text[end - 2] == ':')))
            continue;
        size_t n = end - pos;
        if (n < 2 || n >= LC_IP_TEXT_MAX)
            continue;
        int colons = 0, dots = 0;
        for (size_t k = pos; k < end; k++) {
            colons += text[k] == ':';
            dots += text[k] == '.';
        }
        /* IPv4 needs three dots; IPv6 at least two colons. */
        if (!((colons == 0 && dots == 3) || colons >= 2))
            continue;
        if (!lc_ip_parse(text + pos, n, bytes))
            continue;
        /* The address may be followed by its ":port" (for IPv4 any ":digits"), ending it too. */
        if (ends_token(text, len, end) || match_port(text, len, end) || (colons == 0 && text[end] == ':'))
            return n;
    }
    return 0;
}

static int copy_or_mask(out_buffer *b, int masked, const char *mask, const char *text, size_t n)
{
    return masked ? put(b, mask, strlen(mask)) : put(b, text, n);
}

lc_status lc_mask_text(const char *text, size_t len, unsigned flags, char **out, size_t *out_len)
{
    out_buffer b = {0};
    int ok = put(&b, "", 0);
    size_t pos = 0;
    while (ok && pos < len) {
        if (flags && starts_token(text, pos)) {
            size_t n = match_timestamp(text, len, pos);
            if (n) {
                ok = copy_or_mask(&b, flags & LC_MASK_TIMESTAMP, "<TIMESTAMP>", text + pos, n);
                pos += n;
                continue;
            }
            size_t open = text[pos] == '[' ? 1 : 0;
            n = match_address(text, len, pos + open);
            if (n && open && !(pos + 1 + n < len && text[pos + 1 + n] == ']'))
                n = 0;
            if (n) {
                ok = put(&b, "[", open) && copy_or_mask(&b, flags & LC_MASK_IP, "<IP>", text + pos + open, n) &&
                     put(&b, "]", open);
                pos += open + n + open;
                size_t port = match_port(text, len, pos);
                if (port && ok) {
                    ok = put(&b, ":", 1) && copy_or_mask(&b, flags & LC_MASK_PORT, "<PORT>", text + pos + 1, port - 1);
                    pos += port;
                }
                continue;
            }
        }
        ok = put(&b, text + pos, 1);
        pos++;
    }
    if (!ok) {
        free(b.data);
        return lc_fail(LC_ERR_NOMEM, "out of memory masking an alert");
    }
    *out = b.data;
    *out_len = b.len;
    return LC_OK;
}

lc_status lc_mask_parse(const char *list, unsigned *flags)
{
    *flags = 0;
    if (strcmp(list, "") == 0 || strcmp(list, "none") == 0)
        return LC_OK;
    if (strcmp(list, "all") == 0) {
        *flags = LC_MASK_TIMESTAMP | LC_MASK_IP | LC_MASK_PORT;
        return LC_OK;
    }
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 9 && memcmp(p, "timestamp", 9) == 0)
            *flags |= LC_MASK_TIMESTAMP;
        else if (n == 2 && memcmp(p, "ip", 2) == 0)
            *flags |= LC_MASK_IP;
        else if (n == 4 && memcmp(p, "port", 4) == 0)
            *flags |= LC_MASK_PORT;
        else
            return lc_fail(LC_ERR_INVALID, "unknown mask '%.*s' (expected timestamp, ip, port, all or none)", (int)n, p);
        p += n + (comma ? 1 : 0);
    }
    return LC_OK;
}

lc_status lc_mask_alerts(lc_alert_set *set, unsigned flags)
{
    if (!flags)
        return LC_OK;
    for (size_t k = 0; k < set->count; k++) {
        lc_alert *alert = &set->alerts[k];
        char *masked;
        size_t masked_len;
        LC_TRY(lc_mask_text(alert->text, alert->text_len, flags, &masked, &masked_len));
        free(alert->text);
        alert->text = masked;
        alert->text_len = masked_len;
    }
    return LC_OK;
}
