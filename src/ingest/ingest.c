/*
 * Ingest: recognises each value of an input (see include/securescore/
 * ingest.h) and feeds it to the scoring state. Values are dispatched
 * through a table keyed by their ARM `type`; each handler validates the
 * fields it needs and names the offending one by JSON pointer.
 */
#include "common/setup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hashmap.h"
#include "ingest/internal.h"
#include "json/field.h"
#include "securescore/ingest.h"
#include "securescore/json.h"

/* Used by exemptions.c. */
struct ss_score *ss__ingest_score(struct ss_ingest *in);
struct ss_catalog *ss__ingest_catalog(struct ss_ingest *in);
void ss__ingest_need_reapply(struct ss_ingest *in);

struct ss_ingest {
    struct ss_score *s;     /* borrowed */
    struct ss_catalog *cat; /* borrowed */
    struct ss_ingest_stats st;
    uint32_t source;   /* number of the file being read (1-based) */
    bool need_reapply; /* hierarchy or overrides arrived after assessments */
    char **skip;       /* real paths of files not to read as inputs */
    size_t nskip;
    bool evaluate;       /* keep inventory resources for the built-in rules */
    ss_ingest_sink sink; /* told of every value used, or NULL */
    void *sink_arg;
    struct ss_ingest_kept kept; /* evaluate.c */
};

/* One value being handled: where it is, for diagnostics. */
struct value_ctx {
    struct ss_ingest *in;
    struct ss_json v;
    struct ss_str raw;    /* the value's bytes in its input */
    struct ss_jpath path; /* pointer of the value in its file */
    struct ss_diag *diag;
};

static const char *const unwrap_names[] = {"value", "data", NULL};

struct ss_ingest *ss_ingest_new(struct ss_score *s, struct ss_catalog *cat)
{
    struct ss_ingest *in = ss_xcalloc(1, sizeof(*in));
    in->s = s;
    in->cat = cat;
    return in;
}

void ss_ingest_free(struct ss_ingest *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->nskip; i++)
        free(in->skip[i]);
    free(in->skip);
    ss__ingest_kept_release(&in->kept);
    free(in);
}

void ss_ingest_skip(struct ss_ingest *in, const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return;
    in->skip = ss_xreallocarray(in->skip, in->nskip + 1, sizeof(char *));
    in->skip[in->nskip++] = real;
}

static bool skipped(const struct ss_ingest *in, const char *path)
{
    if (!in->nskip)
        return false;
    char *real = realpath(path, NULL);
    bool found = false;
    for (size_t i = 0; real && i < in->nskip && !found; i++)
        found = strcmp(real, in->skip[i]) == 0;
    free(real);
    return found;
}

const struct ss_ingest_stats *ss_ingest_stats(const struct ss_ingest *in)
{
    return &in->st;
}

void ss_ingest_set_evaluate(struct ss_ingest *in, bool on)
{
    in->evaluate = on;
}

void ss_ingest_set_sink(struct ss_ingest *in, ss_ingest_sink fn, void *arg)
{
    in->sink = fn;
    in->sink_arg = arg;
}

static enum ss_err tell(struct value_ctx *c, enum ss_ingest_kind kind, uint32_t res, uint32_t rec)
{
    if (!c->in->sink)
        return SS_OK;
    enum ss_err e = c->in->sink(c->in->sink_arg, kind, c->v, c->raw, res, rec, c->diag);
    if (e)
        ss_jfail(c->diag, e, &c->path, NULL, "cannot keep the value");
    return e;
}

void ss_ingest_finish(struct ss_ingest *in)
{
    if (in->evaluate && in->kept.n)
        ss__ingest_evaluate(&in->kept, in->s, in->cat, &in->st);
    if (in->need_reapply)
        ss_score_reapply(in->s);
    in->need_reapply = false;
}

/* Copies a slice into a NUL-terminated buffer (truncating). */
static const char *cstr(struct ss_str s, char *buf, size_t size)
{
    size_t n = s.ptr ? SS_MIN(s.len, size - 1) : 0;
    if (n)
        memcpy(buf, s.ptr, n);
    buf[n] = '\0';
    return buf;
}

/* The inventory kept for rule evaluation outgrew the largest document we parse. */
static enum ss_err too_big(struct value_ctx *c)
{
    return ss_jfail(c->diag, SS_ETOOBIG, &c->path, NULL,
                    "more than 4 GiB of inventory to evaluate in one scan: split the input, "
                    "or use --no-evaluate");
}

