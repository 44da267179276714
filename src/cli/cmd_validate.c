/*
 * securescore validate: checks that files are well-formed JSON in one of the
 * inventory shapes (a value, an array, JSON Lines, an ARM `{"value": [...]}`
 * list or a Resource Graph `{"data": [...]}` response) and reports the first
 * fault of each file as file:line:col. Streams, so any size works.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "securescore/ingest.h"
#include "securescore/json.h"

const char cmd_validate_usage[] =
    "usage: securescore validate [-q] FILE|DIR...\n"
    "\n"
    "Checks that each file is strict JSON (RFC 8259: UTF-8, no duplicate keys,\n"
    "no trailing commas, no NaN) in one of the inventory shapes: a single value,\n"
    "an array, JSON Lines, {\"value\": [...]} or {\"data\": [...]}. A directory is\n"
    "searched recursively for *.json, *.jsonl and *.ndjson files. '-' reads\n"
    "standard input. Prints one line per file; a fault is printed as\n"
    "file:line:column: message. Exit 0 if all are valid, 65 if any is not.\n"
    "\n"
    "  -q, --quiet   print only faults\n";

static const char *const unwrap_names[] = {"value", "data", NULL};

static const char *shape_name(enum ss_json_reader_shape s)
{
    switch (s) {
    case SS_JSON_SHAPE_ARRAY:
        return "array";
    case SS_JSON_SHAPE_SEQUENCE:
        return "values";
    case SS_JSON_SHAPE_WRAPPED:
        return "wrapped list";
    default:
        return "empty";
    }
}

/* Validates one file; returns 0 or an exit code. */
static int validate_file(const char *path, bool quiet)
{
    struct ss_diag d;
    ss_diag_clear(&d);
    bool is_stdin = strcmp(path, "-") == 0;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ss_diag_set_file(&d, path);
        ss_diag_set(&d, SS_EOPEN, "cannot open: %s", strerror(errno));
        return cli_report(&d);
    }
    struct ss_json_opts opts = {0, 0, 0, 0, path};
    struct ss_json_reader *r = ss_json_reader_new(fd, &opts, unwrap_names);
    unsigned long long count = 0;
    enum ss_err e;
    struct ss_json v;
    while ((e = ss_json_reader_next(r, &v, &d)) == SS_OK && ss_json_exists(v))
        count++;
    enum ss_json_reader_shape shape = ss_json_reader_shape(r);
    ss_json_reader_free(r);
    if (!is_stdin)
        close(fd);
    if (e)
        return cli_report(&d);
    if (!quiet)
        printf("%s: ok, %llu value%s (%s)\n", path, count, count == 1 ? "" : "s",
               shape_name(shape));
    return 0;
}

struct walk {
    bool quiet;
    int rc; /* first failing file's exit code */
};

static enum ss_err validate_one(void *arg, const char *path, struct ss_diag *diag)
{
    struct walk *w = arg;
    (void)diag;
    int r = validate_file(path, w->quiet);
    if (r && !w->rc)
        w->rc = r;
    return SS_OK; /* go on: report every faulty file */
}

static int validate_path(const char *path, bool quiet)
{
    struct walk w = {quiet, 0};
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_input_files(path, validate_one, &w, &d))
        return cli_report(&d);
    return w.rc;
}

int cmd_validate(int argc, char **argv)
{
    bool quiet = false, opts_done = false;
    int nfiles = 0, rc = 0;
    /* Options may come anywhere before "--" (GNU style). */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (opts_done || a[0] != '-' || !a[1])
            continue;
        if (strcmp(a, "--") == 0)
            opts_done = true;
        else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
            quiet = true;
        else
            return cli_usage_error("validate", "unknown option '%s'", a);
    }
    opts_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!opts_done && a[0] == '-' && a[1]) {
            opts_done = strcmp(a, "--") == 0;
            continue;
        }
        nfiles++;
        int r = validate_path(a, quiet);
        if (r && !rc)
            rc = r;
    }
    if (!nfiles)
        return cli_usage_error("validate", "no input files");
    return rc;
}
