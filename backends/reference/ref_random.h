/*
 * Counter-based random numbers for test inputs: value = hash(seed, stream, index), so any element
 * of any array can be regenerated alone, in any order, on any machine (no generator state).
 * The hash is splitmix64's finaliser applied to a mix of the three words.
 */
#ifndef LSTMCORR_REF_RANDOM_H
#define LSTMCORR_REF_RANDOM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 64 well-mixed bits for (seed, stream, index). */
uint64_t lc_ref_random_bits(uint64_t seed, uint64_t stream, uint64_t index);
/* Uniform double in [0, 1) with 53 random bits. */
double lc_ref_random_uniform(uint64_t seed, uint64_t stream, uint64_t index);
/* Standard normal (Box-Muller on two hashed uniforms). */
double lc_ref_random_normal(uint64_t seed, uint64_t stream, uint64_t index);
/* A stream id from a name, so that each array of each case draws from its own stream. */
uint64_t lc_ref_random_stream(const char *name, uint64_t number);

#ifdef __cplusplus
}
#endif
#endif
