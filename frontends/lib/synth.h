/* The built-in demo data: fast.log-style alerts of a few multi-step incidents hidden in benign
 * noise. Some signatures occur both in incidents and in the noise, so a model must read the
 * addresses and the rest of the line, not the signature alone. Seeded and reproducible. */
#ifndef LSTMCORR_SYNTH_H
#define LSTMCORR_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "alerts.h"

#define LC_SYNTH_MAX_INCIDENTS 6

typedef struct lc_synth_options {
    size_t count;            /* alerts in all */
    int incidents;           /* 1..LC_SYNTH_MAX_INCIDENTS */
    double benign_fraction;  /* share of benign alerts, 0..1 */
    uint64_t seed;
    int year;                /* calendar year of the alerts' times (the text has no year) */
} lc_synth_options;

/* count 2000, incidents 6, benign_fraction 0.5, seed 1, year 2024. */
void lc_synth_defaults(lc_synth_options *opts);

/* Append `count` alerts to `out` (zero-initialised): incident name or "benign", text, time, IPs,
 * ports; rows shuffled and cut = row % 10 as lc_assign_cuts does with the same seed. */
lc_status lc_synth(const lc_synth_options *opts, lc_alert_set *out);

/* Name of demo incident k (0-based), e.g. "portscan". */
const char *lc_synth_incident_name(int k);

#endif
