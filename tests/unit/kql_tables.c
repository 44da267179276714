#include "common/setup.h"

/*
 * Unit tests for src/kql/tables.c: the `securityresources` and
 * `resourcecontainers` rows of a small state built by hand (two controls,
 * four recommendations, a preview one among them, two management groups, an
 * enabled and a disabled subscription, an exemption). The rows are parsed
 * back and checked field by field: ARG's sixteen columns in order, the
 * assessment, score, control and metadata shapes of research/azure_api.md
 * §4.2, the published numbers (equal to ss_score_sub_result and
 * ss_score_control_result, and printed as Azure prints them), and the
 * management group ancestors chains.
 */

#include <stdio.h>

#include "securescore/buf.h"
#include "securescore/catalog.h"
#include "securescore/json.h"
#include "securescore/kql.h"
#include "securescore/score.h"
#include "test.h"

#define TK_AM "/providers/Microsoft.Security/assessmentMetadata/"
#define TK_K1 "b0000000-0000-4000-8000-000000000001"
#define TK_K2 "b0000000-0000-4000-8000-000000000002"
#define TK_KPREV "b0000000-0000-4000-8000-000000000003"
#define TK_KMFA "b0000000-0000-4000-8000-000000000004"
#define TK_CPORTS "52901099-235c-4971-b9d5-a33fca3a936e"
#define TK_CMFA "34a42fb3-e6db-409c-b56b-7b1db6b8aee0"
#define TK_SUB_A "0a0a0a0a-1111-4111-8111-aaaaaaaaaaaa"
#define TK_SUB_B "0b0b0b0b-2222-4222-8222-bbbbbbbbbbbb"
#define TK_TENANT "72f988bf-86f1-41af-91ab-2d7cd011db47"
#define TK_VM(sub, name)                                                                           \
    "/subscriptions/" sub "/resourceGroups/MyRG/providers/Microsoft.Compute/virtualMachines/" name

/* clang-format off */
#define TK_ADEF(k) "{\"id\": \"" TK_AM k "\"}"
#define TK_CTL(id, name, max, defs)                                                                \
    "{\"id\": \"/providers/Microsoft.Security/secureScoreControlDefinitions/" id "\", "            \
    "\"name\": \"" id "\", \"type\": \"Microsoft.Security/secureScoreControlDefinitions\", "       \
    "\"properties\": {\"displayName\": \"" name "\", \"maxScore\": " #max ", "                     \
    "\"source\": {\"sourceType\": \"BuiltIn\"}, \"assessmentDefinitions\": [" defs "]}}"
#define TK_META(k, name, extra)                                                                    \
    "{\"id\": \"" TK_AM k "\", \"name\": \"" k "\", "                                              \
    "\"type\": \"Microsoft.Security/assessmentMetadata\", "                                        \
    "\"properties\": {\"displayName\": \"" name "\", \"severity\": \"High\", "                     \
    "\"description\": \"Why " name "\", \"remediationDescription\": \"Fix " name "\", "            \
    "\"categories\": [\"Compute\", \"Networking\"], \"userImpact\": \"Low\", "                     \
    "\"implementationEffort\": \"Moderate\", "                                                     \
    "\"threats\": [\"dataExfiltration\", \"maliciousInsider\"], "                                  \
    "\"assessmentType\": \"BuiltIn\"" extra "}}"

static const char tk_definitions[] =
    "{\"value\": ["
    TK_CTL(TK_CPORTS, "Secure management ports", 8,
           TK_ADEF(TK_K1) ", " TK_ADEF(TK_K2) ", " TK_ADEF(TK_KPREV)) ", "
    TK_CTL(TK_CMFA, "Enable MFA", 10, TK_ADEF(TK_KMFA)) "]}";

static const char tk_metadata[] =
    "{\"value\": ["
    TK_META(TK_K1, "Management ports should be closed",
            ", \"policyDefinitionId\": \"/providers/Microsoft.Authorization/policyDefinitions/"
            "22730e10-96f6-4aac-ad84-9383d35b5917\"") ", "
    TK_META(TK_K2, "JIT should be enabled", "") ", "
    TK_META(TK_KPREV, "A preview recommendation", ", \"preview\": true") ", "
    TK_META(TK_KMFA, "MFA should be enabled", "") "]}";
/* clang-format on */

enum { TK_R1, TK_R2, TK_RPREV, TK_RMFA, TK_R__N };

