/*
 * gen_assessments - deterministic generator of Azure Resource Graph
 * `securityresources` assessment rows for the scoring benchmark
 * (`make bench`, bench/run.sh section `scoring`).
 *
 *   gen_assessments [--resources N] [--per-resource K] [--seed S]
 *                   [--subscriptions M] [--order shuffled|grouped]
 *                   [--catalog FILE] [--stats]
 *
 * Writes N x K rows as JSON Lines to standard output: K assessments for each
 * of N resources spread over M subscriptions (default 1000, 10, 1, 20). A row
 * looks like what `securityresources | where type ==
 * 'microsoft.security/assessments'` returns:
 *
 *   {"id": "<resource id>/providers/Microsoft.Security/assessments/<key>",
 *    "name": "<key>", "type": "microsoft.security/assessments",
 *    "tenantId", "kind", "location", "resourceGroup", "subscriptionId",
 *    "managedBy", "sku", "plan",
 *    "properties": {"resourceDetails": {"Source": "Azure", "Id": "<resource id>"},
 *                   "displayName", "status": {"code", ["cause", "description",]
 *                   "firstEvaluationDate", "statusChangeDate"},
 *                   "metadata": {"displayName", "assessmentType", "severity",
 *                   "categories", "userImpact", "implementationEffort",
 *                   ["policyDefinitionId"]},
 *                   "links": {"azurePortal"}},
 *    "tags", "identity", "zones", "extendedLocation"}
 *
 * The recommendations are the real keys of the built-in catalog, read from
 * catalog/recommendations.json (--catalog) with the project's JSON API. Each
 * resource has one of the common ARM types below that at least K catalog
 * recommendations apply to (their `resourceTypes`), and K distinct such
 * recommendations. Statuses: 55 % Healthy, 30 % Unhealthy, 15 %
 * NotApplicable (with a cause and description).
 *
 * Every attribute of resource i, and of its j-th assessment, comes from a
 * random generator seeded by (seed, i) or (seed, i, j): rows can be written
 * in any order. `grouped` writes the K rows of a resource together;
 * `shuffled` (the default) writes all N x K rows in a pseudo-random order (a
 * Feistel permutation), as an export gives no grouping to rely on. The same
 * arguments give the same bytes on every machine (integer arithmetic only,
 * no libc randomness, no locale).
 *
 * With --stats, a last line "gen_assessments: rows=R bytes=B" goes to
 * standard error (bench/run.sh reads the size of a piped stream from it).
 *
 * Benchmark code, not part of the engine: it may print and exit.
 */
#define _GNU_SOURCE 1 /* F_SETPIPE_SZ */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_out.h"
#include "bench_rng.h"
#include "securescore/json.h"

/* ---- output buffer ---- */

#define OUT_FLUSH_AT (1u << 20) /* write(2) once this many bytes are buffered */
#define OUT_SLACK (64u << 10)   /* more than one row can take */

/* ---- random numbers: bench_rng.h ---- */

static uint64_t mix3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t x = a;
    uint64_t h = splitmix64(&x);
    x = h ^ b;
    h = splitmix64(&x);
    x = h ^ c;
    return splitmix64(&x);
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- vocabulary ---- */

