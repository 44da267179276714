/*
 * JSON documents: the whole-document entry points and the read accessors
 * of include/securescore/json.h over the node tape of node.h.
 */
#include "common/setup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hashmap.h"
#include "common/limits.h"
#include "json/node.h"

/* ---- locating errors ---- */

void ss__json_locate(struct ss_diag *diag, const char *text, size_t offset, uint64_t line0,
                     uint64_t col0)
{
    if (!diag)
        return;
    uint64_t line = line0;
    const char *p = text, *end = text + offset, *bol = NULL;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        line++;
        bol = nl + 1;
        p = nl + 1;
    }
    uint64_t col = bol ? (uint64_t)(end - bol) + 1 : col0 + (uint64_t)(end - text);
    diag->line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
    diag->column = col > UINT32_MAX ? UINT32_MAX : (uint32_t)col;
}

/* ---- whole-document parsing ---- */

static const char *skip_bom(const char *p, size_t len)
{
    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        return p + 3;
    return p;
}

/* Parses doc->text_owned (len bytes) as exactly one value plus whitespace. */
static enum ss_err parse_owned(struct ss_json_doc *doc, size_t len, const struct ss_json_opts *opts,
                               struct ss_diag *diag)
{
    const char *text = doc->text_owned;
    uint64_t max = opts && opts->max_size ? opts->max_size : SS_JSON_MAX_DOC;
    if (max > SS_JSON_MAX_DOC)
        max = SS_JSON_MAX_DOC;
    if (len > max)
        return ss_diag_set(diag, SS_ETOOBIG, "document of %zu bytes exceeds the limit of %llu", len,
                           (unsigned long long)max);
    doc->cap = len / 10 + 64;
    doc->nodes = ss_xmalloc_large(doc->cap * sizeof(uint64_t));
    size_t start = (size_t)(skip_bom(text, len) - text), end = 0;
    bool more = false;
    enum ss_err e = ss__json_parse_one(doc, text, len, start, false, opts, 0, &end, &more, diag);
    if (!e) {
        while (end < len &&
               (text[end] == ' ' || text[end] == '\n' || text[end] == '\r' || text[end] == '\t'))
            end++;
        if (end < len) {
            e = ss_diag_set(diag, SS_ESYNTAX, "unexpected content after the JSON value");
            if (diag)
                diag->offset = end;
        }
    }
    if (e && diag)
        ss__json_locate(diag, text, (size_t)diag->offset, 1, 1);
    return e;
}

static enum ss_err finish(struct ss_json_doc *doc, enum ss_err e, struct ss_json_doc **out,
                          const struct ss_json_opts *opts, struct ss_diag *diag)
{
    if (e) {
        if (opts)
            ss_diag_set_file(diag, opts->name);
        ss__json_doc_release(doc);
        free(doc);
        return e;
    }
    free(doc->stack);
    doc->stack = NULL;
    doc->stack_cap = 0;
    if (doc->cap > doc->nwords + 64 && doc->cap > 4096) {
        /* Give back the unused tail of the node array (the estimate was len/10). */
        doc->nodes = ss_xrealloc(doc->nodes, doc->nwords * sizeof(uint64_t));
        doc->cap = doc->nwords;
    }
    *out = doc;
    return SS_OK;
}

enum ss_err ss_json_parse_take(char *text, size_t len, const struct ss_json_opts *opts,
                               struct ss_json_doc **out, struct ss_diag *diag)
{
    struct ss_json_doc *doc = ss_xcalloc(1, sizeof(*doc));
    doc->text_owned = text;
    return finish(doc, parse_owned(doc, len, opts, diag), out, opts, diag);
}

enum ss_err ss_json_parse(const char *text, size_t len, const struct ss_json_opts *opts,
                          struct ss_json_doc **out, struct ss_diag *diag)
{
    uint64_t max = opts && opts->max_size ? opts->max_size : SS_JSON_MAX_DOC;
    if (len > max || len > SS_JSON_MAX_DOC) {
        if (opts)
            ss_diag_set_file(diag, opts->name);
        return ss_diag_set(diag, SS_ETOOBIG, "document of %zu bytes exceeds the limit of %llu", len,
                           (unsigned long long)SS_MIN(max, SS_JSON_MAX_DOC));
    }
    char *copy = ss_xmalloc(len + 1);
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    return ss_json_parse_take(copy, len, opts, out, diag);
}

