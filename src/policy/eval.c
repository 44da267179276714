/*
 * The policy evaluator: runs a compiled `if` (and `existenceCondition`) over
 * one resource (research/azure_policy.md §2.3-2.5, §2.7).
 *
 * - Operators are a table (STYLE.md rule 9). A field condition on an alias
 *   with [*] outside a count holds when it holds for every selected member
 *   (vacuously on none); a missing property is PV_NONE (`equals` false,
 *   `notEquals` true, `exists` false); JSON null counts as missing.
 * - `count` pushes a frame per member: inside `where`, an alias that
 *   extends the counted one is read from the current member, and
 *   `current()` returns it; value counts bind `current('name')`.
 * - Applicability: a first pass where only type/name/kind conditions are
 *   evaluated and every other leaf counts as satisfied (unsatisfied under
 *   `not`), as Azure's policy-applicability rules do.
 * - All values live in the context's arena, reset per evaluation; every
 *   condition, call and member counts against the step budget.
 */
#include "common/setup.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

#include "common/limits.h"
#include "policy/internal.h"

/* ---- context ---- */

struct ss_policy_eval *ss_policy_eval_new(void)
{
    struct ss_policy_eval *ev = ss_xcalloc(1, sizeof(*ev));
    ss_arena_init(&ev->mem, 0);
    return ev;
}

void ss_policy_eval_free(struct ss_policy_eval *ev)
{
    if (!ev)
        return;
    ss_arena_release(&ev->mem);
    ss_buf_release(&ev->scratch);
    free(ev);
}

enum ss_err ss__step(struct ss_policy_eval *ev)
{
    if (++ev->steps > ev->max_steps)
        return ss_diag_set(ev->diag, SS_EBUDGET, "evaluation exceeded %llu steps",
                           (unsigned long long)ev->max_steps);
    return SS_OK;
}

enum ss_err ss__eval_fail(struct ss_policy_eval *ev, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    enum ss_err e = ss_diag_set(ev->diag, SS_EINPUT, "%s", msg);
    if (ev->why)
        ss_diag_set_pointer(ev->diag, ev->why);
    return e;
}

/* ---- reading fields ---- */

struct jlist {
    struct ss_json *v;
    size_t n, cap;
};

static void jlist_push(struct ss_policy_eval *ev, struct jlist *l, struct ss_json v)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct ss_json *nv = ss_arena_alloc(&ev->mem, cap * sizeof(*nv));
        if (l->n)
            memcpy(nv, l->v, l->n * sizeof(*nv));
        l->v = nv;
        l->cap = cap;
    }
    l->v[l->n++] = v;
}

/* Collects the values a path selects from `cur`, flattening every [*]. */
static enum ss_err walk(struct ss_policy_eval *ev, struct ss_json cur, const struct pseg *s,
                        uint32_t n, bool deep, struct jlist *out)
{
    for (uint32_t i = 0; i < n; i++) {
        if (s[i].star) {
            struct ss_json_iter it;
            struct ss_json m;
            if (ss_json_kind(cur) != SS_JSON_ARRAY)
                return SS_OK;
            ss_json_iter_init(&it, cur);
            while (ss_json_iter_next(&it, NULL, &m)) {
                enum ss_err e = ss__step(ev);
                if (e == SS_OK)
                    e = walk(ev, m, s + i + 1, n - i - 1, deep, out);
                if (e != SS_OK)
                    return e;
            }
            return SS_OK;
        }
        cur = ss__json_get_deep(cur, s[i].key, deep);
        if (!ss_json_exists(cur))
            return SS_OK;
    }
    jlist_push(ev, out, cur);
    return SS_OK;
}

/* Where a field is read from inside a count: the member and the path left to walk. */
struct binding {
    struct ss_json member;
    const struct pseg *segs;
    uint32_t nsegs;
    bool deep;
};

/* True if the alias text `pre` starts `f` at a path boundary (ignoring case). */
static bool text_prefix(struct ss_str pre, struct ss_str f)
{
    return pre.len <= f.len && ss_mem_eq_nocase(pre.ptr, f.ptr, pre.len) &&
           (pre.len == f.len || f.ptr[pre.len] == '.' || f.ptr[pre.len] == '[');
}