/* Resource types: the catalog's lower-case type, ARM's spelling, a name prefix, a weight. */
static const struct {
    const char *type;
    const char *arm;
    const char *prefix;
    uint32_t weight;
} type_table[] = {
    {"microsoft.compute/virtualmachines", "Microsoft.Compute/virtualMachines", "vm", 30},
    {"microsoft.web/sites", "Microsoft.Web/sites", "app", 18},
    {"microsoft.hybridcompute/machines", "Microsoft.HybridCompute/machines", "arc", 12},
    {"microsoft.storage/storageaccounts", "Microsoft.Storage/storageAccounts", "st", 10},
    {"microsoft.sql/servers", "Microsoft.Sql/servers", "sql", 8},
    {"microsoft.keyvault/vaults", "Microsoft.KeyVault/vaults", "kv", 6},
    {"microsoft.compute/virtualmachinescalesets", "Microsoft.Compute/virtualMachineScaleSets",
     "vmss", 5},
    {"microsoft.containerservice/managedclusters", "Microsoft.ContainerService/managedClusters",
     "aks", 4},
    {"microsoft.kubernetes/connectedclusters", "Microsoft.Kubernetes/connectedClusters", "k8s", 2},
    {"microsoft.containerregistry/registries", "Microsoft.ContainerRegistry/registries", "acr", 2},
    {"microsoft.dbforpostgresql/servers", "Microsoft.DBforPostgreSQL/servers", "pg", 2},
    {"microsoft.dbformysql/servers", "Microsoft.DBforMySQL/servers", "mysql", 1},
    {"microsoft.documentdb/databaseaccounts", "Microsoft.DocumentDB/databaseAccounts", "cosmos", 1},
};

static const char *const envs[] = {"prod", "dev", "test", "staging", "qa"};
static const char *const apps[] = {"billing",   "crm",      "payments",  "search", "portal",
                                   "reporting", "identity", "inventory", "etl",    "web"};

/* NotApplicable causes and their descriptions (JSON-ready text). */
static const char *const na_causes[][2] = {
    {"OffByPolicy", "The effective policy for the assessment was evaluated to off - use "
                    "Microsoft.Authorization/policyAssignments to turn this assessment on"},
    {"Exempt", "This resource is exempt from this recommendation"},
    {"NotApplicableOs", "The operating system of this machine is not supported by the assessment"},
    {"ResourceNotReady", "The resource is not in a state this assessment can evaluate"},
};
static const char *const unhealthy_desc[] = {
    "One or more findings were detected on this resource",
    "The configuration of this resource does not meet the requirement",
    "No supported solution reported for this resource",
};

/* ---- the catalog ---- */

struct rec {
    char key[37];
    char *name; /* displayName, JSON-escaped */
    char *meta; /* "{...}" metadata object, compact JSON */
    bool counts;
};

struct rtype {
    uint32_t table; /* index in type_table */
    uint32_t *recs; /* recommendations that apply to it */
    uint32_t nrecs;
    uint32_t weight; /* cumulative */
};

struct gen {
    struct out o;
    uint64_t seed;
    uint64_t resources;
    uint32_t per;    /* K */
    uint32_t nsubs;  /* M */
    uint32_t groups; /* resource groups per subscription */
    struct rec *recs;
    size_t nrecs;
    struct rtype types[NELEM(type_table)];
    uint32_t ntypes, total_weight;
    char (*subs)[37];
    char tenant[37];
};

/* Appends `s` as a JSON string (quoted, escaped) to a growable buffer. */
struct sbuf {
    char *p;
    size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            fputs("gen_assessments: out of memory\n", stderr);
            exit(1);
        }
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_addz(struct sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_jstr(struct sbuf *b, struct ss_str s)
{
    static const char hex[] = "0123456789abcdef";
    sb_add(b, "\"", 1);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            sb_add(b, e, 2);
        } else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            sb_add(b, e, 6);
        } else {
            sb_add(b, (const char *)&c, 1);
        }
    }
    sb_add(b, "\"", 1);
}

static struct ss_str member(struct ss_json obj, const char *key)
{
    return ss_json_str(ss_json_getz(obj, key));
}

