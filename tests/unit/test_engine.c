#include "common/setup.h"

/*
 * Unit tests for src/ingest/engine.c (the live engine behind `serve`):
 * imports, resource writes and deletes with their evaluated assessments,
 * pushed assessments, policy assignments (Deny, Disabled), metadata, the
 * all-or-nothing rule of writes, and a seeded property test: after a random
 * sequence of writes the incremental state equals the state rebuilt from
 * the store and the state of a fresh `scan` of the same resources.
 *
 * Also the removal of resources from a policy inventory
 * (ss_policy_inventory_add/remove/each), which the engine relies on.
 *
 * Every test works in its own directory made by mkdtemp under /tmp.
 */

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

#include "securescore/buf.h"
#include "securescore/catalog.h"
#include "securescore/engine.h"
#include "securescore/errors.h"
#include "securescore/ingest.h"
#include "securescore/json.h"
#include "securescore/policy.h"
#include "securescore/score.h"
#include "securescore/store.h"
#include "test.h"

#define SUB "00000000-0000-4000-8000-0000000000a1"
#define SUB2 "00000000-0000-4000-8000-0000000000b2"
#define RG "/subscriptions/" SUB "/resourceGroups/rg"
#define SA RG "/providers/Microsoft.Storage/storageAccounts/"
#define SECURE_TRANSFER "e19701a4-d2f3-5ee3-8612-e698db2e1d58"
#define SQL_AUDITING "1d28fc9a-77b2-59a1-874f-20f0acf0788b"
#define CUSTOM_KEY "aaaaaaaa-0000-4000-8000-000000000001"

/* xorshift64*, as in test_score.c */
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

/* ==== fixture ==== */

struct env {
    char dir[64];
    char db[128];
    struct ss_engine *e;
};

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static bool write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(text, 1, strlen(text), f) == strlen(text);
    return fclose(f) == 0 && ok;
}

static enum ss_err env_open(struct env *v, struct ss_diag *d)
{
    struct ss_engine_opts o;
    memset(&o, 0, sizeof(o));
    o.db = v->db;
    v->e = NULL;
    return ss_engine_open(&o, &v->e, d);
}

static bool env_make(struct env *v)
{
    snprintf(v->dir, sizeof(v->dir), "/tmp/ss-engine-XXXXXX");
    if (!mkdtemp(v->dir))
        return false;
    snprintf(v->db, sizeof(v->db), "%s/engine.db", v->dir);
    return env_open(v, NULL) == SS_OK;
}

static bool env_reopen(struct env *v)
{
    ss_engine_close(v->e);
    return env_open(v, NULL) == SS_OK;
}

static void env_free(struct env *v)
{
    ss_engine_close(v->e);
    rm_dir(v->dir);
}

static const char inventory[] =
    "{\"id\":\"/subscriptions/" SUB "\",\"type\":\"microsoft.resources/subscriptions\","
    "\"subscriptionId\":\"" SUB "\",\"name\":\"Sub A\",\"properties\":{\"state\":\"Enabled\"}}\n"
    "{\"id\":\"" SA "sa1\",\"type\":\"Microsoft.Storage/storageAccounts\",\"name\":\"sa1\","
    "\"location\":\"westeurope\",\"properties\":{\"supportsHttpsTrafficOnly\":false,"
    "\"minimumTlsVersion\":\"TLS1_0\"}}\n"
    "{\"id\":\"" SA "sa2\",\"type\":\"Microsoft.Storage/storageAccounts\",\"name\":\"sa2\","
    "\"location\":\"westeurope\",\"properties\":{\"supportsHttpsTrafficOnly\":true,"
    "\"minimumTlsVersion\":\"TLS1_2\"}}\n";

/* A fresh engine with `inventory` imported. */
static bool env_import(struct env *v)
{
    if (!env_make(v))
        return false;
    char path[192];
    snprintf(path, sizeof(path), "%s/inventory.json", v->dir);
    struct ss_diag d;
    ss_diag_clear(&d);
    if (!write_file(path, inventory) || ss_engine_import(v->e, path, &d) != SS_OK) {
        fprintf(stderr, "  import: %s\n", d.msg);
        return false;
    }
    unlink(path);
    return true;
}

static enum ss_err put_res(struct ss_engine *e, const char *id, const char *body, bool *created,
                           struct ss_buf *out, struct ss_diag *d)
{
    struct ss_json_doc *doc = NULL;
    enum ss_err err = ss_json_parse(body, strlen(body), NULL, &doc, d);
    if (err)
        return err;
    err = ss_engine_put_resource(e, id, strlen(id), ss_json_root(doc), created, out, d);
    ss_json_doc_free(doc);
    return err;
}

static enum ss_err put_asmt(struct ss_engine *e, const char *rid, const char *key, const char *body,
                            bool *created)
{
    struct ss_json_doc *doc = NULL;
    enum ss_err err = ss_json_parse(body, strlen(body), NULL, &doc, NULL);
    if (err)
        return err;
    err = ss_engine_put_assessment(e, rid, strlen(rid), key, strlen(key), ss_json_root(doc),
                                   created, NULL);
    ss_json_doc_free(doc);
    return err;
}

static enum ss_err put_meta(struct ss_engine *e, const char *sub, const char *key, const char *body,
                            bool *created)
{
    struct ss_json_doc *doc = NULL;
    enum ss_err err = ss_json_parse(body, strlen(body), NULL, &doc, NULL);
    if (err)
        return err;
    err = ss_engine_put_metadata(e, sub, key, strlen(key), ss_json_root(doc), created, NULL);
    ss_json_doc_free(doc);
    return err;
}

static long rec_of(struct ss_engine *e, const char *key)
{
    return ss_catalog_find_rec(ss_engine_catalog(e), key, strlen(key));
}

/* The stored and effective status of (resource id, key); NONE if no assessment. */
static enum ss_status status_of(struct ss_engine *e, const char *id, const char *key,
                                enum ss_status *effective, const char **cause)
{
    struct ss_score *s = ss_engine_score(e);
    long r = ss_score_find_resource(s, id, strlen(id));
    long rec = rec_of(e, key);
    struct ss_assessment a;
    enum ss_status eff = SS_STATUS_NONE;
    const char *ec = NULL;
    if (r < 0 || rec < 0 || !ss_score_get(s, (uint32_t)r, (uint32_t)rec, &a, &eff, &ec)) {
        if (effective)
            *effective = SS_STATUS_NONE;
        return SS_STATUS_NONE;
    }
    if (effective)
        *effective = eff;
    if (cause)
        *cause = ec;
    return a.status;
}

static uint64_t live_resources(struct ss_engine *e)
{
    struct ss_engine_stats st;
    ss_engine_stats(e, &st);
    return st.resources;
}

/* ==== imports ==== */

TEST(engine_import_inventory)
{
    struct env v;
    REQUIRE(env_import(&v));
    struct ss_score *s = ss_engine_score(v.e);
    struct ss_store *st = ss_engine_store(v.e);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_RESOURCE), 2);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_CONTAINER), 1);
    CHECK_EQ_INT(live_resources(v.e), 3); /* the subscription is a resource too */
    long sub = ss_score_find_sub(s, SUB, 36);
    REQUIRE(sub >= 0);
    CHECK(ss_score_sub_enabled(s, (uint32_t)sub));
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(status_of(v.e, SA "sa2", SECURE_TRANSFER, NULL, NULL), SS_STATUS_HEALTHY);
    struct ss_score_result r1;
    ss_score_sub_result(s, (uint32_t)sub, &r1);
    CHECK(r1.max > 0);
    /* the import is kept: a reopen gives the same state */
    REQUIRE(env_reopen(&v));
    s = ss_engine_score(v.e);
    sub = ss_score_find_sub(s, SUB, 36);
    REQUIRE(sub >= 0);
    struct ss_score_result r2;
    ss_score_sub_result(s, (uint32_t)sub, &r2);
    CHECK_EQ_INT(r2.max, r1.max);
    CHECK_DBL(r2.current, r1.current);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(live_resources(v.e), 3);
    env_free(&v);
}

