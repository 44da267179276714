/*
 * The API: routes and handlers (DESIGN.md §7). A path is split at its last
 * "/providers/Microsoft.Security/" into the scope it concerns and the
 * collection asked for; other paths are ARM resources. Every handler checks
 * the caller's role at the scope it reads or writes, answers Azure's shapes
 * (src/score/rest.c) and pages lists with `$top` and a `nextLink` holding
 * `$skipToken`.
 */
#include "common/setup.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/limits.h"
#include "http/internal.h"
#include "securescore/rest.h"

static const char *const security_versions[] = {
    "2019-01-01-preview", "2020-01-01-preview", "2020-01-01", "2021-06-01", "2025-05-04", NULL,
};

static const char sec_infix[] = "/providers/microsoft.security/";
static const char mg_prefix[] = "/providers/microsoft.management/managementgroups/";

/* ---- small helpers ---- */

static bool eqi(const char *a, size_t n, const char *lit)
{
    return strlen(lit) == n && ss_mem_eq_nocase(a, lit, n);
}

static bool starts_i(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && ss_mem_eq_nocase(s, lit, l);
}

/* Finds the last occurrence of `lit` (ignoring case) in s[0..n); -1 if none. */
static long find_last_i(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = n >= l ? n - l + 1 : 0; i-- > 0;)
        if (ss_mem_eq_nocase(s + i, lit, l))
            return (long)i;
    return -1;
}

static bool api_version_ok(struct req *r, const char *const *accepted)
{
    const char *v = ss__req_arg(r, "api-version");
    if (!v) {
        ss__req_error(r, SS_EINVAL, 400, "MissingApiVersionParameter",
                      "The api-version query parameter (?api-version=) is required for all "
                      "requests.");
        return false;
    }
    if (!accepted)
        return true;
    for (size_t i = 0; accepted[i]; i++)
        if (strcmp(v, accepted[i]) == 0)
            return true;
    char list[256] = "";
    for (size_t i = 0; accepted[i]; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
                 accepted[i]);
    ss__req_error(r, SS_EINVAL, 400, "InvalidApiVersionParameter",
                  "The api-version '%.64s' is invalid. The supported versions are '%s'.", v, list);
    return false;
}

static bool method_ok(struct req *r, const char *allowed)
{
    /* `allowed` is a space-separated list */
    size_t ml = strlen(r->method);
    for (const char *p = allowed; *p;) {
        size_t n = strcspn(p, " ");
        if (n == ml && memcmp(p, r->method, n) == 0)
            return true;
        p += n + (p[n] == ' ');
    }
    ss__req_error(r, SS_EMETHOD, 405, "MethodNotAllowed",
                  "The method '%.16s' is not allowed on this resource (allowed: %s).", r->method,
                  allowed);
    return false;
}

static void not_found(struct req *r, const char *what)
{
    ss__req_error(r, SS_ENOENT, 404, "ResourceNotFound", "%s was not found.", what);
}

/* Parses the body as JSON into *doc (limits of the API); false after answering 400. */
static bool body_json(struct req *r, struct ss_json_doc **doc)
{
    struct ss_json_opts o = {0, SS_HTTP_MAX_DEPTH, 0, r->srv->opts.max_body, "body"};
    struct ss_diag d;
    ss_diag_clear(&d);
    if (!r->body.len) {
        ss__req_error(r, SS_EINPUT, 400, "InvalidRequestContent", "The request body is empty.");
        return false;
    }
    enum ss_err e = ss_json_parse(r->body.ptr, r->body.len, &o, doc, &d);
    if (e) {
        char msg[600];
        ss__req_error(r, e, 400, "InvalidRequestContent", "The request content is not valid: %s",
                      ss_diag_format(&d, msg, sizeof(msg)));
        return false;
    }
    return true;
}

static void diag_error(struct req *r, enum ss_err e, const struct ss_diag *d)
{
    char msg[800];
    ss_diag_format(d, msg, sizeof(msg));
    const char *code = e == SS_EINPUT || e == SS_ESYNTAX ? "InvalidRequestContent" : NULL;
    ss__req_error(r, e, 0, code, "%s", msg[0] ? msg : ss_strerror(e));
}

/* The answer to a DELETE: 200, or `missing` when there was nothing to delete (ARM's 204). */
static void delete_answer(struct req *r, enum ss_err err, const struct ss_diag *d, int missing)
{
    if (err == SS_ENOENT)
        r->status = missing;
    else if (err)
        diag_error(r, err, d);
    else
        r->status = 200;
}

/* For a collection of our security objects (assignments, exemptions): the methods (GET on the
 * list; GET, PUT and DELETE on an item) and the caller's right to read or write at `scope`. */
static bool security_gate(struct req *r, const char *scope, bool item)
{
    bool write = strcmp(r->method, "GET") != 0;
    return method_ok(r, item ? "GET PUT DELETE" : "GET") &&
           ss__req_allow(r, scope, write ? SS_ACCESS_WRITE_SECURITY : SS_ACCESS_READ);
}

/* ---- paging ---- */

struct page {
    size_t skip, top, seen, written;
    bool more;
};

static bool page_init(struct req *r, struct page *p)
{
    memset(p, 0, sizeof(*p));
    p->top = SS_HTTP_MAX_PAGE;
    const char *top = ss__req_arg(r, "$top"), *tok = ss__req_arg(r, "$skipToken");
    char *end;
    if (top) {
        long v = strtol(top, &end, 10);
        if (*end || end == top || v < 1) {
            ss__req_error(r, SS_EINVAL, 400, "InvalidQueryParameterValue",
                          "$top must be a positive integer.");
            return false;
        }
        p->top = v > SS_HTTP_MAX_PAGE ? SS_HTTP_MAX_PAGE : (size_t)v;
    }
    if (tok) {
        unsigned long long v = strtoull(tok, &end, 10);
        if (*end || end == tok) {
            ss__req_error(r, SS_EINVAL, 400, "InvalidQueryParameterValue",
                          "$skipToken is not one this server issued.");
            return false;
        }
        p->skip = (size_t)v;
    }
    return true;
}

/* True if the next item belongs on this page (call once per item, in order). */
static bool page_take(struct page *p)
{
    size_t i = p->seen++;
    if (i < p->skip)
        return false;
    if (p->written >= p->top) {
        p->more = true;
        return false;
    }
    p->written++;
    return true;
}

