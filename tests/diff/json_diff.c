/*
 * json-diff: differential test of our JSON parser against jansson (the
 * oracle; used by tests only).
 *
 *   json-diff [DATA_DIR [CORPUS_DIR [SEED [SCALE]]]]
 *
 * DATA_DIR defaults to $SS_SHARED/data, else ../shared/data; every *.json
 * under it is compared (recursively). CORPUS_DIR defaults to
 * tests/diff/corpus: files under valid/ must be accepted by our parser,
 * files under invalid/ rejected, and every one is compared with jansson.
 * Then seeded (deterministic) random documents and random mutations of
 * valid documents are compared. For each document: both accept or both
 * reject, and when both accept the values are equal (kinds, integers,
 * doubles bit-exact, strings byte-exact, object members by key, array
 * order); jansson's own serialisation of the value must also parse with
 * ours to the same canonical bytes. Output: one line per failure, a line
 * counting the documented differences seen, and "json-diff: N passed, N
 * failed"; exit status 1 on any failure. SEED and SCALE (a multiplier of the
 * numbers of generated documents and mutations) are for longer explorations;
 * the defaults are what the test suite runs.
 *
 * jansson is configured as close to our policy as it goes:
 * JSON_DECODE_ANY (any value at the top, as RFC 8259) |
 * JSON_REJECT_DUPLICATES (our SS_EDUPKEY), without JSON_ALLOW_NUL (we
 * refuse \u0000 by default too).
 *
 * Known, documented differences (each is a policy of include/securescore/json.h or
 * src/common/limits.h; any other difference is a bug):
 *
 * | id | input                   | jansson 2.14          | securescore            | handled by |
 * |----|-------------------------|-----------------------|------------------------|------------|
 * | D1 | integer outside int64   | rejects "too big      | accepts: SS_JSON_REAL, | (1)        |
 * |    | (9223372036854775808)   | integer"              | ss_json_is_bigint      |            |
 * | D2 | nesting depth 1001-2048 | accepts (limit 2048)  | SS_EDEPTH (limit 1000) | (2)        |
 * | D3 | UTF-8 BOM at the start  | rejects (bad token)   | skips it               | (3)        |
 * | D4 | NUL byte right after a  | skips it: "[1\0]" is  | SS_ESYNTAX at the NUL  | (4)        |
 * |    | number or true/false/   | [1], "null\0" is null | (RFC 8259: not         |            |
 * |    | null                    | (a jansson lexer bug) | whitespace)            |            |
 * | -- | "-0"                    | integer 0             | SS_JSON_INT 0          | no diff.   |
 * | -- | "-0.0", "-0e5"          | real -0.0             | SS_JSON_REAL -0.0      | no diff.   |
 * | -- | underflow (1e-400)      | nearest (strtod)      | nearest double         | no diff.   |
 * | -- | overflow (1e400)        | rejects               | SS_ERANGE              | no diff.   |
 * | -- | depth > 2048            | rejects               | SS_EDEPTH              | no diff.   |
 *
 * (1) each big integer literal is replaced by 0 in jansson's input; our big
 *     integer must then face jansson's integer 0, everything else compares.
 * (2) jansson's tree depth must exceed SS_JSON_MAX_DEPTH.
 * (3) jansson is given the input without the BOM.
 * (4) when we fail at such a NUL byte and jansson accepts, the byte is
 *     removed for our parser and the values must then be equal.
 *
 * Error codes and positions are not compared: jansson reports the end of
 * the bad token, we report its first byte (see tests/unit/test_json.c).
 */
#include "common/setup.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "common/limits.h"
#include "securescore/buf.h"
#include "securescore/errors.h"
#include "securescore/json.h"

#define JANSSON_FLAGS (JSON_DECODE_ANY | JSON_REJECT_DUPLICATES)
#define GEN_DOCS 3000    /* random documents */
#define MUTATIONS 6000   /* random mutations of valid documents */
#define MUTATE_MAX 65536 /* only documents up to this size are mutated */

struct stats {
    int passed, failed;
    int d_bigint, d_depth, d_bom, d_nul; /* documented differences seen (counted as passed) */
};

