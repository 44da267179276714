/*
 * The streaming reader: one value at a time out of an input of any size.
 *
 * The reader keeps a window of the input in `buf`. Bytes before `keep` (the
 * start of the value being parsed, or of a wrapper object being probed) may
 * be dropped; the window grows only while one value does not fit, and never
 * past the element limit, so memory is bounded by the largest value, not by
 * the input. A value cut by the end of the window is parsed again from its
 * start once more input has arrived (the parser reports "need more"
 * instead of an error); with 1 MiB reads that happens about once per
 * thousand resources.
 *
 * Shapes (see json.h): a top-level array is streamed element by element; a
 * top-level object is probed member by member while its members are
 * scalars, for at most SS_JSON_PROBE_MEMBERS members: a member named in
 * `unwrap` whose value is an array is streamed (the ARM `{"value": [...]}`
 * and Resource Graph `{"data": [...]}` envelopes, whose list comes first or
 * third); the first object or array member, or the limit, ends the probe and
 * the object is returned whole (a resource). Anything else is a sequence of
 * values (JSON Lines).
 */
#include "common/setup.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "common/hashmap.h"
#include "common/limits.h"
#include "json/node.h"

enum state { ST_TOP, ST_ARR_FIRST, ST_ARR_NEXT, ST_WRAP_REST, ST_FAILED };

struct ss_json_reader {
    int fd;          /* -1 for a memory reader */
    bool input_done; /* every byte of the input is in buf */
    bool owned;      /* buf is ours */
    char *buf;
    size_t cap, len;     /* allocated, filled */
    size_t pos;          /* scan position */
    size_t keep;         /* first byte that must stay in the window */
    uint64_t base_off;   /* absolute offset of buf[0] */
    uint64_t base_line;  /* line of buf[0] (1-based) */
    uint64_t base_col;   /* column of buf[0] (1-based) */
    size_t line_pos;     /* newlines are counted up to here... */
    uint64_t line_no;    /* ...which is on this line */
    uint64_t value_line; /* line of the last value returned */
    enum state state;
    bool wrapped;              /* the current array is an unwrapped member */
    bool started;              /* the BOM check is done */
    bool probing;              /* keep is pinned at a wrapper object's '{' */
    enum ss_err err;           /* the error that failed the reader */
    const char *wrapper;       /* the unwrap name whose array is being read */
    size_t raw_start, raw_end; /* buffer span of the last value returned */
    uint64_t index;            /* index of the last value in its array */
    enum ss_json_reader_shape shape;
    uint64_t max_elem;
    struct ss_json_opts opts;
    const char *const *unwrap;
    struct ss_json_doc doc;  /* the current value */
    struct ss_map wrap_keys; /* member names of the wrapper object being read */
};

static struct ss_json_reader *reader_new(const struct ss_json_opts *opts, const char *const *unwrap)
{
    struct ss_json_reader *r = ss_xcalloc(1, sizeof(*r));
    if (opts)
        r->opts = *opts;
    r->max_elem = r->opts.max_size ? r->opts.max_size : SS_JSON_MAX_ELEMENT;
    r->opts.max_size = 0;
    r->unwrap = unwrap;
    r->base_line = r->base_col = r->line_no = 1;
    ss_map_init(&r->wrap_keys, 0);
    return r;
}

struct ss_json_reader *ss_json_reader_new(int fd, const struct ss_json_opts *opts,
                                          const char *const *unwrap)
{
    struct ss_json_reader *r = reader_new(opts, unwrap);
    r->fd = fd;
    r->owned = true;
    return r;
}

struct ss_json_reader *ss_json_reader_new_mem(const char *text, size_t len,
                                              const struct ss_json_opts *opts,
                                              const char *const *unwrap)
{
    struct ss_json_reader *r = reader_new(opts, unwrap);
    r->fd = -1;
    r->buf = (char *)text; /* never written: owned is false */
    r->len = r->cap = len;
    r->input_done = true;
    return r;
}

void ss_json_reader_free(struct ss_json_reader *r)
{
    if (!r)
        return;
    if (r->owned)
        free(r->buf);
    ss__json_doc_release(&r->doc);
    ss_map_release(&r->wrap_keys);
    free(r);
}

uint64_t ss_json_reader_line(const struct ss_json_reader *r)
{
    return r->value_line;
}

void ss_json_reader_pointer(const struct ss_json_reader *r, char *buf, size_t size)
{
    if (r->index == UINT64_MAX)
        snprintf(buf, size, "%s", "");
    else if (r->wrapper)
        snprintf(buf, size, "/%s/%llu", r->wrapper, (unsigned long long)r->index);
    else
        snprintf(buf, size, "/%llu", (unsigned long long)r->index);
}

enum ss_json_reader_shape ss_json_reader_shape(const struct ss_json_reader *r)
{
    return r->shape;
}

