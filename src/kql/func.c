/*
 * KQL scalar functions and the names of the aggregates: one table (STYLE.md
 * rule 9) with the argument counts and the result type bind.c uses.
 *
 * Regular expressions (extract, trim, trim_start, trim_end) use POSIX
 * extended expressions (<regex.h>) after a translation of the RE2 subset
 * Kusto queries use:
 *   \d \D \w \W \s \S (also inside [...]), (?:...) non-capturing groups
 *   (group numbers are kept as the user wrote them), a leading (?i), and
 *   lazy quantifiers .*? and .+? when a literal character follows them
 *   (translated to [^c]* and [^c]+, which is what they mean in practice);
 *   other lazy quantifiers match greedily. Back-references, look-around
 *   and named groups are not supported (the pattern fails to compile and
 *   the query fails with SS_EQUERY). Patterns are capped at SS_KQL_MAX_REGEX
 *   bytes.
 */
#include "common/setup.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>

#include "common/limits.h"
#include "kql/internal.h"

#define RX_GROUPS 10

struct krx {
    regex_t re[2]; /* extract: re[0]; trim: ^(x)+ and (x)+$ */
    int nre;
    int map[RX_GROUPS]; /* user group -> POSIX group */
};

/* ---- regex translation ---- */

static bool rx_special(char c)
{
    return strchr(".[]()*+?{}|^$\\", c) != NULL;
}

static const char *class_escape(char c, bool in_class)
{
    switch (c) {
    case 'd':
        return in_class ? "0-9" : "[0-9]";
    case 'D':
        return in_class ? NULL : "[^0-9]";
    case 'w':
        return in_class ? "[:alnum:]_" : "[[:alnum:]_]";
    case 'W':
        return in_class ? NULL : "[^[:alnum:]_]";
    case 's':
        return in_class ? "[:space:]" : "[[:space:]]";
    case 'S':
        return in_class ? NULL : "[^[:space:]]";
    default:
        return NULL;
    }
}

/* The state of one translation. */
struct rxt {
    const char *p;
    size_t n, i;
    struct ss_buf *out;
    int *map;         /* user group -> POSIX group */
    int user, posix;  /* groups seen */
    size_t last_atom; /* where the last atom starts in out, (size_t)-1 if none */
    bool last_dot;    /* the last atom is `.` */
};

/* \x outside a class. */
static bool rxt_escape(struct rxt *t)
{
    if (++t->i >= t->n)
        return false;
    char c = t->p[t->i];
    const char *cls = class_escape(c, false);
    t->last_atom = t->out->len;
    t->last_dot = false;
    if (cls)
        ss_buf_adds(t->out, cls);
    else if (c == 'n' || c == 't')
        ss_buf_addc(t->out, c == 'n' ? '\n' : '\t');
    else if (isalnum((unsigned char)c))
        return false; /* \b, \1, \A ...: unsupported */
    else if (rx_special(c))
        ss_buf_addc(t->out, '\\'), ss_buf_addc(t->out, c);
    else
        ss_buf_addc(t->out, c);
    return true;
}

/* [...]: \d \w \s expand inside; a backslash before punctuation keeps it literally. */
static bool rxt_class(struct rxt *t)
{
    const char *p = t->p;
    size_t j = t->i + 1, n = t->n;
    t->last_atom = t->out->len;
    t->last_dot = false;
    ss_buf_addc(t->out, '[');
    if (j < n && p[j] == '^')
        ss_buf_addc(t->out, '^'), j++;
    if (j < n && p[j] == ']')
        ss_buf_addc(t->out, ']'), j++;
    for (; j < n && p[j] != ']'; j++) {
        if (p[j] != '\\' || j + 1 >= n) {
            ss_buf_addc(t->out, p[j]);
            continue;
        }
        const char *cls = class_escape(p[++j], true);
        if (cls)
            ss_buf_adds(t->out, cls);
        else if (isalpha((unsigned char)p[j]))
            return false;
        else
            ss_buf_addc(t->out, p[j]);
    }
    if (j >= n)
        return false;
    ss_buf_addc(t->out, ']');
    t->i = j;
    return true;
}

/* ( and (?: : POSIX counts every group, the user only capturing ones. */
static bool rxt_group(struct rxt *t)
{
    t->last_dot = false;
    t->posix++;
    if (t->i + 2 < t->n && t->p[t->i + 1] == '?' && t->p[t->i + 2] == ':')
        t->i += 2;
    else if (t->i + 1 < t->n && t->p[t->i + 1] == '?')
        return false; /* look-around, named groups */
    else if (++t->user < RX_GROUPS)
        t->map[t->user] = t->posix;
    ss_buf_addc(t->out, '(');
    return true;
}

