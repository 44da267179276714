/*
 * securescore - JSON documents: parse, read, write, stream.
 *
 * Parsing (RFC 8259, strict) builds an immutable document: one array of
 * 64-bit nodes plus the input text it refers to, all owned by the document
 * and freed at once by ss_json_doc_free(). Strings without escapes are not
 * copied: they point into the text; escaped strings are decoded once into a
 * side buffer. A node is one word (literals, strings) or two (numbers,
 * arrays, objects); see src/json/node.h. On a typical inventory the nodes
 * take about 0.65x the input, on top of the input itself.
 *
 * Values are read through `struct ss_json` handles, passed by value. A
 * handle is valid as long as its document lives. An absent value (a
 * missing member, an index out of range) is a handle whose kind is
 * SS_JSON_NONE; every accessor accepts it and answers "nothing".
 *
 * Policy (the defaults; `struct ss_json_opts` changes them):
 *  - duplicate keys in one object are an error (SS_EDUPKEY): a document
 *    with duplicate keys is ambiguous. With SS_JSON_DUPKEY_LAST the last
 *    one wins, as in most parsers.
 *  - "\u0000" in a string is an error (SS_ESYNTAX), because downstream C
 *    code and SQLite text would silently truncate it. SS_JSON_ALLOW_NUL
 *    keeps it (strings carry their length).
 *  - integers that do not fit in int64 are kept exactly as text (kind
 *    SS_JSON_REAL with ss_json_is_bigint() true; the double is the nearest
 *    finite value, +-DBL_MAX beyond the range of a double); the writer
 *    reprints the original text.
 *  - reals whose magnitude overflows a double (1e400) are an error
 *    (SS_ERANGE); underflow gives the nearest double (0 or subnormal).
 *  - limits: nesting depth, string length and document size (SS_EDEPTH,
 *    SS_ETOOBIG), see ss_json_opts and src/common/limits.h.
 *  - a UTF-8 byte order mark at the very start is skipped.
 *
 * Object member lookup is O(1): objects with more than 16 members get a
 * hash index at parse time; smaller ones are scanned (at most 16 compares).
 */
#ifndef SECURESCORE_JSON_H
#define SECURESCORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "securescore/buf.h"
#include "securescore/errors.h"

enum ss_json_kind {
    SS_JSON_NULL = 0,
    SS_JSON_FALSE = 1,
    SS_JSON_TRUE = 2,
    SS_JSON_INT = 3,  /* an integer that fits in int64_t */
    SS_JSON_REAL = 4, /* any other number (fraction, exponent, or a big integer) */
    SS_JSON_STRING = 5,
    SS_JSON_ARRAY = 6,
    SS_JSON_OBJECT = 7,
    SS_JSON_NONE = 8 /* absent: not a JSON value */
};

struct ss_json_doc;

/* A read handle; treat the fields as private. */
struct ss_json {
    const struct ss_json_doc *doc; /* borrowed; NULL when absent */
    const uint64_t *n;             /* the node; NULL when absent */
};

/* A string slice, not NUL-terminated. */
struct ss_str {
    const char *ptr;
    size_t len;
};

enum ss_json_flags {
    SS_JSON_DUPKEY_LAST = 1 << 0, /* accept duplicate keys, the last one wins */
    SS_JSON_ALLOW_NUL = 1 << 1,   /* accept \u0000 in strings */
};

struct ss_json_opts {
    unsigned flags;      /* enum ss_json_flags */
    uint32_t max_depth;  /* 0 = SS_JSON_MAX_DEPTH */
    uint32_t max_string; /* bytes of one decoded string; 0 = SS_JSON_MAX_STRING */
    uint64_t max_size;   /* bytes of one document; 0 = SS_JSON_MAX_DOC */
    const char *name;    /* input name for diagnostics (borrowed), NULL = none */
};

/*
 * Parses `len` bytes of `text` (borrowed; copied into the document).
 * `opts` may be NULL. On success *out is a new document (free with
 * ss_json_doc_free); on failure *out is untouched and `diag` (NULL
 * allowed) holds the line, column, byte offset and a short description.
 * Errors: SS_ESYNTAX, SS_EUTF8, SS_EDEPTH, SS_ETOOBIG, SS_ERANGE, SS_EDUPKEY.
 */
enum ss_err ss_json_parse(const char *text, size_t len, const struct ss_json_opts *opts,
                          struct ss_json_doc **out, struct ss_diag *diag);
/*
 * As ss_json_parse, but takes ownership of `text`, which must come from
 * malloc (or ss_xmalloc); it is freed with the document, or at once on
 * error. Saves the copy for large inputs.
 */
enum ss_err ss_json_parse_take(char *text, size_t len, const struct ss_json_opts *opts,
                               struct ss_json_doc **out, struct ss_diag *diag);
