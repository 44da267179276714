/*
 * Unit-test runner: runs every TEST() collected in unit_list.h (or those
 * whose name contains argv[1]) and ends with "unit: N passed, N failed".
 */
#include "common/setup.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "test.h"

/* The harness itself: a failed CHECK is counted, a passing one is not. */
TEST(harness_counts_failures)
{
    struct ss_test inner = {"inner", 0, 1};
    struct ss_test *outer = t_;
    t_ = &inner;
    CHECK_EQ_INT(1, 1);
    CHECK_EQ_INT(1, 2);
    t_ = outer;
    CHECK_EQ_INT(inner.failures, 1);
}

#define T(name) void name(struct ss_test *t_);
#include "unit_list.h"
#undef T

static const struct {
    const char *name;
    void (*fn)(struct ss_test *);
} tests[] = {
#define T(name) {#name, name},
#include "unit_list.h"
#undef T
};

void ss_test_fail(struct ss_test *t, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    t->failures++;
    if (t->quiet)
        return;
    fprintf(stderr, "  %s:%d: %s: ", file, line, t->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *ss_test_shared(void)
{
    const char *s = getenv("SS_SHARED");
    return s && *s ? s : "../shared";
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < SS_ARRAY_LEN(tests); i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1]))
            continue;
        struct ss_test t = {tests[i].name, 0, 0};
        tests[i].fn(&t);
        if (t.failures) {
            failed++;
            printf("FAIL %s\n", tests[i].name);
        } else {
            passed++;
        }
        fflush(stdout);
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