struct tk {
    struct ss_catalog *cat;
    struct ss_score *s;
    uint32_t rec[TK_R__N];
    uint32_t sub_a, sub_b;
    uint32_t vm1, vm2, vm3, suba_res;
    struct ss_buf sec, cont;
    struct ss_json_doc *sec_doc, *cont_doc;
};

static void tk_put(struct ss_test *t_, struct tk *f, uint32_t res, int rec, enum ss_status st,
                   const char *cause, const char *desc)
{
    struct ss_assessment a;
    memset(&a, 0, sizeof(a));
    a.res = res;
    a.rec = f->rec[rec];
    a.status = st;
    a.cause = cause;
    a.description = desc;
    CHECK(ss_time_parse("2021-04-12T09:07:18.6759138Z", 28, &a.first_evaluation));
    CHECK(ss_time_parse("2023-01-02T03:04:05Z", 20, &a.status_change));
    CHECK_ERR(ss_score_set(f->s, &a, NULL), SS_OK);
}

static bool tk_catalog(struct ss_test *t_, struct tk *f)
{
    static const char *const keys[TK_R__N] = {TK_K1, TK_K2, TK_KPREV, TK_KMFA};
    struct ss_diag d;
    ss_diag_clear(&d);
    f->cat = ss_catalog_new();
    CHECK_ERR(ss_catalog_load_definitions_text(f->cat, tk_definitions, strlen(tk_definitions),
                                               "definitions", &d),
              SS_OK);
    CHECK_ERR(
        ss_catalog_load_metadata_text(f->cat, tk_metadata, strlen(tk_metadata), "metadata", &d),
        SS_OK);
    for (int i = 0; i < TK_R__N; i++) {
        long r = ss_catalog_find_rec(f->cat, keys[i], strlen(keys[i]));
        if (r < 0)
            return false;
        f->rec[i] = (uint32_t)r;
    }
    return d.code == SS_OK && ss_catalog_ncontrols(f->cat) == 2;
}

static uint32_t tk_res(struct ss_test *t_, struct tk *f, const char *id, const char *type)
{
    uint32_t r = 0;
    CHECK_ERR(ss_score_resource(f->s, id, strlen(id), type, &r), SS_OK);
    return r;
}

/*
 * Groups: root "contoso" (display "Contoso") > "prod" ("Production").
 * Subscription A (enabled, in prod): vm1, vm2 and the subscription itself.
 * Subscription B (Disabled, in the root): vm3.
 * vm1: K1 Healthy, K2 Unhealthy. vm2: K1 Healthy, K2 Unhealthy but exempt, KPREV Unhealthy
 * (preview: does not count). Subscription A: KMFA Unhealthy. vm3: K1 Unhealthy (B is an AWS
 * connector).
 * Expected in A: ports H=1 (vm2) U=1 (vm1) -> 4.0 of 8, 0.5; MFA U=1 -> 0.0 of 10;
 * total 4.0 of 18, 0.2222, weight 3.
 */
