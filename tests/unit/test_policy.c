/*
 * Tests of src/policy/: the 223 MCSB definitions and the initiative compile;
 * the 32 semantics vectors of behaviour_vectors.json; the definitions that
 * apply to the real sample resources give the outcomes derived by reading
 * them; template functions; related resources; errors with pointers; the
 * step budget; alias tables.
 */
#include "common/setup.h"

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

#include "common/hashmap.h"
#include "json/field.h"
#include "policy/internal.h"
#include "securescore/json.h"
#include "securescore/policy.h"
#include "test.h"

static struct ss_json_doc *parse_text(const char *text)
{
    struct ss_json_doc *doc = NULL;
    if (ss_json_parse(text, strlen(text), NULL, &doc, NULL) != SS_OK)
        return NULL;
    return doc;
}

static struct ss_json_doc *parse_shared(const char *rel)
{
    char path[1024];
    struct ss_json_doc *doc = NULL;
    snprintf(path, sizeof(path), "%s/data/azure-policy/%s", ss_test_shared(), rel);
    if (ss_json_parse_file(path, NULL, &doc, NULL) != SS_OK)
        return NULL;
    return doc;
}

/* Compiles `def` with the parameter values the MCSB initiative assigns to it. */
static enum ss_err compile_mcsb_with(struct ss_json set, struct ss_json def,
                                     const struct ss_policy_aliases *al, struct ss_policy **out,
                                     struct ss_diag *d)
{
    struct ss_str name = ss_json_str(ss_json_get_nocase(def, "name", 4));
    struct ss_buf b = SS_BUF_INIT;
    struct ss_json_doc *pdoc = NULL;
    enum ss_err e = ss_policy_set_params(set, name.ptr, name.len, &b, d);
    if (e == SS_OK)
        e = ss_json_parse(b.ptr, b.len, NULL, &pdoc, d);
    struct ss_policy_opts opts = {.lenient_params = true, .aliases = al};
    if (e == SS_OK) {
        opts.params = ss_json_root(pdoc);
        e = ss_policy_compile(def, &opts, out, d);
    }
    ss_json_doc_free(pdoc);
    ss_buf_release(&b);
    return e;
}

static enum ss_err compile_mcsb(struct ss_json set, struct ss_json def, struct ss_policy **out,
                                struct ss_diag *d)
{
    return compile_mcsb_with(set, def, NULL, out, d);
}

TEST(policy_mcsb_definitions_compile)
{
    struct ss_json_doc *set = parse_shared("policySetDefinitions/AzureSecurityCenter.json");
    REQUIRE(set);
    char dir[1024];
    snprintf(dir, sizeof(dir), "%s/data/azure-policy/policyDefinitions", ss_test_shared());
    DIR *top = opendir(dir);
    REQUIRE(top);
    struct dirent *cat;
    int ok = 0, total = 0, typed = 0;
    while ((cat = readdir(top))) {
        if (cat->d_name[0] == '.')
            continue;
        char sub[1400];
        snprintf(sub, sizeof(sub), "%s/%s", dir, cat->d_name);
        DIR *dd = opendir(sub);
        struct dirent *f;
        while (dd && (f = readdir(dd))) {
            if (f->d_name[0] == '.')
                continue;
            char path[2048];
            snprintf(path, sizeof(path), "%s/%s", sub, f->d_name);
            struct ss_json_doc *doc = NULL;
            struct ss_policy *p = NULL;
            struct ss_diag d;
            ss_diag_clear(&d);
            total++;
            enum ss_err e = ss_json_parse_file(path, NULL, &doc, &d);
            if (e == SS_OK)
                e = compile_mcsb(ss_json_root(set), ss_json_root(doc), &p, &d);
            const struct ss_str *types;
            size_t ntypes;
            if (e == SS_OK)
                ok++;
            if (e == SS_OK && ss_policy_types(p, &types, &ntypes))
                typed++;
            else
                ss_test_fail(t_, __FILE__, __LINE__, "%s: %s %s", path, d.pointer, d.msg);
            ss_policy_free(p);
            ss_json_doc_free(doc);
        }
        if (dd)
            closedir(dd);
    }
    closedir(top);
    CHECK_EQ_INT(total, 223);
    CHECK_EQ_INT(ok, 223);
    CHECK_EQ_INT(typed, 223); /* rules a scan can index by resource type */
    if (getenv("SS_TEST_VERBOSE"))
        printf("policy: %d of %d definitions constrain the resource type\n", typed, total);
    ss_json_doc_free(set);
}

