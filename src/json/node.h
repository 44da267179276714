/*
 * Internal layout of parsed JSON documents (see include/securescore/json.h).
 *
 * A document is an array of 64-bit words in document order (a "tape", as
 * in simdjson, but with spans so subtrees can be skipped):
 *
 *   word 0, all nodes:   bits 0-2 kind (enum ss_json_kind, 0..7)
 *   null/false/true:     one word, nothing else
 *   string (and key):    one word: bit 3 ESC (bytes live in doc->esc, not
 *                        in doc->text), bits 4-27 length (24 bits), bits
 *                        28-63 offset (36 bits) into text or esc
 *   int/real:            two words: word 0 as a string (the literal's text,
 *                        never escaped); word 1 the int64 or the double bits
 *   array/object:        two words: word 0 bit 3 IDX (object has a hash
 *                        index), bits 4-35 member count; word 1 bits 0-31
 *                        span (words in the subtree including these two),
 *                        bits 32-63 position of the index in doc->idx
 *
 * An object's members follow it as (key word, value subtree) pairs. Its
 * hash index, for objects of more than SS_JSON_SMALL_OBJECT members, is a
 * power-of-two table of uint32 offsets from the object's first word to a
 * key word (0 = empty), hashed on the ASCII-folded key so exact and
 * case-insensitive lookups both use it. Its size is the smallest power of
 * two >= 2 * count.
 */
#ifndef SS_JSON_NODE_H
#define SS_JSON_NODE_H

#include <locale.h>
#include <stdint.h>

#include "securescore/json.h"

#define SS_JSON_SMALL_OBJECT 16

#define N_KIND(w) ((unsigned)((w)&7u))
#define N_FLAG 8u
#define N_LEN(w) ((size_t)(((w) >> 4) & 0xFFFFFFu))
#define N_OFF(w) ((uint64_t)((w) >> 28))
#define N_COUNT(w) ((size_t)(((w) >> 4) & 0xFFFFFFFFu))
#define N_SPAN(w1) ((size_t)((w1)&0xFFFFFFFFu))
#define N_IDXPOS(w1) ((size_t)((w1) >> 32))
#define N_MAX_OFF ((uint64_t)1 << 36)

struct ss_json_frame {
    size_t pos;       /* word index of the open container */
    uint32_t count;   /* values completed at this level */
    const char *open; /* its '{' or '[' in the text (for error positions) */
};

struct ss_json_doc {
    const char *text;   /* base of string and number offsets */
    char *text_owned;   /* owned copy of the text, or NULL when borrowed */
    size_t text_len;    /* bytes of text */
    uint64_t *nodes;    /* owned node words */
    size_t nwords, cap; /* words used / allocated */
    char *esc;          /* owned: decoded escaped strings */
    size_t esc_len, esc_cap;
    uint32_t *idx; /* owned: object hash indexes */
    size_t idx_len, idx_cap;
    struct ss_json_frame *stack; /* owned scratch: open containers while parsing */
    size_t stack_cap;
    unsigned flags; /* enum ss_json_flags the document was parsed with */
};

/* Words of the subtree at n (1 for literals and strings, 2 for numbers). */
static inline size_t ss__json_span(const uint64_t *n)
{
    unsigned k = N_KIND(n[0]);
    if (k >= SS_JSON_ARRAY)
        return N_SPAN(n[1]);
    return (k == SS_JSON_INT || k == SS_JSON_REAL) ? 2 : 1;
}

/* Bytes of a string or number word. */
static inline const char *ss__json_bytes(const struct ss_json_doc *d, uint64_t w)
{
    return (w & N_FLAG) ? d->esc + N_OFF(w) : d->text + N_OFF(w);
}

/* Parse `len` bytes at text+pos as one value into `doc` (reset first; its
 * text becomes `text`). `partial`: more input may follow `len`. `outer`:
 * containers already open around the value (counted against the depth limit). On success
 * *end is the offset just after the value. On failure *need_more tells
 * whether the error came from reaching `len` while `partial` (read more and
 * retry), and `diag` gets the message and the byte offset (not line/col). */
enum ss_err ss__json_parse_one(struct ss_json_doc *doc, const char *text, size_t len, size_t pos,
                               bool partial, const struct ss_json_opts *opts, uint32_t outer,
                               size_t *end, bool *need_more, struct ss_diag *diag);
/* Empties a document for reuse, keeping its buffers. */
void ss__json_doc_reset(struct ss_json_doc *doc);
/* Frees a document's buffers (not the struct). */
void ss__json_doc_release(struct ss_json_doc *doc);
/* Fills diag->line/column from diag->offset by counting newlines in text[0..offset),
 * adding `line0` lines (1-based line of text[0]) and using `col0` as the column of
 * text[0] when no newline precedes the offset. */
void ss__json_locate(struct ss_diag *diag, const char *text, size_t offset, uint64_t line0,
                     uint64_t col0);
/* Length of the valid UTF-8 sequence at s (lead byte >= 0x80): 2-4; 0 if
 * invalid (overlong, surrogate, beyond U+10FFFF); -1 if cut short by `end`. */
int ss__utf8_seq(const unsigned char *s, const unsigned char *end);
/* The process-wide "C" locale for strtod_l. */
locale_t ss__json_c_locale(void);

#endif
