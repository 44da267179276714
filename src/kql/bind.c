/*
 * KQL semantic checks ("bind"): resolves every table, column and function
 * of a parsed query before anything runs, computes the static type of each
 * expression and the output schema (column names and types) of each
 * operator. Errors are SS_EQUERY with the line and column of the offending
 * token: "unknown column 'foo'", "unknown function 'bar'", "function
 * 'substring' expects 2 to 3 arguments", ...
 *
 * Column naming follows Kusto:
 *  - a column keeps its name; a path a.b.c is named a_b_c, an index a[0]
 *    a_0 (Kusto replaces the dots of a path by '_'; `project properties.x`
 *    gives properties_x, as `by tostring(a.b)` gives a_b in ARG's samples);
 *  - a function call is named after its first argument (tostring(a.b): a_b);
 *  - any other expression gets Column1, Column2 ... by position;
 *  - aggregates: count_, countif_, and <fn>_<argument name> for the others
 *    (sum_x, dcount_x, make_list_x; take_any is any_x);
 *  - clashing names get the suffix 1, 2 ... (join: the right side's id
 *    becomes id1, as Kusto does).
 * Input tables have ARG's columns (string: id, name, type, tenantId, kind,
 * location, resourceGroup, subscriptionId, managedBy; dynamic: sku,
 * plan, properties, tags, identity, zones, extendedLocation) followed by any
 * other member found in the rows, typed from the values it holds (one JSON
 * kind -> that type, mixed kinds -> dynamic).
 */
#include "common/setup.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "common/limits.h"
#include "kql/internal.h"

struct binder {
    struct krun *r;
    struct ss_diag *diag;
    enum ss_err err;
    int depth;
};

static bool berr(struct binder *b, uint32_t line, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool berr(struct binder *b, uint32_t line, uint32_t col, const char *fmt, ...)
{
    if (b->err)
        return false;
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    b->err = ss__kql_diag(b->diag, SS_EQUERY, line, col, "%s", msg);
    return false;
}

/* ---- schemas ---- */

static const struct kcolumn arg_columns[] = {
    {"id", 2, KT_STRING},
    {"name", 4, KT_STRING},
    {"type", 4, KT_STRING},
    {"tenantId", 8, KT_STRING},
    {"kind", 4, KT_STRING},
    {"location", 8, KT_STRING},
    {"resourceGroup", 13, KT_STRING},
    {"subscriptionId", 14, KT_STRING},
    {"managedBy", 9, KT_STRING},
    {"sku", 3, KT_DYNAMIC},
    {"plan", 4, KT_DYNAMIC},
    {"properties", 10, KT_DYNAMIC},
    {"tags", 4, KT_DYNAMIC},
    {"identity", 8, KT_DYNAMIC},
    {"zones", 5, KT_DYNAMIC},
    {"extendedLocation", 16, KT_DYNAMIC},
};

int32_t ss__kql_find_col(const struct kschema *s, const char *name, size_t len)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->cols[i].len == len && memcmp(s->cols[i].name, name, len) == 0)
            return (int32_t)i;
    return -1;
}

/* Columns an array of n columns has room for: arrays grow by doubling (never fewer than 4). */
static size_t col_cap(uint32_t n)
{
    size_t c = 4;
    while (c < n)
        c *= 2;
    return c;
}

/* Appends a column (the schema's array is grown in the arena, amortised). */
static uint32_t add_col(struct krun *r, struct kschema *s, const char *name, size_t len, int type)
{
    if (!s->cols || s->n == col_cap(s->n)) {
        struct kcolumn *c = ss_arena_alloc(&r->arena, col_cap(s->n + 1) * sizeof(*c));
        if (s->n)
            memcpy(c, s->cols, s->n * sizeof(*c));
        s->cols = c;
    }
    s->cols[s->n].name = name;
    s->cols[s->n].len = (uint32_t)len;
    s->cols[s->n].type = (uint8_t)type;
    return s->n++;
}

static void copy_schema(struct krun *r, struct kschema *dst, const struct kschema *src)
{
    dst->n = src->n;
    dst->cols = NULL;
    if (src->n) {
        dst->cols = ss_arena_alloc(&r->arena, col_cap(src->n) * sizeof(*src->cols));
        memcpy(dst->cols, src->cols, src->n * sizeof(*src->cols));
    }
}

static int json_type(struct ss_json v)
{
    switch (ss_json_kind(v)) {
    case SS_JSON_TRUE:
    case SS_JSON_FALSE:
        return KT_BOOL;
    case SS_JSON_INT:
        return KT_LONG;
    case SS_JSON_REAL:
        return KT_REAL;
    case SS_JSON_STRING:
        return KT_STRING;
    case SS_JSON_NULL:
        return -1;
    default:
        return KT_DYNAMIC;
    }
}