TEST(policy_behaviour_vectors)
{
    struct ss_json_doc *doc = parse_shared("behaviour_vectors.json");
    REQUIRE(doc);
    struct ss_json root = ss_json_root(doc);
    struct ss_json res = ss_json_get(root, "resource", 8);
    struct ss_json cases = ss_json_get(root, "cases", 5);
    struct ss_policy_eval *ev = ss_policy_eval_new();
    struct ss_json_iter it;
    struct ss_json c;
    int n = 0;
    ss_json_iter_init(&it, cases);
    while (ss_json_iter_next(&it, NULL, &c)) {
        struct ss_buf b = SS_BUF_INIT;
        struct ss_jw w;
        ss_jw_init(&w, &b, 0);
        ss_jw_obj_begin(&w);
        ss_jw_keyz(&w, "if");
        ss_jw_value(&w, ss_json_get(c, "condition", 9));
        ss_jw_keyz(&w, "then");
        ss_jw_raw(&w, "{\"effect\":\"audit\"}", 18);
        ss_jw_obj_end(&w);
        struct ss_json_doc *def = parse_text(b.ptr);
        struct ss_policy *p = NULL;
        struct ss_diag d;
        ss_diag_clear(&d);
        bool got = false, want = ss_json_bool(ss_json_get(c, "expected", 8));
        struct ss_str name = ss_json_str(ss_json_get(c, "name", 4));
        enum ss_err e = ss_policy_compile(ss_json_root(def), NULL, &p, &d);
        if (e == SS_OK)
            e = ss__policy_eval_if(ev, p, res, &got, &d);
        if (e != SS_OK || got != want)
            ss_test_fail(t_, __FILE__, __LINE__, "vector '%.*s': %s got %d want %d %s",
                         (int)name.len, name.ptr, ss_err_name(e), got, want, d.msg);
        n++;
        ss_policy_free(p);
        ss_json_doc_free(def);
        ss_buf_release(&b);
    }
    CHECK_EQ_INT(n, 32);
    ss_policy_eval_free(ev);
    ss_json_doc_free(doc);
}

/*
 * Real resources (sample-resources/, MIT) against the MCSB definitions that
 * apply to them, with the initiative's default parameters. Every row's
 * outcome was derived by reading the definition against the resource JSON.
 */
static const struct sample_case {
    const char *def;      /* under policyDefinitions/ */
    const char *resource; /* under sample-resources/ */
    const char *name;     /* resource name within the file */
    enum ss_policy_outcome want;
    const char *why; /* the reason, from the definition and the resource */
} sample_cases[] = {
    {"Storage/Storage_AuditForHTTPSEnabled_Audit.json",
     "storage_StorageAccountGetProperties_2023-05-01.json", "sto8596", SS_POLICY_UNHEALTHY,
     "supportsHttpsTrafficOnly is false"},
    {"Storage/ASC_Storage_DisallowPublicBlobAccess_Audit.json",
     "storage_StorageAccountGetProperties_2023-05-01.json", "sto8596", SS_POLICY_UNHEALTHY,
     "allowBlobPublicAccess is absent, so not(equals false) holds"},
    {"Storage/StorageAccountAllowSharedKeyAccess_Audit.json",
     "storage_StorageAccountGetProperties_2023-05-01.json", "sto8596", SS_POLICY_UNHEALTHY,
     "allowSharedKeyAccess is absent (exists false)"},
    {"Storage/StorageAccountOnlyVnetRulesEnabled_Audit.json",
     "storage_StorageAccountGetProperties_2023-05-01.json", "sto8596", SS_POLICY_UNHEALTHY,
     "networkAcls.defaultAction is Allow"},
    {"Storage/Classic_AuditForClassicStorages_Audit.json",
     "storage_StorageAccountGetProperties_2023-05-01.json", "sto8596", SS_POLICY_HEALTHY,
     "type is Microsoft.Storage/storageAccounts, not ClassicStorage: applicable via anyOf, "
     "the classic branch fails"},
    {"Storage/StorageAccountPrivateEndpointEnabled_Audit.json",
     "storage_StorageAccountGetProperties_2023-05-01.json", "sto8596", SS_POLICY_UNHEALTHY,
     "AINE: no privateEndpointConnections child in the inventory"},
    {"SQL/SqlServer_PublicNetworkAccess_Audit.json", "sql_ServerGet_2021-11-01.json",
     "sqlcrudtest-4645", SS_POLICY_UNHEALTHY, "publicNetworkAccess is Enabled"},
    {"SQL/SqlServer_MiniumTLSVersion_Audit.json", "sql_ServerGet_2021-11-01.json",
     "sqlcrudtest-4645", SS_POLICY_UNHEALTHY, "minimalTlsVersion is absent"},
    {"SQL/SqlServer_PrivateEndpoint_Audit.json", "sql_ServerGet_2021-11-01.json",
     "sqlcrudtest-4645", SS_POLICY_HEALTHY,
     "count of approved privateEndpointConnections[*] is 1 (R3 alias through count/where)"},
    {"SQL/SqlServer_ADOnlyEnabled_Audit.json", "sql_ServerGet_2021-11-01.json", "sqlcrudtest-4645",
     SS_POLICY_UNHEALTHY, "administrators.azureADOnlyAuthentication is absent"},
    {"SQL/SqlServerAuditing_Audit.json", "sql_ServerGet_2021-11-01.json", "sqlcrudtest-4645",
     SS_POLICY_UNHEALTHY, "AINE: no auditingSettings child in the inventory"},
    {"Cosmos DB/Cosmos_DisableLocalAuth_AuditDeny.json",
     "cosmos_CosmosDBDatabaseAccountGet_2024-11-15.json", "ddb1", SS_POLICY_UNHEALTHY,
     "disableLocalAuth is absent"},
    {"Cosmos DB/Cosmos_PrivateNetworkAccess_AuditDeny.json",
     "cosmos_CosmosDBDatabaseAccountGet_2024-11-15.json", "ddb1", SS_POLICY_UNHEALTHY,
     "publicNetworkAccess is Enabled"},
    {"Cosmos DB/Cosmos_NetworkRulesExist_Audit.json",
     "cosmos_CosmosDBDatabaseAccountGet_2024-11-15.json", "ddb1", SS_POLICY_HEALTHY,
     "publicNetworkAccess check: isVirtualNetworkFilterEnabled false but the anyOf's "
     "publicNetworkAccess branch decides"},
    {"Cosmos DB/Cosmos_PrivateEndpoint_Audit.json",
     "cosmos_CosmosDBDatabaseAccountGet_2024-11-15.json", "ddb1", SS_POLICY_HEALTHY,
     "one approved private endpoint connection"},
    {"Container Registry/ACR_NetworkRulesExist_AuditDeny.json", "acr_RegistryGet_2023-07-01.json",
     "myRegistry", SS_POLICY_UNHEALTHY, "networkRuleSet.defaultAction is Allow"},
    {"Container Registry/ACR_PrivateEndpointEnabled_Audit.json", "acr_RegistryGet_2023-07-01.json",
     "myRegistry", SS_POLICY_UNHEALTHY, "no approved private endpoint connection"},
    {"Key Vault/SoftDeleteMustBeEnabled_Audit.json", "keyvault_getVault_2023-07-01.json",
     "sample-vault", SS_POLICY_UNHEALTHY, "enableSoftDelete is absent"},
    {"Key Vault/SoftDeleteMustBeEnabled_Audit.json", "psrule_Resources.KeyVault_A_B.json",
     "keyvault-A", SS_POLICY_HEALTHY, "PowerShell shape: Properties.enableSoftDelete true"},
    {"Key Vault/SoftDeleteMustBeEnabled_Audit.json", "psrule_Resources.KeyVault_A_B.json",
     "keyvault-B", SS_POLICY_UNHEALTHY, "enableSoftDelete false"},
    {"Key Vault/Recoverable_Audit.json", "psrule_Resources.KeyVault_A_B.json", "keyvault-A",
     SS_POLICY_HEALTHY, "soft delete and purge protection enabled"},
    {"Key Vault/AuditDiagnosticLog_Audit.json", "psrule_Resources.KeyVault_A_B.json", "keyvault-A",
     SS_POLICY_HEALTHY,
     "AINE: nested diagnosticSettings child with logs enabled (count/where, current, padLeft)"},
    {"Key Vault/AuditDiagnosticLog_Audit.json", "psrule_Resources.KeyVault_A_B.json", "keyvault-B",
     SS_POLICY_UNHEALTHY, "AINE: keyvault-B has no diagnostic settings"},
    {"Key Vault/Should_Use_RBAC.json", "keyvault_getVault_2023-07-01.json", "sample-vault",
     SS_POLICY_UNHEALTHY, "enableRbacAuthorization is absent"},
    {"Network/NetworkWatcher_Enabled_Audit.json", "vnet_VirtualNetworkGet_2023-09-01.json",
     "test-vnet", SS_POLICY_UNHEALTHY, "AINE: no network watcher in NetworkWatcherRG"},
    {"Storage/Storage_AuditForHTTPSEnabled_Audit.json", "sql_ServerGet_2021-11-01.json",
     "sqlcrudtest-4645", SS_POLICY_NOT_APPLICABLE, "type is not a storage account"},
};