TEST(engine_import_failure_changes_nothing)
{
    struct env v;
    REQUIRE(env_import(&v));
    char path[192];
    snprintf(path, sizeof(path), "%s/bad.json", v.dir);
    /* one good resource, then a syntax error */
    REQUIRE(write_file(path, "{\"id\":\"" SA "sa3\",\"type\":\"Microsoft.Storage/storageAccounts\","
                             "\"properties\":{\"supportsHttpsTrafficOnly\":false}}\n"
                             "{\"id\": oops}\n"));
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK(ss_engine_import(v.e, path, &d) != SS_OK);
    CHECK(d.code != SS_OK);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_RESOURCE), 2);
    CHECK_EQ_INT(live_resources(v.e), 3);
    struct ss_buf b = SS_BUF_INIT;
    CHECK_ERR(ss_engine_get_resource(v.e, SA "sa3", strlen(SA "sa3"), &b), SS_ENOENT);
    CHECK_EQ_INT(status_of(v.e, SA "sa3", SECURE_TRANSFER, NULL, NULL), SS_STATUS_NONE);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    /* a missing file too */
    snprintf(path, sizeof(path), "%s/missing.json", v.dir);
    CHECK(ss_engine_import(v.e, path, NULL) != SS_OK);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_RESOURCE), 2);
    ss_buf_release(&b);
    env_free(&v);
}

/* ==== resources ==== */

TEST(engine_put_resource)
{
    struct env v;
    REQUIRE(env_import(&v));
    struct ss_buf out = SS_BUF_INIT;
    struct ss_diag d;
    ss_diag_clear(&d);
    bool created = false;
    /* the body's id, name and type are replaced by the path's */
    CHECK_ERR(put_res(v.e, SA "NewOne",
                      "{\"id\":\"bogus\",\"name\":\"other\",\"type\":\"Microsoft.Web/sites\","
                      "\"location\":\"westeurope\",\"properties\":{\"supportsHttpsTrafficOnly\":"
                      "false}}",
                      &created, &out, &d),
              SS_OK);
    CHECK(created);
    struct ss_json_doc *doc = NULL;
    REQUIRE(ss_json_parse(out.ptr, out.len, NULL, &doc, NULL) == SS_OK);
    struct ss_json root = ss_json_root(doc);
    CHECK(ss_json_str_eq(ss_json_getz(root, "id"), SA "NewOne"));
    CHECK(ss_json_str_eq(ss_json_getz(root, "name"), "NewOne"));
    CHECK(ss_json_str_eq(ss_json_getz(root, "type"), "Microsoft.Storage/storageAccounts"));
    CHECK(ss_json_str_eq(ss_json_getz(root, "location"), "westeurope"));
    CHECK_EQ_INT(ss_json_len(root), 5);
    ss_json_doc_free(doc);
    /* the store and get_resource hold the same document */
    struct ss_buf b = SS_BUF_INIT;
    CHECK_ERR(
        ss_store_get(ss_engine_store(v.e), SS_STORE_RESOURCE, SA "newone", strlen(SA "newone"), &b),
        SS_OK);
    CHECK_MEMEQ(b.ptr, b.len, out.ptr);
    ss_buf_reset(&b);
    CHECK_ERR(ss_engine_get_resource(v.e, SA "NEWONE", strlen(SA "NEWONE"), &b), SS_OK);
    CHECK_MEMEQ(b.ptr, b.len, out.ptr);
    CHECK_EQ_INT(status_of(v.e, SA "NewOne", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(live_resources(v.e), 4);

    /* a replacement: not created, re-evaluated */
    created = true;
    CHECK_ERR(put_res(v.e, SA "newone", "{\"properties\":{\"supportsHttpsTrafficOnly\":true}}",
                      &created, NULL, &d),
              SS_OK);
    CHECK(!created);
    CHECK_EQ_INT(status_of(v.e, SA "NewOne", SECURE_TRANSFER, NULL, NULL), SS_STATUS_HEALTHY);
    CHECK_EQ_INT(live_resources(v.e), 4);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_RESOURCE), 3);

    /* a child resource: the type has every type segment */
    ss_buf_reset(&out);
    CHECK_ERR(put_res(v.e, RG "/providers/Microsoft.Sql/servers/s1/databases/db1", "{}", &created,
                      &out, &d),
              SS_OK);
    CHECK(created);
    CHECK(strstr(out.ptr, "\"type\":\"Microsoft.Sql/servers/databases\"") != NULL);
    CHECK(strstr(out.ptr, "\"name\":\"db1\"") != NULL);
    ss_buf_release(&b);
    ss_buf_release(&out);
    env_free(&v);
}

TEST(engine_put_resource_refuses_bad_input)
{
    struct env v;
    REQUIRE(env_import(&v));
    static const char *const bad_ids[] = {
        "",
        "/",
        "/subscriptions/" SUB,
        RG,
        RG "/providers",
        RG "/providers/Microsoft.Storage",
        RG "/providers/Microsoft.Storage/storageAccounts",
        RG "/providers/Microsoft.Storage/storageAccounts/",
        RG "/providers/Microsoft.Storage/storageAccounts//x",
        RG "/providers/Microsoft.Storage/storageAccounts/a/b",
        RG "/providers/Microsoft.Storage/storageAccounts/a?x=1",
        RG "/providers/Microsoft.Storage/storageAccounts/a#f",
        RG "/providers/Microsoft.Storage/storageAccounts/a\tb",
        "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Storage/"
        "storageAccounts/a",
        "/subscriptions/" SUB "/providers/Microsoft.Security/pricings",
        "/subscriptions/" SUB "/resourceGroups/rg/Microsoft.Storage/storageAccounts/a",
    };
    struct ss_store *st = ss_engine_store(v.e);
    for (size_t i = 0; i < SS_ARRAY_LEN(bad_ids); i++) {
        struct ss_diag d;
        ss_diag_clear(&d);
        bool created = true;
        enum ss_err e = put_res(v.e, bad_ids[i], "{\"properties\":{}}", &created, NULL, &d);
        if (e != SS_EINPUT)
            ss_test_fail(t_, __FILE__, __LINE__, "id \"%s\": got %s", bad_ids[i], ss_err_name(e));
        CHECK(created); /* untouched */
    }
    static const char *const bad_bodies[] = {
        "[]", "\"x\"", "null", "3", "{\"properties\":\"x\"}", "{\"properties\":[1]}",
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(bad_bodies); i++) {
        struct ss_diag d;
        ss_diag_clear(&d);
        enum ss_err e = put_res(v.e, SA "x", bad_bodies[i], NULL, NULL, &d);
        if (e != SS_EINPUT)
            ss_test_fail(t_, __FILE__, __LINE__, "body %s: got %s", bad_bodies[i], ss_err_name(e));
    }
    /* properties null is allowed */
    CHECK_ERR(put_res(v.e, SA "nullprops", "{\"properties\":null}", NULL, NULL, NULL), SS_OK);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_RESOURCE), 3);
    CHECK_EQ_INT(live_resources(v.e), 4);
    CHECK(ss_score_find_resource(ss_engine_score(v.e), SA "x", strlen(SA "x")) < 0);
    env_free(&v);
}

/* A resource directly under a subscription (a Defender plan) is a resource too. */
TEST(engine_put_subscription_level_resource)
{
    struct env v;
    REQUIRE(env_import(&v));
    const char *id = "/subscriptions/" SUB "/providers/Microsoft.Security/pricings/VirtualMachines";
    bool created = false;
    struct ss_buf out = SS_BUF_INIT;
    CHECK_ERR(
        put_res(v.e, id, "{\"properties\":{\"pricingTier\":\"Standard\"}}", &created, &out, NULL),
        SS_OK);
    CHECK(created);
    CHECK(out.ptr && strstr(out.ptr, "\"type\":\"Microsoft.Security/pricings\""));
    CHECK(out.ptr && strstr(out.ptr, "\"name\":\"VirtualMachines\""));
    ss_buf_release(&out);
    env_free(&v);
}

