/*
 * securescore scan: reads inventories, assessment exports, hierarchy and
 * exemptions, computes the secure score and prints it as the portal shows
 * it (table), as Azure's REST objects (json) or as rows (csv).
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "securescore/catalog.h"
#include "securescore/ingest.h"
#include "securescore/json.h"
#include "securescore/rest.h"
#include "securescore/score.h"

const char cmd_scan_usage[] =
    "usage: securescore scan [options] FILE|DIR...\n"
    "\n"
    "Computes the secure score of the subscriptions found in the inputs, exactly as\n"
    "Microsoft Defender for Cloud does. Inputs (any mix, any order; directories are\n"
    "read recursively): assessment exports (Resource Graph securityresources rows,\n"
    "REST assessment lists), inventories (resources as JSON, arrays, JSON Lines,\n"
    "{\"value\": [...]}, {\"data\": [...]}), Resource Graph resourcecontainers rows and\n"
    "hierarchy files. Inventory resources are assessed with the built-in rules\n"
    "(catalog/rules/); an imported assessment of the same resource and\n"
    "recommendation wins over the evaluated one.\n"
    "\n"
    "  --by subscription|environment|management-group\n"
    "                         rows of the score table (default subscription)\n"
    "  --format table|json|csv  output (default table); json prints\n"
    "                         {\"secureScores\", \"secureScoreControls\", \"scopes\"}\n"
    "  --aggregation pooled|weighted\n"
    "                         how several subscriptions combine (default pooled)\n"
    "  --subscription GUID    score only these subscriptions (repeatable, or a,b,c)\n"
    "  --definitions FILE     Azure secureScoreControlDefinitions list: replaces or adds\n"
    "                         controls (repeatable)\n"
    "  --metadata FILE        Azure assessmentMetadata list: replaces or adds\n"
    "                         recommendations (repeatable)\n"
    "  --no-builtin           start from an empty catalog instead of the built-in one\n"
    "  --no-evaluate          do not evaluate the built-in rules on inventory resources\n"
    "  --exemptions FILE      exemptions and disabled recommendations (see README)\n"
    "  --as-of TIME           the clock for exemption expiry (ISO 8601; default now)\n"
    "  --fail-under PERCENT   exit 3 if the pooled score of everything scanned is\n"
    "                         below PERCENT (0-100)\n"
    "  --explain CONTROL      list the unhealthy resources of a control (GUID or name)\n"
    "                         and the recommendations that keep them unhealthy\n"
    "  --limit N              --explain: list at most N resources (default 50, 0 = all)\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime error, 2 usage error, 3 below --fail-under, 65 bad input.\n";

enum by { BY_SUBSCRIPTION, BY_ENVIRONMENT, BY_MG };
enum format { FMT_TABLE, FMT_JSON, FMT_CSV };

#define MAX_FILES 64

struct scan {
    const char *defs[MAX_FILES], *metas[MAX_FILES], *inputs[1024];
    int ndefs, nmetas, ninputs;
    const char *exemptions;
    int64_t now;
    enum by by;
    enum format format;
    enum ss_aggregation agg;
    double fail_under; /* < 0: none */
    const char *explain;
    bool no_builtin;
    bool no_evaluate;
    char *select; /* comma-separated subscription GUIDs, or NULL */
    struct ss_catalog *cat;
    struct ss_score *score;
    uint32_t *subs; /* selected, enabled subscriptions */
    size_t nsubs;
    int label_width; /* of the table's scope column */
    long limit;      /* --limit for --explain (0: all) */
};

/* ---- options ---- */

struct optdef {
    const char *name;
    bool has_arg;
    int (*set)(struct scan *sc, const char *val);
};