static struct ss_json find_named(struct ss_json root, const char *name)
{
    if (ss_json_kind(root) == SS_JSON_OBJECT)
        return root;
    struct ss_json_iter it;
    struct ss_json v;
    ss_json_iter_init(&it, root);
    while (ss_json_iter_next(&it, NULL, &v))
        if (ss_json_str_eq(ss_json_get_nocase(v, "name", 4), name))
            return v;
    struct ss_json none = {0};
    return none;
}

static void run_samples(struct ss_test *t_, const struct ss_policy_aliases *al)
{
    struct ss_json_doc *set = parse_shared("policySetDefinitions/AzureSecurityCenter.json");
    REQUIRE(set);
    struct ss_policy_eval *ev = ss_policy_eval_new();
    for (size_t i = 0; i < SS_ARRAY_LEN(sample_cases); i++) {
        const struct sample_case *c = &sample_cases[i];
        char rel[512];
        snprintf(rel, sizeof(rel), "policyDefinitions/%s", c->def);
        struct ss_json_doc *def = parse_shared(rel);
        snprintf(rel, sizeof(rel), "sample-resources/%s", c->resource);
        struct ss_json_doc *rdoc = parse_shared(rel);
        struct ss_policy *p = NULL;
        struct ss_diag d;
        ss_diag_clear(&d);
        if (!def || !rdoc || compile_mcsb_with(ss_json_root(set), ss_json_root(def), al, &p, &d)) {
            ss_test_fail(t_, __FILE__, __LINE__, "%s: cannot load: %s", c->def, d.msg);
        } else {
            struct ss_policy_inventory *inv = ss_policy_inventory_new();
            struct ss_json res = find_named(ss_json_root(rdoc), c->name);
            ss_policy_inventory_add(inv, res);
            struct ss_policy_result r;
            enum ss_err e = ss_policy_evaluate(ev, p, res, inv, &r, &d);
            const struct ss_str *types;
            size_t ntypes;
            bool listed = !ss_policy_types(p, &types, &ntypes);
            struct ss_str rt = ss_json_str(ss_json_get_nocase(res, "type", 4));
            for (size_t k = 0; k < ntypes; k++)
                listed |= types[k].len == rt.len && ss_mem_eq_nocase(types[k].ptr, rt.ptr, rt.len);
            if (e == SS_OK && r.outcome != SS_POLICY_NOT_APPLICABLE && !listed)
                ss_test_fail(t_, __FILE__, __LINE__, "%s: type not in ss_policy_types", c->def);
            if (e != SS_OK || r.outcome != c->want)
                ss_test_fail(t_, __FILE__, __LINE__, "%s on %s%s: got %s (%s) want %s: %s", c->def,
                             c->name, al ? " (alias table)" : "", ss_policy_outcome_name(r.outcome),
                             r.why, ss_policy_outcome_name(c->want), c->why);
            ss_policy_inventory_free(inv);
        }
        ss_policy_free(p);
        ss_json_doc_free(def);
        ss_json_doc_free(rdoc);
    }
    ss_policy_eval_free(ev);
    ss_json_doc_free(set);
}

