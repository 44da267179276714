/*
 * KQL summarize: hash aggregation in one pass over the input.
 *
 * Each row's `by` values are encoded as a byte key (ss__kql_key) and looked
 * up in a hash map of groups, so the work is O(rows) whatever the number of
 * groups. Groups come out in order of first appearance. dcount() is exact
 * and make_set()/make_bag() deduplicate through one shared map keyed by
 * (group, aggregate, value). Without `by`, an empty input still gives one
 * row (count_ 0), as Kusto does.
 */
#include "common/setup.h"

#include <math.h>
#include <stdio.h>

#include "common/limits.h"
#include "kql/internal.h"

struct aggst {
    int64_t n;           /* count, countif, dcount; values seen (avg) */
    int64_t i;           /* long sum */
    double d;            /* real sum */
    bool set;            /* min/max/any/arg_max: v holds a value */
    struct kv v;         /* min, max, any, arg_max's x */
    struct kv *ext;      /* arg_max: the other columns */
    struct kv *items;    /* make_list, make_set, make_bag values */
    struct ss_str *keys; /* make_bag keys */
    uint32_t cnt, cap;
};

struct group {
    struct kv *keys;
    struct aggst *st;
};

struct summ {
    struct krun *r;
    const struct kqop *op;
    struct ss_map groups; /* key -> group index + 1 */
    struct group *g;      /* heap array */
    size_t ng, capg;
    struct ss_map dedup; /* (group, aggregate, value) for dcount, make_set, make_bag */
    struct ss_buf key, key2;
    struct kv *vals; /* scratch: the row's key values */
};

static struct group *new_group(struct summ *s, const struct kv *keys)
{
    struct krun *r = s->r;
    if (s->ng == s->capg) {
        s->capg = s->capg ? s->capg * 2 : 64;
        s->g = ss_xreallocarray(s->g, s->capg, sizeof(*s->g));
    }
    struct group *g = &s->g[s->ng++];
    g->keys = s->op->nkeys ? ss_arena_memdup(&r->arena, keys, s->op->nkeys * sizeof(*keys)) : NULL;
    g->st = ss_arena_calloc(&r->arena, s->op->naggs ? s->op->naggs : 1, sizeof(*g->st));
    return g;
}

/* True the first time (group, aggregate, value) is seen. */
static bool first_time(struct summ *s, size_t g, uint32_t a, struct kv v)
{
    ss_buf_reset(&s->key2);
    uint64_t ga = (uint64_t)g << 8 | a;
    ss_buf_add(&s->key2, &ga, sizeof(ga));
    ss__kql_key(&s->key2, v);
    bool added;
    ss_map_put(&s->dedup, s->key2.ptr, s->key2.len, NULL, &added);
    return added;
}

static void list_push(struct krun *r, struct aggst *st, struct kv v, const struct ss_str *key)
{
    if (st->cnt == st->cap) {
        uint32_t nc = st->cap ? st->cap * 2 : 4;
        struct kv *items = ss_arena_alloc(&r->arena, nc * sizeof(*items));
        if (st->cnt)
            memcpy(items, st->items, st->cnt * sizeof(*items));
        st->items = items;
        if (key) {
            struct ss_str *keys = ss_arena_alloc(&r->arena, nc * sizeof(*keys));
            if (st->cnt)
                memcpy(keys, st->keys, st->cnt * sizeof(*keys));
            st->keys = keys;
        }
        st->cap = nc;
    }
    if (key)
        st->keys[st->cnt] = *key;
    st->items[st->cnt++] = v;
}

static uint32_t list_limit(struct krun *r, const struct kexpr *e, const struct kset *in, size_t row)
{
    if (e->nargs < 2)
        return 1048576; /* Kusto's default */
    struct kv m = ss__kql_to_long(ss__kql_eval(r, e->args[1], in, row));
    return m.k == KK_LONG && m.u.i >= 0 && m.u.i < 1048576 ? (uint32_t)m.u.i : 1048576;
}

static void add_bag(struct summ *s, size_t gi, uint32_t a, struct aggst *st, struct kv v)
{
    long n = ss__kql_bag_len(v);
    for (long k = 0; k < n; k++) {
        struct ss_str key;
        struct kv val;
        ss__kql_bag_at(v, (size_t)k, &key, &val);
        if (first_time(s, gi, a, kv_str(key.ptr, key.len)))
            list_push(s->r, st, val, &key);
    }
}

