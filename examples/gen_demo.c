/*
 * gen_demo - writes the demo tenant that `make demo` scores (examples/README.md).
 *
 * A deterministic generator: the same seed and options give the same bytes.
 * It reads the catalog (catalog/recommendations.json, catalog/controls.json)
 * and writes into DIR:
 *
 *   tenant/hierarchy.json     management groups and subscriptions (our hierarchy format)
 *   tenant/inventory.jsonl    the resources, one per line (subscriptions first)
 *   tenant/assessments.json   an Azure Resource Graph response of securityresources
 *                             rows of type microsoft.security/assessments
 *   exemptions.json           exemptions and a disabled recommendation (scan --exemptions)
 *   expected-scores.csv       the scores this generator expects at --as-of, computed here
 *                             independently of the engine (DESIGN.md §3), for the tests
 *
 * The tenant: a root group with two management groups, five subscriptions
 * (three Azure, one of them disabled, an AWS and a GCP connector), resources
 * of every type the catalog names plus inventory-only types, assessments
 * whose health varies by subscription, severity and recommendation, preview
 * and custom recommendations (neither counts), exemptions at resource,
 * resource-group and subscription scope (one expired) and a recommendation
 * disabled at a management group.
 *
 * Self-contained on purpose (any C11 compiler, no library): it carries a
 * small JSON reader for the catalog, which is trusted input, so any fault in
 * it is fatal.
 *
 * usage: gen_demo [--seed N] [--resources N] [--as-of TIME] [--recommendations FILE]
 *                 [--controls FILE] --out DIR
 */
#define _POSIX_C_SOURCE 200809L /* strcasecmp, mkdir */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NSUBS 5
#define MAX_CTL 8

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_demo: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

/* ---- random numbers: splitmix64, seeded per entity so that outputs are stable ---- */

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static uint64_t hash_str(uint64_t seed, const char *s)
{
    uint64_t h = 0xcbf29ce484222325u ^ mix64(seed);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    return mix64(h);
}

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
    r->s += 0x9e3779b97f4a7c15u;
    return mix64(r->s);
}

/* Uniform in [0, 1). */
static double unif(struct rng *r)
{
    return (double)(rnd(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int below(struct rng *r, int n)
{
    return n > 0 ? (int)(rnd(r) % (uint64_t)n) : 0;
}

/* A version-4 GUID, lower case. */
static void guid(struct rng *r, char out[37])
{
    unsigned char b[16];
    for (int i = 0; i < 16; i++)
        b[i] = (unsigned char)rnd(r);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* ---- a small JSON reader (the catalog files) ---- */

enum jkind { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
    enum jkind k;
    double num;
    char *s;      /* J_STR */
    struct jv *v; /* J_ARR, J_OBJ: n values */
    char **keys;  /* J_OBJ: n keys */
    size_t n;
};

struct jp {
    const char *p, *start, *end, *file;
};

static void jp_fail(const struct jp *jp, const char *msg)
{
    die("%s: byte %ld: %s", jp->file, (long)(jp->p - jp->start), msg);
}

static void jp_ws(struct jp *jp)
{
    while (jp->p < jp->end && strchr(" \t\r\n", *jp->p))
        jp->p++;
}

static void put_utf8(char **o, unsigned cp)
{
    unsigned char *u = (unsigned char *)*o;
    if (cp < 0x80) {
        *u++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *u++ = (unsigned char)(0xc0 | cp >> 6);
        *u++ = (unsigned char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *u++ = (unsigned char)(0xe0 | cp >> 12);
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        *u++ = (unsigned char)(0x80 | (cp & 0x3f));
    } else {
        *u++ = (unsigned char)(0xf0 | cp >> 18);
        *u++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        *u++ = (unsigned char)(0x80 | (cp & 0x3f));
    }
    *o = (char *)u;
}

static unsigned jp_hex4(struct jp *jp)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++, jp->p++) {
        if (jp->p >= jp->end || !isxdigit((unsigned char)*jp->p))
            jp_fail(jp, "bad \\u escape");
        char c = (char)tolower((unsigned char)*jp->p);
        v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
}

static void jp_escape(struct jp *jp, char **o)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    char c = *jp->p++;
    const char *at = c ? strchr(from, c) : NULL;
    if (at) {
        *(*o)++ = to[at - from];
        return;
    }
    if (c != 'u')
        jp_fail(jp, "bad escape");
    unsigned cp = jp_hex4(jp);
    if (cp >= 0xd800 && cp < 0xdc00 && jp->end - jp->p >= 6 && jp->p[0] == '\\' &&
        jp->p[1] == 'u') {
        jp->p += 2;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (jp_hex4(jp) - 0xdc00);
    }
    put_utf8(o, cp);
}

/* A string (the opening quote is next); returns it decoded, NUL-terminated. */
static char *jp_string(struct jp *jp)
{
    const char *q = ++jp->p;
    while (q < jp->end && *q != '"')
        q += *q == '\\' ? 2 : 1;
    if (q >= jp->end)
        jp_fail(jp, "unterminated string");
    char *s = xrealloc(NULL, (size_t)(q - jp->p) + 1), *o = s;
    while (*jp->p != '"') {
        if (*jp->p == '\\') {
            jp->p++;
            jp_escape(jp, &o);
        } else {
            *o++ = *jp->p++;
        }
    }
    jp->p++;
    *o = '\0';
    return s;
}

static void jp_value(struct jp *jp, struct jv *out);

static void jp_container(struct jp *jp, struct jv *out, bool obj)
{
    char close = obj ? '}' : ']';
    out->k = obj ? J_OBJ : J_ARR;
    jp->p++;
    jp_ws(jp);
    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        return;
    }
    for (;;) {
        out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
        if (obj) {
            out->keys = xrealloc(out->keys, (out->n + 1) * sizeof(*out->keys));
            jp_ws(jp);
            if (jp->p >= jp->end || *jp->p != '"')
                jp_fail(jp, "expected a key");
            out->keys[out->n] = jp_string(jp);
            jp_ws(jp);
            if (jp->p >= jp->end || *jp->p++ != ':')
                jp_fail(jp, "expected ':'");
        }
        jp_value(jp, &out->v[out->n++]);
        jp_ws(jp);
        if (jp->p < jp->end && *jp->p == ',') {
            jp->p++;
            continue;
        }
        if (jp->p >= jp->end || *jp->p++ != close)
            jp_fail(jp, obj ? "expected ',' or '}'" : "expected ',' or ']'");
        return;
    }
}

static void jp_value(struct jp *jp, struct jv *out)
{
    static const struct {
        const char *word;
        enum jkind k;
    } words[] = {{"null", J_NULL}, {"false", J_FALSE}, {"true", J_TRUE}};
    memset(out, 0, sizeof(*out));
    jp_ws(jp);
    if (jp->p >= jp->end)
        jp_fail(jp, "unexpected end");
    if (*jp->p == '{' || *jp->p == '[') {
        jp_container(jp, out, *jp->p == '{');
        return;
    }
    if (*jp->p == '"') {
        out->k = J_STR;
        out->s = jp_string(jp);
        return;
    }
    for (size_t i = 0; i < ARRAY_LEN(words); i++) {
        size_t n = strlen(words[i].word);
        if ((size_t)(jp->end - jp->p) >= n && memcmp(jp->p, words[i].word, n) == 0) {
            out->k = words[i].k;
            jp->p += n;
            return;
        }
    }
    char *end;
    out->k = J_NUM;
    out->num = strtod(jp->p, &end);
    if (end == jp->p)
        jp_fail(jp, "unexpected character");
    jp->p = end;
}

static struct jv *json_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, n;
    char buf[65536];
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        text = xrealloc(text, len + n + 1);
        memcpy(text + len, buf, n);
        len += n;
    }
    fclose(f);
    text = xrealloc(text, len + 1);
    text[len] = '\0';
    struct jp jp = {text, text, text + len, path};
    struct jv *v = xrealloc(NULL, sizeof(*v));
    jp_value(&jp, v);
    jp_ws(&jp);
    if (jp.p != jp.end)
        jp_fail(&jp, "trailing text");
    free(text);
    return v;
}

static const struct jv *jget(const struct jv *o, const char *key)
{
    for (size_t i = 0; o && o->k == J_OBJ && i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0)
            return &o->v[i];
    return NULL;
}

static const char *jstr(const struct jv *o, const char *key)
{
    const struct jv *v = jget(o, key);
    return v && v->k == J_STR ? v->s : "";
}

/* ---- a small JSON writer: commas placed automatically, newlines up to a depth ---- */

struct jw {
    FILE *f;
    int depth, pretty_depth; /* members at depth <= pretty_depth go on their own lines */
    bool need_comma[64];
    bool after_key;
};

static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void jw_newline(struct jw *w, int depth)
{
    if (depth > w->pretty_depth)
        return;
    fputc('\n', w->f);
    for (int i = 0; i < depth; i++)
        fputs("  ", w->f);
}

static void jw_sep(struct jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (w->need_comma[w->depth])
            fputc(',', w->f);
        jw_newline(w, w->depth);
    }
    w->need_comma[w->depth] = true;
}

static void jw_open(struct jw *w, char c)
{
    jw_sep(w);
    fputc(c, w->f);
    w->need_comma[++w->depth] = false;
}

static void jw_close(struct jw *w, char c)
{
    if (w->need_comma[w->depth] && w->depth <= w->pretty_depth)
        jw_newline(w, w->depth - 1);
    w->depth--;
    fputc(c, w->f);
}

static void jw_key(struct jw *w, const char *key)
{
    jw_sep(w);
    put_str(w->f, key);
    fputs(w->depth <= w->pretty_depth ? ": " : ":", w->f);
    w->after_key = true;
}

static void jw_str(struct jw *w, const char *s)
{
    jw_sep(w);
    put_str(w->f, s);
}

static void jw_kstr(struct jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    jw_str(w, s);
}

static void jw_kint(struct jw *w, const char *key, long v)
{
    jw_key(w, key);
    jw_sep(w);
    fprintf(w->f, "%ld", v);
}

static void jw_raw(struct jw *w, const char *raw)
{
    jw_sep(w);
    fputs(raw, w->f);
}

static void jw_kraw(struct jw *w, const char *key, const char *raw)
{
    jw_key(w, key);
    jw_raw(w, raw);
}

