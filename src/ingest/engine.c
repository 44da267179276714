/*
 * The live engine (include/securescore/engine.h).
 *
 * Order of a write: validate and evaluate (nothing changed yet; a Deny stops
 * here), write the record into an open store transaction, apply the change
 * to memory (resource document, policy inventory, assessments, dependants),
 * log the change with its effect on the subscription's score, commit. If the
 * commit fails, memory is rebuilt from the store, which still holds the state
 * before the write: a failed write leaves nothing behind.
 *
 * Everything read from the store at open goes through the same ingest code
 * as `scan` (a sink keeps resources and marks pushed assessments), so the
 * server and the CLI read data alike.
 */
#include "common/setup.h"

#include <stdio.h>
#include <time.h>

#include "common/hashmap.h"
#include "ingest/internal.h"
#include "json/field.h"
#include "policy/internal.h"
#include "securescore/engine.h"
#include "securescore/ingest.h"
#include "securescore/policy.h"

struct live {
    struct ss_json_doc *doc; /* NULL: no live resource at this score index */
    struct ss_policy_inventory_item *item;
};

struct asg {
    char scope[256]; /* lower-cased */
    uint32_t rec;
    enum ss_assign_effect effect;
    char *params;          /* JSON or NULL */
    struct ss_policy *pol; /* compiled with params, or NULL: the built-in rule as is */
    bool live;
};

/* What-if: the assessments a trial write changed, to be put back. */
struct undo {
    uint32_t res, rec;
    bool had;
    struct ss_assessment old; /* its strings are interned by the score: they stay valid */
};

struct undo_log {
    struct undo *v;
    size_t n, cap;
};

struct exemption {
    char *id;                /* "{scope}/providers/Microsoft.Security/exemptions/{name}" */
    struct ss_json_doc *doc; /* {"scope", "recommendations", "category", "expiresOn", ...} */
    int64_t expires;
};

struct ss_engine {
    struct ss_catalog *cat;
    struct ss_score *s;
    struct ss_store *st;
    struct ss_engine_opts opts;
    char db[4096];
    struct ss_rules rules;
    struct ss_map rules_by_rec;  /* rec index (4 bytes) -> rule index + 1 */
    struct ss_map related_rules; /* related type -> struct ss_rule_bucket * */
    struct ss_policy_inventory *inv;
    struct ss_policy_eval *ev;
    struct live *live;
    size_t nlive;
    struct ss_map pushed;   /* (res, rec) as 8 bytes -> 1 */
    struct ss_map metadata; /* "sub\nrec" -> 1 */
    struct asg *asgs;
    size_t nasgs;
    struct ss_map asg_index; /* "scope\nrec" -> asg index + 1 */
    uint32_t *asg_by_rec;    /* number of live assignments per recommendation */
    size_t asg_by_rec_len;
    struct ss_engine_stats stats;
    bool persist; /* the sink writes what it reads into the store (imports) */
    /* One reader for the engine's life: each text read gets a new source number, so a
     * later write of the same pair replaces the earlier one instead of clashing. */
    struct ss_ingest *in;
    /* The written subscription's controls before the write (sub_before), for the change log. */
    struct ss_control_result *before_ctl;
    size_t nbefore_ctl;
    /* The lower-case GUID of a subscription not known yet, during the evaluation of the first
     * resource PUT into it, so its assignments apply; "" otherwise. */
    char new_sub[40];
    /* exemptions: id -> index + 1 into exs; the next expiry in the future (0 = none) */
    struct exemption *exs;
    size_t nexs;
    struct ss_map ex_index;
    int64_t next_expiry;
    int64_t now;
    int64_t last_daily;    /* midnight of the last daily snapshot, ticks */
    struct undo_log *undo; /* set during a what-if: every assessment change is recorded */
};

static int64_t now_ticks(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 10000000 + ts.tv_nsec / 100;
}

static void pair_key(char key[8], uint32_t res, uint32_t rec)
{
    memcpy(key, &res, 4);
    memcpy(key + 4, &rec, 4);
}

const char *ss_engine_additional_data(const struct ss_engine *e, uint32_t res, uint32_t rec)
{
    char k[8];
    pair_key(k, res, rec);
    const char *v = ss_map_get(&e->pushed, k, 8);
    return v && *v ? v : NULL;
}

/* Copies n bytes of src to dst lower-casing ASCII letters, and ends dst with a NUL. */
static void lower_copy(char *dst, const char *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
    dst[n] = '\0';
}

bool ss_engine_is_pushed(const struct ss_engine *e, uint32_t res, uint32_t rec)
{
    char k[8];
    pair_key(k, res, rec);
    return ss_map_find(&e->pushed, k, 8, NULL);
}

struct ss_score *ss_engine_score(struct ss_engine *e)
{
    return e->s;
}

const struct ss_catalog *ss_engine_catalog(const struct ss_engine *e)
{
    return e->cat;
}

struct ss_store *ss_engine_store(struct ss_engine *e)
{
    return e->st;
}

void ss_engine_stats(const struct ss_engine *e, struct ss_engine_stats *out)
{
    *out = e->stats;
}

/* ---- ids ---- */

/* True if `id` is "/subscriptions/{s}" or ".../resourceGroups/{g}": a scope, not a resource. */
static bool is_container_scope(struct ss_str id)
{
    struct ss_str sub = ss__id_scope(id, false), grp = ss__id_scope(id, true);
    return (sub.len && sub.len == id.len) || (grp.len && grp.len == id.len);
}

/* Splits a resource id under a resource group into its type and name:
 * ".../providers/Ns/t1/n1/t2/n2" -> "Ns/t1/t2", "n2". False if malformed. */
static bool parse_resource_id(struct ss_str id, char *type, size_t tsize, struct ss_str *name)
{
    static const char prov[] = "/providers/";
    /* under a resource group, or directly under a subscription (Defender plans, contacts) */
    struct ss_str grp = ss__id_scope(id, true);
    if (!grp.len)
        grp = ss__id_scope(id, false);
    if (!grp.len || id.len <= grp.len + sizeof(prov) - 1 ||
        !ss_mem_eq_nocase(id.ptr + grp.len, prov, sizeof(prov) - 1))
        return false;
    const char *p = id.ptr + grp.len + sizeof(prov) - 1, *end = id.ptr + id.len;
    const char *segs[64];
    size_t lens[64], n = 0;
    while (p < end && n < 64) {
        const char *q = memchr(p, '/', (size_t)(end - p));
        size_t len = q ? (size_t)(q - p) : (size_t)(end - p);
        if (!len)
            return false;
        segs[n] = p;
        lens[n++] = len;
        p += len + (q ? 1 : 0);
        if (!q)
            break;
    }
    /* namespace, then (type, name) pairs */
    if (p < end || n < 3 || n % 2 == 0)
        return false;
    size_t t = 0;
    for (size_t i = 0; i < n; i += (i == 0 ? 1 : 2)) {
        if (t + lens[i] + 2 > tsize)
            return false;
        if (t)
            type[t++] = '/';
        memcpy(type + t, segs[i], lens[i]);
        t += lens[i];
    }
    type[t] = '\0';
    name->ptr = segs[n - 1];
    name->len = lens[n - 1];
    for (size_t i = 0; i < id.len; i++)
        if ((unsigned char)id.ptr[i] < 0x20 || id.ptr[i] == '?' || id.ptr[i] == '#')
            return false;
    return true;
}

/* ---- assignments ---- */

static const char *const effect_names[] = {"Default", "Audit", "Deny", "Disabled",
                                           "AuditIfNotExists"};

const char *ss_assign_effect_name(enum ss_assign_effect e)
{
    return (size_t)e < SS_ARRAY_LEN(effect_names) ? effect_names[e] : "?";
}

bool ss_assign_effect_parse(const char *s, size_t len, enum ss_assign_effect *out)
{
    for (size_t i = 1; i < SS_ARRAY_LEN(effect_names); i++)
        if (strlen(effect_names[i]) == len && ss_mem_eq_nocase(s, effect_names[i], len)) {
            *out = (enum ss_assign_effect)i;
            return true;
        }
    return false;
}

static size_t asg_key(char *buf, size_t size, const char *scope, uint32_t rec)
{
    int n = snprintf(buf, size, "%s\n%u", scope, rec);
    return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

static const struct asg *asg_at(const struct ss_engine *e, const char *scope, uint32_t rec)
{
    char k[300];
    size_t n = asg_key(k, sizeof(k), scope, rec);
    void *v = n ? ss_map_get(&e->asg_index, k, n) : NULL;
    return v ? &e->asgs[(uintptr_t)v - 1] : NULL;
}

/* The assignment in force for `rec` on a resource of subscription `sub` (-1: none known). */
static const struct asg *asg_for(const struct ss_engine *e, long sub, uint32_t rec)
{
    if (rec >= e->asg_by_rec_len || !e->asg_by_rec[rec])
        return NULL;
    char scope[300];
    const struct asg *a;
    if (sub < 0 && e->new_sub[0]) {
        snprintf(scope, sizeof(scope), "/subscriptions/%s", e->new_sub);
        if ((a = asg_at(e, scope, rec)))
            return a;
    }
    if (sub >= 0) {
        snprintf(scope, sizeof(scope), "/subscriptions/%s", ss_score_sub_id(e->s, (uint32_t)sub));
        if ((a = asg_at(e, scope, rec)))
            return a;
        for (long mg = ss_score_sub_mg(e->s, (uint32_t)sub); mg >= 0;
             mg = ss_score_mg_parent(e->s, (uint32_t)mg)) {
            int n = snprintf(scope, sizeof(scope),
                             "/providers/microsoft.management/managementgroups/%s",
                             ss_score_mg_name(e->s, (uint32_t)mg));
            lower_copy(scope, scope, n < 0 ? 0 : SS_MIN((size_t)n, sizeof(scope) - 1));
            if ((a = asg_at(e, scope, rec)))
                return a;
        }
    }
    return asg_at(e, "/", rec);
}

/* ---- evaluation ---- */

struct outcome {
    uint32_t rule;
    enum ss_status status; /* NONE: no assessment (a type-agnostic rule that does not apply) */
    char desc[320];
};

struct outcomes {
    struct outcome *v;
    size_t n, cap;
};

/* Evaluates rule `ri` on `doc` (subscription `sub`, -1 if new); false if it gives nothing. */
static bool eval_one(struct ss_engine *e, uint32_t ri, struct ss_json doc, long sub, bool any,
                     struct outcome *out, const struct asg **asg)
{
    const struct ss_rule *rule = &e->rules.v[ri];
    const struct asg *a = asg_for(e, sub, rule->rec);
    *asg = a;
    out->rule = ri;
    /* A Disabled recommendation is evaluated too (its pairs are NotApplicable through the
     * score's disabled list), so re-enabling it is exact. */
    struct ss_policy_result r;
    struct ss_diag d;
    ss_diag_clear(&d);
    e->stats.evaluations++;
    if (ss_policy_evaluate(e->ev, a && a->pol ? a->pol : rule->p, doc, e->inv, &r, &d))
        return false;
    if (any && r.outcome == SS_POLICY_NOT_APPLICABLE) {
        out->status = SS_STATUS_NONE;
        return true;
    }
    out->status = ss__rules_status(r.outcome);
    snprintf(out->desc, sizeof(out->desc), "%s: %s", ss_policy_outcome_name(r.outcome), r.why);
    return true;
}

static void outcomes_push(struct outcomes *o, const struct outcome *x)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        o->v = ss_xreallocarray(o->v, o->cap, sizeof(*o->v));
    }
    o->v[o->n++] = *x;
}

