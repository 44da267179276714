/*
 * The benchmark generators' output: one big buffer, filled without bounds
 * checks (a generator flushes before each record, leaving the slack its
 * largest record needs) and written to a descriptor. Header-only; bench/.
 */
#ifndef SS_BENCH_OUT_H
#define SS_BENCH_OUT_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct out {
    char *buf;        /* owned */
    size_t len;       /* bytes buffered */
    int fd;           /* borrowed */
    uint64_t total;   /* bytes written so far */
    const char *prog; /* for the error message */
};

static inline void out_flush(struct out *o)
{
    size_t off = 0;
    while (off < o->len) {
        ssize_t n = write(o->fd, o->buf + off, o->len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "%s: write: %s\n", o->prog, n < 0 ? strerror(errno) : "short");
            exit(1);
        }
        off += (size_t)n;
    }
    o->total += o->len;
    o->len = 0;
}

static inline void put(struct out *o, const char *s, size_t n)
{
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static inline void putc1(struct out *o, char c)
{
    o->buf[o->len++] = c;
}

static inline void puts0(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* A string literal, its length known at compile time. */
#define LIT(o, s) put((o), (s), sizeof(s) - 1)

static inline void put_u64(struct out *o, uint64_t v)
{
    char tmp[20];
    int i = 20;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(o, tmp + i, (size_t)(20 - i));
}

static inline void put_i64(struct out *o, int64_t v)
{
    if (v < 0) {
        putc1(o, '-');
        put_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(o, (uint64_t)v);
    }
}

/* `v` with exactly `width` digits, zero-padded. */
static inline void put_padded(struct out *o, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        o->buf[o->len + (size_t)i] = (char)('0' + v % 10);
        v /= 10;
    }
    o->len += (size_t)width;
}

#endif