static enum ss_err fail(struct value_ctx *c, const char *key, const char *fmt, const char *arg)
{
    return ss_jfail(c->diag, SS_EINPUT, &c->path, key, fmt, arg ? arg : "");
}

/* ---- subscriptions and management groups ---- */

static bool after_assessments(const struct ss_ingest *in)
{
    return ss_score_nassessments(in->s) > 0;
}

/* properties.managementGroupAncestorsChain: nearest group first. */
static void apply_chain(struct ss_ingest *in, uint32_t sub, struct ss_json chain)
{
    struct ss_json_iter it;
    struct ss_json g;
    long child = -1;
    char name[256], disp[512];
    ss_json_iter_init(&it, chain);
    while (ss_json_iter_next(&it, NULL, &g)) {
        struct ss_str n = ss_json_str(ss_jget(g, "name"));
        if (!n.ptr || !n.len)
            continue;
        uint32_t mg = ss_score_mg(in->s, n.ptr, n.len);
        cstr(ss_json_str(ss_jget(g, "displayName")), disp, sizeof(disp));
        ss_score_mg_set(in->s, mg, disp, ss_score_mg_parent(in->s, mg));
        if (child < 0)
            ss_score_sub_set_mg(in->s, sub, (long)mg);
        else
            ss_score_mg_set(in->s, (uint32_t)child, NULL, (long)mg);
        child = (long)mg;
        (void)name;
    }
}

static enum ss_err subscription_fields(struct value_ctx *c, uint32_t sub, struct ss_json props)
{
    char buf[512];
    struct ss_str state = ss_json_str(ss_jget(props, "state"));
    struct ss_str env = ss_json_str(ss_jget(props, "environment"));
    struct ss_str name = ss_json_str(ss_jget(c->v, "displayName"));
    if (!name.ptr)
        name = ss_json_str(ss_jget(props, "displayName"));
    if (!name.ptr)
        name = ss_json_str(ss_jget(c->v, "name"));
    ss_score_sub_set_name(c->in->s, sub, cstr(name, buf, sizeof(buf)));
    if (state.ptr)
        ss_score_sub_set_state(c->in->s, sub, cstr(state, buf, sizeof(buf)));
    if (env.ptr) {
        enum ss_environment e;
        if (!ss_environment_parse(env.ptr, env.len, &e))
            return fail(c, "environment", "unknown environment \"%s\"", cstr(env, buf, 64));
        ss_score_sub_set_env(c->in->s, sub, e);
    }
    return SS_OK;
}

/* A Resource Graph `resourcecontainers` subscription row (or ARM subscription GET). */
static enum ss_err on_subscription(struct value_ctx *c)
{
    struct ss_str id = ss_json_str(ss_jget(c->v, "subscriptionId"));
    if (!id.ptr) {
        id = ss_json_str(ss_jget(c->v, "id"));
        if (id.ptr && id.len == 15 + 36) {
            id.ptr += 15;
            id.len = 36;
        }
    }
    uint32_t sub;
    if (!id.ptr || ss_score_sub(c->in->s, id.ptr, id.len, &sub))
        return fail(c, "subscriptionId", "%smissing or not a subscription GUID", NULL);
    struct ss_json props = ss_jget(c->v, "properties");
    enum ss_err e = subscription_fields(c, sub, props);
    if (e)
        return e;
    apply_chain(c->in, sub, ss_jget(props, "managementGroupAncestorsChain"));
    c->in->st.subscriptions++;
    c->in->need_reapply |= after_assessments(c->in);
    e = tell(c, SS_INGEST_CONTAINER, UINT32_MAX, UINT32_MAX);
    if (e)
        return e;
    if (c->in->evaluate) {
        /* The subscription is a resource too: subscription-level rules (Defender
         * plans, security contacts ...) are evaluated on it. */
        char rid[64];
        uint32_t res;
        snprintf(rid, sizeof(rid), "/subscriptions/%s", ss_score_sub_id(c->in->s, sub));
        if (!ss_score_resource(c->in->s, rid, strlen(rid), "Microsoft.Resources/subscriptions",
                               &res) &&
            !ss__ingest_keep(&c->in->kept, res, c->raw))
            return too_big(c);
    }
    return SS_OK;
}

