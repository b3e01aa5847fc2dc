#define _POSIX_C_SOURCE 200809L

#include "model_file.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "checksum.h"
#include "lstmcorr/engine.h"

#define MODEL_MAGIC_BYTES 8u
/* Longer names are certainly corruption; the limit keeps a flipped length from allocating GiB. */
#define MODEL_TENSOR_NAME_MAX 4096u

typedef struct model_config_entry {
    char *key;
    char *value;
} model_config_entry;

struct lc_model {
    model_config_entry *config;
    int config_count, config_capacity;
    lc_model_tensor *tensors; /* name and data owned */
    int tensor_count, tensor_capacity;
    uint32_t format_version; /* the file's, or LC_MODEL_FORMAT_VERSION for a new model */
};

/* ---- in memory ---------------------------------------------------------------------------- */

lc_status lc_model_create(lc_model **out)
{
    if (out == NULL)
        return lc_fail(LC_ERR_INVALID, "lc_model_create: NULL output");
    *out = calloc(1, sizeof(lc_model));
    if (*out == NULL)
        return lc_fail(LC_ERR_NOMEM, "model: out of memory");
    (*out)->format_version = LC_MODEL_FORMAT_VERSION;
    return LC_OK;
}

void lc_model_free(lc_model *model)
{
    if (model == NULL)
        return;
    for (int i = 0; i < model->config_count; i++) {
        free(model->config[i].key);
        free(model->config[i].value);
    }
    for (int i = 0; i < model->tensor_count; i++) {
        free((char *)model->tensors[i].name);
        free(model->tensors[i].data);
    }
    free(model->config);
    free(model->tensors);
    free(model);
}

static int config_key_is_valid(const char *key, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = key[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

static int config_find(const lc_model *model, const char *key)
{
    for (int i = 0; i < model->config_count; i++)
        if (strcmp(model->config[i].key, key) == 0)
            return i;
    return -1;
}

static char *copy_text(const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy != NULL) {
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    return copy;
}

/* Lengths are explicit so the parser can store slices of the file without copying them first. */
static lc_status config_put(lc_model *model, const char *key, size_t key_len, const char *value,
                            size_t value_len)
{
    char *value_copy = copy_text(value, value_len);
    char *key_copy = copy_text(key, key_len);
    if (value_copy == NULL || key_copy == NULL) {
        free(value_copy);
        free(key_copy);
        return lc_fail(LC_ERR_NOMEM, "model configuration: out of memory");
    }
    int existing = config_find(model, key_copy);
    if (existing >= 0) {
        free(key_copy);
        free(model->config[existing].value);
        model->config[existing].value = value_copy;
        return LC_OK;
    }
    if (model->config_count == model->config_capacity) {
        int capacity = model->config_capacity ? 2 * model->config_capacity : 16;
        model_config_entry *grown = realloc(model->config, (size_t)capacity * sizeof(*grown));
        if (grown == NULL) {
            free(key_copy);
            free(value_copy);
            return lc_fail(LC_ERR_NOMEM, "model configuration: out of memory");
        }
        model->config = grown;
        model->config_capacity = capacity;
    }
    model->config[model->config_count].key = key_copy;
    model->config[model->config_count].value = value_copy;
    model->config_count++;
    return LC_OK;
}

lc_status lc_model_config_set(lc_model *model, const char *key, const char *value)
{
    if (model == NULL || key == NULL || value == NULL)
        return lc_fail(LC_ERR_INVALID, "lc_model_config_set: NULL argument");
    if (!config_key_is_valid(key, strlen(key)))
        return lc_fail(LC_ERR_INVALID,
                       "model configuration key '%s' is not a run of [A-Za-z0-9_.-]", key);
    if (strchr(value, '\n') != NULL)
        return lc_fail(LC_ERR_INVALID, "model configuration value of '%s' contains a newline", key);
    return config_put(model, key, strlen(key), value, strlen(value));
}

lc_status lc_model_config_set_int(lc_model *model, const char *key, int64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, value);
    return lc_model_config_set(model, key, text);
}

lc_status lc_model_config_set_double(lc_model *model, const char *key, double value)
{
    char text[40];
    snprintf(text, sizeof text, "%.17g", value);
    return lc_model_config_set(model, key, text);
}

lc_status lc_model_config_set_float(lc_model *model, const char *key, float value)
{
    char text[40];
    for (int digits = 6; digits <= 9; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, (double)value);
        if ((float)strtod(text, NULL) == value)
            break;
    }
    return lc_model_config_set(model, key, text);
}

