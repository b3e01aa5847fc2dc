/* An alert belongs to an incident when it happened in the incident's window and one of its
 * addresses is the incident's attacker or victim. */
#include "label.h"
#include "read_common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { COL_LABEL, COL_START, COL_STOP, COL_ATTACKER, COL_VICTIM, COLUMNS };
static const char *const column_names[COLUMNS] = {"label", "start", "stop", "attacker_ip", "victim_ip"};

static int parse_time(const char *text, size_t len, double *seconds)
{
    if (len == 0)
        return 0;
    if (lc_time_parse_iso8601(text, len, seconds) == len)
        return 1;
    char *end;
    double value = strtod(text, &end);
    if (end != text + len || !isfinite(value) || (text[0] != '-' && (text[0] < '0' || text[0] > '9')))
        return 0;
    *seconds = value;
    return 1;
}

static lc_status fail_row(const char *name, long line, const char *what, const char *field)
{
    return lc_fail(LC_ERR_FORMAT, "%s:%ld: %s '%.60s'", name, line, what, field);
}

static lc_status read_window(const char *name, const lc_csv_record *rec, lc_incident_window *w)
{
    if (rec->count != COLUMNS)
        return lc_fail(LC_ERR_FORMAT, "%s:%ld: expected %d fields, got %zu", name, rec->line, COLUMNS, rec->count);
    const char *label = rec->fields[COL_LABEL];
    if (label[0] == '\0' || strcmp(label, LC_BENIGN_NAME) == 0)
        return fail_row(name, rec->line, "incident label must be non-empty and not 'benign', got", label);
    if (!parse_time(rec->fields[COL_START], rec->lengths[COL_START], &w->start))
        return fail_row(name, rec->line, "start is not Unix seconds or ISO 8601:", rec->fields[COL_START]);
    if (!parse_time(rec->fields[COL_STOP], rec->lengths[COL_STOP], &w->stop))
        return fail_row(name, rec->line, "stop is not Unix seconds or ISO 8601:", rec->fields[COL_STOP]);
    if (w->stop < w->start)
        return fail_row(name, rec->line, "stop is before start:", rec->fields[COL_STOP]);
    for (int column = COL_ATTACKER; column <= COL_VICTIM; column++) {
        uint8_t bytes[16];
        const char *ip = rec->fields[column];
        size_t n = rec->lengths[column];
        if (n > 0 && (n >= LC_IP_TEXT_MAX || !lc_ip_parse(ip, n, bytes)))
            return fail_row(name, rec->line, column == COL_ATTACKER ? "attacker_ip is not an IP address:"
                                                                     : "victim_ip is not an IP address:", ip);
        memcpy(column == COL_ATTACKER ? w->attacker_ip : w->victim_ip, ip, n + 1);
    }
    if (!w->attacker_ip[0] && !w->victim_ip[0])
        return lc_fail(LC_ERR_FORMAT, "%s:%ld: incident needs an attacker_ip or a victim_ip", name, rec->line);
    w->label = malloc(rec->lengths[COL_LABEL] + 1);
    if (!w->label)
        return lc_fail(LC_ERR_NOMEM, "out of memory reading incidents");
    memcpy(w->label, label, rec->lengths[COL_LABEL] + 1);
    w->line = rec->line;
    return LC_OK;
}

static lc_status check_header(const char *name, const lc_csv_record *rec)
{
    int ok = rec->count == COLUMNS;
    for (int k = 0; ok && k < COLUMNS; k++)
        ok = strcmp(rec->fields[k], column_names[k]) == 0;
    return ok ? LC_OK
              : lc_fail(LC_ERR_FORMAT, "%s:%ld: header must be label,start,stop,attacker_ip,victim_ip", name, rec->line);
}

lc_status lc_incidents_read_memory(const char *data, size_t len, const char *name, lc_incident_list *list)
{
    lc_alert_set scratch = {0}; /* the reader context wants a set for its name; nothing is added */
    lc_read_options opts = {LC_FORMAT_CSV, 0, 0};
    lc_reader r;
    lc_status status = lc_reader_init(&r, data, len, name, &opts, &scratch);
    list->source = malloc(strlen(name) + 1);
    if (status == LC_OK && !list->source)
        status = lc_fail(LC_ERR_NOMEM, "out of memory reading incidents");
    if (list->source)
        strcpy(list->source, name);
    lc_csv_record rec = {0};
    int have_header = 0;
    size_t capacity = 0;
    while (status == LC_OK) {
        int got = lc_csv_next(&r, &rec);
        if (got == 0)
            break;
        if (got == -2) {
            status = lc_fail(LC_ERR_NOMEM, "out of memory reading incidents");
        } else if (got < 0) {
            status = lc_fail(LC_ERR_FORMAT, "%s:%ld: %s", name, rec.line, rec.error);
        } else if (!have_header) {
            status = check_header(name, &rec);
            have_header = 1;
        } else {
            if (list->count == capacity) {
                capacity = capacity ? capacity * 2 : 16;
                lc_incident_window *grown = realloc(list->windows, capacity * sizeof *grown);
                if (!grown) {
                    status = lc_fail(LC_ERR_NOMEM, "out of memory reading incidents");
                    break;
                }
                list->windows = grown;
            }
            lc_incident_window *w = &list->windows[list->count];
            memset(w, 0, sizeof *w);
            status = read_window(name, &rec, w);
            if (status == LC_OK)
                list->count++;
        }
    }
    if (status == LC_OK && !have_header)
        status = lc_fail(LC_ERR_FORMAT, "%s: empty incidents file (header label,start,stop,attacker_ip,victim_ip)", name);
    lc_csv_record_free(&rec);
    lc_alert_set_free(&scratch);
    return status;
}