static enum ss_err on_management_group(struct value_ctx *c)
{
    struct ss_str name = ss_json_str(ss_jget(c->v, "name"));
    if (!name.ptr || !name.len)
        return fail(c, "name", "%smissing management group name", NULL);
    struct ss_json props = ss_jget(c->v, "properties");
    char disp[512];
    uint32_t mg = ss_score_mg(c->in->s, name.ptr, name.len);
    long parent = ss_score_mg_parent(c->in->s, mg);
    struct ss_str pname =
        ss_json_str(ss_jget(ss_jget(ss_jget(props, "details"), "parent"), "name"));
    if (pname.ptr && pname.len)
        parent = (long)ss_score_mg(c->in->s, pname.ptr, pname.len);
    ss_score_mg_set(c->in->s, mg, cstr(ss_json_str(ss_jget(props, "displayName")), disp, 512),
                    parent);
    c->in->st.management_groups++;
    c->in->need_reapply |= after_assessments(c->in);
    return tell(c, SS_INGEST_CONTAINER, UINT32_MAX, UINT32_MAX);
}

/* Our simple hierarchy file: {"managementGroups": [...], "subscriptions": [...]}. */
static enum ss_err on_hierarchy(struct value_ctx *c)
{
    struct ss_json_iter it;
    struct ss_json g;
    char name[256], buf[512];
    size_t i = 0, old = ss_jpath_key(&c->path, "managementGroups");
    ss_json_iter_init(&it, ss_jget(c->v, "managementGroups"));
    for (; ss_json_iter_next(&it, NULL, &g); i++) {
        size_t o = ss_jpath_index(&c->path, i);
        struct ss_str n = ss_json_str(ss_jget(g, "name"));
        if (!n.ptr || !n.len)
            return fail(c, "name", "%smissing management group name", NULL);
        uint32_t mg = ss_score_mg(c->in->s, n.ptr, n.len);
        struct ss_str p = ss_json_str(ss_jget(g, "parent"));
        long parent = p.ptr && p.len ? (long)ss_score_mg(c->in->s, p.ptr, p.len) : -1;
        ss_score_mg_set(c->in->s, mg, cstr(ss_json_str(ss_jget(g, "displayName")), buf, 512),
                        parent);
        c->in->st.management_groups++;
        ss_jpath_pop(&c->path, o);
    }
    ss_jpath_pop(&c->path, old);
    old = ss_jpath_key(&c->path, "subscriptions");
    ss_json_iter_init(&it, ss_jget(c->v, "subscriptions"));
    for (i = 0; ss_json_iter_next(&it, NULL, &g); i++) {
        size_t o = ss_jpath_index(&c->path, i);
        struct ss_str id = ss_json_str(ss_jget(g, "subscriptionId"));
        uint32_t sub;
        if (!id.ptr || ss_score_sub(c->in->s, id.ptr, id.len, &sub))
            return fail(c, "subscriptionId", "%smissing or not a subscription GUID", NULL);
        struct value_ctx sc = *c;
        sc.v = g;
        enum ss_err e = subscription_fields(&sc, sub, g);
        if (e)
            return e;
        struct ss_str mg = ss_json_str(ss_jget(g, "managementGroup"));
        if (mg.ptr && mg.len)
            ss_score_sub_set_mg(c->in->s, sub, (long)ss_score_mg(c->in->s, mg.ptr, mg.len));
        c->in->st.subscriptions++;
        ss_jpath_pop(&c->path, o);
        (void)name;
    }
    ss_jpath_pop(&c->path, old);
    c->in->need_reapply |= after_assessments(c->in);
    return tell(c, SS_INGEST_CONTAINER, UINT32_MAX, UINT32_MAX);
}

/* A secureScores item: its weight is Azure's own; keep it (DESIGN.md §3 step 4). */
static enum ss_err on_secure_score(struct value_ctx *c)
{
    struct ss_str id = ss_json_str(ss_jget(c->v, "id"));
    struct ss_str sid = ss_json_str(ss_jget(c->v, "subscriptionId"));
    uint32_t sub;
    if (!sid.ptr && id.ptr && id.len > 15 + 36) {
        sid.ptr = id.ptr + 15;
        sid.len = 36;
    }
    if (!sid.ptr || ss_score_sub(c->in->s, sid.ptr, sid.len, &sub))
        return fail(c, "id", "%snot a subscription secure score", NULL);
    struct ss_jpath p = c->path;
    ss_jpath_key(&p, "properties");
    int64_t w;
    enum ss_err e =
        ss_jint(ss_jget(c->v, "properties"), "weight", false, 0, INT64_MAX, -1, &w, &p, c->diag);
    if (!e && w >= 0)
        ss_score_sub_set_weight(c->in->s, sub, w);
    return e;
}

