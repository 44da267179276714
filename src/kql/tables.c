/*
 * The Resource Graph tables of a scored state (DESIGN.md §8): the rows that
 * `securityresources` and `resourcecontainers` return, built from a
 * `struct ss_score` and its catalog as one JSON array each.
 *
 * Every row has ARG's columns, in this order: id, name, type (lower-case),
 * tenantId, kind, location, resourceGroup, subscriptionId, managedBy,
 * sku, plan, properties, tags, identity, zones, extendedLocation. The state
 * knows no kind, location, sku ... of a resource: those are "" (strings) or
 * null (dynamic), as ARG writes them for Microsoft.Security rows.
 *
 * Row shapes follow research/azure_api.md §4.2 (ARG embeds the assessment's
 * metadata and links, and the control's definition, in `properties`;
 * `resourceDetails` has capitalised `Source` and `Id`; the portal link is
 * `links.azurePortal`). Scores and counts are the engine's published values
 * (ss_score_sub_result, ss_score_control_result): integers as integers,
 * doubles as Azure prints them (ss_jw_double). As `scan --format json` does,
 * a subscription has a control row for each control with at least one
 * counted resource, and only enabled subscriptions have score rows.
 *
 * No allocation per row: ids are composed in one scratch buffer reused for
 * the whole table.
 */
#include "common/setup.h"

#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <strings.h>

#include "securescore/kql.h"

/* Azure: the description of a status made NotApplicable by an override
 * (research/azure_api.md §1.6: "use Microsoft.Authorization/policyAssignments";
 * exempt descriptions contain "Exempt", which ARG samples filter on). */
static const char off_by_policy_desc[] =
    "The effective policy for the assessment was evaluated to off - use "
    "Microsoft.Authorization/policyAssignments to turn this assessment on";
static const char exempt_desc[] = "Exempt: this resource is exempted from the recommendation";

static const char portal_prefix[] =
    "portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/assessmentKey/";

/* What every row of one table needs. */
struct table {
    struct ss_jw w;
    struct ss_buf id;   /* scratch: the row's id */
    struct ss_buf rg;   /* scratch: the row's resource group */
    const char *tenant; /* borrowed */
    const struct ss_score *s;
    const struct ss_catalog *cat;
};

static void table_init(struct table *t, const struct ss_score *s, const struct ss_catalog *cat,
                       const char *tenant, struct ss_buf *out)
{
    ss_jw_init(&t->w, out, 0);
    ss_buf_init(&t->id);
    ss_buf_init(&t->rg);
    t->tenant = tenant ? tenant : "";
    t->s = s;
    t->cat = cat;
}

static void table_release(struct table *t)
{
    ss_buf_release(&t->id);
    ss_buf_release(&t->rg);
}

/* ---- small writers ---- */

static void kstr(struct ss_jw *w, const char *key, const char *val)
{
    ss_jw_keyz(w, key);
    ss_jw_strz(w, val ? val : "");
}

static void knull(struct ss_jw *w, const char *key)
{
    ss_jw_keyz(w, key);
    ss_jw_null(w);
}

static void kint(struct ss_jw *w, const char *key, int64_t v)
{
    ss_jw_keyz(w, key);
    ss_jw_int(w, v);
}

/* `score: {max, current, percentage}` as the secureScores API publishes it. */
static void kscore(struct ss_jw *w, int max, double current, double percentage)
{
    ss_jw_keyz(w, "score");
    ss_jw_obj_begin(w);
    kint(w, "max", max);
    ss_jw_keyz(w, "current");
    ss_jw_double(w, current);
    ss_jw_keyz(w, "percentage");
    ss_jw_double(w, percentage);
    ss_jw_obj_end(w);
}

/* The columns before `properties`; the caller writes its value next. */
static void row_head(struct table *t, const char *name, const char *type, const char *sub,
                     const char *rg)
{
    struct ss_jw *w = &t->w;
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "id");
    ss_jw_str(w, t->id.ptr ? t->id.ptr : "", t->id.len);
    kstr(w, "name", name);
    kstr(w, "type", type);
    kstr(w, "tenantId", t->tenant);
    kstr(w, "kind", "");
    kstr(w, "location", "");
    kstr(w, "resourceGroup", rg);
    kstr(w, "subscriptionId", sub);
    kstr(w, "managedBy", "");
    knull(w, "sku");
    knull(w, "plan");
    ss_jw_keyz(w, "properties");
}

