/*
 * The JSON parser: strict RFC 8259 text to the node tape of node.h.
 *
 * One iterative loop with an explicit stack of open containers (no
 * recursion, so depth is limited only by SS_JSON_MAX_DEPTH, never by the C
 * stack). Hot paths: strings are scanned eight bytes at a time for '"',
 * '\\', control characters and non-ASCII bytes (SWAR); unescaped strings are
 * not copied; integers and short decimals are converted without strtod
 * (Clinger's fast path is exact when the mantissa fits in 53 bits and the
 * power of ten in 22). Line and column are computed only when an error is
 * reported.
 *
 * With `partial` (streaming), running out of input is not an error but a
 * request for more data: the caller reads more and parses the value again
 * from its start. The parser never writes to the text, so a retry is safe.
 */
#include "common/setup.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/hashmap.h"
#include "common/limits.h"
#include "json/node.h"

struct parser {
    struct ss_json_doc *doc;
    const char *base; /* text start: offsets are relative to it */
    const char *end;  /* end of available input */
    bool partial;     /* input may continue after `end` */
    bool need_more;   /* the error was hitting `end` while partial */
    enum ss_err err;  /* the first error */
    unsigned flags;
    uint32_t max_depth;
    uint32_t max_string;
    struct ss_diag *diag;
    uint32_t outer; /* containers open around the value being parsed */
};

/* ---- errors ---- */

static enum ss_err fail(struct parser *ps, const char *at, enum ss_err code, const char *fmt, ...)
    SS_PRINTF(4, 5);
static enum ss_err fail(struct parser *ps, const char *at, enum ss_err code, const char *fmt, ...)
{
    struct ss_diag *d = ps->diag;
    if (ps->err == SS_OK)
        ps->err = code;
    if (d && d->code == SS_OK) {
        va_list ap;
        d->code = code;
        d->offset = (uint64_t)(at - ps->base);
        va_start(ap, fmt);
        vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
        va_end(ap);
    }
    return code;
}

/* Input ended at `at`: a request for more data when partial, else an error. */
static enum ss_err fail_eof(struct parser *ps, const char *at, const char *what)
{
    if (ps->partial)
        ps->need_more = true;
    return fail(ps, at, SS_ESYNTAX, "unexpected end of input%s%s", what ? " " : "",
                what ? what : "");
}

static void describe_char(char *buf, size_t size, unsigned char c)
{
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, size, "'%c'", c);
    else
        snprintf(buf, size, "byte 0x%02x", c);
}

static enum ss_err fail_char(struct parser *ps, const char *at, const char *expected)
{
    char what[16];
    describe_char(what, sizeof(what), (unsigned char)*at);
    return fail(ps, at, SS_ESYNTAX, "unexpected %s, expected %s", what, expected);
}

/* ---- node output ---- */

static void reserve(struct ss_json_doc *d, size_t words)
{
    if (SS_LIKELY(d->nwords + words <= d->cap))
        return;
    size_t cap = d->cap ? d->cap + d->cap / 2 : 256;
    if (cap < d->nwords + words)
        cap = d->nwords + words;
    d->nodes = ss_xreallocarray(d->nodes, cap, sizeof(uint64_t));
    d->cap = cap;
}

static inline uint64_t str_word(unsigned kind, bool esc, size_t len, uint64_t off)
{
    return (uint64_t)kind | (esc ? N_FLAG : 0) | ((uint64_t)len << 4) | (off << 28);
}

/* ---- whitespace ---- */

static inline const char *skip_ws(const char *p, const char *end)
{
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c > ' ' || (c != ' ' && c != '\n' && c != '\r' && c != '\t'))
            break;
        p++;
    }
    return p;
}

/* ---- strings ---- */

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Nonzero if any byte of x is '"', '\\', < 0x20 or >= 0x80 (may over-report). */
static inline uint64_t special_bytes(uint64_t x)
{
    uint64_t q = x ^ (ONES * '"');
    uint64_t b = x ^ (ONES * '\\');
    uint64_t zq = (q - ONES) & ~q;
    uint64_t zb = (b - ONES) & ~b;
    uint64_t lt = (x - ONES * 0x20) & ~x;
    return (zq | zb | lt | x) & HIGHS;
}

