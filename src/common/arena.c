/*
 * Arena allocator: a list of chunks, newest first; each allocation bumps
 * `pos` in the head chunk. A request larger than a quarter of the chunk
 * size gets a chunk of its own, inserted behind the head, so the head's
 * free space is not wasted.
 */
#include "common/setup.h"

#include "common/arena.h"

#define ARENA_ALIGN 16
#define ARENA_DEFAULT_CHUNK (64 * 1024)

struct ss_arena_chunk {
    struct ss_arena_chunk *next; /* older chunk */
    size_t size;                 /* usable bytes in data[] */
    size_t pos;                  /* bytes used */
    _Alignas(16) unsigned char data[];
};

void ss_arena_init(struct ss_arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
    a->used = 0;
}

static void free_chunks(struct ss_arena_chunk *c)
{
    while (c) {
        struct ss_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
}

void ss_arena_release(struct ss_arena *a)
{
    free_chunks(a->head);
    a->head = NULL;
    a->used = 0;
}

void ss_arena_reset(struct ss_arena *a)
{
    struct ss_arena_chunk *keep = NULL, *c = a->head, *prev = NULL;
    /* Keep the largest chunk: the next round likely needs as much. */
    for (struct ss_arena_chunk *p = c, *pp = NULL; p; pp = p, p = p->next) {
        if (!keep || p->size > keep->size) {
            keep = p;
            prev = pp;
        }
    }
    if (keep) {
        if (prev)
            prev->next = keep->next;
        else
            a->head = keep->next;
        free_chunks(a->head);
        keep->next = NULL;
        keep->pos = 0;
    }
    a->head = keep;
    a->used = 0;
}

static struct ss_arena_chunk *new_chunk(size_t size)
{
    if (size > SIZE_MAX - sizeof(struct ss_arena_chunk))
        ss_oom(SIZE_MAX);
    struct ss_arena_chunk *c = ss_xmalloc(sizeof(*c) + size);
    c->next = NULL;
    c->size = size;
    c->pos = 0;
    return c;
}

void *ss_arena_alloc(struct ss_arena *a, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN)
        ss_oom(SIZE_MAX);
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (!size)
        size = ARENA_ALIGN;
    a->used += size;
    struct ss_arena_chunk *h = a->head;
    if (h && h->size - h->pos >= size) {
        void *p = h->data + h->pos;
        h->pos += size;
        return p;
    }
    if (size > a->chunk_size / 4 && h) {
        /* Big request: its own chunk, behind the head. */
        struct ss_arena_chunk *c = new_chunk(size);
        c->pos = size;
        c->next = h->next;
        h->next = c;
        return c->data;
    }
    struct ss_arena_chunk *c = new_chunk(SS_MAX(size, a->chunk_size));
    c->next = h;
    a->head = c;
    c->pos = size;
    return c->data;
}

void *ss_arena_calloc(struct ss_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        ss_oom(SIZE_MAX);
    void *p = ss_arena_alloc(a, n * size);
    memset(p, 0, n * size);
    return p;
}

char *ss_arena_strndup(struct ss_arena *a, const char *p, size_t len)
{
    if (len == SIZE_MAX)
        ss_oom(SIZE_MAX);
    char *s = ss_arena_alloc(a, len + 1);
    if (len)
        memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

void *ss_arena_memdup(struct ss_arena *a, const void *p, size_t len)
{
    void *q = ss_arena_alloc(a, len);
    if (len)
        memcpy(q, p, len);
    return q;
}

size_t ss_arena_memory(const struct ss_arena *a)
{
    size_t n = 0;
    for (const struct ss_arena_chunk *c = a->head; c; c = c->next)
        n += sizeof(*c) + c->size;
    return n;
}
