/*
 * Field names and aliases (research/azure_policy.md §2.4, §4).
 *
 * A field is a special name (name, fullName, kind, type, location, id,
 * identity.type, tags, tags['x'], tags.x) or a property alias
 * `Namespace/type/x.y[*].z`. An alias resolves, in order, through
 *  1. the loaded alias table (`alias,path` file, e.g. Get-AzPolicyAlias's
 *     defaultPath values), walked from the resource root as written;
 *  2. our exception table below, for aliases whose path is renamed
 *     (alias_paths_MCSB.tsv class OTHER);
 *  3. the rule: strip `Namespace/type/`, look under `properties`, and at each
 *     step descend through nested `properties` objects when a key is absent
 *     (R1 + R3 + R4 of the research); a first key absent from `properties`
 *     is looked up at the top level (sku.*, identity.*, zones ...: R2).
 */
#include "common/setup.h"

#include <stdio.h>
#include <zlib.h>

#include "common/limits.h"
#include "policy/internal.h"

struct ss_policy_aliases {
    struct ss_map map; /* alias (no case) -> path (NUL-terminated, in mem) */
    struct ss_arena mem;
};

/*
 * Aliases whose path does not follow the rule; written by us from the
 * defaultPath values of alias_paths_MCSB.tsv. An entry ending in '.' is a
 * prefix: the rest of the alias is appended to the path.
 */
static const struct alias_exception {
    const char *alias;
    const char *path;
    const char *alt; /* tried when `path` selects nothing (scale sets), or NULL */
} alias_exceptions[] = {
    {"Microsoft.Compute/imageId", "properties.storageProfile.imageReference.id",
     "properties.virtualMachineProfile.storageProfile.imageReference.id"},
    {"Microsoft.Compute/imageOffer", "properties.storageProfile.imageReference.offer",
     "properties.virtualMachineProfile.storageProfile.imageReference.offer"},
    {"Microsoft.Compute/imagePublisher", "properties.storageProfile.imageReference.publisher",
     "properties.virtualMachineProfile.storageProfile.imageReference.publisher"},
    {"Microsoft.Compute/imageSku", "properties.storageProfile.imageReference.sku",
     "properties.virtualMachineProfile.storageProfile.imageReference.sku"},
    {"Microsoft.Compute/imageVersion", "properties.storageProfile.imageReference.version",
     "properties.virtualMachineProfile.storageProfile.imageReference.version"},
    {"Microsoft.HybridCompute/imageOffer", "properties.osName", NULL},
    {"Microsoft.Compute/virtualMachines/sku.name", "properties.hardwareProfile.vmSize", NULL},
    {"Microsoft.Insights/diagnosticSettings/logs.enabled", "properties.logs[*].enabled", NULL},
    {"Microsoft.Insights/diagnosticSettings/metrics.enabled", "properties.metrics[*].enabled",
     NULL},
    {"Microsoft.Security/securityContacts/alertNotifications",
     "properties.alertNotifications.state", NULL},
    {"Microsoft.Security/securityContacts/alertsToAdmins", "properties.notificationsByRole.state",
     NULL},
    {"Microsoft.Security/securityContacts/email", "properties.emails", NULL},
    {"Microsoft.Sql/auditingSettings.state", "properties.state", NULL},
    {"Microsoft.Sql/transparentDataEncryption.status", "properties.status", NULL},
    {"Microsoft.Web/sites/config/web.", "properties.", NULL},
    {"Microsoft.Web/sites/slots/config/web.", "properties.", NULL},
};

/* Top-level resource properties an alias may name without `properties.` (R2). */
static const char *const top_level[] = {"sku",       "identity",        "kind", "zones", "plan",
                                        "managedBy", "extendedLocation"};

/* Special fields, matched ignoring case. */
static const struct special_field {
    const char *name;
    enum field_kind kind;
} special_fields[] = {
    {"name", FK_NAME},
    {"fullName", FK_FULLNAME},
    {"kind", FK_KIND},
    {"type", FK_TYPE},
    {"location", FK_LOCATION},
    {"id", FK_ID},
    {"identity.type", FK_IDENTITY_TYPE},
    {"tags", FK_TAGS},
};

static bool eq_ci(const char *p, size_t len, const char *lit)
{
    return strlen(lit) == len && ss_mem_eq_nocase(p, lit, len);
}

