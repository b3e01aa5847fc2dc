/* Line walking, malformed-record reporting and the RFC 4180 tokenizer shared by the readers. */
#include "read_common.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

lc_status lc_reader_init(lc_reader *r, const char *data, size_t len, const char *name,
                         const lc_read_options *opts, lc_alert_set *set)
{
    memset(r, 0, sizeof *r);
    r->data = data;
    r->len = len;
    r->line = 1;
    r->name = name;
    r->opts = opts;
    r->set = set;
    return lc_alert_set_source(set, name, &r->source);
}

int lc_reader_next_line(lc_reader *r, const char **start, size_t *len, long *line_no)
{
    if (r->pos >= r->len)
        return 0;
    const char *begin = r->data + r->pos;
    const char *newline = memchr(begin, '\n', r->len - r->pos);
    size_t n = newline ? (size_t)(newline - begin) : r->len - r->pos;
    r->pos += n + (newline ? 1 : 0);
    if (n > 0 && begin[n - 1] == '\r')
        n--;
    *start = begin;
    *len = n;
    *line_no = r->line++;
    return 1;
}

lc_status lc_reader_bad(lc_reader *r, long line, const char *fmt, ...)
{
    char reason[512];
    va_list args;
    va_start(args, fmt);
    vsnprintf(reason, sizeof reason, fmt, args);
    va_end(args);
    if (!r->opts->skip_bad)
        return lc_fail(LC_ERR_FORMAT, "%s:%ld: %s", r->name, line, reason);
    lc_alert_set *set = r->set;
    if (set->bad_count < LC_BAD_REASONS_KEPT) {
        size_t need = strlen(r->name) + strlen(reason) + 32;
        char *message = malloc(need);
        if (!message)
            return lc_fail(LC_ERR_NOMEM, "out of memory keeping a skipped-record reason");
        snprintf(message, need, "%s:%ld: %s", r->name, line, reason);
        set->bad_reasons[set->bad_count] = message;
    }
    set->bad_count++;
    return LC_OK;
}

lc_status lc_reader_check_line(lc_reader *r, const char *line, size_t len, long line_no, int *ok)
{
    *ok = 0;
    if (len > LC_INPUT_RECORD_MAX)
        return lc_reader_bad(r, line_no, "line is %zu bytes, more than the limit of %d", len,
                             LC_INPUT_RECORD_MAX);
    const char *nul = memchr(line, '\0', len);
    if (nul)
        return lc_reader_bad(r, line_no, "NUL byte at column %zu", (size_t)(nul - line) + 1);
    *ok = 1;
    return LC_OK;
}

lc_status lc_reader_add(lc_reader *r, long line, const char *incident, const char *text, size_t text_len,
                        int cut, const lc_alert *fields)
{
    if (text_len == 0)
        return lc_reader_bad(r, line, "empty alert text");
    if (text_len > LC_ALERT_TEXT_MAX)
        return lc_reader_bad(r, line, "alert text is %zu bytes, more than the limit of %d", text_len,
                             LC_ALERT_TEXT_MAX);
    if (memchr(text, '\0', text_len))
        return lc_reader_bad(r, line, "NUL byte in the alert text");
    lc_alert *alert;
    LC_TRY(lc_alert_set_add(r->set, incident, text, text_len, cut, &alert));
    if (fields) {
        alert->time = fields->time;
        memcpy(alert->src_ip, fields->src_ip, sizeof alert->src_ip);
        memcpy(alert->dst_ip, fields->dst_ip, sizeof alert->dst_ip);
        alert->src_port = fields->src_port;
        alert->dst_port = fields->dst_port;
    }
    alert->source = r->source;
    alert->line = line;
    return LC_OK;
}

/* ---- RFC 4180 ----------------------------------------------------------------------------- */

static int csv_push_byte(lc_csv_record *rec, char c)
{
    if (rec->buffer_len + 1 >= rec->buffer_cap) {
        size_t cap = rec->buffer_cap ? rec->buffer_cap * 2 : 256;
        char *grown = realloc(rec->buffer, cap);
        if (!grown)
            return 0;
        rec->buffer = grown;
        rec->buffer_cap = cap;
    }
    rec->buffer[rec->buffer_len++] = c;
    return 1;
}

