/*
 * Run-time values of the policy evaluator and Azure's comparison rules
 * (research/azure_policy.md §2.3): strings compare ignoring case; booleans
 * and numbers compare with strings through their canonical text ("false",
 * "0"); a missing value equals nothing; `like` wildcards and `match`
 * patterns (# digit, ? letter, . any character).
 */
#include "common/setup.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>

#include "policy/internal.h"

struct pval ss__pv_json(struct ss_json j)
{
    struct pval v = {.kind = PV_NONE};
    switch (ss_json_kind(j)) {
    case SS_JSON_NULL:
        v.kind = PV_NULL;
        break;
    case SS_JSON_FALSE:
    case SS_JSON_TRUE:
        v = ss__pv_bool(ss_json_bool(j));
        break;
    case SS_JSON_INT:
    case SS_JSON_REAL:
        v = ss__pv_num(ss_json_num(j));
        break;
    case SS_JSON_STRING:
        v.kind = PV_STR;
        v.u.s = ss_json_str(j);
        break;
    case SS_JSON_ARRAY:
    case SS_JSON_OBJECT:
        v.kind = PV_JSON;
        v.u.j = j;
        break;
    case SS_JSON_NONE:
        break;
    }
    return v;
}

struct pval ss__pv_str(const char *p, size_t len)
{
    struct pval v = {.kind = PV_STR};
    v.u.s.ptr = p;
    v.u.s.len = len;
    return v;
}

struct pval ss__pv_num(double d)
{
    struct pval v = {.kind = PV_NUM};
    v.u.num = d;
    return v;
}

struct pval ss__pv_bool(bool b)
{
    struct pval v = {.kind = PV_BOOL};
    v.u.b = b;
    return v;
}

bool ss__pv_is_array(const struct pval *v)
{
    return v->kind == PV_ARR || (v->kind == PV_JSON && ss_json_kind(v->u.j) == SS_JSON_ARRAY);
}

bool ss__pv_is_object(const struct pval *v)
{
    return v->kind == PV_OBJ || (v->kind == PV_JSON && ss_json_kind(v->u.j) == SS_JSON_OBJECT);
}

size_t ss__pv_len(const struct pval *v)
{
    switch (v->kind) {
    case PV_STR:
        return v->u.s.len;
    case PV_ARR:
    case PV_OBJ:
        return v->u.a.n;
    case PV_JSON:
        return ss_json_len(v->u.j);
    default:
        return 0;
    }
}

struct pval ss__pv_at(const struct pval *v, size_t i)
{
    struct pval none = {.kind = PV_NONE};
    if (v->kind == PV_ARR)
        return i < v->u.a.n ? v->u.a.v[i] : none;
    if (v->kind == PV_JSON && ss_json_kind(v->u.j) == SS_JSON_ARRAY)
        return ss__pv_json(ss_json_at(v->u.j, i));
    return none;
}

struct pval ss__pv_get(const struct pval *v, const char *key, size_t len)
{
    struct pval none = {.kind = PV_NONE};
    if (v->kind == PV_OBJ) {
        for (size_t i = 0; i < v->u.a.n; i++)
            if (v->u.a.k[i].len == len && ss_mem_eq_nocase(v->u.a.k[i].ptr, key, len))
                return v->u.a.v[i];
        return none;
    }
    if (v->kind == PV_JSON)
        return ss__pv_json(ss_json_get_nocase(v->u.j, key, len));
    return none;
}

struct ss_str ss__pv_key(const struct pval *v, size_t i)
{
    struct ss_str none = {NULL, 0};
    if (v->kind == PV_OBJ)
        return i < v->u.a.n ? v->u.a.k[i] : none;
    if (v->kind == PV_JSON) {
        struct ss_json_iter it;
        struct ss_str k;
        struct ss_json val;
        ss_json_iter_init(&it, v->u.j);
        for (size_t n = 0; ss_json_iter_next(&it, &k, &val); n++)
            if (n == i)
                return k;
    }
    return none;
}

bool ss__pv_text(const struct pval *v, char *tmp, struct ss_str *out)
{
    switch (v->kind) {
    case PV_STR:
        *out = v->u.s;
        return true;
    case PV_BOOL:
        out->ptr = v->u.b ? "true" : "false";
        out->len = v->u.b ? 4 : 5;
        return true;
    case PV_NUM:
        if (v->u.num == floor(v->u.num) && fabs(v->u.num) < 9e15)
            out->len = (size_t)snprintf(tmp, 32, "%lld", (long long)v->u.num);
        else
            out->len = ss_json_fmt_double(tmp, v->u.num);
        out->ptr = tmp;
        return true;
    case PV_NULL:
        out->ptr = "";
        out->len = 0;
        return true;
    default:
        return false;
    }
}

bool ss__str_eq_ci(struct ss_str a, struct ss_str b)
{
    return a.len == b.len && (a.len == 0 || ss_mem_eq_nocase(a.ptr, b.ptr, a.len));
}

static bool equal_containers(const struct pval *a, const struct pval *b)
{
    size_t n = ss__pv_len(a);
    if (n != ss__pv_len(b) || ss__pv_is_array(a) != ss__pv_is_array(b))
        return false;
    for (size_t i = 0; i < n; i++) {
        struct pval x = ss__pv_at(a, i), y;
        if (ss__pv_is_array(a)) {
            y = ss__pv_at(b, i);
        } else {
            struct ss_str k = ss__pv_key(a, i);
            x = ss__pv_get(a, k.ptr, k.len);
            y = ss__pv_get(b, k.ptr, k.len);
        }
        if (!ss__pv_equal(&x, &y))
            return false;
    }
    return true;
}

