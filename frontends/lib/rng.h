/* Seeded, reproducible pseudo-random numbers: xoshiro256** seeded through splitmix64.
 * The same seed gives the same stream on every platform (no floating-point or libc rand). */
#ifndef LSTMCORR_RNG_H
#define LSTMCORR_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct lc_rng {
    uint64_t state[4];
} lc_rng;

/* Start a stream from a 64-bit seed (any value, 0 included). */
void lc_rng_seed(lc_rng *rng, uint64_t seed);
/* Next 64 random bits. */
uint64_t lc_rng_next(lc_rng *rng);
/* Uniform integer in [0, bound) without modulo bias; bound 0 returns 0. */
uint64_t lc_rng_below(lc_rng *rng, uint64_t bound);
/* Uniform double in [0, 1) with 53 random bits. */
double lc_rng_uniform(lc_rng *rng);
/* Standard normal deviate (Box-Muller; one value per call, deterministic). */
double lc_rng_normal(lc_rng *rng);
/* Fisher-Yates shuffle of `count` elements of `size` bytes each, in place. */
void lc_rng_shuffle(lc_rng *rng, void *base, size_t count, size_t size);

#endif