TEST(policy_sample_resources)
{
    run_samples(t_, NULL);
}

/* The same outcomes with the full Get-AzPolicyAlias table (gzip) as with the built-in rule. */
TEST(policy_sample_resources_alias_table)
{
    char path[1024];
    struct ss_policy_aliases *al = NULL;
    snprintf(path, sizeof(path), "%s/data/azure-policy/aliases.csv.gz", ss_test_shared());
    REQUIRE(ss_policy_aliases_load(path, &al, NULL) == SS_OK);
    CHECK(ss_policy_aliases_count(al) > 60000);
    run_samples(t_, al);
    ss_policy_aliases_free(al);
}

/* Compiles `def`, evaluates it on `res`; returns the outcome or -1 on error. */
static int outcome_of(const char *def, const char *res, const char *inventory)
{
    struct ss_json_doc *dd = parse_text(def), *rd = parse_text(res);
    struct ss_json_doc *id = inventory ? parse_text(inventory) : NULL;
    struct ss_policy *p = NULL;
    int out = -1;
    if (dd && rd && ss_policy_compile(ss_json_root(dd), NULL, &p, NULL) == SS_OK) {
        struct ss_policy_eval *ev = ss_policy_eval_new();
        struct ss_policy_inventory *inv = ss_policy_inventory_new();
        struct ss_json_iter it;
        struct ss_json v;
        ss_json_iter_init(&it, id ? ss_json_root(id) : (struct ss_json){0});
        while (id && ss_json_iter_next(&it, NULL, &v))
            ss_policy_inventory_add(inv, v);
        struct ss_policy_result r;
        if (ss_policy_evaluate(ev, p, ss_json_root(rd), inv, &r, NULL) == SS_OK)
            out = (int)r.outcome;
        ss_policy_inventory_free(inv);
        ss_policy_eval_free(ev);
    }
    ss_policy_free(p);
    ss_json_doc_free(dd);
    ss_json_doc_free(rd);
    ss_json_doc_free(id);
    return out;
}

/* Template functions: each expression must equal the expected value. */
TEST(policy_template_functions)
{
    static const struct {
        const char *expr, *want;
    } cases[] = {
        {"[concat('a', 'b', 1)]", "\"ab1\""},
        {"[toLower('AbC')]", "\"abc\""},
        {"[toUpper('abc')]", "\"ABC\""},
        {"[if(equals(1, 1), 'y', 'n')]", "\"y\""},
        {"[and(true(), not(false()))]", "true"},
        {"[or(false(), false())]", "false"},
        {"[empty('')]", "true"},
        {"[length(createArray(1, 2, 3))]", "3"},
        {"[split('a/b/c', '/')[1]]", "\"b\""},
        {"[first(split('a.b', '.'))]", "\"a\""},
        {"[last('xyz')]", "\"z\""},
        {"[substring('hello', 1, 3)]", "\"ell\""},
        {"[replace('a-b-c', '-', '+')]", "\"a+b+c\""},
        {"[padLeft(7, 3, '0')]", "\"007\""},
        {"[string(12)]", "\"12\""},
        {"[int('42')]", "42"},
        {"[bool('true')]", "true"},
        {"[less(1, 2)]", "true"},
        {"[greater('b', 'A')]", "true"},
        {"[length(union(createArray(1, 2), createArray(2, 3)))]", "3"},
        {"[intersection(createArray('a', 'b'), createArray('B', 'c'))[0]]", "\"b\""},
        {"[ipRangeContains('10.0.0.0/8', '10.1.2.3')]", "true"},
        {"[ipRangeContains('10.0.0.0/24', '10.0.1.0/28')]", "false"},
        {"[startsWith('Microsoft.Web', 'microsoft')]", "true"},
        {"[endsWith('abc', 'BC')]", "true"},
        {"[indexOf('abcabc', 'c')]", "2"},
        {"[createObject('k', 'v').k]", "\"v\""},
        {"[base64('hello')]", "\"aGVsbG8=\""},
        {"[coalesce(null(), 'x')]", "\"x\""},
        {"[tryGet(createObject('a', 1), 'a')]", "1"},
        {"[add(2, mul(3, 4))]", "14"},
        {"[resourceGroup().name]", "\"rg\""},
        {"[subscription().subscriptionId]", "\"s\""},
        {"[requestContext().apiVersion]", "\"9999-12-31\""},
        {"[contains('Hello', 'ell')]", "true"},
        {"[field('name')]", "\"r1\""},
        {"[field('fullName')]", "\"r1\""},
        {"[field('Microsoft.Test/t/arr[*].v')[1]]", "2"},
        {"[addDays('2024-01-30T00:00:00Z', 2)]", "\"2024-02-01T00:00:00Z\""},
        {"[max(1, 5, 3)]", "5"},
        {"[[literal]", "\"[[literal]\""},
    };
    const char *res =
        "{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Test/t/r1\","
        "\"name\":\"r1\",\"type\":\"Microsoft.Test/t\","
        "\"properties\":{\"arr\":[{\"v\":1},{\"v\":2}]}}";
    for (size_t i = 0; i < SS_ARRAY_LEN(cases); i++) {
        char def[1024];
        struct ss_buf b = SS_BUF_INIT;
        struct ss_jw w;
        ss_jw_init(&w, &b, 0);
        ss_jw_strz(&w, cases[i].expr);
        snprintf(def, sizeof(def),
                 "{\"if\":{\"value\":%s,\"equals\":%s},\"then\":{\"effect\":\"audit\"}}", b.ptr,
                 cases[i].want);
        int got = outcome_of(def, res, NULL);
        if (got != SS_POLICY_UNHEALTHY)
            ss_test_fail(t_, __FILE__, __LINE__, "%s: want %s, outcome %d", cases[i].expr,
                         cases[i].want, got);
        ss_buf_release(&b);
    }
}