/* Ends a {"value": [ ... list and writes nextLink when more items remain. */
static void page_end(struct req *r, struct ss_jw *w, const struct page *p)
{
    ss_jw_arr_end(w);
    if (p->more) {
        struct ss_buf link = SS_BUF_INIT;
        ss__req_base(r, &link);
        ss_buf_add(&link, r->path, r->path_len);
        ss_buf_printf(&link, "?api-version=%s", ss__req_arg(r, "api-version"));
        const char *ex = ss__req_arg(r, "$expand");
        if (ex && strspn(ex, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,") == strlen(ex))
            ss_buf_printf(&link, "&$expand=%s", ex);
        ss_buf_printf(&link, "&$top=%zu&$skipToken=%zu", p->top, p->skip + p->written);
        ss_jw_keyz(w, "nextLink");
        ss_jw_str(w, link.ptr, link.len);
        ss_buf_release(&link);
    }
    ss_jw_obj_end(w);
}

static void list_begin(struct req *r, struct ss_jw *w)
{
    r->status = 200;
    ss_jw_init(w, &r->out, 0);
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "value");
    ss_jw_arr_begin(w);
}

/* ---- scopes ---- */

enum scope_kind { SC_TENANT, SC_MG, SC_SUB, SC_BELOW_SUB };

struct scope {
    enum scope_kind kind;
    char text[1024]; /* as given, "" for the tenant */
    long sub;        /* SC_SUB / SC_BELOW_SUB: index or -1 if unknown */
    long mg;         /* SC_MG: index or -1 if unknown */
    char sub_id[40];
};

static bool parse_scope(struct req *r, const char *s, size_t n, struct scope *out)
{
    const struct ss_score *sc = ss_engine_score(r->srv->engine);
    memset(out, 0, sizeof(*out));
    out->sub = out->mg = -1;
    if (n >= sizeof(out->text)) {
        ss__req_error(r, SS_EINPUT, 400, "InvalidResourceId", "The scope is too long.");
        return false;
    }
    memcpy(out->text, s, n);
    out->text[n] = '\0';
    if (n == 0) {
        out->kind = SC_TENANT;
        return true;
    }
    size_t ml = sizeof(mg_prefix) - 1;
    if (n > ml && ss_mem_eq_nocase(s, mg_prefix, ml) && !memchr(s + ml, '/', n - ml)) {
        out->kind = SC_MG;
        for (size_t i = 0; i < ss_score_nmgs(sc); i++) {
            const char *nm = ss_score_mg_name(sc, (uint32_t)i);
            if (strlen(nm) == n - ml && ss_mem_eq_nocase(nm, s + ml, n - ml))
                out->mg = (long)i;
        }
        return true;
    }
    if (n >= 51 && starts_i(s, n, "/subscriptions/") && ss_is_guid(s + 15, 36) &&
        (n == 51 || s[51] == '/')) {
        out->kind = n == 51 ? SC_SUB : SC_BELOW_SUB;
        memcpy(out->sub_id, s + 15, 36);
        out->sub_id[36] = '\0';
        out->sub = ss_score_find_sub(sc, s + 15, 36);
        return true;
    }
    ss__req_error(r, SS_EINPUT, 400, "InvalidResourceId",
                  "'%.200s' is not a scope: expected a subscription, management group or "
                  "resource id.",
                  out->text);
    return false;
}

/* The subscriptions of a tenant or management group scope the caller may read, and whether
 * that is all of them. */
static uint32_t *readable_subs(struct req *r, const struct scope *s, size_t *n, bool *all)
{
    const struct ss_score *sc = ss_engine_score(r->srv->engine);
    size_t ns = ss_score_nsubs(sc);
    uint32_t *v = ss_xcalloc(ns + 1, sizeof(*v));
    *n = 0;
    *all = true;
    for (size_t i = 0; i < ns; i++) {
        if (s->kind == SC_MG &&
            (s->mg < 0 || !ss_score_sub_in_mg(sc, (uint32_t)i, (uint32_t)s->mg)))
            continue;
        char id[64];
        snprintf(id, sizeof(id), "/subscriptions/%s", ss_score_sub_id(sc, (uint32_t)i));
        if (ss__scope_covers(sc, r->who.scope, id))
            v[(*n)++] = (uint32_t)i;
        else
            *all = false;
    }
    return v;
}

/* ---- secure scores and controls ---- */

static void scope_prefix(const struct scope *s, char *buf, size_t size)
{
    if (s->kind == SC_SUB)
        snprintf(buf, size, "/subscriptions/%s", s->sub_id);
    else
        snprintf(buf, size, "%s", s->text);
}

/* Computes the score of a scope for the caller: false (after answering) if it cannot. */
static bool scope_score(struct req *r, const struct scope *s, struct ss_score_result *total,
                        struct ss_control_result *ctls, bool *restricted, size_t *nsubs)
{
    const struct ss_score *sc = ss_engine_score(r->srv->engine);
    *restricted = false;
    if (s->kind == SC_SUB) {
        if (!ss__req_allow(r, s->text, SS_ACCESS_READ))
            return false;
        if (s->sub < 0 || !ss_score_sub_enabled(sc, (uint32_t)s->sub)) {
            ss__req_error(r, SS_ENOENT, 404, "ResourceNotFound",
                          "Secure score 'ascScore' does not exist in scope '%s'", s->sub_id);
            return false;
        }
        ss_score_sub_result(sc, (uint32_t)s->sub, total);
        for (size_t c = 0; ctls && c < ss_catalog_ncontrols(ss_engine_catalog(r->srv->engine)); c++)
            ss_score_control_result(sc, (uint32_t)s->sub, (uint32_t)c, &ctls[c]);
        *nsubs = 1;
        return true;
    }
    if (s->kind == SC_MG && s->mg < 0) {
        not_found(r, "The management group");
        return false;
    }
    size_t n;
    bool all;
    uint32_t *subs = readable_subs(r, s, &n, &all);
    if (!n && !ss__scope_covers(sc, r->who.scope, s->kind == SC_TENANT ? "/" : s->text)) {
        free(subs);
        ss__req_allow(r, s->kind == SC_TENANT ? "/" : s->text, SS_ACCESS_READ);
        return false;
    }
    const char *agg = ss__req_arg(r, "aggregation");
    ss_score_aggregate(sc, subs, n,
                       agg && strcmp(agg, "weighted") == 0 ? SS_AGG_WEIGHTED : SS_AGG_POOLED, total,
                       ctls);
    free(subs);
    *restricted = !all;
    *nsubs = n;
    return true;
}

static void restricted_item(struct ss_jw *w, const char *prefix, size_t nsubs)
{
    char id[1200];
    snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/secureScores/ascScore", prefix);
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "id");
    ss_jw_strz(w, id);
    ss_jw_keyz(w, "name");
    ss_jw_strz(w, "ascScore");
    ss_jw_keyz(w, "type");
    ss_jw_strz(w, "Microsoft.Security/secureScores");
    ss_jw_keyz(w, "properties");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "displayName");
    ss_jw_strz(w, "ASC score");
    ss_jw_keyz(w, "state");
    ss_jw_strz(w, "Restricted");
    ss_jw_keyz(w, "readableSubscriptions");
    ss_jw_int(w, (int64_t)nsubs);
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
}

