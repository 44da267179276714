/*
 * The catalog: controls and recommendations, loaded from the built-in data
 * (catalog/controls.json and recommendations.json, embedded at build time) and from Azure-format
 * files.
 *
 * Recommendations and controls live in two growable arrays; maps index them
 * by key, control id and display name. Control membership is derived: after
 * every load, relink() rebuilds each recommendation's list of controls from
 * the controls' key lists, creating a placeholder recommendation for a key
 * that has no metadata (see catalog.h for how it counts). Loads validate
 * every item before changing anything, so a failed load leaves the catalog
 * as it was.
 */
#include "common/setup.h"

#include <stdio.h>

#include "common/arena.h"
#include "common/hashmap.h"
#include "json/field.h"
#include "securescore/catalog.h"

/* Embedded by the Makefile (tools/embed.c). */
extern const unsigned char ss_builtin_controls_json[];
extern const size_t ss_builtin_controls_json_len;
extern const unsigned char ss_builtin_recommendations_json[];
extern const size_t ss_builtin_recommendations_json_len;

struct ss_catalog {
    struct ss_arena mem; /* strings and lists */
    struct ss_rec *recs;
    size_t nrecs, rcap;
    struct ss_control *ctls;
    size_t nctls, ccap;
    struct ss_map by_key;      /* key -> rec index + 1 */
    struct ss_map by_name;     /* display name -> rec index + 1 (metadata recs) */
    struct ss_map ctl_by_id;   /* control id -> index + 1 */
    struct ss_map ctl_by_name; /* control display name -> index + 1 */
};

static const char *const category_names[] = {
    "Compute", "Networking", "Data", "IdentityAndAccess", "IoT", "AppServices", "Container", NULL};
static const char *const threat_names[] = {
    "accountBreach",    "dataExfiltration",     "dataSpillage",
    "maliciousInsider", "elevationOfPrivilege", "threatResistance",
    "missingCoverage",  "denialOfService",      NULL};
static const char *const severity_names[] = {"", "Low", "Medium", "High", "Critical", NULL};
static const char *const level_names[] = {"", "Low", "Moderate", "High", NULL};
static const char *const type_names[] = {"BuiltIn", "CustomPolicy", "CustomerManaged",
                                         "VerifiedPartner", NULL};

const char *ss_category_name(unsigned bit)
{
    return bit < SS_ARRAY_LEN(category_names) ? category_names[bit] : NULL;
}

const char *ss_threat_name(unsigned bit)
{
    return bit < SS_ARRAY_LEN(threat_names) ? threat_names[bit] : NULL;
}

const char *ss_severity_name(enum ss_severity s)
{
    return (unsigned)s < 5 ? severity_names[s] : "";
}

const char *ss_level_name(enum ss_level l)
{
    return (unsigned)l < 4 ? level_names[l] : "";
}

const char *ss_assessment_type_name(enum ss_assessment_type t)
{
    return (unsigned)t < 4 ? type_names[t] : "BuiltIn";
}

