/* What every alert reader shares: walking the input line by line, reporting malformed records
 * (fail, or count under skip_bad), and the RFC 4180 CSV tokenizer. Internal to the readers. */
#ifndef LSTMCORR_READ_COMMON_H
#define LSTMCORR_READ_COMMON_H

#include "alerts.h"

typedef struct lc_reader {
    const char *data;
    size_t len, pos;
    long line;            /* line number of data[pos], 1-based */
    const char *name;     /* input name, for messages */
    const char *source;   /* the same, interned in set */
    const lc_read_options *opts;
    lc_alert_set *set;
} lc_reader;

lc_status lc_reader_init(lc_reader *r, const char *data, size_t len, const char *name,
                         const lc_read_options *opts, lc_alert_set *set);

/* Next physical line, without "\n" or "\r\n"; returns 0 at the end of the input. */
int lc_reader_next_line(lc_reader *r, const char **start, size_t *len, long *line_no);

/* A malformed record at `line`: fails with LC_ERR_FORMAT "NAME:LINE: reason", or under skip_bad
 * counts it, keeps the first few reasons, and returns LC_OK so the reader goes on. */
lc_status lc_reader_bad(lc_reader *r, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Checks every line format applies: length limit, no NUL. Sets *ok; reports through lc_reader_bad. */
lc_status lc_reader_check_line(lc_reader *r, const char *line, size_t len, long line_no, int *ok);

/* Append an alert read from the input: copies incident and text, checks the text (non-empty,
 * at most LC_ALERT_TEXT_MAX; a rejected text goes to lc_reader_bad). `fields` (may be NULL)
 * supplies time/IPs/ports. */
lc_status lc_reader_add(lc_reader *r, long line, const char *incident, const char *text, size_t text_len,
                        int cut, const lc_alert *fields);

/* ---- RFC 4180 CSV --------------------------------------------------------------------------- */

typedef struct lc_csv_record {
    size_t count;          /* fields in this record */
    const char **fields;   /* NUL-terminated field texts (valid until the next call) */
    size_t *lengths;
    long line;             /* line where the record starts */
    char error[160];       /* why the record is malformed, when lc_csv_next returns -1 */
    /* storage */
    char *buffer;
    size_t buffer_len, buffer_cap, *offsets, field_cap;
} lc_csv_record;

/* Next record: 1 got one, 0 end of input, -1 malformed (rec->error, rec->line; the reader has
 * moved past the bad line), -2 out of memory. Lines that are entirely empty are skipped. */
int lc_csv_next(lc_reader *r, lc_csv_record *rec);
void lc_csv_record_free(lc_csv_record *rec);

/* ---- one reader per format ------------------------------------------------------------------ */
lc_status lc_read_csv(lc_reader *r);
lc_status lc_read_fast(lc_reader *r);
lc_status lc_read_eve(lc_reader *r);
lc_status lc_read_ait(lc_reader *r);

#endif
