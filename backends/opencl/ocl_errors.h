/* Error reporting of the OpenCL plugin: a thread-local message and the names of OpenCL and
 * CLBlast status codes. The plugin never prints; callers read the message through last_error(). */
#ifndef LSTMCORR_OCL_ERRORS_H
#define LSTMCORR_OCL_ERRORS_H

#include "lstmcorr/status.h"

/* "CL_OUT_OF_RESOURCES", or "unknown OpenCL status -123" (in a thread-local buffer). */
const char *ocl_cl_status_name(int status);
/* "CLBlastInvalidDimension"; OpenCL codes shared with CLBlast get their CL_ name. */
const char *ocl_clblast_status_name(int status);

const char *ocl_last_error(void);
/* Store a printf-style message and return status. */
lc_status ocl_fail(lc_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* "<call>: CL_...": the message for an OpenCL call that returned cl_status. */
lc_status ocl_fail_cl(const char *call, int cl_status);
/* Map an OpenCL status to an lc_status (allocation failures become LC_ERR_NOMEM). */
lc_status ocl_status_from_cl(int cl_status);

/* Check an OpenCL status: on failure, report the call and return from the enclosing function. */
#define OCL_CHECK(call_name, expr)                      \
    do {                                                \
        int ocl_check_status_ = (expr);                 \
        if (ocl_check_status_ != 0)                     \
            return ocl_fail_cl(call_name, ocl_check_status_); \
    } while (0)

#define OCL_TRY(expr)                       \
    do {                                    \
        lc_status ocl_try_status_ = (expr); \
        if (ocl_try_status_ != LC_OK)       \
            return ocl_try_status_;         \
    } while (0)

#endif
