/*
 * `securescore policy test|check`: run an Azure Policy definition on
 * resource files, or compile definitions and report what is unsupported.
 * A thin client of include/securescore/policy.h.
 */
#include "cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "securescore/buf.h"
#include "securescore/json.h"
#include "securescore/policy.h"

const char cmd_policy_usage[] =
    "usage: securescore policy test DEFINITION.json RESOURCE_FILE... [--param NAME=VALUE]...\n"
    "                               [--initiative SET.json] [--aliases FILE] [--why]\n"
    "       securescore policy check DEFINITION_OR_DIR... [--aliases FILE]\n"
    "\n"
    "test   evaluates an Azure Policy definition on every resource of the files (any\n"
    "       inventory format) and prints '<resource id> <Healthy|Unhealthy|NotApplicable>',\n"
    "       with --why the JSON pointer of the deciding condition. Related resources of\n"
    "       auditIfNotExists rules come from the same files. --param sets an assignment\n"
    "       value (JSON, or a plain string). Exit 0 whatever the outcomes.\n"
    "check  compiles definitions (directories are searched for *.json) and reports\n"
    "       each unsupported construct with its JSON pointer. Exit 65 if any fails.\n"
    "--aliases FILE loads an 'alias,path' table (plain or gzip).\n"
    "--initiative SET.json takes the parameter values the initiative assigns to the\n"
    "       definition (its defaults included) instead of --param.\n";

struct policy_args {
    const char **files;
    size_t nfiles;
    struct ss_buf params; /* {"name":{"value":V},...} */
    bool nparams;
    bool why;
    const char *aliases;
    const char *initiative;
};

static void add_param(struct policy_args *a, const char *arg, const char *eq)
{
    struct ss_jw w;
    struct ss_json_doc *doc = NULL;
    ss_jw_init(&w, &a->params, 0);
    if (!a->nparams)
        ss_jw_obj_begin(&w);
    else
        w.need_comma = true, w.depth = 1;
    a->nparams = true;
    ss_jw_key(&w, arg, (size_t)(eq - arg));
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "value");
    if (ss_json_parse(eq + 1, strlen(eq + 1), NULL, &doc, NULL) == SS_OK)
        ss_jw_value(&w, ss_json_root(doc));
    else
        ss_jw_strz(&w, eq + 1);
    ss_jw_obj_end(&w);
    ss_json_doc_free(doc);
}

static int parse_args(const char *cmd, int argc, char **argv, struct policy_args *a)
{
    a->files = calloc((size_t)argc + 1, sizeof(*a->files));
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--why") == 0) {
            a->why = true;
        } else if (strcmp(s, "--initiative") == 0 && i + 1 < argc) {
            a->initiative = argv[++i];
        } else if ((strcmp(s, "--param") == 0 || strcmp(s, "--aliases") == 0) && i + 1 < argc) {
            const char *v = argv[++i];
            const char *eq = strchr(v, '=');
            if (s[2] == 'a')
                a->aliases = v;
            else if (!eq || eq == v)
                return cli_usage_error(cmd, "--param expects NAME=VALUE, got '%s'", v);
            else
                add_param(a, v, eq);
        } else if (s[0] == '-' && s[1]) {
            return cli_usage_error(cmd, "unknown option '%s'", s);
        } else {
            a->files[a->nfiles++] = s;
        }
    }
    if (a->nparams)
        ss_buf_addc(&a->params, '}');
    return EXIT_OK;
}

/* ---- policy test ---- */

struct loaded {
    struct ss_json_doc **docs;
    size_t n, cap;
};

static void keep(struct loaded *l, struct ss_json v)
{
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    struct ss_json_doc *doc;
    ss_jw_init(&w, &b, 0);
    ss_jw_value(&w, v);
    if (ss_json_parse(b.ptr, b.len, NULL, &doc, NULL) == SS_OK) {
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 16;
            l->docs = realloc(l->docs, l->cap * sizeof(*l->docs));
            if (!l->docs)
                abort();
        }
        l->docs[l->n++] = doc;
    }
    ss_buf_release(&b);
}

