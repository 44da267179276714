/*
 * libFuzzer target for the KQL engine (src/kql/): the input is a query,
 * run with ss_kql_run over a small fixed set of tables, so that lexing,
 * parsing, checking and execution are all exercised, with a small step and
 * memory budget. The tables: `securityresources` and `resourcecontainers`
 * built by ss_kql_security_rows / ss_kql_container_rows from a hand-made
 * scored state (two controls, four recommendations, an exemption, an
 * enabled, a disabled and an AWS subscription under two management groups),
 * and a `resources` table of a few varied rows (nested objects, arrays for
 * mv-expand, tags, numbers, booleans, nulls, dates), one of them hidden by
 * a `visible` filter.
 *
 * Any outcome is fine; the checks are that nothing crashes, leaks or
 * overruns (ASan/UBSan), that an error is one of those kql.h documents,
 * comes with a matching diagnostic and no result, and that a result has
 * named, typed columns and writes as valid JSON (objectArray and table,
 * whole and paged) with as many rows as it says.
 *
 * Build: `make fuzz` (clang -fsanitize=fuzzer,address,undefined). Seeds:
 * tests/fuzz/corpus/kql/ (the 13 sample queries of
 * ../shared/data/kql/arg_sample_queries.json and one small query per
 * operator and function family).
 */
#include "common/setup.h"

#include <stdio.h>

#include "securescore/buf.h"
#include "securescore/catalog.h"
#include "securescore/errors.h"
#include "securescore/json.h"
#include "securescore/kql.h"
#include "securescore/score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_AM "/providers/Microsoft.Security/assessmentMetadata/"
#define FZ_K1 "b0000000-0000-4000-8000-000000000001"
#define FZ_K2 "b0000000-0000-4000-8000-000000000002"
#define FZ_K3 "b0000000-0000-4000-8000-000000000003"
#define FZ_K4 "b0000000-0000-4000-8000-000000000004"
#define FZ_SUB_A "0a0a0a0a-1111-4111-8111-aaaaaaaaaaaa"
#define FZ_SUB_B "0b0b0b0b-2222-4222-8222-bbbbbbbbbbbb"
#define FZ_SUB_C "0c0c0c0c-3333-4333-8333-cccccccccccc"
#define FZ_VM(sub, name)                                                                           \
    "/subscriptions/" sub "/resourceGroups/RG1/providers/Microsoft.Compute/virtualMachines/" name

/* clang-format off */
static const char fz_definitions[] =
    "[{\"id\": \"/providers/Microsoft.Security/secureScoreControlDefinitions/"
    "52901099-235c-4971-b9d5-a33fca3a936e\", \"name\": \"52901099-235c-4971-b9d5-a33fca3a936e\", "
    "\"properties\": {\"displayName\": \"Secure management ports\", \"maxScore\": 8, "
    "\"source\": {\"sourceType\": \"BuiltIn\"}, \"assessmentDefinitions\": ["
    "{\"id\": \"" FZ_AM FZ_K1 "\"}, {\"id\": \"" FZ_AM FZ_K2 "\"}, {\"id\": \"" FZ_AM FZ_K3 "\"}]}},"
    "{\"id\": \"/providers/Microsoft.Security/secureScoreControlDefinitions/"
    "34a42fb3-e6db-409c-b56b-7b1db6b8aee0\", \"name\": \"34a42fb3-e6db-409c-b56b-7b1db6b8aee0\", "
    "\"properties\": {\"displayName\": \"Enable MFA\", \"maxScore\": 10, "
    "\"source\": {\"sourceType\": \"BuiltIn\"}, \"assessmentDefinitions\": ["
    "{\"id\": \"" FZ_AM FZ_K4 "\"}]}}]";

#define FZ_META(k, name, extra)                                                                    \
    "{\"name\": \"" k "\", \"properties\": {\"displayName\": \"" name "\", "                       \
    "\"severity\": \"High\", \"description\": \"d\", \"remediationDescription\": \"r\", "          \
    "\"categories\": [\"Compute\"], \"userImpact\": \"Low\", \"implementationEffort\": \"Low\", "  \
    "\"threats\": [\"dataExfiltration\"], \"assessmentType\": \"BuiltIn\"" extra "}}"

