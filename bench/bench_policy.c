/*
 * bench_policy - rule evaluation throughput of the Azure Policy evaluator
 * (bench/run.sh, section `policy`).
 *
 *   bench_policy --rules DIR [--audit-only] [--stream] [--outcomes FILE] INPUT
 *
 * Compiles every DIR/ *.json rule (name order; --audit-only keeps the rules whose
 * effect is Audit: they decide from the resource alone), then reads INPUT (JSON
 * Lines or an array of resources, "-" = standard input):
 *  - default: loads every resource into its own document, indexes them all in an
 *    ss_policy_inventory (the related resources of the AuditIfNotExists rules),
 *    then times the evaluation alone: every rule that can apply to a resource's
 *    type (rules bucketed by ss_policy_types; rules without a type on every
 *    resource) with one ss_policy_eval, single thread;
 *  - --stream: reads and evaluates one resource at a time with no inventory
 *    (meant for --audit-only), and times reading + evaluating, like a jq
 *    program over the same file.
 * --outcomes FILE writes one line per resource with one letter per rule in
 * rule order: H (healthy), U (unhealthy), N (not applicable), E (error).
 *
 * Prints one result line:
 *   parser=ours mode=policy|policy-stream bytes=N docs=N seconds=S load_seconds=S
 *   rss_kb=N rules=N typed_rules=N evals=N healthy=N unhealthy=N notapplicable=N
 *   errors=N cpu_seconds=S evals_per_s=X resources_per_s=X
 * `seconds` is the timed part (evaluation; --stream: read + evaluate),
 * `load_seconds` the loading and indexing before it (-1 with --stream).
 *
 * Public headers only, as a client of the library would use them.
 */
#define _GNU_SOURCE 1 /* clock_gettime */

#include <ctype.h>
#include <dirent.h>

#include "securescore/json.h"
#include "securescore/policy.h"

#include "bench_common.h"

struct rule {
    char *file;
    struct ss_policy *p;
};

struct bucket {
    char *type; /* lower case */
    size_t *rules;
    size_t n, cap;
};

struct bench {
    struct rule *rules;
    size_t nrules;
    struct bucket *buckets; /* sorted by type */
    size_t nbuckets;
    size_t *untyped; /* rules to try on every resource */
    size_t nuntyped;
    size_t typed;
    uint64_t counts[4]; /* N, H, U, errors */
    FILE *outcomes;
    char *line; /* one letter per rule */
    struct ss_policy_eval *ev;
    const struct ss_policy_inventory *inv;
};

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        bench_die("bench_policy", "out of memory");
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_bucket(const void *a, const void *b)
{
    return strcmp(((const struct bucket *)a)->type, ((const struct bucket *)b)->type);
}

static void push(size_t **v, size_t *n, size_t *cap, size_t x)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *v = xrealloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = x;
}

static void fail(const char *what, enum ss_err e, const struct ss_diag *d)
{
    char msg[1024];
    fprintf(stderr, "bench_policy: %s: %s: %s\n", what, ss_err_name(e),
            ss_diag_format(d, msg, sizeof msg));
    exit(1);
}

/* The bucket of a lower-case type, created if `create`; NULL if none. */
static struct bucket *bucket_of(struct bench *b, const char *type, bool create)
{
    for (size_t i = 0; i < b->nbuckets; i++)
        if (!strcmp(b->buckets[i].type, type))
            return &b->buckets[i];
    if (!create)
        return NULL;
    b->buckets = xrealloc(b->buckets, (b->nbuckets + 1) * sizeof(*b->buckets));
    struct bucket *k = &b->buckets[b->nbuckets++];
    memset(k, 0, sizeof(*k));
    k->type = xstrndup(type, strlen(type));
    return k;
}

