/*
 * Model files: a versioned little-endian container for a trained model.
 *
 * Layout (format version 1; every integer little-endian):
 *   8 bytes   magic "LSTMCORR"
 *   u32       format version (1)
 *   u32       configuration length C, then C bytes of UTF-8 "key=value\n" lines
 *   u32       tensor count T, then T times:
 *               u32 name length L, L bytes of UTF-8 name, u64 rows, u64 cols,
 *               rows * cols float32 values (IEEE 754, row-major)
 *   u32       CRC-32 (zlib's, see checksum.h) of every byte before it
 * A reader refuses a version newer than its own. New settings go into the configuration as new
 * keys, which older readers ignore, so the version changes only when the layout does.
 */
#ifndef LSTMCORR_MODEL_FILE_H
#define LSTMCORR_MODEL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/status.h"

#define LC_MODEL_MAGIC "LSTMCORR"
#define LC_MODEL_FORMAT_VERSION 1u

typedef struct lc_model lc_model;

typedef struct lc_model_tensor {
    const char *name;
    int64_t rows, cols;
    float *data; /* rows * cols values, owned by the model */
} lc_model_tensor;

lc_status lc_model_create(lc_model **out);
void lc_model_free(lc_model *model);

/* Configuration. Keys are non-empty runs of [A-Za-z0-9_.-]; values are any text without a
 * newline. Setting an existing key replaces its value; keys keep the order they were first set. */
lc_status lc_model_config_set(lc_model *model, const char *key, const char *value);
lc_status lc_model_config_set_int(lc_model *model, const char *key, int64_t value);
/* Written with 17 significant digits, so a double reads back exactly. */
lc_status lc_model_config_set_double(lc_model *model, const char *key, double value);
/* Written with the fewest digits (6 to 9) that read back as the same float. */
lc_status lc_model_config_set_float(lc_model *model, const char *key, float value);
/* The format version the model was read with (a new model: LC_MODEL_FORMAT_VERSION). */
uint32_t lc_model_format_version(const lc_model *model);
/* The value, or NULL when the key is absent. */
const char *lc_model_config_get(const lc_model *model, const char *key);
/* LC_ERR_NOT_FOUND when absent, LC_ERR_FORMAT when the value is not a number; both name the key. */
lc_status lc_model_config_get_int(const lc_model *model, const char *key, int64_t *out);
lc_status lc_model_config_get_double(const lc_model *model, const char *key, double *out);
int lc_model_config_count(const lc_model *model);
/* Key and value of entry `index` (0 <= index < count). */
void lc_model_config_entry(const lc_model *model, int index, const char **key, const char **value);

/* Add a copy of a rows x cols float32 tensor. Names are unique; rows and cols >= 1. */
lc_status lc_model_tensor_add(lc_model *model, const char *name, int64_t rows, int64_t cols,
                              const float *data);
/* The tensor, or NULL when absent. */
const lc_model_tensor *lc_model_tensor_find(const lc_model *model, const char *name);
int lc_model_tensor_count(const lc_model *model);
const lc_model_tensor *lc_model_tensor_at(const lc_model *model, int index);
/* The tensor `name` if it has shape rows x cols, else LC_ERR_FORMAT ("tensor 'wh' is 10 x 40,
 * expected 20 x 80") or LC_ERR_NOT_FOUND. `data` may be NULL. */
lc_status lc_model_tensor_expect(const lc_model *model, const char *name, int64_t rows,
                                 int64_t cols, const float **data);

/* The file image, malloc'ed into *bytes (free() it). */
lc_status lc_model_serialize(const lc_model *model, unsigned char **bytes, size_t *size);
/* Write `path` atomically (temporary file, fsync, rename): never a partial file. */
lc_status lc_model_save(const lc_model *model, const char *path);

/* Parse a file image. `source` names it in messages (the path). Errors, all LC_ERR_FORMAT:
 * not a model (empty, or no magic), newer or invalid format version, truncated (at byte N),
 * checksum mismatch, trailing bytes, malformed configuration, duplicate tensor, bad shape. */
lc_status lc_model_parse(const void *bytes, size_t size, const char *source, lc_model **out);
/* Read and parse `path`; LC_ERR_IO (with the path and the reason) when it cannot be read. */
lc_status lc_model_load(const char *path, lc_model **out);

#endif
