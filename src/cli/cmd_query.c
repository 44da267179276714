/*
 * securescore query: runs a Resource Graph (KQL) query over the inputs.
 *
 * The inputs are read as `scan` reads them (ingested and assessed with the
 * built-in rules into a scoring state), and three tables are built:
 *  - securityresources: assessments, secure scores, controls and
 *    recommendation metadata of the state (ss_kql_security_rows);
 *  - resourcecontainers: subscriptions and management groups of the state
 *    (ss_kql_container_rows), plus the resource groups found in the inputs;
 *  - resources: every other value of the inputs with an id and a type,
 *    read a second time and shaped as ARG rows (type lower-cased,
 *    resourceGroup and subscriptionId taken from the id).
 * Errors in the query print "securescore: query:LINE:COL: message", the
 * query line and a caret under the column (exit 65); usage errors exit 2.
 */
#include "cli.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "securescore/catalog.h"
#include "securescore/ingest.h"
#include "securescore/json.h"
#include "securescore/kql.h"
#include "securescore/score.h"

const char cmd_query_usage[] =
    "usage: securescore query [--format table|json|csv] [--as-of TIME] [--exemptions FILE]\n"
    "                         'KQL' [FILE|DIR...]\n"
    "       securescore query [--format table|json|csv] --db PATH 'KQL'\n"
    "\n"
    "Runs a Resource Graph query (the KQL subset of DESIGN.md section 8) over the\n"
    "inputs, read as `scan` reads them, or over the database of `securescore serve`\n"
    "(--db). Tables: securityresources (assessments,\n"
    "secure scores, secure score controls, assessment metadata), resources (the\n"
    "inventory) and resourcecontainers (subscriptions, management groups,\n"
    "resource groups).\n"
    "\n"
    "  --format table|json|csv  output (default table); json prints Resource\n"
    "                         Graph's objectArray\n"
    "  --exemptions FILE      exemptions and disabled recommendations (as scan)\n"
    "  --as-of TIME           the clock for now() and ago() and exemption expiry\n"
    "                         (ISO 8601; default now)\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime error or budget exhausted, 2 usage error, 65 bad\n"
    "input or invalid query.\n";

enum qformat { QF_TABLE, QF_JSON, QF_CSV };

struct query {
    const char *kql;
    const char *inputs[1024];
    int ninputs;
    enum qformat format;
    int64_t now;
    const char *exemptions;
    const char *db;
    struct ss_buf resources;  /* JSON array text */
    struct ss_buf containers; /* resource group rows, members of an array */
    struct ss_jw rw;
    char tenant[128];
    size_t
        *blank; /* offsets of empty "tenantId" values in resources/containers (| 1: containers) */
    size_t nblank, capblank;
};

static int parse_args(struct query *q, int argc, char **argv)
{
    bool opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = true;
        } else if (!opts_done && (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0)) {
            const char *v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v)
                return cli_usage_error("query", "--format needs a value");
            if (strcmp(v, "table") == 0)
                q->format = QF_TABLE;
            else if (strcmp(v, "json") == 0)
                q->format = QF_JSON;
            else if (strcmp(v, "csv") == 0)
                q->format = QF_CSV;
            else
                return cli_usage_error("query", "--format: unknown value '%s'", v);
        } else if (!opts_done && (strcmp(a, "--as-of") == 0 || strncmp(a, "--as-of=", 8) == 0)) {
            const char *v = a[7] == '=' ? a + 8 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v)
                return cli_usage_error("query", "--as-of needs a value");
            if (!ss_time_parse(v, strlen(v), &q->now))
                return cli_value_error("query", "--as-of: '%s' is not an ISO 8601 time", v);
        } else if (!opts_done && (strcmp(a, "--db") == 0 || strncmp(a, "--db=", 5) == 0)) {
            q->db = a[4] == '=' ? a + 5 : (i + 1 < argc ? argv[++i] : NULL);
            if (!q->db)
                return cli_usage_error("query", "--db needs a value");
        } else if (!opts_done &&
                   (strcmp(a, "--exemptions") == 0 || strncmp(a, "--exemptions=", 13) == 0)) {
            q->exemptions = a[12] == '=' ? a + 13 : (i + 1 < argc ? argv[++i] : NULL);
            if (!q->exemptions)
                return cli_usage_error("query", "--exemptions needs a value");
        } else if (!opts_done && a[0] == '-' && a[1]) {
            return cli_usage_error("query", "unknown option '%s'", a);
        } else if (!q->kql) {
            q->kql = a;
        } else if (q->ninputs < (int)(sizeof(q->inputs) / sizeof(q->inputs[0]))) {
            q->inputs[q->ninputs++] = a;
        } else {
            return cli_usage_error("query", "too many inputs");
        }
    }
    if (!q->kql)
        return cli_usage_error("query", "no query");
    if (q->db && (q->ninputs || q->exemptions))
        return cli_usage_error("query", "--db reads the database alone: give no inputs");
    return 0;
}