TEST(engine_delete_resource)
{
    struct env v;
    REQUIRE(env_import(&v));
    struct ss_score *s = ss_engine_score(v.e);
    long sub = ss_score_find_sub(s, SUB, 36);
    REQUIRE(sub >= 0);
    struct ss_score_result before;
    ss_score_sub_result(s, (uint32_t)sub, &before);
    long r = ss_score_find_resource(s, SA "sa1", strlen(SA "sa1"));
    REQUIRE(r >= 0);
    uint32_t cur = 0;
    struct ss_assessment a;
    CHECK(ss_score_next_assessment(s, (uint32_t)r, &cur, &a, NULL));
    CHECK_ERR(ss_engine_delete_resource(v.e, SA "SA1", strlen(SA "SA1"), NULL), SS_OK);
    cur = 0;
    CHECK(!ss_score_next_assessment(s, (uint32_t)r, &cur, &a, NULL));
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_NONE);
    struct ss_buf b = SS_BUF_INIT;
    CHECK_ERR(ss_engine_get_resource(v.e, SA "sa1", strlen(SA "sa1"), &b), SS_ENOENT);
    CHECK_ERR(ss_store_get(ss_engine_store(v.e), SS_STORE_RESOURCE, SA "sa1", strlen(SA "sa1"), &b),
              SS_ENOENT);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_RESOURCE), 1);
    CHECK_EQ_INT(live_resources(v.e), 2);
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK_ERR(ss_engine_delete_resource(v.e, SA "sa1", strlen(SA "sa1"), &d), SS_ENOENT);
    CHECK_ERR(ss_engine_delete_resource(v.e, SA "never", strlen(SA "never"), NULL), SS_ENOENT);
    /* sa1 was the only unhealthy storage account for secure transfer: the score moved */
    struct ss_score_result after;
    ss_score_sub_result(s, (uint32_t)sub, &after);
    CHECK(after.current != before.current || after.max != before.max);
    /* put back: created again */
    bool created = false;
    CHECK_ERR(put_res(v.e, SA "sa1", "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}",
                      &created, NULL, NULL),
              SS_OK);
    CHECK(created);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    /* a change was logged for each write */
    ss_buf_release(&b);
    env_free(&v);
}

static enum ss_err count_change(void *arg, int64_t seq, int64_t time, const char *kind,
                                const char *id, const char *detail)
{
    struct ss_buf *b = arg;
    (void)seq;
    (void)time;
    (void)detail;
    ss_buf_printf(b, "%s %s;", kind, id);
    return SS_OK;
}

TEST(engine_writes_are_logged)
{
    struct env v;
    REQUIRE(env_import(&v));
    CHECK_ERR(put_res(v.e, SA "log1", "{}", NULL, NULL, NULL), SS_OK);
    CHECK_ERR(put_res(v.e, SA "log1", "{\"tags\":{}}", NULL, NULL, NULL), SS_OK);
    CHECK_ERR(ss_engine_delete_resource(v.e, SA "log1", strlen(SA "log1"), NULL), SS_OK);
    struct ss_buf b = SS_BUF_INIT;
    CHECK_ERR(ss_store_changes(ss_engine_store(v.e), 0, 0, count_change, &b), SS_OK);
    REQUIRE(b.ptr);
    CHECK(strncmp(b.ptr, "import ", 7) == 0);
    CHECK(strstr(b.ptr, "resource.created " SA "log1;resource.updated " SA
                        "log1;resource.deleted " SA "log1;") != NULL);
    struct ss_engine_stats st;
    ss_engine_stats(v.e, &st);
    CHECK_EQ_INT(st.writes, 4);
    ss_buf_release(&b);
    env_free(&v);
}

/* ==== pushed assessments ==== */

static const char healthy[] = "{\"properties\":{\"status\":{\"code\":\"Healthy\"}}}";

TEST(engine_pushed_assessment_wins)
{
    struct env v;
    REQUIRE(env_import(&v));
    struct ss_score *s = ss_engine_score(v.e);
    long r = ss_score_find_resource(s, SA "sa1", strlen(SA "sa1"));
    long rec = rec_of(v.e, SECURE_TRANSFER);
    REQUIRE(r >= 0 && rec >= 0);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    CHECK(!ss_engine_is_pushed(v.e, (uint32_t)r, (uint32_t)rec));
    bool created = false;
    CHECK_ERR(put_asmt(v.e, SA "sa1", SECURE_TRANSFER, healthy, &created), SS_OK);
    CHECK(created);
    CHECK(ss_engine_is_pushed(v.e, (uint32_t)r, (uint32_t)rec));
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_HEALTHY);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_ASSESSMENT), 1);
    created = true;
    CHECK_ERR(put_asmt(v.e, SA "sa1", SECURE_TRANSFER, healthy, &created), SS_OK);
    CHECK(!created);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_ASSESSMENT), 1);
    /* rewriting the resource, still non-compliant, does not override the pushed one */
    CHECK_ERR(put_res(v.e, SA "sa1", "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}", NULL,
                      NULL, NULL),
              SS_OK);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_HEALTHY);
    /* nor does a rebuild */
    REQUIRE(env_reopen(&v));
    s = ss_engine_score(v.e);
    r = ss_score_find_resource(s, SA "sa1", strlen(SA "sa1"));
    REQUIRE(r >= 0);
    CHECK(ss_engine_is_pushed(v.e, (uint32_t)r, (uint32_t)rec));
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_HEALTHY);
    struct ss_engine_stats st;
    ss_engine_stats(v.e, &st);
    CHECK_EQ_INT(st.pushed, 1);
    /* deleted: the rule decides again */
    CHECK_ERR(ss_engine_delete_assessment(v.e, SA "sa1", strlen(SA "sa1"), SECURE_TRANSFER,
                                          strlen(SECURE_TRANSFER), NULL),
              SS_OK);
    CHECK(!ss_engine_is_pushed(v.e, (uint32_t)r, (uint32_t)rec));
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_ASSESSMENT), 0);
    ss_engine_stats(v.e, &st);
    CHECK_EQ_INT(st.pushed, 0);
    /* the evaluated one cannot be deleted as if pushed */
    CHECK_ERR(ss_engine_delete_assessment(v.e, SA "sa1", strlen(SA "sa1"), SECURE_TRANSFER,
                                          strlen(SECURE_TRANSFER), NULL),
              SS_ECONFLICT);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    REQUIRE(env_reopen(&v));
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    env_free(&v);
}

TEST(engine_pushed_assessment_errors)
{
    struct env v;
    REQUIRE(env_import(&v));
    static const char unknown[] = "11111111-2222-4333-8444-555555555555";
    CHECK_ERR(put_asmt(v.e, SA "sa1", unknown, healthy, NULL), SS_ENOENT);
    CHECK_ERR(put_asmt(v.e, SA "sa1", "not-a-key", healthy, NULL), SS_ENOENT);
    CHECK_ERR(put_asmt(v.e, "/nosub/x", SECURE_TRANSFER, healthy, NULL), SS_EINPUT);
    CHECK_ERR(put_asmt(v.e, SA "sa1", SECURE_TRANSFER,
                       "{\"properties\":{\"status\":{\"code\":\"Bogus\"}}}", NULL),
              SS_EINPUT);
    CHECK_ERR(put_asmt(v.e, SA "sa1", SECURE_TRANSFER, "{\"properties\":{}}", NULL), SS_EINPUT);
    CHECK_ERR(put_asmt(v.e, SA "sa1", SECURE_TRANSFER, "{}", NULL), SS_EINPUT);
    CHECK_ERR(put_asmt(v.e, SA "sa1", SECURE_TRANSFER,
                       "{\"properties\":{\"status\":{\"code\":\"Healthy\"},"
                       "\"resourceDetails\":3}}",
                       NULL),
              SS_EINPUT);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_ASSESSMENT), 0);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    CHECK_ERR(ss_engine_delete_assessment(v.e, SA "sa1", strlen(SA "sa1"), unknown, strlen(unknown),
                                          NULL),
              SS_ENOENT);
    CHECK_ERR(ss_engine_delete_assessment(v.e, SA "zz", strlen(SA "zz"), SECURE_TRANSFER,
                                          strlen(SECURE_TRANSFER), NULL),
              SS_ENOENT);
    env_free(&v);
}