static bool tk_init(struct ss_test *t_, struct tk *f)
{
    memset(f, 0, sizeof(*f));
    if (!tk_catalog(t_, f))
        return false;
    f->s = ss_score_new(f->cat);
    uint32_t root = ss_score_mg(f->s, "contoso", 7), prod = ss_score_mg(f->s, "prod", 4);
    ss_score_mg_set(f->s, root, "Contoso", -1);
    ss_score_mg_set(f->s, prod, "Production", (long)root);
    CHECK_ERR(ss_score_sub(f->s, TK_SUB_A, 36, &f->sub_a), SS_OK);
    CHECK_ERR(ss_score_sub(f->s, TK_SUB_B, 36, &f->sub_b), SS_OK);
    ss_score_sub_set_name(f->s, f->sub_a, "Production sub");
    ss_score_sub_set_mg(f->s, f->sub_a, (long)prod);
    ss_score_sub_set_mg(f->s, f->sub_b, (long)root);
    ss_score_sub_set_state(f->s, f->sub_b, "Disabled");
    ss_score_sub_set_env(f->s, f->sub_b, SS_ENV_AWS);
    f->vm1 = tk_res(t_, f, TK_VM(TK_SUB_A, "vm1"), "Microsoft.Compute/virtualMachines");
    f->vm2 = tk_res(t_, f, TK_VM(TK_SUB_A, "vm2"), "Microsoft.Compute/virtualMachines");
    f->vm3 = tk_res(t_, f, TK_VM(TK_SUB_B, "vm3"), "Microsoft.Compute/virtualMachines");
    f->suba_res = tk_res(t_, f, "/subscriptions/" TK_SUB_A, "Microsoft.Resources/subscriptions");
    tk_put(t_, f, f->vm1, TK_R1, SS_STATUS_HEALTHY, NULL, NULL);
    tk_put(t_, f, f->vm1, TK_R2, SS_STATUS_UNHEALTHY, NULL, "Port 22 is open");
    tk_put(t_, f, f->vm2, TK_R1, SS_STATUS_HEALTHY, NULL, NULL);
    tk_put(t_, f, f->vm2, TK_R2, SS_STATUS_UNHEALTHY, NULL, NULL);
    tk_put(t_, f, f->vm2, TK_RPREV, SS_STATUS_UNHEALTHY, NULL, NULL);
    tk_put(t_, f, f->suba_res, TK_RMFA, SS_STATUS_UNHEALTHY, NULL, NULL);
    tk_put(t_, f, f->vm3, TK_R1, SS_STATUS_UNHEALTHY, NULL, NULL);
    CHECK_ERR(ss_score_exempt(f->s, TK_VM(TK_SUB_A, "vm2"), f->rec[TK_R2], "Waiver", 0, NULL),
              SS_OK);
    ss_score_reapply(f->s);
    ss_kql_security_rows(f->s, f->cat, TK_TENANT, &f->sec);
    ss_kql_container_rows(f->s, TK_TENANT, &f->cont);
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK_ERR(ss_json_parse(f->sec.ptr, f->sec.len, NULL, &f->sec_doc, &d), SS_OK);
    CHECK_ERR(ss_json_parse(f->cont.ptr, f->cont.len, NULL, &f->cont_doc, &d), SS_OK);
    return f->sec_doc && f->cont_doc;
}

static void tk_free(struct tk *f)
{
    ss_json_doc_free(f->sec_doc);
    ss_json_doc_free(f->cont_doc);
    ss_buf_release(&f->sec);
    ss_buf_release(&f->cont);
    ss_score_free(f->s);
    ss_catalog_free(f->cat);
}

/* ---- reading rows back ---- */

static struct ss_json at(struct ss_json v, const char *ptr)
{
    return ss_json_pointer(v, ptr, strlen(ptr));
}

/* The row whose id is `id`; absent if none. */
static struct ss_json row_by_id(struct ss_json rows, const char *id)
{
    struct ss_json_iter it;
    struct ss_json row, none = {NULL, NULL};
    ss_json_iter_init(&it, rows);
    while (ss_json_iter_next(&it, NULL, &row))
        if (ss_json_str_eq(ss_json_getz(row, "id"), id))
            return row;
    return none;
}

static size_t count_type(struct ss_json rows, const char *type)
{
    struct ss_json_iter it;
    struct ss_json row;
    size_t n = 0;
    ss_json_iter_init(&it, rows);
    while (ss_json_iter_next(&it, NULL, &row))
        n += ss_json_str_eq(ss_json_getz(row, "type"), type);
    return n;
}

static void check_str_at(struct ss_test *t_, int line, struct ss_json v, const char *ptr,
                         const char *want)
{
    struct ss_str s = ss_json_str(at(v, ptr));
    if (ss_json_kind(at(v, ptr)) != SS_JSON_STRING || s.len != strlen(want) ||
        memcmp(s.ptr, want, s.len) != 0)
        ss_test_fail(t_, __FILE__, line, "%s: got \"%.*s\" (%s), want \"%s\"", ptr, (int)s.len,
                     s.ptr ? s.ptr : "", ss_json_kind_name(ss_json_kind(at(v, ptr))), want);
}

/* A number written exactly as `text` ("4.0", "18"). */
static void check_num_at(struct ss_test *t_, int line, struct ss_json v, const char *ptr,
                         const char *text)
{
    struct ss_str s = ss_json_num_text(at(v, ptr));
    if (s.len != strlen(text) || memcmp(s.ptr, text, s.len) != 0)
        ss_test_fail(t_, __FILE__, line, "%s: got %.*s, want %s", ptr, (int)s.len,
                     s.ptr ? s.ptr : "(not a number)", text);
}

static void check_kind_at(struct ss_test *t_, int line, struct ss_json v, const char *ptr,
                          enum ss_json_kind k)
{
    if (ss_json_kind(at(v, ptr)) != k)
        ss_test_fail(t_, __FILE__, line, "%s: kind %s, want %s", ptr,
                     ss_json_kind_name(ss_json_kind(at(v, ptr))), ss_json_kind_name(k));
}

