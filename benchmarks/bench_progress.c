/* A one-line progress indicator on stderr, only when stderr is a terminal (stdout stays clean). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "bench.h"

static int progress_enabled(void)
{
    static int enabled = -1;
    if (enabled < 0)
        enabled = isatty(STDERR_FILENO);
    return enabled;
}

void bench_progress(const char *fmt, ...)
{
    if (!progress_enabled())
        return;
    char line[160];
    va_list args;
    va_start(args, fmt);
    vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
}

void bench_progress_clear(void)
{
    if (progress_enabled()) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}