/*
 * Binds `f` to the innermost field-count frame whose counted path it extends:
 * by path segments, or else by alias text (a counted alias from the table and
 * an inner one resolved by the rule). False when no frame binds it.
 */
static bool bind_field(struct ss_policy_eval *ev, const struct fieldref *f, struct binding *b)
{
    for (uint32_t i = ev->nframes; i-- > 0;) {
        const struct pframe *fr = &ev->frames[i];
        if (!fr->by_field)
            continue;
        if (ss__path_prefix(fr->field, fr->nsegs, f)) {
            *b = (struct binding){fr->member, f->segs + fr->nsegs, f->nsegs - fr->nsegs, !f->exact};
            return true;
        }
        struct ss_str ct = fr->field->text;
        while (ct.len && ct.ptr[ct.len - 1] != ']') /* the counted alias through its last [*] */
            ct.len--;
        if (ct.len && text_prefix(ct, f->text)) {
            struct fieldref rel = {.kind = FK_ALIAS};
            if (ss__alias_path(&ev->mem, f->text.ptr + ct.len, f->text.len - ct.len, &rel, NULL))
                return false;
            *b = (struct binding){fr->member, rel.segs, rel.nsegs, true};
            return true;
        }
    }
    return false;
}

/* Selects an alias path on `res`, or on the bound count member. */
static enum ss_err select_alias(struct ss_policy_eval *ev, struct ss_json res,
                                const struct fieldref *f, bool only_frames, struct jlist *out)
{
    struct binding b;
    if (bind_field(ev, f, &b))
        return walk(ev, b.member, b.segs, b.nsegs, b.deep, out);
    if (only_frames)
        return ss__eval_fail(ev, "current('%.*s'): not inside a count of that array",
                             (int)f->text.len, f->text.ptr);
    if (f->exact) {
        enum ss_err e = walk(ev, res, f->segs, f->nsegs, false, out);
        if (e == SS_OK && out->n == 0 && f->alt)
            e = walk(ev, res, f->alt->segs, f->alt->nsegs, false, out);
        return e;
    }
    /* R1/R4 under properties, R2 at the top level */
    struct ss_json props = ss_json_get_nocase(res, "properties", 10);
    struct ss_json first = {0};
    if (f->nsegs && !f->segs[0].star) {
        struct ss_json top = ss_json_get_nocase(res, f->segs[0].key.ptr, f->segs[0].key.len);
        struct ss_json under = ss__json_get_deep(props, f->segs[0].key, true);
        first = f->top && ss_json_exists(top) ? top : (ss_json_exists(under) ? under : top);
    }
    if (!ss_json_exists(first))
        return SS_OK;
    return walk(ev, first, f->segs + 1, f->nsegs - 1, true, out);
}

/* Location as Azure normalises it: lower case without spaces. */
static struct pval norm_location(struct ss_policy_eval *ev, struct ss_json j)
{
    struct ss_str s = ss_json_str(j);
    if (!s.ptr)
        return ss__pv_json(j);
    char *r = ss_arena_alloc(&ev->mem, s.len + 1);
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] != ' ')
            r[n++] = (char)tolower((unsigned char)s.ptr[i]);
    return ss__pv_str(r, n);
}

/*
 * fullName: the names of the resource and its parents ("server/db") from the
 * segments after the id's last "/providers/<namespace>/"; `name` without an id.
 */
static struct pval full_name(struct ss_policy_eval *ev, struct ss_json res)
{
    struct ss_str id = ss_json_str(ss_json_get_nocase(res, "id", 2));
    size_t at = SIZE_MAX;
    for (size_t i = 0; id.ptr && i + 11 <= id.len; i++)
        if (ss_mem_eq_nocase(id.ptr + i, "/providers/", 11))
            at = i + 11;
    if (at == SIZE_MAX)
        return ss__pv_json(ss_json_get_nocase(res, "name", 4));
    char *r = ss_arena_alloc(&ev->mem, id.len - at + 1);
    size_t n = 0, seg = 0;
    for (size_t i = at; i < id.len; i++) {
        if (id.ptr[i] == '/') {
            if (++seg % 2 == 0 && n) /* entering a name segment after the first */
                r[n++] = '/';
            continue;
        }
        if (seg % 2 == 0 && seg > 0)
            r[n++] = id.ptr[i];
    }
    return ss__pv_str(r, n);
}

