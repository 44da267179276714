#include "common/setup.h"

/*
 * Unit tests for src/score: the formulas of DESIGN.md §3 on every worked
 * example, the assessment state (exemptions, disabled recommendations,
 * preview and custom recommendations, shared keys, replacement, weights,
 * disabled subscriptions, pooled and weighted aggregation, management
 * groups), a long seeded property test comparing the incremental engine
 * with a from-scratch reference written here, and ISO 8601 times.
 *
 * Expected values are the published (rounded) numbers, worked out by hand in
 * the comments; CHECK_DBL compares them exactly.
 */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "securescore/buf.h"
#include "securescore/catalog.h"
#include "securescore/errors.h"
#include "securescore/score.h"
#include "test.h"

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(rng_next(s) >> 33) % n;
}

/* ==== 1. the formulas ==== */

/* Every control row of DESIGN.md §3's worked examples. */
TEST(score_formula_worked_examples)
{
    static const struct {
        int d;
        uint32_t h, u;
        double current, percentage, potential;
    } rows[] = {
        {6, 4, 74, 0.31, 0.0517, 5.69},  /* seed: 6/78 per resource, 4 healthy */
        {6, 42, 8, 5.04, 0.84, 0.96},    /* seed: potential increase 0.96 */
        {4, 73, 5, 3.74, 0.935, 0.26},   /* raw ratio 0.9359: percentage from the rounded current */
        {3, 11, 7, 1.83, 0.61, 1.17},    /* raw 0.6111 */
        {1, 3, 52, 0.05, 0.05, 0.95},    /* raw 0.0545 */
        {4, 13, 11, 2.17, 0.5425, 1.83}, /* raw 0.5417 */
        {8, 16, 1, 7.53, 0.9412, 0.47},  /* 7.53 / 8 = 0.94125: ties to even */
        {4, 5, 18, 0.87, 0.2175, 3.13},  /* azure_api.md §3.2: raw 0.2174 */
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(rows); i++) {
        struct ss_control_result r;
        memset(&r, 0xa5, sizeof(r));
        ss_control_score(rows[i].d, rows[i].h, rows[i].u, 9, &r);
        CHECK_EQ_INT(r.max, rows[i].d);
        CHECK_DBL(r.current, rows[i].current);
        CHECK_DBL(r.percentage, rows[i].percentage);
        CHECK_DBL(ss_round2(r.max - r.current), rows[i].potential);
        CHECK_EQ_INT(r.healthy, rows[i].h);
        CHECK_EQ_INT(r.unhealthy, rows[i].u);
        CHECK_EQ_INT(r.not_applicable, 9);
        CHECK_EQ_INT(r.weight, rows[i].h + rows[i].u);
    }
    /* "score per resource" of the seed: 6 / 78 = 0.0769 */
    CHECK_DBL(ss_round4(6.0 / 78), 0.0769);
}

/* .NET's Math.Round: scale, round half to even, scale back. */
TEST(score_formula_rounding_ties_to_even)
{
    /* 7.53 / 8 is the double 0.94125000000000003; scaled 9412.5 -> 9412 */
    CHECK_DBL(ss_round4(7.53 / 8), 0.9412);
    /* the half-away-from-zero rounding the design forbids gives 0.9413 */
    CHECK_DBL(floor(7.53 / 8 * 10000 + 0.5) / 10000, 0.9413);
    /* 5.33 / 8 = 0.66625: 6662.5 -> 6662 */
    CHECK_DBL(ss_round4(5.33 / 8), 0.6662);
    /* exact binary ties */
    CHECK_DBL(ss_round2(0.125), 0.12);
    CHECK_DBL(ss_round2(0.375), 0.38);
    CHECK_DBL(ss_round2(2.5 / 100), 0.02);
    CHECK_DBL(ss_round4(0.00025), 0.0002); /* 2.5 -> 2 */
    CHECK_DBL(ss_round4(0.00035), 0.0004); /* 3.5 -> 4 */
    /* scaled in double: 1.005 * 100 = 100.49999999999999 -> 1.0, as Math.Round(1.005, 2) */
    CHECK_DBL(ss_round2(1.005), 1.0);
    CHECK_DBL(ss_round2(10.0), 10.0);
    CHECK_DBL(ss_round2(0.0), 0.0);
}

/*
 * The 2021-07-12 recording: the rounded control currents sum to 31.75,
 * the unrounded ones to 31.7622 (which would round to 31.76); Azure
 * reports 31.75 and 31.75 / 56 = 0.566964 -> 0.567. The rows below are
 * made up to have exactly these sums over the catalog's max scores.
 */
TEST(score_formula_subscription_total)
{
    static const struct {
        int d;
        uint32_t h, u, na;
    } in[] = {
        {4, 73, 5, 0},  /* 3.74  (3.7436) */
        {3, 11, 7, 2},  /* 1.83  (1.8333) */
        {1, 3, 52, 0},  /* 0.05  (0.0545) */
        {4, 13, 11, 0}, /* 2.17  (2.1667) */
        {4, 5, 18, 1},  /* 0.87  (0.8696) */
        {6, 42, 8, 0},  /* 5.04  (5.04) */
        {6, 4, 74, 0},  /* 0.31  (0.3077) */
        {10, 1, 0, 0},  /* 10    (10) */
        {8, 12, 37, 0}, /* 1.96  (1.9592) */
        {4, 31, 32, 0}, /* 1.97  (1.9683) */
        {4, 28, 18, 3}, /* 2.43  (2.4348) */
        {2, 18, 8, 0},  /* 1.38  (1.3846) */
        {2, 0, 0, 6},   /* no applicable resource: max 0 */
        {0, 5, 5, 0},   /* a control worth nothing */
    };
    struct ss_control_result rows[SS_ARRAY_LEN(in)];
    double unrounded = 0;
    for (size_t i = 0; i < SS_ARRAY_LEN(in); i++) {
        ss_control_score(in[i].d, in[i].h, in[i].u, in[i].na, &rows[i]);
        if (in[i].h + in[i].u)
            unrounded += (double)in[i].d * in[i].h / (in[i].h + in[i].u);
    }
    /* the fixture discriminates: summing unrounded values would give 31.76 */
    CHECK(fabs(unrounded - 31.7622) < 0.00005);
    CHECK_DBL(ss_round2(unrounded), 31.76);
    struct ss_score_result tot;
    memset(&tot, 0xa5, sizeof(tot));
    ss_total_score(rows, SS_ARRAY_LEN(rows), &tot);
    CHECK_EQ_INT(tot.max, 56);
    CHECK_DBL(tot.current, 31.75);
    CHECK_DBL(tot.percentage, 0.567);
    CHECK_EQ_INT(tot.weight, 0);
    /* the spec's example 23.53 / 39 = 0.6033 and the 2021-08-04 recording 38.84 / 56 = 0.6936,
     * from rows written directly (the total reads only max and current) */
    static const struct {
        int max;
        double current;
    } spec[] = {{10, 10.0}, {10, 7.53}, {10, 6.0}, {9, 0.0}},
      rec[] = {{10, 10.0}, {8, 8.0}, {6, 6.0}, {6, 6.0}, {4, 4.0}, {4, 4.0},
               {4, 0.84},  {4, 0.0}, {4, 0.0}, {3, 0.0}, {2, 0.0}, {1, 0.0}};
    struct ss_control_result many[SS_ARRAY_LEN(rec)];
    memset(many, 0, sizeof(many));
    for (size_t i = 0; i < SS_ARRAY_LEN(spec); i++) {
        many[i].max = spec[i].max;
        many[i].current = spec[i].current;
    }
    ss_total_score(many, SS_ARRAY_LEN(spec), &tot);
    CHECK_EQ_INT(tot.max, 39);
    CHECK_DBL(tot.current, 23.53);
    CHECK_DBL(tot.percentage, 0.6033);
    for (size_t i = 0; i < SS_ARRAY_LEN(rec); i++) {
        many[i].max = rec[i].max;
        many[i].current = rec[i].current;
    }
    ss_total_score(many, SS_ARRAY_LEN(rec), &tot);
    CHECK_EQ_INT(tot.max, 56);
    CHECK_DBL(tot.current, 38.84);
    CHECK_DBL(tot.percentage, 0.6936);
}

TEST(score_formula_empty_and_not_applicable)
{
    struct ss_control_result r;
    /* N = 0: nothing, whatever NA is */
    ss_control_score(5, 0, 0, 7, &r);
    CHECK_EQ_INT(r.max, 0);
    CHECK_DBL(r.current, 0.0);
    CHECK_DBL(r.percentage, 0.0);
    CHECK_EQ_INT(r.not_applicable, 7);
    CHECK_EQ_INT(r.weight, 0);
    /* NA is counted but not part of N: 4 * 1 / 2 */
    ss_control_score(4, 1, 1, 100, &r);
    CHECK_EQ_INT(r.max, 4);
    CHECK_DBL(r.current, 2.0);
    CHECK_DBL(r.percentage, 0.5);
    CHECK_EQ_INT(r.weight, 2);
    CHECK_EQ_INT(r.not_applicable, 100);
    /* all unhealthy */
    ss_control_score(6, 0, 3, 0, &r);
    CHECK_EQ_INT(r.max, 6);
    CHECK_DBL(r.current, 0.0);
    CHECK_DBL(r.percentage, 0.0);
    /* a control worth 0 points with resources: max 0, percentage 0 (no 0/0) */
    ss_control_score(0, 2, 1, 0, &r);
    CHECK_EQ_INT(r.max, 0);
    CHECK_DBL(r.current, 0.0);
    CHECK_DBL(r.percentage, 0.0);
    CHECK_EQ_INT(r.weight, 3);
    /* totals over nothing */
    struct ss_score_result tot;
    memset(&tot, 0xa5, sizeof(tot));
    ss_total_score(NULL, 0, &tot);
    CHECK_EQ_INT(tot.max, 0);
    CHECK_DBL(tot.current, 0.0);
    CHECK_DBL(tot.percentage, 0.0);
    struct ss_control_result rows[2];
    ss_control_score(5, 0, 0, 1, &rows[0]);
    ss_control_score(3, 0, 0, 0, &rows[1]);
    ss_total_score(rows, 2, &tot);
    CHECK_EQ_INT(tot.max, 0);
    CHECK_DBL(tot.percentage, 0.0);
}

/* ==== 2. the state ==== */

#define AM "/providers/Microsoft.Security/assessmentMetadata/"
#define KEY_P0 "a0000000-0000-4000-8000-000000000001"
#define KEY_P1 "a0000000-0000-4000-8000-000000000002"
#define KEY_P2 "a0000000-0000-4000-8000-000000000003"
#define KEY_P3 "a0000000-0000-4000-8000-000000000004"
#define KEY_ENC "a0000000-0000-4000-8000-000000000005"
#define KEY_SHARED "a0000000-0000-4000-8000-000000000006"
#define KEY_VULN "a0000000-0000-4000-8000-000000000007"
#define KEY_MFA "a0000000-0000-4000-8000-000000000008"
#define KEY_PREVIEW "a0000000-0000-4000-8000-000000000009"
#define KEY_CUSTOM "a0000000-0000-4000-8000-00000000000a"
#define KEY_NOMETA "a0000000-0000-4000-8000-00000000000b"
#define CTL_PORTS "52901099-235c-4971-b9d5-a33fca3a936e"
#define CTL_ENC "c0000000-0000-4000-8000-000000000002"
#define CTL_VULN "c0000000-0000-4000-8000-000000000003"
#define CTL_MFA "34a42fb3-e6db-409c-b56b-7b1db6b8aee0"

/* clang-format off */
#define SUB_A "0a0a0a0a-1111-4111-8111-aaaaaaaaaaaa"
#define SUB_B "0b0b0b0b-2222-4222-8222-bbbbbbbbbbbb"
#define SUB_C "0c0c0c0c-3333-4333-8333-cccccccccccc"
#define SUB_D "0d0d0d0d-4444-4444-8444-dddddddddddd"
#define VM(sub, rg, name)                                                                          \
    "/subscriptions/" sub "/resourceGroups/" rg                                                    \
    "/providers/Microsoft.Compute/virtualMachines/" name

#define ADEF(k) "{\"id\": \"" AM k "\"}"
#define CTLDEF(id, name, max, defs)                                                                \
    "{\"id\": \"/providers/Microsoft.Security/secureScoreControlDefinitions/" id "\", "            \
    "\"name\": \"" id "\", \"type\": \"Microsoft.Security/secureScoreControlDefinitions\", "       \
    "\"properties\": {\"displayName\": \"" name "\", \"maxScore\": " #max ", "                     \
    "\"source\": {\"sourceType\": \"BuiltIn\"}, \"assessmentDefinitions\": [" defs "]}}"
#define META(k, name, extra)                                                                       \
    "{\"id\": \"" AM k "\", \"name\": \"" k "\", "                                            \
    "\"type\": \"Microsoft.Security/assessmentMetadata\", "                                      \
    "\"properties\": {\"displayName\": \"" name "\", \"severity\": \"High\", "                     \
    "\"categories\": [\"Compute\"], \"userImpact\": \"Low\", \"implementationEffort\": \"Low\", "  \
    "\"threats\": [\"dataExfiltration\"], " extra "}}"
#define BUILTIN "\"assessmentType\": \"BuiltIn\""

/* Four controls; KEY_SHARED sits in two (written upper-case in one); the
 * preview and the customer-managed recommendations sit in "Encrypt". */
static const char fx_definitions[] =
    "{\"value\": ["
    CTLDEF(CTL_PORTS, "Secure management ports", 8,
           ADEF(KEY_P0) ", " ADEF(KEY_P1) ", " ADEF(KEY_P2) ", " ADEF(KEY_P3)) ", "
    CTLDEF(CTL_ENC, "Encrypt data", 4,
           ADEF(KEY_ENC) ", " ADEF(KEY_SHARED) ", " ADEF(KEY_PREVIEW) ", " ADEF(KEY_CUSTOM)) ", "
    CTLDEF(CTL_VULN, "Remediate vulnerabilities", 6,
           ADEF("A0000000-0000-4000-8000-000000000006") ", " ADEF(KEY_VULN) ", " ADEF(KEY_NOMETA))
    ", " CTLDEF(CTL_MFA, "Enable MFA", 10, ADEF(KEY_MFA)) "]}";