/* ---- the resources table ---- */

static struct ss_str member(struct ss_json v, const char *key)
{
    return ss_json_str(ss_json_get_nocase(v, key, strlen(key)));
}

/* True for hex digits and '-' only (a tenant id that needs no JSON escaping). */
static bool is_guidish(struct ss_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (!isxdigit((unsigned char)s.ptr[i]) && s.ptr[i] != '-')
            return false;
    return true;
}

/* One ARG row for an inventory value (the tenant is filled in later if the value has none). */
static void resource_row(struct query *q, struct ss_jw *w, struct ss_json v)
{
    struct ss_str tenant = member(v, "tenantId");
    if (tenant.len && !q->tenant[0] && tenant.len < sizeof(q->tenant) && is_guidish(tenant)) {
        memcpy(q->tenant, tenant.ptr, tenant.len);
        q->tenant[tenant.len] = '\0';
    }
    size_t at;
    ss_kql_resource_row(w, v, NULL, &at);
    if (at == SIZE_MAX)
        return;
    if (q->nblank == q->capblank) {
        q->capblank = q->capblank ? q->capblank * 2 : 64;
        q->blank = realloc(q->blank, q->capblank * sizeof(*q->blank));
        if (!q->blank)
            abort();
    }
    q->blank[q->nblank++] = at << 1 | (w->out == &q->containers);
}

static bool has_prefix_nocase(struct ss_str s, const char *p)
{
    size_t n = strlen(p);
    return s.len >= n && strncasecmp(s.ptr, p, n) == 0;
}

static bool eq_nocase(struct ss_str s, const char *p)
{
    return s.len == strlen(p) && strncasecmp(s.ptr, p, s.len) == 0;
}

static void add_value(struct query *q, struct ss_json v)
{
    struct ss_str id = member(v, "id"), type = member(v, "type");
    if (!id.len || !type.len)
        return;
    if (has_prefix_nocase(type, "microsoft.security/") ||
        eq_nocase(type, "microsoft.resources/subscriptions") ||
        eq_nocase(type, "microsoft.management/managementgroups"))
        return;
    if (eq_nocase(type, "microsoft.resources/subscriptions/resourcegroups")) {
        struct ss_jw w;
        ss_jw_init(&w, &q->containers, 0);
        if (q->containers.len)
            ss_buf_addc(&q->containers, ',');
        resource_row(q, &w, v);
        return;
    }
    resource_row(q, &q->rw, v);
}

static enum ss_err read_file(void *arg, const char *path, struct ss_diag *diag)
{
    struct query *q = arg;
    if (strcmp(path, "-") == 0)
        return SS_OK; /* standard input was consumed by the first pass */
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return ss_diag_set(diag, SS_EOPEN, "%s: cannot open", path);
    static const char *const unwrap[] = {"value", "data", NULL};
    struct ss_json_opts o = {.flags = SS_JSON_DUPKEY_LAST, .name = path};
    struct ss_json_reader *rd = ss_json_reader_new(fd, &o, unwrap);
    enum ss_err e;
    struct ss_json v;
    while ((e = ss_json_reader_next(rd, &v, diag)) == SS_OK && ss_json_exists(v))
        add_value(q, v);
    ss_json_reader_free(rd);
    close(fd);
    return e;
}

/* ---- loading ---- */