static struct pval special_field(struct ss_policy_eval *ev, struct ss_json res,
                                 const struct fieldref *f)
{
    struct ss_json tags = ss_json_get_nocase(res, "tags", 4);
    struct ss_str t;
    switch (f->kind) {
    case FK_NAME:
        return ss__pv_json(ss_json_get_nocase(res, "name", 4));
    case FK_FULLNAME:
        return full_name(ev, res);
    case FK_KIND:
        return ss__pv_json(ss_json_get_nocase(res, "kind", 4));
    case FK_TYPE:
        t = ss__res_type(res);
        return t.ptr ? ss__pv_str(t.ptr, t.len) : (struct pval){.kind = PV_NONE};
    case FK_LOCATION:
        return norm_location(ev, ss_json_get_nocase(res, "location", 8));
    case FK_ID:
        return ss__pv_json(ss_json_get_nocase(res, "id", 2));
    case FK_IDENTITY_TYPE:
        return ss__pv_json(ss_json_get_nocase(ss_json_get_nocase(res, "identity", 8), "type", 4));
    case FK_TAGS:
        return ss__pv_json(tags);
    case FK_TAG:
        return ss__pv_json(ss_json_get_nocase(tags, f->tag.ptr, f->tag.len));
    default:
        return (struct pval){.kind = PV_NONE};
    }
}

/* Resolves a field given as a template expression. */
static enum ss_err dynamic_field(struct ss_policy_eval *ev, const struct fieldref *f,
                                 const struct fieldref **out)
{
    struct pval name;
    enum ss_err e = ss__xeval(ev, f->dyn, &name);
    if (e != SS_OK)
        return e;
    if (name.kind != PV_STR)
        return ss__eval_fail(ev, "the field expression is not a string");
    struct fieldref *r = ss_arena_calloc(&ev->mem, 1, sizeof(*r));
    if (ss__field_parse(&ev->mem, ev->p->aliases, name.u.s.ptr, name.u.s.len, r, ev->diag))
        return ss__eval_fail(ev, "bad field name");
    *out = r;
    return SS_OK;
}

/* A field for a condition: one value, or the members of a [*] selection. */
struct fsel {
    bool coll;
    struct pval one;
    struct jlist list;
};

static enum ss_err read_field(struct ss_policy_eval *ev, struct ss_json res,
                              const struct fieldref *f, struct fsel *out)
{
    memset(out, 0, sizeof(*out));
    if (f->kind == FK_DYNAMIC) {
        enum ss_err e = dynamic_field(ev, f, &f);
        if (e != SS_OK)
            return e;
    }
    if (f->kind != FK_ALIAS) {
        out->one = special_field(ev, res, f);
        return SS_OK;
    }
    struct binding b = {{0}, f->segs, f->nsegs, false};
    bool stars = false;
    bind_field(ev, f, &b);
    for (uint32_t i = 0; i < b.nsegs; i++)
        stars |= b.segs[i].star;
    enum ss_err e = select_alias(ev, res, f, false, &out->list);
    out->coll = stars;
    if (!stars)
        out->one = out->list.n ? ss__pv_json(out->list.v[0]) : (struct pval){.kind = PV_NONE};
    return e;
}

enum ss_err ss__field_value(struct ss_policy_eval *ev, struct ss_json res, const struct fieldref *f,
                            bool only_frames, struct pval *out)
{
    if (f->kind == FK_DYNAMIC) {
        enum ss_err e = dynamic_field(ev, f, &f);
        if (e != SS_OK)
            return e;
    }
    if (f->kind != FK_ALIAS) {
        *out = special_field(ev, res, f);
        return SS_OK;
    }
    struct jlist l = {0};
    enum ss_err e = select_alias(ev, res, f, only_frames, &l);
    if (e != SS_OK)
        return e;
    if (f->nstars == 0) {
        *out = l.n ? ss__pv_json(l.v[0]) : (struct pval){.kind = PV_NONE};
        return SS_OK;
    }
    /* a [*] alias gives an array, even of one bound member (research §2.5) */
    struct pval *v = ss_arena_calloc(&ev->mem, l.n ? l.n : 1, sizeof(*v));
    for (size_t i = 0; i < l.n; i++)
        v[i] = ss__pv_json(l.v[i]);
    out->kind = PV_ARR;
    out->u.a.v = v;
    out->u.a.n = l.n;
    return SS_OK;
}

