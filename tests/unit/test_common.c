/*
 * Unit tests for src/common: the arena, ss_buf, the hash map and the error
 * table with struct ss_diag.
 *
 * The hash map is checked against a trivially correct reference (a flat
 * array indexed by key number) under long seeded random sequences of
 * put/get/find/del, including keys chosen to share a home slot and to wrap
 * around the end of the table, which is where backward-shift deletion
 * (Knuth's algorithm R) goes wrong when its cyclic range test is off by one.
 */
#include "common/setup.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/hashmap.h"
#include "securescore/buf.h"
#include "securescore/errors.h"
#include "test.h"

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/*
 * Runs `fn(arg)` in a child process with stderr captured; returns true if
 * the child died of SIGABRT. The first bytes of its stderr go into `err`.
 */
static bool dies_with_abort(void (*fn)(void *), void *arg, char *err, size_t errsize)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        fn(arg);
        _exit(0);
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < errsize && (n = read(fds[0], err + got, errsize - 1 - got)) > 0)
        got += (size_t)n;
    err[got] = '\0';
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* ---- arena ---- */

TEST(arena_alignment_and_no_overlap)
{
    struct ss_arena a;
    ss_arena_init(&a, 1024);
    enum { N = 2000 };
    unsigned char *ptrs[N];
    size_t sizes[N];
    uint64_t seed = 42;
    for (int i = 0; i < N; i++) {
        /* Mostly small, sometimes above a quarter of the chunk (own chunk). */
        size_t sz =
            (rng_next(&seed) % 8 == 0) ? 200 + rng_next(&seed) % 2000 : rng_next(&seed) % 70;
        ptrs[i] = ss_arena_alloc(&a, sz);
        sizes[i] = sz;
        REQUIRE(ptrs[i] != NULL);
        CHECK(((uintptr_t)ptrs[i] & 15) == 0);
        memset(ptrs[i], i & 0xff, sz);
    }
    /* Every block still holds its own pattern: no two allocations overlap. */
    for (int i = 0; i < N; i++)
        for (size_t j = 0; j < sizes[i]; j++)
            if (ptrs[i][j] != (unsigned char)(i & 0xff)) {
                ss_test_fail(t_, __FILE__, __LINE__, "block %d byte %zu overwritten", i, j);
                break;
            }
    CHECK(a.used >= N);
    ss_arena_release(&a);
    CHECK(a.head == NULL);
    CHECK_EQ_INT(ss_arena_memory(&a), 0);
}

TEST(arena_zero_size_allocations_are_distinct)
{
    struct ss_arena a;
    ss_arena_init(&a, 0);
    void *p = ss_arena_alloc(&a, 0), *q = ss_arena_alloc(&a, 0);
    CHECK(p != NULL && q != NULL && p != q);
    CHECK(((uintptr_t)p & 15) == 0 && ((uintptr_t)q & 15) == 0);
    ss_arena_release(&a);
}

TEST(arena_big_allocations)
{
    struct ss_arena a;
    ss_arena_init(&a, 4096);
    char *small1 = ss_arena_alloc(&a, 10);
    memcpy(small1, "123456789", 10);
    size_t big = 10u << 20;
    unsigned char *p = ss_arena_alloc(&a, big);
    REQUIRE(p != NULL);
    CHECK(((uintptr_t)p & 15) == 0);
    memset(p, 0xab, big);
    CHECK(p[0] == 0xab && p[big - 1] == 0xab);
    CHECK(ss_arena_memory(&a) >= big + 4096);
    /* The head chunk's free space is still used after a big request. */
    size_t before = ss_arena_memory(&a);
    for (int i = 0; i < 50; i++)
        ss_arena_alloc(&a, 16);
    CHECK_EQ_INT(ss_arena_memory(&a), before);
    CHECK_STREQ(small1, "123456789");
    /* A chunk_size request that exactly fills new chunks. */
    void *exact = ss_arena_alloc(&a, 4096);
    CHECK(exact != NULL && ((uintptr_t)exact & 15) == 0);
    ss_arena_release(&a);
}