/* A lazy quantifier (c followed by '?'): .*? and .+? before a literal become [^lit]* / +. */
static void rxt_lazy(struct rxt *t, char c)
{
    const char *p = t->p;
    size_t f = ++t->i + 1;
    while (f < t->n && p[f] == ')')
        f++; /* (.+?)/ : the literal after the group ends the lazy match */
    char follow = f < t->n ? p[f] : 0;
    if (follow == '\\' && f + 1 < t->n && !isalnum((unsigned char)p[f + 1]))
        follow = p[f + 1];
    else if (rx_special(follow))
        follow = 0;
    if (t->last_dot && c != '?' && follow && t->last_atom != (size_t)-1) {
        ss_buf_truncate(t->out, t->last_atom);
        ss_buf_adds(t->out, "[^");
        ss_buf_addc(t->out, follow);
        ss_buf_addc(t->out, ']');
    }
    ss_buf_addc(t->out, c);
    t->last_dot = false;
}

/* Translates `p` (n bytes) into out; fills map and *icase. False if unsupported. */
static bool rx_translate(const char *p, size_t n, struct ss_buf *out, int *map, bool *icase)
{
    struct rxt t = {.p = p, .n = n, .out = out, .map = map, .last_atom = (size_t)-1};
    if (n >= 4 && memcmp(p, "(?i)", 4) == 0) {
        *icase = true;
        t.p += 4, t.n -= 4;
    }
    for (t.i = 0; t.i < t.n; t.i++) {
        char c = t.p[t.i];
        bool ok = true;
        if (c == '\\')
            ok = rxt_escape(&t);
        else if (c == '[')
            ok = rxt_class(&t);
        else if (c == '(')
            ok = rxt_group(&t);
        else if ((c == '*' || c == '+' || c == '?') && t.i + 1 < t.n && t.p[t.i + 1] == '?')
            rxt_lazy(&t, c);
        else {
            if (!strchr("*+?{)|", c))
                t.last_atom = out->len;
            t.last_dot = c == '.';
            ss_buf_addc(out, c);
        }
        if (!ok)
            return false;
    }
    return true;
}

/*
 * Guards regcomp: glibc's compiler takes exponential time and memory on
 * stacked quantifiers ("a++++...", 20 of them take seconds and gigabytes) and
 * on large nested counted repetitions. As RE2 does, a quantifier may not
 * follow another (a lazy '?' excepted), counts are at most 1000, and the
 * pattern once repetitions are expanded may hold at most 10,000 atoms.
 * Returns NULL or the reason.
 */
static const char *rx_guard(const char *p, size_t n)
{
    enum { MAX_COUNT = 1000, MAX_EXPANDED = 10000, MAX_NEST = 64 };
    uint64_t size[MAX_NEST + 1] = {0}, last = 0; /* expanded atoms of each open group */
    int depth = 0;
    bool quantified = false, atom = false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '*' || c == '+' || c == '?' || c == '{') {
            if (c == '?' && quantified && i > 0 && p[i - 1] != '?' && p[i - 1] != '}')
                continue; /* lazy */
            if (quantified)
                return "a quantifier follows another";
            if (!atom)
                return "a quantifier follows nothing";
            quantified = true;
            if (c != '{')
                continue;
            unsigned long lo = 0, hi = 0;
            size_t j = i + 1;
            while (j < n && p[j] >= '0' && p[j] <= '9' && lo <= MAX_COUNT)
                lo = lo * 10 + (unsigned long)(p[j++] - '0');
            hi = lo;
            if (j < n && p[j] == ',') {
                hi = 0;
                for (j++; j < n && p[j] >= '0' && p[j] <= '9' && hi <= MAX_COUNT; j++)
                    hi = hi * 10 + (unsigned long)(p[j] - '0');
                if (p[j - 1] == ',')
                    hi = lo;
            }
            if (lo > MAX_COUNT || hi > MAX_COUNT)
                return "a repetition count above 1000";
            unsigned long times = hi > lo ? hi : lo;
            if (times > 1)
                size[depth] += last * (times - 1);
            while (j < n && p[j] != '}')
                j++;
            i = j;
        } else {
            quantified = false;
            atom = true;
            last = 1;
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                size_t j = i + 1;
                if (j < n && p[j] == '^')
                    j++;
                if (j < n && p[j] == ']')
                    j++;
                while (j < n && p[j] != ']')
                    j += p[j] == '\\' ? 2 : 1;
                i = j;
            } else if (c == '(') {
                if (depth == MAX_NEST)
                    return "groups nested too deep";
                size[++depth] = 0;
                atom = false;
                if (i + 1 < n && p[i + 1] == '?') /* (?:  (?i)  (?=: flags and group kinds */
                    for (i += 2; i < n && p[i] != ':' && p[i] != ')'; i++)
                        ;
                if (i < n && p[i] == ')') {
                    depth--; /* (?i): flags only, no group */
                    atom = false;
                }
                continue;
            } else if (c == ')') {
                last = depth ? size[depth--] : 0;
                if (!last)
                    last = 1;
                size[depth] += last;
                continue;
            } else if (c == '|') {
                atom = false;
                continue;
            }
            size[depth] += 1;
        }
        if (size[depth] > MAX_EXPANDED)
            return "the pattern expands to more than 10,000 atoms";
    }
    return NULL;
}