/* ==== assignments ==== */

static struct ss_assignment assignment(struct ss_engine *e, const char *scope, const char *key,
                                       enum ss_assign_effect eff)
{
    struct ss_assignment a;
    memset(&a, 0, sizeof(a));
    snprintf(a.scope, sizeof(a.scope), "%s", scope);
    a.rec = (uint32_t)rec_of(e, key);
    a.effect = eff;
    return a;
}

TEST(engine_assignment_deny)
{
    struct env v;
    REQUIRE(env_import(&v));
    struct ss_store *st = ss_engine_store(v.e);
    struct ss_assignment a =
        assignment(v.e, "/subscriptions/" SUB, SECURE_TRANSFER, SS_ASSIGN_DENY);
    bool created = false;
    CHECK_ERR(ss_engine_assign(v.e, &a, &created, NULL), SS_OK);
    CHECK(created);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_ASSIGNMENT), 1);
    uint64_t nres = ss_score_nresources(ss_engine_score(v.e));
    uint64_t live = live_resources(v.e);
    struct ss_score_result before, after;
    long sub = ss_score_find_sub(ss_engine_score(v.e), SUB, 36);
    REQUIRE(sub >= 0);
    ss_score_sub_result(ss_engine_score(v.e), (uint32_t)sub, &before);

    /* a new non-compliant resource is refused, and nothing changes */
    struct ss_diag d;
    ss_diag_clear(&d);
    created = true;
    CHECK_ERR(put_res(v.e, SA "denied", "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}",
                      &created, NULL, &d),
              SS_EDENIED);
    CHECK(created);
    CHECK(strstr(d.msg, SECURE_TRANSFER) != NULL);
    CHECK(strstr(d.msg, "denied") != NULL);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_RESOURCE), 2);
    CHECK_EQ_INT(ss_score_nresources(ss_engine_score(v.e)), nres);
    CHECK_EQ_INT(live_resources(v.e), live);
    ss_score_sub_result(ss_engine_score(v.e), (uint32_t)sub, &after);
    CHECK_DBL(after.current, before.current);
    CHECK_EQ_INT(after.max, before.max);
    struct ss_engine_stats es;
    ss_engine_stats(v.e, &es);
    CHECK_EQ_INT(es.denied, 1);

    /* an existing compliant resource cannot be made non-compliant: it stays as it was */
    struct ss_buf b1 = SS_BUF_INIT, b2 = SS_BUF_INIT;
    CHECK_ERR(ss_engine_get_resource(v.e, SA "sa2", strlen(SA "sa2"), &b1), SS_OK);
    CHECK_ERR(put_res(v.e, SA "sa2", "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}", NULL,
                      NULL, NULL),
              SS_EDENIED);
    CHECK_ERR(ss_engine_get_resource(v.e, SA "sa2", strlen(SA "sa2"), &b2), SS_OK);
    CHECK(b1.len == b2.len && b1.ptr && memcmp(b1.ptr, b2.ptr, b1.len) == 0);
    CHECK_EQ_INT(status_of(v.e, SA "sa2", SECURE_TRANSFER, NULL, NULL), SS_STATUS_HEALTHY);

    /* a compliant one passes */
    CHECK_ERR(put_res(v.e, SA "allowed", "{\"properties\":{\"supportsHttpsTrafficOnly\":true}}",
                      &created, NULL, NULL),
              SS_OK);
    CHECK(created);
    /* the Deny survives a reopen */
    REQUIRE(env_reopen(&v));
    CHECK_ERR(put_res(v.e, SA "denied", "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}",
                      NULL, NULL, NULL),
              SS_EDENIED);
    /* another subscription is not under it */
    CHECK_ERR(put_res(v.e,
                      "/subscriptions/" SUB2
                      "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x",
                      "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}", NULL, NULL, NULL),
              SS_OK);
    /* unassigned: allowed */
    CHECK_ERR(ss_engine_unassign(v.e, "/Subscriptions/" SUB, a.rec, NULL), SS_OK);
    CHECK_ERR(ss_engine_unassign(v.e, "/subscriptions/" SUB, a.rec, NULL), SS_ENOENT);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_ASSIGNMENT), 0);
    CHECK_ERR(put_res(v.e, SA "denied", "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}",
                      NULL, NULL, NULL),
              SS_OK);
    CHECK_EQ_INT(status_of(v.e, SA "denied", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    ss_buf_release(&b1);
    ss_buf_release(&b2);
    env_free(&v);
}

static void count_asg(void *arg, const struct ss_assignment *a)
{
    int *n = arg;
    (void)a;
    ++*n;
}

TEST(engine_assignment_disabled)
{
    struct env v;
    REQUIRE(env_import(&v));
    struct ss_assignment a =
        assignment(v.e, "/subscriptions/" SUB, SECURE_TRANSFER, SS_ASSIGN_DISABLED);
    enum ss_status eff;
    const char *cause = NULL;
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, &eff, &cause), SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(eff, SS_STATUS_UNHEALTHY);
    CHECK_ERR(ss_engine_assign(v.e, &a, NULL, NULL), SS_OK);
    cause = NULL;
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, &eff, &cause), SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(eff, SS_STATUS_NOTAPPLICABLE);
    CHECK_STREQ(cause, "OffByPolicy");
    /* a resource written afterwards is off too */
    CHECK_ERR(put_res(v.e, SA "later", "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}",
                      NULL, NULL, NULL),
              SS_OK);
    cause = NULL;
    status_of(v.e, SA "later", SECURE_TRANSFER, &eff, &cause);
    CHECK_EQ_INT(eff, SS_STATUS_NOTAPPLICABLE);
    CHECK_STREQ(cause, "OffByPolicy");
    int n = 0;
    ss_engine_each_assignment(v.e, "/", count_asg, &n);
    CHECK_EQ_INT(n, 1);
    n = 0;
    ss_engine_each_assignment(v.e, "/subscriptions/" SUB2, count_asg, &n);
    CHECK_EQ_INT(n, 0);
    /* kept across a reopen */
    REQUIRE(env_reopen(&v));
    cause = NULL;
    status_of(v.e, SA "sa1", SECURE_TRANSFER, &eff, &cause);
    CHECK_EQ_INT(eff, SS_STATUS_NOTAPPLICABLE);
    CHECK_STREQ(cause, "OffByPolicy");
    /* unassigned: the rule's outcome counts again */
    CHECK_ERR(ss_engine_unassign(v.e, "/subscriptions/" SUB, a.rec, NULL), SS_OK);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, &eff, NULL), SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(eff, SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(status_of(v.e, SA "later", SECURE_TRANSFER, &eff, NULL), SS_STATUS_UNHEALTHY);
    CHECK_EQ_INT(eff, SS_STATUS_UNHEALTHY);
    n = 0;
    ss_engine_each_assignment(v.e, "/", count_asg, &n);
    CHECK_EQ_INT(n, 0);
    env_free(&v);
}

