#define _POSIX_C_SOURCE 200809L
#include "cli_util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 when s does not start one. */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
    size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || n > left || (n == 2 && s[0] < 0xc2))
        return 0;
    for (size_t k = 1; k < n; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    return n;
}

void lc_write_escaped(FILE *out, const char *text, size_t length)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t left = length;
    while (left > 0) {
        size_t n = utf8_sequence(s, left);
        if (n == 0 || (n == 1 && ((*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f))) {
            fprintf(out, "\\x%02x", *s);
            n = 1;
        } else {
            fwrite(s, 1, n, out);
        }
        s += n;
        left -= n;
    }
}

/* Messages quote what users and attackers wrote (alert text): control bytes and invalid UTF-8 are
 * printed as \xNN, so a message can never drive the terminal. */
static void vreport(const char *cmd, const char *fmt, va_list args)
{
    char small[1024];
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    char *text = small;
    if (length >= (int)sizeof small && (text = malloc((size_t)length + 1)) != NULL)
        vsnprintf(text, (size_t)length + 1, fmt, args);
    fprintf(stderr, "lstmcorr %s: ", cmd);
    text = text ? text : small;
    lc_write_escaped(stderr, text, strlen(text));
    fputc('\n', stderr);
    if (text != small)
        free(text);
}

int lc_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vreport(cmd, fmt, args);
    va_end(args);
    fprintf(stderr, "Try 'lstmcorr %s --help'.\n", cmd);
    return LC_EXIT_USAGE;
}

int lc_run_error(const char *cmd, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vreport(cmd, fmt, args);
    va_end(args);
    return LC_EXIT_FAILURE;
}

const char *lc_option_value(const char *cmd, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        lc_usage_error(cmd, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int lc_parse_long(const char *cmd, const char *option, const char *text, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long value = text ? strtol(text, &end, 10) : 0;
    if (text == NULL || text[0] == '\0' || *end != '\0' || errno || value < lo || value > hi) {
        lc_usage_error(cmd, "%s expects an integer in [%ld, %ld], got '%s'", option, lo, hi,
                       text ? text : "");
        return -1;
    }
    *out = value;
    return 0;
}

int lc_parse_double(const char *cmd, const char *option, const char *text, double lo, double hi,
                    double *out)
{
    char *end = NULL;
    errno = 0;
    double value = text ? strtod(text, &end) : 0;
    if (text == NULL || text[0] == '\0' || *end != '\0' || errno || !isfinite(value) || value < lo ||
        value > hi) {
        lc_usage_error(cmd, "%s expects a number in [%g, %g], got '%s'", option, lo, hi,
                       text ? text : "");
        return -1;
    }
    *out = value;
    return 0;
}

void lc_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20 || *p >= 0x7f)
                fprintf(out, "\\u%04x", *p); /* bytes outside ASCII are shown, never passed raw */
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

double lc_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
