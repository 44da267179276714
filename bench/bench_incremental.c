/*
 * bench_incremental - latency of one assessment change followed by the
 * updated secure score (DESIGN.md §10: under 5 microseconds median), through
 * the public API only (bench/run.sh section `incremental`).
 *
 *   bench_incremental [--resources N] [--per-resource K] [--changes C]
 *                     [--subscriptions M] [--seed S]
 *
 * 1. Builds a state over the built-in catalog: N resources (default
 *    1,000,000) spread over M subscriptions (default 20), each with K
 *    (default 10) assessments of distinct built-in recommendations whose
 *    resourceTypes include the resource's type (ss_score_resource,
 *    ss_score_set); 55 % Healthy, 30 % Unhealthy, 15 % NotApplicable. The
 *    time of this load is reported.
 * 2. Applies C (default 1,000,000) random single changes: 80 % flip a
 *    random present assessment to another status, 10 % remove one, 10 % add
 *    back one removed earlier (with a new random status). One timed
 *    operation is: find the resource by its ARM id
 *    (ss_score_find_resource), ss_score_set or ss_score_remove, then
 *    ss_score_sub_result of the resource's subscription (the "updated secure
 *    score"). Each is timed alone with clock_gettime(CLOCK_MONOTONIC); the
 *    report gives the median, p99, p99.9 and maximum, and the cost of the clock
 *    reads themselves (not subtracted).
 * 3. Checks the incremental result: builds a second state from the final
 *    set of assessments (resources and assessments inserted in reverse
 *    order) and compares every subscription's result, every (subscription,
 *    control) row, the pooled total and every resource's state in every
 *    control. A difference is printed and the exit status is 1.
 *
 * Prints one result line for bench/run.sh:
 *   parser=incremental mode=api resources=N assessments=A subs=M changes=C
 *   seconds=S (sum of the timed operations) median_us= p99_us= p999_us= max_us=
 *   mean_us= timer_ns= subresult_us= build_seconds= build_per_s=
 *   rss_kb= state_bytes_per_resource= check=ok|MISMATCH
 *
 * Benchmark code, not part of the engine: it may print and exit.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench_rng.h"
#include "securescore/catalog.h"
#include "securescore/score.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- random numbers: bench_rng.h ---- */

