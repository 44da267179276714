/*
 * Shared declarations of the `securescore` command-line program. The CLI is
 * a thin client of the engine: it includes only the public headers in include/securescore/.
 */
#ifndef SS_CLI_H
#define SS_CLI_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "securescore/errors.h"

/* Exit codes scripts can rely on (also listed in the README). */
enum cli_exit {
    EXIT_OK = 0,
    EXIT_RUNTIME = 1, /* I/O failure, internal error */
    EXIT_USAGE = 2,   /* unknown command or option, bad option value */
    EXIT_BELOW = 3,   /* scan --fail-under: the score is below the threshold */
    EXIT_DATA = 65,   /* bad input data (sysexits EX_DATAERR) */
};

struct cli_cmd {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;
    const char *usage; /* full help text of the command */
};

/* Prints "securescore: <cmd>: message" and a hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For a bad option value: prints "securescore: <cmd>: message"; returns EXIT_DATA (65),
 * as for any other bad input. */
int cli_value_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a diagnostic as "securescore: file:line:col: message"; returns its exit code. */
int cli_report(const struct ss_diag *d);
/* True if argv[i] is -h or --help. */
bool cli_is_help(const char *arg);

int cmd_validate(int argc, char **argv);
extern const char cmd_validate_usage[];
int cmd_scan(int argc, char **argv);
int cmd_policy(int argc, char **argv);
extern const char cmd_policy_usage[];
extern const char cmd_scan_usage[];
int cmd_serve(int argc, char **argv);
extern const char cmd_serve_usage[];
int cmd_token(int argc, char **argv);
extern const char cmd_token_usage[];
int cmd_assign(int argc, char **argv);
extern const char cmd_assign_usage[];
int cmd_query(int argc, char **argv);
extern const char cmd_query_usage[];

struct ss_catalog;
struct ss_score;
/* scan --explain: prints why a control is below its maximum. Returns an exit code. */
int cli_explain(const struct ss_catalog *cat, const struct ss_score *s, const uint32_t *subs,
                size_t nsubs, const char *control, long limit);

#endif