static int pick(const char *val, const char *const *names, int *out, const char *opt)
{
    for (int i = 0; names[i]; i++) {
        if (strcmp(val, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    return cli_value_error("scan", "%s: unknown value '%s'", opt, val);
}

static int set_by(struct scan *sc, const char *v)
{
    static const char *const n[] = {"subscription", "environment", "management-group", NULL};
    int i = 0, rc = pick(v, n, &i, "--by");
    sc->by = (enum by)i;
    return rc;
}

static int set_format(struct scan *sc, const char *v)
{
    static const char *const n[] = {"table", "json", "csv", NULL};
    int i = 0, rc = pick(v, n, &i, "--format");
    sc->format = (enum format)i;
    return rc;
}

static int set_agg(struct scan *sc, const char *v)
{
    static const char *const n[] = {"pooled", "weighted", NULL};
    int i = 0, rc = pick(v, n, &i, "--aggregation");
    sc->agg = (enum ss_aggregation)i;
    return rc;
}

static int add_file(const char **list, int *n, const char *v, const char *opt)
{
    if (*n >= MAX_FILES)
        return cli_usage_error("scan", "too many %s options", opt);
    list[(*n)++] = v;
    return 0;
}

static int set_defs(struct scan *sc, const char *v)
{
    return add_file(sc->defs, &sc->ndefs, v, "--definitions");
}

static int set_metas(struct scan *sc, const char *v)
{
    return add_file(sc->metas, &sc->nmetas, v, "--metadata");
}

static int set_exemptions(struct scan *sc, const char *v)
{
    sc->exemptions = v;
    return 0;
}

static int set_as_of(struct scan *sc, const char *v)
{
    if (!ss_time_parse(v, strlen(v), &sc->now))
        return cli_value_error("scan", "--as-of: '%s' is not an ISO 8601 time", v);
    return 0;
}

static int set_fail_under(struct scan *sc, const char *v)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d >= 0 && d <= 100))
        return cli_value_error("scan",
                               "--fail-under: expected a percentage from 0 to 100, got '%s'", v);
    sc->fail_under = d;
    return 0;
}

static int set_explain(struct scan *sc, const char *v)
{
    sc->explain = v;
    return 0;
}

static int set_limit(struct scan *sc, const char *v)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < 0)
        return cli_value_error("scan", "--limit: expected a count (0 = all), got '%s'", v);
    sc->limit = n;
    return 0;
}

static int set_no_builtin(struct scan *sc, const char *v)
{
    (void)v;
    sc->no_builtin = true;
    return 0;
}

static int set_no_evaluate(struct scan *sc, const char *v)
{
    (void)v;
    sc->no_evaluate = true;
    return 0;
}

static int set_select(struct scan *sc, const char *v)
{
    size_t old = sc->select ? strlen(sc->select) : 0, n = strlen(v);
    sc->select = realloc(sc->select, old + n + 2);
    if (!sc->select)
        abort();
    if (old)
        sc->select[old++] = ',';
    memcpy(sc->select + old, v, n + 1);
    return 0;
}

static const struct optdef optdefs[] = {
    {"--by", true, set_by},
    {"--format", true, set_format},
    {"--aggregation", true, set_agg},
    {"--definitions", true, set_defs},
    {"--metadata", true, set_metas},
    {"--exemptions", true, set_exemptions},
    {"--as-of", true, set_as_of},
    {"--fail-under", true, set_fail_under},
    {"--explain", true, set_explain},
    {"--limit", true, set_limit},
    {"--no-builtin", false, set_no_builtin},
    {"--no-evaluate", false, set_no_evaluate},
    {"--subscription", true, set_select},
};

/* Matches argv[*i] against the option table ("--opt VALUE" or "--opt=VALUE"). */
static int parse_option(struct scan *sc, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
    for (size_t k = 0; k < sizeof(optdefs) / sizeof(optdefs[0]); k++) {
        const struct optdef *o = &optdefs[k];
        if (strlen(o->name) != n || strncmp(a, o->name, n) != 0)
            continue;
        if (!o->has_arg)
            return eq ? cli_usage_error("scan", "%s takes no value", o->name) : o->set(sc, NULL);
        if (eq)
            return o->set(sc, eq + 1);
        if (*i + 1 >= argc)
            return cli_usage_error("scan", "%s needs a value", o->name);
        return o->set(sc, argv[++*i]);
    }
    return cli_usage_error("scan", "unknown option '%s'", a);
}

