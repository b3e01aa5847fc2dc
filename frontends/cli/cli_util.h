/* Small helpers shared by the subcommands: option values, JSON output, messages. */
#ifndef LSTMCORR_CLI_UTIL_H
#define LSTMCORR_CLI_UTIL_H

#include <stdint.h>
#include <stdio.h>

/* Exit codes of every subcommand. */
enum { LC_EXIT_OK = 0, LC_EXIT_FAILURE = 1, LC_EXIT_USAGE = 2 };

/* Print "lstmcorr CMD: message" to stderr and return LC_EXIT_USAGE. */
int lc_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* length bytes of text, control bytes (but newline and tab) and invalid UTF-8 written as \xNN. */
void lc_write_escaped(FILE *out, const char *text, size_t length);

/* Print "lstmcorr CMD: message" to stderr and return LC_EXIT_FAILURE. Both error printers escape
 * the message as lc_write_escaped does. */
int lc_run_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The value after option argv[*i] (advancing *i), or NULL after printing a usage error. */
const char *lc_option_value(const char *cmd, int argc, char **argv, int *i);

/* Parse a whole decimal integer / float option value within [lo, hi]; 0 on success, else a usage
 * message was printed. */
int lc_parse_long(const char *cmd, const char *option, const char *text, long lo, long hi, long *out);
int lc_parse_double(const char *cmd, const char *option, const char *text, double lo, double hi,
                    double *out);

/* Write s as a JSON string literal (quotes included). */
void lc_json_string(FILE *out, const char *s);

/* Monotonic wall-clock seconds. */
double lc_now_seconds(void);

#endif
