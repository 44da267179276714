/*
 * Exemptions and disabled recommendations: pairs they cover are
 * NotApplicable with cause Exempt / OffByPolicy (DESIGN.md §3 step 1; Azure:
 * an exempted resource "will be listed as not applicable and the reason
 * will be shown as 'exempted'"). Overrides are kept per recommendation, so
 * deciding one assessment looks only at its recommendation's overrides.
 */
#include "common/setup.h"

#include <time.h>

#include "score/internal.h"

static const char mg_prefix[] = "/providers/microsoft.management/managementgroups/";

void ss_score_set_now(struct ss_score *s, int64_t now)
{
    s->now = now;
}

static bool scope_covers(const struct ss_score *s, const struct override *o, uint32_t ri)
{
    const struct res *r = &s->res[ri];
    switch (o->scope) {
    case SCOPE_TENANT:
        return true;
    case SCOPE_MG: {
        /* resolved by name each time: the group may be declared after the override */
        void *v = NULL;
        if (!ss_map_find(&s->mg_index, o->prefix, o->prefix_len, &v))
            return false;
        return ss_score_sub_in_mg(s, r->sub, (uint32_t)(uintptr_t)v - 1);
    }
    default:
        /* an id prefix ending at a path boundary */
        return r->id_len >= o->prefix_len && ss_mem_eq_nocase(r->id, o->prefix, o->prefix_len) &&
               (r->id_len == o->prefix_len || r->id[o->prefix_len] == '/');
    }
}

void ss__score_effective(const struct ss_score *s, uint32_t ri, struct asmt *x)
{
    x->eff = x->status;
    x->eff_cause = EFF_GIVEN;
    if (x->rec >= s->ov_by_rec_len)
        return;
    bool exempt = false;
    for (uint32_t i = s->ov_by_rec[x->rec]; i; i = s->ovs[i - 1].next) {
        const struct override *o = &s->ovs[i - 1];
        if (!scope_covers(s, o, ri))
            continue;
        if (o->kind == OV_DISABLE) {
            x->eff = SS_STATUS_NOTAPPLICABLE;
            x->eff_cause = EFF_OFFBYPOLICY;
            return;
        }
        if (!o->expires || o->expires > s->now)
            exempt = true;
    }
    if (exempt) {
        x->eff = SS_STATUS_NOTAPPLICABLE;
        x->eff_cause = EFF_EXEMPT;
    }
}

/* Parses a scope into o; SS_EINPUT if it is none of the accepted forms. */
static enum ss_err parse_scope(struct ss_score *s, const char *scope, struct override *o,
                               bool prefix_ok, struct ss_diag *diag)
{
    size_t len = strlen(scope), n = sizeof(mg_prefix) - 1;
    while (len > 1 && scope[len - 1] == '/')
        len--;
    if (len == 1 && scope[0] == '/') {
        o->scope = SCOPE_TENANT;
        return SS_OK;
    }
    if (len > n && ss_mem_eq_nocase(scope, mg_prefix, n) && !memchr(scope + n, '/', len - n)) {
        o->scope = SCOPE_MG;
        o->prefix = ss_arena_strndup(&s->mem, scope + n, len - n);
        o->prefix_len = len - n;
        return SS_OK;
    }
    /* A subscription, or (exemptions) a resource group or resource under one: an id
     * prefix, so scopes need not exist yet and nothing is created for them. */
    bool sub = len == 15 + 36;
    if (len >= 15 + 36 && ss_mem_eq_nocase(scope, "/subscriptions/", 15) &&
        ss_is_guid(scope + 15, 36) && (sub || (prefix_ok && scope[15 + 36] == '/'))) {
        o->scope = SCOPE_PREFIX;
        o->prefix = ss_arena_strndup(&s->mem, scope, len);
        o->prefix_len = len;
        return SS_OK;
    }
    return ss_diag_set(diag, SS_EINPUT,
                       "scope \"%s\": expected \"/\", a management group id, a subscription id%s",
                       scope, prefix_ok ? " or a resource (group) id" : "");
}

