/*
 * ref_jansson - jansson reference for the JSON benchmark (bench/run.sh).
 *
 *   ref_jansson stream [FILE|-]   JSON Lines: getline, json_loadb, walk, free each line
 *   ref_jansson dom FILE          read the whole file, json_loadb it, walk, free
 *
 * Flags 0 (jansson's strict defaults), as in research/bench.md §1.2. Prints
 * one result line (bench_common.h).
 */
#define _GNU_SOURCE 1 /* getline, clock_gettime */

#include <jansson.h>

#include "bench_common.h"

static void walk(json_t *v, struct bench_counts *c)
{
    const char *key;
    json_t *x;
    size_t i;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        c->objects++;
        json_object_foreach(v, key, x)
        {
            c->keys++;
            walk(x, c);
        }
        break;
    case JSON_ARRAY:
        c->arrays++;
        json_array_foreach(v, i, x)
        {
            walk(x, c);
        }
        break;
    case JSON_STRING:
        c->strings++;
        c->strbytes += json_string_length(v);
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        c->numbers++;
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        c->bools++;
        break;
    case JSON_NULL:
        c->nulls++;
        break;
    }
}

static void parse_one(const char *buf, size_t len, uint64_t where, struct bench_counts *c)
{
    json_error_t err;
    json_t *v = json_loadb(buf, len, 0, &err);
    if (!v) {
        fprintf(stderr, "ref_jansson: document %llu: line %d col %d: %s\n",
                (unsigned long long)where, err.line, err.column, err.text);
        exit(1);
    }
    walk(v, c);
    json_decref(v);
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
            n--;
        if (n > 0)
            parse_one(line, (size_t)n, c.docs + 1, &c);
    }
    if (ferror(f))
        bench_die(path, NULL);
    free(line);
    if (f != stdin)
        fclose(f);
    double t1 = bench_now();
    bench_report("jansson", "stream", bytes, t1 - t0, -1, &c);
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
    bench_report("jansson", "dom", len, t2 - t0, t1 - t0, &c);
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
        fputs("usage: ref_jansson stream|dom [FILE|-]\n", stderr);
        return 2;
    }
    return 0;
}
