/*
 * Template expressions: "[f(a, 'b', 3).prop[0]]" (research/azure_policy.md
 * §2.6; ARM template functions plus the policy ones).
 *
 * Stages: a hand-written recursive-descent parser builds `struct xnode`
 * trees at compile time (function names resolved to indexes into `fns[]`,
 * `parameters('x')`, `field('x')` and `current('x')` with literal names
 * resolved too); evaluation walks the tree with arena-only allocation.
 * Functions whose arguments must not all be evaluated (if, and, or,
 * coalesce) are marked lazy and evaluate their own arguments.
 */
#include "common/setup.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "common/limits.h"
#include "policy/internal.h"

typedef enum ss_err (*fn_impl)(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                               struct pval *out);

struct fn_def {
    const char *name;
    uint8_t min, max; /* argument counts */
    bool lazy;        /* gets a == NULL and evaluates x->args itself */
    fn_impl run;
};

static const struct fn_def *fn_at(int i);

/* ---- parser ---- */

struct xparser {
    struct ss_policy_c *c;
    const char *s;
    size_t len, pos;
    uint32_t depth;
    struct ss_diag *diag;
};

static enum ss_err xfail(struct xparser *xp, const char *what)
{
    enum ss_err e =
        ss_diag_set(xp->diag, SS_EINPUT, "template expression: %s at offset %zu in '[%.*s]'", what,
                    xp->pos, (int)SS_MIN(xp->len, 200), xp->s);
    ss_diag_set_pointer(xp->diag, xp->c->path.buf);
    return e;
}

static void skip_ws(struct xparser *xp)
{
    while (xp->pos < xp->len && isspace((unsigned char)xp->s[xp->pos]))
        xp->pos++;
}

static struct xnode *xnew(struct xparser *xp, enum xkind k)
{
    struct xnode *x = ss_arena_calloc(&xp->c->p->mem, 1, sizeof(*x));
    x->kind = k;
    x->pos = (uint32_t)xp->pos;
    x->param = -1;
    return x;
}

static enum ss_err parse_expr(struct xparser *xp, struct xnode **out);

static enum ss_err parse_string(struct xparser *xp, struct xnode **out)
{
    struct xnode *x = xnew(xp, X_STR);
    char *buf = ss_arena_alloc(&xp->c->p->mem, xp->len - xp->pos + 1);
    size_t n = 0;
    xp->pos++; /* opening quote */
    for (;;) {
        if (xp->pos >= xp->len)
            return xfail(xp, "unterminated string");
        char ch = xp->s[xp->pos++];
        if (ch == '\'') {
            if (xp->pos < xp->len && xp->s[xp->pos] == '\'') {
                buf[n++] = '\'';
                xp->pos++;
                continue;
            }
            break;
        }
        buf[n++] = ch;
    }
    x->s.ptr = buf;
    x->s.len = n;
    *out = x;
    return SS_OK;
}

static enum ss_err parse_number(struct xparser *xp, struct xnode **out)
{
    struct xnode *x = xnew(xp, X_NUM);
    size_t start = xp->pos;
    if (xp->s[xp->pos] == '-')
        xp->pos++;
    while (xp->pos < xp->len && (isdigit((unsigned char)xp->s[xp->pos]) || xp->s[xp->pos] == '.'))
        xp->pos++;
    char buf[64];
    size_t n = xp->pos - start;
    if (n == 0 || n >= sizeof(buf))
        return xfail(xp, "bad number");
    memcpy(buf, xp->s + start, n);
    buf[n] = '\0';
    char *end;
    x->num = strtod(buf, &end);
    if (*end)
        return xfail(xp, "bad number");
    *out = x;
    return SS_OK;
}

/* Resolves literal parameter names and field paths once, at compile time. */
static enum ss_err resolve_call(struct xparser *xp, struct xnode *x)
{
    const char *name = fn_at(x->fn)->name;
    if (x->nargs < fn_at(x->fn)->min || x->nargs > fn_at(x->fn)->max)
        return xfail(xp, "wrong number of arguments");
    if (x->nargs == 0 || x->args[0]->kind != X_STR)
        return SS_OK;
    struct ss_str a = x->args[0]->s;
    struct ss_policy *p = xp->c->p;
    if (strcmp(name, "parameters") == 0) {
        for (uint32_t i = 0; i < p->nparams; i++)
            if (ss__str_eq_ci(p->params[i].name, a))
                x->param = (int)i;
        if (x->param < 0)
            return xfail(xp, "unknown parameter");
        if (!ss_json_exists(p->params[x->param].value)) {
            enum ss_err e = ss_diag_set(xp->diag, SS_EINPUT, "parameter '%.*s' has no value",
                                        (int)a.len, a.ptr);
            ss_diag_set_pointer(xp->diag, xp->c->path.buf);
            return e;
        }
    } else if (strcmp(name, "field") == 0 || strcmp(name, "current") == 0) {
        x->fref = ss_arena_calloc(&p->mem, 1, sizeof(*x->fref));
        enum ss_err e = ss__field_parse(&p->mem, p->aliases, a.ptr, a.len, x->fref, xp->diag);
        if (e != SS_OK) {
            ss_diag_set_pointer(xp->diag, xp->c->path.buf);
            return e;
        }
    }
    return SS_OK;
}

static enum ss_err parse_call(struct xparser *xp, struct xnode **out)
{
    struct xnode *x = xnew(xp, X_CALL);
    size_t start = xp->pos;
    while (xp->pos < xp->len && (isalnum((unsigned char)xp->s[xp->pos]) || xp->s[xp->pos] == '_'))
        xp->pos++;
    x->fn = ss__fn_find(xp->s + start, xp->pos - start);
    if (x->fn < 0) {
        xp->pos = start;
        enum ss_err e =
            ss_diag_set(xp->diag, SS_EUNSUPPORTED, "template expression: unknown function '%.*s'",
                        (int)SS_MIN(xp->len - start, 40), xp->s + start);
        ss_diag_set_pointer(xp->diag, xp->c->path.buf);
        return e;
    }
    skip_ws(xp);
    if (xp->pos >= xp->len || xp->s[xp->pos] != '(')
        return xfail(xp, "expected '('");
    xp->pos++;
    struct xnode *args[SS_POLICY_MAX_ARGS];
    uint32_t n = 0;
    skip_ws(xp);
    while (xp->pos < xp->len && xp->s[xp->pos] != ')') {
        if (n == SS_POLICY_MAX_ARGS)
            return xfail(xp, "too many arguments");
        enum ss_err e = parse_expr(xp, &args[n++]);
        if (e != SS_OK)
            return e;
        skip_ws(xp);
        if (xp->pos < xp->len && xp->s[xp->pos] == ',') {
            xp->pos++;
            skip_ws(xp);
        } else if (xp->pos >= xp->len || xp->s[xp->pos] != ')') {
            return xfail(xp, "expected ',' or ')'");
        }
    }
    if (xp->pos >= xp->len)
        return xfail(xp, "expected ')'");
    xp->pos++;
    x->args = ss_arena_memdup(&xp->c->p->mem, args, n * sizeof(args[0]) + 1);
    x->nargs = n;
    *out = x;
    return resolve_call(xp, x);
}

