/*
 * ss_buf: the growable byte buffer of include/securescore/buf.h.
 * Invariant: ptr is NULL (len == cap == 0) or ptr[len] == '\0' and len < cap.
 */
#include "common/setup.h"

#include <stdio.h>

#include "securescore/buf.h"

void ss_buf_init(struct ss_buf *b)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

void ss_buf_release(struct ss_buf *b)
{
    free(b->ptr);
    ss_buf_init(b);
}

void ss_buf_reset(struct ss_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

void ss_buf_grow(struct ss_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        ss_oom(SIZE_MAX);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->ptr = ss_xrealloc(b->ptr, cap);
    b->cap = cap;
    b->ptr[b->len] = '\0';
}

void ss_buf_add(struct ss_buf *b, const void *p, size_t len)
{
    ss_buf_grow(b, len);
    if (len)
        memcpy(b->ptr + b->len, p, len);
    b->len += len;
    b->ptr[b->len] = '\0';
}

void ss_buf_adds(struct ss_buf *b, const char *s)
{
    ss_buf_add(b, s, strlen(s));
}

void ss_buf_addc(struct ss_buf *b, char c)
{
    if (b->len + 1 >= b->cap)
        ss_buf_grow(b, 1);
    b->ptr[b->len++] = c;
    b->ptr[b->len] = '\0';
}

void ss_buf_vprintf(struct ss_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    ss_buf_grow(b, 64);
    int n = vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, cp);
    va_end(cp);
    if (n < 0) {
        b->ptr[b->len] = '\0';
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        ss_buf_grow(b, (size_t)n);
        vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
    }
    b->len += (size_t)n;
}

void ss_buf_printf(struct ss_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ss_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void ss_buf_truncate(struct ss_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->ptr[len] = '\0';
    }
}

char *ss_buf_detach(struct ss_buf *b, size_t *len)
{
    if (!b->ptr)
        ss_buf_grow(b, 0);
    char *p = b->ptr;
    if (len)
        *len = b->len;
    ss_buf_init(b);
    return p;
}