TEST(policy_effects_and_applicability)
{
    const char *res = "{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/"
                      "storageAccounts/a\",\"name\":\"a\",\"type\":\"Microsoft.Storage/"
                      "storageAccounts\",\"properties\":{\"supportsHttpsTrafficOnly\":true}}";
    const char *rule = "{\"properties\":{\"mode\":\"Indexed\",\"parameters\":{\"effect\":{"
                       "\"type\":\"String\",\"defaultValue\":\"%s\"}},\"policyRule\":{\"if\":{"
                       "\"allOf\":[{\"field\":\"type\",\"equals\":\"%s\"},{\"field\":"
                       "\"Microsoft.Storage/storageAccounts/supportsHttpsTrafficOnly\","
                       "\"notEquals\":%s}]},\"then\":{\"effect\":\"[parameters('effect')]\"}}}}";
    char def[1024];
    snprintf(def, sizeof(def), rule, "Audit", "Microsoft.Storage/storageAccounts", "true");
    CHECK_EQ_INT(outcome_of(def, res, NULL), SS_POLICY_HEALTHY);
    snprintf(def, sizeof(def), rule, "DENY", "Microsoft.Storage/storageAccounts", "false");
    CHECK_EQ_INT(outcome_of(def, res, NULL), SS_POLICY_UNHEALTHY);
    snprintf(def, sizeof(def), rule, "audit", "Microsoft.Sql/servers", "false");
    CHECK_EQ_INT(outcome_of(def, res, NULL), SS_POLICY_NOT_APPLICABLE);
    snprintf(def, sizeof(def), rule, "Disabled", "Microsoft.Storage/storageAccounts", "false");
    CHECK_EQ_INT(outcome_of(def, res, NULL), SS_POLICY_NOT_APPLICABLE);
    snprintf(def, sizeof(def), rule, "Modify", "Microsoft.Storage/storageAccounts", "false");
    CHECK_EQ_INT(outcome_of(def, res, NULL), SS_POLICY_UNHEALTHY);
    /* data-plane modes compile and do not apply to ARM resources */
    const char *k8s = "{\"properties\":{\"mode\":\"Microsoft.Kubernetes.Data\",\"policyRule\":{"
                      "\"if\":{\"field\":\"type\",\"like\":\"*\"},\"then\":{\"effect\":"
                      "\"audit\"}}}}";
    CHECK_EQ_INT(outcome_of(k8s, res, NULL), SS_POLICY_NOT_APPLICABLE);
    /* fullName joins the parents' names; name is the last one */
    const char *db = "{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/"
                     "srv/databases/db1\",\"name\":\"db1\",\"type\":\"Microsoft.Sql/servers/"
                     "databases\"}";
    const char *full = "{\"if\":{\"allOf\":[{\"field\":\"fullName\",\"equals\":\"srv/db1\"},"
                       "{\"field\":\"name\",\"equals\":\"db1\"}]},\"then\":{\"effect\":"
                       "\"audit\"}}";
    CHECK_EQ_INT(outcome_of(full, db, NULL), SS_POLICY_UNHEALTHY);
}