/* Valid documents collected for mutation (owned copies). */
struct pool {
    char **text;
    size_t *len;
    size_t n, cap;
};

static void pool_add(struct pool *p, const char *text, size_t len)
{
    if (len > MUTATE_MAX)
        return;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 256;
        p->text = ss_xreallocarray(p->text, p->cap, sizeof(*p->text));
        p->len = ss_xreallocarray(p->len, p->cap, sizeof(*p->len));
    }
    p->text[p->n] = ss_xmemdup(text, len);
    p->len[p->n++] = len;
}

/* ---- reporting ---- */

/* Prints `len` bytes of text, escaped, at most 100 of them. */
static void print_excerpt(const char *text, size_t len)
{
    fputs(" input '", stdout);
    for (size_t i = 0; i < len && i < 100; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    fputs(len > 100 ? "'..." : "'", stdout);
}

static void fail(struct stats *st, const char *src, const char *text, size_t len, const char *fmt,
                 ...) SS_PRINTF(5, 6);
static void fail(struct stats *st, const char *src, const char *text, size_t len, const char *fmt,
                 ...)
{
    va_list ap;
    st->failed++;
    printf("FAIL %s: ", src);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    print_excerpt(text, len);
    putchar('\n');
}

/* ---- comparing values ---- */

static const char *jkind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "real";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    }
    return "?";
}

/* Appends one RFC 6901 reference token to the path in `path`. */
static size_t path_push(char *path, size_t plen, size_t size, const char *tok, size_t len)
{
    size_t o = plen;
    if (o + 1 < size)
        path[o++] = '/';
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (tok[i] == '~' || tok[i] == '/') {
            path[o++] = '~';
            path[o++] = tok[i] == '~' ? '0' : '1';
        } else {
            path[o++] = tok[i];
        }
    }
    path[o < size ? o : size - 1] = '\0';
    return o < size ? o : size - 1;
}

struct cmp {
    char path[512];   /* JSON pointer of the first difference */
    char why[256];    /* what differs */
    bool bigint_zero; /* D1: jansson's input had big integers replaced by 0 */
};

static bool cmp_fail(struct cmp *c, size_t plen, const char *fmt, ...) SS_PRINTF(3, 4);
static bool cmp_fail(struct cmp *c, size_t plen, const char *fmt, ...)
{
    va_list ap;
    c->path[plen] = '\0';
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
    return false;
}

static bool same_value(struct cmp *c, size_t plen, struct ss_json a, const json_t *b);

static bool same_object(struct cmp *c, size_t plen, struct ss_json a, const json_t *b)
{
    if (ss_json_len(a) != json_object_size(b))
        return cmp_fail(c, plen, "object sizes %zu vs %zu", ss_json_len(a), json_object_size(b));
    struct ss_json_iter it;
    struct ss_str key;
    struct ss_json val;
    ss_json_iter_init(&it, a);
    while (ss_json_iter_next(&it, &key, &val)) {
        size_t n = path_push(c->path, plen, sizeof(c->path), key.ptr, key.len);
        json_t *bv = json_object_getn(b, key.ptr, key.len);
        if (!bv)
            return cmp_fail(c, n, "member missing in jansson's value");
        if (!same_value(c, n, val, bv))
            return false;
        /* our lookup must find the member the iteration gave */
        if (ss_json_get(a, key.ptr, key.len).n != val.n)
            return cmp_fail(c, n, "ss_json_get does not find the iterated member");
    }
    return true;
}

static bool same_array(struct cmp *c, size_t plen, struct ss_json a, const json_t *b)
{
    if (ss_json_len(a) != json_array_size(b))
        return cmp_fail(c, plen, "array sizes %zu vs %zu", ss_json_len(a), json_array_size(b));
    struct ss_json_iter it;
    struct ss_json val;
    size_t i = 0;
    ss_json_iter_init(&it, a);
    while (ss_json_iter_next(&it, NULL, &val)) {
        char idx[24];
        int il = snprintf(idx, sizeof(idx), "%zu", i);
        size_t n = path_push(c->path, plen, sizeof(c->path), idx, (size_t)il);
        if (!same_value(c, n, val, json_array_get(b, i)))
            return false;
        i++;
    }
    return true;
}