/* Writes a parsed value back (the catalog's arrays of names). */
static void jw_value(struct jw *w, const struct jv *v)
{
    switch (v->k) {
    case J_NULL:
        jw_sep(w), fputs("null", w->f);
        break;
    case J_FALSE:
        jw_sep(w), fputs("false", w->f);
        break;
    case J_TRUE:
        jw_sep(w), fputs("true", w->f);
        break;
    case J_NUM:
        jw_sep(w), fprintf(w->f, "%.17g", v->num);
        break;
    case J_STR:
        jw_str(w, v->s);
        break;
    case J_ARR:
    case J_OBJ:
        jw_open(w, v->k == J_OBJ ? '{' : '[');
        for (size_t i = 0; i < v->n; i++) {
            if (v->k == J_OBJ)
                jw_key(w, v->keys[i]);
            jw_value(w, &v->v[i]);
        }
        jw_close(w, v->k == J_OBJ ? '}' : ']');
        break;
    }
}

/* ---- the tenant's shape ---- */

enum { SUB_PROD, SUB_DEV, SUB_LEGACY, SUB_AWS, SUB_GCP };
enum { MG_ROOT, MG_PROD, MG_DEV, NMGS };

struct mg_def {
    const char *name, *display; /* name "" = the tenant id (Azure's root group) */
    int parent;
};

static const struct mg_def mg_defs[NMGS] = {
    {"", "Tenant Root Group", -1},
    {"contoso-production", "Production", MG_ROOT},
    {"contoso-development", "Development", MG_ROOT},
};

struct sub_def {
    const char *name, *state, *env, *source; /* source: resourceDetails.Source */
    const char *tag_env, *abbr;
    int mg;
    double share;             /* of the resources */
    double base;              /* multiplies every failure probability */
    double wellkept;          /* fraction of resources that are looked after */
    double high_sev;          /* multiplier for High severity (teams fix those first) */
    const char *workloads[7]; /* NULL-terminated */
    const char *locations[4]; /* NULL-terminated */
};

/* clang-format off */
static const struct sub_def sub_defs[NSUBS] = {
    /* name, state, environment, resourceDetails.Source, environment tag, abbreviation, group,
     * share, base, wellkept, high_sev, workloads (resource groups), locations */
    {"Contoso Production", "Enabled", "Azure", "Azure", "production", "prod", MG_PROD,
     0.40, 0.8, 0.5, 0.55,
     {"web", "api", "data", "payments", "identity", "shared", NULL},
     {"westeurope", "northeurope", NULL}},
    {"Contoso Development", "Enabled", "Azure", "Azure", "development", "dev", MG_DEV,
     0.30, 1.0, 0.30, 0.9,
     {"web", "api", "data", "sandbox", "ml", NULL},
     {"eastus", "eastus2", "westus2", NULL}},
    {"Contoso Legacy (retired)", "Disabled", "Azure", "Azure", "legacy", "old", MG_DEV,
     0.08, 1.2, 0.20, 1.0,
     {"erp", "files", NULL},
     {"westeurope", NULL}},
    {"AWS contoso-prod (123456789012)", "Enabled", "AWS", "Aws", "production", "aws", MG_PROD,
     0.14, 1.45, 0.15, 0.8,
     {"us-east-1", "eu-west-1", NULL},
     {"eastus", "westeurope", NULL}},
    {"GCP contoso-analytics", "Enabled", "GCP", "Gcp", "analytics", "gcp", MG_DEV,
     0.08, 1.15, 0.25, 0.85,
     {"europe-west1", NULL},
     {"westeurope", NULL}},
};
/* clang-format on */

enum name_style { NM_HYPHEN, NM_ALNUM, NM_CHILD, NM_HOST, NM_REPO };
enum props {
    P_GENERIC,
    P_VM,
    P_VMSS,
    P_STORAGE,
    P_SITE,
    P_VAULT,
    P_SQL,
    P_ARC,
    P_K8S,
    P_AKS,
    P_VNET,
    P_SUBNET,
    P_DISK,
    P_NIC,
    P_PIP,
    P_REPO,
    P_CLASSIC_VM
};

/* Resource types: Azure's casing, how to name them, and how many per 1000 in each
 * subscription (Production, Development, Legacy, AWS, GCP). */
struct type_def {
    const char *type;
    const char *abbr;
    enum name_style style;
    enum props props;
    const char *parent;   /* child resources: the parent's type */
    const char *path;     /* the id's path after providers/ when not the type (DevOps) */
    const char *workload; /* fixed workload (resource group), or NULL */
    int weight[NSUBS];
};

#define DEVOPS "Microsoft.Security/securityConnectors/"
/* clang-format off */
#define T(type, abbr, style, props, workload, ...) \
    {type, abbr, style, props, NULL, NULL, workload, {__VA_ARGS__}}
#define CHILD(type, abbr, style, props, parent, ...) \
    {type, abbr, style, props, parent, NULL, NULL, {__VA_ARGS__}}
#define PATH(type, abbr, style, props, path, workload, ...) \
    {type, abbr, style, props, NULL, path, workload, {__VA_ARGS__}}
/* clang-format on */
static const struct type_def type_defs[] = {
    T("Microsoft.Compute/virtualMachines", "vm", NM_HYPHEN, P_VM, NULL, 110, 90, 60, 0, 0),
    T("Microsoft.Compute/disks", "disk", NM_HYPHEN, P_DISK, NULL, 120, 90, 60, 0, 0),
    T("Microsoft.Network/networkInterfaces", "nic", NM_HYPHEN, P_NIC, NULL, 110, 90, 60, 0, 0),
    T("Microsoft.Network/publicIPAddresses", "pip", NM_HYPHEN, P_PIP, "network", 25, 25, 15, 0, 0),
    T("Microsoft.Network/networkSecurityGroups", "nsg", NM_HYPHEN, P_GENERIC, "network", 35, 30, 10,
      0, 0),
    T("Microsoft.Compute/virtualMachineScaleSets", "vmss", NM_HYPHEN, P_VMSS, NULL, 12, 10, 0, 0,
      0),
    T("Microsoft.Storage/storageAccounts", "st", NM_ALNUM, P_STORAGE, NULL, 80, 70, 40, 0, 0),
    T("Microsoft.ClassicStorage/storageAccounts", "cst", NM_ALNUM, P_GENERIC, NULL, 0, 0, 25, 0, 0),
    T("Microsoft.ClassicCompute/virtualMachines", "cvm", NM_HYPHEN, P_CLASSIC_VM, NULL, 0, 0, 45, 0,
      0),
    T("Microsoft.Web/serverFarms", "asp", NM_HYPHEN, P_GENERIC, NULL, 20, 15, 5, 0, 0),
    T("Microsoft.Web/sites", "app", NM_HYPHEN, P_SITE, NULL, 70, 60, 10, 0, 0),
    T("Microsoft.Insights/components", "appi", NM_HYPHEN, P_GENERIC, NULL, 20, 15, 0, 0, 0),
    T("Microsoft.KeyVault/vaults", "kv", NM_HYPHEN, P_VAULT, NULL, 35, 30, 8, 0, 0),
    T("Microsoft.Sql/servers", "sql", NM_HYPHEN, P_SQL, "data", 20, 15, 8, 0, 0),
    CHILD("Microsoft.Sql/servers/databases", "sqldb", NM_CHILD, P_GENERIC, "Microsoft.Sql/servers",
          45, 30, 12, 0, 0),
    T("Microsoft.Sql/managedInstances", "sqlmi", NM_HYPHEN, P_GENERIC, "data", 3, 1, 0, 0, 0),
    T("Microsoft.ContainerService/managedClusters", "aks", NM_HYPHEN, P_AKS, NULL, 8, 6, 0, 0, 0),
    T("Microsoft.ContainerRegistry/registries", "cr", NM_ALNUM, P_GENERIC, "shared", 6, 5, 0, 0, 0),
    T("Microsoft.DocumentDB/databaseAccounts", "cosmos", NM_HYPHEN, P_GENERIC, "data", 8, 6, 0, 0,
      0),
    T("Microsoft.DBforMySQL/servers", "mysql", NM_HYPHEN, P_GENERIC, "data", 5, 5, 3, 0, 0),
    T("Microsoft.DBforPostgreSQL/servers", "psql", NM_HYPHEN, P_GENERIC, "data", 8, 6, 0, 0, 0),
    T("Microsoft.DBforMariaDB/servers", "maria", NM_HYPHEN, P_GENERIC, "data", 2, 2, 0, 0, 0),
    T("Microsoft.Cache/Redis", "redis", NM_HYPHEN, P_GENERIC, NULL, 8, 5, 0, 0, 0),
    T("Microsoft.Network/virtualNetworks", "vnet", NM_HYPHEN, P_VNET, "network", 12, 10, 4, 0, 0),
    CHILD("Microsoft.Network/virtualNetworks/subnets", "snet", NM_CHILD, P_SUBNET,
          "Microsoft.Network/virtualNetworks", 40, 30, 8, 0, 0),
    T("Microsoft.Network/applicationGateways", "agw", NM_HYPHEN, P_GENERIC, "network", 4, 2, 0, 0,
      0),
    T("Microsoft.Network/frontdoors", "afd", NM_HYPHEN, P_GENERIC, "network", 2, 1, 0, 0, 0),
    T("Microsoft.Network/privateEndpoints", "pe", NM_HYPHEN, P_GENERIC, "network", 20, 8, 0, 0, 0),
    T("Microsoft.ServiceFabric/clusters", "sf", NM_HYPHEN, P_GENERIC, NULL, 2, 1, 1, 0, 0),
    T("Microsoft.CognitiveServices/accounts", "cog", NM_HYPHEN, P_GENERIC, NULL, 5, 6, 0, 0, 0),
    T("Microsoft.MachineLearningServices/workspaces", "mlw", NM_HYPHEN, P_GENERIC, NULL, 2, 4, 0, 0,
      0),
    T("Microsoft.OperationalInsights/workspaces", "log", NM_HYPHEN, P_GENERIC, "shared", 3, 2, 1, 0,
      0),
    T("Microsoft.AppConfiguration/configurationStores", "appcs", NM_HYPHEN, P_GENERIC, NULL, 4, 3,
      0, 0, 0),
    T("Microsoft.EventGrid/domains", "evgd", NM_HYPHEN, P_GENERIC, NULL, 2, 1, 0, 0, 0),
    T("Microsoft.EventGrid/topics", "evgt", NM_HYPHEN, P_GENERIC, NULL, 5, 4, 0, 0, 0),
    T("Microsoft.SignalRService/SignalR", "sigr", NM_HYPHEN, P_GENERIC, NULL, 2, 2, 0, 0, 0),
    T("Microsoft.AppPlatform/Spring", "spring", NM_HYPHEN, P_GENERIC, NULL, 1, 2, 0, 0, 0),
    T("Microsoft.VirtualMachineImages/imageTemplates", "it", NM_HYPHEN, P_GENERIC, "shared", 2, 1,
      0, 0, 0),
    T("Microsoft.DataLakeStore/accounts", "dls", NM_ALNUM, P_GENERIC, "data", 2, 1, 2, 0, 0),
    T("Microsoft.DataLakeAnalytics/accounts", "dla", NM_ALNUM, P_GENERIC, "data", 1, 1, 1, 0, 0),
    T("Microsoft.StreamAnalytics/streamingjobs", "asa", NM_HYPHEN, P_GENERIC, "data", 3, 2, 0, 0,
      0),
    T("Microsoft.Batch/batchAccounts", "ba", NM_ALNUM, P_GENERIC, NULL, 2, 2, 0, 0, 0),
    T("Microsoft.EventHub/namespaces", "evhns", NM_HYPHEN, P_GENERIC, NULL, 6, 4, 0, 0, 0),
    T("Microsoft.Logic/workflows", "logic", NM_HYPHEN, P_GENERIC, NULL, 12, 10, 0, 0, 0),
    T("Microsoft.Search/searchServices", "srch", NM_HYPHEN, P_GENERIC, NULL, 3, 2, 0, 0, 0),
    T("Microsoft.ServiceBus/namespaces", "sbns", NM_HYPHEN, P_GENERIC, NULL, 6, 4, 1, 0, 0),
    T("Microsoft.ApiManagement/service", "apim", NM_HYPHEN, P_GENERIC, "api", 2, 1, 0, 0, 0),
    T("Microsoft.Automation/automationAccounts", "aa", NM_HYPHEN, P_GENERIC, "shared", 3, 2, 1, 0,
      0),
    CHILD("Microsoft.Automation/automationAccounts/variables", "var", NM_CHILD, P_GENERIC,
          "Microsoft.Automation/automationAccounts", 10, 6, 3, 0, 0),
    T("Microsoft.Devices/IotHubs", "iot", NM_HYPHEN, P_GENERIC, NULL, 3, 2, 0, 0, 0),
    T("Microsoft.ManagedIdentity/userAssignedIdentities", "id", NM_HYPHEN, P_GENERIC, "identity",
      15, 10, 0, 0, 0),
    T("Microsoft.HybridCompute/machines", "arc", NM_HOST, P_ARC, NULL, 20, 0, 0, 620, 560),
    T("Microsoft.Kubernetes/connectedClusters", "k8s", NM_HYPHEN, P_K8S, NULL, 2, 0, 0, 22, 16),
    T("Microsoft.ConnectedVMwarevSphere/virtualMachines", "vmw", NM_HYPHEN, P_VM, "onprem", 10, 0,
      0, 0, 0),
    PATH(DEVOPS "devops/gitHubOwners/repos", "gh", NM_REPO, P_REPO,
         DEVOPS "conn-github/devops/default/gitHubOwners/contoso/repos", "devops", 0, 20, 0, 0, 0),
    PATH(DEVOPS "devops/azureDevOpsOrgs", "ado", NM_HYPHEN, P_GENERIC,
         DEVOPS "conn-azure-devops/devops/default/azureDevOpsOrgs", "devops", 0, 1, 0, 0, 0),
    CHILD(DEVOPS "devops/azureDevOpsOrgs/projects", "proj", NM_CHILD, P_GENERIC,
          DEVOPS "devops/azureDevOpsOrgs", 0, 3, 0, 0, 0),
    CHILD(DEVOPS "devops/azureDevOpsOrgs/projects/repos", "repo", NM_REPO, P_REPO,
          DEVOPS "devops/azureDevOpsOrgs/projects", 0, 12, 0, 0, 0),
    PATH(DEVOPS "devops/gitLabGroups/projects", "gl", NM_REPO, P_REPO,
         DEVOPS "conn-gitlab/devops/default/gitLabGroups/contoso-platform/projects", "devops", 0, 6,
         0, 0, 0),
};
#undef T
#undef CHILD
#undef PATH
#define NTYPES ARRAY_LEN(type_defs)

