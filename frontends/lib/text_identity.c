#include "text_identity.h"

#include "rng.h"

static uint64_t fnv1a(const char *text, size_t length)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < length; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ull;
    }
    return h;
}

void lc_text_identity_vectors(const char *const *texts, const size_t *lengths, int64_t count, float *out)
{
    for (int64_t i = 0; i < count; i++) {
        lc_rng rng;
        lc_rng_seed(&rng, fnv1a(texts[i], lengths[i]));
        for (int k = 0; k < LC_TEXT_IDENTITY_DIM; k++)
            out[i * LC_TEXT_IDENTITY_DIM + k] = (float)lc_rng_normal(&rng);
    }
}