static bool same_number(struct cmp *c, size_t plen, struct ss_json a, const json_t *b)
{
    enum ss_json_kind k = ss_json_kind(a);
    if (k == SS_JSON_REAL && ss_json_is_bigint(a)) {
        /* D1: the big integer was replaced by 0 in jansson's input */
        if (c->bigint_zero && json_is_integer(b) && json_integer_value(b) == 0)
            return true;
        return cmp_fail(c, plen, "our big integer faces jansson %s", jkind(b));
    }
    if (k == SS_JSON_INT) {
        if (!json_is_integer(b))
            return cmp_fail(c, plen, "our integer faces jansson %s", jkind(b));
        if (ss_json_int(a) != (int64_t)json_integer_value(b))
            return cmp_fail(c, plen, "integers %lld vs %lld", (long long)ss_json_int(a),
                            (long long)json_integer_value(b));
        return true;
    }
    if (!json_is_real(b))
        return cmp_fail(c, plen, "our real faces jansson %s", jkind(b));
    double x = ss_json_num(a), y = json_real_value(b);
    if (memcmp(&x, &y, sizeof(x)) != 0)
        return cmp_fail(c, plen, "reals %.17g vs %.17g", x, y);
    return true;
}

static bool same_value(struct cmp *c, size_t plen, struct ss_json a, const json_t *b)
{
    if (!b)
        return cmp_fail(c, plen, "value missing in jansson's tree");
    switch (ss_json_kind(a)) {
    case SS_JSON_NULL:
        return json_is_null(b) || cmp_fail(c, plen, "null vs %s", jkind(b));
    case SS_JSON_TRUE:
        return json_is_true(b) || cmp_fail(c, plen, "true vs %s", jkind(b));
    case SS_JSON_FALSE:
        return json_is_false(b) || cmp_fail(c, plen, "false vs %s", jkind(b));
    case SS_JSON_INT:
    case SS_JSON_REAL:
        return same_number(c, plen, a, b);
    case SS_JSON_STRING: {
        if (!json_is_string(b))
            return cmp_fail(c, plen, "string vs %s", jkind(b));
        struct ss_str s = ss_json_str(a);
        size_t bl = json_string_length(b);
        if (s.len != bl || memcmp(s.ptr, json_string_value(b), bl) != 0)
            return cmp_fail(c, plen, "strings differ (%zu vs %zu bytes)", s.len, bl);
        return true;
    }
    case SS_JSON_ARRAY:
        return json_is_array(b) ? same_array(c, plen, a, b)
                                : cmp_fail(c, plen, "array vs %s", jkind(b));
    case SS_JSON_OBJECT:
        return json_is_object(b) ? same_object(c, plen, a, b)
                                 : cmp_fail(c, plen, "object vs %s", jkind(b));
    case SS_JSON_NONE:
        break;
    }
    return cmp_fail(c, plen, "our value is absent");
}

/* Nesting depth of a jansson value (containers only; its depth is <= 2048). */
static size_t jdepth(const json_t *j)
{
    size_t best = 0, d;
    if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            if ((d = jdepth(json_array_get(j, i))) > best)
                best = d;
        return best + 1;
    }
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v) if ((d = jdepth(v)) > best) best = d;
        return best + 1;
    }
    return 0;
}

/* ---- D1: big integer literals ---- */

/* True if the integer literal (optional '-', digits) does not fit in int64. */
static bool beyond_int64(const char *p, size_t len)
{
    bool neg = p[0] == '-';
    const char *d = p + neg;
    size_t n = len - neg;
    const char *lim = neg ? "9223372036854775808" : "9223372036854775807";
    if (n != 19)
        return n > 19;
    return memcmp(d, lim, 19) > 0;
}

/*
 * Copies a document our parser accepted, replacing every integer literal
 * outside int64 by "0". Returns the number replaced; the copy in *out.
 */
