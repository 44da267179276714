/*
 * Arenas: bump allocation from chunks, freed all at once.
 *
 * One arena per request, per evaluation, per document (h2o's req->pool).
 * ss_arena_reset() keeps the first chunk so a reused arena stops touching
 * fresh memory (first-touch page faults are expensive on our VMs, see
 * research/bench.md). Allocations are 16-byte aligned. Not thread-safe:
 * one arena belongs to one thread at a time.
 */
#ifndef SS_COMMON_ARENA_H
#define SS_COMMON_ARENA_H

#include <stddef.h>

struct ss_arena_chunk;

struct ss_arena {
    struct ss_arena_chunk *head; /* owned; newest chunk first */
    size_t chunk_size;           /* default size of a new chunk */
    size_t used;                 /* bytes handed out since init/reset (statistics) */
};

/* Sets up an empty arena whose chunks are at least `chunk_size` bytes (0 = 64 KiB). */
void ss_arena_init(struct ss_arena *a, size_t chunk_size);
/* Frees every chunk. The arena is empty and reusable afterwards. */
void ss_arena_release(struct ss_arena *a);
/* Forgets every allocation but keeps the largest chunk for reuse. */
void ss_arena_reset(struct ss_arena *a);
/* Returns `size` bytes of uninitialised memory owned by the arena. */
void *ss_arena_alloc(struct ss_arena *a, size_t size);
/* Returns `n * size` zeroed bytes (checks the multiplication). */
void *ss_arena_calloc(struct ss_arena *a, size_t n, size_t size);
/* Returns a NUL-terminated copy of `len` bytes of `p` in the arena. */
char *ss_arena_strndup(struct ss_arena *a, const char *p, size_t len);
/* Returns a copy of `len` bytes of `p` in the arena. */
void *ss_arena_memdup(struct ss_arena *a, const void *p, size_t len);
/* Bytes of memory the arena holds (all chunks). */
size_t ss_arena_memory(const struct ss_arena *a);

#endif