/* Splits `x.y[*].z` into segments. */
enum ss_err ss__alias_path(struct ss_arena *a, const char *p, size_t len, struct fieldref *f,
                           struct ss_diag *diag)
{
    struct pseg segs[SS_POLICY_MAX_ALIAS_SEGS];
    uint32_t n = 0, stars = 0;
    size_t i = 0;
    while (i < len) {
        if (n == SS_POLICY_MAX_ALIAS_SEGS)
            return ss_diag_set(diag, SS_EDEPTH, "alias '%.*s' has more than %d segments", (int)len,
                               p, SS_POLICY_MAX_ALIAS_SEGS);
        if (len - i >= 3 && memcmp(p + i, "[*]", 3) == 0) {
            segs[n++] = (struct pseg){{NULL, 0}, true};
            stars++;
            i += 3;
        } else if (p[i] == '.') {
            i++;
        } else {
            size_t j = i;
            while (j < len && p[j] != '.' && p[j] != '[')
                j++;
            if (j == i)
                return ss_diag_set(diag, SS_EINPUT, "malformed alias path '%.*s'", (int)len, p);
            segs[n++] = (struct pseg){{p + i, j - i}, false};
            i = j;
        }
    }
    f->segs = ss_arena_memdup(a, segs, n * sizeof(segs[0]) + 1);
    f->nsegs = n;
    f->nstars = stars;
    return SS_OK;
}

/* tags['x'], tags[x], tags.x -> the tag name (quotes doubled inside '' undone). */
static bool parse_tag(struct ss_arena *a, const char *p, size_t len, struct ss_str *tag)
{
    if (len < 6 || !ss_mem_eq_nocase(p, "tags", 4))
        return false;
    const char *q = p + 4;
    size_t n = len - 4;
    if (q[0] == '.') {
        tag->ptr = q + 1;
        tag->len = n - 1;
        return n > 1;
    }
    if (q[0] != '[' || q[n - 1] != ']')
        return false;
    q++;
    n -= 2;
    if (n >= 2 && q[0] == '\'' && q[n - 1] == '\'') {
        q++;
        n -= 2;
    }
    char *out = ss_arena_alloc(a, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        out[o++] = q[i];
        if (q[i] == '\'' && i + 1 < n && q[i + 1] == '\'')
            i++;
    }
    tag->ptr = out;
    tag->len = o;
    return true;
}

static const struct alias_exception *exception_of(const char *p, size_t len, size_t *rest)
{
    for (size_t i = 0; i < SS_ARRAY_LEN(alias_exceptions); i++) {
        const struct alias_exception *e = &alias_exceptions[i];
        size_t n = strlen(e->alias);
        bool prefix = e->alias[n - 1] == '.';
        if (prefix ? (len > n && ss_mem_eq_nocase(p, e->alias, n))
                   : (len == n && ss_mem_eq_nocase(p, e->alias, n))) {
            *rest = n;
            return e;
        }
    }
    return NULL;
}

/* Path of an alias through the table, the exceptions, or the rule. */
static enum ss_err parse_alias(struct ss_arena *a, const struct ss_policy_aliases *tab,
                               const char *p, size_t len, struct fieldref *f, struct ss_diag *diag)
{
    const char *path = tab ? ss_map_get(&tab->map, p, len) : NULL;
    size_t rest = len;
    const struct alias_exception *ex = exception_of(p, len, &rest);
    if (path) /* the table wins; an exception may still add its alternative path */
        rest = len;
    if (ex && ex->alt) {
        f->alt = ss_arena_calloc(a, 1, sizeof(*f->alt));
        f->alt->kind = FK_ALIAS;
        f->alt->text = f->text;
        f->alt->exact = true;
        enum ss_err e = ss__alias_path(a, ex->alt, strlen(ex->alt), f->alt, diag);
        if (e != SS_OK)
            return e;
    }
    if (ex && !path)
        path = ex->path;
    if (path) {
        size_t plen = strlen(path);
        char *full = ss_arena_alloc(a, plen + (len - rest) + 1);
        memcpy(full, path, plen);
        memcpy(full + plen, p + rest, len - rest);
        f->exact = true;
        return ss__alias_path(a, full, plen + (len - rest), f, diag);
    }
    const char *slash = p + len;
    while (slash > p && slash[-1] != '/')
        slash--;
    if (slash == p) { /* no namespace: a top-level path such as sku.name */
        f->exact = true;
        return ss__alias_path(a, p, len, f, diag);
    }
    enum ss_err e = ss__alias_path(a, slash, (size_t)(p + len - slash), f, diag);
    if (e == SS_OK && f->nsegs && !f->segs[0].star)
        for (size_t i = 0; i < SS_ARRAY_LEN(top_level); i++)
            if (eq_ci(f->segs[0].key.ptr, f->segs[0].key.len, top_level[i]))
                f->top = true;
    return e;
}