/* ---- clock and memory ---- */

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Current resident set in bytes (/proc/self/statm), 0 if unknown. */
static uint64_t rss_now(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, res = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%llu %llu", &size, &res) != 2)
        res = 0;
    fclose(f);
    return (uint64_t)res * 4096u;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fputs("bench_incremental: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void die(const char *what, enum ss_err e)
{
    fprintf(stderr, "bench_incremental: %s: %s\n", what, ss_strerror(e));
    exit(1);
}

/* ---- the tenant ---- */

/* Resource types (the catalog's lower-case type, ARM's spelling, a name prefix, a weight);
 * the same mix as gen_assessments. */
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

struct rtype {
    uint32_t table;
    uint32_t *recs;
    uint32_t nrecs;
    uint32_t weight; /* cumulative */
};

static const char *const na_causes[][2] = {
    {"OffByPolicy", "The effective policy for the assessment was evaluated to off - use "
                    "Microsoft.Authorization/policyAssignments to turn this assessment on"},
    {"Exempt", "This resource is exempt from this recommendation"},
    {"NotApplicableOs", "The operating system of this machine is not supported by the assessment"},
    {"ResourceNotReady", "The resource is not in a state this assessment can evaluate"},
};

struct bench {
    uint32_t n, per, nsubs;
    uint64_t changes;
    uint64_t seed;
    struct ss_catalog *cat;
    struct rtype types[NELEM(type_table)];
    uint32_t ntypes, total_weight;
    char (*subs)[37];
    /* The mirror of the assessment set: for resource i, slot j: rec and status (0 = absent). */
    uint8_t *rtype;  /* [n] index into types */
    uint16_t *rsub;  /* [n] */
    uint16_t *rrg;   /* [n] resource group number */
    uint32_t *rec;   /* [n * per] */
    uint8_t *status; /* [n * per] enum ss_status, 0 = absent */
};

static void setup_types(struct bench *b)
{
    size_t nrecs = ss_catalog_nrecs(b->cat);
    for (uint32_t k = 0; k < NELEM(type_table); k++) {
        uint32_t *list = xcalloc(nrecs, sizeof(uint32_t)), cnt = 0;
        for (size_t i = 0; i < nrecs; i++) {
            const struct ss_rec *r = ss_catalog_rec(b->cat, i);
            for (uint32_t t = 0; t < r->nresource_types; t++)
                if (strcmp(r->resource_types[t], type_table[k].type) == 0) {
                    list[cnt++] = (uint32_t)i;
                    break;
                }
        }
        if (cnt < b->per) {
            free(list);
            continue;
        }
        struct rtype *rt = &b->types[b->ntypes++];
        rt->table = k;
        rt->recs = list;
        rt->nrecs = cnt;
        b->total_weight += type_table[k].weight;
        rt->weight = b->total_weight;
    }
    if (!b->ntypes) {
        fprintf(stderr, "bench_incremental: no resource type has %u recommendations\n", b->per);
        exit(1);
    }
}

/* The ARM id of resource i into buf; returns its length. */
static size_t resource_id(const struct bench *b, uint32_t i, char *buf, size_t size)
{
    static const char *const apps[] = {"billing",   "crm",      "payments",  "search", "portal",
                                       "reporting", "identity", "inventory", "etl",    "web"};
    static const char *const envs[] = {"prod", "dev", "test", "staging", "qa"};
    uint32_t g = b->rrg[i];
    int len = snprintf(
        buf, size, "/subscriptions/%s/resourceGroups/rg-%s-%s-%03u/providers/%s/%s-%s-%s-%07u",
        b->subs[b->rsub[i]], apps[g % NELEM(apps)], envs[(g / NELEM(apps)) % NELEM(envs)], g,
        type_table[b->types[b->rtype[i]].table].arm, type_table[b->types[b->rtype[i]].table].prefix,
        apps[(i / 7) % NELEM(apps)], envs[(i / 3) % NELEM(envs)], i);
    return (size_t)len;
}

static enum ss_status random_status(struct rng *r)
{
    uint32_t roll = below(r, 100);
    return roll < 55   ? SS_STATUS_HEALTHY
           : roll < 85 ? SS_STATUS_UNHEALTHY
                       : SS_STATUS_NOTAPPLICABLE;
}

/* The assessment (res, rec, status) with a cause and description for NotApplicable. */
static void fill_assessment(struct ss_assessment *a, uint32_t res, uint32_t rec, enum ss_status st,
                            uint32_t salt, int64_t when)
{
    memset(a, 0, sizeof(*a));
    a->res = res;
    a->rec = rec;
    a->status = st;
    if (st == SS_STATUS_NOTAPPLICABLE) {
        a->cause = na_causes[salt % NELEM(na_causes)][0];
        a->description = na_causes[salt % NELEM(na_causes)][1];
    }
    a->first_evaluation = 16000000000000000 + (int64_t)salt * 10000000;
    a->status_change = when;
}

/* Picks the tenant: types, subscriptions, resource groups, K recommendations and statuses. */
static void plan(struct bench *b)
{
    struct rng r;
    rng_seed(&r, b->seed);
    b->subs = xcalloc(b->nsubs, sizeof(*b->subs));
    for (uint32_t s = 0; s < b->nsubs; s++)
        rng_guid(&r, b->subs[s], true);
    uint64_t groups = b->n / ((uint64_t)b->nsubs * 50);
    uint32_t ngroups = groups < 4 ? 4 : groups > 999 ? 999 : (uint32_t)groups;
    b->rtype = xcalloc(b->n, 1);
    b->rsub = xcalloc(b->n, sizeof(uint16_t));
    b->rrg = xcalloc(b->n, sizeof(uint16_t));
    b->rec = xcalloc((size_t)b->n * b->per, sizeof(uint32_t));
    b->status = xcalloc((size_t)b->n * b->per, 1);
    uint32_t idx[512];
    for (uint32_t i = 0; i < b->n; i++) {
        uint32_t w = below(&r, b->total_weight), t = 0;
        while (b->types[t].weight <= w)
            t++;
        b->rtype[i] = (uint8_t)t;
        b->rsub[i] = (uint16_t)below(&r, b->nsubs);
        b->rrg[i] = (uint16_t)below(&r, ngroups);
        const struct rtype *rt = &b->types[t];
        uint32_t n = rt->nrecs < 512 ? rt->nrecs : 512;
        for (uint32_t a = 0; a < n; a++)
            idx[a] = a;
        for (uint32_t a = 0; a < b->per; a++) {
            uint32_t c = a + below(&r, n - a), tmp = idx[a];
            idx[a] = idx[c];
            idx[c] = tmp;
            b->rec[(size_t)i * b->per + a] = rt->recs[idx[a]];
            b->status[(size_t)i * b->per + a] = (uint8_t)random_status(&r);
        }
    }
}

/* Builds a state from the mirror; `reverse` inserts resources and assessments backwards.
 * res_of[i] receives the state's index of resource i. */
static struct ss_score *build(const struct bench *b, bool reverse, uint32_t *res_of)
{
    struct ss_score *s = ss_score_new(b->cat);
    char id[512];
    for (uint32_t k = 0; k < b->n; k++) {
        uint32_t i = reverse ? b->n - 1 - k : k;
        size_t len = resource_id(b, i, id, sizeof(id));
        enum ss_err e =
            ss_score_resource(s, id, len, type_table[b->types[b->rtype[i]].table].type, &res_of[i]);
        if (e)
            die("ss_score_resource", e);
        for (uint32_t q = 0; q < b->per; q++) {
            uint32_t j = reverse ? b->per - 1 - q : q;
            size_t x = (size_t)i * b->per + j;
            if (!b->status[x])
                continue;
            struct ss_assessment a;
            fill_assessment(&a, res_of[i], b->rec[x], (enum ss_status)b->status[x], (uint32_t)x,
                            17000000000000000);
            e = ss_score_set(s, &a, NULL);
            if (e)
                die("ss_score_set", e);
        }
    }
    return s;
}

/* ---- the check ---- */

static bool same_result(const struct ss_score_result *x, const struct ss_score_result *y)
{
    return x->max == y->max && x->current == y->current && x->percentage == y->percentage &&
           x->weight == y->weight;
}

static bool same_control(const struct ss_control_result *x, const struct ss_control_result *y)
{
    return x->max == y->max && x->current == y->current && x->percentage == y->percentage &&
           x->healthy == y->healthy && x->unhealthy == y->unhealthy &&
           x->not_applicable == y->not_applicable && x->weight == y->weight;
}

/* Compares state `s` (incremental) with `t` (rebuilt); returns the number of differences. */
static uint64_t compare(const struct bench *b, const struct ss_score *s, const uint32_t *s_res,
                        const struct ss_score *t, const uint32_t *t_res)
{
    uint64_t bad = 0;
    size_t nctl = ss_catalog_ncontrols(b->cat);
    if (ss_score_nsubs(s) != ss_score_nsubs(t) ||
        ss_score_nresources(s) != ss_score_nresources(t) ||
        ss_score_nassessments(s) != ss_score_nassessments(t)) {
        fprintf(stderr,
                "bench_incremental: check: %zu/%zu subscriptions, %zu/%zu resources, %zu/%zu "
                "assessments (incremental/rebuilt)\n",
                ss_score_nsubs(s), ss_score_nsubs(t), ss_score_nresources(s),
                ss_score_nresources(t), ss_score_nassessments(s), ss_score_nassessments(t));
        bad++;
    }
    uint32_t *all_s = xcalloc(ss_score_nsubs(s), sizeof(uint32_t));
    uint32_t *all_t = xcalloc(ss_score_nsubs(s), sizeof(uint32_t));
    for (uint32_t i = 0; i < ss_score_nsubs(s); i++) {
        const char *id = ss_score_sub_id(s, i);
        uint32_t j;
        if (ss_score_sub((struct ss_score *)t, id, strlen(id), &j) || j >= ss_score_nsubs(t)) {
            fprintf(stderr, "bench_incremental: check: subscription %s missing\n", id);
            bad++;
            continue;
        }
        all_s[i] = i;
        all_t[i] = j;
        struct ss_score_result x, y;
        ss_score_sub_result(s, i, &x);
        ss_score_sub_result(t, j, &y);
        if (!same_result(&x, &y)) {
            fprintf(stderr,
                    "bench_incremental: check: subscription %s: %d %.2f %.4f w%llu vs %d %.2f "
                    "%.4f w%llu\n",
                    id, x.max, x.current, x.percentage, (unsigned long long)x.weight, y.max,
                    y.current, y.percentage, (unsigned long long)y.weight);
            bad++;
        }
        for (uint32_t c = 0; c < nctl; c++) {
            struct ss_control_result cx, cy;
            ss_score_control_result(s, i, c, &cx);
            ss_score_control_result(t, j, c, &cy);
            if (!same_control(&cx, &cy)) {
                fprintf(stderr,
                        "bench_incremental: check: subscription %s control %u: H%u U%u NA%u vs "
                        "H%u U%u NA%u\n",
                        id, c, cx.healthy, cx.unhealthy, cx.not_applicable, cy.healthy,
                        cy.unhealthy, cy.not_applicable);
                bad++;
            }
        }
    }
    struct ss_score_result px, py;
    ss_score_aggregate(s, all_s, ss_score_nsubs(s), SS_AGG_POOLED, &px, NULL);
    ss_score_aggregate(t, all_t, ss_score_nsubs(s), SS_AGG_POOLED, &py, NULL);
    if (!same_result(&px, &py)) {
        fprintf(stderr, "bench_incremental: check: pooled totals differ\n");
        bad++;
    }
    free(all_s);
    free(all_t);
    uint64_t bad_states = 0;
    for (uint32_t i = 0; i < b->n; i++)
        for (uint32_t c = 0; c < nctl; c++)
            if (ss_score_resource_state(s, s_res[i], c) != ss_score_resource_state(t, t_res[i], c))
                bad_states++;
    if (bad_states)
        fprintf(stderr, "bench_incremental: check: %llu (resource, control) states differ\n",
                (unsigned long long)bad_states);
    return bad + bad_states;
}

/* ---- main ---- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void usage(void)
{
    fputs("usage: bench_incremental [--resources N] [--per-resource K] [--changes C]\n"
          "                         [--subscriptions M] [--seed S]\n",
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
    struct bench b;
    memset(&b, 0, sizeof(b));
    b.n = 1000000;
    b.per = 10;
    b.changes = 1000000;
    b.nsubs = 20;
    b.seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            usage();
        const char *v = argv[++i];
        if (strcmp(a, "--resources") == 0)
            b.n = (uint32_t)number(v, 1, 100000000);
        else if (strcmp(a, "--per-resource") == 0)
            b.per = (uint32_t)number(v, 1, 64);
        else if (strcmp(a, "--changes") == 0)
            b.changes = number(v, 1, 1000000000);
        else if (strcmp(a, "--subscriptions") == 0)
            b.nsubs = (uint32_t)number(v, 1, 65535);
        else if (strcmp(a, "--seed") == 0)
            b.seed = number(v, 0, UINT64_MAX);
        else
            usage();
    }

    struct ss_diag diag;
    memset(&diag, 0, sizeof(diag));
    b.cat = ss_catalog_new();
    enum ss_err e = ss_catalog_load_builtin(b.cat, &diag);
    if (e)
        die("ss_catalog_load_builtin", e);
    setup_types(&b);
    plan(&b);
    uint32_t *res_a = xcalloc(b.n, sizeof(uint32_t));
    uint32_t *lat = xcalloc(b.changes, sizeof(uint32_t));

    /* 1. The initial load. */
    uint64_t rss0 = rss_now();
    uint64_t t0 = now_ns();
    struct ss_score *s = build(&b, false, res_a);
    uint64_t t1 = now_ns();
    uint64_t rss1 = rss_now();
    double build_s = (double)(t1 - t0) * 1e-9;
    size_t nasmt0 = ss_score_nassessments(s);

    /* The cost of the clock itself: back-to-back reads. */
    uint32_t clk[10001];
    for (int i = 0; i < 10001; i++) {
        uint64_t a = now_ns(), c = now_ns();
        clk[i] = (uint32_t)(c - a);
    }
    qsort(clk, 10001, sizeof(uint32_t), cmp_u32);

    /* 2. Random single changes, each timed with its updated secure score. */
    struct rng r;
    rng_seed(&r, b.seed ^ 0x6368616e676573u);
    double checksum = 0;
    uint64_t total_ns = 0, flips = 0, removes = 0, adds = 0;
    char id[512];
    uint64_t *removed = xcalloc(b.changes, sizeof(uint64_t)), nremoved = 0;
    for (uint64_t k = 0; k < b.changes; k++) {
        /* 80 % flips, 10 % removals, 10 % re-additions of a removed assessment. */
        uint32_t roll = below(&r, 100);
        int op = roll < 10 && nremoved ? 2 : roll < 20 ? 1 : 0; /* 0 flip, 1 remove, 2 add */
        size_t x;
        if (op == 2) {
            uint64_t q = below(&r, (uint32_t)nremoved);
            x = (size_t)removed[q];
            removed[q] = removed[--nremoved];
        } else {
            do
                x = (size_t)below(&r, b.n) * b.per + below(&r, b.per);
            while (!b.status[x]);
        }
        uint32_t i = (uint32_t)(x / b.per);
        const char *sid = ss_score_resource_id(s, res_a[i]);
        size_t len = strlen(sid);
        memcpy(id, sid, len);
        enum ss_status st = (enum ss_status)b.status[x];
        enum ss_status to = SS_STATUS_NONE;
        if (op == 2)
            to = random_status(&r);
        else if (op == 0)
            to = (enum ss_status)(1 + (st - 1 + 1 + below(&r, 2)) % 3);
        else
            removed[nremoved++] = x;
        struct ss_assessment a;
        uint32_t salt = (uint32_t)rnd(&r);
        struct ss_score_result out;

        uint64_t a0 = now_ns();
        long ri = ss_score_find_resource(s, id, len);
        if (op == 1) {
            if (ri < 0 || !ss_score_remove(s, (uint32_t)ri, b.rec[x]))
                die("ss_score_remove", SS_ENOENT);
        } else {
            fill_assessment(&a, (uint32_t)ri, b.rec[x], to, salt,
                            17000000000000000 + (int64_t)k * 10000000);
            if ((e = ss_score_set(s, &a, NULL)) != SS_OK)
                die("ss_score_set", e);
        }
        ss_score_sub_result(s, ss_score_resource_sub(s, (uint32_t)ri), &out);
        uint64_t a1 = now_ns();

        checksum += out.current;
        uint64_t d = a1 - a0;
        lat[k] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
        total_ns += d;
        b.status[x] = (uint8_t)to;
        flips += op == 0;
        removes += op == 1;
        adds += op == 2;
    }
    qsort(lat, b.changes, sizeof(uint32_t), cmp_u32);

    /* ss_score_sub_result alone, for the breakdown. */
    uint32_t *sr = xcalloc(100000, sizeof(uint32_t));
    for (uint32_t k = 0; k < 100000; k++) {
        struct ss_score_result out;
        uint32_t sub = below(&r, (uint32_t)ss_score_nsubs(s));
        uint64_t a0 = now_ns();
        ss_score_sub_result(s, sub, &out);
        uint64_t a1 = now_ns();
        sr[k] = (uint32_t)(a1 - a0);
        checksum += out.current;
    }
    qsort(sr, 100000, sizeof(uint32_t), cmp_u32);

    /* 3. The check against a full rebuild. */
    uint32_t *res_b = xcalloc(b.n, sizeof(uint32_t));
    struct ss_score *t = build(&b, true, res_b);
    uint64_t bad = compare(&b, s, res_a, t, res_b);

    size_t p99 = (size_t)((double)(b.changes - 1) * 0.99);
    size_t p999 = (size_t)((double)(b.changes - 1) * 0.999);
    printf("parser=incremental mode=api resources=%u assessments=%zu final_assessments=%zu subs=%u "
           "changes=%llu flips=%llu removes=%llu adds=%llu seconds=%.6f median_us=%.3f "
           "p99_us=%.3f p999_us=%.3f max_us=%.3f mean_us=%.3f timer_ns=%u subresult_us=%.3f "
           "build_seconds=%.6f build_per_s=%.0f rss_kb=%ld state_bytes_per_resource=%.0f "
           "checksum=%.2f check=%s\n",
           b.n, nasmt0, ss_score_nassessments(s), (unsigned)ss_score_nsubs(s),
           (unsigned long long)b.changes, (unsigned long long)flips, (unsigned long long)removes,
           (unsigned long long)adds, (double)total_ns * 1e-9, lat[b.changes / 2] * 1e-3,
           lat[p99] * 1e-3, lat[p999] * 1e-3, lat[b.changes - 1] * 1e-3,
           (double)total_ns / (double)b.changes * 1e-3, clk[5000], sr[50000] * 1e-3, build_s,
           (double)nasmt0 / build_s, peak_rss_kb(), rss1 > rss0 ? (double)(rss1 - rss0) / b.n : 0.0,
           checksum, bad ? "MISMATCH" : "ok");
    ss_score_free(t);
    ss_score_free(s);
    ss_catalog_free(b.cat);
    free(res_a);
    free(res_b);
    free(lat);
    free(sr);
    free(removed);
    for (uint32_t k = 0; k < b.ntypes; k++)
        free(b.types[k].recs);
    free(b.subs);
    free(b.rtype);
    free(b.rsub);
    free(b.rrg);
    free(b.rec);
    free(b.status);
    return bad ? 1 : 0;
}