static void h_secure_scores(struct req *r, const struct scope *s, const char *name, size_t nlen)
{
    struct ss_score_result total;
    bool restricted;
    size_t nsubs;
    char prefix[1100];
    if (name && !eqi(name, nlen, "ascScore")) {
        ss__req_error(r, SS_ENOENT, 404, "ResourceNotFound",
                      "Secure score '%.*s' does not exist in scope '%s'",
                      (int)(nlen > 64 ? 64 : nlen), name, s->kind == SC_SUB ? s->sub_id : s->text);
        return;
    }
    if (!scope_score(r, s, &total, NULL, &restricted, &nsubs))
        return;
    scope_prefix(s, prefix, sizeof(prefix));
    struct ss_jw w;
    if (name) {
        r->status = 200;
        ss_jw_init(&w, &r->out, 0);
        if (restricted)
            restricted_item(&w, prefix, nsubs);
        else
            ss_rest_secure_score(&w, prefix, &total);
        return;
    }
    struct page p;
    if (!page_init(r, &p))
        return;
    list_begin(r, &w);
    if (page_take(&p)) {
        if (restricted)
            restricted_item(&w, prefix, nsubs);
        else
            ss_rest_secure_score(&w, prefix, &total);
    }
    page_end(r, &w, &p);
}

static void h_controls(struct req *r, const struct scope *s, const char *name, size_t len)
{
    (void)name;
    (void)len;
    const struct ss_catalog *cat = ss_engine_catalog(r->srv->engine);
    size_t nc = ss_catalog_ncontrols(cat);
    struct ss_control_result *ctls = ss_xcalloc(nc + 1, sizeof(*ctls));
    struct ss_score_result total;
    bool restricted;
    size_t nsubs;
    if (!scope_score(r, s, &total, ctls, &restricted, &nsubs)) {
        free(ctls);
        return;
    }
    if (restricted) {
        free(ctls);
        ss__req_error(r, SS_EFORBIDDEN, 403, "AuthorizationFailed",
                      "The caller can read only %zu of the subscriptions under '%s': its controls "
                      "are Restricted.",
                      nsubs, s->text);
        return;
    }
    const char *ex = ss__req_arg(r, "$expand");
    bool expand = ex && strstr(ex, "definition");
    char prefix[1100];
    scope_prefix(s, prefix, sizeof(prefix));
    struct page p;
    if (!page_init(r, &p)) {
        free(ctls);
        return;
    }
    struct ss_jw w;
    list_begin(r, &w);
    for (size_t c = 0; c < nc; c++) {
        if (!ctls[c].healthy && !ctls[c].unhealthy && !ctls[c].not_applicable)
            continue;
        if (page_take(&p))
            ss_rest_control(&w, prefix, ss_catalog_control(cat, c), &ctls[c], expand);
    }
    page_end(r, &w, &p);
    free(ctls);
}

static void h_definitions(struct req *r, const struct scope *s, const char *name, size_t len)
{
    (void)name;
    (void)len;
    if (s->kind == SC_SUB && !ss__req_allow(r, s->text, SS_ACCESS_READ))
        return;
    if (s->kind != SC_SUB && s->kind != SC_TENANT) {
        not_found(r, "The resource type");
        return;
    }
    const struct ss_catalog *cat = ss_engine_catalog(r->srv->engine);
    struct page p;
    if (!page_init(r, &p))
        return;
    struct ss_jw w;
    list_begin(r, &w);
    for (size_t c = 0; c < ss_catalog_ncontrols(cat); c++)
        if (page_take(&p))
            ss_rest_definition(&w, ss_catalog_control(cat, c));
    page_end(r, &w, &p);
}

/* ---- assessments ---- */

static const char *status_name(enum ss_status s)
{
    switch (s) {
    case SS_STATUS_HEALTHY:
        return "Healthy";
    case SS_STATUS_UNHEALTHY:
        return "Unhealthy";
    default:
        return "NotApplicable";
    }
}

static void write_assessment(struct req *r, struct ss_jw *w, uint32_t res,
                             const struct ss_assessment *a, enum ss_status eff, const char *ecause,
                             bool meta, bool links)
{
    const struct ss_score *sc = ss_engine_score(r->srv->engine);
    const struct ss_rec *rec = ss_catalog_rec(ss_engine_catalog(r->srv->engine), a->rec);
    const char *rid = ss_score_resource_id(sc, res);
    char id[1400], t[40];
    snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/assessments/%s", rid, rec->key);
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "id");
    ss_jw_strz(w, id);
    ss_jw_keyz(w, "name");
    ss_jw_strz(w, rec->key);
    ss_jw_keyz(w, "type");
    ss_jw_strz(w, "Microsoft.Security/assessments");
    ss_jw_keyz(w, "properties");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "resourceDetails");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "source");
    enum ss_environment env = ss_score_sub_env(sc, ss_score_resource_sub(sc, res));
    ss_jw_strz(w, env == SS_ENV_AZURE ? "Azure" : ss_environment_name(env));
    ss_jw_keyz(w, "id");
    ss_jw_strz(w, rid);
    ss_jw_obj_end(w);
    ss_jw_keyz(w, "displayName");
    ss_jw_strz(w, rec->display_name);
    ss_jw_keyz(w, "status");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "code");
    ss_jw_strz(w, status_name(eff));
    const char *cause = eff != a->status ? ecause : a->cause;
    if (cause && *cause) {
        ss_jw_keyz(w, "cause");
        ss_jw_strz(w, cause);
    }
    if (eff == a->status && a->description && *a->description) {
        ss_jw_keyz(w, "description");
        ss_jw_strz(w, a->description);
    }
    if (a->first_evaluation) {
        ss_time_format(a->first_evaluation, t);
        ss_jw_keyz(w, "firstEvaluationDate");
        ss_jw_strz(w, t);
    }
    if (a->status_change) {
        ss_time_format(a->status_change, t);
        ss_jw_keyz(w, "statusChangeDate");
        ss_jw_strz(w, t);
    }
    ss_jw_obj_end(w);
    const char *ad = ss_engine_additional_data(r->srv->engine, res, a->rec);
    if (ad) {
        ss_jw_keyz(w, "additionalData");
        ss_jw_raw(w, ad, strlen(ad));
    }
    if (meta) {
        ss_jw_keyz(w, "metadata");
        ss_rest_metadata_properties(w, rec);
    }
    if (links) {
        ss_jw_keyz(w, "links");
        ss_jw_obj_begin(w);
        ss_jw_keyz(w, "azurePortalUri");
        char uri[200];
        snprintf(uri, sizeof(uri),
                 "https://portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/"
                 "assessmentKey/%s",
                 rec->key);
        ss_jw_strz(w, uri);
        ss_jw_obj_end(w);
    }
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
}