TEST(engine_assignment_errors)
{
    struct env v;
    REQUIRE(env_import(&v));
    struct ss_assignment a = assignment(v.e, "/subscriptions/" SUB "/resourceGroups/rg",
                                        SECURE_TRANSFER, SS_ASSIGN_DISABLED);
    CHECK_ERR(ss_engine_assign(v.e, &a, NULL, NULL), SS_EINPUT);
    snprintf(a.scope, sizeof(a.scope), "/subscriptions/nope");
    CHECK_ERR(ss_engine_assign(v.e, &a, NULL, NULL), SS_EINPUT);
    snprintf(a.scope, sizeof(a.scope), "/");
    a.rec = (uint32_t)ss_catalog_nrecs(ss_engine_catalog(v.e));
    CHECK_ERR(ss_engine_assign(v.e, &a, NULL, NULL), SS_ENOENT);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_ASSIGNMENT), 0);
    CHECK_ERR(ss_engine_unassign(v.e, "/", (uint32_t)rec_of(v.e, SECURE_TRANSFER), NULL),
              SS_ENOENT);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    /* effect names */
    enum ss_assign_effect e = SS_ASSIGN_DEFAULT;
    CHECK(ss_assign_effect_parse("deny", 4, &e));
    CHECK_EQ_INT(e, SS_ASSIGN_DENY);
    CHECK(ss_assign_effect_parse("AUDITIFNOTEXISTS", 16, &e));
    CHECK_EQ_INT(e, SS_ASSIGN_AUDIT_IF_NOT_EXISTS);
    CHECK(!ss_assign_effect_parse("Default", 7, &e));
    CHECK(!ss_assign_effect_parse("Den", 3, &e));
    CHECK_STREQ(ss_assign_effect_name(SS_ASSIGN_DISABLED), "Disabled");
    env_free(&v);
}

/* ==== metadata ==== */

TEST(engine_metadata)
{
    struct env v;
    REQUIRE(env_import(&v));
    static const char body[] = "{\"properties\":{\"displayName\":\"Custom check\","
                               "\"severity\":\"High\",\"assessmentType\":\"CustomerManaged\"}}";
    struct ss_store *st = ss_engine_store(v.e);
    bool created = false;
    CHECK_ERR(put_meta(v.e, SUB, CUSTOM_KEY, body, &created), SS_OK);
    CHECK(created);
    long rec = rec_of(v.e, CUSTOM_KEY);
    REQUIRE(rec >= 0);
    CHECK(ss_engine_has_metadata(v.e, SUB, (uint32_t)rec));
    CHECK(!ss_engine_has_metadata(v.e, SUB2, (uint32_t)rec));
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_METADATA), 1);
    created = true;
    CHECK_ERR(put_meta(v.e, SUB, CUSTOM_KEY, body, &created), SS_OK);
    CHECK(!created);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_METADATA), 1);
    /* a pushed assessment on it */
    CHECK_ERR(put_asmt(v.e, SA "sa1", CUSTOM_KEY, healthy, NULL), SS_OK);
    CHECK_EQ_INT(status_of(v.e, SA "sa1", CUSTOM_KEY, NULL, NULL), SS_STATUS_HEALTHY);
    /* refused: nothing stored */
    CHECK_ERR(put_meta(v.e, SUB, "not-a-guid", body, NULL), SS_EINPUT);
    CHECK_ERR(put_meta(v.e, SUB, "aaaaaaaa-0000-4000-8000-000000000002",
                       "{\"properties\":{\"severity\":\"High\"}}", NULL),
              SS_EINPUT);
    CHECK_ERR(put_meta(v.e, SUB, "aaaaaaaa-0000-4000-8000-000000000002",
                       "{\"properties\":{\"displayName\":\"x\",\"severity\":\"Extreme\"}}", NULL),
              SS_EINPUT);
    CHECK_ERR(put_meta(v.e, SUB, "aaaaaaaa-0000-4000-8000-000000000002",
                       "{\"properties\":{\"displayName\":\"x\",\"severity\":\"Low\","
                       "\"assessmentType\":\"BuiltIn\"}}",
                       NULL),
              SS_EINPUT);
    CHECK_ERR(put_meta(v.e, SUB, SECURE_TRANSFER, body, NULL), SS_ECONFLICT);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_METADATA), 1);
    /* kept across a reopen */
    REQUIRE(env_reopen(&v));
    st = ss_engine_store(v.e);
    rec = rec_of(v.e, CUSTOM_KEY);
    REQUIRE(rec >= 0);
    CHECK(ss_engine_has_metadata(v.e, SUB, (uint32_t)rec));
    CHECK_EQ_INT(status_of(v.e, SA "sa1", CUSTOM_KEY, NULL, NULL), SS_STATUS_HEALTHY);
    /* deleted */
    CHECK_ERR(ss_engine_delete_metadata(v.e, SUB, CUSTOM_KEY, strlen(CUSTOM_KEY), NULL), SS_OK);
    CHECK(!ss_engine_has_metadata(v.e, SUB, (uint32_t)rec));
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_METADATA), 0);
    CHECK_ERR(ss_engine_delete_metadata(v.e, SUB, CUSTOM_KEY, strlen(CUSTOM_KEY), NULL), SS_ENOENT);
    REQUIRE(env_reopen(&v));
    rec = rec_of(v.e, CUSTOM_KEY);
    CHECK(rec < 0 || !ss_engine_has_metadata(v.e, SUB, (uint32_t)rec));
    env_free(&v);
}

TEST(engine_metadata_subscription_case)
{
    struct env v;
    REQUIRE(env_import(&v));
    static const char body[] =
        "{\"properties\":{\"displayName\":\"Custom check\",\"severity\":\"Low\"}}";
    static const char upper[] = "00000000-0000-4000-8000-0000000000A1";
    bool created = false;
    CHECK_ERR(put_meta(v.e, upper, CUSTOM_KEY, body, &created), SS_OK);
    CHECK(created);
    long rec = rec_of(v.e, CUSTOM_KEY);
    REQUIRE(rec >= 0);
    CHECK(ss_engine_has_metadata(v.e, SUB, (uint32_t)rec));
    /* the same subscription in either case: a replacement */
    created = true;
    CHECK_ERR(put_meta(v.e, SUB, CUSTOM_KEY, body, &created), SS_OK);
    CHECK(!created);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_METADATA), 1);
    CHECK_ERR(ss_engine_delete_metadata(v.e, upper, CUSTOM_KEY, strlen(CUSTOM_KEY), NULL), SS_OK);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_METADATA), 0);
    env_free(&v);
}

/* ==== incremental equals full ==== */

/* Compares every subscription's score and control results of `a` with those of `b`,
 * and every assessment status of the resources `a` holds. */
static void compare_states(struct ss_test *t_, const char *what, const struct ss_score *a,
                           const struct ss_score *b, int *fails)
{
    const struct ss_catalog *cat = ss_score_catalog(a);
    if (ss_score_nsubs(a) != ss_score_nsubs(b)) {
        ss_test_fail(t_, __FILE__, __LINE__, "%s: %zu subscriptions vs %zu", what,
                     ss_score_nsubs(a), ss_score_nsubs(b));
        ++*fails;
    }
    for (uint32_t i = 0; i < ss_score_nsubs(a) && *fails < 20; i++) {
        const char *id = ss_score_sub_id(a, i);
        long j = ss_score_find_sub(b, id, strlen(id));
        if (j < 0) {
            ss_test_fail(t_, __FILE__, __LINE__, "%s: subscription %s missing", what, id);
            ++*fails;
            continue;
        }
        struct ss_score_result ra, rb;
        ss_score_sub_result(a, i, &ra);
        ss_score_sub_result(b, (uint32_t)j, &rb);
        if (ra.max != rb.max || ra.current != rb.current || ra.percentage != rb.percentage ||
            ra.weight != rb.weight) {
            ss_test_fail(t_, __FILE__, __LINE__,
                         "%s: subscription %s: %d/%g/%g/%llu vs %d/%g/%g/%llu", what, id, ra.max,
                         ra.current, ra.percentage, (unsigned long long)ra.weight, rb.max,
                         rb.current, rb.percentage, (unsigned long long)rb.weight);
            ++*fails;
        }
        for (uint32_t c = 0; c < ss_catalog_ncontrols(cat); c++) {
            struct ss_control_result ca, cb;
            ss_score_control_result(a, i, c, &ca);
            ss_score_control_result(b, (uint32_t)j, c, &cb);
            if (ca.max != cb.max || ca.current != cb.current || ca.healthy != cb.healthy ||
                ca.unhealthy != cb.unhealthy || ca.not_applicable != cb.not_applicable ||
                ca.percentage != cb.percentage || ca.weight != cb.weight) {
                ss_test_fail(t_, __FILE__, __LINE__,
                             "%s: subscription %s control %s: H%u U%u N%u %g vs H%u U%u N%u %g",
                             what, id, ss_catalog_control(cat, c)->id, ca.healthy, ca.unhealthy,
                             ca.not_applicable, ca.current, cb.healthy, cb.unhealthy,
                             cb.not_applicable, cb.current);
                ++*fails;
            }
        }
    }
}