/* ---- errors ---- */

/* Completes a diag whose offset is relative to buf, and fails the reader. */
static enum ss_err failed(struct ss_json_reader *r, enum ss_err e, struct ss_diag *diag)
{
    r->state = ST_FAILED;
    if (!r->err)
        r->err = e;
    if (diag) {
        size_t off = (size_t)SS_MIN(diag->offset, (uint64_t)r->len);
        ss__json_locate(diag, r->buf, off, r->base_line, r->base_col);
        diag->offset = r->base_off + off;
        ss_diag_set_file(diag, r->opts.name);
    }
    return e;
}

static enum ss_err fail_at(struct ss_json_reader *r, size_t off, enum ss_err e, const char *msg,
                           struct ss_diag *diag)
{
    if (diag && diag->code == SS_OK) {
        ss_diag_set(diag, e, "%s", msg);
        diag->offset = off;
    }
    return failed(r, e, diag);
}

/* ---- the window ---- */

static void count_lines(struct ss_json_reader *r, size_t upto)
{
    const char *p = r->buf + r->line_pos, *end = r->buf + upto;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        r->line_no++;
        p = nl + 1;
    }
    r->line_pos = upto;
}

/* Drops the bytes before `keep`. */
static void compact(struct ss_json_reader *r)
{
    size_t k = r->keep;
    if (!k)
        return;
    count_lines(r, k);
    const char *nl = k ? memrchr(r->buf, '\n', k) : NULL;
    r->base_col = nl ? (uint64_t)(r->buf + k - nl) : r->base_col + k;
    r->base_line = r->line_no;
    r->base_off += k;
    memmove(r->buf, r->buf + k, r->len - k);
    r->len -= k;
    r->pos -= k;
    r->line_pos -= k;
    r->keep = 0;
}

/* Reads more input. Returns SS_OK (possibly setting input_done) or an error. */
static enum ss_err fill(struct ss_json_reader *r, struct ss_diag *diag)
{
    if (r->input_done)
        return SS_OK;
    if (r->len - r->keep > r->max_elem) {
        char msg[96];
        snprintf(msg, sizeof(msg), "value larger than the limit of %llu bytes",
                 (unsigned long long)r->max_elem);
        return fail_at(r, r->keep, SS_ETOOBIG, msg, diag);
    }
    if (r->cap - r->len < SS_JSON_READ_CHUNK / 2 && r->keep)
        compact(r);
    if (r->cap - r->len < SS_JSON_READ_CHUNK / 2) {
        size_t cap = r->cap ? r->cap * 2 : SS_JSON_READ_CHUNK;
        while (cap - r->len < SS_JSON_READ_CHUNK / 2)
            cap *= 2;
        r->buf = ss_xrealloc(r->buf, cap);
        r->cap = cap;
    }
    for (;;) {
        ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            char msg[128];
            snprintf(msg, sizeof(msg), "read error: %s", strerror(errno));
            return fail_at(r, r->len, SS_EIO, msg, diag);
        }
        if (n == 0)
            r->input_done = true;
        r->len += (size_t)n;
        return SS_OK;
    }
}

/* Skips whitespace, reading as needed. Returns the next byte, or -1 at the
 * end of input, or -2 on a read error (reported). */
