/* Byte codes and incident numbering for the trainer and the clustering. */
#include "encode.h"

#include <stdlib.h>
#include <string.h>

void lc_encode_text(const char *text, size_t len, uint8_t *codes)
{
    for (size_t k = 0; k < len; k++)
        codes[k] = lc_encode_byte((unsigned char)text[k]);
}

lc_status lc_encode_alerts(const lc_alert_set *set, lc_encoded *out)
{
    memset(out, 0, sizeof *out);
    size_t total = 0;
    for (size_t k = 0; k < set->count; k++)
        total += set->alerts[k].text_len;
    out->offsets = malloc((set->count + 1) * sizeof *out->offsets);
    out->codes = malloc(total ? total : 1);
    if (!out->offsets || !out->codes) {
        lc_encoded_free(out);
        return lc_fail(LC_ERR_NOMEM, "out of memory encoding %zu alerts", set->count);
    }
    size_t at = 0;
    for (size_t k = 0; k < set->count; k++) {
        const lc_alert *alert = &set->alerts[k];
        out->offsets[k] = at;
        lc_encode_text(alert->text, alert->text_len, out->codes + at);
        at += alert->text_len;
        if (alert->text_len > out->max_length)
            out->max_length = alert->text_len;
    }
    out->offsets[set->count] = at;
    out->count = set->count;
    return LC_OK;
}

void lc_encoded_free(lc_encoded *encoded)
{
    free(encoded->codes);
    free(encoded->offsets);
    memset(encoded, 0, sizeof *encoded);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int find_name(char **names, size_t count, const char *name)
{
    char *key = (char *)name;
    char **hit = bsearch(&key, names, count, sizeof *names, compare_names);
    return hit ? (int)(hit - names) : -1;
}

lc_status lc_incident_ids_build(const lc_alert_set *set, lc_incident_ids *out)
{
    memset(out, 0, sizeof *out);
    out->ids = malloc((set->count ? set->count : 1) * sizeof *out->ids);
    char **sorted = malloc((set->count ? set->count : 1) * sizeof *sorted);
    if (!out->ids || !sorted) {
        free(sorted);
        lc_incident_ids_free(out);
        return lc_fail(LC_ERR_NOMEM, "out of memory numbering incidents");
    }
    size_t n = 0;
    for (size_t k = 0; k < set->count; k++)
        if (!lc_alert_is_benign(&set->alerts[k]))
            sorted[n++] = set->alerts[k].incident;
    qsort(sorted, n, sizeof *sorted, compare_names);
    size_t unique = 0;
    for (size_t k = 0; k < n; k++)
        if (unique == 0 || strcmp(sorted[unique - 1], sorted[k]) != 0)
            sorted[unique++] = sorted[k];
    out->names = calloc(unique ? unique : 1, sizeof *out->names);
    if (!out->names) {
        free(sorted);
        lc_incident_ids_free(out);
        return lc_fail(LC_ERR_NOMEM, "out of memory numbering incidents");
    }
    for (size_t k = 0; k < unique; k++) {
        out->names[k] = malloc(strlen(sorted[k]) + 1);
        if (!out->names[k]) {
            out->count = k;
            free(sorted);
            lc_incident_ids_free(out);
            return lc_fail(LC_ERR_NOMEM, "out of memory numbering incidents");
        }
        strcpy(out->names[k], sorted[k]);
    }
    out->count = unique;
    for (size_t k = 0; k < set->count; k++)
        out->ids[k] = lc_alert_is_benign(&set->alerts[k]) ? -1 : find_name(sorted, unique, set->alerts[k].incident);
    free(sorted);
    return LC_OK;
}

void lc_incident_ids_free(lc_incident_ids *ids)
{
    if (ids->names)
        for (size_t k = 0; k < ids->count; k++)
            free(ids->names[k]);
    free(ids->names);
    free(ids->ids);
    memset(ids, 0, sizeof *ids);
}
