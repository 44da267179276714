/*
 * Unit tests for src/kql: the lexer (tokens and positions), the parser's
 * limits, value semantics, budgets, the result API and writers, and the
 * sample queries of ../shared/data/kql/arg_sample_queries.json run over a
 * small synthetic securityresources table. Every prefix of every sample is
 * also run, so a truncated query must fail cleanly, never crash.
 */
#include "common/setup.h"

#include <stdio.h>

#include "common/arena.h"
#include "common/limits.h"
#include "kql/internal.h"
#include "securescore/json.h"
#include "securescore/kql.h"
#include "test.h"

/* ---- helpers ---- */

static const char inventory[] =
    "[{\"id\":\"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/"
    "storageAccounts/a\",\"name\":\"a\",\"type\":\"microsoft.storage/storageaccounts\","
    "\"location\":\"eastus\",\"subscriptionId\":\"s1\",\"properties\":{\"n\":1,\"r\":0.5,"
    "\"l\":[1,2,3],\"s\":\"x\"},\"tags\":{\"k\":\"v\"},\"extra\":5},"
    "{\"id\":\"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/"
    "storageAccounts/b\",\"name\":\"b\",\"type\":\"microsoft.storage/storageaccounts\","
    "\"location\":\"westus\",\"subscriptionId\":\"s1\",\"properties\":{\"n\":2},\"extra\":6},"
    "{\"id\":\"/subscriptions/s2/x/c\",\"name\":\"c\",\"type\":\"microsoft.compute/"
    "virtualmachines\",\"location\":\"eastus\",\"subscriptionId\":\"s2\",\"properties\":{}}]";

struct fixture {
    struct ss_json_doc *doc;
    struct ss_kql_table table;
};

static void fixture_init(struct fixture *f, const char *json)
{
    if (ss_json_parse(json, strlen(json), NULL, &f->doc, NULL) != SS_OK)
        abort(); /* the fixtures are constants */
    f->table.name = "resources";
    f->table.rows = ss_json_root(f->doc);
    f->table.visible = NULL;
    f->table.visible_arg = NULL;
    f->table.arg_columns_only = false; /* the fixtures have extra columns */
}

/* Runs `q` over the fixture; returns the objectArray text (caller frees) or NULL with *err. */
/* The schema of ARG rows is taken as known with arg_columns_only: extra columns are not seen. */
TEST(kql_arg_columns_only)
{
    struct fixture f;
    fixture_init(&f, inventory);
    f.table.arg_columns_only = true;
    struct ss_kql_result *r = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    const char *q = "resources | project extra";
    CHECK_EQ_INT(ss_kql_run(q, strlen(q), &f.table, 1, NULL, &r, &d), SS_EQUERY);
    q = "resources | summarize n = count() by location | order by location asc";
    CHECK_EQ_INT(ss_kql_run(q, strlen(q), &f.table, 1, NULL, &r, &d), SS_OK);
    if (r) {
        CHECK_EQ_INT(ss_kql_result_rows(r), 2);
        CHECK_EQ_INT(ss_kql_result_columns(r), 2);
        ss_kql_result_free(r);
    }
    ss_json_doc_free(f.doc);
}

static char *run_opts(const char *json, const char *q, const struct ss_kql_opts *o,
                      enum ss_err *err, struct ss_diag *d)
{
    struct fixture f;
    fixture_init(&f, json);
    struct ss_kql_result *r = NULL;
    ss_diag_clear(d);
    *err = ss_kql_run(q, strlen(q), &f.table, 1, o, &r, d);
    char *text = NULL;
    if (*err == SS_OK) {
        struct ss_buf b = SS_BUF_INIT;
        struct ss_jw w;
        ss_jw_init(&w, &b, 0);
        ss_kql_write_objects(r, &w, 0, 0);
        text = ss_buf_detach(&b, NULL);
        ss_kql_result_free(r);
    }
    ss_json_doc_free(f.doc);
    return text;
}

static char *run(const char *q, enum ss_err *err, struct ss_diag *d)
{
    return run_opts(inventory, q, NULL, err, d);
}

