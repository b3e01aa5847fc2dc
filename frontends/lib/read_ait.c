/* The AIT Alert Data Set CSV: time,name,ip,host,short,time_label,event_label. Each row becomes the
 * text layout of the data set's training files, "MM/DD-HH:MM:SS [SHORT] NAME host=HOST ip=IP",
 * with the clock in UTC (the layout of the data set files is reproduced exactly that way). */
#include "read_common.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ait_columns[] = {"time", "name", "ip", "host", "short", "time_label", "event_label"};
enum { AIT_TIME, AIT_NAME, AIT_IP, AIT_HOST, AIT_SHORT, AIT_TIME_LABEL, AIT_EVENT_LABEL, AIT_COLUMNS };

static int parse_seconds(const char *text, double *seconds)
{
    char *end;
    if (text[0] == '\0')
        return 0;
    double value = strtod(text, &end);
    if (*end != '\0' || !isfinite(value))
        return 0;
    *seconds = value;
    return 1;
}

/* Civil UTC date and clock of Unix seconds (inverse of the days-from-civil formula). */
static void civil_from_seconds(double seconds, int *month, int *day, int *hour, int *minute, int *second)
{
    double whole = floor(seconds);
    long long days = (long long)floor(whole / 86400.0);
    long long rest = (long long)(whole - (double)days * 86400.0);
    *hour = (int)(rest / 3600);
    *minute = (int)(rest / 60 % 60);
    *second = (int)(rest % 60);
    long long z = days + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long day_of_era = z - era * 146097;
    long long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    long long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    long long mp = (5 * day_of_year + 2) / 153;
    *day = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
}

static lc_status check_header(lc_reader *r, const lc_csv_record *rec)
{
    int ok = rec->count == AIT_COLUMNS;
    for (size_t k = 0; ok && k < AIT_COLUMNS; k++)
        ok = strcmp(rec->fields[k], ait_columns[k]) == 0;
    if (!ok)
        return lc_fail(LC_ERR_FORMAT, "%s:%ld: AIT header must be time,name,ip,host,short,time_label,event_label",
                       r->name, rec->line);
    return LC_OK;
}

static lc_status read_row(lc_reader *r, const lc_csv_record *rec)
{
    if (rec->count != AIT_COLUMNS)
        return lc_reader_bad(r, rec->line, "expected %d fields, got %zu", AIT_COLUMNS, rec->count);
    lc_alert fields = {.time = NAN, .src_port = -1, .dst_port = -1};
    if (!parse_seconds(rec->fields[AIT_TIME], &fields.time) || fields.time < 0 || fields.time > 253402300799.0)
        return lc_reader_bad(r, rec->line, "time '%.30s' is not Unix seconds", rec->fields[AIT_TIME]);
    const char *ip = rec->fields[AIT_IP];
    uint8_t bytes[16];
    if (strcmp(ip, "-") != 0 && rec->lengths[AIT_IP] < LC_IP_TEXT_MAX && lc_ip_parse(ip, rec->lengths[AIT_IP], bytes))
        memcpy(fields.src_ip, ip, rec->lengths[AIT_IP] + 1);

    int month, day, hour, minute, second;
    civil_from_seconds(fields.time, &month, &day, &hour, &minute, &second);
    const char *format = "%02d/%02d-%02d:%02d:%02d [%s] %s host=%s ip=%s";
    int need = snprintf(NULL, 0, format, month, day, hour, minute, second, rec->fields[AIT_SHORT],
                        rec->fields[AIT_NAME], rec->fields[AIT_HOST], ip);
    char *text = malloc((size_t)need + 1);
    if (!text)
        return lc_fail(LC_ERR_NOMEM, "out of memory building an AIT alert");
    snprintf(text, (size_t)need + 1, format, month, day, hour, minute, second, rec->fields[AIT_SHORT],
             rec->fields[AIT_NAME], rec->fields[AIT_HOST], ip);

    const char *label = rec->fields[AIT_TIME_LABEL];
    int benign = label[0] == '\0' || strcmp(label, "-") == 0 || strcmp(label, "false_positive") == 0;
    lc_status status = lc_reader_add(r, rec->line, benign ? LC_BENIGN_NAME : label, text, (size_t)need,
                                     LC_CUT_UNKNOWN, &fields);
    free(text);
    return status;
}

lc_status lc_read_ait(lc_reader *r)
{
    lc_csv_record rec = {0};
    int have_header = 0;
    lc_status status = LC_OK;
    for (;;) {
        int got = lc_csv_next(r, &rec);
        if (got == 0)
            break;
        if (got == -2) {
            status = lc_fail(LC_ERR_NOMEM, "%s: out of memory reading AIT CSV", r->name);
            break;
        }
        if (got < 0)
            status = have_header ? lc_reader_bad(r, rec.line, "%s", rec.error)
                                 : lc_fail(LC_ERR_FORMAT, "%s:%ld: %s (in the header)", r->name, rec.line, rec.error);
        else if (!have_header)
            status = check_header(r, &rec);
        else
            status = read_row(r, &rec);
        have_header = 1;
        if (status != LC_OK)
            break;
    }
    lc_csv_record_free(&rec);
    return status;
}
