/*
 * securescore validate: checks that files are well-formed JSON in one of the
 * inventory shapes (a value, an array, JSON Lines, an ARM `{"value": [...]}`
 * list or a Resource Graph `{"data": [...]}` response) and reports the first
 * fault of each file as file:line:col. Streams, so any size works.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static bool wanted_file(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot &&
           (strcmp(dot, ".json") == 0 || strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int validate_path(const char *path, bool quiet, int depth);

/* Validates the matching files of a directory in name order. */
static int validate_dir(const char *path, bool quiet, int depth)
{
    DIR *dir = opendir(path);
    if (!dir) {
        struct ss_diag d;
        ss_diag_clear(&d);
        ss_diag_set_file(&d, path);
        ss_diag_set(&d, SS_EOPEN, "cannot open directory: %s", strerror(errno));
        return cli_report(&d);
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *ent;
    while ((ent = readdir(dir)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = realloc(names, cap * sizeof(*names));
            if (!names)
                abort();
        }
        size_t len = strlen(path) + strlen(ent->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n])
            abort();
        snprintf(names[n++], len, "%s/%s", path, ent->d_name);
    }
    closedir(dir);
    if (n)
        qsort(names, n, sizeof(*names), cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && (S_ISDIR(st.st_mode) || wanted_file(names[i]))) {
            int r = validate_path(names[i], quiet, depth + 1);
            if (r && !rc)
                rc = r;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int validate_path(const char *path, bool quiet, int depth)
{
    struct stat st;
    if (depth > 64)
        return 0; /* a symlink loop: stop descending */
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return validate_dir(path, quiet, depth);
    return validate_file(path, quiet);
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
        int r = validate_path(a, quiet, 0);
        if (r && !rc)
            rc = r;
    }
    if (!nfiles)
        return cli_usage_error("validate", "no input files");
    return rc;
}