static bool skip_type(const struct ss_engine *e, const char *type, long sub)
{
    /* Azure's subscription-level rules do not apply to connectors of other clouds. */
    return sub >= 0 && ss_score_sub_env(e->s, (uint32_t)sub) != SS_ENV_AZURE && type &&
           ss_mem_eq_nocase(type, "microsoft.resources/subscriptions", 34) && !type[34];
}

/*
 * Evaluates every rule of `type` on `doc` (only rule `only` if not UINT32_MAX) into `out`.
 * Returns the assignment of the first Unhealthy outcome under a Deny (its rule in
 * *deny_rule), or NULL.
 */
static const struct asg *evaluate_doc(struct ss_engine *e, struct ss_json doc, const char *type,
                                      long sub, uint32_t only, struct outcomes *out,
                                      uint32_t *deny_rule)
{
    const struct asg *deny = NULL;
    if (skip_type(e, type, sub))
        return NULL;
    const struct ss_rule_bucket *b =
        type ? ss_map_get(&e->rules.by_type, type, strlen(type)) : NULL;
    for (int pass = 0; pass < 2; pass++) {
        const struct ss_rule_bucket *bk = pass ? &e->rules.any : b;
        for (size_t i = 0; bk && i < bk->n; i++) {
            if (only != UINT32_MAX && bk->idx[i] != only)
                continue;
            struct outcome o;
            const struct asg *a;
            if (!eval_one(e, bk->idx[i], doc, sub, pass == 1, &o, &a))
                continue;
            if (!deny && a && a->effect == SS_ASSIGN_DENY && o.status == SS_STATUS_UNHEALTHY) {
                deny = a;
                *deny_rule = bk->idx[i];
            }
            outcomes_push(out, &o);
        }
    }
    return deny;
}

/* Stores outcomes as assessments of resource `res` (pushed ones win). */
static void undo_record(struct ss_engine *e, uint32_t res, uint32_t rec, bool had,
                        const struct ss_assessment *old)
{
    struct undo_log *u = e->undo;
    if (!u)
        return;
    if (u->n == u->cap) {
        u->cap = u->cap ? u->cap * 2 : 32;
        u->v = ss_xreallocarray(u->v, u->cap, sizeof(*u->v));
    }
    struct undo *x = &u->v[u->n++];
    x->res = res;
    x->rec = rec;
    x->had = had;
    if (had)
        x->old = *old;
}

static void apply_outcomes(struct ss_engine *e, uint32_t res, const struct outcomes *o, int64_t now)
{
    for (size_t i = 0; i < o->n; i++) {
        uint32_t rec = e->rules.v[o->v[i].rule].rec;
        if (ss_engine_is_pushed(e, res, rec))
            continue;
        struct ss_assessment old;
        bool had = ss_score_get(e->s, res, rec, &old, NULL, NULL);
        if (had || o->v[i].status != SS_STATUS_NONE)
            undo_record(e, res, rec, had, &old);
        if (o->v[i].status == SS_STATUS_NONE) {
            if (had)
                ss_score_remove(e->s, res, rec);
            continue;
        }
        if (had && old.status == o->v[i].status && old.description &&
            strcmp(old.description, o->v[i].desc) == 0)
            continue;
        struct ss_assessment a = {.res = res,
                                  .rec = rec,
                                  .status = o->v[i].status,
                                  .cause = "PolicyEvaluation",
                                  .description = o->v[i].desc,
                                  .first_evaluation = had ? old.first_evaluation : now,
                                  .status_change =
                                      had && old.status == o->v[i].status ? old.status_change : now,
                                  .source = 0};
        ss_score_set(e->s, &a, NULL);
    }
}

/* Re-evaluates a live resource (rule `only`, or all with UINT32_MAX). */
static void reevaluate(struct ss_engine *e, uint32_t res, uint32_t only, int64_t now)
{
    if (res >= e->nlive || !e->live[res].doc)
        return;
    struct outcomes o = {0};
    uint32_t deny_rule;
    evaluate_doc(e, ss_json_root(e->live[res].doc), ss_score_resource_type(e->s, res),
                 (long)ss_score_resource_sub(e->s, res), only, &o, &deny_rule);
    apply_outcomes(e, res, &o, now);
    free(o.v);
}

struct dep_ctx {
    struct ss_engine *e;
    uint32_t *res;
    size_t n, cap;
};

static bool collect_dep(void *arg, struct ss_json v)
{
    struct dep_ctx *c = arg;
    struct ss_str id = ss_json_str(ss_json_get_nocase(v, "id", 2));
    long r = id.len ? ss_score_find_resource(c->e->s, id.ptr, id.len) : -1;
    if (r < 0 || (size_t)r >= c->e->nlive || !c->e->live[r].doc)
        return true;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->res = ss_xreallocarray(c->res, c->cap, sizeof(*c->res));
    }
    c->res[c->n++] = (uint32_t)r;
    return true;
}

/* Re-evaluates the resources whose *IfNotExists rules look for a resource like `id` (of
 * `type`), after it was written or deleted. */
static void reevaluate_dependants(struct ss_engine *e, struct ss_str id, const char *type,
                                  int64_t now)
{
    const struct ss_rule_bucket *b = ss_map_get(&e->related_rules, type, strlen(type));
    if (!b)
        return;
    /* the resource a child or extension hangs off, or the group or subscription */
    struct ss_str parent = ss__id_parent(id);
    long pr = parent.len ? ss_score_find_resource(e->s, parent.ptr, parent.len) : -1;
    if (pr >= 0)
        reevaluate(e, (uint32_t)pr, UINT32_MAX, now);
    if (!is_container_scope(parent))
        return; /* a child or extension resource: only its parent looks for it */
    struct ss_str sub = ss__id_scope(id, false);
    struct dep_ctx c = {e, NULL, 0, 0};
    for (size_t i = 0; i < b->n; i++) {
        const struct ss_str *types;
        size_t nt;
        c.n = 0;
        if (!ss_policy_types(e->rules.v[b->idx[i]].p, &types, &nt))
            continue;
        for (size_t t = 0; t < nt; t++)
            ss_policy_inventory_each(e->inv, SS_POLICY_SCOPE_SUBSCRIPTION, sub.ptr, sub.len,
                                     types[t].ptr, types[t].len, collect_dep, &c);
        for (size_t k = 0; k < c.n; k++)
            if ((long)c.res[k] != pr)
                reevaluate(e, c.res[k], b->idx[i], now);
    }
    free(c.res);
}

/* ---- live resources ---- */

static void live_grow(struct ss_engine *e, uint32_t res)
{
    if (res < e->nlive)
        return;
    size_t n = SS_MAX((size_t)res + 1, e->nlive * 2);
    e->live = ss_xreallocarray(e->live, n, sizeof(*e->live));
    memset(e->live + e->nlive, 0, (n - e->nlive) * sizeof(*e->live));
    e->nlive = n;
}

static void live_drop(struct ss_engine *e, uint32_t res)
{
    if (res >= e->nlive || !e->live[res].doc)
        return;
    ss_policy_inventory_remove(e->inv, e->live[res].item);
    ss_json_doc_free(e->live[res].doc);
    e->live[res].doc = NULL;
    e->live[res].item = NULL;
    e->stats.resources--;
}

/* Makes `doc` (taken) the live document of resource `res`. */
static void live_set(struct ss_engine *e, uint32_t res, struct ss_json_doc *doc)
{
    live_grow(e, res);
    live_drop(e, res);
    e->live[res].doc = doc;
    e->live[res].item = ss_policy_inventory_add(e->inv, ss_json_root(doc));
    e->stats.resources++;
}

/* ---- the sink: what ingest reads (imports and the store at open) ---- */

static enum ss_err persist(struct ss_engine *e, enum ss_store_kind kind, struct ss_str id,
                           struct ss_str raw)
{
    if (!e->persist)
        return SS_OK;
    return ss_store_put(e->st, kind, id.ptr, id.len, raw.ptr, raw.len, NULL);
}

static enum ss_err sink(void *arg, enum ss_ingest_kind kind, struct ss_json v, struct ss_str raw,
                        uint32_t res, uint32_t rec, struct ss_diag *diag)
{
    struct ss_engine *e = arg;
    struct ss_str id = ss_json_str(ss_jget(v, "id"));
    struct ss_json_doc *doc = NULL;
    char sid[64];
    switch (kind) {
    case SS_INGEST_RESOURCE:
        if (ss_json_parse(raw.ptr, raw.len, NULL, &doc, diag))
            return SS_EINPUT;
        live_set(e, res, doc);
        return persist(e, SS_STORE_RESOURCE, id, raw);
    case SS_INGEST_ASSESSMENT: {
        char k[8];
        pair_key(k, res, rec);
        if (!ss_map_find(&e->pushed, k, 8, NULL))
            e->stats.pushed++;
        /* The value: its additionalData as compact JSON ("" when none), served back on GET. */
        struct ss_json ad = ss_jget(ss_jget(v, "properties"), "additionalData");
        struct ss_buf b = SS_BUF_INIT;
        if (ss_json_exists(ad)) {
            struct ss_jw w;
            ss_jw_init(&w, &b, 0);
            ss_jw_value(&w, ad);
        }
        ss_buf_addc(&b, '\0');
        free(ss_map_put(&e->pushed, k, 8, ss_buf_detach(&b, NULL), NULL));
        return persist(e, SS_STORE_ASSESSMENT, id, raw);
    }
    case SS_INGEST_CONTAINER: {
        struct ss_str type = ss_json_str(ss_jget(v, "type"));
        if (ss_str_eq_nocase(type, "microsoft.resources/subscriptions")) {
            /* A subscription is a resource too (Defender plans, contacts ...). */
            struct ss_str s = ss_json_str(ss_jget(v, "subscriptionId"));
            if (!s.ptr && id.len == 51)
                s = (struct ss_str){id.ptr + 15, 36};
            snprintf(sid, sizeof(sid), "/subscriptions/%.*s", (int)(s.len > 36 ? 36 : s.len),
                     s.ptr ? s.ptr : "");
            uint32_t r;
            if (!ss_score_resource(e->s, sid, strlen(sid), "Microsoft.Resources/subscriptions",
                                   &r) &&
                !ss_json_parse(raw.ptr, raw.len, NULL, &doc, NULL))
                live_set(e, r, doc);
            id = (struct ss_str){sid, strlen(sid)};
        }
        char hid[300];
        if (!id.len) { /* a hierarchy file: one record per file name */
            snprintf(hid, sizeof(hid), "hierarchy:%s", diag && diag->file[0] ? diag->file : "-");
            id = (struct ss_str){hid, strlen(hid)};
        }
        return persist(e, SS_STORE_CONTAINER, id, raw);
    }
    }
    return SS_OK;
}

