/* NumPy .npy files of float32 matrices, so vectors can be inspected with numpy.load(). */
#ifndef LSTMCORR_NPY_H
#define LSTMCORR_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/status.h"

/* The complete header numpy 2.x writes (checked against 2.4) for a C-order '<f4' array of shape (rows, cols):
 * magic, version 1.0, length, the dict, spaces to a multiple of 64 bytes, '\n'. Writes at most
 * `capacity` bytes, returns the header's length (128 or less for every shape). */
size_t lc_npy_header_f32(int64_t rows, int64_t cols, char *out, size_t capacity);

/* Write data (rows x cols, row-major) to `path` atomically (temporary file, fsync, rename). */
lc_status lc_npy_write_f32(const char *path, const float *data, int64_t rows, int64_t cols);

/* Read a 2-D little-endian float32 C-order .npy (versions 1.0 to 3.0) into a malloc'ed array
 * (free() it). Anything else is LC_ERR_FORMAT saying what was found; LC_ERR_IO if unreadable. */
lc_status lc_npy_read_f32(const char *path, float **data, int64_t *rows, int64_t *cols);

#endif