static enum ss_err parse_postfix(struct xparser *xp, struct xnode **inout)
{
    for (;;) {
        skip_ws(xp);
        if (xp->pos >= xp->len || (xp->s[xp->pos] != '.' && xp->s[xp->pos] != '['))
            return SS_OK;
        bool dot = xp->s[xp->pos++] == '.';
        struct xnode *x = xnew(xp, dot ? X_PROP : X_INDEX);
        x->args = ss_arena_calloc(&xp->c->p->mem, 2, sizeof(*x->args));
        x->args[0] = *inout;
        x->nargs = 1;
        if (dot) {
            size_t start = xp->pos;
            while (xp->pos < xp->len &&
                   (isalnum((unsigned char)xp->s[xp->pos]) || xp->s[xp->pos] == '_'))
                xp->pos++;
            if (xp->pos == start)
                return xfail(xp, "expected a property name");
            x->s.ptr = xp->s + start;
            x->s.len = xp->pos - start;
        } else {
            enum ss_err e = parse_expr(xp, &x->args[1]);
            if (e != SS_OK)
                return e;
            skip_ws(xp);
            if (xp->pos >= xp->len || xp->s[xp->pos] != ']')
                return xfail(xp, "expected ']'");
            xp->pos++;
            x->nargs = 2;
        }
        *inout = x;
    }
}

static enum ss_err parse_expr(struct xparser *xp, struct xnode **out)
{
    if (++xp->depth > SS_POLICY_MAX_EXPR_DEPTH) {
        enum ss_err e =
            ss_diag_set(xp->diag, SS_EDEPTH, "template expression nested deeper than %d",
                        SS_POLICY_MAX_EXPR_DEPTH);
        ss_diag_set_pointer(xp->diag, xp->c->path.buf);
        return e;
    }
    skip_ws(xp);
    if (xp->pos >= xp->len)
        return xfail(xp, "unexpected end");
    char ch = xp->s[xp->pos];
    enum ss_err e;
    if (ch == '\'')
        e = parse_string(xp, out);
    else if (ch == '-' || isdigit((unsigned char)ch))
        e = parse_number(xp, out);
    else if (isalpha((unsigned char)ch))
        e = parse_call(xp, out);
    else
        e = xfail(xp, "unexpected character");
    if (e == SS_OK)
        e = parse_postfix(xp, out);
    xp->depth--;
    return e;
}

enum ss_err ss__expr_parse(struct ss_policy_c *c, const char *p, size_t len, struct xnode **out,
                           struct ss_diag *diag)
{
    struct xparser xp = {.c = c, .s = p, .len = len, .diag = diag};
    if (len > SS_POLICY_MAX_EXPR_LEN)
        return xfail(&xp, "expression too long");
    enum ss_err e = parse_expr(&xp, out);
    if (e != SS_OK)
        return e;
    skip_ws(&xp);
    if (xp.pos != xp.len)
        return xfail(&xp, "unexpected text after the expression");
    return SS_OK;
}

/* ---- evaluation ---- */

static char *astr(struct ss_policy_eval *ev, size_t len)
{
    return ss_arena_alloc(&ev->mem, len + 1);
}

static struct pval *aarr(struct ss_policy_eval *ev, size_t n)
{
    return ss_arena_calloc(&ev->mem, n ? n : 1, sizeof(struct pval));
}

static struct pval mkarr(struct pval *v, size_t n)
{
    struct pval r = {.kind = PV_ARR};
    r.u.a.v = v;
    r.u.a.n = n;
    return r;
}

/* The text of a scalar argument, or an error naming the function. */
static enum ss_err text_arg(struct ss_policy_eval *ev, const struct xnode *x, const struct pval *v,
                            char *tmp, struct ss_str *out)
{
    if (v->kind == PV_NONE) {
        out->ptr = "";
        out->len = 0;
        return SS_OK;
    }
    if (!ss__pv_text(v, tmp, out))
        return ss__eval_fail(ev, "%s(): expected a string", fn_at(x->fn)->name);
    return SS_OK;
}

static enum ss_err num_arg(struct ss_policy_eval *ev, const struct xnode *x, const struct pval *v,
                           double *out)
{
    if (v->kind == PV_NUM && isfinite(v->u.num)) {
        *out = v->u.num;
        return SS_OK;
    }
    if (v->kind == PV_STR && v->u.s.len && v->u.s.len < 40) {
        char buf[48], *end;
        memcpy(buf, v->u.s.ptr, v->u.s.len);
        buf[v->u.s.len] = '\0';
        *out = strtod(buf, &end);
        if (*end == '\0' && isfinite(*out))
            return SS_OK;
    }
    return ss__eval_fail(ev, "%s(): expected a number", fn_at(x->fn)->name);
}

/* An array index from a number; SIZE_MAX (absent) when negative, fractional or huge. */
static size_t to_index(double d)
{
    return d >= 0 && d < 1e15 && d == floor(d) ? (size_t)d : SIZE_MAX;
}