/*
 * Skips string bytes that need no attention ('"', '\\', control characters
 * and non-ASCII bytes do). With SSE2 (every x86-64) sixteen bytes at a time,
 * stopping at the first special byte: a signed compare below 0x20 catches
 * both control characters and bytes >= 0x80. Elsewhere eight at a time.
 */
static inline const char *skip_plain(const char *p, const char *end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                         _mm_cmplt_epi8(v, space));
        int mask = _mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz((unsigned)mask);
        p += 16;
    }
#endif
    while (end - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        if (special_bytes(x))
            break;
        p += 8;
    }
    return p;
}

/*
 * Length of the valid UTF-8 sequence at s (lead byte >= 0x80): 2-4, 0 if
 * invalid (overlong, surrogate, > U+10FFFF, bad continuation), -1 if it is
 * a valid prefix cut by `end`.
 */
int ss__utf8_seq(const unsigned char *s, const unsigned char *end)
{
    unsigned c = s[0];
    int n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        n = 2;
    } else if (c < 0xF0) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if (s + i >= end)
            return -1;
        unsigned b = s[i];
        if (b < lo || b > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
    }
    return n;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Reads the 4 hex digits after "\u" at p (p points at 'u'). -1 bad, -2 eof. */
static long read_u4(const char *p, const char *end)
{
    long v = 0;
    for (int i = 1; i <= 4; i++) {
        if (p + i >= end)
            return -2;
        int h = hexval((unsigned char)p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static void esc_put(struct ss_json_doc *d, const void *p, size_t n)
{
    if (!n)
        return;
    if (d->esc_len + n > d->esc_cap) {
        size_t cap = d->esc_cap ? d->esc_cap + d->esc_cap / 2 : 4096;
        while (cap < d->esc_len + n)
            cap *= 2;
        d->esc = ss_xrealloc(d->esc, cap);
        d->esc_cap = cap;
    }
    memcpy(d->esc + d->esc_len, p, n);
    d->esc_len += n;
}

static size_t utf8_encode(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the escape at p ('\\'), appending to doc->esc. Returns the next
 * position or NULL on error (reported). */
static const char *decode_escape(struct parser *ps, const char *p)
{
    const char *end = ps->end;
    if (p + 1 >= end)
        return fail_eof(ps, end, "in string escape"), NULL;
    char c = p[1], out[4];
    switch (c) {
    case '"':
    case '\\':
    case '/':
        out[0] = c;
        break;
    case 'b':
        out[0] = '\b';
        break;
    case 'f':
        out[0] = '\f';
        break;
    case 'n':
        out[0] = '\n';
        break;
    case 'r':
        out[0] = '\r';
        break;
    case 't':
        out[0] = '\t';
        break;
    case 'u':
        break;
    default: {
        char what[16];
        describe_char(what, sizeof(what), (unsigned char)c);
        fail(ps, p, SS_ESYNTAX, "invalid escape \\%s in string", what);
        return NULL;
    }
    }
    if (c != 'u') {
        esc_put(ps->doc, out, 1);
        return p + 2;
    }
    long cp = read_u4(p + 1, end);
    if (cp == -2)
        return fail_eof(ps, end, "in \\u escape"), NULL;
    if (cp < 0)
        return fail(ps, p, SS_ESYNTAX, "invalid \\u escape: four hex digits expected"), NULL;
    const char *next = p + 6;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(ps, p, SS_ESYNTAX, "lone low surrogate \\u%04lX", cp), NULL;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (next + 1 >= end && ps->partial)
            return fail_eof(ps, end, "in surrogate pair"), NULL;
        if (next + 1 >= end || next[0] != '\\' || next[1] != 'u')
            return fail(ps, p, SS_ESYNTAX, "lone high surrogate \\u%04lX", cp), NULL;
        long lo = read_u4(next + 1, end);
        if (lo == -2)
            return fail_eof(ps, end, "in \\u escape"), NULL;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(ps, p, SS_ESYNTAX, "lone high surrogate \\u%04lX", cp), NULL;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        next += 6;
    }
    if (cp == 0 && !(ps->flags & SS_JSON_ALLOW_NUL))
        return fail(ps, p, SS_ESYNTAX, "\\u0000 is not allowed in strings"), NULL;
    esc_put(ps->doc, out, utf8_encode(out, (unsigned long)cp));
    return next;
}

static enum ss_err string_too_long(struct parser *ps, const char *start)
{
    return fail(ps, start, SS_ETOOBIG, "string longer than %u bytes", ps->max_string);
}

/* Checks one non-ASCII sequence at p; returns its length or 0 after reporting. */
static int check_utf8(struct parser *ps, const char *p)
{
    int n = ss__utf8_seq((const unsigned char *)p, (const unsigned char *)ps->end);
    if (n > 0)
        return n;
    if (n < 0)
        fail_eof(ps, ps->end, "in UTF-8 sequence");
    else
        fail(ps, p, SS_EUTF8, "invalid UTF-8 byte 0x%02x in string", (unsigned char)*p);
    return 0;
}

/*
 * Slow path of a string that has escapes: decodes from `start` (first
 * content byte) into doc->esc; `p` is the first backslash. Returns the
 * position after the closing quote, or NULL.
 */
static const char *string_escaped(struct parser *ps, const char *start, const char *p,
                                  uint64_t *word, unsigned kind)
{
    struct ss_json_doc *d = ps->doc;
    size_t off = d->esc_len;
    esc_put(d, start, (size_t)(p - start));
    for (;;) {
        if (p >= ps->end)
            return fail_eof(ps, ps->end, "in string"), NULL;
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c == '\\') {
            p = decode_escape(ps, p);
            if (!p)
                return NULL;
        } else if (c < 0x20) {
            return fail(ps, p, SS_ESYNTAX, "control character 0x%02x in string", c), NULL;
        } else if (c >= 0x80) {
            int n = check_utf8(ps, p);
            if (!n)
                return NULL;
            esc_put(d, p, (size_t)n);
            p += n;
        } else {
            esc_put(d, p, 1);
            p++;
        }
        if (d->esc_len - off > ps->max_string)
            return string_too_long(ps, start - 1), NULL;
    }
    *word = str_word(kind, true, d->esc_len - off, off);
    return p + 1;
}

/* Parses the string whose opening quote is at p; stores its word. Returns
 * the position after the closing quote, or NULL on error. */
static const char *parse_string(struct parser *ps, const char *p, uint64_t *word)
{
    const char *start = ++p, *end = ps->end;
    for (;;) {
        p = skip_plain(p, end);
        if (p >= end) {
            if ((size_t)(p - start) > ps->max_string)
                return string_too_long(ps, start - 1), NULL;
            return fail_eof(ps, end, "in string"), NULL;
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c == '\\')
            return string_escaped(ps, start, p, word, SS_JSON_STRING);
        if (c < 0x20)
            return fail(ps, p, SS_ESYNTAX, "control character 0x%02x in string", c), NULL;
        if (c >= 0x80) {
            int n = check_utf8(ps, p);
            if (!n)
                return NULL;
            p += n;
        } else {
            p++;
        }
    }
    size_t len = (size_t)(p - start);
    if (len > ps->max_string)
        return string_too_long(ps, start - 1), NULL;
    uint64_t off = (uint64_t)(start - ps->base);
    if (off >= N_MAX_OFF)
        return fail(ps, start, SS_ETOOBIG, "document too large"), NULL;
    *word = str_word(SS_JSON_STRING, false, len, off);
    return p + 1;
}

/* ---- numbers ---- */

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale_obj;

static void c_locale_init(void)
{
    c_locale_obj = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

locale_t ss__json_c_locale(void)
{
    pthread_once(&c_locale_once, c_locale_init);
    return c_locale_obj;
}

/* Correctly rounded conversion of a validated literal (strtod in the C locale). */
static double slow_strtod(const char *p, size_t len)
{
    char small[64];
    char *tmp = len < sizeof(small) ? small : ss_xmalloc(len + 1);
    memcpy(tmp, p, len);
    tmp[len] = '\0';
    locale_t loc = ss__json_c_locale();
    double d = loc ? strtod_l(tmp, NULL, loc) : strtod(tmp, NULL);
    if (tmp != small)
        free(tmp);
    return d;
}

struct num_scan {
    uint64_t mant; /* first 19 significant digits */
    int exp10;     /* value = mant * 10^exp10 (when !inexact) */
    int sig;       /* significant digits seen */
    bool inexact;  /* digits were dropped: use strtod */
    bool is_int;   /* no fraction and no exponent */
};

static inline bool is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static const char *scan_digits(const char *p, const char *end, struct num_scan *ns, bool frac)
{
    while (p < end && is_digit(*p)) {
        unsigned dgt = (unsigned)(*p - '0');
        if (ns->sig < 19) {
            ns->mant = ns->mant * 10 + dgt;
            if (ns->mant)
                ns->sig++;
            if (frac)
                ns->exp10--;
        } else {
            if (dgt)
                ns->inexact = true;
            if (!frac)
                ns->exp10++;
        }
        p++;
    }
    return p;
}

/* Scans the exponent after 'e'/'E' at p. Returns the position after it or NULL. */
static const char *scan_exponent(struct parser *ps, const char *p, struct num_scan *ns)
{
    const char *end = ps->end;
    bool eneg = false;
    long e = 0;
    p++;
    if (p < end && (*p == '+' || *p == '-'))
        eneg = *p++ == '-';
    if (p >= end)
        return fail_eof(ps, end, "in number"), NULL;
    if (!is_digit(*p))
        return fail_char(ps, p, "a digit in the exponent"), NULL;
    while (p < end && is_digit(*p)) {
        if (e < 1000000)
            e = e * 10 + (*p - '0');
        p++;
    }
    ns->exp10 += (int)(eneg ? -e : e);
    return p;
}

static double num_value(const struct num_scan *ns, bool neg, const char *start, size_t len)
{
    double d;
    if (!ns->inexact && ns->mant <= (1ULL << 53) && ns->exp10 >= -22 && ns->exp10 <= 22) {
        d = (double)ns->mant;
        d = ns->exp10 < 0 ? d / pow10_exact[-ns->exp10] : d * pow10_exact[ns->exp10];
        return neg ? -d : d;
    }
    if (ns->mant == 0 && !ns->inexact)
        return neg ? -0.0 : 0.0;
    return slow_strtod(start, len);
}

static const char *parse_number(struct parser *ps, const char *p, uint64_t *w0, uint64_t *w1)
{
    const char *start = p, *end = ps->end;
    struct num_scan ns = {0, 0, 0, false, true};
    bool neg = *p == '-';
    if (neg)
        p++;
    if (p >= end)
        return fail_eof(ps, end, "in number"), NULL;
    if (*p == '0') {
        p++;
        if (p < end && is_digit(*p))
            return fail(ps, start, SS_ESYNTAX, "leading zeros are not allowed in numbers"), NULL;
    } else if (is_digit(*p)) {
        p = scan_digits(p, end, &ns, false);
    } else {
        return fail_char(ps, p, "a digit"), NULL;
    }
    if (p < end && *p == '.') {
        ns.is_int = false;
        p++;
        if (p >= end)
            return fail_eof(ps, end, "in number"), NULL;
        if (!is_digit(*p))
            return fail_char(ps, p, "a digit after the decimal point"), NULL;
        p = scan_digits(p, end, &ns, true);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        ns.is_int = false;
        p = scan_exponent(ps, p, &ns);
        if (!p)
            return NULL;
    }
    if (p >= end && ps->partial)
        return fail_eof(ps, end, "in number"), NULL;
    size_t len = (size_t)(p - start);
    if (len > ps->max_string)
        return fail(ps, start, SS_ETOOBIG, "number literal longer than %u bytes", ps->max_string),
               NULL;
    uint64_t off = (uint64_t)(start - ps->base);
    if (off >= N_MAX_OFF)
        return fail(ps, start, SS_ETOOBIG, "document too large"), NULL;
    if (ns.is_int && !ns.inexact && ns.exp10 == 0 &&
        ns.mant <= (uint64_t)INT64_MAX + (neg ? 1u : 0u)) {
        int64_t v = neg ? (int64_t)(0 - ns.mant) : (int64_t)ns.mant;
        *w0 = str_word(SS_JSON_INT, false, len, off);
        memcpy(w1, &v, sizeof(v));
        return p;
    }
    double d = num_value(&ns, neg, start, len);
    if (isinf(d) && ns.is_int)
        d = neg ? -DBL_MAX : DBL_MAX; /* a big integer: kept as text, nearest finite value */
    if (isinf(d))
        return fail(ps, start, SS_ERANGE, "number %.*s is out of range for a double",
                    (int)SS_MIN(len, 40), start),
               NULL;
    *w0 = str_word(SS_JSON_REAL, false, len, off);
    memcpy(w1, &d, sizeof(d));
    return p;
}

/* ---- literals ---- */

static const char *parse_literal(struct parser *ps, const char *p, uint64_t *w)
{
    static const struct {
        const char *text;
        size_t len;
        unsigned kind;
    } lits[] = {{"true", 4, SS_JSON_TRUE}, {"false", 5, SS_JSON_FALSE}, {"null", 4, SS_JSON_NULL}};
    for (size_t i = 0; i < SS_ARRAY_LEN(lits); i++) {
        if (*p != lits[i].text[0])
            continue;
        size_t avail = (size_t)(ps->end - p), n = lits[i].len;
        if (avail >= n && memcmp(p, lits[i].text, n) == 0) {
            *w = lits[i].kind;
            return p + n;
        }
        if (avail < n && memcmp(p, lits[i].text, avail) == 0)
            return fail_eof(ps, ps->end, "in literal"), NULL;
        break;
    }
    return fail(ps, p, SS_ESYNTAX, "invalid literal, expected true, false or null"), NULL;
}

/* ---- objects: duplicate check and hash index ---- */

static inline struct ss_str key_at(const struct ss_json_doc *d, const uint64_t *k)
{
    struct ss_str s = {ss__json_bytes(d, k[0]), N_LEN(k[0])};
    return s;
}

/* Source position of the opening quote of member `index` of the object whose
 * '{' is at `open`: an error path only, so a plain rescan of the text. */
static const char *member_position(const char *open, const char *end, uint32_t index)
{
    int depth = 0;
    uint32_t member = 0;
    for (const char *p = open; p < end; p++) {
        char c = *p;
        if (c == '"') {
            if (depth == 1 && (p[-1] == '{' || p[-1] == ',' || p[-1] == ' ' || p[-1] == '\n' ||
                               p[-1] == '\t' || p[-1] == '\r')) {
                const char *q = p - 1;
                while (q > open && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r'))
                    q--;
                if ((*q == '{' || *q == ',') && member++ == index)
                    return p;
            }
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\')
                    p++;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return open;
}

static enum ss_err dup_key(struct parser *ps, const struct ss_json_frame *f, const uint64_t *k,
                           uint32_t index)
{
    struct ss_str s = key_at(ps->doc, k);
    const char *at = member_position(f->open, ps->end, index);
    return fail(ps, at, SS_EDUPKEY, "duplicate key \"%.*s\"", (int)SS_MIN(s.len, 80), s.ptr);
}

static bool same_key(const struct ss_json_doc *d, const uint64_t *a, const uint64_t *b)
{
    if (N_LEN(a[0]) != N_LEN(b[0]))
        return false;
    return memcmp(ss__json_bytes(d, a[0]), ss__json_bytes(d, b[0]), N_LEN(a[0])) == 0;
}

static enum ss_err check_small(struct parser *ps, const struct ss_json_frame *f, size_t pos,
                               uint32_t count)
{
    const uint64_t *keys[SS_JSON_SMALL_OBJECT];
    const uint64_t *n = ps->doc->nodes;
    size_t at = pos + 2;
    for (uint32_t i = 0; i < count; i++) {
        keys[i] = n + at;
        for (uint32_t j = 0; j < i; j++)
            if (same_key(ps->doc, keys[j], keys[i]))
                return dup_key(ps, f, keys[i], i);
        at += 1 + ss__json_span(n + at + 1);
    }
    return SS_OK;
}

static enum ss_err build_index(struct parser *ps, const struct ss_json_frame *f, size_t pos,
                               uint32_t count)
{
    struct ss_json_doc *d = ps->doc;
    size_t size = 16;
    while (size < 2 * (size_t)count)
        size *= 2;
    if (d->idx_len + size > d->idx_cap) {
        size_t cap = d->idx_cap ? d->idx_cap * 2 : 1024;
        while (cap < d->idx_len + size)
            cap *= 2;
        d->idx = ss_xreallocarray(d->idx, cap, sizeof(uint32_t));
        d->idx_cap = cap;
    }
    size_t ipos = d->idx_len;
    if (ipos > UINT32_MAX)
        return fail(ps, ps->base, SS_ETOOBIG, "too many large objects");
    uint32_t *tab = d->idx + ipos;
    memset(tab, 0, size * sizeof(uint32_t));
    d->idx_len += size;
    const uint64_t *n = d->nodes;
    size_t at = pos + 2;
    for (uint32_t i = 0; i < count; i++) {
        struct ss_str k = key_at(d, n + at);
        size_t h = (size_t)ss_hash_bytes(k.ptr, k.len, true) & (size - 1);
        while (tab[h] && !same_key(d, n + pos + tab[h], n + at))
            h = (h + 1) & (size - 1);
        if (tab[h] && !(ps->flags & SS_JSON_DUPKEY_LAST))
            return dup_key(ps, f, n + at, i);
        tab[h] = (uint32_t)(at - pos); /* a later duplicate replaces: last wins */
        at += 1 + ss__json_span(n + at + 1);
    }
    d->nodes[pos] |= N_FLAG;
    d->nodes[pos + 1] |= (uint64_t)ipos << 32;
    return SS_OK;
}

static enum ss_err close_container(struct parser *ps, const struct ss_json_frame *f)
{
    struct ss_json_doc *d = ps->doc;
    unsigned kind = N_KIND(d->nodes[f->pos]);
    size_t span = d->nwords - f->pos;
    if (span > UINT32_MAX)
        return fail(ps, ps->base, SS_ETOOBIG, "container too large");
    d->nodes[f->pos] = kind | ((uint64_t)f->count << 4);
    d->nodes[f->pos + 1] = span;
    if (kind != SS_JSON_OBJECT || f->count < 2)
        return SS_OK;
    if (f->count <= SS_JSON_SMALL_OBJECT)
        return (ps->flags & SS_JSON_DUPKEY_LAST) ? SS_OK : check_small(ps, f, f->pos, f->count);
    return build_index(ps, f, f->pos, f->count);
}

/* ---- the main loop ---- */

static enum ss_err open_container(struct parser *ps, size_t *depth, const char *at, unsigned kind)
{
    struct ss_json_doc *d = ps->doc;
    if (*depth + ps->outer >= ps->max_depth)
        return fail(ps, at, SS_EDEPTH, "nesting deeper than %u levels", ps->max_depth);
    if (*depth >= d->stack_cap) {
        d->stack_cap = d->stack_cap ? d->stack_cap * 2 : 32;
        d->stack = ss_xreallocarray(d->stack, d->stack_cap, sizeof(*d->stack));
    }
    d->stack[*depth].pos = d->nwords;
    d->stack[*depth].count = 0;
    d->stack[*depth].open = at;
    (*depth)++;
    d->nodes[d->nwords++] = kind; /* count and span are filled in at close */
    d->nodes[d->nwords++] = 0;
    return SS_OK;
}

/* Parses one complete value starting at p. Returns the end or NULL. This is
 * the parser's dispatch loop; it is long for the same reason a VM loop is. */
static const char *parse_value(struct parser *ps, const char *p)
{
    struct ss_json_doc *d = ps->doc;
    const char *end = ps->end;
    size_t depth = 0;
    uint64_t w0, w1;

value:
    p = skip_ws(p, end);
    if (p >= end)
        return fail_eof(ps, end, NULL), NULL;
    reserve(d, 2);
    switch (*p) {
    case '{':
        if (open_container(ps, &depth, p, SS_JSON_OBJECT))
            return NULL;
        p = skip_ws(p + 1, end);
        if (p < end && *p == '}') {
            p++;
            goto close;
        }
        goto key;
    case '[':
        if (open_container(ps, &depth, p, SS_JSON_ARRAY))
            return NULL;
        p = skip_ws(p + 1, end);
        if (p < end && *p == ']') {
            p++;
            goto close;
        }
        goto value;
    case '"':
        p = parse_string(ps, p, &w0);
        if (!p)
            return NULL;
        d->nodes[d->nwords++] = w0;
        goto after;
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
        p = parse_number(ps, p, &w0, &w1);
        if (!p)
            return NULL;
        d->nodes[d->nwords++] = w0;
        d->nodes[d->nwords++] = w1;
        goto after;
    case 't':
    case 'f':
    case 'n':
        p = parse_literal(ps, p, &w0);
        if (!p)
            return NULL;
        d->nodes[d->nwords++] = w0;
        goto after;
    default:
        return fail_char(ps, p, "a JSON value"), NULL;
    }

key:
    if (p >= end)
        return fail_eof(ps, end, "in object"), NULL;
    if (*p != '"') {
        if (*p == '}')
            return fail(ps, p, SS_ESYNTAX, "trailing comma before '}'"), NULL;
        return fail_char(ps, p, "a string key"), NULL;
    }
    reserve(d, 1);
    p = parse_string(ps, p, &w0);
    if (!p)
        return NULL;
    d->nodes[d->nwords++] = w0;
    p = skip_ws(p, end);
    if (p >= end)
        return fail_eof(ps, end, "after object key"), NULL;
    if (*p != ':')
        return fail_char(ps, p, "':' after object key"), NULL;
    p++;
    goto value;

close:
    depth--;
    if (close_container(ps, &d->stack[depth]))
        return NULL;
    goto after;

after:
    if (!depth)
        return p;
    d->stack[depth - 1].count++;
    p = skip_ws(p, end);
    if (p >= end)
        return fail_eof(ps, end, depth ? "in container" : NULL), NULL;
    {
        struct ss_json_frame *f = &d->stack[depth - 1];
        unsigned kind = N_KIND(d->nodes[f->pos]);
        char c = *p;
        if (c == ',') {
            p = skip_ws(p + 1, end);
            if (kind == SS_JSON_OBJECT)
                goto key;
            if (p < end && *p == ']')
                return fail(ps, p, SS_ESYNTAX, "trailing comma before ']'"), NULL;
            goto value;
        }
        if ((c == '}' && kind == SS_JSON_OBJECT) || (c == ']' && kind == SS_JSON_ARRAY)) {
            p++;
            goto close;
        }
        return fail_char(ps, p, kind == SS_JSON_OBJECT ? "',' or '}'" : "',' or ']'"), NULL;
    }
}

void ss__json_doc_reset(struct ss_json_doc *doc)
{
    doc->nwords = 0;
    doc->esc_len = 0;
    doc->idx_len = 0;
}

void ss__json_doc_release(struct ss_json_doc *doc)
{
    free(doc->text_owned);
    free(doc->nodes);
    free(doc->esc);
    free(doc->idx);
    free(doc->stack);
    memset(doc, 0, sizeof(*doc));
}

enum ss_err ss__json_parse_one(struct ss_json_doc *doc, const char *text, size_t len, size_t pos,
                               bool partial, const struct ss_json_opts *opts, uint32_t outer,
                               size_t *end, bool *need_more, struct ss_diag *diag)
{
    struct parser ps;
    memset(&ps, 0, sizeof(ps));
    ps.doc = doc;
    ps.base = text;
    ps.end = text + len;
    ps.partial = partial;
    ps.max_depth = SS_JSON_MAX_DEPTH;
    ps.max_string = SS_JSON_MAX_STRING;
    ps.diag = diag;
    if (opts) {
        ps.flags = opts->flags;
        if (opts->max_depth)
            ps.max_depth = opts->max_depth;
        if (opts->max_string && opts->max_string < SS_JSON_MAX_STRING)
            ps.max_string = opts->max_string;
    }
    ps.outer = outer;
    ss__json_doc_reset(doc);
    doc->text = text;
    doc->text_len = len;
    doc->flags = ps.flags;
    const char *p = parse_value(&ps, text + pos);
    *need_more = ps.need_more;
    if (!p)
        return ps.err ? ps.err : SS_ESYNTAX;
    *end = (size_t)(p - text);
    return SS_OK;
}