static int parse_args(struct scan *sc, int argc, char **argv)
{
    bool opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && strcmp(a, "--") == 0) {
            opts_done = true;
        } else if (!opts_done && a[0] == '-' && a[1]) {
            int rc = parse_option(sc, argc, argv, &i);
            if (rc)
                return rc;
        } else if (sc->ninputs < (int)(sizeof(sc->inputs) / sizeof(sc->inputs[0]))) {
            sc->inputs[sc->ninputs++] = a;
        } else {
            return cli_usage_error("scan", "too many inputs");
        }
    }
    if (!sc->ninputs)
        return cli_usage_error("scan", "no input files");
    return 0;
}

/* ---- loading ---- */

static int load(struct scan *sc)
{
    struct ss_diag d;
    ss_diag_clear(&d);
    enum ss_err e = SS_OK;
    sc->cat = ss_catalog_new();
    if (!sc->no_builtin)
        e = ss_catalog_load_builtin(sc->cat, &d);
    for (int i = 0; !e && i < sc->ndefs; i++)
        e = ss_catalog_load_definitions(sc->cat, sc->defs[i], &d);
    for (int i = 0; !e && i < sc->nmetas; i++)
        e = ss_catalog_load_metadata(sc->cat, sc->metas[i], &d);
    if (e)
        return cli_report(&d);
    sc->score = ss_score_new(sc->cat);
    ss_score_set_now(sc->score, sc->now);
    struct ss_ingest *in = ss_ingest_new(sc->score, sc->cat);
    ss_ingest_set_evaluate(in, !sc->no_evaluate);
    if (sc->exemptions)
        ss_ingest_skip(in, sc->exemptions);
    for (int i = 0; !e && i < sc->ninputs; i++)
        e = ss_ingest_path(in, sc->inputs[i], &d);
    if (!e && sc->exemptions)
        e = ss_ingest_exemptions(in, sc->exemptions, &d);
    if (e)
        ss_ingest_set_evaluate(in, false); /* the state is discarded */
    ss_ingest_finish(in);
    ss_ingest_free(in);
    return e ? cli_report(&d) : 0;
}

