/* Recursive-descent JSON parser (RFC 8259, \u escapes kept as '?') for the output tests. */
#include "support_json.h"

#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *p, *end;
} parser;

static void skip(parser *s)
{
    while (s->p < s->end && strchr(" \t\r\n", *s->p) && *s->p)
        s->p++;
}

static json_value *new_value(json_type type)
{
    json_value *v = calloc(1, sizeof *v);
    if (v)
        v->type = type;
    return v;
}

void json_free(json_value *v)
{
    if (v == NULL)
        return;
    for (size_t k = 0; k < v->count; k++) {
        json_free(v->items[k]);
        if (v->keys)
            free(v->keys[k]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    free(v);
}

static char *parse_string(parser *s)
{
    if (s->p >= s->end || *s->p != '"')
        return NULL;
    s->p++;
    char *out = malloc((size_t)(s->end - s->p) + 1);
    size_t len = 0;
    while (out && s->p < s->end && *s->p != '"') {
        char c = *s->p++;
        if ((unsigned char)c < 0x20)
            break;
        if (c == '\\') {
            if (s->p >= s->end)
                break;
            char e = *s->p++;
            const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
            const char *at = strchr(from, e);
            if (e == 'u') {
                if (s->end - s->p < 4)
                    break;
                for (int k = 0; k < 4; k++)
                    if (!strchr("0123456789abcdefABCDEF", s->p[k]) || !s->p[k])
                        goto bad;
                s->p += 4;
                c = '?';
            } else if (at && e) {
                c = to[at - from];
            } else {
                break;
            }
        }
        out[len++] = c;
    }
    if (out && s->p < s->end && *s->p == '"') {
        s->p++;
        out[len] = '\0';
        return out;
    }
bad:
    free(out);
    return NULL;
}

static json_value *parse_value(parser *s, int depth);

static int append(json_value *v, char *key, json_value *item)
{
    json_value **items = realloc(v->items, (v->count + 1) * sizeof *items);
    if (items == NULL)
        return -1;
    v->items = items;
    if (v->type == JSON_OBJECT) {
        char **keys = realloc(v->keys, (v->count + 1) * sizeof *keys);
        if (keys == NULL)
            return -1;
        v->keys = keys;
        v->keys[v->count] = key;
    }
    v->items[v->count++] = item;
    return 0;
}

static json_value *parse_container(parser *s, int depth)
{
    int object = *s->p == '{';
    char close = object ? '}' : ']';
    json_value *v = new_value(object ? JSON_OBJECT : JSON_ARRAY);
    s->p++;
    skip(s);
    if (v && s->p < s->end && *s->p == close) {
        s->p++;
        return v;
    }
    while (v) {
        char *key = NULL;
        skip(s);
        if (object) {
            key = parse_string(s);
            skip(s);
            if (key == NULL || s->p >= s->end || *s->p++ != ':') {
                free(key);
                break;
            }
        }
        json_value *item = parse_value(s, depth + 1);
        if (item == NULL || append(v, key, item) != 0) {
            free(key);
            json_free(item);
            break;
        }
        skip(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == close) {
            s->p++;
            return v;
        }
        break;
    }
    json_free(v);
    return NULL;
}

static json_value *parse_number(parser *s)
{
    const char *start = s->p;
    if (s->p < s->end && *s->p == '-')
        s->p++;
    size_t digits = 0;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++, digits++;
    if (digits == 0 || (digits > 1 && start[*start == '-'] == '0'))
        return NULL;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        for (digits = 0; s->p < s->end && *s->p >= '0' && *s->p <= '9'; s->p++)
            digits++;
        if (digits == 0)
            return NULL;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        for (digits = 0; s->p < s->end && *s->p >= '0' && *s->p <= '9'; s->p++)
            digits++;
        if (digits == 0)
            return NULL;
    }
    json_value *v = new_value(JSON_NUMBER);
    if (v) {
        char buffer[64];
        size_t len = (size_t)(s->p - start) < sizeof buffer - 1 ? (size_t)(s->p - start) : sizeof buffer - 1;
        memcpy(buffer, start, len);
        buffer[len] = '\0';
        v->number = strtod(buffer, NULL);
    }
    return v;
}

static json_value *parse_literal(parser *s, const char *word, json_type type, double number)
{
    size_t len = strlen(word);
    if ((size_t)(s->end - s->p) < len || strncmp(s->p, word, len) != 0)
        return NULL;
    s->p += len;
    json_value *v = new_value(type);
    if (v)
        v->number = number;
    return v;
}

static json_value *parse_value(parser *s, int depth)
{
    skip(s);
    if (s->p >= s->end || depth > 64)
        return NULL;
    switch (*s->p) {
    case '{':
    case '[':
        return parse_container(s, depth);
    case '"': {
        char *text = parse_string(s);
        json_value *v = text ? new_value(JSON_STRING) : NULL;
        if (v)
            v->string = text;
        else
            free(text);
        return v;
    }
    case 't':
        return parse_literal(s, "true", JSON_BOOL, 1);
    case 'f':
        return parse_literal(s, "false", JSON_BOOL, 0);
    case 'n':
        return parse_literal(s, "null", JSON_NULL, 0);
    default:
        return parse_number(s);
    }
}

json_value *json_parse(const char *text, size_t len)
{
    parser s = {text, text + len};
    json_value *v = parse_value(&s, 0);
    skip(&s);
    if (v && s.p != s.end) {
        json_free(v);
        return NULL;
    }
    return v;
}

const json_value *json_get(const json_value *object, const char *key)
{
    if (object == NULL || object->type != JSON_OBJECT)
        return NULL;
    for (size_t k = 0; k < object->count; k++)
        if (strcmp(object->keys[k], key) == 0)
            return object->items[k];
    return NULL;
}