uint32_t lc_model_format_version(const lc_model *model)
{
    return model->format_version;
}

const char *lc_model_config_get(const lc_model *model, const char *key)
{
    if (model == NULL || key == NULL)
        return NULL;
    int index = config_find(model, key);
    return index < 0 ? NULL : model->config[index].value;
}

static lc_status config_require(const lc_model *model, const char *key, const char **value)
{
    *value = lc_model_config_get(model, key);
    if (*value == NULL)
        return lc_fail(LC_ERR_NOT_FOUND, "model has no configuration key '%s'", key);
    return LC_OK;
}

lc_status lc_model_config_get_int(const lc_model *model, const char *key, int64_t *out)
{
    const char *value;
    LC_TRY(config_require(model, key, &value));
    char *end = NULL;
    errno = 0;
    long long parsed = strtoll(value, &end, 10);
    if (end == value || *end != '\0' || errno == ERANGE)
        return lc_fail(LC_ERR_FORMAT, "model configuration '%s' is '%s', not a 64-bit integer",
                       key, value);
    *out = (int64_t)parsed;
    return LC_OK;
}

lc_status lc_model_config_get_double(const lc_model *model, const char *key, double *out)
{
    const char *value;
    LC_TRY(config_require(model, key, &value));
    char *end = NULL;
    errno = 0;
    double parsed = strtod(value, &end);
    if (end == value || *end != '\0' || errno == ERANGE)
        return lc_fail(LC_ERR_FORMAT, "model configuration '%s' is '%s', not a number", key,
                       value);
    *out = parsed;
    return LC_OK;
}

int lc_model_config_count(const lc_model *model)
{
    return model == NULL ? 0 : model->config_count;
}

void lc_model_config_entry(const lc_model *model, int index, const char **key, const char **value)
{
    *key = model->config[index].key;
    *value = model->config[index].value;
}

static int tensor_index(const lc_model *model, const char *name, size_t name_len)
{
    for (int i = 0; i < model->tensor_count; i++)
        if (strlen(model->tensors[i].name) == name_len &&
            memcmp(model->tensors[i].name, name, name_len) == 0)
            return i;
    return -1;
}

/* The shape check of both the API and the parser: sizes must fit memory and a size_t. */
static int tensor_shape_is_valid(uint64_t rows, uint64_t cols)
{
    return rows >= 1 && cols >= 1 && rows <= (uint64_t)INT64_MAX && cols <= (uint64_t)INT64_MAX &&
           rows <= SIZE_MAX / sizeof(float) / cols;
}

/* Appends a tensor whose data the caller has already allocated; takes ownership of it. */
static lc_status tensor_append(lc_model *model, const char *name, size_t name_len, int64_t rows,
                               int64_t cols, float *data)
{
    char *name_copy = copy_text(name, name_len);
    if (name_copy == NULL) {
        free(data);
        return lc_fail(LC_ERR_NOMEM, "model tensor: out of memory");
    }
    if (model->tensor_count == model->tensor_capacity) {
        int capacity = model->tensor_capacity ? 2 * model->tensor_capacity : 16;
        lc_model_tensor *grown = realloc(model->tensors, (size_t)capacity * sizeof(*grown));
        if (grown == NULL) {
            free(name_copy);
            free(data);
            return lc_fail(LC_ERR_NOMEM, "model tensor: out of memory");
        }
        model->tensors = grown;
        model->tensor_capacity = capacity;
    }
    lc_model_tensor *t = &model->tensors[model->tensor_count++];
    t->name = name_copy;
    t->rows = rows;
    t->cols = cols;
    t->data = data;
    return LC_OK;
}