bool ss__pv_equal(const struct pval *a, const struct pval *b)
{
    if (a->kind == PV_NONE || b->kind == PV_NONE)
        return false;
    bool ca = ss__pv_is_array(a) || ss__pv_is_object(a);
    bool cb = ss__pv_is_array(b) || ss__pv_is_object(b);
    if (ca || cb)
        return ca && cb && equal_containers(a, b);
    if (a->kind == PV_NUM && b->kind == PV_NUM)
        return a->u.num == b->u.num;
    if (a->kind == PV_NULL || b->kind == PV_NULL)
        return a->kind == b->kind;
    char ta[32], tb[32];
    struct ss_str sa, sb;
    if (!ss__pv_text(a, ta, &sa) || !ss__pv_text(b, tb, &sb))
        return false;
    return ss__str_eq_ci(sa, sb);
}

/* Parses a whole string as a number (for mixed number/string ordering). */
static bool text_number(struct ss_str s, double *out)
{
    char buf[64];
    if (s.len == 0 || s.len >= sizeof(buf))
        return false;
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = '\0';
    char *end;
    *out = strtod(buf, &end);
    return *end == '\0' && !isspace((unsigned char)buf[0]);
}

static int cmp_ci(struct ss_str a, struct ss_str b)
{
    size_t n = SS_MIN(a.len, b.len);
    for (size_t i = 0; i < n; i++) {
        int x = tolower((unsigned char)a.ptr[i]), y = tolower((unsigned char)b.ptr[i]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return a.len == b.len ? 0 : (a.len < b.len ? -1 : 1);
}

bool ss__pv_order(const struct pval *a, const struct pval *b, int *cmp)
{
    char ta[32], tb[32];
    struct ss_str sa, sb;
    if (a->kind == PV_NONE || b->kind == PV_NONE || a->kind == PV_NULL || b->kind == PV_NULL)
        return false;
    if (!ss__pv_text(a, ta, &sa) || !ss__pv_text(b, tb, &sb))
        return false;
    double x, y;
    bool na = a->kind == PV_NUM, nb = b->kind == PV_NUM;
    if ((na || nb) && (na ? (x = a->u.num, true) : text_number(sa, &x)) &&
        (nb ? (y = b->u.num, true) : text_number(sb, &y))) {
        *cmp = x < y ? -1 : (x > y ? 1 : 0);
        return true;
    }
    *cmp = cmp_ci(sa, sb); /* Azure: InvariantCultureIgnoreCase; we use ASCII ordinal */
    return true;
}

bool ss__pv_truthy(const struct pval *v)
{
    if (v->kind == PV_BOOL)
        return v->u.b;
    if (v->kind == PV_STR)
        return v->u.s.len == 4 && ss_mem_eq_nocase(v->u.s.ptr, "true", 4);
    return false;
}

bool ss__like(struct ss_str s, struct ss_str pat)
{
    size_t si = 0, pi = 0, star = SIZE_MAX, mark = 0;
    while (si < s.len) {
        if (pi < pat.len && pat.ptr[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < pat.len &&
                   tolower((unsigned char)pat.ptr[pi]) == tolower((unsigned char)s.ptr[si])) {
            pi++;
            si++;
        } else if (star != SIZE_MAX) {
            pi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (pi < pat.len && pat.ptr[pi] == '*')
        pi++;
    return pi == pat.len;
}

bool ss__match(struct ss_str s, struct ss_str pat, bool nocase)
{
    if (s.len != pat.len)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i], p = (unsigned char)pat.ptr[i];
        if (p == '#') {
            if (!isdigit(c))
                return false;
        } else if (p == '?') {
            if (!isalpha(c))
                return false;
        } else if (p != '.') {
            if (nocase ? tolower(c) != tolower(p) : c != p)
                return false;
        }
    }
    return true;
}

void ss__pv_write(struct ss_buf *out, const struct pval *v)
{
    struct ss_jw w;
    ss_jw_init(&w, out, 0);
    char tmp[32];
    struct ss_str s;
    switch (v->kind) {
    case PV_NONE:
        ss_buf_adds(out, "(missing)");
        return;
    case PV_JSON:
        ss_jw_value(&w, v->u.j);
        return;
    case PV_STR:
        ss_jw_str(&w, v->u.s.ptr, v->u.s.len);
        return;
    case PV_ARR:
    case PV_OBJ:
        ss_buf_addc(out, v->kind == PV_ARR ? '[' : '{');
        for (size_t i = 0; i < v->u.a.n; i++) {
            if (i)
                ss_buf_addc(out, ',');
            if (v->kind == PV_OBJ) {
                struct ss_jw kw;
                ss_jw_init(&kw, out, 0);
                ss_jw_str(&kw, v->u.a.k[i].ptr, v->u.a.k[i].len);
                ss_buf_addc(out, ':');
            }
            ss__pv_write(out, &v->u.a.v[i]);
        }
        ss_buf_addc(out, v->kind == PV_ARR ? ']' : '}');
        return;
    default:
        if (ss__pv_text(v, tmp, &s))
            ss_buf_add(out, s.ptr, s.len);
        if (v->kind == PV_NULL)
            ss_buf_adds(out, "null");
    }
}