/* Reads all of fd into a new buffer, failing past `max` bytes. */
static enum ss_err read_all(int fd, uint64_t max, char **out, size_t *out_len, struct ss_diag *diag)
{
    struct stat st;
    size_t cap = 1 << 16, len = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        if ((uint64_t)st.st_size > max)
            return ss_diag_set(diag, SS_ETOOBIG, "file of %lld bytes exceeds the limit of %llu",
                               (long long)st.st_size, (unsigned long long)max);
        /* Room for the final read() that sees the end of the file: growing the
         * buffer then would double it for nothing. */
        cap = (size_t)st.st_size + 65536;
    }
    char *buf = ss_xmalloc_large(cap);
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > max + 1) {
                free(buf);
                return ss_diag_set(diag, SS_ETOOBIG, "input exceeds the limit of %llu bytes",
                                   (unsigned long long)max);
            }
            cap = cap * 2;
            buf = ss_xrealloc(buf, cap);
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            free(buf);
            return ss_diag_set(diag, SS_EOPEN, "read error: %s", strerror(err));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > max) {
        free(buf);
        return ss_diag_set(diag, SS_ETOOBIG, "input exceeds the limit of %llu bytes",
                           (unsigned long long)max);
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return SS_OK;
}

enum ss_err ss_json_parse_file(const char *path, const struct ss_json_opts *opts,
                               struct ss_json_doc **out, struct ss_diag *diag)
{
    struct ss_json_opts o = {0, 0, 0, 0, NULL};
    if (opts)
        o = *opts;
    if (!o.name)
        o.name = path;
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ss_diag_set_file(diag, o.name);
        return ss_diag_set(diag, SS_EOPEN, "cannot open: %s", strerror(errno));
    }
    uint64_t max = o.max_size && o.max_size < SS_JSON_MAX_DOC ? o.max_size : SS_JSON_MAX_DOC;
    char *buf = NULL;
    size_t len = 0;
    enum ss_err e = read_all(fd, max, &buf, &len, diag);
    if (!is_stdin)
        close(fd);
    if (e) {
        ss_diag_set_file(diag, o.name);
        return e;
    }
    return ss_json_parse_take(buf, len, &o, out, diag);
}

void ss_json_doc_free(struct ss_json_doc *doc)
{
    if (!doc)
        return;
    ss__json_doc_release(doc);
    free(doc);
}

struct ss_json ss_json_root(const struct ss_json_doc *doc)
{
    struct ss_json v = {NULL, NULL};
    if (doc && doc->nwords) {
        v.doc = doc;
        v.n = doc->nodes;
    }
    return v;
}

size_t ss_json_doc_memory(const struct ss_json_doc *doc)
{
    return (doc->text_owned ? doc->text_len + 1 : 0) + doc->cap * sizeof(uint64_t) + doc->esc_cap +
           doc->idx_cap * sizeof(uint32_t) + sizeof(*doc);
}

size_t ss_json_doc_nodes(const struct ss_json_doc *doc)
{
    size_t n = 0;
    for (size_t i = 0; i < doc->nwords; i++, n++) {
        unsigned k = N_KIND(doc->nodes[i]);
        if (k == SS_JSON_INT || k == SS_JSON_REAL || k >= SS_JSON_ARRAY)
            i++;
    }
    return n;
}

/* ---- reading values ---- */

static const struct ss_json none = {NULL, NULL};

static inline struct ss_json at_node(const struct ss_json_doc *d, const uint64_t *n)
{
    struct ss_json v = {d, n};
    return v;
}

enum ss_json_kind ss_json_kind(struct ss_json v)
{
    return v.n ? (enum ss_json_kind)N_KIND(v.n[0]) : SS_JSON_NONE;
}