static const char fx_metadata[] =
    "{\"value\": ["
    META(KEY_P0, "Management ports should be closed", BUILTIN) ", "
    META(KEY_P1, "JIT should be enabled", BUILTIN) ", "
    META(KEY_P2, "NSG on management ports", BUILTIN) ", "
    META(KEY_P3, "Management ports of VMs should be protected", BUILTIN) ", "
    META(KEY_ENC, "Disks should be encrypted", BUILTIN) ", "
    META(KEY_SHARED, "Secure transfer should be enabled", BUILTIN) ", "
    META(KEY_VULN, "Vulnerabilities should be remediated", BUILTIN) ", "
    META(KEY_MFA, "MFA should be enabled", BUILTIN) ", "
    META(KEY_PREVIEW, "A preview recommendation", BUILTIN ", \"preview\": true") ", "
    META(KEY_CUSTOM, "A customer-managed recommendation", "\"assessmentType\": \"CustomerManaged\"")
    "]}";
/* clang-format on */

enum {
    R_P0,
    R_P1,
    R_P2,
    R_P3,
    R_ENC,
    R_SHARED,
    R_VULN,
    R_MFA,
    R_PREVIEW,
    R_CUSTOM,
    R_NOMETA,
    R__N
};
enum { C_PORTS, C_ENC, C_VULN, C_MFA, C__N };

struct fx {
    struct ss_catalog *cat;
    struct ss_score *s;
    uint32_t rec[R__N];
    uint32_t ctl[C__N];
    uint32_t sub_a, sub_b, sub_c;
};

static bool fx_init(struct ss_test *t_, struct fx *f)
{
    static const char *const keys[R__N] = {KEY_P0,      KEY_P1,     KEY_P2,    KEY_P3,
                                           KEY_ENC,     KEY_SHARED, KEY_VULN,  KEY_MFA,
                                           KEY_PREVIEW, KEY_CUSTOM, KEY_NOMETA};
    static const char *const ctls[C__N] = {CTL_PORTS, CTL_ENC, CTL_VULN, CTL_MFA};
    struct ss_diag d;
    memset(f, 0, sizeof(*f));
    f->cat = ss_catalog_new();
    ss_diag_clear(&d);
    CHECK_ERR(ss_catalog_load_definitions_text(f->cat, fx_definitions, strlen(fx_definitions),
                                               "definitions", &d),
              SS_OK);
    CHECK_ERR(
        ss_catalog_load_metadata_text(f->cat, fx_metadata, strlen(fx_metadata), "metadata", &d),
        SS_OK);
    if (d.code != SS_OK) {
        char buf[1024];
        ss_test_fail(t_, __FILE__, __LINE__, "catalog: %s", ss_diag_format(&d, buf, sizeof(buf)));
        return false;
    }
    if (ss_catalog_ncontrols(f->cat) != C__N || ss_catalog_nrecs(f->cat) != R__N) {
        ss_test_fail(t_, __FILE__, __LINE__, "catalog has %zu controls, %zu recs",
                     ss_catalog_ncontrols(f->cat), ss_catalog_nrecs(f->cat));
        return false;
    }
    for (int i = 0; i < R__N; i++) {
        long r = ss_catalog_find_rec(f->cat, keys[i], strlen(keys[i]));
        if (r < 0) {
            ss_test_fail(t_, __FILE__, __LINE__, "no recommendation %s", keys[i]);
            return false;
        }
        f->rec[i] = (uint32_t)r;
    }
    for (int i = 0; i < C__N; i++) {
        long c = ss_catalog_find_control(f->cat, ctls[i], strlen(ctls[i]));
        if (c < 0) {
            ss_test_fail(t_, __FILE__, __LINE__, "no control %s", ctls[i]);
            return false;
        }
        f->ctl[i] = (uint32_t)c;
    }
    f->s = ss_score_new(f->cat);
    CHECK_ERR(ss_score_sub(f->s, SUB_A, 36, &f->sub_a), SS_OK);
    CHECK_ERR(ss_score_sub(f->s, SUB_B, 36, &f->sub_b), SS_OK);
    CHECK_ERR(ss_score_sub(f->s, SUB_C, 36, &f->sub_c), SS_OK);
    return true;
}

static void fx_free(struct fx *f)
{
    ss_score_free(f->s);
    ss_catalog_free(f->cat);
}

static uint32_t fx_res(struct ss_test *t_, struct fx *f, const char *id)
{
    uint32_t r = UINT32_MAX;
    CHECK_ERR(ss_score_resource(f->s, id, strlen(id), NULL, &r), SS_OK);
    return r;
}

/* Sets (res, rec) to `st` with no source. */
static void fx_put(struct ss_test *t_, struct fx *f, uint32_t res, int rec, enum ss_status st)
{
    struct ss_assessment a;
    memset(&a, 0, sizeof(a));
    a.res = res;
    a.rec = f->rec[rec];
    a.status = st;
    CHECK_ERR(ss_score_set(f->s, &a, NULL), SS_OK);
}

static void check_ctl_at(struct ss_test *t_, int line, struct fx *f, uint32_t sub, int ctl,
                         uint32_t h, uint32_t u, uint32_t na, double current, double pct)
{
    struct ss_control_result r;
    ss_score_control_result(f->s, sub, f->ctl[ctl], &r);
    int max = h + u ? ss_catalog_control(f->cat, f->ctl[ctl])->max_score : 0;
    if (r.healthy != h || r.unhealthy != u || r.not_applicable != na || r.current != current ||
        r.percentage != pct || r.max != max || r.weight != (uint64_t)h + u)
        ss_test_fail(t_, __FILE__, line,
                     "control %d: got H=%u U=%u NA=%u max=%d current=%.17g pct=%.17g weight=%llu; "
                     "want H=%u U=%u NA=%u max=%d current=%.17g pct=%.17g",
                     ctl, r.healthy, r.unhealthy, r.not_applicable, r.max, r.current, r.percentage,
                     (unsigned long long)r.weight, h, u, na, max, current, pct);
}
#define CHECK_CTL(f, sub, ctl, h, u, na, cur, pct)                                                 \
    check_ctl_at(t_, __LINE__, f, sub, ctl, h, u, na, cur, pct)

static void check_total_at(struct ss_test *t_, int line, const struct ss_score_result *r, int max,
                           double current, double pct, uint64_t weight)
{
    if (r->max != max || r->current != current || r->percentage != pct || r->weight != weight)
        ss_test_fail(t_, __FILE__, line,
                     "total: got max=%d current=%.17g pct=%.17g weight=%llu; want max=%d "
                     "current=%.17g pct=%.17g weight=%llu",
                     r->max, r->current, r->percentage, (unsigned long long)r->weight, max, current,
                     pct, (unsigned long long)weight);
}
#define CHECK_TOTAL(r, max, cur, pct, w) check_total_at(t_, __LINE__, r, max, cur, pct, w)

static void check_sub_at(struct ss_test *t_, int line, struct fx *f, uint32_t sub, int max,
                         double current, double pct, uint64_t weight)
{
    struct ss_score_result r;
    ss_score_sub_result(f->s, sub, &r);
    check_total_at(t_, line, &r, max, current, pct, weight);
}
#define CHECK_SUB(f, sub, max, cur, pct, w) check_sub_at(t_, __LINE__, f, sub, max, cur, pct, w)

/* Everything a client can read about the three subscriptions' scores. */
struct snap {
    struct ss_control_result ctl[3][C__N];
    struct ss_score_result sub[3];
    struct ss_score_result agg;
    struct ss_control_result agg_ctl[C__N];
    uint64_t weight[3];
};

static void snap_take(struct fx *f, struct snap *sn)
{
    uint32_t subs[3] = {f->sub_a, f->sub_b, f->sub_c};
    memset(sn, 0, sizeof(*sn));
    for (int i = 0; i < 3; i++) {
        for (int c = 0; c < C__N; c++)
            ss_score_control_result(f->s, subs[i], f->ctl[c], &sn->ctl[i][c]);
        ss_score_sub_result(f->s, subs[i], &sn->sub[i]);
        sn->weight[i] = ss_score_sub_weight(f->s, subs[i]);
    }
    ss_score_aggregate(f->s, subs, 3, SS_AGG_POOLED, &sn->agg, sn->agg_ctl);
}

static bool ctl_eq(const struct ss_control_result *a, const struct ss_control_result *b)
{
    return a->max == b->max && a->current == b->current && a->percentage == b->percentage &&
           a->healthy == b->healthy && a->unhealthy == b->unhealthy &&
           a->not_applicable == b->not_applicable && a->weight == b->weight;
}

static bool total_eq(const struct ss_score_result *a, const struct ss_score_result *b)
{
    return a->max == b->max && a->current == b->current && a->percentage == b->percentage &&
           a->weight == b->weight;
}

static void check_snap_at(struct ss_test *t_, int line, struct fx *f, const struct snap *want)
{
    struct snap got;
    snap_take(f, &got);
    for (int i = 0; i < 3; i++) {
        for (int c = 0; c < C__N; c++)
            if (!ctl_eq(&got.ctl[i][c], &want->ctl[i][c]))
                ss_test_fail(t_, __FILE__, line,
                             "sub %d control %d changed: H=%u U=%u NA=%u, was "
                             "H=%u U=%u NA=%u",
                             i, c, got.ctl[i][c].healthy, got.ctl[i][c].unhealthy,
                             got.ctl[i][c].not_applicable, want->ctl[i][c].healthy,
                             want->ctl[i][c].unhealthy, want->ctl[i][c].not_applicable);
        if (!total_eq(&got.sub[i], &want->sub[i]) || got.weight[i] != want->weight[i])
            ss_test_fail(t_, __FILE__, line,
                         "sub %d total changed: %.17g/%d w=%llu, was %.17g/%d "
                         "w=%llu",
                         i, got.sub[i].current, got.sub[i].max, (unsigned long long)got.weight[i],
                         want->sub[i].current, want->sub[i].max,
                         (unsigned long long)want->weight[i]);
    }
    for (int c = 0; c < C__N; c++)
        if (!ctl_eq(&got.agg_ctl[c], &want->agg_ctl[c]))
            ss_test_fail(t_, __FILE__, line, "aggregate control %d changed", c);
    if (!total_eq(&got.agg, &want->agg))
        ss_test_fail(t_, __FILE__, line, "aggregate total changed");
}
#define CHECK_SNAP(f, sn) check_snap_at(t_, __LINE__, f, sn)

TEST(score_state_catalog_fixture)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    const struct ss_rec *shared = ss_catalog_rec(f.cat, f.rec[R_SHARED]);
    CHECK_EQ_INT(shared->ncontrols, 2);
    CHECK(ss_rec_counts(shared));
    CHECK(!ss_rec_counts(ss_catalog_rec(f.cat, f.rec[R_PREVIEW])));
    CHECK(!ss_rec_counts(ss_catalog_rec(f.cat, f.rec[R_CUSTOM])));
    CHECK_EQ_INT(ss_catalog_rec(f.cat, f.rec[R_PREVIEW])->ncontrols, 1);
    CHECK_EQ_INT(ss_catalog_rec(f.cat, f.rec[R_CUSTOM])->ncontrols, 1);
    /* a key named by a BuiltIn control without metadata counts (catalog.h) */
    CHECK(ss_rec_counts(ss_catalog_rec(f.cat, f.rec[R_NOMETA])));
    CHECK_EQ_INT(ss_catalog_max_total(f.cat), 28);
    fx_free(&f);
}

/* Seed FAQ: "Fixing 3 of 4 recommendations of a control on a resource changes nothing". */
TEST(score_state_all_recommendations_must_be_fixed)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    uint32_t vm1 = fx_res(t_, &f, VM(SUB_A, "rg", "vm1"));
    uint32_t vm2 = fx_res(t_, &f, VM(SUB_A, "rg", "vm2"));
    uint32_t vm3 = fx_res(t_, &f, VM(SUB_A, "rg", "vm3"));
    for (int k = R_P0; k <= R_P3; k++)
        fx_put(t_, &f, vm1, k, SS_STATUS_UNHEALTHY);
    fx_put(t_, &f, vm2, R_P0, SS_STATUS_HEALTHY);
    fx_put(t_, &f, vm2, R_P1, SS_STATUS_HEALTHY);
    fx_put(t_, &f, vm3, R_P0, SS_STATUS_UNHEALTHY);
    /* H = vm2, U = vm1 vm3: 8 * 1 / 3 = 2.67; 2.67 / 8 = 0.33375 -> 0.3338 */
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 2, 0, 2.67, 0.3338);
    CHECK_SUB(&f, f.sub_a, 8, 2.67, 0.3338, 3);
    struct snap before;
    snap_take(&f, &before);
    for (int k = R_P0; k <= R_P2; k++) {
        fx_put(t_, &f, vm1, k, SS_STATUS_HEALTHY);
        CHECK_EQ_INT(ss_score_resource_state(f.s, vm1, f.ctl[C_PORTS]), SS_STATUS_UNHEALTHY);
        CHECK_SNAP(&f, &before);
    }
    fx_put(t_, &f, vm1, R_P3, SS_STATUS_HEALTHY);
    CHECK_EQ_INT(ss_score_resource_state(f.s, vm1, f.ctl[C_PORTS]), SS_STATUS_HEALTHY);
    /* H = vm1 vm2, U = vm3: 8 * 2 / 3 = 5.33; 5.33 / 8 = 0.66625 -> 0.6662 (ties to even) */
    CHECK_CTL(&f, f.sub_a, C_PORTS, 2, 1, 0, 5.33, 0.6662);
    CHECK_SUB(&f, f.sub_a, 8, 5.33, 0.6662, 3);
    /* the other controls never moved */
    CHECK_CTL(&f, f.sub_a, C_ENC, 0, 0, 0, 0.0, 0.0);
    CHECK_CTL(&f, f.sub_a, C_VULN, 0, 0, 0, 0.0, 0.0);
    /* and breaking one again makes it unhealthy */
    fx_put(t_, &f, vm1, R_P2, SS_STATUS_UNHEALTHY);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 2, 0, 2.67, 0.3338);
    fx_free(&f);
}

