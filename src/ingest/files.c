/*
 * Walking input paths: a file, or a directory's JSON files, recursively and
 * in name order, so results never depend on the order readdir() returns.
 */
#include "common/setup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "securescore/ingest.h"

/* Directory depth beyond which we stop descending (a symlink loop). */
#define MAX_DIR_DEPTH 32

static bool json_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot &&
           (strcmp(dot, ".json") == 0 || strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum ss_err walk(const char *path, int depth, ss_file_fn fn, void *arg,
                        struct ss_diag *diag);

/* Collects the entries of a directory (without . files), sorted. */
static enum ss_err list_dir(const char *path, char ***out, size_t *count, struct ss_diag *diag)
{
    DIR *d = opendir(path);
    if (!d) {
        ss_diag_set_file(diag, path);
        return ss_diag_set(diag, SS_EOPEN, "cannot open directory: %s", strerror(errno));
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        size_t len = strlen(path) + strlen(ent->d_name) + 2;
        names = ss_xreallocarray(names, n + 1, sizeof(*names));
        names[n] = ss_xmalloc(len);
        snprintf(names[n++], len, "%s/%s", path, ent->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_names);
    *out = names;
    *count = n;
    return SS_OK;
}

static enum ss_err walk_dir(const char *path, int depth, ss_file_fn fn, void *arg,
                            struct ss_diag *diag)
{
    char **names = NULL;
    size_t n = 0;
    enum ss_err e = list_dir(path, &names, &n, diag);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (!e && stat(names[i], &st) == 0 && (S_ISDIR(st.st_mode) || json_name(names[i])))
            e = walk(names[i], depth + 1, fn, arg, diag);
        free(names[i]);
    }
    free(names);
    return e;
}

static enum ss_err walk(const char *path, int depth, ss_file_fn fn, void *arg, struct ss_diag *diag)
{
    struct stat st;
    if (depth > MAX_DIR_DEPTH)
        return SS_OK;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return walk_dir(path, depth, fn, arg, diag);
    return fn(arg, path, diag);
}

enum ss_err ss_input_files(const char *path, ss_file_fn fn, void *arg, struct ss_diag *diag)
{
    return walk(path, 0, fn, arg, diag);
}
