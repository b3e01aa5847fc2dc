#define _POSIX_C_SOURCE 200809L

#include "npy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "lstmcorr/engine.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_BYTES 6u
#define NPY_PREFIX_BYTES 10u /* magic, 2 version bytes, u16 header length (version 1.0) */
#define NPY_ALIGN 64u
/* numpy leaves room for the first dimension to grow to 21 digits without rewriting the file. */
#define NPY_GROWTH_DIGITS 21

size_t lc_npy_header_f32(int64_t rows, int64_t cols, char *out, size_t capacity)
{
    char dict[160];
    int dict_len = snprintf(dict, sizeof dict,
                            "{'descr': '<f4', 'fortran_order': False, 'shape': (%" PRId64
                            ", %" PRId64 "), }",
                            rows, cols);
    char digits[32];
    int row_digits = snprintf(digits, sizeof digits, "%" PRId64, rows);
    size_t text_len = (size_t)dict_len + (size_t)(NPY_GROWTH_DIGITS - row_digits);
    /* numpy pads so that prefix + text + '\n' is a multiple of 64, adding a full 64 when it
     * already is one. */
    size_t padding = NPY_ALIGN - ((NPY_PREFIX_BYTES + text_len + 1) % NPY_ALIGN);
    size_t header_len = text_len + padding + 1;
    size_t total = NPY_PREFIX_BYTES + header_len;

    char header[256];
    memcpy(header, NPY_MAGIC, NPY_MAGIC_BYTES);
    header[6] = 1;
    header[7] = 0;
    header[8] = (char)(header_len & 0xff);
    header[9] = (char)(header_len >> 8);
    memcpy(header + NPY_PREFIX_BYTES, dict, (size_t)dict_len);
    memset(header + NPY_PREFIX_BYTES + dict_len, ' ', total - NPY_PREFIX_BYTES - (size_t)dict_len - 1);
    header[total - 1] = '\n';
    memcpy(out, header, total < capacity ? total : capacity);
    return total;
}

lc_status lc_npy_write_f32(const char *path, const float *data, int64_t rows, int64_t cols)
{
    if (path == NULL || rows < 0 || cols < 0 || (data == NULL && rows * cols > 0))
        return lc_fail(LC_ERR_INVALID, "npy write: bad arguments (%" PRId64 " x %" PRId64 ")",
                       rows, cols);
    if (cols > 0 && (uint64_t)rows > (SIZE_MAX - 256) / sizeof(float) / (uint64_t)cols)
        return lc_fail(LC_ERR_INVALID, "npy write: %" PRId64 " x %" PRId64 " is too large", rows,
                       cols);
    size_t data_bytes = (size_t)rows * (size_t)cols * sizeof(float);
    char header[256];
    size_t header_bytes = lc_npy_header_f32(rows, cols, header, sizeof header);
    unsigned char *image = malloc(header_bytes + data_bytes);
    if (image == NULL)
        return lc_fail(LC_ERR_NOMEM, "npy write '%s': out of memory", path);
    memcpy(image, header, header_bytes);
    /* '<f4' is little-endian; write each value's bytes in that order whatever the host is. */
    unsigned char *p = image + header_bytes;
    size_t count = (size_t)rows * (size_t)cols;
    for (size_t i = 0; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, &data[i], sizeof bits);
        for (int b = 0; b < 4; b++)
            *p++ = (unsigned char)(bits >> (8 * b));
    }
    lc_status status = lc_atomic_file_write(path, image, header_bytes + data_bytes);
    free(image);
    return status;
}

/* The text after "'key':" in the header dict, spaces skipped, or NULL. */
static const char *dict_value(const char *dict, const char *key)
{
    const char *at = strstr(dict, key);
    if (at == NULL)
        return NULL;
    at += strlen(key);
    while (*at == ' ')
        at++;
    if (*at != ':')
        return NULL;
    at++;
    while (*at == ' ')
        at++;
    return at;
}