/* The subscription itself: a resource for subscription-level recommendations. */
#define TYPE_SUBSCRIPTION ((int)NTYPES)
#define SUBSCRIPTION_TYPE "Microsoft.Resources/subscriptions"

static bool type_is_machine(int t)
{
    if (t < 0 || t >= (int)NTYPES)
        return false;
    enum props p = type_defs[t].props;
    return p == P_VM || p == P_VMSS || p == P_ARC || p == P_CLASSIC_VM;
}

static int find_type(const char *type)
{
    if (strcasecmp(type, SUBSCRIPTION_TYPE) == 0)
        return TYPE_SUBSCRIPTION;
    for (size_t i = 0; i < NTYPES; i++)
        if (strcasecmp(type, type_defs[i].type) == 0)
            return (int)i;
    return -1;
}

/* ---- recommendations ---- */

enum os { OS_ANY, OS_WINDOWS, OS_LINUX };
enum exposure { NET_ANY, NET_INTERNET, NET_INTERNAL };

struct rec {
    const char *key, *name, *severity, *assessment_type, *description;
    const struct jv *meta; /* the catalog entry; NULL for custom ones */
    bool preview, counts;
    int types[4], ntypes;
    int ctl[MAX_CTL], nctl;
    double difficulty;   /* base probability of failing on a neglected resource */
    enum os os;          /* applies only to machines of this OS */
    enum exposure net;   /* applies only to internet-facing (or internal) machines */
    unsigned site_kinds; /* bit 0 web, 1 function, 2 API app; 0 = any */
    bool needs_sql;      /* SQL servers on machines */
    int custom_rule;     /* custom: how its status is decided (see status_custom) */
};

struct control {
    const char *id, *name;
    int max;
};

/* Custom recommendations: not in the catalog, so they must not count. */
struct custom_def {
    const char *key, *name, *type, *severity, *description;
    const char *types[3];
};

static const struct custom_def custom_defs[] = {
    {"8f3c2d8e-5b1a-4c7e-9d2f-6a1e0b7c4d93",
     "Resources should carry an owner tag",
     "CustomerManaged",
     "Low",
     "Contoso policy: every resource names its owning team in the 'owner' tag.",
     {"Microsoft.Compute/virtualMachines", "Microsoft.KeyVault/vaults",
      "Microsoft.Network/publicIPAddresses"}},
    {"2b7e9a41-c3d5-4f68-8e1b-0d9c7a5f3e26",
     "Storage accounts should declare a data classification",
     "CustomerManaged",
     "Medium",
     "Contoso policy: storage accounts carry a 'dataClassification' tag (public, internal, "
     "confidential).",
     {"Microsoft.Storage/storageAccounts", NULL, NULL}},
    {"c6d1f0b2-7a94-4e3b-a5c8-19e2f4d6b071",
     "Public IP addresses should be approved by the network team",
     "CustomPolicy",
     "High",
     "A custom policy: public IP addresses need an approval reference in the 'netApproval' tag.",
     {"Microsoft.Network/publicIPAddresses", NULL, NULL}},
};

struct catalog {
    struct rec *recs;
    int nrecs, nbuiltin;
    struct control *ctls;
    int nctls;
    int *by_type[NTYPES + 1]; /* recommendations per type */
    int nby_type[NTYPES + 1];
    struct jv *docs[2]; /* the parsed files, which the recommendations point into */
};

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* Applicability and difficulty, read from the recommendation's name and metadata. */
static void classify(struct rec *r, uint64_t seed)
{
    static const struct {
        const char *needle;
        unsigned bit;
    } kinds[] = {{"web app", 1}, {"function app", 2}, {"api app", 4}};
    r->os = contains_nocase(r->name, "linux")     ? OS_LINUX
            : contains_nocase(r->name, "windows") ? OS_WINDOWS
                                                  : OS_ANY;
    r->net =
        contains_nocase(r->name, "non-internet-facing") ? NET_INTERNAL
        : contains_nocase(r->name, "internet-facing") || contains_nocase(r->name, "internet facing")
            ? NET_INTERNET
            : NET_ANY;
    for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
        if (contains_nocase(r->name, kinds[i].needle))
            r->site_kinds |= kinds[i].bit;
    r->needs_sql = contains_nocase(r->name, "SQL servers on machines");
    double h = (double)(hash_str(seed, r->key) >> 11) * (1.0 / 9007199254740992.0);
    r->difficulty = 0.03 + 0.45 * h * h;
    if (strcmp(jstr(r->meta, "decidable"), "external") == 0)
        r->difficulty += 0.06; /* findings (vulnerabilities, updates) are harder to clear */
    if (strncmp(r->name, "[Enable if required]", 20) == 0)
        r->difficulty = 0.8; /* customer-managed keys are rarely configured */
    if (r->preview)
        r->difficulty += 0.3;
}

static void add_rec_type(struct catalog *c, int rec, const char *type)
{
    int t = find_type(type);
    if (t < 0)
        die("recommendation \"%s\": resource type %s is not in the demo's type table",
            c->recs[rec].name, type);
    struct rec *r = &c->recs[rec];
    if (r->ntypes < (int)ARRAY_LEN(r->types))
        r->types[r->ntypes++] = t;
    c->by_type[t] = xrealloc(c->by_type[t], (size_t)(c->nby_type[t] + 1) * sizeof(int));
    c->by_type[t][c->nby_type[t]++] = rec;
}

