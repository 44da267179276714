/*
 * A hash map from byte-string keys to pointers, open addressing with linear
 * probing and tombstone-free deletion (backward shift). Keys are copied into
 * the map's own arena, so callers may pass transient strings. With
 * SS_MAP_NOCASE, keys compare and hash ignoring ASCII case, as Azure
 * compares resource ids and types. Not thread-safe.
 */
#ifndef SS_COMMON_HASHMAP_H
#define SS_COMMON_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"

enum ss_map_flags {
    SS_MAP_NOCASE = 1 << 0, /* ASCII case-insensitive keys */
};

struct ss_map_slot {
    const char *key; /* owned by the map's arena; NULL = empty slot */
    uint32_t len;    /* key length */
    uint32_t hash;   /* low bits of the key's hash */
    void *val;       /* borrowed: the map never frees values */
};

struct ss_map {
    struct ss_map_slot *slots; /* owned; `cap` entries, cap a power of two */
    size_t cap;
    size_t count;
    unsigned flags;
    struct ss_arena keys; /* key storage */
};

/* Sets up an empty map (no allocation until the first put). */
void ss_map_init(struct ss_map *m, unsigned flags);
/* Frees the slots and keys (not the values). */
void ss_map_release(struct ss_map *m);
/* Removes every key but keeps the memory for reuse. */
void ss_map_clear(struct ss_map *m);
/* Returns the value stored under the key, or NULL. */
void *ss_map_get(const struct ss_map *m, const char *key, size_t len);
/* True if the key is present; its value (which may be NULL) in *val if val is not NULL. */
bool ss_map_find(const struct ss_map *m, const char *key, size_t len, void **val);
/*
 * Stores `val` under the key, replacing any previous value. Returns the
 * previous value (NULL if the key was new). *added (may be NULL) is set to
 * whether the key was new.
 */
void *ss_map_put(struct ss_map *m, const char *key, size_t len, void *val, bool *added);
/* Removes the key; returns its value or NULL. */
void *ss_map_del(struct ss_map *m, const char *key, size_t len);
/*
 * Iterates: start with *pos = 0; returns false at the end. The order is
 * unspecified; the map must not change during iteration.
 */
bool ss_map_next(const struct ss_map *m, size_t *pos, const char **key, size_t *len, void **val);
/* The 64-bit hash used by the map (exposed for other indexes), eight bytes at
 * a time with a multiply-xorshift finaliser; with `nocase`, strings that differ
 * only in ASCII letter case hash alike. */
uint64_t ss_hash_bytes(const void *p, size_t len, bool nocase);
/* ASCII case-insensitive equality of two byte strings of the same length. */
bool ss_mem_eq_nocase(const char *a, const char *b, size_t len);

#endif
