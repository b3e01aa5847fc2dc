/* Owning storage of alert records: appending, copying, freeing. */
#include "alerts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *copy_bytes(const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, text, len);
        copy[len] = '\0';
    }
    return copy;
}

static lc_status reserve_one(lc_alert_set *set)
{
    if (set->count < set->capacity)
        return LC_OK;
    size_t capacity = set->capacity ? set->capacity * 2 : 64;
    lc_alert *grown = realloc(set->alerts, capacity * sizeof *grown);
    if (!grown)
        return lc_fail(LC_ERR_NOMEM, "out of memory growing an alert set to %zu records", capacity);
    set->alerts = grown;
    set->capacity = capacity;
    return LC_OK;
}

lc_status lc_alert_set_add(lc_alert_set *set, const char *incident, const char *text, size_t text_len,
                           int cut, lc_alert **out)
{
    LC_TRY(reserve_one(set));
    lc_alert *alert = &set->alerts[set->count];
    memset(alert, 0, sizeof *alert);
    alert->incident = copy_bytes(incident, strlen(incident));
    alert->text = copy_bytes(text, text_len);
    if (!alert->incident || !alert->text) {
        free(alert->incident);
        free(alert->text);
        return lc_fail(LC_ERR_NOMEM, "out of memory storing an alert");
    }
    alert->text_len = text_len;
    alert->cut = cut;
    alert->time = NAN;
    alert->src_port = alert->dst_port = -1;
    set->count++;
    if (out)
        *out = alert;
    return LC_OK;
}

lc_status lc_alert_set_incident(lc_alert *alert, const char *incident)
{
    char *copy = copy_bytes(incident, strlen(incident));
    if (!copy)
        return lc_fail(LC_ERR_NOMEM, "out of memory storing an incident name");
    free(alert->incident);
    alert->incident = copy;
    return LC_OK;
}

lc_status lc_alert_set_source(lc_alert_set *set, const char *name, const char **out)
{
    for (size_t k = 0; k < set->source_count; k++) {
        if (strcmp(set->sources[k], name) == 0) {
            *out = set->sources[k];
            return LC_OK;
        }
    }
    char **grown = realloc(set->sources, (set->source_count + 1) * sizeof *grown);
    if (!grown)
        return lc_fail(LC_ERR_NOMEM, "out of memory storing an input name");
    set->sources = grown;
    char *copy = copy_bytes(name, strlen(name));
    if (!copy)
        return lc_fail(LC_ERR_NOMEM, "out of memory storing an input name");
    set->sources[set->source_count++] = copy;
    *out = copy;
    return LC_OK;
}

lc_status lc_alert_set_append_copy(lc_alert_set *set, const lc_alert *alert)
{
    const char *source = NULL;
    if (alert->source)
        LC_TRY(lc_alert_set_source(set, alert->source, &source));
    lc_alert *copy;
    LC_TRY(lc_alert_set_add(set, alert->incident, alert->text, alert->text_len, alert->cut, &copy));
    char *incident = copy->incident, *text = copy->text;
    *copy = *alert;
    copy->incident = incident;
    copy->text = text;
    copy->source = source;
    return LC_OK;
}

void lc_alert_set_free(lc_alert_set *set)
{
    for (size_t k = 0; k < set->count; k++) {
        free(set->alerts[k].incident);
        free(set->alerts[k].text);
    }
    free(set->alerts);
    for (size_t k = 0; k < set->source_count; k++)
        free(set->sources[k]);
    free(set->sources);
    for (size_t k = 0; k < LC_BAD_REASONS_KEPT; k++)
        free(set->bad_reasons[k]);
    memset(set, 0, sizeof *set);
}

int lc_alert_is_benign(const lc_alert *alert)
{
    return strcmp(alert->incident, LC_BENIGN_NAME) == 0;
}
