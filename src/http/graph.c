/*
 * POST /providers/Microsoft.ResourceGraph/resources: Resource Graph queries
 * (DESIGN.md §8) over the server's state.
 *
 * The three tables are built from the engine as JSON arrays and parsed once;
 * they are cached until the next write (the engine's generation), so a burst
 * of queries over an unchanged state builds them once. Rows are filtered by
 * subscription: the request's `subscriptions` (and the subscriptions under
 * its `managementGroups`), intersected with what the caller may read.
 *
 * Paging is stateless: the query runs again for each page and `$skipToken`
 * is the offset of the next row (results are deterministic for a state).
 */
#include "common/setup.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/limits.h"
#include "http/internal.h"
#include "securescore/kql.h"

static const char *const graph_versions[] = {
    "2021-03-01", "2021-06-01-preview", "2022-10-01", "2024-04-01", NULL,
};

/* ARG's default and largest page. */
#define GRAPH_DEFAULT_TOP 100
#define GRAPH_MAX_TOP 1000

struct graph_cache {
    pthread_mutex_t lock;
    uint64_t generation;
    bool valid;
    struct ss_json_doc *docs[3];
};

static struct graph_cache cache = {PTHREAD_MUTEX_INITIALIZER, 0, false, {NULL, NULL, NULL}};

struct visible {
    struct ss_map subs; /* lower-case subscription ids the query may see */
};

static bool row_visible(void *arg, struct ss_json row)
{
    struct visible *v = arg;
    struct ss_str s = ss_json_str(ss_json_getz(row, "subscriptionId"));
    if (!s.len) {
        /* management groups and tenant-level rows (metadata): visible to all */
        return true;
    }
    return ss_map_find(&v->subs, s.ptr, s.len, NULL);
}

static bool graph_error(struct req *r, enum ss_err e, const struct ss_diag *d)
{
    char where[600];
    ss_diag_format(d, where, sizeof(where));
    struct ss_jw w;
    ss__req_error_begin(r, 400, "BadRequest", where, &w);
    ss_jw_keyz(&w, "details");
    ss_jw_arr_begin(&w);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "code");
    ss_jw_strz(&w, e == SS_EBUDGET ? "QueryBudgetExceeded" : "InvalidQuery");
    ss_jw_keyz(&w, "message");
    ss_jw_strz(&w, d->msg[0] ? d->msg : ss_strerror(e));
    if (d->line) {
        ss_jw_keyz(&w, "line");
        ss_jw_int(&w, d->line);
        ss_jw_keyz(&w, "characterPositionInLine");
        ss_jw_int(&w, d->column);
    }
    ss_jw_obj_end(&w);
    ss_jw_arr_end(&w);
    ss_jw_obj_end(&w);
    ss_jw_obj_end(&w);
    return false;
}