/* Compiles `pat` into rx (kind 0: extract, 1: trim); false with r->err on failure. */
static bool rx_compile(struct krun *r, struct kexpr *call, struct kv pat, int kind, struct krx *rx)
{
    memset(rx, 0, sizeof(*rx));
    if (pat.k != KK_STR || pat.len > SS_KQL_MAX_REGEX)
        return ss__kql_fail_at(r, SS_EQUERY, call->line, call->col,
                               "regular expression missing or longer than %u bytes",
                               (unsigned)SS_KQL_MAX_REGEX);
    const char *why = rx_guard(pat.u.s, pat.len);
    if (why)
        return ss__kql_fail_at(r, SS_EQUERY, call->line, call->col,
                               "unsupported regular expression '%.*s': %s",
                               (int)SS_MIN(pat.len, 80), pat.u.s, why);
    struct ss_buf t = SS_BUF_INIT;
    bool icase = false;
    for (int i = 0; i < RX_GROUPS; i++)
        rx->map[i] = i;
    bool ok = rx_translate(pat.u.s, pat.len, &t, rx->map, &icase);
    int flags = REG_EXTENDED | (icase ? REG_ICASE : 0);
    for (int i = 0; ok && i < (kind ? 2 : 1); i++) {
        struct ss_buf full = SS_BUF_INIT;
        if (kind)
            ss_buf_printf(&full, i == 0 ? "^(%s)+" : "(%s)+$", t.ptr ? t.ptr : "");
        else
            ss_buf_adds(&full, t.ptr ? t.ptr : "");
        ok = regcomp(&rx->re[i], full.ptr ? full.ptr : "", flags) == 0;
        if (ok)
            rx->nre++;
        ss_buf_release(&full);
    }
    ss_buf_release(&t);
    if (!ok) {
        for (int i = 0; i < rx->nre; i++)
            regfree(&rx->re[i]);
        rx->nre = 0;
        return ss__kql_fail_at(r, SS_EQUERY, call->line, call->col,
                               "unsupported regular expression '%.*s'", (int)SS_MIN(pat.len, 80),
                               pat.u.s);
    }
    return true;
}

static void rx_free(struct krx *rx)
{
    for (int i = 0; i < rx->nre; i++)
        regfree(&rx->re[i]);
    rx->nre = 0;
}

/* The compiled regex of a call site: cached when the pattern is a literal. */
static struct krx *rx_get(struct krun *r, struct kexpr *call, struct kv pat, int kind,
                          struct krx *tmp)
{
    bool literal = call->args[0]->op == E_LIT;
    if (literal && call->cache)
        return call->cache;
    struct krx *rx = literal ? ss_arena_calloc(&r->arena, 1, sizeof(*rx)) : tmp;
    if (!rx_compile(r, call, pat, kind, rx))
        return NULL;
    if (literal) {
        call->cache = rx;
        call->next_rx = r->rx_sites;
        r->rx_sites = call;
    }
    return rx;
}

/* Frees a regex compiled for one row (a cached one stays). */
static void rx_done(struct krx *rx, struct krx *tmp)
{
    if (rx == tmp)
        rx_free(tmp);
}

void ss__kql_func_release(struct krun *r)
{
    for (struct kexpr *e = r->rx_sites; e; e = e->next_rx) {
        rx_free(e->cache);
        e->cache = NULL;
    }
    r->rx_sites = NULL;
}

/* A NUL-terminated copy of a string value (regexec needs one). */
static const char *zstr(struct krun *r, struct kv s)
{
    return ss__kql_str_new(r, s.u.s, s.len).u.s;
}

/* ---- helpers ---- */

static struct kv S(struct krun *r, struct kv v) {
    return ss__kql_to_string(r, v);
}

static struct kv
built_str(struct krun *r, const struct ss_buf *b)
{
    if (b->len > SS_KQL_MAX_STRING) {
        ss__kql_fail(r, SS_ETOOBIG, "a string built by the query exceeds %u bytes",
                     (unsigned)SS_KQL_MAX_STRING);
        return KV_NULL;
    }
    return ss__kql_str_new(r, b->ptr ? b->ptr : "", b->len);
}

