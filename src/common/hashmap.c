/*
 * Open-addressing hash map. Load factor stays at or under 1/2; deletion
 * shifts the following cluster back (Knuth's algorithm R), so there are no
 * tombstones and lookups stay short after many deletes.
 */
#include "common/setup.h"

#include "common/hashmap.h"

static inline unsigned char fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

uint64_t ss_hash_bytes(const void *p, size_t len, bool nocase)
{
    /* Eight bytes at a time. For `nocase`, every byte is OR-ed with 0x20: that
     * maps 'A'..'Z' onto 'a'..'z' (and a few punctuation pairs onto each other,
     * which only costs a rare collision: equality is still checked in full). */
    const unsigned char *s = p;
    const uint64_t fold = nocase ? 0x2020202020202020ULL : 0;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (len * 0xff51afd7ed558ccdULL);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ (w | fold)) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    for (size_t k = 0; i < len; i++, k += 8)
        w |= (uint64_t)(s[i] | (fold & 0xff)) << k;
    h = (h ^ w) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

bool ss_mem_eq_nocase(const char *a, const char *b, size_t len)
{
    if (len == 0 || memcmp(a, b, len) == 0)
        return true; /* the common case: the same spelling (and NULL is fine at 0) */
    for (size_t i = 0; i < len; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return false;
    return true;
}

void ss_map_init(struct ss_map *m, unsigned flags)
{
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
    m->flags = flags;
    ss_arena_init(&m->keys, 16 * 1024);
}

void ss_map_release(struct ss_map *m)
{
    free(m->slots);
    ss_arena_release(&m->keys);
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
}

void ss_map_clear(struct ss_map *m)
{
    if (m->slots)
        memset(m->slots, 0, m->cap * sizeof(*m->slots));
    m->count = 0;
    ss_arena_reset(&m->keys);
}

static bool key_eq(const struct ss_map *m, const struct ss_map_slot *s, const char *key, size_t len,
                   uint32_t h)
{
    if (s->hash != h || s->len != len)
        return false;
    if (m->flags & SS_MAP_NOCASE)
        return ss_mem_eq_nocase(s->key, key, len);
    return len == 0 || memcmp(s->key, key, len) == 0;
}

/* Index of the key's slot, or of the empty slot where it would go. cap > 0. */
static size_t probe(const struct ss_map *m, const char *key, size_t len, uint32_t h)
{
    size_t mask = m->cap - 1, i = h & mask;
    while (m->slots[i].key && !key_eq(m, &m->slots[i], key, len, h))
        i = (i + 1) & mask;
    return i;
}

static uint32_t hash32(const struct ss_map *m, const char *key, size_t len)
{
    return (uint32_t)ss_hash_bytes(key, len, m->flags & SS_MAP_NOCASE);
}

bool ss_map_find(const struct ss_map *m, const char *key, size_t len, void **val)
{
    if (!m->count)
        return false;
    size_t i = probe(m, key, len, hash32(m, key, len));
    if (!m->slots[i].key)
        return false;
    if (val)
        *val = m->slots[i].val;
    return true;
}

void *ss_map_get(const struct ss_map *m, const char *key, size_t len)
{
    void *v = NULL;
    return ss_map_find(m, key, len, &v) ? v : NULL;
}

static void grow(struct ss_map *m)
{
    size_t old_cap = m->cap;
    struct ss_map_slot *old = m->slots;
    m->cap = old_cap ? old_cap * 2 : 16;
    m->slots = ss_xcalloc(m->cap, sizeof(*m->slots));
    for (size_t j = 0; j < old_cap; j++) {
        if (!old[j].key)
            continue;
        size_t mask = m->cap - 1, i = old[j].hash & mask;
        while (m->slots[i].key)
            i = (i + 1) & mask;
        m->slots[i] = old[j];
    }
    free(old);
}

void *ss_map_put(struct ss_map *m, const char *key, size_t len, void *val, bool *added)
{
    if (len > UINT32_MAX)
        ss_oom(len);
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    uint32_t h = hash32(m, key, len);
    size_t i = probe(m, key, len, h);
    struct ss_map_slot *s = &m->slots[i];
    if (s->key) {
        void *prev = s->val;
        s->val = val;
        if (added)
            *added = false;
        return prev;
    }
    s->key = ss_arena_strndup(&m->keys, key, len);
    s->len = (uint32_t)len;
    s->hash = h;
    s->val = val;
    m->count++;
    if (added)
        *added = true;
    return NULL;
}

void *ss_map_del(struct ss_map *m, const char *key, size_t len)
{
    if (!m->count)
        return NULL;
    size_t mask = m->cap - 1, i = probe(m, key, len, hash32(m, key, len));
    if (!m->slots[i].key)
        return NULL;
    void *val = m->slots[i].val;
    /* Backward-shift deletion: move later members of the cluster into the hole
     * when their home slot does not lie cyclically in (hole, j]. */
    size_t j = i;
    for (;;) {
        m->slots[i].key = NULL;
        for (;;) {
            j = (j + 1) & mask;
            if (!m->slots[j].key)
                goto done;
            size_t home = m->slots[j].hash & mask;
            bool in_range = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!in_range)
                break;
        }
        m->slots[i] = m->slots[j];
        i = j;
    }
done:
    m->count--;
    return val;
}

bool ss_map_next(const struct ss_map *m, size_t *pos, const char **key, size_t *len, void **val)
{
    for (size_t i = *pos; i < m->cap; i++) {
        if (m->slots[i].key) {
            if (key)
                *key = m->slots[i].key;
            if (len)
                *len = m->slots[i].len;
            if (val)
                *val = m->slots[i].val;
            *pos = i + 1;
            return true;
        }
    }
    *pos = m->cap;
    return false;
}