/* ---- operators ---- */

typedef enum ss_err (*op_fn)(struct ss_policy_eval *ev, const struct pval *l, const struct pval *r,
                             bool *out);

static bool missing(const struct pval *v)
{
    return v->kind == PV_NONE || v->kind == PV_NULL;
}

static enum ss_err op_equals(struct ss_policy_eval *ev, const struct pval *l, const struct pval *r,
                             bool *out)
{
    *out = !missing(l) && ss__pv_equal(l, r);
    return SS_OK;
}

static enum ss_err op_like(struct ss_policy_eval *ev, const struct pval *l, const struct pval *r,
                           bool *out)
{
    char t1[32], t2[32];
    struct ss_str s, p;
    *out = !missing(l) && ss__pv_text(l, t1, &s) && ss__pv_text(r, t2, &p) && ss__like(s, p);
    return SS_OK;
}

static enum ss_err match_common(const struct pval *l, const struct pval *r, bool nocase, bool *out)
{
    char t1[32], t2[32];
    struct ss_str s, p;
    *out =
        !missing(l) && ss__pv_text(l, t1, &s) && ss__pv_text(r, t2, &p) && ss__match(s, p, nocase);
    return SS_OK;
}

static enum ss_err op_match(struct ss_policy_eval *ev, const struct pval *l, const struct pval *r,
                            bool *out)
{
    return match_common(l, r, false, out);
}

static enum ss_err op_match_ci(struct ss_policy_eval *ev, const struct pval *l,
                               const struct pval *r, bool *out)
{
    return match_common(l, r, true, out);
}

static enum ss_err op_contains(struct ss_policy_eval *ev, const struct pval *l,
                               const struct pval *r, bool *out)
{
    *out = false;
    if (ss__pv_is_array(l)) {
        for (size_t i = 0; i < ss__pv_len(l) && !*out; i++) {
            struct pval m = ss__pv_at(l, i);
            *out = ss__pv_equal(&m, r);
        }
        return SS_OK;
    }
    char t1[32], t2[32];
    struct ss_str s, p;
    if (missing(l) || !ss__pv_text(l, t1, &s) || !ss__pv_text(r, t2, &p))
        return SS_OK;
    for (size_t i = 0; i + p.len <= s.len && !*out; i++)
        *out = p.len == 0 || ss_mem_eq_nocase(s.ptr + i, p.ptr, p.len);
    return SS_OK;
}

static enum ss_err op_in(struct ss_policy_eval *ev, const struct pval *l, const struct pval *r,
                         bool *out)
{
    if (!ss__pv_is_array(r))
        return ss__eval_fail(ev, "in: the value is not an array");
    *out = false;
    for (size_t i = 0; i < ss__pv_len(r) && !*out && !missing(l); i++) {
        struct pval m = ss__pv_at(r, i);
        *out = ss__pv_equal(l, &m);
    }
    return SS_OK;
}

static enum ss_err op_contains_key(struct ss_policy_eval *ev, const struct pval *l,
                                   const struct pval *r, bool *out)
{
    char t[32];
    struct ss_str k;
    *out = false;
    if (ss__pv_is_object(l) && ss__pv_text(r, t, &k)) {
        struct pval m = ss__pv_get(l, k.ptr, k.len);
        *out = m.kind != PV_NONE;
    }
    return SS_OK;
}

static enum ss_err op_exists(struct ss_policy_eval *ev, const struct pval *l, const struct pval *r,
                             bool *out)
{
    if (r->kind != PV_BOOL && r->kind != PV_STR)
        return ss__eval_fail(ev, "exists: expected true or false");
    *out = !missing(l) == ss__pv_truthy(r);
    return SS_OK;
}

static enum ss_err order(const struct pval *l, const struct pval *r, int *c, bool *ok)
{
    *ok = !missing(l) && ss__pv_order(l, r, c);
    return SS_OK;
}