#define CHECK_STR_AT(v, ptr, want) check_str_at(t_, __LINE__, v, ptr, want)
#define CHECK_NUM_AT(v, ptr, text) check_num_at(t_, __LINE__, v, ptr, text)
#define CHECK_KIND_AT(v, ptr, k) check_kind_at(t_, __LINE__, v, ptr, k)

/* ARG's columns, in order. */
static const char *const tk_columns[] = {
    "id",        "name",     "type",          "tenantId",
    "kind",      "location", "resourceGroup", "subscriptionId",
    "managedBy", "sku",      "plan",          "properties",
    "tags",      "identity", "zones",         "extendedLocation",
};

/* Every row has ARG's sixteen columns, in order, with the tenant. */
static void check_columns(struct ss_test *t_, struct ss_json rows)
{
    struct ss_json_iter it, cols;
    struct ss_json row, v;
    struct ss_str key;
    ss_json_iter_init(&it, rows);
    while (ss_json_iter_next(&it, NULL, &row)) {
        size_t i = 0;
        REQUIRE(ss_json_kind(row) == SS_JSON_OBJECT);
        ss_json_iter_init(&cols, row);
        while (ss_json_iter_next(&cols, &key, &v) && i < SS_ARRAY_LEN(tk_columns)) {
            if (key.len != strlen(tk_columns[i]) || memcmp(key.ptr, tk_columns[i], key.len))
                ss_test_fail(t_, __FILE__, __LINE__, "column %zu is %.*s, want %s", i, (int)key.len,
                             key.ptr, tk_columns[i]);
            i++;
        }
        CHECK_EQ_INT(ss_json_len(row), SS_ARRAY_LEN(tk_columns));
        CHECK_STR_AT(row, "/tenantId", TK_TENANT);
        CHECK_KIND_AT(row, "/properties", SS_JSON_OBJECT);
        CHECK_KIND_AT(row, "/sku", SS_JSON_NULL);
        CHECK_KIND_AT(row, "/tags", SS_JSON_NULL);
    }
}

/* ---- securityresources ---- */

TEST(kql_tables_security_rows_by_type)
{
    struct tk f;
    REQUIRE(tk_init(t_, &f));
    struct ss_json rows = ss_json_root(f.sec_doc);
    REQUIRE(ss_json_kind(rows) == SS_JSON_ARRAY);
    /* One score (B is disabled), two controls of A, seven assessments, four metadata. */
    CHECK_EQ_INT(count_type(rows, "microsoft.security/securescores"), 1);
    CHECK_EQ_INT(count_type(rows, "microsoft.security/securescores/securescorecontrols"), 2);
    CHECK_EQ_INT(count_type(rows, "microsoft.security/assessments"), 7);
    CHECK_EQ_INT(count_type(rows, "microsoft.security/assessmentmetadata"), 4);
    CHECK_EQ_INT(ss_json_len(rows), 14);
    check_columns(t_, rows);
    tk_free(&f);
}