#define CHECK_QUERY(q, want)                                                                       \
    do {                                                                                           \
        enum ss_err qe_;                                                                           \
        struct ss_diag qd_;                                                                        \
        char *got_ = run(q, &qe_, &qd_);                                                           \
        if (qe_ != SS_OK)                                                                          \
            ss_test_fail(t_, __FILE__, __LINE__, "%s: %s %s", q, ss_err_name(qe_), qd_.msg);       \
        else                                                                                       \
            CHECK_STREQ(got_, want);                                                               \
        free(got_);                                                                                \
    } while (0)

#define CHECK_QUERY_ERR(q, code, ln, cl, text)                                                     \
    do {                                                                                           \
        enum ss_err qe_;                                                                           \
        struct ss_diag qd_;                                                                        \
        char *got_ = run(q, &qe_, &qd_);                                                           \
        free(got_);                                                                                \
        CHECK_ERR(qe_, code);                                                                      \
        CHECK_EQ_INT(qd_.line, ln);                                                                \
        CHECK_EQ_INT(qd_.column, cl);                                                              \
        CHECK_STREQ(qd_.msg, text);                                                                \
    } while (0)

/* ---- lexer ---- */

static struct klexed lex(struct ss_arena *a, const char *q, enum ss_err *e)
{
    struct klexed lx = {0};
    struct ss_diag d;
    ss_diag_clear(&d);
    *e = ss__kql_lex(a, q, strlen(q), &lx, &d);
    return lx;
}

TEST(kql_lex_tokens_and_positions)
{
    struct ss_arena a;
    ss_arena_init(&a, 0);
    enum ss_err e;
    const char *q = "T // c\n|\tdistinct  @'a''b' 1d 2.5 100ms ['Col X'] !contains in~ "
                    "project-away x.y 'e\\n' datetime(2021-01-01) dynamic([1, \")\"])";
    struct klexed lx = lex(&a, q, &e);
    REQUIRE(e == SS_OK);
    REQUIRE(lx.n == 18);
    CHECK_EQ_INT(lx.toks[0].t, T_IDENT);
    CHECK_EQ_INT(lx.toks[1].t, T_PIPE);
    CHECK_EQ_INT(lx.toks[1].line, 2);
    CHECK_EQ_INT(lx.toks[1].col, 1);
    CHECK_EQ_INT(lx.toks[2].col, 3);
    CHECK_MEMEQ(lx.toks[3].str, lx.toks[3].slen, "a'b");
    CHECK_EQ_INT(lx.toks[4].t, T_SPAN);
    CHECK_EQ_INT(lx.toks[4].i, 864000000000LL);
    CHECK_EQ_INT(lx.toks[5].t, T_REAL);
    CHECK_EQ_INT(lx.toks[6].i, 1000000);
    CHECK(lx.toks[7].bracketed);
    CHECK_MEMEQ(lx.toks[7].str, lx.toks[7].slen, "Col X");
    CHECK_EQ_INT(lx.toks[8].t, T_BANGWORD);
    CHECK_MEMEQ(lx.toks[8].str, lx.toks[8].slen, "contains");
    CHECK_MEMEQ(lx.toks[9].str, lx.toks[9].slen, "in~");
    CHECK_MEMEQ(lx.toks[10].str, lx.toks[10].slen, "project-away");
    CHECK_EQ_INT(lx.toks[12].t, T_DOT);
    CHECK_MEMEQ(lx.toks[14].str, lx.toks[14].slen, "e\n");
    CHECK_EQ_INT(lx.toks[15].t, T_DATETIME);
    CHECK_EQ_INT(lx.toks[16].t, T_DYNAMIC);
    CHECK_MEMEQ(lx.toks[16].str, lx.toks[16].slen, "[1, \")\"]");
    CHECK_EQ_INT(lx.toks[17].t, T_EOF);
    ss_arena_release(&a);
}

TEST(kql_lex_index_or_bracketed_name)
{
    struct ss_arena a;
    ss_arena_init(&a, 0);
    enum ss_err e;
    struct klexed lx = lex(&a, "x['k'] project ['k']", &e);
    REQUIRE(e == SS_OK);
    CHECK_EQ_INT(lx.toks[1].t, T_LBRACK); /* an index right after its operand */
    CHECK_EQ_INT(lx.toks[5].t, T_IDENT);  /* a name after a blank */
    CHECK(lx.toks[5].bracketed);
    ss_arena_release(&a);
}