lc_status lc_incidents_read_path(const char *path, lc_incident_list *list)
{
    FILE *stream = fopen(path, "rb");
    if (!stream)
        return lc_fail(LC_ERR_NOT_FOUND, "%s: cannot open the incidents file", path);
    size_t len = 0, cap = 4096;
    char *data = malloc(cap);
    lc_status status = LC_OK;
    while (data) {
        if (len == cap) {
            char *grown = realloc(data, cap * 2);
            if (!grown) {
                free(data);
                data = NULL;
                break;
            }
            data = grown;
            cap *= 2;
        }
        size_t got = fread(data + len, 1, cap - len, stream);
        len += got;
        if (got == 0)
            break;
    }
    if (!data)
        status = lc_fail(LC_ERR_NOMEM, "%s: out of memory", path);
    else if (ferror(stream))
        status = lc_fail(LC_ERR_IO, "%s: read error", path);
    fclose(stream);
    if (status == LC_OK)
        status = lc_incidents_read_memory(data, len, path, list);
    free(data);
    return status;
}

void lc_incident_list_free(lc_incident_list *list)
{
    for (size_t k = 0; k < list->count; k++)
        free(list->windows[k].label);
    free(list->windows);
    free(list->source);
    memset(list, 0, sizeof *list);
}

static int ignored(const char *ip, const lc_label_options *opts)
{
    for (size_t k = 0; k < opts->ignore_count; k++)
        if (lc_ip_equal(ip, opts->ignore_ips[k]))
            return 1;
    return 0;
}

/* One of the alert's addresses (not ignored) is the window's attacker or victim. */
static int address_matches(const lc_alert *alert, const lc_incident_window *w, const lc_label_options *opts)
{
    const char *alert_ips[2] = {alert->src_ip, alert->dst_ip};
    const char *window_ips[2] = {w->attacker_ip, w->victim_ip};
    for (int a = 0; a < 2; a++) {
        if (!alert_ips[a][0] || ignored(alert_ips[a], opts))
            continue;
        for (int b = 0; b < 2; b++)
            if (window_ips[b][0] && lc_ip_equal(alert_ips[a], window_ips[b]))
                return 1;
    }
    return 0;
}

lc_status lc_label_alerts(lc_alert_set *set, const lc_incident_list *incidents, const lc_label_options *opts,
                          lc_label_stats *stats)
{
    static const lc_label_options defaults = {LC_LABEL_SLACK_SECONDS, NULL, 0};
    if (!opts)
        opts = &defaults;
    lc_label_stats counts = {0, 0, 0};
    for (size_t k = 0; k < set->count; k++) {
        lc_alert *alert = &set->alerts[k];
        const lc_incident_window *match = NULL;
        if (isnan(alert->time)) {
            counts.no_time++;
        } else {
            for (size_t i = 0; i < incidents->count; i++) {
                const lc_incident_window *w = &incidents->windows[i];
                if (alert->time < w->start || alert->time > w->stop + opts->slack_seconds ||
                    !address_matches(alert, w, opts))
                    continue;
                if (match && strcmp(match->label, w->label) != 0)
                    return lc_fail(LC_ERR_FORMAT, "%s:%ld: alert matches two incidents: '%s' (%s:%ld) and '%s' (%s:%ld)",
                                   alert->source ? alert->source : "alerts", alert->line, match->label,
                                   incidents->source, match->line, w->label, incidents->source, w->line);
                match = w;
            }
        }
        LC_TRY(lc_alert_set_incident(alert, match ? match->label : LC_BENIGN_NAME));
        alert->cut = (int)(k % 10);
        if (match)
            counts.labelled++;
        else
            counts.benign++;
    }
    if (stats)
        *stats = counts;
    return LC_OK;
}