TEST(kql_tables_assessment_row)
{
    struct tk f;
    REQUIRE(tk_init(t_, &f));
    struct ss_json row =
        row_by_id(ss_json_root(f.sec_doc),
                  TK_VM(TK_SUB_A, "vm1") "/providers/Microsoft.Security/assessments/" TK_K2);
    CHECK(ss_json_exists(row));
    CHECK_STR_AT(row, "/name", TK_K2);
    CHECK_STR_AT(row, "/type", "microsoft.security/assessments");
    CHECK_STR_AT(row, "/resourceGroup", "myrg");
    CHECK_STR_AT(row, "/subscriptionId", TK_SUB_A);
    CHECK_STR_AT(row, "/kind", "");
    CHECK_STR_AT(row, "/location", "");
    CHECK_STR_AT(row, "/properties/resourceDetails/Source", "Azure");
    CHECK_STR_AT(row, "/properties/resourceDetails/Id", TK_VM(TK_SUB_A, "vm1"));
    CHECK_STR_AT(row, "/properties/displayName", "JIT should be enabled");
    CHECK_STR_AT(row, "/properties/status/code", "Unhealthy");
    CHECK_KIND_AT(row, "/properties/status/cause", SS_JSON_NONE);
    CHECK_STR_AT(row, "/properties/status/description", "Port 22 is open");
    CHECK_STR_AT(row, "/properties/status/firstEvaluationDate", "2021-04-12T09:07:18.6759138Z");
    CHECK_STR_AT(row, "/properties/status/statusChangeDate", "2023-01-02T03:04:05.0000000Z");
    CHECK_STR_AT(row, "/properties/metadata/displayName", "JIT should be enabled");
    CHECK_STR_AT(row, "/properties/metadata/assessmentType", "BuiltIn");
    CHECK_STR_AT(row, "/properties/metadata/description", "Why JIT should be enabled");
    CHECK_STR_AT(row, "/properties/metadata/remediationDescription", "Fix JIT should be enabled");
    CHECK_STR_AT(row, "/properties/metadata/severity", "High");
    CHECK_STR_AT(row, "/properties/metadata/categories/0", "Compute");
    CHECK_STR_AT(row, "/properties/metadata/categories/1", "Networking");
    CHECK_EQ_INT(ss_json_len(at(row, "/properties/metadata/categories")), 2);
    CHECK_STR_AT(row, "/properties/metadata/userImpact", "Low");
    CHECK_STR_AT(row, "/properties/metadata/implementationEffort", "Moderate");
    CHECK_STR_AT(row, "/properties/metadata/threats/0", "dataExfiltration");
    CHECK_STR_AT(row, "/properties/metadata/threats/1", "maliciousInsider");
    CHECK_KIND_AT(row, "/properties/metadata/preview", SS_JSON_NONE);
    CHECK_KIND_AT(row, "/properties/metadata/policyDefinitionId", SS_JSON_NONE);
    CHECK_STR_AT(row, "/properties/links/azurePortal",
                 "portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/"
                 "assessmentKey/" TK_K2);
    /* The recommendation with a policy, and the preview one. */
    row = row_by_id(ss_json_root(f.sec_doc),
                    TK_VM(TK_SUB_A, "vm1") "/providers/Microsoft.Security/assessments/" TK_K1);
    CHECK_STR_AT(row, "/properties/status/code", "Healthy");
    CHECK_STR_AT(row, "/properties/metadata/policyDefinitionId",
                 "/providers/Microsoft.Authorization/policyDefinitions/"
                 "22730e10-96f6-4aac-ad84-9383d35b5917");
    row = row_by_id(ss_json_root(f.sec_doc),
                    TK_VM(TK_SUB_A, "vm2") "/providers/Microsoft.Security/assessments/" TK_KPREV);
    CHECK_KIND_AT(row, "/properties/metadata/preview", SS_JSON_TRUE);
    /* The disabled subscription's assessment is there too. */
    row = row_by_id(ss_json_root(f.sec_doc),
                    TK_VM(TK_SUB_B, "vm3") "/providers/Microsoft.Security/assessments/" TK_K1);
    CHECK_STR_AT(row, "/subscriptionId", TK_SUB_B);
    CHECK_STR_AT(row, "/properties/status/code", "Unhealthy");
    CHECK_STR_AT(row, "/properties/resourceDetails/Source", "Aws"); /* a connector */
    tk_free(&f);
}

/* An exempted pair is NotApplicable with cause Exempt, as Azure shows it. */
TEST(kql_tables_assessment_exempt)
{
    struct tk f;
    REQUIRE(tk_init(t_, &f));
    struct ss_json row =
        row_by_id(ss_json_root(f.sec_doc),
                  TK_VM(TK_SUB_A, "vm2") "/providers/Microsoft.Security/assessments/" TK_K2);
    CHECK_STR_AT(row, "/properties/status/code", "NotApplicable");
    CHECK_STR_AT(row, "/properties/status/cause", "Exempt");
    struct ss_str d = ss_json_str(at(row, "/properties/status/description"));
    CHECK(d.len >= 6 && memmem(d.ptr, d.len, "Exempt", 6) != NULL);
    tk_free(&f);
}

