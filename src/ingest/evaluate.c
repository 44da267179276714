/*
 * Evaluation of the built-in rules (catalog/rules/, embedded in the library as
 * one document {"rules": [...]}) on the inventory resources an ingest read.
 *
 * While reading, each inventory value is serialised compactly into one buffer
 * (the stream reader reuses its document, so values must be copied). At the
 * end the buffer is parsed once as an array; every resource goes into one
 * policy inventory (the related resources of auditIfNotExists rules); the
 * rules are compiled once with their default parameters and bucketed by the
 * resource types they apply to; each resource is evaluated with the rules of
 * its type. Rules whose related type is an external finding (Defender's own
 * assessments, Guest Configuration) are left out: imported assessments carry
 * those. An imported assessment of the same (resource, recommendation) wins.
 */
#include "common/setup.h"

#include <stdio.h>

#include "common/hashmap.h"
#include "common/limits.h"
#include "ingest/internal.h"
#include "securescore/policy.h"

extern const unsigned char ss_builtin_rules_json[];
extern const size_t ss_builtin_rules_json_len;

#define DEAD UINT32_MAX

bool ss__ingest_keep(struct ss_ingest_kept *k, uint32_t res, struct ss_str raw)
{
    if (k->text.len + raw.len + 2 > SS_JSON_MAX_DOC)
        return false;
    if (res >= k->nslot) {
        size_t n = SS_MAX((size_t)res + 1, k->nslot * 2);
        k->slot = ss_xreallocarray(k->slot, n, sizeof(*k->slot));
        memset(k->slot + k->nslot, 0, (n - k->nslot) * sizeof(*k->slot));
        k->nslot = n;
    }
    if (k->slot[res])
        k->res[k->slot[res] - 1] = DEAD;
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 256;
        k->res = ss_xreallocarray(k->res, k->cap, sizeof(*k->res));
    }
    /* The input's own bytes: no re-serialising (it was parsed strictly already). */
    ss_buf_addc(&k->text, k->n ? ',' : '[');
    ss_buf_add(&k->text, raw.ptr, raw.len);
    k->res[k->n++] = res;
    k->slot[res] = k->n;
    return true;
}

void ss__ingest_kept_release(struct ss_ingest_kept *k)
{
    ss_buf_release(&k->text);
    free(k->res);
    free(k->slot);
    memset(k, 0, sizeof(*k));
}

/* ---- the rules ---- */

struct rule {
    struct ss_policy *p;
    uint32_t rec;
};

struct bucket {
    uint32_t *idx; /* indexes into rules.v */
    size_t n;
};

struct rules {
    struct rule *v;
    size_t n;
    struct ss_map by_type; /* type (case-insensitive) -> struct bucket */
    struct bucket any;     /* rules that do not constrain the type */
    struct ss_map related; /* details.type of the *IfNotExists rules (case-insensitive) */
    bool index_all;        /* one such rule names no literal type: index every resource */
};

static void bucket_add(struct bucket *b, uint32_t i)
{
    if (b->n && b->idx[b->n - 1] == i)
        return; /* the same type twice in one rule */
    b->idx = ss_xreallocarray(b->idx, b->n + 1, sizeof(*b->idx));
    b->idx[b->n++] = i;
}

static bool external_finding(struct ss_str related)
{
    static const char gc[] = "microsoft.guestconfiguration/";
    if (!related.ptr)
        return false;
    if (related.len == 30 && ss_mem_eq_nocase(related.ptr, "Microsoft.Security/assessments", 30))
        return true;
    return related.len >= sizeof(gc) - 1 && ss_mem_eq_nocase(related.ptr, gc, sizeof(gc) - 1);
}

/* Compiles one rule; false if it is not used (unknown recommendation, external finding, or a
 * definition this build cannot compile). */
