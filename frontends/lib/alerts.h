/*
 * Alert records and the readers that fill them: `incident,alert,cut` CSV, Snort/Suricata fast.log,
 * Suricata EVE JSON and the AIT alert CSV. docs/formats.md describes every format and rule here.
 *
 * Every call returns an lc_status; on failure lc_last_error() says why, as "FILE:LINE: reason"
 * for malformed input. Nothing here prints or exits.
 */
#ifndef LSTMCORR_ALERTS_H
#define LSTMCORR_ALERTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lstmcorr/engine.h"

#define LC_ALERT_TEXT_MAX 65536      /* longest alert text accepted, bytes */
#define LC_INPUT_RECORD_MAX 1048576  /* longest input line / CSV record accepted, bytes */
#define LC_IP_TEXT_MAX 46            /* enough for any IPv6 text form plus NUL */
#define LC_BAD_REASONS_KEPT 5        /* skipped-record messages a set keeps */
#define LC_CUT_UNKNOWN (-1)
#define LC_BENIGN_NAME "benign"

typedef struct lc_alert {
    char *incident;   /* "benign" or an incident id; owned */
    char *text;       /* the alert string the model reads: no NUL inside; owned */
    size_t text_len;
    int cut;          /* 0..9, or LC_CUT_UNKNOWN */
    /* Parsed fields where the format has them; unknown: NaN, "", -1. */
    double time;                    /* Unix seconds, UTC */
    char src_ip[LC_IP_TEXT_MAX];
    char dst_ip[LC_IP_TEXT_MAX];
    int src_port, dst_port;
    const char *source;  /* input name for messages, owned by the set; NULL when generated */
    long line;           /* 1-based line where the record starts; 0 when generated */
} lc_alert;

/* Zero-initialise (`lc_alert_set set = {0};`) before first use; readers append. */
typedef struct lc_alert_set {
    lc_alert *alerts;
    size_t count, capacity;
    char **sources;      /* interned input names that alerts point to */
    size_t source_count;
    size_t bad_count;    /* malformed records skipped under skip_bad */
    char *bad_reasons[LC_BAD_REASONS_KEPT]; /* the first of them, "FILE:LINE: reason" */
    size_t other_events; /* EVE events that are not alerts, skipped */
} lc_alert_set;

typedef enum lc_alert_format {
    LC_FORMAT_AUTO = 0, /* detect from the first non-empty line */
    LC_FORMAT_CSV,      /* incident,alert,cut */
    LC_FORMAT_FAST,     /* Snort 2/3, Suricata fast.log */
    LC_FORMAT_EVE,      /* Suricata EVE JSON, one object per line */
    LC_FORMAT_AIT       /* time,name,ip,host,short,time_label,event_label */
} lc_alert_format;

typedef struct lc_read_options {
    lc_alert_format format;
    int skip_bad; /* nonzero: count malformed records and go on instead of failing */
    int year;     /* year for timestamps written without one (MM/DD-...); 0: their time stays NaN */
} lc_read_options;

/* ---- reading ------------------------------------------------------------------------------ */

/* Read a file ("-" = standard input) and append its records to `set`. opts may be NULL. */
lc_status lc_alerts_read_path(const char *path, const lc_read_options *opts, lc_alert_set *set);
/* Same from an open stream; `name` is used in messages. */
lc_status lc_alerts_read_stream(FILE *stream, const char *name, const lc_read_options *opts,
                                lc_alert_set *set);
/* Same from memory (tests, embedding). */
lc_status lc_alerts_read_memory(const char *data, size_t len, const char *name,
                                const lc_read_options *opts, lc_alert_set *set);

/* Format of the first non-empty line, or LC_FORMAT_AUTO when none fits. */
lc_alert_format lc_alerts_detect(const char *data, size_t len);
/* "csv", "fast", "eve", "ait", "auto" -> format; anything else is LC_ERR_INVALID. */
lc_status lc_alert_format_parse(const char *name, lc_alert_format *out);
const char *lc_alert_format_name(lc_alert_format format);

/* ---- building and freeing ----------------------------------------------------------------- */

/* Append a copy of incident/text with unknown fields (NaN time, no IPs, ports -1); *out may be NULL. */
lc_status lc_alert_set_add(lc_alert_set *set, const char *incident, const char *text, size_t text_len,
                           int cut, lc_alert **out);
/* Replace an alert's incident with a copy of `incident`. */
lc_status lc_alert_set_incident(lc_alert *alert, const char *incident);
/* Copy one alert (all fields) from another set onto the end of `set`. */
lc_status lc_alert_set_append_copy(lc_alert_set *set, const lc_alert *alert);
/* Intern an input name; the returned pointer lives as long as the set. */
lc_status lc_alert_set_source(lc_alert_set *set, const char *name, const char **out);
void lc_alert_set_free(lc_alert_set *set);
int lc_alert_is_benign(const lc_alert *alert);

/* ---- writing ------------------------------------------------------------------------------ */

/* Write `incident,alert,cut` CSV (RFC 4180 quoting where needed; unknown cut as empty). */
lc_status lc_alerts_write_csv(FILE *stream, const char *name, const lc_alert_set *set);
/* Write to `path` through a temporary file renamed into place, so no partial file is ever seen;
 * "-" writes to standard output. */
lc_status lc_alerts_write_csv_path(const char *path, const lc_alert_set *set);

/* ---- field helpers shared by readers and label -------------------------------------------- */

/* Parse an IPv4 or IPv6 address (exactly `len` bytes) into 16 bytes (IPv4 as ::ffff:a.b.c.d). */
int lc_ip_parse(const char *text, size_t len, uint8_t out[16]);
/* Same address? Text forms may differ ("::1" == "0:0::1"); unparsable strings never match. */
int lc_ip_equal(const char *a, const char *b);

/* Unix seconds of a UTC civil time (proleptic Gregorian). */
double lc_time_from_civil(int year, int month, int day, int hour, int minute, double second);
/* ISO 8601: YYYY-MM-DD[(T| )HH:MM[:SS[.f...]]][Z|(+|-)HH[:]MM]; no offset means UTC.
 * Returns the number of bytes parsed (0 if not a timestamp). */
size_t lc_time_parse_iso8601(const char *text, size_t len, double *seconds);
/* Snort/Suricata MM/DD[/YY[YY]]-HH:MM:SS[.ffffff] at text[0]; *has_year tells whether it was
 * written. Returns bytes parsed (0 if none); *seconds is NaN when there is no year and year == 0. */
size_t lc_time_parse_fast(const char *text, size_t len, int year, double *seconds, int *has_year);

/* Fill time/IP/port fields from a fast.log-style line where it has them: a leading timestamp and
 * a trailing "{PROTO} SRC[:PORT] -> DST[:PORT]". Returns 1 if the line is a fast.log alert
 * (timestamp, then optional [action] tags, then "[**]"), else 0; fields found are set either way. */
int lc_fast_line_fields(const char *line, size_t len, int year, lc_alert *alert);

#endif