static struct kv new_arr(struct krun *r, uint32_t n, bool obj)
{
    struct kdyn *d = ss_arena_calloc(&r->arena, 1, sizeof(*d));
    d->n = n;
    d->vals = ss_arena_calloc(&r->arena, n ? n : 1, sizeof(struct kv));
    if (obj)
        d->keys = ss_arena_calloc(&r->arena, n ? n : 1, sizeof(struct ss_str));
    struct kv v = {.k = (uint8_t)(obj ? KK_OBJ : KK_ARR)};
    v.u.dyn = d;
    return v;
}

/* Byte offset of code point `n` in s (clamped to the end). */
static size_t cp_offset(const char *s, size_t len, int64_t n)
{
    size_t i = 0;
    while (i < len && n > 0) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        n--;
    }
    return i;
}

static int64_t cp_count(const char *s, size_t len)
{
    int64_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* ---- conversions ---- */

static struct kv f_tostring(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)c;
    return S(r, a[0]);
}

static struct kv f_todouble(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    return ss__kql_to_real(a[0]);
}

static struct kv f_tolong(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    return ss__kql_to_long(a[0]);
}

static struct kv f_toint(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    struct kv v = ss__kql_to_long(a[0]);
    if (v.k == KK_LONG && (v.u.i > INT32_MAX || v.u.i < INT32_MIN))
        return KV_NULL;
    return v;
}

static struct kv f_tobool(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    return ss__kql_to_bool(a[0]);
}

static struct kv f_todatetime(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    return ss__kql_to_datetime(a[0]);
}

static struct kv f_totimespan(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    return ss__kql_to_timespan(a[0]);
}

static struct kv f_todynamic(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)c;
    if (a[0].k != KK_STR)
        return a[0];
    struct ss_json_doc *doc;
    struct ss_json_opts o = {.flags = SS_JSON_DUPKEY_LAST};
    if (ss_json_parse(a[0].u.s, a[0].len, &o, &doc, NULL) != SS_OK)
        return a[0]; /* Kusto: a string that is not JSON stays a string */
    if (r->ndocs == r->capdocs) {
        r->capdocs = r->capdocs ? r->capdocs * 2 : 16;
        r->docs = ss_xreallocarray(r->docs, r->capdocs, sizeof(*r->docs));
    }
    r->docs[r->ndocs++] = doc;
    r->extra_memory += ss_json_doc_memory(doc);
    return ss__kql_from_json(ss_json_root(doc));
}

/* ---- logic ---- */

static bool truthy(struct kv v)
{
    return v.k == KK_BOOL && v.u.b;
}

/* Converts a branch value to the call's static type (long -> real). */
static struct kv as_type(struct kexpr *c, struct kv v)
{
    if (c->type == KT_REAL && v.k == KK_LONG)
        return kv_real((double)v.u.i);
    return v;
}

static struct kv f_iff(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r;
    return as_type(c, truthy(a[0]) ? a[1] : a[2]);
}

static struct kv f_case(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r;
    uint32_t i = 0;
    for (; i + 1 < c->nargs; i += 2)
        if (truthy(a[i]))
            return as_type(c, a[i + 1]);
    return as_type(c, a[c->nargs - 1]);
}

static struct kv f_coalesce(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r;
    for (uint32_t i = 0; i < c->nargs; i++)
        if (a[i].k != KK_NULL && !(a[i].k == KK_STR && a[i].len == 0))
            return as_type(c, a[i]);
    return c->type == KT_STRING ? kv_str("", 0) : KV_NULL;
}

static struct kv f_not(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    struct kv b = ss__kql_to_bool(a[0]);
    return b.k == KK_NULL ? KV_NULL : kv_bool(!b.u.b);
}

static struct kv f_isnull(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    return kv_bool(a[0].k == KK_NULL);
}

static struct kv f_isnotnull(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    return kv_bool(a[0].k != KK_NULL);
}

static struct kv f_isempty(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    return kv_bool(a[0].k == KK_NULL || (a[0].k == KK_STR && a[0].len == 0));
}

static struct kv f_isnotempty(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    return kv_bool(!(a[0].k == KK_NULL || (a[0].k == KK_STR && a[0].len == 0)));
}

/* ---- strings ---- */

static struct kv f_strcat(struct krun *r, struct kexpr *c, struct kv *a)
{
    struct ss_buf *b = &r->tmp;
    ss_buf_reset(b);
    for (uint32_t i = 0; i < c->nargs; i++)
        ss__kql_format(b, a[i]);
    return built_str(r, b);
}

static struct kv f_strlen(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)c;
    struct kv s = S(r, a[0]);
    return kv_long(cp_count(s.u.s, s.len));
}

static struct kv change_case(struct krun *r, struct kv v, bool upper)
{
    struct kv s = S(r, v);
    char *p = ss_arena_alloc(&r->arena, s.len + 1);
    for (size_t i = 0; i < s.len; i++)
        p[i] = (char)(upper ? toupper((unsigned char)s.u.s[i]) : tolower((unsigned char)s.u.s[i]));
    p[s.len] = '\0';
    return kv_str(p, s.len);
}