static bool add_rule(struct rules *rs, const struct ss_catalog *cat, struct ss_json def)
{
    static const char key_ptr[] = "/properties/metadata/securescore/recommendation";
    struct ss_str key = ss_json_str(ss_json_pointer(def, key_ptr, sizeof(key_ptr) - 1));
    long rec = key.ptr ? ss_catalog_find_rec(cat, key.ptr, key.len) : -1;
    if (rec < 0)
        return false;
    struct ss_policy *p = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_policy_compile(def, NULL, &p, &d))
        return false;
    if (external_finding(ss_policy_related_type(p))) {
        ss_policy_free(p);
        return false;
    }
    enum ss_policy_effect eff = ss_policy_effect(p);
    if (eff == SS_EFFECT_AUDIT_IF_NOT_EXISTS || eff == SS_EFFECT_DEPLOY_IF_NOT_EXISTS) {
        struct ss_str rt = ss_policy_related_type(p);
        if (rt.len)
            ss_map_put(&rs->related, rt.ptr, rt.len, NULL, NULL);
        else
            rs->index_all = true;
    }
    uint32_t i = (uint32_t)rs->n;
    rs->v[rs->n++] = (struct rule){p, (uint32_t)rec};
    const struct ss_str *types;
    size_t nt;
    if (!ss_policy_types(p, &types, &nt)) {
        bucket_add(&rs->any, i);
        return true;
    }
    for (size_t t = 0; t < nt; t++) {
        struct bucket *b = ss_map_get(&rs->by_type, types[t].ptr, types[t].len);
        if (!b) {
            b = ss_xcalloc(1, sizeof(*b));
            ss_map_put(&rs->by_type, types[t].ptr, types[t].len, b, NULL);
        }
        bucket_add(b, i);
    }
    return true;
}

static void rules_load(struct rules *rs, const struct ss_catalog *cat)
{
    memset(rs, 0, sizeof(*rs));
    ss_map_init(&rs->by_type, SS_MAP_NOCASE);
    ss_map_init(&rs->related, SS_MAP_NOCASE);
    struct ss_json_doc *doc = NULL;
    if (ss_json_parse((const char *)ss_builtin_rules_json, ss_builtin_rules_json_len, NULL, &doc,
                      NULL))
        return;
    struct ss_json list = ss_json_getz(ss_json_root(doc), "rules");
    rs->v = ss_xcalloc(ss_json_len(list) + 1, sizeof(*rs->v));
    struct ss_json_iter it;
    struct ss_json def;
    ss_json_iter_init(&it, list);
    while (ss_json_iter_next(&it, NULL, &def))
        add_rule(rs, cat, def);
    ss_json_doc_free(doc);
}

/* Only resources an *IfNotExists rule can look for need to be in the inventory
 * (and those carrying nested child resources, which may be). */
static bool may_be_related(const struct rules *rs, struct ss_json res)
{
    if (rs->index_all)
        return true;
    struct ss_str type = ss_json_str(ss_json_get_nocase(res, "type", 4));
    if (type.ptr && ss_map_find(&rs->related, type.ptr, type.len, NULL))
        return true;
    return ss_json_kind(ss_json_get_nocase(res, "resources", 9)) == SS_JSON_ARRAY;
}

static void rules_free(struct rules *rs)
{
    size_t pos = 0;
    const char *key;
    size_t len;
    void *val;
    while (ss_map_next(&rs->by_type, &pos, &key, &len, &val)) {
        struct bucket *b = val;
        free(b->idx);
        free(b);
    }
    ss_map_release(&rs->by_type);
    ss_map_release(&rs->related);
    free(rs->any.idx);
    for (size_t i = 0; i < rs->n; i++)
        ss_policy_free(rs->v[i].p);
    free(rs->v);
}

/* ---- evaluation ---- */

struct run {
    struct ss_score *s;
    const struct rules *rs;
    struct ss_policy_eval *ev;
    const struct ss_policy_inventory *inv;
    struct ss_ingest_stats *st;
};