TEST(score_state_not_applicable_is_counted_apart)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    uint32_t vm4 = fx_res(t_, &f, VM(SUB_A, "rg", "vm4"));
    uint32_t vm5 = fx_res(t_, &f, VM(SUB_A, "rg", "vm5"));
    uint32_t vm6 = fx_res(t_, &f, VM(SUB_A, "rg", "vm6"));
    fx_put(t_, &f, vm4, R_P0, SS_STATUS_NOTAPPLICABLE);
    fx_put(t_, &f, vm4, R_P1, SS_STATUS_NOTAPPLICABLE);
    fx_put(t_, &f, vm5, R_P0, SS_STATUS_HEALTHY);
    fx_put(t_, &f, vm5, R_P1, SS_STATUS_NOTAPPLICABLE); /* one healthy + NA: healthy */
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 0, 1, 8.0, 1.0);
    CHECK_EQ_INT(ss_score_resource_state(f.s, vm4, f.ctl[C_PORTS]), SS_STATUS_NOTAPPLICABLE);
    CHECK_EQ_INT(ss_score_resource_state(f.s, vm5, f.ctl[C_PORTS]), SS_STATUS_HEALTHY);
    CHECK_EQ_INT(ss_score_resource_state(f.s, vm6, f.ctl[C_PORTS]), SS_STATUS_NONE);
    CHECK_EQ_INT(ss_score_resource_state(f.s, vm4, f.ctl[C_ENC]), SS_STATUS_NONE);
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 1); /* vm4 has no H/U assessment */
    /* only NA everywhere: the control contributes nothing */
    fx_put(t_, &f, vm5, R_P0, SS_STATUS_NOTAPPLICABLE);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 0, 0, 2, 0.0, 0.0);
    CHECK_SUB(&f, f.sub_a, 0, 0.0, 0.0, 0);
    fx_free(&f);
}

/* Checks the stored and effective status of (res, rec). */
static void check_eff_at(struct ss_test *t_, int line, struct fx *f, uint32_t res, int rec,
                         enum ss_status given, enum ss_status eff, const char *cause)
{
    struct ss_assessment a;
    enum ss_status e = SS_STATUS_NONE;
    const char *c = "(unset)";
    if (!ss_score_get(f->s, res, f->rec[rec], &a, &e, &c)) {
        ss_test_fail(t_, __FILE__, line, "no assessment");
        return;
    }
    bool cause_ok = cause ? c && strcmp(c, cause) == 0 : !c || !*c;
    if (a.status != given || e != eff || !cause_ok)
        ss_test_fail(t_, __FILE__, line,
                     "got status %d effective %d cause \"%s\"; want %d %d \"%s\"", a.status, e,
                     c ? c : "(null)", given, eff, cause ? cause : "(null)");
}
#define CHECK_EFF(f, res, rec, given, eff, cause)                                                  \
    check_eff_at(t_, __LINE__, f, res, rec, given, eff, cause)

/*
 * vm1, vm2 in resource group "rg", vm3 in "rg2" (a prefix of it must not
 * match "rg"), vm10 in "rg" (a prefix "vm1" must not match "vm10"), and
 * vmb in another subscription.
 */
struct exfx {
    uint32_t vm1, vm2, vm3, vm10, vmb;
};

static void exfx_init(struct ss_test *t_, struct fx *f, struct exfx *x)
{
    x->vm1 = fx_res(t_, f, VM(SUB_A, "rg", "vm1"));
    x->vm2 = fx_res(t_, f, VM(SUB_A, "rg", "vm2"));
    x->vm3 = fx_res(t_, f, VM(SUB_A, "rg2", "vm3"));
    x->vm10 = fx_res(t_, f, VM(SUB_A, "rg", "vm10"));
    x->vmb = fx_res(t_, f, VM(SUB_B, "rg", "vm1"));
    fx_put(t_, f, x->vm1, R_P0, SS_STATUS_UNHEALTHY);
    fx_put(t_, f, x->vm2, R_P0, SS_STATUS_HEALTHY);
    fx_put(t_, f, x->vm3, R_P0, SS_STATUS_UNHEALTHY);
    fx_put(t_, f, x->vm10, R_P0, SS_STATUS_HEALTHY);
    fx_put(t_, f, x->vmb, R_P0, SS_STATUS_UNHEALTHY);
    /* A: H = vm2 vm10, U = vm1 vm3 -> 4.0; B: U = vmb */
    CHECK_CTL(f, f->sub_a, C_PORTS, 2, 2, 0, 4.0, 0.5);
    CHECK_CTL(f, f->sub_b, C_PORTS, 0, 1, 0, 0.0, 0.0);
}

TEST(score_state_exempt_resource_scope)
{
    struct fx f;
    struct exfx x;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    exfx_init(t_, &f, &x);
    /* scope written in another case than the resource id */
    CHECK_ERR(ss_score_exempt(f.s,
                              "/SUBSCRIPTIONS/" SUB_A "/resourcegroups/RG/providers/"
                              "microsoft.compute/virtualmachines/VM1",
                              f.rec[R_P0], "Waiver", 0, NULL),
              SS_OK);
    ss_score_reapply(f.s);
    /* A: H = vm2 vm10, U = vm3, NA = vm1: 8 * 2 / 3 = 5.33 */
    CHECK_CTL(&f, f.sub_a, C_PORTS, 2, 1, 1, 5.33, 0.6662);
    CHECK_CTL(&f, f.sub_b, C_PORTS, 0, 1, 0, 0.0, 0.0);
    CHECK_EFF(&f, x.vm1, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_NOTAPPLICABLE, "Exempt");
    CHECK_EFF(&f, x.vm10, R_P0, SS_STATUS_HEALTHY, SS_STATUS_HEALTHY, NULL);
    CHECK_EFF(&f, x.vmb, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_UNHEALTHY, NULL);
    CHECK_EQ_INT(ss_score_resource_state(f.s, x.vm1, f.ctl[C_PORTS]), SS_STATUS_NOTAPPLICABLE);
    /* the exempt resource no longer weighs */
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 3);
    /* an exempted pair stays exempt when re-assessed (no reapply needed) */
    fx_put(t_, &f, x.vm1, R_P0, SS_STATUS_HEALTHY);
    CHECK_EFF(&f, x.vm1, R_P0, SS_STATUS_HEALTHY, SS_STATUS_NOTAPPLICABLE, "Exempt");
    CHECK_CTL(&f, f.sub_a, C_PORTS, 2, 1, 1, 5.33, 0.6662);
    /* the exemption is for P0 only: another recommendation of vm1 still counts */
    fx_put(t_, &f, x.vm1, R_P1, SS_STATUS_UNHEALTHY);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 2, 2, 0, 4.0, 0.5);
    /* removing assessments of an exempt resource: P1 leaves it NA, P0 leaves it uncounted */
    CHECK(ss_score_remove(f.s, x.vm1, f.rec[R_P1]));
    CHECK_CTL(&f, f.sub_a, C_PORTS, 2, 1, 1, 5.33, 0.6662);
    CHECK(ss_score_remove(f.s, x.vm1, f.rec[R_P0]));
    CHECK_CTL(&f, f.sub_a, C_PORTS, 2, 1, 0, 5.33, 0.6662);
    CHECK_EQ_INT(ss_score_resource_state(f.s, x.vm1, f.ctl[C_PORTS]), SS_STATUS_NONE);
    fx_free(&f);
}

TEST(score_state_exempt_resource_group_scope)
{
    struct fx f;
    struct exfx x;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    exfx_init(t_, &f, &x);
    CHECK_ERR(ss_score_exempt(f.s, "/subscriptions/" SUB_A "/resourceGroups/rg", f.rec[R_P0],
                              "Mitigated", 0, NULL),
              SS_OK);
    ss_score_reapply(f.s);
    /* vm1 vm2 vm10 exempt; vm3 (rg2) and vmb (other subscription) not */
    CHECK_CTL(&f, f.sub_a, C_PORTS, 0, 1, 3, 0.0, 0.0);
    CHECK_CTL(&f, f.sub_b, C_PORTS, 0, 1, 0, 0.0, 0.0);
    CHECK_EFF(&f, x.vm2, R_P0, SS_STATUS_HEALTHY, SS_STATUS_NOTAPPLICABLE, "Exempt");
    CHECK_EFF(&f, x.vm3, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_UNHEALTHY, NULL);
    CHECK_EFF(&f, x.vmb, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_UNHEALTHY, NULL);
    CHECK_SUB(&f, f.sub_a, 8, 0.0, 0.0, 1);
    fx_free(&f);
}

TEST(score_state_exempt_subscription_scope)
{
    struct fx f;
    struct exfx x;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    exfx_init(t_, &f, &x);
    /* the resource that is the subscription itself is exempt too */
    uint32_t subres = fx_res(t_, &f, "/subscriptions/" SUB_A);
    fx_put(t_, &f, subres, R_MFA, SS_STATUS_UNHEALTHY);
    CHECK_CTL(&f, f.sub_a, C_MFA, 0, 1, 0, 0.0, 0.0);
    CHECK_ERR(ss_score_exempt(f.s, "/subscriptions/" SUB_A, f.rec[R_P0], "Waiver", 0, NULL), SS_OK);
    CHECK_ERR(ss_score_exempt(f.s, "/subscriptions/" SUB_A, f.rec[R_MFA], "Waiver", 0, NULL),
              SS_OK);
    ss_score_reapply(f.s);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 0, 0, 4, 0.0, 0.0);
    CHECK_CTL(&f, f.sub_a, C_MFA, 0, 0, 1, 0.0, 0.0);
    CHECK_CTL(&f, f.sub_b, C_PORTS, 0, 1, 0, 0.0, 0.0);
    CHECK_EFF(&f, subres, R_MFA, SS_STATUS_UNHEALTHY, SS_STATUS_NOTAPPLICABLE, "Exempt");
    CHECK_SUB(&f, f.sub_a, 0, 0.0, 0.0, 0);
    CHECK_SUB(&f, f.sub_b, 8, 0.0, 0.0, 1);
    fx_free(&f);
}

TEST(score_state_exempt_before_assessments)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    CHECK_ERR(ss_score_exempt(f.s, "/subscriptions/" SUB_A "/resourceGroups/rg", f.rec[R_ENC],
                              "Waiver", 0, NULL),
              SS_OK);
    uint32_t vm1 = fx_res(t_, &f, VM(SUB_A, "rg", "vm1"));
    uint32_t vm3 = fx_res(t_, &f, VM(SUB_A, "rg2", "vm3"));
    fx_put(t_, &f, vm1, R_ENC, SS_STATUS_UNHEALTHY);
    fx_put(t_, &f, vm3, R_ENC, SS_STATUS_UNHEALTHY);
    CHECK_CTL(&f, f.sub_a, C_ENC, 0, 1, 1, 0.0, 0.0);
    CHECK_EFF(&f, vm1, R_ENC, SS_STATUS_UNHEALTHY, SS_STATUS_NOTAPPLICABLE, "Exempt");
    fx_free(&f);
}

TEST(score_state_exempt_expiry)
{
    struct fx f;
    struct exfx x;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    exfx_init(t_, &f, &x);
    int64_t now = 0, day = 86400LL * 10000000LL;
    CHECK(ss_time_parse("2024-06-01T00:00:00Z", 20, &now));
    ss_score_set_now(f.s, now);
    /* vm1's exemption expired a tick ago; vm3's expires tomorrow; vm2's never */
    CHECK_ERR(ss_score_exempt(f.s, VM(SUB_A, "rg", "vm1"), f.rec[R_P0], "Waiver", now - 1, NULL),
              SS_OK);
    CHECK_ERR(ss_score_exempt(f.s, VM(SUB_A, "rg2", "vm3"), f.rec[R_P0], "Waiver", now + day, NULL),
              SS_OK);
    CHECK_ERR(ss_score_exempt(f.s, VM(SUB_A, "rg", "vm2"), f.rec[R_P0], "Mitigated", 0, NULL),
              SS_OK);
    ss_score_reapply(f.s);
    /* H = vm10, U = vm1, NA = vm2 vm3: 8 * 1 / 2 = 4 */
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 1, 2, 4.0, 0.5);
    CHECK_EFF(&f, x.vm1, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_UNHEALTHY, NULL);
    CHECK_EFF(&f, x.vm3, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_NOTAPPLICABLE, "Exempt");
    /* exactly at its expiry time an exemption has expired */
    ss_score_set_now(f.s, now + day);
    ss_score_reapply(f.s);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 2, 1, 2.67, 0.3338);
    CHECK_EFF(&f, x.vm3, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_UNHEALTHY, NULL);
    /* going back in time revives it */
    ss_score_set_now(f.s, now + day - 1);
    ss_score_reapply(f.s);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 1, 2, 4.0, 0.5);
    fx_free(&f);
}

TEST(score_state_exempt_rejects_bad_input)
{
    struct fx f;
    struct exfx x;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    exfx_init(t_, &f, &x);
    struct snap before;
    snap_take(&f, &before);
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK_ERR(ss_score_exempt(f.s, "/subscriptions/" SUB_A, f.rec[R_P0], "Forgotten", 0, &d),
              SS_EINPUT);
    CHECK_EQ_INT(d.code, SS_EINPUT);
    CHECK_ERR(ss_score_exempt(f.s, "subscriptions/" SUB_A, f.rec[R_P0], "Waiver", 0, NULL),
              SS_EINPUT);
    CHECK_ERR(ss_score_exempt(f.s, "/subscriptions/not-a-guid", f.rec[R_P0], "Waiver", 0, NULL),
              SS_EINPUT);
    CHECK_ERR(ss_score_exempt(f.s, "/subscriptions/not-a-guid/resourceGroups/rg", f.rec[R_P0],
                              "Waiver", 0, NULL),
              SS_EINPUT);
    CHECK_ERR(ss_score_exempt(f.s, "/subscriptions/" SUB_A, (uint32_t)R__N + 5, "Waiver", 0, NULL),
              SS_EINVAL);
    /* disabling is for "/", a management group or a subscription, not a resource */
    CHECK_ERR(ss_score_disable(f.s, VM(SUB_A, "rg", "vm1"), f.rec[R_P0], NULL), SS_EINPUT);
    CHECK_ERR(
        ss_score_disable(f.s, "/subscriptions/" SUB_A "/resourceGroups/rg", f.rec[R_P0], NULL),
        SS_EINPUT);
    ss_score_reapply(f.s);
    CHECK_SNAP(&f, &before);
    fx_free(&f);
}