/* ---- assessments ---- */

static const char assess_infix[] = "/providers/microsoft.security/assessments/";

/* Splits ".../providers/Microsoft.Security/assessments/{key}" into resource id and key. */
static bool split_assessment_id(struct ss_str id, struct ss_str *res, struct ss_str *key)
{
    size_t n = sizeof(assess_infix) - 1;
    for (size_t i = id.len >= n ? id.len - n + 1 : 0; i-- > 0;) {
        if (ss_mem_eq_nocase(id.ptr + i, assess_infix, n)) {
            res->ptr = id.ptr;
            res->len = i;
            key->ptr = id.ptr + i + n;
            key->len = id.len - i - n;
            return true;
        }
    }
    return false;
}

static enum ss_status parse_status(struct ss_str code)
{
    if (ss_str_eq_nocase(code, "Healthy"))
        return SS_STATUS_HEALTHY;
    if (ss_str_eq_nocase(code, "Unhealthy"))
        return SS_STATUS_UNHEALTHY;
    if (ss_str_eq_nocase(code, "NotApplicable"))
        return SS_STATUS_NOTAPPLICABLE;
    return SS_STATUS_NONE;
}

static enum ss_assessment_type parse_type(struct ss_str t)
{
    for (int i = 0; i < 4; i++)
        if (ss_str_eq_nocase(t, ss_assessment_type_name((enum ss_assessment_type)i)))
            return (enum ss_assessment_type)i;
    return SS_AT_CUSTOMER_MANAGED;
}

/* Finds or creates the recommendation of an assessment (see ingest.h for the order). */
static enum ss_err resolve_rec(struct value_ctx *c, struct ss_str key, struct ss_json props,
                               uint32_t *rec)
{
    long i = ss_catalog_find_rec(c->in->cat, key.ptr, key.len);
    if (i >= 0) {
        *rec = (uint32_t)i;
        return SS_OK;
    }
    struct ss_json meta = ss_jget(props, "metadata");
    struct ss_str name = ss_json_str(ss_jget(props, "displayName"));
    if (!name.ptr)
        name = ss_json_str(ss_jget(meta, "displayName"));
    i = name.ptr ? ss_catalog_find_rec_by_name(c->in->cat, name.ptr, name.len) : -1;
    const struct ss_rec *r = i >= 0 ? ss_catalog_rec(c->in->cat, (size_t)i) : NULL;
    if (r && r->assessment_type == SS_AT_BUILTIN) {
        *rec = (uint32_t)i;
        return SS_OK;
    }
    char k[64], n[512], desc[1024], rem[1024], pol[512];
    bool has_meta = ss_json_kind(meta) == SS_JSON_OBJECT;
    struct ss_str type = ss_json_str(ss_jget(meta, "assessmentType"));
    struct ss_rec_def def = {
        cstr(key, k, sizeof(k)),
        name.ptr ? cstr(name, n, sizeof(n)) : NULL,
        cstr(ss_json_str(ss_jget(meta, "description")), desc, sizeof(desc)),
        cstr(ss_json_str(ss_jget(meta, "remediationDescription")), rem, sizeof(rem)),
        cstr(ss_json_str(ss_jget(meta, "policyDefinitionId")), pol, sizeof(pol)),
        SS_SEV_UNKNOWN,
        has_meta && type.ptr ? parse_type(type) : SS_AT_CUSTOMER_MANAGED,
        ss_json_bool(ss_jget(meta, "preview"))};
    if (!ss_is_guid(key.ptr, key.len))
        return fail(c, "name", "assessment key \"%s\" is not a GUID", k);
    return ss_catalog_add_rec(c->in->cat, &def, rec, c->diag);
}

static int64_t time_field(struct ss_json status, const char *key)
{
    struct ss_str t = ss_json_str(ss_jget(status, key));
    int64_t ticks = 0;
    if (t.ptr && !ss_time_parse(t.ptr, t.len, &ticks))
        ticks = 0;
    return ticks;
}