static int csv_end_field(lc_csv_record *rec)
{
    if (rec->count + 1 > rec->field_cap) {
        size_t cap = rec->field_cap ? rec->field_cap * 2 : 8;
        size_t *offsets = realloc(rec->offsets, (cap + 1) * sizeof *offsets);
        if (!offsets)
            return 0;
        rec->offsets = offsets;
        const char **fields = realloc(rec->fields, cap * sizeof *fields);
        if (!fields)
            return 0;
        rec->fields = fields;
        size_t *lengths = realloc(rec->lengths, cap * sizeof *lengths);
        if (!lengths)
            return 0;
        rec->lengths = lengths;
        rec->field_cap = cap;
    }
    /* Fields are stored back to back, each NUL-terminated; offsets[k] is where field k starts. */
    if (!csv_push_byte(rec, '\0'))
        return 0;
    rec->count++;
    rec->offsets[rec->count] = rec->buffer_len;
    return 1;
}

/* Skip to just after the next newline, to resynchronise after a malformed record. */
static void csv_skip_line(lc_reader *r)
{
    while (r->pos < r->len) {
        char c = r->data[r->pos++];
        if (c == '\n') {
            r->line++;
            return;
        }
    }
}

static int csv_malformed(lc_reader *r, lc_csv_record *rec, size_t line_start, const char *what)
{
    size_t column = r->pos - line_start + 1;
    snprintf(rec->error, sizeof rec->error, "%s at column %zu", what, column);
    csv_skip_line(r);
    return -1;
}

int lc_csv_next(lc_reader *r, lc_csv_record *rec)
{
    /* Skip lines that are entirely empty. */
    for (;;) {
        if (r->pos >= r->len)
            return 0;
        if (r->data[r->pos] == '\n') {
            r->pos++;
            r->line++;
        } else if (r->data[r->pos] == '\r' && r->pos + 1 < r->len && r->data[r->pos + 1] == '\n') {
            r->pos += 2;
            r->line++;
        } else {
            break;
        }
    }
    rec->count = 0;
    rec->buffer_len = 0;
    rec->error[0] = '\0';
    rec->line = r->line;
    if (!rec->offsets && !csv_end_field(rec))
        return -2;
    rec->count = 0;
    rec->buffer_len = 0;
    rec->offsets[0] = 0;

    size_t line_start = r->pos;
    size_t record_start = r->pos;
    int quoted = 0, after_quote = 0, field_started = 0;
    for (;;) {
        if (r->pos - record_start > LC_INPUT_RECORD_MAX) {
            snprintf(rec->error, sizeof rec->error, "record longer than %d bytes%s", LC_INPUT_RECORD_MAX,
                     quoted ? " (unterminated quote?)" : "");
            csv_skip_line(r);
            return -1;
        }
        if (r->pos >= r->len) {
            if (quoted) {
                snprintf(rec->error, sizeof rec->error, "unterminated quoted field (opened on line %ld)",
                         rec->line);
                return -1;
            }
            break;
        }
        char c = r->data[r->pos];
        if (c == '\0')
            return csv_malformed(r, rec, line_start, "NUL byte");
        if (quoted) {
            if (c == '"') {
                if (r->pos + 1 < r->len && r->data[r->pos + 1] == '"') {
                    if (!csv_push_byte(rec, '"'))
                        return -2;
                    r->pos += 2;
                    continue;
                }
                quoted = 0;
                after_quote = 1;
                r->pos++;
                continue;
            }
            if (c == '\n') {
                r->line++;
                line_start = r->pos + 1;
            }
            if (!csv_push_byte(rec, c))
                return -2;
            r->pos++;
            continue;
        }
        if (c == ',') {
            if (!csv_end_field(rec))
                return -2;
            after_quote = field_started = 0;
            r->pos++;
            continue;
        }
        if (c == '\n' || (c == '\r' && r->pos + 1 < r->len && r->data[r->pos + 1] == '\n')) {
            r->pos += c == '\r' ? 2 : 1;
            r->line++;
            break;
        }
        if (after_quote)
            return csv_malformed(r, rec, line_start, "text after a closing quote");
        if (c == '"') {
            if (field_started)
                return csv_malformed(r, rec, line_start, "quote inside an unquoted field");
            quoted = 1;
            field_started = 1;
            r->pos++;
            continue;
        }
        field_started = 1;
        if (!csv_push_byte(rec, c))
            return -2;
        r->pos++;
    }
    if (!csv_end_field(rec))
        return -2;
    for (size_t k = 0; k < rec->count; k++) {
        rec->fields[k] = rec->buffer + rec->offsets[k];
        rec->lengths[k] = rec->offsets[k + 1] - rec->offsets[k] - 1;
    }
    return 1;
}

void lc_csv_record_free(lc_csv_record *rec)
{
    free(rec->buffer);
    free(rec->offsets);
    free(rec->fields);
    free(rec->lengths);
    memset(rec, 0, sizeof *rec);
}
