/*
 * The JSON writer: a streaming serialiser into an ss_buf, the canonical
 * form used by tests, and the shortest round-trip double format.
 *
 * Commas need no stack: after a value at any level the next item needs a
 * comma; opening a container resets that, and closing one counts as a
 * value in the parent.
 */
#include "common/setup.h"

#include <math.h>
#include <stdio.h>

#include "json/node.h"

void ss_jw_init(struct ss_jw *w, struct ss_buf *out, unsigned flags)
{
    w->out = out;
    w->flags = flags;
    w->depth = 0;
    w->need_comma = false;
    w->after_key = false;
}

static void newline(struct ss_jw *w)
{
    ss_buf_addc(w->out, '\n');
    for (uint32_t i = 0; i < w->depth; i++)
        ss_buf_add(w->out, "  ", 2);
}

/* Separator before a value or key at the current level. */
static void sep(struct ss_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->need_comma)
        ss_buf_addc(w->out, ',');
    if ((w->flags & SS_JW_PRETTY) && w->depth)
        newline(w);
}

static void begin(struct ss_jw *w, char c)
{
    sep(w);
    ss_buf_addc(w->out, c);
    w->depth++;
    w->need_comma = false;
}

static void end(struct ss_jw *w, char c)
{
    if (w->depth)
        w->depth--;
    if ((w->flags & SS_JW_PRETTY) && w->need_comma)
        newline(w);
    ss_buf_addc(w->out, c);
    w->need_comma = true;
}

void ss_jw_obj_begin(struct ss_jw *w)
{
    begin(w, '{');
}

void ss_jw_obj_end(struct ss_jw *w)
{
    end(w, '}');
}

void ss_jw_arr_begin(struct ss_jw *w)
{
    begin(w, '[');
}

void ss_jw_arr_end(struct ss_jw *w)
{
    end(w, ']');
}

static const char hexdig[] = "0123456789abcdef";

static void put_u(struct ss_buf *b, unsigned cp)
{
    char e[6] = {'\\',
                 'u',
                 hexdig[(cp >> 12) & 15],
                 hexdig[(cp >> 8) & 15],
                 hexdig[(cp >> 4) & 15],
                 hexdig[cp & 15]};
    ss_buf_add(b, e, 6);
}

/* Decodes the valid sequence of n bytes at s into a code point. */
static unsigned decode_utf8(const unsigned char *s, int n)
{
    if (n == 2)
        return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    if (n == 3)
        return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
    return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
}

static void put_non_ascii(struct ss_buf *b, const unsigned char *s, int n, bool ascii)
{
    if (!ascii) {
        ss_buf_add(b, s, (size_t)n);
        return;
    }
    unsigned cp = decode_utf8(s, n);
    if (cp >= 0x10000) {
        cp -= 0x10000;
        put_u(b, 0xD800 + (cp >> 10));
        put_u(b, 0xDC00 + (cp & 0x3FF));
    } else {
        put_u(b, cp);
    }
}

static void put_string(struct ss_jw *w, const char *str, size_t len)
{
    struct ss_buf *b = w->out;
    const unsigned char *s = (const unsigned char *)str, *end = s + len, *run = s;
    bool ascii = w->flags & SS_JW_ASCII;
    ss_buf_grow(b, len + 2);
    ss_buf_addc(b, '"');
    while (s < end) {
        unsigned c = *s;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            s++;
            continue;
        }
        ss_buf_add(b, run, (size_t)(s - run));
        if (c >= 0x80) {
            int n = ss__utf8_seq(s, end);
            if (n > 0) {
                put_non_ascii(b, s, n, ascii);
                s += n;
            } else {
                ss_buf_add(b, ascii ? "\\ufffd" : "\xEF\xBF\xBD", ascii ? 6 : 3);
                s++;
            }
        } else {
            const char *e = NULL;
            switch (c) {
            case '"':
                e = "\\\"";
                break;
            case '\\':
                e = "\\\\";
                break;
            case '\n':
                e = "\\n";
                break;
            case '\r':
                e = "\\r";
                break;
            case '\t':
                e = "\\t";
                break;
            case '\b':
                e = "\\b";
                break;
            case '\f':
                e = "\\f";
                break;
            }
            if (e)
                ss_buf_add(b, e, 2);
            else
                put_u(b, c);
            s++;
        }
        run = s;
    }
    ss_buf_add(b, run, (size_t)(s - run));
    ss_buf_addc(b, '"');
}

void ss_jw_key(struct ss_jw *w, const char *key, size_t len)
{
    sep(w);
    put_string(w, key, len);
    ss_buf_add(w->out, (w->flags & SS_JW_PRETTY) ? ": " : ":", (w->flags & SS_JW_PRETTY) ? 2 : 1);
    w->after_key = true;
    w->need_comma = true;
}