static enum ss_err load_resources(const char *path, struct loaded *l, struct ss_diag *d)
{
    static const char *const unwrap[] = {"value", "data", NULL};
    int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
    if (fd < 0) {
        ss_diag_set_file(d, path);
        return ss_diag_set(d, SS_EOPEN, "cannot open %s", path);
    }
    struct ss_json_opts opts = {.name = path};
    struct ss_json_reader *r = ss_json_reader_new(fd, &opts, unwrap);
    enum ss_err e;
    struct ss_json v;
    while ((e = ss_json_reader_next(r, &v, d)) == SS_OK && ss_json_exists(v))
        keep(l, v);
    ss_json_reader_free(r);
    if (fd)
        close(fd);
    return e;
}

static void print_result(struct ss_json res, size_t i, const struct ss_policy_result *r, bool why)
{
    struct ss_str id = ss_json_str(ss_json_get_nocase(res, "id", 2));
    if (id.ptr)
        printf("%.*s %s", (int)id.len, id.ptr, ss_policy_outcome_name(r->outcome));
    else
        printf("(resource %zu) %s", i + 1, ss_policy_outcome_name(r->outcome));
    if (why)
        printf(" %s", r->why);
    putchar('\n');
}

static int run_test(struct policy_args *a, struct ss_policy *p, struct loaded *l)
{
    struct ss_policy_inventory *inv = ss_policy_inventory_new();
    struct ss_policy_eval *ev = ss_policy_eval_new();
    for (size_t i = 0; i < l->n; i++)
        ss_policy_inventory_add(inv, ss_json_root(l->docs[i]));
    int rc = EXIT_OK;
    for (size_t i = 0; i < l->n; i++) {
        struct ss_json res = ss_json_root(l->docs[i]);
        struct ss_policy_result r;
        struct ss_diag d;
        ss_diag_clear(&d);
        if (ss_policy_evaluate(ev, p, res, inv, &r, &d) != SS_OK) {
            char buf[1024];
            struct ss_str id = ss_json_str(ss_json_get_nocase(res, "id", 2));
            printf("%.*s Error %s\n", (int)id.len, id.ptr ? id.ptr : "",
                   ss_diag_format(&d, buf, sizeof(buf)));
            continue;
        }
        print_result(res, i, &r, a->why);
    }
    ss_policy_eval_free(ev);
    ss_policy_inventory_free(inv);
    return rc;
}

/* The values the initiative assigns to this definition, as an assignment's parameters. */
static enum ss_err initiative_params(struct policy_args *a, struct ss_json_doc *def,
                                     struct ss_json_doc **out, struct ss_diag *d)
{
    struct ss_json_doc *set = NULL;
    struct ss_buf b = SS_BUF_INIT;
    struct ss_str name = ss_json_str(ss_json_get_nocase(ss_json_root(def), "name", 4));
    enum ss_err e = ss_json_parse_file(a->initiative, NULL, &set, d);
    if (e == SS_OK)
        e = ss_policy_set_params(ss_json_root(set), name.ptr ? name.ptr : "", name.len, &b, d);
    if (e == SS_OK)
        e = ss_json_parse(b.ptr, b.len, NULL, out, d);
    else
        ss_diag_set_file(d, a->initiative);
    ss_buf_release(&b);
    ss_json_doc_free(set);
    return e;
}

static int cmd_policy_test(int argc, char **argv)
{
    struct policy_args a = {0};
    struct loaded l = {0};
    struct ss_json_doc *def = NULL, *pdoc = NULL;
    struct ss_policy *p = NULL;
    struct ss_policy_aliases *al = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    int rc = parse_args("policy test", argc, argv, &a);
    if (rc == EXIT_OK && a.nfiles < 2)
        rc = cli_usage_error("policy test", "expected a definition and resource files");
    enum ss_err e = SS_OK;
    if (rc == EXIT_OK && a.aliases)
        e = ss_policy_aliases_load(a.aliases, &al, &d);
    if (rc == EXIT_OK && e == SS_OK)
        e = ss_json_parse_file(a.files[0], NULL, &def, &d);
    if (rc == EXIT_OK && e == SS_OK && a.initiative && !a.nparams)
        e = initiative_params(&a, def, &pdoc, &d);
    if (rc == EXIT_OK && e == SS_OK && a.nparams)
        e = ss_json_parse(a.params.ptr, a.params.len, NULL, &pdoc, &d);
    struct ss_policy_opts opts = {.aliases = al, .lenient_params = a.initiative != NULL};
    if (pdoc)
        opts.params = ss_json_root(pdoc);
    if (rc == EXIT_OK && e == SS_OK) {
        e = ss_policy_compile(ss_json_root(def), &opts, &p, &d);
        ss_diag_set_file(&d, a.files[0]);
    }
    for (size_t i = 1; rc == EXIT_OK && e == SS_OK && i < a.nfiles; i++)
        e = load_resources(a.files[i], &l, &d);
    if (rc == EXIT_OK)
        rc = e == SS_OK ? run_test(&a, p, &l) : cli_report(&d);
    for (size_t i = 0; i < l.n; i++)
        ss_json_doc_free(l.docs[i]);
    free(l.docs);
    ss_policy_free(p);
    ss_policy_aliases_free(al);
    ss_json_doc_free(def);
    ss_json_doc_free(pdoc);
    ss_buf_release(&a.params);
    free(a.files);
    return rc;
}