/* The input table's columns: ARG's, then members seen in the rows (typed by their values). */
static void infer_schema(struct krun *r, const struct ss_kql_table *t, struct kschema *s)
{
    s->n = 0;
    s->cols = NULL;
    struct ss_map names; /* column name -> index */
    ss_map_init(&names, 0);
    for (size_t i = 0; i < SS_ARRAY_LEN(arg_columns); i++) {
        add_col(r, s, arg_columns[i].name, arg_columns[i].len, arg_columns[i].type);
        ss_map_put(&names, arg_columns[i].name, arg_columns[i].len, (void *)(uintptr_t)i, NULL);
    }
    if (t->arg_columns_only) {
        ss_map_release(&names);
        return;
    }
    int8_t seen[SS_KQL_MAX_COLUMNS]; /* extra columns: -2 unseen type, -1 null only, else a type */
    struct ss_json_iter rows, mem;
    struct ss_json row, v;
    struct ss_str key;
    ss_json_iter_init(&rows, t->rows);
    while (ss_json_iter_next(&rows, NULL, &row)) {
        ss_json_iter_init(&mem, row);
        uint32_t guess = 0;
        while (ss_json_iter_next(&mem, &key, &v)) {
            int32_t c = -1;
            void *found = NULL;
            if (guess < s->n && s->cols[guess].len == key.len &&
                memcmp(s->cols[guess].name, key.ptr, key.len) == 0)
                c = (int32_t)guess;
            else if (ss_map_find(&names, key.ptr, key.len, &found))
                c = (int32_t)(uintptr_t)found;
            if (c < 0) {
                if (s->n >= SS_ARRAY_LEN(arg_columns) + SS_ARRAY_LEN(seen))
                    continue;
                c = (int32_t)add_col(r, s, ss_arena_strndup(&r->arena, key.ptr, key.len), key.len,
                                     KT_DYNAMIC);
                ss_map_put(&names, key.ptr, key.len, (void *)(uintptr_t)c, NULL);
                seen[c - SS_ARRAY_LEN(arg_columns)] = -1;
            }
            guess = (uint32_t)c + 1;
            if (c < (int32_t)SS_ARRAY_LEN(arg_columns))
                continue;
            int8_t *st = &seen[c - SS_ARRAY_LEN(arg_columns)];
            int jt = json_type(v);
            if (jt < 0 || *st == KT_DYNAMIC)
                continue;
            if (*st == -1)
                *st = (int8_t)jt;
            else if (*st != jt)
                *st = (*st == KT_LONG && jt == KT_REAL) || (*st == KT_REAL && jt == KT_LONG)
                          ? KT_REAL
                          : KT_DYNAMIC;
        }
    }
    ss_map_release(&names);
    for (uint32_t c = SS_ARRAY_LEN(arg_columns); c < s->n; c++) {
        int8_t st = seen[c - SS_ARRAY_LEN(arg_columns)];
        s->cols[c].type = (uint8_t)(st < 0 ? KT_DYNAMIC : st);
    }
}

/* ---- names ---- */

struct name {
    const char *p;
    size_t len;
};

static struct name cat_name(struct krun *r, struct name a, const char *b, size_t blen)
{
    if (!a.p)
        return (struct name){b, blen};
    char *p = ss_arena_alloc(&r->arena, a.len + blen + 2);
    memcpy(p, a.p, a.len);
    p[a.len] = '_';
    memcpy(p + a.len + 1, b, blen);
    p[a.len + 1 + blen] = '\0';
    return (struct name){p, a.len + 1 + blen};
}

/* The name Kusto gives a column computed by `e`, {NULL,0} when none. */
static struct name expr_name(struct krun *r, const struct kexpr *e)
{
    char buf[32];
    switch (e->op) {
    case E_COL:
        return (struct name){e->name, e->nlen};
    case E_MEMBER:
        return cat_name(r, expr_name(r, e->a), e->name, e->nlen);
    case E_INDEX:
        if (e->b->op == E_LIT && e->b->lit.k == KK_LONG) {
            int n = snprintf(buf, sizeof(buf), "%lld", (long long)e->b->lit.u.i);
            struct name a = expr_name(r, e->a);
            if (!a.p)
                return a;
            return cat_name(r, a, ss_arena_strndup(&r->arena, buf, (size_t)n), (size_t)n);
        }
        return expr_name(r, e->a);
    case E_CALL:
        if (e->nargs && (!e->fn || e->fn->kind == FK_SCALAR))
            return expr_name(r, e->args[0]);
        return (struct name){NULL, 0};
    default:
        return (struct name){NULL, 0};
    }
}

/* A name not yet in the schema: `base`, else base1, base2 ... */
static struct name unique_name(struct krun *r, const struct kschema *s, struct name base)
{
    if (ss__kql_find_col(s, base.p, base.len) < 0)
        return base;
    char buf[16];
    for (int i = 1;; i++) {
        int n = snprintf(buf, sizeof(buf), "%d", i);
        struct name c = {ss_arena_alloc(&r->arena, base.len + (size_t)n + 1), base.len + (size_t)n};
        memcpy((char *)c.p, base.p, base.len);
        memcpy((char *)c.p + base.len, buf, (size_t)n + 1);
        if (ss__kql_find_col(s, c.p, c.len) < 0)
            return c;
    }
}

static struct name column_n(struct krun *r, uint32_t n)
{
    char buf[24];
    int len = snprintf(buf, sizeof(buf), "Column%u", n);
    return (struct name){ss_arena_strndup(&r->arena, buf, (size_t)len), (size_t)len};
}

/* ---- expressions ---- */

static bool bind_expr(struct binder *b, struct kexpr *e, const struct kschema *s, bool agg_ok);

static bool is_numeric(int t)
{
    return t == KT_LONG || t == KT_REAL;
}