/* A recommendation disabled by policy is NotApplicable with cause OffByPolicy, Azure's text. */
TEST(kql_tables_assessment_off_by_policy)
{
    struct tk f;
    REQUIRE(tk_init(t_, &f));
    CHECK_ERR(ss_score_disable(f.s, "/subscriptions/" TK_SUB_A, f.rec[TK_RMFA], NULL), SS_OK);
    ss_score_reapply(f.s);
    struct ss_buf b = SS_BUF_INIT;
    struct ss_json_doc *doc = NULL;
    ss_kql_security_rows(f.s, f.cat, TK_TENANT, &b);
    CHECK_ERR(ss_json_parse(b.ptr, b.len, NULL, &doc, NULL), SS_OK);
    struct ss_json row =
        row_by_id(ss_json_root(doc),
                  "/subscriptions/" TK_SUB_A "/providers/Microsoft.Security/assessments/" TK_KMFA);
    CHECK_STR_AT(row, "/resourceGroup", "");
    CHECK_STR_AT(row, "/properties/status/code", "NotApplicable");
    CHECK_STR_AT(row, "/properties/status/cause", "OffByPolicy");
    CHECK_STR_AT(row, "/properties/status/description",
                 "The effective policy for the assessment was evaluated to off - use "
                 "Microsoft.Authorization/policyAssignments to turn this assessment on");
    /* The MFA control now has only a not applicable resource: max 0, still listed. */
    row = row_by_id(
        ss_json_root(doc),
        "/subscriptions/" TK_SUB_A
        "/providers/Microsoft.Security/secureScores/ascScore/secureScoreControls/" TK_CMFA);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/notApplicableResourceCount")), 1);
    CHECK_NUM_AT(row, "/properties/score/max", "0");
    CHECK_NUM_AT(row, "/properties/score/current", "0.0");
    row = row_by_id(ss_json_root(doc), "/subscriptions/" TK_SUB_A
                                       "/providers/Microsoft.Security/secureScores/ascScore");
    CHECK_NUM_AT(row, "/properties/score/max", "8");
    CHECK_NUM_AT(row, "/properties/score/current", "4.0");
    CHECK_NUM_AT(row, "/properties/score/percentage", "0.5");
    ss_json_doc_free(doc);
    ss_buf_release(&b);
    tk_free(&f);
}

TEST(kql_tables_secure_score_row)
{
    struct tk f;
    REQUIRE(tk_init(t_, &f));
    struct ss_json row =
        row_by_id(ss_json_root(f.sec_doc),
                  "/subscriptions/" TK_SUB_A "/providers/Microsoft.Security/secureScores/ascScore");
    struct ss_score_result r;
    ss_score_sub_result(f.s, f.sub_a, &r);
    CHECK_EQ_INT(r.max, 18);
    CHECK_DBL(r.current, 4.0);
    CHECK_DBL(r.percentage, 0.2222);
    CHECK_EQ_INT(r.weight, 3);
    CHECK_STR_AT(row, "/name", "ascScore");
    CHECK_STR_AT(row, "/type", "microsoft.security/securescores");
    CHECK_STR_AT(row, "/subscriptionId", TK_SUB_A);
    CHECK_STR_AT(row, "/resourceGroup", "");
    CHECK_STR_AT(row, "/properties/displayName", "ASC score");
    CHECK_KIND_AT(row, "/properties/score/max", SS_JSON_INT);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/score/max")), r.max);
    CHECK_DBL(ss_json_num(at(row, "/properties/score/current")), r.current);
    CHECK_DBL(ss_json_num(at(row, "/properties/score/percentage")), r.percentage);
    CHECK_NUM_AT(row, "/properties/score/max", "18");
    CHECK_NUM_AT(row, "/properties/score/current", "4.0");
    CHECK_NUM_AT(row, "/properties/score/percentage", "0.2222");
    CHECK_NUM_AT(row, "/properties/weight", "3");
    CHECK_EQ_INT(ss_json_len(at(row, "/properties")), 3);
    /* No score for the disabled subscription. */
    row = row_by_id(ss_json_root(f.sec_doc), "/subscriptions/" TK_SUB_B
                                             "/providers/Microsoft.Security/secureScores/ascScore");
    CHECK(!ss_json_exists(row));
    tk_free(&f);
}