/*
 * Reads the whole file `path` ("-" = standard input) and parses it.
 * Errors as ss_json_parse, plus SS_EOPEN (cannot open or read).
 */
enum ss_err ss_json_parse_file(const char *path, const struct ss_json_opts *opts,
                               struct ss_json_doc **out, struct ss_diag *diag);
/* Frees a document and everything it owns. NULL is a no-op. */
void ss_json_doc_free(struct ss_json_doc *doc);
/* Returns the root value. */
struct ss_json ss_json_root(const struct ss_json_doc *doc);
/* Bytes of memory the document holds (text, nodes, decoded strings, indexes). */
size_t ss_json_doc_memory(const struct ss_json_doc *doc);
/* Number of nodes in the document (for statistics). */
size_t ss_json_doc_nodes(const struct ss_json_doc *doc);

/* ---- reading values ---- */

enum ss_json_kind ss_json_kind(struct ss_json v);
/* Name of a kind: "null", "boolean", "number", "string", "array", "object", "none". */
const char *ss_json_kind_name(enum ss_json_kind k);
static inline bool ss_json_exists(struct ss_json v)
{
    return v.n != NULL;
}
bool ss_json_is_number(struct ss_json v);
bool ss_json_is_bool(struct ss_json v);
/* True for an integer literal too large for int64 (kept exactly as text). */
bool ss_json_is_bigint(struct ss_json v);
/* The boolean value; false for anything but `true`. */
bool ss_json_bool(struct ss_json v);
/* The integer value of an SS_JSON_INT; for a real, its value truncated toward zero
 * (saturated); 0 for anything else. */
int64_t ss_json_int(struct ss_json v);
/* The value of a number as a double; 0 for anything else. */
double ss_json_num(struct ss_json v);
/* The number's text exactly as written in the input; {NULL,0} if not a number. */
struct ss_str ss_json_num_text(struct ss_json v);
/* The decoded string; {NULL,0} if not a string. Not NUL-terminated. */
struct ss_str ss_json_str(struct ss_json v);
/* True if `v` is a string equal to the NUL-terminated `s` (exact bytes). */
bool ss_json_str_eq(struct ss_json v, const char *s);
/* Number of elements of an array or members of an object; 0 otherwise. */
size_t ss_json_len(struct ss_json v);
/* Member `key` (len bytes) of an object, exact match; absent if none. O(1). */
struct ss_json ss_json_get(struct ss_json obj, const char *key, size_t len);
/* As ss_json_get with a NUL-terminated key. */
struct ss_json ss_json_getz(struct ss_json obj, const char *key);
/* Member lookup ignoring ASCII case (Azure property names); the first match. O(1). */
struct ss_json ss_json_get_nocase(struct ss_json obj, const char *key, size_t len);
/* Element `i` of an array; absent if out of range. O(i): iterate for walks. */
struct ss_json ss_json_at(struct ss_json arr, size_t i);
/*
 * Resolves an RFC 6901 JSON pointer ("" = `v` itself, "/a/0/b"); absent if
 * any step does not exist or the pointer is malformed.
 */
struct ss_json ss_json_pointer(struct ss_json v, const char *ptr, size_t len);

/* Iterates the elements of an array or the members of an object, in document order. */
struct ss_json_iter {
    const struct ss_json_doc *doc;
    const uint64_t *cur; /* next node to visit */
    const uint64_t *end; /* one past the container's last node */
    bool object;         /* iterating an object: each value has a key */
};
/* Starts iterating `v` (no iteration if it is not an array or object). */
void ss_json_iter_init(struct ss_json_iter *it, struct ss_json v);
/*
 * Returns false at the end; otherwise stores the next value in *val and, for
 * objects, its key in *key (key may be NULL; for arrays *key is {NULL,0}).
 */
bool ss_json_iter_next(struct ss_json_iter *it, struct ss_str *key, struct ss_json *val);

/* ---- writing ---- */

enum ss_jw_flags {
    SS_JW_PRETTY = 1 << 0, /* two-space indentation, one member per line */
    SS_JW_ASCII = 1 << 1,  /* escape every non-ASCII character as \uXXXX */
};

/*
 * A streaming JSON writer appending to a buffer. The caller is responsible
 * for a well-formed sequence of calls (key before each member value); the
 * writer places commas, colons and indentation. Strings are escaped per RFC
 * 8259 (", \, control characters; / is not escaped); invalid UTF-8 in a
 * string is written as U+FFFD so the output is always valid JSON.
 */
struct ss_jw {
    struct ss_buf *out; /* borrowed */
    unsigned flags;     /* enum ss_jw_flags */
    uint32_t depth;     /* open containers */
    bool need_comma;    /* a value was written at this level */
    bool after_key;     /* a key was written, its value comes next */
};

