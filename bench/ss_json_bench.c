/*
 * ss_json_bench - our JSON parser in the JSON benchmark (bench/run.sh).
 *
 *   ss_json_bench stream [FILE|-] [--bytes N] [--unwrap MEMBER]
 *                                               ss_json_reader over a descriptor
 *                                               (JSON Lines, a top-level array, or
 *                                               {"MEMBER": [...]}), one value at a time
 *   ss_json_bench dom FILE                      ss_json_parse_file, one document
 *
 * Walks every node with ss_json_iter_* and counts like the reference programs,
 * then prints one result line (bench_common.h) plus `docmem=` (dom:
 * ss_json_doc_memory) for the memory target. When the input is a pipe the
 * program cannot know its size; run.sh passes it with --bytes (the generator is
 * deterministic, so the size is measured once).
 *
 * Uses only the public API (include/securescore/json.h), as a client would.
 */
#define _GNU_SOURCE 1 /* clock_gettime */

#include "securescore/json.h"

#include "bench_common.h"

static void walk(struct ss_json v, struct bench_counts *c)
{
    struct ss_json_iter it;
    struct ss_json x;
    struct ss_str key;
    switch (ss_json_kind(v)) {
    case SS_JSON_OBJECT:
        c->objects++;
        ss_json_iter_init(&it, v);
        while (ss_json_iter_next(&it, &key, &x)) {
            c->keys++;
            walk(x, c);
        }
        break;
    case SS_JSON_ARRAY:
        c->arrays++;
        ss_json_iter_init(&it, v);
        while (ss_json_iter_next(&it, NULL, &x))
            walk(x, c);
        break;
    case SS_JSON_STRING:
        c->strings++;
        c->strbytes += ss_json_str(v).len;
        break;
    case SS_JSON_INT:
    case SS_JSON_REAL:
        c->numbers++;
        break;
    case SS_JSON_TRUE:
    case SS_JSON_FALSE:
        c->bools++;
        break;
    case SS_JSON_NULL:
        c->nulls++;
        break;
    case SS_JSON_NONE:
        break;
    }
}

static void fail(const char *what, enum ss_err e, const struct ss_diag *d)
{
    char msg[1024];
    fprintf(stderr, "ss_json_bench: %s: %s: %s\n", what, ss_err_name(e),
            ss_diag_format(d, msg, sizeof msg));
    exit(1);
}

static void run_stream(const char *path, uint64_t bytes_hint, const char *unwrap)
{
    const char *const names[] = {unwrap, NULL};
    struct bench_counts c = {0};
    struct ss_diag diag;
    struct ss_json v;
    ss_diag_clear(&diag);
    double t0 = bench_now();
    int fd = bench_open(path);
    uint64_t bytes = bench_fd_size(fd);
    struct ss_json_reader *r = ss_json_reader_new(fd, NULL, unwrap ? names : NULL);
    for (;;) {
        enum ss_err e = ss_json_reader_next(r, &v, &diag);
        if (e != SS_OK)
            fail(path, e, &diag);
        if (!ss_json_exists(v))
            break;
        walk(v, &c);
        c.docs++;
    }
    ss_json_reader_free(r);
    if (fd != 0)
        close(fd);
    double t1 = bench_now();
    bench_report("ours", "stream", bytes ? bytes : bytes_hint, t1 - t0, -1, &c);
    putchar('\n');
}

static void run_dom(const char *path)
{
    struct bench_counts c = {0};
    struct ss_diag diag;
    struct ss_json_doc *doc = NULL;
    ss_diag_clear(&diag);
    double t0 = bench_now();
    enum ss_err e = ss_json_parse_file(path, NULL, &doc, &diag);
    if (e != SS_OK)
        fail(path, e, &diag);
    double t1 = bench_now();
    walk(ss_json_root(doc), &c);
    c.docs++;
    double t2 = bench_now();
    /* statistics, not timed */
    size_t mem = ss_json_doc_memory(doc), nodes = ss_json_doc_nodes(doc);
    double t3 = bench_now();
    ss_json_doc_free(doc);
    double t4 = bench_now();
    int fd = bench_open(path);
    uint64_t bytes = bench_fd_size(fd);
    if (fd != 0)
        close(fd);
    bench_report("ours", "dom", bytes, (t2 - t0) + (t4 - t3), -1, &c);
    printf(" parse_seconds=%.6f walk_seconds=%.6f free_seconds=%.6f docmem=%zu docnodes=%zu\n",
           t1 - t0, t2 - t1, t4 - t3, mem, nodes);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    const char *path = "-";
    uint64_t bytes_hint = 0;
    const char *unwrap = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--bytes") == 0 && i + 1 < argc)
            bytes_hint = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--unwrap") == 0 && i + 1 < argc)
            unwrap = argv[++i];
        else
            path = argv[i];
    }
    if (strcmp(mode, "stream") == 0)
        run_stream(path, bytes_hint, unwrap);
    else if (strcmp(mode, "dom") == 0)
        run_dom(path);
    else {
        fputs("usage: ss_json_bench stream [FILE|-] [--bytes N] [--unwrap MEMBER] | dom FILE\n",
              stderr);
        return 2;
    }
    return 0;
}