/* ---- open and rebuild ---- */

static void load_rules(struct ss_engine *e)
{
    ss__rules_load(&e->rules, e->cat);
    ss_map_init(&e->rules_by_rec, 0);
    ss_map_init(&e->related_rules, SS_MAP_NOCASE);
    for (size_t i = 0; i < e->rules.n; i++) {
        const struct ss_rule *r = &e->rules.v[i];
        ss_map_put(&e->rules_by_rec, (const char *)&r->rec, 4, (void *)(uintptr_t)(i + 1), NULL);
        struct ss_str rt = ss_policy_related_type(r->p);
        if (!rt.len)
            continue;
        struct ss_rule_bucket *b = ss_map_get(&e->related_rules, rt.ptr, rt.len);
        if (!b) {
            b = ss_xcalloc(1, sizeof(*b));
            ss_map_put(&e->related_rules, rt.ptr, rt.len, b, NULL);
        }
        ss__rules_bucket_add(b, (uint32_t)i);
    }
}

static void free_state(struct ss_engine *e)
{
    for (size_t i = 0; i < e->nlive; i++)
        ss_json_doc_free(e->live[i].doc);
    free(e->live);
    e->live = NULL;
    e->nlive = 0;
    ss_policy_inventory_free(e->inv);
    ss_policy_eval_free(e->ev);
    size_t pos = 0;
    const char *k;
    size_t len;
    void *v;
    while (ss_map_next(&e->related_rules, &pos, &k, &len, &v)) {
        free(((struct ss_rule_bucket *)v)->idx);
        free(v);
    }
    ss_map_release(&e->related_rules);
    ss_map_release(&e->rules_by_rec);
    ss__rules_free(&e->rules);
    size_t ppos = 0;
    const char *pk;
    size_t plen;
    void *pv;
    while (ss_map_next(&e->pushed, &ppos, &pk, &plen, &pv))
        free(pv);
    ss_map_release(&e->pushed);
    ss_map_release(&e->metadata);
    for (size_t i = 0; i < e->nasgs; i++) {
        free(e->asgs[i].params);
        ss_policy_free(e->asgs[i].pol);
    }
    free(e->asgs);
    e->asgs = NULL;
    e->nasgs = 0;
    ss_map_release(&e->asg_index);
    free(e->asg_by_rec);
    e->asg_by_rec = NULL;
    e->asg_by_rec_len = 0;
    ss_ingest_free(e->in);
    e->in = NULL;
    for (size_t i = 0; i < e->nexs; i++) {
        free(e->exs[i].id);
        ss_json_doc_free(e->exs[i].doc);
    }
    free(e->exs);
    e->exs = NULL;
    e->nexs = 0;
    ss_map_release(&e->ex_index);
    ss_score_free(e->s);
    ss_catalog_free(e->cat);
    e->s = NULL;
    e->cat = NULL;
}

struct replay {
    struct ss_engine *e;
    struct ss_ingest *in;
    const char *what;
    struct ss_diag *diag;
};

static enum ss_err replay_one(void *arg, const char *id, size_t idlen, const char *json, size_t len)
{
    struct replay *r = arg;
    (void)idlen;
    enum ss_err err = ss_ingest_text(r->in, json, len, id, r->diag);
    if (err)
        ss_diag_set(r->diag, err, "stored %s %s is unreadable", r->what, id);
    return err;
}

static enum ss_err metadata_apply(struct ss_engine *e, const char *sub, struct ss_str key,
                                  struct ss_json body, struct ss_diag *diag);
static enum ss_err asg_apply(struct ss_engine *e, struct ss_json body, struct ss_diag *diag);

static enum ss_err replay_metadata(void *arg, const char *id, size_t idlen, const char *json,
                                   size_t len)
{
    struct replay *r = arg;
    struct ss_json_doc *doc = NULL;
    enum ss_err err = ss_json_parse(json, len, NULL, &doc, r->diag);
    /* id: /subscriptions/{s}/providers/Microsoft.Security/assessmentMetadata/{key} */
    if (!err && idlen > 15 + 36 + 1) {
        char sub[37];
        memcpy(sub, id + 15, 36);
        sub[36] = '\0';
        const char *slash = strrchr(id, '/');
        struct ss_str key = {slash + 1, strlen(slash + 1)};
        err = metadata_apply(r->e, sub, key, ss_json_root(doc), r->diag);
    }
    ss_json_doc_free(doc);
    return err;
}

static enum ss_err replay_assignment(void *arg, const char *id, size_t idlen, const char *json,
                                     size_t len)
{
    struct replay *r = arg;
    struct ss_json_doc *doc = NULL;
    (void)id;
    (void)idlen;
    enum ss_err err = ss_json_parse(json, len, NULL, &doc, r->diag);
    if (!err)
        err = asg_apply(r->e, ss_json_root(doc), r->diag);
    ss_json_doc_free(doc);
    return err;
}

/* Re-applies every exemption and disabled recommendation, then the effective statuses. */
static void apply_overrides(struct ss_engine *e)
{
    ss_score_clear_disabled(e->s);
    ss_score_clear_exemptions(e->s);
    for (size_t i = 0; i < e->nasgs; i++)
        if (e->asgs[i].live && e->asgs[i].effect == SS_ASSIGN_DISABLED)
            ss_score_disable(e->s, e->asgs[i].scope, e->asgs[i].rec, NULL);
    e->next_expiry = 0;
    for (size_t i = 0; i < e->nexs; i++) {
        if (!e->exs[i].doc)
            continue;
        ss__exemption_apply(e->s, e->cat, ss_json_root(e->exs[i].doc), NULL, NULL);
        int64_t x = e->exs[i].expires;
        if (x > e->now && (!e->next_expiry || x < e->next_expiry))
            e->next_expiry = x;
    }
    ss_score_reapply(e->s);
}

/* Keeps exemption `id` (doc taken), replacing one of the same id. */
static void ex_keep(struct ss_engine *e, const char *id, size_t idlen, struct ss_json_doc *doc,
                    int64_t expires)
{
    void *v = ss_map_get(&e->ex_index, id, idlen);
    struct exemption *x;
    if (v) {
        x = &e->exs[(uintptr_t)v - 1];
        ss_json_doc_free(x->doc);
    } else {
        e->exs = ss_xreallocarray(e->exs, e->nexs + 1, sizeof(*e->exs));
        x = &e->exs[e->nexs++];
        x->id = ss_xmalloc(idlen + 1);
        memcpy(x->id, id, idlen);
        x->id[idlen] = '\0';
        ss_map_put(&e->ex_index, id, idlen, (void *)(uintptr_t)e->nexs, NULL);
    }
    x->doc = doc;
    x->expires = expires;
}

static enum ss_err replay_exemption(void *arg, const char *id, size_t idlen, const char *json,
                                    size_t len)
{
    struct replay *r = arg;
    struct ss_json_doc *doc = NULL;
    enum ss_err err = ss_json_parse(json, len, NULL, &doc, r->diag);
    int64_t expires = 0;
    if (!err) {
        /* validates it (and learns its expiry); apply_overrides applies them all */
        err = ss__exemption_apply(r->e->s, r->e->cat, ss_json_root(doc), &expires, r->diag);
    }
    if (err) {
        ss_json_doc_free(doc);
        return err;
    }
    ex_keep(r->e, id, idlen, doc, expires);
    return SS_OK;
}

static void evaluate_all(struct ss_engine *e, int64_t now)
{
    for (size_t r = 0; r < e->nlive; r++)
        if (e->live[r].doc)
            reevaluate(e, (uint32_t)r, UINT32_MAX, now);
}

static enum ss_err rebuild(struct ss_engine *e, struct ss_diag *diag)
{
    e->cat = ss_catalog_new();
    enum ss_err err = ss_catalog_load_builtin(e->cat, diag);
    if (!err && e->opts.definitions)
        err = ss_catalog_load_definitions(e->cat, e->opts.definitions, diag);
    if (!err && e->opts.metadata)
        err = ss_catalog_load_metadata(e->cat, e->opts.metadata, diag);
    if (err)
        return err;
    e->s = ss_score_new(e->cat);
    ss_score_set_now(e->s, now_ticks());
    load_rules(e);
    e->inv = ss_policy_inventory_new();
    e->ev = ss_policy_eval_new();
    ss_map_init(&e->pushed, 0);
    ss_map_init(&e->metadata, 0);
    ss_map_init(&e->asg_index, 0);
    ss_map_init(&e->ex_index, SS_MAP_NOCASE);
    e->now = now_ticks();
    ss_score_set_now(e->s, e->now);
    memset(&e->stats, 0, sizeof(e->stats));
    struct ss_ingest *in = ss_ingest_new(e->s, e->cat);
    ss_ingest_set_sink(in, sink, e);
    e->in = in;
    struct replay r = {e, in, "metadata", diag};
    e->persist = false;
    err = ss_store_each(e->st, SS_STORE_METADATA, replay_metadata, &r);
    if (!err) {
        r.what = "container";
        err = ss_store_each(e->st, SS_STORE_CONTAINER, replay_one, &r);
    }
    if (!err) {
        r.what = "resource";
        err = ss_store_each(e->st, SS_STORE_RESOURCE, replay_one, &r);
    }
    if (!err) {
        r.what = "assessment";
        err = ss_store_each(e->st, SS_STORE_ASSESSMENT, replay_one, &r);
    }
    ss_ingest_finish(in);
    if (!err) {
        r.what = "assignment";
        err = ss_store_each(e->st, SS_STORE_ASSIGNMENT, replay_assignment, &r);
    }
    if (!err) {
        r.what = "exemption";
        err = ss_store_each(e->st, SS_STORE_EXEMPTION, replay_exemption, &r);
    }
    if (err)
        return err;
    apply_overrides(e);
    evaluate_all(e, now_ticks());
    e->stats.generation++;
    return SS_OK;
}

/* After a failed commit: memory back to what the store holds. */
static void reload(struct ss_engine *e)
{
    struct ss_diag d;
    ss_diag_clear(&d);
    uint64_t gen = e->stats.generation;
    free_state(e);
    if (rebuild(e, &d) != SS_OK)
        fprintf(stderr, "securescore: reloading the state failed: %s\n", d.msg);
    e->stats.generation = gen + 1;
}