TEST(arena_reset_keeps_memory)
{
    struct ss_arena a;
    ss_arena_init(&a, 4096);
    for (int i = 0; i < 100; i++)
        ss_arena_alloc(&a, 300);
    ss_arena_alloc(&a, 1 << 20);
    size_t total = ss_arena_memory(&a);
    CHECK(total > (1 << 20));
    ss_arena_reset(&a);
    size_t kept = ss_arena_memory(&a);
    CHECK(kept > 0);          /* one chunk is kept ... */
    CHECK(kept >= (1 << 20)); /* ... the largest one */
    CHECK(kept < total);      /* and only that one */
    CHECK_EQ_INT(a.used, 0);
    /* Allocations after the reset reuse it without touching new memory. */
    for (int i = 0; i < 1000; i++) {
        char *p = ss_arena_alloc(&a, 512);
        CHECK(((uintptr_t)p & 15) == 0);
        memset(p, 1, 512);
    }
    CHECK_EQ_INT(ss_arena_memory(&a), kept);
    /* Reset of an empty arena, then of a reset arena. */
    ss_arena_reset(&a);
    ss_arena_reset(&a);
    CHECK_EQ_INT(ss_arena_memory(&a), kept);
    ss_arena_release(&a);
    struct ss_arena e;
    ss_arena_init(&e, 0);
    ss_arena_reset(&e);
    CHECK_EQ_INT(ss_arena_memory(&e), 0);
    ss_arena_release(&e);
}

TEST(arena_calloc_strndup_memdup)
{
    struct ss_arena a;
    ss_arena_init(&a, 256);
    unsigned char *dirty = ss_arena_alloc(&a, 200);
    memset(dirty, 0xff, 200);
    ss_arena_reset(&a);
    unsigned char *z = ss_arena_calloc(&a, 50, 4);
    for (int i = 0; i < 200; i++)
        CHECK(z[i] == 0);
    CHECK(ss_arena_calloc(&a, 0, 8) != NULL);
    char *s = ss_arena_strndup(&a, "hello world", 5);
    CHECK_STREQ(s, "hello");
    char *e = ss_arena_strndup(&a, NULL, 0);
    CHECK_STREQ(e, "");
    const char bin[] = {'a', '\0', 'b'};
    char *m = ss_arena_memdup(&a, bin, 3);
    CHECK(memcmp(m, bin, 3) == 0);
    ss_arena_release(&a);
}

static void arena_calloc_overflow(void *arg)
{
    struct ss_arena a;
    ss_arena_init(&a, 0);
    size_t n = *(size_t *)arg;
    /* n * 16 wraps around: must abort, not hand out a tiny block. */
    void *p = ss_arena_calloc(&a, n, 16);
    SS_UNUSED(p);
}

static void arena_alloc_huge(void *arg)
{
    struct ss_arena a;
    ss_arena_init(&a, 0);
    SS_UNUSED(arg);
    void *p = ss_arena_alloc(&a, SIZE_MAX - 3);
    SS_UNUSED(p);
}

TEST(arena_calloc_overflow_aborts)
{
    char err[256];
    size_t n = SIZE_MAX / 8;
    CHECK(dies_with_abort(arena_calloc_overflow, &n, err, sizeof(err)));
    CHECK(strstr(err, "out of memory") != NULL);
    n = (SIZE_MAX >> 4) + 2;
    CHECK(dies_with_abort(arena_calloc_overflow, &n, err, sizeof(err)));
    CHECK(dies_with_abort(arena_alloc_huge, NULL, err, sizeof(err)));
    CHECK(strstr(err, "out of memory") != NULL);
}

static void xreallocarray_overflow(void *arg)
{
    SS_UNUSED(arg);
    void *p = ss_xreallocarray(NULL, SIZE_MAX / 2, 3);
    SS_UNUSED(p);
}

TEST(alloc_wrappers)
{
    char *s = ss_xstrndup("abcdef", 3);
    CHECK_STREQ(s, "abc");
    free(s);
    s = ss_xstrdup("");
    CHECK_STREQ(s, "");
    free(s);
    void *z = ss_xmalloc(0);
    CHECK(z != NULL);
    free(z);
    int *c = ss_xcalloc(10, sizeof(int));
    for (int i = 0; i < 10; i++)
        CHECK(c[i] == 0);
    c = ss_xreallocarray(c, 1000, sizeof(int));
    c[999] = 7;
    CHECK(c[999] == 7);
    free(c);
    char err[256];
    CHECK(dies_with_abort(xreallocarray_overflow, NULL, err, sizeof(err)));
    CHECK(strstr(err, "out of memory") != NULL);
}

/* ---- ss_buf ---- */