TEST(policy_related_resources)
{
    const char *vault = "{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/"
                        "Microsoft.KeyVault/vaults/kv\",\"name\":\"kv\",\"type\":"
                        "\"Microsoft.KeyVault/vaults\",\"properties\":{}}";
    const char *diag_ok = "[{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/"
                          "Microsoft.KeyVault/vaults/kv/providers/microsoft.insights/"
                          "diagnosticSettings/d\",\"name\":\"d\",\"type\":"
                          "\"Microsoft.Insights/diagnosticSettings\",\"properties\":{\"logs\":["
                          "{\"enabled\":true}]}}]";
    const char *diag_other = "[{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/"
                             "Microsoft.KeyVault/vaults/other/providers/microsoft.insights/"
                             "diagnosticSettings/d\",\"name\":\"d\",\"type\":"
                             "\"Microsoft.Insights/diagnosticSettings\",\"properties\":{\"logs\":"
                             "[{\"enabled\":true}]}}]";
    const char *aine = "{\"if\":{\"field\":\"type\",\"equals\":\"Microsoft.KeyVault/vaults\"},"
                       "\"then\":{\"effect\":\"AuditIfNotExists\",\"details\":{\"type\":"
                       "\"Microsoft.Insights/diagnosticSettings\",\"existenceCondition\":{"
                       "\"field\":\"Microsoft.Insights/diagnosticSettings/logs.enabled\","
                       "\"equals\":\"true\"}}}}";
    CHECK_EQ_INT(outcome_of(aine, vault, diag_ok), SS_POLICY_HEALTHY);
    CHECK_EQ_INT(outcome_of(aine, vault, diag_other), SS_POLICY_UNHEALTHY);
    CHECK_EQ_INT(outcome_of(aine, vault, NULL), SS_POLICY_UNHEALTHY);
    /* an extension type seen under another resource is not looked for in the resource group */
    const char *ext = "{\"if\":{\"field\":\"type\",\"equals\":\"Microsoft.KeyVault/vaults\"},"
                      "\"then\":{\"effect\":\"auditIfNotExists\",\"details\":{\"type\":"
                      "\"Microsoft.X/extensions\"}}}";
    const char *other_ext = "[{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/"
                            "Microsoft.KeyVault/vaults/other/providers/Microsoft.X/extensions/e\","
                            "\"name\":\"e\",\"type\":\"Microsoft.X/extensions\"}]";
    const char *own_ext = "[{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/"
                          "Microsoft.KeyVault/vaults/kv/providers/Microsoft.X/extensions/e\","
                          "\"name\":\"e\",\"type\":\"Microsoft.X/extensions\"}]";
    const char *rg_level = "[{\"id\":\"/subscriptions/s/resourceGroups/rg/providers/"
                           "Microsoft.X/extensions/e\",\"name\":\"e\",\"type\":"
                           "\"Microsoft.X/extensions\"}]";
    CHECK_EQ_INT(outcome_of(ext, vault, other_ext), SS_POLICY_UNHEALTHY);
    CHECK_EQ_INT(outcome_of(ext, vault, own_ext), SS_POLICY_HEALTHY);
    CHECK_EQ_INT(outcome_of(ext, vault, rg_level), SS_POLICY_HEALTHY);
    /* subscription-scoped singleton by name */
    const char *sub = "{\"id\":\"/subscriptions/s\",\"name\":\"s\",\"type\":"
                      "\"Microsoft.Resources/subscriptions\"}";
    const char *pricing = "[{\"id\":\"/subscriptions/s/providers/Microsoft.Security/pricings/"
                          "VirtualMachines\",\"name\":\"VirtualMachines\",\"type\":"
                          "\"Microsoft.Security/pricings\",\"properties\":{\"pricingTier\":"
                          "\"Standard\"}}]";
    const char *aine2 = "{\"if\":{\"field\":\"type\",\"equals\":"
                        "\"Microsoft.Resources/subscriptions\"},\"then\":{\"effect\":"
                        "\"auditIfNotExists\",\"details\":{\"type\":\"Microsoft.Security/"
                        "pricings\",\"name\":\"%s\",\"existenceScope\":\"subscription\","
                        "\"existenceCondition\":{\"field\":\"Microsoft.Security/pricings/"
                        "pricingTier\",\"equals\":\"Standard\"}}}}";
    char def[1024];
    snprintf(def, sizeof(def), aine2, "VirtualMachines");
    CHECK_EQ_INT(outcome_of(def, sub, pricing), SS_POLICY_HEALTHY);
    snprintf(def, sizeof(def), aine2, "SqlServers");
    CHECK_EQ_INT(outcome_of(def, sub, pricing), SS_POLICY_UNHEALTHY);
}

/* Malformed definitions: the error and the JSON pointer of the fault. */
TEST(policy_compile_errors)
{
    static const struct {
        const char *def;
        enum ss_err code;
        const char *pointer;
    } cases[] = {
        {"{\"if\":{\"field\":\"name\",\"frobs\":1},\"then\":{\"effect\":\"audit\"}}",
         SS_EUNSUPPORTED, "/if/frobs"},
        {"{\"if\":{\"allOf\":[{\"field\":\"name\",\"equals\":\"[concat('a']\"}]},"
         "\"then\":{\"effect\":\"audit\"}}",
         SS_EINPUT, "/if/allOf/0/equals"},
        {"{\"if\":{\"value\":\"[nosuch(1)]\",\"equals\":1},\"then\":{\"effect\":\"audit\"}}",
         SS_EUNSUPPORTED, "/if/value"},
        {"{\"if\":{\"field\":\"name\",\"equals\":1},\"then\":{\"effect\":\"explode\"}}",
         SS_EUNSUPPORTED, "/then/effect"},
        {"{\"if\":{\"field\":\"name\"},\"then\":{\"effect\":\"audit\"}}", SS_EINPUT, "/if"},
        {"{\"properties\":{\"parameters\":{\"n\":{\"type\":\"Integer\",\"defaultValue\":\"x\"}},"
         "\"policyRule\":{\"if\":{\"field\":\"name\",\"equals\":1},\"then\":{\"effect\":"
         "\"audit\"}}}}",
         SS_EINPUT, "/properties/parameters/n"},
        {"{\"if\":{\"value\":\"[parameters('nope')]\",\"equals\":1},\"then\":{\"effect\":"
         "\"audit\"}}",
         SS_EINPUT, "/if/value"},
        {"{\"if\":{\"count\":{\"field\":\"a/b/c[*]\",\"where\":{\"count\":{\"field\":"
         "\"a/b/c[*]\",\"where\":{\"count\":{\"field\":\"a/b/c[*]\",\"where\":{\"count\":{"
         "\"field\":\"a/b/c[*]\",\"where\":{\"count\":{\"field\":\"a/b/c[*]\",\"where\":{"
         "\"count\":{\"field\":\"a/b/c[*]\"},\"equals\":0}},\"equals\":0}},\"equals\":0}},"
         "\"equals\":0}},\"equals\":0}},\"equals\":0},\"then\":{\"effect\":\"audit\"}}",
         SS_EDEPTH, "/if/count/where/count/where/count/where/count/where/count/where/count"},
        {"{\"if\":{\"anyOf\":{}},\"then\":{\"effect\":\"audit\"}}", SS_EINPUT, "/if/anyOf"},
        {"{\"if\":{\"count\":{\"field\":\"a/b/c\"},\"equals\":1},\"then\":{\"effect\":"
         "\"audit\"}}",
         SS_EINPUT, "/if/count/field"},
        {"{\"if\":{\"field\":\"name\",\"equals\":1},\"then\":{\"effect\":\"auditIfNotExists\"}}",
         SS_EINPUT, "/then/details/type"},
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(cases); i++) {
        struct ss_json_doc *doc = parse_text(cases[i].def);
        struct ss_policy *p = NULL;
        struct ss_diag d;
        ss_diag_clear(&d);
        REQUIRE(doc);
        enum ss_err e = ss_policy_compile(ss_json_root(doc), NULL, &p, &d);
        if (e != cases[i].code || strcmp(d.pointer, cases[i].pointer) != 0)
            ss_test_fail(t_, __FILE__, __LINE__, "case %zu: got %s at '%s' (%s), want %s at '%s'",
                         i, ss_err_name(e), d.pointer, d.msg, ss_err_name(cases[i].code),
                         cases[i].pointer);
        CHECK(p == NULL);
        ss_json_doc_free(doc);
    }
}