static enum ss_status status_of(enum ss_policy_outcome o)
{
    switch (o) {
    case SS_POLICY_HEALTHY:
        return SS_STATUS_HEALTHY;
    case SS_POLICY_UNHEALTHY:
        return SS_STATUS_UNHEALTHY;
    default:
        return SS_STATUS_NOTAPPLICABLE;
    }
}

/* Evaluates one rule on one resource; `any`: the rule does not name the type, so a
 * NotApplicable outcome means "not this kind of resource" and gives no assessment. */
static void eval_rule(struct run *r, uint32_t res, struct ss_json v, const struct rule *rule,
                      bool any)
{
    if (ss_score_get(r->s, res, rule->rec, NULL, NULL, NULL))
        return; /* imported: it wins */
    struct ss_policy_result out;
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_policy_evaluate(r->ev, rule->p, v, r->inv, &out, &d)) {
        r->st->eval_errors++;
        return;
    }
    if (any && out.outcome == SS_POLICY_NOT_APPLICABLE)
        return;
    char desc[320];
    snprintf(desc, sizeof(desc), "%s: %s", ss_policy_outcome_name(out.outcome), out.why);
    struct ss_assessment a = {.res = res,
                              .rec = rule->rec,
                              .status = status_of(out.outcome),
                              .cause = "PolicyEvaluation",
                              .description = desc,
                              .source = 0};
    if (ss_score_set(r->s, &a, NULL) == SS_OK)
        r->st->evaluated++;
}

static void eval_resource(struct run *r, uint32_t res, struct ss_json v)
{
    const char *type = ss_score_resource_type(r->s, res);
    uint32_t sub = ss_score_resource_sub(r->s, res);
    /* Connectors to other clouds are modelled as subscriptions, but Azure's
     * subscription-level rules (Defender plans, contacts) do not apply to them. */
    if (ss_score_sub_env(r->s, sub) != SS_ENV_AZURE && type &&
        strcmp(type, "microsoft.resources/subscriptions") == 0)
        return;
    const struct bucket *b = type ? ss_map_get(&r->rs->by_type, type, strlen(type)) : NULL;
    for (size_t i = 0; b && i < b->n; i++)
        eval_rule(r, res, v, &r->rs->v[b->idx[i]], false);
    for (size_t i = 0; i < r->rs->any.n; i++)
        eval_rule(r, res, v, &r->rs->v[r->rs->any.idx[i]], true);
}

void ss__ingest_evaluate(struct ss_ingest_kept *k, struct ss_score *s, const struct ss_catalog *cat,
                         struct ss_ingest_stats *st)
{
    struct rules rs;
    rules_load(&rs, cat);
    st->rules = rs.n;
    struct ss_json_doc *doc = NULL;
    if (k->n && rs.n) {
        ss_buf_addc(&k->text, ']');
        size_t len;
        char *text = ss_buf_detach(&k->text, &len);
        struct ss_json_opts o = {0, 0, 0, UINT64_MAX, NULL};
        if (ss_json_parse_take(text, len, &o, &doc, NULL))
            st->eval_errors++; /* cannot happen: the values were parsed once already */
    }
    if (doc) {
        struct ss_json list = ss_json_root(doc);
        struct ss_policy_inventory *inv = ss_policy_inventory_new();
        struct ss_json_iter it;
        struct ss_json v;
        ss_json_iter_init(&it, list);
        for (size_t i = 0; ss_json_iter_next(&it, NULL, &v); i++)
            if (k->res[i] != DEAD && may_be_related(&rs, v))
                ss_policy_inventory_add(inv, v);
        struct run r = {s, &rs, ss_policy_eval_new(), inv, st};
        ss_json_iter_init(&it, list);
        for (size_t i = 0; ss_json_iter_next(&it, NULL, &v); i++)
            if (k->res[i] != DEAD)
                eval_resource(&r, k->res[i], v);
        ss_policy_eval_free(r.ev);
        ss_policy_inventory_free(inv);
        ss_json_doc_free(doc);
    }
    rules_free(&rs);
    ss__ingest_kept_release(k);
}