static bool buf_terminated(const struct ss_buf *b)
{
    return b->ptr ? (b->len < b->cap && b->ptr[b->len] == '\0') : (b->len == 0 && b->cap == 0);
}

TEST(buf_add_and_nul_termination)
{
    struct ss_buf b = SS_BUF_INIT;
    CHECK(buf_terminated(&b));
    ss_buf_addc(&b, 'x');
    CHECK(buf_terminated(&b));
    CHECK_MEMEQ(b.ptr, b.len, "x");
    ss_buf_adds(&b, "yz");
    CHECK(buf_terminated(&b));
    ss_buf_add(&b, "a\0b", 3);
    CHECK(buf_terminated(&b));
    CHECK_EQ_INT(b.len, 6);
    CHECK(memcmp(b.ptr, "xyza\0b", 7) == 0);
    ss_buf_add(&b, NULL, 0);
    CHECK_EQ_INT(b.len, 6);
    ss_buf_truncate(&b, 100); /* longer: no-op */
    CHECK_EQ_INT(b.len, 6);
    ss_buf_truncate(&b, 2);
    CHECK(buf_terminated(&b));
    CHECK_STREQ(b.ptr, "xy");
    size_t cap = b.cap;
    ss_buf_reset(&b);
    CHECK(buf_terminated(&b));
    CHECK_EQ_INT(b.len, 0);
    CHECK_EQ_INT(b.cap, cap); /* memory kept */
    /* addc across many growth steps */
    for (int i = 0; i < 10000; i++) {
        ss_buf_addc(&b, (char)('a' + i % 26));
        if (!buf_terminated(&b)) {
            ss_test_fail(t_, __FILE__, __LINE__, "not terminated after %d addc", i);
            break;
        }
    }
    CHECK_EQ_INT(b.len, 10000);
    CHECK(b.ptr[9999] == (char)('a' + 9999 % 26));
    ss_buf_release(&b);
    CHECK(b.ptr == NULL && b.len == 0 && b.cap == 0);
    ss_buf_adds(&b, "again");
    CHECK_STREQ(b.ptr, "again");
    ss_buf_release(&b);
    ss_buf_reset(&b); /* reset of an empty buffer */
    CHECK(buf_terminated(&b));
}

TEST(buf_printf_growth)
{
    char big[5000];
    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    /* Start from every length around the first capacities so each
     * "fits / does not fit in the remaining space" case happens. */
    for (size_t start = 0; start < 300; start++) {
        struct ss_buf b;
        ss_buf_init(&b);
        for (size_t i = 0; i < start; i++)
            ss_buf_addc(&b, '.');
        ss_buf_printf(&b, "<%d:%s>", (int)start, big + sizeof(big) - 1 - 100);
        char want[200];
        int n = snprintf(want, sizeof(want), "<%d:%s>", (int)start, big + sizeof(big) - 1 - 100);
        CHECK_EQ_INT(b.len, start + (size_t)n);
        if (b.len == start + (size_t)n && memcmp(b.ptr + start, want, (size_t)n) != 0)
            ss_test_fail(t_, __FILE__, __LINE__, "printf content wrong at start %zu", start);
        CHECK(buf_terminated(&b));
        ss_buf_release(&b);
    }
    struct ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "%s", big);
    CHECK_EQ_INT(b.len, sizeof(big) - 1);
    CHECK(strcmp(b.ptr, big) == 0);
    ss_buf_printf(&b, "%s|%d|%s", "", 12345, big);
    CHECK_EQ_INT(b.len, 2 * (sizeof(big) - 1) + 7);
    CHECK(memcmp(b.ptr + sizeof(big) - 1, "|12345|", 7) == 0);
    CHECK(buf_terminated(&b));
    ss_buf_printf(&b, "%s", ""); /* empty output */
    CHECK_EQ_INT(b.len, 2 * (sizeof(big) - 1) + 7);
    ss_buf_release(&b);
    ss_buf_printf(&b, "%c", 0); /* a NUL byte through printf */
    CHECK_EQ_INT(b.len, 1);
    CHECK(b.ptr[0] == '\0');
    ss_buf_release(&b);
}

