/*
 * securescore serve | token | assign: the server and the commands that
 * administer its database.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "securescore/catalog.h"
#include "securescore/engine.h"
#include "securescore/server.h"
#include "securescore/store.h"

const char cmd_serve_usage[] =
    "usage: securescore serve [options]\n"
    "\n"
    "Serves Azure's secure score REST API (secureScores, secureScoreControls,\n"
    "secureScoreControlDefinitions, assessments, assessmentMetadata), ARM resource\n"
    "PUT/GET/DELETE evaluated on arrival, policy assignments, changes and history,\n"
    "from a SQLite database. Stops cleanly on SIGTERM or SIGINT.\n"
    "\n"
    "  --db PATH              database (default $XDG_DATA_HOME/securescore/securescore.db,\n"
    "                         else ~/.local/share/securescore/securescore.db)\n"
    "  --listen ADDR:PORT     address to listen on (default 127.0.0.1:8443; port 0 picks one)\n"
    "  --tls-cert FILE        PEM certificate (chain); with --tls-key serves HTTPS\n"
    "  --tls-key FILE         PEM private key\n"
    "  --allow-plain-http     plain HTTP on a non-loopback address (not recommended)\n"
    "  --definitions FILE     Azure secureScoreControlDefinitions list: replaces or adds\n"
    "                         controls (read at every start, as scan's option)\n"
    "  --metadata FILE        Azure assessmentMetadata list: replaces or adds recommendations\n"
    "  --import FILE|DIR      read inventories and assessment exports at start (repeatable)\n"
    "  --watch DIR            import new or changed files of DIR as they appear\n"
    "  --watch-interval SECS  how often --watch looks (default 2)\n"
    "  --max-body BYTES       largest request body (default 4194304)\n"
    "  --threads N            worker threads (default: the number of CPUs)\n"
    "  --access-log FILE      one JSON line per request ('-' = standard error)\n"
    "  --retention-days N     days the change log keeps (default 400)\n"
    "  --durable              fsync every commit (survives power loss, slower writes)\n"
    "  --ready-file FILE      write the port there once listening\n";

const char cmd_token_usage[] =
    "usage: securescore token create --db PATH --principal NAME --role ROLE --scope SCOPE\n"
    "       securescore token list --db PATH\n"
    "       securescore token revoke --db PATH ID\n"
    "\n"
    "Manages the bearer tokens of the API. `create` prints the new token as its last\n"
    "line: it is shown once and stored only as a SHA-256 hash. ROLE is Reader,\n"
    "Security Reader, Contributor, Security Admin or Owner; SCOPE is '/', a management\n"
    "group id (/providers/Microsoft.Management/managementGroups/NAME), a subscription\n"
    "id (/subscriptions/GUID) or a resource group id. A running server sees new and\n"
    "revoked tokens within 6 seconds.\n";

const char cmd_assign_usage[] =
    "usage: securescore assign --db PATH --scope SCOPE --recommendation KEY|NAME\n"
    "                          [--effect Audit|Deny|Disabled|AuditIfNotExists]\n"
    "                          [--param NAME=JSON]... [--remove]\n"
    "       securescore assign --db PATH --list [--scope SCOPE]\n"
    "\n"
    "Sets which recommendations are active at a scope ('/', a management group or\n"
    "a subscription), with their effect and rule parameters; the most specific\n"
    "scope wins. Disabled makes them NotApplicable (OffByPolicy); Deny refuses\n"
    "non-compliant resource PUTs with 403 RequestDisallowedByPolicy. Run it while\n"
    "the server is stopped, or use the API (PUT {scope}/providers/\n"
    "Microsoft.Security/assignments/{key}).\n";

static void default_db(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    char dir[3000];
    if (xdg && *xdg)
        snprintf(dir, sizeof(dir), "%s/securescore", xdg);
    else
        snprintf(dir, sizeof(dir), "%s/.local/share/securescore", home && *home ? home : ".");
    /* mkdir -p of the last two levels is enough for the defaults */
    char parent[3000];
    snprintf(parent, sizeof(parent), "%s", dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        mkdir(parent, 0700);
    }
    mkdir(dir, 0700);
    snprintf(buf, size, "%s/securescore.db", dir);
}