TEST(policy_param_assignment_types)
{
    const char *def = "{\"properties\":{\"parameters\":{\"tiers\":{\"type\":\"Array\","
                      "\"defaultValue\":[\"a\"]}},\"policyRule\":{\"if\":{\"field\":\"name\","
                      "\"in\":\"[parameters('tiers')]\"},\"then\":{\"effect\":\"audit\"}}}}";
    struct ss_json_doc *dd = parse_text(def);
    struct ss_json_doc *good = parse_text("{\"tiers\":{\"value\":[\"x\",\"y\"]}}");
    struct ss_json_doc *bad = parse_text("{\"tiers\":{\"value\":\"x\"}}");
    struct ss_json_doc *unknown = parse_text("{\"other\":{\"value\":1}}");
    struct ss_policy *p = NULL;
    struct ss_diag d;
    struct ss_policy_opts o = {.params = ss_json_root(good)};
    CHECK_ERR(ss_policy_compile(ss_json_root(dd), &o, &p, NULL), SS_OK);
    ss_policy_free(p);
    p = NULL;
    ss_diag_clear(&d);
    o.params = ss_json_root(bad);
    CHECK_ERR(ss_policy_compile(ss_json_root(dd), &o, &p, &d), SS_EINPUT);
    CHECK_STREQ(d.pointer, "/properties/parameters/tiers");
    o.params = ss_json_root(unknown);
    CHECK_ERR(ss_policy_compile(ss_json_root(dd), &o, &p, NULL), SS_EINPUT);
    o.lenient_params = true;
    CHECK_ERR(ss_policy_compile(ss_json_root(dd), &o, &p, NULL), SS_OK);
    ss_policy_free(p);
    ss_json_doc_free(dd);
    ss_json_doc_free(good);
    ss_json_doc_free(bad);
    ss_json_doc_free(unknown);
}

TEST(policy_step_budget)
{
    const char *def = "{\"if\":{\"count\":{\"field\":\"Microsoft.T/t/a[*]\",\"where\":{\"field\":"
                      "\"Microsoft.T/t/a[*]\",\"equals\":1}},\"equals\":0},\"then\":{\"effect\":"
                      "\"audit\"}}";
    const char *res = "{\"type\":\"Microsoft.T/t\",\"properties\":{\"a\":[1,2,3,4,5,6,7,8,9]}}";
    struct ss_json_doc *dd = parse_text(def), *rd = parse_text(res);
    struct ss_policy *p = NULL;
    struct ss_policy_opts o = {.max_steps = 5};
    REQUIRE(ss_policy_compile(ss_json_root(dd), &o, &p, NULL) == SS_OK);
    struct ss_policy_eval *ev = ss_policy_eval_new();
    struct ss_policy_result r;
    CHECK_ERR(ss_policy_evaluate(ev, p, ss_json_root(rd), NULL, &r, NULL), SS_EBUDGET);
    ss_policy_eval_free(ev);
    ss_policy_free(p);
    ss_json_doc_free(dd);
    ss_json_doc_free(rd);
}

