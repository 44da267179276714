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

/* Writes a random GUID (36 characters and a NUL) into dst; `v4` marks it as a
 * version-4 GUID as Azure's are. */
static inline void rng_guid(struct rng *r, char *dst, bool v4)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t a = rnd(r), b = rnd(r);
    int j = 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            dst[i] = '-';
            continue;
        }
        uint64_t *w = j < 16 ? &a : &b;
        dst[i] = hex[*w & 15];
        *w >>= 4;
        j++;
    }
    if (v4)
        dst[14] = '4';
    dst[36] = '\0';
}

#define PICK(r, arr) ((arr)[below((r), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))])

#endif