static int arith_type(struct binder *b, struct kexpr *e)
{
    int x = e->a->type, y = e->b->type;
    if (e->bop == B_SUB && x == KT_DATETIME && y == KT_DATETIME)
        return KT_TIMESPAN;
    if ((e->bop == B_ADD || e->bop == B_SUB) && x == KT_DATETIME && y == KT_TIMESPAN)
        return KT_DATETIME;
    if (e->bop == B_ADD && x == KT_TIMESPAN && y == KT_DATETIME)
        return KT_DATETIME;
    if (x == KT_TIMESPAN && y == KT_TIMESPAN && e->bop != B_DIV)
        return KT_TIMESPAN;
    if (x == KT_TIMESPAN && y == KT_TIMESPAN)
        return KT_REAL;
    if (x == KT_TIMESPAN && is_numeric(y) && (e->bop == B_MUL || e->bop == B_DIV))
        return KT_TIMESPAN;
    if (x == KT_REAL || y == KT_REAL)
        return (x == KT_REAL || is_numeric(x) || x == KT_DYNAMIC) &&
                       (is_numeric(y) || y == KT_DYNAMIC)
                   ? KT_REAL
                   : -1;
    if (x == KT_LONG && y == KT_LONG)
        return KT_LONG;
    if ((x == KT_DYNAMIC || x == KT_LONG) && (y == KT_DYNAMIC || y == KT_LONG))
        return KT_DYNAMIC; /* decided by the values at run time */
    (void)b;
    return -1;
}

static bool bind_bin(struct binder *b, struct kexpr *e, const struct kschema *s, bool agg_ok)
{
    if (e->a->op == E_ANYCOL) {
        if (e->bop < B_EQ || e->bop == B_AND || e->bop == B_OR)
            return berr(b, e->a->line, e->a->col, "'*' is only valid as a string operand");
        e->a->type = KT_STRING;
    } else if (!bind_expr(b, e->a, s, agg_ok)) {
        return false;
    }
    if (!bind_expr(b, e->b, s, agg_ok))
        return false;
    if (e->bop <= B_MOD) {
        int t = arith_type(b, e);
        if (t < 0)
            return berr(b, e->line, e->col, "operator cannot be applied to %s and %s",
                        ss__kql_type_names[e->a->type], ss__kql_type_names[e->b->type]);
        e->type = (uint8_t)t;
    } else {
        e->type = KT_BOOL;
    }
    return true;
}

/* The common type of iff/case/coalesce values (indexes from `first` by `step`). */
static int common_type(const struct kexpr *e, uint32_t first, uint32_t step, bool last)
{
    int t = -1;
    for (uint32_t i = first; i < e->nargs; i += step) {
        int u = e->args[i]->type;
        if (e->args[i]->op == E_LIT && e->args[i]->lit.k == KK_NULL)
            continue;
        if (t < 0 || t == u)
            t = u;
        else if (is_numeric(t) && is_numeric(u))
            t = KT_REAL;
        else
            t = KT_DYNAMIC;
    }
    if (last && e->nargs && first == 1) {
        int u = e->args[e->nargs - 1]->type;
        if (t >= 0 && t != u)
            t = is_numeric(t) && is_numeric(u) ? KT_REAL : KT_DYNAMIC;
    }
    return t < 0 ? KT_DYNAMIC : t;
}

static bool bind_call(struct binder *b, struct kexpr *e, const struct kschema *s, bool agg_ok)
{
    const struct kfunc *f = ss__kql_func(e->name, e->nlen);
    if (!f)
        return berr(b, e->line, e->col, "unknown function '%.*s'", (int)e->nlen, e->name);
    if (f->kind == FK_AGG && !agg_ok)
        return berr(b, e->line, e->col, "aggregate '%.*s' is only valid in summarize", (int)e->nlen,
                    e->name);
    if (e->nargs < f->min || e->nargs > f->max) {
        if (f->min == f->max)
            return berr(b, e->line, e->col, "function '%s' expects %u argument%s, got %u", f->name,
                        f->min, f->min == 1 ? "" : "s", e->nargs);
        return berr(b, e->line, e->col, "function '%s' expects %u to %u arguments, got %u", f->name,
                    f->min, f->max, e->nargs);
    }
    e->fn = f;
    for (uint32_t i = 0; i < e->nargs; i++) {
        struct kexpr *a = e->args[i];
        if (a->op == E_ANYCOL && f->kind == FK_AGG && i > 0 &&
            (f->agg == A_ARGMAX || f->agg == A_ARGMIN))
            continue;
        if (!bind_expr(b, a, s, false))
            return false;
    }
    if (f->kind == FK_SCALAR && !ss__kql_func_prepare(b->r, e)) {
        b->err = b->r->err;
        return false;
    }
    if (f->ret >= 0)
        e->type = (uint8_t)f->ret;
    else if (f->ret == -1)
        e->type = e->args[0]->type == KT_DYNAMIC && f->agg != A_MIN && f->agg != A_MAX &&
                          f->agg != A_ANY && f->agg != A_ARGMAX && f->agg != A_ARGMIN
                      ? KT_REAL
                      : e->args[0]->type;
    else if (f->eval && strcmp(f->name, "case") == 0)
        e->type = (uint8_t)common_type(e, 1, 2, true);
    else if (f->eval && (strcmp(f->name, "iff") == 0 || strcmp(f->name, "iif") == 0))
        e->type = (uint8_t)common_type(e, 1, 1, false);
    else
        e->type = (uint8_t)common_type(e, 0, 1, false);
    if ((f->agg == A_SUM || f->agg == A_SUMIF) && f->kind == FK_AGG && !is_numeric(e->type) &&
        e->type != KT_TIMESPAN)
        return berr(b, e->args[0]->line, e->args[0]->col, "%s expects a number, got %s", f->name,
                    ss__kql_type_names[e->args[0]->type]);
    if ((f->agg == A_COUNTIF || f->agg == A_SUMIF) && f->kind == FK_AGG &&
        e->args[f->agg == A_SUMIF]->type != KT_BOOL &&
        e->args[f->agg == A_SUMIF]->type != KT_DYNAMIC)
        return berr(b, e->line, e->col, "%s expects a bool predicate", f->name);
    return true;
}

