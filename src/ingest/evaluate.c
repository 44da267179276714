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

/* Only resources an *IfNotExists rule can look for need to be in the inventory
 * (and those carrying nested child resources, which may be). */
static bool may_be_related(const struct ss_rules *rs, struct ss_json res)
{
    if (rs->index_all)
        return true;
    struct ss_str type = ss_json_str(ss_json_get_nocase(res, "type", 4));
    if (type.ptr && ss_map_find(&rs->related, type.ptr, type.len, NULL))
        return true;
    return ss_json_kind(ss_json_get_nocase(res, "resources", 9)) == SS_JSON_ARRAY;
}

/* ---- evaluation ---- */

struct run {
    struct ss_score *s;
    const struct ss_rules *rs;
    struct ss_policy_eval *ev;
    const struct ss_policy_inventory *inv;
    struct ss_ingest_stats *st;
};

/* Evaluates one rule on one resource; `any`: the rule does not name the type, so a
 * NotApplicable outcome means "not this kind of resource" and gives no assessment. */
static void eval_rule(struct run *r, uint32_t res, struct ss_json v, const struct ss_rule *rule,
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
                              .status = ss__rules_status(out.outcome),
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
    const struct ss_rule_bucket *b = type ? ss_map_get(&r->rs->by_type, type, strlen(type)) : NULL;
    for (size_t i = 0; b && i < b->n; i++)
        eval_rule(r, res, v, &r->rs->v[b->idx[i]], false);
    for (size_t i = 0; i < r->rs->any.n; i++)
        eval_rule(r, res, v, &r->rs->v[r->rs->any.idx[i]], true);
}

void ss__ingest_evaluate(struct ss_ingest_kept *k, struct ss_score *s, const struct ss_catalog *cat,
                         struct ss_ingest_stats *st)
{
    struct ss_rules rs;
    ss__rules_load(&rs, cat);
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
    ss__rules_free(&rs);
    ss__ingest_kept_release(k);
}
