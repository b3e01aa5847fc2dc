/* Counter-based random numbers: a splitmix64 hash of (seed, stream, index). */
#include "ref_random.h"

#include <math.h>

static uint64_t splitmix64_mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t lc_ref_random_bits(uint64_t seed, uint64_t stream, uint64_t index)
{
    /* Hash each word in turn so that nearby (stream, index) pairs never collide trivially. */
    return splitmix64_mix(splitmix64_mix(splitmix64_mix(seed) ^ stream) ^ index);
}

double lc_ref_random_uniform(uint64_t seed, uint64_t stream, uint64_t index)
{
    return (double)(lc_ref_random_bits(seed, stream, index) >> 11) * 0x1.0p-53;
}

double lc_ref_random_normal(uint64_t seed, uint64_t stream, uint64_t index)
{
    const double two_pi = 6.283185307179586476925286766559;
    /* 1 - u is in (0, 1], so the logarithm is finite. */
    double u1 = 1.0 - lc_ref_random_uniform(seed, stream, 2 * index);
    double u2 = lc_ref_random_uniform(seed, stream, 2 * index + 1);
    return sqrt(-2.0 * log(u1)) * cos(two_pi * u2);
}

uint64_t lc_ref_random_stream(const char *name, uint64_t number)
{
    uint64_t hash = 0xCBF29CE484222325ull; /* FNV-1a over the name, then the number mixed in */
    for (const char *c = name; *c; c++)
        hash = (hash ^ (uint64_t)(unsigned char)*c) * 0x100000001B3ull;
    return splitmix64_mix(hash ^ splitmix64_mix(number));
}
