/*
 * libFuzzer target for the inputs of `scan`: the ingest dispatcher
 * (assessments, inventories, hierarchy rows and files, secure score rows)
 * over a small catalog (two controls, one key shared, a preview and a
 * custom recommendation: loading the built-in one per input would cost
 * 10 ms), and the Azure-format catalog loaders
 * (secureScoreControlDefinitions and assessmentMetadata lists).
 *
 * The first byte picks the reader; the rest is its input. After ingest, the
 * scores of every subscription and the tenant aggregate are computed, and
 * invariants checked: each control's counts add up, current <= max,
 * percentages in [0, 1]. A failing load must leave a diagnostic with a code.
 *
 * Build: `make fuzz`. Seeds: tests/fuzz/corpus/ingest/.
 */
#include "common/setup.h"

#include <stdio.h>

#include "securescore/catalog.h"
#include "securescore/ingest.h"
#include "securescore/score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char defs[] =
    "{\"value\": [{\"name\": \"c1000000-0000-4000-8000-000000000001\", \"properties\": "
    "{\"displayName\": \"One\", \"maxScore\": 10, \"assessmentDefinitions\": ["
    "{\"id\": \"/providers/Microsoft.Security/assessmentMetadata/"
    "11111111-1111-4111-8111-111111111111\"}, {\"id\": "
    "\"x/22222222-2222-4222-8222-222222222222\"}]}},"
    "{\"name\": \"c2000000-0000-4000-8000-000000000002\", \"properties\": {\"displayName\": "
    "\"Two\", \"maxScore\": 4, \"assessmentDefinitions\": "
    "[\"22222222-2222-4222-8222-222222222222\","
    "\"33333333-3333-4333-8333-333333333333\"]}}]}";
static const char meta[] =
    "[{\"name\": \"22222222-2222-4222-8222-222222222222\", \"properties\": {\"displayName\": "
    "\"Two\", \"severity\": \"High\", \"assessmentType\": \"BuiltIn\", \"preview\": true}},"
    "{\"name\": \"33333333-3333-4333-8333-333333333333\", \"properties\": {\"displayName\": "
    "\"Three\", \"severity\": \"Low\", \"assessmentType\": \"CustomerManaged\"}}]";

static void die(const char *what) SS_NORETURN;
static void die(const char *what)
{
    fprintf(stderr, "fuzz_ingest: %s\n", what);
    abort();
}

static void check_scores(const struct ss_score *s)
{
    size_t nsubs = ss_score_nsubs(s), nctl = ss_catalog_ncontrols(ss_score_catalog(s));
    uint32_t *subs = ss_xcalloc(nsubs ? nsubs : 1, sizeof(uint32_t));
    for (size_t i = 0; i < nsubs; i++) {
        subs[i] = (uint32_t)i;
        struct ss_score_result r;
        ss_score_sub_result(s, (uint32_t)i, &r);
        if (r.current < 0 || r.current > r.max + 1e-9 || r.percentage < 0 || r.percentage > 1)
            die("subscription score out of range");
    }
    struct ss_control_result *rows = ss_xcalloc(nctl ? nctl : 1, sizeof(*rows));
    struct ss_score_result total;
    ss_score_aggregate(s, subs, nsubs, SS_AGG_POOLED, &total, rows);
    for (size_t c = 0; c < nctl; c++)
        if (rows[c].weight != (uint64_t)rows[c].healthy + rows[c].unhealthy ||
            rows[c].current > rows[c].max + 1e-9)
            die("control row inconsistent");
    ss_score_aggregate(s, subs, nsubs, SS_AGG_WEIGHTED, &total, NULL);
    if (total.percentage < 0 || total.percentage > 1)
        die("weighted percentage out of range");
    free(rows);
    free(subs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    struct ss_catalog *cat = ss_catalog_new();
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_catalog_load_definitions_text(cat, defs, sizeof(defs) - 1, "defs", &d) ||
        ss_catalog_load_metadata_text(cat, meta, sizeof(meta) - 1, "meta", &d))
        die("fixed catalog");
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    enum ss_err e;
    switch (data[0] % 3) {
    case 0:
        e = ss_catalog_load_definitions_text(cat, text, len, "fuzz", &d);
        break;
    case 1:
        e = ss_catalog_load_metadata_text(cat, text, len, "fuzz", &d);
        break;
    default:
        e = SS_OK;
        break;
    }
    if (e && d.code == SS_OK)
        die("catalog error without a diagnostic");
    struct ss_score *s = ss_score_new(cat);
    struct ss_ingest *in = ss_ingest_new(s, cat);
    ss_diag_clear(&d);
    e = ss_ingest_text(in, text, len, "fuzz", &d);
    if (e && d.code == SS_OK)
        die("ingest error without a diagnostic");
    ss_ingest_finish(in);
    check_scores(s);
    ss_ingest_free(in);
    ss_score_free(s);
    ss_catalog_free(cat);
    return 0;
}