lc_status lc_model_tensor_add(lc_model *model, const char *name, int64_t rows, int64_t cols,
                              const float *data)
{
    if (model == NULL || name == NULL || data == NULL)
        return lc_fail(LC_ERR_INVALID, "lc_model_tensor_add: NULL argument");
    size_t name_len = strlen(name);
    if (name_len == 0 || name_len > MODEL_TENSOR_NAME_MAX)
        return lc_fail(LC_ERR_INVALID, "model tensor name must have 1 to %u bytes",
                       MODEL_TENSOR_NAME_MAX);
    if (rows < 1 || cols < 1 || !tensor_shape_is_valid((uint64_t)rows, (uint64_t)cols))
        return lc_fail(LC_ERR_INVALID, "model tensor '%s' has bad shape %" PRId64 " x %" PRId64,
                       name, rows, cols);
    if (tensor_index(model, name, name_len) >= 0)
        return lc_fail(LC_ERR_INVALID, "model already has a tensor '%s'", name);
    size_t bytes = (size_t)rows * (size_t)cols * sizeof(float);
    float *copy = malloc(bytes);
    if (copy == NULL)
        return lc_fail(LC_ERR_NOMEM, "model tensor '%s': out of memory", name);
    memcpy(copy, data, bytes);
    return tensor_append(model, name, name_len, rows, cols, copy);
}

const lc_model_tensor *lc_model_tensor_find(const lc_model *model, const char *name)
{
    if (model == NULL || name == NULL)
        return NULL;
    int index = tensor_index(model, name, strlen(name));
    return index < 0 ? NULL : &model->tensors[index];
}

int lc_model_tensor_count(const lc_model *model)
{
    return model == NULL ? 0 : model->tensor_count;
}

const lc_model_tensor *lc_model_tensor_at(const lc_model *model, int index)
{
    return &model->tensors[index];
}

lc_status lc_model_tensor_expect(const lc_model *model, const char *name, int64_t rows,
                                 int64_t cols, const float **data)
{
    const lc_model_tensor *t = lc_model_tensor_find(model, name);
    if (t == NULL)
        return lc_fail(LC_ERR_NOT_FOUND, "model has no tensor '%s'", name ? name : "(null)");
    if (t->rows != rows || t->cols != cols)
        return lc_fail(LC_ERR_FORMAT,
                       "model tensor '%s' is %" PRId64 " x %" PRId64 ", expected %" PRId64
                       " x %" PRId64,
                       name, t->rows, t->cols, rows, cols);
    if (data != NULL)
        *data = t->data;
    return LC_OK;
}

/* ---- writing ------------------------------------------------------------------------------ */

static unsigned char *put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return p + 4;
}

static unsigned char *put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return p + 8;
}

static size_t config_bytes(const lc_model *model)
{
    size_t bytes = 0;
    for (int i = 0; i < model->config_count; i++)
        bytes += strlen(model->config[i].key) + 1 + strlen(model->config[i].value) + 1;
    return bytes;
}