/* ---- policy check ---- */

struct check_stats {
    size_t ok, failed;
    const struct ss_policy_aliases *aliases;
};

static void check_file(const char *path, struct check_stats *st)
{
    struct ss_json_doc *doc = NULL;
    struct ss_policy *p = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    struct ss_policy_opts opts = {.aliases = st->aliases};
    enum ss_err e = ss_json_parse_file(path, NULL, &doc, &d);
    struct ss_json props = ss_json_get_nocase(ss_json_root(doc), "properties", 10);
    bool is_set = ss_json_exists(ss_json_get_nocase(props, "policyDefinitions", 17));
    if (e == SS_OK && !is_set)
        e = ss_policy_compile(ss_json_root(doc), &opts, &p, &d);
    if (e == SS_OK) {
        st->ok++;
    } else {
        char buf[1024];
        ss_diag_set_file(&d, path);
        fprintf(stderr, "securescore: %s\n", ss_diag_format(&d, buf, sizeof(buf)));
        st->failed++;
    }
    ss_policy_free(p);
    ss_json_doc_free(doc);
}

static void check_path(const char *path, struct check_stats *st, int depth)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && depth < 8) {
        struct dirent **ents;
        int n = scandir(path, &ents, NULL, alphasort);
        for (int i = 0; i < n; i++) {
            const char *nm = ents[i]->d_name;
            size_t len = strlen(nm), plen = strlen(path) + len + 2;
            char *sub = malloc(plen);
            if (!sub)
                abort();
            snprintf(sub, plen, "%s/%s", path, nm);
            struct stat cs;
            bool dir = stat(sub, &cs) == 0 && S_ISDIR(cs.st_mode);
            if (nm[0] != '.' && (dir || (len > 5 && strcmp(nm + len - 5, ".json") == 0)))
                check_path(sub, st, depth + 1);
            free(sub);
            free(ents[i]);
        }
        free(ents);
        return;
    }
    check_file(path, st);
}

static int cmd_policy_check(int argc, char **argv)
{
    struct policy_args a = {0};
    struct check_stats st = {0};
    struct ss_policy_aliases *al = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    int rc = parse_args("policy check", argc, argv, &a);
    if (rc == EXIT_OK && a.nfiles == 0)
        rc = cli_usage_error("policy check", "expected definition files or directories");
    if (rc == EXIT_OK && a.aliases && ss_policy_aliases_load(a.aliases, &al, &d) != SS_OK)
        rc = cli_report(&d);
    st.aliases = al;
    for (size_t i = 0; rc == EXIT_OK && i < a.nfiles; i++)
        check_path(a.files[i], &st, 0);
    if (rc == EXIT_OK) {
        printf("%zu compiled, %zu failed\n", st.ok, st.failed);
        rc = st.failed ? EXIT_DATA : EXIT_OK;
    }
    ss_policy_aliases_free(al);
    ss_buf_release(&a.params);
    free(a.files);
    return rc;
}

static const struct cli_cmd policy_cmds[] = {
    {"test", cmd_policy_test, "evaluate a definition on resource files", cmd_policy_usage},
    {"check", cmd_policy_check, "compile definitions, report unsupported constructs",
     cmd_policy_usage},
};

int cmd_policy(int argc, char **argv)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        fputs(cmd_policy_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(policy_cmds) / sizeof(policy_cmds[0]); i++)
        if (strcmp(argv[1], policy_cmds[i].name) == 0)
            return policy_cmds[i].run(argc, argv);
    return cli_usage_error("policy", "unknown subcommand '%s'", argv[1]);
}