/* Parses a dynamic(...) literal into a document the run keeps. */
static bool bind_dynamic(struct binder *b, struct kexpr *e)
{
    const char *p = e->lit.u.s;
    size_t n = e->lit.len;
    if (n == 4 && memcmp(p, "null", 4) == 0) {
        e->lit = KV_NULL;
        return true;
    }
    struct ss_json_doc *doc;
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_json_parse(p, n, NULL, &doc, &d) != SS_OK)
        return berr(b, e->line, e->col, "invalid dynamic literal: %s", d.msg);
    struct krun *r = b->r;
    if (r->ndocs == r->capdocs) {
        r->capdocs = r->capdocs ? r->capdocs * 2 : 16;
        r->docs = ss_xreallocarray(r->docs, r->capdocs, sizeof(*r->docs));
    }
    r->docs[r->ndocs++] = doc;
    e->lit = ss__kql_from_json(ss_json_root(doc));
    return true;
}

static int lit_type(struct kv v)
{
    switch (v.k) {
    case KK_BOOL:
        return KT_BOOL;
    case KK_LONG:
        return KT_LONG;
    case KK_REAL:
        return KT_REAL;
    case KK_STR:
        return KT_STRING;
    case KK_DATE:
        return KT_DATETIME;
    case KK_SPAN:
        return KT_TIMESPAN;
    default:
        return KT_DYNAMIC;
    }
}

static bool bind_expr_inner(struct binder *b, struct kexpr *e, const struct kschema *s, bool agg_ok)
{
    switch (e->op) {
    case E_LIT:
        if (e->lit.k == KK_RAW && !bind_dynamic(b, e))
            return false;
        e->type = (uint8_t)lit_type(e->lit);
        return true;
    case E_COL:
        e->idx = ss__kql_find_col(s, e->name, e->nlen);
        if (e->idx < 0)
            return berr(b, e->line, e->col, "unknown column '%.*s'", (int)e->nlen, e->name);
        e->type = s->cols[e->idx].type;
        return true;
    case E_ANYCOL:
        return berr(b, e->line, e->col, "'*' is only valid as a string operand");
    case E_MEMBER:
        e->type = KT_DYNAMIC;
        return bind_expr(b, e->a, s, agg_ok);
    case E_INDEX:
        e->type = KT_DYNAMIC;
        return bind_expr(b, e->a, s, agg_ok) && bind_expr(b, e->b, s, agg_ok);
    case E_CALL:
        return bind_call(b, e, s, agg_ok);
    case E_NEG:
        if (!bind_expr(b, e->a, s, agg_ok))
            return false;
        e->type = e->a->type == KT_DYNAMIC ? KT_DYNAMIC : e->a->type;
        if (!is_numeric(e->type) && e->type != KT_TIMESPAN && e->type != KT_DYNAMIC)
            return berr(b, e->line, e->col, "unary '-' cannot be applied to %s",
                        ss__kql_type_names[e->type]);
        return true;
    case E_BIN:
        return bind_bin(b, e, s, agg_ok);
    case E_IN:
    case E_BETWEEN:
        e->type = KT_BOOL;
        if (!bind_expr(b, e->a, s, agg_ok))
            return false;
        if (e->op == E_BETWEEN)
            return bind_expr(b, e->b, s, agg_ok) && bind_expr(b, e->c, s, agg_ok);
        for (uint32_t i = 0; i < e->nargs; i++)
            if (!bind_expr(b, e->args[i], s, agg_ok))
                return false;
        return true;
    default:
        return berr(b, e->line, e->col, "unsupported expression");
    }
}

static bool bind_expr(struct binder *b, struct kexpr *e, const struct kschema *s, bool agg_ok)
{
    if (++b->depth > SS_KQL_MAX_DEPTH * 4) {
        if (!b->err)
            b->err = ss__kql_diag(b->diag, SS_EDEPTH, e->line, e->col, "expression too deep");
        return false;
    }
    bool ok = bind_expr_inner(b, e, s, agg_ok);
    b->depth--;
    return ok;
}

/* ---- operators ---- */

static bool bind_query(struct binder *b, struct kquery *q, struct kschema *out);

/* extend: items see the columns defined before them. */
static bool bind_extend(struct binder *b, struct kqop *op, const struct kschema *in)
{
    struct krun *r = b->r;
    copy_schema(r, &op->out, in);
    for (uint32_t i = 0; i < op->n; i++) {
        struct kitem *it = &op->items[i];
        if (!bind_expr(b, it->e, &op->out, false))
            return false;
        struct name nm = it->name ? (struct name){it->name, it->nlen} : expr_name(r, it->e);
        if (!nm.p)
            nm = column_n(r, i + 1);
        it->out = nm.p;
        it->outlen = (uint32_t)nm.len;
        it->idx = ss__kql_find_col(&op->out, nm.p, nm.len);
        if (it->idx < 0)
            it->idx = (int32_t)add_col(r, &op->out, nm.p, nm.len, it->e->type);
        else
            op->out.cols[it->idx].type = it->e->type;
    }
    return true;
}