lc_status lc_model_serialize(const lc_model *model, unsigned char **bytes, size_t *size)
{
    if (model == NULL || bytes == NULL || size == NULL)
        return lc_fail(LC_ERR_INVALID, "lc_model_serialize: NULL argument");
    size_t config_len = config_bytes(model);
    if (config_len > UINT32_MAX)
        return lc_fail(LC_ERR_INVALID, "model configuration exceeds 4 GiB");
    size_t total = MODEL_MAGIC_BYTES + 4 + 4 + config_len + 4 + 4;
    for (int i = 0; i < model->tensor_count; i++) {
        const lc_model_tensor *t = &model->tensors[i];
        total += 4 + strlen(t->name) + 16 + (size_t)t->rows * (size_t)t->cols * sizeof(float);
    }
    unsigned char *image = malloc(total);
    if (image == NULL)
        return lc_fail(LC_ERR_NOMEM, "model file: out of memory for %zu bytes", total);

    unsigned char *p = image;
    memcpy(p, LC_MODEL_MAGIC, MODEL_MAGIC_BYTES);
    p += MODEL_MAGIC_BYTES;
    p = put_u32(p, LC_MODEL_FORMAT_VERSION);
    p = put_u32(p, (uint32_t)config_len);
    for (int i = 0; i < model->config_count; i++) {
        size_t key_len = strlen(model->config[i].key), value_len = strlen(model->config[i].value);
        memcpy(p, model->config[i].key, key_len);
        p += key_len;
        *p++ = '=';
        memcpy(p, model->config[i].value, value_len);
        p += value_len;
        *p++ = '\n';
    }
    p = put_u32(p, (uint32_t)model->tensor_count);
    for (int i = 0; i < model->tensor_count; i++) {
        const lc_model_tensor *t = &model->tensors[i];
        size_t name_len = strlen(t->name);
        p = put_u32(p, (uint32_t)name_len);
        memcpy(p, t->name, name_len);
        p += name_len;
        p = put_u64(p, (uint64_t)t->rows);
        p = put_u64(p, (uint64_t)t->cols);
        size_t count = (size_t)t->rows * (size_t)t->cols;
        for (size_t k = 0; k < count; k++) {
            uint32_t bits;
            memcpy(&bits, &t->data[k], sizeof bits);
            p = put_u32(p, bits);
        }
    }
    p = put_u32(p, lc_crc32(0, image, (size_t)(p - image)));
    *bytes = image;
    *size = total;
    return LC_OK;
}