static void load_rules(struct bench *b, const char *dir, bool audit_only)
{
    DIR *d = opendir(dir);
    if (!d)
        bench_die(dir, NULL);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        names = xrealloc(names, (n + 1) * sizeof(*names));
        names[n++] = xstrndup(e->d_name, len);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    b->rules = xrealloc(NULL, n * sizeof(*b->rules));
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct ss_diag diag;
        struct ss_json_doc *doc = NULL;
        struct ss_policy *p = NULL;
        ss_diag_clear(&diag);
        enum ss_err err = ss_json_parse_file(path, NULL, &doc, &diag);
        if (err != SS_OK)
            fail(path, err, &diag);
        err = ss_policy_compile(ss_json_root(doc), NULL, &p, &diag);
        if (err != SS_OK)
            fail(path, err, &diag);
        ss_json_doc_free(doc);
        if (audit_only && ss_policy_effect(p) != SS_EFFECT_AUDIT) {
            ss_policy_free(p);
            free(names[i]);
            continue;
        }
        size_t r = b->nrules++;
        b->rules[r].file = names[i];
        b->rules[r].p = p;
    }
    free(names);

    size_t cap = 0;
    for (size_t r = 0; r < b->nrules; r++) {
        const struct ss_str *types;
        size_t nt;
        if (!ss_policy_types(b->rules[r].p, &types, &nt)) {
            push(&b->untyped, &b->nuntyped, &cap, r);
            continue;
        }
        b->typed++;
        for (size_t t = 0; t < nt; t++) {
            char *ty = xstrndup(types[t].ptr, types[t].len);
            lower(ty);
            struct bucket *k = bucket_of(b, ty, true);
            /* a rule listing a type twice is evaluated once */
            if (!k->n || k->rules[k->n - 1] != r)
                push(&k->rules, &k->n, &k->cap, r);
            free(ty);
        }
    }
    qsort(b->buckets, b->nbuckets, sizeof(*b->buckets), cmp_bucket);
    b->line = xrealloc(NULL, b->nrules + 2);
}

static void eval_one(struct bench *b, size_t r, struct ss_json res)
{
    struct ss_policy_result out;
    struct ss_diag diag;
    ss_diag_clear(&diag);
    enum ss_err e = ss_policy_evaluate(b->ev, b->rules[r].p, res, b->inv, &out, &diag);
    char c;
    if (e != SS_OK) {
        b->counts[3]++;
        c = 'E';
    } else {
        b->counts[out.outcome]++;
        c = out.outcome == SS_POLICY_HEALTHY ? 'H' : out.outcome == SS_POLICY_UNHEALTHY ? 'U' : 'N';
    }
    b->line[r] = c;
}

