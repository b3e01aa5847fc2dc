/* The "identical text" baseline: a vector per alert that only identical (masked) texts share.
 * Clustering these vectors groups exact duplicates and nothing else (at every eps below ~0.3), which
 * is what a SOC gets from de-duplicating alerts; the network has to beat it to be worth running. */
#ifndef LSTMCORR_TEXT_IDENTITY_H
#define LSTMCORR_TEXT_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

/* Vector size: large enough that two different texts are never within cosine distance 0.3 (their
 * cosine has standard deviation ~1/sqrt(128) = 0.09; 0.7 is ~8 deviations away). */
enum { LC_TEXT_IDENTITY_DIM = 128 };

/* out[i * LC_TEXT_IDENTITY_DIM ...]: a pseudo-random direction seeded by a hash of texts[i]. */
void lc_text_identity_vectors(const char *const *texts, const size_t *lengths, int64_t count, float *out);

#endif