/* The columns after `properties`, and the end of the row. */
static void row_tail(struct table *t)
{
    struct ss_jw *w = &t->w;
    knull(w, "tags");
    knull(w, "identity");
    knull(w, "zones");
    knull(w, "extendedLocation");
    ss_jw_obj_end(w);
}

/* Sets the scratch id to the concatenation of the NUL-terminated parts (NULL ends them). */
static void set_id(struct table *t, const char *a, const char *b, const char *c)
{
    ss_buf_reset(&t->id);
    ss_buf_adds(&t->id, a);
    if (b)
        ss_buf_adds(&t->id, b);
    if (c)
        ss_buf_adds(&t->id, c);
}

/* The resource group of an ARM id ("/subscriptions/{s}/resourceGroups/{rg}/..."),
 * lower-cased as ARG writes the column, in t->rg; "" when the id has none. */
static const char *resource_group(struct table *t, const char *id)
{
    static const char seg[] = "/resourcegroups/";
    ss_buf_reset(&t->rg);
    ss_buf_adds(&t->rg, "");
    const char *p = id;
    if (strncasecmp(p, "/subscriptions/", 15) != 0)
        return t->rg.ptr;
    p = strchr(p + 15, '/');
    if (!p || strncasecmp(p, seg, sizeof(seg) - 1) != 0)
        return t->rg.ptr;
    p += sizeof(seg) - 1;
    for (; *p && *p != '/'; p++) {
        char c = *p;
        ss_buf_addc(&t->rg, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
    }
    return t->rg.ptr;
}

/* ---- assessment metadata ---- */

static void str_list(struct ss_jw *w, const char *key, uint32_t bits,
                     const char *(*name)(unsigned bit))
{
    ss_jw_keyz(w, key);
    ss_jw_arr_begin(w);
    for (unsigned i = 0; i < 32; i++) {
        const char *n = (bits >> i & 1u) ? name(i) : NULL;
        if (n)
            ss_jw_strz(w, n);
    }
    ss_jw_arr_end(w);
}

/* The metadata object (SecurityAssessmentMetadataProperties, 2021-06-01). */
static void metadata_props(struct ss_jw *w, const struct ss_rec *r)
{
    ss_jw_obj_begin(w);
    kstr(w, "displayName", r->display_name);
    kstr(w, "assessmentType", ss_assessment_type_name(r->assessment_type));
    if (r->has_metadata) {
        kstr(w, "description", r->description);
        kstr(w, "remediationDescription", r->remediation);
        if (r->severity != SS_SEV_UNKNOWN)
            kstr(w, "severity", ss_severity_name(r->severity));
        str_list(w, "categories", r->categories, ss_category_name);
        if (r->user_impact != SS_LEVEL_UNKNOWN)
            kstr(w, "userImpact", ss_level_name(r->user_impact));
        if (r->implementation_effort != SS_LEVEL_UNKNOWN)
            kstr(w, "implementationEffort", ss_level_name(r->implementation_effort));
        str_list(w, "threats", r->threats, ss_threat_name);
    }
    if (r->preview) {
        ss_jw_keyz(w, "preview");
        ss_jw_bool(w, true);
    }
    if (r->policy_definition_id && *r->policy_definition_id)
        kstr(w, "policyDefinitionId", r->policy_definition_id);
    ss_jw_obj_end(w);
}

static void metadata_row(struct table *t, const struct ss_rec *r)
{
    set_id(t, "/providers/Microsoft.Security/assessmentMetadata/", r->key, NULL);
    row_head(t, r->key, "microsoft.security/assessmentmetadata", "", "");
    metadata_props(&t->w, r);
    row_tail(t);
}

/* ---- assessments ---- */

static const char *status_name(enum ss_status st)
{
    static const char *const names[] = {"", "Healthy", "Unhealthy", "NotApplicable"};
    return (unsigned)st < SS_ARRAY_LEN(names) ? names[st] : "";
}

static void ktime(struct ss_jw *w, const char *key, int64_t ticks)
{
    char buf[40];
    if (!ticks)
        return;
    ss_time_format(ticks, buf);
    kstr(w, key, buf);
}

/* status {code, cause, description, firstEvaluationDate, statusChangeDate}: the effective
 * status; an override replaces the cause and the description. */
static void assessment_status(struct table *t, const struct ss_assessment *a, enum ss_status eff)
{
    struct ss_jw *w = &t->w;
    const char *cause = a->cause, *desc = a->description;
    const char *eff_cause = NULL;
    ss_score_get(t->s, a->res, a->rec, NULL, NULL, &eff_cause);
    if (eff_cause && !strcmp(eff_cause, "Exempt") && (!cause || strcmp(cause, "Exempt"))) {
        cause = eff_cause;
        desc = exempt_desc;
    } else if (eff_cause && !strcmp(eff_cause, "OffByPolicy") &&
               (!cause || strcmp(cause, "OffByPolicy"))) {
        cause = eff_cause;
        desc = off_by_policy_desc;
    }
    ss_jw_keyz(w, "status");
    ss_jw_obj_begin(w);
    kstr(w, "code", status_name(eff));
    if (cause && *cause)
        kstr(w, "cause", cause);
    if (desc && *desc)
        kstr(w, "description", desc);
    ktime(w, "firstEvaluationDate", a->first_evaluation);
    ktime(w, "statusChangeDate", a->status_change);
    ss_jw_obj_end(w);
}

/* resourceDetails.Source by the subscription's environment (connectors' rows say Aws, Gcp). */
static const char *source_name(enum ss_environment env)
{
    static const char *const names[SS_ENV__COUNT] = {"Azure",  "Aws",         "Gcp",
                                                     "GitHub", "AzureDevOps", "GitLab"};
    return (unsigned)env < SS_ENV__COUNT ? names[env] : "Azure";
}

static void assessment_row(struct table *t, const struct ss_assessment *a, enum ss_status eff)
{
    const char *res_id = ss_score_resource_id(t->s, a->res);
    uint32_t sub_index = ss_score_resource_sub(t->s, a->res);
    const char *sub = ss_score_sub_id(t->s, sub_index);
    const struct ss_rec *r = ss_catalog_rec(t->cat, a->rec);
    struct ss_jw *w = &t->w;
    if (!r)
        return;
    set_id(t, res_id, "/providers/Microsoft.Security/assessments/", r->key);
    row_head(t, r->key, "microsoft.security/assessments", sub, resource_group(t, res_id));
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "resourceDetails");
    ss_jw_obj_begin(w);
    kstr(w, "Source", source_name(ss_score_sub_env(t->s, sub_index)));
    kstr(w, "Id", res_id);
    ss_jw_obj_end(w);
    kstr(w, "displayName", r->display_name);
    assessment_status(t, a, eff);
    ss_jw_keyz(w, "metadata");
    metadata_props(w, r);
    ss_jw_keyz(w, "links");
    ss_jw_obj_begin(w);
    set_id(t, portal_prefix, r->key, NULL);
    ss_jw_keyz(w, "azurePortal");
    ss_jw_str(w, t->id.ptr, t->id.len);
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
    row_tail(t);
}