static int peek(struct ss_json_reader *r, struct ss_diag *diag)
{
    for (;;) {
        while (r->pos < r->len) {
            char c = r->buf[r->pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
                return (unsigned char)c;
            r->pos++;
        }
        if (r->input_done)
            return -1;
        if (!r->probing)
            r->keep = r->pos;
        if (fill(r, diag))
            return -2;
    }
}

/* Parses the value at pos into r->doc, reading more as needed. The caller
 * has set keep <= pos. The value's depth limit counts the containers the
 * reader has entered around it, so limits match a whole-document parse. */
static enum ss_err parse_at(struct ss_json_reader *r, struct ss_diag *diag)
{
    uint32_t outer = r->state == ST_TOP ? 0 : r->wrapped ? 2 : 1;
    if (r->probing || r->state == ST_WRAP_REST)
        outer = 1;
    for (;;) {
        size_t end = 0;
        bool more = false;
        struct ss_diag tmp;
        ss_diag_clear(&tmp);
        enum ss_err e = ss__json_parse_one(&r->doc, r->buf, r->len, r->pos, !r->input_done,
                                           &r->opts, outer, &end, &more, &tmp);
        if (!e) {
            if (end - r->pos > r->max_elem)
                return fail_at(r, r->pos, SS_ETOOBIG, "value larger than the element limit", diag);
            r->pos = end;
            return SS_OK;
        }
        if (!more || r->input_done) {
            if (diag && diag->code == SS_OK)
                *diag = tmp;
            return failed(r, e, diag);
        }
        /* Read until the bytes held for the value have doubled before parsing it
         * again, so a value of n bytes costs O(n), not O(n^2 / read size). */
        size_t held = r->len - r->pos, want = held < SS_JSON_READ_CHUNK ? held + 1 : held * 2;
        if (want > r->max_elem)
            want = (size_t)r->max_elem;
        do {
            e = fill(r, diag);
            if (e)
                return e;
            held = r->len - r->pos;
        } while (!r->input_done && held < want);
    }
}

/* Parses the value at pos as the next result. */
static enum ss_err take_value(struct ss_json_reader *r, struct ss_json *out, struct ss_diag *diag)
{
    if (!r->probing)
        r->keep = r->pos;
    enum ss_err e = parse_at(r, diag);
    if (e)
        return e;
    /* keep is the value's first byte, even after parse_at compacted the window */
    r->raw_start = r->keep;
    r->raw_end = r->pos;
    *out = ss_json_root(&r->doc);
    return SS_OK;
}

struct ss_str ss_json_reader_raw(const struct ss_json_reader *r)
{
    struct ss_str s = {r->buf + r->raw_start, r->raw_end - r->raw_start};
    return s;
}

/* Records a member name of the wrapper object; SS_EDUPKEY (reported at the key,
 * which starts at buffer offset `at`) if it was there already. */
static enum ss_err wrapper_key(struct ss_json_reader *r, struct ss_str key, size_t at,
                               struct ss_diag *diag)
{
    bool added = false;
    ss_map_put(&r->wrap_keys, key.ptr, key.len, NULL, &added);
    if (added)
        return SS_OK;
    char msg[128];
    snprintf(msg, sizeof(msg), "duplicate key \"%.*s\"", (int)SS_MIN(key.len, 80), key.ptr);
    return fail_at(r, at, SS_EDUPKEY, msg, diag);
}

static const char *unwrap_key(const struct ss_json_reader *r, struct ss_str k)
{
    for (const char *const *u = r->unwrap; u && *u; u++)
        if (strlen(*u) == k.len && memcmp(*u, k.ptr, k.len) == 0)
            return *u;
    return NULL;
}

static enum ss_err expect_fail(struct ss_json_reader *r, int c, const char *what,
                               struct ss_diag *diag)
{
    char msg[96];
    if (c == -2)
        return r->err ? r->err : SS_EIO;
    if (c < 0)
        snprintf(msg, sizeof(msg), "unexpected end of input, expected %s", what);
    else if (c >= 0x20 && c < 0x7f)
        snprintf(msg, sizeof(msg), "unexpected '%c', expected %s", c, what);
    else
        snprintf(msg, sizeof(msg), "unexpected byte 0x%02x, expected %s", c, what);
    return fail_at(r, r->pos, SS_ESYNTAX, msg, diag);
}

/*
 * At '{' in ST_TOP with unwrap names: reads scalar members until an unwrap
 * member with an array value (enters the array, returns 1), or until a
 * member that is an object or array, or the end of the object (rewinds to
 * the '{', returns 0: the caller parses the object whole). Negative on error.
 */
static int probe_object(struct ss_json_reader *r, struct ss_diag *diag)
{
    r->keep = r->pos; /* pinned at the '{' while probing; compaction moves it with the data */
    r->probing = true;
    ss_map_clear(&r->wrap_keys);
    r->pos++;
    int c = peek(r, diag), ret = 0, members = 0;
    while (c == '"' && members++ < SS_JSON_PROBE_MEMBERS) {
        size_t at = r->pos;
        if (parse_at(r, diag))
            return -1;
        struct ss_str key = ss_json_str(ss_json_root(&r->doc));
        if (wrapper_key(r, key, at, diag))
            return -1;
        const char *unwrap = unwrap_key(r, key);
        c = peek(r, diag);
        if (c != ':')
            break;
        r->pos++;
        c = peek(r, diag);
        if (unwrap && c == '[') {
            r->pos++;
            r->wrapper = unwrap;
            ret = 1;
            break;
        }
        if (c == '{' || c == '[' || c < 0)
            break;
        if (parse_at(r, diag))
            return -1;
        c = peek(r, diag);
        if (c != ',')
            break;
        r->pos++;
        c = peek(r, diag);
    }
    r->probing = false;
    if (c == -2)
        return -1;
    if (!ret)
        r->pos = r->keep;
    return ret;
}

/* Reads one member (key ':' value) of a wrapper object after its array. */
static enum ss_err skip_member(struct ss_json_reader *r, struct ss_diag *diag)
{
    int c = peek(r, diag);
    if (c != '"')
        return expect_fail(r, c, "a string key", diag);
    r->keep = r->pos;
    size_t at = r->pos;
    enum ss_err e = parse_at(r, diag);
    if (!e)
        e = wrapper_key(r, ss_json_str(ss_json_root(&r->doc)), at, diag);
    if (e)
        return e;
    c = peek(r, diag);
    if (c != ':')
        return expect_fail(r, c, "':' after object key", diag);
    r->pos++;
    if (peek(r, diag) < 0)
        return expect_fail(r, -1, "a JSON value", diag);
    r->keep = r->pos;
    return parse_at(r, diag);
}

static void set_shape(struct ss_json_reader *r, enum ss_json_reader_shape s)
{
    if (r->shape == SS_JSON_SHAPE_UNKNOWN)
        r->shape = s;
}

/* ST_TOP: the start of a top-level value. Returns 1 when *out holds a value. */
static int step_top(struct ss_json_reader *r, struct ss_json *out, enum ss_err *e,
                    struct ss_diag *diag)
{
    int c = peek(r, diag);
    if (c < 0) {
        *e = c == -2 ? SS_EIO : SS_OK;
        return 1;
    }
    if (c == '[') {
        r->pos++;
        r->state = ST_ARR_FIRST;
        r->wrapped = false;
        r->wrapper = NULL;
        r->index = UINT64_MAX;
        set_shape(r, SS_JSON_SHAPE_ARRAY);
        return 0;
    }
    if (c == '{' && r->unwrap) {
        int p = probe_object(r, diag);
        if (p < 0) {
            *e = r->err ? r->err : SS_EIO;
            return 1;
        }
        if (p > 0) {
            r->state = ST_ARR_FIRST;
            r->wrapped = true;
            r->index = UINT64_MAX;
            set_shape(r, SS_JSON_SHAPE_WRAPPED);
            return 0;
        }
    }
    set_shape(r, SS_JSON_SHAPE_SEQUENCE);
    r->wrapper = NULL;
    r->index = UINT64_MAX;
    *e = take_value(r, out, diag);
    return 1;
}

/* ST_ARR_FIRST / ST_ARR_NEXT: the next element. Returns 1 when done with a call. */
static int step_array(struct ss_json_reader *r, struct ss_json *out, enum ss_err *e,
                      struct ss_diag *diag)
{
    int c = peek(r, diag);
    if (r->state == ST_ARR_NEXT) {
        if (c == ',') {
            r->pos++;
            c = peek(r, diag);
            if (c == ']') {
                *e = fail_at(r, r->pos, SS_ESYNTAX, "trailing comma before ']'", diag);
                return 1;
            }
        } else if (c != ']') {
            *e = expect_fail(r, c, "',' or ']'", diag);
            return 1;
        }
    }
    if (c == ']') {
        r->pos++;
        r->state = r->wrapped ? ST_WRAP_REST : ST_TOP;
        return 0;
    }
    if (c < 0) {
        *e = expect_fail(r, c, "a JSON value", diag);
        return 1;
    }
    r->state = ST_ARR_NEXT;
    r->index++;
    *e = take_value(r, out, diag);
    return 1;
}

/* ST_WRAP_REST: the members after an unwrapped array, then '}'. */
static int step_wrap_rest(struct ss_json_reader *r, enum ss_err *e, struct ss_diag *diag)
{
    int c = peek(r, diag);
    if (c == '}') {
        r->pos++;
        r->state = ST_TOP;
        return 0;
    }
    if (c != ',') {
        *e = expect_fail(r, c, "',' or '}'", diag);
        return 1;
    }
    r->pos++;
    *e = skip_member(r, diag);
    return *e ? 1 : 0;
}

static void skip_bom(struct ss_json_reader *r, struct ss_diag *diag)
{
    r->started = true;
    while (r->len < 3 && !r->input_done)
        if (fill(r, diag))
            return;
    if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
}

enum ss_err ss_json_reader_next(struct ss_json_reader *r, struct ss_json *out, struct ss_diag *diag)
{
    struct ss_json none = {NULL, NULL};
    enum ss_err e = SS_OK;
    *out = none;
    if (r->state == ST_FAILED)
        return ss_diag_set(diag, SS_EINVAL, "the reader failed before");
    if (!r->started)
        skip_bom(r, diag);
    for (;;) {
        int done;
        switch (r->state) {
        case ST_TOP:
            done = step_top(r, out, &e, diag);
            break;
        case ST_ARR_FIRST:
        case ST_ARR_NEXT:
            done = step_array(r, out, &e, diag);
            break;
        case ST_WRAP_REST:
            done = step_wrap_rest(r, &e, diag);
            break;
        default:
            return SS_EINVAL;
        }
        if (done)
            break;
    }
    if (e) {
        *out = none;
        if (r->state != ST_FAILED)
            r->state = ST_FAILED;
        return e;
    }
    if (ss_json_exists(*out)) {
        count_lines(r, r->keep);
        r->value_line = r->line_no;
    }
    return SS_OK;
}
