/*
 * ref_simdjson - simdjson reference for the JSON benchmark (bench/run.sh).
 *
 *   ref_simdjson stream [FILE|-]  load the whole input into a padded buffer, then
 *                                 dom::parser::parse_many over it (JSON Lines)
 *   ref_simdjson dom FILE         load the file, dom::parser::parse one document
 *
 * Each document is walked node by node (dom::element) and counted like the
 * other programs. parse_many needs the whole input in memory, so its time
 * includes loading it (load_seconds says how much) and its peak RSS includes
 * the input. Built without SIMDJSON_THREADS_ENABLED, so parse_many runs on one
 * core like our parser (research/bench.md §1.2 did the same). DOM parsing
 * picks the best kernel at run time. Prints one result line (bench_common.h).
 */
#include <simdjson.h>

#include <string>

#include "bench_common.h"

using namespace simdjson;

static void fail(const char *what, error_code e)
{
    fprintf(stderr, "ref_simdjson: %s: %s\n", what, error_message(e));
    exit(1);
}

static void walk(dom::element v, bench_counts &c)
{
    switch (v.type()) {
    case dom::element_type::OBJECT: {
        c.objects++;
        dom::object o = v.get_object().value_unsafe();
        for (dom::key_value_pair kv : o) {
            c.keys++;
            walk(kv.value, c);
        }
        break;
    }
    case dom::element_type::ARRAY: {
        c.arrays++;
        dom::array a = v.get_array().value_unsafe();
        for (dom::element x : a)
            walk(x, c);
        break;
    }
    case dom::element_type::STRING:
        c.strings++;
        c.strbytes += v.get_string().value_unsafe().size();
        break;
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
        c.numbers++;
        break;
    case dom::element_type::BOOL:
        c.bools++;
        break;
    case dom::element_type::NULL_VALUE:
        c.nulls++;
        break;
    }
}

/* The whole input in a padded buffer; "-" reads standard input. */
static padded_string load(const char *path)
{
    if (strcmp(path, "-") == 0) {
        size_t len;
        char *buf = bench_read_all(path, 0, &len);
        padded_string s(buf, len);
        free(buf);
        return s;
    }
    padded_string s;
    error_code e = padded_string::load(path).get(s);
    if (e)
        fail(path, e);
    return s;
}

/* Loads, parses, walks; returns the bytes parsed. The buffer and the parser
 * are freed on return, inside the caller's timing. */
static uint64_t stream_all(const char *path, bench_counts &c, double &load_seconds)
{
    double t0 = bench_now();
    padded_string input = load(path);
    load_seconds = bench_now() - t0;
    dom::parser parser;
    dom::document_stream stream;
    error_code e = parser.parse_many(input).get(stream);
    if (e)
        fail("parse_many", e);
    for (auto it = stream.begin(); it != stream.end(); ++it) {
        dom::element doc;
        e = (*it).get(doc);
        if (e) {
            fprintf(stderr, "ref_simdjson: document at byte %zu: %s\n", it.current_index(),
                    error_message(e));
            exit(1);
        }
        walk(doc, c);
        c.docs++;
    }
    if (stream.truncated_bytes())
        fail("parse_many: input ends inside a document", TAPE_ERROR);
    return input.size();
}

static uint64_t dom_all(const char *path, bench_counts &c, double &load_seconds)
{
    double t0 = bench_now();
    padded_string input = load(path);
    load_seconds = bench_now() - t0;
    dom::parser parser;
    dom::element doc;
    error_code e = parser.parse(input).get(doc);
    if (e)
        fail("parse", e);
    walk(doc, c);
    c.docs++;
    return input.size();
}

int main(int argc, char **argv)
{
    const char *path = argc > 2 ? argv[2] : "-";
    bool stream = argc >= 2 && strcmp(argv[1], "stream") == 0;
    if (!stream && !(argc >= 2 && strcmp(argv[1], "dom") == 0)) {
        fputs("usage: ref_simdjson stream|dom [FILE|-]\n", stderr);
        return 2;
    }
    bench_counts c = {};
    double load_seconds = 0;
    double t0 = bench_now();
    uint64_t bytes = stream ? stream_all(path, c, load_seconds) : dom_all(path, c, load_seconds);
    double t1 = bench_now();
    bench_report("simdjson", stream ? "stream" : "dom", bytes, t1 - t0, load_seconds, &c);
    printf(" kernel=%s\n", get_active_implementation()->name().c_str());
    return 0;
}