#define ORDER_OP(fname, test)                                                                      \
    static enum ss_err fname(struct ss_policy_eval *ev, const struct pval *l,                      \
                             const struct pval *r, bool *out)                                      \
    {                                                                                              \
        int c = 0;                                                                                 \
        bool ok;                                                                                   \
        enum ss_err e = order(l, r, &c, &ok);                                                      \
        *out = ok && (test);                                                                       \
        return e;                                                                                  \
    }
ORDER_OP(op_less, c < 0)
ORDER_OP(op_less_eq, c <= 0)
ORDER_OP(op_greater, c > 0)
ORDER_OP(op_greater_eq, c >= 0)
#undef ORDER_OP

/* The operator table: name, implementation, negated. */
static const struct op_def {
    const char *name;
    op_fn run;
    bool negate;
} ops[] = {
    {"equals", op_equals, false},
    {"notEquals", op_equals, true},
    {"like", op_like, false},
    {"notLike", op_like, true},
    {"match", op_match, false},
    {"notMatch", op_match, true},
    {"matchInsensitively", op_match_ci, false},
    {"notMatchInsensitively", op_match_ci, true},
    {"contains", op_contains, false},
    {"notContains", op_contains, true},
    {"in", op_in, false},
    {"notIn", op_in, true},
    {"containsKey", op_contains_key, false},
    {"notContainsKey", op_contains_key, true},
    {"less", op_less, false},
    {"lessOrEquals", op_less_eq, false},
    {"greater", op_greater, false},
    {"greaterOrEquals", op_greater_eq, false},
    {"exists", op_exists, false},
};

int ss__op_find(const char *name, size_t len)
{
    for (size_t i = 0; i < SS_ARRAY_LEN(ops); i++)
        if (strlen(ops[i].name) == len && ss_mem_eq_nocase(ops[i].name, name, len))
            return (int)i;
    return -1;
}

static enum ss_err apply_op(struct ss_policy_eval *ev, int op, const struct pval *l,
                            const struct pval *r, bool *out)
{
    enum ss_err e = ops[op].run(ev, l, r, out);
    if (ops[op].negate)
        *out = !*out;
    return e;
}

/* ---- conditions ---- */

static enum ss_err eval_cond(struct ss_policy_eval *ev, const struct pcond *n, bool *out);

static enum ss_err eval_field_leaf(struct ss_policy_eval *ev, const struct pcond *n,
                                   const struct pval *rhs, bool *out)
{
    struct fsel sel;
    enum ss_err e = read_field(ev, ev->res, &n->field, &sel);
    if (e != SS_OK)
        return e;
    if (!sel.coll)
        return apply_op(ev, n->op, &sel.one, rhs, out);
    *out = true; /* implicit allOf over the members, vacuous on none */
    for (size_t i = 0; i < sel.list.n && *out; i++) {
        struct pval m = ss__pv_json(sel.list.v[i]);
        if ((e = apply_op(ev, n->op, &m, rhs, out)) != SS_OK)
            return e;
    }
    return SS_OK;
}

static enum ss_err push_frame(struct ss_policy_eval *ev, struct pframe **fr)
{
    if (ev->nframes >= SS_ARRAY_LEN(ev->frames))
        return ss__eval_fail(ev, "count nested too deep");
    *fr = &ev->frames[ev->nframes++];
    memset(*fr, 0, sizeof(**fr));
    return SS_OK;
}

static enum ss_err count_field(struct ss_policy_eval *ev, const struct pcount *k, size_t *n)
{
    struct jlist l = {0};
    enum ss_err e = select_alias(ev, ev->res, &k->field, false, &l);
    uint32_t last = 0;
    for (uint32_t i = 0; i < k->field.nsegs; i++)
        if (k->field.segs[i].star)
            last = i + 1;
    *n = 0;
    for (size_t i = 0; e == SS_OK && i < l.n; i++) {
        bool hit = true;
        if (k->where) {
            struct pframe *fr = NULL;
            if ((e = push_frame(ev, &fr)) != SS_OK)
                return e;
            fr->by_field = true;
            fr->field = &k->field;
            fr->nsegs = last;
            fr->member = l.v[i];
            e = eval_cond(ev, k->where, &hit);
            ev->nframes--;
        }
        *n += hit;
    }
    return e;
}