static struct kv f_tolower(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)c;
    return change_case(r, a[0], false);
}

static struct kv f_toupper(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)c;
    return change_case(r, a[0], true);
}

/* trim(regex, text): removes leading (ends & 1) and trailing (ends & 2) matches. */
static struct kv trim_rx(struct krun *r, struct kexpr *c, struct kv *a, int ends)
{
    struct krx tmp, *rx = rx_get(r, c, S(r, a[0]), 1, &tmp);
    if (!rx)
        return KV_NULL;
    struct kv s = S(r, a[1]);
    const char *z = zstr(r, s);
    size_t from = 0, to = s.len;
    regmatch_t m[1];
    if ((ends & 1) && regexec(&rx->re[0], z, 1, m, 0) == 0 && m[0].rm_so == 0)
        from = (size_t)m[0].rm_eo;
    if ((ends & 2) && from < to && regexec(&rx->re[1], z + from, 1, m, 0) == 0)
        to = from + (size_t)m[0].rm_so;
    rx_done(rx, &tmp);
    return kv_str(s.u.s + from, to - from);
}

static struct kv f_trim(struct krun *r, struct kexpr *c, struct kv *a)
{
    return trim_rx(r, c, a, 3);
}

static struct kv f_trim_start(struct krun *r, struct kexpr *c, struct kv *a)
{
    return trim_rx(r, c, a, 1);
}

static struct kv f_trim_end(struct krun *r, struct kexpr *c, struct kv *a)
{
    return trim_rx(r, c, a, 2);
}

static struct kv f_extract(struct krun *r, struct kexpr *c, struct kv *a)
{
    struct kv g = ss__kql_to_long(a[1]);
    if (g.k != KK_LONG || g.u.i < 0 || g.u.i >= RX_GROUPS) {
        ss__kql_fail_at(r, SS_EQUERY, c->line, c->col, "extract: capture group must be 0 to %d",
                        RX_GROUPS - 1);
        return KV_NULL;
    }
    struct krx tmp, *rx = rx_get(r, c, S(r, a[0]), 0, &tmp);
    if (!rx)
        return KV_NULL;
    struct kv s = S(r, a[2]);
    regmatch_t m[RX_GROUPS * 2];
    struct kv out = kv_str("", 0);
    int pg = rx->map[g.u.i];
    if (pg < (int)SS_ARRAY_LEN(m) && regexec(&rx->re[0], zstr(r, s), SS_ARRAY_LEN(m), m, 0) == 0 &&
        m[pg].rm_so >= 0)
        out = kv_str(s.u.s + m[pg].rm_so, (size_t)(m[pg].rm_eo - m[pg].rm_so));
    rx_done(rx, &tmp);
    return out;
}

static struct kv f_split(struct krun *r, struct kexpr *c, struct kv *a)
{
    struct kv s = S(r, a[0]), d = S(r, a[1]);
    uint32_t n = 1;
    if (d.len)
        for (const char *p = s.u.s; (p = memmem(p, (size_t)(s.u.s + s.len - p), d.u.s, d.len));
             p += d.len)
            n++;
    struct kv arr = new_arr(r, n, false);
    struct kdyn *dy = (struct kdyn *)arr.u.dyn;
    const char *p = s.u.s, *end = s.u.s + s.len;
    for (uint32_t i = 0; i < n; i++) {
        const char *q = i + 1 < n ? memmem(p, (size_t)(end - p), d.u.s, d.len) : end;
        dy->vals[i] = kv_str(p, (size_t)(q - p));
        p = q + d.len;
    }
    if (c->nargs == 3) {
        struct kv ix = ss__kql_to_long(a[2]);
        if (ix.k != KK_LONG || ix.u.i < 0 || ix.u.i >= n)
            return new_arr(r, 0, false);
        struct kv one = new_arr(r, 1, false);
        ((struct kdyn *)one.u.dyn)->vals[0] = dy->vals[ix.u.i];
        return one;
    }
    return arr;
}

static struct kv f_substring(struct krun *r, struct kexpr *c, struct kv *a)
{
    struct kv s = S(r, a[0]), st = ss__kql_to_long(a[1]);
    if (st.k != KK_LONG)
        return kv_str("", 0);
    int64_t start = st.u.i < 0 ? 0 : st.u.i;
    size_t from = cp_offset(s.u.s, s.len, start), to = s.len;
    if (c->nargs == 3) {
        struct kv ln = ss__kql_to_long(a[2]);
        if (ln.k != KK_LONG)
            return kv_str("", 0);
        int64_t len = ln.u.i < 0 ? 0 : ln.u.i;
        to = from + cp_offset(s.u.s + from, s.len - from, len);
    }
    return kv_str(s.u.s + from, to - from);
}

