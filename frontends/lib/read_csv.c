/* `incident,alert,cut` CSV (RFC 4180): the training layout, and what label/stratify/synth write. */
#include "read_common.h"

#include <math.h>
#include <string.h>

typedef struct csv_columns {
    size_t count;
    long incident, alert, cut; /* column index, -1 when absent */
} csv_columns;

static lc_status read_header(lc_reader *r, const lc_csv_record *rec, csv_columns *columns)
{
    columns->count = rec->count;
    columns->incident = columns->alert = columns->cut = -1;
    for (size_t k = 0; k < rec->count; k++) {
        long *slot = NULL;
        if (strcmp(rec->fields[k], "incident") == 0)
            slot = &columns->incident;
        else if (strcmp(rec->fields[k], "alert") == 0)
            slot = &columns->alert;
        else if (strcmp(rec->fields[k], "cut") == 0)
            slot = &columns->cut;
        if (!slot)
            continue; /* other columns are allowed and ignored */
        if (*slot >= 0)
            return lc_fail(LC_ERR_FORMAT, "%s:%ld: column '%s' appears twice in the header", r->name, rec->line,
                           rec->fields[k]);
        *slot = (long)k;
    }
    if (columns->incident < 0 || columns->alert < 0)
        return lc_fail(LC_ERR_FORMAT, "%s:%ld: header must name columns 'incident' and 'alert' (and 'cut'), got '%s%s'",
                       r->name, rec->line, rec->count ? rec->fields[0] : "", rec->count > 1 ? ",..." : "");
    return LC_OK;
}

static lc_status read_row(lc_reader *r, const lc_csv_record *rec, const csv_columns *columns)
{
    if (rec->count != columns->count)
        return lc_reader_bad(r, rec->line, "expected %zu fields as in the header, got %zu", columns->count,
                             rec->count);
    const char *incident = rec->fields[columns->incident];
    if (incident[0] == '\0')
        return lc_reader_bad(r, rec->line, "empty incident (write 'benign' for no incident)");
    int cut = LC_CUT_UNKNOWN;
    if (columns->cut >= 0) {
        const char *text = rec->fields[columns->cut];
        size_t len = rec->lengths[columns->cut];
        if (len == 1 && text[0] >= '0' && text[0] <= '9')
            cut = text[0] - '0';
        else if (len != 0)
            return lc_reader_bad(r, rec->line, "cut '%.20s' is not 0..9", text);
    }
    const char *text = rec->fields[columns->alert];
    size_t text_len = rec->lengths[columns->alert];
    /* The text is often a fast.log line: take its time and addresses when it is. */
    lc_alert fields = {.time = NAN, .src_port = -1, .dst_port = -1};
    lc_fast_line_fields(text, text_len, r->opts->year, &fields);
    return lc_reader_add(r, rec->line, incident, text, text_len, cut, &fields);
}

lc_status lc_read_csv(lc_reader *r)
{
    lc_csv_record rec = {0};
    csv_columns columns = {0};
    int have_header = 0;
    lc_status status = LC_OK;
    for (;;) {
        int got = lc_csv_next(r, &rec);
        if (got == 0)
            break;
        if (got == -2) {
            status = lc_fail(LC_ERR_NOMEM, "%s: out of memory reading CSV", r->name);
            break;
        }
        if (got < 0) {
            if (!have_header) {
                status = lc_fail(LC_ERR_FORMAT, "%s:%ld: %s (in the header)", r->name, rec.line, rec.error);
                break;
            }
            status = lc_reader_bad(r, rec.line, "%s", rec.error);
        } else if (!have_header) {
            status = read_header(r, &rec, &columns);
            have_header = 1;
        } else {
            status = read_row(r, &rec, &columns);
        }
        if (status != LC_OK)
            break;
    }
    lc_csv_record_free(&rec);
    return status;
}