void ss_jw_init(struct ss_jw *w, struct ss_buf *out, unsigned flags);
void ss_jw_obj_begin(struct ss_jw *w);
void ss_jw_obj_end(struct ss_jw *w);
void ss_jw_arr_begin(struct ss_jw *w);
void ss_jw_arr_end(struct ss_jw *w);
void ss_jw_key(struct ss_jw *w, const char *key, size_t len);
void ss_jw_keyz(struct ss_jw *w, const char *key);
void ss_jw_str(struct ss_jw *w, const char *s, size_t len);
void ss_jw_strz(struct ss_jw *w, const char *s);
void ss_jw_null(struct ss_jw *w);
void ss_jw_bool(struct ss_jw *w, bool b);
void ss_jw_int(struct ss_jw *w, int64_t i);
/*
 * Writes a double in the shortest form that reads back to the same value,
 * with ".0" when it is integral ("10.0", "0.935"), as Azure prints doubles.
 * NaN and infinities, which JSON cannot hold, are written as null.
 */
void ss_jw_double(struct ss_jw *w, double d);
/* Writes `len` bytes of already-serialised JSON as one value (not checked). */
void ss_jw_raw(struct ss_jw *w, const char *json, size_t len);
/* Writes a parsed value; numbers keep their original text, key order is kept. */
void ss_jw_value(struct ss_jw *w, struct ss_json v);

/*
 * Appends `v` in canonical form: compact, object keys sorted by bytes,
 * numbers normalised (integers as integers, others as shortest doubles,
 * big integers as written). Two equal values give equal bytes. For tests.
 */
void ss_json_write_canonical(struct ss_buf *out, struct ss_json v);

/*
 * Formats `d` as ss_jw_double does into `buf` (at least 32 bytes), NUL-
 * terminated; returns the length.
 */
size_t ss_json_fmt_double(char *buf, double d);

/* ---- streaming: one value at a time from a large input ---- */

/*
 * Reads a sequence of JSON values from a file descriptor without holding the
 * whole input: a top-level array is returned element by element; JSON Lines
 * (or any whitespace-separated sequence of values) value by value; a top-level
 * object is returned whole, except that when it has a member named in
 * `unwrap` (e.g. "value" for ARM lists, "data" for Resource Graph) whose value
 * is an array, among its first four members and after scalar ones only, that
 * array's elements are returned one by one and the other members are checked
 * and skipped. Memory is bounded by the largest single
 * element (limit: opts->max_size, default SS_JSON_MAX_ELEMENT), not by the
 * input.
 */
struct ss_json_reader;

/*
 * Creates a reader over `fd` (borrowed: not closed by the reader). `opts`
 * may be NULL; `opts->name` names the input in diagnostics. `unwrap` is a
 * NULL-terminated list of member names (borrowed, must outlive the reader),
 * or NULL. Returns new; free with ss_json_reader_free().
 */
struct ss_json_reader *ss_json_reader_new(int fd, const struct ss_json_opts *opts,
                                          const char *const *unwrap);
/* As ss_json_reader_new over an in-memory buffer (borrowed, must outlive the reader). */
struct ss_json_reader *ss_json_reader_new_mem(const char *text, size_t len,
                                              const struct ss_json_opts *opts,
                                              const char *const *unwrap);
void ss_json_reader_free(struct ss_json_reader *r);
/*
 * Returns the next value in *out; at the end of input *out is absent
 * (SS_JSON_NONE) and SS_OK is returned. The value lives until the next call.
 * On error, `diag` has the file, line and column in the whole input; the
 * reader cannot continue after an error.
 */
enum ss_err ss_json_reader_next(struct ss_json_reader *r, struct ss_json *out,
                                struct ss_diag *diag);
/* Line (1-based) of the start of the value last returned. */
uint64_t ss_json_reader_line(const struct ss_json_reader *r);
/* The bytes of the value last returned, exactly as in the input (valid JSON:
 * the value was parsed strictly); valid until the next call. */
struct ss_str ss_json_reader_raw(const struct ss_json_reader *r);
/* JSON pointer of the value last returned within its file ("/3", "/value/3"; "" for a
 * top-level value), NUL-terminated into buf. */
void ss_json_reader_pointer(const struct ss_json_reader *r, char *buf, size_t size);
/* The input's shape, known after the first value: see enum. */
enum ss_json_reader_shape {
    SS_JSON_SHAPE_UNKNOWN = 0,
    SS_JSON_SHAPE_ARRAY,    /* elements of a top-level array */
    SS_JSON_SHAPE_SEQUENCE, /* JSON Lines or concatenated values */
    SS_JSON_SHAPE_WRAPPED,  /* elements of an unwrapped member's array */
};
enum ss_json_reader_shape ss_json_reader_shape(const struct ss_json_reader *r);

#endif