/* ---- secure scores and controls ---- */

static void score_row(struct table *t, uint32_t sub)
{
    const char *sid = ss_score_sub_id(t->s, sub);
    struct ss_score_result r;
    struct ss_jw *w = &t->w;
    ss_score_sub_result(t->s, sub, &r);
    set_id(t, "/subscriptions/", sid, "/providers/Microsoft.Security/secureScores/ascScore");
    row_head(t, "ascScore", "microsoft.security/securescores", sid, "");
    ss_jw_obj_begin(w);
    kstr(w, "displayName", "ASC score");
    kscore(w, r.max, r.current, r.percentage);
    kint(w, "weight", (int64_t)r.weight);
    ss_jw_obj_end(w);
    row_tail(t);
}

/* The control's definition as SecureScoreControls $expand=definition embeds it. */
static void control_definition(struct table *t, const struct ss_control *c)
{
    struct ss_jw *w = &t->w;
    ss_jw_keyz(w, "definition");
    ss_jw_obj_begin(w);
    set_id(t, "/providers/Microsoft.Security/secureScoreControlDefinitions/", c->id, NULL);
    ss_jw_keyz(w, "id");
    ss_jw_str(w, t->id.ptr, t->id.len);
    kstr(w, "name", c->id);
    kstr(w, "type", "Microsoft.Security/secureScoreControlDefinitions");
    ss_jw_keyz(w, "properties");
    ss_jw_obj_begin(w);
    kstr(w, "displayName", c->display_name);
    kint(w, "maxScore", c->max_score);
    ss_jw_keyz(w, "source");
    ss_jw_obj_begin(w);
    kstr(w, "sourceType", c->builtin ? "BuiltIn" : "Custom");
    ss_jw_obj_end(w);
    ss_jw_keyz(w, "assessmentDefinitions");
    ss_jw_arr_begin(w);
    for (uint32_t k = 0; k < c->nkeys; k++) {
        set_id(t, "/providers/Microsoft.Security/assessmentMetadata/", c->keys[k], NULL);
        ss_jw_obj_begin(w);
        ss_jw_keyz(w, "id");
        ss_jw_str(w, t->id.ptr, t->id.len);
        ss_jw_obj_end(w);
    }
    ss_jw_arr_end(w);
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
}