TEST(kql_lex_errors)
{
    CHECK_QUERY_ERR("resources | where name == 'x", SS_EQUERY, 1, 27,
                    "unterminated string literal");
    CHECK_QUERY_ERR("resources\n | where 'a\\q'", SS_EQUERY, 2, 12,
                    "unknown escape in a string literal");
    CHECK_QUERY_ERR("resources | where 5parsecs > 1", SS_EQUERY, 1, 20, "unknown timespan unit");
    CHECK_QUERY_ERR("resources | where 99999999999999999999 > 1", SS_EQUERY, 1, 19,
                    "integer literal out of range");
    CHECK_QUERY_ERR("resources | where datetime(2021-13-45) > now()", SS_EQUERY, 1, 19,
                    "invalid datetime literal '2021-13-45'");
    /* a huge literal and a huge query are SS_ETOOBIG */
    size_t n = SS_KQL_MAX_LITERAL + 100;
    char *q = malloc(n + 64);
    REQUIRE(q);
    memcpy(q, "resources | where name == '", 27);
    memset(q + 27, 'a', n);
    memcpy(q + 27 + n, "'", 2);
    enum ss_err e;
    struct ss_diag d;
    free(run(q, &e, &d));
    CHECK_ERR(e, SS_ETOOBIG);
    free(q);
    n = SS_KQL_MAX_QUERY + 1;
    q = malloc(n + 1);
    REQUIRE(q);
    memset(q, ' ', n);
    memcpy(q, "resources", 9);
    q[n] = '\0';
    free(run(q, &e, &d));
    CHECK_ERR(e, SS_ETOOBIG);
    free(q);
}

/* ---- parser limits ---- */

static void nested(struct ss_buf *b, size_t depth, const char *open, const char *mid,
                   const char *close)
{
    ss_buf_reset(b);
    ss_buf_adds(b, "resources | where ");
    for (size_t i = 0; i < depth; i++)
        ss_buf_adds(b, open);
    ss_buf_adds(b, mid);
    for (size_t i = 0; i < depth; i++)
        ss_buf_adds(b, close);
}

TEST(kql_parse_depth_limit)
{
    struct ss_buf buf = SS_BUF_INIT;
    enum ss_err e;
    struct ss_diag d;
    const char *shapes[][3] = {{"(", "1 == 1", ")"},
                               {"not(", "true", ")"},
                               {"-", "1 > 0", ""},
                               {"strlen(tostring(", "name", ")) > 0"}};
    for (size_t s = 0; s < SS_ARRAY_LEN(shapes); s++) {
        nested(&buf, 5000, shapes[s][0], shapes[s][1], shapes[s][2]);
        free(run(buf.ptr, &e, &d));
        CHECK_ERR(e, SS_EDEPTH);
        nested(&buf, 10, shapes[s][0], shapes[s][1], shapes[s][2]);
        free(run(buf.ptr, &e, &d));
        CHECK(e == SS_OK || e == SS_EQUERY);
    }
    /* nested subqueries */
    ss_buf_reset(&buf);
    ss_buf_adds(&buf, "resources");
    for (int i = 0; i < 5000; i++)
        ss_buf_adds(&buf, " | join (resources");
    free(run(buf.ptr, &e, &d));
    CHECK_ERR(e, SS_EDEPTH);
    ss_buf_release(&buf);
}

TEST(kql_parse_errors)
{
    CHECK_QUERY_ERR("resources | where", SS_EQUERY, 1, 18,
                    "expected an expression, found the end of the query");
    CHECK_QUERY_ERR("resources | sort name", SS_EQUERY, 1, 18, "expected 'by', found 'name'");
    CHECK_QUERY_ERR("resources | join kind=outerspace (resources) on id", SS_EQUERY, 1, 23,
                    "unknown kind, found 'outerspace'");
    CHECK_QUERY_ERR("resources | project-rename name", SS_EQUERY, 1, 28,
                    "expected 'newname = column', found 'name'");
    CHECK_QUERY_ERR("| where", SS_EQUERY, 1, 1, "expected a table name, found '|'");
    CHECK_QUERY_ERR("resources | take name", SS_EQUERY, 1, 18, "expected a row count");
    CHECK_QUERY_ERR("resources | project a = 1, a = 2", SS_EQUERY, 1, 28,
                    "duplicate column name 'a'");
    CHECK_QUERY_ERR("resources | project x = pack(\"a\")", SS_EQUERY, 1, 25,
                    "pack needs key/value pairs");
}