static struct kv f_replace_string(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)c;
    struct kv s = S(r, a[0]), from = S(r, a[1]), to = S(r, a[2]);
    if (!from.len)
        return s;
    struct ss_buf *b = &r->tmp;
    ss_buf_reset(b);
    const char *p = s.u.s, *end = s.u.s + s.len, *q;
    while ((q = memmem(p, (size_t)(end - p), from.u.s, from.len))) {
        ss_buf_add(b, p, (size_t)(q - p));
        ss_buf_add(b, to.u.s, to.len);
        p = q + from.len;
        if (b->len > SS_KQL_MAX_STRING)
            break;
    }
    ss_buf_add(b, p, (size_t)(end - p));
    return built_str(r, b);
}

static struct kv f_indexof(struct krun *r, struct kexpr *c, struct kv *a)
{
    struct kv s = S(r, a[0]), look = S(r, a[1]);
    size_t from = 0;
    if (c->nargs == 3) {
        struct kv st = ss__kql_to_long(a[2]);
        if (st.k != KK_LONG || st.u.i < 0)
            return kv_long(-1);
        from = cp_offset(s.u.s, s.len, st.u.i);
        if (cp_count(s.u.s, s.len) < st.u.i)
            return kv_long(-1);
    }
    const char *q = memmem(s.u.s + from, s.len - from, look.u.s, look.len);
    return kv_long(q ? cp_count(s.u.s, (size_t)(q - s.u.s)) : -1);
}

static struct kv f_strcat_array(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)c;
    long n = ss__kql_arr_len(a[0]);
    if (n < 0)
        return kv_str("", 0);
    struct kv d = S(r, a[1]);
    struct ss_buf b = SS_BUF_INIT;
    for (long i = 0; i < n; i++) {
        if (i)
            ss_buf_add(&b, d.u.s, d.len);
        ss__kql_format(&b, ss__kql_arr_at(a[0], (size_t)i));
    }
    struct kv out = built_str(r, &b);
    ss_buf_release(&b);
    return out;
}

/* ---- numbers ---- */

/* A real as a long, null when out of range (or NaN). */
static struct kv real_to_long(double v)
{
    return fabs(v) < 9.2e18 ? kv_long((int64_t)v) : KV_NULL;
}

static struct kv f_round(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r;
    struct kv x = a[0];
    if (x.k == KK_LONG && (c->nargs == 1 || c->type == KT_LONG))
        return x;
    x = ss__kql_to_real(x);
    if (x.k == KK_NULL)
        return x;
    int64_t digits = 0;
    if (c->nargs == 2) {
        struct kv d = ss__kql_to_long(a[1]);
        if (d.k != KK_LONG)
            return KV_NULL;
        digits = d.u.i < -15 ? -15 : d.u.i > 15 ? 15 : d.u.i;
    }
    double p = pow(10, (double)digits), v = round(x.u.d * p) / p;
    return c->type == KT_LONG ? real_to_long(v) : kv_real(v);
}

static struct kv f_bin(struct krun *r, struct kexpr *c, struct kv *a)
{
    struct kv x = a[0], sz = a[1];
    if (x.k == KK_NULL || sz.k == KK_NULL)
        return KV_NULL;
    if ((x.k == KK_DATE || x.k == KK_SPAN) && (sz.k == KK_SPAN || sz.k == KK_LONG)) {
        if (sz.u.i <= 0)
            return KV_NULL;
        int64_t q = x.u.i / sz.u.i;
        if (x.u.i % sz.u.i < 0)
            q--;
        x.u.i = q * sz.u.i;
        return x.k == KK_DATE ? ss__kql_date(x.u.i) : x;
    }
    if (x.k == KK_LONG && sz.k == KK_LONG) {
        if (sz.u.i <= 0)
            return KV_NULL;
        int64_t q = x.u.i / sz.u.i;
        if (x.u.i % sz.u.i < 0)
            q--;
        return kv_long(q * sz.u.i);
    }
    struct kv xd = ss__kql_to_real(x), sd = ss__kql_to_real(sz);
    if (xd.k == KK_NULL || sd.k == KK_NULL || !(sd.u.d > 0))
        return KV_NULL;
    double v = floor(xd.u.d / sd.u.d) * sd.u.d;
    (void)r;
    return c->type == KT_LONG ? real_to_long(v) : kv_real(v);
}

static struct kv f_abs(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    if (a[0].k == KK_LONG)
        return kv_long(a[0].u.i < 0 && a[0].u.i != INT64_MIN ? -a[0].u.i : a[0].u.i);
    struct kv x = ss__kql_to_real(a[0]);
    return x.k == KK_NULL ? x : kv_real(fabs(x.u.d));
}