static void control_row(struct table *t, uint32_t sub, uint32_t ctl,
                        const struct ss_control_result *r)
{
    const struct ss_control *c = ss_catalog_control(t->cat, ctl);
    const char *sid = ss_score_sub_id(t->s, sub);
    struct ss_jw *w = &t->w;
    ss_buf_reset(&t->id);
    ss_buf_printf(&t->id,
                  "/subscriptions/%s/providers/Microsoft.Security/secureScores/ascScore/"
                  "secureScoreControls/%s",
                  sid, c->id);
    row_head(t, c->id, "microsoft.security/securescores/securescorecontrols", sid, "");
    ss_jw_obj_begin(w);
    kstr(w, "displayName", c->display_name);
    kint(w, "healthyResourceCount", r->healthy);
    kint(w, "unhealthyResourceCount", r->unhealthy);
    kint(w, "notApplicableResourceCount", r->not_applicable);
    kscore(w, r->max, r->current, r->percentage);
    kint(w, "weight", (int64_t)r->weight);
    control_definition(t, c);
    ss_jw_obj_end(w);
    row_tail(t);
}

static void sub_score_rows(struct table *t, uint32_t sub)
{
    size_t nctl = ss_catalog_ncontrols(t->cat);
    score_row(t, sub);
    for (size_t c = 0; c < nctl; c++) {
        struct ss_control_result r;
        ss_score_control_result(t->s, sub, (uint32_t)c, &r);
        if (r.healthy || r.unhealthy || r.not_applicable)
            control_row(t, sub, (uint32_t)c, &r);
    }
}

void ss_kql_security_rows(const struct ss_score *s, const struct ss_catalog *cat,
                          const char *tenant, struct ss_buf *out)
{
    struct table t;
    table_init(&t, s, cat ? cat : ss_score_catalog(s), tenant, out);
    ss_jw_arr_begin(&t.w);
    for (size_t i = 0; i < ss_score_nsubs(s); i++)
        if (ss_score_sub_enabled(s, (uint32_t)i))
            sub_score_rows(&t, (uint32_t)i);
    for (size_t res = 0; res < ss_score_nresources(s); res++) {
        uint32_t cursor = 0;
        struct ss_assessment a;
        enum ss_status eff;
        while (ss_score_next_assessment(s, (uint32_t)res, &cursor, &a, &eff))
            assessment_row(&t, &a, eff);
    }
    for (size_t i = 0; i < ss_catalog_nrecs(t.cat); i++) {
        const struct ss_rec *r = ss_catalog_rec(t.cat, i);
        if (r->has_metadata)
            metadata_row(&t, r);
    }
    ss_jw_arr_end(&t.w);
    table_release(&t);
}

/* ---- resource containers ---- */

/* A group's display name, or its name when it has none. */
static const char *mg_display(const struct table *t, uint32_t mg)
{
    const char *d = ss_score_mg_display(t->s, mg);
    return d && *d ? d : ss_score_mg_name(t->s, mg);
}