/* Fills sc->subs with the selected subscriptions (all known ones by default). */
static int select_subs(struct scan *sc)
{
    size_t n = ss_score_nsubs(sc->score);
    sc->subs = calloc(n ? n : 1, sizeof(uint32_t));
    if (!sc->subs)
        abort();
    if (!sc->select) {
        for (size_t i = 0; i < n; i++)
            sc->subs[sc->nsubs++] = (uint32_t)i;
        return 0;
    }
    for (char *p = sc->select; p && *p;) {
        char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        bool found = false;
        for (size_t i = 0; i < n && !found; i++) {
            if (strlen(ss_score_sub_id(sc->score, (uint32_t)i)) == len &&
                strncasecmp(ss_score_sub_id(sc->score, (uint32_t)i), p, len) == 0) {
                sc->subs[sc->nsubs++] = (uint32_t)i;
                found = true;
            }
        }
        if (!found) {
            fprintf(stderr, "securescore: scan: --subscription %.*s: not found in the inputs\n",
                    (int)len, p);
            return EXIT_DATA;
        }
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* ---- scopes ---- */

struct scope {
    const char *kind; /* "tenant", "managementGroup", "environment", "subscription" */
    char id[320];
    char name[320];
    enum ss_environment env;
    uint32_t *subs;
    size_t nsubs;
    struct ss_score_result total;
    struct ss_control_result *controls;
};

static void scope_compute(const struct scan *sc, struct scope *s, enum ss_aggregation agg)
{
    s->controls = calloc(ss_catalog_ncontrols(sc->cat) + 1, sizeof(*s->controls));
    if (!s->controls)
        abort();
    ss_score_aggregate(sc->score, s->subs, s->nsubs, agg, &s->total, s->controls);
}

static void scope_release(struct scope *s)
{
    free(s->subs);
    free(s->controls);
}

static struct scope *scope_add(struct scope **list, size_t *n, const char *kind)
{
    *list = realloc(*list, (*n + 1) * sizeof(**list));
    if (!*list)
        abort();
    struct scope *s = &(*list)[(*n)++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    return s;
}

static void scope_take(struct scope *s, const struct scan *sc,
                       bool (*in)(const struct scan *, uint32_t, const void *), const void *arg)
{
    s->subs = calloc(sc->nsubs ? sc->nsubs : 1, sizeof(uint32_t));
    if (!s->subs)
        abort();
    for (size_t i = 0; i < sc->nsubs; i++)
        if (in(sc, sc->subs[i], arg))
            s->subs[s->nsubs++] = sc->subs[i];
}

static bool in_all(const struct scan *sc, uint32_t sub, const void *arg)
{
    (void)sc, (void)sub, (void)arg;
    return true;
}

static bool in_env(const struct scan *sc, uint32_t sub, const void *arg)
{
    return ss_score_sub_env(sc->score, sub) == *(const enum ss_environment *)arg;
}

static bool in_mg(const struct scan *sc, uint32_t sub, const void *arg)
{
    return ss_score_sub_in_mg(sc->score, sub, *(const uint32_t *)arg);
}

static bool is_sub(const struct scan *sc, uint32_t sub, const void *arg)
{
    (void)sc;
    return sub == *(const uint32_t *)arg;
}

static void add_tenant(struct scan *sc, struct scope **list, size_t *n)
{
    struct scope *s = scope_add(list, n, "tenant");
    snprintf(s->id, sizeof(s->id), "/");
    snprintf(s->name, sizeof(s->name), "%s", sc->select ? "Selected subscriptions" : "Tenant");
    scope_take(s, sc, in_all, NULL);
}

static void add_envs(struct scan *sc, struct scope **list, size_t *n)
{
    for (int e = 0; e < SS_ENV__COUNT; e++) {
        enum ss_environment env = (enum ss_environment)e;
        struct scope tmp;
        memset(&tmp, 0, sizeof(tmp));
        scope_take(&tmp, sc, in_env, &env);
        if (!tmp.nsubs) {
            free(tmp.subs);
            continue;
        }
        struct scope *s = scope_add(list, n, "environment");
        *s = tmp;
        s->kind = "environment";
        s->env = env;
        snprintf(s->id, sizeof(s->id), "environment/%s", ss_environment_name(env));
        snprintf(s->name, sizeof(s->name), "%s", ss_environment_name(env));
    }
}

static void add_mgs(struct scan *sc, struct scope **list, size_t *n)
{
    for (uint32_t m = 0; m < ss_score_nmgs(sc->score); m++) {
        struct scope *s = scope_add(list, n, "managementGroup");
        snprintf(s->id, sizeof(s->id), "/providers/Microsoft.Management/managementGroups/%s",
                 ss_score_mg_name(sc->score, m));
        snprintf(s->name, sizeof(s->name), "%s", ss_score_mg_display(sc->score, m));
        scope_take(s, sc, in_mg, &m);
    }
}

static void add_subs(struct scan *sc, struct scope **list, size_t *n)
{
    for (size_t i = 0; i < sc->nsubs; i++) {
        uint32_t sub = sc->subs[i];
        struct scope *s = scope_add(list, n, "subscription");
        snprintf(s->id, sizeof(s->id), "/subscriptions/%s", ss_score_sub_id(sc->score, sub));
        snprintf(s->name, sizeof(s->name), "%s", ss_score_sub_name(sc->score, sub));
        s->env = ss_score_sub_env(sc->score, sub);
        scope_take(s, sc, is_sub, &sub);
    }
}

/* ---- table output ---- */

static double pct(double fraction)
{
    return fraction * 100.0;
}

static void scope_label(const struct scope *s, char *label, size_t size)
{
    bool is_sub = !strcmp(s->kind, "subscription");
    if (is_sub && strcmp(s->name, s->id + 15) != 0)
        snprintf(label, size, "%.40s (%s)", s->name, s->id + 15);
    else
        snprintf(label, size, "%.80s", is_sub ? s->id + 15 : s->name);
}

static void print_scope_row(const struct scan *sc, const struct scope *s)
{
    bool is_sub = !strcmp(s->kind, "subscription");
    bool disabled = is_sub && !ss_score_sub_enabled(sc->score, s->subs[0]);
    char label[128];
    scope_label(s, label, sizeof(label));
    const char *env = is_sub || !strcmp(s->kind, "environment") ? ss_environment_name(s->env) : "-";
    if (disabled) {
        printf("%-*s  %-11s  %s (no score)\n", sc->label_width, label, env,
               ss_score_sub_state(sc->score, s->subs[0]));
        return;
    }
    char points[40];
    if (sc->agg == SS_AGG_WEIGHTED && !is_sub)
        snprintf(points, sizeof(points), "%s", "-"); /* a weighted average has no points */
    else
        snprintf(points, sizeof(points), "%7.2f / %-3d", s->total.current, s->total.max);
    printf("%-*s  %-11s  %6.2f%%  %-13s  %8llu\n", sc->label_width, label, env,
           pct(s->total.percentage), points, (unsigned long long)s->total.weight);
}

static size_t enabled_count(const struct scan *sc, const struct scope *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nsubs; i++)
        n += ss_score_sub_enabled(sc->score, s->subs[i]);
    return n;
}

static void print_controls(const struct scan *sc, const struct scope *t)
{
    printf("\n%-60s %4s %8s %10s %8s %10s %6s\n", "CONTROL", "MAX", "CURRENT", "POTENTIAL",
           "HEALTHY", "UNHEALTHY", "N/A");
    for (size_t c = 0; c < ss_catalog_ncontrols(sc->cat); c++) {
        const struct ss_control *ctl = ss_catalog_control(sc->cat, c);
        const struct ss_control_result *r = &t->controls[c];
        if (!r->healthy && !r->unhealthy && !r->not_applicable)
            continue;
        printf("%-60.60s %4d %8.2f %+10.2f %8u %10u %6u\n", ctl->display_name, r->max, r->current,
               r->max - r->current, r->healthy, r->unhealthy, r->not_applicable);
    }
}

static void print_table(struct scan *sc, struct scope *rows, size_t nrows, struct scope *tenant)
{
    char label[128];
    size_t n = enabled_count(sc, tenant);
    snprintf(label, sizeof(label), "%.60s (%s, %zu enabled subscription%s)", tenant->name,
             sc->agg == SS_AGG_POOLED ? "pooled" : "weighted", n, n == 1 ? "" : "s");
    snprintf(tenant->name, sizeof(tenant->name), "%s", label);
    sc->label_width = (int)strlen(label);
    for (size_t i = 0; i < nrows; i++) {
        scope_label(&rows[i], label, sizeof(label));
        if ((int)strlen(label) > sc->label_width)
            sc->label_width = (int)strlen(label);
    }
    printf("%-*s  %-11s  %7s  %-13s  %8s\n", sc->label_width, "SCOPE", "ENVIRONMENT", "SCORE",
           "CURRENT / MAX", "WEIGHT");
    for (size_t i = 0; i < nrows; i++)
        print_scope_row(sc, &rows[i]);
    print_scope_row(sc, tenant);
    print_controls(sc, tenant);
}

/* ---- json output ---- */

/* "/subscriptions/{s}" into buf[64]. */
static const char *sub_scope(const struct ss_score *s, uint32_t sub, char *buf)
{
    snprintf(buf, 64, "/subscriptions/%s", ss_score_sub_id(s, sub));
    return buf;
}

static void jw_scope(struct ss_jw *w, const struct scan *sc, const struct scope *s)
{
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "id");
    ss_jw_strz(w, s->id);
    ss_jw_keyz(w, "type");
    ss_jw_strz(w, s->kind);
    ss_jw_keyz(w, "displayName");
    ss_jw_strz(w, s->name);
    ss_jw_keyz(w, "aggregation");
    ss_jw_strz(w, sc->agg == SS_AGG_POOLED ? "pooled" : "weighted");
    ss_jw_keyz(w, "subscriptions");
    ss_jw_arr_begin(w);
    for (size_t i = 0; i < s->nsubs; i++)
        if (ss_score_sub_enabled(sc->score, s->subs[i]))
            ss_jw_strz(w, ss_score_sub_id(sc->score, s->subs[i]));
    ss_jw_arr_end(w);
    ss_rest_score_member(w, s->total.max, s->total.current, s->total.percentage);
    ss_jw_keyz(w, "weight");
    ss_jw_int(w, (int64_t)s->total.weight);
    ss_jw_obj_end(w);
}

static void print_json(const struct scan *sc, struct scope *scopes, size_t nscopes)
{
    char scope[64];
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &b, SS_JW_PRETTY);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "secureScores");
    ss_jw_arr_begin(&w);
    for (size_t i = 0; i < sc->nsubs; i++) {
        struct ss_score_result r;
        if (!ss_score_sub_enabled(sc->score, sc->subs[i]))
            continue;
        ss_score_sub_result(sc->score, sc->subs[i], &r);
        ss_rest_secure_score(&w, sub_scope(sc->score, sc->subs[i], scope), &r);
    }
    ss_jw_arr_end(&w);
    ss_jw_keyz(&w, "secureScoreControls");
    ss_jw_arr_begin(&w);
    for (size_t i = 0; i < sc->nsubs; i++) {
        if (!ss_score_sub_enabled(sc->score, sc->subs[i]))
            continue;
        for (size_t c = 0; c < ss_catalog_ncontrols(sc->cat); c++) {
            struct ss_control_result r;
            ss_score_control_result(sc->score, sc->subs[i], (uint32_t)c, &r);
            if (r.healthy || r.unhealthy || r.not_applicable)
                ss_rest_control(&w, sub_scope(sc->score, sc->subs[i], scope),
                                ss_catalog_control(sc->cat, c), &r, true);
        }
    }
    ss_jw_arr_end(&w);
    ss_jw_keyz(&w, "scopes");
    ss_jw_arr_begin(&w);
    for (size_t i = 0; i < nscopes; i++)
        jw_scope(&w, sc, &scopes[i]);
    ss_jw_arr_end(&w);
    ss_jw_obj_end(&w);
    fwrite(b.ptr, 1, b.len, stdout);
    putchar('\n');
    ss_buf_release(&b);
}

