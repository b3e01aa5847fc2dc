/* Balancing a labelled alert set for training: cap each incident, sample benign alerts, then give
 * the rows cross-validation cuts (row % 10 after a seeded shuffle). */
#ifndef LSTMCORR_STRATIFY_H
#define LSTMCORR_STRATIFY_H

#include <stddef.h>
#include <stdint.h>

#include "alerts.h"

#define LC_CUTS 10

typedef struct lc_stratify_options {
    size_t cap;     /* most alerts kept per incident; 0 keeps all */
    size_t benign;  /* benign alerts kept; SIZE_MAX keeps all */
    size_t total;   /* nonzero: benign = total - incident alerts kept (replaces `benign`) */
    uint64_t seed;
} lc_stratify_options;

/* cap 200, benign 1000, total 0, seed 1: the layout of the AIT training files. */
void lc_stratify_defaults(lc_stratify_options *opts);

/* Sampled, shuffled copy of `in` with cuts assigned, appended to `out` (zero-initialised). The
 * result depends only on the input records, their order and the options. LC_ERR_INVALID when
 * `total` is smaller than the incident alerts kept. */
lc_status lc_stratify(const lc_alert_set *in, const lc_stratify_options *opts, lc_alert_set *out);

/* Shuffle `set` in place with `seed` and set cut = row % 10. */
void lc_assign_cuts(lc_alert_set *set, uint64_t seed);

#endif