static void expand_flags(struct req *r, bool *meta, bool *links)
{
    const char *ex = ss__req_arg(r, "$expand");
    *meta = ex && strstr(ex, "metadata");
    *links = ex && strstr(ex, "links");
}

static void h_assessment_list(struct req *r, const struct scope *s, const char *name, size_t len)
{
    (void)name;
    (void)len;
    const struct ss_score *sc = ss_engine_score(r->srv->engine);
    bool all_readable = ss__scope_covers(sc, r->who.scope, s->kind == SC_TENANT ? "/" : s->text);
    if (s->kind != SC_TENANT && s->kind != SC_MG && !ss__req_allow(r, s->text, SS_ACCESS_READ))
        return;
    struct page p;
    if (!page_init(r, &p))
        return;
    bool meta, links;
    expand_flags(r, &meta, &links);
    size_t pl = s->kind == SC_SUB || s->kind == SC_BELOW_SUB ? strlen(s->text) : 0;
    struct ss_jw w;
    list_begin(r, &w);
    for (size_t res = 0; res < ss_score_nresources(sc) && !p.more; res++) {
        const char *id = ss_score_resource_id(sc, (uint32_t)res);
        if (pl &&
            (strlen(id) < pl || !ss_mem_eq_nocase(id, s->text, pl) || (id[pl] && id[pl] != '/')))
            continue;
        uint32_t sub = ss_score_resource_sub(sc, (uint32_t)res);
        if (s->kind == SC_MG && !ss_score_sub_in_mg(sc, sub, (uint32_t)s->mg))
            continue;
        if (!all_readable) {
            char sid[64];
            snprintf(sid, sizeof(sid), "/subscriptions/%s", ss_score_sub_id(sc, sub));
            if (!ss__scope_covers(sc, r->who.scope, sid) && !ss__scope_covers(sc, r->who.scope, id))
                continue;
        }
        uint32_t cur = 0;
        struct ss_assessment a;
        enum ss_status eff;
        while (ss_score_next_assessment(sc, (uint32_t)res, &cur, &a, &eff)) {
            if (!page_take(&p))
                continue;
            const char *ecause = NULL;
            ss_score_get(sc, (uint32_t)res, a.rec, NULL, NULL, &ecause);
            write_assessment(r, &w, (uint32_t)res, &a, eff, ecause, meta, links);
        }
    }
    page_end(r, &w, &p);
}

static void h_assessment(struct req *r, const struct scope *s, const char *key, size_t klen)
{
    struct ss_engine *e = r->srv->engine;
    const struct ss_score *sc = ss_engine_score(e);
    if (s->kind == SC_TENANT || s->kind == SC_MG) {
        ss__req_error(r, SS_EINPUT, 400, "InvalidResourceId",
                      "Assessments belong to a subscription, resource group or resource.");
        return;
    }
    bool write = strcmp(r->method, "GET") != 0;
    if (!ss__req_allow(r, s->text, write ? SS_ACCESS_WRITE_SECURITY : SS_ACCESS_READ))
        return;
    struct ss_diag d;
    ss_diag_clear(&d);
    if (strcmp(r->method, "PUT") == 0) {
        struct ss_json_doc *doc = NULL;
        if (!body_json(r, &doc))
            return;
        bool created = false;
        enum ss_err err = ss_engine_put_assessment(e, s->text, strlen(s->text), key, klen,
                                                   ss_json_root(doc), &created, &d);
        ss_json_doc_free(doc);
        if (err) {
            diag_error(r, err, &d);
            return;
        }
        r->status = created ? 201 : 200;
    } else if (strcmp(r->method, "DELETE") == 0) {
        enum ss_err err = ss_engine_delete_assessment(e, s->text, strlen(s->text), key, klen, &d);
        delete_answer(r, err, &d, 204);
        return;
    }
    long rec = ss_catalog_find_rec(ss_engine_catalog(e), key, klen);
    long res = ss_score_find_resource(sc, s->text, strlen(s->text));
    struct ss_assessment a;
    enum ss_status eff;
    const char *ecause = NULL;
    if (rec < 0 || res < 0 || !ss_score_get(sc, (uint32_t)res, (uint32_t)rec, &a, &eff, &ecause)) {
        not_found(r, "The assessment");
        return;
    }
    bool meta, links;
    expand_flags(r, &meta, &links);
    if (!r->status)
        r->status = 200;
    struct ss_jw w;
    ss_jw_init(&w, &r->out, 0);
    write_assessment(r, &w, (uint32_t)res, &a, eff, ecause, meta, links);
}

/* ---- metadata ---- */