/* project, distinct: one output column per item, evaluated on the input. */
static bool bind_items_out(struct binder *b, struct kqop *op, const struct kschema *in)
{
    struct krun *r = b->r;
    op->out.n = 0;
    op->out.cols = NULL;
    for (uint32_t i = 0; i < op->n; i++) {
        struct kitem *it = &op->items[i];
        if (!bind_expr(b, it->e, in, false))
            return false;
        struct name nm = it->name ? (struct name){it->name, it->nlen} : expr_name(r, it->e);
        if (!nm.p)
            nm = column_n(r, i + 1);
        if (it->name && ss__kql_find_col(&op->out, nm.p, nm.len) >= 0)
            return berr(b, it->line, it->col, "duplicate column name '%.*s'", (int)nm.len, nm.p);
        nm = unique_name(r, &op->out, nm);
        it->idx = (int32_t)add_col(r, &op->out, nm.p, nm.len, it->e->type);
    }
    return true;
}

/* project-away, project-keep, project-reorder: the listed columns (1 each in `named`, in
 * list order in `order`). */
static bool named_cols(struct binder *b, struct kqop *op, const struct kschema *in, bool *named,
                       int32_t *order)
{
    for (uint32_t i = 0; i < op->n; i++) {
        struct kexpr *e = op->items[i].e;
        if (e->op != E_COL)
            return berr(b, e->line, e->col, "expected a column name");
        int32_t c = ss__kql_find_col(in, e->name, e->nlen);
        if (c < 0)
            return berr(b, e->line, e->col, "unknown column '%.*s'", (int)e->nlen, e->name);
        if (named[c])
            return berr(b, e->line, e->col, "column '%.*s' listed twice", (int)e->nlen, e->name);
        named[c] = true;
        order[i] = c;
    }
    return true;
}

static void map_col(struct krun *r, struct kqop *op, const struct kschema *in, uint32_t c)
{
    op->map[op->out.n] = (int32_t)c;
    add_col(r, &op->out, in->cols[c].name, in->cols[c].len, in->cols[c].type);
}

static bool bind_project_away(struct binder *b, struct kqop *op, const struct kschema *in)
{
    struct krun *r = b->r;
    bool *named = ss_arena_calloc(&r->arena, in->n + 1, sizeof(bool));
    int32_t *order = ss_arena_calloc(&r->arena, op->n + 1, sizeof(int32_t));
    if (!named_cols(b, op, in, named, order))
        return false;
    op->map = ss_arena_calloc(&r->arena, in->n + 1, sizeof(int32_t));
    op->out.n = 0;
    op->out.cols = NULL;
    if (op->op == Q_PROJECT_REORDER)
        for (uint32_t i = 0; i < op->n; i++)
            map_col(r, op, in, (uint32_t)order[i]);
    for (uint32_t c = 0; c < in->n; c++)
        if (named[c] == (op->op == Q_PROJECT_KEEP))
            map_col(r, op, in, c);
    return true;
}

static bool bind_project_rename(struct binder *b, struct kqop *op, const struct kschema *in)
{
    copy_schema(b->r, &op->out, in);
    for (uint32_t i = 0; i < op->n; i++) {
        struct kitem *it = &op->items[i];
        if (it->e->op != E_COL)
            return berr(b, it->e->line, it->e->col, "project-rename expects 'new = column'");
        int32_t c = ss__kql_find_col(in, it->e->name, it->e->nlen);
        if (c < 0)
            return berr(b, it->e->line, it->e->col, "unknown column '%.*s'", (int)it->e->nlen,
                        it->e->name);
        int32_t clash = ss__kql_find_col(&op->out, it->name, it->nlen);
        if (clash >= 0 && clash != c)
            return berr(b, it->line, it->col, "duplicate column name '%.*s'", (int)it->nlen,
                        it->name);
        op->out.cols[c].name = it->name;
        op->out.cols[c].len = it->nlen;
    }
    return true;
}

/* The default name of an aggregate column. */
static struct name agg_name(struct krun *r, const struct kexpr *e)
{
    const struct kfunc *f = e->fn;
    if (f->agg == A_COUNT || f->agg == A_COUNTIF)
        return f->agg == A_COUNT ? (struct name){"count_", 6} : (struct name){"countif_", 8};
    const char *fn = f->agg == A_ANY ? "any" : f->name;
    struct name arg = e->nargs ? expr_name(r, e->args[0]) : (struct name){NULL, 0};
    if (f->agg == A_ARGMAX || f->agg == A_ARGMIN)
        return arg.p ? arg : (struct name){fn, strlen(fn)};
    if (!arg.p)
        arg = (struct name){"", 0};
    return cat_name(r, (struct name){fn, strlen(fn)}, arg.p, arg.len);
}