static void mg_ref(struct table *t, uint32_t mg)
{
    struct ss_jw *w = &t->w;
    ss_jw_obj_begin(w);
    kstr(w, "name", ss_score_mg_name(t->s, mg));
    kstr(w, "displayName", mg_display(t, mg));
    ss_jw_obj_end(w);
}

/* managementGroupAncestorsChain: from `mg` (the immediate parent) up to the root, as ARG
 * lists it. Bounded by the number of groups, so a cycle in the input cannot loop. */
static void ancestors_chain(struct table *t, long mg)
{
    size_t n = ss_score_nmgs(t->s);
    ss_jw_keyz(&t->w, "managementGroupAncestorsChain");
    ss_jw_arr_begin(&t->w);
    for (size_t steps = 0; mg >= 0 && (size_t)mg < n && steps < n; steps++) {
        mg_ref(t, (uint32_t)mg);
        mg = ss_score_mg_parent(t->s, (uint32_t)mg);
    }
    ss_jw_arr_end(&t->w);
}

static void subscription_row(struct table *t, uint32_t sub)
{
    const char *sid = ss_score_sub_id(t->s, sub);
    const char *name = ss_score_sub_name(t->s, sub);
    const char *state = ss_score_sub_state(t->s, sub);
    struct ss_jw *w = &t->w;
    set_id(t, "/subscriptions/", sid, NULL);
    row_head(t, name && *name ? name : sid, "microsoft.resources/subscriptions", sid, "");
    ss_jw_obj_begin(w);
    kstr(w, "state", state && *state ? state : "Enabled");
    ancestors_chain(t, ss_score_sub_mg(t->s, sub));
    ss_jw_obj_end(w);
    row_tail(t);
}

static void mg_row(struct table *t, uint32_t mg)
{
    const char *name = ss_score_mg_name(t->s, mg);
    long parent = ss_score_mg_parent(t->s, mg);
    struct ss_jw *w = &t->w;
    set_id(t, "/providers/Microsoft.Management/managementGroups/", name, NULL);
    row_head(t, name, "microsoft.management/managementgroups", "", "");
    ss_jw_obj_begin(w);
    kstr(w, "displayName", mg_display(t, mg));
    ss_jw_keyz(w, "details");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "parent");
    if (parent >= 0 && (size_t)parent < ss_score_nmgs(t->s)) {
        ss_jw_obj_begin(w);
        set_id(t, "/providers/Microsoft.Management/managementGroups/",
               ss_score_mg_name(t->s, (uint32_t)parent), NULL);
        ss_jw_keyz(w, "id");
        ss_jw_str(w, t->id.ptr, t->id.len);
        kstr(w, "name", ss_score_mg_name(t->s, (uint32_t)parent));
        kstr(w, "displayName", mg_display(t, (uint32_t)parent));
        ss_jw_obj_end(w);
    } else {
        ss_jw_null(w);
    }
    ancestors_chain(t, parent);
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
    row_tail(t);
}

void ss_kql_container_rows(const struct ss_score *s, const char *tenant, struct ss_buf *out)
{
    struct table t;
    table_init(&t, s, ss_score_catalog(s), tenant, out);
    ss_jw_arr_begin(&t.w);
    for (size_t i = 0; i < ss_score_nsubs(s); i++)
        subscription_row(&t, (uint32_t)i);
    for (size_t i = 0; i < ss_score_nmgs(s); i++)
        mg_row(&t, (uint32_t)i);
    ss_jw_arr_end(&t.w);
    table_release(&t);
}

/* ---- resources (ss_kql_resource_row) ---- */

static struct ss_str member(struct ss_json v, const char *key)
{
    return ss_json_str(ss_json_get_nocase(v, key, strlen(key)));
}

/* The segment after `/<name>/` in an ARM id (case-insensitive), or {NULL, 0}. */
static struct ss_str id_segment(struct ss_str id, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i + n + 2 <= id.len; i++) {
        if (id.ptr[i] != '/' || strncasecmp(id.ptr + i + 1, name, n) != 0 ||
            id.ptr[i + 1 + n] != '/')
            continue;
        const char *s = id.ptr + i + n + 2, *e = s;
        while (e < id.ptr + id.len && *e != '/')
            e++;
        return (struct ss_str){s, (size_t)(e - s)};
    }
    return (struct ss_str){NULL, 0};
}