const char *ss_json_kind_name(enum ss_json_kind k)
{
    static const char *const names[] = {"null",   "boolean", "boolean", "number", "number",
                                        "string", "array",   "object",  "none"};
    return (unsigned)k < SS_ARRAY_LEN(names) ? names[k] : "none";
}

bool ss_json_is_number(struct ss_json v)
{
    enum ss_json_kind k = ss_json_kind(v);
    return k == SS_JSON_INT || k == SS_JSON_REAL;
}

bool ss_json_is_bool(struct ss_json v)
{
    enum ss_json_kind k = ss_json_kind(v);
    return k == SS_JSON_TRUE || k == SS_JSON_FALSE;
}

bool ss_json_bool(struct ss_json v)
{
    return ss_json_kind(v) == SS_JSON_TRUE;
}

struct ss_str ss_json_num_text(struct ss_json v)
{
    struct ss_str s = {NULL, 0};
    if (ss_json_is_number(v)) {
        s.ptr = ss__json_bytes(v.doc, v.n[0]);
        s.len = N_LEN(v.n[0]);
    }
    return s;
}

bool ss_json_is_bigint(struct ss_json v)
{
    if (ss_json_kind(v) != SS_JSON_REAL)
        return false;
    struct ss_str s = ss_json_num_text(v);
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] == '.' || s.ptr[i] == 'e' || s.ptr[i] == 'E')
            return false;
    return true;
}

int64_t ss_json_int(struct ss_json v)
{
    enum ss_json_kind k = ss_json_kind(v);
    if (k == SS_JSON_INT) {
        int64_t i;
        memcpy(&i, &v.n[1], sizeof(i));
        return i;
    }
    if (k == SS_JSON_REAL) {
        double d = ss_json_num(v);
        if (d != d)
            return 0;
        if (d >= 9223372036854775807.0)
            return INT64_MAX;
        if (d <= -9223372036854775808.0)
            return INT64_MIN;
        return (int64_t)d;
    }
    return 0;
}

double ss_json_num(struct ss_json v)
{
    enum ss_json_kind k = ss_json_kind(v);
    if (k == SS_JSON_REAL) {
        double d;
        memcpy(&d, &v.n[1], sizeof(d));
        return d;
    }
    if (k == SS_JSON_INT)
        return (double)ss_json_int(v);
    return 0;
}

struct ss_str ss_json_str(struct ss_json v)
{
    struct ss_str s = {NULL, 0};
    if (ss_json_kind(v) == SS_JSON_STRING) {
        s.ptr = ss__json_bytes(v.doc, v.n[0]);
        s.len = N_LEN(v.n[0]);
    }
    return s;
}

bool ss_json_str_eq(struct ss_json v, const char *s)
{
    struct ss_str t = ss_json_str(v);
    size_t n = strlen(s);
    return t.ptr && t.len == n && memcmp(t.ptr, s, n) == 0;
}

size_t ss_json_len(struct ss_json v)
{
    return ss_json_kind(v) >= SS_JSON_ARRAY && v.n ? N_COUNT(v.n[0]) : 0;
}

static bool key_matches(const struct ss_json_doc *d, uint64_t w, const char *key, size_t len,
                        bool nocase)
{
    if (N_LEN(w) != len)
        return false;
    const char *k = ss__json_bytes(d, w);
    return nocase ? ss_mem_eq_nocase(k, key, len) : memcmp(k, key, len) == 0;
}

static struct ss_json lookup(struct ss_json obj, const char *key, size_t len, bool nocase)
{
    if (ss_json_kind(obj) != SS_JSON_OBJECT)
        return none;
    const struct ss_json_doc *d = obj.doc;
    const uint64_t *n = obj.n;
    size_t count = N_COUNT(n[0]);
    if (n[0] & N_FLAG) {
        size_t size = 16;
        while (size < 2 * count)
            size *= 2;
        const uint32_t *tab = d->idx + N_IDXPOS(n[1]);
        size_t h = (size_t)ss_hash_bytes(key, len, true) & (size - 1);
        for (; tab[h]; h = (h + 1) & (size - 1))
            if (key_matches(d, n[tab[h]], key, len, nocase))
                return at_node(d, n + tab[h] + 1);
        return none;
    }
    /* Small object: scan; with duplicate keys allowed the last one wins. */
    bool last = (d->flags & SS_JSON_DUPKEY_LAST) && !nocase;
    struct ss_json found = none;
    const uint64_t *k = n + 2;
    for (size_t i = 0; i < count; i++) {
        if (key_matches(d, k[0], key, len, nocase)) {
            found = at_node(d, k + 1);
            if (!last)
                break;
        }
        k += 1 + ss__json_span(k + 1);
    }
    return found;
}

