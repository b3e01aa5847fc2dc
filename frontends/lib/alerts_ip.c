/* IPv4/IPv6 text to 16 bytes, so that label compares addresses, not spellings. */
#include "alerts.h"

#include <string.h>

static int parse_ipv4(const char *text, size_t len, uint8_t out[4])
{
    size_t pos = 0;
    for (int octet = 0; octet < 4; octet++) {
        if (octet > 0) {
            if (pos >= len || text[pos] != '.')
                return 0;
            pos++;
        }
        unsigned value = 0;
        size_t digits = 0;
        while (pos < len && text[pos] >= '0' && text[pos] <= '9' && digits < 4) {
            value = value * 10 + (unsigned)(text[pos] - '0');
            pos++;
            digits++;
        }
        if (digits == 0 || digits > 3 || value > 255)
            return 0;
        out[octet] = (uint8_t)value;
    }
    return pos == len;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int parse_ipv6(const char *text, size_t len, uint8_t out[16])
{
    uint16_t groups[8];
    int count = 0, gap = -1;
    size_t pos = 0;
    if (len >= 2 && text[0] == ':' && text[1] == ':') {
        gap = 0;
        pos = 2;
    } else if (len >= 1 && text[0] == ':') {
        return 0;
    }
    while (pos < len) {
        /* A trailing dotted quad stands for the last two groups. */
        size_t end = pos;
        while (end < len && text[end] != ':')
            end++;
        if (memchr(text + pos, '.', end - pos)) {
            uint8_t v4[4];
            if (end != len || count > 6 || !parse_ipv4(text + pos, end - pos, v4))
                return 0;
            groups[count++] = (uint16_t)(v4[0] << 8 | v4[1]);
            groups[count++] = (uint16_t)(v4[2] << 8 | v4[3]);
            pos = end;
            break;
        }
        if (end == pos || end - pos > 4 || count >= 8)
            return 0;
        unsigned value = 0;
        for (size_t k = pos; k < end; k++) {
            int h = hex_value(text[k]);
            if (h < 0)
                return 0;
            value = value << 4 | (unsigned)h;
        }
        groups[count++] = (uint16_t)value;
        pos = end;
        if (pos == len)
            break;
        pos++; /* ':' */
        if (pos < len && text[pos] == ':') {
            if (gap >= 0)
                return 0;
            gap = count;
            pos++;
        } else if (pos == len) {
            return 0; /* trailing single ':' */
        }
    }
    if (gap < 0 && count != 8)
        return 0;
    if (gap >= 0 && count > 7)
        return 0;
    memset(out, 0, 16);
    int tail = gap >= 0 ? count - gap : 0;
    int head = count - tail;
    for (int k = 0; k < head; k++) {
        out[2 * k] = (uint8_t)(groups[k] >> 8);
        out[2 * k + 1] = (uint8_t)groups[k];
    }
    for (int k = 0; k < tail; k++) {
        int slot = 8 - tail + k;
        out[2 * slot] = (uint8_t)(groups[head + k] >> 8);
        out[2 * slot + 1] = (uint8_t)groups[head + k];
    }
    return 1;
}

int lc_ip_parse(const char *text, size_t len, uint8_t out[16])
{
    uint8_t v4[4];
    if (parse_ipv4(text, len, v4)) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        memcpy(out, mapped, 12);
        memcpy(out + 12, v4, 4);
        return 1;
    }
    return parse_ipv6(text, len, out);
}

int lc_ip_equal(const char *a, const char *b)
{
    uint8_t x[16], y[16];
    if (!lc_ip_parse(a, strlen(a), x) || !lc_ip_parse(b, strlen(b), y))
        return 0;
    return memcmp(x, y, 16) == 0;
}