static struct kv minmax_of(struct kexpr *c, struct kv *a, int sign)
{
    struct kv best = KV_NULL;
    for (uint32_t i = 0; i < c->nargs; i++) {
        if (a[i].k == KK_NULL)
            continue;
        int cmp = ss__kql_compare(a[i], best);
        if (best.k == KK_NULL || (cmp != -2 && cmp * sign > 0))
            best = a[i];
    }
    return as_type(c, best);
}

static struct kv f_max_of(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r;
    return minmax_of(c, a, 1);
}

static struct kv f_min_of(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r;
    return minmax_of(c, a, -1);
}

/* ---- dynamic ---- */

static struct kv f_array_length(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)r, (void)c;
    long n = ss__kql_arr_len(a[0]);
    return n < 0 ? KV_NULL : kv_long(n);
}

static struct kv f_pack(struct krun *r, struct kexpr *c, struct kv *a)
{
    if (c->nargs % 2) {
        ss__kql_fail_at(r, SS_EQUERY, c->line, c->col, "%.*s needs key/value pairs", (int)c->nlen,
                        c->name);
        return KV_NULL;
    }
    struct kv o = new_arr(r, c->nargs / 2, true);
    struct kdyn *d = (struct kdyn *)o.u.dyn;
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->nargs; i += 2) {
        struct kv k = S(r, a[i]);
        uint32_t j = 0;
        while (j < n && !(d->keys[j].len == k.len && memcmp(d->keys[j].ptr, k.u.s, k.len) == 0))
            j++;
        d->keys[j] = (struct ss_str){k.u.s, k.len};
        d->vals[j] = a[i + 1];
        if (j == n)
            n++;
    }
    d->n = n;
    return o;
}

static struct kv f_array_concat(struct krun *r, struct kexpr *c, struct kv *a)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->nargs; i++) {
        long l = ss__kql_arr_len(a[i]);
        if (l < 0)
            return KV_NULL;
        n += (uint32_t)l;
    }
    struct kv o = new_arr(r, n, false);
    struct kdyn *d = (struct kdyn *)o.u.dyn;
    n = 0;
    for (uint32_t i = 0; i < c->nargs; i++)
        for (long k = 0, l = ss__kql_arr_len(a[i]); k < l; k++)
            d->vals[n++] = ss__kql_arr_at(a[i], (size_t)k);
    return o;
}

static struct kv f_bag_keys(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)c;
    long n = ss__kql_bag_len(a[0]);
    if (n < 0)
        return KV_NULL;
    struct kv o = new_arr(r, (uint32_t)n, false);
    struct kdyn *d = (struct kdyn *)o.u.dyn;
    if (a[0].k == KK_OBJ) {
        for (long i = 0; i < n; i++)
            d->vals[i] = kv_str(a[0].u.dyn->keys[i].ptr, a[0].u.dyn->keys[i].len);
        return o;
    }
    struct ss_json_iter it;
    struct ss_str key;
    struct ss_json v;
    ss_json_iter_init(&it, a[0].u.j);
    for (long i = 0; ss_json_iter_next(&it, &key, &v); i++)
        d->vals[i] = kv_str(key.ptr, key.len);
    return o;
}

/* ---- time ---- */

static struct kv f_now(struct krun *r, struct kexpr *c, struct kv *a)
{
    if (c->nargs == 0)
        return ss__kql_date(r->now);
    if (a[0].k != KK_SPAN)
        return KV_NULL;
    return ss__kql_date((int64_t)((uint64_t)r->now + (uint64_t)a[0].u.i));
}

static struct kv f_ago(struct krun *r, struct kexpr *c, struct kv *a)
{
    (void)c;
    if (a[0].k != KK_SPAN)
        return KV_NULL;
    return ss__kql_date((int64_t)((uint64_t)r->now - (uint64_t)a[0].u.i));
}

#define SC(n, lo, hi, t, f)                                                                        \
    {                                                                                              \
        n, FK_SCALAR, lo, hi, t, f, 0                                                              \
    }
#define AG(n, lo, hi, t, a)                                                                        \
    {                                                                                              \
        n, FK_AGG, lo, hi, t, NULL, a                                                              \
    }

/* ret: a type, -1 = the first argument's (dynamic becomes real), -2 = the common type of
 * the value arguments (iff, case, coalesce, min_of, max_of). */
