/* Strict recursive-descent JSON: no comments, no trailing commas, no leading zeros, no raw control
 * characters in strings, no lone surrogates, nothing after the value. */
#include "read_json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lc_json_block {
    struct lc_json_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

#define JSON_BLOCK_SIZE 65536

static void *arena_alloc(lc_json_arena *arena, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct lc_json_block *block = arena->blocks;
    if (!block || block->size - block->used < size) {
        size_t capacity = size > JSON_BLOCK_SIZE ? size : JSON_BLOCK_SIZE;
        block = malloc(sizeof *block + capacity);
        if (!block)
            return NULL;
        block->size = capacity;
        block->used = 0;
        block->next = arena->blocks;
        arena->blocks = block;
    }
    void *p = block->data + block->used;
    block->used += size;
    return p;
}

void lc_json_arena_reset(lc_json_arena *arena)
{
    struct lc_json_block *block = arena->blocks;
    if (!block)
        return;
    /* Keep the newest block: usually big enough for the next line. */
    struct lc_json_block *rest = block->next;
    while (rest) {
        struct lc_json_block *next = rest->next;
        free(rest);
        rest = next;
    }
    block->next = NULL;
    block->used = 0;
}

void lc_json_arena_free(lc_json_arena *arena)
{
    struct lc_json_block *block = arena->blocks;
    while (block) {
        struct lc_json_block *next = block->next;
        free(block);
        block = next;
    }
    arena->blocks = NULL;
}

typedef struct json_parser {
    lc_json_arena *arena;
    const char *text;
    size_t len, pos;
    char *error;
    size_t error_len;
    int failed;
} json_parser;

static int fail_at(json_parser *p, const char *what)
{
    if (!p->failed)
        snprintf(p->error, p->error_len, "at column %zu: %s", p->pos + 1, what);
    p->failed = 1;
    return 0;
}

static int out_of_memory(json_parser *p)
{
    if (!p->failed)
        snprintf(p->error, p->error_len, "out of memory");
    p->failed = 1;
    return 0;
}