static int load_state(struct query *q, struct ss_catalog **cat, struct ss_score **score)
{
    struct ss_diag d;
    ss_diag_clear(&d);
    *cat = ss_catalog_new();
    enum ss_err e = ss_catalog_load_builtin(*cat, &d);
    if (e)
        return cli_report(&d);
    *score = ss_score_new(*cat);
    ss_score_set_now(*score, q->now);
    struct ss_ingest *in = ss_ingest_new(*score, *cat);
    ss_ingest_set_evaluate(in, true);
    if (q->exemptions)
        ss_ingest_skip(in, q->exemptions);
    for (int i = 0; !e && i < q->ninputs; i++)
        e = ss_ingest_path(in, q->inputs[i], &d);
    if (!e && q->exemptions)
        e = ss_ingest_exemptions(in, q->exemptions, &d);
    if (e)
        ss_ingest_set_evaluate(in, false);
    ss_ingest_finish(in);
    ss_ingest_free(in);
    if (e)
        return cli_report(&d);
    ss_jw_init(&q->rw, &q->resources, 0);
    ss_jw_arr_begin(&q->rw);
    for (int i = 0; !e && i < q->ninputs; i++)
        e = ss_input_files(q->inputs[i], read_file, q, &d);
    ss_jw_arr_end(&q->rw);
    return e ? cli_report(&d) : 0;
}

/* Writes the tenant into the empty tenantId values of the rows (ARG rows always have one). */
static void fill_tenant(struct query *q, const char *tenant)
{
    struct ss_buf *bufs[2] = {&q->resources, &q->containers};
    for (int which = 0; which < 2; which++) {
        struct ss_buf *b = bufs[which], out = SS_BUF_INIT;
        size_t from = 0;
        for (size_t i = 0; i < q->nblank; i++) {
            if ((int)(q->blank[i] & 1) != which)
                continue;
            size_t at = q->blank[i] >> 1; /* the "" of the value, after a possible ':' */
            while (at < b->len && b->ptr[at] != '"')
                at++;
            ss_buf_add(&out, b->ptr + from, at + 1 - from);
            ss_buf_adds(&out, tenant); /* a GUID-like id: no escaping needed in practice */
            from = at + 1;
        }
        if (!from)
            continue;
        ss_buf_add(&out, b->ptr + from, b->len - from);
        ss_buf_release(b);
        *b = out;
    }
}

/* Appends the resource group rows to the containers array text in `b`. */
static void merge_containers(struct ss_buf *b, const struct ss_buf *rgs)
{
    if (!rgs->len)
        return;
    size_t end = b->len;
    while (end && b->ptr[end - 1] != ']')
        end--;
    if (!end) {
        ss_buf_reset(b);
        ss_buf_addc(b, '[');
        ss_buf_add(b, rgs->ptr, rgs->len);
        ss_buf_addc(b, ']');
        return;
    }
    size_t open = end - 1;
    while (open > 0 && isspace((unsigned char)b->ptr[open - 1]))
        open--;
    bool empty = open > 0 && b->ptr[open - 1] == '[';
    ss_buf_truncate(b, end - 1);
    if (!empty)
        ss_buf_addc(b, ',');
    ss_buf_add(b, rgs->ptr, rgs->len);
    ss_buf_addc(b, ']');
}

static enum ss_err parse_table(const struct ss_buf *b, const char *name, struct ss_json_doc **doc,
                               struct ss_diag *d)
{
    struct ss_json_opts o = {.flags = SS_JSON_DUPKEY_LAST, .name = name};
    return ss_json_parse(b->len ? b->ptr : "[]", b->len ? b->len : 2, &o, doc, d);
}

/* ---- errors ---- */