static const char *opt_value(int argc, char **argv, int *i, const char *cmd)
{
    if (*i + 1 >= argc) {
        cli_usage_error(cmd, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int cmd_serve(int argc, char **argv)
{
    struct ss_server_opts o;
    memset(&o, 0, sizeof(o));
    o.listen = "127.0.0.1:8443";
    const char **imports = calloc((size_t)argc + 1, sizeof(char *));
    char db[3100];
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (cli_is_help(a)) {
            fputs(cmd_serve_usage, stdout);
            free(imports);
            return EXIT_OK;
        }
        if (strcmp(a, "--allow-plain-http") == 0) {
            o.allow_plain = true;
            continue;
        }
        if (strcmp(a, "--durable") == 0) {
            o.durable = true;
            continue;
        }
        static const char *const with_value[] = {
            "--db",         "--listen",         "--tls-cert", "--tls-key",        "--import",
            "--watch",      "--watch-interval", "--max-body", "--threads",        "--access-log",
            "--ready-file", "--definitions",    "--metadata", "--retention-days", NULL};
        bool known = false;
        for (size_t k = 0; with_value[k]; k++)
            known |= strcmp(a, with_value[k]) == 0;
        if (!known) {
            rc = cli_usage_error("serve", "unknown option '%s'", a);
            goto out;
        }
        if (!(v = opt_value(argc, argv, &i, "serve"))) {
            rc = EXIT_USAGE;
            goto out;
        }
        char *end;
        if (strcmp(a, "--db") == 0)
            o.db = v;
        else if (strcmp(a, "--listen") == 0)
            o.listen = v;
        else if (strcmp(a, "--tls-cert") == 0)
            o.tls_cert = v;
        else if (strcmp(a, "--tls-key") == 0)
            o.tls_key = v;
        else if (strcmp(a, "--import") == 0)
            imports[o.nimports++] = v;
        else if (strcmp(a, "--watch") == 0)
            o.watch = v;
        else if (strcmp(a, "--access-log") == 0)
            o.access_log = v;
        else if (strcmp(a, "--ready-file") == 0)
            o.ready_file = v;
        else if (strcmp(a, "--definitions") == 0)
            o.definitions = v;
        else if (strcmp(a, "--metadata") == 0)
            o.metadata = v;
        else {
            unsigned long long n = strtoull(v, &end, 10);
            if (*end || end == v || n == 0 || n > (1ull << 32)) {
                rc = cli_value_error("serve", "%s %s: expected a positive integer", a, v);
                goto out;
            }
            if (strcmp(a, "--watch-interval") == 0)
                o.watch_seconds = (unsigned)n;
            else if (strcmp(a, "--retention-days") == 0)
                o.retention_days = (unsigned)(n > 100000 ? 100000 : n);
            else if (strcmp(a, "--max-body") == 0)
                o.max_body = (size_t)n;
            else
                o.threads = (unsigned)(n > 256 ? 256 : n);
        }
    }
    if (!o.db) {
        default_db(db, sizeof(db));
        o.db = db;
    }
    o.imports = imports;
    struct ss_diag d;
    ss_diag_clear(&d);
    enum ss_err e = ss_server_run(&o, &d);
    if (e)
        rc = e == SS_EINVAL ? cli_usage_error("serve", "%s", d.msg) : cli_report(&d);
out:
    free(imports);
    return rc;
}

/* ---- token ---- */

static enum ss_err print_token(void *arg, const struct ss_store_token *t)
{
    char when[40];
    (void)arg;
    ss_time_format(t->created, when);
    printf("%-4lld %-24s %-16s %-8s %.19s  %s\n", (long long)t->id, t->principal, t->role,
           t->revoked ? "revoked" : "active", when, t->scope);
    return SS_OK;
}

static int open_store(const char *db, struct ss_store **st)
{
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_store_open(db, st, &d))
        return cli_report(&d);
    return EXIT_OK;
}

int cmd_token(int argc, char **argv)
{
    if (argc < 2 || cli_is_help(argv[1])) {
        fputs(cmd_token_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *sub = argv[1], *db = NULL, *principal = NULL, *role = NULL, *scope = NULL,
               *id = NULL;
    char dbbuf[3100];
    for (int i = 2; i < argc; i++) {
        const char **slot = strcmp(argv[i], "--db") == 0          ? &db
                            : strcmp(argv[i], "--principal") == 0 ? &principal
                            : strcmp(argv[i], "--role") == 0      ? &role
                            : strcmp(argv[i], "--scope") == 0     ? &scope
                                                                  : NULL;
        if (slot) {
            if (!(*slot = opt_value(argc, argv, &i, "token")))
                return EXIT_USAGE;
        } else if (argv[i][0] != '-' && !id) {
            id = argv[i];
        } else {
            return cli_usage_error("token", "unknown option '%s'", argv[i]);
        }
    }
    if (!db) {
        default_db(dbbuf, sizeof(dbbuf));
        db = dbbuf;
    }
    struct ss_store *st = NULL;
    int rc;
    if (strcmp(sub, "create") == 0) {
        enum ss_role r;
        if (!principal || !role || !scope)
            return cli_usage_error("token", "create needs --principal, --role and --scope");
        if (!ss_role_parse(role, &r))
            return cli_value_error("token",
                                   "--role %s: expected Reader, Security Reader, Contributor, "
                                   "Security Admin or Owner",
                                   role);
        if ((rc = open_store(db, &st)))
            return rc;
        char tok[65];
        int64_t tid;
        struct ss_diag d;
        ss_diag_clear(&d);
        enum ss_err e = ss_token_create(st, principal, r, scope, tok, &tid, &d);
        ss_store_close(st);
        if (e)
            return e == SS_EINVAL ? cli_value_error("token", "%s", d.msg) : cli_report(&d);
        printf("token %lld for %s (%s at %s); it is shown once:\n%s\n", (long long)tid, principal,
               ss_role_name(r), scope, tok);
        return EXIT_OK;
    }
    if (strcmp(sub, "list") == 0) {
        if ((rc = open_store(db, &st)))
            return rc;
        printf("%-4s %-24s %-16s %-8s %-20s %s\n", "ID", "PRINCIPAL", "ROLE", "STATE", "CREATED",
               "SCOPE");
        ss_store_token_each(st, print_token, NULL);
        ss_store_close(st);
        return EXIT_OK;
    }
    if (strcmp(sub, "revoke") == 0) {
        char *end;
        long long n = id ? strtoll(id, &end, 10) : 0;
        if (!id || *end || n <= 0)
            return cli_usage_error("token", "revoke needs a token id (see token list)");
        if ((rc = open_store(db, &st)))
            return rc;
        enum ss_err e = ss_store_token_revoke(st, n);
        ss_store_close(st);
        if (e == SS_ENOENT)
            return cli_value_error("token", "no token %lld", n);
        if (e)
            return EXIT_RUNTIME;
        printf("token %lld revoked\n", n);
        return EXIT_OK;
    }
    return cli_usage_error("token", "unknown subcommand '%s' (create, list, revoke)", sub);
}

/* ---- assign ---- */

static void print_assignment(void *arg, const struct ss_assignment *a)
{
    const struct ss_catalog *cat = arg;
    const struct ss_rec *rec = ss_catalog_rec(cat, a->rec);
    printf("%-20s %s  %s  %s%s\n", ss_assign_effect_name(a->effect), a->scope, rec->key,
           rec->display_name, a->parameters ? "  (parameters)" : "");
}

int cmd_assign(int argc, char **argv)
{
    const char *db = NULL, *scope = NULL, *recname = NULL, *effect = NULL;
    bool list = false, remove = false;
    char dbbuf[3100];
    char params[8192] = "";
    size_t plen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            fputs(cmd_assign_usage, stdout);
            return EXIT_OK;
        }
        if (strcmp(a, "--list") == 0) {
            list = true;
            continue;
        }
        if (strcmp(a, "--remove") == 0) {
            remove = true;
            continue;
        }
        const char **slot = strcmp(a, "--db") == 0               ? &db
                            : strcmp(a, "--scope") == 0          ? &scope
                            : strcmp(a, "--recommendation") == 0 ? &recname
                            : strcmp(a, "--effect") == 0         ? &effect
                                                                 : NULL;
        const char *v;
        if (slot) {
            if (!(*slot = opt_value(argc, argv, &i, "assign")))
                return EXIT_USAGE;
            continue;
        }
        if (strcmp(a, "--param") != 0)
            return cli_usage_error("assign", "unknown option '%s'", a);
        if (!(v = opt_value(argc, argv, &i, "assign")))
            return EXIT_USAGE;
        const char *eq = strchr(v, '=');
        if (!eq || eq == v)
            return cli_value_error("assign", "--param %s: expected NAME=JSON", v);
        int n = snprintf(params + plen, sizeof(params) - plen, "%s\"%.*s\":{\"value\":%s}",
                         plen ? "," : "{", (int)(eq - v), v, eq + 1);
        if (n < 0 || (size_t)n >= sizeof(params) - plen - 2)
            return cli_value_error("assign", "--param: too long");
        plen += (size_t)n;
    }
    if (plen)
        snprintf(params + plen, sizeof(params) - plen, "}");
    if (!db) {
        default_db(dbbuf, sizeof(dbbuf));
        db = dbbuf;
    }
    if (!list && (!scope || !recname))
        return cli_usage_error("assign", "give --scope and --recommendation (or --list)");
    struct ss_engine *e = NULL;
    struct ss_engine_opts eo = {db, false, NULL, NULL, 0};
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_engine_open(&eo, &e, &d))
        return cli_report(&d);
    int rc = EXIT_OK;
    const struct ss_catalog *cat = ss_engine_catalog(e);
    if (list) {
        ss_engine_each_assignment(e, scope ? scope : "/", print_assignment, (void *)cat);
        ss_engine_close(e);
        return EXIT_OK;
    }
    long rec = ss_catalog_find_rec(cat, recname, strlen(recname));
    if (rec < 0)
        rec = ss_catalog_find_rec_by_name(cat, recname, strlen(recname));
    if (rec < 0) {
        ss_engine_close(e);
        return cli_value_error("assign", "--recommendation %s: no such key or display name",
                               recname);
    }
    enum ss_err err;
    if (remove) {
        err = ss_engine_unassign(e, scope, (uint32_t)rec, &d);
    } else {
        struct ss_assignment a;
        memset(&a, 0, sizeof(a));
        snprintf(a.scope, sizeof(a.scope), "%s", scope);
        a.rec = (uint32_t)rec;
        if (effect && !ss_assign_effect_parse(effect, strlen(effect), &a.effect)) {
            ss_engine_close(e);
            return cli_value_error("assign",
                                   "--effect %s: expected Audit, Deny, Disabled or "
                                   "AuditIfNotExists",
                                   effect);
        }
        a.parameters = plen ? params : NULL;
        err = ss_engine_assign(e, &a, NULL, &d);
    }
    if (err)
        rc = cli_report(&d);
    else
        printf("%s %s at %s\n", remove ? "removed" : "assigned",
               ss_catalog_rec(cat, (size_t)rec)->key, scope);
    ss_engine_close(e);
    return rc;
}