struct ss_json ss_json_get(struct ss_json obj, const char *key, size_t len)
{
    return lookup(obj, key, len, false);
}

struct ss_json ss_json_getz(struct ss_json obj, const char *key)
{
    return lookup(obj, key, strlen(key), false);
}

struct ss_json ss_json_get_nocase(struct ss_json obj, const char *key, size_t len)
{
    return lookup(obj, key, len, true);
}

struct ss_json ss_json_at(struct ss_json arr, size_t i)
{
    if (ss_json_kind(arr) != SS_JSON_ARRAY || i >= N_COUNT(arr.n[0]))
        return none;
    const uint64_t *e = arr.n + 2;
    while (i--)
        e += ss__json_span(e);
    return at_node(arr.doc, e);
}

void ss_json_iter_init(struct ss_json_iter *it, struct ss_json v)
{
    enum ss_json_kind k = ss_json_kind(v);
    it->doc = v.doc;
    it->object = k == SS_JSON_OBJECT;
    if (k == SS_JSON_ARRAY || k == SS_JSON_OBJECT) {
        it->cur = v.n + 2;
        it->end = v.n + N_SPAN(v.n[1]);
    } else {
        it->cur = it->end = NULL;
    }
}

bool ss_json_iter_next(struct ss_json_iter *it, struct ss_str *key, struct ss_json *val)
{
    if (it->cur >= it->end)
        return false;
    const uint64_t *n = it->cur;
    if (it->object) {
        if (key) {
            key->ptr = ss__json_bytes(it->doc, n[0]);
            key->len = N_LEN(n[0]);
        }
        n++;
    } else if (key) {
        key->ptr = NULL;
        key->len = 0;
    }
    *val = at_node(it->doc, n);
    it->cur = n + ss__json_span(n);
    return true;
}

/* ---- JSON pointer (RFC 6901) ---- */

/* Decodes one reference token (~0 ~1) into buf; returns its length or -1. */
static long pointer_token(const char *p, size_t len, char *buf, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (c == '~') {
            if (i + 1 >= len || (p[i + 1] != '0' && p[i + 1] != '1'))
                return -1;
            c = p[++i] == '0' ? '~' : '/';
        }
        if (o >= size)
            return -1;
        buf[o++] = c;
    }
    return (long)o;
}

static bool parse_index(const char *s, size_t len, size_t *out)
{
    if (!len || len > 18 || (len > 1 && s[0] == '0'))
        return false;
    size_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (size_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

struct ss_json ss_json_pointer(struct ss_json v, const char *ptr, size_t len)
{
    char small[256];
    size_t i = 0;
    if (len && ptr[0] != '/')
        return none;
    while (i < len && ss_json_exists(v)) {
        size_t j = i + 1;
        while (j < len && ptr[j] != '/')
            j++;
        char *tok = j - i - 1 <= sizeof(small) ? small : ss_xmalloc(j - i - 1);
        long n = pointer_token(ptr + i + 1, j - i - 1, tok, SS_MAX(sizeof(small), j - i - 1));
        if (n < 0) {
            if (tok != small)
                free(tok);
            return none;
        }
        if (ss_json_kind(v) == SS_JSON_OBJECT) {
            v = ss_json_get(v, tok, (size_t)n);
        } else if (ss_json_kind(v) == SS_JSON_ARRAY) {
            size_t idx;
            v = parse_index(tok, (size_t)n, &idx) ? ss_json_at(v, idx) : none;
        } else {
            v = none;
        }
        if (tok != small)
            free(tok);
        i = j;
    }
    return v;
}
