/*
 * The exemptions file (format in include/securescore/ingest.h and the
 * README): exemptions with scope, recommendations, category and expiry, and
 * recommendations disabled at a scope. The whole file is validated before
 * any of it is applied.
 */
#include "common/setup.h"

#include <stdio.h>

#include "ingest/internal.h"
#include "json/field.h"
#include "securescore/ingest.h"
#include "securescore/json.h"

struct entry {
    char scope[512];
    char category[16];
    int64_t expires;
    struct ss_json recs;
    bool disable;
};

/* Looks a recommendation up by key or display name. */
static long find_rec(const struct ss_catalog *cat, struct ss_str s)
{
    long i = ss_catalog_find_rec(cat, s.ptr, s.len);
    return i >= 0 ? i : ss_catalog_find_rec_by_name(cat, s.ptr, s.len);
}

static enum ss_err parse_entry(const struct ss_catalog *cat, struct ss_json item, bool disable,
                               struct ss_jpath *p, struct entry *out, struct ss_diag *diag)
{
    struct ss_str scope, cat_name, expires;
    memset(out, 0, sizeof(*out));
    out->disable = disable;
    enum ss_err e = ss_jstr(item, "scope", true, &scope, p, diag);
    if (!e && !disable)
        e = ss_jstr(item, "category", false, &cat_name, p, diag);
    if (!e && !disable)
        e = ss_jstr(item, "expiresOn", false, &expires, p, diag);
    if (e)
        return e;
    if (scope.len >= sizeof(out->scope) || !scope.len || scope.ptr[0] != '/')
        return ss_jfail(diag, SS_EINPUT, p, "scope", "expected an ARM id starting with '/'");
    memcpy(out->scope, scope.ptr, scope.len);
    if (!disable && cat_name.ptr) {
        if (!ss_str_eq_nocase(cat_name, "Waiver") && !ss_str_eq_nocase(cat_name, "Mitigated"))
            return ss_jfail(diag, SS_EINPUT, p, "category", "expected \"Waiver\" or \"Mitigated\"");
        snprintf(out->category, sizeof(out->category), "%s",
                 ss_str_eq_nocase(cat_name, "Waiver") ? "Waiver" : "Mitigated");
    }
    if (!disable && expires.ptr && !ss_time_parse(expires.ptr, expires.len, &out->expires))
        return ss_jfail(diag, SS_EINPUT, p, "expiresOn", "expected an ISO 8601 time");
    out->recs = ss_jget(item, "recommendations");
    if (ss_json_kind(out->recs) != SS_JSON_ARRAY || !ss_json_len(out->recs))
        return ss_jfail(diag, SS_EINPUT, p, "recommendations",
                        "expected a non-empty array of recommendation keys or names");
    struct ss_json_iter it;
    struct ss_json v;
    size_t i = 0;
    ss_json_iter_init(&it, out->recs);
    for (; ss_json_iter_next(&it, NULL, &v); i++) {
        struct ss_str s = ss_json_str(v);
        if (!s.ptr || find_rec(cat, s) < 0) {
            size_t o = ss_jpath_key(p, "recommendations");
            ss_jpath_index(p, i);
            e = ss_jfail(diag, SS_EINPUT, p, NULL, "unknown recommendation \"%.*s\"",
                         (int)SS_MIN(s.len, 120), s.ptr ? s.ptr : "");
            ss_jpath_pop(p, o);
            return e;
        }
    }
    return SS_OK;
}

static enum ss_err apply_entry(struct ss_score *s, const struct ss_catalog *cat,
                               const struct entry *en, struct ss_diag *diag)
{
    struct ss_json_iter it;
    struct ss_json v;
    ss_json_iter_init(&it, en->recs);
    while (ss_json_iter_next(&it, NULL, &v)) {
        uint32_t rec = (uint32_t)find_rec(cat, ss_json_str(v));
        enum ss_err e = en->disable
                            ? ss_score_disable(s, en->scope, rec, diag)
                            : ss_score_exempt(s, en->scope, rec, en->category, en->expires, diag);
        if (e)
            return e;
    }
    return SS_OK;
}

/* Parses the list `key` of the file into entries[*n...]. */
static enum ss_err parse_list(const struct ss_catalog *cat, struct ss_json root, const char *key,
                              struct entry **entries, size_t *n, struct ss_diag *diag)
{
    struct ss_json list = ss_jget(root, key);
    struct ss_jpath p;
    ss_jpath_init(&p, NULL);
    if (!ss_json_exists(list))
        return SS_OK;
    if (ss_json_kind(list) != SS_JSON_ARRAY)
        return ss_jfail(diag, SS_EINPUT, &p, key, "expected an array");
    ss_jpath_key(&p, key);
    struct ss_json_iter it;
    struct ss_json item;
    size_t i = 0;
    ss_json_iter_init(&it, list);
    for (; ss_json_iter_next(&it, NULL, &item); i++) {
        *entries = ss_xreallocarray(*entries, *n + 1, sizeof(**entries));
        size_t o = ss_jpath_index(&p, i);
        enum ss_err e =
            parse_entry(cat, item, strcmp(key, "disabled") == 0, &p, &(*entries)[*n], diag);
        if (e)
            return e;
        ss_jpath_pop(&p, o);
        (*n)++;
    }
    return SS_OK;
}

enum ss_err ss__exemption_apply(struct ss_score *s, const struct ss_catalog *cat,
                                struct ss_json item, int64_t *expires, struct ss_diag *diag)
{
    struct ss_jpath p;
    struct entry en;
    ss_jpath_init(&p, NULL);
    enum ss_err e = parse_entry(cat, item, false, &p, &en, diag);
    if (!e)
        e = apply_entry(s, cat, &en, diag);
    if (!e && expires)
        *expires = en.expires;
    return e;
}

/* In ingest.c: access to the state and catalog of an ingest. */
struct ss_score *ss__ingest_score(struct ss_ingest *in);
struct ss_catalog *ss__ingest_catalog(struct ss_ingest *in);
void ss__ingest_need_reapply(struct ss_ingest *in);

enum ss_err ss_ingest_exemptions(struct ss_ingest *in, const char *path, struct ss_diag *diag)
{
    struct ss_json_doc *doc = NULL;
    enum ss_err e = ss_json_parse_file(path, NULL, &doc, diag);
    if (e)
        return e;
    struct ss_json root = ss_json_root(doc);
    struct entry *entries = NULL;
    size_t n = 0;
    const struct ss_catalog *cat = ss__ingest_catalog(in);
    if (ss_json_kind(root) != SS_JSON_OBJECT) {
        struct ss_jpath p;
        ss_jpath_init(&p, NULL);
        e = ss_jfail(diag, SS_EINPUT, &p, NULL,
                     "expected an object with \"exemptions\" and/or \"disabled\"");
    }
    if (!e)
        e = parse_list(cat, root, "exemptions", &entries, &n, diag);
    if (!e)
        e = parse_list(cat, root, "disabled", &entries, &n, diag);
    for (size_t i = 0; !e && i < n; i++)
        e = apply_entry(ss__ingest_score(in), cat, &entries[i], diag);
    if (e)
        ss_diag_set_file(diag, path);
    else
        ss__ingest_need_reapply(in);
    free(entries);
    ss_json_doc_free(doc);
    return e;
}