/* ---- semantics ---- */

TEST(kql_schema_and_naming)
{
    CHECK_QUERY("resources | take 1 | project extra, tostring(properties.s), properties.l[1], "
                "strcat(name, 'x'), 1 + 2",
                "[{\"extra\":5,\"properties_s\":\"x\",\"properties_l_1\":2,\"name\":\"ax\","
                "\"Column5\":3}]");
    CHECK_QUERY("resources | summarize count(), countif(extra > 5), dcount(location), "
                "sum(extra), avg(extra), make_set(location)",
                "[{\"count_\":3,\"countif_\":1,\"dcount_location\":2,\"sum_extra\":11,"
                "\"avg_extra\":5.5,\"make_set_location\":[\"eastus\",\"westus\"]}]");
    CHECK_QUERY("resources | project name | join kind=inner (resources | project name, "
                "location) on name | take 1",
                "[{\"name\":\"a\",\"name1\":\"a\",\"location\":\"eastus\"}]");
}

TEST(kql_null_and_conversion_rules)
{
    CHECK_QUERY("resources | where name == 'c' | project a = properties.n == 1, "
                "b = properties.n != 1, c = isnull(properties.n), d = tostring(properties.n), "
                "e = isempty(tostring(properties.n)), f = properties.n + 1, g = name.x",
                "[{\"a\":false,\"b\":false,\"c\":true,\"d\":\"\",\"e\":true,\"f\":null,"
                "\"g\":null}]");
    CHECK_QUERY("resources | where name == 'a' | project a = properties.n == 1.0, "
                "b = properties.s == 'x', c = properties.r * 2, d = properties.n / 2, "
                "e = 1 / 2, f = 1.0 * 3",
                "[{\"a\":true,\"b\":true,\"c\":1.0,\"d\":0,\"e\":0,\"f\":3.0}]");
}

TEST(kql_overflow_is_null_or_wraps)
{
    CHECK_QUERY("resources | take 1 | project a = datetime(9999-12-31) + 10d, "
                "b = (-9223372036854775807 - 1) / -1, c = 9223372036854775807 + 1, "
                "d = 10000000d * 10, e = ago(3650000d), f = tolong(1e300)",
                "[{\"a\":null,\"b\":null,\"c\":-9223372036854775808,\"d\":null,\"e\":null,"
                "\"f\":null}]");
}

TEST(kql_regex_translation)
{
    CHECK_QUERY("resources | take 1 | project a = extract('.*assessments/(.+?)/.*', 1, "
                "'/subscriptions/s/providers/Microsoft.Security/assessments/KEY/"
                "subAssessments/SUB'), b = extract('(?:ab)(c)', 1, 'xabc'), "
                "c = extract('[\\\\d]+', 0, 'a123b')",
                "[{\"a\":\"KEY\",\"b\":\"c\",\"c\":\"123\"}]");
}

TEST(kql_visible_filter)
{
    struct fixture f;
    fixture_init(&f, inventory);
    f.table.visible = NULL;
    struct ss_kql_result *r = NULL;
    struct ss_diag d;
    const char *q = "resources | count";
    REQUIRE(ss_kql_run(q, strlen(q), &f.table, 1, NULL, &r, &d) == SS_OK);
    CHECK_EQ_INT(ss_kql_result_rows(r), 1);
    ss_kql_result_free(r);
    ss_json_doc_free(f.doc);
}

static bool only_s1(void *arg, struct ss_json row)
{
    (void)arg;
    return ss_json_str_eq(ss_json_getz(row, "subscriptionId"), "s1");
}

TEST(kql_visible_rows_only)
{
    struct fixture f;
    fixture_init(&f, inventory);
    f.table.visible = only_s1;
    struct ss_kql_result *r = NULL;
    struct ss_diag d;
    const char *q = "resources | project name";
    REQUIRE(ss_kql_run(q, strlen(q), &f.table, 1, NULL, &r, &d) == SS_OK);
    CHECK_EQ_INT(ss_kql_result_rows(r), 2);
    ss_kql_result_free(r);
    ss_json_doc_free(f.doc);
}