void ss_jw_keyz(struct ss_jw *w, const char *key)
{
    ss_jw_key(w, key, strlen(key));
}

void ss_jw_str(struct ss_jw *w, const char *s, size_t len)
{
    sep(w);
    put_string(w, s, len);
    w->need_comma = true;
}

void ss_jw_strz(struct ss_jw *w, const char *s)
{
    ss_jw_str(w, s, strlen(s));
}

void ss_jw_raw(struct ss_jw *w, const char *json, size_t len)
{
    sep(w);
    ss_buf_add(w->out, json, len);
    w->need_comma = true;
}

void ss_jw_null(struct ss_jw *w)
{
    ss_jw_raw(w, "null", 4);
}

void ss_jw_bool(struct ss_jw *w, bool v)
{
    if (v)
        ss_jw_raw(w, "true", 4);
    else
        ss_jw_raw(w, "false", 5);
}

void ss_jw_int(struct ss_jw *w, int64_t i)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%lld", (long long)i);
    ss_jw_raw(w, buf, (size_t)n);
}

/* ---- doubles ---- */

static bool reads_back(const char *s, double d)
{
    locale_t loc = ss__json_c_locale();
    double r = loc ? strtod_l(s, NULL, loc) : strtod(s, NULL);
    return memcmp(&r, &d, sizeof(d)) == 0 || r == d;
}

/* Lays out `ndig` significant digits with decimal exponent `exp` (value =
 * d1.d2d3... x 10^exp) in plain notation, as .NET prints doubles of ordinary
 * size: "10.0", "0.935", "0.0001". */
static size_t layout_plain(char *buf, bool neg, const char *dig, int ndig, int exp)
{
    size_t n = 0;
    if (neg)
        buf[n++] = '-';
    if (exp < 0) {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int i = -1; i > exp; i--)
            buf[n++] = '0';
        for (int i = 0; i < ndig; i++)
            buf[n++] = dig[i];
    } else {
        for (int i = 0; i <= exp; i++)
            buf[n++] = i < ndig ? dig[i] : '0';
        buf[n++] = '.';
        if (ndig > exp + 1)
            for (int i = exp + 1; i < ndig; i++)
                buf[n++] = dig[i];
        else
            buf[n++] = '0';
    }
    buf[n] = '\0';
    return n;
}

/*
 * Fast path for the doubles a secure score is made of: values with at most
 * four decimals (round2/round4 results). If d is exactly the double nearest
 * to v / 10^4 for an integer v, that decimal (trailing zeros dropped) is the
 * shortest that reads back: below 1e9 an ulp is far under 10^-4, so no other
 * decimal of four places or fewer rounds to d. Returns 0 when d is not such a
 * value (the general path then runs).
 */