TEST(buf_detach)
{
    struct ss_buf b = SS_BUF_INIT;
    size_t len = 99;
    char *p = ss_buf_detach(&b, &len);
    REQUIRE(p != NULL);
    CHECK_EQ_INT(len, 0);
    CHECK_STREQ(p, "");
    free(p);
    CHECK(b.ptr == NULL && b.len == 0 && b.cap == 0);
    ss_buf_printf(&b, "n=%d", 42);
    p = ss_buf_detach(&b, &len);
    CHECK_EQ_INT(len, 4);
    CHECK_STREQ(p, "n=42");
    CHECK(b.ptr == NULL && b.len == 0 && b.cap == 0);
    free(p);
    ss_buf_adds(&b, "xy");
    p = ss_buf_detach(&b, NULL);
    CHECK_STREQ(p, "xy");
    free(p);
    /* reset then detach: the empty string, not stale content */
    ss_buf_adds(&b, "stale");
    ss_buf_reset(&b);
    p = ss_buf_detach(&b, &len);
    CHECK_EQ_INT(len, 0);
    CHECK_STREQ(p, "");
    free(p);
    ss_buf_release(&b);
}

/* ---- hash map ---- */

struct ref_map {
    size_t n;        /* number of keys in the universe */
    char **keys;     /* key bytes */
    size_t *lens;    /* key lengths */
    bool *present;   /* reference membership */
    uintptr_t *vals; /* reference values */
    size_t count;
};

static void ref_init(struct ref_map *r, size_t n)
{
    r->n = n;
    r->keys = ss_xcalloc(n, sizeof(*r->keys));
    r->lens = ss_xcalloc(n, sizeof(*r->lens));
    r->present = ss_xcalloc(n, sizeof(*r->present));
    r->vals = ss_xcalloc(n, sizeof(*r->vals));
    r->count = 0;
}

static void ref_free(struct ref_map *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->keys[i]);
    free(r->keys);
    free(r->lens);
    free(r->present);
    free(r->vals);
}

/* Checks the whole map against the reference: count, lookups, iteration. */
static void ref_verify(struct ss_test *t_, const struct ss_map *m, const struct ref_map *r)
{
    CHECK_EQ_INT(m->count, r->count);
    for (size_t i = 0; i < r->n; i++) {
        void *v = (void *)1;
        bool found = ss_map_find(m, r->keys[i], r->lens[i], &v);
        if (found != r->present[i] || (found && (uintptr_t)v != r->vals[i])) {
            ss_test_fail(t_, __FILE__, __LINE__, "key %zu: found %d want %d", i, found,
                         r->present[i]);
            return;
        }
    }
    size_t pos = 0, seen = 0, len = 0;
    const char *key = NULL;
    void *val = NULL;
    while (ss_map_next(m, &pos, &key, &len, &val)) {
        seen++;
        void *v2 = NULL;
        if (!ss_map_find(m, key, len, &v2) || v2 != val) {
            ss_test_fail(t_, __FILE__, __LINE__, "iterated key not found");
            return;
        }
    }
    CHECK_EQ_INT(seen, r->count);
}

/* One random operation on both the map and the reference. */
static void ref_step(struct ss_test *t_, struct ss_map *m, struct ref_map *r, uint64_t *seed)
{
    size_t k = (size_t)(rng_next(seed) % r->n);
    unsigned op = (unsigned)(rng_next(seed) % 10);
    if (op < 4) {
        uintptr_t v = (uintptr_t)(rng_next(seed) % 1000000) + 1;
        bool added = false;
        void *prev = ss_map_put(m, r->keys[k], r->lens[k], (void *)v, &added);
        if (added != !r->present[k])
            ss_test_fail(t_, __FILE__, __LINE__, "put: added %d for key %zu", added, k);
        if ((uintptr_t)prev != (r->present[k] ? r->vals[k] : 0))
            ss_test_fail(t_, __FILE__, __LINE__, "put: wrong previous value");
        if (!r->present[k])
            r->count++;
        r->present[k] = true;
        r->vals[k] = v;
    } else if (op < 7) {
        void *prev = ss_map_del(m, r->keys[k], r->lens[k]);
        if ((uintptr_t)prev != (r->present[k] ? r->vals[k] : 0))
            ss_test_fail(t_, __FILE__, __LINE__, "del: wrong value for key %zu", k);
        if (r->present[k])
            r->count--;
        r->present[k] = false;
    } else {
        void *v = ss_map_get(m, r->keys[k], r->lens[k]);
        if ((uintptr_t)v != (r->present[k] ? r->vals[k] : 0))
            ss_test_fail(t_, __FILE__, __LINE__, "get: wrong value for key %zu", k);
    }
}

