#include "text_identity.h"

#include "checksum.h"
#include "rng.h"

void lc_text_identity_vectors(const char *const *texts, const size_t *lengths, int64_t count, float *out)
{
    for (int64_t i = 0; i < count; i++) {
        lc_rng rng;
        lc_rng_seed(&rng, lc_fnv1a64(texts[i], lengths[i]));
        for (int k = 0; k < LC_TEXT_IDENTITY_DIM; k++)
            out[i * LC_TEXT_IDENTITY_DIM + k] = (float)lc_rng_normal(&rng);
    }
}