static void load_catalog(struct gen *g, const char *path)
{
    struct ss_json_doc *doc = NULL;
    struct ss_diag diag;
    memset(&diag, 0, sizeof(diag));
    if (ss_json_parse_file(path, NULL, &doc, &diag) != SS_OK) {
        fprintf(stderr, "gen_assessments: %s:%u:%u: %s\n", path, diag.line, diag.column, diag.msg);
        exit(1);
    }
    struct ss_json recs = ss_json_getz(ss_json_root(doc), "recommendations");
    size_t n = ss_json_len(recs);
    if (ss_json_kind(recs) != SS_JSON_ARRAY || n == 0) {
        fprintf(stderr, "gen_assessments: %s: no \"recommendations\" array\n", path);
        exit(1);
    }
    g->recs = calloc(n, sizeof(*g->recs));
    uint32_t(*applies)[NELEM(type_table)] = calloc(n, sizeof(*applies));
    if (!g->recs || !applies) {
        fputs("gen_assessments: out of memory\n", stderr);
        exit(1);
    }
    struct ss_json_iter it, ti;
    struct ss_json r, t;
    ss_json_iter_init(&it, recs);
    while (ss_json_iter_next(&it, NULL, &r)) {
        struct ss_str key = member(r, "key"), name = member(r, "displayName");
        if (key.len != 36 || !name.ptr)
            continue;
        struct rec *x = &g->recs[g->nrecs];
        memcpy(x->key, key.ptr, 36);
        x->key[36] = '\0';
        struct sbuf b = {0};
        sb_jstr(&b, name);
        x->name = b.p;
        struct ss_str at = member(r, "assessmentType");
        x->counts = at.len == 7 && memcmp(at.ptr, "BuiltIn", 7) == 0 &&
                    !ss_json_bool(ss_json_getz(r, "preview"));

        struct sbuf m = {0};
        sb_addz(&m, "{\"displayName\":");
        sb_jstr(&m, name);
        sb_addz(&m, ",\"assessmentType\":");
        sb_jstr(&m, at.ptr ? at : (struct ss_str){"BuiltIn", 7});
        sb_addz(&m, ",\"severity\":");
        sb_jstr(&m, member(r, "severity"));
        sb_addz(&m, ",\"categories\":[");
        struct ss_json c;
        bool first = true;
        ss_json_iter_init(&ti, ss_json_getz(r, "categories"));
        while (ss_json_iter_next(&ti, NULL, &c)) {
            if (!first)
                sb_add(&m, ",", 1);
            first = false;
            sb_jstr(&m, ss_json_str(c));
        }
        sb_addz(&m, "],\"userImpact\":");
        sb_jstr(&m, member(r, "userImpact"));
        sb_addz(&m, ",\"implementationEffort\":");
        sb_jstr(&m, member(r, "implementationEffort"));
        struct ss_str pol = member(r, "policyDefinitionId");
        if (pol.len) {
            sb_addz(&m, ",\"policyDefinitionId\":");
            sb_jstr(&m, pol);
        }
        if (ss_json_bool(ss_json_getz(r, "preview")))
            sb_addz(&m, ",\"preview\":true");
        sb_addz(&m, "}");
        x->meta = m.p;

        ss_json_iter_init(&ti, ss_json_getz(r, "resourceTypes"));
        while (ss_json_iter_next(&ti, NULL, &t)) {
            struct ss_str ts = ss_json_str(t);
            for (size_t k = 0; k < NELEM(type_table); k++)
                if (ts.len == strlen(type_table[k].type) &&
                    memcmp(ts.ptr, type_table[k].type, ts.len) == 0)
                    applies[g->nrecs][k] = 1;
        }
        g->nrecs++;
    }
    ss_json_doc_free(doc);

    /* The types with at least K recommendations. */
    for (uint32_t k = 0; k < NELEM(type_table); k++) {
        uint32_t cnt = 0;
        for (size_t i = 0; i < g->nrecs; i++)
            cnt += applies[i][k];
        if (cnt < g->per)
            continue;
        struct rtype *rt = &g->types[g->ntypes++];
        rt->table = k;
        rt->recs = calloc(cnt, sizeof(uint32_t));
        if (!rt->recs) {
            fputs("gen_assessments: out of memory\n", stderr);
            exit(1);
        }
        for (size_t i = 0; i < g->nrecs; i++)
            if (applies[i][k])
                rt->recs[rt->nrecs++] = (uint32_t)i;
        g->total_weight += type_table[k].weight;
        rt->weight = g->total_weight;
    }
    free(applies);
    if (!g->ntypes) {
        fprintf(stderr,
                "gen_assessments: no resource type has %u recommendations in %s; lower "
                "--per-resource\n",
                g->per, path);
        exit(1);
    }
}