static void note_environment(struct ss_ingest *in, uint32_t res, struct ss_json details)
{
    struct ss_str src = ss_json_str(ss_jget(details, "source"));
    enum ss_environment env;
    if (src.ptr && ss_environment_parse(src.ptr, src.len, &env) && env != SS_ENV_AZURE)
        ss_score_sub_set_env(in->s, ss_score_resource_sub(in->s, res), env);
}

static enum ss_err on_assessment(struct value_ctx *c)
{
    struct ss_str id, res_id, key;
    enum ss_err e = ss_jstr(c->v, "id", true, &id, &c->path, c->diag);
    if (e)
        return e;
    if (!split_assessment_id(id, &res_id, &key) || !res_id.len)
        return fail(c, "id",
                    "%snot an assessment id (.../providers/Microsoft.Security/assessments/KEY)",
                    NULL);
    struct ss_json props = ss_jget(c->v, "properties");
    struct ss_jpath pp = c->path;
    ss_jpath_key(&pp, "properties");
    if (ss_json_kind(props) != SS_JSON_OBJECT)
        return fail(c, "properties", "%smissing object", NULL);
    struct ss_json status = ss_jget(props, "status");
    struct ss_str code;
    struct ss_jpath sp = pp;
    ss_jpath_key(&sp, "status");
    e = ss_jstr(status, "code", true, &code, &sp, c->diag);
    if (e)
        return e;
    enum ss_status st = parse_status(code);
    char buf[1024], cause[256];
    if (st == SS_STATUS_NONE)
        return ss_jfail(c->diag, SS_EINPUT, &sp, "code",
                        "unknown status code \"%s\" (Healthy, Unhealthy or NotApplicable)",
                        cstr(code, buf, 64));
    uint32_t rec, res;
    e = resolve_rec(c, key, props, &rec);
    if (e)
        return e;
    if (ss_score_resource(c->in->s, res_id.ptr, res_id.len, NULL, &res))
        return fail(c, "id", "%sthe assessed resource id has no /subscriptions/{guid} prefix",
                    NULL);
    struct ss_assessment a = {res,
                              rec,
                              st,
                              cstr(ss_json_str(ss_jget(status, "cause")), cause, sizeof(cause)),
                              cstr(ss_json_str(ss_jget(status, "description")), buf, sizeof(buf)),
                              time_field(status, "firstEvaluationDate"),
                              time_field(status, "statusChangeDate"),
                              c->in->source};
    bool replaced = false;
    e = ss_score_set(c->in->s, &a, &replaced);
    if (e == SS_EDUPLICATE)
        return ss_jfail(c->diag, SS_EDUPLICATE, &c->path, "id",
                        "the same assessment appears twice in this input");
    if (e)
        return ss_jfail(c->diag, e, &c->path, NULL, "cannot store the assessment");
    note_environment(c->in, res, ss_jget(props, "resourceDetails"));
    c->in->st.assessments++;
    c->in->st.replaced += replaced;
    c->in->st.custom += !ss_rec_counts(ss_catalog_rec(c->in->cat, rec));
    return tell(c, SS_INGEST_ASSESSMENT, res, rec);
}

/* ---- inventory resources ---- */

static enum ss_err on_resource(struct value_ctx *c)
{
    struct ss_str id, type;
    enum ss_err e = ss_jstr(c->v, "id", true, &id, &c->path, c->diag);
    if (!e)
        e = ss_jstr(c->v, "type", true, &type, &c->path, c->diag);
    if (e)
        return e;
    char t[256];
    uint32_t res;
    if (ss_score_resource(c->in->s, id.ptr, id.len, cstr(type, t, sizeof(t)), &res))
        return fail(c, "id", "%snot an ARM resource id (/subscriptions/{guid}/...)", NULL);
    if (c->in->evaluate)
        if (!ss__ingest_keep(&c->in->kept, res, c->raw))
            return too_big(c);
    c->in->st.resources++;
    return tell(c, SS_INGEST_RESOURCE, res, UINT32_MAX);
}

static enum ss_err on_skip(struct value_ctx *c)
{
    c->in->st.skipped++;
    return SS_OK;
}

