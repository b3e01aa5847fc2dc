/* Status names and the thread-local error message of the library. */
#include <stdarg.h>
#include <stdio.h>

#include "lstmcorr/engine.h"

static _Thread_local char lc_error_message[2048];

const char *lc_status_name(lc_status status)
{
    switch (status) {
    case LC_OK: return "LC_OK";
    case LC_ERR_INVALID: return "LC_ERR_INVALID";
    case LC_ERR_NOMEM: return "LC_ERR_NOMEM";
    case LC_ERR_DEVICE: return "LC_ERR_DEVICE";
    case LC_ERR_UNSUPPORTED: return "LC_ERR_UNSUPPORTED";
    case LC_ERR_IO: return "LC_ERR_IO";
    case LC_ERR_FORMAT: return "LC_ERR_FORMAT";
    case LC_ERR_NOT_FOUND: return "LC_ERR_NOT_FOUND";
    case LC_ERR_ABI: return "LC_ERR_ABI";
    case LC_ERR_INTERNAL: return "LC_ERR_INTERNAL";
    }
    return "LC_ERR_UNKNOWN";
}

const char *lc_last_error(void)
{
    return lc_error_message;
}

lc_status lc_fail(lc_status status, const char *fmt, ...)
{
    /* Format into a scratch buffer first: callers may pass lc_last_error() as an argument. */
    char scratch[sizeof lc_error_message];
    va_list args;
    va_start(args, fmt);
    vsnprintf(scratch, sizeof scratch, fmt, args);
    va_end(args);
    snprintf(lc_error_message, sizeof lc_error_message, "%s", scratch);
    return status;
}