static void check_control(struct ss_test *t_, struct tk *f, const char *ctl_id, int max_score,
                          const char *current, const char *pct)
{
    char id[256];
    snprintf(id, sizeof(id),
             "/subscriptions/%s/providers/Microsoft.Security/secureScores/ascScore/"
             "secureScoreControls/%s",
             TK_SUB_A, ctl_id);
    struct ss_json row = row_by_id(ss_json_root(f->sec_doc), id);
    REQUIRE(ss_json_exists(row));
    long c = ss_catalog_find_control(f->cat, ctl_id, strlen(ctl_id));
    REQUIRE(c >= 0);
    struct ss_control_result r;
    ss_score_control_result(f->s, f->sub_a, (uint32_t)c, &r);
    CHECK_STR_AT(row, "/name", ctl_id);
    CHECK_STR_AT(row, "/type", "microsoft.security/securescores/securescorecontrols");
    CHECK_STR_AT(row, "/properties/displayName",
                 ss_catalog_control(f->cat, (size_t)c)->display_name);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/healthyResourceCount")), r.healthy);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/unhealthyResourceCount")), r.unhealthy);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/notApplicableResourceCount")), r.not_applicable);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/score/max")), r.max);
    CHECK_DBL(ss_json_num(at(row, "/properties/score/current")), r.current);
    CHECK_DBL(ss_json_num(at(row, "/properties/score/percentage")), r.percentage);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/weight")), (int64_t)r.weight);
    CHECK_NUM_AT(row, "/properties/score/current", current);
    CHECK_NUM_AT(row, "/properties/score/percentage", pct);
    CHECK_STR_AT(row, "/properties/definition/name", ctl_id);
    CHECK_STR_AT(row, "/properties/definition/type",
                 "Microsoft.Security/secureScoreControlDefinitions");
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/definition/properties/maxScore")), max_score);
    CHECK_STR_AT(row, "/properties/definition/properties/source/sourceType", "BuiltIn");
    CHECK_STR_AT(row, "/properties/definition/properties/displayName",
                 ss_catalog_control(f->cat, (size_t)c)->display_name);
}

TEST(kql_tables_control_rows)
{
    struct tk f;
    REQUIRE(tk_init(t_, &f));
    check_control(t_, &f, TK_CPORTS, 8, "4.0", "0.5");
    check_control(t_, &f, TK_CMFA, 10, "0.0", "0.0");
    char id[256];
    snprintf(id, sizeof(id),
             "/subscriptions/%s/providers/Microsoft.Security/secureScores/ascScore/"
             "secureScoreControls/%s",
             TK_SUB_A, TK_CPORTS);
    struct ss_json row = row_by_id(ss_json_root(f.sec_doc), id);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/healthyResourceCount")), 1);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/unhealthyResourceCount")), 1);
    CHECK_EQ_INT(ss_json_int(at(row, "/properties/notApplicableResourceCount")), 0);
    struct ss_json defs = at(row, "/properties/definition/properties/assessmentDefinitions");
    CHECK_EQ_INT(ss_json_len(defs), 3);
    CHECK_STR_AT(defs, "/0/id", TK_AM TK_K1);
    CHECK_STR_AT(defs, "/2/id", TK_AM TK_KPREV);
    tk_free(&f);
}

TEST(kql_tables_metadata_row)
{
    struct tk f;
    REQUIRE(tk_init(t_, &f));
    struct ss_json row = row_by_id(ss_json_root(f.sec_doc), TK_AM TK_KPREV);
    CHECK_STR_AT(row, "/name", TK_KPREV);
    CHECK_STR_AT(row, "/type", "microsoft.security/assessmentmetadata");
    CHECK_STR_AT(row, "/subscriptionId", "");
    CHECK_STR_AT(row, "/properties/displayName", "A preview recommendation");
    CHECK_STR_AT(row, "/properties/severity", "High");
    CHECK_KIND_AT(row, "/properties/preview", SS_JSON_TRUE);
    CHECK_STR_AT(row, "/properties/assessmentType", "BuiltIn");
    tk_free(&f);
}

/* ---- resourcecontainers ---- */

TEST(kql_tables_container_rows)
{
    struct tk f;
    REQUIRE(tk_init(t_, &f));
    struct ss_json rows = ss_json_root(f.cont_doc);
    CHECK_EQ_INT(ss_json_len(rows), 4);
    check_columns(t_, rows);
    struct ss_json a = row_by_id(rows, "/subscriptions/" TK_SUB_A);
    CHECK_STR_AT(a, "/name", "Production sub");
    CHECK_STR_AT(a, "/type", "microsoft.resources/subscriptions");
    CHECK_STR_AT(a, "/subscriptionId", TK_SUB_A);
    CHECK_STR_AT(a, "/properties/state", "Enabled");
    struct ss_json chain = at(a, "/properties/managementGroupAncestorsChain");
    CHECK_EQ_INT(ss_json_len(chain), 2);
    CHECK_STR_AT(chain, "/0/name", "prod");
    CHECK_STR_AT(chain, "/0/displayName", "Production");
    CHECK_STR_AT(chain, "/1/name", "contoso");
    CHECK_STR_AT(chain, "/1/displayName", "Contoso");
    struct ss_json b = row_by_id(rows, "/subscriptions/" TK_SUB_B);
    CHECK_STR_AT(b, "/name", TK_SUB_B); /* no display name: the GUID */
    CHECK_STR_AT(b, "/properties/state", "Disabled");
    CHECK_EQ_INT(ss_json_len(at(b, "/properties/managementGroupAncestorsChain")), 1);
    CHECK_STR_AT(b, "/properties/managementGroupAncestorsChain/0/name", "contoso");
    struct ss_json prod = row_by_id(rows, "/providers/Microsoft.Management/managementGroups/prod");
    CHECK_STR_AT(prod, "/name", "prod");
    CHECK_STR_AT(prod, "/type", "microsoft.management/managementgroups");
    CHECK_STR_AT(prod, "/properties/displayName", "Production");
    CHECK_STR_AT(prod, "/properties/details/parent/name", "contoso");
    CHECK_STR_AT(prod, "/properties/details/parent/id",
                 "/providers/Microsoft.Management/managementGroups/contoso");
    CHECK_STR_AT(prod, "/properties/details/managementGroupAncestorsChain/0/name", "contoso");
    struct ss_json root =
        row_by_id(rows, "/providers/Microsoft.Management/managementGroups/contoso");
    CHECK_KIND_AT(root, "/properties/details/parent", SS_JSON_NULL);
    CHECK_EQ_INT(ss_json_len(at(root, "/properties/details/managementGroupAncestorsChain")), 0);
    tk_free(&f);
}