static void h_metadata(struct req *r, const struct scope *s, const char *key, size_t klen)
{
    struct ss_engine *e = r->srv->engine;
    const struct ss_catalog *cat = ss_engine_catalog(e);
    if (s->kind != SC_TENANT && s->kind != SC_SUB) {
        not_found(r, "The resource type");
        return;
    }
    bool sub = s->kind == SC_SUB;
    if (!sub && !method_ok(r, "GET"))
        return;
    bool write = strcmp(r->method, "GET") != 0;
    if (sub && !ss__req_allow(r, s->text, write ? SS_ACCESS_WRITE_SECURITY : SS_ACCESS_READ))
        return;
    char prefix[80];
    snprintf(prefix, sizeof(prefix), "%.79s", sub ? s->text : "");
    char subid[40] = "";
    if (sub)
        for (size_t i = 0; i < 36; i++)
            subid[i] = (s->sub_id[i] >= 'A' && s->sub_id[i] <= 'Z') ? (char)(s->sub_id[i] + 32)
                                                                    : s->sub_id[i];
    struct ss_diag d;
    ss_diag_clear(&d);
    if (key && strcmp(r->method, "PUT") == 0) {
        struct ss_json_doc *doc = NULL;
        if (!body_json(r, &doc))
            return;
        bool created;
        enum ss_err err =
            ss_engine_put_metadata(e, subid, key, klen, ss_json_root(doc), &created, &d);
        ss_json_doc_free(doc);
        if (err) {
            diag_error(r, err, &d);
            return;
        }
        r->status = 200;
    } else if (key && strcmp(r->method, "DELETE") == 0) {
        enum ss_err err = ss_engine_delete_metadata(e, subid, key, klen, &d);
        delete_answer(r, err, &d, 200); /* idempotent: the SDK accepts only 200 here */
        return;
    } else if (!method_ok(r, key ? "GET PUT DELETE" : "GET")) {
        return;
    }
    struct ss_jw w;
    if (key) {
        long rec = ss_catalog_find_rec(cat, key, klen);
        if (rec < 0 || !ss_catalog_rec(cat, (size_t)rec)->has_metadata ||
            (sub ? !ss_engine_has_metadata(e, subid, (uint32_t)rec)
                 : ss_catalog_rec(cat, (size_t)rec)->assessment_type != SS_AT_BUILTIN)) {
            not_found(r, "The assessment metadata");
            return;
        }
        if (!r->status)
            r->status = 200;
        ss_jw_init(&w, &r->out, 0);
        ss_rest_metadata(&w, prefix, ss_catalog_rec(cat, (size_t)rec));
        return;
    }
    struct page p;
    if (!page_init(r, &p))
        return;
    list_begin(r, &w);
    for (size_t i = 0; i < ss_catalog_nrecs(cat); i++) {
        const struct ss_rec *rec = ss_catalog_rec(cat, i);
        if (!rec->has_metadata)
            continue;
        if (sub ? !ss_engine_has_metadata(e, subid, (uint32_t)i)
                : rec->assessment_type != SS_AT_BUILTIN)
            continue;
        if (page_take(&p))
            ss_rest_metadata(&w, prefix, rec);
    }
    page_end(r, &w, &p);
}

/* ---- assignments (our extension) ---- */

struct asg_list {
    struct req *r;
    struct ss_jw *w;
    struct page *p;
};

static void write_asg(struct req *r, struct ss_jw *w, const struct ss_assignment *a)
{
    const struct ss_rec *rec = ss_catalog_rec(ss_engine_catalog(r->srv->engine), a->rec);
    char id[400];
    snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/assignments/%s",
             strcmp(a->scope, "/") ? a->scope : "", rec->key);
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "id");
    ss_jw_strz(w, id);
    ss_jw_keyz(w, "name");
    ss_jw_strz(w, rec->key);
    ss_jw_keyz(w, "type");
    ss_jw_strz(w, "Microsoft.Security/assignments");
    ss_jw_keyz(w, "properties");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "scope");
    ss_jw_strz(w, a->scope);
    ss_jw_keyz(w, "displayName");
    ss_jw_strz(w, rec->display_name);
    ss_jw_keyz(w, "effect");
    ss_jw_strz(w, ss_assign_effect_name(a->effect));
    if (a->parameters) {
        ss_jw_keyz(w, "parameters");
        ss_jw_raw(w, a->parameters, strlen(a->parameters));
    }
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
}

static void asg_each(void *arg, const struct ss_assignment *a)
{
    struct asg_list *l = arg;
    if (page_take(l->p))
        write_asg(l->r, l->w, a);
}

struct asg_find {
    uint32_t rec;
    struct ss_assignment found;
    bool ok;
};

static void asg_find_one(void *arg, const struct ss_assignment *a)
{
    struct asg_find *f = arg;
    if (a->rec == f->rec) {
        f->found = *a;
        f->ok = true;
    }
}

static void h_assignments(struct req *r, const struct scope *s, const char *key, size_t klen)
{
    struct ss_engine *e = r->srv->engine;
    if (s->kind == SC_BELOW_SUB) {
        not_found(r, "The resource type");
        return;
    }
    const char *scope = s->kind == SC_TENANT ? "/" : s->text;
    if (!security_gate(r, scope, key != NULL))
        return;
    struct ss_jw w;
    struct ss_diag d;
    ss_diag_clear(&d);
    if (!key) {
        struct page p;
        if (!page_init(r, &p))
            return;
        list_begin(r, &w);
        struct asg_list l = {r, &w, &p};
        ss_engine_each_assignment(e, scope, asg_each, &l);
        page_end(r, &w, &p);
        return;
    }
    long rec = ss_catalog_find_rec(ss_engine_catalog(e), key, klen);
    if (rec < 0) {
        not_found(r, "The recommendation");
        return;
    }
    if (strcmp(r->method, "PUT") == 0) {
        struct ss_json_doc *doc = NULL;
        if (!body_json(r, &doc))
            return;
        struct ss_json props = ss_json_get_nocase(ss_json_root(doc), "properties", 10);
        struct ss_str eff = ss_json_str(ss_json_get_nocase(props, "effect", 6));
        struct ss_json params = ss_json_get_nocase(props, "parameters", 10);
        struct ss_assignment a;
        memset(&a, 0, sizeof(a));
        snprintf(a.scope, sizeof(a.scope), "%.255s", scope);
        a.rec = (uint32_t)rec;
        struct ss_buf pb = SS_BUF_INIT;
        enum ss_err err = SS_OK;
        if (eff.ptr && !ss_assign_effect_parse(eff.ptr, eff.len, &a.effect))
            err = ss_diag_set(&d, SS_EINPUT,
                              "/properties/effect: expected Audit, Deny, Disabled or "
                              "AuditIfNotExists");
        if (!err && ss_json_kind(params) == SS_JSON_OBJECT) {
            struct ss_jw pw;
            ss_jw_init(&pw, &pb, 0);
            ss_jw_value(&pw, params);
            ss_buf_addc(&pb, '\0');
            a.parameters = pb.ptr;
        }
        bool created = false;
        if (!err)
            err = ss_engine_assign(e, &a, &created, &d);
        ss_buf_release(&pb);
        ss_json_doc_free(doc);
        if (err) {
            diag_error(r, err, &d);
            return;
        }
        r->status = created ? 201 : 200;
    } else if (strcmp(r->method, "DELETE") == 0) {
        enum ss_err err = ss_engine_unassign(e, scope, (uint32_t)rec, &d);
        delete_answer(r, err, &d, 204);
        return;
    }
    struct asg_find f = {(uint32_t)rec, {{0}, 0, 0, NULL}, false};
    ss_engine_each_assignment(e, scope, asg_find_one, &f);
    if (!f.ok || strcasecmp(f.found.scope, scope) != 0) {
        not_found(r, "The assignment");
        return;
    }
    if (!r->status)
        r->status = 200;
    ss_jw_init(&w, &r->out, 0);
    write_asg(r, &w, &f.found);
}