bool ss_is_guid(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        char c = s[i];
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-'
                 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

/* ---- lifecycle and lookups ---- */

struct ss_catalog *ss_catalog_new(void)
{
    struct ss_catalog *cat = ss_xcalloc(1, sizeof(*cat));
    ss_arena_init(&cat->mem, 64 * 1024);
    ss_map_init(&cat->by_key, SS_MAP_NOCASE);
    ss_map_init(&cat->by_name, SS_MAP_NOCASE);
    ss_map_init(&cat->ctl_by_id, SS_MAP_NOCASE);
    ss_map_init(&cat->ctl_by_name, SS_MAP_NOCASE);
    return cat;
}

void ss_catalog_free(struct ss_catalog *cat)
{
    if (!cat)
        return;
    ss_map_release(&cat->by_key);
    ss_map_release(&cat->by_name);
    ss_map_release(&cat->ctl_by_id);
    ss_map_release(&cat->ctl_by_name);
    ss_arena_release(&cat->mem);
    free(cat->recs);
    free(cat->ctls);
    free(cat);
}

size_t ss_catalog_ncontrols(const struct ss_catalog *cat)
{
    return cat->nctls;
}

size_t ss_catalog_nrecs(const struct ss_catalog *cat)
{
    return cat->nrecs;
}

const struct ss_control *ss_catalog_control(const struct ss_catalog *cat, size_t i)
{
    return i < cat->nctls ? &cat->ctls[i] : NULL;
}

const struct ss_rec *ss_catalog_rec(const struct ss_catalog *cat, size_t i)
{
    return i < cat->nrecs ? &cat->recs[i] : NULL;
}

bool ss_rec_counts(const struct ss_rec *rec)
{
    return rec->assessment_type == SS_AT_BUILTIN && !rec->preview;
}

static long map_index(const struct ss_map *m, const char *s, size_t len)
{
    void *v = NULL;
    if (!ss_map_find(m, s, len, &v))
        return -1;
    return (long)(uintptr_t)v - 1;
}

long ss_catalog_find_rec(const struct ss_catalog *cat, const char *key, size_t len)
{
    return map_index(&cat->by_key, key, len);
}

long ss_catalog_find_rec_by_name(const struct ss_catalog *cat, const char *name, size_t len)
{
    return map_index(&cat->by_name, name, len);
}

long ss_catalog_find_control(const struct ss_catalog *cat, const char *name, size_t len)
{
    long i = map_index(&cat->ctl_by_id, name, len);
    return i >= 0 ? i : map_index(&cat->ctl_by_name, name, len);
}

int ss_catalog_max_total(const struct ss_catalog *cat)
{
    int sum = 0;
    for (size_t i = 0; i < cat->nctls; i++)
        sum += cat->ctls[i].max_score;
    return sum;
}

/* ---- building ---- */

static const char *dup_str(struct ss_catalog *cat, struct ss_str s)
{
    return ss_arena_strndup(&cat->mem, s.ptr ? s.ptr : "", s.ptr ? s.len : 0);
}

static void lower_key(char *dst, const char *src, size_t len)
{
    for (size_t i = 0; i < len && i < 39; i++) {
        char c = src[i];
        dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    dst[len < 39 ? len : 39] = '\0';
}

/* Returns the index of the rec with `key`, appending an empty one if new. */
static uint32_t rec_slot(struct ss_catalog *cat, const char *key, size_t len)
{
    long i = ss_catalog_find_rec(cat, key, len);
    if (i >= 0)
        return (uint32_t)i;
    if (cat->nrecs == cat->rcap) {
        cat->rcap = cat->rcap ? cat->rcap * 2 : 256;
        cat->recs = ss_xreallocarray(cat->recs, cat->rcap, sizeof(*cat->recs));
    }
    struct ss_rec *r = &cat->recs[cat->nrecs];
    memset(r, 0, sizeof(*r));
    lower_key(r->key, key, len);
    r->display_name = r->description = r->remediation = r->policy_definition_id = "";
    ss_map_put(&cat->by_key, r->key, strlen(r->key), (void *)(uintptr_t)(cat->nrecs + 1), NULL);
    return (uint32_t)cat->nrecs++;
}

static uint32_t ctl_slot(struct ss_catalog *cat, const char *id, size_t len)
{
    long i = map_index(&cat->ctl_by_id, id, len);
    if (i >= 0)
        return (uint32_t)i;
    if (cat->nctls == cat->ccap) {
        cat->ccap = cat->ccap ? cat->ccap * 2 : 32;
        cat->ctls = ss_xreallocarray(cat->ctls, cat->ccap, sizeof(*cat->ctls));
    }
    struct ss_control *c = &cat->ctls[cat->nctls];
    memset(c, 0, sizeof(*c));
    lower_key(c->id, id, len);
    c->display_name = c->description = "";
    ss_map_put(&cat->ctl_by_id, c->id, strlen(c->id), (void *)(uintptr_t)(cat->nctls + 1), NULL);
    return (uint32_t)cat->nctls++;
}

/* Rebuilds every recommendation's control list and the name index. */
static void relink(struct ss_catalog *cat)
{
    for (size_t c = 0; c < cat->nctls; c++) {
        struct ss_control *ctl = &cat->ctls[c];
        for (uint32_t k = 0; k < ctl->nkeys; k++) {
            if (ss_catalog_find_rec(cat, ctl->keys[k], strlen(ctl->keys[k])) >= 0)
                continue;
            uint32_t r = rec_slot(cat, ctl->keys[k], strlen(ctl->keys[k]));
            cat->recs[r].display_name = cat->recs[r].key;
            cat->recs[r].assessment_type = ctl->builtin ? SS_AT_BUILTIN : SS_AT_CUSTOMER_MANAGED;
        }
    }
    uint32_t *counts = ss_xcalloc(cat->nrecs ? cat->nrecs : 1, sizeof(uint32_t));
    for (size_t c = 0; c < cat->nctls; c++)
        for (uint32_t k = 0; k < cat->ctls[c].nkeys; k++)
            counts[ss_catalog_find_rec(cat, cat->ctls[c].keys[k], strlen(cat->ctls[c].keys[k]))]++;
    for (size_t r = 0; r < cat->nrecs; r++) {
        cat->recs[r].controls = ss_arena_calloc(&cat->mem, counts[r] ? counts[r] : 1, 4);
        cat->recs[r].ncontrols = 0;
    }
    for (size_t c = 0; c < cat->nctls; c++) {
        for (uint32_t k = 0; k < cat->ctls[c].nkeys; k++) {
            const char *key = cat->ctls[c].keys[k];
            struct ss_rec *r = &cat->recs[ss_catalog_find_rec(cat, key, strlen(key))];
            bool dup = false;
            for (uint32_t j = 0; j < r->ncontrols; j++)
                dup |= r->controls[j] == c;
            if (!dup)
                ((uint32_t *)r->controls)[r->ncontrols++] = (uint32_t)c;
        }
    }
    free(counts);
    ss_map_release(&cat->by_name);
    ss_map_init(&cat->by_name, SS_MAP_NOCASE);
    for (size_t r = 0; r < cat->nrecs; r++)
        if (cat->recs[r].has_metadata)
            ss_map_put(&cat->by_name, cat->recs[r].display_name, strlen(cat->recs[r].display_name),
                       (void *)(uintptr_t)(r + 1), NULL);
    ss_map_release(&cat->ctl_by_name);
    ss_map_init(&cat->ctl_by_name, SS_MAP_NOCASE);
    for (size_t c = 0; c < cat->nctls; c++)
        ss_map_put(&cat->ctl_by_name, cat->ctls[c].display_name, strlen(cat->ctls[c].display_name),
                   (void *)(uintptr_t)(c + 1), NULL);
}

/* ---- parsing items ---- */

static int name_index(const char *const *names, struct ss_str s)
{
    for (int i = 0; names[i]; i++)
        if (ss_str_eq_nocase(s, names[i]))
            return i;
    return -1;
}

/* An enum member: absent or "" gives 0; an unknown name is an error. */
static enum ss_err enum_field(struct ss_json obj, const char *key, const char *const *names,
                              int *out, const struct ss_jpath *p, struct ss_diag *diag)
{
    struct ss_str s;
    enum ss_err e = ss_jstr(obj, key, false, &s, p, diag);
    if (e)
        return e;
    *out = 0;
    if (!s.ptr || !s.len)
        return SS_OK;
    int i = name_index(names, s);
    if (i < 0)
        return ss_jfail(diag, SS_EINPUT, p, key, "unknown value \"%.*s\"", (int)SS_MIN(s.len, 60),
                        s.ptr);
    *out = i;
    return SS_OK;
}

/* A list of names as a bit mask; unknown names are an error. */
static enum ss_err mask_field(struct ss_json obj, const char *key, const char *const *names,
                              uint32_t *out, const struct ss_jpath *p, struct ss_diag *diag)
{
    struct ss_json arr = ss_jget(obj, key);
    *out = 0;
    if (!ss_json_exists(arr) || ss_json_kind(arr) == SS_JSON_NULL)
        return SS_OK;
    if (ss_json_kind(arr) != SS_JSON_ARRAY)
        return ss_jfail(diag, SS_EINPUT, p, key, "expected an array of names");
    struct ss_json_iter it;
    struct ss_json v;
    ss_json_iter_init(&it, arr);
    while (ss_json_iter_next(&it, NULL, &v)) {
        int i = name_index(names, ss_json_str(v));
        if (i < 0)
            return ss_jfail(diag, SS_EINPUT, p, key, "unknown name \"%.*s\"",
                            (int)SS_MIN(ss_json_str(v).len, 60),
                            ss_json_str(v).ptr ? ss_json_str(v).ptr : "");
        *out |= 1u << i;
    }
    return SS_OK;
}

/* Fields of one recommendation as parsed, borrowed from the document. */
struct rec_in {
    struct ss_str key, name, desc, remed, policy;
    int severity, impact, effort, type;
    bool preview, decidable;
    uint32_t categories, threats;
    struct ss_json types;
};

static enum ss_err parse_rec(struct ss_json props, struct ss_str key, struct rec_in *out,
                             const struct ss_jpath *p, struct ss_diag *diag)
{
    memset(out, 0, sizeof(*out));
    out->key = key;
    struct ss_str dec = {NULL, 0};
    enum ss_err e = ss_jstr(props, "displayName", true, &out->name, p, diag);
    if (!e)
        e = ss_jstr(props, "description", false, &out->desc, p, diag);
    if (!e)
        e = ss_jstr(props, "remediationDescription", false, &out->remed, p, diag);
    if (!e)
        e = ss_jstr(props, "policyDefinitionId", false, &out->policy, p, diag);
    if (!e)
        e = enum_field(props, "severity", severity_names, &out->severity, p, diag);
    if (!e)
        e = enum_field(props, "userImpact", level_names, &out->impact, p, diag);
    if (!e)
        e = enum_field(props, "implementationEffort", level_names, &out->effort, p, diag);
    if (!e)
        e = enum_field(props, "assessmentType", type_names, &out->type, p, diag);
    if (!e)
        e = ss_jbool(props, "preview", false, &out->preview, p, diag);
    if (!e)
        e = mask_field(props, "categories", category_names, &out->categories, p, diag);
    if (!e)
        e = mask_field(props, "threats", threat_names, &out->threats, p, diag);
    if (!e)
        e = ss_jstr(props, "decidable", false, &dec, p, diag);
    out->decidable = ss_str_eq_nocase(dec, "policy");
    out->types = ss_jget(props, "resourceTypes");
    return e;
}

static void apply_rec(struct ss_catalog *cat, const struct rec_in *in)
{
    uint32_t i = rec_slot(cat, in->key.ptr, in->key.len);
    struct ss_rec *r = &cat->recs[i];
    r->display_name = dup_str(cat, in->name);
    r->description = dup_str(cat, in->desc);
    r->remediation = dup_str(cat, in->remed);
    r->policy_definition_id = dup_str(cat, in->policy);
    r->severity = (enum ss_severity)in->severity;
    r->user_impact = (enum ss_level)in->impact;
    r->implementation_effort = (enum ss_level)in->effort;
    r->assessment_type = (enum ss_assessment_type)in->type;
    r->preview = in->preview;
    r->decidable = in->decidable;
    r->categories = in->categories;
    r->threats = in->threats;
    r->has_metadata = true;
    size_t n = ss_json_kind(in->types) == SS_JSON_ARRAY ? ss_json_len(in->types) : 0;
    const char **types = ss_arena_calloc(&cat->mem, n ? n : 1, sizeof(char *));
    struct ss_json_iter it;
    struct ss_json v;
    size_t k = 0;
    ss_json_iter_init(&it, in->types);
    while (k < n && ss_json_iter_next(&it, NULL, &v)) {
        struct ss_str s = ss_json_str(v);
        char *t = ss_arena_strndup(&cat->mem, s.ptr ? s.ptr : "", s.len);
        for (char *c = t; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c + 32);
        types[k++] = t;
    }
    r->resource_types = types;
    r->nresource_types = (uint32_t)k;
}

/* Fields of one control as parsed. */
struct ctl_in {
    struct ss_str id, name, desc;
    int64_t max;
    bool builtin;
    struct ss_json keys; /* array of key strings or of {"id": ".../assessmentMetadata/KEY"} */
};

/* Extracts the key from "/providers/Microsoft.Security/assessmentMetadata/{key}" or a bare key. */
static struct ss_str key_of(struct ss_json v)
{
    struct ss_str s = ss_json_str(v);
    if (!s.ptr)
        s = ss_json_str(ss_jget(v, "id"));
    if (s.ptr) {
        const char *slash = memrchr(s.ptr, '/', s.len);
        if (slash) {
            s.len -= (size_t)(slash + 1 - s.ptr);
            s.ptr = slash + 1;
        }
    }
    return s;
}

static enum ss_err check_keys(struct ss_json keys, const struct ss_jpath *p, const char *field,
                              struct ss_diag *diag)
{
    if (ss_json_kind(keys) != SS_JSON_ARRAY)
        return ss_jfail(diag, SS_EINPUT, p, field, "expected an array");
    struct ss_json_iter it;
    struct ss_json v;
    size_t i = 0;
    ss_json_iter_init(&it, keys);
    while (ss_json_iter_next(&it, NULL, &v)) {
        struct ss_str k = key_of(v);
        if (!k.ptr || !ss_is_guid(k.ptr, k.len)) {
            struct ss_jpath q = *p;
            ss_jpath_key(&q, field);
            ss_jpath_index(&q, i);
            return ss_jfail(diag, SS_EINPUT, &q, NULL, "expected an assessment key (a GUID)");
        }
        i++;
    }
    return SS_OK;
}

static void apply_ctl(struct ss_catalog *cat, const struct ctl_in *in)
{
    uint32_t i = ctl_slot(cat, in->id.ptr, in->id.len);
    struct ss_control *c = &cat->ctls[i];
    c->display_name = dup_str(cat, in->name);
    if (in->desc.ptr || !c->description[0])
        c->description = dup_str(cat, in->desc);
    c->max_score = (int)in->max;
    c->builtin = in->builtin;
    size_t n = ss_json_len(in->keys), k = 0;
    const char **keys = ss_arena_calloc(&cat->mem, n ? n : 1, sizeof(char *));
    struct ss_json_iter it;
    struct ss_json v;
    ss_json_iter_init(&it, in->keys);
    while (ss_json_iter_next(&it, NULL, &v)) {
        struct ss_str s = key_of(v);
        char *key = ss_arena_alloc(&cat->mem, 40);
        lower_key(key, s.ptr, s.len);
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            dup |= strcmp(keys[j], key) == 0;
        if (!dup)
            keys[k++] = key;
    }
    c->keys = keys;
    c->nkeys = (uint32_t)k;
}

/* ---- loading documents ---- */

enum kind { K_DEFINITIONS, K_METADATA, K_BUILTIN_CONTROLS, K_BUILTIN_RECS };

/* The item list of a document: {"value": [...]}, {"controls"|"recommendations": [...]},
 * a bare array, or a single item (returned as itself with *single set). */
static struct ss_json items_of(struct ss_json root, const char *list, bool *single)
{
    *single = false;
    if (ss_json_kind(root) == SS_JSON_ARRAY)
        return root;
    struct ss_json v = ss_jget(root, list);
    if (ss_json_kind(v) == SS_JSON_ARRAY)
        return v;
    v = ss_jget(root, "value");
    if (ss_json_kind(v) == SS_JSON_ARRAY)
        return v;
    *single = true;
    return root;
}

static enum ss_err parse_item(enum kind kind, struct ss_json item, const struct ss_jpath *p,
                              void *out, struct ss_diag *diag)
{
    /* A secureScoreControls item with $expand=definition carries its definition. */
    struct ss_json def = ss_jget(ss_jget(item, "properties"), "definition");
    struct ss_jpath dp = *p;
    if (kind == K_DEFINITIONS && ss_json_kind(def) == SS_JSON_OBJECT) {
        ss_jpath_key(&dp, "properties");
        ss_jpath_key(&dp, "definition");
        item = def;
        p = &dp;
    }
    if (ss_json_kind(item) != SS_JSON_OBJECT)
        return ss_jfail(diag, SS_EINPUT, p, NULL, "expected an object");
    bool azure = kind == K_DEFINITIONS || kind == K_METADATA;
    struct ss_json props = azure ? ss_jget(item, "properties") : item;
    struct ss_jpath q = *p;
    if (azure) {
        if (ss_json_kind(props) != SS_JSON_OBJECT)
            return ss_jfail(diag, SS_EINPUT, p, "properties", "missing object");
        ss_jpath_key(&q, "properties");
    }
    struct ss_str id;
    enum ss_err e = ss_jstr(item,
                            azure                    ? "name"
                            : kind == K_BUILTIN_RECS ? "key"
                                                     : "id",
                            true, &id, p, diag);
    if (e)
        return e;
    if (!ss_is_guid(id.ptr, id.len))
        return ss_jfail(diag, SS_EINPUT, p, azure ? "name" : "id", "expected a GUID");
    if (kind == K_METADATA || kind == K_BUILTIN_RECS)
        return parse_rec(props, id, out, &q, diag);
    struct ctl_in *c = out;
    memset(c, 0, sizeof(*c));
    c->id = id;
    struct ss_str src;
    e = ss_jstr(props, "displayName", true, &c->name, &q, diag);
    if (!e)
        e = ss_jstr(props, "description", false, &c->desc, &q, diag);
    if (!e)
        e = ss_jint(props, "maxScore", true, 0, 10, 0, &c->max, &q, diag);
    if (e)
        return e;
    src = ss_json_str(ss_jget(ss_jget(props, "source"), "sourceType"));
    c->builtin = !src.ptr || ss_str_eq_nocase(src, "BuiltIn");
    const char *kf = azure ? "assessmentDefinitions" : "assessmentKeys";
    c->keys = ss_jget(props, kf);
    if (azure && !ss_json_exists(c->keys))
        return ss_jfail(diag, SS_EINPUT, &q, kf, "missing array");
    return check_keys(c->keys, &q, kf, diag);
}

static enum ss_err load_doc(struct ss_catalog *cat, enum kind kind, struct ss_json root,
                            struct ss_diag *diag)
{
    /* An Azure REST API example file: {"parameters": ..., "responses": {"200": {"body": ...}}}. */
    struct ss_json body = ss_jget(ss_jget(ss_jget(root, "responses"), "200"), "body");
    if (ss_json_exists(body))
        root = body;
    bool rec = kind == K_METADATA || kind == K_BUILTIN_RECS, single;
    struct ss_json items = items_of(root, rec ? "recommendations" : "controls", &single);
    size_t n = single ? 1 : ss_json_len(items), i = 0;
    size_t size = rec ? sizeof(struct rec_in) : sizeof(struct ctl_in);
    char *parsed = ss_xcalloc(n ? n : 1, size);
    struct ss_jpath p;
    ss_jpath_init(&p, NULL);
    struct ss_json_iter it;
    struct ss_json item = items;
    enum ss_err e = SS_OK;
    ss_json_iter_init(&it, single ? (struct ss_json){NULL, NULL} : items);
    if (!single && !ss_json_exists(ss_jget(root, "value")) && ss_json_kind(root) != SS_JSON_ARRAY)
        ss_jpath_key(&p, rec ? "recommendations" : "controls");
    else if (!single && ss_json_kind(root) != SS_JSON_ARRAY)
        ss_jpath_key(&p, "value");
    for (; i < n && !e; i++) {
        if (!single && !ss_json_iter_next(&it, NULL, &item))
            break;
        size_t old = single ? p.len : ss_jpath_index(&p, i);
        e = parse_item(kind, item, &p, parsed + i * size, diag);
        ss_jpath_pop(&p, old);
    }
    for (size_t j = 0; !e && j < n; j++) {
        if (rec)
            apply_rec(cat, (const struct rec_in *)(parsed + j * size));
        else
            apply_ctl(cat, (const struct ctl_in *)(parsed + j * size));
    }
    free(parsed);
    if (!e)
        relink(cat);
    return e;
}

static enum ss_err load_text(struct ss_catalog *cat, enum kind kind, const char *text, size_t len,
                             const char *name, struct ss_diag *diag)
{
    struct ss_json_doc *doc = NULL;
    struct ss_json_opts o = {0, 0, 0, 0, name};
    enum ss_err e = ss_json_parse(text, len, &o, &doc, diag);
    if (!e) {
        e = load_doc(cat, kind, ss_json_root(doc), diag);
        if (e)
            ss_diag_set_file(diag, name);
    }
    ss_json_doc_free(doc);
    return e;
}

static enum ss_err load_file(struct ss_catalog *cat, enum kind kind, const char *path,
                             struct ss_diag *diag)
{
    struct ss_json_doc *doc = NULL;
    enum ss_err e = ss_json_parse_file(path, NULL, &doc, diag);
    if (!e) {
        e = load_doc(cat, kind, ss_json_root(doc), diag);
        if (e)
            ss_diag_set_file(diag, path);
    }
    ss_json_doc_free(doc);
    return e;
}

enum ss_err ss_catalog_load_builtin(struct ss_catalog *cat, struct ss_diag *diag)
{
    enum ss_err e =
        load_text(cat, K_BUILTIN_RECS, (const char *)ss_builtin_recommendations_json,
                  ss_builtin_recommendations_json_len, "catalog/recommendations.json", diag);
    if (!e)
        e = load_text(cat, K_BUILTIN_CONTROLS, (const char *)ss_builtin_controls_json,
                      ss_builtin_controls_json_len, "catalog/controls.json", diag);
    return e;
}

enum ss_err ss_catalog_load_definitions(struct ss_catalog *cat, const char *path,
                                        struct ss_diag *diag)
{
    return load_file(cat, K_DEFINITIONS, path, diag);
}

enum ss_err ss_catalog_load_metadata(struct ss_catalog *cat, const char *path, struct ss_diag *diag)
{
    return load_file(cat, K_METADATA, path, diag);
}

enum ss_err ss_catalog_load_definitions_text(struct ss_catalog *cat, const char *text, size_t len,
                                             const char *name, struct ss_diag *diag)
{
    return load_text(cat, K_DEFINITIONS, text, len, name, diag);
}

enum ss_err ss_catalog_load_metadata_text(struct ss_catalog *cat, const char *text, size_t len,
                                          const char *name, struct ss_diag *diag)
{
    return load_text(cat, K_METADATA, text, len, name, diag);
}

/*
 * Links one added recommendation without a full relink, so that an input with
 * many unknown keys costs O(keys x control keys), not O(keys x catalog): its
 * controls are those naming its key, and its display name joins the index.
 */
static void link_one(struct ss_catalog *cat, uint32_t i)
{
    struct ss_rec *r = &cat->recs[i];
    if (!r->ncontrols) {
        uint32_t *ctls = NULL;
        uint32_t n = 0;
        for (size_t c = 0; c < cat->nctls; c++) {
            for (uint32_t k = 0; k < cat->ctls[c].nkeys; k++) {
                if (strcmp(cat->ctls[c].keys[k], r->key) != 0)
                    continue;
                ctls = ss_xreallocarray(ctls, n + 1, sizeof(*ctls));
                ctls[n++] = (uint32_t)c;
                break;
            }
        }
        if (n) {
            r->controls = ss_arena_memdup(&cat->mem, ctls, n * sizeof(*ctls));
            r->ncontrols = n;
        } else if (!r->controls) {
            r->controls = ss_arena_calloc(&cat->mem, 1, sizeof(uint32_t));
        }
        free(ctls);
    }
    ss_map_put(&cat->by_name, r->display_name, strlen(r->display_name), (void *)(uintptr_t)(i + 1),
               NULL);
}

enum ss_err ss_catalog_add_rec(struct ss_catalog *cat, const struct ss_rec_def *def,
                               uint32_t *index, struct ss_diag *diag)
{
    size_t klen = def->key ? strlen(def->key) : 0;
    if (!def->key || !ss_is_guid(def->key, klen))
        return ss_diag_set(diag, SS_EINPUT, "assessment key \"%s\" is not a GUID",
                           def->key ? def->key : "");
    uint32_t i = rec_slot(cat, def->key, klen);
    struct ss_rec *r = &cat->recs[i];
    struct ss_str s;
#define COPY(field, src)                                                                           \
    s.ptr = (src);                                                                                 \
    s.len = (src) ? strlen(src) : 0;                                                               \
    r->field = dup_str(cat, s);
    COPY(display_name, def->display_name ? def->display_name : r->key)
    COPY(description, def->description)
    COPY(remediation, def->remediation)
    COPY(policy_definition_id, def->policy_definition_id)
#undef COPY
    r->severity = def->severity;
    r->assessment_type = def->assessment_type;
    r->preview = def->preview;
    r->has_metadata = true;
    link_one(cat, i);
    *index = i;
    return SS_OK;
}
