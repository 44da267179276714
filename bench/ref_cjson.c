/*
 * ref_cjson - cJSON reference for the JSON benchmark (bench/run.sh).
 *
 *   ref_cjson stream [FILE|-]   JSON Lines: getline, parse, walk, free each line
 *   ref_cjson dom FILE          read the whole file, parse one document, walk, free
 *
 * Parsing is cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1): the length
 * includes the NUL terminator and require_null_terminated=1 rejects trailing
 * garbage (the method of research/bench.md §1.2). Prints one result line
 * (bench_common.h).
 */
#define _GNU_SOURCE 1 /* getline, clock_gettime */

#include <cJSON.h>

#include "bench_common.h"

static void walk(const cJSON *v, struct bench_counts *c)
{
    const cJSON *x;
    switch (v->type & 0xFF) {
    case cJSON_Object:
        c->objects++;
        for (x = v->child; x; x = x->next) {
            c->keys++;
            walk(x, c);
        }
        break;
    case cJSON_Array:
        c->arrays++;
        for (x = v->child; x; x = x->next)
            walk(x, c);
        break;
    case cJSON_String:
        c->strings++;
        c->strbytes += strlen(v->valuestring);
        break;
    case cJSON_Number:
        c->numbers++;
        break;
    case cJSON_True:
    case cJSON_False:
        c->bools++;
        break;
    case cJSON_NULL:
        c->nulls++;
        break;
    default:
        bench_die("cjson", "unexpected node type");
    }
}

/* Parses `len` bytes at `buf` (buf[len] must be NUL), walks and frees. */
static void parse_one(const char *buf, size_t len, uint64_t where, struct bench_counts *c)
{
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (!v) {
        fprintf(stderr, "ref_cjson: parse error in document %llu at byte %lld\n",
                (unsigned long long)where, end ? (long long)(end - buf) : -1LL);
        exit(1);
    }
    walk(v, c);
    cJSON_Delete(v);
    c->docs++;
}

static void run_stream(const char *path)
{
    struct bench_counts c = {0};
    double t0 = bench_now();
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f)
        bench_die(path, NULL);
    char *line = NULL;
    size_t cap = 0;
    uint64_t bytes = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        bytes += (uint64_t)n;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n > 0)
            parse_one(line, (size_t)n, c.docs + 1, &c);
    }
    if (ferror(f))
        bench_die(path, NULL);
    free(line);
    if (f != stdin)
        fclose(f);
    double t1 = bench_now();
    bench_report("cjson", "stream", bytes, t1 - t0, -1, &c);
    putchar('\n');
}

static void run_dom(const char *path)
{
    struct bench_counts c = {0};
    size_t len;
    double t0 = bench_now();
    char *buf = bench_read_all(path, 1, &len);
    double t1 = bench_now();
    parse_one(buf, len, 1, &c);
    free(buf);
    double t2 = bench_now();
    bench_report("cjson", "dom", len, t2 - t0, t1 - t0, &c);
    putchar('\n');
}

int main(int argc, char **argv)
{
    const char *path = argc > 2 ? argv[2] : "-";
    if (argc >= 2 && strcmp(argv[1], "stream") == 0)
        run_stream(path);
    else if (argc >= 2 && strcmp(argv[1], "dom") == 0)
        run_dom(path);
    else {
        fputs("usage: ref_cjson stream|dom [FILE|-]\n", stderr);
        return 2;
    }
    return 0;
}