/* ---- csv output ---- */

static void csv_field(const char *s)
{
    bool quote = strpbrk(s, ",\"\n\r") != NULL;
    if (!quote) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void csv_row(const struct scope *s, const char *ctl_id, const char *ctl_name, int max,
                    double current, double percentage, const struct ss_control_result *r,
                    uint64_t weight)
{
    char num[48];
    csv_field(s->kind);
    putchar(',');
    csv_field(s->id);
    putchar(',');
    csv_field(s->name);
    putchar(',');
    csv_field(ctl_id);
    putchar(',');
    csv_field(ctl_name);
    ss_json_fmt_double(num, current);
    printf(",%d,%s,", max, num);
    ss_json_fmt_double(num, percentage);
    printf("%s,", num);
    ss_json_fmt_double(num, ss_round2(max - current));
    printf("%s,", num);
    if (r)
        printf("%u,%u,%u,", r->healthy, r->unhealthy, r->not_applicable);
    else
        printf(",,,");
    printf("%llu\n", (unsigned long long)weight);
}

static void print_csv_header(void)
{
    printf("scope_type,scope_id,scope_name,control_id,control_name,max,current,percentage,"
           "potential_increase,healthy,unhealthy,not_applicable,weight\n");
}

static void print_csv(const struct scan *sc, struct scope *rows, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++) {
        const struct scope *s = &rows[i];
        if (!strcmp(s->kind, "subscription") && !ss_score_sub_enabled(sc->score, s->subs[0]))
            continue; /* no score, as Azure gives none */
        csv_row(s, "", "", s->total.max, s->total.current, s->total.percentage, NULL,
                s->total.weight);
        for (size_t c = 0; c < ss_catalog_ncontrols(sc->cat); c++) {
            const struct ss_control_result *r = &s->controls[c];
            const struct ss_control *ctl = ss_catalog_control(sc->cat, c);
            if (r->healthy || r->unhealthy || r->not_applicable)
                csv_row(s, ctl->id, ctl->display_name, r->max, r->current, r->percentage, r,
                        r->weight);
        }
    }
}

