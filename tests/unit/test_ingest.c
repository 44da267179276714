#include "common/setup.h"

/*
 * Unit tests for src/ingest/evaluate.c: the built-in rules evaluated on the
 * inventory resources an ingest reads (ss_ingest_set_evaluate).
 */

#include "securescore/catalog.h"
#include "securescore/ingest.h"
#include "securescore/score.h"
#include "test.h"

#define SA                                                                                         \
    "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/"             \
    "Microsoft.Storage/storageAccounts/"
#define SECURE_TRANSFER "e19701a4-d2f3-5ee3-8612-e698db2e1d58"

static const char inventory[] =
    "{\"id\": \"" SA "good\", \"type\": \"Microsoft.Storage/storageAccounts\", \"properties\": "
    "{\"supportsHttpsTrafficOnly\": true}}\n"
    "{\"id\": \"" SA "bad\", \"type\": \"Microsoft.Storage/storageAccounts\", \"properties\": "
    "{\"supportsHttpsTrafficOnly\": false}}\n"
    "{\"id\": \"" SA "twice\", \"type\": \"Microsoft.Storage/storageAccounts\", \"properties\": "
    "{\"supportsHttpsTrafficOnly\": false}}\n"
    "{\"id\": \"" SA "twice\", \"type\": \"Microsoft.Storage/storageAccounts\", \"properties\": "
    "{\"supportsHttpsTrafficOnly\": true}}\n";

static const char imported[] =
    "{\"id\": \"" SA "good/providers/Microsoft.Security/assessments/" SECURE_TRANSFER "\", "
    "\"type\": \"Microsoft.Security/assessments\", "
    "\"properties\": {\"status\": {\"code\": \"Unhealthy\", \"cause\": \"Imported\"}}}";

struct fixture {
    struct ss_catalog *cat;
    struct ss_score *s;
    struct ss_ingest *in;
    long rec;
};

static bool setup(struct fixture *f, bool evaluate)
{
    struct ss_diag d;
    ss_diag_clear(&d);
    f->cat = ss_catalog_new();
    if (ss_catalog_load_builtin(f->cat, &d))
        return false;
    f->s = ss_score_new(f->cat);
    f->in = ss_ingest_new(f->s, f->cat);
    ss_ingest_set_evaluate(f->in, evaluate);
    f->rec = ss_catalog_find_rec(f->cat, SECURE_TRANSFER, strlen(SECURE_TRANSFER));
    return f->rec >= 0;
}

static void teardown(struct fixture *f)
{
    ss_ingest_free(f->in);
    ss_score_free(f->s);
    ss_catalog_free(f->cat);
}

static bool get(struct fixture *f, const char *name, struct ss_assessment *a)
{
    char id[256];
    snprintf(id, sizeof(id), SA "%s", name);
    long res = ss_score_find_resource(f->s, id, strlen(id));
    return res >= 0 && ss_score_get(f->s, (uint32_t)res, (uint32_t)f->rec, a, NULL, NULL);
}

TEST(ingest_evaluate_rules_on_inventory)
{
    struct fixture f;
    struct ss_diag d;
    ss_diag_clear(&d);
    REQUIRE(setup(&f, true));
    /* The import comes first; it must win over the evaluated outcome all the same. */
    CHECK_EQ_INT(ss_ingest_text(f.in, imported, strlen(imported), "imported", &d), SS_OK);
    CHECK_EQ_INT(ss_ingest_text(f.in, inventory, strlen(inventory), "inventory", &d), SS_OK);
    ss_ingest_finish(f.in);
    const struct ss_ingest_stats *st = ss_ingest_stats(f.in);
    CHECK(st->rules > 100);
    CHECK_EQ_INT(st->eval_errors, 0);
    CHECK(st->evaluated > 0);

    struct ss_assessment a;
    REQUIRE(get(&f, "good", &a));
    CHECK_EQ_INT(a.status, SS_STATUS_UNHEALTHY);
    CHECK_STREQ(a.cause, "Imported");
    CHECK(a.source != 0);

    REQUIRE(get(&f, "bad", &a));
    CHECK_EQ_INT(a.status, SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(a.source, 0);
    CHECK_STREQ(a.cause, "PolicyEvaluation");
    CHECK(strncmp(a.description, "Unhealthy: /properties/policyRule/if/", 37) == 0);

    /* A resource read twice: the later copy is the one evaluated. */
    REQUIRE(get(&f, "twice", &a));
    CHECK_EQ_INT(a.status, SS_STATUS_HEALTHY);
    CHECK(strncmp(a.description, "Healthy: ", 9) == 0);
    teardown(&f);
}

TEST(ingest_evaluate_off)
{
    struct fixture f;
    struct ss_diag d;
    ss_diag_clear(&d);
    REQUIRE(setup(&f, false));
    CHECK_EQ_INT(ss_ingest_text(f.in, inventory, strlen(inventory), "inventory", &d), SS_OK);
    ss_ingest_finish(f.in);
    CHECK_EQ_INT(ss_score_nassessments(f.s), 0);
    CHECK_EQ_INT(ss_ingest_stats(f.in)->evaluated, 0);
    teardown(&f);
}
