/*
 * bench_kql - the KQL engine in the benchmark (bench/run.sh section `kql`;
 * DESIGN.md §10: "KQL summarize over 1,000,000 assessment rows: under 1 s").
 *
 *   bench_kql --rows FILE|- [--bytes N] [--resources N] [--runs R] [--join-runs R]
 *             [--query summarize|join|all] [--resources-out FILE]
 *
 * Reads `securityresources` assessment rows as JSON Lines (gen_assessments'
 * output, usually piped) into one document, the way a caller of ss_kql_run
 * holds a table: the lines become one JSON array in place, parsed whole.
 * --bytes gives the size of a piped input (the generator is deterministic,
 * run.sh measures it once), so the buffer is allocated once, not regrown. Builds a
 * `resources` table of N rows (default 10000): the first N distinct
 * properties.resourceDetails.Id of the rows, each with a name, type,
 * resource group, subscription and one of four locations chosen from a hash
 * of its id (--resources-out writes it, for the jq reference). Then runs
 * each query R times (default 3; the join --join-runs times, default R, as
 * it is the long one) and prints, per query, one result line
 * with the median time of ss_kql_run (the query alone; load_seconds is the
 * parse of the rows, done once):
 *
 *   parser=ours mode=kql-summarize rows=N bytes=B seconds=S load_seconds=S
 *   rss_kb=N result_rows=N runs=R
 *   result mode=kql-summarize KEY=COUNT,KEY=COUNT,...
 *
 * The `result` line (the groups, sorted by key) is what run.sh compares with
 * the jq reference. Queries:
 *
 *   summarize  securityresources | summarize count() by tostring(properties.status.code)
 *   join       securityresources | where type == 'microsoft.security/assessments'
 *              | extend id = tostring(properties.resourceDetails.Id)
 *              | join kind=inner (resources | project id, rloc = location) on id
 *              | summarize count() by rloc
 *
 * Uses only the public API (include/securescore/kql.h, json.h), as a client
 * would. Benchmark code, not part of the engine: it may print and exit.
 */
#define _GNU_SOURCE 1 /* clock_gettime */

#include <sys/mman.h>

#include "securescore/json.h"
#include "securescore/kql.h"

#include "bench_common.h"

struct query {
    const char *name; /* --query */
    const char *mode; /* result line */
    const char *text;
};

static const struct query queries[] = {
    {"summarize", "kql-summarize",
     "securityresources | summarize count() by tostring(properties.status.code)"},
    {"join", "kql-join",
     "securityresources | where type == 'microsoft.security/assessments'\n"
     "| extend id = tostring(properties.resourceDetails.Id)\n"
     "| join kind=inner (resources | project id, rloc = location) on id\n"
     "| summarize count() by rloc"},
};

struct opts {
    const char *rows;
    const char *resources_out;
    const char *query; /* NULL = all */
    long nresources;
    long long bytes; /* size hint for a pipe, 0 = none */
    int runs;
    int join_runs; /* 0 = runs */
};

static void usage(void)
{
    fprintf(stderr, "usage: bench_kql --rows FILE|- [--bytes N] [--resources N] [--runs R] "
                    "[--join-runs R] [--query summarize|join|all] [--resources-out FILE]\n");
    exit(2);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
    o->nresources = 10000;
    o->runs = 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        i++;
        if (!strcmp(a, "--rows"))
            o->rows = v;
        else if (!strcmp(a, "--bytes"))
            o->bytes = strtoll(v, NULL, 10);
        else if (!strcmp(a, "--resources"))
            o->nresources = strtol(v, NULL, 10);
        else if (!strcmp(a, "--runs"))
            o->runs = (int)strtol(v, NULL, 10);
        else if (!strcmp(a, "--join-runs"))
            o->join_runs = (int)strtol(v, NULL, 10);
        else if (!strcmp(a, "--query"))
            o->query = strcmp(v, "all") ? v : NULL;
        else if (!strcmp(a, "--resources-out"))
            o->resources_out = v;
        else
            usage();
    }
    if (!o->rows || o->nresources < 0 || o->runs < 1 || o->join_runs < 0 || o->bytes < 0)
        usage();
}

/*
 * Large buffers: transparent huge pages where the kernel offers them on
 * request (THP "madvise"), as page faults dominate loading a 1.5 GB table on
 * small VMs. The advice is only a hint; glibc serves these sizes with mmap
 * and grows them with mremap, which keeps it.
 */
static void advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
    uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (e > a)
        madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