/* Compares the assessments of the live resources of engine `e` with state `b`. */
struct cmp_res {
    struct ss_test *t;
    const char *what;
    const struct ss_score *a, *b;
    int *fails;
    size_t n;
};

static bool compare_resource(void *arg, struct ss_json res)
{
    struct cmp_res *c = arg;
    struct ss_test *t_ = c->t;
    struct ss_str id = ss_json_str(ss_json_get_nocase(res, "id", 2));
    c->n++;
    long ra = ss_score_find_resource(c->a, id.ptr, id.len);
    long rb = ss_score_find_resource(c->b, id.ptr, id.len);
    if (ra < 0 || rb < 0) {
        ss_test_fail(t_, __FILE__, __LINE__, "%s: resource %.*s missing", c->what, (int)id.len,
                     id.ptr);
        return ++*c->fails < 20;
    }
    uint32_t cur = 0, na = 0, nb = 0;
    struct ss_assessment x, y;
    enum ss_status ex, ey;
    while (ss_score_next_assessment(c->a, (uint32_t)ra, &cur, &x, &ex)) {
        na++;
        const char *key = ss_catalog_rec(ss_score_catalog(c->a), x.rec)->key;
        long recb = ss_catalog_find_rec(ss_score_catalog(c->b), key, strlen(key));
        if (recb < 0 || !ss_score_get(c->b, (uint32_t)rb, (uint32_t)recb, &y, &ey, NULL) ||
            x.status != y.status || ex != ey) {
            ss_test_fail(t_, __FILE__, __LINE__, "%s: resource %.*s recommendation %s differs",
                         c->what, (int)id.len, id.ptr, key);
            if (++*c->fails >= 20)
                return false;
        }
    }
    cur = 0;
    while (ss_score_next_assessment(c->b, (uint32_t)rb, &cur, &y, NULL))
        nb++;
    if (na != nb) {
        ss_test_fail(t_, __FILE__, __LINE__, "%s: resource %.*s: %u assessments vs %u", c->what,
                     (int)id.len, id.ptr, na, nb);
        ++*c->fails;
    }
    return *c->fails < 20;
}

static void compare_engine(struct ss_test *t_, const char *what, struct ss_engine *e,
                           const struct ss_score *b, size_t want_resources)
{
    int fails = 0;
    compare_states(t_, what, ss_engine_score(e), b, &fails);
    struct cmp_res c = {t_, what, ss_engine_score(e), b, &fails, 0};
    ss_engine_each_resource(e, "", 0, compare_resource, &c);
    CHECK_EQ_INT(c.n, want_resources);
}

static bool export_one(void *arg, struct ss_json res)
{
    struct ss_buf *b = arg;
    struct ss_jw w;
    ss_jw_init(&w, b, 0);
    ss_jw_value(&w, res);
    ss_buf_addc(b, '\n');
    return true;
}

/* Builds a random resource of slot `k` into id/body. */
static void random_resource(uint64_t *rng, uint32_t k, char *id, size_t isize, char *body,
                            size_t bsize)
{
    static const char *const subs[] = {SUB, SUB2};
    static const char *const locs[] = {"westeurope", "northeurope"};
    const char *sub = subs[k % 2];
    const char *rg = (k / 2) % 3 == 0 ? "rg1" : "rg2";
    const char *loc = locs[rng_below(rng, 2)];
    switch (k % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
        snprintf(id, isize,
                 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Storage/"
                 "storageAccounts/sa%u",
                 sub, rg, k);
        snprintf(body, bsize,
                 "{\"location\":\"%s\",\"properties\":{\"supportsHttpsTrafficOnly\":%s,"
                 "\"minimumTlsVersion\":\"%s\",\"allowBlobPublicAccess\":%s,"
                 "\"networkAcls\":{\"defaultAction\":\"%s\"}}}",
                 loc, rng_below(rng, 2) ? "true" : "false", rng_below(rng, 2) ? "TLS1_2" : "TLS1_0",
                 rng_below(rng, 2) ? "true" : "false", rng_below(rng, 2) ? "Deny" : "Allow");
        break;
    case 4:
    case 5:
        snprintf(id, isize,
                 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Sql/servers/srv%u", sub,
                 rg, k % 8);
        snprintf(body, bsize, "{\"location\":\"%s\",\"kind\":\"v12.0\",\"properties\":{}}", loc);
        break;
    case 6:
        /* the auditing settings of a server (a child resource, maybe of no live server) */
        snprintf(id, isize,
                 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Sql/servers/srv%u/"
                 "auditingSettings/default",
                 sub, rg, (k / 10 + rng_below(rng, 2)) % 8);
        snprintf(body, bsize, "{\"properties\":{\"state\":\"%s\"}}",
                 rng_below(rng, 2) ? "Enabled" : "Disabled");
        break;
    case 7:
    case 8:
        snprintf(id, isize,
                 "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/"
                 "virtualNetworks/vnet%u",
                 sub, rg, k);
        snprintf(body, bsize, "{\"location\":\"%s\",\"properties\":{}}", loc);
        break;
    default:
        /* a network watcher: a top-level resource that virtual networks look for */
        snprintf(id, isize,
                 "/subscriptions/%s/resourceGroups/NetworkWatcherRG/providers/"
                 "Microsoft.Network/networkWatchers/nw%u",
                 sub, k % 4);
        snprintf(body, bsize, "{\"location\":\"%s\",\"properties\":{}}", loc);
        break;
    }
}