/* Runs `steps` random operations, verifying everything every `every` steps. */
static void ref_run(struct ss_test *t_, struct ss_map *m, struct ref_map *r, uint64_t seed,
                    int steps, int every)
{
    int before = t_->failures;
    for (int i = 0; i < steps && t_->failures == before; i++) {
        ref_step(t_, m, r, &seed);
        if (i % every == 0)
            ref_verify(t_, m, r);
    }
    ref_verify(t_, m, r);
}

TEST(map_random_ops_against_reference)
{
    /* Universes of 5, 100 and 3000 keys: dense churn, and growth. */
    static const size_t sizes[] = {5, 100, 3000};
    for (size_t s = 0; s < SS_ARRAY_LEN(sizes); s++) {
        struct ref_map r;
        ref_init(&r, sizes[s]);
        uint64_t seed = 1234 + s;
        for (size_t i = 0; i < r.n; i++) {
            char tmp[64];
            int n;
            if (i == 0) {
                n = 0; /* the empty key */
            } else if (i % 7 == 0) {
                /* binary keys with NUL bytes, made unique by the index bytes */
                n = 1 + (int)(rng_next(&seed) % 20);
                for (int j = 0; j < n; j++)
                    tmp[j] = (char)(rng_next(&seed) % 4);
                memcpy(tmp + n, &i, sizeof(i));
                n += (int)sizeof(i);
            } else {
                n = snprintf(tmp, sizeof(tmp), "key-%zu", i);
            }
            r.keys[i] = ss_xmemdup(tmp, (size_t)n);
            r.lens[i] = (size_t)n;
        }
        struct ss_map m;
        ss_map_init(&m, 0);
        ref_run(t_, &m, &r, seed, 200000, sizes[s] < 200 ? 1 : 5000);
        ss_map_release(&m);
        ref_free(&r);
    }
}

/*
 * Keys whose home slots (hash & 15) are 14, 15, 0 and 1: at capacity 16
 * their clusters wrap around the end of the table, which exercises the
 * cyclic "home in (hole, j]" test of backward-shift deletion.
 */
TEST(map_backward_shift_wraparound)
{
    static const unsigned homes[] = {15, 15, 15, 14, 0, 0, 1};
    struct ref_map r;
    ref_init(&r, SS_ARRAY_LEN(homes));
    unsigned found = 0;
    for (unsigned cand = 0; found < r.n && cand < 1000000; cand++) {
        char tmp[32];
        int n = snprintf(tmp, sizeof(tmp), "w%u", cand);
        unsigned home = (unsigned)((uint32_t)ss_hash_bytes(tmp, (size_t)n, false) & 15);
        if (home == homes[found]) {
            r.keys[found] = ss_xmemdup(tmp, (size_t)n);
            r.lens[found] = (size_t)n;
            found++;
        }
    }
    REQUIRE(found == r.n);
    struct ss_map m;
    ss_map_init(&m, 0);
    /* 7 keys: the map stays at 16 slots (it grows when an 9th would go in). */
    ref_run(t_, &m, &r, 99, 100000, 1);
    CHECK_EQ_INT(m.cap, 16);
    ss_map_release(&m);
    ref_free(&r);
}

TEST(map_basics)
{
    struct ss_map m;
    ss_map_init(&m, 0);
    CHECK(ss_map_get(&m, "a", 1) == NULL);
    CHECK(!ss_map_find(&m, "a", 1, NULL));
    CHECK(ss_map_del(&m, "a", 1) == NULL);
    size_t pos = 0;
    CHECK(!ss_map_next(&m, &pos, NULL, NULL, NULL));
    /* keys are copied */
    char key[8] = "temp";
    int one = 1, two = 2;
    bool added = false;
    CHECK(ss_map_put(&m, key, 4, &one, &added) == NULL);
    CHECK(added);
    memcpy(key, "XXXX", 4);
    CHECK(ss_map_get(&m, "temp", 4) == &one);
    CHECK(ss_map_get(&m, "XXXX", 4) == NULL);
    /* replace returns the old value */
    CHECK(ss_map_put(&m, "temp", 4, &two, &added) == &one);
    CHECK(!added);
    CHECK_EQ_INT(m.count, 1);
    /* NULL values are stored and found */
    CHECK(ss_map_put(&m, "nil", 3, NULL, NULL) == NULL);
    void *v = &one;
    CHECK(ss_map_find(&m, "nil", 3, &v));
    CHECK(v == NULL);
    CHECK(ss_map_find(&m, "nil", 3, NULL));
    /* prefixes and embedded NUL are different keys */
    CHECK(ss_map_get(&m, "tem", 3) == NULL);
    CHECK(ss_map_put(&m, "a\0b", 3, &one, NULL) == NULL);
    CHECK(ss_map_get(&m, "a\0c", 3) == NULL);
    CHECK(ss_map_get(&m, "a", 1) == NULL);
    CHECK(ss_map_get(&m, "a\0b", 3) == &one);
    /* case matters without NOCASE */
    CHECK(ss_map_get(&m, "TEMP", 4) == NULL);
    CHECK(ss_map_del(&m, "temp", 4) == &two);
    CHECK(ss_map_get(&m, "temp", 4) == NULL);
    CHECK_EQ_INT(m.count, 2);
    ss_map_release(&m);
    CHECK_EQ_INT(m.count, 0);
    /* reusable after release */
    CHECK(ss_map_put(&m, "again", 5, &one, NULL) == NULL);
    CHECK(ss_map_get(&m, "again", 5) == &one);
    ss_map_release(&m);
}