/*
 * Reads JSON Lines from `path` ("-" = standard input) as one JSON array, in
 * place: "[" then the lines, the newline between two rows turned into ",",
 * other newlines into spaces, then "]". New buffer (malloc, for
 * ss_json_parse_take); *len is its length, *nrows the rows, *bytes the input.
 * `hint` is the expected size of a pipe's input (0: unknown).
 */
static char *read_rows(const char *path, size_t hint, size_t *len, size_t *nrows, size_t *bytes)
{
    int fd = bench_open(path);
    size_t size = (size_t)bench_fd_size(fd);
    size_t cap = (size ? size : hint) + 4, n = 1, rows = 0, sep = 0;
    if (cap < ((size_t)64 << 20))
        cap = (size_t)64 << 20;
    char *buf = malloc(cap);
    if (!buf)
        bench_die("rows", "out of memory");
    advise_huge(buf, cap);
    for (;;) {
        if (n + 2 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                bench_die("rows", "out of memory");
            advise_huge(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - 2 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            bench_die(path, NULL);
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (fd != 0)
        close(fd);
    *bytes = n - 1;
    buf[0] = '[';
    for (size_t i = 1; i < n;) {
        char *nl = memchr(buf + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - buf) : n, b = i;
        while (b < end && (buf[b] == ' ' || buf[b] == '\r' || buf[b] == '\t'))
            b++;
        if (b < end && rows++)
            buf[sep] = ',';
        if (nl) {
            buf[end] = ' ';
            if (b < end)
                sep = end;
        }
        i = end + 1;
    }
    buf[n++] = ']';
    buf[n] = '\0';
    *len = n;
    *nrows = rows;
    return buf;
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

/* One `resources` row for the resource id `id`. */
static void resource_row(struct ss_jw *w, struct ss_str id)
{
    static const char *const locations[] = {"eastus", "westeurope", "centralus", "southeastasia"};
    const char *slash = id.ptr + id.len;
    while (slash > id.ptr && slash[-1] != '/')
        slash--;
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "id");
    ss_jw_str(w, id.ptr, id.len);
    ss_jw_keyz(w, "name");
    ss_jw_str(w, slash, (size_t)(id.ptr + id.len - slash));
    ss_jw_keyz(w, "type");
    ss_jw_strz(w, "microsoft.compute/virtualmachines");
    ss_jw_keyz(w, "location");
    ss_jw_strz(w, locations[fnv1a(id.ptr, id.len) % 4]);
    ss_jw_keyz(w, "subscriptionId");
    ss_jw_str(w, id.len > 51 ? id.ptr + 15 : "", id.len > 51 ? 36 : 0);
    ss_jw_keyz(w, "tags");
    ss_jw_obj_begin(w);
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
}

/*
 * The first `n` distinct resource ids of the rows, as `resources` rows. A
 * small open-addressing set of hashes (n is 10,000; a 64-bit hash collision
 * among them is not a concern for a benchmark).
 */
static void build_resources(struct ss_json rows, size_t n, struct ss_buf *out)
{
    size_t cap = 16;
    while (cap < n * 2 + 2)
        cap *= 2;
    uint64_t *set = calloc(cap, sizeof(uint64_t));
    struct ss_json_iter it;
    struct ss_json row;
    struct ss_jw w;
    size_t have = 0;
    if (!set)
        bench_die("resources", "out of memory");
    ss_jw_init(&w, out, 0);
    ss_jw_arr_begin(&w);
    ss_json_iter_init(&it, rows);
    while (have < n && ss_json_iter_next(&it, NULL, &row)) {
        struct ss_json p = ss_json_getz(row, "properties");
        struct ss_str id = ss_json_str(ss_json_getz(ss_json_getz(p, "resourceDetails"), "Id"));
        if (!id.ptr)
            continue;
        uint64_t h = fnv1a(id.ptr, id.len) | 1;
        size_t i = (size_t)h & (cap - 1);
        while (set[i] && set[i] != h)
            i = (i + 1) & (cap - 1);
        if (set[i])
            continue;
        set[i] = h;
        resource_row(&w, id);
        have++;
    }
    ss_jw_arr_end(&w);
    free(set);
}

struct group {
    char key[128];
    int64_t n;
};

static int cmp_group(const void *a, const void *b)
{
    return strcmp(((const struct group *)a)->key, ((const struct group *)b)->key);
}

/* "KEY=COUNT,..." sorted by key: each row's first string and first integer. */
static void print_groups(const struct ss_kql_result *r, const char *mode)
{
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    struct ss_json_doc *doc = NULL;
    ss_jw_init(&w, &b, 0);
    ss_kql_write_objects(r, &w, 0, 0);
    if (ss_json_parse(b.ptr, b.len, NULL, &doc, NULL) != SS_OK)
        bench_die(mode, "the result does not parse");
    size_t n = ss_json_len(ss_json_root(doc)), k = 0;
    struct group *g = calloc(n ? n : 1, sizeof(*g));
    struct ss_json_iter it, cols;
    struct ss_json row, v;
    ss_json_iter_init(&it, ss_json_root(doc));
    while (ss_json_iter_next(&it, NULL, &row)) {
        bool have_key = false;
        ss_json_iter_init(&cols, row);
        while (ss_json_iter_next(&cols, NULL, &v)) {
            struct ss_str s = ss_json_str(v);
            if (!have_key && ss_json_kind(v) == SS_JSON_STRING) {
                snprintf(g[k].key, sizeof(g[k].key), "%.*s", (int)s.len, s.ptr);
                have_key = true;
            } else if (ss_json_kind(v) == SS_JSON_INT) {
                g[k].n = ss_json_int(v);
            }
        }
        k++;
    }
    qsort(g, k, sizeof(*g), cmp_group);
    printf("result mode=%s ", mode);
    for (size_t i = 0; i < k; i++)
        printf("%s%s=%lld", i ? "," : "", g[i].key, (long long)g[i].n);
    printf("\n");
    free(g);
    ss_json_doc_free(doc);
    ss_buf_release(&b);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Runs one query `runs` times; prints the median and the groups of the last run. */
static void run_query(const struct query *q, const struct ss_kql_table *tables, size_t ntables,
                      size_t nrows, size_t bytes, double load, int runs)
{
    double times[64];
    struct ss_kql_opts opts = {.max_steps = UINT64_MAX / 2, .max_memory = (uint64_t)64 << 30};
    struct ss_kql_result *r = NULL;
    if (runs > 64)
        runs = 64;
    for (int i = 0; i < runs; i++) {
        struct ss_diag d;
        char msg[512];
        ss_diag_clear(&d);
        if (r)
            ss_kql_result_free(r);
        r = NULL;
        double t0 = bench_now();
        enum ss_err e = ss_kql_run(q->text, strlen(q->text), tables, ntables, &opts, &r, &d);
        times[i] = bench_now() - t0;
        if (e != SS_OK)
            bench_die(q->mode, ss_diag_format(&d, msg, sizeof(msg)));
    }
    qsort(times, (size_t)runs, sizeof(double), cmp_double);
    printf("parser=ours mode=%s rows=%zu docs=%zu bytes=%zu seconds=%.6f load_seconds=%.6f "
           "rss_kb=%ld result_rows=%zu runs=%d\n",
           q->mode, nrows, nrows, bytes, times[(runs - 1) / 2], load, bench_peak_rss_kb(),
           ss_kql_result_rows(r), runs);
    print_groups(r, q->mode);
    ss_kql_result_free(r);
}

static void write_file(const char *path, const struct ss_buf *b)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->ptr, 1, b->len, f) != b->len || fclose(f) != 0)
        bench_die(path, NULL);
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    parse_args(argc, argv, &o);
    double t0 = bench_now();
    size_t len, alen, nrows;
    char *arr = read_rows(o.rows, (size_t)o.bytes, &alen, &nrows, &len);
    struct ss_json_doc *rows = NULL, *res = NULL;
    struct ss_diag d;
    char msg[512];
    ss_diag_clear(&d);
    if (ss_json_parse_take(arr, alen, NULL, &rows, &d) != SS_OK)
        bench_die("rows", ss_diag_format(&d, msg, sizeof(msg)));
    double load = bench_now() - t0;
    struct ss_buf rb = SS_BUF_INIT;
    build_resources(ss_json_root(rows), (size_t)o.nresources, &rb);
    if (o.resources_out)
        write_file(o.resources_out, &rb);
    if (ss_json_parse(rb.ptr, rb.len, NULL, &res, &d) != SS_OK)
        bench_die("resources", ss_diag_format(&d, msg, sizeof(msg)));
    /* The rows have ARG's columns only, as the server's and the CLI's tables do: the engine
     * takes the schema as known (ss_kql_table.arg_columns_only). */
    struct ss_kql_table tables[2] = {
        {.name = "securityresources", .rows = ss_json_root(rows), .arg_columns_only = true},
        {.name = "resources", .rows = ss_json_root(res), .arg_columns_only = true}};
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
        if (!o.query || !strcmp(o.query, queries[i].name))
            run_query(&queries[i], tables, 2, nrows, len, load,
                      i == 1 && o.join_runs ? o.join_runs : o.runs);
    ss_json_doc_free(res);
    ss_json_doc_free(rows);
    ss_buf_release(&rb);
    return 0;
}