TEST(score_state_disable_scopes)
{
    /* "/", a management group two levels above SUB_A, SUB_A itself */
    static const char *const scopes[] = {
        "/",
        "/providers/Microsoft.Management/managementGroups/Contoso",
        ("/subscriptions/" SUB_A),
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(scopes); i++) {
        struct fx f;
        struct exfx x;
        if (!fx_init(t_, &f)) {
            fx_free(&f);
            return;
        }
        uint32_t root = ss_score_mg(f.s, "contoso", 7);
        uint32_t prod = ss_score_mg(f.s, "contoso-prod", 12);
        ss_score_mg_set(f.s, prod, "Production", (long)root);
        ss_score_sub_set_mg(f.s, f.sub_a, (long)prod);
        exfx_init(t_, &f, &x);
        CHECK_ERR(ss_score_disable(f.s, scopes[i], f.rec[R_P0], NULL), SS_OK);
        ss_score_reapply(f.s);
        CHECK_CTL(&f, f.sub_a, C_PORTS, 0, 0, 4, 0.0, 0.0);
        CHECK_EFF(&f, x.vm1, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_NOTAPPLICABLE, "OffByPolicy");
        CHECK_EFF(&f, x.vm2, R_P0, SS_STATUS_HEALTHY, SS_STATUS_NOTAPPLICABLE, "OffByPolicy");
        if (i == 0) {
            CHECK_CTL(&f, f.sub_b, C_PORTS, 0, 0, 1, 0.0, 0.0);
            CHECK_EFF(&f, x.vmb, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_NOTAPPLICABLE, "OffByPolicy");
        } else {
            CHECK_CTL(&f, f.sub_b, C_PORTS, 0, 1, 0, 0.0, 0.0);
            CHECK_EFF(&f, x.vmb, R_P0, SS_STATUS_UNHEALTHY, SS_STATUS_UNHEALTHY, NULL);
        }
        /* other recommendations of the same control still count */
        fx_put(t_, &f, x.vm1, R_P1, SS_STATUS_HEALTHY);
        CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 0, 3, 8.0, 1.0);
        /* disabled wins over an exemption of the same pair */
        CHECK_ERR(ss_score_exempt(f.s, VM(SUB_A, "rg", "vm2"), f.rec[R_P0], "Waiver", 0, NULL),
                  SS_OK);
        ss_score_reapply(f.s);
        CHECK_EFF(&f, x.vm2, R_P0, SS_STATUS_HEALTHY, SS_STATUS_NOTAPPLICABLE, "OffByPolicy");
        fx_free(&f);
    }
}

/* Moving a subscription out of a management group re-enables what the group disabled. */
TEST(score_state_disable_follows_hierarchy)
{
    struct fx f;
    struct exfx x;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    uint32_t root = ss_score_mg(f.s, "contoso", 7);
    uint32_t prod = ss_score_mg(f.s, "contoso-prod", 12);
    ss_score_mg_set(f.s, prod, NULL, (long)root);
    ss_score_sub_set_mg(f.s, f.sub_a, (long)prod);
    exfx_init(t_, &f, &x);
    CHECK_ERR(ss_score_disable(f.s, "/providers/Microsoft.Management/managementGroups/contoso",
                               f.rec[R_P0], NULL),
              SS_OK);
    ss_score_reapply(f.s);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 0, 0, 4, 0.0, 0.0);
    ss_score_mg_set(f.s, prod, NULL, -1); /* prod detached from contoso */
    ss_score_reapply(f.s);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 2, 2, 0, 4.0, 0.5);
    ss_score_sub_set_mg(f.s, f.sub_b, (long)root);
    ss_score_reapply(f.s);
    CHECK_CTL(&f, f.sub_b, C_PORTS, 0, 0, 1, 0.0, 0.0);
    fx_free(&f);
}

TEST(score_state_preview_and_custom_change_nothing)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    uint32_t vm1 = fx_res(t_, &f, VM(SUB_A, "rg", "vm1"));
    uint32_t vm2 = fx_res(t_, &f, VM(SUB_A, "rg", "vm2"));
    uint32_t vm9 = fx_res(t_, &f, VM(SUB_A, "rg", "vm9"));
    uint32_t vmb = fx_res(t_, &f, VM(SUB_B, "rg", "vmb"));
    fx_put(t_, &f, vm1, R_ENC, SS_STATUS_HEALTHY);
    fx_put(t_, &f, vm2, R_ENC, SS_STATUS_UNHEALTHY);
    fx_put(t_, &f, vmb, R_ENC, SS_STATUS_NOTAPPLICABLE);
    CHECK_CTL(&f, f.sub_a, C_ENC, 1, 1, 0, 2.0, 0.5);
    struct snap before;
    snap_take(&f, &before);
    static const enum ss_status sts[] = {SS_STATUS_UNHEALTHY, SS_STATUS_HEALTHY,
                                         SS_STATUS_NOTAPPLICABLE};
    for (size_t i = 0; i < SS_ARRAY_LEN(sts); i++) {
        for (int rec = R_PREVIEW; rec <= R_CUSTOM; rec++) {
            fx_put(t_, &f, vm1, rec, sts[i]); /* healthy resource: unhealthy would break it */
            fx_put(t_, &f, vm2, rec, sts[i]); /* unhealthy resource: healthy would not fix it */
            fx_put(t_, &f, vm9, rec, sts[i]); /* only non-counting: not counted at all */
            fx_put(t_, &f, vmb, rec, sts[i]);
            CHECK_SNAP(&f, &before);
            CHECK_EQ_INT(ss_score_resource_state(f.s, vm9, f.ctl[C_ENC]), SS_STATUS_NONE);
            CHECK_EQ_INT(ss_score_resource_state(f.s, vm1, f.ctl[C_ENC]), SS_STATUS_HEALTHY);
        }
    }
    /* they are stored all the same */
    struct ss_assessment a;
    CHECK(ss_score_get(f.s, vm9, f.rec[R_PREVIEW], &a, NULL, NULL));
    CHECK_EQ_INT(ss_score_nassessments(f.s), 3 + 8);
    CHECK(ss_score_remove(f.s, vm2, f.rec[R_CUSTOM]));
    CHECK(ss_score_remove(f.s, vm9, f.rec[R_PREVIEW]));
    CHECK_SNAP(&f, &before);
    fx_free(&f);
}

TEST(score_state_shared_key_moves_both_controls)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    uint32_t vm1 = fx_res(t_, &f, VM(SUB_A, "rg", "vm1"));
    uint32_t vm2 = fx_res(t_, &f, VM(SUB_A, "rg", "vm2"));
    fx_put(t_, &f, vm2, R_ENC, SS_STATUS_HEALTHY);
    fx_put(t_, &f, vm2, R_VULN, SS_STATUS_HEALTHY);
    fx_put(t_, &f, vm1, R_SHARED, SS_STATUS_UNHEALTHY);
    /* ENC: H vm2, U vm1 -> 2.0; VULN: 6 * 1 / 2 = 3.0 */
    CHECK_CTL(&f, f.sub_a, C_ENC, 1, 1, 0, 2.0, 0.5);
    CHECK_CTL(&f, f.sub_a, C_VULN, 1, 1, 0, 3.0, 0.5);
    CHECK_SUB(&f, f.sub_a, 10, 5.0, 0.5, 2);
    fx_put(t_, &f, vm1, R_SHARED, SS_STATUS_HEALTHY);
    CHECK_CTL(&f, f.sub_a, C_ENC, 2, 0, 0, 4.0, 1.0);
    CHECK_CTL(&f, f.sub_a, C_VULN, 2, 0, 0, 6.0, 1.0);
    CHECK_SUB(&f, f.sub_a, 10, 10.0, 1.0, 2);
    /* vm1 unhealthy in VULN only: ENC keeps it healthy */
    fx_put(t_, &f, vm1, R_VULN, SS_STATUS_UNHEALTHY);
    CHECK_CTL(&f, f.sub_a, C_ENC, 2, 0, 0, 4.0, 1.0);
    CHECK_CTL(&f, f.sub_a, C_VULN, 1, 1, 0, 3.0, 0.5);
    CHECK(ss_score_remove(f.s, vm1, f.rec[R_VULN]));
    CHECK(ss_score_remove(f.s, vm1, f.rec[R_SHARED]));
    CHECK_EQ_INT(ss_score_resource_state(f.s, vm1, f.ctl[C_ENC]), SS_STATUS_NONE);
    CHECK_EQ_INT(ss_score_resource_state(f.s, vm1, f.ctl[C_VULN]), SS_STATUS_NONE);
    CHECK_CTL(&f, f.sub_a, C_ENC, 1, 0, 0, 4.0, 1.0);
    CHECK_CTL(&f, f.sub_a, C_VULN, 1, 0, 0, 6.0, 1.0);
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 1);
    fx_free(&f);
}

TEST(score_state_remove_replace_duplicate)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    uint32_t vm1 = fx_res(t_, &f, VM(SUB_A, "rg", "vm1"));
    uint32_t vm2 = fx_res(t_, &f, VM(SUB_A, "rg", "vm2"));
    fx_put(t_, &f, vm2, R_P0, SS_STATUS_HEALTHY);
    fx_put(t_, &f, vm2, R_ENC, SS_STATUS_UNHEALTHY);
    struct snap before;
    snap_take(&f, &before);
    CHECK_EQ_INT(ss_score_nassessments(f.s), 2);

    struct ss_assessment a;
    memset(&a, 0, sizeof(a));
    a.res = vm1;
    a.rec = f.rec[R_P0];
    a.status = SS_STATUS_UNHEALTHY;
    a.cause = "Found";
    a.description = "port 22 open";
    a.source = 1;
    bool replaced = true;
    CHECK_ERR(ss_score_set(f.s, &a, &replaced), SS_OK);
    CHECK(!replaced);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 1, 0, 4.0, 0.5);
    /* the same pair from the same input: refused, nothing changes */
    a.status = SS_STATUS_HEALTHY;
    a.cause = "Other";
    CHECK_ERR(ss_score_set(f.s, &a, &replaced), SS_EDUPLICATE);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 1, 0, 4.0, 0.5);
    struct ss_assessment got;
    CHECK(ss_score_get(f.s, vm1, f.rec[R_P0], &got, NULL, NULL));
    CHECK_EQ_INT(got.status, SS_STATUS_UNHEALTHY);
    CHECK_STREQ(got.cause, "Found");
    CHECK_STREQ(got.description, "port 22 open");
    CHECK_EQ_INT(got.source, 1);
    /* a later input replaces */
    a.source = 2;
    replaced = false;
    CHECK_ERR(ss_score_set(f.s, &a, &replaced), SS_OK);
    CHECK(replaced);
    CHECK_EQ_INT(ss_score_nassessments(f.s), 3);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 2, 0, 0, 8.0, 1.0);
    CHECK(ss_score_get(f.s, vm1, f.rec[R_P0], &got, NULL, NULL));
    CHECK_EQ_INT(got.status, SS_STATUS_HEALTHY);
    CHECK_STREQ(got.cause, "Other");
    CHECK_EQ_INT(got.source, 2);
    /* source 0 never conflicts */
    a.source = 0;
    a.status = SS_STATUS_NOTAPPLICABLE;
    CHECK_ERR(ss_score_set(f.s, &a, NULL), SS_OK);
    CHECK_ERR(ss_score_set(f.s, &a, NULL), SS_OK);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 0, 1, 8.0, 1.0);
    /* bad arguments */
    a.status = SS_STATUS_NONE;
    CHECK_ERR(ss_score_set(f.s, &a, NULL), SS_EINVAL);
    a.status = SS_STATUS_HEALTHY;
    a.res = 999;
    CHECK_ERR(ss_score_set(f.s, &a, NULL), SS_EINVAL);
    /* removing restores the earlier results exactly */
    CHECK(ss_score_remove(f.s, vm1, f.rec[R_P0]));
    CHECK(!ss_score_remove(f.s, vm1, f.rec[R_P0]));
    CHECK(!ss_score_get(f.s, vm1, f.rec[R_P0], &got, NULL, NULL));
    CHECK_EQ_INT(ss_score_nassessments(f.s), 2);
    CHECK_SNAP(&f, &before);
    /* and the pair can be set again afterwards */
    fx_put(t_, &f, vm1, R_P0, SS_STATUS_UNHEALTHY);
    CHECK_CTL(&f, f.sub_a, C_PORTS, 1, 1, 0, 4.0, 0.5);
    fx_free(&f);
}