TEST(policy_alias_table)
{
    char path[] = "/tmp/ss-aliases-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    const char *text = "alias,path\nMicrosoft.T/t/renamed,properties.deep.real\n"
                       "Microsoft.T/t/list[*],properties.list[*]\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    struct ss_policy_aliases *al = NULL;
    CHECK_ERR(ss_policy_aliases_load(path, &al, NULL), SS_OK);
    unlink(path);
    REQUIRE(al);
    CHECK_EQ_INT(ss_policy_aliases_count(al), 2);
    const char *def = "{\"if\":{\"field\":\"Microsoft.T/t/renamed\",\"equals\":\"yes\"},"
                      "\"then\":{\"effect\":\"audit\"}}";
    const char *res = "{\"type\":\"Microsoft.T/t\",\"properties\":{\"deep\":{\"real\":\"yes\"}}}";
    struct ss_json_doc *dd = parse_text(def), *rd = parse_text(res);
    struct ss_policy *p = NULL;
    struct ss_policy_opts o = {.aliases = al};
    REQUIRE(ss_policy_compile(ss_json_root(dd), &o, &p, NULL) == SS_OK);
    struct ss_policy_eval *ev = ss_policy_eval_new();
    struct ss_policy_result r;
    CHECK_ERR(ss_policy_evaluate(ev, p, ss_json_root(rd), NULL, &r, NULL), SS_OK);
    CHECK_EQ_INT(r.outcome, SS_POLICY_UNHEALTHY);
    ss_policy_free(p);
    ss_json_doc_free(dd);
    ss_json_doc_free(rd);
    /* a counted alias from the table binds an inner alias resolved by the rule */
    def = "{\"if\":{\"count\":{\"field\":\"Microsoft.T/t/list[*]\",\"where\":{\"field\":"
          "\"Microsoft.T/t/list[*].v\",\"equals\":1}},\"equals\":2},\"then\":{\"effect\":"
          "\"audit\"}}";
    res = "{\"type\":\"Microsoft.T/t\",\"properties\":{\"list\":[{\"v\":1},{\"v\":2},{\"v\":1}]}}";
    dd = parse_text(def);
    rd = parse_text(res);
    p = NULL;
    REQUIRE(ss_policy_compile(ss_json_root(dd), &o, &p, NULL) == SS_OK);
    CHECK_ERR(ss_policy_evaluate(ev, p, ss_json_root(rd), NULL, &r, NULL), SS_OK);
    CHECK_EQ_INT(r.outcome, SS_POLICY_UNHEALTHY);
    ss_policy_eval_free(ev);
    ss_policy_free(p);
    ss_json_doc_free(dd);
    ss_json_doc_free(rd);
    ss_policy_aliases_free(al);
    CHECK_ERR(ss_policy_aliases_load("/nonexistent/aliases.csv", &al, NULL), SS_EOPEN);
}

TEST(policy_alias_rules)
{
    /* R2 (top level), R3/R4 (properties inside array members and nested properties) */
    const char *res = "{\"type\":\"Microsoft.T/t\",\"sku\":{\"name\":\"Basic\"},\"properties\":{"
                      "\"pecs\":[{\"properties\":{\"state\":{\"status\":\"Approved\"}}}],"
                      "\"properties\":{\"inner\":5}}}";
    static const char *const conds[] = {
        "{\"field\":\"Microsoft.T/t/sku.name\",\"equals\":\"basic\"}",
        "{\"field\":\"Microsoft.T/t/pecs[*].state.status\",\"equals\":\"Approved\"}",
        "{\"field\":\"Microsoft.T/t/inner\",\"equals\":\"5\"}",
        "{\"field\":\"Microsoft.Compute/imagePublisher\",\"exists\":false}",
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(conds); i++) {
        char def[512];
        snprintf(def, sizeof(def), "{\"if\":%s,\"then\":{\"effect\":\"audit\"}}", conds[i]);
        if (outcome_of(def, res, NULL) != SS_POLICY_UNHEALTHY)
            ss_test_fail(t_, __FILE__, __LINE__, "alias rule %zu: %s", i, conds[i]);
    }
    /* one-slash image aliases: the VM path, else the scale set's */
    const char *image = "{\"if\":{\"field\":\"Microsoft.Compute/imagePublisher\",\"equals\":"
                        "\"Canonical\"},\"then\":{\"effect\":\"audit\"}}";
    const char *vm = "{\"properties\":{\"storageProfile\":{\"imageReference\":{\"publisher\":"
                     "\"Canonical\"}}}}";
    const char *vmss = "{\"properties\":{\"virtualMachineProfile\":{\"storageProfile\":{"
                       "\"imageReference\":{\"publisher\":\"Canonical\"}}}}}";
    CHECK_EQ_INT(outcome_of(image, vm, NULL), SS_POLICY_UNHEALTHY);
    CHECK_EQ_INT(outcome_of(image, vmss, NULL), SS_POLICY_UNHEALTHY);
}

static struct ss_str S(const char *s) {
    struct ss_str r = {s, strlen(s)};
    return r;
}

TEST(policy_internal_ids_and_patterns)
{
    struct ss_str p = ss__id_parent(
        S("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a/databases/b"));
    CHECK_MEMEQ(p.ptr, p.len,
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a");
    p = ss__id_parent(S("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a"));
    CHECK_MEMEQ(p.ptr, p.len, "/subscriptions/s/resourceGroups/rg");
    p = ss__id_parent(S("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v/"
                        "providers/Microsoft.Insights/diagnosticSettings/d"));
    CHECK_MEMEQ(p.ptr, p.len,
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v");
    p = ss__id_parent(S("/subscriptions/s/providers/Microsoft.Security/pricings/VirtualMachines"));
    CHECK_MEMEQ(p.ptr, p.len, "/subscriptions/s");
    p = ss__id_scope(S("/subscriptions/s/resourceGroups/rg/providers/X/y/z"), true);
    CHECK_MEMEQ(p.ptr, p.len, "/subscriptions/s/resourceGroups/rg");
    p = ss__id_scope(S("/subscriptions/s/resourceGroups/rg/providers/X/y/z"), false);
    CHECK_MEMEQ(p.ptr, p.len, "/subscriptions/s");
    p = ss__id_scope(S("/subscriptions/s/providers/X/y/z"), true);
    CHECK(p.len == 0);
    CHECK(ss__like(S("Microsoft.Web/sites"), S("microsoft.web/*")));
    CHECK(ss__like(S("abc"), S("a*c*")));
    CHECK(!ss__like(S("abc"), S("a*d")));
    CHECK(ss__match(S("ab12"), S("??##"), false));
    CHECK(!ss__match(S("AB12"), S("ab##"), false));
    CHECK(ss__match(S("AB12"), S("ab.#"), true));
}