enum ss_err ss_engine_open(const struct ss_engine_opts *opts, struct ss_engine **out,
                           struct ss_diag *diag)
{
    struct ss_engine *e = ss_xcalloc(1, sizeof(*e));
    e->opts = *opts;
    snprintf(e->db, sizeof(e->db), "%s", opts->db);
    e->opts.db = e->db;
    e->opts.definitions = opts->definitions ? ss_xstrdup(opts->definitions) : NULL;
    e->opts.metadata = opts->metadata ? ss_xstrdup(opts->metadata) : NULL;
    enum ss_err err = ss_store_open(opts->db, &e->st, diag);
    if (!err) {
        ss_store_set_durable(e->st, opts->durable);
        err = rebuild(e, diag);
    }
    if (err) {
        ss_engine_close(e);
        return err;
    }
    *out = e;
    return SS_OK;
}

void ss_engine_close(struct ss_engine *e)
{
    if (!e)
        return;
    if (e->cat)
        free_state(e);
    ss_store_close(e->st);
    free(e->before_ctl);
    free((char *)e->opts.definitions);
    free((char *)e->opts.metadata);
    free(e);
}

/* ---- writes ---- */

/* Logs a write and its effect on subscription `sub` (score `before`, controls in
 * e->before_ctl): the total's delta and each moved control's, which add up to it (the total
 * is the rounded sum of the rounded control scores). Then commits. */
static enum ss_err finish_write(struct ss_engine *e, const char *kind, const char *id, long sub,
                                const struct ss_score_result *before, int64_t now)
{
    struct ss_buf detail = SS_BUF_INIT;
    struct ss_score_result after = {0};
    struct ss_jw w;
    ss_jw_init(&w, &detail, 0);
    ss_jw_obj_begin(&w);
    if (sub >= 0) {
        ss_score_sub_result(e->s, (uint32_t)sub, &after);
        ss_jw_keyz(&w, "subscriptionId");
        ss_jw_strz(&w, ss_score_sub_id(e->s, (uint32_t)sub));
        ss_jw_keyz(&w, "before");
        ss_jw_double(&w, before->current);
        ss_jw_keyz(&w, "after");
        ss_jw_double(&w, after.current);
        ss_jw_keyz(&w, "delta");
        ss_jw_double(&w, ss_round2(after.current - before->current));
        ss_jw_keyz(&w, "controls");
        ss_jw_arr_begin(&w);
        for (size_t c = 0; c < ss_catalog_ncontrols(e->cat) && c < e->nbefore_ctl; c++) {
            struct ss_control_result r;
            ss_score_control_result(e->s, (uint32_t)sub, (uint32_t)c, &r);
            const struct ss_control_result *b = &e->before_ctl[c];
            if (r.current == b->current && r.max == b->max && r.healthy == b->healthy &&
                r.unhealthy == b->unhealthy && r.not_applicable == b->not_applicable)
                continue;
            ss_jw_obj_begin(&w);
            ss_jw_keyz(&w, "control");
            ss_jw_strz(&w, ss_catalog_control(e->cat, c)->id);
            ss_jw_keyz(&w, "before");
            ss_jw_double(&w, b->current);
            ss_jw_keyz(&w, "after");
            ss_jw_double(&w, r.current);
            ss_jw_keyz(&w, "delta");
            ss_jw_double(&w, ss_round2(r.current - b->current));
            ss_jw_obj_end(&w);
        }
        ss_jw_arr_end(&w);
    }
    ss_jw_obj_end(&w);
    enum ss_err err = ss_store_change(e->st, now, kind, id, detail.ptr, detail.len);
    ss_buf_release(&detail);
    if (!err && sub >= 0 && (after.current != before->current || after.max != before->max)) {
        char scope[64];
        snprintf(scope, sizeof(scope), "/subscriptions/%s", ss_score_sub_id(e->s, (uint32_t)sub));
        err = ss_store_history_put(e->st, now, scope, after.current, after.max, after.percentage);
    }
    if (!err)
        err = ss_store_commit(e->st);
    else
        ss_store_rollback(e->st);
    if (err) {
        reload(e);
        return err;
    }
    e->stats.writes++;
    e->stats.generation++;
    return SS_OK;
}

static void sub_before(struct ss_engine *e, long sub, struct ss_score_result *r)
{
    memset(r, 0, sizeof(*r));
    size_t nc = ss_catalog_ncontrols(e->cat);
    if (nc > e->nbefore_ctl) {
        e->before_ctl = ss_xreallocarray(e->before_ctl, nc, sizeof(*e->before_ctl));
        e->nbefore_ctl = nc;
    }
    memset(e->before_ctl, 0, nc * sizeof(*e->before_ctl));
    if (sub < 0)
        return;
    ss_score_sub_result(e->s, (uint32_t)sub, r);
    for (size_t c = 0; c < nc; c++)
        ss_score_control_result(e->s, (uint32_t)sub, (uint32_t)c, &e->before_ctl[c]);
}

static long sub_of_id(struct ss_engine *e, struct ss_str id)
{
    struct ss_str s = ss__id_scope(id, false);
    return s.len == 51 ? ss_score_find_sub(e->s, s.ptr + 15, 36) : -1;
}

/* Writes the stored form of a resource: id, name and type from the path, then the body's
 * other members in their order. */
static void resource_json(struct ss_buf *out, struct ss_str id, const char *type,
                          struct ss_str name, struct ss_json body)
{
    struct ss_jw w;
    ss_jw_init(&w, out, 0);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "id");
    ss_jw_str(&w, id.ptr, id.len);
    ss_jw_keyz(&w, "name");
    ss_jw_str(&w, name.ptr, name.len);
    ss_jw_keyz(&w, "type");
    ss_jw_strz(&w, type);
    struct ss_json_iter it;
    struct ss_str k;
    struct ss_json v;
    ss_json_iter_init(&it, body);
    while (ss_json_iter_next(&it, &k, &v)) {
        if (ss_str_eq_nocase(k, "id") || ss_str_eq_nocase(k, "name") || ss_str_eq_nocase(k, "type"))
            continue;
        ss_jw_key(&w, k.ptr, k.len);
        ss_jw_value(&w, v);
    }
    ss_jw_obj_end(&w);
}

static enum ss_err deny_error(struct ss_engine *e, const struct asg *a, uint32_t rule,
                              struct ss_str name, struct ss_diag *diag)
{
    /* Azure's message, kept short enough for a diagnostic: the assignment's name (the
     * recommendation key) and scope, and the definition's name. */
    const struct ss_rec *rec = ss_catalog_rec(e->cat, a->rec);
    struct ss_str pname = ss_policy_name(e->rules.v[rule].p);
    return ss_diag_set(diag, SS_EDENIED,
                       "Resource '%.*s' was disallowed by policy. Policy identifiers: "
                       "'[{\"policyAssignment\":{\"name\":\"%s\",\"scope\":\"%s\"},"
                       "\"policyDefinition\":{\"name\":\"%.*s\"}}]'.",
                       (int)(name.len > 80 ? 80 : name.len), name.ptr, rec->key, a->scope,
                       (int)(pname.len > 64 ? 64 : pname.len), pname.ptr ? pname.ptr : "");
}

/* A resource PUT before anything changes: its stored form, evaluated. */
struct proposal {
    struct ss_str id, name;
    char type[256], ltype[256];
    struct ss_buf text;      /* the stored JSON */
    struct ss_json_doc *doc; /* text, parsed */
    long sub;                /* -1: a subscription not known yet */
    struct outcomes o;       /* the rules' outcomes on it */
    const struct asg *deny;  /* a Deny it falls under, or NULL */
    uint32_t deny_rule;
};

static void proposal_release(struct proposal *p)
{
    ss_json_doc_free(p->doc);
    ss_buf_release(&p->text);
    free(p->o.v);
}

static enum ss_err propose(struct ss_engine *e, const char *idp, size_t idlen, struct ss_json body,
                           struct proposal *p, struct ss_diag *diag)
{
    memset(p, 0, sizeof(*p));
    p->id = (struct ss_str){idp, idlen};
    if (!parse_resource_id(p->id, p->type, sizeof(p->type), &p->name))
        return ss_diag_set(diag, SS_EINPUT,
                           "not a resource id (/subscriptions/{guid}[/resourceGroups/{group}]/"
                           "providers/{namespace}/{type}/{name})");
    struct ss_str subid = ss__id_scope(p->id, false);
    if (subid.len != 51 || !ss_is_guid(subid.ptr + 15, 36))
        return ss_diag_set(diag, SS_EINPUT, "the subscription of the id is not a GUID");
    if (ss_json_kind(body) != SS_JSON_OBJECT)
        return ss_diag_set(diag, SS_EINPUT, "the body must be a JSON object");
    struct ss_json props = ss_jget(body, "properties");
    if (ss_json_exists(props) && ss_json_kind(props) != SS_JSON_OBJECT &&
        ss_json_kind(props) != SS_JSON_NULL) {
        ss_diag_set_pointer(diag, "/properties");
        return ss_diag_set(diag, SS_EINPUT, "properties must be an object");
    }
    resource_json(&p->text, p->id, p->type, p->name, body);
    enum ss_err err = ss_json_parse(p->text.ptr, p->text.len, NULL, &p->doc, diag);
    if (err)
        return err;
    lower_copy(p->ltype, p->type, strlen(p->type));
    p->sub = sub_of_id(e, p->id);
    /* the assignments of a subscription not known yet apply too */
    if (p->sub < 0)
        lower_copy(e->new_sub, subid.ptr + 15, 36);
    p->deny =
        evaluate_doc(e, ss_json_root(p->doc), p->ltype, p->sub, UINT32_MAX, &p->o, &p->deny_rule);
    e->new_sub[0] = '\0';
    return SS_OK;
}

enum ss_err ss_engine_put_resource(struct ss_engine *e, const char *idp, size_t idlen,
                                   struct ss_json body, bool *created, struct ss_buf *out,
                                   struct ss_diag *diag)
{
    /* Evaluate before anything changes: a Deny refuses the whole write. */
    struct proposal p;
    enum ss_err err = propose(e, idp, idlen, body, &p, diag);
    if (err)
        goto done;
    if (p.deny) {
        e->stats.denied++;
        err = deny_error(e, p.deny, p.deny_rule, p.name, diag);
        goto done;
    }
    long sub = p.sub;
    struct ss_score_result before;
    sub_before(e, sub, &before);
    long existing = ss_score_find_resource(e->s, idp, idlen);
    bool is_new = existing < 0 || (size_t)existing >= e->nlive || !e->live[existing].doc;
    if ((err = ss_store_begin(e->st)) != SS_OK ||
        (err = ss_store_put(e->st, SS_STORE_RESOURCE, idp, idlen, p.text.ptr, p.text.len, NULL))) {
        ss_store_rollback(e->st);
        ss_diag_set(diag, err, "cannot store the resource");
        goto done;
    }
    uint32_t res;
    ss_score_resource(e->s, idp, idlen, p.type, &res);
    if (sub < 0)
        sub = (long)ss_score_resource_sub(e->s, res);
    int64_t now = now_ticks();
    live_set(e, res, p.doc);
    p.doc = NULL;
    apply_outcomes(e, res, &p.o, now);
    reevaluate_dependants(e, p.id, p.ltype, now);
    if (out)
        ss_buf_add(out, p.text.ptr, p.text.len);
    char idz[1024];
    snprintf(idz, sizeof(idz), "%.*s", (int)idlen, idp);
    err = finish_write(e, is_new ? "resource.created" : "resource.updated", idz, sub, &before, now);
    if (!err && created)
        *created = is_new;
done:
    proposal_release(&p);
    return err;
}