/* ---- --explain ---- */

/* ---- the command ---- */

static int render(struct scan *sc)
{
    struct scope *rows = NULL, *all = NULL;
    size_t nrows = 0, nall = 0;
    add_tenant(sc, &all, &nall);
    add_mgs(sc, &all, &nall);
    add_envs(sc, &all, &nall);
    for (size_t i = 0; i < nall; i++)
        scope_compute(sc, &all[i], sc->agg);
    if (sc->by == BY_SUBSCRIPTION)
        add_subs(sc, &rows, &nrows);
    else if (sc->by == BY_ENVIRONMENT)
        add_envs(sc, &rows, &nrows);
    else
        add_mgs(sc, &rows, &nrows);
    for (size_t i = 0; i < nrows; i++)
        scope_compute(sc, &rows[i], sc->agg);
    if (sc->format == FMT_JSON) {
        print_json(sc, all, nall);
    } else if (sc->format == FMT_CSV) {
        print_csv_header();
        print_csv(sc, rows, nrows);
        print_csv(sc, all, 1);
    } else {
        print_table(sc, rows, nrows, &all[0]);
    }
    int rc = 0;
    if (sc->fail_under >= 0) {
        struct ss_score_result pooled;
        ss_score_aggregate(sc->score, sc->subs, sc->nsubs, SS_AGG_POOLED, &pooled, NULL);
        if (pct(pooled.percentage) < sc->fail_under) {
            if (!pooled.max)
                fprintf(stderr,
                        "securescore: nothing was scored (no assessed resource in an "
                        "enabled subscription): below --fail-under %g%%\n",
                        sc->fail_under);
            else
                fprintf(stderr, "securescore: score %.2f%% is below --fail-under %g%%\n",
                        pct(pooled.percentage), sc->fail_under);
            rc = EXIT_BELOW;
        }
    }
    for (size_t i = 0; i < nrows; i++)
        scope_release(&rows[i]);
    for (size_t i = 0; i < nall; i++)
        scope_release(&all[i]);
    free(rows);
    free(all);
    return rc;
}

int cmd_scan(int argc, char **argv)
{
    struct scan sc;
    memset(&sc, 0, sizeof(sc));
    sc.fail_under = -1;
    sc.limit = 50;
    sc.now = (int64_t)time(NULL) * 10000000;
    int rc = parse_args(&sc, argc, argv);
    if (!rc)
        rc = load(&sc);
    if (!rc)
        rc = select_subs(&sc);
    if (!rc && sc.explain)
        rc = cli_explain(sc.cat, sc.score, sc.subs, sc.nsubs, sc.explain, sc.limit);
    else if (!rc)
        rc = render(&sc);
    free(sc.subs);
    free(sc.select);
    ss_score_free(sc.score);
    ss_catalog_free(sc.cat);
    return rc;
}