static void arg_update(struct summ *s, const struct kitem *it, struct aggst *st,
                       const struct kset *in, size_t row, bool max)
{
    struct krun *r = s->r;
    struct kv x = ss__kql_eval(r, it->e->args[0], in, row);
    if (x.k == KK_NULL)
        return;
    if (st->set) {
        int c = ss__kql_compare(x, st->v);
        if (c == -2 || (max ? c <= 0 : c >= 0))
            return;
    }
    st->set = true;
    st->v = x;
    if (!st->ext)
        st->ext = ss_arena_calloc(&r->arena, it->ncols + 1, sizeof(struct kv));
    for (uint32_t k = 0; k < it->ncols; k++) {
        int32_t c = it->cols[k];
        st->ext[k] = c >= 0 ? ss__kql_get(in, row, (uint32_t)c)
                            : ss__kql_eval(r, it->e->args[-c - 1], in, row);
    }
}

static void sum_add(struct aggst *st, int type, struct kv v)
{
    if (type == KT_LONG || type == KT_TIMESPAN) {
        if (v.k == KK_LONG || v.k == KK_SPAN) {
            st->i = (int64_t)((uint64_t)st->i + (uint64_t)v.u.i);
            st->n++;
        }
        return;
    }
    v = ss__kql_to_real(v);
    if (v.k == KK_REAL) {
        st->d += v.u.d;
        st->n++;
    }
}

static void minmax(struct aggst *st, struct kv v, bool max)
{
    if (v.k == KK_NULL)
        return;
    if (st->set) {
        int c = ss__kql_compare(v, st->v);
        if (c == -2 || (max ? c <= 0 : c >= 0))
            return;
    }
    st->set = true;
    st->v = v;
}

static bool truthy(struct kv v)
{
    return v.k == KK_BOOL && v.u.b;
}

static void update(struct summ *s, size_t gi, const struct kset *in, size_t row)
{
    struct krun *r = s->r;
    struct group *g = &s->g[gi];
    for (uint32_t a = 0; a < s->op->naggs; a++) {
        const struct kitem *it = &s->op->aggs[a];
        struct kexpr *e = it->e;
        struct aggst *st = &g->st[a];
        int agg = e->fn->agg;
        if (agg == A_COUNT && e->nargs == 0) {
            st->n++;
            continue;
        }
        if (agg == A_ARGMAX || agg == A_ARGMIN) {
            arg_update(s, it, st, in, row, agg == A_ARGMAX);
            continue;
        }
        struct kv v = ss__kql_eval(r, e->args[0], in, row);
        switch (agg) {
        case A_COUNT:
            st->n += v.k != KK_NULL;
            break;
        case A_COUNTIF:
            st->n += truthy(v);
            break;
        case A_DCOUNT:
            st->n += v.k != KK_NULL && first_time(s, gi, a, v);
            break;
        case A_SUM:
        case A_AVG:
            sum_add(st, agg == A_AVG ? KT_REAL : e->type, v);
            break;
        case A_SUMIF:
            if (truthy(ss__kql_eval(r, e->args[1], in, row)))
                sum_add(st, e->type, v);
            break;
        case A_MIN:
        case A_MAX:
            minmax(st, v, agg == A_MAX);
            break;
        case A_ANY:
            if (!st->set && v.k != KK_NULL) {
                st->set = true;
                st->v = v;
            }
            break;
        case A_MAKELIST:
        case A_MAKESET:
            if (v.k == KK_NULL || st->cnt >= list_limit(r, e, in, row))
                break;
            if (agg == A_MAKELIST || first_time(s, gi, a, v))
                list_push(r, st, v, NULL);
            break;
        case A_MAKEBAG:
            add_bag(s, gi, a, st, v);
            break;
        default:
            break;
        }
    }
}

static struct kv dyn_list(struct krun *r, const struct aggst *st, bool bag)
{
    struct kdyn *d = ss_arena_calloc(&r->arena, 1, sizeof(*d));
    d->n = st->cnt;
    d->vals = st->items ? st->items : ss_arena_calloc(&r->arena, 1, sizeof(struct kv));
    if (bag)
        d->keys = st->keys ? st->keys : ss_arena_calloc(&r->arena, 1, sizeof(struct ss_str));
    struct kv v = {.k = (uint8_t)(bag ? KK_OBJ : KK_ARR)};
    v.u.dyn = d;
    return v;
}

static struct kv final_value(struct krun *r, const struct kexpr *e, const struct aggst *st)
{
    switch (e->fn->agg) {
    case A_COUNT:
    case A_COUNTIF:
    case A_DCOUNT:
        return kv_long(st->n);
    case A_SUM:
    case A_SUMIF:
        if (e->type == KT_LONG)
            return kv_long(st->i);
        if (e->type == KT_TIMESPAN) {
            struct kv v = {.k = KK_SPAN};
            v.u.i = st->i;
            return v;
        }
        return kv_real(st->d);
    case A_AVG:
        return st->n ? kv_real(st->d / (double)st->n) : KV_NULL;
    case A_MAKELIST:
    case A_MAKESET:
        return dyn_list(r, st, false);
    case A_MAKEBAG:
        return dyn_list(r, st, true);
    default:
        if (!st->set)
            return KV_NULL;
        if (e->type == KT_REAL && st->v.k == KK_LONG)
            return kv_real((double)st->v.u.i);
        return st->v;
    }
}