/* ---- what-if ---- */

struct wi_row {
    uint32_t rec;
    enum ss_status before, after;
    const char *desc;
};

enum ss_err ss_engine_what_if(struct ss_engine *e, const char *idp, size_t idlen,
                              struct ss_json body, struct ss_buf *out, struct ss_diag *diag)
{
    struct proposal p;
    enum ss_err err = propose(e, idp, idlen, body, &p, diag);
    if (!err && p.sub < 0)
        err = ss_diag_set(diag, SS_ENOENT,
                          "the subscription has no score yet: a what-if compares with one");
    if (err) {
        proposal_release(&p);
        return err;
    }
    struct ss_str id = p.id, name = p.name;
    long sub = p.sub;
    const struct asg *deny = p.deny;
    struct ss_json_doc *doc = p.doc;
    struct outcomes o = p.o;
    struct ss_score_result before, after;
    sub_before(e, sub, &before); /* the controls before: e->before_ctl */
    size_t nctl = ss_catalog_ncontrols(e->cat);
    const struct ss_control_result *ctl_before = e->before_ctl;
    long existing = ss_score_find_resource(e->s, id.ptr, id.len);
    /* Try it: the resource in place of the old one, its outcomes, its dependants; every
     * assessment change goes into the undo log. Nothing reaches the store. */
    struct undo_log log = {0};
    struct ss_json_doc *old_doc = NULL;
    uint32_t res = 0;
    int64_t now = now_ticks();
    if (!deny) {
        ss_score_resource(e->s, id.ptr, id.len, p.type, &res);
        live_grow(e, res);
        old_doc = e->live[res].doc;
        if (old_doc) {
            ss_policy_inventory_remove(e->inv, e->live[res].item);
            e->stats.resources--;
        }
        e->live[res].doc = doc;
        e->live[res].item = ss_policy_inventory_add(e->inv, ss_json_root(doc));
        e->stats.resources++;
        e->undo = &log;
        apply_outcomes(e, res, &o, now);
        reevaluate_dependants(e, id, p.ltype, now);
        e->undo = NULL;
    }
    ss_score_sub_result(e->s, (uint32_t)sub, &after);
    struct ss_jw w;
    ss_jw_init(&w, out, 0);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "resourceId");
    ss_jw_str(&w, id.ptr, id.len);
    ss_jw_keyz(&w, "created");
    ss_jw_bool(&w, existing < 0 || (size_t)existing >= e->nlive || (!old_doc && !deny));
    ss_jw_keyz(&w, "denied");
    ss_jw_bool(&w, deny != NULL);
    if (deny) {
        struct ss_diag dd;
        ss_diag_clear(&dd);
        deny_error(e, deny, p.deny_rule, name, &dd);
        ss_jw_keyz(&w, "message");
        ss_jw_strz(&w, dd.msg);
    }
    ss_jw_keyz(&w, "assessments");
    ss_jw_arr_begin(&w);
    for (size_t i = 0; i < o.n; i++) {
        if (o.v[i].status == SS_STATUS_NONE)
            continue;
        const struct ss_rec *rec = ss_catalog_rec(e->cat, e->rules.v[o.v[i].rule].rec);
        static const char *const names[] = {"None", "Healthy", "Unhealthy", "NotApplicable"};
        ss_jw_obj_begin(&w);
        ss_jw_keyz(&w, "name");
        ss_jw_strz(&w, rec->key);
        ss_jw_keyz(&w, "displayName");
        ss_jw_strz(&w, rec->display_name);
        ss_jw_keyz(&w, "status");
        ss_jw_strz(&w, names[o.v[i].status]);
        ss_jw_keyz(&w, "description");
        ss_jw_strz(&w, o.v[i].desc);
        ss_jw_obj_end(&w);
    }
    ss_jw_arr_end(&w);
    ss_jw_keyz(&w, "secureScore");
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "subscriptionId");
    ss_jw_strz(&w, ss_score_sub_id(e->s, (uint32_t)sub));
    ss_jw_keyz(&w, "before");
    ss_jw_double(&w, before.current);
    ss_jw_keyz(&w, "after");
    ss_jw_double(&w, after.current);
    ss_jw_keyz(&w, "delta");
    ss_jw_double(&w, ss_round2(after.current - before.current));
    ss_jw_keyz(&w, "max");
    ss_jw_int(&w, after.max);
    ss_jw_keyz(&w, "controls");
    ss_jw_arr_begin(&w);
    for (size_t c = 0; c < nctl; c++) {
        struct ss_control_result r;
        ss_score_control_result(e->s, (uint32_t)sub, (uint32_t)c, &r);
        if (r.current == ctl_before[c].current && r.healthy == ctl_before[c].healthy &&
            r.unhealthy == ctl_before[c].unhealthy && r.max == ctl_before[c].max)
            continue;
        ss_jw_obj_begin(&w);
        ss_jw_keyz(&w, "control");
        ss_jw_strz(&w, ss_catalog_control(e->cat, c)->id);
        ss_jw_keyz(&w, "before");
        ss_jw_double(&w, ctl_before[c].current);
        ss_jw_keyz(&w, "after");
        ss_jw_double(&w, r.current);
        ss_jw_keyz(&w, "delta");
        ss_jw_double(&w, ss_round2(r.current - ctl_before[c].current));
        ss_jw_obj_end(&w);
    }
    ss_jw_arr_end(&w);
    ss_jw_obj_end(&w);
    ss_jw_obj_end(&w);
    /* Put everything back, newest first. */
    for (size_t i = log.n; i-- > 0;) {
        const struct undo *u = &log.v[i];
        if (u->had)
            ss_score_set(e->s, &u->old, NULL);
        else
            ss_score_remove(e->s, u->res, u->rec);
    }
    if (!deny) {
        ss_policy_inventory_remove(e->inv, e->live[res].item);
        e->live[res].doc = old_doc;
        e->live[res].item = old_doc ? ss_policy_inventory_add(e->inv, ss_json_root(old_doc)) : NULL;
        if (!old_doc)
            e->stats.resources--;
    }
    free(log.v);
    proposal_release(&p); /* the trial document too: it was unlinked above */
    return SS_OK;
}

enum ss_err ss_engine_get_resource(struct ss_engine *e, const char *id, size_t idlen,
                                   struct ss_buf *out)
{
    long r = ss_score_find_resource(e->s, id, idlen);
    if (r < 0 || (size_t)r >= e->nlive || !e->live[r].doc)
        return SS_ENOENT;
    struct ss_jw w;
    ss_jw_init(&w, out, 0);
    ss_jw_value(&w, ss_json_root(e->live[r].doc));
    return SS_OK;
}

/* Opens the write's transaction and deletes record `id` of `kind` in it; on failure rolls
 * back and says "cannot delete the <what>". */
static enum ss_err begin_delete(struct ss_engine *e, enum ss_store_kind kind, const char *id,
                                size_t len, const char *what, struct ss_diag *diag)
{
    enum ss_err err = ss_store_begin(e->st);
    if (!err)
        err = ss_store_delete(e->st, kind, id, len);
    if (!err)
        return SS_OK;
    ss_store_rollback(e->st);
    return ss_diag_set(diag, SS_ESTORE, "cannot delete the %s", what);
}

enum ss_err ss_engine_delete_resource(struct ss_engine *e, const char *idp, size_t idlen,
                                      struct ss_diag *diag)
{
    struct ss_str id = {idp, idlen};
    long r = ss_score_find_resource(e->s, idp, idlen);
    if (r < 0 || (size_t)r >= e->nlive || !e->live[r].doc)
        return ss_diag_set(diag, SS_ENOENT, "no such resource");
    uint32_t res = (uint32_t)r;
    long sub = (long)ss_score_resource_sub(e->s, res);
    struct ss_score_result before;
    sub_before(e, sub, &before);
    enum ss_err err = begin_delete(e, SS_STORE_RESOURCE, idp, idlen, "resource", diag);
    if (err)
        return err;
    char type[256];
    snprintf(type, sizeof(type), "%s", ss_score_resource_type(e->s, res));
    /* Its evaluated assessments go; pushed ones stay (a finding outlives its resource's
     * configuration until it is deleted itself). */
    uint32_t cur = 0;
    struct ss_assessment a;
    uint32_t *recs = NULL;
    size_t n = 0, cap = 0;
    while (ss_score_next_assessment(e->s, res, &cur, &a, NULL))
        if (!ss_engine_is_pushed(e, res, a.rec)) {
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                recs = ss_xreallocarray(recs, cap, sizeof(*recs));
            }
            recs[n++] = a.rec;
        }
    for (size_t i = 0; i < n; i++)
        ss_score_remove(e->s, res, recs[i]);
    free(recs);
    live_drop(e, res);
    int64_t now = now_ticks();
    reevaluate_dependants(e, id, type, now);
    char idz[1024];
    snprintf(idz, sizeof(idz), "%.*s", (int)id.len, id.ptr);
    return finish_write(e, "resource.deleted", idz, sub, &before, now);
}

void ss_engine_each_resource(struct ss_engine *e, const char *prefix, size_t len,
                             bool (*fn)(void *arg, struct ss_json res), void *arg)
{
    for (size_t r = 0; r < e->nlive; r++) {
        if (!e->live[r].doc)
            continue;
        const char *id = ss_score_resource_id(e->s, (uint32_t)r);
        size_t il = strlen(id);
        if (il < len || !ss_mem_eq_nocase(id, prefix, len) || (il > len && id[len] != '/' && len))
            continue;
        if (!fn(arg, ss_json_root(e->live[r].doc)))
            return;
    }
}

/* ---- pushed assessments ---- */