/* arg_max(x, cols...|*): the extra columns after x, recorded in it->cols. */
static bool bind_argmax_cols(struct binder *b, struct kitem *it, const struct kschema *in,
                             struct kschema *out)
{
    struct krun *r = b->r;
    struct kexpr *e = it->e;
    struct ss_buf cols = SS_BUF_INIT;
    for (uint32_t k = 1; k < e->nargs; k++) {
        struct kexpr *a = e->args[k];
        if (a->op == E_ANYCOL) {
            struct name x = expr_name(r, e->args[0]);
            for (uint32_t c = 0; c < in->n; c++) {
                /* Kusto: `*` brings the columns that are not x and not already there (keys) */
                if ((x.p && x.len == in->cols[c].len &&
                     memcmp(x.p, in->cols[c].name, x.len) == 0) ||
                    ss__kql_find_col(out, in->cols[c].name, in->cols[c].len) >= 0)
                    continue;
                struct name nm =
                    unique_name(r, out, (struct name){in->cols[c].name, in->cols[c].len});
                add_col(r, out, nm.p, nm.len, in->cols[c].type);
                int32_t v = (int32_t)c;
                ss_buf_add(&cols, &v, sizeof(v));
            }
            continue;
        }
        struct name nm = expr_name(r, a);
        if (!nm.p)
            nm = column_n(r, out->n + 1);
        nm = unique_name(r, out, nm);
        add_col(r, out, nm.p, nm.len, a->type);
        int32_t v = -(int32_t)k - 1;
        ss_buf_add(&cols, &v, sizeof(v));
    }
    it->ncols = (uint32_t)(cols.len / sizeof(int32_t));
    it->cols = cols.len ? ss_arena_memdup(&r->arena, cols.ptr, cols.len) : NULL;
    ss_buf_release(&cols);
    return true;
}

static bool is_agg_call(const struct kexpr *e)
{
    const struct kfunc *f = e->op == E_CALL ? ss__kql_func(e->name, e->nlen) : NULL;
    return f && f->kind == FK_AGG;
}

/* Registers the aggregate call e (bound on the input) as aggs[n] and post column n. */
static int32_t add_agg(struct binder *b, struct kqop *op, struct kexpr *e, const struct kschema *in)
{
    struct krun *r = b->r;
    if (!bind_expr(b, e, in, true))
        return -1;
    struct kitem *aggs = ss_arena_calloc(&r->arena, op->naggs + 1, sizeof(*aggs));
    if (op->naggs)
        memcpy(aggs, op->aggs, op->naggs * sizeof(*aggs));
    aggs[op->naggs].e = e;
    aggs[op->naggs].idx = -1;
    aggs[op->naggs].idx2 = -1;
    op->aggs = aggs;
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "$agg%u", op->naggs);
    add_col(r, &op->post, ss_arena_strndup(&r->arena, buf, (size_t)n), (size_t)n, e->type);
    return (int32_t)op->naggs++;
}

/* Replaces the aggregate calls inside e by columns of op->post (Kusto:
 * `x = 100 * countif(p) / count()`). */
static bool lift_aggs(struct binder *b, struct kqop *op, struct kexpr *e, const struct kschema *in)
{
    if (++b->depth > SS_KQL_MAX_DEPTH * 4)
        return berr(b, e->line, e->col, "expression too deep");
    bool ok = true;
    if (is_agg_call(e)) {
        struct kexpr *copy = ss_arena_memdup(&b->r->arena, e, sizeof(*e));
        if (add_agg(b, op, copy, in) < 0)
            return false;
        memset(e, 0, sizeof(*e));
        e->op = E_COL;
        e->idx = -1;
        e->line = copy->line;
        e->col = copy->col;
        e->name = op->post.cols[op->post.n - 1].name;
        e->nlen = op->post.cols[op->post.n - 1].len;
    } else {
        struct kexpr *kids[] = {e->a, e->b, e->c};
        for (size_t k = 0; ok && k < 3; k++)
            ok = !kids[k] || lift_aggs(b, op, kids[k], in);
        for (uint32_t k = 0; ok && k < e->nargs; k++)
            ok = lift_aggs(b, op, e->args[k], in);
    }
    b->depth--;
    return ok;
}

static bool bind_summarize_item(struct binder *b, struct kqop *op, struct kitem *it,
                                const struct kschema *in, uint32_t pos)
{
    struct krun *r = b->r;
    struct kexpr *e = it->e;
    if (e->op == E_CALL && !ss__kql_func(e->name, e->nlen))
        return berr(b, e->line, e->col, "unknown function '%.*s'", (int)e->nlen, e->name);
    if (is_agg_call(e)) {
        if ((it->idx2 = add_agg(b, op, e, in)) < 0)
            return false;
        struct name nm = it->name ? (struct name){it->name, it->nlen} : agg_name(r, e);
        nm = unique_name(r, &op->out, nm);
        it->idx = (int32_t)add_col(r, &op->out, nm.p, nm.len, e->type);
        if ((e->fn->agg == A_ARGMAX || e->fn->agg == A_ARGMIN) &&
            !bind_argmax_cols(b, it, in, &op->out))
            return false;
        op->aggs[it->idx2].cols = it->cols;
        op->aggs[it->idx2].ncols = it->ncols;
        return true;
    }
    struct name nm = it->name ? (struct name){it->name, it->nlen} : column_n(r, pos + 1);
    uint32_t before = op->naggs;
    if (!lift_aggs(b, op, e, in))
        return false;
    if (op->naggs == before)
        return berr(b, it->line, it->col, "expected an aggregate function (count(), sum() ...)");
    if (!bind_expr(b, e, &op->post, false))
        return false;
    nm = unique_name(r, &op->out, nm);
    it->idx = (int32_t)add_col(r, &op->out, nm.p, nm.len, e->type);
    return true;
}