static enum ss_err count_value(struct ss_policy_eval *ev, const struct pcount *k, size_t *n)
{
    struct pval arr;
    enum ss_err e = ss__expr_eval(ev, &k->value, &arr);
    *n = 0;
    if (e != SS_OK || arr.kind == PV_NONE || arr.kind == PV_NULL)
        return e;
    if (!ss__pv_is_array(&arr))
        return ss__eval_fail(ev, "count.value: not an array");
    size_t len = ss__pv_len(&arr);
    if (len > SS_POLICY_MAX_VALUE_COUNT)
        return ss__eval_fail(ev, "count.value: more than %d members", SS_POLICY_MAX_VALUE_COUNT);
    for (size_t i = 0; e == SS_OK && i < len; i++) {
        bool hit = true;
        if (k->where) {
            struct pframe *fr = NULL;
            if ((e = push_frame(ev, &fr)) != SS_OK)
                return e;
            fr->name = k->name;
            fr->vmember = ss__pv_at(&arr, i);
            e = eval_cond(ev, k->where, &hit);
            ev->nframes--;
        }
        *n += hit;
    }
    return e;
}

static enum ss_err eval_leaf(struct ss_policy_eval *ev, const struct pcond *n, bool *out)
{
    if (ev->app && !n->structural) {
        *out = !ev->neg; /* not a type/name/kind condition: assume it holds */
        return SS_OK;
    }
    struct pval rhs, lhs;
    enum ss_err e = ss__expr_eval(ev, &n->rhs, &rhs);
    if (e != SS_OK)
        return e;
    ev->why = n->ptr;
    if (n->opd == OPD_FIELD)
        return eval_field_leaf(ev, n, &rhs, out);
    if (n->opd == OPD_VALUE) {
        e = ss__expr_eval(ev, &n->value, &lhs);
    } else {
        size_t cnt;
        const struct pcount *k = n->count;
        e = k->by_field ? count_field(ev, k, &cnt) : count_value(ev, k, &cnt);
        lhs = ss__pv_num((double)cnt);
        ev->why = n->ptr;
    }
    return e != SS_OK ? e : apply_op(ev, n->op, &lhs, &rhs, out);
}

static enum ss_err eval_cond(struct ss_policy_eval *ev, const struct pcond *n, bool *out)
{
    enum ss_err e = ss__step(ev);
    if (e != SS_OK)
        return e;
    switch (n->kind) {
    case PC_LEAF:
        return eval_leaf(ev, n, out);
    case PC_NOT:
        ev->neg = !ev->neg;
        e = eval_cond(ev, n->kids[0], out);
        ev->neg = !ev->neg;
        *out = !*out;
        return e;
    case PC_ALLOF:
    case PC_ANYOF: {
        bool want = n->kind == PC_ANYOF; /* the value that decides early */
        *out = !want;
        for (uint32_t i = 0; i < n->nkids; i++) {
            bool r;
            if ((e = eval_cond(ev, n->kids[i], &r)) != SS_OK)
                return e;
            if (r == want) {
                *out = want;
                return SS_OK;
            }
        }
        return SS_OK;
    }
    }
    return SS_OK;
}

/* ---- effects ---- */

static void set_why(struct ss_policy_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_why(struct ss_policy_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof(r->why), fmt, ap);
    va_end(ap);
}

/* Effects that do not give a compliance state from resource configuration. */
static bool effect_skipped(enum ss_policy_effect e)
{
    return e == SS_EFFECT_DISABLED || e == SS_EFFECT_MANUAL || e == SS_EFFECT_DENY_ACTION ||
           e == SS_EFFECT_AUDIT_ACTION || e == SS_EFFECT_MUTATE || e == SS_EFFECT_ENFORCE_REGO ||
           e == SS_EFFECT_ENFORCE_SETTING;
}

/* Indexed mode evaluates only resources that carry tags and location. */
static bool indexed_skips(const struct ss_policy *p, struct ss_json res)
{
    struct ss_str t = ss__res_type(res);
    return p->indexed && (ss_str_eq_nocase(t, "Microsoft.Resources/subscriptions") ||
                          ss_str_eq_nocase(t, "Microsoft.Resources/resourceGroups") ||
                          ss_str_eq_nocase(t, "Microsoft.Resources/subscriptions/resourceGroups"));
}