TEST(map_nocase)
{
    struct ss_map m;
    ss_map_init(&m, SS_MAP_NOCASE);
    int a = 1, b = 2, c = 3;
    const char *type = "Microsoft.Storage/storageAccounts";
    bool added = false;
    ss_map_put(&m, type, strlen(type), &a, &added);
    CHECK(added);
    CHECK(ss_map_get(&m, "microsoft.storage/STORAGEACCOUNTS", strlen(type)) == &a);
    CHECK(ss_map_put(&m, "MICROSOFT.STORAGE/storageaccounts", strlen(type), &b, &added) == &a);
    CHECK(!added);
    CHECK_EQ_INT(m.count, 1);
    /* the first spelling is kept */
    size_t pos = 0, len = 0;
    const char *key = NULL;
    void *val = NULL;
    REQUIRE(ss_map_next(&m, &pos, &key, &len, &val));
    CHECK_MEMEQ(key, len, "Microsoft.Storage/storageAccounts");
    CHECK(val == &b);
    /* only ASCII letters fold: other bytes compare exactly */
    ss_map_put(&m, "caf\xc3\xa9", 5, &c, NULL);
    CHECK(ss_map_get(&m, "CAF\xc3\xa9", 5) == &c);
    CHECK(ss_map_get(&m, "CAF\xc3\x89", 5) == NULL); /* É is not é here */
    CHECK(ss_map_get(&m, "[", 1) == NULL);
    ss_map_put(&m, "[", 1, &a, NULL);
    CHECK(ss_map_get(&m, "{", 1) == NULL); /* '[' ^ 0x20 == '{': not a letter */
    CHECK(ss_map_get(&m, "@", 1) == NULL);
    CHECK(ss_map_del(&m, "mIcRoSoFt.StOrAgE/StOrAgEaCcOuNtS", strlen(type)) == &b);
    CHECK_EQ_INT(m.count, 2);
    ss_map_release(&m);

    CHECK(ss_mem_eq_nocase("AbC", "aBc", 3));
    CHECK(!ss_mem_eq_nocase("[", "{", 1));
    CHECK(!ss_mem_eq_nocase("a", "b", 1));
    CHECK(ss_mem_eq_nocase("", "", 0));
    CHECK(ss_hash_bytes("HeLLo", 5, true) == ss_hash_bytes("hello", 5, true));
    CHECK(ss_hash_bytes("HeLLo", 5, false) != ss_hash_bytes("hello", 5, false));
    CHECK(ss_hash_bytes("hello", 5, true) == ss_hash_bytes("hello", 5, false));
}