static size_t replace_bigints(const char *text, size_t len, struct ss_buf *out)
{
    size_t n = 0, i = 0;
    ss_buf_reset(out);
    while (i < len) {
        char c = text[i];
        if (c == '"') {
            size_t j = i + 1;
            while (j < len && text[j] != '"')
                j += text[j] == '\\' ? 2 : 1;
            ss_buf_add(out, text + i, SS_MIN(j + 1, len) - i);
            i = j + 1;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i + 1;
            bool is_int = true;
            while (j < len && strchr("0123456789.eE+-", text[j])) {
                if (text[j] == '.' || text[j] == 'e' || text[j] == 'E')
                    is_int = false;
                j++;
            }
            if (is_int && beyond_int64(text + i, j - i)) {
                ss_buf_addc(out, '0');
                n++;
            } else {
                ss_buf_add(out, text + i, j - i);
            }
            i = j;
        } else {
            ss_buf_addc(out, c);
            i++;
        }
    }
    return n;
}

/* ---- D4: jansson skips a NUL byte after a number or literal ---- */

/*
 * Our parser failed with `d`; if it failed at a NUL byte that follows the
 * last byte of a number or of true/false/null, parses again with such
 * bytes removed (as jansson reads them). Returns the new document or NULL.
 */
static struct ss_json_doc *parse_without_swallowed_nuls(const char *text, size_t len,
                                                        const struct ss_diag *first)
{
    struct ss_buf b = SS_BUF_INIT;
    struct ss_diag d = *first;
    struct ss_json_doc *doc = NULL;
    ss_buf_add(&b, text, len);
    for (int round = 0; round < 16; round++) {
        size_t o = (size_t)d.offset;
        if (o == 0 || o >= b.len || b.ptr[o] != '\0')
            break;
        char prev = b.ptr[o - 1];
        if (!((prev >= '0' && prev <= '9') || prev == 'e' || prev == 'l'))
            break; /* the last byte of a number, of true/false, of null */
        memmove(b.ptr + o, b.ptr + o + 1, b.len - o - 1);
        ss_buf_truncate(&b, b.len - 1);
        ss_diag_clear(&d);
        if (ss_json_parse(b.ptr, b.len, NULL, &doc, &d) == SS_OK)
            break;
    }
    ss_buf_release(&b);
    return doc;
}

/* ---- one document ---- */

/* jansson's compact serialisation must parse with ours to equal canonical bytes. */
static bool check_jansson_dump(const json_t *j, struct ss_json ours, char *why, size_t size)
{
    char *dump = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    if (!dump) {
        snprintf(why, size, "json_dumps failed");
        return false;
    }
    struct ss_json_doc *doc = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    bool ok = false;
    if (ss_json_parse(dump, strlen(dump), NULL, &doc, &d) != SS_OK) {
        snprintf(why, size, "we reject jansson's output at %u:%u: %.100s", d.line, d.column, d.msg);
    } else {
        struct ss_buf a = SS_BUF_INIT, b = SS_BUF_INIT;
        ss_json_write_canonical(&a, ours);
        ss_json_write_canonical(&b, ss_json_root(doc));
        ok = a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
        if (!ok)
            snprintf(why, size, "canonical forms differ after jansson's dump: %.60s vs %.60s",
                     a.ptr, b.ptr);
        ss_buf_release(&a);
        ss_buf_release(&b);
    }
    ss_json_doc_free(doc);
    free(dump);
    return ok;
}