static enum ss_err assessment_json(struct ss_buf *out, const char *aid, struct ss_str rid,
                                   const struct ss_rec *rec, struct ss_json body,
                                   struct ss_diag *diag)
{
    struct ss_json props = ss_jget(body, "properties");
    if (ss_json_kind(props) != SS_JSON_OBJECT) {
        ss_diag_set_pointer(diag, "/properties");
        return ss_diag_set(diag, SS_EINPUT, "missing object");
    }
    struct ss_json status = ss_jget(props, "status");
    struct ss_str code = ss_json_str(ss_jget(status, "code"));
    if (!ss_str_eq_nocase(code, "Healthy") && !ss_str_eq_nocase(code, "Unhealthy") &&
        !ss_str_eq_nocase(code, "NotApplicable")) {
        ss_diag_set_pointer(diag, "/properties/status/code");
        return ss_diag_set(diag, SS_EINPUT, "expected Healthy, Unhealthy or NotApplicable");
    }
    struct ss_json details = ss_jget(props, "resourceDetails");
    if (ss_json_exists(details) && ss_json_kind(details) != SS_JSON_OBJECT) {
        ss_diag_set_pointer(diag, "/properties/resourceDetails");
        return ss_diag_set(diag, SS_EINPUT, "expected an object");
    }
    struct ss_jw w;
    ss_jw_init(&w, out, 0);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "id");
    ss_jw_strz(&w, aid);
    ss_jw_keyz(&w, "name");
    ss_jw_strz(&w, rec->key);
    ss_jw_keyz(&w, "type");
    ss_jw_strz(&w, "Microsoft.Security/assessments");
    ss_jw_keyz(&w, "properties");
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "resourceDetails");
    if (ss_json_exists(details)) {
        ss_jw_value(&w, details);
    } else {
        ss_jw_obj_begin(&w);
        ss_jw_keyz(&w, "source");
        ss_jw_strz(&w, "Azure");
        ss_jw_keyz(&w, "id");
        ss_jw_str(&w, rid.ptr, rid.len);
        ss_jw_obj_end(&w);
    }
    ss_jw_keyz(&w, "displayName");
    ss_jw_strz(&w, rec->display_name);
    ss_jw_keyz(&w, "status");
    ss_jw_value(&w, status);
    struct ss_json_iter it;
    struct ss_str k;
    struct ss_json v;
    ss_json_iter_init(&it, props);
    while (ss_json_iter_next(&it, &k, &v))
        if (ss_str_eq_nocase(k, "additionalData") || ss_str_eq_nocase(k, "partnersData")) {
            ss_jw_key(&w, k.ptr, k.len);
            ss_jw_value(&w, v);
        }
    ss_jw_obj_end(&w);
    ss_jw_obj_end(&w);
    return SS_OK;
}

enum ss_err ss_engine_put_assessment(struct ss_engine *e, const char *rp, size_t rlen,
                                     const char *key, size_t klen, struct ss_json body,
                                     bool *created, struct ss_diag *diag)
{
    struct ss_str rid = {rp, rlen};
    struct ss_str subid = ss__id_scope(rid, false);
    if (subid.len < 51 || !ss_is_guid(subid.ptr + 15, 36))
        return ss_diag_set(diag, SS_EINPUT,
                           "the assessed resource id has no /subscriptions/{guid}");
    long rec = ss_catalog_find_rec(e->cat, key, klen);
    if (rec < 0 || !ss_catalog_rec(e->cat, (size_t)rec)->has_metadata)
        return ss_diag_set(diag, SS_ENOENT,
                           "no assessment metadata %.*s: create it at the subscription first",
                           (int)(klen > 64 ? 64 : klen), key);
    if (rlen > 900)
        return ss_diag_set(diag, SS_EINPUT, "resource id too long");
    char aid[1200];
    snprintf(aid, sizeof(aid), "%.*s/providers/Microsoft.Security/assessments/%s", (int)rlen, rp,
             ss_catalog_rec(e->cat, (size_t)rec)->key);
    struct ss_buf text = SS_BUF_INIT;
    enum ss_err err =
        assessment_json(&text, aid, rid, ss_catalog_rec(e->cat, (size_t)rec), body, diag);
    if (err) {
        ss_buf_release(&text);
        return err;
    }
    long sub = sub_of_id(e, rid);
    struct ss_score_result before;
    sub_before(e, sub, &before);
    long rr = ss_score_find_resource(e->s, rp, rlen);
    bool is_new = rr < 0 || !ss_engine_is_pushed(e, (uint32_t)rr, (uint32_t)rec);
    err = ss_store_begin(e->st);
    if (!err)
        err = ss_store_put(e->st, SS_STORE_ASSESSMENT, aid, strlen(aid), text.ptr, text.len, NULL);
    if (!err) {
        /* The same reader as an import: one code path for pushed and imported findings. */
        e->persist = false;
        err = ss_ingest_text(e->in, text.ptr, text.len, "body", diag);
        ss_ingest_finish(e->in);
    }
    if (err) {
        ss_store_rollback(e->st);
        reload(e);
        ss_buf_release(&text);
        return err;
    }
    if (sub < 0)
        sub = sub_of_id(e, rid);
    ss_buf_release(&text);
    err = finish_write(e, is_new ? "assessment.created" : "assessment.updated", aid, sub, &before,
                       now_ticks());
    if (!err && created)
        *created = is_new;
    return err;
}

enum ss_err ss_engine_delete_assessment(struct ss_engine *e, const char *rp, size_t rlen,
                                        const char *key, size_t klen, struct ss_diag *diag)
{
    long rec = ss_catalog_find_rec(e->cat, key, klen);
    long r = ss_score_find_resource(e->s, rp, rlen);
    if (rec < 0 || r < 0 || !ss_score_get(e->s, (uint32_t)r, (uint32_t)rec, NULL, NULL, NULL))
        return ss_diag_set(diag, SS_ENOENT, "no such assessment");
    if (!ss_engine_is_pushed(e, (uint32_t)r, (uint32_t)rec))
        return ss_diag_set(diag, SS_ECONFLICT,
                           "the assessment comes from policy evaluation: change the resource "
                           "or its assignment instead");
    char aid[1200];
    snprintf(aid, sizeof(aid), "%.*s/providers/Microsoft.Security/assessments/%s", (int)rlen, rp,
             ss_catalog_rec(e->cat, (size_t)rec)->key);
    long sub = (long)ss_score_resource_sub(e->s, (uint32_t)r);
    struct ss_score_result before;
    sub_before(e, sub, &before);
    enum ss_err err = begin_delete(e, SS_STORE_ASSESSMENT, aid, strlen(aid), "assessment", diag);
    if (err)
        return err;
    char k[8];
    pair_key(k, (uint32_t)r, (uint32_t)rec);
    free(ss_map_del(&e->pushed, k, 8));
    e->stats.pushed--;
    ss_score_remove(e->s, (uint32_t)r, (uint32_t)rec);
    int64_t now = now_ticks();
    /* The rule (if any) decides again now that the pushed finding is gone. */
    void *ri = ss_map_get(&e->rules_by_rec, (const char *)&rec, 4);
    if (ri)
        reevaluate(e, (uint32_t)r, (uint32_t)((uintptr_t)ri - 1), now);
    return finish_write(e, "assessment.deleted", aid, sub, &before, now);
}

/* ---- metadata ---- */

static enum ss_err metadata_apply(struct ss_engine *e, const char *sub, struct ss_str key,
                                  struct ss_json body, struct ss_diag *diag)
{
    struct ss_json p = ss_jget(body, "properties");
    struct ss_str dn = ss_json_str(ss_jget(p, "displayName"));
    struct ss_str sev = ss_json_str(ss_jget(p, "severity"));
    struct ss_str at = ss_json_str(ss_jget(p, "assessmentType"));
    if (!dn.len) {
        ss_diag_set_pointer(diag, "/properties/displayName");
        return ss_diag_set(diag, SS_EINPUT, "missing string");
    }
    enum ss_severity s = ss_str_eq_nocase(sev, "Low")      ? SS_SEV_LOW
                         : ss_str_eq_nocase(sev, "Medium") ? SS_SEV_MEDIUM
                         : ss_str_eq_nocase(sev, "High")   ? SS_SEV_HIGH
                                                           : SS_SEV_UNKNOWN;
    if (s == SS_SEV_UNKNOWN) {
        ss_diag_set_pointer(diag, "/properties/severity");
        return ss_diag_set(diag, SS_EINPUT, "expected Low, Medium or High");
    }
    if (at.len && !ss_str_eq_nocase(at, "CustomerManaged") &&
        !ss_str_eq_nocase(at, "CustomPolicy")) {
        ss_diag_set_pointer(diag, "/properties/assessmentType");
        return ss_diag_set(diag, SS_EINPUT,
                           "custom metadata must be CustomerManaged (or CustomPolicy)");
    }
    char keyz[64];
    snprintf(keyz, sizeof(keyz), "%.*s", (int)(key.len > 60 ? 60 : key.len), key.ptr);
    long existing = ss_catalog_find_rec(e->cat, keyz, strlen(keyz));
    if (existing >= 0 && ss_catalog_rec(e->cat, (size_t)existing)->assessment_type == SS_AT_BUILTIN)
        return ss_diag_set(diag, SS_ECONFLICT, "%s is a built-in recommendation", keyz);
    /* The catalog reads Azure's metadata list shape, every field included (categories,
     * threats, userImpact ...): give it a list of one. */
    struct ss_buf text = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &text, 0);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "value");
    ss_jw_arr_begin(&w);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "name");
    ss_jw_strz(&w, keyz);
    ss_jw_keyz(&w, "properties");
    ss_jw_obj_begin(&w);
    struct ss_json_iter it;
    struct ss_str k;
    struct ss_json v;
    ss_json_iter_init(&it, p);
    while (ss_json_iter_next(&it, &k, &v))
        if (!ss_str_eq_nocase(k, "assessmentType")) {
            ss_jw_key(&w, k.ptr, k.len);
            ss_jw_value(&w, v);
        }
    ss_jw_keyz(&w, "assessmentType");
    ss_jw_strz(&w, ss_str_eq_nocase(at, "CustomPolicy") ? "CustomPolicy" : "CustomerManaged");
    ss_jw_obj_end(&w);
    ss_jw_obj_end(&w);
    ss_jw_arr_end(&w);
    ss_jw_obj_end(&w);
    enum ss_err err = ss_catalog_load_metadata_text(e->cat, text.ptr, text.len, "body", diag);
    ss_buf_release(&text);
    if (err)
        return err;
    long idx = ss_catalog_find_rec(e->cat, keyz, strlen(keyz));
    if (idx < 0)
        return ss_diag_set(diag, SS_EINTERNAL, "metadata not added");
    char mk[64];
    int n = snprintf(mk, sizeof(mk), "%s\n%u", sub, (uint32_t)idx);
    ss_map_put(&e->metadata, mk, (size_t)n, (void *)1, NULL);
    return SS_OK;
}

bool ss_engine_has_metadata(const struct ss_engine *e, const char *sub_id, uint32_t rec)
{
    char mk[64];
    int n = snprintf(mk, sizeof(mk), "%s\n%u", sub_id, rec);
    return ss_map_find(&e->metadata, mk, (size_t)n, NULL);
}