static bool bind_summarize(struct binder *b, struct kqop *op, const struct kschema *in)
{
    struct krun *r = b->r;
    op->out.n = 0;
    op->out.cols = NULL;
    for (uint32_t i = 0; i < op->nkeys; i++) {
        struct kitem *it = &op->keys[i];
        if (!bind_expr(b, it->e, in, false))
            return false;
        struct name nm = it->name ? (struct name){it->name, it->nlen} : expr_name(r, it->e);
        if (!nm.p)
            nm = column_n(r, i + 1);
        nm = unique_name(r, &op->out, nm);
        it->idx = (int32_t)add_col(r, &op->out, nm.p, nm.len, it->e->type);
    }
    copy_schema(r, &op->post, &op->out);
    for (uint32_t i = 0; i < op->n; i++)
        if (!bind_summarize_item(b, op, &op->items[i], in, i))
            return false;
    return true;
}

static bool bind_sort(struct binder *b, struct kqop *op, const struct kschema *in)
{
    copy_schema(b->r, &op->out, in);
    if (op->expr) {
        if (!bind_expr(b, op->expr, in, false))
            return false;
        if (op->expr->op != E_LIT || op->expr->lit.k != KK_LONG || op->expr->lit.u.i < 0)
            return berr(b, op->expr->line, op->expr->col, "expected a row count");
    }
    for (uint32_t i = 0; i < op->nkeys; i++)
        if (!bind_expr(b, op->keys[i].e, in, false))
            return false;
    return true;
}

static bool bind_distinct(struct binder *b, struct kqop *op, const struct kschema *in)
{
    if (op->star) {
        copy_schema(b->r, &op->out, in);
        return true;
    }
    return bind_items_out(b, op, in);
}

/* A join key side: a column of `s`, or $left.x / $right.x naming `side`. */
static int32_t join_col(struct binder *b, struct kexpr *e, const struct kschema *s,
                        const char *side)
{
    if (e->op == E_MEMBER && e->a->op == E_COL && e->a->name[0] == '$') {
        if (strlen(side) != e->a->nlen || memcmp(side, e->a->name, e->a->nlen) != 0) {
            berr(b, e->a->line, e->a->col, "expected %s here", side);
            return -1;
        }
        int32_t c = ss__kql_find_col(s, e->name, e->nlen);
        if (c < 0)
            berr(b, e->line, e->col, "unknown column '%.*s' in %s", (int)e->nlen, e->name, side);
        return c;
    }
    if (e->op != E_COL) {
        berr(b, e->line, e->col, "expected a column or $left.column == $right.column");
        return -1;
    }
    int32_t c = ss__kql_find_col(s, e->name, e->nlen);
    if (c < 0)
        berr(b, e->line, e->col, "unknown column '%.*s' in the %s table", (int)e->nlen, e->name,
             side + 1);
    return c;
}

static bool bind_join(struct binder *b, struct kqop *op, const struct kschema *in)
{
    struct krun *r = b->r;
    struct kschema right;
    if (!bind_query(b, op->subs[0], &right))
        return false;
    for (uint32_t i = 0; i < op->nkeys; i++) {
        struct kitem *k = &op->keys[i];
        struct kexpr *le = k->e, *re = k->e2 ? k->e2 : k->e;
        if (k->e2 && le->op == E_MEMBER && le->a->op == E_COL && le->a->nlen == 6 &&
            memcmp(le->a->name, "$right", 6) == 0) {
            struct kexpr *t = le;
            le = re;
            re = t;
        }
        if ((k->idx = join_col(b, le, in, "$left")) < 0)
            return false;
        if ((k->idx2 = join_col(b, re, &right, "$right")) < 0)
            return false;
    }
    copy_schema(r, &op->out, in);
    if (op->kind == J_LEFTSEMI || op->kind == J_LEFTANTI)
        return true;
    op->map = ss_arena_calloc(&r->arena, right.n + 1, sizeof(int32_t));
    for (uint32_t c = 0; c < right.n; c++) {
        struct name nm =
            unique_name(r, &op->out, (struct name){right.cols[c].name, right.cols[c].len});
        op->map[c] = (int32_t)add_col(r, &op->out, nm.p, nm.len, right.cols[c].type);
    }
    return true;
}

/* union: columns by name in order of appearance; mixed types become dynamic. */
static bool bind_union(struct binder *b, struct kqop *op, const struct kschema *in)
{
    struct krun *r = b->r;
    uint32_t nin = op->nsubs + (in ? 1 : 0);
    struct kschema *ins = ss_arena_calloc(&r->arena, nin, sizeof(*ins));
    if (in)
        ins[0] = *in;
    for (uint32_t i = 0; i < op->nsubs; i++)
        if (!bind_query(b, op->subs[i], &ins[i + (in ? 1 : 0)]))
            return false;
    op->out.n = 0;
    op->out.cols = NULL;
    for (uint32_t i = 0; i < nin; i++)
        for (uint32_t c = 0; c < ins[i].n; c++) {
            int32_t o = ss__kql_find_col(&op->out, ins[i].cols[c].name, ins[i].cols[c].len);
            if (o < 0) {
                bool everywhere = true;
                for (uint32_t k = 0; op->kind == 1 && k < nin; k++)
                    everywhere = everywhere && ss__kql_find_col(&ins[k], ins[i].cols[c].name,
                                                                ins[i].cols[c].len) >= 0;
                if (everywhere)
                    add_col(r, &op->out, ins[i].cols[c].name, ins[i].cols[c].len,
                            ins[i].cols[c].type);
            } else if (op->out.cols[o].type != ins[i].cols[c].type) {
                op->out.cols[o].type = KT_DYNAMIC;
            }
        }
    op->maps = ss_arena_calloc(&r->arena, nin, sizeof(int32_t *));
    for (uint32_t i = 0; i < nin; i++) {
        op->maps[i] = ss_arena_calloc(&r->arena, op->out.n + 1, sizeof(int32_t));
        for (uint32_t c = 0; c < op->out.n; c++)
            op->maps[i][c] = ss__kql_find_col(&ins[i], op->out.cols[c].name, op->out.cols[c].len);
    }
    return true;
}