static const char fz_metadata[] =
    "[" FZ_META(FZ_K1, "Management ports should be closed", "") ","
    FZ_META(FZ_K2, "Container registry images should have vulnerability findings resolved",
            ", \"policyDefinitionId\": \"/providers/Microsoft.Authorization/policyDefinitions/x\"") ","
    FZ_META(FZ_K3, "A preview recommendation", ", \"preview\": true") ","
    FZ_META(FZ_K4, "MFA should be enabled", "") "]";

static const char fz_resources[] =
    "[{\"id\": \"" FZ_VM(FZ_SUB_A, "vm1") "\", \"name\": \"vm1\", "
    "\"type\": \"microsoft.compute/virtualmachines\", \"location\": \"westeurope\", "
    "\"resourceGroup\": \"rg1\", \"subscriptionId\": \"" FZ_SUB_A "\", \"kind\": \"\", "
    "\"tags\": {\"env\": \"prod\", \"Cost Center\": \"42\"}, \"zones\": [\"1\", \"2\"], "
    "\"sku\": null, \"properties\": {\"storageProfile\": {\"osDisk\": {\"osType\": \"Linux\", "
    "\"diskSizeGB\": 30}}, \"hardwareProfile\": {\"vmSize\": \"Standard_B2s\"}, "
    "\"networkProfile\": {\"networkInterfaces\": [{\"id\": \"/nic/1\"}, {\"id\": \"/nic/2\"}]}, "
    "\"timeCreated\": \"2021-04-12T09:07:18.6759138Z\", \"priority\": 1.5, \"enabled\": true}},"
    "{\"id\": \"/subscriptions/" FZ_SUB_A "/resourceGroups/rg2/providers/Microsoft.Storage/"
    "storageAccounts/st1\", \"name\": \"st1\", \"type\": \"microsoft.storage/storageaccounts\", "
    "\"location\": \"eastus\", \"resourceGroup\": \"rg2\", \"subscriptionId\": \"" FZ_SUB_A "\", "
    "\"kind\": \"StorageV2\", \"tags\": {}, \"sku\": {\"name\": \"Standard_LRS\"}, "
    "\"properties\": {\"supportsHttpsTrafficOnly\": false, \"minimumTlsVersion\": \"TLS1_0\", "
    "\"encryption\": {\"services\": {\"blob\": {\"enabled\": true}}}, \"count\": -7}},"
    "{\"id\": \"/subscriptions/" FZ_SUB_B "/resourceGroups/rg3/providers/Microsoft.Network/"
    "networkSecurityGroups/nsg1\", \"name\": \"nsg1\", \"type\": "
    "\"microsoft.network/networksecuritygroups\", \"location\": \"eastus\", \"resourceGroup\": "
    "\"rg3\", \"subscriptionId\": \"" FZ_SUB_B "\", \"tags\": null, \"properties\": "
    "{\"securityRules\": [{\"name\": \"ssh\", \"properties\": {\"destinationPortRange\": \"22\", "
    "\"access\": \"Allow\", \"priority\": 100}}, {\"name\": \"all\", \"properties\": "
    "{\"destinationPortRanges\": [\"80\", \"443\"], \"access\": \"Deny\", \"priority\": 4096}}]}},"
    "{\"id\": \"/subscriptions/" FZ_SUB_B "/resourceGroups/rg3/providers/Microsoft.Web/sites/hidden\", "
    "\"name\": \"hidden\", \"type\": \"microsoft.web/sites\", \"location\": \"\", "
    "\"properties\": {}}]";
/* clang-format on */

struct fz {
    struct ss_catalog *cat;
    struct ss_score *s;
    struct ss_json_doc *docs[3];
    struct ss_kql_table tables[3];
};

static void die(const char *what)
{
    fprintf(stderr, "fuzz_kql: %s\n", what);
    abort();
}

static uint32_t fz_rec(struct fz *f, const char *key)
{
    long r = ss_catalog_find_rec(f->cat, key, strlen(key));
    if (r < 0)
        die("fixture: a recommendation is missing");
    return (uint32_t)r;
}