/* ---- exemptions (our extension) ---- */

struct ex_list {
    struct req *r;
    struct ss_jw *w;
    struct page *p;
};

static void write_exemption(struct ss_jw *w, const char *id, struct ss_json ex)
{
    const char *slash = strrchr(id, '/');
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "id");
    ss_jw_strz(w, id);
    ss_jw_keyz(w, "name");
    ss_jw_strz(w, slash ? slash + 1 : id);
    ss_jw_keyz(w, "type");
    ss_jw_strz(w, "Microsoft.Security/exemptions");
    ss_jw_keyz(w, "properties");
    ss_jw_value(w, ex);
    ss_jw_obj_end(w);
}

static void ex_each(void *arg, const char *id, struct ss_json ex)
{
    struct ex_list *l = arg;
    if (page_take(l->p))
        write_exemption(l->w, id, ex);
}

struct ex_find {
    const char *want;
    bool found;
    struct ss_jw *w;
};

static void ex_find_one(void *arg, const char *id, struct ss_json ex)
{
    struct ex_find *f = arg;
    if (!f->found && strcasecmp(id, f->want) == 0) {
        f->found = true;
        write_exemption(f->w, id, ex);
    }
}

static void h_exemptions(struct req *r, const struct scope *s, const char *name, size_t nlen)
{
    struct ss_engine *e = r->srv->engine;
    const char *scope = s->kind == SC_TENANT ? "/" : s->text;
    if (!security_gate(r, scope, name != NULL))
        return;
    struct ss_jw w;
    struct ss_diag d;
    ss_diag_clear(&d);
    if (!name) {
        struct page p;
        if (!page_init(r, &p))
            return;
        list_begin(r, &w);
        struct ex_list l = {r, &w, &p};
        ss_engine_each_exemption(e, scope, ex_each, &l);
        page_end(r, &w, &p);
        return;
    }
    if (strcmp(r->method, "PUT") == 0) {
        struct ss_json_doc *doc = NULL;
        if (!body_json(r, &doc))
            return;
        bool created = false;
        enum ss_err err =
            ss_engine_put_exemption(e, scope, name, nlen, ss_json_root(doc), &created, &r->out, &d);
        ss_json_doc_free(doc);
        if (err) {
            diag_error(r, err, &d);
            return;
        }
        r->status = created ? 201 : 200;
        return;
    }
    if (strcmp(r->method, "DELETE") == 0) {
        enum ss_err err = ss_engine_delete_exemption(e, scope, name, nlen, &d);
        delete_answer(r, err, &d, 204);
        return;
    }
    char id[1400];
    snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/exemptions/%.*s",
             strcmp(scope, "/") ? scope : "", (int)(nlen > 200 ? 200 : nlen), name);
    ss_jw_init(&w, &r->out, 0);
    struct ex_find f = {id, false, &w};
    ss_engine_each_exemption(e, scope, ex_find_one, &f);
    if (!f.found) {
        not_found(r, "The exemption");
        return;
    }
    r->status = 200;
}

/* ---- what-if (our extension) ---- */

static void h_what_if(struct req *r, const struct scope *s, const char *name, size_t len)
{
    (void)name;
    (void)len;
    if (!method_ok(r, "POST"))
        return;
    if (s->kind != SC_BELOW_SUB) {
        not_found(r, "The resource");
        return;
    }
    if (!ss__req_allow(r, s->text, SS_ACCESS_READ))
        return;
    struct ss_json_doc *doc = NULL;
    if (!body_json(r, &doc))
        return;
    struct ss_diag d;
    ss_diag_clear(&d);
    enum ss_err err =
        ss_engine_what_if(r->srv->engine, s->text, strlen(s->text), ss_json_root(doc), &r->out, &d);
    ss_json_doc_free(doc);
    if (err) {
        diag_error(r, err, &d);
        return;
    }
    r->status = 200;
}

/* ---- changes and history (our extension) ---- */

struct chg_ctx {
    struct req *r;
    struct ss_jw *w;
    struct page *p;
    const char *scope;
    size_t slen;
};

static enum ss_err chg_one(void *arg, int64_t seq, int64_t time, const char *kind, const char *id,
                           const char *detail)
{
    struct chg_ctx *c = arg;
    if (c->slen && (strlen(id) < c->slen || !ss_mem_eq_nocase(id, c->scope, c->slen) ||
                    (id[c->slen] && id[c->slen] != '/')))
        return SS_OK;
    if (!page_take(c->p))
        return SS_OK;
    char t[40];
    ss_time_format(time, t);
    ss_jw_obj_begin(c->w);
    ss_jw_keyz(c->w, "sequence");
    ss_jw_int(c->w, seq);
    ss_jw_keyz(c->w, "time");
    ss_jw_strz(c->w, t);
    ss_jw_keyz(c->w, "kind");
    ss_jw_strz(c->w, kind);
    ss_jw_keyz(c->w, "id");
    ss_jw_strz(c->w, id);
    ss_jw_keyz(c->w, "detail");
    ss_jw_raw(c->w, detail, strlen(detail));
    ss_jw_obj_end(c->w);
    return SS_OK;
}

static enum ss_err hist_one(void *arg, int64_t time, double current, int max, double percentage)
{
    struct chg_ctx *c = arg;
    if (!page_take(c->p))
        return SS_OK;
    char t[40];
    ss_time_format(time, t);
    ss_jw_obj_begin(c->w);
    ss_jw_keyz(c->w, "time");
    ss_jw_strz(c->w, t);
    ss_rest_score_member(c->w, max, current, percentage);
    ss_jw_obj_end(c->w);
    return SS_OK;
}