/* ---- one resource ---- */

struct resource {
    uint64_t index;
    const struct rtype *type;
    uint32_t sub;
    uint32_t rg;
    uint32_t app, env;
    uint32_t picks[64]; /* indexes into type->recs: the first `per` are its recommendations */
    char id[256];
    size_t id_len;
    char rg_name[64];
    size_t rg_len;
};

static void make_resource(const struct gen *g, uint64_t i, struct resource *res)
{
    struct rng r;
    rng_seed(&r, mix3(g->seed, i, 0x7265736f75726365u));
    res->index = i;
    uint32_t w = below(&r, g->total_weight), t = 0;
    while (g->types[t].weight <= w)
        t++;
    res->type = &g->types[t];
    res->sub = below(&r, g->nsubs);
    res->rg = below(&r, g->groups);
    res->app = below(&r, (uint32_t)NELEM(apps));
    res->env = below(&r, (uint32_t)NELEM(envs));
    /* K distinct recommendations: a partial Fisher-Yates shuffle. */
    uint32_t n = res->type->nrecs, k = g->per;
    uint32_t idx[512];
    for (uint32_t a = 0; a < n; a++)
        idx[a] = a;
    for (uint32_t a = 0; a < k; a++) {
        uint32_t b = a + below(&r, n - a);
        uint32_t tmp = idx[a];
        idx[a] = idx[b];
        idx[b] = tmp;
        res->picks[a] = idx[a];
    }
    /* The resource group depends on the subscription and the group number only. */
    int len =
        snprintf(res->rg_name, sizeof(res->rg_name), "rg-%s-%s-%03u", apps[res->rg % NELEM(apps)],
                 envs[(res->rg / NELEM(apps)) % NELEM(envs)], res->rg);
    res->rg_len = (size_t)len;
    const char *arm = type_table[res->type->table].arm;
    len = snprintf(res->id, sizeof(res->id),
                   "/subscriptions/%s/resourceGroups/%s/providers/%s/%s-%s-%s-%07llu",
                   g->subs[res->sub], res->rg_name, arm, type_table[res->type->table].prefix,
                   apps[res->app], envs[res->env], (unsigned long long)i);
    res->id_len = (size_t)len;
}

/* "2023-04-05T12:34:56.1234567Z" (quoted), year in [y0, y0 + years). */
static void put_time(struct out *o, struct rng *r, uint32_t y0, uint32_t years)
{
    putc1(o, '"');
    put_u64(o, y0 + below(r, years));
    putc1(o, '-');
    put_padded(o, 1 + below(r, 12), 2);
    putc1(o, '-');
    put_padded(o, 1 + below(r, 28), 2);
    putc1(o, 'T');
    put_padded(o, below(r, 24), 2);
    putc1(o, ':');
    put_padded(o, below(r, 60), 2);
    putc1(o, ':');
    put_padded(o, below(r, 60), 2);
    putc1(o, '.');
    put_padded(o, below(r, 10000000), 7);
    LIT(o, "Z\"");
}

