/* A small strict JSON parser for checking lstmcorr-bench's output: a tree of values. */
#ifndef LSTMCORR_TEST_SUPPORT_JSON_H
#define LSTMCORR_TEST_SUPPORT_JSON_H

#include <stddef.h>

typedef enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value {
    json_type type;
    double number;               /* JSON_NUMBER, JSON_BOOL (0/1) */
    char *string;                /* JSON_STRING */
    size_t count;                /* members of JSON_ARRAY / JSON_OBJECT */
    char **keys;                 /* JSON_OBJECT */
    struct json_value **items;
} json_value;

/* Parse all of text (nothing but whitespace may follow); NULL when it is not valid JSON. */
json_value *json_parse(const char *text, size_t len);
void json_free(json_value *v);
/* Member `key` of an object, or NULL. */
const json_value *json_get(const json_value *object, const char *key);

#endif