static void changes(struct req *r, const struct scope *s, bool history)
{
    const char *scope = s->kind == SC_TENANT ? "/" : s->text;
    if (!method_ok(r, "GET") || !ss__req_allow(r, scope, SS_ACCESS_READ))
        return;
    if (history && s->kind != SC_SUB) {
        not_found(r, "The history of this scope");
        return;
    }
    int64_t since = 0;
    const char *q = ss__req_arg(r, "since");
    if (q && !ss_time_parse(q, strlen(q), &since)) {
        ss__req_error(r, SS_EINVAL, 400, "InvalidQueryParameterValue",
                      "since: expected an ISO 8601 time.");
        return;
    }
    struct page p;
    if (!page_init(r, &p))
        return;
    struct ss_jw w;
    list_begin(r, &w);
    struct chg_ctx c = {r, &w, &p, s->kind == SC_TENANT ? "" : s->text,
                        s->kind == SC_TENANT ? 0 : strlen(s->text)};
    /* The store's statements are shared: the caller holds the write lock. */
    struct ss_store *st = ss_engine_store(r->srv->engine);
    if (history) {
        char sid[64];
        snprintf(sid, sizeof(sid), "/subscriptions/%s", s->sub_id);
        ss_store_history(st, sid, since, hist_one, &c);
    } else {
        ss_store_changes(st, since, 0, chg_one, &c);
    }
    page_end(r, &w, &p);
}

/* ---- ARM resources ---- */

struct res_list {
    struct req *r;
    struct ss_jw *w;
    struct page *p;
};

static bool res_each(void *arg, struct ss_json v)
{
    struct res_list *l = arg;
    if (page_take(l->p))
        ss_jw_value(l->w, v);
    return !l->p->more;
}

static void h_resources(struct req *r)
{
    struct ss_engine *e = r->srv->engine;
    const char *path = r->path;
    size_t n = r->path_len;
    /* lists: /subscriptions/{s}/resources and .../resourceGroups/{g}/resources */
    if (n > 10 && eqi(path + n - 10, 10, "/resources")) {
        struct scope s;
        if (!parse_scope(r, path, n - 10, &s) || !method_ok(r, "GET") ||
            !ss__req_allow(r, s.text, SS_ACCESS_READ))
            return;
        struct page p;
        if (!page_init(r, &p))
            return;
        struct ss_jw w;
        list_begin(r, &w);
        struct res_list l = {r, &w, &p};
        ss_engine_each_resource(e, s.text, strlen(s.text), res_each, &l);
        page_end(r, &w, &p);
        return;
    }
    struct scope s;
    if (!parse_scope(r, path, n, &s) || s.kind != SC_BELOW_SUB ||
        find_last_i(path, n, "/providers/") < 0) {
        if (!r->status)
            not_found(r, "The resource path");
        return;
    }
    if (!method_ok(r, "GET PUT DELETE"))
        return;
    bool write = strcmp(r->method, "GET") != 0;
    if (!ss__req_allow(r, path, write ? SS_ACCESS_WRITE_RESOURCE : SS_ACCESS_READ))
        return;
    struct ss_diag d;
    ss_diag_clear(&d);
    if (strcmp(r->method, "PUT") == 0) {
        struct ss_json_doc *doc = NULL;
        if (!body_json(r, &doc))
            return;
        bool created = false;
        enum ss_err err =
            ss_engine_put_resource(e, path, n, ss_json_root(doc), &created, &r->out, &d);
        ss_json_doc_free(doc);
        if (err) {
            if (err == SS_EDENIED)
                ss__req_error(r, err, 403, "RequestDisallowedByPolicy", "%s", d.msg);
            else
                diag_error(r, err, &d);
            return;
        }
        r->status = created ? 201 : 200;
        return;
    }
    if (strcmp(r->method, "DELETE") == 0) {
        enum ss_err err = ss_engine_delete_resource(e, path, n, &d);
        delete_answer(r, err, &d, 204);
        return;
    }
    if (ss_engine_get_resource(e, path, n, &r->out)) {
        ss__req_error(r, SS_ENOENT, 404, "ResourceNotFound", "The resource '%.300s' was not found.",
                      path);
        return;
    }
    r->status = 200;
}

/* ---- routing ---- */

/* True if the path has an empty, "." or ".." segment (traversal or ambiguity). */
static bool bad_segments(const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (p[i] != '/')
            return true;
        size_t j = i + 1;
        while (j < n && p[j] != '/')
            j++;
        size_t len = j - i - 1;
        if ((len == 0 && j < n) || (len == 1 && p[i + 1] == '.') ||
            (len == 2 && p[i + 1] == '.' && p[i + 2] == '.'))
            return true;
        i = j;
    }
    return false;
}