/* Handlers by lower-case `type`; anything else with an id is a resource. */
static const struct {
    const char *type;
    enum ss_err (*fn)(struct value_ctx *);
} handlers[] = {
    {"microsoft.security/assessments", on_assessment},
    {"microsoft.resources/subscriptions", on_subscription},
    {"microsoft.management/managementgroups", on_management_group},
    {"microsoft.security/securescores", on_secure_score},
    {"microsoft.resources/subscriptions/resourcegroups", on_skip},
    {"microsoft.resources/resourcegroups", on_skip},
    {"microsoft.security/securescores/securescorecontrols", on_skip},
    {"microsoft.security/securescorecontroldefinitions", on_skip},
    {"microsoft.security/assessmentmetadata", on_skip},
};

static enum ss_err dispatch(struct value_ctx *c)
{
    if (ss_json_kind(c->v) != SS_JSON_OBJECT)
        return ss_jfail(c->diag, SS_EINPUT, &c->path, NULL, "expected an object, found %s",
                        ss_json_kind_name(ss_json_kind(c->v)));
    struct ss_str type = ss_json_str(ss_jget(c->v, "type"));
    for (size_t i = 0; type.ptr && i < SS_ARRAY_LEN(handlers); i++)
        if (ss_str_eq_nocase(type, handlers[i].type))
            return handlers[i].fn(c);
    if (!type.ptr && (ss_json_exists(ss_jget(c->v, "managementGroups")) ||
                      ss_json_exists(ss_jget(c->v, "subscriptions"))))
        return on_hierarchy(c);
    if (!type.ptr && ss_json_exists(ss_jget(c->v, "exemptions")))
        return ss_jfail(c->diag, SS_EINPUT, &c->path, NULL,
                        "an exemptions file: pass it with --exemptions");
    return on_resource(c);
}

/* ---- files ---- */

static enum ss_err read_values(struct ss_ingest *in, struct ss_json_reader *r, const char *name,
                               struct ss_diag *diag)
{
    struct ss_json v;
    enum ss_err e;
    in->source++;
    in->st.files++;
    while ((e = ss_json_reader_next(r, &v, diag)) == SS_OK && ss_json_exists(v)) {
        struct value_ctx c = {in, v, ss_json_reader_raw(r), {{0}, 0}, diag};
        char ptr[64];
        ss_json_reader_pointer(r, ptr, sizeof(ptr));
        ss_jpath_init(&c.path, ptr);
        in->st.values++;
        e = dispatch(&c);
        if (e) {
            ss_diag_set_file(diag, name);
            if (diag && !diag->line) {
                uint64_t line = ss_json_reader_line(r);
                diag->line = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
            }
            return e;
        }
    }
    return e;
}

enum ss_err ss_ingest_text(struct ss_ingest *in, const char *text, size_t len, const char *name,
                           struct ss_diag *diag)
{
    struct ss_json_opts o = {0, 0, 0, 0, name};
    struct ss_json_reader *r = ss_json_reader_new_mem(text, len, &o, unwrap_names);
    enum ss_err e = read_values(in, r, name, diag);
    ss_json_reader_free(r);
    return e;
}

static enum ss_err ingest_file(struct ss_ingest *in, const char *path, struct ss_diag *diag)
{
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ss_diag_set_file(diag, path);
        return ss_diag_set(diag, SS_EOPEN, "cannot open: %s", strerror(errno));
    }
    struct ss_json_opts o = {0, 0, 0, 0, path};
    struct ss_json_reader *r = ss_json_reader_new(fd, &o, unwrap_names);
    enum ss_err e = read_values(in, r, path, diag);
    ss_json_reader_free(r);
    if (!is_stdin)
        close(fd);
    return e;
}

static enum ss_err ingest_one(void *arg, const char *path, struct ss_diag *diag)
{
    struct ss_ingest *in = arg;
    if (strcmp(path, "-") != 0 && skipped(in, path))
        return SS_OK;
    return ingest_file(in, path, diag);
}

enum ss_err ss_ingest_path(struct ss_ingest *in, const char *path, struct ss_diag *diag)
{
    return ss_input_files(path, ingest_one, in, diag);
}

struct ss_score *ss__ingest_score(struct ss_ingest *in)
{
    return in->s;
}

struct ss_catalog *ss__ingest_catalog(struct ss_ingest *in)
{
    return in->cat;
}

void ss__ingest_need_reapply(struct ss_ingest *in)
{
    in->need_reapply = true;
}
