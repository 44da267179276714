/*
 * libFuzzer target for the JSON parser, writer and streaming reader.
 *
 * For each input:
 *  1. Parse it whole with the default policy and with
 *     SS_JSON_DUPKEY_LAST | SS_JSON_ALLOW_NUL. A failure must fill the
 *     diagnostic consistently (same code, line >= 1, offset within input).
 *  2. When accepted: write it with ss_jw_value (compact, pretty, ASCII) and
 *     in canonical form; every output must parse again (same flags) to the
 *     same canonical bytes, and the canonical form must be a fixed point.
 *     Under the default policy, every member and element must also be found
 *     again by ss_json_get / ss_json_get_nocase / ss_json_at /
 *     ss_json_pointer.
 *  3. Feed the input to the streaming reader: with default limits (when the
 *     whole parse accepted it, the reader must give back the same values),
 *     and with a small max_size and the ARM/Resource Graph unwrap list
 *     (must end cleanly, with a consistent diagnostic on error).
 * Any inconsistency prints one line and calls abort().
 *
 * Build: `make fuzz` (clang -fsanitize=fuzzer,address,undefined). Seeds:
 * tests/fuzz/corpus/json/.
 */
#include "common/setup.h"

#include <stdio.h>

#include "securescore/buf.h"
#include "securescore/errors.h"
#include "securescore/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LOOKUPS 4096 /* member/element checks per input (keeps O(n^2) at bay) */

static void die(const char *what, const char *detail) SS_NORETURN;
static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_json: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static void check_diag(enum ss_err e, const struct ss_diag *d, size_t size)
{
    if (d->code != e)
        die("diag code differs from the returned error", ss_err_name(d->code));
    if (e == SS_ETOOBIG)
        return; /* size errors may have no position */
    if (d->line == 0 || d->column == 0 || d->offset > size)
        die("error without a position in the input", d->msg);
    if (!d->msg[0])
        die("error without a message", ss_err_name(e));
}

static void canonical(struct ss_buf *b, struct ss_json v)
{
    ss_buf_reset(b);
    ss_json_write_canonical(b, v);
}

static void expect_same(const struct ss_buf *a, const struct ss_buf *b, const char *what)
{
    if (a->len != b->len || (a->len && memcmp(a->ptr, b->ptr, a->len) != 0)) {
        fprintf(stderr, "fuzz_json: %.200s\n  vs      %.200s\n", a->ptr ? a->ptr : "",
                b->ptr ? b->ptr : "");
        die("canonical forms differ", what);
    }
}

/* Parses `text` with `opts` (must succeed) and compares its canonical form to `want`. */
static void reparse_same(const char *text, size_t len, const struct ss_json_opts *opts,
                         const struct ss_buf *want, const char *what)
{
    struct ss_json_doc *doc = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_json_parse(text, len, opts, &doc, &d) != SS_OK) {
        fprintf(stderr, "fuzz_json: output %.200s\n", text);
        die("our own output does not parse", d.msg);
    }
    struct ss_buf c = SS_BUF_INIT;
    canonical(&c, ss_json_root(doc));
    expect_same(want, &c, what);
    ss_buf_release(&c);
    ss_json_doc_free(doc);
}

static void check_writers(struct ss_json root, const struct ss_json_opts *opts, bool fixed_point)
{
    struct ss_buf want = SS_BUF_INIT, out = SS_BUF_INIT;
    canonical(&want, root);
    static const unsigned flags[] = {0, SS_JW_PRETTY, SS_JW_ASCII, SS_JW_PRETTY | SS_JW_ASCII};
    for (size_t i = 0; i < SS_ARRAY_LEN(flags); i++) {
        struct ss_jw w;
        ss_buf_reset(&out);
        ss_jw_init(&w, &out, flags[i]);
        ss_jw_value(&w, root);
        if (w.depth != 0)
            die("writer depth not back to 0", NULL);
        reparse_same(out.ptr, out.len, opts, &want, "ss_jw_value output");
    }
    if (fixed_point) /* without duplicate keys the canonical form is a fixed point */
        reparse_same(want.ptr, want.len, opts, &want, "canonical output");
    ss_buf_release(&want);
    ss_buf_release(&out);
}

/* Appends one RFC 6901 reference token. */
static void pointer_push(struct ss_buf *p, const char *tok, size_t len)
{
    ss_buf_addc(p, '/');
    for (size_t i = 0; i < len; i++) {
        if (tok[i] == '~')
            ss_buf_add(p, "~0", 2);
        else if (tok[i] == '/')
            ss_buf_add(p, "~1", 2);
        else
            ss_buf_addc(p, tok[i]);
    }
}