enum ss_err ss__xeval(struct ss_policy_eval *ev, const struct xnode *x, struct pval *out)
{
    enum ss_err e = ss__step(ev);
    if (e != SS_OK)
        return e;
    switch (x->kind) {
    case X_STR:
        *out = ss__pv_str(x->s.ptr, x->s.len);
        return SS_OK;
    case X_NUM:
        *out = ss__pv_num(x->num);
        return SS_OK;
    case X_PROP: {
        struct pval base;
        if ((e = ss__xeval(ev, x->args[0], &base)) != SS_OK)
            return e;
        *out = ss__pv_get(&base, x->s.ptr, x->s.len);
        return SS_OK;
    }
    case X_INDEX: {
        struct pval base, idx;
        if ((e = ss__xeval(ev, x->args[0], &base)) != SS_OK ||
            (e = ss__xeval(ev, x->args[1], &idx)) != SS_OK)
            return e;
        if (idx.kind == PV_NUM)
            *out = ss__pv_at(&base, to_index(idx.u.num));
        else if (idx.kind == PV_STR)
            *out = ss__pv_get(&base, idx.u.s.ptr, idx.u.s.len);
        else
            return ss__eval_fail(ev, "bad index");
        return SS_OK;
    }
    case X_CALL:
        break;
    }
    const struct fn_def *f = fn_at(x->fn);
    if (f->lazy)
        return f->run(ev, x, NULL, out);
    struct pval *a = aarr(ev, x->nargs);
    for (uint32_t i = 0; i < x->nargs; i++)
        if ((e = ss__xeval(ev, x->args[i], &a[i])) != SS_OK)
            return e;
    return f->run(ev, x, a, out);
}

enum ss_err ss__expr_eval(struct ss_policy_eval *ev, const struct pexpr *e, struct pval *out)
{
    if (e->x)
        return ss__xeval(ev, e->x, out);
    *out = ss__pv_json(e->lit);
    if (e->escaped && out->kind == PV_STR && out->u.s.len) {
        out->u.s.ptr++;
        out->u.s.len--;
    }
    return SS_OK;
}

/* ---- functions: policy ---- */

static enum ss_err fn_parameters(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                                 struct pval *out)
{
    const struct ss_policy *p = ev->p;
    int idx = x->param;
    if (idx < 0 && a[0].kind == PV_STR)
        for (uint32_t i = 0; i < p->nparams; i++)
            if (ss__str_eq_ci(p->params[i].name, a[0].u.s))
                idx = (int)i;
    if (idx < 0 || !ss_json_exists(p->params[idx].value))
        return ss__eval_fail(ev, "parameters(): no value for this parameter");
    *out = ss__pv_json(p->params[idx].value);
    return SS_OK;
}

static enum ss_err path_arg(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct fieldref **f)
{
    if (x->fref) {
        *f = x->fref;
        return SS_OK;
    }
    if (a[0].kind != PV_STR)
        return ss__eval_fail(ev, "%s(): expected a field name", fn_at(x->fn)->name);
    *f = ss_arena_calloc(&ev->mem, 1, sizeof(**f));
    if (ss__field_parse(&ev->mem, ev->p->aliases, a[0].u.s.ptr, a[0].u.s.len, *f, ev->diag))
        return ss__eval_fail(ev, "%s(): bad field name", fn_at(x->fn)->name);
    return SS_OK;
}

static enum ss_err fn_field(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct pval *out)
{
    struct fieldref *f = NULL;
    enum ss_err e = path_arg(ev, x, a, &f);
    if (e == SS_OK)
        e = ss__field_value(ev, ev->trigger, f, false, out);
    return e;
}

static enum ss_err fn_current(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                              struct pval *out)
{
    if (ev->nframes == 0)
        return ss__eval_fail(ev, "current(): outside a count");
    const struct pframe *top = &ev->frames[ev->nframes - 1];
    if (x->nargs == 0) {
        *out = top->by_field ? ss__pv_json(top->member) : top->vmember;
        return SS_OK;
    }
    if (a[0].kind == PV_STR)
        for (uint32_t i = ev->nframes; i-- > 0;)
            if (!ev->frames[i].by_field && ss__str_eq_ci(ev->frames[i].name, a[0].u.s)) {
                *out = ev->frames[i].vmember;
                return SS_OK;
            }
    struct fieldref *f = NULL;
    enum ss_err e = path_arg(ev, x, a, &f);
    if (e == SS_OK)
        e = ss__field_value(ev, ev->res, f, true, out);
    if (e == SS_OK && ss__pv_is_array(out) && ss__pv_len(out) == 1 && f->nstars)
        *out = ss__pv_at(out, 0); /* current() gives the member itself */
    return e;
}

/* Builds an object from alternating key/value pairs. */
static struct pval mkobj(struct ss_policy_eval *ev, size_t n)
{
    struct pval r = {.kind = PV_OBJ};
    r.u.a.v = aarr(ev, n);
    r.u.a.k = ss_arena_calloc(&ev->mem, n ? n : 1, sizeof(struct ss_str));
    r.u.a.n = n;
    return r;
}

/* Resource-group and subscription objects derived from the resource id. */
static struct ss_str id_part(struct ss_json res, const char *seg)
{
    struct ss_str id = ss_json_str(ss_json_get_nocase(res, "id", 2)), r = {"", 0};
    size_t sl = strlen(seg);
    for (size_t i = 0; id.ptr && i + sl + 2 <= id.len; i++)
        if (id.ptr[i] == '/' && ss_mem_eq_nocase(id.ptr + i + 1, seg, sl) &&
            id.ptr[i + 1 + sl] == '/') {
            size_t s = i + sl + 2, end = s;
            while (end < id.len && id.ptr[end] != '/')
                end++;
            r.ptr = id.ptr + s;
            r.len = end - s;
            return r;
        }
    return r;
}

static enum ss_err fn_resource_group(struct ss_policy_eval *ev, const struct xnode *x,
                                     struct pval *a, struct pval *out)
{
    *out = mkobj(ev, 3);
    struct ss_str name = id_part(ev->trigger, "resourceGroups");
    out->u.a.k[0] = (struct ss_str){"name", 4};
    out->u.a.v[0] = ss__pv_str(name.ptr, name.len);
    out->u.a.k[1] = (struct ss_str){"managedBy", 9};
    out->u.a.v[1] = ss__pv_json(ss_json_get_nocase(ev->trigger, "resourceGroupManagedBy", 22));
    out->u.a.k[2] = (struct ss_str){"location", 8};
    out->u.a.v[2] = ss__pv_json(ss_json_get_nocase(ev->trigger, "location", 8));
    if (out->u.a.v[1].kind == PV_NONE)
        out->u.a.v[1].kind = PV_NULL;
    return SS_OK;
}