/* A cycle among groups (bad input) ends the chain instead of looping. */
TEST(kql_tables_container_cycle)
{
    struct ss_catalog *cat = ss_catalog_new();
    struct ss_score *s = ss_score_new(cat);
    uint32_t a = ss_score_mg(s, "a", 1), b = ss_score_mg(s, "b", 1), sub = 0;
    ss_score_mg_set(s, a, "A", (long)b);
    ss_score_mg_set(s, b, "B", (long)a);
    CHECK_ERR(ss_score_sub(s, TK_SUB_A, 36, &sub), SS_OK);
    ss_score_sub_set_mg(s, sub, (long)a);
    struct ss_buf out = SS_BUF_INIT;
    ss_kql_container_rows(s, NULL, &out);
    struct ss_json_doc *doc = NULL;
    CHECK_ERR(ss_json_parse(out.ptr, out.len, NULL, &doc, NULL), SS_OK);
    struct ss_json row = row_by_id(ss_json_root(doc), "/subscriptions/" TK_SUB_A);
    CHECK(ss_json_len(at(row, "/properties/managementGroupAncestorsChain")) <= 2);
    CHECK_STR_AT(row, "/tenantId", "");
    ss_json_doc_free(doc);
    ss_buf_release(&out);
    ss_score_free(s);
    ss_catalog_free(cat);
}

/* An empty state gives empty arrays (the catalog's metadata rows aside). */
TEST(kql_tables_empty_state)
{
    struct ss_catalog *cat = ss_catalog_new();
    struct ss_score *s = ss_score_new(cat);
    struct ss_buf sec = SS_BUF_INIT, cont = SS_BUF_INIT;
    ss_kql_security_rows(s, cat, "t", &sec);
    ss_kql_container_rows(s, "t", &cont);
    CHECK_MEMEQ(sec.ptr, sec.len, "[]");
    CHECK_MEMEQ(cont.ptr, cont.len, "[]");
    ss_buf_release(&sec);
    ss_buf_release(&cont);
    ss_score_free(s);
    ss_catalog_free(cat);
}

/* The built-in catalog: one metadata row per recommendation with metadata, all valid JSON. */
TEST(kql_tables_builtin_metadata)
{
    struct ss_catalog *cat = ss_catalog_new();
    REQUIRE(ss_catalog_load_builtin(cat, NULL) == SS_OK);
    struct ss_score *s = ss_score_new(cat);
    struct ss_buf sec = SS_BUF_INIT;
    ss_kql_security_rows(s, cat, TK_TENANT, &sec);
    struct ss_json_doc *doc = NULL;
    CHECK_ERR(ss_json_parse(sec.ptr, sec.len, NULL, &doc, NULL), SS_OK);
    size_t with_meta = 0;
    for (size_t i = 0; i < ss_catalog_nrecs(cat); i++)
        with_meta += ss_catalog_rec(cat, i)->has_metadata;
    CHECK(with_meta > 200);
    CHECK_EQ_INT(count_type(ss_json_root(doc), "microsoft.security/assessmentmetadata"), with_meta);
    ss_json_doc_free(doc);
    ss_buf_release(&sec);
    ss_score_free(s);
    ss_catalog_free(cat);
}
