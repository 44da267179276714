/*
 * KQL execution: expression evaluation and the tabular operators (except
 * summarize, in aggr.c). Each operator reads a set of rows and builds a new
 * one in the run's arena.
 *
 * A set read straight from an input table keeps the rows as JSON objects
 * and reads a column by member name when asked (where, order by, take and
 * top keep that form, so filtering a big table copies nothing); every other
 * operator materialises rows as arrays of values.
 *
 * Choices where Kusto's documentation is silent or our subset is smaller:
 *  - mv-expand: an empty array or bag gives no row; null and scalars give one
 *    row holding the value; `to typeof(t)` is a cast (other kinds become
 *    null); several expressions expand in parallel (at most 16);
 *  - union: columns are matched by name; a column whose types differ between
 *    the inputs becomes dynamic (Kusto would split it into name_type columns);
 *  - join: null keys match nothing; the output lists the left rows in order,
 *    each with its right matches in right order; rightouter appends the
 *    unmatched right rows;
 *  - parse: simple mode; the pattern is anchored at the start, each column
 *    takes the text up to the first occurrence of the next literal, the last
 *    one the rest; on no match the new columns are empty (string) or null;
 *  - integer overflow wraps, integer division by zero is null (as is % 0).
 *
 * Budgets: one step per row visited by an operator and per expression node
 * evaluated; the memory budget counts the arena and parsed dynamic values.
 * Either one exhausted stops the query with SS_EBUDGET.
 */
#include "common/setup.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "common/limits.h"
#include "kql/internal.h"

bool ss__kql_fail(struct krun *r, enum ss_err e, const char *fmt, ...)
{
    if (r->err)
        return false;
    r->err = e;
    if (r->diag && r->diag->code == SS_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->diag->msg, sizeof(r->diag->msg), fmt, ap);
        va_end(ap);
        r->diag->code = e;
    }
    return false;
}

bool ss__kql_fail_at(struct krun *r, enum ss_err e, uint32_t line, uint32_t col, const char *fmt,
                     ...)
{
    if (r->err)
        return false;
    r->err = e;
    if (r->diag && r->diag->code == SS_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->diag->msg, sizeof(r->diag->msg), fmt, ap);
        va_end(ap);
        r->diag->code = e;
        r->diag->line = line;
        r->diag->column = col;
    }
    return false;
}

bool ss__kql_step(struct krun *r, uint64_t n)
{
    r->steps += n;
    if (SS_UNLIKELY(r->err))
        return false;
    if (SS_UNLIKELY(r->steps > r->max_steps))
        return ss__kql_fail(r, SS_EBUDGET, "query exceeded the step budget (%llu steps)",
                            (unsigned long long)r->max_steps);
    if (SS_UNLIKELY(r->arena.used + r->extra_memory > r->max_memory))
        return ss__kql_fail(r, SS_EBUDGET, "query exceeded the memory budget (%llu bytes)",
                            (unsigned long long)r->max_memory);
    return true;
}

struct kv *ss__kql_row_new(struct krun *r, uint32_t n)
{
    return ss_arena_calloc(&r->arena, n ? n : 1, sizeof(struct kv));
}

void ss__kql_set_push(struct krun *r, struct kset *s, size_t *cap, struct kv *row)
{
    if (s->nrows == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        struct kv **rows = ss_arena_alloc(&r->arena, nc * sizeof(*rows));
        if (s->nrows)
            memcpy(rows, s->rows, s->nrows * sizeof(*rows));
        s->rows = rows;
        *cap = nc;
    }
    s->rows[s->nrows++] = row;
}

struct kv ss__kql_get(const struct kset *set, size_t row, uint32_t c)
{
    if (set->rows)
        return set->rows[row][c];
    const struct kcolumn *col = &set->s.cols[c];
    struct kv v = ss__kql_from_json(ss_json_get(set->src[row], col->name, col->len));
    if (v.k == KK_NULL && col->type == KT_STRING)
        return kv_str("", 0); /* Kusto strings are never null */
    if (v.k == KK_LONG && col->type == KT_REAL)
        return kv_real((double)v.u.i); /* a column of mixed numbers is real */
    return v;
}

/* ---- string operators ---- */

static bool eq_nocase(const char *a, const char *b, size_t n)
{
    return ss_mem_eq_nocase(a, b, n);
}

/* First occurrence of needle in hay at or after `from`; -1 if none. */
static long find(const char *hay, size_t hn, const char *nd, size_t nn, size_t from, bool cs)
{
    if (nn == 0)
        return (long)from;
    if (cs) {
        const char *p = from <= hn ? memmem(hay + from, hn - from, nd, nn) : NULL;
        return p ? (long)(p - hay) : -1;
    }
    int first = tolower((unsigned char)nd[0]);
    for (size_t i = from; i + nn <= hn; i++)
        if (tolower((unsigned char)hay[i]) == first && eq_nocase(hay + i, nd, nn))
            return (long)i;
    return -1;
}