static enum ss_err fn_subscription(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                                   struct pval *out)
{
    *out = mkobj(ev, 2);
    struct ss_str sub = id_part(ev->trigger, "subscriptions");
    out->u.a.k[0] = (struct ss_str){"subscriptionId", 14};
    out->u.a.v[0] = ss__pv_str(sub.ptr, sub.len);
    out->u.a.k[1] = (struct ss_str){"id", 2};
    char *id = astr(ev, sub.len + 15);
    int n = snprintf(id, sub.len + 16, "/subscriptions/%.*s", (int)sub.len, sub.ptr);
    out->u.a.v[1] = ss__pv_str(id, (size_t)n);
    return SS_OK;
}

/* Compliance scans use the latest API version (research §2.6). */
static enum ss_err fn_request_context(struct ss_policy_eval *ev, const struct xnode *x,
                                      struct pval *a, struct pval *out)
{
    *out = mkobj(ev, 1);
    out->u.a.k[0] = (struct ss_str){"apiVersion", 10};
    out->u.a.v[0] = ss__pv_str("9999-12-31", 10);
    return SS_OK;
}

static enum ss_err fn_policy(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                             struct pval *out)
{
    *out = mkobj(ev, 1);
    out->u.a.k[0] = (struct ss_str){"definitionId", 12};
    out->u.a.v[0] = ss__pv_str(ev->p->name.ptr ? ev->p->name.ptr : "", ev->p->name.len);
    return SS_OK;
}

/* ---- functions: logic and comparison ---- */

static enum ss_err fn_if(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                         struct pval *out)
{
    struct pval c;
    enum ss_err e = ss__xeval(ev, x->args[0], &c);
    if (e != SS_OK)
        return e;
    if (c.kind != PV_BOOL && c.kind != PV_STR)
        return ss__eval_fail(ev, "if(): the condition is not a boolean");
    return ss__xeval(ev, x->args[ss__pv_truthy(&c) ? 1 : 2], out);
}

static enum ss_err fn_andor(struct ss_policy_eval *ev, const struct xnode *x, bool is_and,
                            struct pval *out)
{
    for (uint32_t i = 0; i < x->nargs; i++) {
        struct pval v;
        enum ss_err e = ss__xeval(ev, x->args[i], &v);
        if (e != SS_OK)
            return e;
        if (ss__pv_truthy(&v) != is_and) {
            *out = ss__pv_bool(!is_and);
            return SS_OK;
        }
    }
    *out = ss__pv_bool(is_and);
    return SS_OK;
}

static enum ss_err fn_and(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                          struct pval *out)
{
    return fn_andor(ev, x, true, out);
}

static enum ss_err fn_or(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                         struct pval *out)
{
    return fn_andor(ev, x, false, out);
}

static enum ss_err fn_coalesce(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                               struct pval *out)
{
    out->kind = PV_NULL;
    for (uint32_t i = 0; i < x->nargs; i++) {
        enum ss_err e = ss__xeval(ev, x->args[i], out);
        if (e != SS_OK || (out->kind != PV_NONE && out->kind != PV_NULL))
            return e;
    }
    out->kind = PV_NULL;
    return SS_OK;
}

static enum ss_err fn_not(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                          struct pval *out)
{
    *out = ss__pv_bool(!ss__pv_truthy(&a[0]));
    return SS_OK;
}

static enum ss_err fn_equals(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                             struct pval *out)
{
    bool none = a[0].kind == PV_NONE && a[1].kind == PV_NONE;
    *out = ss__pv_bool(none || ss__pv_equal(&a[0], &a[1]));
    return SS_OK;
}

static enum ss_err compare(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                           int *cmp)
{
    if (!ss__pv_order(&a[0], &a[1], cmp))
        return ss__eval_fail(ev, "%s(): values cannot be compared", fn_at(x->fn)->name);
    return SS_OK;
}

#define CMP_FN(fname, test)                                                                        \
    static enum ss_err fname(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,     \
                             struct pval *out)                                                     \
    {                                                                                              \
        int c;                                                                                     \
        enum ss_err e = compare(ev, x, a, &c);                                                     \
        *out = ss__pv_bool(test);                                                                  \
        return e;                                                                                  \
    }
CMP_FN(fn_less, c < 0)
CMP_FN(fn_less_eq, c <= 0)
CMP_FN(fn_greater, c > 0)
CMP_FN(fn_greater_eq, c >= 0)
#undef CMP_FN

static enum ss_err fn_true(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                           struct pval *out)
{
    *out = ss__pv_bool(true);
    return SS_OK;
}

static enum ss_err fn_false(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct pval *out)
{
    *out = ss__pv_bool(false);
    return SS_OK;
}

static enum ss_err fn_null(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                           struct pval *out)
{
    out->kind = PV_NULL;
    return SS_OK;
}

static enum ss_err fn_bool(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                           struct pval *out)
{
    if (a[0].kind == PV_NUM)
        *out = ss__pv_bool(a[0].u.num != 0);
    else
        *out = ss__pv_bool(ss__pv_truthy(&a[0]));
    return SS_OK;
}

/* ---- functions: strings ---- */

static enum ss_err fn_concat(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                             struct pval *out)
{
    if (x->nargs && ss__pv_is_array(&a[0])) {
        size_t n = 0, k = 0;
        for (uint32_t i = 0; i < x->nargs; i++)
            n += ss__pv_len(&a[i]);
        struct pval *v = aarr(ev, n);
        for (uint32_t i = 0; i < x->nargs; i++)
            for (size_t j = 0; j < ss__pv_len(&a[i]); j++)
                v[k++] = ss__pv_at(&a[i], j);
        *out = mkarr(v, k);
        return SS_OK;
    }
    struct ss_str parts[SS_POLICY_MAX_ARGS];
    char tmp[SS_POLICY_MAX_ARGS][32];
    size_t total = 0;
    for (uint32_t i = 0; i < x->nargs; i++) {
        enum ss_err e = text_arg(ev, x, &a[i], tmp[i], &parts[i]);
        if (e != SS_OK)
            return e;
        total += parts[i].len;
    }
    if (total > SS_POLICY_MAX_STRING)
        return ss__eval_fail(ev, "concat(): result too long");
    char *s = astr(ev, total);
    size_t o = 0;
    for (uint32_t i = 0; i < x->nargs; i++) {
        memcpy(s + o, parts[i].ptr, parts[i].len);
        o += parts[i].len;
    }
    *out = ss__pv_str(s, o);
    return SS_OK;
}

