/*
 * securescore: the command-line program. A table of subcommands (git's
 * `commands[]`), global --help/--version, and the shared error reporting.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifndef SS_VERSION
#define SS_VERSION "0.0.0"
#endif

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const char help_usage[] = "usage: securescore help [COMMAND]\n";
static const char version_usage[] = "usage: securescore version\n";

static const struct cli_cmd commands[] = {
    {"scan", cmd_scan, "compute the secure score of inventories and assessment exports",
     cmd_scan_usage},
    {"policy", cmd_policy, "run Azure Policy definitions on resource files (test, check)",
     cmd_policy_usage},
    {"serve", cmd_serve, "serve the Azure REST API over HTTPS from a database", cmd_serve_usage},
    {"token", cmd_token, "create, list and revoke API tokens", cmd_token_usage},
    {"assign", cmd_assign, "set which recommendations are active at a scope, and their effect",
     cmd_assign_usage},
    {"query", cmd_query, "run a Resource Graph (KQL) query over the inputs", cmd_query_usage},
    {"validate", cmd_validate, "check JSON and inventory files, report the first fault",
     cmd_validate_usage},
    {"version", cmd_version, "print the version", version_usage},
    {"help", cmd_help, "show help for a command", help_usage},
};

static const struct cli_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_help(FILE *f)
{
    fprintf(f, "securescore %s - Defender for Cloud's secure score, self-hosted\n\n", SS_VERSION);
    fprintf(f, "usage: securescore [--help] [--version] COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'securescore help COMMAND' or 'securescore COMMAND --help' shows a command's "
               "options.\nExit codes: 0 ok, 1 runtime error, 2 usage error, 3 score below "
               "--fail-under, 65 bad input.\n");
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stdout);
        return EXIT_OK;
    }
    const struct cli_cmd *c = find_cmd(argv[1]);
    if (!c)
        return cli_usage_error("help", "unknown command '%s'", argv[1]);
    fputs(c->usage, stdout);
    return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return cli_usage_error("version", "unexpected argument '%s'", argv[1]);
    printf("securescore %s\n", SS_VERSION);
    return EXIT_OK;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "securescore: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'securescore %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return EXIT_USAGE;
}

int cli_value_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "securescore: %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_DATA;
}

int cli_report(const struct ss_diag *d)
{
    char buf[1024];
    fprintf(stderr, "securescore: %s\n", ss_diag_format(d, buf, sizeof(buf)));
    return ss_err_exit_code(d->code ? d->code : SS_EINTERNAL);
}

bool cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *a = argv[1];
    if (cli_is_help(a)) {
        print_help(stdout);
        return EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0)
        return cmd_version(1, argv + 1);
    if (a[0] == '-')
        return cli_usage_error(NULL, "unknown option '%s'", a);
    const struct cli_cmd *c = find_cmd(a);
    if (!c)
        return cli_usage_error(NULL, "unknown command '%s'", a);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (cli_is_help(argv[i])) {
            fputs(c->usage, stdout);
            return EXIT_OK;
        }
    }
    return c->run(argc - 1, argv + 1);
}
