/*
 * KQL values: conversions, text forms, JSON output, equality, ordering and
 * hash keys.
 *
 * Kusto rules followed here (learn.microsoft.com/kusto/query/scalar-data-types):
 *  - JSON scalars read from dynamic values are unwrapped at once (a dynamic
 *    string behaves as a string in comparisons); arrays and bags stay dynamic.
 *  - a comparison with null is false (== and != alike); long and real compare
 *    numerically; strings compare by bytes (=~ ignores ASCII case).
 *  - tostring(null) is ""; tostring of a real prints the shortest form that
 *    reads back ("1", "0.1"); of a datetime ISO 8601 with "Z" and the
 *    fraction only when non-zero; of a timespan [-][d.]hh:mm:ss[.fffffff];
 *    of an array or bag compact JSON in key order.
 *  - sorting puts nulls first, then values by kind (bool, numbers, strings,
 *    datetimes, timespans, dynamic), as Kusto sorts a mixed dynamic column.
 */
#include "common/setup.h"

#include <ctype.h>
#include <errno.h>
#include <strings.h>
#include <math.h>
#include <stdio.h>

#include "kql/internal.h"
#include "securescore/score.h"

const char *const ss__kql_type_names[KT__COUNT] = {"bool",     "long",     "real",   "string",
                                                   "datetime", "timespan", "dynamic"};

struct kv ss__kql_from_json(struct ss_json j)
{
    switch (ss_json_kind(j)) {
    case SS_JSON_TRUE:
        return kv_bool(true);
    case SS_JSON_FALSE:
        return kv_bool(false);
    case SS_JSON_INT:
        return kv_long(ss_json_int(j));
    case SS_JSON_REAL:
        return kv_real(ss_json_num(j));
    case SS_JSON_STRING: {
        struct ss_str s = ss_json_str(j);
        return kv_str(s.ptr, s.len);
    }
    case SS_JSON_ARRAY:
    case SS_JSON_OBJECT: {
        struct kv v = {.k = KK_JSON};
        v.u.j = j;
        return v;
    }
    default:
        return KV_NULL;
    }
}

struct kv ss__kql_str_new(struct krun *r, const char *s, size_t len)
{
    char *p = ss_arena_alloc(&r->arena, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return kv_str(p, len);
}

struct kv ss__kql_date(int64_t ticks)
{
    struct kv v = {.k = KK_DATE};
    v.u.i = ticks;
    return ticks >= KQL_MIN_TICKS && ticks <= KQL_MAX_TICKS ? v : KV_NULL;
}

void ss__kql_fmt_datetime(struct ss_buf *b, int64_t ticks)
{
    if (ticks < KQL_MIN_TICKS || ticks > KQL_MAX_TICKS)
        return; /* never produced: ss__kql_date gives null outside the range */
    char buf[40];
    ss_time_format(ticks, buf);
    size_t n = strlen(buf); /* YYYY-MM-DDThh:mm:ss.fffffffZ */
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + n - 1; /* the Z */
        while (e > dot + 1 && e[-1] == '0')
            e--;
        if (e == dot + 1)
            e = dot;
        *e++ = 'Z';
        *e = '\0';
    }
    ss_buf_adds(b, buf);
}

void ss__kql_fmt_timespan(struct ss_buf *b, int64_t t)
{
    uint64_t u = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    uint64_t frac = u % 10000000u, secs = u / 10000000u;
    uint64_t days = secs / 86400, rem = secs % 86400;
    if (t < 0)
        ss_buf_addc(b, '-');
    if (days)
        ss_buf_printf(b, "%llu.", (unsigned long long)days);
    ss_buf_printf(b, "%02u:%02u:%02u", (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60),
                  (unsigned)(rem % 60));
    if (frac)
        ss_buf_printf(b, ".%07u", (unsigned)frac);
}

