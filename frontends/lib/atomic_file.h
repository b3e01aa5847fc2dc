/* Replacing a file atomically: readers see the old file or the complete new one, never a part. */
#ifndef LSTMCORR_ATOMIC_FILE_H
#define LSTMCORR_ATOMIC_FILE_H

#include <stddef.h>

#include "lstmcorr/status.h"

/* Write `bytes` bytes to `path`.tmp.<pid>, fsync it, rename it over `path` and fsync the folder.
 * On failure the temporary file is removed and `path` is untouched; LC_ERR_IO names the path. */
lc_status lc_atomic_file_write(const char *path, const void *data, size_t bytes);

#endif
