/* Status codes shared by the library, the plugin ABI and every backend. */
#ifndef LSTMCORR_STATUS_H
#define LSTMCORR_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lc_status {
    LC_OK = 0,
    LC_ERR_INVALID = 1,     /* bad argument or shape */
    LC_ERR_NOMEM = 2,       /* host or device allocation failed */
    LC_ERR_DEVICE = 3,      /* the device, driver or a vendor library failed */
    LC_ERR_UNSUPPORTED = 4, /* the backend does not implement this case */
    LC_ERR_IO = 5,          /* a file could not be read or written */
    LC_ERR_FORMAT = 6,      /* input data is malformed */
    LC_ERR_NOT_FOUND = 7,   /* plugin, symbol, device or file missing */
    LC_ERR_ABI = 8,         /* plugin built against an incompatible ABI */
    LC_ERR_INTERNAL = 9     /* a bug: an invariant of lstmcorr itself broke */
} lc_status;

/* Short constant name of a status ("LC_ERR_INVALID"). */
const char *lc_status_name(lc_status status);

#ifdef __cplusplus
}
#endif
#endif