struct related {
    struct ss_policy_eval *ev;
    struct ss_str name; /* wanted name, {NULL,0} = any */
    bool found;
    enum ss_err err;
};

static struct ss_str last_seg(struct ss_str s)
{
    size_t i = s.len;
    while (i && s.ptr[i - 1] != '/')
        i--;
    struct ss_str r = {s.ptr + i, s.len - i};
    return r;
}

static bool related_one(void *ctx, struct ss_json res)
{
    struct related *rl = ctx;
    struct ss_policy_eval *ev = rl->ev;
    if (rl->name.ptr) {
        struct ss_str want = last_seg(rl->name);
        struct ss_str have = last_seg(ss_json_str(ss_json_get_nocase(res, "name", 4)));
        if (!ss__like(have, want))
            return true;
    }
    bool ok = true;
    if (ev->p->exist) {
        ev->res = res;
        rl->err = eval_cond(ev, ev->p->exist, &ok);
        ev->res = ev->trigger;
    }
    rl->found = rl->err == SS_OK && ok;
    return rl->err == SS_OK && !ok;
}

static enum ss_err related_text(struct ss_policy_eval *ev, const struct pexpr *x,
                                struct ss_str *out)
{
    struct pval v;
    enum ss_err e = ss__expr_eval(ev, x, &v);
    if (e != SS_OK)
        return e;
    if (v.kind != PV_STR)
        return ss__eval_fail(ev, "details: expected a string");
    *out = v.u.s;
    return SS_OK;
}

/* Whether related resources of `type` hang off the triggering resource. */
static bool child_scoped(struct ss_str trig_type, struct ss_str type)
{
    static const char *const extensions[] = {
        "Microsoft.Insights/diagnosticSettings", "Microsoft.Security/assessments",
        "Microsoft.GuestConfiguration/guestConfigurationAssignments",
        "Microsoft.Security/advancedThreatProtectionSettings"};
    for (size_t i = 0; i < SS_ARRAY_LEN(extensions); i++)
        if (ss_str_eq_nocase(type, extensions[i]))
            return true;
    return type.len > trig_type.len + 1 &&
           ss_mem_eq_nocase(type.ptr, trig_type.ptr, trig_type.len) &&
           type.ptr[trig_type.len] == '/';
}

static enum ss_err find_related(struct ss_policy_eval *ev, struct related *rl, struct ss_str type)
{
    const struct ss_policy *p = ev->p;
    struct ss_str id = ss_json_str(ss_json_get_nocase(ev->trigger, "id", 2));
    struct ss_str sub = ss__id_scope(id, false), rg = ss__id_scope(id, true);
    if (p->has_rel_rg) {
        struct ss_str name = {NULL, 0};
        enum ss_err e = related_text(ev, &p->rel_rg, &name);
        if (e != SS_OK)
            return e;
        char *buf = ss_arena_alloc(&ev->mem, sub.len + name.len + 17);
        int n = snprintf(buf, sub.len + name.len + 17, "%.*s/resourceGroups/%.*s", (int)sub.len,
                         sub.ptr, (int)name.len, name.ptr);
        ss__inv_each(ev->inv, INV_GROUP, (struct ss_str){buf, (size_t)n}, type, related_one, rl);
        return rl->err;
    }
    if (p->rel_sub_scope) {
        ss__inv_each(ev->inv, INV_SUBSCRIPTION, sub, type, related_one, rl);
        return rl->err;
    }
    ss__inv_each(ev->inv, INV_PARENT, id, type, related_one, rl);
    if (rl->err == SS_OK && !rl->found && !child_scoped(ss__res_type(ev->trigger), type) &&
        !ss__inv_resource_scoped(ev->inv, type))
        ss__inv_each(ev->inv, rg.len ? INV_GROUP : INV_SUBSCRIPTION, rg.len ? rg : sub, type,
                     related_one, rl);
    return rl->err;
}