/* Our verdict expected for a corpus file: 1 accept, 0 reject, -1 none. */
static void compare_doc(struct stats *st, struct pool *pool, const char *src, const char *text,
                        size_t len, int expect)
{
    struct ss_json_doc *doc = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    enum ss_err e = ss_json_parse(text, len, NULL, &doc, &d);
    if (expect >= 0 && (e == SS_OK) != (expect == 1)) {
        fail(st, src, text, len, "corpus expects %s, we %s (%s %u:%u %s)",
             expect ? "accept" : "reject", e ? "reject" : "accept", ss_err_name(e), d.line,
             d.column, d.msg);
        ss_json_doc_free(doc);
        return;
    }
    /* D3: jansson does not skip a BOM; give it the rest */
    const char *jtext = text;
    size_t jlen = len;
    bool bom = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0;
    if (bom) {
        jtext += 3;
        jlen -= 3;
    }
    json_error_t jerr;
    json_t *j = json_loadb(jtext, jlen, JANSSON_FLAGS, &jerr);
    struct cmp c;
    memset(&c, 0, sizeof(c));
    struct ss_buf repl = SS_BUF_INIT;
    if (e == SS_OK && !j && json_error_code(&jerr) == json_error_numeric_overflow &&
        replace_bigints(jtext, jlen, &repl) > 0) {
        /* D1: retry jansson with the big integers replaced by 0 */
        j = json_loadb(repl.ptr, repl.len, JANSSON_FLAGS, &jerr);
        c.bigint_zero = j != NULL;
        st->d_bigint += j != NULL;
    }
    ss_buf_release(&repl);
    if (e != SS_OK && !j) {
        st->passed++; /* both reject */
    } else if (e == SS_OK && !j) {
        fail(st, src, text, len, "we accept, jansson rejects at %d:%d: %s", jerr.line, jerr.column,
             jerr.text);
    } else if (e != SS_OK) {
        size_t depth = jdepth(j);
        struct ss_json_doc *d4 = NULL;
        if (e == SS_EDEPTH && depth > SS_JSON_MAX_DEPTH) {
            st->d_depth++; /* D2 */
            st->passed++;
        } else if (e == SS_ESYNTAX && (d4 = parse_without_swallowed_nuls(text, len, &d))) {
            if (!same_value(&c, 0, ss_json_root(d4), j)) {
                fail(st, src, text, len, "values differ at '%s' (NUL bytes removed): %s", c.path,
                     c.why);
            } else {
                st->d_nul++; /* D4 */
                st->passed++;
            }
            ss_json_doc_free(d4);
        } else {
            fail(st, src, text, len, "we reject (%s at %u:%u: %s), jansson accepts", ss_err_name(e),
                 d.line, d.column, d.msg);
        }
    } else if (!same_value(&c, 0, ss_json_root(doc), j)) {
        fail(st, src, text, len, "values differ at '%s': %s", c.path, c.why);
    } else {
        char why[256];
        if (!c.bigint_zero && !check_jansson_dump(j, ss_json_root(doc), why, sizeof(why))) {
            fail(st, src, text, len, "%s", why);
        } else {
            st->passed++;
            st->d_bom += bom;
            if (pool)
                pool_add(pool, text, len);
        }
    }
    json_decref(j);
    ss_json_doc_free(doc);
}

/* ---- files ---- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct ss_buf b = SS_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        ss_buf_add(&b, chunk, n);
    fclose(f);
    return ss_buf_detach(&b, len);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the *.json files under dir (recursively) into a sorted list. */
static void collect(const char *dir, char ***list, size_t *n, size_t *cap)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        struct ss_buf p = SS_BUF_INIT;
        ss_buf_printf(&p, "%s/%s", dir, de->d_name);
        struct stat sb;
        if (stat(p.ptr, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            collect(p.ptr, list, n, cap);
            ss_buf_release(&p);
            continue;
        }
        size_t l = strlen(de->d_name);
        if (!S_ISREG(sb.st_mode) || l < 5 || strcmp(de->d_name + l - 5, ".json") != 0) {
            ss_buf_release(&p);
            continue;
        }
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *list = ss_xreallocarray(*list, *cap, sizeof(**list));
        }
        (*list)[(*n)++] = ss_buf_detach(&p, NULL);
    }
    closedir(dp);
}

/* Compares every *.json under dir; expect as for compare_doc. Returns files seen. */
static size_t compare_dir(struct stats *st, struct pool *pool, const char *dir, int expect)
{
    char **list = NULL;
    size_t n = 0, cap = 0;
    collect(dir, &list, &n, &cap);
    if (n)
        qsort(list, n, sizeof(*list), cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        char *text = read_file(list[i], &len);
        if (!text) {
            fail(st, list[i], "", 0, "cannot read");
        } else {
            compare_doc(st, pool, list[i], text, len, expect);
            free(text);
        }
        free(list[i]);
    }
    free(list);
    return n;
}

/* ---- random documents ---- */

static uint64_t rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static unsigned pick(uint64_t *s, unsigned n)
{
    return (unsigned)(rng(s) % n);
}

