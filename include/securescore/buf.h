/*
 * securescore - growable byte buffer.
 *
 * The one string builder of the project, used by the JSON writer and every
 * renderer. The content is always NUL-terminated (ptr[len] == 0) so it can be
 * handed to C APIs; it may also hold NUL bytes. Growth aborts on out-of-memory
 * (as every allocation of the engine does), so appending cannot fail.
 */
#ifndef SECURESCORE_BUF_H
#define SECURESCORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct ss_buf {
    char *ptr;  /* owned; NULL until the first append */
    size_t len; /* bytes used, not counting the terminating NUL */
    size_t cap; /* bytes allocated */
};

#define SS_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Sets up an empty buffer (no allocation). */
void ss_buf_init(struct ss_buf *b);
/* Frees the content; `b` is empty and reusable afterwards. */
void ss_buf_release(struct ss_buf *b);
/* Empties the buffer but keeps its memory for reuse. */
void ss_buf_reset(struct ss_buf *b);
/* Makes room for `extra` more bytes (plus the NUL). */
void ss_buf_grow(struct ss_buf *b, size_t extra);
/* Appends `len` bytes of `p` (borrowed). */
void ss_buf_add(struct ss_buf *b, const void *p, size_t len);
/* Appends a NUL-terminated string. */
void ss_buf_adds(struct ss_buf *b, const char *s);
/* Appends one byte. */
void ss_buf_addc(struct ss_buf *b, char c);
/* Appends printf-formatted text. */
void ss_buf_printf(struct ss_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends vprintf-formatted text. */
void ss_buf_vprintf(struct ss_buf *b, const char *fmt, va_list ap);
/* Shortens the content to `len` bytes (no-op if already shorter). */
void ss_buf_truncate(struct ss_buf *b, size_t len);
/*
 * Returns the content and leaves `b` empty. New: the caller frees it with
 * free(). Never NULL (an empty buffer yields an allocated "").
 */
char *ss_buf_detach(struct ss_buf *b, size_t *len);

#endif