TEST(score_state_resource_ids)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    uint32_t a = fx_res(t_, &f, VM(SUB_A, "rg", "vm1"));
    uint32_t b = UINT32_MAX;
    const char *upper = "/SUBSCRIPTIONS/0A0A0A0A-1111-4111-8111-AAAAAAAAAAAA/RESOURCEGROUPS/RG/"
                        "PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/VM1/";
    CHECK_ERR(ss_score_resource(f.s, upper, strlen(upper), "Microsoft.Compute/virtualMachines", &b),
              SS_OK);
    CHECK_EQ_INT(b, a);
    CHECK_EQ_INT(ss_score_find_resource(f.s, upper, strlen(upper)), (long)a);
    CHECK_EQ_INT(ss_score_resource_sub(f.s, a), f.sub_a);
    CHECK_STREQ(ss_score_resource_type(f.s, a), "microsoft.compute/virtualmachines");
    CHECK_ERR(ss_score_resource(f.s, "/resourceGroups/rg", 18, NULL, &b), SS_EINPUT);
    CHECK_ERR(ss_score_resource(f.s, "/subscriptions/xyz/resourceGroups/rg", 36, NULL, &b),
              SS_EINPUT);
    CHECK_EQ_INT(
        ss_score_find_resource(f.s, VM(SUB_A, "rg", "vm2"), strlen(VM(SUB_A, "rg", "vm2"))), -1);
    uint32_t sub = UINT32_MAX;
    CHECK_ERR(ss_score_sub(f.s, "0A0A0A0A-1111-4111-8111-AAAAAAAAAAAA", 36, &sub), SS_OK);
    CHECK_EQ_INT(sub, f.sub_a);
    CHECK_ERR(ss_score_sub(f.s, "not-a-guid", 10, &sub), SS_EINPUT);
    CHECK_EQ_INT(ss_score_nsubs(f.s), 3);
    fx_free(&f);
}

TEST(score_state_subscription_weight)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    uint32_t vm1 = fx_res(t_, &f, VM(SUB_A, "rg", "vm1"));
    uint32_t vm2 = fx_res(t_, &f, VM(SUB_A, "rg", "vm2"));
    uint32_t vm3 = fx_res(t_, &f, VM(SUB_A, "rg", "vm3"));
    uint32_t vm4 = fx_res(t_, &f, VM(SUB_A, "rg", "vm4"));
    uint32_t vm5 = fx_res(t_, &f, VM(SUB_A, "rg", "vm5"));
    uint32_t vm6 = fx_res(t_, &f, VM(SUB_A, "rg", "vm6"));
    uint32_t subres = fx_res(t_, &f, "/subscriptions/" SUB_A);
    fx_put(t_, &f, vm1, R_P0, SS_STATUS_HEALTHY);
    fx_put(t_, &f, vm2, R_P0, SS_STATUS_UNHEALTHY); /* two assessments, one resource */
    fx_put(t_, &f, vm2, R_VULN, SS_STATUS_HEALTHY);
    fx_put(t_, &f, vm3, R_P0, SS_STATUS_NOTAPPLICABLE);  /* NA only */
    fx_put(t_, &f, vm4, R_PREVIEW, SS_STATUS_UNHEALTHY); /* not counting */
    fx_put(t_, &f, vm5, R_CUSTOM, SS_STATUS_HEALTHY);    /* not counting */
    fx_put(t_, &f, vm6, R_ENC, SS_STATUS_UNHEALTHY);     /* exempted below */
    fx_put(t_, &f, subres, R_MFA, SS_STATUS_HEALTHY);
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 4);
    CHECK_ERR(ss_score_exempt(f.s, VM(SUB_A, "rg", "vm6"), f.rec[R_ENC], "Waiver", 0, NULL), SS_OK);
    ss_score_reapply(f.s);
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 3);
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_b), 0);
    /* PORTS 8*1/2 = 4, VULN 6, MFA 10: 20 / 24 = 0.8333 */
    CHECK_SUB(&f, f.sub_a, 24, 20.0, 0.8333, 3);
    /* an imported weight is kept as given, whatever happens afterwards */
    ss_score_sub_set_weight(f.s, f.sub_a, 67);
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 67);
    CHECK_SUB(&f, f.sub_a, 24, 20.0, 0.8333, 67);
    fx_put(t_, &f, vm4, R_P1, SS_STATUS_HEALTHY);
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 67);
    ss_score_sub_set_weight(f.s, f.sub_a, 0);
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 0);
    /* -1 clears it: the computed weight (now with vm4) is back */
    ss_score_sub_set_weight(f.s, f.sub_a, -1);
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 4);
    /* removing the last H/U assessment of a resource drops it */
    CHECK(ss_score_remove(f.s, vm2, f.rec[R_P0]));
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 4);
    CHECK(ss_score_remove(f.s, vm2, f.rec[R_VULN]));
    CHECK_EQ_INT(ss_score_sub_weight(f.s, f.sub_a), 3);
    fx_free(&f);
}

/*
 * Three subscriptions of different sizes (only P0, ENC, VULN and MFA are
 * used; PORTS 8, ENC 4, VULN 6, MFA 10 points):
 *
 *   A: a1..a10: P0 H on a1..a7, U on a8..a10; VULN H on a1..a4, U on a5..a10;
 *      the subscription: MFA H.
 *      PORTS 8*7/10 = 5.6; VULN 6*4/10 = 2.4; MFA 10 -> max 24, current 18,
 *      percentage 0.75; weight 11.
 *   B: b1..b5: ENC H on b1 b2, U on b3..b5; b6: P0 U; the subscription: MFA U.
 *      ENC 4*2/5 = 1.6; PORTS 0; MFA 0 -> max 22, current 1.6,
 *      1.6/22 = 0.072727 -> 0.0727; weight 7.
 *   C: c1: P0 H, VULN H; c2: P0 H, VULN U.
 *      PORTS 8; VULN 6*1/2 = 3 -> max 14, current 11, 11/14 = 0.785714 ->
 *      0.7857; weight 2.
 *
 * Pooled over A, B, C:
 *   PORTS H 7+0+2 = 9, U 3+1+0 = 4: 8*9/13 = 5.538 -> 5.54, 5.54/8 = 0.6925
 *   ENC   H 2, U 3: 1.6, 0.4
 *   VULN  H 4+1 = 5, U 6+1 = 7: 6*5/12 = 2.5, 2.5/6 = 0.41667 -> 0.4167
 *   MFA   H 1, U 1: 5, 0.5
 *   total max 28, current 5.54+1.6+2.5+5 = 14.64, 14.64/28 = 0.522857 ->
 *   0.5229, weight 20.
 * Weighted: round2(w*current/max) per subscription: A 11*18/24 = 8.25,
 *   B 7*1.6/22 = 0.50909 -> 0.51, C 2*11/14 = 1.5714 -> 1.57; sum 10.33;
 *   100 * 10.33 / (11+7+2) = 51.65 -> 51.65 -> percentage 51.65 / 100.
 */
struct aggfx {
    struct fx f;
    uint32_t subs[4];
};

static void aggfx_fill(struct ss_test *t_, struct fx *f)
{
    char id[200];
    for (int i = 1; i <= 10; i++) {
        snprintf(id, sizeof(id), VM(SUB_A, "rg", "a%d"), i);
        uint32_t r = fx_res(t_, f, id);
        fx_put(t_, f, r, R_P0, i <= 7 ? SS_STATUS_HEALTHY : SS_STATUS_UNHEALTHY);
        fx_put(t_, f, r, R_VULN, i <= 4 ? SS_STATUS_HEALTHY : SS_STATUS_UNHEALTHY);
    }
    fx_put(t_, f, fx_res(t_, f, "/subscriptions/" SUB_A), R_MFA, SS_STATUS_HEALTHY);
    for (int i = 1; i <= 5; i++) {
        snprintf(id, sizeof(id),
                 "/subscriptions/" SUB_B "/resourceGroups/data/providers/Microsoft.Storage/"
                 "storageAccounts/b%d",
                 i);
        fx_put(t_, f, fx_res(t_, f, id), R_ENC, i <= 2 ? SS_STATUS_HEALTHY : SS_STATUS_UNHEALTHY);
    }
    fx_put(t_, f, fx_res(t_, f, VM(SUB_B, "rg", "b6")), R_P0, SS_STATUS_UNHEALTHY);
    fx_put(t_, f, fx_res(t_, f, "/subscriptions/" SUB_B), R_MFA, SS_STATUS_UNHEALTHY);
    uint32_t c1 = fx_res(t_, f, VM(SUB_C, "rg", "c1")), c2 = fx_res(t_, f, VM(SUB_C, "rg", "c2"));
    fx_put(t_, f, c1, R_P0, SS_STATUS_HEALTHY);
    fx_put(t_, f, c1, R_VULN, SS_STATUS_HEALTHY);
    fx_put(t_, f, c2, R_P0, SS_STATUS_HEALTHY);
    fx_put(t_, f, c2, R_VULN, SS_STATUS_UNHEALTHY);
}

static void check_agg_row_at(struct ss_test *t_, int line, const struct ss_control_result *r,
                             int max, uint32_t h, uint32_t u, uint32_t na, double cur, double pct)
{
    if (r->max != max || r->healthy != h || r->unhealthy != u || r->not_applicable != na ||
        r->current != cur || r->percentage != pct || r->weight != (uint64_t)h + u)
        ss_test_fail(t_, __FILE__, line,
                     "row: got max=%d H=%u U=%u NA=%u current=%.17g pct=%.17g; want max=%d H=%u "
                     "U=%u NA=%u current=%.17g pct=%.17g",
                     r->max, r->healthy, r->unhealthy, r->not_applicable, r->current, r->percentage,
                     max, h, u, na, cur, pct);
}
#define CHECK_ROW(r, max, h, u, na, cur, pct)                                                      \
    check_agg_row_at(t_, __LINE__, r, max, h, u, na, cur, pct)

TEST(score_aggregate_pooled_and_weighted)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    aggfx_fill(t_, &f);
    CHECK_SUB(&f, f.sub_a, 24, 18.0, 0.75, 11);
    CHECK_SUB(&f, f.sub_b, 22, 1.6, 0.0727, 7);
    CHECK_SUB(&f, f.sub_c, 14, 11.0, 0.7857, 2);

    uint32_t subs[4] = {f.sub_a, f.sub_b, f.sub_c, 0};
    struct ss_score_result tot;
    struct ss_control_result rows[C__N];
    ss_score_aggregate(f.s, subs, 3, SS_AGG_POOLED, &tot, rows);
    CHECK_TOTAL(&tot, 28, 14.64, 0.5229, 20);
    CHECK_ROW(&rows[f.ctl[C_PORTS]], 8, 9, 4, 0, 5.54, 0.6925);
    CHECK_ROW(&rows[f.ctl[C_ENC]], 4, 2, 3, 0, 1.6, 0.4);
    CHECK_ROW(&rows[f.ctl[C_VULN]], 6, 5, 7, 0, 2.5, 0.4167);
    CHECK_ROW(&rows[f.ctl[C_MFA]], 10, 1, 1, 0, 5.0, 0.5);
    /* the potential increases add up to max - current */
    double pot = 0;
    for (int c = 0; c < C__N; c++)
        pot += rows[c].max - rows[c].current;
    CHECK_DBL(ss_round2(pot), ss_round2(tot.max - tot.current));

    ss_score_aggregate(f.s, subs, 3, SS_AGG_WEIGHTED, &tot, rows);
    CHECK_DBL(tot.percentage, 0.5165);
    CHECK_EQ_INT(tot.weight, 20);
    /* per-control rows stay pooled */
    CHECK_ROW(&rows[f.ctl[C_PORTS]], 8, 9, 4, 0, 5.54, 0.6925);
    CHECK_ROW(&rows[f.ctl[C_VULN]], 6, 5, 7, 0, 2.5, 0.4167);

    /* one subscription: the aggregate is its own score */
    ss_score_aggregate(f.s, &f.sub_b, 1, SS_AGG_POOLED, &tot, NULL);
    CHECK_TOTAL(&tot, 22, 1.6, 0.0727, 7);

    /* a subscription with NA only: weight 0, counted as 1 in the weighted denominator:
     * 100 * 10.33 / 21 = 49.1905 -> 49.19 */
    uint32_t d1 = fx_res(t_, &f, VM(SUB_D, "rg", "d1"));
    fx_put(t_, &f, d1, R_P0, SS_STATUS_NOTAPPLICABLE);
    subs[3] = ss_score_resource_sub(f.s, d1);
    ss_score_aggregate(f.s, subs, 4, SS_AGG_WEIGHTED, &tot, NULL);
    CHECK_DBL(tot.percentage, 0.4919);
    CHECK_EQ_INT(tot.weight, 20);
    ss_score_aggregate(f.s, subs, 4, SS_AGG_POOLED, &tot, rows);
    CHECK_TOTAL(&tot, 28, 14.64, 0.5229, 20);
    CHECK_ROW(&rows[f.ctl[C_PORTS]], 8, 9, 4, 1, 5.54, 0.6925);

    /* an imported weight enters the weighted formula: A weighs 67:
     * round2(67*18/24) = 50.25; (50.25 + 0.51 + 1.57) / (67+7+2) = 52.33 / 76
     * = 0.688553 -> 68.86 */
    ss_score_sub_set_weight(f.s, f.sub_a, 67);
    ss_score_aggregate(f.s, subs, 3, SS_AGG_WEIGHTED, &tot, NULL);
    CHECK_DBL(tot.percentage, 0.6886);
    CHECK_EQ_INT(tot.weight, 76);
    ss_score_sub_set_weight(f.s, f.sub_a, -1);

    /* the empty selection */
    ss_score_aggregate(f.s, subs, 0, SS_AGG_POOLED, &tot, rows);
    CHECK_TOTAL(&tot, 0, 0.0, 0.0, 0);
    ss_score_aggregate(f.s, subs, 0, SS_AGG_WEIGHTED, &tot, NULL);
    CHECK_DBL(tot.percentage, 0.0);
    fx_free(&f);
}

/*
 * B disabled: its score is zero and it drops out of every aggregate.
 * Pooled A + C: PORTS H 9 U 3: 8*9/12 = 6; ENC none; VULN 2.5; MFA H 1: 10;
 * max 8+6+10 = 24, current 18.5, 18.5/24 = 0.770833 -> 0.7708, weight 13.
 * Weighted: (8.25 + 1.57) / (11 + 2) = 0.755385 -> 75.54.
 */
