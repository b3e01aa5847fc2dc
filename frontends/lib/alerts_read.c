/* Entry points of the readers: load the input, tell its format, hand it to the right reader. */
#include "read_common.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const format_names[] = {"auto", "csv", "fast", "eve", "ait"};

const char *lc_alert_format_name(lc_alert_format format)
{
    return format >= LC_FORMAT_AUTO && format <= LC_FORMAT_AIT ? format_names[format] : "unknown";
}

lc_status lc_alert_format_parse(const char *name, lc_alert_format *out)
{
    for (int k = LC_FORMAT_AUTO; k <= LC_FORMAT_AIT; k++) {
        if (strcmp(name, format_names[k]) == 0) {
            *out = (lc_alert_format)k;
            return LC_OK;
        }
    }
    return lc_fail(LC_ERR_INVALID, "unknown alert format '%s' (expected auto, csv, fast, eve or ait)", name);
}

static size_t skip_bom(const char *data, size_t len)
{
    return len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

static int is_csv_header(const char *line, size_t len)
{
    /* Column names separated by commas, among them incident and alert. */
    int incident = 0, alert = 0;
    size_t start = 0;
    for (size_t k = 0; k <= len; k++) {
        if (k < len && line[k] != ',')
            continue;
        size_t n = k - start;
        const char *name = line + start;
        if (n >= 2 && name[0] == '"' && name[n - 1] == '"') {
            name++;
            n -= 2;
        }
        incident |= n == 8 && memcmp(name, "incident", 8) == 0;
        alert |= n == 5 && memcmp(name, "alert", 5) == 0;
        start = k + 1;
    }
    return incident && alert;
}

lc_alert_format lc_alerts_detect(const char *data, size_t len)
{
    size_t pos = skip_bom(data, len);
    while (pos < len) {
        const char *line = data + pos;
        const char *newline = memchr(line, '\n', len - pos);
        size_t n = newline ? (size_t)(newline - line) : len - pos;
        pos += n + 1;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        size_t lead = 0;
        while (lead < n && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (lead == n)
            continue;
        if (line[lead] == '{')
            return LC_FORMAT_EVE;
        static const char ait_header[] = "time,name,ip,host,short,time_label,event_label";
        if (n == sizeof ait_header - 1 && memcmp(line, ait_header, n) == 0)
            return LC_FORMAT_AIT;
        if (is_csv_header(line, n))
            return LC_FORMAT_CSV;
        lc_alert probe = {.time = NAN, .src_port = -1, .dst_port = -1};
        if (lc_fast_line_fields(line, n, 0, &probe))
            return LC_FORMAT_FAST;
        return LC_FORMAT_AUTO;
    }
    return LC_FORMAT_AUTO;
}

static int is_empty_input(const char *data, size_t len)
{
    for (size_t k = 0; k < len; k++)
        if (data[k] != ' ' && data[k] != '\t' && data[k] != '\r' && data[k] != '\n')
            return 0;
    return 1;
}

lc_status lc_alerts_read_memory(const char *data, size_t len, const char *name, const lc_read_options *opts,
                                lc_alert_set *set)
{
    static const lc_read_options defaults = {LC_FORMAT_AUTO, 0, 0};
    if (!opts)
        opts = &defaults;
    size_t bom = skip_bom(data, len);
    data += bom;
    len -= bom;
    if (is_empty_input(data, len))
        return LC_OK;
    lc_alert_format format = opts->format;
    if (format == LC_FORMAT_AUTO) {
        format = lc_alerts_detect(data, len);
        if (format == LC_FORMAT_AUTO)
            return lc_fail(LC_ERR_FORMAT,
                           "%s: cannot tell the alert format from its first line "
                           "(not an incident,alert,cut header, AIT header, EVE JSON or fast.log line); "
                           "use --format csv|fast|eve|ait",
                           name);
    }
    lc_reader r;
    LC_TRY(lc_reader_init(&r, data, len, name, opts, set));
    switch (format) {
    case LC_FORMAT_CSV:
        return lc_read_csv(&r);
    case LC_FORMAT_FAST:
        return lc_read_fast(&r);
    case LC_FORMAT_EVE:
        return lc_read_eve(&r);
    case LC_FORMAT_AIT:
        return lc_read_ait(&r);
    default:
        return lc_fail(LC_ERR_INVALID, "%s: unknown alert format %d", name, (int)format);
    }
}

lc_status lc_alerts_read_stream(FILE *stream, const char *name, const lc_read_options *opts, lc_alert_set *set)
{
    /* The whole input is loaded first: CSV records may span lines and detection looks ahead. */
    size_t len = 0, cap = 1 << 16;
    char *data = malloc(cap);
    if (!data)
        return lc_fail(LC_ERR_NOMEM, "%s: out of memory reading the input", name);
    for (;;) {
        if (len == cap) {
            char *grown = realloc(data, cap * 2);
            if (!grown) {
                free(data);
                return lc_fail(LC_ERR_NOMEM, "%s: out of memory reading %zu bytes", name, cap * 2);
            }
            data = grown;
            cap *= 2;
        }
        size_t got = fread(data + len, 1, cap - len, stream);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(stream)) {
        free(data);
        return lc_fail(LC_ERR_IO, "%s: read error", name);
    }
    lc_status status = lc_alerts_read_memory(data, len, name, opts, set);
    free(data);
    return status;
}

lc_status lc_alerts_read_path(const char *path, const lc_read_options *opts, lc_alert_set *set)
{
    if (strcmp(path, "-") == 0)
        return lc_alerts_read_stream(stdin, "-", opts, set);
    FILE *stream = fopen(path, "rb");
    if (!stream)
        return lc_fail(errno == ENOENT ? LC_ERR_NOT_FOUND : LC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    lc_status status = lc_alerts_read_stream(stream, path, opts, set);
    fclose(stream);
    return status;
}