static void fmt_real(struct ss_buf *b, double d)
{
    char buf[40];
    size_t n = ss_json_fmt_double(buf, d);
    if (!isfinite(d)) {
        ss_buf_adds(b, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    if (n > 2 && memcmp(buf + n - 2, ".0", 2) == 0)
        n -= 2;
    ss_buf_add(b, buf, n);
}

void ss__kql_format(struct ss_buf *b, struct kv v)
{
    switch (v.k) {
    case KK_NULL:
        break;
    case KK_BOOL:
        ss_buf_adds(b, v.u.b ? "true" : "false");
        break;
    case KK_LONG:
        ss_buf_printf(b, "%lld", (long long)v.u.i);
        break;
    case KK_REAL:
        fmt_real(b, v.u.d);
        break;
    case KK_STR:
    case KK_RAW:
        ss_buf_add(b, v.u.s, v.len);
        break;
    case KK_DATE:
        ss__kql_fmt_datetime(b, v.u.i);
        break;
    case KK_SPAN:
        ss__kql_fmt_timespan(b, v.u.i);
        break;
    default: {
        struct ss_jw w;
        ss_jw_init(&w, b, 0);
        ss__kql_write_json(&w, v);
    }
    }
}

void ss__kql_write_json(struct ss_jw *w, struct kv v)
{
    switch (v.k) {
    case KK_NULL:
        ss_jw_null(w);
        break;
    case KK_BOOL:
        ss_jw_bool(w, v.u.b);
        break;
    case KK_LONG:
        ss_jw_int(w, v.u.i);
        break;
    case KK_REAL:
        ss_jw_double(w, v.u.d);
        break;
    case KK_STR:
        ss_jw_str(w, v.u.s, v.len);
        break;
    case KK_RAW:
        ss_jw_raw(w, v.u.s, v.len);
        break;
    case KK_JSON:
        ss_jw_value(w, v.u.j);
        break;
    case KK_DATE:
    case KK_SPAN: {
        struct ss_buf b = SS_BUF_INIT;
        ss__kql_format(&b, v);
        ss_jw_str(w, b.ptr, b.len);
        ss_buf_release(&b);
        break;
    }
    case KK_ARR:
        ss_jw_arr_begin(w);
        for (uint32_t i = 0; i < v.u.dyn->n; i++)
            ss__kql_write_json(w, v.u.dyn->vals[i]);
        ss_jw_arr_end(w);
        break;
    case KK_OBJ:
        ss_jw_obj_begin(w);
        for (uint32_t i = 0; i < v.u.dyn->n; i++) {
            ss_jw_key(w, v.u.dyn->keys[i].ptr, v.u.dyn->keys[i].len);
            ss__kql_write_json(w, v.u.dyn->vals[i]);
        }
        ss_jw_obj_end(w);
        break;
    default:
        ss_jw_null(w);
    }
}

struct kv ss__kql_to_string(struct krun *r, struct kv v)
{
    if (v.k == KK_STR)
        return v;
    if (v.k == KK_NULL)
        return kv_str("", 0);
    ss_buf_reset(&r->tmp);
    ss__kql_format(&r->tmp, v);
    return ss__kql_str_new(r, r->tmp.ptr ? r->tmp.ptr : "", r->tmp.len);
}

/* Copies a string value into a NUL-terminated buffer, trimmed; false if too long. */
static bool cstr(struct kv v, char *buf, size_t size)
{
    const char *p = v.u.s;
    size_t n = v.len;
    while (n && isspace((unsigned char)*p))
        p++, n--;
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    if (!n || n >= size)
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return true;
}

struct kv ss__kql_to_real(struct kv v)
{
    char buf[80], *end;
    switch (v.k) {
    case KK_LONG:
        return kv_real((double)v.u.i);
    case KK_REAL:
        return v;
    case KK_BOOL:
        return kv_real(v.u.b ? 1 : 0);
    case KK_STR:
        if (!cstr(v, buf, sizeof(buf)))
            return KV_NULL;
        double d = strtod(buf, &end);
        return *end ? KV_NULL : kv_real(d);
    default:
        return KV_NULL;
    }
}

struct kv ss__kql_to_long(struct kv v)
{
    char buf[80], *end;
    switch (v.k) {
    case KK_LONG:
        return v;
    case KK_REAL:
        if (!isfinite(v.u.d) || fabs(v.u.d) >= 9.2e18)
            return KV_NULL;
        return kv_long((int64_t)v.u.d);
    case KK_BOOL:
        return kv_long(v.u.b);
    case KK_DATE:
    case KK_SPAN:
        return kv_long(v.u.i);
    case KK_STR: {
        if (!cstr(v, buf, sizeof(buf)))
            return KV_NULL;
        errno = 0;
        long long i = strtoll(buf, &end, 10);
        if (!*end && errno == 0)
            return kv_long(i);
        /* "1.5" -> 1: the real, truncated (documented choice) */
        return ss__kql_to_long(ss__kql_to_real(v));
    }
    default:
        return KV_NULL;
    }
}

struct kv ss__kql_to_bool(struct kv v)
{
    switch (v.k) {
    case KK_BOOL:
        return v;
    case KK_LONG:
        return kv_bool(v.u.i != 0);
    case KK_REAL:
        return kv_bool(v.u.d != 0);
    case KK_STR:
        if (v.len == 4 && strncasecmp(v.u.s, "true", 4) == 0)
            return kv_bool(true);
        if (v.len == 5 && strncasecmp(v.u.s, "false", 5) == 0)
            return kv_bool(false);
        if (v.len == 1 && (v.u.s[0] == '1' || v.u.s[0] == '0'))
            return kv_bool(v.u.s[0] == '1');
        return KV_NULL;
    default:
        return KV_NULL;
    }
}

struct kv ss__kql_to_datetime(struct kv v)
{
    char buf[80];
    if (v.k == KK_DATE)
        return v;
    if (v.k != KK_STR || !cstr(v, buf, sizeof(buf)))
        return KV_NULL;
    size_t n = strlen(buf);
    if (n > 10 && buf[10] == ' ')
        buf[10] = 'T';
    int64_t t;
    return ss_time_parse(buf, n, &t) ? ss__kql_date(t) : KV_NULL;
}

struct kv ss__kql_to_timespan(struct kv v)
{
    char buf[80];
    if (v.k == KK_SPAN)
        return v;
    if (v.k == KK_LONG) {
        struct kv r = {.k = KK_SPAN};
        r.u.i = v.u.i;
        return r;
    }
    if (v.k != KK_STR || !cstr(v, buf, sizeof(buf)))
        return KV_NULL;
    struct kv r = {.k = KK_SPAN};
    return ss__kql_parse_span(buf, strlen(buf), &r.u.i) ? r : KV_NULL;
}

struct kv ss__kql_to_type(struct krun *r, struct kv v, int type)
{
    switch (type) {
    case KT_BOOL:
        return ss__kql_to_bool(v);
    case KT_LONG:
        return ss__kql_to_long(v);
    case KT_REAL:
        return ss__kql_to_real(v);
    case KT_STRING:
        return ss__kql_to_string(r, v);
    case KT_DATETIME:
        return ss__kql_to_datetime(v);
    case KT_TIMESPAN:
        return ss__kql_to_timespan(v);
    default:
        return v;
    }
}

static bool is_num(struct kv v)
{
    return v.k == KK_LONG || v.k == KK_REAL;
}

static double num(struct kv v)
{
    return v.k == KK_LONG ? (double)v.u.i : v.u.d;
}

static bool is_dyn(struct kv v)
{
    return v.k == KK_JSON || v.k == KK_ARR || v.k == KK_OBJ;
}

static int memcmp_len(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, SS_MIN(na, nb));
    if (c)
        return c < 0 ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

/* Equality of two dynamic containers through their keys. */
static bool dyn_equal(struct kv a, struct kv b)
{
    struct ss_buf x = SS_BUF_INIT, y = SS_BUF_INIT;
    ss__kql_key(&x, a);
    ss__kql_key(&y, b);
    bool eq = x.len == y.len && memcmp(x.ptr, y.ptr, x.len) == 0;
    ss_buf_release(&x);
    ss_buf_release(&y);
    return eq;
}

bool ss__kql_equal(struct kv a, struct kv b, bool nocase)
{
    if (a.k == KK_NULL || b.k == KK_NULL)
        return false;
    if (is_num(a) && is_num(b)) {
        if (a.k == KK_LONG && b.k == KK_LONG)
            return a.u.i == b.u.i;
        return num(a) == num(b);
    }
    if (a.k == KK_STR && b.k == KK_STR) {
        if (a.len != b.len)
            return false;
        return nocase ? ss_mem_eq_nocase(a.u.s, b.u.s, a.len) : memcmp(a.u.s, b.u.s, a.len) == 0;
    }
    if (a.k != b.k)
        return is_dyn(a) && is_dyn(b) && dyn_equal(a, b);
    switch (a.k) {
    case KK_BOOL:
        return a.u.b == b.u.b;
    case KK_DATE:
    case KK_SPAN:
        return a.u.i == b.u.i;
    default:
        return dyn_equal(a, b);
    }
}

int ss__kql_compare(struct kv a, struct kv b)
{
    if (a.k == KK_NULL || b.k == KK_NULL)
        return -2;
    if (is_num(a) && is_num(b)) {
        if (a.k == KK_LONG && b.k == KK_LONG)
            return a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
        double x = num(a), y = num(b);
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : -2;
    }
    if (a.k != b.k)
        return -2;
    switch (a.k) {
    case KK_STR:
        return memcmp_len(a.u.s, a.len, b.u.s, b.len);
    case KK_DATE:
    case KK_SPAN:
        return a.u.i < b.u.i ? -1 : a.u.i > b.u.i;
    case KK_BOOL:
        return (int)a.u.b - (int)b.u.b;
    default:
        return -2;
    }
}

static int kind_rank(struct kv v)
{
    switch (v.k) {
    case KK_NULL:
        return 0;
    case KK_BOOL:
        return 1;
    case KK_LONG:
    case KK_REAL:
        return 2;
    case KK_STR:
        return 3;
    case KK_DATE:
        return 4;
    case KK_SPAN:
        return 5;
    default:
        return 6;
    }
}

int ss__kql_order(struct kv a, struct kv b)
{
    int ra = kind_rank(a), rb = kind_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0)
        return 0;
    if (ra == 2 && (isnan(num(a)) || isnan(num(b))))
        return isnan(num(a)) - isnan(num(b));
    if (ra < 6)
        return ss__kql_compare(a, b);
    struct ss_buf x = SS_BUF_INIT, y = SS_BUF_INIT;
    ss__kql_key(&x, a);
    ss__kql_key(&y, b);
    int c = memcmp_len(x.ptr ? x.ptr : "", x.len, y.ptr ? y.ptr : "", y.len);
    ss_buf_release(&x);
    ss_buf_release(&y);
    return c;
}

static void key_u64(struct ss_buf *b, char tag, uint64_t u)
{
    char buf[9];
    buf[0] = tag;
    memcpy(buf + 1, &u, 8);
    ss_buf_add(b, buf, 9);
}

void ss__kql_key(struct ss_buf *b, struct kv v)
{
    uint64_t u;
    switch (v.k) {
    case KK_NULL:
        ss_buf_addc(b, 'n');
        break;
    case KK_BOOL:
        ss_buf_addc(b, v.u.b ? 'T' : 'F');
        break;
    case KK_LONG:
        key_u64(b, 'i', (uint64_t)v.u.i);
        break;
    case KK_REAL: {
        double d = v.u.d;
        if (d == 0)
            d = 0; /* -0 */
        if (d == floor(d) && fabs(d) < 9.2e18) {
            key_u64(b, 'i', (uint64_t)(int64_t)d);
            break;
        }
        memcpy(&u, &d, 8);
        key_u64(b, 'r', u);
        break;
    }
    case KK_DATE:
        key_u64(b, 'd', (uint64_t)v.u.i);
        break;
    case KK_SPAN:
        key_u64(b, 't', (uint64_t)v.u.i);
        break;
    case KK_STR:
    case KK_RAW: {
        uint32_t n = v.len;
        ss_buf_addc(b, v.k == KK_STR ? 's' : 'j');
        ss_buf_add(b, &n, 4);
        ss_buf_add(b, v.u.s, n);
        break;
    }
    default: {
        size_t at = b->len;
        ss_buf_addc(b, 'j');
        ss_buf_add(b, "\0\0\0\0", 4);
        if (v.k == KK_JSON) {
            ss_json_write_canonical(b, v.u.j);
        } else {
            struct ss_jw w;
            ss_jw_init(&w, b, 0);
            ss__kql_write_json(&w, v);
        }
        uint32_t n = (uint32_t)(b->len - at - 5);
        memcpy(b->ptr + at + 1, &n, 4);
    }
    }
}

long ss__kql_arr_len(struct kv v)
{
    if (v.k == KK_ARR)
        return (long)v.u.dyn->n;
    if (v.k == KK_JSON && ss_json_kind(v.u.j) == SS_JSON_ARRAY)
        return (long)ss_json_len(v.u.j);
    return -1;
}

struct kv ss__kql_arr_at(struct kv v, size_t i)
{
    if (v.k == KK_ARR)
        return i < v.u.dyn->n ? v.u.dyn->vals[i] : KV_NULL;
    if (v.k == KK_JSON && ss_json_kind(v.u.j) == SS_JSON_ARRAY)
        return ss__kql_from_json(ss_json_at(v.u.j, i));
    return KV_NULL;
}

struct kv ss__kql_member(struct kv v, const char *key, size_t len)
{
    if (v.k == KK_JSON)
        return ss__kql_from_json(ss_json_get(v.u.j, key, len));
    if (v.k == KK_OBJ)
        for (uint32_t i = 0; i < v.u.dyn->n; i++)
            if (v.u.dyn->keys[i].len == len && memcmp(v.u.dyn->keys[i].ptr, key, len) == 0)
                return v.u.dyn->vals[i];
    return KV_NULL;
}

long ss__kql_bag_len(struct kv v)
{
    if (v.k == KK_OBJ)
        return (long)v.u.dyn->n;
    if (v.k == KK_JSON && ss_json_kind(v.u.j) == SS_JSON_OBJECT)
        return (long)ss_json_len(v.u.j);
    return -1;
}

void ss__kql_bag_at(struct kv v, size_t i, struct ss_str *key, struct kv *val)
{
    if (v.k == KK_OBJ) {
        *key = v.u.dyn->keys[i];
        *val = v.u.dyn->vals[i];
        return;
    }
    struct ss_json_iter it;
    struct ss_json j;
    ss_json_iter_init(&it, v.u.j);
    for (size_t k = 0; ss_json_iter_next(&it, key, &j); k++)
        if (k == i) {
            *val = ss__kql_from_json(j);
            return;
        }
    *val = KV_NULL;
}