enum ss_err ss_engine_put_metadata(struct ss_engine *e, const char *sub_id, const char *key,
                                   size_t klen, struct ss_json body, bool *created,
                                   struct ss_diag *diag)
{
    if (!ss_is_guid(key, klen))
        return ss_diag_set(diag, SS_EINPUT, "the assessment metadata name must be a GUID");
    char sub[37];
    lower_copy(sub, sub_id, strnlen(sub_id, 36));
    long rec = ss_catalog_find_rec(e->cat, key, klen);
    bool is_new = rec < 0 || !ss_engine_has_metadata(e, sub, (uint32_t)rec);
    enum ss_err err = metadata_apply(e, sub, (struct ss_str){key, klen}, body, diag);
    if (err)
        return err;
    char id[200];
    snprintf(id, sizeof(id),
             "/subscriptions/%s/providers/Microsoft.Security/assessmentMetadata/%.*s", sub,
             (int)klen, key);
    struct ss_buf text = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &text, 0);
    ss_jw_value(&w, body);
    err = ss_store_begin(e->st);
    if (!err)
        err = ss_store_put(e->st, SS_STORE_METADATA, id, strlen(id), text.ptr, text.len, NULL);
    ss_buf_release(&text);
    if (err) {
        ss_store_rollback(e->st);
        reload(e);
        return ss_diag_set(diag, err, "cannot store the metadata");
    }
    struct ss_score_result none = {0};
    err = finish_write(e, is_new ? "metadata.created" : "metadata.updated", id, -1, &none,
                       now_ticks());
    if (!err && created)
        *created = is_new;
    return err;
}

enum ss_err ss_engine_delete_metadata(struct ss_engine *e, const char *sub_id, const char *key,
                                      size_t klen, struct ss_diag *diag)
{
    char sub[37];
    lower_copy(sub, sub_id, strnlen(sub_id, 36));
    long rec = ss_catalog_find_rec(e->cat, key, klen);
    if (rec < 0 || !ss_engine_has_metadata(e, sub, (uint32_t)rec))
        return ss_diag_set(diag, SS_ENOENT, "no such assessment metadata");
    char id[200];
    snprintf(id, sizeof(id),
             "/subscriptions/%s/providers/Microsoft.Security/assessmentMetadata/%.*s", sub,
             (int)klen, key);
    enum ss_err err = begin_delete(e, SS_STORE_METADATA, id, strlen(id), "metadata", diag);
    if (err)
        return err;
    char mk[64];
    int n = snprintf(mk, sizeof(mk), "%s\n%u", sub, (uint32_t)rec);
    ss_map_del(&e->metadata, mk, (size_t)n);
    struct ss_score_result none = {0};
    return finish_write(e, "metadata.deleted", id, -1, &none, now_ticks());
}

/* ---- assignments ---- */

static enum ss_err norm_scope(const char *scope, char *out, size_t size, struct ss_diag *diag)
{
    static const char mgp[] = "/providers/microsoft.management/managementgroups/";
    size_t len = strlen(scope);
    while (len > 1 && scope[len - 1] == '/')
        len--;
    if (len + 1 > size)
        return ss_diag_set(diag, SS_EINPUT, "scope too long");
    lower_copy(out, scope, len);
    if (strcmp(out, "/") == 0)
        return SS_OK;
    if (len == 51 && strncmp(out, "/subscriptions/", 15) == 0 && ss_is_guid(out + 15, 36))
        return SS_OK;
    if (len > sizeof(mgp) - 1 && strncmp(out, mgp, sizeof(mgp) - 1) == 0 &&
        !strchr(out + sizeof(mgp) - 1, '/'))
        return SS_OK;
    return ss_diag_set(diag, SS_EINPUT,
                       "scope \"%s\": expected \"/\", a management group id or a subscription id",
                       scope);
}

/* Adds or replaces an assignment from its stored form
 * {"scope", "recommendation", "effect", "parameters"}. */
static enum ss_err asg_apply(struct ss_engine *e, struct ss_json body, struct ss_diag *diag)
{
    struct ss_str scope = ss_json_str(ss_jget(body, "scope"));
    struct ss_str key = ss_json_str(ss_jget(body, "recommendation"));
    struct ss_str eff = ss_json_str(ss_jget(body, "effect"));
    struct ss_json params = ss_jget(body, "parameters");
    struct asg a;
    memset(&a, 0, sizeof(a));
    char sc[256];
    snprintf(sc, sizeof(sc), "%.*s", (int)(scope.len > 250 ? 250 : scope.len),
             scope.ptr ? scope.ptr : "");
    enum ss_err err = norm_scope(sc, a.scope, sizeof(a.scope), diag);
    if (err)
        return err;
    long rec = key.ptr ? ss_catalog_find_rec(e->cat, key.ptr, key.len) : -1;
    if (rec < 0)
        return ss_diag_set(diag, SS_ENOENT, "unknown recommendation");
    a.rec = (uint32_t)rec;
    a.effect = SS_ASSIGN_DEFAULT;
    if (eff.len && !ss_assign_effect_parse(eff.ptr, eff.len, &a.effect))
        return ss_diag_set(diag, SS_EINPUT,
                           "effect: expected Audit, Deny, Disabled or AuditIfNotExists");
    void *ri = ss_map_get(&e->rules_by_rec, (const char *)&a.rec, 4);
    if (a.effect == SS_ASSIGN_DENY && !ri)
        return ss_diag_set(diag, SS_EINPUT,
                           "the recommendation has no built-in rule: Deny cannot apply");
    if (ss_json_kind(params) == SS_JSON_OBJECT && ss_json_len(params)) {
        if (!ri)
            return ss_diag_set(diag, SS_EINPUT, "the recommendation has no rule to parameterise");
        /* The rule's definition, compiled with these values. */
        extern const unsigned char ss_builtin_rules_json[];
        extern const size_t ss_builtin_rules_json_len;
        struct ss_json_doc *doc = NULL;
        if (ss_json_parse((const char *)ss_builtin_rules_json, ss_builtin_rules_json_len, NULL,
                          &doc, NULL))
            return ss_diag_set(diag, SS_EINTERNAL, "built-in rules unreadable");
        struct ss_json_iter it;
        struct ss_json def;
        struct ss_str want = ss_policy_name(e->rules.v[(uintptr_t)ri - 1].p);
        ss_json_iter_init(&it, ss_json_getz(ss_json_root(doc), "rules"));
        err = SS_ENOENT;
        while (ss_json_iter_next(&it, NULL, &def)) {
            struct ss_str n = ss_json_str(ss_json_getz(def, "name"));
            if (n.len != want.len || !n.len || memcmp(n.ptr, want.ptr, n.len) != 0)
                continue;
            struct ss_policy_opts po = {params, NULL, 0, false};
            err = ss_policy_compile(def, &po, &a.pol, diag);
            break;
        }
        ss_json_doc_free(doc);
        if (err) {
            ss_diag_set_pointer(diag, "/parameters");
            return err == SS_ENOENT ? ss_diag_set(diag, SS_EINTERNAL, "rule not found") : err;
        }
        struct ss_buf pb = SS_BUF_INIT;
        struct ss_jw w;
        ss_jw_init(&w, &pb, 0);
        ss_jw_value(&w, params);
        a.params = ss_buf_detach(&pb, NULL);
    }
    a.live = true;
    char k[300];
    size_t kl = asg_key(k, sizeof(k), a.scope, a.rec);
    void *old = ss_map_get(&e->asg_index, k, kl);
    if (old) {
        struct asg *o = &e->asgs[(uintptr_t)old - 1];
        free(o->params);
        ss_policy_free(o->pol);
        *o = a;
        return SS_OK;
    }
    e->asgs = ss_xreallocarray(e->asgs, e->nasgs + 1, sizeof(*e->asgs));
    e->asgs[e->nasgs++] = a;
    ss_map_put(&e->asg_index, k, kl, (void *)(uintptr_t)e->nasgs, NULL);
    if (a.rec >= e->asg_by_rec_len) {
        size_t n = SS_MAX((size_t)a.rec + 1, ss_catalog_nrecs(e->cat));
        e->asg_by_rec = ss_xreallocarray(e->asg_by_rec, n, sizeof(uint32_t));
        memset(e->asg_by_rec + e->asg_by_rec_len, 0, (n - e->asg_by_rec_len) * sizeof(uint32_t));
        e->asg_by_rec_len = n;
    }
    e->asg_by_rec[a.rec]++;
    return SS_OK;
}

/* Re-evaluates every resource with recommendation `rec`'s rule, then the disabled list. */
static void reassess_rec(struct ss_engine *e, uint32_t rec, int64_t now)
{
    void *ri = ss_map_get(&e->rules_by_rec, (const char *)&rec, 4);
    if (ri)
        for (size_t r = 0; r < e->nlive; r++)
            if (e->live[r].doc)
                reevaluate(e, (uint32_t)r, (uint32_t)((uintptr_t)ri - 1), now);
    apply_overrides(e);
}

static void asg_id(char *buf, size_t size, const char *scope, const char *key)
{
    snprintf(buf, size, "%s/providers/Microsoft.Security/assignments/%s",
             strcmp(scope, "/") ? scope : "", key);
}

enum ss_err ss_engine_assign(struct ss_engine *e, const struct ss_assignment *a, bool *created,
                             struct ss_diag *diag)
{
    char scope[256];
    enum ss_err err = norm_scope(a->scope, scope, sizeof(scope), diag);
    if (err)
        return err;
    if (a->rec >= ss_catalog_nrecs(e->cat))
        return ss_diag_set(diag, SS_ENOENT, "unknown recommendation");
    const char *key = ss_catalog_rec(e->cat, a->rec)->key;
    struct ss_buf text = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &text, 0);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "scope");
    ss_jw_strz(&w, scope);
    ss_jw_keyz(&w, "recommendation");
    ss_jw_strz(&w, key);
    ss_jw_keyz(&w, "effect");
    ss_jw_strz(&w, ss_assign_effect_name(a->effect));
    if (a->parameters) {
        ss_jw_keyz(&w, "parameters");
        ss_jw_raw(&w, a->parameters, strlen(a->parameters));
    }
    ss_jw_obj_end(&w);
    struct ss_json_doc *doc = NULL;
    err = ss_json_parse(text.ptr, text.len, NULL, &doc, diag);
    bool is_new = !asg_at(e, scope, a->rec);
    if (!err)
        err = asg_apply(e, ss_json_root(doc), diag);
    ss_json_doc_free(doc);
    if (err) {
        ss_buf_release(&text);
        return err;
    }
    char id[400];
    asg_id(id, sizeof(id), scope, key);
    err = ss_store_begin(e->st);
    if (!err)
        err = ss_store_put(e->st, SS_STORE_ASSIGNMENT, id, strlen(id), text.ptr, text.len, NULL);
    ss_buf_release(&text);
    if (err) {
        ss_store_rollback(e->st);
        reload(e);
        return ss_diag_set(diag, err, "cannot store the assignment");
    }
    int64_t now = now_ticks();
    reassess_rec(e, a->rec, now);
    struct ss_score_result none = {0};
    err = finish_write(e, is_new ? "assignment.created" : "assignment.updated", id, -1, &none, now);
    if (!err && created)
        *created = is_new;
    return err;
}