static lc_status parse_header(const char *path, const char *dict, int64_t *rows, int64_t *cols)
{
    const char *descr = dict_value(dict, "'descr'");
    if (descr == NULL || strncmp(descr, "'<f4'", 5) != 0)
        return lc_fail(LC_ERR_FORMAT, "'%s': not little-endian float32 (header %s)", path, dict);
    const char *order = dict_value(dict, "'fortran_order'");
    if (order == NULL || strncmp(order, "False", 5) != 0)
        return lc_fail(LC_ERR_FORMAT, "'%s': not C order (header %s)", path, dict);
    const char *shape = dict_value(dict, "'shape'");
    long long r = -1, c = -1;
    int used = 0;
    if (shape == NULL || sscanf(shape, "(%lld ,%lld )%n", &r, &c, &used) != 2 || used == 0 ||
        r < 0 || c < 0)
        return lc_fail(LC_ERR_FORMAT, "'%s': not a 2-D array (header %s)", path, dict);
    *rows = r;
    *cols = c;
    return LC_OK;
}

static lc_status read_exact(FILE *file, const char *path, void *dst, size_t bytes, const char *what)
{
    if (fread(dst, 1, bytes, file) != bytes)
        return lc_fail(ferror(file) ? LC_ERR_IO : LC_ERR_FORMAT, "'%s': truncated in the %s", path,
                       what);
    return LC_OK;
}

static lc_status read_open_file(FILE *file, const char *path, float **data, int64_t *rows,
                                int64_t *cols)
{
    unsigned char prefix[12];
    LC_TRY(read_exact(file, path, prefix, 8, "magic"));
    if (memcmp(prefix, NPY_MAGIC, NPY_MAGIC_BYTES) != 0)
        return lc_fail(LC_ERR_FORMAT, "'%s' is not a .npy file (no \\x93NUMPY magic)", path);
    unsigned major = prefix[6];
    size_t header_len;
    if (major == 1) {
        LC_TRY(read_exact(file, path, prefix + 8, 2, "header length"));
        header_len = (size_t)prefix[8] | (size_t)prefix[9] << 8;
    } else if (major == 2 || major == 3) {
        LC_TRY(read_exact(file, path, prefix + 8, 4, "header length"));
        header_len = (size_t)prefix[8] | (size_t)prefix[9] << 8 | (size_t)prefix[10] << 16 |
                     (size_t)prefix[11] << 24;
    } else {
        return lc_fail(LC_ERR_FORMAT, "'%s': .npy version %u.%u is not supported", path, major,
                       (unsigned)prefix[7]);
    }
    if (header_len > (1u << 20))
        return lc_fail(LC_ERR_FORMAT, "'%s': .npy header of %zu bytes", path, header_len);
    char *dict = malloc(header_len + 1);
    if (dict == NULL)
        return lc_fail(LC_ERR_NOMEM, "'%s': out of memory", path);
    lc_status status = read_exact(file, path, dict, header_len, "header");
    if (status == LC_OK) {
        dict[header_len] = '\0';
        status = parse_header(path, dict, rows, cols);
    }
    free(dict);
    LC_TRY(status);
    if (*cols > 0 && (uint64_t)*rows > SIZE_MAX / sizeof(float) / (uint64_t)*cols)
        return lc_fail(LC_ERR_FORMAT, "'%s': shape %" PRId64 " x %" PRId64 " is too large", path,
                       *rows, *cols);
    size_t count = (size_t)*rows * (size_t)*cols;
    unsigned char *raw = malloc(count * sizeof(float) + 1);
    if (raw == NULL)
        return lc_fail(LC_ERR_NOMEM, "'%s': out of memory for %zu values", path, count);
    status = read_exact(file, path, raw, count * sizeof(float), "data");
    if (status == LC_OK && fgetc(file) != EOF)
        status = lc_fail(LC_ERR_FORMAT, "'%s': bytes beyond the %" PRId64 " x %" PRId64 " data",
                         path, *rows, *cols);
    if (status != LC_OK) {
        free(raw);
        return status;
    }
    /* Decode in place: value i's 4 bytes become the float at index i. */
    float *values = (float *)(void *)raw;
    for (size_t i = 0; i < count; i++) {
        const unsigned char *b = raw + 4 * i;
        uint32_t bits = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                        (uint32_t)b[3] << 24;
        memcpy(&values[i], &bits, sizeof bits);
    }
    *data = values;
    return LC_OK;
}

lc_status lc_npy_read_f32(const char *path, float **data, int64_t *rows, int64_t *cols)
{
    if (path == NULL || data == NULL || rows == NULL || cols == NULL)
        return lc_fail(LC_ERR_INVALID, "npy read: NULL argument");
    *data = NULL;
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return lc_fail(LC_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    lc_status status = read_open_file(file, path, data, rows, cols);
    fclose(file);
    return status;
}
