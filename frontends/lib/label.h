/* Labelling alerts from incident descriptions: time window plus attacker/victim address. */
#ifndef LSTMCORR_LABEL_H
#define LSTMCORR_LABEL_H

#include <stddef.h>

#include "alerts.h"

#define LC_LABEL_SLACK_SECONDS 60.0 /* an incident's alerts may trail its stop time this much */

typedef struct lc_incident_window {
    char *label;
    double start, stop;                  /* Unix seconds */
    char attacker_ip[LC_IP_TEXT_MAX];    /* "" when not given */
    char victim_ip[LC_IP_TEXT_MAX];
    long line;                           /* line in the incidents file */
} lc_incident_window;

typedef struct lc_incident_list {
    lc_incident_window *windows;
    size_t count;
    char *source; /* file name, for messages */
} lc_incident_list;

/* Incidents CSV (RFC 4180), header label,start,stop,attacker_ip,victim_ip; times as Unix seconds
 * or ISO 8601 (UTC unless an offset is written). Zero-initialise *list first. */
lc_status lc_incidents_read_path(const char *path, lc_incident_list *list);
lc_status lc_incidents_read_memory(const char *data, size_t len, const char *name, lc_incident_list *list);
void lc_incident_list_free(lc_incident_list *list);

typedef struct lc_label_options {
    double slack_seconds;         /* window is [start, stop + slack]; LC_LABEL_SLACK_SECONDS */
    const char *const *ignore_ips; /* addresses that never match */
    size_t ignore_count;
} lc_label_options;

typedef struct lc_label_stats {
    size_t labelled;  /* alerts that took an incident */
    size_t benign;
    size_t no_time;   /* alerts without a time (benign by force) */
} lc_label_stats;

/* Set every alert's incident: the label of the windows it matches, else "benign"; two different
 * labels is LC_ERR_FORMAT naming the alert (FILE:LINE) and both incidents. Sets cut = index % 10.
 * stats may be NULL. */
lc_status lc_label_alerts(lc_alert_set *set, const lc_incident_list *incidents, const lc_label_options *opts,
                          lc_label_stats *stats);

#endif