static void gen_ws(struct ss_buf *b, uint64_t *s)
{
    static const char ws[] = {' ', '\t', '\n', '\r'};
    if (pick(s, 4) == 0)
        for (unsigned i = pick(s, 3); i < 3; i++)
            ss_buf_addc(b, ws[pick(s, 4)]);
}

static void gen_number(struct ss_buf *b, uint64_t *s)
{
    static const char *const edges[] = {"0",
                                        "-0",
                                        "0.0",
                                        "-0.0",
                                        "-0e5",
                                        "9223372036854775807",
                                        "-9223372036854775808",
                                        "9223372036854775808",
                                        "-9223372036854775809",
                                        "18446744073709551616",
                                        "123456789012345678901234567890",
                                        "1e308",
                                        "1.7976931348623157e308",
                                        "1.8e308",
                                        "1e400",
                                        "-1e400",
                                        "4.9e-324",
                                        "2.4e-324",
                                        "1e-400",
                                        "2.2250738585072011e-308",
                                        "0.1",
                                        "1E+2",
                                        "9007199254740993",
                                        "9007199254740993.0",
                                        "1.00000000000000011102230246251565404236316680908203125",
                                        "0.30000000000000004",
                                        "1e-7",
                                        "123e-20",
                                        "5e-324",
                                        "-1.5E-5"};
    switch (pick(s, 5)) {
    case 0:
        ss_buf_adds(b, edges[pick(s, SS_ARRAY_LEN(edges))]);
        return;
    case 1: { /* an int64 of any magnitude (one draw per statement: defined order) */
        uint64_t bits = rng(s);
        unsigned shift = pick(s, 64);
        ss_buf_printf(b, "%lld", (long long)((int64_t)bits / ((int64_t)1 << (shift % 63))));
        return;
    }
    default: {
        if (pick(s, 2))
            ss_buf_addc(b, '-');
        unsigned nd = 1 + pick(s, 25);
        ss_buf_addc(b, (char)('1' + pick(s, 9)));
        for (unsigned i = 1; i < nd; i++)
            ss_buf_addc(b, (char)('0' + pick(s, 10)));
        if (pick(s, 2)) {
            ss_buf_addc(b, '.');
            for (unsigned i = 0, f = 1 + pick(s, 20); i < f; i++)
                ss_buf_addc(b, (char)('0' + pick(s, 10)));
        }
        if (pick(s, 2)) {
            char e = pick(s, 2) ? 'e' : 'E';
            const char *sign = pick(s, 2) ? "-" : pick(s, 2) ? "+" : "";
            int exp = (int)pick(s, 340);
            ss_buf_printf(b, "%c%s%d", e, sign, exp);
        }
    }
    }
}

static void gen_string(struct ss_buf *b, uint64_t *s, bool key)
{
    ss_buf_addc(b, '"');
    unsigned n = key ? pick(s, 4) : pick(s, 12);
    for (unsigned i = 0; i < n; i++) {
        switch (pick(s, 12)) {
        case 0:
            ss_buf_adds(b, "\\n");
            break;
        case 1:
            ss_buf_adds(b, "\\\"");
            break;
        case 2:
            ss_buf_adds(b, "\\\\");
            break;
        case 3:
            ss_buf_adds(b, "\\/");
            break;
        case 4: { /* a BMP escape outside the surrogates, sometimes \u0000 */
            unsigned cp = pick(s, 20)  ? 1 + pick(s, 0xD7FF)
                          : pick(s, 2) ? 0
                                       : 0xE000 + pick(s, 0x1FFF);
            ss_buf_printf(b, pick(s, 2) ? "\\u%04x" : "\\u%04X", cp);
            break;
        }
        case 5: /* a surrogate pair, sometimes broken */
            if (pick(s, 10)) {
                unsigned hi = 0xD800 + pick(s, 0x400);
                unsigned lo = 0xDC00 + pick(s, 0x400);
                ss_buf_printf(b, "\\u%04X\\u%04x", hi, lo);
            } else
                ss_buf_printf(b, "\\u%04x", 0xD800 + pick(s, 0x800));
            break;
        case 6:
            ss_buf_adds(b, "\xc3\xa9");
            break;
        case 7:
            ss_buf_adds(b, "\xe2\x82\xac");
            break;
        case 8:
            ss_buf_adds(b, "\xf0\x9f\x98\x80");
            break;
        case 9: /* rarely invalid: a control byte or bad UTF-8 */
            if (!pick(s, 8)) {
                static const char bad[] = {'\x01', '\t', '\x7f', '\xc0', '\xff', '\x80', '\xed'};
                ss_buf_addc(b, bad[pick(s, sizeof(bad))]);
            } else {
                ss_buf_addc(b, 'x');
            }
            break;
        default:
            ss_buf_addc(b, (char)('a' + pick(s, 26)));
        }
    }
    ss_buf_addc(b, '"');
}