enum ss_err ss__field_parse(struct ss_arena *a, const struct ss_policy_aliases *tab, const char *p,
                            size_t len, struct fieldref *out, struct ss_diag *diag)
{
    memset(out, 0, sizeof(*out));
    out->text.ptr = p;
    out->text.len = len;
    if (len == 0)
        return ss_diag_set(diag, SS_EINPUT, "empty field name");
    for (size_t i = 0; i < SS_ARRAY_LEN(special_fields); i++)
        if (eq_ci(p, len, special_fields[i].name)) {
            out->kind = special_fields[i].kind;
            return SS_OK;
        }
    if (parse_tag(a, p, len, &out->tag)) {
        out->kind = FK_TAG;
        return SS_OK;
    }
    out->kind = FK_ALIAS;
    return parse_alias(a, tab, p, len, out, diag);
}

bool ss__path_prefix(const struct fieldref *pre, uint32_t npre, const struct fieldref *f)
{
    if (pre->kind != FK_ALIAS || f->kind != FK_ALIAS || npre > f->nsegs || pre->exact != f->exact)
        return false;
    for (uint32_t i = 0; i < npre; i++) {
        const struct pseg *x = &pre->segs[i], *y = &f->segs[i];
        if (x->star != y->star || !ss__str_eq_ci(x->key, y->key))
            return false;
    }
    return true;
}

struct ss_json ss__json_get_deep(struct ss_json obj, struct ss_str key, bool deep)
{
    struct ss_json v = ss_json_get_nocase(obj, key.ptr, key.len);
    while (!ss_json_exists(v) && deep) {
        obj = ss_json_get_nocase(obj, "properties", 10);
        if (ss_json_kind(obj) != SS_JSON_OBJECT)
            break;
        v = ss_json_get_nocase(obj, key.ptr, key.len);
    }
    return v;
}

struct ss_str ss__res_type(struct ss_json res)
{
    struct ss_json t = ss_json_get_nocase(res, "ExtensionResourceType", 21);
    if (ss_json_kind(t) != SS_JSON_STRING)
        t = ss_json_get_nocase(res, "type", 4);
    return ss_json_str(t);
}

/* ---- the alias table file ---- */

static enum ss_err read_all(const char *path, struct ss_buf *out, struct ss_diag *diag)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return ss_diag_set(diag, SS_EOPEN, "cannot open %s", path);
    char chunk[65536];
    int n;
    enum ss_err e = SS_OK;
    while ((n = gzread(gz, chunk, sizeof(chunk))) > 0) {
        if (out->len + (size_t)n > SS_POLICY_MAX_ALIAS_FILE) {
            e = ss_diag_set(diag, SS_ETOOBIG, "%s: alias table larger than %u bytes", path,
                            SS_POLICY_MAX_ALIAS_FILE);
            break;
        }
        ss_buf_add(out, chunk, (size_t)n);
    }
    if (e == SS_OK && n < 0)
        e = ss_diag_set(diag, SS_EIO, "%s: cannot decompress", path);
    gzclose(gz);
    return e;
}

static enum ss_err add_line(struct ss_policy_aliases *t, const char *p, size_t len, unsigned lineno,
                            struct ss_diag *diag)
{
    while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
        len--;
    if (len == 0)
        return SS_OK;
    const char *comma = memchr(p, ',', len);
    if (!comma || comma == p || comma + 1 == p + len)
        return ss_diag_set(diag, SS_EINPUT, "line %u: expected 'alias,path'", lineno);
    size_t alen = (size_t)(comma - p);
    if (lineno == 1 && eq_ci(p, alen, "alias"))
        return SS_OK; /* header */
    char *path = ss_arena_strndup(&t->mem, comma + 1, (size_t)(p + len - comma - 1));
    ss_map_put(&t->map, p, alen, path, NULL);
    return SS_OK;
}

enum ss_err ss_policy_aliases_load(const char *path, struct ss_policy_aliases **out,
                                   struct ss_diag *diag)
{
    struct ss_buf b;
    ss_buf_init(&b);
    enum ss_err e = read_all(path, &b, diag);
    struct ss_policy_aliases *t = ss_xcalloc(1, sizeof(*t));
    ss_map_init(&t->map, SS_MAP_NOCASE);
    ss_arena_init(&t->mem, 0);
    unsigned lineno = 0;
    for (size_t i = 0; e == SS_OK && i < b.len;) {
        const char *nl = memchr(b.ptr + i, '\n', b.len - i);
        size_t end = nl ? (size_t)(nl - b.ptr) : b.len;
        e = add_line(t, b.ptr + i, end - i, ++lineno, diag);
        i = end + 1;
    }
    ss_buf_release(&b);
    if (e != SS_OK) {
        ss_diag_set_file(diag, path);
        ss_policy_aliases_free(t);
        return e;
    }
    *out = t;
    return SS_OK;
}

void ss_policy_aliases_free(struct ss_policy_aliases *a)
{
    if (!a)
        return;
    ss_map_release(&a->map);
    ss_arena_release(&a->mem);
    free(a);
}

size_t ss_policy_aliases_count(const struct ss_policy_aliases *a)
{
    return a ? a->map.count : 0;
}
