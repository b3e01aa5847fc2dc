/* xoshiro256** (Blackman & Vigna) with splitmix64 seeding, written from the published algorithms. */
#include "rng.h"

#include <math.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotate_left(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void lc_rng_seed(lc_rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        rng->state[i] = splitmix64(&x);
}

uint64_t lc_rng_next(lc_rng *rng)
{
    uint64_t *s = rng->state;
    uint64_t result = rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

uint64_t lc_rng_below(lc_rng *rng, uint64_t bound)
{
    if (bound == 0)
        return 0;
    /* Reject the top partial block so every residue is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do {
        x = lc_rng_next(rng);
    } while (x >= limit);
    return x % bound;
}

double lc_rng_uniform(lc_rng *rng)
{
    return (double)(lc_rng_next(rng) >> 11) * 0x1.0p-53;
}

double lc_rng_normal(lc_rng *rng)
{
    /* 1 - u lies in (0, 1], so the log is finite. */
    double u = 1.0 - lc_rng_uniform(rng);
    double v = lc_rng_uniform(rng);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

void lc_rng_shuffle(lc_rng *rng, void *base, size_t count, size_t size)
{
    unsigned char *bytes = base;
    unsigned char tmp[256];
    if (count < 2)
        return;
    for (size_t i = count - 1; i > 0; i--) {
        size_t j = (size_t)lc_rng_below(rng, (uint64_t)i + 1);
        if (j == i)
            continue;
        /* Swap in chunks so any element size works without allocation. */
        for (size_t off = 0; off < size; off += sizeof tmp) {
            size_t n = size - off < sizeof tmp ? size - off : sizeof tmp;
            memcpy(tmp, bytes + i * size + off, n);
            memcpy(bytes + i * size + off, bytes + j * size + off, n);
            memcpy(bytes + j * size + off, tmp, n);
        }
    }
}