static void fz_put(struct fz *f, const char *id, const char *key, enum ss_status st,
                   const char *cause)
{
    struct ss_assessment a;
    memset(&a, 0, sizeof(a));
    if (ss_score_resource(f->s, id, strlen(id), NULL, &a.res) != SS_OK)
        die("fixture: a resource id");
    a.rec = fz_rec(f, key);
    a.status = st;
    a.cause = cause;
    a.description = cause ? "because" : NULL;
    a.first_evaluation = 16182182386759138;
    a.status_change = a.first_evaluation + 10000000;
    if (ss_score_set(f->s, &a, NULL) != SS_OK)
        die("fixture: an assessment");
}

static void fz_state(struct fz *f)
{
    uint32_t a = 0, b = 0, c = 0;
    f->cat = ss_catalog_new();
    if (ss_catalog_load_definitions_text(f->cat, fz_definitions, strlen(fz_definitions), "d",
                                         NULL) != SS_OK ||
        ss_catalog_load_metadata_text(f->cat, fz_metadata, strlen(fz_metadata), "m", NULL) != SS_OK)
        die("fixture: catalog");
    f->s = ss_score_new(f->cat);
    uint32_t root = ss_score_mg(f->s, "tenant-root", 11), prod = ss_score_mg(f->s, "prod", 4);
    ss_score_mg_set(f->s, root, "Tenant Root Group", -1);
    ss_score_mg_set(f->s, prod, "Production", (long)root);
    if (ss_score_sub(f->s, FZ_SUB_A, 36, &a) || ss_score_sub(f->s, FZ_SUB_B, 36, &b) ||
        ss_score_sub(f->s, FZ_SUB_C, 36, &c))
        die("fixture: subscriptions");
    ss_score_sub_set_name(f->s, a, "Contoso Production");
    ss_score_sub_set_mg(f->s, a, (long)prod);
    ss_score_sub_set_mg(f->s, b, (long)root);
    ss_score_sub_set_state(f->s, c, "Disabled");
    ss_score_sub_set_env(f->s, b, SS_ENV_AWS);
    fz_put(f, FZ_VM(FZ_SUB_A, "vm1"), FZ_K1, SS_STATUS_HEALTHY, NULL);
    fz_put(f, FZ_VM(FZ_SUB_A, "vm1"), FZ_K2, SS_STATUS_UNHEALTHY, NULL);
    fz_put(f, FZ_VM(FZ_SUB_A, "vm2"), FZ_K1, SS_STATUS_NOTAPPLICABLE, "OffByPolicy");
    fz_put(f, FZ_VM(FZ_SUB_A, "vm2"), FZ_K3, SS_STATUS_UNHEALTHY, NULL);
    fz_put(f, "/subscriptions/" FZ_SUB_A, FZ_K4, SS_STATUS_UNHEALTHY, NULL);
    fz_put(f, FZ_VM(FZ_SUB_B, "vm3"), FZ_K2, SS_STATUS_HEALTHY, NULL);
    fz_put(f, FZ_VM(FZ_SUB_C, "vm4"), FZ_K1, SS_STATUS_UNHEALTHY, NULL);
    if (ss_score_exempt(f->s, FZ_VM(FZ_SUB_B, "vm3"), fz_rec(f, FZ_K2), "Waiver", 0, NULL))
        die("fixture: exemption");
    ss_score_reapply(f->s);
}

static bool fz_visible(void *arg, struct ss_json row)
{
    (void)arg;
    return !ss_json_str_eq(ss_json_getz(row, "name"), "hidden");
}

static void fz_parse(struct fz *f, int i, const char *name, const char *text, size_t len)
{
    if (ss_json_parse(text, len, NULL, &f->docs[i], NULL) != SS_OK)
        die("fixture: a table does not parse");
    f->tables[i].name = name;
    f->tables[i].rows = ss_json_root(f->docs[i]);
}