static void add_override(struct ss_score *s, const struct override *o, uint32_t rec)
{
    if (s->novs == s->ovcap) {
        s->ovcap = s->ovcap ? s->ovcap * 2 : 64;
        s->ovs = ss_xreallocarray(s->ovs, s->ovcap, sizeof(*s->ovs));
    }
    if (rec >= s->ov_by_rec_len) {
        size_t n = SS_MAX((size_t)rec + 1, ss_catalog_nrecs(s->cat));
        s->ov_by_rec = ss_xreallocarray(s->ov_by_rec, n, sizeof(uint32_t));
        memset(s->ov_by_rec + s->ov_by_rec_len, 0, (n - s->ov_by_rec_len) * sizeof(uint32_t));
        s->ov_by_rec_len = n;
    }
    s->ovs[s->novs] = *o;
    s->ovs[s->novs].rec = rec;
    s->ovs[s->novs].next = s->ov_by_rec[rec];
    s->ov_by_rec[rec] = (uint32_t)++s->novs;
}

enum ss_err ss_score_exempt(struct ss_score *s, const char *scope, uint32_t rec,
                            const char *category, int64_t expires, struct ss_diag *diag)
{
    struct override o;
    memset(&o, 0, sizeof(o));
    o.kind = OV_EXEMPT;
    o.expires = expires;
    if (rec >= ss_catalog_nrecs(s->cat))
        return ss_diag_set(diag, SS_EINVAL, "unknown recommendation");
    if (category && *category && strcmp(category, "Waiver") != 0 &&
        strcmp(category, "Mitigated") != 0)
        return ss_diag_set(diag, SS_EINPUT,
                           "exemption category \"%s\": expected Waiver or Mitigated", category);
    o.category =
        category && *category ? ss_arena_strndup(&s->mem, category, strlen(category)) : "Waiver";
    enum ss_err e = parse_scope(s, scope, &o, true, diag);
    if (!e)
        add_override(s, &o, rec);
    return e;
}

enum ss_err ss_score_disable(struct ss_score *s, const char *scope, uint32_t rec,
                             struct ss_diag *diag)
{
    struct override o;
    memset(&o, 0, sizeof(o));
    o.kind = OV_DISABLE;
    if (rec >= ss_catalog_nrecs(s->cat))
        return ss_diag_set(diag, SS_EINVAL, "unknown recommendation");
    enum ss_err e = parse_scope(s, scope, &o, false, diag);
    if (!e)
        add_override(s, &o, rec);
    return e;
}

/* Drops the overrides of one kind, keeps the others in their order, rebuilds the chains. */
static void clear_kind(struct ss_score *s, uint8_t kind)
{
    size_t n = 0;
    if (s->ov_by_rec)
        memset(s->ov_by_rec, 0, s->ov_by_rec_len * sizeof(uint32_t));
    for (size_t i = 0; i < s->novs; i++) {
        if (s->ovs[i].kind == kind)
            continue;
        s->ovs[n] = s->ovs[i];
        n++;
    }
    s->novs = 0;
    for (size_t i = 0; i < n; i++) {
        struct override o = s->ovs[i];
        add_override(s, &o, o.rec);
    }
}

void ss_score_clear_disabled(struct ss_score *s)
{
    clear_kind(s, OV_DISABLE);
}

void ss_score_clear_exemptions(struct ss_score *s)
{
    clear_kind(s, OV_EXEMPT);
}

void ss_score_reapply(struct ss_score *s)
{
    for (uint32_t ri = 0; ri < s->nres; ri++) {
        for (uint32_t i = s->res[ri].asmt; i; i = s->asmts[i - 1].next) {
            struct asmt *x = &s->asmts[i - 1];
            ss__score_update(s, ri, x, false);
        }
    }
}