TEST(score_aggregate_disabled_subscription)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    aggfx_fill(t_, &f);
    uint32_t subs[3] = {f.sub_a, f.sub_b, f.sub_c}, ac[2] = {f.sub_a, f.sub_c};
    ss_score_sub_set_state(f.s, f.sub_b, "Disabled");
    CHECK(!ss_score_sub_enabled(f.s, f.sub_b));
    CHECK_STREQ(ss_score_sub_state(f.s, f.sub_b), "Disabled");
    CHECK_SUB(&f, f.sub_b, 0, 0.0, 0.0, 0);
    struct ss_score_result tot, tot2;
    struct ss_control_result rows[C__N], rows2[C__N];
    ss_score_aggregate(f.s, subs, 3, SS_AGG_POOLED, &tot, rows);
    CHECK_TOTAL(&tot, 24, 18.5, 0.7708, 13);
    CHECK_ROW(&rows[f.ctl[C_PORTS]], 8, 9, 3, 0, 6.0, 0.75);
    CHECK_ROW(&rows[f.ctl[C_ENC]], 0, 0, 0, 0, 0.0, 0.0);
    CHECK_ROW(&rows[f.ctl[C_MFA]], 10, 1, 0, 0, 10.0, 1.0);
    ss_score_aggregate(f.s, ac, 2, SS_AGG_POOLED, &tot2, rows2);
    CHECK(total_eq(&tot, &tot2));
    for (int c = 0; c < C__N; c++)
        CHECK(ctl_eq(&rows[c], &rows2[c]));
    ss_score_aggregate(f.s, subs, 3, SS_AGG_WEIGHTED, &tot, NULL);
    /* round(..., 2) / 100, printed with its four digits (75.54 / 100 alone would be
     * 0.7554000000000001) */
    CHECK_DBL(tot.percentage, 0.7554);
    CHECK_EQ_INT(tot.weight, 13);
    /* other states than Enabled disable too */
    ss_score_sub_set_state(f.s, f.sub_b, "Warned");
    CHECK_SUB(&f, f.sub_b, 0, 0.0, 0.0, 0);
    ss_score_sub_set_state(f.s, f.sub_b, "Enabled");
    CHECK(ss_score_sub_enabled(f.s, f.sub_b));
    CHECK_SUB(&f, f.sub_b, 22, 1.6, 0.0727, 7);
    ss_score_aggregate(f.s, subs, 3, SS_AGG_POOLED, &tot, NULL);
    CHECK_TOTAL(&tot, 28, 14.64, 0.5229, 20);
    fx_free(&f);
}

TEST(score_management_groups)
{
    struct fx f;
    if (!fx_init(t_, &f)) {
        fx_free(&f);
        return;
    }
    struct ss_score *s = f.s;
    uint32_t root = ss_score_mg(s, "Contoso", 7);
    uint32_t prod = ss_score_mg(s, "contoso-prod", 12);
    uint32_t eu = ss_score_mg(s, "prod-eu", 7);
    uint32_t dev = ss_score_mg(s, "contoso-dev", 11);
    CHECK_EQ_INT(ss_score_mg(s, "CONTOSO", 7), root); /* case-insensitive */
    CHECK_EQ_INT(ss_score_nmgs(s), 4);
    CHECK_STREQ(ss_score_mg_name(s, root), "Contoso");
    CHECK_EQ_INT(ss_score_mg_parent(s, prod), -1);
    ss_score_mg_set(s, prod, "Production", (long)root);
    ss_score_mg_set(s, eu, NULL, (long)prod);
    ss_score_mg_set(s, dev, NULL, (long)root);
    CHECK_STREQ(ss_score_mg_display(s, prod), "Production");
    CHECK_STREQ(ss_score_mg_display(s, eu), "prod-eu");
    CHECK_EQ_INT(ss_score_mg_parent(s, eu), (long)prod);
    ss_score_sub_set_mg(s, f.sub_a, (long)eu);
    ss_score_sub_set_mg(s, f.sub_b, (long)dev);
    CHECK_EQ_INT(ss_score_sub_mg(s, f.sub_a), (long)eu);
    CHECK_EQ_INT(ss_score_sub_mg(s, f.sub_c), -1);
    CHECK(ss_score_sub_in_mg(s, f.sub_a, eu));
    CHECK(ss_score_sub_in_mg(s, f.sub_a, prod));
    CHECK(ss_score_sub_in_mg(s, f.sub_a, root)); /* depth 3 */
    CHECK(!ss_score_sub_in_mg(s, f.sub_a, dev));
    CHECK(ss_score_sub_in_mg(s, f.sub_b, root));
    CHECK(!ss_score_sub_in_mg(s, f.sub_b, prod));
    CHECK(!ss_score_sub_in_mg(s, f.sub_c, root));
    /* cycles are refused: the root under its grandchild, a group under itself */
    ss_score_mg_set(s, root, NULL, (long)eu);
    CHECK_EQ_INT(ss_score_mg_parent(s, root), -1);
    ss_score_mg_set(s, prod, NULL, (long)prod);
    CHECK_EQ_INT(ss_score_mg_parent(s, prod), (long)root);
    ss_score_mg_set(s, prod, NULL, (long)eu);
    CHECK_EQ_INT(ss_score_mg_parent(s, prod), (long)root);
    /* a group that does not exist is no parent */
    ss_score_mg_set(s, dev, NULL, 99);
    CHECK_EQ_INT(ss_score_mg_parent(s, dev), (long)root);
    /* membership still terminates and is right */
    CHECK(ss_score_sub_in_mg(s, f.sub_a, root));
    CHECK(!ss_score_sub_in_mg(s, f.sub_c, eu));
    /* moving a group moves its subscriptions */
    ss_score_mg_set(s, eu, NULL, (long)dev);
    CHECK(ss_score_sub_in_mg(s, f.sub_a, dev));
    CHECK(!ss_score_sub_in_mg(s, f.sub_a, prod));
    CHECK(ss_score_sub_in_mg(s, f.sub_a, root));
    /* a legitimate move that used to be a cycle is now allowed */
    ss_score_mg_set(s, prod, NULL, (long)eu);
    CHECK_EQ_INT(ss_score_mg_parent(s, prod), (long)eu);
    ss_score_sub_set_mg(s, f.sub_a, -1);
    CHECK(!ss_score_sub_in_mg(s, f.sub_a, root));
    fx_free(&f);
}

/* ==== 3. incremental = full recomputation ==== */

/*
 * A catalog of 15 recommendations over 6 controls: r1, r2 and r4 are
 * shared, r12 is preview, r13 customer-managed, r14 BuiltIn but in no
 * control (it counts for the weight only); Q5 is worth 0 points.
 */
enum { PR_N = 15, PC_N = 6, PS_N = 3, PM_N = 3, PRES_N = 40 };
static const struct {
    int max;
    int recs[5];
    int n;
} prop_ctls[PC_N] = {
    {10, {0, 1}, 2},       {8, {1, 2, 3, 4}, 4}, {6, {5, 6, 12}, 3},
    {4, {7, 8, 4, 13}, 4}, {3, {9, 10, 2}, 3},   {0, {11}, 1},
};
static const char *const prop_subs[PS_N] = {"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                                            "deadbeef-0000-4000-8000-0123456789ab",
                                            "cafef00d-1111-4111-9111-abcdefabcdef"};
static const int prop_sub_size[PS_N] = {20, 13, 7}; /* resources, the subscription included */
static const char *const prop_rgs[3] = {"rg", "rg2", "RG-Web"};
static const char *const prop_mgs[PM_N] = {"mg-root", "mg-a", "mg-b"};

static bool prop_counts(int rec)
{
    return rec <= 11 || rec == 14;
}

static void prop_key(char *buf, size_t size, char kind, int i)
{
    snprintf(buf, size, "%c0000000-0000-4000-8000-%012x", kind, (unsigned)i);
}

static void prop_catalog_json(struct ss_buf *defs, struct ss_buf *meta)
{
    char key[40];
    ss_buf_adds(defs, "{\"value\": [");
    for (int c = 0; c < PC_N; c++) {
        prop_key(key, sizeof(key), 'd', c);
        ss_buf_printf(defs,
                      "%s{\"name\": \"%s\", \"properties\": {\"displayName\": \"Control %d\", "
                      "\"maxScore\": %d, \"source\": {\"sourceType\": \"BuiltIn\"}, "
                      "\"assessmentDefinitions\": [",
                      c ? ", " : "", key, c, prop_ctls[c].max);
        for (int k = 0; k < prop_ctls[c].n; k++) {
            prop_key(key, sizeof(key), 'b', prop_ctls[c].recs[k]);
            ss_buf_printf(defs, "%s{\"id\": \"" AM "%s\"}", k ? ", " : "", key);
        }
        ss_buf_adds(defs, "]}}");
    }
    ss_buf_adds(defs, "]}");
    ss_buf_adds(meta, "{\"value\": [");
    for (int r = 0; r < PR_N; r++) {
        prop_key(key, sizeof(key), 'b', r);
        ss_buf_printf(meta,
                      "%s{\"name\": \"%s\", \"properties\": {\"displayName\": \"Rec %d\", "
                      "\"assessmentType\": \"%s\", \"preview\": %s}}",
                      r ? ", " : "", key, r, r == 13 ? "CustomerManaged" : "BuiltIn",
                      r == 12 ? "true" : "false");
    }
    ss_buf_adds(meta, "]}");
}

/* The cause given with every NotApplicable assessment (none with the others). */
#define PROP_NA_CAUSE "NotApplicableByType"

/* An exemption or a disabled recommendation, as the reference sees it. */
enum { SC_TENANT, SC_MG, SC_SUB, SC_RG, SC_RES };
struct prop_ov {
    bool disable;
    int rec, level, target, rg; /* target: mg, sub or resource; rg with SC_RG */
    int64_t expires;
};

struct prop_res {
    int sub, rg; /* rg -1: the subscription itself */
    char id[200];
    uint32_t idx; /* engine index */
};

/* The plain table the reference recomputes from. */
struct prop {
    struct ss_catalog *cat;
    struct ss_score *s;
    uint32_t rec[PR_N], ctl[PC_N], sub[PS_N], mg[PM_N];
    struct prop_res res[PRES_N];
    uint8_t status[PRES_N][PR_N]; /* 0: none */
    uint32_t source[PRES_N][PR_N];
    struct prop_ov ovs[512];
    int novs, ndisabled;
    long mg_parent[PM_N], sub_mg[PS_N];
    bool enabled[PS_N];
    int64_t imported[PS_N];
    int64_t now;
    char op[512]; /* the last operation, for messages */
};

static bool prop_init(struct ss_test *t_, struct prop *p)
{
    struct ss_buf defs = SS_BUF_INIT, meta = SS_BUF_INIT;
    char key[40];
    memset(p, 0, sizeof(*p));
    prop_catalog_json(&defs, &meta);
    p->cat = ss_catalog_new();
    CHECK_ERR(ss_catalog_load_definitions_text(p->cat, defs.ptr, defs.len, "defs", NULL), SS_OK);
    CHECK_ERR(ss_catalog_load_metadata_text(p->cat, meta.ptr, meta.len, "meta", NULL), SS_OK);
    ss_buf_release(&defs);
    ss_buf_release(&meta);
    for (int r = 0; r < PR_N; r++) {
        prop_key(key, sizeof(key), 'b', r);
        long i = ss_catalog_find_rec(p->cat, key, 36);
        if (i < 0 || ss_rec_counts(ss_catalog_rec(p->cat, (size_t)i)) != prop_counts(r))
            return false;
        p->rec[r] = (uint32_t)i;
    }
    for (int c = 0; c < PC_N; c++) {
        prop_key(key, sizeof(key), 'd', c);
        long i = ss_catalog_find_control(p->cat, key, 36);
        if (i < 0)
            return false;
        p->ctl[c] = (uint32_t)i;
    }
    p->s = ss_score_new(p->cat);
    for (int m = 0; m < PM_N; m++) {
        p->mg[m] = ss_score_mg(p->s, prop_mgs[m], strlen(prop_mgs[m]));
        p->mg_parent[m] = -1;
    }
    int n = 0;
    for (int sb = 0; sb < PS_N; sb++) {
        CHECK_ERR(ss_score_sub(p->s, prop_subs[sb], 36, &p->sub[sb]), SS_OK);
        p->sub_mg[sb] = -1;
        p->enabled[sb] = true;
        p->imported[sb] = -1;
        for (int k = 0; k < prop_sub_size[sb]; k++, n++) {
            struct prop_res *r = &p->res[n];
            r->sub = sb;
            r->rg = k ? k % 3 : -1;
            if (k)
                snprintf(r->id, sizeof(r->id),
                         "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/"
                         "virtualMachines/vm%d",
                         prop_subs[sb], prop_rgs[r->rg], k);
            else
                snprintf(r->id, sizeof(r->id), "/subscriptions/%s", prop_subs[sb]);
            CHECK_ERR(ss_score_resource(p->s, r->id, strlen(r->id), NULL, &r->idx), SS_OK);
        }
    }
    if (n != PRES_N)
        return false;
    CHECK(ss_time_parse("2024-01-01T00:00:00Z", 20, &p->now));
    ss_score_set_now(p->s, p->now);
    return true;
}

static bool ref_sub_in_mg(const struct prop *p, int sb, int mg)
{
    int hops = 0;
    for (long m = p->sub_mg[sb]; m >= 0 && hops <= PM_N; m = p->mg_parent[m], hops++)
        if (m == mg)
            return true;
    return false;
}

static bool ref_covers(const struct prop *p, const struct prop_ov *o, int ri)
{
    const struct prop_res *r = &p->res[ri];
    switch (o->level) {
    case SC_TENANT:
        return true;
    case SC_MG:
        return ref_sub_in_mg(p, r->sub, o->target);
    case SC_SUB:
        return r->sub == o->target;
    case SC_RG:
        return r->sub == o->target && r->rg == o->rg;
    default:
        return ri == o->target;
    }
}