static const struct kfunc funcs[] = {
    SC("tostring", 1, 1, KT_STRING, f_tostring),
    SC("todouble", 1, 1, KT_REAL, f_todouble),
    SC("toreal", 1, 1, KT_REAL, f_todouble),
    SC("toint", 1, 1, KT_LONG, f_toint),
    SC("tolong", 1, 1, KT_LONG, f_tolong),
    SC("tobool", 1, 1, KT_BOOL, f_tobool),
    SC("toboolean", 1, 1, KT_BOOL, f_tobool),
    SC("todatetime", 1, 1, KT_DATETIME, f_todatetime),
    SC("totimespan", 1, 1, KT_TIMESPAN, f_totimespan),
    SC("todynamic", 1, 1, KT_DYNAMIC, f_todynamic),
    SC("parse_json", 1, 1, KT_DYNAMIC, f_todynamic),
    SC("iff", 3, 3, -2, f_iff),
    SC("iif", 3, 3, -2, f_iff),
    SC("case", 3, 255, -2, f_case),
    SC("coalesce", 2, 64, -2, f_coalesce),
    SC("not", 1, 1, KT_BOOL, f_not),
    SC("isnull", 1, 1, KT_BOOL, f_isnull),
    SC("isnotnull", 1, 1, KT_BOOL, f_isnotnull),
    SC("isempty", 1, 1, KT_BOOL, f_isempty),
    SC("isnotempty", 1, 1, KT_BOOL, f_isnotempty),
    SC("strcat", 1, 64, KT_STRING, f_strcat),
    SC("strlen", 1, 1, KT_LONG, f_strlen),
    SC("tolower", 1, 1, KT_STRING, f_tolower),
    SC("toupper", 1, 1, KT_STRING, f_toupper),
    SC("trim", 2, 2, KT_STRING, f_trim),
    SC("trim_start", 2, 2, KT_STRING, f_trim_start),
    SC("trim_end", 2, 2, KT_STRING, f_trim_end),
    SC("split", 2, 3, KT_DYNAMIC, f_split),
    SC("substring", 2, 3, KT_STRING, f_substring),
    SC("extract", 3, 3, KT_STRING, f_extract),
    SC("replace_string", 3, 3, KT_STRING, f_replace_string),
    SC("indexof", 2, 3, KT_LONG, f_indexof),
    SC("strcat_array", 2, 2, KT_STRING, f_strcat_array),
    SC("round", 1, 2, -1, f_round),
    SC("bin", 2, 2, -1, f_bin),
    SC("floor", 2, 2, -1, f_bin),
    SC("abs", 1, 1, -1, f_abs),
    SC("max_of", 2, 64, -2, f_max_of),
    SC("min_of", 2, 64, -2, f_min_of),
    SC("array_length", 1, 1, KT_LONG, f_array_length),
    SC("pack", 0, 254, KT_DYNAMIC, f_pack),
    SC("bag_pack", 0, 254, KT_DYNAMIC, f_pack),
    SC("array_concat", 1, 64, KT_DYNAMIC, f_array_concat),
    SC("bag_keys", 1, 1, KT_DYNAMIC, f_bag_keys),
    SC("now", 0, 1, KT_DATETIME, f_now),
    SC("ago", 1, 1, KT_DATETIME, f_ago),
    AG("count", 0, 1, KT_LONG, A_COUNT),
    AG("countif", 1, 1, KT_LONG, A_COUNTIF),
    AG("dcount", 1, 2, KT_LONG, A_DCOUNT),
    AG("sum", 1, 1, -1, A_SUM),
    AG("sumif", 2, 2, -1, A_SUMIF),
    AG("avg", 1, 1, KT_REAL, A_AVG),
    AG("min", 1, 1, -1, A_MIN),
    AG("max", 1, 1, -1, A_MAX),
    AG("any", 1, 1, -1, A_ANY),
    AG("take_any", 1, 1, -1, A_ANY),
    AG("arg_max", 2, 64, -1, A_ARGMAX),
    AG("arg_min", 2, 64, -1, A_ARGMIN),
    AG("make_list", 1, 2, KT_DYNAMIC, A_MAKELIST),
    AG("make_set", 1, 2, KT_DYNAMIC, A_MAKESET),
    AG("make_bag", 1, 2, KT_DYNAMIC, A_MAKEBAG),
};

const struct kfunc *ss__kql_func(const char *name, size_t len)
{
    for (size_t i = 0; i < SS_ARRAY_LEN(funcs); i++)
        if (strlen(funcs[i].name) == len && memcmp(funcs[i].name, name, len) == 0)
            return &funcs[i];
    return NULL;
}

bool ss__kql_func_prepare(struct krun *r, struct kexpr *call)
{
    const struct kfunc *f = call->fn;
    bool rx = f->eval == f_extract || f->eval == f_trim || f->eval == f_trim_start ||
              f->eval == f_trim_end;
    if (!rx || call->args[0]->op != E_LIT || call->args[0]->lit.k != KK_STR)
        return true;
    struct krx tmp;
    return rx_get(r, call, call->args[0]->lit, f->eval == f_extract ? 0 : 1, &tmp) != NULL;
}
