/* A small strict JSON (RFC 8259) parser for EVE lines: one value per call, kept in an arena that
 * the caller resets between lines. Strings are decoded to UTF-8 (\uXXXX and surrogate pairs). */
#ifndef LSTMCORR_READ_JSON_H
#define LSTMCORR_READ_JSON_H

#include <stddef.h>

typedef enum lc_json_type {
    LC_JSON_NULL,
    LC_JSON_FALSE,
    LC_JSON_TRUE,
    LC_JSON_NUMBER,
    LC_JSON_STRING,
    LC_JSON_ARRAY,
    LC_JSON_OBJECT
} lc_json_type;

typedef struct lc_json_value lc_json_value;
struct lc_json_value {
    lc_json_type type;
    double number;
    const char *string;      /* LC_JSON_STRING: decoded, NUL-terminated (may hold NUL: see length) */
    size_t length;
    lc_json_value *children; /* arrays and objects, in order, linked through `next` */
    lc_json_value *next;
    const char *key;         /* member name when this value sits in an object */
    size_t key_length;
};

typedef struct lc_json_arena {
    struct lc_json_block *blocks;
} lc_json_arena;

#define LC_JSON_MAX_DEPTH 64

/* Parse `len` bytes holding exactly one JSON value (whitespace around it allowed). Returns 1 and
 * *root, or 0 with a message "at column N: ..." in error. Allocation failure reads "out of memory". */
int lc_json_parse(lc_json_arena *arena, const char *text, size_t len, lc_json_value **root, char *error,
                  size_t error_len);
/* First member named `key` of an object, or NULL (also when `object` is not an object). */
const lc_json_value *lc_json_get(const lc_json_value *object, const char *key);
/* Forget every value but keep one block for the next line; free releases everything. */
void lc_json_arena_reset(lc_json_arena *arena);
void lc_json_arena_free(lc_json_arena *arena);

#endif