static void skip_whitespace(json_parser *p)
{
    while (p->pos < p->len) {
        char c = p->text[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static int hex4(json_parser *p, size_t at, unsigned *value)
{
    if (at + 4 > p->len)
        return 0;
    unsigned v = 0;
    for (size_t k = at; k < at + 4; k++) {
        char c = p->text[k];
        int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0)
            return 0;
        v = v << 4 | (unsigned)h;
    }
    *value = v;
    return 1;
}

static size_t put_utf8(char *out, unsigned code)
{
    if (code < 0x80) {
        out[0] = (char)code;
        return 1;
    }
    if (code < 0x800) {
        out[0] = (char)(0xC0 | code >> 6);
        out[1] = (char)(0x80 | (code & 0x3F));
        return 2;
    }
    if (code < 0x10000) {
        out[0] = (char)(0xE0 | code >> 12);
        out[1] = (char)(0x80 | (code >> 6 & 0x3F));
        out[2] = (char)(0x80 | (code & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | code >> 18);
    out[1] = (char)(0x80 | (code >> 12 & 0x3F));
    out[2] = (char)(0x80 | (code >> 6 & 0x3F));
    out[3] = (char)(0x80 | (code & 0x3F));
    return 4;
}

/* p->pos at the opening quote. Decoded text never outgrows the raw text, so one allocation of
 * the raw length suffices. */
static int parse_string(json_parser *p, const char **out, size_t *out_len)
{
    size_t start = ++p->pos;
    size_t end = start;
    while (end < p->len && p->text[end] != '"') {
        if (p->text[end] == '\\')
            end++;
        end++;
    }
    if (end >= p->len) {
        p->pos = p->len;
        return fail_at(p, "unterminated string");
    }
    char *decoded = arena_alloc(p->arena, end - start + 1);
    if (!decoded)
        return out_of_memory(p);
    size_t n = 0;
    while (p->pos < end) {
        unsigned char c = (unsigned char)p->text[p->pos];
        if (c < 0x20)
            return fail_at(p, "control character in a string (must be escaped)");
        if (c != '\\') {
            decoded[n++] = (char)c;
            p->pos++;
            continue;
        }
        char e = p->text[p->pos + 1];
        static const char plain_from[] = "\"\\/bfnrt";
        static const char plain_to[] = "\"\\/\b\f\n\r\t";
        const char *hit = e ? strchr(plain_from, e) : NULL;
        if (hit) {
            decoded[n++] = plain_to[hit - plain_from];
            p->pos += 2;
            continue;
        }
        if (e != 'u')
            return fail_at(p, "unknown escape in a string");
        unsigned code;
        if (!hex4(p, p->pos + 2, &code))
            return fail_at(p, "\\u needs four hex digits");
        p->pos += 6;
        if (code >= 0xDC00 && code <= 0xDFFF)
            return fail_at(p, "lone low surrogate in \\u escape");
        if (code >= 0xD800 && code <= 0xDBFF) {
            unsigned low;
            if (p->pos + 1 >= end || p->text[p->pos] != '\\' || p->text[p->pos + 1] != 'u' ||
                !hex4(p, p->pos + 2, &low) || low < 0xDC00 || low > 0xDFFF)
                return fail_at(p, "high surrogate not followed by a low surrogate");
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            p->pos += 6;
        }
        n += put_utf8(decoded + n, code);
    }
    decoded[n] = '\0';
    p->pos = end + 1;
    *out = decoded;
    *out_len = n;
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int parse_number(json_parser *p, double *value)
{
    size_t start = p->pos, k = p->pos;
    if (k < p->len && p->text[k] == '-')
        k++;
    if (k >= p->len || !is_digit(p->text[k])) {
        p->pos = k;
        return fail_at(p, "expected a digit");
    }
    if (p->text[k] == '0') {
        k++;
        if (k < p->len && is_digit(p->text[k])) {
            p->pos = k;
            return fail_at(p, "leading zero in a number");
        }
    } else {
        while (k < p->len && is_digit(p->text[k]))
            k++;
    }
    if (k < p->len && p->text[k] == '.') {
        k++;
        if (k >= p->len || !is_digit(p->text[k])) {
            p->pos = k;
            return fail_at(p, "expected a digit after the decimal point");
        }
        while (k < p->len && is_digit(p->text[k]))
            k++;
    }
    if (k < p->len && (p->text[k] == 'e' || p->text[k] == 'E')) {
        k++;
        if (k < p->len && (p->text[k] == '+' || p->text[k] == '-'))
            k++;
        if (k >= p->len || !is_digit(p->text[k])) {
            p->pos = k;
            return fail_at(p, "expected a digit in the exponent");
        }
        while (k < p->len && is_digit(p->text[k]))
            k++;
    }
    /* strtod needs a terminated copy: the line is not NUL-terminated. */
    char *copy = arena_alloc(p->arena, k - start + 1);
    if (!copy)
        return out_of_memory(p);
    memcpy(copy, p->text + start, k - start);
    copy[k - start] = '\0';
    *value = strtod(copy, NULL);
    p->pos = k;
    return 1;
}

static int parse_value(json_parser *p, lc_json_value **out, int depth);

static int parse_container(json_parser *p, lc_json_value *container, int depth)
{
    int object = container->type == LC_JSON_OBJECT;
    char close = object ? '}' : ']';
    lc_json_value **tail = &container->children;
    p->pos++;
    skip_whitespace(p);
    if (p->pos < p->len && p->text[p->pos] == close) {
        p->pos++;
        return 1;
    }
    for (;;) {
        const char *key = NULL;
        size_t key_length = 0;
        if (object) {
            skip_whitespace(p);
            if (p->pos >= p->len || p->text[p->pos] != '"')
                return fail_at(p, "expected a member name in quotes");
            if (!parse_string(p, &key, &key_length))
                return 0;
            skip_whitespace(p);
            if (p->pos >= p->len || p->text[p->pos] != ':')
                return fail_at(p, "expected ':' after a member name");
            p->pos++;
        }
        lc_json_value *child;
        if (!parse_value(p, &child, depth + 1))
            return 0;
        child->key = key;
        child->key_length = key_length;
        *tail = child;
        tail = &child->next;
        skip_whitespace(p);
        if (p->pos < p->len && p->text[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->text[p->pos] == close) {
            p->pos++;
            return 1;
        }
        return fail_at(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int parse_literal(json_parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->text + p->pos, word, n) != 0)
        return fail_at(p, "unexpected character");
    p->pos += n;
    return 1;
}

static int parse_value(json_parser *p, lc_json_value **out, int depth)
{
    if (depth > LC_JSON_MAX_DEPTH)
        return fail_at(p, "nested deeper than 64 levels");
    skip_whitespace(p);
    if (p->pos >= p->len)
        return fail_at(p, "unexpected end of input");
    lc_json_value *v = arena_alloc(p->arena, sizeof *v);
    if (!v)
        return out_of_memory(p);
    memset(v, 0, sizeof *v);
    *out = v;
    char c = p->text[p->pos];
    switch (c) {
    case '{':
        v->type = LC_JSON_OBJECT;
        return parse_container(p, v, depth);
    case '[':
        v->type = LC_JSON_ARRAY;
        return parse_container(p, v, depth);
    case '"':
        v->type = LC_JSON_STRING;
        return parse_string(p, &v->string, &v->length);
    case 't':
        v->type = LC_JSON_TRUE;
        return parse_literal(p, "true");
    case 'f':
        v->type = LC_JSON_FALSE;
        return parse_literal(p, "false");
    case 'n':
        v->type = LC_JSON_NULL;
        return parse_literal(p, "null");
    default:
        if (c == '-' || is_digit(c)) {
            v->type = LC_JSON_NUMBER;
            return parse_number(p, &v->number);
        }
        return fail_at(p, "unexpected character");
    }
}

int lc_json_parse(lc_json_arena *arena, const char *text, size_t len, lc_json_value **root, char *error,
                  size_t error_len)
{
    json_parser p = {arena, text, len, 0, error, error_len, 0};
    if (error_len)
        error[0] = '\0';
    if (!parse_value(&p, root, 0))
        return 0;
    skip_whitespace(&p);
    if (p.pos != p.len)
        return fail_at(&p, "text after the JSON value");
    return 1;
}

const lc_json_value *lc_json_get(const lc_json_value *object, const char *key)
{
    if (!object || object->type != LC_JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (const lc_json_value *child = object->children; child; child = child->next)
        if (child->key_length == n && memcmp(child->key, key, n) == 0)
            return child;
    return NULL;
}