static bool term_char(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* has / hasprefix / hassuffix: the needle at term boundaries (mode 0 both, 1 start, 2 end). */
static bool has_term(const char *h, size_t hn, const char *nd, size_t nn, bool cs, int mode)
{
    if (!nn)
        return true;
    bool lead = term_char((unsigned char)nd[0]), trail = term_char((unsigned char)nd[nn - 1]);
    for (long at = find(h, hn, nd, nn, 0, cs); at >= 0;
         at = find(h, hn, nd, nn, (size_t)at + 1, cs)) {
        size_t end = (size_t)at + nn;
        bool ok_start = !lead || at == 0 || !term_char((unsigned char)h[at - 1]);
        bool ok_end = !trail || end == hn || !term_char((unsigned char)h[end]);
        if ((mode == 2 || ok_start) && (mode == 1 || ok_end))
            return true;
    }
    return false;
}

static bool str_op(int bop, bool cs, struct kv x, struct kv y)
{
    const char *h = x.u.s, *n = y.u.s;
    size_t hn = x.len, nn = y.len;
    switch (bop) {
    case B_CONTAINS:
        return find(h, hn, n, nn, 0, cs) >= 0;
    case B_HAS:
        return has_term(h, hn, n, nn, cs, 0);
    case B_HASPREFIX:
        return has_term(h, hn, n, nn, cs, 1);
    case B_HASSUFFIX:
        return has_term(h, hn, n, nn, cs, 2);
    case B_STARTS:
        return nn <= hn && (cs ? memcmp(h, n, nn) == 0 : eq_nocase(h, n, nn));
    case B_ENDS:
        return nn <= hn && (cs ? memcmp(h + hn - nn, n, nn) == 0 : eq_nocase(h + hn - nn, n, nn));
    default:
        return false;
    }
}

static bool truthy(struct kv v)
{
    return v.k == KK_BOOL && v.u.b;
}

/* `* has x`: true if any column's text matches. */
static struct kv any_column(struct krun *r, struct kexpr *e, const struct kset *set, size_t row,
                            struct kv y)
{
    bool neg = e->flags & F_NOT;
    for (uint32_t c = 0; c < set->s.n; c++) {
        struct kv x = ss__kql_to_string(r, ss__kql_get(set, row, c));
        if (str_op(e->bop, e->flags & F_CS, x, y) != neg)
            return kv_bool(true);
    }
    return kv_bool(false);
}

/* ---- arithmetic ---- */

static struct kv arith_long(int bop, int64_t x, int64_t y)
{
    uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
    switch (bop) {
    case B_ADD:
        return kv_long((int64_t)(ux + uy));
    case B_SUB:
        return kv_long((int64_t)(ux - uy));
    case B_MUL:
        return kv_long((int64_t)(ux * uy));
    case B_DIV:
        if (y == 0 || (x == INT64_MIN && y == -1))
            return KV_NULL;
        return kv_long(x / y);
    default:
        if (y == 0 || (x == INT64_MIN && y == -1))
            return KV_NULL;
        return kv_long(x % y);
    }
}

static struct kv arith_real(int bop, double x, double y)
{
    switch (bop) {
    case B_ADD:
        return kv_real(x + y);
    case B_SUB:
        return kv_real(x - y);
    case B_MUL:
        return kv_real(x * y);
    case B_DIV:
        return kv_real(x / y);
    default:
        return kv_real(fmod(x, y));
    }
}

static struct kv ticks(int k, int64_t t)
{
    struct kv v = {.k = (uint8_t)k};
    v.u.i = t;
    return v;
}

/* Tick sums and differences wrap (two's complement) instead of overflowing. */
static int64_t tick_add(int64_t a, int64_t b, bool sub)
{
    return (int64_t)(sub ? (uint64_t)a - (uint64_t)b : (uint64_t)a + (uint64_t)b);
}

static struct kv arith_time(int bop, struct kv x, struct kv y)
{
    if (x.k == KK_DATE && y.k == KK_DATE && bop == B_SUB)
        return ticks(KK_SPAN, tick_add(x.u.i, y.u.i, true));
    if (x.k == KK_DATE && y.k == KK_SPAN && (bop == B_ADD || bop == B_SUB))
        return ss__kql_date(tick_add(x.u.i, y.u.i, bop == B_SUB));
    if (x.k == KK_SPAN && y.k == KK_DATE && bop == B_ADD)
        return ss__kql_date(tick_add(x.u.i, y.u.i, false));
    if (x.k == KK_SPAN && y.k == KK_SPAN) {
        if (bop == B_DIV)
            return y.u.i ? kv_real((double)x.u.i / (double)y.u.i) : KV_NULL;
        struct kv v = arith_long(bop, x.u.i, y.u.i);
        return v.k == KK_NULL ? v : ticks(KK_SPAN, v.u.i);
    }
    if (x.k == KK_SPAN && (y.k == KK_LONG || y.k == KK_REAL) && (bop == B_MUL || bop == B_DIV)) {
        double f = y.k == KK_LONG ? (double)y.u.i : y.u.d;
        double t = bop == B_MUL ? (double)x.u.i * f : (double)x.u.i / f;
        return isfinite(t) && fabs(t) < 9.2e18 ? ticks(KK_SPAN, (int64_t)t) : KV_NULL;
    }
    return KV_NULL;
}

static struct kv arith(int bop, int type, struct kv x, struct kv y)
{
    if (x.k == KK_NULL || y.k == KK_NULL)
        return KV_NULL;
    if (x.k == KK_LONG && y.k == KK_LONG && type != KT_REAL)
        return arith_long(bop, x.u.i, y.u.i);
    bool xn = x.k == KK_LONG || x.k == KK_REAL, yn = y.k == KK_LONG || y.k == KK_REAL;
    if (xn && yn)
        return arith_real(bop, x.k == KK_LONG ? (double)x.u.i : x.u.d,
                          y.k == KK_LONG ? (double)y.u.i : y.u.d);
    return arith_time(bop, x, y);
}

/* ---- evaluation ---- */

static struct kv eval_bin(struct krun *r, struct kexpr *e, const struct kset *set, size_t row)
{
    if (e->bop == B_AND) {
        if (!truthy(ss__kql_eval(r, e->a, set, row)))
            return kv_bool(false);
        return kv_bool(truthy(ss__kql_eval(r, e->b, set, row)));
    }
    if (e->bop == B_OR) {
        if (truthy(ss__kql_eval(r, e->a, set, row)))
            return kv_bool(true);
        return kv_bool(truthy(ss__kql_eval(r, e->b, set, row)));
    }
    struct kv y = ss__kql_eval(r, e->b, set, row);
    if (e->bop >= B_CONTAINS) {
        y = ss__kql_to_string(r, y);
        if (e->a->op == E_ANYCOL)
            return any_column(r, e, set, row, y);
        struct kv x = ss__kql_to_string(r, ss__kql_eval(r, e->a, set, row));
        return kv_bool(str_op(e->bop, e->flags & F_CS, x, y) != (bool)(e->flags & F_NOT));
    }
    if (e->a->op == E_ANYCOL)
        return kv_bool(false);
    struct kv x = ss__kql_eval(r, e->a, set, row);
    int c;
    switch (e->bop) {
    case B_EQ:
        return kv_bool(ss__kql_equal(x, y, false));
    case B_NE:
        return kv_bool(x.k != KK_NULL && y.k != KK_NULL && !ss__kql_equal(x, y, false));
    case B_EQI:
        return kv_bool(ss__kql_equal(x, y, true));
    case B_NEI:
        return kv_bool(x.k != KK_NULL && y.k != KK_NULL && !ss__kql_equal(x, y, true));
    case B_LT:
        return kv_bool((c = ss__kql_compare(x, y)) != -2 && c < 0);
    case B_LE:
        return kv_bool((c = ss__kql_compare(x, y)) != -2 && c <= 0);
    case B_GT:
        return kv_bool((c = ss__kql_compare(x, y)) != -2 && c > 0);
    case B_GE:
        return kv_bool((c = ss__kql_compare(x, y)) != -2 && c >= 0);
    default: {
        struct kv v = arith(e->bop, e->type, x, y);
        if (e->type == KT_REAL && v.k == KK_LONG)
            v = kv_real((double)v.u.i);
        return v;
    }
    }
}

static struct kv eval_in(struct krun *r, struct kexpr *e, const struct kset *set, size_t row)
{
    struct kv x = ss__kql_eval(r, e->a, set, row);
    bool nocase = e->flags & F_NOCASE, found = false;
    for (uint32_t i = 0; i < e->nargs && !found; i++) {
        struct kv y = ss__kql_eval(r, e->args[i], set, row);
        long n = ss__kql_arr_len(y);
        if (n < 0) {
            found = ss__kql_equal(x, y, nocase);
            continue;
        }
        for (long k = 0; k < n && !found; k++)
            found = ss__kql_equal(x, ss__kql_arr_at(y, (size_t)k), nocase);
    }
    if (x.k == KK_NULL)
        return kv_bool(false);
    return kv_bool(found != (bool)(e->flags & F_NOT));
}

static struct kv eval_between(struct krun *r, struct kexpr *e, const struct kset *set, size_t row)
{
    struct kv x = ss__kql_eval(r, e->a, set, row);
    struct kv lo = ss__kql_eval(r, e->b, set, row), hi = ss__kql_eval(r, e->c, set, row);
    int a = ss__kql_compare(x, lo), b = ss__kql_compare(x, hi);
    if (a == -2 || b == -2)
        return kv_bool(false);
    return kv_bool((a >= 0 && b <= 0) != (bool)(e->flags & F_NOT));
}

static struct kv eval_call(struct krun *r, struct kexpr *e, const struct kset *set, size_t row)
{
    struct kv small[8], *args = small;
    if (e->nargs > SS_ARRAY_LEN(small))
        args = ss_xcalloc(e->nargs, sizeof(*args));
    for (uint32_t i = 0; i < e->nargs; i++)
        args[i] = ss__kql_eval(r, e->args[i], set, row);
    struct kv v = e->fn->eval(r, e, args);
    if (args != small)
        free(args);
    return v;
}

static struct kv eval_index(struct krun *r, struct kexpr *e, const struct kset *set, size_t row)
{
    struct kv a = ss__kql_eval(r, e->a, set, row);
    struct kv i = ss__kql_eval(r, e->b, set, row);
    if (i.k == KK_STR)
        return ss__kql_member(a, i.u.s, i.len);
    if (i.k != KK_LONG)
        return KV_NULL;
    long n = ss__kql_arr_len(a);
    int64_t k = i.u.i < 0 ? n + i.u.i : i.u.i; /* Kusto: negative indexes count from the end */
    if (n < 0 || k < 0 || k >= n)
        return KV_NULL;
    return ss__kql_arr_at(a, (size_t)k);
}

struct kv ss__kql_eval(struct krun *r, struct kexpr *e, const struct kset *set, size_t row)
{
    r->steps++;
    switch (e->op) {
    case E_LIT:
        return e->lit;
    case E_COL:
        return ss__kql_get(set, row, (uint32_t)e->idx);
    case E_MEMBER:
        return ss__kql_member(ss__kql_eval(r, e->a, set, row), e->name, e->nlen);
    case E_INDEX:
        return eval_index(r, e, set, row);
    case E_CALL:
        return eval_call(r, e, set, row);
    case E_NEG: {
        struct kv a = ss__kql_eval(r, e->a, set, row);
        if (a.k == KK_LONG)
            return kv_long((int64_t)(0 - (uint64_t)a.u.i));
        if (a.k == KK_REAL)
            return kv_real(-a.u.d);
        if (a.k == KK_SPAN)
            return ticks(KK_SPAN, (int64_t)(0 - (uint64_t)a.u.i));
        return KV_NULL;
    }
    case E_BIN:
        return eval_bin(r, e, set, row);
    case E_IN:
        return eval_in(r, e, set, row);
    case E_BETWEEN:
        return eval_between(r, e, set, row);
    default:
        return KV_NULL;
    }
}

/* ---- operators ---- */

/* A set with the same rows as `in` selected by `idx` (n of them). */
static void select_rows(struct krun *r, const struct kset *in, const uint32_t *idx, size_t n,
                        struct kset *out)
{
    out->s = in->s;
    out->nrows = n;
    out->rows = NULL;
    out->src = NULL;
    if (in->rows) {
        out->rows = ss_arena_alloc(&r->arena, (n ? n : 1) * sizeof(*out->rows));
        for (size_t i = 0; i < n; i++)
            out->rows[i] = in->rows[idx ? idx[i] : i];
    } else {
        struct ss_json *src = ss_arena_alloc(&r->arena, (n ? n : 1) * sizeof(*src));
        for (size_t i = 0; i < n; i++)
            src[i] = in->src[idx ? idx[i] : i];
        out->src = src;
    }
}

static bool op_where(struct krun *r, const struct kqop *op, const struct kset *in, struct kset *out)
{
    uint32_t *idx = ss_arena_alloc(&r->arena, (in->nrows ? in->nrows : 1) * sizeof(uint32_t));
    size_t n = 0;
    for (size_t i = 0; i < in->nrows; i++) {
        if (!ss__kql_step(r, 1))
            return false;
        if (truthy(ss__kql_eval(r, op->expr, in, i)))
            idx[n++] = (uint32_t)i;
    }
    select_rows(r, in, idx, n, out);
    return true;
}

static bool op_extend(struct krun *r, const struct kqop *op, const struct kset *in,
                      struct kset *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    for (size_t i = 0; i < in->nrows; i++) {
        if (!ss__kql_step(r, 1))
            return false;
        struct kv *row = ss__kql_row_new(r, op->out.n);
        for (uint32_t c = 0; c < in->s.n; c++)
            row[c] = ss__kql_get(in, i, c);
        struct kset one = {.s = op->out, .nrows = 1, .rows = &row};
        for (uint32_t k = 0; k < op->n; k++) {
            struct kv v = ss__kql_eval(r, op->items[k].e, &one, 0);
            if (op->items[k].e->type == KT_REAL && v.k == KK_LONG)
                v = kv_real((double)v.u.i);
            row[op->items[k].idx] = v;
        }
        ss__kql_set_push(r, out, &cap, row);
    }
    if (!out->rows)
        out->rows = ss_arena_alloc(&r->arena, sizeof(*out->rows));
    return true;
}

/* project and distinct's columns: one value per item. */
static bool op_project(struct krun *r, const struct kqop *op, const struct kset *in,
                       struct kset *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    for (size_t i = 0; i < in->nrows; i++) {
        if (!ss__kql_step(r, 1))
            return false;
        struct kv *row = ss__kql_row_new(r, op->out.n);
        for (uint32_t k = 0; k < op->n; k++) {
            struct kv v = ss__kql_eval(r, op->items[k].e, in, i);
            if (op->items[k].e->type == KT_REAL && v.k == KK_LONG)
                v = kv_real((double)v.u.i);
            row[op->items[k].idx] = v;
        }
        ss__kql_set_push(r, out, &cap, row);
    }
    if (!out->rows)
        out->rows = ss_arena_alloc(&r->arena, sizeof(*out->rows));
    return true;
}

static bool op_project_away(struct krun *r, const struct kqop *op, const struct kset *in,
                            struct kset *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    for (size_t i = 0; i < in->nrows; i++) {
        if (!ss__kql_step(r, 1))
            return false;
        struct kv *row = ss__kql_row_new(r, op->out.n);
        for (uint32_t c = 0; c < op->out.n; c++)
            row[c] = ss__kql_get(in, i, (uint32_t)op->map[c]);
        ss__kql_set_push(r, out, &cap, row);
    }
    if (!out->rows)
        out->rows = ss_arena_alloc(&r->arena, sizeof(*out->rows));
    return true;
}

/* Materialises a set read from an input table. */
static void materialise(struct krun *r, const struct kset *in, struct kset *out)
{
    *out = *in;
    if (in->rows)
        return;
    out->src = NULL;
    out->rows = ss_arena_alloc(&r->arena, (in->nrows ? in->nrows : 1) * sizeof(*out->rows));
    for (size_t i = 0; i < in->nrows; i++) {
        out->rows[i] = ss__kql_row_new(r, in->s.n);
        for (uint32_t c = 0; c < in->s.n; c++)
            out->rows[i][c] = ss__kql_get(in, i, c);
    }
}

static bool op_project_rename(struct krun *r, const struct kqop *op, const struct kset *in,
                              struct kset *out)
{
    if (!ss__kql_step(r, in->nrows))
        return false;
    materialise(r, in, out);
    out->s = op->out;
    return true;
}

/* ---- sorting: a stable merge sort of row indexes ---- */

struct sorter {
    const struct kqop *op;
    const struct kv *keys; /* nrows x nkeys */
};

static int cmp_rows(const struct sorter *s, uint32_t a, uint32_t b)
{
    uint32_t nk = s->op->nkeys;
    for (uint32_t k = 0; k < nk; k++) {
        const struct kitem *it = &s->op->keys[k];
        struct kv x = s->keys[(size_t)a * nk + k], y = s->keys[(size_t)b * nk + k];
        bool xn = x.k == KK_NULL, yn = y.k == KK_NULL;
        if (xn || yn) {
            if (xn && yn)
                continue;
            bool nulls_first = it->nulls ? it->nulls == 1 : !it->desc;
            return (xn == nulls_first) ? -1 : 1;
        }
        int c = ss__kql_order(x, y);
        if (c)
            return it->desc ? -c : c;
    }
    return 0;
}

static void merge_sort(const struct sorter *s, uint32_t *v, uint32_t *tmp, size_t n)
{
    if (n < 2)
        return;
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            uint32_t x = v[i];
            size_t j = i;
            while (j > 0 && cmp_rows(s, v[j - 1], x) > 0) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(s, v, tmp, h);
    merge_sort(s, v + h, tmp, n - h);
    if (cmp_rows(s, v[h - 1], v[h]) <= 0)
        return;
    memcpy(tmp, v, h * sizeof(*v));
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        v[k++] = cmp_rows(s, v[j], tmp[i]) < 0 ? v[j++] : tmp[i++];
    while (i < h)
        v[k++] = tmp[i++];
}

static bool op_sort(struct krun *r, const struct kqop *op, const struct kset *in, struct kset *out)
{
    size_t n = in->nrows, nk = op->nkeys;
    struct kv *keys = ss_arena_alloc(&r->arena, (n * nk != 0 ? n * nk : 1) * sizeof(*keys));
    for (size_t i = 0; i < n; i++) {
        if (!ss__kql_step(r, 1))
            return false;
        for (size_t k = 0; k < nk; k++)
            keys[i * nk + k] = ss__kql_eval(r, op->keys[k].e, in, i);
    }
    uint32_t *idx = ss_arena_alloc(&r->arena, (n ? n : 1) * sizeof(uint32_t));
    uint32_t *tmp = ss_arena_alloc(&r->arena, (n ? n : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    struct sorter s = {op, keys};
    if (!ss__kql_step(r, n))
        return false;
    merge_sort(&s, idx, tmp, n);
    size_t take = n;
    if (op->op == Q_TOP && (uint64_t)op->expr->lit.u.i < n)
        take = (size_t)op->expr->lit.u.i;
    select_rows(r, in, idx, take, out);
    return true;
}

static bool op_take(struct krun *r, const struct kqop *op, const struct kset *in, struct kset *out)
{
    size_t n = in->nrows;
    if ((uint64_t)op->expr->lit.u.i < n)
        n = (size_t)op->expr->lit.u.i;
    if (!ss__kql_step(r, n))
        return false;
    select_rows(r, in, NULL, n, out);
    return true;
}

static bool op_count(struct krun *r, const struct kqop *op, const struct kset *in, struct kset *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    struct kv *row = ss__kql_row_new(r, 1);
    row[0] = kv_long((int64_t)in->nrows);
    ss__kql_set_push(r, out, &cap, row);
    return ss__kql_step(r, 1);
}

static bool op_distinct(struct krun *r, const struct kqop *op, const struct kset *in,
                        struct kset *out)
{
    struct kset proj;
    if (op->star)
        materialise(r, in, &proj);
    else if (!op_project(r, op, in, &proj))
        return false;
    struct ss_map seen;
    ss_map_init(&seen, 0);
    struct ss_buf key = SS_BUF_INIT;
    size_t cap = 0;
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    bool ok = true;
    for (size_t i = 0; i < proj.nrows && (ok = ss__kql_step(r, 1)); i++) {
        ss_buf_reset(&key);
        for (uint32_t c = 0; c < proj.s.n; c++)
            ss__kql_key(&key, proj.rows[i][c]);
        bool added;
        ss_map_put(&seen, key.ptr ? key.ptr : "", key.len, NULL, &added);
        if (added)
            ss__kql_set_push(r, out, &cap, proj.rows[i]);
    }
    r->extra_memory += ss_arena_memory(&seen.keys) + seen.cap * sizeof(*seen.slots);
    ss_map_release(&seen);
    ss_buf_release(&key);
    if (!out->rows)
        out->rows = ss_arena_alloc(&r->arena, sizeof(*out->rows));
    return ok;
}

/* ---- join ---- */

static bool join_key(struct ss_buf *b, const struct kset *s, size_t row, const struct kqop *op,
                     bool right)
{
    ss_buf_reset(b);
    for (uint32_t k = 0; k < op->nkeys; k++) {
        struct kv v = ss__kql_get(s, row, (uint32_t)(right ? op->keys[k].idx2 : op->keys[k].idx));
        if (v.k == KK_NULL)
            return false; /* null keys match nothing */
        ss__kql_key(b, v);
    }
    return true;
}

static struct kv *join_row(struct krun *r, const struct kqop *op, const struct kset *l, size_t li,
                           const struct kset *rs, size_t ri)
{
    struct kv *row = ss__kql_row_new(r, op->out.n);
    if (l)
        for (uint32_t c = 0; c < l->s.n; c++)
            row[c] = ss__kql_get(l, li, c);
    if (rs)
        for (uint32_t c = 0; c < rs->s.n; c++)
            row[op->map[c]] = ss__kql_get(rs, ri, c);
    return row;
}

struct join_state {
    struct ss_map index; /* right key -> first right row + 1 */
    uint32_t *next;      /* right row -> next right row with the same key + 1 */
    bool *matched;       /* right rows matched (rightouter) */
    struct ss_buf key;
};

static void join_index(struct krun *r, const struct kqop *op, const struct kset *rs,
                       struct join_state *js)
{
    ss_map_init(&js->index, 0);
    js->next = ss_arena_calloc(&r->arena, rs->nrows + 1, sizeof(uint32_t));
    js->matched = ss_arena_calloc(&r->arena, rs->nrows + 1, sizeof(bool));
    uint32_t *tail = ss_arena_calloc(&r->arena, rs->nrows + 1, sizeof(uint32_t));
    for (size_t i = 0; i < rs->nrows && ss__kql_step(r, 1); i++) {
        if (!join_key(&js->key, rs, i, op, true))
            continue;
        void *head = NULL;
        if (ss_map_find(&js->index, js->key.ptr, js->key.len, &head)) {
            uint32_t h = (uint32_t)(uintptr_t)head - 1;
            js->next[tail[h]] = (uint32_t)i + 1;
            tail[h] = (uint32_t)i;
        } else {
            ss_map_put(&js->index, js->key.ptr, js->key.len, (void *)(uintptr_t)(i + 1), NULL);
            tail[i] = (uint32_t)i;
        }
    }
}

static bool join_probe(struct krun *r, const struct kqop *op, const struct kset *l,
                       const struct kset *rs, struct join_state *js, struct kset *out, size_t *cap)
{
    struct ss_map seen; /* innerunique: left keys already used */
    ss_map_init(&seen, 0);
    bool ok = true;
    for (size_t i = 0; i < l->nrows && (ok = ss__kql_step(r, 1)); i++) {
        void *head = NULL;
        bool has_key = join_key(&js->key, l, i, op, false);
        bool hit = has_key && ss_map_find(&js->index, js->key.ptr, js->key.len, &head);
        if (op->kind == J_INNERUNIQUE && has_key) {
            bool added;
            ss_map_put(&seen, js->key.ptr, js->key.len, NULL, &added);
            if (!added)
                continue;
        }
        if (op->kind == J_LEFTSEMI || op->kind == J_LEFTANTI) {
            if (hit == (op->kind == J_LEFTSEMI))
                ss__kql_set_push(r, out, cap, join_row(r, op, l, i, NULL, 0));
            continue;
        }
        if (!hit) {
            if (op->kind == J_LEFTOUTER)
                ss__kql_set_push(r, out, cap, join_row(r, op, l, i, NULL, 0));
            continue;
        }
        for (uint32_t k = (uint32_t)(uintptr_t)head; k && (ok = ss__kql_step(r, 1));
             k = js->next[k - 1]) {
            js->matched[k - 1] = true;
            ss__kql_set_push(r, out, cap, join_row(r, op, l, i, rs, k - 1));
        }
    }
    ss_map_release(&seen);
    return ok;
}

static bool run_query(struct krun *r, struct kquery *q, struct kset *out, int depth);

static bool op_join(struct krun *r, const struct kqop *op, const struct kset *in, struct kset *out)
{
    struct kset rs;
    if (!run_query(r, op->subs[0], &rs, 1))
        return false;
    struct join_state js;
    memset(&js, 0, sizeof(js));
    join_index(r, op, &rs, &js);
    size_t cap = 0;
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    bool ok = !r->err && join_probe(r, op, in, &rs, &js, out, &cap);
    for (size_t i = 0; ok && op->kind == J_RIGHTOUTER && i < rs.nrows; i++)
        if (!js.matched[i])
            ss__kql_set_push(r, out, &cap, join_row(r, op, NULL, 0, &rs, i));
    r->extra_memory += ss_arena_memory(&js.index.keys) + js.index.cap * sizeof(*js.index.slots);
    ss_map_release(&js.index);
    ss_buf_release(&js.key);
    if (!out->rows)
        out->rows = ss_arena_alloc(&r->arena, sizeof(*out->rows));
    return ok;
}

/* ---- union ---- */

static bool union_add(struct krun *r, const struct kqop *op, const int32_t *map,
                      const struct kset *in, struct kset *out, size_t *cap)
{
    for (size_t i = 0; i < in->nrows; i++) {
        if (!ss__kql_step(r, 1))
            return false;
        struct kv *row = ss__kql_row_new(r, op->out.n);
        for (uint32_t c = 0; c < op->out.n; c++)
            if (map[c] >= 0)
                row[c] = ss__kql_get(in, i, (uint32_t)map[c]);
        ss__kql_set_push(r, out, cap, row);
    }
    return true;
}

static bool op_union(struct krun *r, const struct kqop *op, const struct kset *in, struct kset *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    uint32_t m = 0;
    if (in && !union_add(r, op, op->maps[m++], in, out, &cap))
        return false;
    for (uint32_t i = 0; i < op->nsubs; i++) {
        struct kset s;
        if (!run_query(r, op->subs[i], &s, 1) || !union_add(r, op, op->maps[m++], &s, out, &cap))
            return false;
    }
    if (!out->rows)
        out->rows = ss_arena_alloc(&r->arena, sizeof(*out->rows));
    return true;
}

/* ---- mv-expand ---- */

/* The elements one value expands to (arena array); n = 0 for an empty array or bag. */
static struct kv *expand_values(struct krun *r, struct kv v, size_t *n)
{
    long len = ss__kql_arr_len(v);
    bool bag = len < 0 && (len = ss__kql_bag_len(v)) >= 0;
    if (len < 0) {
        struct kv *one = ss_arena_alloc(&r->arena, sizeof(*one));
        *one = v; /* null and scalars: one row with the value */
        *n = 1;
        return one;
    }
    struct kv *out = ss_arena_alloc(&r->arena, ((size_t)len ? (size_t)len : 1) * sizeof(*out));
    *n = (size_t)len;
    if (!bag && v.k == KK_ARR) {
        memcpy(out, v.u.dyn->vals, (size_t)len * sizeof(*out));
        return out;
    }
    if (!bag) {
        struct ss_json_iter it;
        struct ss_json j;
        ss_json_iter_init(&it, v.u.j);
        for (size_t i = 0; ss_json_iter_next(&it, NULL, &j); i++)
            out[i] = ss__kql_from_json(j);
        return out;
    }
    /* a bag: one {key: value} bag per member, as Kusto */
    struct ss_json_iter it;
    if (v.k == KK_JSON)
        ss_json_iter_init(&it, v.u.j);
    for (size_t i = 0; i < (size_t)len; i++) {
        struct kdyn *d = ss_arena_calloc(&r->arena, 1, sizeof(*d));
        d->n = 1;
        d->vals = ss_arena_alloc(&r->arena, sizeof(struct kv));
        d->keys = ss_arena_alloc(&r->arena, sizeof(struct ss_str));
        if (v.k == KK_JSON) {
            struct ss_json j;
            ss_json_iter_next(&it, &d->keys[0], &j);
            d->vals[0] = ss__kql_from_json(j);
        } else {
            d->keys[0] = v.u.dyn->keys[i];
            d->vals[0] = v.u.dyn->vals[i];
        }
        out[i].k = KK_OBJ;
        out[i].u.dyn = d;
    }
    return out;
}

/* `to typeof(t)`: a cast, not a conversion: elements of another kind become null (Kusto). */
static struct kv mv_cast(struct kv v, int type)
{
    switch (type) {
    case KT_BOOL:
        return v.k == KK_BOOL ? v : KV_NULL;
    case KT_LONG:
        return v.k == KK_LONG ? v : KV_NULL;
    case KT_REAL:
        return v.k == KK_REAL ? v : v.k == KK_LONG ? kv_real((double)v.u.i) : KV_NULL;
    case KT_STRING:
        return v.k == KK_STR ? v : kv_str("", 0);
    case KT_DATETIME:
        return v.k == KK_STR ? ss__kql_to_datetime(v) : KV_NULL;
    case KT_TIMESPAN:
        return v.k == KK_STR ? ss__kql_to_timespan(v) : KV_NULL;
    default:
        return v;
    }
}

static bool mv_row(struct krun *r, const struct kqop *op, const struct kset *in, size_t i,
                   struct kset *out, size_t *cap)
{
    struct kv *vals[16];
    size_t lens[16], rows = 0;
    uint32_t n = SS_MIN(op->n, 16u);
    for (uint32_t k = 0; k < n; k++) {
        vals[k] = expand_values(r, ss__kql_eval(r, op->items[k].e, in, i), &lens[k]);
        rows = SS_MAX(rows, lens[k]);
    }
    if (op->expr && (uint64_t)op->expr->lit.u.i < rows)
        rows = (size_t)op->expr->lit.u.i;
    if (!ss__kql_step(r, rows))
        return false;
    for (size_t e = 0; e < rows; e++) {
        struct kv *row = ss__kql_row_new(r, op->out.n);
        for (uint32_t c = 0; c < in->s.n; c++)
            row[c] = ss__kql_get(in, i, c);
        for (uint32_t k = 0; k < n; k++) {
            struct kv v = e < lens[k] ? vals[k][e] : KV_NULL;
            if (op->items[k].ptype != KT_DYNAMIC)
                v = mv_cast(v, op->items[k].ptype);
            row[op->items[k].idx] = v;
        }
        ss__kql_set_push(r, out, cap, row);
    }
    return true;
}

static bool op_mvexpand(struct krun *r, const struct kqop *op, const struct kset *in,
                        struct kset *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    if (op->n > 16)
        return ss__kql_fail_at(r, SS_EQUERY, op->line, op->col, "mv-expand: at most 16 columns");
    for (size_t i = 0; i < in->nrows; i++)
        if (!ss__kql_step(r, 1) || !mv_row(r, op, in, i, out, &cap))
            return false;
    if (!out->rows)
        out->rows = ss_arena_alloc(&r->arena, sizeof(*out->rows));
    return true;
}

/* ---- parse ---- */

static struct kv typed_null(int type)
{
    return type == KT_STRING ? kv_str("", 0) : KV_NULL;
}

static void parse_capture(struct krun *r, const struct kitem *it, struct kv *row, const char *p,
                          size_t n)
{
    if (!it || it->wildcard)
        return;
    struct kv v = kv_str(p, n);
    row[it->idx] = it->ptype == KT_STRING ? v : ss__kql_to_type(r, v, it->ptype);
    if (it->ptype == KT_DYNAMIC)
        row[it->idx] = v;
}

/* Matches `s` against the pattern, filling the columns of `row`; false if it does not match. */
static bool parse_match(struct krun *r, const struct kqop *op, struct kv s, struct kv *row)
{
    size_t pos = 0;
    const struct kitem *pending = NULL;
    bool have_pending = false;
    for (uint32_t k = 0; k < op->n; k++) {
        const struct kitem *it = &op->items[k];
        if (!it->e) {
            if (have_pending)
                parse_capture(r, pending, row, s.u.s + pos, 0);
            pending = it;
            have_pending = true;
            continue;
        }
        struct kv lit = it->e->lit;
        if (have_pending) {
            long at = find(s.u.s, s.len, lit.u.s, lit.len, pos, true);
            if (at < 0)
                return false;
            parse_capture(r, pending, row, s.u.s + pos, (size_t)at - pos);
            pos = (size_t)at + lit.len;
            have_pending = false;
        } else {
            if (s.len - pos < lit.len || memcmp(s.u.s + pos, lit.u.s, lit.len) != 0)
                return false;
            pos += lit.len;
        }
    }
    if (have_pending)
        parse_capture(r, pending, row, s.u.s + pos, s.len - pos);
    return true;
}

static bool op_parse(struct krun *r, const struct kqop *op, const struct kset *in, struct kset *out)
{
    size_t cap = 0;
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    for (size_t i = 0; i < in->nrows; i++) {
        if (!ss__kql_step(r, 1))
            return false;
        struct kv *row = ss__kql_row_new(r, op->out.n);
        for (uint32_t c = 0; c < in->s.n; c++)
            row[c] = ss__kql_get(in, i, c);
        struct kv s = ss__kql_to_string(r, ss__kql_eval(r, op->expr, in, i));
        if (!parse_match(r, op, s, row))
            for (uint32_t k = 0; k < op->n; k++)
                if (op->items[k].name)
                    row[op->items[k].idx] = typed_null(op->items[k].ptype);
        ss__kql_set_push(r, out, &cap, row);
    }
    if (!out->rows)
        out->rows = ss_arena_alloc(&r->arena, sizeof(*out->rows));
    return true;
}

/* ---- driver ---- */

static bool op_summarize(struct krun *r, const struct kqop *op, const struct kset *in,
                         struct kset *out)
{
    return ss__kql_summarize(r, op, in, out);
}

typedef bool (*exec_fn)(struct krun *r, const struct kqop *op, const struct kset *in,
                        struct kset *out);

static const exec_fn executors[] = {
    [Q_WHERE] = op_where,
    [Q_EXTEND] = op_extend,
    [Q_PROJECT] = op_project,
    [Q_PROJECT_AWAY] = op_project_away,
    [Q_PROJECT_RENAME] = op_project_rename,
    [Q_SUMMARIZE] = op_summarize,
    [Q_SORT] = op_sort,
    [Q_TOP] = op_sort,
    [Q_TAKE] = op_take,
    [Q_DISTINCT] = op_distinct,
    [Q_COUNT] = op_count,
    [Q_JOIN] = op_join,
    [Q_UNION] = op_union,
    [Q_MVEXPAND] = op_mvexpand,
    [Q_PARSE] = op_parse,
    [Q_PROJECT_KEEP] = op_project_away,
    [Q_PROJECT_REORDER] = op_project_away,
};

/* The rows of an input table (visible ones only). */
static bool source_set(struct krun *r, const struct kquery *q, struct kset *out)
{
    const struct ss_kql_table *t = q->src;
    size_t n = ss_json_len(t->rows);
    struct ss_json *src = ss_arena_alloc(&r->arena, (n ? n : 1) * sizeof(*src));
    struct ss_json_iter it;
    struct ss_json row;
    size_t k = 0;
    ss_json_iter_init(&it, t->rows);
    while (ss_json_iter_next(&it, NULL, &row)) {
        if (!ss__kql_step(r, 1))
            return false;
        if (ss_json_kind(row) != SS_JSON_OBJECT)
            continue;
        if (t->visible && !t->visible(t->visible_arg, row))
            continue;
        src[k++] = row;
    }
    memset(out, 0, sizeof(*out));
    out->s = q->schema;
    out->nrows = k;
    out->src = src;
    return true;
}

static bool run_query(struct krun *r, struct kquery *q, struct kset *out, int depth)
{
    struct kset cur;
    uint32_t first = 0;
    (void)depth;
    if (q->table) {
        if (!source_set(r, q, &cur))
            return false;
    } else {
        if (!op_union(r, &q->ops[0], NULL, &cur))
            return false;
        first = 1;
    }
    for (uint32_t i = first; i < q->nops; i++) {
        struct kset next;
        if (!executors[q->ops[i].op](r, &q->ops[i], &cur, &next) || r->err)
            return false;
        cur = next;
    }
    *out = cur;
    return !r->err;
}

bool ss__kql_exec(struct krun *r, struct kquery *q, struct kset *out)
{
    return run_query(r, q, out, 0);
}