static void load_recs(struct catalog *c, const struct jv *list, uint64_t seed)
{
    if (!list || list->k != J_ARR)
        die("recommendations.json: no \"recommendations\" array");
    c->nbuiltin = (int)list->n;
    c->nrecs = c->nbuiltin + (int)ARRAY_LEN(custom_defs);
    c->recs = xrealloc(NULL, (size_t)c->nrecs * sizeof(*c->recs));
    memset(c->recs, 0, (size_t)c->nrecs * sizeof(*c->recs));
    for (int i = 0; i < c->nbuiltin; i++) {
        const struct jv *m = &list->v[i];
        struct rec *r = &c->recs[i];
        const struct jv *types = jget(m, "resourceTypes"), *pv = jget(m, "preview");
        r->meta = m;
        r->key = jstr(m, "key");
        r->name = jstr(m, "displayName");
        r->severity = jstr(m, "severity");
        r->description = jstr(m, "description");
        r->assessment_type = *jstr(m, "assessmentType") ? jstr(m, "assessmentType") : "BuiltIn";
        r->preview = pv && pv->k == J_TRUE;
        r->counts = strcmp(r->assessment_type, "BuiltIn") == 0 && !r->preview;
        classify(r, seed);
        for (size_t k = 0; types && types->k == J_ARR && k < types->n; k++)
            add_rec_type(c, i, types->v[k].s);
    }
    for (size_t j = 0; j < ARRAY_LEN(custom_defs); j++) {
        const struct custom_def *d = &custom_defs[j];
        int i = c->nbuiltin + (int)j;
        struct rec *r = &c->recs[i];
        r->key = d->key;
        r->name = d->name;
        r->severity = d->severity;
        r->description = d->description;
        r->assessment_type = d->type;
        r->custom_rule = (int)j + 1;
        for (size_t k = 0; k < ARRAY_LEN(d->types) && d->types[k]; k++)
            add_rec_type(c, i, d->types[k]);
    }
}

static int find_rec_key(const struct catalog *c, const char *key)
{
    for (int i = 0; i < c->nrecs; i++)
        if (strcasecmp(c->recs[i].key, key) == 0)
            return i;
    return -1;
}

static int rec_named(const struct catalog *c, const char *name)
{
    for (int i = 0; i < c->nrecs; i++)
        if (strcmp(c->recs[i].name, name) == 0)
            return i;
    die("the catalog has no recommendation \"%s\"", name);
}

static void load_controls(struct catalog *c, const struct jv *list)
{
    if (!list || list->k != J_ARR)
        die("controls.json: no \"controls\" array");
    c->nctls = (int)list->n;
    c->ctls = xrealloc(NULL, list->n * sizeof(*c->ctls));
    for (size_t i = 0; i < list->n; i++) {
        const struct jv *m = &list->v[i], *keys = jget(m, "assessmentKeys"),
                        *max = jget(m, "maxScore");
        c->ctls[i] =
            (struct control){jstr(m, "id"), jstr(m, "displayName"), max ? (int)max->num : 0};
        for (size_t k = 0; keys && keys->k == J_ARR && k < keys->n; k++) {
            int r = find_rec_key(c, keys->v[k].s);
            if (r < 0)
                continue; /* a key without metadata has no assessments */
            struct rec *rec = &c->recs[r];
            if (rec->nctl >= MAX_CTL)
                die("recommendation %s is in too many controls", rec->key);
            rec->ctl[rec->nctl++] = (int)i;
        }
    }
}

static void load_catalog(struct catalog *c, const char *recs, const char *ctls, uint64_t seed)
{
    memset(c, 0, sizeof(*c));
    c->docs[0] = json_load(recs);
    load_recs(c, jget(c->docs[0], "recommendations"), seed);
    c->docs[1] = json_load(ctls);
    load_controls(c, jget(c->docs[1], "controls"));
}