static void lower_str(struct ss_jw *w, struct ss_str s)
{
    char *p = malloc(s.len + 1);
    if (!p)
        abort();
    for (size_t i = 0; i < s.len; i++)
        p[i] = (char)tolower((unsigned char)s.ptr[i]);
    ss_jw_str(w, p, s.len);
    free(p);
}

static void str_member(struct ss_jw *w, const char *key, struct ss_str v)
{
    ss_jw_keyz(w, key);
    ss_jw_str(w, v.ptr ? v.ptr : "", v.len);
}

static void json_member(struct ss_jw *w, struct ss_json v, const char *key)
{
    ss_jw_keyz(w, key);
    struct ss_json m = ss_json_get_nocase(v, key, strlen(key));
    if (ss_json_exists(m))
        ss_jw_value(w, m);
    else
        ss_jw_null(w);
}

void ss_kql_resource_row(struct ss_jw *w, struct ss_json v, const char *tenant_dflt,
                         size_t *tenant_at)
{
    struct ss_str id = member(v, "id"), type = member(v, "type");
    struct ss_str tenant = member(v, "tenantId");
    if (tenant_at)
        *tenant_at = SIZE_MAX;
    if (!tenant.len && tenant_dflt)
        tenant = (struct ss_str){tenant_dflt, strlen(tenant_dflt)};
    ss_jw_obj_begin(w);
    str_member(w, "id", id);
    str_member(w, "name", member(v, "name"));
    ss_jw_keyz(w, "type");
    lower_str(w, type);
    ss_jw_keyz(w, "tenantId");
    if (!tenant.len && tenant_at)
        *tenant_at = w->out->len; /* the "" below, for the caller to fill in */
    ss_jw_str(w, tenant.ptr ? tenant.ptr : "", tenant.len);
    str_member(w, "kind", member(v, "kind"));
    str_member(w, "location", member(v, "location"));
    ss_jw_keyz(w, "resourceGroup");
    lower_str(w, id_segment(id, "resourceGroups"));
    str_member(w, "subscriptionId", id_segment(id, "subscriptions"));
    str_member(w, "managedBy", member(v, "managedBy"));
    static const char *const dyn[] = {"sku",      "plan",  "properties",      "tags",
                                      "identity", "zones", "extendedLocation"};
    for (size_t i = 0; i < sizeof(dyn) / sizeof(dyn[0]); i++)
        json_member(w, v, dyn[i]);
    ss_jw_obj_end(w);
}

/* ---- the tables of a live engine ---- */

struct res_rows {
    struct ss_jw *w;
    const char *tenant;
};

static bool engine_resource_row(void *arg, struct ss_json res)
{
    struct res_rows *r = arg;
    ss_kql_resource_row(r->w, res, r->tenant, NULL);
    return true;
}

enum ss_err ss_kql_engine_tables(struct ss_engine *e, const char *tenant,
                                 struct ss_json_doc *docs[3], struct ss_diag *diag)
{
    struct ss_buf b[3] = {SS_BUF_INIT, SS_BUF_INIT, SS_BUF_INIT};
    ss_kql_security_rows(ss_engine_score(e), ss_engine_catalog(e), tenant, &b[0]);
    struct ss_jw w;
    ss_jw_init(&w, &b[1], 0);
    ss_jw_arr_begin(&w);
    struct res_rows rr = {&w, tenant};
    ss_engine_each_resource(e, "", 0, engine_resource_row, &rr);
    ss_jw_arr_end(&w);
    ss_kql_container_rows(ss_engine_score(e), tenant, &b[2]);
    enum ss_err err = SS_OK;
    struct ss_json_opts o = {0, 0, 0, UINT64_MAX, "tables"};
    for (int i = 0; i < 3; i++) {
        size_t len;
        char *text = ss_buf_detach(&b[i], &len);
        docs[i] = NULL;
        if (!err)
            err = ss_json_parse_take(text, len, &o, &docs[i], diag);
        else
            free(text);
    }
    if (err)
        for (int i = 0; i < 3; i++) {
            ss_json_doc_free(docs[i]);
            docs[i] = NULL;
        }
    return err;
}