TEST(map_nocase_random_against_reference)
{
    /* Keys that differ only in case are one key: the reference folds them. */
    struct ref_map r;
    ref_init(&r, 400);
    for (size_t i = 0; i < r.n; i++) {
        char tmp[32];
        int n = snprintf(tmp, sizeof(tmp), "Key%zu", i);
        r.keys[i] = ss_xmemdup(tmp, (size_t)n);
        r.lens[i] = (size_t)n;
    }
    struct ss_map m;
    ss_map_init(&m, SS_MAP_NOCASE);
    uint64_t seed = 7;
    int before = t_->failures;
    for (int i = 0; i < 50000 && t_->failures == before; i++) {
        /* Present the key in a random case mix. */
        size_t k = (size_t)(rng_next(&seed) % r.n);
        char tmp[32];
        memcpy(tmp, r.keys[k], r.lens[k]);
        for (size_t j = 0; j < r.lens[k]; j++)
            if ((rng_next(&seed) & 1) && tmp[j] >= 'a' && tmp[j] <= 'z')
                tmp[j] = (char)(tmp[j] - 32);
            else if ((rng_next(&seed) & 1) && tmp[j] >= 'A' && tmp[j] <= 'Z')
                tmp[j] = (char)(tmp[j] + 32);
        char *saved = r.keys[k];
        r.keys[k] = tmp;
        uint64_t s2 = seed;
        /* ref_step picks its own key; steer it to k by a one-key universe view */
        struct ref_map one = {1, &r.keys[k], &r.lens[k], &r.present[k], &r.vals[k], 0};
        size_t had = r.present[k];
        ref_step(t_, &m, &one, &s2);
        r.count = r.count - had + r.present[k];
        seed = s2;
        r.keys[k] = saved;
    }
    ref_verify(t_, &m, &r);
    ss_map_release(&m);
    ref_free(&r);
}

/* ---- errors and diagnostics ---- */

TEST(err_table_complete)
{
    for (int e = 0; e < SS_ERR__COUNT; e++) {
        const char *name = ss_err_name((enum ss_err)e);
        const char *msg = ss_strerror((enum ss_err)e);
        const char *azure = ss_err_azure_code((enum ss_err)e);
        int http = ss_err_http_status((enum ss_err)e);
        int exitc = ss_err_exit_code((enum ss_err)e);
        REQUIRE(name && msg && azure);
        CHECK(strncmp(name, "SS_", 3) == 0 && strcmp(name, "SS_E?") != 0);
        CHECK(msg[0] != '\0');
        CHECK(azure[0] != '\0');
        CHECK(http >= 200 && http <= 599);
        CHECK(exitc == 0 || exitc == 1 || exitc == 2 || exitc == 65);
        if (e == SS_OK) {
            CHECK(http == 200 && exitc == 0);
        } else {
            CHECK(http >= 400);
            CHECK(exitc != 0);
            CHECK(strncmp(name, "SS_E", 4) == 0);
        }
        for (int f = 0; f < e; f++) {
            if (strcmp(name, ss_err_name((enum ss_err)f)) == 0)
                ss_test_fail(t_, __FILE__, __LINE__, "duplicate name %s", name);
            if (strcmp(msg, ss_strerror((enum ss_err)f)) == 0)
                ss_test_fail(t_, __FILE__, __LINE__, "duplicate message %s", msg);
        }
    }
    CHECK_STREQ(ss_err_name(SS_OK), "SS_OK");
    CHECK_STREQ(ss_err_name(SS_ESYNTAX), "SS_ESYNTAX");
    CHECK_STREQ(ss_err_name(SS_EINTERNAL), "SS_EINTERNAL");
    CHECK_EQ_INT(ss_err_http_status(SS_ETOOBIG), 413);
    CHECK_EQ_INT(ss_err_http_status(SS_ENOENT), 404);
    CHECK_EQ_INT(ss_err_exit_code(SS_EINVAL), 2);
    CHECK_EQ_INT(ss_err_exit_code(SS_ESYNTAX), 65);
    /* values outside the list */
    CHECK_STREQ(ss_err_name(SS_ERR__COUNT), "SS_E?");
    CHECK_STREQ(ss_err_name((enum ss_err) - 1), "SS_E?");
    CHECK(ss_strerror((enum ss_err)1000)[0] != '\0');
    CHECK_EQ_INT(ss_err_http_status((enum ss_err)1000), 500);
    CHECK(ss_err_exit_code((enum ss_err)1000) != 0);
}