/* The tables, built once and kept for the process (a fuzz target's fixture). */
static const struct fz *fixture(void)
{
    static struct fz f;
    static bool ready;
    if (ready)
        return &f;
    struct ss_buf sec = SS_BUF_INIT, cont = SS_BUF_INIT;
    fz_state(&f);
    ss_kql_security_rows(f.s, f.cat, "72f988bf-86f1-41af-91ab-2d7cd011db47", &sec);
    ss_kql_container_rows(f.s, "72f988bf-86f1-41af-91ab-2d7cd011db47", &cont);
    fz_parse(&f, 0, "securityresources", sec.ptr, sec.len);
    fz_parse(&f, 1, "resourcecontainers", cont.ptr, cont.len);
    fz_parse(&f, 2, "Resources", fz_resources, sizeof(fz_resources) - 1);
    f.tables[2].visible = fz_visible;
    ss_buf_release(&sec);
    ss_buf_release(&cont);
    ready = true;
    return &f;
}

static bool known_type(const char *t)
{
    static const char *const types[] = {"string",   "long",     "real",   "bool",
                                        "datetime", "timespan", "dynamic"};
    for (size_t i = 0; t && i < SS_ARRAY_LEN(types); i++)
        if (!strcmp(t, types[i]))
            return true;
    return false;
}

/* Writes rows [skip, skip + top) as objects and as a table; both must parse, with the rows. */
static void check_writers(const struct ss_kql_result *r, size_t skip, size_t top)
{
    size_t n = ss_kql_result_rows(r), want = skip >= n ? 0 : n - skip;
    struct ss_json_opts o = {.flags = SS_JSON_DUPKEY_LAST | SS_JSON_ALLOW_NUL};
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    struct ss_json_doc *doc = NULL;
    if (top && want > top)
        want = top;
    ss_jw_init(&w, &b, 0);
    ss_kql_write_objects(r, &w, skip, top);
    if (ss_json_parse(b.ptr, b.len, &o, &doc, NULL) != SS_OK)
        die("objectArray output is not JSON");
    if (ss_json_len(ss_json_root(doc)) != want)
        die("objectArray output has the wrong number of rows");
    ss_json_doc_free(doc);
    ss_buf_reset(&b);
    ss_jw_init(&w, &b, SS_JW_PRETTY);
    ss_kql_write_table(r, &w, skip, top);
    if (ss_json_parse(b.ptr, b.len, &o, &doc, NULL) != SS_OK)
        die("table output is not JSON");
    if (ss_json_len(ss_json_getz(ss_json_root(doc), "rows")) != want ||
        ss_json_len(ss_json_getz(ss_json_root(doc), "columns")) != ss_kql_result_columns(r))
        die("table output has the wrong number of rows or columns");
    ss_json_doc_free(doc);
    ss_buf_release(&b);
}

static void check_result(const struct ss_kql_result *r)
{
    for (size_t c = 0; c < ss_kql_result_columns(r); c++) {
        if (!ss_kql_result_column_name(r, c))
            die("a column without a name");
        if (!known_type(ss_kql_result_column_type(r, c)))
            die("a column of an unknown type");
    }
    check_writers(r, 0, 0);
    check_writers(r, 1, 2);
    struct ss_buf b = SS_BUF_INIT;
    ss_kql_write_csv(r, &b);
    ss_buf_reset(&b);
    ss_kql_write_text(r, &b);
    ss_buf_release(&b);
}

static bool documented_error(enum ss_err e)
{
    return e == SS_EQUERY || e == SS_EBUDGET || e == SS_ETOOBIG || e == SS_EDEPTH;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct fz *f = fixture();
    struct ss_kql_opts opts = {
        .max_steps = 50000, .max_memory = 8u << 20, .now = 17931456000000000}; /* 2026-10-27 */
    struct ss_kql_result *r = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    enum ss_err e =
        ss_kql_run((const char *)data, size, f->tables, SS_ARRAY_LEN(f->tables), &opts, &r, &d);
    if (e != SS_OK) {
        if (r)
            die("a failed run left a result");
        if (d.code != e)
            die("a failed run left no matching diagnostic");
        if (!documented_error(e))
            die("an error kql.h does not document");
        return 0;
    }
    if (!r)
        die("a successful run without a result");
    check_result(r);
    ss_kql_result_free(r);
    return 0;
}