lc_status lc_model_save(const lc_model *model, const char *path)
{
    unsigned char *image = NULL;
    size_t size = 0;
    LC_TRY(lc_model_serialize(model, &image, &size));
    lc_status status = lc_atomic_file_write(path, image, size);
    free(image);
    return status;
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct model_reader {
    const unsigned char *bytes;
    size_t size, pos;
    const char *source;
} model_reader;

static lc_status reader_need(const model_reader *r, uint64_t bytes, const char *what)
{
    if (bytes > r->size - r->pos)
        return lc_fail(LC_ERR_FORMAT,
                       "'%s' is truncated at byte %zu: the %s at byte %zu needs %" PRIu64
                       " bytes, %zu remain",
                       r->source, r->size, what, r->pos, bytes, r->size - r->pos);
    return LC_OK;
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static lc_status reader_u32(model_reader *r, const char *what, uint32_t *out)
{
    LC_TRY(reader_need(r, 4, what));
    *out = get_u32(r->bytes + r->pos);
    r->pos += 4;
    return LC_OK;
}

static lc_status reader_u64(model_reader *r, const char *what, uint64_t *out)
{
    LC_TRY(reader_need(r, 8, what));
    *out = get_u64(r->bytes + r->pos);
    r->pos += 8;
    return LC_OK;
}

static lc_status parse_config(const model_reader *r, const char *text, size_t len, lc_model *model)
{
    size_t start = 0;
    int line = 1;
    while (start < len) {
        const char *newline = memchr(text + start, '\n', len - start);
        if (newline == NULL)
            return lc_fail(LC_ERR_FORMAT, "'%s': configuration line %d does not end in a newline",
                           r->source, line);
        size_t line_len = (size_t)(newline - (text + start));
        const char *line_text = text + start;
        const char *equals = memchr(line_text, '=', line_len);
        if (equals == NULL || memchr(line_text, '\0', line_len) != NULL)
            return lc_fail(LC_ERR_FORMAT, "'%s': configuration line %d is not key=value",
                           r->source, line);
        size_t key_len = (size_t)(equals - line_text);
        if (!config_key_is_valid(line_text, key_len))
            return lc_fail(LC_ERR_FORMAT, "'%s': configuration line %d has a bad key", r->source,
                           line);
        char key[256];
        if (key_len >= sizeof key)
            return lc_fail(LC_ERR_FORMAT, "'%s': configuration line %d has a key over 255 bytes",
                           r->source, line);
        memcpy(key, line_text, key_len);
        key[key_len] = '\0';
        if (config_find(model, key) >= 0)
            return lc_fail(LC_ERR_FORMAT, "'%s': configuration key '%s' appears twice", r->source,
                           key);
        LC_TRY(config_put(model, line_text, key_len, equals + 1, line_len - key_len - 1));
        start += line_len + 1;
        line++;
    }
    return LC_OK;
}

/* One walk over the layout. Without a model it only checks that every length fits the file
 * (so truncation is told apart from corruption before the checksum is read); with a model it
 * also builds it and checks what the checksum cannot: names, shapes, the configuration. */
static lc_status walk_layout(model_reader *r, lc_model *model)
{
    r->pos = MODEL_MAGIC_BYTES + 4;
    uint32_t config_len, tensor_count;
    LC_TRY(reader_u32(r, "configuration length", &config_len));
    LC_TRY(reader_need(r, config_len, "configuration"));
    if (model != NULL)
        LC_TRY(parse_config(r, (const char *)r->bytes + r->pos, config_len, model));
    r->pos += config_len;
    LC_TRY(reader_u32(r, "tensor count", &tensor_count));
    for (uint32_t i = 0; i < tensor_count; i++) {
        uint32_t name_len;
        uint64_t rows, cols;
        LC_TRY(reader_u32(r, "tensor name length", &name_len));
        if (name_len == 0 || name_len > MODEL_TENSOR_NAME_MAX)
            return lc_fail(LC_ERR_FORMAT, "'%s': tensor %u has a name of %u bytes (1 to %u allowed)",
                           r->source, i, name_len, MODEL_TENSOR_NAME_MAX);
        LC_TRY(reader_need(r, name_len, "tensor name"));
        const char *name = (const char *)r->bytes + r->pos;
        r->pos += name_len;
        LC_TRY(reader_u64(r, "tensor rows", &rows));
        LC_TRY(reader_u64(r, "tensor cols", &cols));
        int name_len_printable = (int)name_len;
        if (!tensor_shape_is_valid(rows, cols))
            return lc_fail(LC_ERR_FORMAT, "'%s': tensor '%.*s' has bad shape %" PRIu64 " x %" PRIu64,
                           r->source, name_len_printable, name, rows, cols);
        uint64_t data_bytes = rows * cols * sizeof(float);
        LC_TRY(reader_need(r, data_bytes, "tensor data"));
        if (model != NULL) {
            if (memchr(name, '\0', name_len) != NULL)
                return lc_fail(LC_ERR_FORMAT, "'%s': tensor %u has a NUL byte in its name",
                               r->source, i);
            if (tensor_index(model, name, name_len) >= 0)
                return lc_fail(LC_ERR_FORMAT, "'%s': duplicate tensor '%.*s'", r->source,
                               name_len_printable, name);
            size_t count = (size_t)rows * (size_t)cols;
            float *data = malloc((size_t)data_bytes);
            if (data == NULL)
                return lc_fail(LC_ERR_NOMEM, "'%s': out of memory for tensor '%.*s'", r->source,
                               name_len_printable, name);
            const unsigned char *p = r->bytes + r->pos;
            for (size_t k = 0; k < count; k++) {
                uint32_t bits = get_u32(p + 4 * k);
                memcpy(&data[k], &bits, sizeof bits);
            }
            LC_TRY(tensor_append(model, name, name_len, (int64_t)rows, (int64_t)cols, data));
        }
        r->pos += (size_t)data_bytes;
    }
    LC_TRY(reader_need(r, 4, "checksum"));
    return LC_OK;
}

lc_status lc_model_parse(const void *bytes, size_t size, const char *source, lc_model **out)
{
    if ((bytes == NULL && size > 0) || out == NULL)
        return lc_fail(LC_ERR_INVALID, "lc_model_parse: NULL argument");
    *out = NULL;
    if (source == NULL)
        source = "(memory)";
    model_reader r = {bytes, size, 0, source};
    if (size == 0)
        return lc_fail(LC_ERR_FORMAT, "'%s' is empty, not an lstmcorr model", source);
    size_t magic_seen = size < MODEL_MAGIC_BYTES ? size : MODEL_MAGIC_BYTES;
    if (memcmp(bytes, LC_MODEL_MAGIC, magic_seen) != 0)
        return lc_fail(LC_ERR_FORMAT, "'%s' is not an lstmcorr model (no %s magic)", source,
                       LC_MODEL_MAGIC);
    LC_TRY(reader_need(&r, MODEL_MAGIC_BYTES, "magic"));
    r.pos = MODEL_MAGIC_BYTES;
    uint32_t version;
    LC_TRY(reader_u32(&r, "format version", &version));
    if (version == 0)
        return lc_fail(LC_ERR_FORMAT, "'%s' has format version 0, which no lstmcorr writes", source);
    if (version > LC_MODEL_FORMAT_VERSION)
        return lc_fail(LC_ERR_FORMAT, "'%s' has model format version %u, this lstmcorr reads %u",
                       source, version, LC_MODEL_FORMAT_VERSION);

    LC_TRY(walk_layout(&r, NULL));
    if (r.pos + 4 != size)
        return lc_fail(LC_ERR_FORMAT, "'%s' has %zu unexpected bytes after its checksum at byte %zu",
                       source, size - r.pos - 4, r.pos);
    uint32_t stored = get_u32(r.bytes + r.pos), computed = lc_crc32(0, bytes, r.pos);
    if (stored != computed)
        return lc_fail(LC_ERR_FORMAT,
                       "'%s' is corrupt: checksum mismatch (stored CRC-32 %08x, computed %08x)",
                       source, stored, computed);

    lc_model *model;
    LC_TRY(lc_model_create(&model));
    lc_status status = walk_layout(&r, model);
    if (status != LC_OK) {
        lc_model_free(model);
        return status;
    }
    model->format_version = version;
    *out = model;
    return LC_OK;
}

lc_status lc_model_load(const char *path, lc_model **out)
{
    if (path == NULL || out == NULL)
        return lc_fail(LC_ERR_INVALID, "lc_model_load: NULL argument");
    *out = NULL;
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return lc_fail(LC_ERR_IO, "cannot open model file '%s': %s", path, strerror(errno));
    unsigned char *bytes = NULL;
    size_t size = 0, capacity = 0;
    for (;;) {
        if (size == capacity) {
            capacity = capacity ? 2 * capacity : 1u << 16;
            unsigned char *grown = realloc(bytes, capacity);
            if (grown == NULL) {
                free(bytes);
                fclose(file);
                return lc_fail(LC_ERR_NOMEM, "reading '%s': out of memory", path);
            }
            bytes = grown;
        }
        size_t got = fread(bytes + size, 1, capacity - size, file);
        size += got;
        if (got == 0)
            break;
    }
    int read_failed = ferror(file);
    int saved_errno = errno;
    fclose(file);
    if (read_failed) {
        free(bytes);
        return lc_fail(LC_ERR_IO, "cannot read model file '%s': %s", path, strerror(saved_errno));
    }
    lc_status status = lc_model_parse(bytes, size, path, out);
    free(bytes);
    return status;
}