static bool is_write(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

/* ---- the route table ---- */

static void h_changes(struct req *r, const struct scope *s, const char *name, size_t len)
{
    (void)name;
    (void)len;
    changes(r, s, false);
}

static void h_history(struct req *r, const struct scope *s, const char *name, size_t len)
{
    (void)name;
    (void)len;
    changes(r, s, true);
}

/* Paths under {scope}/providers/Microsoft.Security/: segments ("*" = a name, passed to the
 * handler), the methods allowed (NULL: the handler checks them), the handler. In order. */
struct route {
    const char *pattern[3];
    const char *methods;
    void (*fn)(struct req *r, const struct scope *s, const char *name, size_t len);
};

static const struct route routes[] = {
    {{"secureScores", NULL, NULL}, "GET", h_secure_scores},
    {{"secureScores", "ascScore", "secureScoreControls"}, "GET", h_controls},
    {{"secureScores", "ascScore", "history"}, "GET", h_history},
    {{"secureScores", "*", NULL}, "GET", h_secure_scores},
    {{"secureScoreControls", NULL, NULL}, "GET", h_controls},
    {{"secureScoreControlDefinitions", NULL, NULL}, "GET", h_definitions},
    {{"assessments", NULL, NULL}, "GET", h_assessment_list},
    {{"assessments", "*", NULL}, "GET PUT DELETE", h_assessment},
    {{"assessmentMetadata", NULL, NULL}, NULL, h_metadata},
    {{"assessmentMetadata", "*", NULL}, NULL, h_metadata},
    {{"assignments", NULL, NULL}, NULL, h_assignments},
    {{"assignments", "*", NULL}, NULL, h_assignments},
    {{"exemptions", NULL, NULL}, NULL, h_exemptions},
    {{"exemptions", "*", NULL}, NULL, h_exemptions},
    {{"whatIf", NULL, NULL}, "POST", h_what_if},
    {{"changes", NULL, NULL}, "GET", h_changes},
};

static void route(struct req *r)
{
    /* a trailing slash is ignored, and so are extra leading ones: the Azure SDKs put an id
     * with its leading '/' after their own ("/{resourceId}/providers/...") */
    while (r->path_len > 1 && r->path[r->path_len - 1] == '/')
        r->path[--r->path_len] = '\0';
    size_t lead = 0;
    while (lead + 1 < r->path_len && r->path[lead] == '/' && r->path[lead + 1] == '/')
        lead++;
    if (lead) {
        memmove(r->path, r->path + lead, r->path_len - lead + 1);
        r->path_len -= lead;
    }
    if (r->path_len == 0 || bad_segments(r->path, r->path_len)) {
        ss__req_error(r, SS_EINPUT, 400, "InvalidRequestUri",
                      "The request path has an empty, '.' or '..' segment.");
        return;
    }
    long at = find_last_i(r->path, r->path_len, sec_infix);
    if (at < 0) {
        if (!api_version_ok(r, NULL))
            return;
        h_resources(r);
        return;
    }
    /* the rest: collection[/name[/collection2]], matched against the route table */
    const char *rest = r->path + at + sizeof(sec_infix) - 1;
    const char *seg[4];
    size_t len[4], n = 0;
    for (const char *p = rest; *p && n < 4;) {
        const char *q = strchr(p, '/');
        seg[n] = p;
        len[n++] = q ? (size_t)(q - p) : strlen(p);
        p = q ? q + 1 : p + strlen(p);
        if (!q)
            break;
    }
    /* Microsoft.Security resources of a subscription that are not ours to compute (pricings,
     * securityContacts, autoProvisioningSettings ...) are ARM resources like any other: the
     * subscription-level rules read them. */
    bool ours = false;
    for (size_t i = 0; n && i < SS_ARRAY_LEN(routes); i++)
        ours |= eqi(seg[0], len[0], routes[i].pattern[0]);
    if (!ours && n == 2 && at == 51) {
        if (api_version_ok(r, NULL))
            h_resources(r);
        return;
    }
    if (!api_version_ok(r, security_versions))
        return;
    struct scope s;
    if (!parse_scope(r, r->path, (size_t)at, &s))
        return;
    for (size_t i = 0; n < 4 && i < SS_ARRAY_LEN(routes); i++) {
        const struct route *rt = &routes[i];
        const char *name = NULL;
        size_t nlen = 0, k = 0;
        for (; k < 3 && rt->pattern[k]; k++) {
            if (k >= n)
                break;
            if (strcmp(rt->pattern[k], "*") == 0) {
                name = seg[k];
                nlen = len[k];
            } else if (!eqi(seg[k], len[k], rt->pattern[k])) {
                break;
            }
        }
        if (k != n || (k < 3 && rt->pattern[k]))
            continue;
        if (rt->methods && !method_ok(r, rt->methods))
            return;
        rt->fn(r, &s, name, nlen);
        return;
    }
    not_found(r, "The resource type");
}

void ss__api_handle(struct req *r)
{
    static const char graph[] = "/providers/Microsoft.ResourceGraph/resources";
    if (r->path_len == sizeof(graph) - 1 && ss_mem_eq_nocase(r->path, graph, sizeof(graph) - 1)) {
        ss__graph_handle(r);
        return;
    }
    /* Writes, and reads of the store's change log, hold the engine alone. */
    bool exclusive =
        is_write(r->method) || strstr(r->path, "/changes") || strstr(r->path, "/history");
    if (exclusive)
        pthread_rwlock_wrlock(&r->srv->lock);
    else
        pthread_rwlock_rdlock(&r->srv->lock);
    route(r);
    pthread_rwlock_unlock(&r->srv->lock);
}

void ss__api_metrics(struct server *srv, struct ss_buf *out)
{
    static const char *const cls[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
    static const char *const le[SS_HTTP_NBUCKETS] = {
        "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.05", "0.25", "1"};
    ss_buf_adds(out, "# HELP securescore_http_requests_total HTTP requests answered.\n"
                     "# TYPE securescore_http_requests_total counter\n");
    for (int i = 0; i < 6; i++)
        ss_buf_printf(out, "securescore_http_requests_total{code=\"%s\"} %llu\n", cls[i],
                      (unsigned long long)atomic_load(&srv->requests[i]));
    ss_buf_adds(out, "# HELP securescore_http_request_duration_seconds Time to answer.\n"
                     "# TYPE securescore_http_request_duration_seconds histogram\n");
    uint64_t cum = 0;
    for (int i = 0; i < SS_HTTP_NBUCKETS; i++) {
        cum += atomic_load(&srv->latency[i]);
        ss_buf_printf(out, "securescore_http_request_duration_seconds_bucket{le=\"%s\"} %llu\n",
                      le[i], (unsigned long long)cum);
    }
    cum += atomic_load(&srv->latency[SS_HTTP_NBUCKETS]);
    ss_buf_printf(out,
                  "securescore_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
                  "securescore_http_request_duration_seconds_sum %.6f\n"
                  "securescore_http_request_duration_seconds_count %llu\n",
                  (unsigned long long)cum, (double)atomic_load(&srv->latency_us_sum) / 1e6,
                  (unsigned long long)cum);
    pthread_rwlock_rdlock(&srv->lock);
    struct ss_engine_stats st;
    ss_engine_stats(srv->engine, &st);
    const struct ss_score *sc = ss_engine_score(srv->engine);
    ss_buf_printf(out,
                  "# TYPE securescore_evaluations_total counter\n"
                  "securescore_evaluations_total %llu\n"
                  "# TYPE securescore_denied_total counter\n"
                  "securescore_denied_total %llu\n"
                  "# TYPE securescore_writes_total counter\n"
                  "securescore_writes_total %llu\n"
                  "# TYPE securescore_resources gauge\n"
                  "securescore_resources %llu\n"
                  "# TYPE securescore_assessments gauge\n"
                  "securescore_assessments %llu\n",
                  (unsigned long long)st.evaluations, (unsigned long long)st.denied,
                  (unsigned long long)st.writes, (unsigned long long)st.resources,
                  (unsigned long long)ss_score_nassessments(sc));
    ss_buf_adds(out, "# HELP securescore_score_percentage Secure score of each enabled "
                     "subscription (0..1).\n# TYPE securescore_score_percentage gauge\n");
    for (size_t i = 0; i < ss_score_nsubs(sc); i++) {
        if (!ss_score_sub_enabled(sc, (uint32_t)i))
            continue;
        struct ss_score_result res;
        ss_score_sub_result(sc, (uint32_t)i, &res);
        ss_buf_printf(out, "securescore_score_percentage{subscription=\"%s\"} %.4f\n",
                      ss_score_sub_id(sc, (uint32_t)i), res.percentage);
        ss_buf_printf(out, "securescore_score_current{subscription=\"%s\"} %.2f\n",
                      ss_score_sub_id(sc, (uint32_t)i), res.current);
    }
    pthread_rwlock_unlock(&srv->lock);
}
