/*
 * The benchmark programs' random numbers: xoshiro256** seeded with
 * splitmix64 (Blackman and Vigna), so generated data are the same bytes on
 * every machine and compiler. Header-only; for bench/ programs.
 */
#ifndef SS_BENCH_RNG_H
#define SS_BENCH_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
    uint64_t s[4];
};

static inline uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rnd(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n) for n < 2^32 (multiply-shift; the bias is negligible). */
static inline uint32_t below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rnd(r) >> 32) * (uint64_t)n) >> 32);
}

/* True with probability pct/100. */
static inline bool chance(struct rng *r, uint32_t pct)
{
    return below(r, 100) < pct;
}

#define PICK(r, arr) ((arr)[below((r), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))])

#endif