void ss__graph_handle(struct req *r)
{
    if (strcmp(r->method, "POST") != 0) {
        ss__req_error(r, SS_EMETHOD, 405, "MethodNotAllowed", "Resource Graph queries are POSTs.");
        return;
    }
    const char *v = ss__req_arg(r, "api-version");
    bool ok = false;
    for (size_t i = 0; v && graph_versions[i]; i++)
        ok |= strcmp(v, graph_versions[i]) == 0;
    if (!ok) {
        ss__req_error(r, SS_EINVAL, 400,
                      v ? "InvalidApiVersionParameter" : "MissingApiVersionParameter",
                      "The api-version '%.64s' is invalid. The supported versions are "
                      "'2021-03-01, 2021-06-01-preview, 2022-10-01, 2024-04-01'.",
                      v ? v : "");
        return;
    }
    struct ss_json_doc *body = NULL;
    struct ss_json_opts jo = {0, SS_HTTP_MAX_DEPTH, 0, r->srv->opts.max_body, "body"};
    struct ss_diag d;
    ss_diag_clear(&d);
    if (!r->body.len || ss_json_parse(r->body.ptr, r->body.len, &jo, &body, &d)) {
        char msg[600];
        ss__req_error(r, SS_EINPUT, 400, "InvalidRequestContent",
                      "The request content is not valid: %s",
                      r->body.len ? ss_diag_format(&d, msg, sizeof(msg)) : "empty body");
        return;
    }
    struct ss_json root = ss_json_root(body);
    struct ss_str query = ss_json_str(ss_json_get_nocase(root, "query", 5));
    struct ss_json subs = ss_json_get_nocase(root, "subscriptions", 13);
    struct ss_json mgs = ss_json_get_nocase(root, "managementGroups", 16);
    struct ss_json opts = ss_json_get_nocase(root, "options", 7);
    if (!query.ptr) {
        ss_json_doc_free(body);
        ss__req_error(r, SS_EINPUT, 400, "InvalidRequestContent",
                      "The request content is not valid: /query: missing string");
        return;
    }
    size_t top = GRAPH_DEFAULT_TOP, skip = 0;
    bool table = false;
    struct ss_json o_top = ss_json_get_nocase(opts, "$top", 4);
    struct ss_json o_skip = ss_json_get_nocase(opts, "$skip", 5);
    struct ss_str o_tok = ss_json_str(ss_json_get_nocase(opts, "$skipToken", 10));
    struct ss_str o_fmt = ss_json_str(ss_json_get_nocase(opts, "resultFormat", 12));
    if (ss_json_exists(o_top)) {
        int64_t t = ss_json_int(o_top);
        if (ss_json_kind(o_top) != SS_JSON_INT || t < 1 || t > GRAPH_MAX_TOP) {
            ss_json_doc_free(body);
            ss__req_error(r, SS_EINVAL, 400, "InvalidRequestContent",
                          "options.$top must be an integer from 1 to 1000.");
            return;
        }
        top = (size_t)t;
    }
    if (ss_json_exists(o_skip)) {
        int64_t t = ss_json_int(o_skip);
        if (ss_json_kind(o_skip) != SS_JSON_INT || t < 0) {
            ss_json_doc_free(body);
            ss__req_error(r, SS_EINVAL, 400, "InvalidRequestContent",
                          "options.$skip must be a non-negative integer.");
            return;
        }
        skip = (size_t)t;
    }
    if (o_tok.ptr) {
        char tok[32];
        char *end;
        snprintf(tok, sizeof(tok), "%.*s", (int)(o_tok.len > 30 ? 30 : o_tok.len), o_tok.ptr);
        unsigned long long n = strtoull(tok, &end, 10);
        if (*end || end == tok || o_tok.len > 30) {
            ss_json_doc_free(body);
            ss__req_error(r, SS_EINVAL, 400, "InvalidRequestContent",
                          "options.$skipToken is not one this server issued.");
            return;
        }
        skip = (size_t)n;
    }
    if (o_fmt.ptr) {
        if (o_fmt.len == 5 && ss_mem_eq_nocase(o_fmt.ptr, "table", 5))
            table = true;
        else if (!(o_fmt.len == 11 && ss_mem_eq_nocase(o_fmt.ptr, "objectArray", 11))) {
            ss_json_doc_free(body);
            ss__req_error(r, SS_EINVAL, 400, "InvalidRequestContent",
                          "options.resultFormat must be objectArray or table.");
            return;
        }
    }

    struct ss_engine *e = r->srv->engine;
    pthread_rwlock_rdlock(&r->srv->lock);
    const struct ss_score *sc = ss_engine_score(e);
    /* The subscriptions the query may see. */
    struct visible vis;
    ss_map_init(&vis.subs, SS_MAP_NOCASE);
    bool named = ss_json_kind(subs) == SS_JSON_ARRAY || ss_json_kind(mgs) == SS_JSON_ARRAY;
    for (size_t i = 0; i < ss_score_nsubs(sc); i++) {
        const char *id = ss_score_sub_id(sc, (uint32_t)i);
        char scope[64];
        snprintf(scope, sizeof(scope), "/subscriptions/%s", id);
        if (!ss__scope_covers(sc, r->who.scope, scope))
            continue;
        bool want = !named;
        struct ss_json_iter it;
        struct ss_json x;
        ss_json_iter_init(&it, subs);
        while (!want && ss_json_iter_next(&it, NULL, &x)) {
            struct ss_str s = ss_json_str(x);
            want = s.len == 36 && ss_mem_eq_nocase(s.ptr, id, 36);
        }
        ss_json_iter_init(&it, mgs);
        while (!want && ss_json_iter_next(&it, NULL, &x)) {
            struct ss_str m = ss_json_str(x);
            for (size_t g = 0; !want && m.len && g < ss_score_nmgs(sc); g++) {
                const char *n = ss_score_mg_name(sc, (uint32_t)g);
                want = strlen(n) == m.len && ss_mem_eq_nocase(n, m.ptr, m.len) &&
                       ss_score_sub_in_mg(sc, (uint32_t)i, (uint32_t)g);
            }
        }
        if (want)
            ss_map_put(&vis.subs, id, 36, NULL, NULL);
    }
    /* The tables of this state, built once per generation. */
    struct ss_engine_stats st;
    ss_engine_stats(e, &st);
    pthread_mutex_lock(&cache.lock);
    enum ss_err err = SS_OK;
    if (!cache.valid || cache.generation != st.generation) {
        for (int i = 0; i < 3; i++) {
            ss_json_doc_free(cache.docs[i]);
            cache.docs[i] = NULL;
        }
        err = ss_kql_engine_tables(e, SS_KQL_DEFAULT_TENANT, cache.docs, NULL);
        cache.valid = !err;
        cache.generation = st.generation;
    }
    struct ss_kql_result *res = NULL;
    if (!err) {
        struct ss_kql_table tables[3] = {
            {"securityresources", ss_json_root(cache.docs[0]), row_visible, &vis, true},
            {"resources", ss_json_root(cache.docs[1]), row_visible, &vis, true},
            {"resourcecontainers", ss_json_root(cache.docs[2]), row_visible, &vis, true},
        };
        struct ss_kql_opts ko = {0, 0, 0};
        err = ss_kql_run(query.ptr, query.len, tables, 3, &ko, &res, &d);
    }
    pthread_mutex_unlock(&cache.lock);
    pthread_rwlock_unlock(&r->srv->lock);
    ss_map_release(&vis.subs);
    ss_json_doc_free(body);
    if (err) {
        if (err == SS_EQUERY || err == SS_EBUDGET || err == SS_ETOOBIG || err == SS_EDEPTH)
            graph_error(r, err, &d);
        else
            ss__req_error(r, err, 500, "InternalError", "The tables could not be built.");
        return;
    }
    size_t total = ss_kql_result_rows(res);
    size_t count = skip < total ? SS_MIN(top, total - skip) : 0;
    r->status = 200;
    struct ss_jw w;
    ss_jw_init(&w, &r->out, 0);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "totalRecords");
    ss_jw_int(&w, (int64_t)total);
    ss_jw_keyz(&w, "count");
    ss_jw_int(&w, (int64_t)count);
    ss_jw_keyz(&w, "resultTruncated");
    ss_jw_strz(&w, "false");
    if (skip + count < total) {
        char tok[32];
        snprintf(tok, sizeof(tok), "%zu", skip + count);
        ss_jw_keyz(&w, "$skipToken");
        ss_jw_strz(&w, tok);
    }
    ss_jw_keyz(&w, "data");
    if (table)
        ss_kql_write_table(res, &w, skip, count ? count : 0);
    else
        ss_kql_write_objects(res, &w, skip, count ? count : 0);
    ss_jw_keyz(&w, "facets");
    ss_jw_arr_begin(&w);
    ss_jw_arr_end(&w);
    ss_jw_obj_end(&w);
    ss_kql_result_free(res);
}
