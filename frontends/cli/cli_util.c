#define _POSIX_C_SOURCE 200809L
#include "cli_util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>

static void vreport(const char *cmd, const char *fmt, va_list args)
{
    fprintf(stderr, "lstmcorr %s: ", cmd);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
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