static void put_z(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* The j-th assessment of `res` as one line. */
static void put_row(struct gen *g, const struct resource *res, uint32_t j)
{
    struct out *o = &g->o;
    const struct rec *rec = &g->recs[res->type->recs[res->picks[j]]];
    struct rng r;
    rng_seed(&r, mix3(g->seed, res->index, 0x6173736573736d74u + j));

    LIT(o, "{\"id\":\"");
    put(o, res->id, res->id_len);
    LIT(o, "/providers/Microsoft.Security/assessments/");
    put(o, rec->key, 36);
    LIT(o, "\",\"name\":\"");
    put(o, rec->key, 36);
    LIT(o, "\",\"type\":\"microsoft.security/assessments\",\"tenantId\":\"");
    put(o, g->tenant, 36);
    LIT(o, "\",\"kind\":\"\",\"location\":\"\",\"resourceGroup\":\"");
    put(o, res->rg_name, res->rg_len);
    LIT(o, "\",\"subscriptionId\":\"");
    put(o, g->subs[res->sub], 36);
    LIT(o, "\",\"managedBy\":\"\",\"sku\":null,\"plan\":null,\"properties\":{"
           "\"resourceDetails\":{\"Source\":\"Azure\",\"Id\":\"");
    put(o, res->id, res->id_len);
    LIT(o, "\"},\"displayName\":");
    put_z(o, rec->name);
    LIT(o, ",\"status\":{\"code\":");
    uint32_t roll = below(&r, 100);
    if (roll < 55) {
        LIT(o, "\"Healthy\"");
    } else if (roll < 85) {
        LIT(o, "\"Unhealthy\"");
        if (below(&r, 100) < 20) {
            LIT(o, ",\"description\":\"");
            put_z(o, PICK(&r, unhealthy_desc));
            putc1(o, '"');
        }
    } else {
        const char *const *c = na_causes[below(&r, (uint32_t)NELEM(na_causes))];
        LIT(o, "\"NotApplicable\",\"cause\":\"");
        put_z(o, c[0]);
        LIT(o, "\",\"description\":\"");
        put_z(o, c[1]);
        putc1(o, '"');
    }
    LIT(o, ",\"firstEvaluationDate\":");
    put_time(o, &r, 2020, 3);
    LIT(o, ",\"statusChangeDate\":");
    put_time(o, &r, 2023, 2);
    LIT(o, "},\"metadata\":");
    put_z(o, rec->meta);
    LIT(o, ",\"links\":{\"azurePortal\":\"portal.azure.com/#blade/Microsoft_Azure_Security/"
           "RecommendationsBlade/assessmentKey/");
    put(o, rec->key, 36);
    LIT(o, "\"}},\"tags\":null,\"identity\":null,\"zones\":null,\"extendedLocation\":null}\n");
}

/* ---- a pseudo-random permutation of [0, n): Feistel rounds plus cycle walking ---- */

struct perm {
    uint64_t n;
    unsigned half; /* bits in each half */
    uint64_t mask;
    uint64_t keys[4];
};

static void perm_init(struct perm *p, uint64_t n, uint64_t seed)
{
    p->n = n;
    unsigned bits = 2;
    while (bits < 64 && (1ull << bits) < n)
        bits += 2;
    p->half = bits / 2;
    p->mask = (1ull << p->half) - 1;
    uint64_t x = seed ^ 0x7065726d75746521u;
    for (int i = 0; i < 4; i++)
        p->keys[i] = splitmix64(&x);
}

static uint64_t perm_apply(const struct perm *p, uint64_t v)
{
    do {
        uint64_t l = v >> p->half, r = v & p->mask;
        for (int i = 0; i < 4; i++) {
            uint64_t x = r ^ p->keys[i];
            uint64_t f = splitmix64(&x) & p->mask;
            uint64_t t = l ^ f;
            l = r;
            r = t;
        }
        v = (l << p->half) | r;
    } while (v >= p->n);
    return v;
}

/* ---- main ---- */

static void usage(void)
{
    fputs("usage: gen_assessments [--resources N] [--per-resource K] [--seed S]\n"
          "                       [--subscriptions M] [--order shuffled|grouped]"
          " [--catalog FILE] [--stats]\n",
          stderr);
    exit(2);
}

static uint64_t number(const char *s, uint64_t lo, uint64_t hi)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        usage();
    return v;
}