static void jv_release(struct jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        jv_release(&v->v[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->v);
    free(v->keys);
    free(v->s);
}

static void free_catalog(struct catalog *c)
{
    for (size_t i = 0; i < ARRAY_LEN(c->docs); i++) {
        jv_release(c->docs[i]);
        free(c->docs[i]);
    }
    for (size_t t = 0; t <= NTYPES; t++)
        free(c->by_type[t]);
    free(c->recs);
    free(c->ctls);
}

/* ---- resources ---- */

struct resource {
    char *id, *name, *rg;
    int type, sub;
    const char *location, *kind;
    enum os os;
    bool internet, sql, wellkept;
    bool tag_owner, tag_class, tag_approval;
    const char *owner;
    uint64_t seed;
};

struct tenant {
    char tenant_id[37];
    char sub_ids[NSUBS][37];
    char mg_names[NMGS][64];
    struct resource *res;
    int nres, cap;
    int first_of_type[NSUBS][NTYPES];
};

static const char *const teams[] = {"platform", "payments", "web", "data", "identity", "ml"};

static struct resource *new_resource(struct tenant *t)
{
    if (t->nres == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 1024;
        t->res = xrealloc(t->res, (size_t)t->cap * sizeof(*t->res));
    }
    struct resource *r = &t->res[t->nres++];
    memset(r, 0, sizeof(*r));
    return r;
}

static const char *pick_str(struct rng *r, const char *const *list)
{
    int n = 0;
    while (list[n])
        n++;
    return list[below(r, n)];
}

/* The resource's name, by its type's style. */
static void make_name(const struct type_def *td, const struct sub_def *sd, const char *workload,
                      int n, struct rng *g, char *out, size_t size)
{
    static const char *const repos[] = {
        "checkout",   "web-frontend",  "payments-api", "infra", "identity",
        "mobile-app", "data-pipeline", "ml-models",    "docs",  "terraform-modules",
        NULL};
    char wl[32];
    size_t k = 0;
    for (const char *p = workload; *p && k < sizeof(wl) - 1; p++)
        if (isalnum((unsigned char)*p))
            wl[k++] = *p;
    wl[k] = '\0';
    switch (td->style) {
    case NM_ALNUM:
        snprintf(out, size, "%s%s%.8s%04d", td->abbr, sd->abbr, wl, n);
        break;
    case NM_CHILD:
        snprintf(out, size, "%s-%03d", td->abbr, n);
        break;
    case NM_REPO:
        snprintf(out, size, "%s-%02d", pick_str(g, repos), n);
        break;
    case NM_HOST:
        if (strcmp(sd->env, "AWS") == 0)
            snprintf(out, size, "ip-10-%d-%d-%d", n >> 16 & 255, n >> 8 & 255, n & 255);
        else if (strcmp(sd->env, "GCP") == 0)
            snprintf(out, size, "gce-%s-%04d", workload, n);
        else
            snprintf(out, size, "srv-onprem-%04d", n);
        break;
    default:
        snprintf(out, size, "%s-%s-%s-%04d", td->abbr, sd->abbr, workload, n);
        break;
    }
}

/* Draws the facts that decide applicability and the custom recommendations. */
static void draw_traits(struct resource *r, const struct sub_def *sd, struct rng *g)
{
    const struct type_def *td = &type_defs[r->type];
    r->wellkept = unif(g) < sd->wellkept;
    r->os = OS_ANY;
    if (type_is_machine(r->type))
        r->os = unif(g) < (strcmp(sd->env, "Azure") == 0 ? 0.45 : 0.15) ? OS_WINDOWS : OS_LINUX;
    r->internet = unif(g) < 0.25 + 0.1 * (sd->base > 1);
    r->sql = r->os == OS_WINDOWS && unif(g) < 0.2;
    r->owner = teams[below(g, (int)ARRAY_LEN(teams))];
    r->tag_owner = unif(g) < (r->wellkept ? 0.97 : 0.7);
    r->tag_class = unif(g) < (r->wellkept ? 0.9 : 0.4);
    r->tag_approval = unif(g) < (r->wellkept ? 0.95 : 0.5);
    if (td->props == P_SITE) {
        static const char *const kinds[] = {"app", "app,linux", "functionapp", "functionapp,linux",
                                            "api", NULL};
        r->kind = pick_str(g, kinds);
    }
}

static int parent_of(const struct tenant *t, int sub, const char *parent_type, struct rng *g)
{
    int pt = find_type(parent_type);
    int first = t->first_of_type[sub][pt], n = 0;
    if (first < 0)
        return -1;
    while (first + n < t->nres && t->res[first + n].type == pt && t->res[first + n].sub == sub)
        n++;
    return first + below(g, n);
}

static void add_resource(struct tenant *t, int sub, int type, int n, uint64_t seed)
{
    const struct type_def *td = &type_defs[type];
    const struct sub_def *sd = &sub_defs[sub];
    struct rng g = {mix64(seed ^ ((uint64_t)sub << 48) ^ ((uint64_t)type << 32) ^ (uint64_t)n)};
    int parent = td->parent ? parent_of(t, sub, td->parent, &g) : -1;
    const char *workload = td->workload ? td->workload : pick_str(&g, sd->workloads);
    char name[96], id[1024];
    if (parent >= 0)
        workload = t->res[parent].rg + strlen("rg--") + strlen(sd->abbr);
    make_name(td, sd, workload, n, &g, name, sizeof(name));
    struct resource *r = new_resource(t);
    r->type = type;
    r->sub = sub;
    r->seed = rnd(&g);
    r->name = xstrdup(name);
    if (parent >= 0) {
        const char *last = strrchr(td->type, '/') + 1;
        snprintf(id, sizeof(id), "%s/%s/%s", t->res[parent].id, last, name);
        r->rg = xstrdup(t->res[parent].rg);
        r->location = t->res[parent].location;
    } else {
        char rg[96];
        snprintf(rg, sizeof(rg), "rg-%s-%s", sd->abbr, workload);
        r->rg = xstrdup(rg);
        r->location = pick_str(&g, sd->locations);
        snprintf(id, sizeof(id), "/subscriptions/%s/resourceGroups/%s/providers/%s/%s",
                 t->sub_ids[sub], rg, td->path ? td->path : td->type, name);
    }
    r->id = xstrdup(id);
    draw_traits(r, sd, &g);
}

static void add_subscription_resource(struct tenant *t, int sub, uint64_t seed)
{
    struct resource *r = new_resource(t);
    char id[64];
    snprintf(id, sizeof(id), "/subscriptions/%s", t->sub_ids[sub]);
    r->id = xstrdup(id);
    r->name = xstrdup(sub_defs[sub].name);
    r->rg = xstrdup("");
    r->type = TYPE_SUBSCRIPTION;
    r->sub = sub;
    r->seed = mix64(seed ^ 0x5ab5u ^ (uint64_t)sub);
    r->wellkept = sub == SUB_PROD;
    r->os = OS_ANY;
}

/* How many resources of each type a subscription gets: its share of `total`, spread by
 * the type weights, at least one of every type that has recommendations. */
static int type_count(const struct catalog *c, int sub, int type, int total)
{
    int wsum = 0, w = type_defs[type].weight[sub];
    for (size_t i = 0; i < NTYPES; i++)
        wsum += type_defs[i].weight[sub];
    if (!w || !wsum)
        return 0;
    int n = (int)(sub_defs[sub].share * total * w / wsum + 0.5);
    return n < 1 && c->nby_type[type] ? 1 : n;
}

static void make_tenant(struct tenant *t, const struct catalog *c, uint64_t seed, int total)
{
    struct rng g = {seed};
    memset(t, 0, sizeof(*t));
    guid(&g, t->tenant_id);
    for (int s = 0; s < NSUBS; s++)
        guid(&g, t->sub_ids[s]);
    for (int m = 0; m < NMGS; m++)
        snprintf(t->mg_names[m], sizeof(t->mg_names[m]), "%s",
                 *mg_defs[m].name ? mg_defs[m].name : t->tenant_id);
    for (int s = 0; s < NSUBS; s++) {
        add_subscription_resource(t, s, seed);
        for (size_t ty = 0; ty < NTYPES; ty++) {
            int n = type_count(c, s, (int)ty, total);
            t->first_of_type[s][ty] = n ? t->nres : -1;
            for (int i = 1; i <= n; i++)
                add_resource(t, s, (int)ty, i, seed);
        }
    }
}

/* ---- assessments ---- */

enum status { ST_HEALTHY, ST_UNHEALTHY, ST_NA };
static const char *const status_names[] = {"Healthy", "Unhealthy", "NotApplicable"};

enum na_cause { NA_NONE, NA_OS, NA_EXPOSURE, NA_SQL };

struct assessment {
    int res, rec;
    enum status status;
    enum na_cause cause;
    int first_day, change_day, second; /* days since 2026-01-01; second of the day */
};

struct assessments {
    struct assessment *a;
    int n, cap;
};

/* Subscription-level MFA states are set, not drawn, so the story is stable:
 * production is clean, development misses two (one of them exempted). */
static const struct {
    int sub;
    const char *rec;
    enum status status;
} pinned[] = {
    {SUB_PROD, "Accounts with owner permissions on Azure resources should be MFA enabled",
     ST_HEALTHY},
    {SUB_PROD, "Accounts with write permissions on Azure resources should be MFA enabled",
     ST_HEALTHY},
    {SUB_PROD, "MFA should be enabled on accounts with owner permissions on subscriptions",
     ST_HEALTHY},
    {SUB_PROD, "MFA should be enabled on accounts with write permissions on subscriptions",
     ST_HEALTHY},
    {SUB_DEV, "Accounts with owner permissions on Azure resources should be MFA enabled",
     ST_HEALTHY},
    {SUB_DEV, "Accounts with write permissions on Azure resources should be MFA enabled",
     ST_UNHEALTHY},
    {SUB_DEV, "MFA should be enabled on accounts with owner permissions on subscriptions",
     ST_HEALTHY},
    {SUB_DEV, "MFA should be enabled on accounts with write permissions on subscriptions",
     ST_UNHEALTHY},
};

/* Not applicable to this resource: the cause, else NA_NONE. */
static enum na_cause not_applicable(const struct rec *rec, const struct resource *r)
{
    if (!type_is_machine(r->type))
        return NA_NONE;
    if (rec->os != OS_ANY && r->os != rec->os)
        return NA_OS;
    if (rec->net == NET_INTERNET && !r->internet)
        return NA_EXPOSURE;
    if (rec->net == NET_INTERNAL && r->internet)
        return NA_EXPOSURE;
    if (rec->needs_sql && !r->sql)
        return NA_SQL;
    return NA_NONE;
}

/* Whether a recommendation is assessed on this resource at all (web app kinds). */
static bool assessed(const struct rec *rec, const struct resource *r)
{
    if (!rec->site_kinds || !r->kind)
        return true;
    unsigned bit = strncmp(r->kind, "functionapp", 11) == 0 ? 2
                   : strcmp(r->kind, "api") == 0            ? 4
                                                            : 1;
    return (rec->site_kinds & bit) != 0;
}

static enum status status_custom(const struct rec *rec, const struct resource *r)
{
    bool ok = rec->custom_rule == 1   ? r->tag_owner
              : rec->custom_rule == 2 ? r->tag_class
                                      : r->tag_approval;
    return ok ? ST_HEALTHY : ST_UNHEALTHY;
}

static enum status draw_status(const struct catalog *c, int rec_i, const struct resource *r,
                               struct rng *g)
{
    const struct rec *rec = &c->recs[rec_i];
    const struct sub_def *sd = &sub_defs[r->sub];
    if (rec->custom_rule)
        return status_custom(rec, r);
    for (size_t i = 0; i < ARRAY_LEN(pinned); i++)
        if (pinned[i].sub == r->sub && r->type == TYPE_SUBSCRIPTION &&
            strcmp(pinned[i].rec, rec->name) == 0)
            return pinned[i].status;
    double p = rec->difficulty * sd->base * (r->wellkept ? 0.1 : 1.0);
    if (strcmp(rec->severity, "High") == 0)
        p *= sd->high_sev;
    else if (strcmp(rec->severity, "Low") == 0)
        p *= 1.3;
    return unif(g) < (p < 0.97 ? p : 0.97) ? ST_UNHEALTHY : ST_HEALTHY;
}

static void add_assessment(struct assessments *as, int res, int rec, enum status st,
                           enum na_cause cause, struct rng *g)
{
    if (as->n == as->cap) {
        as->cap = as->cap ? 2 * as->cap : 65536;
        as->a = xrealloc(as->a, (size_t)as->cap * sizeof(*as->a));
    }
    int first = 59 + below(g, 220); /* March to early October 2026 */
    int change = first + below(g, 303 - first);
    as->a[as->n++] = (struct assessment){res, rec, st, cause, first, change, below(g, 86400)};
}

/* Connectors are not assessed on Azure's subscription-level recommendations. */
static bool azure_only(const struct resource *r)
{
    return r->type == TYPE_SUBSCRIPTION && strcmp(sub_defs[r->sub].env, "Azure") != 0;
}

static void assess_all(const struct tenant *t, const struct catalog *c, struct assessments *as)
{
    memset(as, 0, sizeof(*as));
    for (int i = 0; i < t->nres; i++) {
        const struct resource *r = &t->res[i];
        struct rng g = {r->seed};
        if (azure_only(r))
            continue;
        for (int k = 0; k < c->nby_type[r->type]; k++) {
            int rec = c->by_type[r->type][k];
            if (!assessed(&c->recs[rec], r))
                continue;
            enum na_cause cause = not_applicable(&c->recs[rec], r);
            enum status st = cause ? ST_NA : draw_status(c, rec, r, &g);
            add_assessment(as, i, rec, st, cause, &g);
        }
    }
}

/* ---- exemptions ---- */

struct exemption {
    char scope[1024];
    int rec;
    const char *ref; /* how the file names the recommendation: "key" or "name" */
    const char *category, *expires, *description;
    bool disable;
};

struct exemptions {
    struct exemption e[16];
    int n;
};

static bool in_control(const struct rec *r, int ctl)
{
    for (int i = 0; i < r->nctl; i++)
        if (r->ctl[i] == ctl)
            return true;
    return false;
}

/* True if assessment i is its resource's only counting unhealthy one in a control of its
 * recommendation (through the other assessments of the resource, which are adjacent):
 * exempting it then turns the resource healthy there. */
static bool sole_failure(const struct catalog *c, const struct assessments *as, int i)
{
    const struct rec *rec = &c->recs[as->a[i].rec];
    int first = i, end = i;
    while (first > 0 && as->a[first - 1].res == as->a[i].res)
        first--;
    while (end < as->n && as->a[end].res == as->a[i].res)
        end++;
    for (int k = 0; k < rec->nctl; k++) {
        bool alone = true;
        for (int j = first; j < end && alone; j++) {
            const struct rec *other = &c->recs[as->a[j].rec];
            alone = j == i || as->a[j].status != ST_UNHEALTHY || !other->counts ||
                    !in_control(other, rec->ctl[k]);
        }
        if (alone)
            return true;
    }
    return false;
}

/* The assessment of `rec` in `sub` that an exemption should cover so that it changes the
 * score: an unhealthy one that is its resource's only failure in a control; else a healthy one
 * that would be, made unhealthy (small tenants); else any unhealthy one; else -1. */
static int find_target(const struct tenant *t, const struct catalog *c, struct assessments *as,
                       int sub, int rec)
{
    int any = -1, healthy = -1;
    for (int i = 0; i < as->n; i++) {
        struct assessment *a = &as->a[i];
        if (a->rec != rec || a->status == ST_NA || t->res[a->res].sub != sub)
            continue;
        bool sole = sole_failure(c, as, i);
        if (a->status == ST_UNHEALTHY && sole)
            return i;
        if (a->status == ST_UNHEALTHY && any < 0)
            any = i;
        if (a->status == ST_HEALTHY && sole && healthy < 0)
            healthy = i;
    }
    if (healthy >= 0)
        as->a[healthy].status = ST_UNHEALTHY;
    return healthy >= 0 ? healthy : any;
}

enum scope_kind { SC_RESOURCE, SC_GROUP, SC_SUB, SC_MG };

static void add_exemption(struct exemptions *ex, const struct tenant *t, const struct catalog *c,
                          struct assessments *as, const struct exemption *proto, int sub,
                          enum scope_kind kind)
{
    struct exemption *e = &ex->e[ex->n++];
    *e = *proto;
    int a = kind <= SC_GROUP ? find_target(t, c, as, sub, e->rec) : -1;
    const struct resource *r = a >= 0 ? &t->res[as->a[a].res] : NULL;
    if (kind == SC_MG)
        snprintf(e->scope, sizeof(e->scope), "/providers/Microsoft.Management/managementGroups/%s",
                 t->mg_names[sub]);
    else if (r && kind == SC_RESOURCE)
        snprintf(e->scope, sizeof(e->scope), "%s", r->id);
    else if (r && kind == SC_GROUP)
        snprintf(e->scope, sizeof(e->scope), "/subscriptions/%s/resourceGroups/%s", t->sub_ids[sub],
                 r->rg);
    else /* a subscription, or nothing unhealthy to exempt (a tiny tenant) */
        snprintf(e->scope, sizeof(e->scope), "/subscriptions/%s", t->sub_ids[sub]);
}

/* The exemptions and the disabled recommendation (examples/README.md). May turn one healthy
 * assessment unhealthy per exemption so that each has something to exempt. */
static void make_exemptions(struct exemptions *ex, const struct tenant *t, struct assessments *as,
                            const struct catalog *c)
{
    struct exemption p;
    memset(ex, 0, sizeof(*ex));
#define EXEMPT(rec_name, how, cat, exp, desc, sub, kind)                                           \
    p = (struct exemption){"", rec_named(c, rec_name), how, cat, exp, desc, false};                \
    add_exemption(ex, t, c, as, &p, sub, kind)
    EXEMPT("Machines should have vulnerability findings resolved", "key", "Mitigated",
           "2027-01-31T00:00:00Z",
           "Findings are in a component isolated by network policy (change CHG-2291).", SUB_PROD,
           SC_RESOURCE);
    EXEMPT("FTPS should be required in web apps", "name", "Waiver", "2026-12-31T00:00:00Z",
           "The legacy deployment pipeline uploads over FTP until project PRJ-118 ships.", SUB_DEV,
           SC_GROUP);
    EXEMPT("MFA should be enabled on accounts with write permissions on subscriptions", "name",
           "Mitigated", NULL, "Development signs in through a federated third-party MFA provider.",
           SUB_DEV, SC_SUB);
    EXEMPT("Machines should have a vulnerability assessment solution", "key", "Waiver",
           "2027-03-31T00:00:00Z", "EC2 instances are scanned by Amazon Inspector.", SUB_AWS,
           SC_SUB);
    EXEMPT("Storage accounts should restrict network access using virtual network rules", "name",
           "Waiver", "2026-09-30T00:00:00Z",
           "Temporary: partner upload endpoint (expired; the partner moved to private link).",
           SUB_PROD, SC_GROUP);
#undef EXEMPT
    struct exemption *d = &ex->e[ex->n++];
    *d =
        (struct exemption){"",     rec_named(c, "Azure DDoS Protection Standard should be enabled"),
                           "name", NULL,
                           NULL,   NULL,
                           true};
    snprintf(d->scope, sizeof(d->scope), "/providers/Microsoft.Management/managementGroups/%s",
             t->mg_names[MG_DEV]);
}

/* ---- effective status and the expected scores (DESIGN.md §3, computed here) ---- */

static bool sub_in_mg(int sub, int mg)
{
    for (int m = sub_defs[sub].mg; m >= 0; m = mg_defs[m].parent)
        if (m == mg)
            return true;
    return false;
}

static bool scope_covers(const struct tenant *t, const char *scope, const struct resource *r)
{
    static const char mg_prefix[] = "/providers/Microsoft.Management/managementGroups/";
    if (strncmp(scope, mg_prefix, sizeof(mg_prefix) - 1) == 0) {
        for (int m = 0; m < NMGS; m++)
            if (strcmp(scope + sizeof(mg_prefix) - 1, t->mg_names[m]) == 0)
                return sub_in_mg(r->sub, m);
        return false;
    }
    size_t n = strlen(scope);
    return strncasecmp(r->id, scope, n) == 0 && (r->id[n] == '\0' || r->id[n] == '/');
}

static enum status effective(const struct tenant *t, const struct exemptions *ex,
                             const struct assessment *a, const char *as_of)
{
    const struct resource *r = &t->res[a->res];
    for (int i = 0; i < ex->n; i++) {
        const struct exemption *e = &ex->e[i];
        if (e->rec != a->rec || !scope_covers(t, e->scope, r))
            continue;
        if (e->disable || !e->expires || strcmp(e->expires, as_of) > 0)
            return ST_NA;
    }
    return a->status;
}

struct counts {
    long h, u, na;
};

struct scores {
    struct counts *ctl[NSUBS]; /* [sub][control] */
    long weight[NSUBS];
};

/* A resource's state in each control, from its counting assessments [first, end). */
static void resource_states(const struct tenant *t, const struct catalog *c,
                            const struct assessments *as, const struct exemptions *ex,
                            const char *as_of, int first, int end, struct scores *sc)
{
    unsigned char flags[64] = {0}; /* per control: 1 healthy, 2 unhealthy, 4 n/a */
    bool weighs = false;
    for (int i = first; i < end; i++) {
        const struct rec *rec = &c->recs[as->a[i].rec];
        if (!rec->counts)
            continue;
        enum status st = effective(t, ex, &as->a[i], as_of);
        weighs |= st != ST_NA;
        for (int k = 0; k < rec->nctl; k++)
            flags[rec->ctl[k]] |= (unsigned char)(1u << st);
    }
    int sub = t->res[as->a[first].res].sub;
    for (int k = 0; k < c->nctls; k++) {
        struct counts *n = &sc->ctl[sub][k];
        if (flags[k] & 2)
            n->u++;
        else if (flags[k] & 1)
            n->h++;
        else if (flags[k] & 4)
            n->na++;
    }
    sc->weight[sub] += weighs;
}

static void compute_scores(const struct tenant *t, const struct catalog *c,
                           const struct assessments *as, const struct exemptions *ex,
                           const char *as_of, struct scores *sc)
{
    if (c->nctls > 64)
        die("too many controls");
    for (int s = 0; s < NSUBS; s++) {
        sc->ctl[s] = xrealloc(NULL, (size_t)c->nctls * sizeof(struct counts));
        memset(sc->ctl[s], 0, (size_t)c->nctls * sizeof(struct counts));
        sc->weight[s] = 0;
    }
    for (int i = 0; i < as->n;) {
        int end = i;
        while (end < as->n && as->a[end].res == as->a[i].res)
            end++;
        resource_states(t, c, as, ex, as_of, i, end, sc);
        i = end;
    }
}

/* .NET Math.Round: ties to even after scaling (rint in the default rounding mode). */
static double round_to(double x, double scale)
{
    return rint(x * scale) / scale;
}

struct total {
    int max;
    double current, percentage;
    long weight;
};

/* Writes one scope: its total line and one line per control with resources. Pooled over
 * the enabled subscriptions in `subs` (a bit set). */
static void write_scope(FILE *f, const struct catalog *c, const struct scores *sc, const char *kind,
                        const char *id, unsigned subs, struct total *out)
{
    struct total tot = {0, 0, 0, 0};
    double sum = 0;
    char lines[64][320];
    int nlines = 0;
    for (int k = 0; k < c->nctls; k++) {
        struct counts n = {0, 0, 0};
        for (int s = 0; s < NSUBS; s++) {
            if (!(subs >> s & 1) || strcmp(sub_defs[s].state, "Enabled") != 0)
                continue;
            n.h += sc->ctl[s][k].h, n.u += sc->ctl[s][k].u, n.na += sc->ctl[s][k].na;
        }
        int max = n.h + n.u > 0 ? c->ctls[k].max : 0;
        double cur = n.h + n.u > 0 ? round_to((double)c->ctls[k].max * n.h / (n.h + n.u), 100) : 0;
        double pct = max > 0 ? round_to(cur / max, 10000) : 0;
        tot.max += max;
        sum += cur;
        if (n.h || n.u || n.na)
            snprintf(lines[nlines++], sizeof(lines[0]), "%s,%s,%s,%d,%.2f,%.4f,%ld,%ld,%ld,%ld",
                     kind, id, c->ctls[k].id, max, cur, pct, n.h, n.u, n.na, n.h + n.u);
    }
    for (int s = 0; s < NSUBS; s++)
        if ((subs >> s & 1) && strcmp(sub_defs[s].state, "Enabled") == 0)
            tot.weight += sc->weight[s];
    tot.current = round_to(sum, 100);
    tot.percentage = tot.max > 0 ? round_to(tot.current / tot.max, 10000) : 0;
    fprintf(f, "%s,%s,,%d,%.2f,%.4f,,,,%ld\n", kind, id, tot.max, tot.current, tot.percentage,
            tot.weight);
    for (int i = 0; i < nlines; i++)
        fprintf(f, "%s\n", lines[i]);
    if (out)
        *out = tot;
}

/* ---- output files ---- */

static FILE *create(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die("%s: %s", path, strerror(errno));
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static void finish(FILE *f, const char *name)
{
    if (ferror(f) || fclose(f) != 0)
        die("%s: write error", name);
}

static void write_expected(const char *dir, const struct tenant *t, const struct catalog *c,
                           const struct scores *sc, const char *as_of, struct total *tenant_total)
{
    FILE *f = create(dir, "expected-scores.csv");
    char id[160];
    fprintf(f,
            "# gen_demo: expected scores at %s (pooled); columns: scope_type,scope_id,"
            "control_id,max,current,percentage,healthy,unhealthy,not_applicable,weight\n",
            as_of);
    for (int s = 0; s < NSUBS; s++) {
        if (strcmp(sub_defs[s].state, "Enabled") != 0)
            continue; /* a disabled subscription has no score and no row */
        snprintf(id, sizeof(id), "/subscriptions/%s", t->sub_ids[s]);
        write_scope(f, c, sc, "subscription", id, 1u << s, NULL);
    }
    for (int m = 0; m < NMGS; m++) {
        unsigned subs = 0;
        for (int s = 0; s < NSUBS; s++)
            subs |= (unsigned)sub_in_mg(s, m) << s;
        snprintf(id, sizeof(id), "/providers/Microsoft.Management/managementGroups/%s",
                 t->mg_names[m]);
        write_scope(f, c, sc, "managementGroup", id, subs, NULL);
    }
    static const char *const envs[] = {"Azure", "AWS", "GCP"};
    for (size_t e = 0; e < ARRAY_LEN(envs); e++) {
        unsigned subs = 0;
        for (int s = 0; s < NSUBS; s++)
            subs |= (unsigned)(strcmp(sub_defs[s].env, envs[e]) == 0) << s;
        snprintf(id, sizeof(id), "environment/%s", envs[e]);
        write_scope(f, c, sc, "environment", id, subs, NULL);
    }
    write_scope(f, c, sc, "tenant", "/", (1u << NSUBS) - 1, tenant_total);
    finish(f, "expected-scores.csv");
}

static void write_hierarchy(const char *dir, const struct tenant *t)
{
    FILE *f = create(dir, "hierarchy.json");
    struct jw w = {f, 0, 99, {false}, false};
    jw_open(&w, '{');
    jw_key(&w, "managementGroups");
    jw_open(&w, '[');
    for (int m = 0; m < NMGS; m++) {
        jw_open(&w, '{');
        jw_kstr(&w, "name", t->mg_names[m]);
        jw_kstr(&w, "displayName", mg_defs[m].display);
        if (mg_defs[m].parent >= 0)
            jw_kstr(&w, "parent", t->mg_names[mg_defs[m].parent]);
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    jw_key(&w, "subscriptions");
    jw_open(&w, '[');
    for (int s = 0; s < NSUBS; s++) {
        jw_open(&w, '{');
        jw_kstr(&w, "subscriptionId", t->sub_ids[s]);
        jw_kstr(&w, "displayName", sub_defs[s].name);
        jw_kstr(&w, "state", sub_defs[s].state);
        jw_kstr(&w, "environment", sub_defs[s].env);
        jw_kstr(&w, "managementGroup", t->mg_names[sub_defs[s].mg]);
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    jw_close(&w, '}');
    fputc('\n', f);
    finish(f, "hierarchy.json");
}

/* properties of a Resource Graph subscription row (resourcecontainers). */
static void write_subscription_row(struct jw *w, const struct tenant *t, int s)
{
    jw_kstr(w, "subscriptionId", t->sub_ids[s]);
    jw_key(w, "properties");
    jw_open(w, '{');
    jw_kstr(w, "state", sub_defs[s].state);
    jw_key(w, "managementGroupAncestorsChain");
    jw_open(w, '[');
    for (int m = sub_defs[s].mg; m >= 0; m = mg_defs[m].parent) {
        jw_open(w, '{');
        jw_kstr(w, "name", t->mg_names[m]);
        jw_kstr(w, "displayName", mg_defs[m].display);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_close(w, '}');
}

static void write_tags(struct jw *w, const struct resource *r)
{
    jw_key(w, "tags");
    jw_open(w, '{');
    jw_kstr(w, "environment", sub_defs[r->sub].tag_env);
    if (r->tag_owner)
        jw_kstr(w, "owner", r->owner);
    if (r->tag_class && type_defs[r->type].props == P_STORAGE)
        jw_kstr(w, "dataClassification", r->wellkept ? "confidential" : "internal");
    if (r->tag_approval && type_defs[r->type].props == P_PIP)
        jw_kstr(w, "netApproval", "NET-4471");
    jw_close(w, '}');
}

static void props_machine(struct jw *w, const struct resource *r, struct rng *g)
{
    static const char *const sizes[] = {"Standard_D2s_v5", "Standard_D4s_v5", "Standard_B2ms",
                                        "Standard_E4s_v5", "Standard_F8s_v2", NULL};
    const char *os = r->os == OS_WINDOWS ? "Windows" : "Linux";
    char vmid[37];
    guid(g, vmid);
    jw_kstr(w, "vmId", vmid);
    jw_key(w, "hardwareProfile");
    jw_open(w, '{');
    jw_kstr(w, "vmSize", pick_str(g, sizes));
    jw_close(w, '}');
    jw_key(w, "storageProfile");
    jw_open(w, '{');
    jw_key(w, "osDisk");
    jw_open(w, '{');
    jw_kstr(w, "osType", os);
    jw_kstr(w, "name", "osdisk");
    jw_close(w, '}');
    jw_close(w, '}');
}

static void props_arc(struct jw *w, const struct resource *r)
{
    const char *env = sub_defs[r->sub].env;
    jw_kstr(w, "osType", r->os == OS_WINDOWS ? "windows" : "linux");
    jw_kstr(w, "status", "Connected");
    jw_kstr(w, "agentVersion", "1.46.02832.1543");
    jw_key(w, "cloudMetadata");
    jw_open(w, '{');
    jw_kstr(w, "provider", strcmp(env, "Azure") == 0 ? "N/A" : env);
    jw_close(w, '}');
}

static void write_properties(struct jw *w, const struct resource *r, struct rng *g)
{
    enum props p = type_defs[r->type].props;
    jw_key(w, "properties");
    jw_open(w, '{');
    if (p == P_VM || p == P_CLASSIC_VM) {
        props_machine(w, r, g);
    } else if (p == P_VMSS) {
        jw_key(w, "upgradePolicy");
        jw_open(w, '{');
        jw_kstr(w, "mode", unif(g) < 0.5 ? "Manual" : "Automatic");
        jw_close(w, '}');
    } else if (p == P_ARC) {
        props_arc(w, r);
    } else if (p == P_STORAGE) {
        jw_kraw(w, "supportsHttpsTrafficOnly", unif(g) < 0.9 ? "true" : "false");
        jw_kraw(w, "allowBlobPublicAccess", r->wellkept ? "false" : "true");
        jw_kstr(w, "minimumTlsVersion", r->wellkept ? "TLS1_2" : "TLS1_0");
        jw_key(w, "networkAcls");
        jw_open(w, '{');
        jw_kstr(w, "defaultAction", r->wellkept ? "Deny" : "Allow");
        jw_close(w, '}');
    } else if (p == P_SITE) {
        jw_kraw(w, "httpsOnly", r->wellkept ? "true" : "false");
        jw_kstr(w, "state", "Running");
    } else if (p == P_VAULT) {
        jw_kraw(w, "enableSoftDelete", "true");
        jw_kraw(w, "enablePurgeProtection", r->wellkept ? "true" : "false");
    } else if (p == P_SQL) {
        jw_kstr(w, "version", "12.0");
        jw_kstr(w, "minimalTlsVersion", "1.2");
        jw_kstr(w, "publicNetworkAccess", r->wellkept ? "Disabled" : "Enabled");
    } else if (p == P_AKS || p == P_K8S) {
        jw_kstr(w, "kubernetesVersion", unif(g) < 0.6 ? "1.29.4" : "1.28.9");
        if (p == P_K8S)
            jw_kstr(w, "distribution", strcmp(sub_defs[r->sub].env, "AWS") == 0 ? "eks" : "gke");
    } else if (p == P_VNET) {
        jw_kraw(w, "enableDdosProtection", "false");
    } else if (p == P_REPO) {
        jw_kstr(w, "visibility", unif(g) < 0.8 ? "private" : "public");
    }
    jw_kstr(w, "provisioningState", "Succeeded");
    jw_close(w, '}');
}

static void write_inventory(const char *dir, const struct tenant *t)
{
    FILE *f = create(dir, "inventory.jsonl");
    for (int i = 0; i < t->nres; i++) {
        const struct resource *r = &t->res[i];
        struct jw w = {f, 0, -1, {false}, false};
        struct rng g = {mix64(r->seed ^ 0x1f)};
        bool sub = r->type == TYPE_SUBSCRIPTION;
        jw_open(&w, '{');
        jw_kstr(&w, "id", r->id);
        jw_kstr(&w, "name", r->name);
        jw_kstr(&w, "type", sub ? SUBSCRIPTION_TYPE : type_defs[r->type].type);
        jw_kstr(&w, "tenantId", t->tenant_id);
        if (sub) {
            write_subscription_row(&w, t, r->sub);
        } else {
            if (r->kind)
                jw_kstr(&w, "kind", r->kind);
            jw_kstr(&w, "location", r->location);
            jw_kstr(&w, "resourceGroup", r->rg);
            jw_kstr(&w, "subscriptionId", t->sub_ids[r->sub]);
            write_tags(&w, r);
            write_properties(&w, r, &g);
        }
        jw_close(&w, '}');
        fputc('\n', f);
    }
    finish(f, "inventory.jsonl");
}

/* "2026-MM-DDThh:mm:ss.0000000Z" for day `day` of 2026 (0 = 1 January). */
static void fmt_day(int day, int second, char *out, size_t size)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int m = 0;
    while (m < 11 && day >= mdays[m])
        day -= mdays[m++];
    snprintf(out, size, "2026-%02d-%02dT%02d:%02d:%02d.0000000Z", m + 1, day + 1, second / 3600,
             second / 60 % 60, second % 60);
}

static void write_metadata(struct jw *w, const struct rec *rec)
{
    static const char *const copied[] = {"categories", "userImpact", "implementationEffort",
                                         "threats"};
    jw_key(w, "metadata");
    jw_open(w, '{');
    jw_kstr(w, "displayName", rec->name);
    jw_kstr(w, "assessmentType", rec->assessment_type);
    jw_kstr(w, "severity", rec->severity);
    jw_kstr(w, "description", rec->description);
    for (size_t i = 0; rec->meta && i < ARRAY_LEN(copied); i++) {
        const struct jv *v = jget(rec->meta, copied[i]);
        if (v) {
            jw_key(w, copied[i]);
            jw_value(w, v);
        }
    }
    if (rec->preview)
        jw_kraw(w, "preview", "true");
    jw_close(w, '}');
}

static const char *const na_text[][2] = {
    {"", ""},
    {"OsNotSupported", "This recommendation does not apply to the machine's operating system."},
    {"NotInternetFacing", "This recommendation depends on whether the machine is internet-facing."},
    {"NoSqlServer", "No SQL Server instance was found on this machine."},
};

static void write_status(struct jw *w, const struct assessment *a)
{
    char t1[64], t2[64];
    fmt_day(a->first_day, a->second, t1, sizeof(t1));
    fmt_day(a->change_day, a->second, t2, sizeof(t2));
    jw_key(w, "status");
    jw_open(w, '{');
    jw_kstr(w, "code", status_names[a->status]);
    if (a->status == ST_NA) {
        jw_kstr(w, "cause", na_text[a->cause][0]);
        jw_kstr(w, "description", na_text[a->cause][1]);
    } else if (a->status == ST_UNHEALTHY) {
        jw_kstr(w, "description", "The resource does not meet this recommendation.");
    }
    jw_kstr(w, "firstEvaluationDate", t1);
    jw_kstr(w, "statusChangeDate", t2);
    jw_close(w, '}');
}

static void write_resource_details(struct jw *w, const struct tenant *t, const struct resource *r)
{
    const char *source = sub_defs[r->sub].source;
    jw_key(w, "resourceDetails");
    jw_open(w, '{');
    jw_kstr(w, "Source", source);
    jw_kstr(w, "Id", r->id);
    if (strcmp(source, "Aws") == 0) {
        jw_kstr(w, "AwsAccountId", "123456789012");
        jw_kstr(w, "Region", strstr(r->rg, "eu-west-1") ? "eu-west-1" : "us-east-1");
    } else if (strcmp(source, "Gcp") == 0) {
        jw_kstr(w, "ProjectId", "contoso-analytics");
    }
    (void)t;
    jw_close(w, '}');
}

static void write_row(struct jw *w, const struct tenant *t, const struct catalog *c,
                      const struct assessment *a)
{
    const struct resource *r = &t->res[a->res];
    const struct rec *rec = &c->recs[a->rec];
    char id[1200];
    snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/assessments/%s", r->id, rec->key);
    jw_open(w, '{');
    jw_kstr(w, "id", id);
    jw_kstr(w, "name", rec->key);
    jw_kstr(w, "type", "microsoft.security/assessments");
    jw_kstr(w, "tenantId", t->tenant_id);
    jw_kstr(w, "kind", "");
    jw_kstr(w, "location", "");
    jw_kstr(w, "resourceGroup", r->rg);
    jw_kstr(w, "subscriptionId", t->sub_ids[r->sub]);
    jw_key(w, "properties");
    jw_open(w, '{');
    write_resource_details(w, t, r);
    jw_kstr(w, "displayName", rec->name);
    write_status(w, a);
    write_metadata(w, rec);
    jw_close(w, '}');
    jw_kraw(w, "tags", "null");
    jw_close(w, '}');
}

static void write_assessments(const char *dir, const struct tenant *t, const struct catalog *c,
                              const struct assessments *as)
{
    FILE *f = create(dir, "assessments.json");
    struct jw w = {f, 0, 2, {false}, false};
    jw_open(&w, '{');
    jw_kint(&w, "totalRecords", as->n);
    jw_kint(&w, "count", as->n);
    jw_key(&w, "data");
    jw_open(&w, '[');
    for (int i = 0; i < as->n; i++)
        write_row(&w, t, c, &as->a[i]);
    jw_close(&w, ']');
    jw_kraw(&w, "facets", "[]");
    jw_kstr(&w, "resultTruncated", "false");
    jw_close(&w, '}');
    fputc('\n', f);
    finish(f, "assessments.json");
}

static void write_exemption_list(struct jw *w, const struct catalog *c, const struct exemptions *ex,
                                 bool disabled)
{
    jw_key(w, disabled ? "disabled" : "exemptions");
    jw_open(w, '[');
    for (int i = 0; i < ex->n; i++) {
        const struct exemption *e = &ex->e[i];
        const struct rec *rec = &c->recs[e->rec];
        if (e->disable != disabled)
            continue;
        jw_open(w, '{');
        jw_kstr(w, "scope", e->scope);
        jw_key(w, "recommendations");
        jw_open(w, '[');
        jw_str(w, strcmp(e->ref, "key") == 0 ? rec->key : rec->name);
        jw_close(w, ']');
        if (e->category)
            jw_kstr(w, "category", e->category);
        if (e->expires)
            jw_kstr(w, "expiresOn", e->expires);
        if (e->description)
            jw_kstr(w, "description", e->description);
        jw_close(w, '}');
    }
    jw_close(w, ']');
}

static void write_exemptions(const char *dir, const struct catalog *c, const struct exemptions *ex)
{
    FILE *f = create(dir, "exemptions.json");
    struct jw w = {f, 0, 99, {false}, false};
    jw_open(&w, '{');
    write_exemption_list(&w, c, ex, false);
    write_exemption_list(&w, c, ex, true);
    jw_close(&w, '}');
    fputc('\n', f);
    finish(f, "exemptions.json");
}

/* ---- checks and summary ---- */

/* Every control must have assessed (healthy or unhealthy) resources in an enabled
 * subscription; preview and custom recommendations must have assessments. */
static void check_coverage(const struct catalog *c, const struct scores *sc,
                           const struct assessments *as, long *preview, long *custom)
{
    for (int k = 0; k < c->nctls; k++) {
        long n = 0;
        for (int s = 0; s < NSUBS; s++)
            if (strcmp(sub_defs[s].state, "Enabled") == 0)
                n += sc->ctl[s][k].h + sc->ctl[s][k].u;
        if (!n)
            die("control \"%s\" has no assessed resources", c->ctls[k].name);
    }
    *preview = *custom = 0;
    for (int i = 0; i < as->n; i++) {
        *preview += c->recs[as->a[i].rec].preview;
        *custom += c->recs[as->a[i].rec].custom_rule != 0;
    }
    if (!*preview || !*custom)
        die("no assessments of preview or custom recommendations");
}

static void summary(const struct tenant *t, const struct catalog *c, const struct assessments *as,
                    const struct exemptions *ex, const struct scores *sc, const struct total *tot,
                    const char *dir, const char *as_of)
{
    long preview, custom, na = 0;
    int types[NTYPES + 1] = {0}, ntypes = 0, expired = 0;
    check_coverage(c, sc, as, &preview, &custom);
    for (int i = 0; i < as->n; i++)
        na += as->a[i].status == ST_NA;
    for (int i = 0; i < t->nres; i++)
        ntypes += !types[t->res[i].type]++;
    for (int i = 0; i < ex->n; i++)
        expired += ex->e[i].expires && strcmp(ex->e[i].expires, as_of) <= 0;
    printf("gen_demo: wrote %s\n"
           "  %d subscriptions (1 disabled, 2 connectors), %d resources of %d types\n"
           "  %d assessments: %ld not applicable, %ld of preview and %ld of custom "
           "recommendations\n"
           "  %d exemptions (%d expired at %s), 1 recommendation disabled\n"
           "  expected tenant score (pooled): %.2f / %d = %.2f%%\n",
           dir, NSUBS, t->nres, ntypes, as->n, na, preview, custom, ex->n - 1, expired, as_of,
           tot->current, tot->max, tot->percentage * 100);
}

static void free_all(struct catalog *c, struct tenant *t, struct assessments *as, struct scores *sc)
{
    for (int i = 0; i < t->nres; i++) {
        free(t->res[i].id);
        free(t->res[i].name);
        free(t->res[i].rg);
    }
    free(t->res);
    free(as->a);
    for (int s = 0; s < NSUBS; s++)
        free(sc->ctl[s]);
    free_catalog(c);
}

/* ---- main ---- */

struct options {
    uint64_t seed;
    int resources;
    const char *out, *recs, *ctls, *as_of;
};

static void usage(FILE *f)
{
    fputs(
        "usage: gen_demo [OPTION...] --out DIR\n"
        "Writes the demo tenant into DIR (tenant/, exemptions.json, expected-scores.csv).\n"
        "  --seed N                random seed (default 1); the same seed, the same files\n"
        "  --resources N           about how many resources (default 3000)\n"
        "  --as-of TIME            when expected-scores.csv is computed for (exemption\n"
        "                          expiry), YYYY-MM-DDThh:mm:ssZ (default 2026-11-01T00:00:00Z)\n"
        "  --recommendations FILE  default catalog/recommendations.json (run from the repository)\n"
        "  --controls FILE         default catalog/controls.json\n",
        f);
}

static long number(const char *opt, const char *v, long min, long max)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max)
        die("%s: expected a number from %ld to %ld, got '%s'", opt, min, max, v);
    return n;
}

static void parse_args(int argc, char **argv, struct options *o)
{
    *o = (struct options){1,
                          3000,
                          NULL,
                          "catalog/recommendations.json",
                          "catalog/controls.json",
                          "2026-11-01T00:00:00Z"};
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (!v || strncmp(a, "--", 2) != 0) {
            usage(stderr);
            exit(2);
        }
        if (strcmp(a, "--seed") == 0)
            o->seed = (uint64_t)number(a, v, 0, 2147483647);
        else if (strcmp(a, "--resources") == 0)
            o->resources = (int)number(a, v, 1, 1000000);
        else if (strcmp(a, "--out") == 0)
            o->out = v;
        else if (strcmp(a, "--recommendations") == 0)
            o->recs = v;
        else if (strcmp(a, "--controls") == 0)
            o->ctls = v;
        else if (strcmp(a, "--as-of") == 0)
            o->as_of = v;
        else {
            fprintf(stderr, "gen_demo: unknown option '%s'\n", a);
            usage(stderr);
            exit(2);
        }
    }
    int y, mo, d, h, mi, s;
    char z;
    if (sscanf(o->as_of, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
        z != 'Z' || strlen(o->as_of) != 20)
        die("--as-of: expected YYYY-MM-DDThh:mm:ssZ, got '%s'", o->as_of);
    if (!o->out) {
        usage(stderr);
        exit(2);
    }
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        die("%s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
    struct options o;
    struct catalog c;
    struct tenant t;
    struct assessments as;
    struct exemptions ex;
    struct scores sc;
    struct total tot;
    char tenant_dir[4096];
    parse_args(argc, argv, &o);
    load_catalog(&c, o.recs, o.ctls, o.seed);
    make_tenant(&t, &c, o.seed, o.resources);
    assess_all(&t, &c, &as);
    make_exemptions(&ex, &t, &as, &c);
    compute_scores(&t, &c, &as, &ex, o.as_of, &sc);
    make_dir(o.out);
    snprintf(tenant_dir, sizeof(tenant_dir), "%s/tenant", o.out);
    make_dir(tenant_dir);
    write_hierarchy(tenant_dir, &t);
    write_inventory(tenant_dir, &t);
    write_assessments(tenant_dir, &t, &c, &as);
    write_exemptions(o.out, &c, &ex);
    write_expected(o.out, &t, &c, &sc, o.as_of, &tot);
    summary(&t, &c, &as, &ex, &sc, &tot, o.out, o.as_of);
    free_all(&c, &t, &as, &sc);
    return 0;
}