TEST(engine_incremental_equals_full)
{
    struct env v;
    REQUIRE(env_make(&v));
    char path[192];
    snprintf(path, sizeof(path), "%s/subs.json", v.dir);
    REQUIRE(write_file(path, "{\"id\":\"/subscriptions/" SUB "\",\"type\":\"microsoft.resources/"
                             "subscriptions\",\"subscriptionId\":\"" SUB "\","
                             "\"properties\":{\"state\":\"Enabled\"}}\n"
                             "{\"id\":\"/subscriptions/" SUB2 "\",\"type\":\"microsoft.resources/"
                             "subscriptions\",\"subscriptionId\":\"" SUB2 "\","
                             "\"properties\":{\"state\":\"Enabled\"}}\n"));
    struct ss_diag d;
    ss_diag_clear(&d);
    REQUIRE(ss_engine_import(v.e, path, &d) == SS_OK);
    unlink(path);

    uint64_t rng = 0x5eed5eed12345ULL;
    enum { SLOTS = 60, OPS = 300 };
    char id[512], body[512];
    int puts = 0, dels = 0;
    for (int op = 0; op < OPS; op++) {
        uint32_t k = rng_below(&rng, SLOTS);
        random_resource(&rng, k, id, sizeof(id), body, sizeof(body));
        struct ss_buf tmp = SS_BUF_INIT;
        bool exists = ss_engine_get_resource(v.e, id, strlen(id), &tmp) == SS_OK;
        ss_buf_release(&tmp);
        if (exists && rng_below(&rng, 10) < 3) {
            CHECK_ERR(ss_engine_delete_resource(v.e, id, strlen(id), NULL), SS_OK);
            dels++;
        } else {
            bool created = !exists;
            CHECK_ERR(put_res(v.e, id, body, &created, NULL, NULL), SS_OK);
            CHECK_EQ_INT(created, !exists);
            puts++;
        }
    }
    CHECK(dels > 20);
    CHECK(puts > 150);
    size_t live = (size_t)live_resources(v.e);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_RESOURCE), live - 2);

    /* The sequence leaves both outcomes in both subscriptions, and virtual networks
     * assessed through their network watchers (a related top-level resource). */
    struct ss_score *es = ss_engine_score(v.e);
    for (uint32_t i = 0; i < ss_score_nsubs(es); i++) {
        uint64_t h = 0, u = 0;
        for (uint32_t c = 0; c < ss_catalog_ncontrols(ss_score_catalog(es)); c++) {
            struct ss_control_result cr;
            ss_score_control_result(es, i, c, &cr);
            h += cr.healthy;
            u += cr.unhealthy;
        }
        CHECK(h > 0);
        CHECK(u > 0);
    }
    CHECK(ss_score_nsubs(es) == 2);
    uint32_t nw[4] = {0};
    for (uint32_t r = 0; r < ss_score_nresources(es); r++) {
        struct ss_assessment x;
        long rec = rec_of(v.e, "9f0648ba-46ea-5f7e-ac07-802dc9e1b191");
        if (rec >= 0 && ss_score_get(es, r, (uint32_t)rec, &x, NULL, NULL))
            nw[x.status]++;
    }
    CHECK(nw[SS_STATUS_HEALTHY] > 0);
    CHECK(nw[SS_STATUS_UNHEALTHY] > 0);

    /* 1. a second engine rebuilt from the same store while the first is open */
    struct env w = v;
    REQUIRE(env_open(&w, NULL) == SS_OK);
    compare_engine(t_, "rebuilt", v.e, ss_engine_score(w.e), live);
    compare_engine(t_, "rebuilt (reverse)", w.e, ss_engine_score(v.e), live);

    /* 2. the first closed and reopened */
    REQUIRE(env_reopen(&v));
    compare_engine(t_, "reopened", w.e, ss_engine_score(v.e), live);
    ss_engine_close(w.e);

    /* 3. a scan of the same resources */
    struct ss_buf exp = SS_BUF_INIT;
    ss_engine_each_resource(v.e, "", 0, export_one, &exp);
    snprintf(path, sizeof(path), "%s/export.json", v.dir);
    REQUIRE(exp.ptr && write_file(path, exp.ptr));
    ss_buf_release(&exp);
    struct ss_catalog *cat = ss_catalog_new();
    REQUIRE(ss_catalog_load_builtin(cat, NULL) == SS_OK);
    struct ss_score *s = ss_score_new(cat);
    struct ss_ingest *in = ss_ingest_new(s, cat);
    ss_ingest_set_evaluate(in, true);
    ss_diag_clear(&d);
    CHECK_ERR(ss_ingest_path(in, path, &d), SS_OK);
    ss_ingest_finish(in);
    CHECK_EQ_INT(ss_ingest_stats(in)->eval_errors, 0);
    ss_ingest_free(in);
    compare_engine(t_, "scan", v.e, s, live);
    /* and the scan holds no resource the engine lacks */
    size_t scan_res = ss_score_nresources(s);
    CHECK_EQ_INT(scan_res, live);
    ss_score_free(s);
    ss_catalog_free(cat);
    env_free(&v);
}

/* ==== policy inventory removal ==== */

#define IRG "/subscriptions/" SUB "/resourceGroups/rg"
#define ISRV IRG "/providers/Microsoft.Sql/servers/"

struct names {
    char buf[1024];
    size_t n;
};

static bool collect_name(void *ctx, struct ss_json res)
{
    struct names *nm = ctx;
    struct ss_str name = ss_json_str(ss_json_get_nocase(res, "name", 4));
    size_t len = strlen(nm->buf);
    snprintf(nm->buf + len, sizeof(nm->buf) - len, "%.*s;", (int)name.len, name.ptr);
    nm->n++;
    return true;
}

static const char *inv_find(const struct ss_policy_inventory *inv, enum ss_policy_scope sc,
                            const char *scope, const char *type, struct names *nm)
{
    memset(nm, 0, sizeof(*nm));
    ss_policy_inventory_each(inv, sc, scope, strlen(scope), type, strlen(type), collect_name, nm);
    return nm->buf;
}

/* A server with an auditing settings child and a database with a nested child without id. */
static struct ss_json_doc *server_doc(const char *name)
{
    char text[2048];
    snprintf(text, sizeof(text),
             "{\"id\":\"" ISRV "%s\",\"name\":\"%s\",\"type\":\"Microsoft.Sql/servers\","
             "\"resources\":["
             "{\"id\":\"" ISRV "%s/auditingSettings/default\",\"name\":\"%s-audit\","
             "\"type\":\"Microsoft.Sql/servers/auditingSettings\"},"
             "{\"id\":\"" ISRV "%s/databases/db\",\"name\":\"%s-db\","
             "\"type\":\"Microsoft.Sql/servers/databases\",\"resources\":["
             "{\"name\":\"%s-tde\","
             "\"type\":\"Microsoft.Sql/servers/databases/transparentDataEncryption\"}]},"
             "7]}",
             name, name, name, name, name, name, name);
    struct ss_json_doc *doc = NULL;
    if (ss_json_parse(text, strlen(text), NULL, &doc, NULL))
        return NULL;
    return doc;
}

TEST(policy_inventory_add_remove_each)
{
    struct ss_policy_inventory *inv = ss_policy_inventory_new();
    struct ss_json_doc *a = server_doc("a"), *b = server_doc("b");
    REQUIRE(a && b);
    struct ss_policy_inventory_item *ia = ss_policy_inventory_add(inv, ss_json_root(a));
    CHECK(ia != NULL);
    CHECK_EQ_INT(ss_policy_inventory_count(inv), 4);
    struct ss_policy_inventory_item *ib = ss_policy_inventory_add(inv, ss_json_root(b));
    CHECK(ib != NULL);
    CHECK_EQ_INT(ss_policy_inventory_count(inv), 8);
    /* not an object: nothing added */
    CHECK(ss_policy_inventory_add(inv, ss_json_at(ss_json_getz(ss_json_root(a), "resources"), 2)) ==
          NULL);
    CHECK_EQ_INT(ss_policy_inventory_count(inv), 8);

    struct names nm;
    CHECK_STREQ(inv_find(inv, SS_POLICY_SCOPE_PARENT, ISRV "a",
                         "microsoft.sql/servers/auditingsettings", &nm),
                "a-audit;");
    CHECK_STREQ(inv_find(inv, SS_POLICY_SCOPE_PARENT, ISRV "a/databases/db",
                         "Microsoft.Sql/servers/databases/transparentDataEncryption", &nm),
                "a-tde;");
    CHECK_EQ_INT(strlen(inv_find(inv, SS_POLICY_SCOPE_GROUP, IRG, "Microsoft.Sql/servers", &nm)),
                 4);
    CHECK_EQ_INT(nm.n, 2);
    inv_find(inv, SS_POLICY_SCOPE_SUBSCRIPTION, "/subscriptions/" SUB,
             "Microsoft.Sql/servers/auditingSettings", &nm);
    CHECK_EQ_INT(nm.n, 2);

    /* remove a: only b's remain, in every scope */
    ss_policy_inventory_remove(inv, ia);
    CHECK_EQ_INT(ss_policy_inventory_count(inv), 4);
    CHECK_STREQ(inv_find(inv, SS_POLICY_SCOPE_PARENT, ISRV "a",
                         "Microsoft.Sql/servers/auditingSettings", &nm),
                "");
    CHECK_STREQ(inv_find(inv, SS_POLICY_SCOPE_PARENT, ISRV "a/databases/db",
                         "Microsoft.Sql/servers/databases/transparentDataEncryption", &nm),
                "");
    CHECK_STREQ(inv_find(inv, SS_POLICY_SCOPE_PARENT, ISRV "b",
                         "Microsoft.Sql/servers/auditingSettings", &nm),
                "b-audit;");
    CHECK_STREQ(inv_find(inv, SS_POLICY_SCOPE_GROUP, IRG, "Microsoft.Sql/servers", &nm), "b;");
    CHECK_STREQ(inv_find(inv, SS_POLICY_SCOPE_SUBSCRIPTION, "/subscriptions/" SUB,
                         "Microsoft.Sql/servers/databases", &nm),
                "b-db;");
    ss_policy_inventory_remove(inv, NULL); /* a no-op */
    CHECK_EQ_INT(ss_policy_inventory_count(inv), 4);
    ss_policy_inventory_remove(inv, ib);
    CHECK_EQ_INT(ss_policy_inventory_count(inv), 0);
    CHECK_STREQ(inv_find(inv, SS_POLICY_SCOPE_GROUP, IRG, "Microsoft.Sql/servers", &nm), "");
    /* a childless resource */
    struct ss_json_doc *c = NULL;
    static const char lone[] = "{\"id\":\"" ISRV "c\",\"name\":\"c\",\"type\":\"Microsoft.Sql/"
                               "servers\"}";
    REQUIRE(ss_json_parse(lone, strlen(lone), NULL, &c, NULL) == SS_OK);
    struct ss_policy_inventory_item *ic = ss_policy_inventory_add(inv, ss_json_root(c));
    CHECK_EQ_INT(ss_policy_inventory_count(inv), 1);
    CHECK_STREQ(inv_find(inv, SS_POLICY_SCOPE_GROUP, IRG, "Microsoft.Sql/servers", &nm), "c;");
    ss_policy_inventory_remove(inv, ic);
    CHECK_EQ_INT(ss_policy_inventory_count(inv), 0);
    ss_policy_inventory_free(inv);
    ss_json_doc_free(a);
    ss_json_doc_free(b);
    ss_json_doc_free(c);
}