static size_t fmt_decimal4(char *buf, double d)
{
    if (!(d > -1e9 && d < 1e9) || (d == 0 && signbit(d)))
        return 0;
    double r = rint(d * 10000.0);
    if (r / 10000.0 != d)
        return 0;
    int64_t v = (int64_t)r;
    bool neg = v < 0;
    uint64_t u = neg ? (uint64_t)(-v) : (uint64_t)v;
    uint64_t ip = u / 10000, fp = u % 10000;
    char tmp[32];
    size_t n = 0, t = 0;
    if (neg)
        buf[n++] = '-';
    do {
        tmp[t++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (t)
        buf[n++] = tmp[--t];
    buf[n++] = '.';
    if (!fp) {
        buf[n++] = '0';
    } else {
        char f[4] = {(char)('0' + fp / 1000), (char)('0' + fp / 100 % 10),
                     (char)('0' + fp / 10 % 10), (char)('0' + fp % 10)};
        int k = 4;
        while (f[k - 1] == '0')
            k--;
        memcpy(buf + n, f, (size_t)k);
        n += (size_t)k;
    }
    buf[n] = '\0';
    return n;
}

size_t ss_json_fmt_double(char *buf, double d)
{
    if (!isfinite(d)) {
        memcpy(buf, "null", 5);
        return 4;
    }
    size_t fast = fmt_decimal4(buf, d);
    if (fast)
        return fast;
    /* Shortest precision that round-trips: round-tripping is monotonic in
     * the precision, so a binary search over 1..17 finds it. */
    char tmp[40];
    int lo = 1, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(tmp, sizeof(tmp), "%.*e", mid - 1, d);
        if (reads_back(tmp, d))
            hi = mid;
        else
            lo = mid + 1;
    }
    snprintf(tmp, sizeof(tmp), "%.*e", lo - 1, d);
    /* tmp is "[-]D[.DDD]e[+-]XX": collect the digits and the exponent. */
    char dig[20];
    int ndig = 0, exp = 0;
    bool neg = tmp[0] == '-';
    const char *p = tmp + neg;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && ndig < 19)
            dig[ndig++] = *p;
    if (*p == 'e')
        exp = (int)strtol(p + 1, NULL, 10);
    while (ndig > 1 && dig[ndig - 1] == '0')
        ndig--;
    /* .NET switches to exponent form below 1e-5 and from 1e15 ("1E-05", "1E+15"). */
    if (exp >= -5 && exp < 15)
        return layout_plain(buf, neg, dig, ndig, exp);
    size_t n = 0;
    if (neg)
        buf[n++] = '-';
    buf[n++] = dig[0];
    if (ndig > 1) {
        buf[n++] = '.';
        for (int i = 1; i < ndig; i++)
            buf[n++] = dig[i];
    }
    n += (size_t)snprintf(buf + n, 12, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    return n;
}

void ss_jw_double(struct ss_jw *w, double d)
{
    char buf[40];
    size_t n = ss_json_fmt_double(buf, d);
    ss_jw_raw(w, buf, n);
}

/* ---- parsed values ---- */

void ss_jw_value(struct ss_jw *w, struct ss_json v)
{
    struct ss_json_iter it;
    struct ss_str key, s;
    struct ss_json child;
    switch (ss_json_kind(v)) {
    case SS_JSON_NULL:
        ss_jw_null(w);
        break;
    case SS_JSON_FALSE:
        ss_jw_bool(w, false);
        break;
    case SS_JSON_TRUE:
        ss_jw_bool(w, true);
        break;
    case SS_JSON_INT:
    case SS_JSON_REAL:
        s = ss_json_num_text(v);
        ss_jw_raw(w, s.ptr, s.len);
        break;
    case SS_JSON_STRING:
        s = ss_json_str(v);
        ss_jw_str(w, s.ptr, s.len);
        break;
    case SS_JSON_ARRAY:
    case SS_JSON_OBJECT: {
        bool obj = ss_json_kind(v) == SS_JSON_OBJECT;
        if (obj)
            ss_jw_obj_begin(w);
        else
            ss_jw_arr_begin(w);
        ss_json_iter_init(&it, v);
        while (ss_json_iter_next(&it, &key, &child)) {
            if (obj)
                ss_jw_key(w, key.ptr, key.len);
            ss_jw_value(w, child);
        }
        if (obj)
            ss_jw_obj_end(w);
        else
            ss_jw_arr_end(w);
        break;
    }
    case SS_JSON_NONE:
        break;
    }
}

/* ---- canonical form ---- */

struct member {
    struct ss_str key;
    struct ss_json val;
};

static int cmp_member(const void *a, const void *b)
{
    const struct member *x = a, *y = b;
    size_t n = SS_MIN(x->key.len, y->key.len);
    int c = n ? memcmp(x->key.ptr, y->key.ptr, n) : 0;
    if (c)
        return c;
    return (x->key.len > y->key.len) - (x->key.len < y->key.len);
}

static void canonical(struct ss_jw *w, struct ss_json v);

static void canonical_object(struct ss_jw *w, struct ss_json v)
{
    size_t n = ss_json_len(v), i = 0;
    struct member *m = ss_xcalloc(n ? n : 1, sizeof(*m));
    struct ss_json_iter it;
    ss_json_iter_init(&it, v);
    while (i < n && ss_json_iter_next(&it, &m[i].key, &m[i].val))
        i++;
    if (n)
        qsort(m, n, sizeof(*m), cmp_member);
    ss_jw_obj_begin(w);
    for (i = 0; i < n; i++) {
        ss_jw_key(w, m[i].key.ptr, m[i].key.len);
        canonical(w, m[i].val);
    }
    ss_jw_obj_end(w);
    free(m);
}

static void canonical(struct ss_jw *w, struct ss_json v)
{
    enum ss_json_kind k = ss_json_kind(v);
    if (k == SS_JSON_OBJECT) {
        canonical_object(w, v);
    } else if (k == SS_JSON_ARRAY) {
        struct ss_json_iter it;
        struct ss_json child;
        ss_jw_arr_begin(w);
        ss_json_iter_init(&it, v);
        while (ss_json_iter_next(&it, NULL, &child))
            canonical(w, child);
        ss_jw_arr_end(w);
    } else if (k == SS_JSON_INT) {
        ss_jw_int(w, ss_json_int(v));
    } else if (k == SS_JSON_REAL && ss_json_is_bigint(v)) {
        ss_jw_value(w, v);
    } else if (k == SS_JSON_REAL) {
        double d = ss_json_num(v);
        if (d == floor(d) && fabs(d) < 9007199254740992.0 && !(d == 0 && signbit(d)))
            ss_jw_int(w, (int64_t)d);
        else
            ss_jw_double(w, d);
    } else {
        ss_jw_value(w, v);
    }
}

void ss_json_write_canonical(struct ss_buf *out, struct ss_json v)
{
    struct ss_jw w;
    ss_jw_init(&w, out, 0);
    canonical(&w, v);
}