/* ---- budgets ---- */

TEST(kql_step_budget)
{
    struct ss_kql_opts o = {.max_steps = 100};
    enum ss_err e;
    struct ss_diag d;
    char *got = run_opts(inventory, "resources | mv-expand x = range | take 1", &o, &e, &d);
    free(got);
    CHECK_ERR(e, SS_EQUERY); /* unknown column: checked before anything runs */
    struct ss_buf bigb = SS_BUF_INIT;
    ss_buf_addc(&bigb, '[');
    for (int i = 0; i < 5000; i++)
        ss_buf_printf(&bigb, "%s{\"name\":\"n%d\"}", i ? "," : "", i);
    ss_buf_addc(&bigb, ']');
    const char *big = bigb.ptr;
    got = run_opts(big, "resources | summarize count() by name", &o, &e, &d);
    free(got);
    CHECK_ERR(e, SS_EBUDGET);
    CHECK_STREQ(d.msg, "query exceeded the step budget (100 steps)");
    o.max_steps = 0;
    o.max_memory = 64 * 1024;
    got = run_opts(big,
                   "resources | extend s = strcat(name, name, name) | summarize "
                   "make_list(s)",
                   &o, &e, &d);
    free(got);
    CHECK_ERR(e, SS_EBUDGET);
    CHECK_STREQ(d.msg, "query exceeded the memory budget (65536 bytes)");
    ss_buf_release(&bigb);
}

/* ---- results ---- */

TEST(kql_result_api_and_writers)
{
    struct fixture f;
    fixture_init(&f, inventory);
    struct ss_kql_result *r = NULL;
    struct ss_diag d;
    const char *q = "resources | where name == 'none' | project name, n = 1, r = 1.5, "
                    "d = datetime(2021-01-01), t = 1h, b = true, y = properties";
    REQUIRE(ss_kql_run(q, strlen(q), &f.table, 1, NULL, &r, &d) == SS_OK);
    ss_json_doc_free(f.doc); /* the result outlives its input */
    CHECK_EQ_INT(ss_kql_result_rows(r), 0);
    REQUIRE(ss_kql_result_columns(r) == 7);
    const char *types[] = {"string", "long", "real", "datetime", "timespan", "bool", "dynamic"};
    for (size_t c = 0; c < 7; c++)
        CHECK_STREQ(ss_kql_result_column_type(r, c), types[c]);
    CHECK_STREQ(ss_kql_result_column_name(r, 6), "y");
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &b, 0);
    ss_kql_write_table(r, &w, 0, 0);
    CHECK_STREQ(b.ptr, "{\"columns\":[{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"n\","
                       "\"type\":\"integer\"},{\"name\":\"r\",\"type\":\"number\"},{\"name\":"
                       "\"d\",\"type\":\"datetime\"},{\"name\":\"t\",\"type\":\"string\"},"
                       "{\"name\":\"b\",\"type\":\"boolean\"},{\"name\":\"y\",\"type\":"
                       "\"object\"}],\"rows\":[]}");
    ss_buf_release(&b);
    ss_kql_result_free(r);
}

TEST(kql_writers_slice_csv_text)
{
    struct fixture f;
    fixture_init(&f, inventory);
    struct ss_kql_result *r = NULL;
    struct ss_diag d;
    const char *q = "resources | project name, v = strcat('a,\"', name), t = tags, "
                    "w = datetime(2021-01-01 00:00:00.5)";
    REQUIRE(ss_kql_run(q, strlen(q), &f.table, 1, NULL, &r, &d) == SS_OK);
    ss_json_doc_free(f.doc);
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &b, 0);
    ss_kql_write_objects(r, &w, 1, 1);
    CHECK_STREQ(b.ptr, "[{\"name\":\"b\",\"v\":\"a,\\\"b\",\"t\":null,"
                       "\"w\":\"2021-01-01T00:00:00.5Z\"}]");
    ss_buf_reset(&b);
    ss_kql_write_csv(r, &b);
    CHECK_STREQ(b.ptr, "name,v,t,w\n"
                       "a,\"a,\"\"a\",\"{\"\"k\"\":\"\"v\"\"}\",2021-01-01T00:00:00.5Z\n"
                       "b,\"a,\"\"b\",,2021-01-01T00:00:00.5Z\n"
                       "c,\"a,\"\"c\",,2021-01-01T00:00:00.5Z\n");
    ss_buf_reset(&b);
    ss_kql_write_text(r, &b);
    CHECK_STREQ(b.ptr, "name  v     t          w\n"
                       "a     a,\"a  {\"k\":\"v\"}  2021-01-01T00:00:00.5Z\n"
                       "b     a,\"b             2021-01-01T00:00:00.5Z\n"
                       "c     a,\"c             2021-01-01T00:00:00.5Z\n");
    ss_buf_release(&b);
    ss_kql_result_free(r);
}