TEST(diag_set_first_error_wins)
{
    struct ss_diag d;
    ss_diag_clear(&d);
    ss_diag_clear(NULL);
    CHECK_EQ_INT(d.code, SS_OK);
    CHECK(d.line == 0 && d.column == 0 && d.offset == 0);
    CHECK(!d.file[0] && !d.pointer[0] && !d.msg[0]);
    CHECK_ERR(ss_diag_set(&d, SS_ESYNTAX, "bad %s %d", "thing", 7), SS_ESYNTAX);
    CHECK_STREQ(d.msg, "bad thing 7");
    CHECK_ERR(ss_diag_set(&d, SS_EIO, "later"), SS_EIO);
    CHECK_EQ_INT(d.code, SS_ESYNTAX);
    CHECK_STREQ(d.msg, "bad thing 7");
    CHECK_ERR(ss_diag_set(NULL, SS_EDEPTH, "x"), SS_EDEPTH);
    ss_diag_set_file(&d, "a.json");
    ss_diag_set_file(&d, "b.json");
    ss_diag_set_file(NULL, "c.json");
    ss_diag_set_file(&d, NULL);
    CHECK_STREQ(d.file, "a.json");
    ss_diag_set_pointer(&d, "/x/0");
    ss_diag_set_pointer(&d, "/y");
    ss_diag_set_pointer(NULL, "/z");
    CHECK_STREQ(d.pointer, "/x/0");
    /* long texts are truncated, never overflowed */
    char longs[1000];
    memset(longs, 'f', sizeof(longs) - 1);
    longs[sizeof(longs) - 1] = '\0';
    ss_diag_clear(&d);
    ss_diag_set_file(&d, longs);
    CHECK_EQ_INT(strlen(d.file), sizeof(d.file) - 1);
    ss_diag_set_pointer(&d, longs);
    CHECK_EQ_INT(strlen(d.pointer), sizeof(d.pointer) - 1);
    ss_diag_set(&d, SS_EINPUT, "%s", longs);
    CHECK_EQ_INT(strlen(d.msg), sizeof(d.msg) - 1);
}

TEST(diag_format_shapes)
{
    struct ss_diag d;
    char buf[512];
    ss_diag_clear(&d);
    d.code = SS_ESYNTAX;
    CHECK_STREQ(ss_diag_format(&d, buf, sizeof(buf)), "syntax error"); /* no msg: strerror */
    ss_diag_clear(&d);
    ss_diag_set(&d, SS_ESYNTAX, "unexpected '}'");
    CHECK_STREQ(ss_diag_format(&d, buf, sizeof(buf)), "unexpected '}'");
    d.line = 3;
    d.column = 7;
    CHECK_STREQ(ss_diag_format(&d, buf, sizeof(buf)), "3:7: unexpected '}'");
    ss_diag_set_file(&d, "inv.json");
    CHECK_STREQ(ss_diag_format(&d, buf, sizeof(buf)), "inv.json:3:7: unexpected '}'");
    ss_diag_set_pointer(&d, "/value/2/id");
    CHECK_STREQ(ss_diag_format(&d, buf, sizeof(buf)), "inv.json:3:7: /value/2/id: unexpected '}'");
    d.line = 0;
    d.column = 0;
    CHECK_STREQ(ss_diag_format(&d, buf, sizeof(buf)), "inv.json: /value/2/id: unexpected '}'");
    d.file[0] = '\0';
    CHECK_STREQ(ss_diag_format(&d, buf, sizeof(buf)), "/value/2/id: unexpected '}'");
    d.pointer[0] = '\0';
    ss_diag_set_file(&d, "-");
    CHECK_STREQ(ss_diag_format(&d, buf, sizeof(buf)), "-: unexpected '}'");
    /* return value is the buffer; truncation keeps it NUL-terminated */
    CHECK(ss_diag_format(&d, buf, sizeof(buf)) == buf);
    char small[6];
    memset(small, 'X', sizeof(small));
    ss_diag_format(&d, small, sizeof(small));
    CHECK_STREQ(small, "-: un");
    char one[1] = {'X'};
    ss_diag_format(&d, one, 1);
    CHECK(one[0] == '\0');
    char zero[1] = {'X'};
    ss_diag_format(&d, zero, 0);
    CHECK(zero[0] == 'X');
    /* everything at its maximum length */
    char longs[1000];
    memset(longs, 'z', sizeof(longs) - 1);
    longs[sizeof(longs) - 1] = '\0';
    ss_diag_clear(&d);
    ss_diag_set(&d, SS_EINPUT, "%s", longs);
    ss_diag_set_file(&d, longs);
    ss_diag_set_pointer(&d, longs);
    d.line = UINT32_MAX;
    d.column = UINT32_MAX;
    char huge[2048];
    ss_diag_format(&d, huge, sizeof(huge));
    CHECK_EQ_INT(strlen(huge), 255 + 1 + 21 + 1 + 1 + 255 + 1 + 1 + 383);
    ss_diag_format(&d, buf, sizeof(buf));
    CHECK_EQ_INT(strlen(buf), sizeof(buf) - 1);
}