TEST(policy_inventory_add_remove_cycles)
{
    enum { N = 12, ROUNDS = 3000 };
    struct ss_json_doc *docs[N];
    struct ss_policy_inventory_item *items[N];
    char names[N][8];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "s%d", i);
        docs[i] = server_doc(names[i]);
        items[i] = NULL;
        REQUIRE(docs[i]);
    }
    struct ss_policy_inventory *inv = ss_policy_inventory_new();
    uint64_t rng = 42;
    size_t in = 0;
    for (int round = 0; round < ROUNDS; round++) {
        uint32_t k = rng_below(&rng, N);
        if (items[k]) {
            ss_policy_inventory_remove(inv, items[k]);
            items[k] = NULL;
            in--;
        } else {
            items[k] = ss_policy_inventory_add(inv, ss_json_root(docs[k]));
            in++;
        }
        if (ss_policy_inventory_count(inv) != in * 4) {
            ss_test_fail(t_, __FILE__, __LINE__, "round %d: count %zu, want %zu", round,
                         ss_policy_inventory_count(inv), in * 4);
            break;
        }
        if (round % 50 != 0 && round != ROUNDS - 1)
            continue;
        /* every scope finds exactly the live ones */
        struct names nm;
        inv_find(inv, SS_POLICY_SCOPE_GROUP, IRG, "Microsoft.Sql/servers", &nm);
        CHECK_EQ_INT(nm.n, in);
        inv_find(inv, SS_POLICY_SCOPE_SUBSCRIPTION, "/subscriptions/" SUB,
                 "Microsoft.Sql/servers/auditingSettings", &nm);
        CHECK_EQ_INT(nm.n, in);
        for (int i = 0; i < N; i++) {
            char parent[256], want[32];
            snprintf(parent, sizeof(parent), ISRV "%s/databases/db", names[i]);
            snprintf(want, sizeof(want), "%s-tde;", names[i]);
            inv_find(inv, SS_POLICY_SCOPE_PARENT, parent,
                     "Microsoft.Sql/servers/databases/transparentDataEncryption", &nm);
            CHECK_STREQ(nm.buf, items[i] ? want : "");
            snprintf(parent, sizeof(parent), ISRV "%s", names[i]);
            snprintf(want, sizeof(want), "%s-audit;", names[i]);
            inv_find(inv, SS_POLICY_SCOPE_PARENT, parent, "Microsoft.Sql/servers/auditingSettings",
                     &nm);
            CHECK_STREQ(nm.buf, items[i] ? want : "");
        }
    }
    ss_policy_inventory_free(inv);
    for (int i = 0; i < N; i++)
        ss_json_doc_free(docs[i]);
}

/* A Deny at a management group holding the subscription applies too. */
TEST(engine_assignment_deny_at_management_group)
{
    struct env v;
    REQUIRE(env_make(&v));
    char path[192];
    snprintf(path, sizeof(path), "%s/hier.json", v.dir);
    REQUIRE(write_file(path, "{\"id\":\"/subscriptions/" SUB "\",\"type\":\"microsoft.resources/"
                             "subscriptions\",\"subscriptionId\":\"" SUB "\","
                             "\"properties\":{\"state\":\"Enabled\","
                             "\"managementGroupAncestorsChain\":[{\"name\":\"Corp\"},"
                             "{\"name\":\"TenantRoot\"}]}}\n"));
    struct ss_diag d;
    ss_diag_clear(&d);
    REQUIRE(ss_engine_import(v.e, path, &d) == SS_OK);
    struct ss_score *s = ss_engine_score(v.e);
    long sub = ss_score_find_sub(s, SUB, 36);
    REQUIRE(sub >= 0);
    REQUIRE(ss_score_sub_mg(s, (uint32_t)sub) >= 0);
    struct ss_assignment a =
        assignment(v.e, "/providers/Microsoft.Management/managementGroups/TenantRoot",
                   SECURE_TRANSFER, SS_ASSIGN_DENY);
    CHECK_ERR(ss_engine_assign(v.e, &a, NULL, NULL), SS_OK);
    CHECK_ERR(put_res(v.e, SA "x", "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}", NULL,
                      NULL, NULL),
              SS_EDENIED);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_RESOURCE), 0);
    /* the subscription's own Audit assignment is nearer and wins */
    struct ss_assignment b =
        assignment(v.e, "/subscriptions/" SUB, SECURE_TRANSFER, SS_ASSIGN_AUDIT);
    CHECK_ERR(ss_engine_assign(v.e, &b, NULL, NULL), SS_OK);
    CHECK_ERR(put_res(v.e, SA "x", "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}", NULL,
                      NULL, NULL),
              SS_OK);
    CHECK_EQ_INT(status_of(v.e, SA "x", SECURE_TRANSFER, NULL, NULL), SS_STATUS_UNHEALTHY);
    env_free(&v);
}

/*
 * A Deny assigned at "/subscriptions/{s}" applies to the first resource PUT
 * into {s}, while the subscription is not known to the score yet (a bug found
 * by this test: the lookup went straight to the tenant).
 */
TEST(engine_assignment_deny_new_subscription)
{
    struct env v;
    REQUIRE(env_make(&v));
    struct ss_assignment a =
        assignment(v.e, "/subscriptions/" SUB2, SECURE_TRANSFER, SS_ASSIGN_DENY);
    CHECK_ERR(ss_engine_assign(v.e, &a, NULL, NULL), SS_OK);
    CHECK_ERR(put_res(v.e,
                      "/subscriptions/" SUB2
                      "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/first",
                      "{\"properties\":{\"supportsHttpsTrafficOnly\":false}}", NULL, NULL, NULL),
              SS_EDENIED);
    CHECK_EQ_INT(ss_store_count(ss_engine_store(v.e), SS_STORE_RESOURCE), 0);
    env_free(&v);
}
