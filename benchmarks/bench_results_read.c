/* Reading result files back for `compare`: JSON lines or one JSON array of row objects, as
 * bench_output.c writes them. A small strict JSON scanner; only the fields compare needs are kept. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_results.h"

typedef struct scanner {
    const char *p, *end;
    const char *error;
} scanner;

static void skip_space(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int fail(scanner *s, const char *why)
{
    if (s->error == NULL)
        s->error = why;
    return -1;
}

/* A string into out (escapes decoded, \u as '?' beyond ASCII); out may be NULL to skip. */
static int scan_string(scanner *s, char *out, size_t size)
{
    size_t len = 0;
    if (s->p >= s->end || *s->p != '"')
        return fail(s, "expected a string");
    for (s->p++; s->p < s->end && *s->p != '"'; s->p++) {
        char c = *s->p;
        if ((unsigned char)c < 0x20)
            return fail(s, "control character in a string");
        if (c == '\\') {
            if (++s->p >= s->end)
                break;
            switch (*s->p) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                if (s->end - s->p < 5)
                    return fail(s, "bad \\u escape");
                char hex[5] = {s->p[1], s->p[2], s->p[3], s->p[4], 0};
                char *stop;
                long code = strtol(hex, &stop, 16);
                if (*stop)
                    return fail(s, "bad \\u escape");
                c = code < 0x80 ? (char)code : '?';
                s->p += 4;
                break;
            }
            case '"': case '\\': case '/': c = *s->p; break;
            default: return fail(s, "bad escape");
            }
        }
        if (out && len + 1 < size)
            out[len++] = c;
    }
    if (s->p >= s->end)
        return fail(s, "unterminated string");
    s->p++;
    if (out && size)
        out[len] = '\0';
    return 0;
}

static int scan_value(scanner *s, int depth);

static int scan_number(scanner *s, double *out)
{
    char buffer[64];
    size_t len = 0;
    while (s->p + len < s->end && len + 1 < sizeof buffer && strchr("+-0123456789.eE", s->p[len]))
        len++;
    memcpy(buffer, s->p, len);
    buffer[len] = '\0';
    char *stop;
    errno = 0;
    double v = strtod(buffer, &stop);
    if (len == 0 || *stop || errno)
        return fail(s, "bad number");
    s->p += len;
    if (out)
        *out = v;
    return 0;
}

static int scan_literal(scanner *s, const char *word)
{
    size_t len = strlen(word);
    if ((size_t)(s->end - s->p) < len || strncmp(s->p, word, len) != 0)
        return fail(s, "unexpected character");
    s->p += len;
    return 0;
}

/* '{' or '[' then members, each scanned by scan_value. */
static int scan_container(scanner *s, int depth)
{
    char close = *s->p == '{' ? '}' : ']';
    int is_object = close == '}';
    s->p++;
    skip_space(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return 0;
    }
    for (;;) {
        skip_space(s);
        if (is_object) {
            if (scan_string(s, NULL, 0) != 0)
                return -1;
            skip_space(s);
            if (s->p >= s->end || *s->p++ != ':')
                return fail(s, "expected ':'");
        }
        if (scan_value(s, depth + 1) != 0)
            return -1;
        skip_space(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == close) {
            s->p++;
            return 0;
        }
        return fail(s, "expected ',' or a closing bracket");
    }
}

static int scan_value(scanner *s, int depth)
{
    skip_space(s);
    if (depth > 32)
        return fail(s, "nested too deeply");
    if (s->p >= s->end)
        return fail(s, "unexpected end");
    char c = *s->p;
    if (c == '"')
        return scan_string(s, NULL, 0);
    if (c == '{' || c == '[')
        return scan_container(s, depth);
    if (c == 't')
        return scan_literal(s, "true");
    if (c == 'f')
        return scan_literal(s, "false");
    if (c == 'n')
        return scan_literal(s, "null");
    return scan_number(s, NULL);
}