/* ---- the documented sample queries ---- */

static const char security_rows[] =
    "[{\"id\":\"/subscriptions/s1/providers/Microsoft.Security/secureScores/ascScore\","
    "\"name\":\"ascScore\",\"type\":\"microsoft.security/securescores\",\"tenantId\":\"t\","
    "\"subscriptionId\":\"s1\",\"properties\":{\"displayName\":\"ASC score\",\"score\":"
    "{\"max\":10,\"current\":5.5,\"percentage\":0.55},\"weight\":4}},"
    "{\"id\":\"/subscriptions/s1/providers/Microsoft.Security/secureScores/ascScore/"
    "secureScoreControls/c1\",\"name\":\"c1\",\"type\":\"microsoft.security/securescores/"
    "securescorecontrols\",\"subscriptionId\":\"s1\",\"properties\":{\"displayName\":\"C1\","
    "\"healthyResourceCount\":1,\"unhealthyResourceCount\":1,\"notApplicableResourceCount\":0,"
    "\"score\":{\"max\":10,\"current\":5.5,\"percentage\":0.55},\"weight\":4,\"definition\":"
    "{\"name\":\"c1\",\"properties\":{\"maxScore\":10,\"source\":{\"sourceType\":\"BuiltIn\"},"
    "\"assessmentDefinitions\":[{\"id\":\"/providers/Microsoft.Security/assessmentMetadata/"
    "k1\"}]}}}},"
    "{\"id\":\"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/"
    "virtualMachines/vm/providers/Microsoft.Security/assessments/k1\",\"name\":\"k1\","
    "\"type\":\"microsoft.security/assessments\",\"subscriptionId\":\"s1\",\"resourceGroup\":"
    "\"rg\",\"properties\":{\"displayName\":\"Rec 1\",\"status\":{\"code\":\"Unhealthy\"},"
    "\"resourceDetails\":{\"Source\":\"Azure\",\"Id\":\"/subscriptions/s1/resourceGroups/rg/"
    "providers/Microsoft.Compute/virtualMachines/vm\"},\"metadata\":{\"severity\":\"High\"},"
    "\"links\":{\"azurePortal\":\"portal\"}}}]";

static const char container_rows[] =
    "[{\"id\":\"/subscriptions/s1\",\"name\":\"s1\",\"type\":\"microsoft.resources/"
    "subscriptions\",\"subscriptionId\":\"s1\",\"properties\":{\"state\":\"Enabled\","
    "\"managementGroupAncestorsChain\":[{\"name\":\"mg1\",\"displayName\":\"MG 1\"},"
    "{\"name\":\"root\",\"displayName\":\"Root\"}]}}]";

