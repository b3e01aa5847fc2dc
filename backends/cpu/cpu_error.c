/* The plugin's thread-local last-error message. */
#include <stdarg.h>
#include <stdio.h>

#include "cpu_internal.h"

static _Thread_local char last_error_message[512];

const char *cpu_last_error(void) { return last_error_message; }

lc_status cpu_fail(lc_status status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_error_message, sizeof last_error_message, fmt, args);
    va_end(args);
    return status;
}

lc_status cpu_check_buffer(const lc_buffer *b, size_t bytes, const char *what)
{
    if (!b)
        return cpu_fail(LC_ERR_INVALID, "%s buffer is NULL", what);
    if (b->bytes < bytes)
        return cpu_fail(LC_ERR_INVALID, "%s buffer holds %zu bytes, the op needs %zu", what, b->bytes,
                        bytes);
    return LC_OK;
}