/* One row object: keep workload, device, params (its text as written) and the timings. */
static int scan_row(scanner *s, bench_result *r)
{
    memset(r, 0, sizeof *r);
    r->median_s = r->per_s = -1;
    skip_space(s);
    if (s->p >= s->end || *s->p != '{')
        return fail(s, "expected a row object");
    s->p++;
    skip_space(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return fail(s, "empty row object");
    }
    for (;;) {
        char key[32];
        skip_space(s);
        if (scan_string(s, key, sizeof key) != 0)
            return -1;
        skip_space(s);
        if (s->p >= s->end || *s->p++ != ':')
            return fail(s, "expected ':'");
        skip_space(s);
        const char *start = s->p;
        int rc;
        if (strcmp(key, "workload") == 0)
            rc = scan_string(s, r->workload, sizeof r->workload);
        else if (strcmp(key, "device") == 0)
            rc = scan_string(s, r->device, sizeof r->device);
        else if (strcmp(key, "median_s") == 0 && s->p < s->end && *s->p != 'n')
            rc = scan_number(s, &r->median_s);
        else if (strcmp(key, "per_s") == 0 && s->p < s->end && *s->p != 'n')
            rc = scan_number(s, &r->per_s);
        else {
            rc = scan_value(s, 1);
            if (rc == 0 && strcmp(key, "params") == 0) {
                size_t len = (size_t)(s->p - start);
                if (len >= sizeof r->params)
                    return fail(s, "params too long");
                memcpy(r->params, start, len);
                r->params[len] = '\0';
            }
        }
        if (rc != 0)
            return -1;
        skip_space(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            break;
        }
        return fail(s, "expected ',' or '}'");
    }
    if (r->workload[0] == '\0' || r->device[0] == '\0' || r->median_s <= 0)
        return fail(s, "a row lacks workload, device or a positive median_s");
    return 0;
}

static int push(bench_results *list, const bench_result *r)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 16;
        bench_result *grown = realloc(list->rows, capacity * sizeof *grown);
        if (grown == NULL)
            return -1;
        list->rows = grown;
        list->capacity = capacity;
    }
    list->rows[list->count++] = *r;
    return 0;
}

static char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t capacity = 1 << 16, len = 0;
    char *data = malloc(capacity);
    while (data) {
        len += fread(data + len, 1, capacity - len, f);
        if (len < capacity)
            break;
        char *grown = realloc(data, capacity *= 2);
        if (grown == NULL)
            free(data);
        data = grown;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        return NULL;
    }
    *size = len;
    return data;
}

int bench_results_read(const char *path, bench_results *out, char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    size_t size = 0;
    char *data = read_all(path, &size);
    if (data == NULL) {
        snprintf(error, error_size, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    scanner s = {data, data + size, NULL};
    bench_result r;
    skip_space(&s);
    if (s.p < s.end && *s.p == '[') { /* -o json: one array */
        s.p++;
        skip_space(&s);
        if (s.p < s.end && *s.p == ']')
            s.p++;
        else
            for (;;) {
                if (scan_row(&s, &r) != 0 || push(out, &r) != 0) {
                    fail(&s, "out of memory");
                    break;
                }
                skip_space(&s);
                if (s.p < s.end && *s.p == ',') {
                    s.p++;
                    continue;
                }
                if (s.p < s.end && *s.p == ']')
                    s.p++;
                else
                    fail(&s, "expected ',' or ']'");
                break;
            }
    } else { /* -o jsonl: objects one after another */
        while (s.error == NULL) {
            skip_space(&s);
            if (s.p >= s.end)
                break;
            if (scan_row(&s, &r) != 0 || push(out, &r) != 0)
                fail(&s, "out of memory");
        }
    }
    skip_space(&s);
    if (s.error == NULL && s.p < s.end)
        fail(&s, "trailing text");
    if (s.error) {
        long line = 1;
        for (const char *q = data; q < s.p && q < s.end; q++)
            line += *q == '\n';
        snprintf(error, error_size, "%s:%ld: %s", path, line, s.error);
        free(data);
        bench_results_free(out);
        return -1;
    }
    free(data);
    return 0;
}

void bench_results_free(bench_results *list)
{
    free(list->rows);
    memset(list, 0, sizeof *list);
}
