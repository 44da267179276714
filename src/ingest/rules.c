/*
 * The built-in rules (catalog/rules/, embedded in the library as one document
 * {"rules": [...]}), compiled once with their default parameters and bucketed
 * by the resource types they apply to. Used by a scan (evaluate.c) and by the
 * live engine (engine.c).
 */
#include "common/setup.h"

#include "common/hashmap.h"
#include "ingest/internal.h"
#include "securescore/policy.h"

extern const unsigned char ss_builtin_rules_json[];
extern const size_t ss_builtin_rules_json_len;

void ss__rules_bucket_add(struct ss_rule_bucket *b, uint32_t i)
{
    if (b->n && b->idx[b->n - 1] == i)
        return; /* the same type twice in one rule */
    b->idx = ss_xreallocarray(b->idx, b->n + 1, sizeof(*b->idx));
    b->idx[b->n++] = i;
}

bool ss__rules_external(struct ss_str related)
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
static bool add_rule(struct ss_rules *rs, const struct ss_catalog *cat, struct ss_json def)
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
    if (ss__rules_external(ss_policy_related_type(p))) {
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
    rs->v[rs->n++] = (struct ss_rule){p, (uint32_t)rec};
    const struct ss_str *types;
    size_t nt;
    if (!ss_policy_types(p, &types, &nt)) {
        ss__rules_bucket_add(&rs->any, i);
        return true;
    }
    for (size_t t = 0; t < nt; t++) {
        struct ss_rule_bucket *b = ss_map_get(&rs->by_type, types[t].ptr, types[t].len);
        if (!b) {
            b = ss_xcalloc(1, sizeof(*b));
            ss_map_put(&rs->by_type, types[t].ptr, types[t].len, b, NULL);
        }
        ss__rules_bucket_add(b, i);
    }
    return true;
}

void ss__rules_load(struct ss_rules *rs, const struct ss_catalog *cat)
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

void ss__rules_free(struct ss_rules *rs)
{
    size_t pos = 0;
    const char *key;
    size_t len;
    void *val;
    while (ss_map_next(&rs->by_type, &pos, &key, &len, &val)) {
        struct ss_rule_bucket *b = val;
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

enum ss_status ss__rules_status(enum ss_policy_outcome o)
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