static int report_query_error(const struct query *q, const struct ss_diag *d)
{
    if (!d->line) {
        fprintf(stderr, "securescore: query: %s\n", d->msg);
        return ss_err_exit_code(d->code ? d->code : SS_EINTERNAL);
    }
    fprintf(stderr, "securescore: query:%u:%u: %s\n", d->line, d->column, d->msg);
    const char *p = q->kql;
    for (uint32_t l = 1; l < d->line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (p) {
        size_t n = strcspn(p, "\n");
        fprintf(stderr, "%.*s\n", (int)n, p);
        for (uint32_t c = 1; c < d->column && c - 1 < n; c++)
            fputc(p[c - 1] == '\t' ? '\t' : ' ', stderr);
        fputs("^\n", stderr);
    }
    return ss_err_exit_code(d->code ? d->code : SS_EINTERNAL);
}

static void print_result(const struct query *q, const struct ss_kql_result *res)
{
    struct ss_buf out = SS_BUF_INIT;
    if (q->format == QF_JSON) {
        struct ss_jw w;
        ss_jw_init(&w, &out, 0);
        ss_kql_write_objects(res, &w, 0, 0);
        ss_buf_addc(&out, '\n');
    } else if (q->format == QF_CSV) {
        ss_kql_write_csv(res, &out);
    } else {
        ss_kql_write_text(res, &out);
    }
    fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
    ss_buf_release(&out);
}

static int run_tables(struct query *q, struct ss_json_doc *docs[3]);

static int run(struct query *q, const struct ss_catalog *cat, const struct ss_score *score)
{
    const char *tenant = q->tenant[0] ? q->tenant : SS_KQL_DEFAULT_TENANT;
    fill_tenant(q, tenant);
    struct ss_buf sec = SS_BUF_INIT, cont = SS_BUF_INIT;
    ss_kql_security_rows(score, cat, tenant, &sec);
    ss_kql_container_rows(score, tenant, &cont);
    merge_containers(&cont, &q->containers);
    struct ss_json_doc *docs[3] = {NULL, NULL, NULL};
    struct ss_diag d;
    ss_diag_clear(&d);
    int rc = 0;
    enum ss_err e = parse_table(&sec, "securityresources", &docs[0], &d);
    if (!e)
        e = parse_table(&q->resources, "resources", &docs[1], &d);
    if (!e)
        e = parse_table(&cont, "resourcecontainers", &docs[2], &d);
    if (e)
        rc = cli_report(&d);
    else
        rc = run_tables(q, docs);
    for (int i = 0; i < 3; i++)
        ss_json_doc_free(docs[i]);
    ss_buf_release(&sec);
    ss_buf_release(&cont);
    return rc;
}

/* Runs the query over the three tables and prints the result. */
static int run_tables(struct query *q, struct ss_json_doc *docs[3])
{
    struct ss_diag d;
    ss_diag_clear(&d);
    int rc = 0;
    {
        struct ss_kql_table tables[3] = {
            {"securityresources", ss_json_root(docs[0]), NULL, NULL, true},
            {"resources", ss_json_root(docs[1]), NULL, NULL, true},
            {"resourcecontainers", ss_json_root(docs[2]), NULL, NULL, true},
        };
        struct ss_kql_opts opts = {.now = q->now};
        struct ss_kql_result *res = NULL;
        enum ss_err e = ss_kql_run(q->kql, strlen(q->kql), tables, 3, &opts, &res, &d);
        if (e) {
            rc = report_query_error(q, &d);
        } else {
            print_result(q, res);
            ss_kql_result_free(res);
        }
    }
    return rc;
}

/* --db: the tables of a server's database. */
static int run_db(struct query *q)
{
    struct ss_engine *e = NULL;
    struct ss_engine_opts eo = {q->db, false, NULL, NULL, 0};
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_engine_open(&eo, &e, &d))
        return cli_report(&d);
    struct ss_json_doc *docs[3] = {NULL, NULL, NULL};
    int rc;
    if (ss_kql_engine_tables(e, SS_KQL_DEFAULT_TENANT, docs, &d))
        rc = cli_report(&d);
    else
        rc = run_tables(q, docs);
    for (int i = 0; i < 3; i++)
        ss_json_doc_free(docs[i]);
    ss_engine_close(e);
    return rc;
}

int cmd_query(int argc, char **argv)
{
    struct query q;
    memset(&q, 0, sizeof(q));
    int rc = parse_args(&q, argc, argv);
    if (rc)
        return rc;
    if (q.db)
        return run_db(&q);
    struct ss_catalog *cat = NULL;
    struct ss_score *score = NULL;
    rc = load_state(&q, &cat, &score);
    if (!rc)
        rc = run(&q, cat, score);
    ss_score_free(score);
    ss_catalog_free(cat);
    ss_buf_release(&q.resources);
    ss_buf_release(&q.containers);
    free(q.blank);
    return rc;
}
