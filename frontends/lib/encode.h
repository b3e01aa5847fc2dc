/* Alerts to what the network reads: byte codes per character, and incident names to integers. */
#ifndef LSTMCORR_ENCODE_H
#define LSTMCORR_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "alerts.h"

#define LC_ALPHABET_SIZE 128 /* codes 0..127 */
#define LC_CODE_PADDING 0    /* never produced by the encoder: reserved for padding */
#define LC_CODE_OTHER 127    /* DEL, any byte >= 128, and NUL (which readers reject anyway) */

/* Code of one byte: 1..126 map to themselves, everything else to LC_CODE_OTHER. */
static inline uint8_t lc_encode_byte(unsigned char byte)
{
    return byte >= 1 && byte <= 126 ? byte : LC_CODE_OTHER;
}

/* codes[k] = lc_encode_byte(text[k]) for k < len. */
void lc_encode_text(const char *text, size_t len, uint8_t *codes);

/* Every alert's codes back to back: alert k is codes[offsets[k] .. offsets[k+1]). */
typedef struct lc_encoded {
    uint8_t *codes;
    size_t *offsets;    /* count + 1 entries */
    size_t count;
    size_t max_length;  /* longest alert, in codes */
} lc_encoded;

lc_status lc_encode_alerts(const lc_alert_set *set, lc_encoded *out);
void lc_encoded_free(lc_encoded *encoded);

/* Incident names as integers: benign is -1, the others 0..count-1 in sorted name order (so the
 * numbering does not depend on the order or the subset of alerts). */
typedef struct lc_incident_ids {
    int *ids;        /* one per alert */
    char **names;    /* names[id] */
    size_t count;    /* non-benign incidents */
} lc_incident_ids;

lc_status lc_incident_ids_build(const lc_alert_set *set, lc_incident_ids *out);
void lc_incident_ids_free(lc_incident_ids *ids);

#endif
