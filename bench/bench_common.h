/*
 * Shared by the JSON benchmark programs (ss_json_bench.c and the reference
 * programs ref_*.c, ref_simdjson.cpp): node counters, the clock, peak RSS,
 * reading a whole input, and the one result line bench/run.sh parses:
 *
 *   parser=NAME mode=MODE bytes=N docs=N seconds=S load_seconds=S rss_kb=N
 *   nodes=N objects=N arrays=N keys=N strings=N numbers=N bools=N nulls=N
 *   strbytes=N [extra fields]
 *
 * `seconds` is CLOCK_MONOTONIC around everything the program does with the
 * input: reading it, parsing, walking every node, freeing. `load_seconds` is
 * the part of it spent reading the input into memory, or -1 when reading is
 * interleaved with parsing (streaming) and cannot be separated. `rss_kb` is
 * getrusage(RUSAGE_SELF).ru_maxrss. `strbytes` sums the decoded lengths of
 * string values (keys are counted in `keys`, their bytes are not summed).
 *
 * Compiles as C11 and as C++17. Header-only: every function is static.
 * Benchmark code, not part of the engine (it may print and exit).
 */
#ifndef SS_BENCH_COMMON_H
#define SS_BENCH_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct bench_counts {
    uint64_t objects, arrays, keys, strings, numbers, bools, nulls;
    uint64_t strbytes; /* decoded bytes of string values */
    uint64_t docs;     /* top-level values parsed */
};

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline long bench_peak_rss_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss;
}

static inline void bench_die(const char *what, const char *detail)
{
    fprintf(stderr, "bench: %s: %s\n", what, detail ? detail : strerror(errno));
    exit(1);
}

/* Size of the regular file behind `fd`, or 0 (pipe, terminal). */
static inline uint64_t bench_fd_size(int fd)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        return (uint64_t)st.st_size;
    return 0;
}

/* Opens `path` for reading; "-" is standard input. Exits on failure. */
static inline int bench_open(const char *path)
{
    if (strcmp(path, "-") == 0)
        return 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        bench_die(path, NULL);
    return fd;
}

/*
 * Reads all of `path` ("-" = stdin) into a new malloc'd buffer with `pad`
 * zero bytes after the content (NUL terminator, SIMD padding); *len gets the
 * content length. Exits on failure.
 */
static inline char *bench_read_all(const char *path, size_t pad, size_t *len)
{
    int fd = bench_open(path);
    size_t cap = (size_t)bench_fd_size(fd) + 1, n = 0;
    char *buf = (char *)malloc(cap + pad);
    if (!buf)
        bench_die("read", "out of memory");
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = (char *)realloc(buf, cap + pad);
            if (!buf)
                bench_die("read", "out of memory");
        }
        ssize_t r = read(fd, buf + n, cap - n);
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
    memset(buf + n, 0, pad);
    *len = n;
    return buf;
}

/* Prints the result line (without its newline, so callers may add fields). */
static inline void bench_report(const char *parser, const char *mode, uint64_t bytes,
                                double seconds, double load_seconds, const struct bench_counts *c)
{
    uint64_t nodes = c->objects + c->arrays + c->strings + c->numbers + c->bools + c->nulls;
    printf("parser=%s mode=%s bytes=%llu docs=%llu seconds=%.6f load_seconds=%.6f rss_kb=%ld "
           "nodes=%llu objects=%llu arrays=%llu keys=%llu strings=%llu numbers=%llu bools=%llu "
           "nulls=%llu strbytes=%llu",
           parser, mode, (unsigned long long)bytes, (unsigned long long)c->docs, seconds,
           load_seconds, bench_peak_rss_kb(), (unsigned long long)nodes,
           (unsigned long long)c->objects, (unsigned long long)c->arrays,
           (unsigned long long)c->keys, (unsigned long long)c->strings,
           (unsigned long long)c->numbers, (unsigned long long)c->bools,
           (unsigned long long)c->nulls, (unsigned long long)c->strbytes);
}

#endif