static void gen_value(struct ss_buf *b, uint64_t *s, int depth)
{
    unsigned k = pick(s, depth > 5 ? 6 : 9);
    gen_ws(b, s);
    switch (k) {
    case 0:
        ss_buf_adds(b, "null");
        break;
    case 1:
        ss_buf_adds(b, pick(s, 2) ? "true" : "false");
        break;
    case 2:
    case 3:
        gen_number(b, s);
        break;
    case 4:
    case 5:
        gen_string(b, s, false);
        break;
    case 6:
    case 7: {
        unsigned n = pick(s, 3) ? pick(s, 5) : pick(s, 14);
        ss_buf_addc(b, '{');
        for (unsigned i = 0; i < n; i++) {
            if (i)
                ss_buf_addc(b, ',');
            gen_ws(b, s);
            gen_string(b, s, true); /* short keys: duplicates happen */
            gen_ws(b, s);
            ss_buf_addc(b, ':');
            gen_value(b, s, depth + 1);
        }
        gen_ws(b, s);
        ss_buf_addc(b, '}');
        break;
    }
    default: {
        unsigned n = pick(s, 6);
        ss_buf_addc(b, '[');
        for (unsigned i = 0; i < n; i++) {
            if (i)
                ss_buf_addc(b, ',');
            gen_value(b, s, depth + 1);
        }
        gen_ws(b, s);
        ss_buf_addc(b, ']');
    }
    }
    gen_ws(b, s);
}

/* A document nested `depth` levels (arrays and objects mixed). */
static void gen_deep(struct ss_buf *b, uint64_t *s, unsigned depth)
{
    char *close = ss_xmalloc(depth);
    for (unsigned i = 0; i < depth; i++) {
        bool obj = pick(s, 3) == 0;
        ss_buf_adds(b, obj ? "{\"k\":" : "[");
        close[i] = obj ? '}' : ']';
    }
    ss_buf_adds(b, "1");
    for (unsigned i = depth; i-- > 0;)
        ss_buf_addc(b, close[i]);
    free(close);
}

/* ---- mutations ---- */

static const char interesting[] = "{}[]\",:\\-+.eE0129 \t\nuntfalse\x00\x01\x1f\x7f\x80\xbf\xc0"
                                  "\xc3\xe2\xed\xf0\xf4\xf5\xff";

static void mutate(struct ss_buf *b, const char *text, size_t len, uint64_t *s)
{
    ss_buf_reset(b);
    ss_buf_add(b, text, len);
    for (unsigned m = 1 + pick(s, 3); m > 0; m--) {
        size_t n = b->len, at = n ? (size_t)(rng(s) % n) : 0;
        char c = interesting[pick(s, sizeof(interesting) - 1)];
        switch (pick(s, 6)) {
        case 0: /* replace a byte */
            if (n)
                b->ptr[at] = c;
            break;
        case 1: /* insert a byte */
            ss_buf_addc(b, 0);
            memmove(b->ptr + at + 1, b->ptr + at, n - at);
            b->ptr[at] = c;
            break;
        case 2: { /* delete 1-3 bytes */
            size_t k = (size_t)1 + pick(s, 3);
            k = SS_MIN(k, n - at);
            memmove(b->ptr + at, b->ptr + at + k, n - at - k);
            ss_buf_truncate(b, n - k);
            break;
        }
        case 3: /* truncate */
            ss_buf_truncate(b, at);
            break;
        case 4: { /* copy a slice to another place */
            size_t from = n ? (size_t)(rng(s) % n) : 0, k = (size_t)1 + pick(s, 16);
            k = SS_MIN(k, n - from);
            char tmp[16];
            memcpy(tmp, b->ptr + from, k);
            ss_buf_grow(b, k);
            memmove(b->ptr + at + k, b->ptr + at, n - at);
            memcpy(b->ptr + at, tmp, k);
            b->len += k;
            b->ptr[b->len] = '\0';
            break;
        }
        default: /* swap two bytes */
            if (n > 1) {
                size_t o = (size_t)(rng(s) % n);
                char t = b->ptr[at];
                b->ptr[at] = b->ptr[o];
                b->ptr[o] = t;
            }
        }
    }
}