/* One output row: the keys, the aggregates, expressions over them (on the post row). */
static struct kv *group_row(struct summ *s, const struct group *g, struct kv *post)
{
    struct krun *r = s->r;
    const struct kqop *op = s->op;
    struct kv *row = ss__kql_row_new(r, op->out.n);
    for (uint32_t k = 0; k < op->nkeys; k++)
        row[op->keys[k].idx] = post[k] = g->keys[k];
    for (uint32_t a = 0; a < op->naggs; a++)
        post[op->nkeys + a] = final_value(r, op->aggs[a].e, &g->st[a]);
    struct kset one = {.s = op->post, .nrows = 1, .rows = &post};
    for (uint32_t i = 0; i < op->n; i++) {
        const struct kitem *it = &op->items[i];
        if (it->idx2 < 0) {
            struct kv v = ss__kql_eval(r, it->e, &one, 0);
            row[it->idx] = it->e->type == KT_REAL && v.k == KK_LONG ? kv_real((double)v.u.i) : v;
            continue;
        }
        const struct aggst *st = &g->st[it->idx2];
        row[it->idx] = post[op->nkeys + (uint32_t)it->idx2];
        for (uint32_t k = 0; k < it->ncols; k++)
            row[it->idx + 1 + k] = st->ext ? st->ext[k] : KV_NULL;
    }
    return row;
}

static bool emit(struct summ *s, struct kset *out)
{
    struct krun *r = s->r;
    size_t cap = 0;
    struct kv *post = ss__kql_row_new(r, s->op->post.n);
    for (size_t gi = 0; gi < s->ng; gi++) {
        if (!ss__kql_step(r, 1))
            return false;
        ss__kql_set_push(r, out, &cap, group_row(s, &s->g[gi], post));
    }
    if (!out->rows)
        out->rows = ss_arena_alloc(&r->arena, sizeof(*out->rows));
    return true;
}

/* The group of row `i` (created on first sight); SIZE_MAX on a budget error. */
static size_t group_of(struct summ *s, const struct kset *in, size_t i)
{
    const struct kqop *op = s->op;
    if (!op->nkeys)
        return 0;
    ss_buf_reset(&s->key);
    for (uint32_t k = 0; k < op->nkeys; k++) {
        struct kv v = ss__kql_eval(s->r, op->keys[k].e, in, i);
        if (op->keys[k].e->type == KT_REAL && v.k == KK_LONG)
            v = kv_real((double)v.u.i);
        s->vals[k] = v;
        ss__kql_key(&s->key, v);
    }
    void *val;
    if (ss_map_find(&s->groups, s->key.ptr, s->key.len, &val))
        return (size_t)(uintptr_t)val - 1;
    new_group(s, s->vals);
    ss_map_put(&s->groups, s->key.ptr, s->key.len, (void *)(uintptr_t)s->ng, NULL);
    return s->ng - 1;
}

bool ss__kql_summarize(struct krun *r, const struct kqop *op, const struct kset *in,
                       struct kset *out)
{
    struct summ s;
    memset(&s, 0, sizeof(s));
    s.r = r;
    s.op = op;
    ss_map_init(&s.groups, 0);
    ss_map_init(&s.dedup, 0);
    s.vals = ss_arena_calloc(&r->arena, op->nkeys + 1, sizeof(struct kv));
    if (!op->nkeys)
        new_group(&s, NULL);
    bool ok = true;
    uint64_t base = r->extra_memory;
    for (size_t i = 0; i < in->nrows; i++) {
        if (!(ok = ss__kql_step(r, 1)))
            break;
        update(&s, group_of(&s, in, i), in, i);
        if ((i & 4095) == 4095)
            r->extra_memory =
                base + ss_arena_memory(&s.groups.keys) + ss_arena_memory(&s.dedup.keys) +
                (s.groups.cap + s.dedup.cap) * sizeof(struct ss_map_slot) + s.capg * sizeof(*s.g);
    }
    memset(out, 0, sizeof(*out));
    out->s = op->out;
    if (ok)
        ok = emit(&s, out);
    free(s.g);
    r->extra_memory = base;
    ss_map_release(&s.groups);
    ss_map_release(&s.dedup);
    ss_buf_release(&s.key);
    ss_buf_release(&s.key2);
    return ok && !r->err;
}