/* Lookups must find every member and element again (default policy: no duplicates). */
static void check_lookups(struct ss_json root, struct ss_json v, struct ss_buf *path, int *budget)
{
    enum ss_json_kind k = ss_json_kind(v);
    if (k != SS_JSON_ARRAY && k != SS_JSON_OBJECT)
        return;
    struct ss_json_iter it;
    struct ss_str key;
    struct ss_json val;
    size_t i = 0, plen = path->len;
    ss_json_iter_init(&it, v);
    while (ss_json_iter_next(&it, &key, &val) && (*budget)-- > 0) {
        if (k == SS_JSON_OBJECT) {
            if (ss_json_get(v, key.ptr, key.len).n != val.n)
                die("ss_json_get misses an iterated member", NULL);
            struct ss_json nc = ss_json_get_nocase(v, key.ptr, key.len);
            if (!ss_json_exists(nc))
                die("ss_json_get_nocase misses an iterated member", NULL);
            pointer_push(path, key.ptr, key.len);
        } else {
            if (ss_json_at(v, i).n != val.n)
                die("ss_json_at disagrees with iteration", NULL);
            ss_buf_printf(path, "/%zu", i);
        }
        if (ss_json_pointer(root, path->ptr, path->len).n != val.n)
            die("ss_json_pointer misses a value", path->ptr);
        check_lookups(root, val, path, budget);
        ss_buf_truncate(path, plen);
        i++;
    }
    if (*budget > 0 && i != ss_json_len(v))
        die("ss_json_len disagrees with iteration", NULL);
}

/* Whole-document checks under one policy. Returns the document (or NULL). */
static struct ss_json_doc *check_whole(const uint8_t *data, size_t size, unsigned flags)
{
    struct ss_json_opts opts = {flags, 0, 0, 0, NULL};
    struct ss_json_doc *doc = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    enum ss_err e = ss_json_parse((const char *)data, size, &opts, &doc, &d);
    if (e != SS_OK) {
        if (doc)
            die("document returned with an error", NULL);
        check_diag(e, &d, size);
        return NULL;
    }
    struct ss_json root = ss_json_root(doc);
    check_writers(root, &opts, flags == 0);
    if (flags == 0) {
        struct ss_buf path = SS_BUF_INIT;
        int budget = MAX_LOOKUPS;
        ss_buf_grow(&path, 64);
        check_lookups(root, root, &path, &budget);
        ss_buf_release(&path);
    }
    return doc;
}

/* Values a reader gives, each in canonical form, separated by '\n'. */
static enum ss_err read_values(struct ss_json_reader *r, struct ss_buf *out, size_t size)
{
    struct ss_diag d;
    ss_diag_clear(&d);
    for (size_t n = 0;; n++) {
        struct ss_json v;
        enum ss_err e = ss_json_reader_next(r, &v, &d);
        if (e) {
            check_diag(e, &d, size);
            return e;
        }
        if (!ss_json_exists(v))
            return SS_OK;
        if (n > size + 1)
            die("the reader gives more values than input bytes", NULL);
        if (n)
            ss_buf_addc(out, '\n');
        ss_json_write_canonical(out, v);
    }
}

static void check_stream(const uint8_t *data, size_t size, const struct ss_json_doc *whole)
{
    static const char *const unwrap[] = {"value", "data", NULL};
    struct ss_buf got = SS_BUF_INIT, want = SS_BUF_INIT;
    /* default limits, no unwrapping: when the whole parse accepted the input,
     * the reader gives the array's elements, or the value itself */
    struct ss_json_reader *r = ss_json_reader_new_mem((const char *)data, size, NULL, NULL);
    enum ss_err e = read_values(r, &got, size);
    ss_json_reader_free(r);
    if (whole) {
        struct ss_json root = ss_json_root(whole);
        if (e != SS_OK)
            die("the reader rejects a document the parser accepts", ss_err_name(e));
        if (ss_json_kind(root) == SS_JSON_ARRAY) {
            struct ss_json_iter it;
            struct ss_json v;
            size_t n = 0;
            ss_json_iter_init(&it, root);
            while (ss_json_iter_next(&it, NULL, &v)) {
                if (n++)
                    ss_buf_addc(&want, '\n');
                ss_json_write_canonical(&want, v);
            }
        } else {
            ss_json_write_canonical(&want, root);
        }
        expect_same(&want, &got, "streamed values");
    }
    /* small element limit, unwrapping, lenient flags: must end cleanly */
    static const unsigned flags[] = {0, SS_JSON_DUPKEY_LAST | SS_JSON_ALLOW_NUL};
    for (size_t i = 0; i < SS_ARRAY_LEN(flags); i++) {
        struct ss_json_opts opts = {flags[i], 0, 0, 64, "fuzz"};
        ss_buf_reset(&got);
        r = ss_json_reader_new_mem((const char *)data, size, &opts, unwrap);
        read_values(r, &got, size);
        ss_json_reader_free(r);
    }
    ss_buf_release(&got);
    ss_buf_release(&want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ss_json_doc *strict = check_whole(data, size, 0);
    struct ss_json_doc *lenient = check_whole(data, size, SS_JSON_DUPKEY_LAST | SS_JSON_ALLOW_NUL);
    if (strict && !lenient)
        die("the lenient policy rejects what the default accepts", NULL);
    if (strict) {
        /* no duplicates and no \u0000: both policies give the same value */
        struct ss_buf a = SS_BUF_INIT, b = SS_BUF_INIT;
        canonical(&a, ss_json_root(strict));
        canonical(&b, ss_json_root(lenient));
        expect_same(&a, &b, "default vs lenient policy");
        ss_buf_release(&a);
        ss_buf_release(&b);
    }
    check_stream(data, size, strict);
    ss_json_doc_free(strict);
    ss_json_doc_free(lenient);
    return 0;
}