/* Evaluates every rule that can apply to `res`. */
static void eval_resource(struct bench *b, struct ss_json res)
{
    char type[256];
    struct ss_str t = ss_json_str(ss_json_get_nocase(res, "type", 4));
    size_t n = t.len < sizeof type ? t.len : sizeof type - 1;
    for (size_t i = 0; i < n; i++)
        type[i] = (char)tolower((unsigned char)t.ptr[i]);
    type[n] = '\0';
    if (b->outcomes)
        memset(b->line, 'N', b->nrules);
    struct bucket key = {.type = type};
    const struct bucket *k = bsearch(&key, b->buckets, b->nbuckets, sizeof key, cmp_bucket);
    if (k)
        for (size_t i = 0; i < k->n; i++)
            eval_one(b, k->rules[i], res);
    for (size_t i = 0; i < b->nuntyped; i++)
        eval_one(b, b->untyped[i], res);
    if (b->outcomes) {
        b->line[b->nrules] = '\n';
        fwrite(b->line, 1, b->nrules + 1, b->outcomes);
    }
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(void)
{
    fputs("usage: bench_policy --rules DIR [--audit-only] [--stream] [--outcomes FILE] INPUT\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *input = NULL, *outcomes = NULL;
    bool audit_only = false, stream = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--rules") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--outcomes") && i + 1 < argc)
            outcomes = argv[++i];
        else if (!strcmp(argv[i], "--audit-only"))
            audit_only = true;
        else if (!strcmp(argv[i], "--stream"))
            stream = true;
        else if (!input && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
            input = argv[i];
        else
            usage();
    }
    if (!dir || !input)
        usage();

    static struct bench b;
    load_rules(&b, dir, audit_only);
    if (b.nrules == 0)
        bench_die(dir, "no rules");
    if (outcomes) {
        b.outcomes = fopen(outcomes, "w");
        if (!b.outcomes)
            bench_die(outcomes, NULL);
        setvbuf(b.outcomes, NULL, _IOFBF, 1 << 20);
    }
    b.ev = ss_policy_eval_new();

    struct ss_diag diag;
    ss_diag_clear(&diag);
    struct bench_counts c = {0};
    double t0 = bench_now(), c0 = cpu_now(), load = -1, t1, c1;
    int fd = bench_open(input);
    uint64_t bytes = bench_fd_size(fd);
    struct ss_json_reader *rd = ss_json_reader_new(fd, NULL, NULL);
    struct ss_json v;
    if (stream) {
        for (;;) {
            enum ss_err e = ss_json_reader_next(rd, &v, &diag);
            if (e != SS_OK)
                fail(input, e, &diag);
            if (!ss_json_exists(v))
                break;
            eval_resource(&b, v);
            c.docs++;
        }
        t1 = bench_now();
        c1 = cpu_now();
    } else {
        /* Every resource in its own document (the reader's value lives until the
         * next call): re-parse its text. The inventory borrows the documents. */
        struct ss_json_doc **docs = NULL;
        size_t cap = 0;
        struct ss_buf buf = {0};
        struct ss_policy_inventory *inv = ss_policy_inventory_new();
        for (;;) {
            enum ss_err e = ss_json_reader_next(rd, &v, &diag);
            if (e != SS_OK)
                fail(input, e, &diag);
            if (!ss_json_exists(v))
                break;
            struct ss_jw w;
            buf.len = 0;
            ss_jw_init(&w, &buf, 0);
            ss_jw_value(&w, v);
            if (c.docs == cap) {
                cap = cap ? cap * 2 : 4096;
                docs = xrealloc(docs, cap * sizeof(*docs));
            }
            e = ss_json_parse(buf.ptr, buf.len, NULL, &docs[c.docs], &diag);
            if (e != SS_OK)
                fail(input, e, &diag);
            ss_policy_inventory_add(inv, ss_json_root(docs[c.docs]));
            c.docs++;
        }
        ss_buf_release(&buf);
        b.inv = inv;
        double t_mid = bench_now(), c_mid = cpu_now();
        load = t_mid - t0;
        for (size_t i = 0; i < c.docs; i++)
            eval_resource(&b, ss_json_root(docs[i]));
        /* the timed part is the evaluation alone */
        t1 = bench_now() - load;
        c1 = cpu_now() - (c_mid - c0);
        ss_policy_inventory_free(inv);
        for (size_t i = 0; i < c.docs; i++)
            ss_json_doc_free(docs[i]);
        free(docs);
    }
    ss_json_reader_free(rd);
    if (fd != 0)
        close(fd);
    if (b.outcomes && fclose(b.outcomes) != 0)
        bench_die(outcomes, NULL);

    double secs = t1 - t0, cpu = c1 - c0;
    uint64_t evals = b.counts[0] + b.counts[1] + b.counts[2] + b.counts[3];
    bench_report("ours", stream ? "policy-stream" : "policy", bytes, secs, load, &c);
    printf(" rules=%zu typed_rules=%zu evals=%llu healthy=%llu unhealthy=%llu notapplicable=%llu "
           "errors=%llu cpu_seconds=%.6f evals_per_s=%.0f resources_per_s=%.0f\n",
           b.nrules, b.typed, (unsigned long long)evals, (unsigned long long)b.counts[1],
           (unsigned long long)b.counts[2], (unsigned long long)b.counts[0],
           (unsigned long long)b.counts[3], cpu, evals / (cpu > 0 ? cpu : secs),
           (double)c.docs / secs);

    ss_policy_eval_free(b.ev);
    for (size_t r = 0; r < b.nrules; r++) {
        ss_policy_free(b.rules[r].p);
        free(b.rules[r].file);
    }
    for (size_t i = 0; i < b.nbuckets; i++) {
        free(b.buckets[i].type);
        free(b.buckets[i].rules);
    }
    free(b.buckets);
    free(b.untyped);
    free(b.rules);
    free(b.line);
    return 0;
}