/* ---- main ---- */

static const char *default_data_dir(char *buf, size_t size)
{
    const char *s = getenv("SS_SHARED");
    snprintf(buf, size, "%s/data", s && *s ? s : "../shared");
    return buf;
}

int main(int argc, char **argv)
{
    char dbuf[1024], cbuf[1024];
    const char *data = argc > 1 ? argv[1] : default_data_dir(dbuf, sizeof(dbuf));
    const char *corpus = argc > 2 ? argv[2] : "tests/diff/corpus";
    struct stats st = {0, 0, 0, 0, 0, 0};
    struct pool pool = {NULL, NULL, 0, 0};

    size_t nshared = compare_dir(&st, &pool, data, -1);
    if (!nshared)
        printf("json-diff: note: no *.json under %s\n", data);
    snprintf(cbuf, sizeof(cbuf), "%s/valid", corpus);
    size_t nvalid = compare_dir(&st, &pool, cbuf, 1);
    snprintf(cbuf, sizeof(cbuf), "%s/invalid", corpus);
    size_t ninvalid = compare_dir(&st, NULL, cbuf, 0);
    if (!nvalid || !ninvalid)
        fail(&st, corpus, "", 0, "corpus missing (valid %zu, invalid %zu files)", nvalid, ninvalid);

    struct ss_buf b = SS_BUF_INIT;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 0x5eC0a5c0e2025ULL;
    int scale = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 1;
    int ngen = GEN_DOCS * (scale > 0 ? scale : 1), nmut = MUTATIONS * (scale > 0 ? scale : 1);
    seed = seed ? seed : 1;
    char src[64];
    for (int i = 0; i < ngen; i++) {
        ss_buf_reset(&b);
        gen_value(&b, &seed, 0);
        snprintf(src, sizeof(src), "generated#%d", i);
        compare_doc(&st, &pool, src, b.ptr, b.len, -1);
    }
    static const unsigned depths[] = {1, 999, 1000, 1001, 1500, 2048, 2049, 3000};
    for (size_t i = 0; i < SS_ARRAY_LEN(depths); i++) {
        ss_buf_reset(&b);
        gen_deep(&b, &seed, depths[i]);
        snprintf(src, sizeof(src), "depth#%u", depths[i]);
        compare_doc(&st, NULL, src, b.ptr, b.len, depths[i] <= SS_JSON_MAX_DEPTH);
    }
    size_t npool = pool.n;
    for (int i = 0; i < nmut && npool; i++) {
        size_t k = (size_t)(rng(&seed) % npool);
        mutate(&b, pool.text[k], pool.len[k], &seed);
        snprintf(src, sizeof(src), "mutation#%d", i);
        compare_doc(&st, NULL, src, b.ptr, b.len, -1);
    }
    ss_buf_release(&b);
    for (size_t i = 0; i < pool.n; i++)
        free(pool.text[i]);
    free(pool.text);
    free(pool.len);

    printf("json-diff: %zu shared files, %zu+%zu corpus files, %d generated, %d mutations\n",
           nshared, nvalid, ninvalid, ngen, npool ? nmut : 0);
    printf("json-diff: documented differences: D1 big integer %d, D2 depth %d, D3 BOM %d, "
           "D4 NUL after a token %d\n",
           st.d_bigint, st.d_depth, st.d_bom, st.d_nul);
    printf("json-diff: %d passed, %d failed\n", st.passed, st.failed);
    return st.failed ? 1 : 0;
}
