/*
 * Allocation wrappers. Every heap allocation of securescore goes through
 * these; on out-of-memory they print one line to stderr and abort, so
 * callers never handle NULL (redis zmalloc_default_oom). Sizes are checked
 * for multiplication overflow. Free with free().
 */
#ifndef SS_COMMON_ALLOC_H
#define SS_COMMON_ALLOC_H

#include <stddef.h>

/* Returns new memory of `size` bytes (at least 1). */
void *ss_xmalloc(size_t size);
/* Returns new zeroed memory for `n` items of `size` bytes. */
void *ss_xcalloc(size_t n, size_t size);
/* Resizes `p` (taken) to `size` bytes; returns the new pointer. */
void *ss_xrealloc(void *p, size_t size);
/* Resizes `p` to `n * size` bytes, checking the multiplication. */
void *ss_xreallocarray(void *p, size_t n, size_t size);
/* Returns a new NUL-terminated copy of `s`. */
char *ss_xstrdup(const char *s);
/* Returns a new NUL-terminated copy of `len` bytes of `p`. */
char *ss_xstrndup(const char *p, size_t len);
/* Returns a new copy of `len` bytes of `p`. */
void *ss_xmemdup(const void *p, size_t len);
/* As ss_xmalloc, for big buffers that are filled at once: memory of 2 MiB or
 * more is aligned and advised for transparent huge pages. Free with free(). */
void *ss_xmalloc_large(size_t size);
/* Prints "securescore: out of memory (N bytes)" and aborts. */
void ss_oom(size_t size) __attribute__((noreturn));

#endif