static enum ss_err map_case(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct pval *out, int (*f)(int))
{
    char tmp[32];
    struct ss_str s;
    enum ss_err e = text_arg(ev, x, &a[0], tmp, &s);
    if (e != SS_OK)
        return e;
    char *r = astr(ev, s.len);
    for (size_t i = 0; i < s.len; i++)
        r[i] = (char)f((unsigned char)s.ptr[i]);
    *out = ss__pv_str(r, s.len);
    return SS_OK;
}

static enum ss_err fn_to_lower(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                               struct pval *out)
{
    return map_case(ev, x, a, out, tolower);
}

static enum ss_err fn_to_upper(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                               struct pval *out)
{
    return map_case(ev, x, a, out, toupper);
}

static enum ss_err fn_trim(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                           struct pval *out)
{
    char tmp[32];
    struct ss_str s;
    enum ss_err e = text_arg(ev, x, &a[0], tmp, &s);
    while (e == SS_OK && s.len && isspace((unsigned char)s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (e == SS_OK && s.len && isspace((unsigned char)s.ptr[s.len - 1]))
        s.len--;
    *out = ss__pv_str(s.ptr, s.len);
    return e;
}

/* Finds `n` in `h` (case-insensitive when nocase); returns the offset or SIZE_MAX. */
static size_t find_str(struct ss_str h, struct ss_str n, bool nocase, bool last)
{
    if (n.len > h.len)
        return SIZE_MAX;
    size_t found = SIZE_MAX;
    for (size_t i = 0; i + n.len <= h.len; i++) {
        bool eq = nocase ? (n.len == 0 || ss_mem_eq_nocase(h.ptr + i, n.ptr, n.len))
                         : memcmp(h.ptr + i, n.ptr, n.len) == 0;
        if (eq) {
            found = i;
            if (!last)
                break;
        }
    }
    return found;
}

static enum ss_err two_texts(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                             char tmp[2][32], struct ss_str s[2])
{
    enum ss_err e = text_arg(ev, x, &a[0], tmp[0], &s[0]);
    return e != SS_OK ? e : text_arg(ev, x, &a[1], tmp[1], &s[1]);
}

static enum ss_err fn_contains(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                               struct pval *out)
{
    if (ss__pv_is_array(&a[0])) {
        bool found = false;
        for (size_t i = 0; i < ss__pv_len(&a[0]) && !found; i++) {
            struct pval m = ss__pv_at(&a[0], i);
            found = ss__pv_equal(&m, &a[1]);
        }
        *out = ss__pv_bool(found);
        return SS_OK;
    }
    if (ss__pv_is_object(&a[0])) {
        char tmp[32];
        struct ss_str k;
        enum ss_err e = text_arg(ev, x, &a[1], tmp, &k);
        struct pval m = ss__pv_get(&a[0], k.ptr, k.len);
        *out = ss__pv_bool(m.kind != PV_NONE);
        return e;
    }
    char tmp[2][32];
    struct ss_str s[2];
    enum ss_err e = two_texts(ev, x, a, tmp, s);
    *out = ss__pv_bool(e == SS_OK && find_str(s[0], s[1], false, false) != SIZE_MAX);
    return e;
}

static enum ss_err fn_starts_with(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                                  struct pval *out)
{
    char tmp[2][32];
    struct ss_str s[2];
    enum ss_err e = two_texts(ev, x, a, tmp, s);
    *out = ss__pv_bool(e == SS_OK && s[1].len <= s[0].len &&
                       (s[1].len == 0 || ss_mem_eq_nocase(s[0].ptr, s[1].ptr, s[1].len)));
    return e;
}

static enum ss_err fn_ends_with(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                                struct pval *out)
{
    char tmp[2][32];
    struct ss_str s[2];
    enum ss_err e = two_texts(ev, x, a, tmp, s);
    *out = ss__pv_bool(
        e == SS_OK && s[1].len <= s[0].len &&
        (s[1].len == 0 || ss_mem_eq_nocase(s[0].ptr + s[0].len - s[1].len, s[1].ptr, s[1].len)));
    return e;
}

static enum ss_err index_of(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct pval *out, bool last)
{
    char tmp[2][32];
    struct ss_str s[2];
    enum ss_err e = two_texts(ev, x, a, tmp, s);
    size_t i = e == SS_OK ? find_str(s[0], s[1], true, last) : SIZE_MAX;
    *out = ss__pv_num(i == SIZE_MAX ? -1.0 : (double)i);
    return e;
}

static enum ss_err fn_index_of(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                               struct pval *out)
{
    return index_of(ev, x, a, out, false);
}

static enum ss_err fn_last_index_of(struct ss_policy_eval *ev, const struct xnode *x,
                                    struct pval *a, struct pval *out)
{
    return index_of(ev, x, a, out, true);
}

static enum ss_err fn_substring(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                                struct pval *out)
{
    char tmp[32];
    struct ss_str s;
    double start = 0, len = 0;
    enum ss_err e = text_arg(ev, x, &a[0], tmp, &s);
    if (e == SS_OK && x->nargs > 1)
        e = num_arg(ev, x, &a[1], &start);
    len = (double)s.len - start;
    if (e == SS_OK && x->nargs > 2)
        e = num_arg(ev, x, &a[2], &len);
    if (e != SS_OK)
        return e;
    if (start < 0 || len < 0 || start + len > (double)s.len)
        return ss__eval_fail(ev, "substring(): out of range");
    char *r = astr(ev, (size_t)len);
    memcpy(r, s.ptr + (size_t)start, (size_t)len);
    *out = ss__pv_str(r, (size_t)len);
    return SS_OK;
}

static enum ss_err fn_replace(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                              struct pval *out)
{
    char tmp[3][32];
    struct ss_str s, from, to;
    enum ss_err e = text_arg(ev, x, &a[0], tmp[0], &s);
    if (e == SS_OK)
        e = text_arg(ev, x, &a[1], tmp[1], &from);
    if (e == SS_OK)
        e = text_arg(ev, x, &a[2], tmp[2], &to);
    if (e != SS_OK || from.len == 0) {
        *out = ss__pv_str(s.ptr, s.len);
        return e;
    }
    size_t cap = s.len + (s.len / from.len + 1) * to.len;
    if (cap > SS_POLICY_MAX_STRING)
        return ss__eval_fail(ev, "replace(): result too long");
    char *r = astr(ev, cap);
    size_t o = 0;
    for (size_t i = 0; i < s.len;) {
        if (i + from.len <= s.len && memcmp(s.ptr + i, from.ptr, from.len) == 0) {
            memcpy(r + o, to.ptr, to.len);
            o += to.len;
            i += from.len;
        } else {
            r[o++] = s.ptr[i++];
        }
    }
    *out = ss__pv_str(r, o);
    return SS_OK;
}

static enum ss_err fn_pad_left(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                               struct pval *out)
{
    char tmp[2][32];
    struct ss_str s, pad = {" ", 1};
    double width = 0;
    enum ss_err e = text_arg(ev, x, &a[0], tmp[0], &s);
    if (e == SS_OK)
        e = num_arg(ev, x, &a[1], &width);
    if (e == SS_OK && x->nargs > 2)
        e = text_arg(ev, x, &a[2], tmp[1], &pad);
    if (e != SS_OK)
        return e;
    if (width < 0 || width > SS_POLICY_MAX_STRING || pad.len != 1)
        return ss__eval_fail(ev, "padLeft(): bad width or padding");
    size_t w = (size_t)width, n = w > s.len ? w - s.len : 0;
    char *r = astr(ev, n + s.len);
    memset(r, pad.ptr[0], n);
    memcpy(r + n, s.ptr, s.len);
    *out = ss__pv_str(r, n + s.len);
    return SS_OK;
}

static enum ss_err fn_split(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct pval *out)
{
    char tmp[2][32];
    struct ss_str s[2];
    enum ss_err e = two_texts(ev, x, a, tmp, s);
    if (e != SS_OK)
        return e;
    size_t n = 1;
    for (size_t i = 0; s[1].len && i + s[1].len <= s[0].len; i++)
        if (memcmp(s[0].ptr + i, s[1].ptr, s[1].len) == 0)
            n++;
    struct pval *v = aarr(ev, n);
    size_t k = 0, start = 0;
    for (size_t i = 0; s[1].len && i + s[1].len <= s[0].len; i++)
        if (memcmp(s[0].ptr + i, s[1].ptr, s[1].len) == 0) {
            v[k++] = ss__pv_str(s[0].ptr + start, i - start);
            start = i + s[1].len;
            i = start - 1;
        }
    v[k++] = ss__pv_str(s[0].ptr + start, s[0].len - start);
    *out = mkarr(v, k);
    return SS_OK;
}

static enum ss_err fn_string(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                             struct pval *out)
{
    char tmp[32];
    struct ss_str s;
    if (ss__pv_text(&a[0], tmp, &s)) {
        char *r = ss_arena_strndup(&ev->mem, s.ptr, s.len);
        *out = ss__pv_str(r, s.len);
        return SS_OK;
    }
    ss_buf_reset(&ev->scratch);
    ss__pv_write(&ev->scratch, &a[0]);
    if (ev->scratch.len > SS_POLICY_MAX_STRING)
        return ss__eval_fail(ev, "string(): result too long");
    char *r = ss_arena_strndup(&ev->mem, ev->scratch.ptr ? ev->scratch.ptr : "", ev->scratch.len);
    *out = ss__pv_str(r, ev->scratch.len);
    return SS_OK;
}

static enum ss_err fn_int(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                          struct pval *out)
{
    double d = 0;
    enum ss_err e = num_arg(ev, x, &a[0], &d);
    *out = ss__pv_num(trunc(d));
    return e;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static enum ss_err fn_base64(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                             struct pval *out)
{
    char tmp[32];
    struct ss_str s;
    enum ss_err e = text_arg(ev, x, &a[0], tmp, &s);
    if (e != SS_OK)
        return e;
    char *r = astr(ev, (s.len + 2) / 3 * 4);
    size_t o = 0;
    for (size_t i = 0; i < s.len; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)s.ptr[i] << 16;
        if (i + 1 < s.len)
            v |= (uint32_t)(unsigned char)s.ptr[i + 1] << 8;
        if (i + 2 < s.len)
            v |= (unsigned char)s.ptr[i + 2];
        r[o++] = b64[(v >> 18) & 63];
        r[o++] = b64[(v >> 12) & 63];
        r[o++] = i + 1 < s.len ? b64[(v >> 6) & 63] : '=';
        r[o++] = i + 2 < s.len ? b64[v & 63] : '=';
    }
    *out = ss__pv_str(r, o);
    return SS_OK;
}

/* ---- functions: arrays and objects ---- */

static enum ss_err fn_empty(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct pval *out)
{
    bool empty = a[0].kind == PV_NONE || a[0].kind == PV_NULL ||
                 ((a[0].kind == PV_STR || ss__pv_is_array(&a[0]) || ss__pv_is_object(&a[0])) &&
                  ss__pv_len(&a[0]) == 0);
    *out = ss__pv_bool(empty);
    return SS_OK;
}

static enum ss_err fn_length(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                             struct pval *out)
{
    *out = ss__pv_num((double)ss__pv_len(&a[0]));
    return SS_OK;
}

static enum ss_err first_last(struct ss_policy_eval *ev, struct pval *a, struct pval *out,
                              bool last)
{
    size_t n = ss__pv_len(&a[0]);
    out->kind = PV_NONE;
    if (a[0].kind == PV_STR) {
        if (n)
            *out = ss__pv_str(a[0].u.s.ptr + (last ? n - 1 : 0), 1);
        else
            *out = ss__pv_str("", 0);
    } else if (n) {
        *out = ss__pv_at(&a[0], last ? n - 1 : 0);
    }
    return SS_OK;
}

static enum ss_err fn_first(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct pval *out)
{
    return first_last(ev, a, out, false);
}

static enum ss_err fn_last(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                           struct pval *out)
{
    return first_last(ev, a, out, true);
}

static enum ss_err fn_create_array(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                                   struct pval *out)
{
    *out = mkarr(a, x->nargs);
    return SS_OK;
}

static enum ss_err fn_array(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct pval *out)
{
    if (ss__pv_is_array(&a[0]))
        *out = a[0];
    else
        *out = mkarr(a, 1);
    return SS_OK;
}

static enum ss_err fn_create_object(struct ss_policy_eval *ev, const struct xnode *x,
                                    struct pval *a, struct pval *out)
{
    if (x->nargs % 2)
        return ss__eval_fail(ev, "createObject(): odd number of arguments");
    *out = mkobj(ev, x->nargs / 2);
    for (uint32_t i = 0; i < x->nargs / 2; i++) {
        if (a[2 * i].kind != PV_STR)
            return ss__eval_fail(ev, "createObject(): keys must be strings");
        out->u.a.k[i] = a[2 * i].u.s;
        out->u.a.v[i] = a[2 * i + 1];
    }
    return SS_OK;
}

/* Members of `v` that are (want=true) or are not in every/any other argument. */
static bool in_array(const struct pval *arr, const struct pval *m)
{
    for (size_t i = 0; i < ss__pv_len(arr); i++) {
        struct pval e = ss__pv_at(arr, i);
        if (ss__pv_equal(&e, m))
            return true;
    }
    return false;
}

static enum ss_err set_op(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                          struct pval *out, bool is_union)
{
    for (uint32_t i = 0; i < x->nargs; i++)
        if (!ss__pv_is_array(&a[i]))
            return ss__eval_fail(ev, "%s(): arrays expected", fn_at(x->fn)->name);
    size_t cap = 0, k = 0;
    for (uint32_t i = 0; i < x->nargs; i++)
        cap += ss__pv_len(&a[i]);
    struct pval *v = aarr(ev, cap);
    struct pval acc = mkarr(v, 0);
    for (uint32_t i = 0; i < (is_union ? x->nargs : 1); i++)
        for (size_t j = 0; j < ss__pv_len(&a[i]); j++) {
            struct pval m = ss__pv_at(&a[i], j);
            bool keep = !in_array(&acc, &m);
            for (uint32_t o = 1; keep && !is_union && o < x->nargs; o++)
                keep = in_array(&a[o], &m);
            if (keep)
                v[k++] = m;
            acc.u.a.n = k;
        }
    *out = mkarr(v, k);
    return SS_OK;
}

static enum ss_err fn_union(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                            struct pval *out)
{
    return set_op(ev, x, a, out, true);
}

static enum ss_err fn_intersection(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                                   struct pval *out)
{
    return set_op(ev, x, a, out, false);
}

static enum ss_err fn_try_get(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                              struct pval *out)
{
    if (a[1].kind == PV_NUM)
        *out = ss__pv_at(&a[0], to_index(a[1].u.num));
    else if (a[1].kind == PV_STR)
        *out = ss__pv_get(&a[0], a[1].u.s.ptr, a[1].u.s.len);
    else
        out->kind = PV_NONE;
    if (out->kind == PV_NONE)
        out->kind = PV_NULL;
    return SS_OK;
}

static enum ss_err skip_take(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                             struct pval *out, bool skip)
{
    double d = 0;
    enum ss_err e = num_arg(ev, x, &a[1], &d);
    if (e != SS_OK)
        return e;
    size_t n = ss__pv_len(&a[0]), k = d < 0 ? 0 : (d > (double)n ? n : (size_t)d);
    size_t from = skip ? k : 0, to = skip ? n : k;
    if (a[0].kind == PV_STR) {
        *out = ss__pv_str(a[0].u.s.ptr + from, to - from);
        return SS_OK;
    }
    struct pval *v = aarr(ev, to - from);
    for (size_t i = from; i < to; i++)
        v[i - from] = ss__pv_at(&a[0], i);
    *out = mkarr(v, to - from);
    return SS_OK;
}

static enum ss_err fn_skip(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                           struct pval *out)
{
    return skip_take(ev, x, a, out, true);
}

static enum ss_err fn_take(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                           struct pval *out)
{
    return skip_take(ev, x, a, out, false);
}

/* ---- functions: numbers ---- */

static enum ss_err arith(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                         struct pval *out, char op)
{
    double p = 0, q = 0;
    enum ss_err e = num_arg(ev, x, &a[0], &p);
    if (e == SS_OK)
        e = num_arg(ev, x, &a[1], &q);
    if (e != SS_OK)
        return e;
    if ((op == '/' || op == '%') && trunc(q) == 0)
        return ss__eval_fail(ev, "%s(): division by zero", fn_at(x->fn)->name);
    double r = op == '+'   ? p + q
               : op == '-' ? p - q
               : op == '*' ? p * q
               : op == '/' ? trunc(trunc(p) / trunc(q))
                           : fmod(trunc(p), trunc(q));
    *out = ss__pv_num(r);
    return SS_OK;
}

#define ARITH_FN(fname, op)                                                                        \
    static enum ss_err fname(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,     \
                             struct pval *out)                                                     \
    {                                                                                              \
        return arith(ev, x, a, out, op);                                                           \
    }
ARITH_FN(fn_add, '+')
ARITH_FN(fn_sub, '-')
ARITH_FN(fn_mul, '*')
ARITH_FN(fn_div, '/')
ARITH_FN(fn_mod, '%')
#undef ARITH_FN

static enum ss_err min_max(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                           struct pval *out, bool is_max)
{
    struct pval *items = a;
    size_t n = x->nargs;
    if (n == 1 && ss__pv_is_array(&a[0])) {
        n = ss__pv_len(&a[0]);
        items = aarr(ev, n);
        for (size_t i = 0; i < n; i++)
            items[i] = ss__pv_at(&a[0], i);
    }
    double best = 0;
    for (size_t i = 0; i < n; i++) {
        double d = 0;
        enum ss_err e = num_arg(ev, x, &items[i], &d);
        if (e != SS_OK)
            return e;
        if (i == 0 || (is_max ? d > best : d < best))
            best = d;
    }
    *out = ss__pv_num(best);
    return SS_OK;
}

static enum ss_err fn_min(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                          struct pval *out)
{
    return min_max(ev, x, a, out, false);
}

static enum ss_err fn_max(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                          struct pval *out)
{
    return min_max(ev, x, a, out, true);
}

/* ---- functions: IP ranges and time ---- */

/* Parses an IPv4 address or CIDR range into [lo, hi]. */
static bool ipv4_range(struct ss_str s, uint32_t *lo, uint32_t *hi)
{
    char buf[48];
    if (s.len == 0 || s.len >= sizeof(buf))
        return false;
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = '\0';
    unsigned o[4], bits = 32;
    int used = 0;
    if (sscanf(buf, "%3u.%3u.%3u.%3u%n", &o[0], &o[1], &o[2], &o[3], &used) != 4)
        return false;
    if (buf[used] == '/' && sscanf(buf + used + 1, "%2u", &bits) != 1)
        return false;
    if (o[0] > 255 || o[1] > 255 || o[2] > 255 || o[3] > 255 || bits > 32)
        return false;
    uint32_t ip = o[0] << 24 | o[1] << 16 | o[2] << 8 | o[3];
    uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
    *lo = ip & mask;
    *hi = *lo | ~mask;
    return true;
}

static enum ss_err fn_ip_range_contains(struct ss_policy_eval *ev, const struct xnode *x,
                                        struct pval *a, struct pval *out)
{
    uint32_t l1, h1, l2, h2;
    if (a[0].kind != PV_STR || a[1].kind != PV_STR || !ipv4_range(a[0].u.s, &l1, &h1) ||
        !ipv4_range(a[1].u.s, &l2, &h2))
        return ss__eval_fail(ev, "ipRangeContains(): expected IPv4 addresses or ranges");
    *out = ss__pv_bool(l2 >= l1 && h2 <= h1);
    return SS_OK;
}

static enum ss_err fmt_time(struct ss_policy_eval *ev, time_t t, struct pval *out)
{
    struct tm tm;
    char *r = astr(ev, 32);
    gmtime_r(&t, &tm);
    size_t n = strftime(r, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    *out = ss__pv_str(r, n);
    return SS_OK;
}

static enum ss_err fn_utc_now(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                              struct pval *out)
{
    return fmt_time(ev, time(NULL), out);
}

static enum ss_err fn_add_days(struct ss_policy_eval *ev, const struct xnode *x, struct pval *a,
                               struct pval *out)
{
    double days = 0;
    struct tm tm = {0};
    char buf[32];
    enum ss_err e = num_arg(ev, x, &a[1], &days);
    if (e != SS_OK)
        return e;
    if (a[0].kind != PV_STR || a[0].u.s.len < 10 || a[0].u.s.len >= sizeof(buf))
        return ss__eval_fail(ev, "addDays(): expected a date");
    memcpy(buf, a[0].u.s.ptr, a[0].u.s.len);
    buf[a[0].u.s.len] = '\0';
    if (sscanf(buf, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) < 3)
        return ss__eval_fail(ev, "addDays(): expected a date");
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    if (fabs(days) > 3650000) /* ten thousand years */
        return ss__eval_fail(ev, "addDays(): out of range");
    return fmt_time(ev, timegm(&tm) + (time_t)(days * 86400), out);
}

/*
 * The function table (STYLE.md rule 9): every function the 223 MCSB
 * definitions use (scripted list: parameters, padLeft, field, current,
 * resourceGroup, if, requestContext, concat, empty, length, equals, base64,
 * createObject, intersection, first, split, ipRangeContains, toLower,
 * subscription) plus the rest of DESIGN.md §4 and the common ARM functions.
 */
static const struct fn_def fns[] = {
    {"parameters", 1, 1, false, fn_parameters},
    {"field", 1, 1, false, fn_field},
    {"current", 0, 1, false, fn_current},
    {"resourceGroup", 0, 0, false, fn_resource_group},
    {"subscription", 0, 0, false, fn_subscription},
    {"requestContext", 0, 0, false, fn_request_context},
    {"policy", 0, 0, false, fn_policy},
    {"if", 3, 3, true, fn_if},
    {"and", 1, SS_POLICY_MAX_ARGS, true, fn_and},
    {"or", 1, SS_POLICY_MAX_ARGS, true, fn_or},
    {"not", 1, 1, false, fn_not},
    {"coalesce", 1, SS_POLICY_MAX_ARGS, true, fn_coalesce},
    {"equals", 2, 2, false, fn_equals},
    {"less", 2, 2, false, fn_less},
    {"lessOrEquals", 2, 2, false, fn_less_eq},
    {"greater", 2, 2, false, fn_greater},
    {"greaterOrEquals", 2, 2, false, fn_greater_eq},
    {"true", 0, 0, false, fn_true},
    {"false", 0, 0, false, fn_false},
    {"null", 0, 0, false, fn_null},
    {"bool", 1, 1, false, fn_bool},
    {"concat", 0, SS_POLICY_MAX_ARGS, false, fn_concat},
    {"toLower", 1, 1, false, fn_to_lower},
    {"toUpper", 1, 1, false, fn_to_upper},
    {"trim", 1, 1, false, fn_trim},
    {"contains", 2, 2, false, fn_contains},
    {"startsWith", 2, 2, false, fn_starts_with},
    {"endsWith", 2, 2, false, fn_ends_with},
    {"indexOf", 2, 2, false, fn_index_of},
    {"lastIndexOf", 2, 2, false, fn_last_index_of},
    {"substring", 1, 3, false, fn_substring},
    {"replace", 3, 3, false, fn_replace},
    {"padLeft", 2, 3, false, fn_pad_left},
    {"split", 2, 2, false, fn_split},
    {"string", 1, 1, false, fn_string},
    {"int", 1, 1, false, fn_int},
    {"base64", 1, 1, false, fn_base64},
    {"empty", 1, 1, false, fn_empty},
    {"length", 1, 1, false, fn_length},
    {"first", 1, 1, false, fn_first},
    {"last", 1, 1, false, fn_last},
    {"createArray", 0, SS_POLICY_MAX_ARGS, false, fn_create_array},
    {"array", 1, 1, false, fn_array},
    {"createObject", 0, SS_POLICY_MAX_ARGS, false, fn_create_object},
    {"union", 1, SS_POLICY_MAX_ARGS, false, fn_union},
    {"intersection", 1, SS_POLICY_MAX_ARGS, false, fn_intersection},
    {"tryGet", 2, 2, false, fn_try_get},
    {"skip", 2, 2, false, fn_skip},
    {"take", 2, 2, false, fn_take},
    {"add", 2, 2, false, fn_add},
    {"sub", 2, 2, false, fn_sub},
    {"mul", 2, 2, false, fn_mul},
    {"div", 2, 2, false, fn_div},
    {"mod", 2, 2, false, fn_mod},
    {"min", 1, SS_POLICY_MAX_ARGS, false, fn_min},
    {"max", 1, SS_POLICY_MAX_ARGS, false, fn_max},
    {"ipRangeContains", 2, 2, false, fn_ip_range_contains},
    {"utcNow", 0, 1, false, fn_utc_now},
    {"addDays", 2, 2, false, fn_add_days},
};
static const size_t nfns = SS_ARRAY_LEN(fns);

static const struct fn_def *fn_at(int i)
{
    return &fns[i];
}

int ss__fn_find(const char *name, size_t len)
{
    for (size_t i = 0; i < nfns; i++)
        if (strlen(fns[i].name) == len && ss_mem_eq_nocase(fns[i].name, name, len))
            return (int)i;
    return -1;
}