static bool bind_mvexpand(struct binder *b, struct kqop *op, const struct kschema *in)
{
    struct krun *r = b->r;
    copy_schema(r, &op->out, in);
    if (op->expr && (op->expr->op != E_LIT || op->expr->lit.k != KK_LONG))
        return berr(b, op->expr->line, op->expr->col, "expected a row limit");
    for (uint32_t i = 0; i < op->n; i++) {
        struct kitem *it = &op->items[i];
        if (!bind_expr(b, it->e, in, false))
            return false;
        struct name nm = it->name ? (struct name){it->name, it->nlen} : expr_name(r, it->e);
        if (!nm.p)
            nm = column_n(r, i + 1);
        it->idx = ss__kql_find_col(&op->out, nm.p, nm.len);
        if (it->idx < 0)
            it->idx = (int32_t)add_col(r, &op->out, nm.p, nm.len, it->ptype);
        else
            op->out.cols[it->idx].type = it->ptype;
    }
    return true;
}

static bool bind_parse(struct binder *b, struct kqop *op, const struct kschema *in)
{
    struct krun *r = b->r;
    if (!bind_expr(b, op->expr, in, false))
        return false;
    copy_schema(r, &op->out, in);
    for (uint32_t i = 0; i < op->n; i++) {
        struct kitem *it = &op->items[i];
        if (it->e && !bind_expr(b, it->e, in, false))
            return false;
        if (!it->name)
            continue;
        it->idx = ss__kql_find_col(&op->out, it->name, it->nlen);
        if (it->idx < 0)
            it->idx = (int32_t)add_col(r, &op->out, it->name, it->nlen, it->ptype);
        else
            op->out.cols[it->idx].type = it->ptype;
    }
    return true;
}

static bool bind_count(struct binder *b, struct kqop *op, const struct kschema *in)
{
    (void)in;
    op->out.n = 0;
    add_col(b->r, &op->out, "Count", 5, KT_LONG);
    return true;
}

static bool bind_where(struct binder *b, struct kqop *op, const struct kschema *in)
{
    copy_schema(b->r, &op->out, in);
    if (!bind_expr(b, op->expr, in, false))
        return false;
    if (op->expr->type != KT_BOOL && op->expr->type != KT_DYNAMIC)
        return berr(b, op->expr->line, op->expr->col, "where expects a bool predicate, got %s",
                    ss__kql_type_names[op->expr->type]);
    return true;
}

static bool bind_take(struct binder *b, struct kqop *op, const struct kschema *in)
{
    return bind_sort(b, op, in);
}

typedef bool (*bind_fn)(struct binder *b, struct kqop *op, const struct kschema *in);

static const bind_fn binders[] = {
    [Q_WHERE] = bind_where,
    [Q_EXTEND] = bind_extend,
    [Q_PROJECT] = bind_items_out,
    [Q_PROJECT_AWAY] = bind_project_away,
    [Q_PROJECT_RENAME] = bind_project_rename,
    [Q_SUMMARIZE] = bind_summarize,
    [Q_SORT] = bind_sort,
    [Q_TOP] = bind_sort,
    [Q_TAKE] = bind_take,
    [Q_DISTINCT] = bind_distinct,
    [Q_COUNT] = bind_count,
    [Q_JOIN] = bind_join,
    [Q_UNION] = bind_union,
    [Q_MVEXPAND] = bind_mvexpand,
    [Q_PARSE] = bind_parse,
    [Q_PROJECT_KEEP] = bind_project_away,
    [Q_PROJECT_REORDER] = bind_project_away,
};

static bool bind_source(struct binder *b, struct kquery *q)
{
    struct krun *r = b->r;
    for (size_t i = 0; i < r->ntables; i++) {
        const char *name = r->tables[i].name;
        if (name && strlen(name) == q->tlen && strncasecmp(name, q->table, q->tlen) == 0) {
            q->src = &r->tables[i];
            if (!r->schemas[i].cols)
                infer_schema(r, q->src, &r->schemas[i]);
            q->schema = r->schemas[i];
            return true;
        }
    }
    return berr(b, q->line, q->col, "unknown table '%.*s'", (int)q->tlen, q->table);
}

static bool bind_query(struct binder *b, struct kquery *q, struct kschema *out)
{
    const struct kschema *cur = NULL;
    uint32_t first = 0;
    if (q->table) {
        if (!bind_source(b, q))
            return false;
        cur = &q->schema;
    } else {
        if (!bind_union(b, &q->ops[0], NULL))
            return false;
        cur = &q->ops[0].out;
        first = 1;
    }
    for (uint32_t i = first; i < q->nops; i++) {
        struct kqop *op = &q->ops[i];
        if (!binders[op->op](b, op, cur))
            return false;
        cur = &op->out;
    }
    *out = *cur;
    return true;
}

enum ss_err ss__kql_bind(struct krun *r, struct kquery *q, struct ss_diag *diag)
{
    struct binder b = {.r = r, .diag = diag};
    struct kschema out;
    if (!r->schemas)
        r->schemas = ss_arena_calloc(&r->arena, r->ntables + 1, sizeof(*r->schemas));
    if (!bind_query(&b, q, &out))
        return b.err ? b.err : SS_EQUERY;
    return SS_OK;
}