enum ss_err ss_engine_unassign(struct ss_engine *e, const char *scope_in, uint32_t rec,
                               struct ss_diag *diag)
{
    char scope[256], k[300], id[400];
    enum ss_err err = norm_scope(scope_in, scope, sizeof(scope), diag);
    if (err)
        return err;
    size_t kl = asg_key(k, sizeof(k), scope, rec);
    void *v = kl ? ss_map_get(&e->asg_index, k, kl) : NULL;
    if (!v)
        return ss_diag_set(diag, SS_ENOENT, "no such assignment");
    asg_id(id, sizeof(id), scope, ss_catalog_rec(e->cat, rec)->key);
    err = begin_delete(e, SS_STORE_ASSIGNMENT, id, strlen(id), "assignment", diag);
    if (err)
        return err;
    struct asg *a = &e->asgs[(uintptr_t)v - 1];
    a->live = false;
    free(a->params);
    a->params = NULL;
    ss_policy_free(a->pol);
    a->pol = NULL;
    ss_map_del(&e->asg_index, k, kl);
    e->asg_by_rec[rec]--;
    int64_t now = now_ticks();
    reassess_rec(e, rec, now);
    struct ss_score_result none = {0};
    return finish_write(e, "assignment.deleted", id, -1, &none, now);
}

void ss_engine_each_assignment(struct ss_engine *e, const char *scope,
                               void (*fn)(void *arg, const struct ss_assignment *a), void *arg)
{
    char want[256];
    if (norm_scope(scope, want, sizeof(want), NULL))
        return;
    for (size_t i = 0; i < e->nasgs; i++) {
        const struct asg *x = &e->asgs[i];
        if (!x->live || (strcmp(want, "/") && strcmp(want, x->scope)))
            continue;
        struct ss_assignment a;
        memset(&a, 0, sizeof(a));
        snprintf(a.scope, sizeof(a.scope), "%s", x->scope);
        a.rec = x->rec;
        a.effect = x->effect;
        a.parameters = x->params;
        fn(arg, &a);
    }
}

/* ---- exemptions ---- */

static enum ss_err ex_scope_ok(const char *scope, struct ss_diag *diag)
{
    static const char mgp[] = "/providers/Microsoft.Management/managementGroups/";
    size_t len = strlen(scope);
    if ((len == 1 && scope[0] == '/') ||
        (len > sizeof(mgp) - 1 && ss_mem_eq_nocase(scope, mgp, sizeof(mgp) - 1) &&
         !strchr(scope + sizeof(mgp) - 1, '/')) ||
        (len >= 51 && ss_mem_eq_nocase(scope, "/subscriptions/", 15) &&
         ss_is_guid(scope + 15, 36) && (len == 51 || scope[51] == '/')))
        return SS_OK;
    return ss_diag_set(diag, SS_EINPUT,
                       "exemption scope: expected a management group, subscription, resource "
                       "group or resource id");
}

enum ss_err ss_engine_put_exemption(struct ss_engine *e, const char *scope, const char *name,
                                    size_t nlen, struct ss_json body, bool *created,
                                    struct ss_buf *out, struct ss_diag *diag)
{
    enum ss_err err = ex_scope_ok(scope, diag);
    if (err)
        return err;
    if (!nlen || nlen > 128 || memchr(name, '/', nlen))
        return ss_diag_set(diag, SS_EINPUT, "exemption name: 1 to 128 characters, no '/'");
    struct ss_json p = ss_jget(body, "properties");
    if (ss_json_kind(p) != SS_JSON_OBJECT) {
        ss_diag_set_pointer(diag, "/properties");
        return ss_diag_set(diag, SS_EINPUT, "missing object");
    }
    char id[1400];
    snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/exemptions/%.*s",
             strcmp(scope, "/") ? scope : "", (int)nlen, name);
    /* The stored form: the scope from the path, then the body's properties. */
    struct ss_buf text = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &text, 0);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "scope");
    ss_jw_strz(&w, scope);
    struct ss_json_iter it;
    struct ss_str k;
    struct ss_json v;
    ss_json_iter_init(&it, p);
    while (ss_json_iter_next(&it, &k, &v))
        if (!ss_str_eq_nocase(k, "scope")) {
            ss_jw_key(&w, k.ptr, k.len);
            ss_jw_value(&w, v);
        }
    ss_jw_obj_end(&w);
    struct ss_json_doc *doc = NULL;
    int64_t expires = 0;
    err = ss_json_parse(text.ptr, text.len, NULL, &doc, diag);
    /* Validate on a scratch state first: a bad exemption changes nothing. */
    if (!err) {
        struct ss_score *scratch = ss_score_new(e->cat);
        err = ss__exemption_apply(scratch, e->cat, ss_json_root(doc), &expires, diag);
        ss_score_free(scratch);
        if (err)
            ss_diag_set_pointer(diag, "/properties");
    }
    bool is_new = !ss_map_get(&e->ex_index, id, strlen(id));
    if (!err)
        err = ss_store_begin(e->st);
    if (!err && (err = ss_store_put(e->st, SS_STORE_EXEMPTION, id, strlen(id), text.ptr, text.len,
                                    NULL)) != SS_OK)
        ss_store_rollback(e->st);
    if (err) {
        ss_json_doc_free(doc);
        ss_buf_release(&text);
        return err;
    }
    ex_keep(e, id, strlen(id), doc, expires);
    long sub = scope[0] && strlen(scope) >= 51 && ss_mem_eq_nocase(scope, "/subscriptions/", 15)
                   ? ss_score_find_sub(e->s, scope + 15, 36)
                   : -1;
    struct ss_score_result before;
    sub_before(e, sub, &before);
    apply_overrides(e);
    if (out) {
        struct ss_jw ow;
        ss_jw_init(&ow, out, 0);
        ss_jw_obj_begin(&ow);
        ss_jw_keyz(&ow, "id");
        ss_jw_strz(&ow, id);
        ss_jw_keyz(&ow, "name");
        ss_jw_str(&ow, name, nlen);
        ss_jw_keyz(&ow, "type");
        ss_jw_strz(&ow, "Microsoft.Security/exemptions");
        ss_jw_keyz(&ow, "properties");
        ss_jw_raw(&ow, text.ptr, text.len);
        ss_jw_obj_end(&ow);
    }
    ss_buf_release(&text);
    err = finish_write(e, is_new ? "exemption.created" : "exemption.updated", id, sub, &before,
                       now_ticks());
    if (!err && created)
        *created = is_new;
    return err;
}

enum ss_err ss_engine_delete_exemption(struct ss_engine *e, const char *scope, const char *name,
                                       size_t nlen, struct ss_diag *diag)
{
    char id[1400];
    snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/exemptions/%.*s",
             strcmp(scope, "/") ? scope : "", (int)(nlen > 200 ? 200 : nlen), name);
    void *v = ss_map_get(&e->ex_index, id, strlen(id));
    if (!v || !e->exs[(uintptr_t)v - 1].doc)
        return ss_diag_set(diag, SS_ENOENT, "no such exemption");
    enum ss_err err = begin_delete(e, SS_STORE_EXEMPTION, id, strlen(id), "exemption", diag);
    if (err)
        return err;
    struct exemption *x = &e->exs[(uintptr_t)v - 1];
    ss_json_doc_free(x->doc);
    x->doc = NULL; /* the slot stays (indexes are kept); ex_keep reuses it for the same id */
    long sub = strlen(scope) >= 51 && ss_mem_eq_nocase(scope, "/subscriptions/", 15)
                   ? ss_score_find_sub(e->s, scope + 15, 36)
                   : -1;
    struct ss_score_result before;
    sub_before(e, sub, &before);
    apply_overrides(e);
    return finish_write(e, "exemption.deleted", id, sub, &before, now_ticks());
}

void ss_engine_each_exemption(struct ss_engine *e, const char *scope,
                              void (*fn)(void *arg, const char *id, struct ss_json ex), void *arg)
{
    size_t sl = strcmp(scope, "/") ? strlen(scope) : 0;
    for (size_t i = 0; i < e->nexs; i++) {
        const struct exemption *x = &e->exs[i];
        if (!x->doc)
            continue;
        size_t il = strlen(x->id);
        if (sl && (il < sl || !ss_mem_eq_nocase(x->id, scope, sl) || x->id[sl] != '/'))
            continue;
        fn(arg, x->id, ss_json_root(x->doc));
    }
}

/* Once a day: a snapshot of every enabled subscription's score (at midnight UTC, so a
 * restart the same day replaces it) and the pruning of changes past the retention. */
static void daily(struct ss_engine *e, int64_t now)
{
    const int64_t day = (int64_t)86400 * 10000000;
    int64_t today = now - now % day;
    if (today == e->last_daily)
        return;
    if (ss_store_begin(e->st))
        return;
    enum ss_err err = SS_OK;
    for (size_t i = 0; !err && i < ss_score_nsubs(e->s); i++) {
        if (!ss_score_sub_enabled(e->s, (uint32_t)i))
            continue;
        struct ss_score_result r;
        char scope[64];
        ss_score_sub_result(e->s, (uint32_t)i, &r);
        snprintf(scope, sizeof(scope), "/subscriptions/%s", ss_score_sub_id(e->s, (uint32_t)i));
        err = ss_store_history_put(e->st, today, scope, r.current, r.max, r.percentage);
    }
    if (!err && e->opts.retention_days > 0)
        err = ss_store_prune_changes(e->st, now - (int64_t)e->opts.retention_days * day);
    if (!err && !ss_store_commit(e->st))
        e->last_daily = today;
    else if (err)
        ss_store_rollback(e->st);
}

void ss_engine_tick(struct ss_engine *e, int64_t now)
{
    e->now = now;
    ss_score_set_now(e->s, now);
    if (e->next_expiry && now >= e->next_expiry) {
        apply_overrides(e);
        e->stats.generation++;
    }
    daily(e, now);
}

/* ---- imports ---- */

enum ss_err ss_engine_import(struct ss_engine *e, const char *path, struct ss_diag *diag)
{
    enum ss_err err = ss_store_begin(e->st);
    if (err)
        return ss_diag_set(diag, err, "cannot start a transaction");
    e->persist = true;
    err = ss_ingest_path(e->in, path, diag);
    e->persist = false;
    ss_ingest_finish(e->in);
    if (!err) {
        struct ss_score_result none = {0};
        int64_t now = now_ticks();
        evaluate_all(e, now);
        return finish_write(e, "import", path, -1, &none, now);
    }
    ss_store_rollback(e->st);
    reload(e);
    return err;
}
