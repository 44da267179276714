/*
 * A tiny unit-test harness. A test is a function declared with
 * TEST(name) at the start of a line in a tests/unit file; the Makefile
 * collects them into build/unit_list.h, so no registry needs editing.
 * CHECK* macros record a failure and go on; REQUIRE* return from the test.
 */
#ifndef SS_TEST_H
#define SS_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct ss_test {
    const char *name;
    int failures;
    int quiet; /* count failures without printing them (the harness's self-test) */
};

void ss_test_fail(struct ss_test *t, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Path of ../shared relative to the repository root, or $SS_SHARED. */
const char *ss_test_shared(void);

#define TEST(name)                                                                                 \
    void name(struct ss_test *t_);                                                                 \
    void name(struct ss_test *t_)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ss_test_fail(t_, __FILE__, __LINE__, "CHECK(%s)", #cond);                              \
    } while (0)
#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ss_test_fail(t_, __FILE__, __LINE__, "REQUIRE(%s)", #cond);                            \
            return;                                                                                \
        }                                                                                          \
    } while (0)
#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_)                                                                              \
            ss_test_fail(t_, __FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_, b_);        \
    } while (0)
#define CHECK_STREQ(a, b)                                                                          \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                                                     \
            ss_test_fail(t_, __FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,             \
                         a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                  \
    } while (0)
#define CHECK_MEMEQ(p, n, s)                                                                       \
    do {                                                                                           \
        const char *p_ = (const char *)(p), *s_ = (s);                                             \
        size_t n_ = (n);                                                                           \
        if (n_ != strlen(s_) || (n_ && memcmp(p_, s_, n_) != 0))                                   \
            ss_test_fail(t_, __FILE__, __LINE__, "%s == \"%s\": got \"%.*s\"", #p, s_, (int)n_,    \
                         p_ ? p_ : "");                                                            \
    } while (0)
#define CHECK_ERR(expr, code)                                                                      \
    do {                                                                                           \
        enum ss_err e_ = (expr);                                                                   \
        if (e_ != (code))                                                                          \
            ss_test_fail(t_, __FILE__, __LINE__, "%s: got %s, want %s", #expr, ss_err_name(e_),    \
                         ss_err_name(code));                                                       \
    } while (0)
/* Compares published (rounded) doubles by their printed form. */
#define CHECK_DBL(a, b)                                                                            \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(a_ == b_))                                                                           \
            ss_test_fail(t_, __FILE__, __LINE__, "%s == %s: %.17g != %.17g", #a, #b, a_, b_);      \
    } while (0)

#endif