static enum ss_err eval_if_not_exists(struct ss_policy_eval *ev, struct ss_policy_result *r)
{
    const struct ss_policy *p = ev->p;
    struct related rl = {.ev = ev};
    struct ss_str type = {NULL, 0};
    enum ss_err e = related_text(ev, &p->rel_type, &type);
    if (e == SS_OK && p->has_rel_name)
        e = related_text(ev, &p->rel_name, &rl.name);
    if (e == SS_OK)
        e = find_related(ev, &rl, type);
    if (e != SS_OK)
        return e;
    r->outcome = rl.found ? SS_POLICY_HEALTHY : SS_POLICY_UNHEALTHY;
    if (rl.found || p->exist)
        set_why(r, "%s", p->exist ? p->exist->ptr : "related resource exists");
    else
        set_why(r, "no related %.*s", (int)type.len, type.ptr);
    if (!rl.found && p->exist)
        set_why(r, "%s (no related %.*s satisfies it)", p->exist->ptr, (int)type.len, type.ptr);
    return SS_OK;
}

static enum ss_err run(struct ss_policy_eval *ev, struct ss_policy_result *r)
{
    const struct ss_policy *p = ev->p;
    bool hit;
    enum ss_err e;
    if (p->data_plane || effect_skipped(p->effect) || indexed_skips(p, ev->res)) {
        r->outcome = SS_POLICY_NOT_APPLICABLE;
        if (p->data_plane)
            set_why(r, "data-plane mode %.*s", (int)p->mode.len, p->mode.ptr);
        else if (effect_skipped(p->effect))
            set_why(r, "effect %s", ss_policy_effect_name(p->effect));
        else
            set_why(r, "mode Indexed skips this type");
        return SS_OK;
    }
    if (p->effect == SS_EFFECT_AUDIT_IF_NOT_EXISTS || p->effect == SS_EFFECT_DEPLOY_IF_NOT_EXISTS) {
        if ((e = eval_cond(ev, p->cond, &hit)) != SS_OK)
            return e;
        if (!hit) {
            r->outcome = SS_POLICY_NOT_APPLICABLE;
            set_why(r, "%s", ev->why ? ev->why : p->cond->ptr);
            return SS_OK;
        }
        return eval_if_not_exists(ev, r);
    }
    ev->app = true;
    e = eval_cond(ev, p->cond, &hit);
    ev->app = false;
    if (e == SS_OK && !hit) {
        r->outcome = SS_POLICY_NOT_APPLICABLE;
        set_why(r, "%s", ev->why ? ev->why : p->cond->ptr);
        return SS_OK;
    }
    ev->why = NULL;
    if (e == SS_OK)
        e = eval_cond(ev, p->cond, &hit);
    r->outcome = hit ? SS_POLICY_UNHEALTHY : SS_POLICY_HEALTHY;
    set_why(r, "%s", ev->why ? ev->why : p->cond->ptr);
    return e;
}

static void eval_begin(struct ss_policy_eval *ev, const struct ss_policy *p, struct ss_json res,
                       const struct ss_policy_inventory *inv, struct ss_diag *diag)
{
    ss_arena_reset(&ev->mem);
    ev->p = p;
    ev->res = ev->trigger = res;
    ev->inv = inv;
    ev->nframes = 0;
    ev->steps = 0;
    ev->max_steps = p->max_steps;
    ev->app = ev->neg = false;
    ev->why = NULL;
    ev->diag = diag;
}

enum ss_err ss__policy_eval_if(struct ss_policy_eval *ev, const struct ss_policy *p,
                               struct ss_json res, bool *out, struct ss_diag *diag)
{
    eval_begin(ev, p, res, NULL, diag);
    return eval_cond(ev, p->cond, out);
}

enum ss_err ss_policy_evaluate(struct ss_policy_eval *ev, const struct ss_policy *p,
                               struct ss_json resource, const struct ss_policy_inventory *inv,
                               struct ss_policy_result *out, struct ss_diag *diag)
{
    eval_begin(ev, p, resource, inv, diag);
    struct ss_policy_result r = {.outcome = SS_POLICY_NOT_APPLICABLE};
    if (ss_json_kind(resource) != SS_JSON_OBJECT)
        return ss_diag_set(diag, SS_EINPUT, "a resource must be a JSON object");
    enum ss_err e = run(ev, &r);
    if (e != SS_OK)
        return e;
    *out = r;
    return SS_OK;
}