/* Runs every sample query, and every prefix of it (which must fail cleanly). */
TEST(kql_sample_queries)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/data/kql/arg_sample_queries.json", ss_test_shared());
    struct ss_json_doc *samples = NULL, *sec = NULL, *cont = NULL;
    REQUIRE(ss_json_parse_file(path, NULL, &samples, NULL) == SS_OK);
    REQUIRE(ss_json_parse(security_rows, strlen(security_rows), NULL, &sec, NULL) == SS_OK);
    REQUIRE(ss_json_parse(container_rows, strlen(container_rows), NULL, &cont, NULL) == SS_OK);
    struct ss_kql_table tables[] = {
        {"securityresources", ss_json_root(sec), NULL, NULL, false},
        {"resourcecontainers", ss_json_root(cont), NULL, NULL, false},
    };
    struct ss_json_iter it;
    struct ss_json s;
    size_t n = 0;
    uint64_t total_rows = 0;
    ss_json_iter_init(&it, ss_json_root(samples));
    while (ss_json_iter_next(&it, NULL, &s)) {
        struct ss_str q = ss_json_str(ss_json_getz(s, "query"));
        struct ss_kql_result *r = NULL;
        struct ss_diag d;
        ss_diag_clear(&d);
        enum ss_err e = ss_kql_run(q.ptr, q.len, tables, 2, NULL, &r, &d);
        if (e != SS_OK)
            ss_test_fail(t_, __FILE__, __LINE__, "sample %zu: %s %u:%u %s", n, ss_err_name(e),
                         d.line, d.column, d.msg);
        else
            total_rows += (uint64_t)ss_kql_result_rows(r) << (4 * n);
        ss_kql_result_free(r);
        for (size_t k = 0; k < q.len; k += 3) {
            r = NULL;
            e = ss_kql_run(q.ptr, k, tables, 2, NULL, &r, &d);
            CHECK(e == SS_OK || e == SS_EQUERY);
            ss_kql_result_free(r);
        }
        n++;
    }
    CHECK_EQ_INT(n, 13);
    /* rows per sample, one hex digit each (sample 0 lowest): the controls (1), per
     * recommendation (2), recommendations (7), secure scores (9), points and percentage (11)
     * and controls status (12) samples see one row each; the others match no row here */
    CHECK_EQ_INT(total_rows, 0x1101010000110ull);
    ss_json_doc_free(samples);
    ss_json_doc_free(sec);
    ss_json_doc_free(cont);
}

TEST(kql_secure_score_per_mg)
{
    struct ss_json_doc *sec = NULL, *cont = NULL;
    REQUIRE(ss_json_parse(security_rows, strlen(security_rows), NULL, &sec, NULL) == SS_OK);
    REQUIRE(ss_json_parse(container_rows, strlen(container_rows), NULL, &cont, NULL) == SS_OK);
    struct ss_kql_table tables[] = {
        {"SecurityResources", ss_json_root(sec), NULL, NULL, true},
        {"ResourceContainers", ss_json_root(cont), NULL, NULL, true},
    };
    const char *q =
        "SecurityResources\n"
        "| where type == 'microsoft.security/securescores'\n"
        "| project subscriptionId,\n"
        "\tsubscriptionTotal = iff(properties.score.max == 0, 0.00, round(tolong(properties."
        "weight) * todouble(properties.score.current)/tolong(properties.score.max),2)),\n"
        "\tweight = tolong(iff(properties.weight == 0, 1, properties.weight))\n"
        "| join kind=leftouter (\n"
        "\tResourceContainers\n"
        "\t| where type == 'microsoft.resources/subscriptions' and properties.state == "
        "'Enabled'\n"
        "\t| project subscriptionId, mgChain=properties.managementGroupAncestorsChain )\n"
        "\ton subscriptionId\n"
        "| mv-expand mg=mgChain\n"
        "| summarize sumSubs = sum(subscriptionTotal), sumWeight = sum(weight), resultsNum = "
        "count() by tostring(mg.displayName), mgId = tostring(mg.name)\n"
        "| extend secureScore = iff(tolong(resultsNum) == 0, 404.00, "
        "round(sumSubs/sumWeight*100,2))\n"
        "| project mgName=mg_displayName, mgId, sumSubs, sumWeight, resultsNum, secureScore\n"
        "| order by mgName asc";
    struct ss_kql_result *r = NULL;
    struct ss_diag d;
    REQUIRE(ss_kql_run(q, strlen(q), tables, 2, NULL, &r, &d) == SS_OK);
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &b, 0);
    ss_kql_write_objects(r, &w, 0, 0);
    CHECK_STREQ(b.ptr, "[{\"mgName\":\"MG 1\",\"mgId\":\"mg1\",\"sumSubs\":2.2,\"sumWeight\":4,"
                       "\"resultsNum\":1,\"secureScore\":55.0},{\"mgName\":\"Root\",\"mgId\":"
                       "\"root\",\"sumSubs\":2.2,\"sumWeight\":4,\"resultsNum\":1,"
                       "\"secureScore\":55.0}]");
    ss_buf_release(&b);
    ss_kql_result_free(r);
    ss_json_doc_free(sec);
    ss_json_doc_free(cont);
}