/* Effective status and cause (the given one, "Exempt", "OffByPolicy") of (ri, rec). */
static int ref_effective(const struct prop *p, int ri, int rec, const char **cause)
{
    bool exempt = false;
    *cause = p->status[ri][rec] == SS_STATUS_NOTAPPLICABLE ? PROP_NA_CAUSE : "";
    for (int i = 0; i < p->novs; i++) {
        const struct prop_ov *o = &p->ovs[i];
        if (o->rec != rec || !ref_covers(p, o, ri))
            continue;
        if (o->disable) {
            *cause = "OffByPolicy";
            return SS_STATUS_NOTAPPLICABLE;
        }
        if (!o->expires || o->expires > p->now)
            exempt = true;
    }
    if (exempt) {
        *cause = "Exempt";
        return SS_STATUS_NOTAPPLICABLE;
    }
    return p->status[ri][rec];
}

/* State of resource ri in control c (SS_STATUS_NONE when not counted). */
static int ref_state(const struct prop *p, int ri, int c)
{
    bool h = false, u = false, na = false;
    for (int k = 0; k < prop_ctls[c].n; k++) {
        int rec = prop_ctls[c].recs[k];
        const char *cause;
        if (!prop_counts(rec) || !p->status[ri][rec])
            continue;
        int e = ref_effective(p, ri, rec, &cause);
        u |= e == SS_STATUS_UNHEALTHY;
        h |= e == SS_STATUS_HEALTHY;
        na |= e == SS_STATUS_NOTAPPLICABLE;
    }
    return u ? SS_STATUS_UNHEALTHY : h ? SS_STATUS_HEALTHY : na ? SS_STATUS_NOTAPPLICABLE : 0;
}

/* The reference's view of the scores: counts, then DESIGN.md §3 steps 3 and 4. */
struct ref_ctl {
    uint32_t h, u, na;
    int max;
    double cur, pct;
};
struct ref_sub {
    struct ref_ctl ctl[PC_N];
    int max;
    double cur, pct;
    uint64_t weight; /* imported or computed */
};

static void ref_formula(int d, struct ref_ctl *c)
{
    uint32_t n = c->h + c->u;
    c->max = n ? d : 0;
    c->cur = n ? rint((double)d * c->h / (double)n * 100.0) / 100.0 : 0.0;
    c->pct = c->max ? rint(c->cur / c->max * 10000.0) / 10000.0 : 0.0;
}

static void ref_total(const struct ref_ctl *ctl, int *max, double *cur, double *pct)
{
    double sum = 0;
    *max = 0;
    for (int c = 0; c < PC_N; c++) {
        *max += ctl[c].max;
        sum += ctl[c].cur;
    }
    *cur = rint(sum * 100.0) / 100.0;
    *pct = *max ? rint(*cur / *max * 10000.0) / 10000.0 : 0.0;
}

/* Counts of one subscription, whether enabled or not. */
static void ref_sub_compute(const struct prop *p, int sb, int states[PRES_N][PC_N],
                            struct ref_sub *out)
{
    uint64_t weight = 0;
    memset(out, 0, sizeof(*out));
    for (int ri = 0; ri < PRES_N; ri++) {
        if (p->res[ri].sub != sb)
            continue;
        for (int c = 0; c < PC_N; c++) {
            int st = states[ri][c];
            out->ctl[c].h += st == SS_STATUS_HEALTHY;
            out->ctl[c].u += st == SS_STATUS_UNHEALTHY;
            out->ctl[c].na += st == SS_STATUS_NOTAPPLICABLE;
        }
        bool hu = false;
        for (int rec = 0; rec < PR_N; rec++) {
            const char *cause;
            if (!prop_counts(rec) || !p->status[ri][rec])
                continue;
            int e = ref_effective(p, ri, rec, &cause);
            hu |= e == SS_STATUS_HEALTHY || e == SS_STATUS_UNHEALTHY;
        }
        weight += hu;
    }
    for (int c = 0; c < PC_N; c++)
        ref_formula(prop_ctls[c].max, &out->ctl[c]);
    ref_total(out->ctl, &out->max, &out->cur, &out->pct);
    out->weight = p->imported[sb] >= 0 ? (uint64_t)p->imported[sb] : weight;
}

static bool prop_fail(struct ss_test *t_, const struct prop *p, int step, const char *fmt, ...)
    SS_PRINTF(4, 5);
static bool prop_fail(struct ss_test *t_, const struct prop *p, int step, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ss_test_fail(t_, __FILE__, __LINE__, "step %d (after %s): %s", step, p->op, msg);
    return false;
}

static bool prop_cmp_ctl(struct ss_test *t_, const struct prop *p, int step, const char *what,
                         const struct ss_control_result *g, const struct ref_ctl *w)
{
    if (g->healthy != w->h || g->unhealthy != w->u || g->not_applicable != w->na)
        return prop_fail(t_, p, step, "%s: counts H/U/NA %u/%u/%u, reference %u/%u/%u", what,
                         g->healthy, g->unhealthy, g->not_applicable, w->h, w->u, w->na);
    if (g->max != w->max || g->current != w->cur || g->percentage != w->pct ||
        g->weight != (uint64_t)w->h + w->u)
        return prop_fail(t_, p, step,
                         "%s: max/current/pct %d/%.17g/%.17g, reference "
                         "%d/%.17g/%.17g",
                         what, g->max, g->current, g->percentage, w->max, w->cur, w->pct);
    return true;
}

static bool prop_cmp_total(struct ss_test *t_, const struct prop *p, int step, const char *what,
                           const struct ss_score_result *g, int max, double cur, double pct,
                           uint64_t weight)
{
    if (g->max != max || g->current != cur || g->percentage != pct || g->weight != weight)
        return prop_fail(t_, p, step,
                         "%s: max/current/pct/weight %d/%.17g/%.17g/%llu, reference "
                         "%d/%.17g/%.17g/%llu",
                         what, g->max, g->current, g->percentage, (unsigned long long)g->weight,
                         max, cur, pct, (unsigned long long)weight);
    return true;
}

/* Every assessment as stored and as effective, and every resource state. */
static bool prop_check_pairs(struct ss_test *t_, const struct prop *p, int step,
                             int states[PRES_N][PC_N])
{
    size_t n = 0;
    for (int ri = 0; ri < PRES_N; ri++) {
        for (int rec = 0; rec < PR_N; rec++) {
            struct ss_assessment a;
            enum ss_status eff = SS_STATUS_NONE;
            const char *cause = NULL, *want_cause;
            bool have = ss_score_get(p->s, p->res[ri].idx, p->rec[rec], &a, &eff, &cause);
            if (have != (p->status[ri][rec] != 0))
                return prop_fail(t_, p, step, "res %d rec %d: present %d, reference %d", ri, rec,
                                 have, p->status[ri][rec] != 0);
            if (!have)
                continue;
            n++;
            int want = ref_effective(p, ri, rec, &want_cause);
            if (a.status != p->status[ri][rec] || a.source != p->source[ri][rec] ||
                eff != (enum ss_status)want || strcmp(cause ? cause : "", want_cause) != 0)
                return prop_fail(t_, p, step,
                                 "res %d rec %d: status %d source %u effective %d cause \"%s\", "
                                 "reference %d %u %d \"%s\"",
                                 ri, rec, a.status, a.source, eff, cause ? cause : "",
                                 p->status[ri][rec], p->source[ri][rec], want, want_cause);
        }
        for (int c = 0; c < PC_N; c++) {
            int got = ss_score_resource_state(p->s, p->res[ri].idx, p->ctl[c]);
            if (got != states[ri][c])
                return prop_fail(t_, p, step, "res %d control %d: state %d, reference %d", ri, c,
                                 got, states[ri][c]);
        }
    }
    if (ss_score_nassessments(p->s) != n)
        return prop_fail(t_, p, step, "%zu assessments, reference %zu", ss_score_nassessments(p->s),
                         n);
    return true;
}

/* Pooled and weighted aggregates over the subscriptions of `mask`. */
static bool prop_check_agg(struct ss_test *t_, const struct prop *p, int step, unsigned mask,
                           const struct ref_sub *subs)
{
    uint32_t sel[PS_N];
    size_t n = 0;
    struct ref_ctl pooled[PC_N];
    uint64_t weight = 0;
    double wsum = 0, wden = 0;
    memset(pooled, 0, sizeof(pooled));
    for (int sb = 0; sb < PS_N; sb++) {
        if (!(mask & (1u << sb)))
            continue;
        sel[n++] = p->sub[sb];
        if (!p->enabled[sb])
            continue;
        for (int c = 0; c < PC_N; c++) {
            pooled[c].h += subs[sb].ctl[c].h;
            pooled[c].u += subs[sb].ctl[c].u;
            pooled[c].na += subs[sb].ctl[c].na;
        }
        weight += subs[sb].weight;
        /* Microsoft's tools: iff(max == 0, 0, round(w * current / max, 2)), max(w, 1) */
        double w = (double)subs[sb].weight;
        wsum += subs[sb].max ? rint(w * subs[sb].cur / subs[sb].max * 100.0) / 100.0 : 0.0;
        wden += w > 0 ? w : 1.0;
    }
    for (int c = 0; c < PC_N; c++)
        ref_formula(prop_ctls[c].max, &pooled[c]);
    int max;
    double cur, pct;
    ref_total(pooled, &max, &cur, &pct);
    struct ss_score_result g;
    struct ss_control_result rows[PC_N];
    char what[64];
    ss_score_aggregate(p->s, sel, n, SS_AGG_POOLED, &g, rows);
    snprintf(what, sizeof(what), "pooled aggregate of mask %u", mask);
    if (!prop_cmp_total(t_, p, step, what, &g, max, cur, pct, weight))
        return false;
    for (int c = 0; c < PC_N; c++) {
        snprintf(what, sizeof(what), "pooled aggregate of mask %u, control %d", mask, c);
        if (!prop_cmp_ctl(t_, p, step, what, &rows[p->ctl[c]], &pooled[c]))
            return false;
    }
    ss_score_aggregate(p->s, sel, n, SS_AGG_WEIGHTED, &g, rows);
    double wpct = wden > 0
                      ? rint(rint(100.0 * wsum / wden * 100.0) / 100.0 / 100.0 * 10000.0) / 10000.0
                      : 0.0;
    if (g.percentage != wpct || g.weight != weight)
        return prop_fail(t_, p, step,
                         "weighted aggregate of mask %u: pct %.17g weight %llu, "
                         "reference %.17g %llu",
                         mask, g.percentage, (unsigned long long)g.weight, wpct,
                         (unsigned long long)weight);
    for (int c = 0; c < PC_N; c++) {
        snprintf(what, sizeof(what), "weighted aggregate of mask %u, control %d", mask, c);
        if (!prop_cmp_ctl(t_, p, step, what, &rows[p->ctl[c]], &pooled[c]))
            return false;
    }
    return true;
}

/* Compares everything the engine publishes with the reference. */
static bool prop_check(struct ss_test *t_, const struct prop *p, int step)
{
    static int states[PRES_N][PC_N];
    struct ref_sub subs[PS_N];
    for (int ri = 0; ri < PRES_N; ri++)
        for (int c = 0; c < PC_N; c++)
            states[ri][c] = ref_state(p, ri, c);
    if (!prop_check_pairs(t_, p, step, states))
        return false;
    for (int sb = 0; sb < PS_N; sb++) {
        char what[64];
        ref_sub_compute(p, sb, states, &subs[sb]);
        if (ss_score_sub_weight(p->s, p->sub[sb]) != subs[sb].weight)
            return prop_fail(t_, p, step, "sub %d weight %llu, reference %llu", sb,
                             (unsigned long long)ss_score_sub_weight(p->s, p->sub[sb]),
                             (unsigned long long)subs[sb].weight);
        struct ss_score_result g;
        ss_score_sub_result(p->s, p->sub[sb], &g);
        snprintf(what, sizeof(what), "sub %d total", sb);
        if (!p->enabled[sb]) {
            if (!prop_cmp_total(t_, p, step, what, &g, 0, 0.0, 0.0, 0))
                return false;
            continue;
        }
        if (!prop_cmp_total(t_, p, step, what, &g, subs[sb].max, subs[sb].cur, subs[sb].pct,
                            subs[sb].weight))
            return false;
        for (int c = 0; c < PC_N; c++) {
            struct ss_control_result r;
            ss_score_control_result(p->s, p->sub[sb], p->ctl[c], &r);
            snprintf(what, sizeof(what), "sub %d control %d", sb, c);
            if (!prop_cmp_ctl(t_, p, step, what, &r, &subs[sb].ctl[c]))
                return false;
        }
    }
    for (unsigned mask = 0; mask < (1u << PS_N); mask++)
        if (!prop_check_agg(t_, p, step, mask, subs))
            return false;
    return true;
}

/* The id of resource ri with its case changed at random and maybe a trailing slash. */
static void prop_mangle(const char *id, uint64_t *rng, char *out, size_t size)
{
    size_t n = strlen(id), i;
    for (i = 0; i < n && i + 2 < size; i++) {
        char c = id[i];
        if (rng_below(rng, 4) == 0)
            c = (char)(c >= 'a' && c <= 'z' ? c - 32 : c >= 'A' && c <= 'Z' ? c + 32 : c);
        out[i] = c;
    }
    if (rng_below(rng, 4) == 0)
        out[i++] = '/';
    out[i] = '\0';
}

static bool prop_op_set(struct ss_test *t_, struct prop *p, uint64_t *rng, int step)
{
    int ri = (int)rng_below(rng, PRES_N), rec = (int)rng_below(rng, PR_N);
    static const int dist[10] = {1, 1, 1, 1, 2, 2, 2, 3, 3, 1}; /* H, U, NA */
    int st = dist[rng_below(rng, 10)];
    uint32_t source = rng_below(rng, 5);
    source = source > 3 ? 0 : source;
    char id[220];
    prop_mangle(p->res[ri].id, rng, id, sizeof(id));
    snprintf(p->op, sizeof(p->op), "set res %d rec %d status %d source %u", ri, rec, st, source);
    long found = ss_score_find_resource(p->s, id, strlen(id));
    if (found != (long)p->res[ri].idx)
        return prop_fail(t_, p, step, "find_resource(%s) = %ld, want %u", id, found,
                         p->res[ri].idx);
    struct ss_assessment a;
    memset(&a, 0, sizeof(a));
    a.res = (uint32_t)found;
    a.rec = p->rec[rec];
    a.status = (enum ss_status)st;
    a.source = source;
    a.cause = st == SS_STATUS_NOTAPPLICABLE ? PROP_NA_CAUSE : NULL;
    bool dup = p->status[ri][rec] && source && p->source[ri][rec] == source, replaced = false;
    enum ss_err e = ss_score_set(p->s, &a, &replaced);
    if (e != (dup ? SS_EDUPLICATE : SS_OK))
        return prop_fail(t_, p, step, "ss_score_set returned %s", ss_err_name(e));
    if (!dup && replaced != (p->status[ri][rec] != 0))
        return prop_fail(t_, p, step, "replaced %d, reference %d", replaced,
                         p->status[ri][rec] != 0);
    if (!dup) {
        p->status[ri][rec] = (uint8_t)st;
        p->source[ri][rec] = source;
    }
    return true;
}