int main(int argc, char **argv)
{
    struct gen g;
    memset(&g, 0, sizeof(g));
    g.resources = 1000;
    g.per = 10;
    g.seed = 1;
    g.nsubs = 20;
    bool shuffled = true;
    const char *catalog = "catalog/recommendations.json";
    bool stats = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--stats") == 0) {
            stats = true;
            continue;
        }
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (strcmp(a, "--resources") == 0)
            g.resources = number(v, 1, UINT32_MAX - 1);
        else if (strcmp(a, "--per-resource") == 0)
            g.per = (uint32_t)number(v, 1, 64);
        else if (strcmp(a, "--seed") == 0)
            g.seed = number(v, 0, UINT64_MAX);
        else if (strcmp(a, "--subscriptions") == 0)
            g.nsubs = (uint32_t)number(v, 1, 100000);
        else if (strcmp(a, "--order") == 0 && strcmp(v, "shuffled") == 0)
            shuffled = true;
        else if (strcmp(a, "--order") == 0 && strcmp(v, "grouped") == 0)
            shuffled = false;
        else if (strcmp(a, "--catalog") == 0)
            catalog = v;
        else
            usage();
    }
    load_catalog(&g, catalog);
    for (uint32_t t = 0; t < g.ntypes; t++)
        if (g.types[t].nrecs > 512) {
            fputs("gen_assessments: more than 512 recommendations for one type\n", stderr);
            return 1;
        }

    struct rng r;
    rng_seed(&r, mix3(g.seed, 0, 0x74656e616e74u));
    rng_guid(&r, g.tenant, true);
    g.subs = calloc(g.nsubs, sizeof(*g.subs));
    if (!g.subs)
        return 1;
    for (uint32_t s = 0; s < g.nsubs; s++)
        rng_guid(&r, g.subs[s], true);
    /* About 50 resources per resource group. */
    uint64_t groups = g.resources / ((uint64_t)g.nsubs * 50);
    g.groups = groups < 4 ? 4 : groups > 999 ? 999 : (uint32_t)groups;

    g.o.fd = 1;
    g.o.prog = "gen_assessments";
    g.o.buf = malloc(OUT_FLUSH_AT + OUT_SLACK);
    if (!g.o.buf)
        return 1;
#ifdef F_SETPIPE_SZ
    (void)fcntl(1, F_SETPIPE_SZ, 1 << 20); /* fewer context switches; ignored if refused */
#endif
    struct resource res;
    if (!shuffled) {
        for (uint64_t i = 0; i < g.resources; i++) {
            make_resource(&g, i, &res);
            for (uint32_t j = 0; j < g.per; j++) {
                put_row(&g, &res, j);
                if (g.o.len >= OUT_FLUSH_AT)
                    out_flush(&g.o);
            }
        }
    } else {
        struct perm p;
        uint64_t rows = g.resources * g.per;
        perm_init(&p, rows, g.seed);
        for (uint64_t k = 0; k < rows; k++) {
            uint64_t v = perm_apply(&p, k);
            make_resource(&g, v / g.per, &res);
            put_row(&g, &res, (uint32_t)(v % g.per));
            if (g.o.len >= OUT_FLUSH_AT)
                out_flush(&g.o);
        }
    }
    out_flush(&g.o);
    if (stats)
        fprintf(stderr, "gen_assessments: rows=%llu bytes=%llu\n",
                (unsigned long long)(g.resources * g.per), (unsigned long long)g.o.total);
    for (size_t i = 0; i < g.nrecs; i++) {
        free(g.recs[i].name);
        free(g.recs[i].meta);
    }
    for (uint32_t t = 0; t < g.ntypes; t++)
        free(g.types[t].recs);
    free(g.recs);
    free(g.subs);
    free(g.o.buf);
    return 0;
}
