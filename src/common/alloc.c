/*
 * Allocation wrappers: abort on out-of-memory, check size overflow.
 */
#include "common/setup.h"

#include <stdio.h>
#include <sys/mman.h>

void ss_oom(size_t size)
{
    fprintf(stderr, "securescore: out of memory (%zu bytes)\n", size);
    abort();
}

void *ss_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        ss_oom(size);
    return p;
}

void *ss_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        ss_oom(n * size);
    return p;
}

void *ss_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        ss_oom(size);
    return q;
}

void *ss_xreallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        ss_oom(SIZE_MAX);
    return ss_xrealloc(p, n * size);
}

char *ss_xstrndup(const char *p, size_t len)
{
    char *s = ss_xmalloc(len + 1);
    if (len)
        memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

char *ss_xstrdup(const char *s)
{
    return ss_xstrndup(s, strlen(s));
}

void *ss_xmemdup(const void *p, size_t len)
{
    void *q = ss_xmalloc(len);
    if (len)
        memcpy(q, p, len);
    return q;
}

void *ss_xmalloc_large(size_t size)
{
    /* Ask for transparent huge pages on big buffers: first-touch page faults
     * dominate filling fresh memory on our VMs (research/bench.md §0). */
    const size_t huge = (size_t)2 << 20;
    if (size < huge)
        return ss_xmalloc(size);
    void *p = NULL;
    size_t rounded = (size + huge - 1) & ~(huge - 1);
    if (posix_memalign(&p, huge, rounded) != 0 || !p)
        ss_oom(size);
    madvise(p, rounded, MADV_HUGEPAGE);
    return p;
}