static bool prop_op_remove(struct ss_test *t_, struct prop *p, uint64_t *rng, int step)
{
    int ri = (int)rng_below(rng, PRES_N), rec = (int)rng_below(rng, PR_N);
    snprintf(p->op, sizeof(p->op), "remove res %d rec %d", ri, rec);
    bool got = ss_score_remove(p->s, p->res[ri].idx, p->rec[rec]);
    if (got != (p->status[ri][rec] != 0))
        return prop_fail(t_, p, step, "remove returned %d, reference %d", got,
                         p->status[ri][rec] != 0);
    p->status[ri][rec] = 0;
    p->source[ri][rec] = 0;
    return true;
}

/* Writes the scope of o as an ARM id, in a case that differs from the resources'. */
static void prop_scope(const struct prop *p, const struct prop_ov *o, char *buf, size_t size)
{
    switch (o->level) {
    case SC_TENANT:
        snprintf(buf, size, "/");
        break;
    case SC_MG:
        snprintf(buf, size, "/providers/Microsoft.Management/managementGroups/%s",
                 prop_mgs[o->target]);
        break;
    case SC_SUB:
        snprintf(buf, size, "/subscriptions/%s", prop_subs[o->target]);
        break;
    case SC_RG:
        snprintf(buf, size, "/subscriptions/%s/resourcegroups/%s", prop_subs[o->target],
                 prop_rgs[o->rg]);
        for (char *c = buf; *c; c++)
            *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
        break;
    default:
        snprintf(buf, size, "%s", p->res[o->target].id);
        for (char *c = buf; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        break;
    }
}

static bool prop_op_override(struct ss_test *t_, struct prop *p, uint64_t *rng, int step,
                             bool disable)
{
    static const int64_t hour = 3600LL * 10000000LL;
    struct prop_ov o;
    memset(&o, 0, sizeof(o));
    o.disable = disable;
    o.rec = (int)rng_below(rng, PR_N);
    o.level = disable ? 1 + (int)rng_below(rng, 2) : (int)rng_below(rng, 5);
    if (!disable && o.level == SC_TENANT && rng_below(rng, 3))
        o.level = SC_RES; /* tenant-wide exemptions are rare */
    o.target = o.level == SC_MG    ? (int)rng_below(rng, PM_N)
               : o.level == SC_RES ? (int)rng_below(rng, PRES_N)
                                   : (int)rng_below(rng, PS_N);
    o.rg = (int)rng_below(rng, 3);
    if (o.level == SC_RES && p->res[o.target].rg < 0) {
        /* the subscription's own id is the subscription scope: all its resources */
        o.level = SC_SUB;
        o.target = p->res[o.target].sub;
    }
    if (!disable && rng_below(rng, 4))
        o.expires = p->now + ((int64_t)rng_below(rng, 40) - 5) * hour;
    if (o.expires == 0 && !disable && rng_below(rng, 4))
        o.expires = p->now; /* expired exactly now */
    char scope[256];
    prop_scope(p, &o, scope, sizeof(scope));
    snprintf(p->op, sizeof(p->op), "%s rec %d at %s (expires %+lld h) + reapply",
             disable ? "disable" : "exempt", o.rec, scope,
             o.expires ? (long long)((o.expires - p->now) / hour) : 0LL);
    enum ss_err e =
        disable ? ss_score_disable(p->s, scope, p->rec[o.rec], NULL)
                : ss_score_exempt(p->s, scope, p->rec[o.rec],
                                  rng_below(rng, 2) ? "Waiver" : "Mitigated", o.expires, NULL);
    if (e != SS_OK)
        return prop_fail(t_, p, step, "override returned %s", ss_err_name(e));
    if (p->novs < (int)SS_ARRAY_LEN(p->ovs))
        p->ovs[p->novs++] = o;
    p->ndisabled += disable;
    ss_score_reapply(p->s);
    return true;
}

/* Hierarchy, clock, subscription state and weight: the rarer operations. */
static void prop_op_other(struct prop *p, uint64_t *rng, unsigned r)
{
    if (r < 30) {
        p->now += (int64_t)rng_below(rng, 5) * 3600LL * 10000000LL;
        snprintf(p->op, sizeof(p->op), "advance clock + reapply");
        ss_score_set_now(p->s, p->now);
        ss_score_reapply(p->s);
    } else if (r < 45) {
        int m = (int)rng_below(rng, PM_N);
        long parent = (long)rng_below(rng, PM_N + 1) - 1;
        snprintf(p->op, sizeof(p->op), "mg %d parent %ld + reapply", m, parent);
        bool cycle = false;
        for (long q = parent, hops = 0; q >= 0 && hops <= PM_N; q = p->mg_parent[q], hops++)
            cycle |= q == m;
        if (!cycle)
            p->mg_parent[m] = parent;
        ss_score_mg_set(p->s, p->mg[m], NULL, parent >= 0 ? (long)p->mg[parent] : -1);
        ss_score_reapply(p->s);
    } else if (r < 60) {
        int sb = (int)rng_below(rng, PS_N);
        long m = (long)rng_below(rng, PM_N + 1) - 1;
        snprintf(p->op, sizeof(p->op), "sub %d under mg %ld + reapply", sb, m);
        p->sub_mg[sb] = m;
        ss_score_sub_set_mg(p->s, p->sub[sb], m >= 0 ? (long)p->mg[m] : -1);
        ss_score_reapply(p->s);
    } else if (r < 80) {
        int sb = (int)rng_below(rng, PS_N);
        p->enabled[sb] = !p->enabled[sb];
        snprintf(p->op, sizeof(p->op), "sub %d %s", sb, p->enabled[sb] ? "Enabled" : "Disabled");
        ss_score_sub_set_state(p->s, p->sub[sb], p->enabled[sb] ? "Enabled" : "Disabled");
    } else {
        int sb = (int)rng_below(rng, PS_N);
        p->imported[sb] = rng_below(rng, 2) ? -1 : (int64_t)rng_below(rng, 100);
        snprintf(p->op, sizeof(p->op), "sub %d imported weight %lld", sb,
                 (long long)p->imported[sb]);
        ss_score_sub_set_weight(p->s, p->sub[sb], p->imported[sb]);
    }
}

static bool prop_step(struct ss_test *t_, struct prop *p, uint64_t *rng, int step)
{
    unsigned r = rng_below(rng, 1000);
    if (r < 600)
        return prop_op_set(t_, p, rng, step);
    if (r < 850)
        return prop_op_remove(t_, p, rng, step);
    if (r < 885)
        return prop_op_override(t_, p, rng, step, false);
    if (r < 900) {
        if (p->ndisabled < 6 && rng_below(rng, 5) == 0)
            return prop_op_override(t_, p, rng, step, true);
        return prop_op_remove(t_, p, rng, step);
    }
    prop_op_other(p, rng, r - 900);
    return true;
}

TEST(score_incremental_matches_full_recomputation)
{
    static struct prop p;
    uint64_t rng = 0x5eC0e5C0eULL;
    bool ok = prop_init(t_, &p);
    if (!ok) {
        ss_test_fail(t_, __FILE__, __LINE__, "fixture");
    } else {
        snprintf(p.op, sizeof(p.op), "start");
        ok = prop_check(t_, &p, 0);
    }
    int sets = 0, nonzero = 0;
    for (int step = 1; ok && step <= 6000; step++) {
        ok = prop_step(t_, &p, &rng, step) && prop_check(t_, &p, step);
        sets += strncmp(p.op, "set", 3) == 0;
        for (int sb = 0; sb < PS_N; sb++) {
            struct ss_score_result g;
            ss_score_sub_result(p.s, p.sub[sb], &g);
            nonzero += g.current > 0 && g.current < g.max;
        }
    }
    /* the run is not vacuous: many writes, scores strictly between 0 and max, overrides */
    if (ok) {
        CHECK(sets > 3000);
        CHECK(nonzero > 5000);
        CHECK(p.novs > 100);
        CHECK(p.ndisabled > 0);
    }
    ss_score_free(p.s);
    ss_catalog_free(p.cat);
}

/* ==== 4. time ==== */

static void check_time_at(struct ss_test *t_, int line, const char *in, const char *want)
{
    int64_t ticks = 0;
    char buf[40];
    if (!ss_time_parse(in, strlen(in), &ticks)) {
        ss_test_fail(t_, __FILE__, line, "\"%s\" rejected", in);
        return;
    }
    ss_time_format(ticks, buf);
    if (strcmp(buf, want) != 0)
        ss_test_fail(t_, __FILE__, line, "\"%s\" -> \"%s\", want \"%s\"", in, buf, want);
}
#define CHECK_TIME(in, want) check_time_at(t_, __LINE__, in, want)

TEST(score_time_parse_and_format)
{
    /* 2021-04-12 is day 18729 since 1970-01-01 */
    int64_t ticks = 0;
    const char *azure = "2021-04-12T09:07:18.6759138Z";
    CHECK(ss_time_parse(azure, strlen(azure), &ticks));
    CHECK_EQ_INT(ticks, ((18729LL * 86400 + 9 * 3600 + 7 * 60 + 18) * 10000000LL) + 6759138);
    CHECK_TIME(azure, azure);
    CHECK_TIME("2021-04-12T09:07:18Z", "2021-04-12T09:07:18.0000000Z");
    CHECK_TIME("2021-04-12T09:07:18.5Z", "2021-04-12T09:07:18.5000000Z");
    CHECK_TIME("2021-04-12T11:07:18+02:00", "2021-04-12T09:07:18.0000000Z");
    CHECK_TIME("2021-04-12T03:37:18.6759138-05:30", "2021-04-12T09:07:18.6759138Z");
    CHECK_TIME("2021-04-12T01:00:00+02:00", "2021-04-11T23:00:00.0000000Z"); /* day before */
    CHECK_TIME("2021-12-31T23:30:00-01:00", "2022-01-01T00:30:00.0000000Z"); /* year after */
    CHECK_TIME("2021-04-12", "2021-04-12T00:00:00.0000000Z");
    CHECK_TIME("1970-01-01T00:00:00Z", "1970-01-01T00:00:00.0000000Z");
    CHECK_TIME("1969-12-31T23:59:59.9999999Z", "1969-12-31T23:59:59.9999999Z");
    CHECK_TIME("2024-02-29T12:00:00Z", "2024-02-29T12:00:00.0000000Z");
    CHECK_TIME("2000-02-29", "2000-02-29T00:00:00.0000000Z");
    CHECK_TIME("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z");
    CHECK(ss_time_parse("1970-01-01", 10, &ticks));
    CHECK_EQ_INT(ticks, 0);
    CHECK(ss_time_parse("2024-02-29", 10, &ticks));
    CHECK_EQ_INT(ticks, 19782LL * 86400 * 10000000LL);
    /* the length is respected */
    CHECK(ss_time_parse("2021-04-12T09:07:18Zjunk", 20, &ticks));
    CHECK_EQ_INT(ticks, (18729LL * 86400 + 9 * 3600 + 7 * 60 + 18) * 10000000LL);
}

TEST(score_time_rejects_invalid)
{
    static const char *const bad[] = {
        "",
        "yesterday",
        "2023-02-29",
        "1900-02-29",
        "2023-04-31",
        "2023-13-01",
        "2023-00-10",
        "2023-01-00",
        "2021-4-12",
        "21-04-12",
        "2021/04/12",
        "2021-04-12T",
        "2021-04-12T09",
        "2021-04-12T25:00:00Z",
        "2021-04-12T09:60:00Z",
        "2021-04-12T09:07:18.Z",
        "2021-04-12T09:07:18Zjunk",
        "2021-04-12T09:07:18+2:00",
        "2021-04-12T09:07:18+02",
        "2021-04-12T09:07:18+25:00",
        "2021-04-12 junk",
        "2021-04-12T09:07:18Z ",
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(bad); i++) {
        int64_t ticks = 12345;
        if (ss_time_parse(bad[i], strlen(bad[i]), &ticks))
            ss_test_fail(t_, __FILE__, __LINE__, "\"%s\" accepted as %lld", bad[i],
                         (long long)ticks);
        CHECK_EQ_INT(ticks, 12345); /* output untouched */
    }
    int64_t ticks;
    CHECK(!ss_time_parse("2021-04-12", 9, &ticks)); /* cut short */
}

/* format(parse(x)) round trips over the years 1970..9999 at 100 ns resolution. */
TEST(score_time_round_trip)
{
    uint64_t rng = 0x7135;
    const int64_t top = 253402300800LL * 10000000LL; /* 10000-01-01 */
    for (int i = 0; i < 20000; i++) {
        int64_t t = (int64_t)(rng_next(&rng) % (uint64_t)top);
        if (i < 3)
            t = i == 0 ? 0 : i == 1 ? top - 1 : 951782400LL * 10000000LL; /* 2000-02-29 */
        char buf[40];
        int64_t back = -1;
        ss_time_format(t, buf);
        if (strlen(buf) != 28 || !ss_time_parse(buf, strlen(buf), &back) || back != t) {
            ss_test_fail(t_, __FILE__, __LINE__, "%lld -> \"%s\" -> %lld", (long long)t, buf,
                         (long long)back);
            return;
        }
    }
}
