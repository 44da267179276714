/*
 * Unit tests for src/json: the parser (accept/reject with exact error code
 * and line:column), value access, duplicate keys, the writer, the canonical
 * writer and the streaming reader (in memory and over a pipe).
 *
 * Error positions: line and column (1-based, bytes) are those of the first
 * byte that cannot continue a valid document: the unexpected character, the
 * end of input when the input stops early, the start of a bad literal, of a
 * bad escape ("\x", a lone surrogate: the backslash), of a bad UTF-8
 * sequence (its first byte), of a number with a leading zero, of a number
 * out of range, of a string or number over the size limit, and the opening
 * quote of a duplicate key. A BOM counts as three bytes of line 1.
 *
 * Edge cases are our own, written in the spirit of JSONTestSuite (numbers,
 * strings, escapes, UTF-8, structure, whitespace).
 */
#include "common/setup.h"

#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/limits.h"
#include "securescore/buf.h"
#include "securescore/errors.h"
#include "securescore/json.h"
#include "test.h"

/* ---- helpers ---- */

/* Parses `len` bytes from an exact-size heap copy (so ASan sees over-reads). */
static enum ss_err parse_exact(const char *text, size_t len, const struct ss_json_opts *opts,
                               struct ss_json_doc **out, struct ss_diag *d)
{
    char *copy = ss_xmemdup(text, len);
    ss_diag_clear(d);
    enum ss_err e = ss_json_parse(copy, len, opts, out, d);
    free(copy);
    return e;
}

/* Parses and requires success; logs the diagnostic on failure. */
static struct ss_json_doc *parse_ok_at(struct ss_test *t_, int line, const char *text, size_t len,
                                       const struct ss_json_opts *opts)
{
    struct ss_json_doc *doc = NULL;
    struct ss_diag d;
    enum ss_err e = parse_exact(text, len, opts, &doc, &d);
    if (e != SS_OK) {
        char buf[512];
        ss_test_fail(t_, __FILE__, line, "parse of '%.*s' failed: %s: %s", (int)SS_MIN(len, 60),
                     text, ss_err_name(e), ss_diag_format(&d, buf, sizeof(buf)));
        return NULL;
    }
    if (!doc)
        ss_test_fail(t_, __FILE__, line, "parse succeeded without a document");
    return doc;
}
#define PARSE_OK(text) parse_ok_at(t_, __LINE__, (text), strlen(text), NULL)
#define PARSE_OK_OPTS(text, opts) parse_ok_at(t_, __LINE__, (text), strlen(text), (opts))

/* Requires failure with `code` at line:col (0 = don't check), and checks the
 * failure contract: *out untouched, diag code set, offset consistent. */
static void parse_fail_at(struct ss_test *t_, int line, const char *text, size_t len,
                          const struct ss_json_opts *opts, enum ss_err code, uint32_t eline,
                          uint32_t ecol)
{
    struct ss_json_doc *sentinel = (struct ss_json_doc *)&sentinel, *doc = sentinel;
    struct ss_diag d;
    enum ss_err e = parse_exact(text, len, opts, &doc, &d);
    char shown[80];
    size_t n = 0;
    for (size_t i = 0; i < len && n + 5 < sizeof(shown); i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c < 0x7f)
            shown[n++] = (char)c;
        else
            n += (size_t)snprintf(shown + n, sizeof(shown) - n, "\\x%02x", c);
    }
    shown[n] = '\0';
    if (e != code) {
        char buf[512];
        ss_test_fail(t_, __FILE__, line, "'%s': got %s (%s), want %s", shown, ss_err_name(e),
                     e ? ss_diag_format(&d, buf, sizeof(buf)) : "accepted", ss_err_name(code));
        if (e == SS_OK)
            ss_json_doc_free(doc);
        return;
    }
    if (doc != sentinel)
        ss_test_fail(t_, __FILE__, line, "'%s': *out changed on failure", shown);
    if (d.code != code)
        ss_test_fail(t_, __FILE__, line, "'%s': diag code %s", shown, ss_err_name(d.code));
    if (!d.msg[0])
        ss_test_fail(t_, __FILE__, line, "'%s': empty diag message", shown);
    if (eline && (d.line != eline || d.column != ecol))
        ss_test_fail(t_, __FILE__, line, "'%s': error at %u:%u, want %u:%u (%s)", shown, d.line,
                     d.column, eline, ecol, d.msg);
    if (d.offset > len)
        ss_test_fail(t_, __FILE__, line, "'%s': offset %llu beyond input", shown,
                     (unsigned long long)d.offset);
}
#define PARSE_FAIL(text, code, l, c)                                                               \
    parse_fail_at(t_, __LINE__, (text), strlen(text), NULL, code, l, c)
#define PARSE_FAIL_N(text, len, code, l, c)                                                        \
    parse_fail_at(t_, __LINE__, (text), (len), NULL, code, l, c)
#define PARSE_FAIL_OPTS(text, opts, code, l, c)                                                    \
    parse_fail_at(t_, __LINE__, (text), strlen(text), (opts), code, l, c)

/* Canonical bytes of a value into a NUL-terminated static-per-call buffer. */
static char *canon(struct ss_json v)
{
    struct ss_buf b = SS_BUF_INIT;
    ss_json_write_canonical(&b, v);
    return ss_buf_detach(&b, NULL);
}

#define CHECK_CANON(v, want)                                                                       \
    do {                                                                                           \
        char *c_ = canon(v);                                                                       \
        CHECK_STREQ(c_, want);                                                                     \
        free(c_);                                                                                  \
    } while (0)

static char *repeat(const char *unit, size_t n, const char *prefix, const char *suffix)
{
    struct ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, prefix);
    for (size_t i = 0; i < n; i++)
        ss_buf_adds(&b, unit);
    ss_buf_adds(&b, suffix);
    return ss_buf_detach(&b, NULL);
}

/* ---- accept ---- */

TEST(json_accepts_valid_documents)
{
    static const char *const ok[] = {
        "{}",
        "[]",
        "0",
        "-0",
        "1",
        "-1",
        "0.0",
        "-0.0",
        "1e5",
        "1E5",
        "1e+5",
        "1e-5",
        "1.5E-5",
        "0e0",
        "0E+0",
        "-0e-0",
        "1.25",
        "true",
        "false",
        "null",
        "\"\"",
        "\"a\"",
        " [ ] ",
        "\t\n\r {\t\n\r}\t\n\r ",
        "[[[]]]",
        "[{}]",
        "{\"\":0}",
        "{\"a\":{\"a\":{}}}",
        "[1,2,3]",
        "[\"a\",true,null,false,0.5,{}]",
        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
        "\"\\u0041\\u00e9\\u20AC\\uD83D\\uDE00\"",
        "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
        "\"\x7f\"",
        "\"\xef\xbf\xbf\"",
        "\"\xf4\x8f\xbf\xbf\"",
        "\"\xed\x9f\xbf\"",
        "\"\xee\x80\x80\"",
        "\"\\uFFFF\"",
        "\"\\uDBFF\\uDFFF\"",
        "\"/\"",
        "\"'\"",
        "1.0e-400",
        "4.9406564584124654e-324",
        "2.2250738585072011e-308",
        "1.7976931348623157e308",
        "-1.7976931348623157e308",
        "123456789012345678901234567890",
        "[-9223372036854775808,9223372036854775807]",
        "0.000000000000000000000000000000000000000000000001",
        "1e-999999999999",
        "0e999999999999",
        "\xef\xbb\xbf{}",
        "\xef\xbb\xbf 1",
        "{\"a\":1,\"A\":2}",
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(ok); i++) {
        struct ss_json_doc *doc = parse_ok_at(t_, __LINE__, ok[i], strlen(ok[i]), NULL);
        ss_json_doc_free(doc);
    }
}

/* ---- reject: structure ---- */

TEST(json_rejects_structure)
{
    PARSE_FAIL("{\"a\":1,}", SS_ESYNTAX, 1, 8);
    PARSE_FAIL("[1,]", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("[1, ]", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("[1,,2]", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("[,1]", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("[,]", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("{,}", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("{\"a\" 1}", SS_ESYNTAX, 1, 6);
    PARSE_FAIL("{\"a\"::1}", SS_ESYNTAX, 1, 6);
    PARSE_FAIL("{\"a\":}", SS_ESYNTAX, 1, 6);
    PARSE_FAIL("{\"a\"}", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("{1:2}", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("{null:2}", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("{a:2}", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("[1 2]", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("{\"a\":1 \"b\":2}", SS_ESYNTAX, 1, 8);
    PARSE_FAIL("{\"a\":1;\"b\":2}", SS_ESYNTAX, 1, 7);
    PARSE_FAIL("[1}", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("{\"a\":1]", SS_ESYNTAX, 1, 7);
    PARSE_FAIL("]", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("}", SS_ESYNTAX, 1, 1);
    PARSE_FAIL(":", SS_ESYNTAX, 1, 1);
    PARSE_FAIL(",", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("[\"a\":1]", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("{\"a\",\"b\"}", SS_ESYNTAX, 1, 5);
    /* garbage after the value */
    PARSE_FAIL("\"\"x", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("[] []", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("1 2", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("nullx", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("truefalse", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("[1]]", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("{}}", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("{} ,", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("[1]\n\nx", SS_ESYNTAX, 3, 1);
    PARSE_FAIL_N("1\0", 2, SS_ESYNTAX, 1, 2);
    PARSE_FAIL_N("[1,\0]", 5, SS_ESYNTAX, 1, 4);
    /* empty and blank input */
    PARSE_FAIL("", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("   ", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("\n\n", SS_ESYNTAX, 3, 1);
    PARSE_FAIL("\xef\xbb\xbf", SS_ESYNTAX, 1, 4);
    /* unclosed containers */
    PARSE_FAIL("[", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("{", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("[1", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("[1,", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("{\"a\"", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("{\"a\":", SS_ESYNTAX, 1, 6);
    PARSE_FAIL("{\"a\":1", SS_ESYNTAX, 1, 7);
    PARSE_FAIL("{\"a\":1,", SS_ESYNTAX, 1, 8);
    PARSE_FAIL("[\n\n\n", SS_ESYNTAX, 4, 1);
}

TEST(json_rejects_non_json_syntax)
{
    /* comments, single quotes, other whitespace, other literals */
    PARSE_FAIL("/* c */ 1", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("[1 /* c */]", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("[1] // c", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("# c\n1", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("'a'", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("{'a':1}", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("[\"a\",'b']", SS_ESYNTAX, 1, 6);
    PARSE_FAIL("\f1", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("\v1", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("[1,\f2]", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("\xc2\xa0"
               "1",
               SS_ESYNTAX, 1, 1); /* NBSP */
    PARSE_FAIL("\xe2\x80\x8b"
               "1",
               SS_ESYNTAX, 1, 1); /* zero-width space */
    PARSE_FAIL("\xef\xbb\xbf\xef\xbb\xbf"
               "1",
               SS_ESYNTAX, 1, 4); /* two BOMs */
    PARSE_FAIL(" \xef\xbb\xbf"
               "1",
               SS_ESYNTAX, 1, 2); /* BOM not at the start */
    PARSE_FAIL("\xfe\xff"
               "1",
               SS_ESYNTAX, 1, 1); /* UTF-16 BOM */
    PARSE_FAIL("NaN", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("-NaN", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("Infinity", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("-Infinity", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("[Infinity]", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("undefined", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("True", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("NULL", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("ture", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("[tru]", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("[nul, 1]", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("tru", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("fals", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("nul", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("t", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("nulll", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("\xc3\xa9", SS_ESYNTAX, 1, 1); /* non-ASCII outside a string */
    PARSE_FAIL("[\xff]", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("{\"a\":1}\xff", SS_ESYNTAX, 1, 8);
}

TEST(json_rejects_bad_numbers)
{
    PARSE_FAIL("01", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("-01", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("00", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("[1,007]", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("-", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("[-]", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("-a", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("- 1", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("--1", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("1.", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("[1.]", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("1.e1", SS_ESYNTAX, 1, 3);
    PARSE_FAIL(".5", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("-.5", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("1e", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("1E", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("1e+", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("1e-x", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("[1e]", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("1.5e", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("+1", SS_ESYNTAX, 1, 1);
    PARSE_FAIL("0x10", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("1e1.5", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("1.5.1", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("1ee5", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("1e5e5", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("1_000", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("1,5", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\xd9\xa1", SS_ESYNTAX, 1, 1);     /* ARABIC-INDIC DIGIT ONE */
    PARSE_FAIL("\xef\xbc\x91", SS_ESYNTAX, 1, 1); /* FULLWIDTH DIGIT ONE */
    /* out of range reals */
    PARSE_FAIL("1e400", SS_ERANGE, 1, 1);
    PARSE_FAIL("-1e400", SS_ERANGE, 1, 1);
    PARSE_FAIL("[1,1e999]", SS_ERANGE, 1, 4);
    PARSE_FAIL("1.8e308", SS_ERANGE, 1, 1);
    PARSE_FAIL("{\"a\":\n  -2E+308}", SS_ERANGE, 2, 3);
    PARSE_FAIL("1e99999999999999999999", SS_ERANGE, 1, 1);
    char *big = repeat("9", 400, "", ".5");
    PARSE_FAIL(big, SS_ERANGE, 1, 1);
    free(big);
}

TEST(json_rejects_bad_strings)
{
    PARSE_FAIL("\"abc", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("[\"a]", SS_ESYNTAX, 1, 5);
    PARSE_FAIL("\"\\", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("\"\\\"", SS_ESYNTAX, 1, 4);
    /* bad escapes */
    PARSE_FAIL("\"\\x\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"ab\\q\"", SS_ESYNTAX, 1, 4);
    PARSE_FAIL("\"\\a\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\0\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\'\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\U0041\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\u12\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\u12", SS_ESYNTAX, 1, 6);
    PARSE_FAIL("\"\\uZZZZ\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\u00G0\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\u-123\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\ \"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\\xc3\xa9\"", SS_ESYNTAX, 1, 2);
    /* surrogates */
    PARSE_FAIL("\"\\ud800\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\uDBFF\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\udc00\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\uDFFF\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\udc00\\ud800\"", SS_ESYNTAX, 1, 2); /* reversed pair */
    PARSE_FAIL("\"\\ud800\\ud800\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\ud800x\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\ud800\\u0041\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\ud800\\n\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"ok \\ud83d\\ude00 then \\ude00\"", SS_ESYNTAX, 1, 23);
    PARSE_FAIL("\"x\\ud800", SS_ESYNTAX, 0, 0); /* input ends: either message is fine */
    PARSE_FAIL("\"x\\ud800\\u", SS_ESYNTAX, 0, 0);
    /* \u0000 is refused by default */
    PARSE_FAIL("\"a\\u0000b\"", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("{\"\\u0000\":1}", SS_ESYNTAX, 1, 3);
    /* raw control characters */
    PARSE_FAIL("\"a\tb\"", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("\"a\nb\"", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("\"\r\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\x01\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\x1f\"", SS_ESYNTAX, 1, 2);
    PARSE_FAIL("\"\\n\x1f\"", SS_ESYNTAX, 1, 4); /* after an escape (decoding path) */
    PARSE_FAIL_N("\"a\0b\"", 5, SS_ESYNTAX, 1, 3);
    PARSE_FAIL("{\"k\tey\":1}", SS_ESYNTAX, 1, 4);
}

TEST(json_rejects_bad_utf8)
{
    PARSE_FAIL("\"\xc0\x80\"", SS_EUTF8, 1, 2);                 /* overlong NUL */
    PARSE_FAIL("\"\xc1\xbf\"", SS_EUTF8, 1, 2);                 /* overlong 2-byte */
    PARSE_FAIL("\"\xe0\x80\x80\"", SS_EUTF8, 1, 2);             /* overlong 3-byte */
    PARSE_FAIL("\"\xe0\x9f\xbf\"", SS_EUTF8, 1, 2);             /* overlong 3-byte, max */
    PARSE_FAIL("\"\xf0\x80\x80\x80\"", SS_EUTF8, 1, 2);         /* overlong 4-byte */
    PARSE_FAIL("\"\xf0\x8f\xbf\xbf\"", SS_EUTF8, 1, 2);         /* overlong 4-byte, max */
    PARSE_FAIL("\"\xed\xa0\x80\"", SS_EUTF8, 1, 2);             /* encoded surrogate D800 */
    PARSE_FAIL("\"\xed\xbf\xbf\"", SS_EUTF8, 1, 2);             /* encoded surrogate DFFF */
    PARSE_FAIL("\"\xed\xa0\xbd\xed\xb8\x80\"", SS_EUTF8, 1, 2); /* CESU-8 pair */
    PARSE_FAIL("\"\xf4\x90\x80\x80\"", SS_EUTF8, 1, 2);         /* U+110000 */
    PARSE_FAIL("\"\xf5\x80\x80\x80\"", SS_EUTF8, 1, 2);
    PARSE_FAIL("\"\xf7\xbf\xbf\xbf\"", SS_EUTF8, 1, 2);
    PARSE_FAIL("\"\xf8\x88\x80\x80\x80\"", SS_EUTF8, 1, 2);     /* 5-byte form */
    PARSE_FAIL("\"\xfc\x84\x80\x80\x80\x80\"", SS_EUTF8, 1, 2); /* 6-byte form */
    PARSE_FAIL("\"\xfe\"", SS_EUTF8, 1, 2);
    PARSE_FAIL("\"\xff\"", SS_EUTF8, 1, 2);
    PARSE_FAIL("\"\x80\"", SS_EUTF8, 1, 2); /* lone continuation */
    PARSE_FAIL("\"a\xbf\"", SS_EUTF8, 1, 3);
    PARSE_FAIL("\"\xc3\xa9\xa9\"", SS_EUTF8, 1, 4); /* one continuation too many */
    PARSE_FAIL("\"\xc3\"", SS_EUTF8, 1, 2);         /* cut by the quote */
    PARSE_FAIL("\"\xe2\x82\"", SS_EUTF8, 1, 2);
    PARSE_FAIL("\"\xf0\x9f\x98\"", SS_EUTF8, 1, 2);
    PARSE_FAIL("\"\xe2\x82 \"", SS_EUTF8, 1, 2);
    PARSE_FAIL("\"\xc3\xc3\xa9\"", SS_EUTF8, 1, 2);
    PARSE_FAIL("\"\\n\xff\"", SS_EUTF8, 1, 4);  /* after an escape */
    PARSE_FAIL("{\"\xff\":1}", SS_EUTF8, 1, 3); /* in a key */
    PARSE_FAIL("[\"ok\",\n \"\xc0\xaf\"]", SS_EUTF8, 2, 3);
    PARSE_FAIL("\"\xc3", SS_ESYNTAX, 1, 3); /* cut by the end */
}

TEST(json_line_and_column)
{
    PARSE_FAIL("[1,\n2,\n  x]", SS_ESYNTAX, 3, 3);
    PARSE_FAIL("{\r\n\"a\":1,\r\n}", SS_ESYNTAX, 3, 1);
    PARSE_FAIL("\t\t]", SS_ESYNTAX, 1, 3);
    PARSE_FAIL("[\"\xc3\xa9\xc3\xa9\", x]", SS_ESYNTAX, 1, 10); /* columns count bytes */
    PARSE_FAIL("\xef\xbb\xbf[1,]", SS_ESYNTAX, 1, 7);           /* the BOM is 3 bytes */
    PARSE_FAIL("\r\r\rx", SS_ESYNTAX, 1, 4);                    /* CR alone is no newline */
    PARSE_FAIL("\n\n\n\n\n\n\n\n\n\n\n\n[1,\n\n   ]", SS_ESYNTAX, 15, 4);
    /* the offset is the byte offset of the fault */
    struct ss_json_doc *doc = NULL;
    struct ss_diag d;
    CHECK_ERR(parse_exact("[1,\n  2,,]", 10, NULL, &doc, &d), SS_ESYNTAX);
    CHECK_EQ_INT(d.offset, 8);
    CHECK_EQ_INT(d.line, 2);
    CHECK_EQ_INT(d.column, 5);
    /* opts->name names the input */
    struct ss_json_opts o = {0, 0, 0, 0, "inv.json"};
    CHECK_ERR(parse_exact("[1,]", 4, &o, &doc, &d), SS_ESYNTAX);
    CHECK_STREQ(d.file, "inv.json");
    char buf[512];
    ss_diag_format(&d, buf, sizeof(buf));
    CHECK(strncmp(buf, "inv.json:1:4: ", 14) == 0);
    /* a NULL diag is allowed */
    CHECK_ERR(ss_json_parse("[1,]", 4, NULL, &doc, NULL), SS_ESYNTAX);
}

/* Every proper prefix of a valid document must be rejected cleanly, with a
 * position inside the prefix; the full document must be accepted. */
static void check_prefixes(struct ss_test *t_, const char *text)
{
    size_t len = strlen(text);
    struct ss_json_doc *doc = parse_ok_at(t_, __LINE__, text, len, NULL);
    ss_json_doc_free(doc);
    for (size_t k = 0; k < len; k++) {
        struct ss_json_doc *sentinel = (struct ss_json_doc *)&sentinel, *out = sentinel;
        struct ss_diag d;
        enum ss_err e = parse_exact(text, k, NULL, &out, &d);
        if (e != SS_ESYNTAX && e != SS_EUTF8) {
            ss_test_fail(t_, __FILE__, __LINE__, "prefix %zu of %zu: got %s", k, len,
                         ss_err_name(e));
            if (e == SS_OK)
                ss_json_doc_free(out);
            return;
        }
        if (out != sentinel || d.code != e || d.offset > k || d.line == 0 || d.column == 0) {
            ss_test_fail(t_, __FILE__, __LINE__, "prefix %zu: bad failure (offset %llu, %u:%u)", k,
                         (unsigned long long)d.offset, d.line, d.column);
            return;
        }
        /* line:col agree with the offset */
        uint32_t line = 1, col = 1;
        for (size_t i = 0; i < d.offset; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        if (line != d.line || col != d.column) {
            ss_test_fail(t_, __FILE__, __LINE__, "prefix %zu: %u:%u for offset %llu, want %u:%u", k,
                         d.line, d.column, (unsigned long long)d.offset, line, col);
            return;
        }
    }
}

TEST(json_truncated_prefixes_fail_cleanly)
{
    check_prefixes(t_, "{\"a\":[1,-2.5e+3,0,true,false,null,\"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"
                       "\\ud83d\\ude00\"],\"b\":{\"c\":{}},\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                       "\":[[]],\"d\":-0,\"e\":1E-2,\"f\":123456789012345678901234567890}");
    check_prefixes(t_, "\xef\xbb\xbf[\n  {\n    \"id\": \"/subscriptions/1\",\n    \"tags\": {},"
                       "\n    \"n\": [1.5, 2, {\"deep\": [[[\"\\u0041\"]]]}]\n  }\n]");
    check_prefixes(t_, "\"just a string with \\u20ac and \xe2\x82\xac\"");
}

/* ---- depth ---- */

TEST(json_depth_limit)
{
    char *ok = repeat("[", 1000, "", "");
    char *ok2 = repeat("]", 1000, ok, "");
    struct ss_json_doc *doc = parse_ok_at(t_, __LINE__, ok2, strlen(ok2), NULL);
    ss_json_doc_free(doc);
    free(ok);
    free(ok2);
    /* 1000 arrays with a scalar inside */
    ok = repeat("[", 1000, "", "1");
    ok2 = repeat("]", 1000, ok, "");
    doc = parse_ok_at(t_, __LINE__, ok2, strlen(ok2), NULL);
    ss_json_doc_free(doc);
    free(ok);
    free(ok2);
    /* 1001: rejected at the 1001st bracket */
    char *deep = repeat("[", 1001, "", "");
    char *deep2 = repeat("]", 1001, deep, "");
    PARSE_FAIL(deep2, SS_EDEPTH, 1, 1001);
    free(deep);
    free(deep2);
    /* objects count too */
    deep = repeat("{\"a\":", 1001, "", "1");
    deep2 = repeat("}", 1001, deep, "");
    PARSE_FAIL(deep2, SS_EDEPTH, 1, 5 * 1000 + 1);
    free(deep);
    free(deep2);
    deep = repeat("{\"a\":[", 500, "", "1");
    deep2 = repeat("]}", 500, deep, "");
    doc = parse_ok_at(t_, __LINE__, deep2, strlen(deep2), NULL);
    ss_json_doc_free(doc);
    free(deep);
    free(deep2);
    /* 100,000 '[' (stack safety): a depth error, not a crash */
    deep = repeat("[", 100000, "", "");
    PARSE_FAIL(deep, SS_EDEPTH, 1, 1001);
    free(deep);
    deep = repeat("[{\"a\":", 50000, "", "");
    PARSE_FAIL(deep, SS_EDEPTH, 0, 0);
    free(deep);
    /* opts.max_depth */
    struct ss_json_opts o = {0, 3, 0, 0, NULL};
    doc = PARSE_OK_OPTS("[[[1]]]", &o);
    ss_json_doc_free(doc);
    PARSE_FAIL_OPTS("[[[[1]]]]", &o, SS_EDEPTH, 1, 4);
    PARSE_FAIL_OPTS("[[],[{\"a\":{}}]]", &o, SS_EDEPTH, 1, 11);
}

/* ---- limits ---- */

TEST(json_size_limits)
{
    struct ss_json_opts o = {0, 0, 5, 0, NULL};
    struct ss_json_doc *doc = PARSE_OK_OPTS("\"abcde\"", &o);
    ss_json_doc_free(doc);
    PARSE_FAIL_OPTS("\"abcdef\"", &o, SS_ETOOBIG, 1, 1);
    PARSE_FAIL_OPTS("[1, \"abcdef\"]", &o, SS_ETOOBIG, 1, 5);
    PARSE_FAIL_OPTS("\"\\u0041bcdef\"", &o, SS_ETOOBIG, 1, 1);
    doc = PARSE_OK_OPTS("\"\\u0041bcde\"", &o); /* 5 decoded bytes */
    ss_json_doc_free(doc);
    PARSE_FAIL_OPTS("{\"abcdefg\":1}", &o, SS_ETOOBIG, 1, 2); /* keys too */
    PARSE_FAIL_OPTS("1234567", &o, SS_ETOOBIG, 1, 1);         /* number literals too */
    struct ss_json_opts s = {0, 0, 0, 10, NULL};
    doc = PARSE_OK_OPTS("[1,2,3,44]", &s);
    ss_json_doc_free(doc);
    PARSE_FAIL_OPTS("[1,2,3,444]", &s, SS_ETOOBIG, 0, 0);
}

/* ---- values ---- */

TEST(json_kinds_and_scalars)
{
    struct ss_json_doc *doc = PARSE_OK("[null,false,true,0,-7,1.5,\"s\",[],{}]");
    REQUIRE(doc);
    struct ss_json r = ss_json_root(doc);
    static const enum ss_json_kind kinds[] = {SS_JSON_NULL,   SS_JSON_FALSE, SS_JSON_TRUE,
                                              SS_JSON_INT,    SS_JSON_INT,   SS_JSON_REAL,
                                              SS_JSON_STRING, SS_JSON_ARRAY, SS_JSON_OBJECT};
    CHECK_EQ_INT(ss_json_kind(r), SS_JSON_ARRAY);
    CHECK_EQ_INT(ss_json_len(r), 9);
    for (size_t i = 0; i < SS_ARRAY_LEN(kinds); i++)
        CHECK_EQ_INT(ss_json_kind(ss_json_at(r, i)), kinds[i]);
    CHECK_EQ_INT(ss_json_kind(ss_json_at(r, 9)), SS_JSON_NONE);
    CHECK_EQ_INT(ss_json_kind(ss_json_at(r, SIZE_MAX)), SS_JSON_NONE);
    CHECK(!ss_json_exists(ss_json_at(r, 9)));
    CHECK(ss_json_exists(ss_json_at(r, 0)));
    CHECK_STREQ(ss_json_kind_name(SS_JSON_NULL), "null");
    CHECK_STREQ(ss_json_kind_name(SS_JSON_FALSE), "boolean");
    CHECK_STREQ(ss_json_kind_name(SS_JSON_TRUE), "boolean");
    CHECK_STREQ(ss_json_kind_name(SS_JSON_INT), "number");
    CHECK_STREQ(ss_json_kind_name(SS_JSON_REAL), "number");
    CHECK_STREQ(ss_json_kind_name(SS_JSON_STRING), "string");
    CHECK_STREQ(ss_json_kind_name(SS_JSON_ARRAY), "array");
    CHECK_STREQ(ss_json_kind_name(SS_JSON_OBJECT), "object");
    CHECK_STREQ(ss_json_kind_name(SS_JSON_NONE), "none");
    CHECK(ss_json_is_bool(ss_json_at(r, 1)) && ss_json_is_bool(ss_json_at(r, 2)));
    CHECK(!ss_json_is_bool(ss_json_at(r, 0)));
    CHECK(!ss_json_bool(ss_json_at(r, 1)) && ss_json_bool(ss_json_at(r, 2)));
    CHECK(!ss_json_bool(ss_json_at(r, 3)));
    CHECK(ss_json_is_number(ss_json_at(r, 3)) && ss_json_is_number(ss_json_at(r, 5)));
    CHECK(!ss_json_is_number(ss_json_at(r, 6)));
    CHECK_EQ_INT(ss_json_int(ss_json_at(r, 4)), -7);
    CHECK_DBL(ss_json_num(ss_json_at(r, 4)), -7.0);
    CHECK_DBL(ss_json_num(ss_json_at(r, 5)), 1.5);
    CHECK_EQ_INT(ss_json_int(ss_json_at(r, 5)), 1);
    CHECK(ss_json_str_eq(ss_json_at(r, 6), "s"));
    CHECK(!ss_json_str_eq(ss_json_at(r, 6), "S"));
    CHECK(!ss_json_str_eq(ss_json_at(r, 6), ""));
    CHECK(!ss_json_str_eq(ss_json_at(r, 0), "null"));
    /* accessors on the wrong kind answer "nothing" */
    struct ss_json none = ss_json_at(r, 100);
    struct ss_json str = ss_json_at(r, 6);
    CHECK(ss_json_str(ss_json_at(r, 0)).ptr == NULL && ss_json_str(ss_json_at(r, 0)).len == 0);
    CHECK(ss_json_num_text(str).ptr == NULL);
    CHECK_EQ_INT(ss_json_int(str), 0);
    CHECK_DBL(ss_json_num(str), 0.0);
    CHECK_EQ_INT(ss_json_len(str), 0);
    CHECK_EQ_INT(ss_json_len(none), 0);
    CHECK_EQ_INT(ss_json_int(none), 0);
    CHECK(!ss_json_bool(none) && !ss_json_is_bool(none) && !ss_json_is_number(none));
    CHECK(ss_json_str(none).ptr == NULL);
    CHECK(!ss_json_is_bigint(none) && !ss_json_is_bigint(str));
    CHECK_EQ_INT(ss_json_kind(ss_json_get(none, "a", 1)), SS_JSON_NONE);
    CHECK_EQ_INT(ss_json_kind(ss_json_get(r, "a", 1)), SS_JSON_NONE); /* not an object */
    CHECK_EQ_INT(ss_json_kind(ss_json_at(ss_json_at(r, 8), 0)), SS_JSON_NONE);
    CHECK_EQ_INT(ss_json_kind(ss_json_at(str, 0)), SS_JSON_NONE);
    CHECK_EQ_INT(ss_json_kind(ss_json_pointer(none, "", 0)), SS_JSON_NONE);
    CHECK_EQ_INT(ss_json_len(ss_json_at(r, 7)), 0);
    CHECK_EQ_INT(ss_json_len(ss_json_at(r, 8)), 0);
    ss_json_doc_free(doc);
    ss_json_doc_free(NULL);
    /* a scalar document */
    doc = PARSE_OK(" \"top\" ");
    REQUIRE(doc);
    CHECK(ss_json_str_eq(ss_json_root(doc), "top"));
    CHECK(ss_json_doc_memory(doc) > 0);
    CHECK_EQ_INT(ss_json_doc_nodes(doc), 1);
    ss_json_doc_free(doc);
}

TEST(json_integers_and_bigints)
{
    struct ss_json_doc *doc = PARSE_OK("[-9223372036854775808, 9223372036854775807,"
                                       " 9223372036854775808, -9223372036854775809,"
                                       " 123456789012345678901234567890, 0, -0,"
                                       " 18446744073709551616, 10000000000000000000]");
    REQUIRE(doc);
    struct ss_json r = ss_json_root(doc);
    struct ss_json min = ss_json_at(r, 0), max = ss_json_at(r, 1), over = ss_json_at(r, 2);
    struct ss_json under = ss_json_at(r, 3), huge = ss_json_at(r, 4);
    CHECK_EQ_INT(ss_json_kind(min), SS_JSON_INT);
    CHECK(ss_json_int(min) == INT64_MIN);
    CHECK_EQ_INT(ss_json_kind(max), SS_JSON_INT);
    CHECK(ss_json_int(max) == INT64_MAX);
    CHECK(!ss_json_is_bigint(min) && !ss_json_is_bigint(max));
    /* one past the limits: big integers, kept as text */
    CHECK_EQ_INT(ss_json_kind(over), SS_JSON_REAL);
    CHECK(ss_json_is_bigint(over));
    CHECK_DBL(ss_json_num(over), 9223372036854775808.0);
    CHECK(ss_json_int(over) == INT64_MAX); /* saturated */
    CHECK_MEMEQ(ss_json_num_text(over).ptr, ss_json_num_text(over).len, "9223372036854775808");
    CHECK_EQ_INT(ss_json_kind(under), SS_JSON_REAL);
    CHECK(ss_json_is_bigint(under));
    CHECK(ss_json_int(under) == INT64_MIN);
    CHECK_DBL(ss_json_num(under), -9223372036854775808.0);
    CHECK(ss_json_is_bigint(huge));
    CHECK_DBL(ss_json_num(huge), 1.2345678901234568e29);
    CHECK_MEMEQ(ss_json_num_text(huge).ptr, ss_json_num_text(huge).len,
                "123456789012345678901234567890");
    CHECK_EQ_INT(ss_json_kind(ss_json_at(r, 5)), SS_JSON_INT);
    CHECK_EQ_INT(ss_json_kind(ss_json_at(r, 6)), SS_JSON_INT); /* -0 is the integer 0 */
    CHECK_EQ_INT(ss_json_int(ss_json_at(r, 6)), 0);
    CHECK(ss_json_is_bigint(ss_json_at(r, 7)));
    CHECK_DBL(ss_json_num(ss_json_at(r, 7)), 18446744073709551616.0);
    CHECK(ss_json_is_bigint(ss_json_at(r, 8)));
    CHECK_DBL(ss_json_num(ss_json_at(r, 8)), 1e19);
    /* the writer reprints big integers as written; the canonical form too */
    CHECK_CANON(r, "[-9223372036854775808,9223372036854775807,9223372036854775808,"
                   "-9223372036854775809,123456789012345678901234567890,0,0,"
                   "18446744073709551616,10000000000000000000]");
    ss_json_doc_free(doc);
    /* reals are not bigints; numbers keep their text */
    doc = PARSE_OK("[1.0, 1e2, 1E+2, -0.0, 2.50]");
    REQUIRE(doc);
    r = ss_json_root(doc);
    for (size_t i = 0; i < 5; i++) {
        CHECK_EQ_INT(ss_json_kind(ss_json_at(r, i)), SS_JSON_REAL);
        CHECK(!ss_json_is_bigint(ss_json_at(r, i)));
    }
    CHECK_DBL(ss_json_num(ss_json_at(r, 1)), 100.0);
    CHECK_EQ_INT(ss_json_int(ss_json_at(r, 1)), 100);
    CHECK(signbit(ss_json_num(ss_json_at(r, 3))));
    CHECK_MEMEQ(ss_json_num_text(ss_json_at(r, 4)).ptr, ss_json_num_text(ss_json_at(r, 4)).len,
                "2.50");
    CHECK_MEMEQ(ss_json_num_text(ss_json_at(r, 2)).ptr, ss_json_num_text(ss_json_at(r, 2)).len,
                "1E+2");
    ss_json_doc_free(doc);
    /* a big integer beyond the double range */
    char *big = repeat("9", 400, "", "");
    doc = parse_ok_at(t_, __LINE__, big, strlen(big), NULL);
    if (doc) {
        struct ss_json b = ss_json_root(doc);
        CHECK(ss_json_is_bigint(b));
        CHECK_EQ_INT(ss_json_num_text(b).len, 400);
        CHECK(ss_json_int(b) == INT64_MAX);
        CHECK_DBL(ss_json_num(b), DBL_MAX); /* the nearest finite value */
        ss_json_doc_free(doc);
    }
    free(big);
    big = repeat("9", 400, "[-", "]");
    doc = parse_ok_at(t_, __LINE__, big, strlen(big), NULL);
    if (doc) {
        struct ss_json b = ss_json_at(ss_json_root(doc), 0);
        CHECK(ss_json_is_bigint(b));
        CHECK_DBL(ss_json_num(b), -DBL_MAX);
        CHECK(ss_json_int(b) == INT64_MIN);
        ss_json_doc_free(doc);
    }
    free(big);
}

TEST(json_doubles)
{
    struct ss_json_doc *doc =
        PARSE_OK("[0.1, 1e-400, 4.9e-324, 2.2250738585072011e-308, 1.7976931348623157e308,"
                 " 2.2250738585072014e-308, 0.30000000000000004, 1e300, -1e300, 1.5e-5,"
                 " 9007199254740993, 3.14159265358979323846264338327950288, 1E22, 1e23,"
                 " 0.000000000000000000000000000000000000000000001e45, 2.5e-324, 2.4e-324]");
    REQUIRE(doc);
    struct ss_json r = ss_json_root(doc);
    CHECK_DBL(ss_json_num(ss_json_at(r, 0)), 0.1);
    CHECK_DBL(ss_json_num(ss_json_at(r, 1)), 0.0); /* underflow: nearest double */
    CHECK_DBL(ss_json_num(ss_json_at(r, 2)), 4.9406564584124654e-324);
    CHECK_DBL(ss_json_num(ss_json_at(r, 3)), 2.2250738585072011e-308);
    CHECK_DBL(ss_json_num(ss_json_at(r, 4)), 1.7976931348623157e308);
    CHECK_DBL(ss_json_num(ss_json_at(r, 5)), 2.2250738585072014e-308);
    CHECK_DBL(ss_json_num(ss_json_at(r, 6)), 0.1 + 0.2);
    CHECK_DBL(ss_json_num(ss_json_at(r, 7)), 1e300);
    CHECK(ss_json_int(ss_json_at(r, 7)) == INT64_MAX);
    CHECK(ss_json_int(ss_json_at(r, 8)) == INT64_MIN);
    CHECK_DBL(ss_json_num(ss_json_at(r, 9)), 1.5e-5);
    CHECK_EQ_INT(ss_json_kind(ss_json_at(r, 10)), SS_JSON_INT);
    CHECK(ss_json_int(ss_json_at(r, 10)) == 9007199254740993LL);
    CHECK_DBL(ss_json_num(ss_json_at(r, 11)), 3.141592653589793);
    CHECK_DBL(ss_json_num(ss_json_at(r, 12)), 1e22);
    CHECK_DBL(ss_json_num(ss_json_at(r, 13)), 1e23);
    CHECK_DBL(ss_json_num(ss_json_at(r, 14)), 1.0);
    CHECK_DBL(ss_json_num(ss_json_at(r, 15)), 4.9406564584124654e-324); /* rounds up */
    CHECK_DBL(ss_json_num(ss_json_at(r, 16)), 0.0);                     /* rounds down */
    ss_json_doc_free(doc);
    /* the correctly rounded value of many random decimal literals */
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    int bad = 0;
    for (int i = 0; i < 20000 && bad < 5; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        /* 1-30 digits, a decimal point somewhere, an exponent in +-330 */
        char text[64];
        int ndig = 1 + (int)(seed % 30), point = (int)((seed >> 5) % (uint64_t)(ndig + 1));
        int n = 0;
        uint64_t ds = seed;
        if ((seed >> 20) & 1)
            text[n++] = '-';
        for (int k = 0; k < ndig; k++) {
            if (k == point && k > 0)
                text[n++] = '.';
            ds = ds * 6364136223846793005ULL + 1442695040888963407ULL;
            text[n++] = (char)('0' + (k == 0 ? 1 + (ds >> 33) % 9 : (ds >> 33) % 10));
        }
        n += snprintf(text + n, sizeof(text) - (size_t)n, "e%d", (int)((seed >> 40) % 661) - 330);
        double want = strtod(text, NULL);
        if (isinf(want))
            continue;
        struct ss_json_doc *d1 = NULL;
        struct ss_diag dg;
        if (parse_exact(text, (size_t)n, NULL, &d1, &dg) != SS_OK) {
            ss_test_fail(t_, __FILE__, __LINE__, "%s rejected: %s", text, dg.msg);
            bad++;
            continue;
        }
        double got = ss_json_num(ss_json_root(d1));
        if (memcmp(&got, &want, sizeof(got)) != 0) {
            ss_test_fail(t_, __FILE__, __LINE__, "%s: got %.17g want %.17g", text, got, want);
            bad++;
        }
        ss_json_doc_free(d1);
    }
}

TEST(json_strings_decoded)
{
    struct ss_json_doc *doc = PARSE_OK("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u0041\\u00e9\\u20AC\","
                                       " \"\\uD83D\\uDE00\", \"plain\", \"\", \"\\u001f\","
                                       " \"\xc3\xa9\"]");
    REQUIRE(doc);
    struct ss_json r = ss_json_root(doc);
    struct ss_str s = ss_json_str(ss_json_at(r, 0));
    CHECK_MEMEQ(s.ptr, s.len, "\"\\/\b\f\n\r\t");
    s = ss_json_str(ss_json_at(r, 1));
    CHECK_MEMEQ(s.ptr, s.len, "A\xc3\xa9\xe2\x82\xac");
    s = ss_json_str(ss_json_at(r, 2));
    CHECK_MEMEQ(s.ptr, s.len, "\xf0\x9f\x98\x80");
    CHECK(ss_json_str_eq(ss_json_at(r, 3), "plain"));
    s = ss_json_str(ss_json_at(r, 4));
    CHECK(s.ptr != NULL);
    CHECK_EQ_INT(s.len, 0);
    CHECK(ss_json_str_eq(ss_json_at(r, 4), ""));
    CHECK(ss_json_str_eq(ss_json_at(r, 5), "\x1f"));
    CHECK(ss_json_str_eq(ss_json_at(r, 6), "\xc3\xa9"));
    ss_json_doc_free(doc);
    /* SS_JSON_ALLOW_NUL keeps \u0000, strings carry their length */
    struct ss_json_opts o = {SS_JSON_ALLOW_NUL, 0, 0, 0, NULL};
    doc = PARSE_OK_OPTS("{\"a\\u0000b\":\"ab\\u0000cd\"}", &o);
    REQUIRE(doc);
    r = ss_json_root(doc);
    struct ss_json v = ss_json_get(r, "a\0b", 3);
    s = ss_json_str(v);
    CHECK_EQ_INT(s.len, 5);
    CHECK(s.len == 5 && memcmp(s.ptr, "ab\0cd", 5) == 0);
    CHECK_EQ_INT(ss_json_kind(ss_json_getz(r, "a")), SS_JSON_NONE);
    ss_json_doc_free(doc);
}

/* Builds an object of n members "k0".."k{n-1}" in a scrambled order. */
static char *big_object(size_t n, const char *extra)
{
    struct ss_buf b = SS_BUF_INIT;
    ss_buf_addc(&b, '{');
    for (size_t i = 0; i < n; i++) {
        size_t k = (i * 7919) % n; /* n not a multiple of 7919: a permutation */
        ss_buf_printf(&b, "%s\"k%zu\":%zu", i ? "," : "", k, k * 10);
    }
    ss_buf_adds(&b, extra);
    ss_buf_addc(&b, '}');
    return ss_buf_detach(&b, NULL);
}

TEST(json_object_lookup)
{
    static const size_t sizes[] = {1, 2, 8, 9, 16, 17, 100, 5000};
    for (size_t s = 0; s < SS_ARRAY_LEN(sizes); s++) {
        size_t n = sizes[s];
        char *text = big_object(n, "");
        struct ss_json_doc *doc = parse_ok_at(t_, __LINE__, text, strlen(text), NULL);
        free(text);
        REQUIRE(doc);
        struct ss_json r = ss_json_root(doc);
        CHECK_EQ_INT(ss_json_len(r), n);
        int bad = 0;
        for (size_t k = 0; k < n && bad < 3; k++) {
            char key[32];
            int kl = snprintf(key, sizeof(key), "k%zu", k);
            struct ss_json v = ss_json_get(r, key, (size_t)kl);
            if (ss_json_int(v) != (int64_t)(k * 10) || ss_json_kind(v) != SS_JSON_INT) {
                ss_test_fail(t_, __FILE__, __LINE__, "n=%zu: get %s failed", n, key);
                bad++;
            }
            key[0] = 'K';
            if (ss_json_exists(ss_json_get(r, key, (size_t)kl))) {
                ss_test_fail(t_, __FILE__, __LINE__, "n=%zu: exact get %s matched", n, key);
                bad++;
            }
            if (ss_json_int(ss_json_get_nocase(r, key, (size_t)kl)) != (int64_t)(k * 10)) {
                ss_test_fail(t_, __FILE__, __LINE__, "n=%zu: nocase get %s failed", n, key);
                bad++;
            }
        }
        CHECK(!ss_json_exists(ss_json_getz(r, "k")));
        CHECK(!ss_json_exists(ss_json_getz(r, "")));
        CHECK(!ss_json_exists(ss_json_getz(r, "k0 ")));
        CHECK(!ss_json_exists(ss_json_get(r, "k0", 1)));
        CHECK(!ss_json_exists(ss_json_get_nocase(r, "x0", 2)));
        char nk[32];
        int nl = snprintf(nk, sizeof(nk), "k%zu", n);
        CHECK(!ss_json_exists(ss_json_get(r, nk, (size_t)nl)));
        /* iteration gives document order */
        struct ss_json_iter it;
        struct ss_str key;
        struct ss_json val;
        size_t i = 0;
        ss_json_iter_init(&it, r);
        while (ss_json_iter_next(&it, &key, &val)) {
            size_t k = (i * 7919) % n;
            char want[32];
            int wl = snprintf(want, sizeof(want), "k%zu", k);
            if (key.len != (size_t)wl || memcmp(key.ptr, want, key.len) != 0 ||
                ss_json_int(val) != (int64_t)(k * 10)) {
                ss_test_fail(t_, __FILE__, __LINE__, "n=%zu: member %zu out of order", n, i);
                break;
            }
            i++;
        }
        CHECK_EQ_INT(i, n);
        ss_json_doc_free(doc);
    }
}

TEST(json_object_lookup_nocase_first_match)
{
    /* keys that differ only in case are distinct members; nocase finds the first */
    static const char *const docs[] = {
        "{\"Name\":1,\"name\":2,\"NAME\":3}",
        "{\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0,\"i\":0,"
        "\"Name\":1,\"name\":2,\"NAME\":3}",
        "{\"NAME\":1,\"a\":0,\"b\":0,\"c\":0,\"d\":0,\"e\":0,\"f\":0,\"g\":0,\"h\":0,\"i\":0,"
        "\"Name\":2,\"name\":3}",
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(docs); i++) {
        struct ss_json_doc *doc = parse_ok_at(t_, __LINE__, docs[i], strlen(docs[i]), NULL);
        REQUIRE(doc);
        struct ss_json r = ss_json_root(doc);
        CHECK_EQ_INT(ss_json_int(ss_json_get_nocase(r, "nAmE", 4)), 1);
        CHECK_EQ_INT(ss_json_int(ss_json_get_nocase(r, "name", 4)), 1);
        CHECK_EQ_INT(ss_json_int(ss_json_getz(r, "Name")), i == 2 ? 2 : 1);
        CHECK_EQ_INT(ss_json_int(ss_json_getz(r, "name")), i == 2 ? 3 : 2);
        CHECK_EQ_INT(ss_json_int(ss_json_getz(r, "NAME")), i == 2 ? 1 : 3);
        CHECK(!ss_json_exists(ss_json_getz(r, "nAme")));
        ss_json_doc_free(doc);
    }
    /* escaped keys are compared decoded; non-ASCII letters do not fold */
    struct ss_json_doc *doc = PARSE_OK("{\"\\u0041b\":1,\"caf\\u00e9\":2,\"\\n\":3}");
    REQUIRE(doc);
    struct ss_json r = ss_json_root(doc);
    CHECK_EQ_INT(ss_json_int(ss_json_getz(r, "Ab")), 1);
    CHECK_EQ_INT(ss_json_int(ss_json_get_nocase(r, "aB", 2)), 1);
    CHECK_EQ_INT(ss_json_int(ss_json_getz(r, "caf\xc3\xa9")), 2);
    CHECK_EQ_INT(ss_json_int(ss_json_get_nocase(r, "CAF\xc3\xa9", 5)), 2);
    CHECK(!ss_json_exists(ss_json_get_nocase(r, "CAF\xc3\x89", 5)));
    CHECK_EQ_INT(ss_json_int(ss_json_getz(r, "\n")), 3);
    ss_json_doc_free(doc);
}

TEST(json_array_access_and_iteration)
{
    struct ss_buf b = SS_BUF_INIT;
    ss_buf_addc(&b, '[');
    for (int i = 0; i < 3000; i++)
        ss_buf_printf(&b, "%s%s", i ? "," : "",
                      i % 3 == 0   ? "{\"x\":[1,2]}"
                      : i % 3 == 1 ? "7"
                                   : "\"s\"");
    ss_buf_addc(&b, ']');
    struct ss_json_doc *doc = parse_ok_at(t_, __LINE__, b.ptr, b.len, NULL);
    ss_buf_release(&b);
    REQUIRE(doc);
    struct ss_json r = ss_json_root(doc);
    CHECK_EQ_INT(ss_json_len(r), 3000);
    CHECK_EQ_INT(ss_json_kind(ss_json_at(r, 2998)), SS_JSON_INT);
    CHECK_EQ_INT(ss_json_kind(ss_json_at(r, 2999)), SS_JSON_STRING);
    CHECK_EQ_INT(ss_json_kind(ss_json_at(r, 2997)), SS_JSON_OBJECT);
    CHECK_EQ_INT(ss_json_kind(ss_json_at(r, 3000)), SS_JSON_NONE);
    struct ss_json_iter it;
    struct ss_str key = {"x", 1};
    struct ss_json val;
    int i = 0;
    ss_json_iter_init(&it, r);
    while (ss_json_iter_next(&it, &key, &val)) {
        enum ss_json_kind want = i % 3 == 0   ? SS_JSON_OBJECT
                                 : i % 3 == 1 ? SS_JSON_INT
                                              : SS_JSON_STRING;
        if (ss_json_kind(val) != want || key.ptr != NULL || key.len != 0) {
            ss_test_fail(t_, __FILE__, __LINE__, "element %d", i);
            break;
        }
        i++;
    }
    CHECK_EQ_INT(i, 3000);
    CHECK(!ss_json_iter_next(&it, NULL, &val)); /* stays at the end */
    /* key may be NULL; scalars and absent values do not iterate */
    ss_json_iter_init(&it, ss_json_at(r, 0));
    CHECK(ss_json_iter_next(&it, NULL, &val));
    CHECK_EQ_INT(ss_json_len(val), 2);
    CHECK(!ss_json_iter_next(&it, NULL, &val));
    ss_json_iter_init(&it, ss_json_at(r, 1));
    CHECK(!ss_json_iter_next(&it, NULL, &val));
    ss_json_iter_init(&it, ss_json_at(r, 5000));
    CHECK(!ss_json_iter_next(&it, NULL, &val));
    ss_json_doc_free(doc);
}

TEST(json_pointer)
{
    struct ss_json_doc *doc =
        PARSE_OK("{\"a\":[{\"b\":1},{\"c\":[10,20,30]}],\"a/b\":2,\"m~n\":3,\"~1\":4,\"\":5,"
                 "\" \":6,\"x\":{\"\":{\"\":7}},\"01\":8,\"%25\":9}");
    REQUIRE(doc);
    struct ss_json r = ss_json_root(doc);
#define PTR(p) ss_json_pointer(r, (p), strlen(p))
    CHECK(PTR("").n == r.n);
    CHECK_EQ_INT(ss_json_int(PTR("/a/0/b")), 1);
    CHECK_EQ_INT(ss_json_int(PTR("/a/1/c/2")), 30);
    CHECK_EQ_INT(ss_json_kind(PTR("/a/1/c")), SS_JSON_ARRAY);
    CHECK_EQ_INT(ss_json_int(PTR("/a~1b")), 2);
    CHECK_EQ_INT(ss_json_int(PTR("/m~0n")), 3);
    CHECK_EQ_INT(ss_json_int(PTR("/~01")), 4); /* ~01 is "~1", not "/" */
    CHECK_EQ_INT(ss_json_int(PTR("/")), 5);
    CHECK_EQ_INT(ss_json_int(PTR("/ ")), 6);
    CHECK_EQ_INT(ss_json_int(PTR("/x//")), 7);
    CHECK_EQ_INT(ss_json_int(PTR("/01")), 8);  /* on an object "01" is a key */
    CHECK_EQ_INT(ss_json_int(PTR("/%25")), 9); /* no percent-decoding */
    /* absent or malformed */
    CHECK(!ss_json_exists(PTR("a")));
    CHECK(!ss_json_exists(PTR("/a/2")));
    CHECK(!ss_json_exists(PTR("/a/01"))); /* leading zero in an index */
    CHECK(!ss_json_exists(PTR("/a/-")));  /* past the end */
    CHECK(!ss_json_exists(PTR("/a/-1")));
    CHECK(!ss_json_exists(PTR("/a/+1")));
    CHECK(!ss_json_exists(PTR("/a/1e0")));
    CHECK(!ss_json_exists(PTR("/a/ 0")));
    CHECK(!ss_json_exists(PTR("/a/99999999999999999999999")));
    CHECK(!ss_json_exists(PTR("/a/0/b/c"))); /* into a scalar */
    CHECK(!ss_json_exists(PTR("/m~2n")));
    CHECK(!ss_json_exists(PTR("/m~")));
    CHECK(!ss_json_exists(PTR("/a~1b/")));
    CHECK(!ss_json_exists(PTR("/A")));
    CHECK(!ss_json_exists(PTR("/m~1n")));
    CHECK_EQ_INT(ss_json_int(ss_json_pointer(ss_json_get(r, "a", 1), "/1/c/0", 6)), 10);
    CHECK_EQ_INT(ss_json_int(ss_json_pointer(r, "/a/0/bxyz", 6)), 1); /* len bounds it */
#undef PTR
    ss_json_doc_free(doc);
    /* a long key */
    char *key = repeat("k", 3000, "", "");
    struct ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "{\"%s\":42}", key);
    doc = parse_ok_at(t_, __LINE__, b.ptr, b.len, NULL);
    if (doc) {
        ss_buf_reset(&b);
        ss_buf_printf(&b, "/%s", key);
        CHECK_EQ_INT(ss_json_int(ss_json_pointer(ss_json_root(doc), b.ptr, b.len)), 42);
        ss_json_doc_free(doc);
    }
    ss_buf_release(&b);
    free(key);
}

/* ---- duplicate keys ---- */

TEST(json_duplicate_keys)
{
    PARSE_FAIL("{\"a\":1,\"a\":2}", SS_EDUPKEY, 1, 8);
    PARSE_FAIL("{\"a\":1,\"b\":2,\"a\":3}", SS_EDUPKEY, 1, 14);
    PARSE_FAIL("{\"\":1,\"\":2}", SS_EDUPKEY, 1, 7);
    PARSE_FAIL("{\"x\":{\"a\":1,\"a\":2}}", SS_EDUPKEY, 1, 13);
    PARSE_FAIL("{\"a\":1,\"\\u0061\":2}", SS_EDUPKEY, 1, 8); /* equal once decoded */
    PARSE_FAIL("{\"\\u0061\":1,\"a\":2}", SS_EDUPKEY, 1, 13);
    PARSE_FAIL("{\"a\":1,\n  \"\\n\":2,\n  \"\\u000a\":3}", SS_EDUPKEY, 3, 3);
    PARSE_FAIL("[{}, {\"a\":[], \"a\":{}}]", SS_EDUPKEY, 1, 15);
    /* large objects (hash index) */
    static const struct {
        size_t n;
        const char *extra;
    } big_dups[] = {{20, ",\"k5\":1"}, {5000, ",\"k4999\":1"}, {30, ",\"k\\u0031\":1"}};
    char *text;
    for (size_t i = 0; i < SS_ARRAY_LEN(big_dups); i++) {
        text = big_object(big_dups[i].n, big_dups[i].extra);
        /* the duplicate's quote follows the comma that starts `extra` */
        size_t col = strlen(text) - 1 - strlen(big_dups[i].extra) + 2;
        PARSE_FAIL(text, SS_EDUPKEY, 1, (uint32_t)col);
        free(text);
    }
    /* not duplicates: case, nesting, different arrays */
    struct ss_json_doc *doc =
        PARSE_OK("{\"a\":{\"a\":1},\"b\":{\"a\":2},\"A\":[{\"a\":1},{\"a\":2}]}");
    ss_json_doc_free(doc);
    /* SS_JSON_DUPKEY_LAST: accepted, the last one wins */
    struct ss_json_opts o = {SS_JSON_DUPKEY_LAST, 0, 0, 0, NULL};
    doc = PARSE_OK_OPTS("{\"a\":1,\"b\":0,\"a\":2,\"a\":3}", &o);
    REQUIRE(doc);
    CHECK_EQ_INT(ss_json_int(ss_json_getz(ss_json_root(doc), "a")), 3);
    CHECK_EQ_INT(ss_json_int(ss_json_pointer(ss_json_root(doc), "/a", 2)), 3);
    ss_json_doc_free(doc);
    text = big_object(20, ",\"k5\":1,\"k5\":2");
    doc = parse_ok_at(t_, __LINE__, text, strlen(text), &o);
    free(text);
    REQUIRE(doc);
    CHECK_EQ_INT(ss_json_int(ss_json_getz(ss_json_root(doc), "k5")), 2);
    CHECK_EQ_INT(ss_json_int(ss_json_getz(ss_json_root(doc), "k6")), 60);
    ss_json_doc_free(doc);
    text = big_object(20, ",\"k\\u0035\":7");
    doc = parse_ok_at(t_, __LINE__, text, strlen(text), &o);
    free(text);
    REQUIRE(doc);
    CHECK_EQ_INT(ss_json_int(ss_json_getz(ss_json_root(doc), "k5")), 7);
    ss_json_doc_free(doc);
}

/* ---- parse entry points ---- */

TEST(json_parse_take_and_file)
{
    char *text = ss_xstrdup("{\"a\":[1,2]}");
    struct ss_json_doc *doc = NULL;
    CHECK_ERR(ss_json_parse_take(text, strlen(text), NULL, &doc, NULL), SS_OK);
    REQUIRE(doc);
    CHECK_EQ_INT(ss_json_int(ss_json_pointer(ss_json_root(doc), "/a/1", 4)), 2);
    ss_json_doc_free(doc);
    /* on error the text is freed too (ASan reports a leak otherwise) */
    text = ss_xstrdup("{\"a\":[1,2}");
    struct ss_diag d;
    ss_diag_clear(&d);
    doc = NULL;
    CHECK_ERR(ss_json_parse_take(text, strlen(text), NULL, &doc, &d), SS_ESYNTAX);
    CHECK(doc == NULL);
    CHECK_EQ_INT(d.column, 10);
    /* files */
    const char *tmpdir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/ss-test-json-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    const char *content = "\xef\xbb\xbf[\n  {\"id\": \"r1\"},\n  {\"id\": \"r2\",}\n]\n";
    CHECK(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
    close(fd);
    ss_diag_clear(&d);
    CHECK_ERR(ss_json_parse_file(path, NULL, &doc, &d), SS_ESYNTAX);
    CHECK_STREQ(d.file, path);
    CHECK_EQ_INT(d.line, 3);
    CHECK_EQ_INT(d.column, 15);
    struct ss_json_opts o = {0, 0, 0, 0, "named"};
    ss_diag_clear(&d);
    CHECK_ERR(ss_json_parse_file(path, &o, &doc, &d), SS_ESYNTAX);
    CHECK_STREQ(d.file, "named");
    o.max_size = 10;
    ss_diag_clear(&d);
    CHECK_ERR(ss_json_parse_file(path, &o, &doc, &d), SS_ETOOBIG);
    fd = open(path, O_WRONLY | O_TRUNC);
    REQUIRE(fd >= 0);
    CHECK(write(fd, "[1,2,3]\n", 8) == 8);
    close(fd);
    doc = NULL;
    CHECK_ERR(ss_json_parse_file(path, NULL, &doc, NULL), SS_OK);
    CHECK_EQ_INT(ss_json_len(ss_json_root(doc)), 3);
    ss_json_doc_free(doc);
    unlink(path);
    ss_diag_clear(&d);
    CHECK_ERR(ss_json_parse_file(path, NULL, &doc, &d), SS_EOPEN);
    CHECK_STREQ(d.file, path);
}

/* ---- writer ---- */

/* Writes one string with flags and returns the output (caller frees). */
static char *jw_string(const char *s, size_t len, unsigned flags)
{
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &b, flags);
    ss_jw_str(&w, s, len);
    return ss_buf_detach(&b, NULL);
}

/* Lower-cases hex digits of \u escapes so either case compares equal. */
static void lower_hex(char *s)
{
    for (; *s; s++)
        if (s[0] == '\\' && s[1] == 'u') {
            for (int i = 2; i < 6 && s[i]; i++)
                if (s[i] >= 'A' && s[i] <= 'F')
                    s[i] = (char)(s[i] + 32);
            s += 5;
        } else if (s[0] == '\\' && s[1]) {
            s++;
        }
}

#define CHECK_JW_STR(in, len, flags, want)                                                         \
    do {                                                                                           \
        char *o_ = jw_string((in), (len), (flags));                                                \
        lower_hex(o_);                                                                             \
        CHECK_STREQ(o_, want);                                                                     \
        free(o_);                                                                                  \
    } while (0)

TEST(json_writer_escaping)
{
    CHECK_JW_STR("plain", 5, 0, "\"plain\"");
    CHECK_JW_STR("", 0, 0, "\"\"");
    CHECK_JW_STR("a\"b\\c/d", 7, 0, "\"a\\\"b\\\\c/d\"");
    CHECK_JW_STR("\n\r\t\b\f", 5, 0, "\"\\n\\r\\t\\b\\f\"");
    CHECK_JW_STR("\x01\x1f\x7f", 3, 0, "\"\\u0001\\u001f\x7f\"");
    CHECK_JW_STR("a\0b", 3, 0, "\"a\\u0000b\"");
    /* every control character is escaped, and the result parses back */
    char all[32];
    for (int i = 0; i < 32; i++)
        all[i] = (char)i;
    char *o = jw_string(all, 32, 0);
    for (const char *p = o; *p; p++)
        CHECK((unsigned char)*p >= 0x20);
    struct ss_json_opts nul = {SS_JSON_ALLOW_NUL, 0, 0, 0, NULL};
    struct ss_json_doc *doc = parse_ok_at(t_, __LINE__, o, strlen(o), &nul);
    if (doc) {
        struct ss_str s = ss_json_str(ss_json_root(doc));
        CHECK(s.len == 32 && memcmp(s.ptr, all, 32) == 0);
        ss_json_doc_free(doc);
    }
    free(o);
    /* valid UTF-8 passes through; SS_JW_ASCII escapes it */
    CHECK_JW_STR("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, 0,
                 "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    CHECK_JW_STR("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9, SS_JW_ASCII,
                 "\"\\u00e9\\u20ac\\ud83d\\ude00\"");
    CHECK_JW_STR("\xf4\x8f\xbf\xbf", 4, SS_JW_ASCII, "\"\\udbff\\udfff\"");
    CHECK_JW_STR("\x7f\n", 2, SS_JW_ASCII, "\"\x7f\\n\"");
    /* invalid UTF-8 becomes U+FFFD */
    CHECK_JW_STR("a\xff"
                 "b",
                 3, 0,
                 "\"a\xef\xbf\xbd"
                 "b\"");
    CHECK_JW_STR("\x80", 1, 0, "\"\xef\xbf\xbd\"");
    CHECK_JW_STR("a\xff", 2, SS_JW_ASCII, "\"a\\ufffd\"");
    static const char *const bad[] = {
        "\xc0\x80",  "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "x\xc3",
        "\xe2\x82(", "\xfe\xff",     "\xe2\x82",         "\xf0\x9f\x98"};
    for (size_t i = 0; i < SS_ARRAY_LEN(bad); i++) {
        o = jw_string(bad[i], strlen(bad[i]), 0);
        CHECK(strstr(o, "\xef\xbf\xbd") != NULL);
        doc = parse_ok_at(t_, __LINE__, o, strlen(o), NULL); /* always valid JSON */
        ss_json_doc_free(doc);
        free(o);
    }
}

/* Significant digits of a formatted number (mantissa without leading and
 * trailing zeros). */
static int significant_digits(const char *s)
{
    char digits[40];
    int n = 0;
    for (; *s && *s != 'e' && *s != 'E' && n < 39; s++)
        if (*s >= '0' && *s <= '9')
            digits[n++] = *s;
    int lo = 0, hi = n;
    while (lo < hi && digits[lo] == '0')
        lo++;
    while (hi > lo && digits[hi - 1] == '0')
        hi--;
    return hi - lo;
}

/* Formats one double through ss_jw_double. */
static char *jw_double(double d)
{
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &b, 0);
    ss_jw_double(&w, d);
    return ss_buf_detach(&b, NULL);
}

#define CHECK_JW_DOUBLE(d, want)                                                                   \
    do {                                                                                           \
        char *o_ = jw_double(d);                                                                   \
        CHECK_STREQ(o_, want);                                                                     \
        free(o_);                                                                                  \
    } while (0)

TEST(json_writer_doubles)
{
    CHECK_JW_DOUBLE(10.0, "10.0");
    CHECK_JW_DOUBLE(0.935, "0.935");
    CHECK_JW_DOUBLE(0.9412, "0.9412");
    CHECK_JW_DOUBLE(0.1 + 0.2, "0.30000000000000004");
    CHECK_JW_DOUBLE(1.0, "1.0");
    CHECK_JW_DOUBLE(0.0, "0.0");
    CHECK_JW_DOUBLE(-2.5, "-2.5");
    CHECK_JW_DOUBLE(100.0, "100.0");
    CHECK_JW_DOUBLE(20.0, "20.0");
    CHECK_JW_DOUBLE(12345.0, "12345.0");
    CHECK_JW_DOUBLE(1000000.0, "1000000.0");
    CHECK_JW_DOUBLE(-300.0, "-300.0");
    CHECK_JW_DOUBLE(0.001, "0.001");
    CHECK_JW_DOUBLE(NAN, "null");
    CHECK_JW_DOUBLE(INFINITY, "null");
    CHECK_JW_DOUBLE(-INFINITY, "null");
    /* values whose text is free but must read back exactly and be valid JSON */
    static const double vals[] = {1e-05,
                                  1.5e-5,
                                  5e-324,
                                  1.7976931348623157e308,
                                  -0.0,
                                  1e21,
                                  1e22,
                                  1e16,
                                  123456789012345680.0,
                                  2.2250738585072014e-308,
                                  0.1,
                                  1.0 / 3.0,
                                  9007199254740993.0,
                                  4.35,
                                  100.0 / 3.0};
    for (size_t i = 0; i < SS_ARRAY_LEN(vals); i++) {
        char *o = jw_double(vals[i]);
        struct ss_json_doc *doc = parse_ok_at(t_, __LINE__, o, strlen(o), NULL);
        if (doc) {
            double back = ss_json_num(ss_json_root(doc));
            if (memcmp(&back, &vals[i], sizeof(back)) != 0)
                ss_test_fail(t_, __FILE__, __LINE__, "%.17g written as %s", vals[i], o);
            ss_json_doc_free(doc);
        }
        CHECK(strlen(o) <= 24);
        free(o);
    }
    char buf[32];
    CHECK_EQ_INT(ss_json_fmt_double(buf, 10.0), 4);
    CHECK_STREQ(buf, "10.0");
    CHECK_EQ_INT(ss_json_fmt_double(buf, 1e-05), strlen(buf));
    CHECK(strtod(buf, NULL) == 1e-05 && strlen(buf) <= 7);
    ss_json_fmt_double(buf, 5e-324);
    CHECK(strtod(buf, NULL) == 5e-324 && strlen(buf) <= 6);
    ss_json_fmt_double(buf, 1.7976931348623157e308);
    CHECK(strtod(buf, NULL) == 1.7976931348623157e308);
    /* the shortest form: no fewer digits would read back */
    uint64_t seed = 12345;
    int bad = 0;
    for (int i = 0; i < 100000 && bad < 5; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        double d;
        memcpy(&d, &seed, sizeof(d));
        if (!isfinite(d))
            continue;
        size_t n = ss_json_fmt_double(buf, d);
        double back = strtod(buf, NULL);
        if (n != strlen(buf) || n >= 32 || memcmp(&back, &d, sizeof(d)) != 0) {
            ss_test_fail(t_, __FILE__, __LINE__, "%.17g formatted as %s", d, buf);
            bad++;
        }
        int sig = significant_digits(buf);
        char shorter[64];
        snprintf(shorter, sizeof(shorter), "%.*g", (sig > 1 ? sig - 1 : 1) & 31, d);
        if (sig > 1 && strtod(shorter, NULL) == d) {
            ss_test_fail(t_, __FILE__, __LINE__, "%s is not the shortest (%s)", buf, shorter);
            bad++;
        }
    }
    /* the decimals of scores (at most four places, the writer's fast path): the same
     * properties, and the plain layout with ".0" */
    static const double scale[] = {1, 10, 100, 1000, 10000};
    for (int i = 0; i < 200000 && bad < 5; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        int64_t k = (int64_t)(seed % 2000000000) - 1000000000;
        double d = (double)k / scale[(seed >> 40) % 5];
        size_t n = ss_json_fmt_double(buf, d);
        double back = strtod(buf, NULL);
        if (n != strlen(buf) || memcmp(&back, &d, sizeof(d)) != 0 || !strchr(buf, '.') ||
            strchr(buf, 'e')) {
            ss_test_fail(t_, __FILE__, __LINE__, "%.17g formatted as %s", d, buf);
            bad++;
        }
        int sig = significant_digits(buf);
        char shorter[64];
        snprintf(shorter, sizeof(shorter), "%.*g", (sig > 1 ? sig - 1 : 1) & 31, d);
        if (sig > 1 && strtod(shorter, NULL) == d && strchr(buf, '.')[1] != '0') {
            ss_test_fail(t_, __FILE__, __LINE__, "%s is not the shortest (%s)", buf, shorter);
            bad++;
        }
    }
    CHECK_JW_DOUBLE(-0.0001, "-0.0001");
    CHECK_JW_DOUBLE(999999999.9999, "999999999.9999");
    CHECK_JW_DOUBLE(0.5, "0.5");
}

TEST(json_writer_structure)
{
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &b, 0);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "a");
    ss_jw_int(&w, 1);
    ss_jw_keyz(&w, "b");
    ss_jw_arr_begin(&w);
    ss_jw_bool(&w, true);
    ss_jw_bool(&w, false);
    ss_jw_null(&w);
    ss_jw_int(&w, INT64_MIN);
    ss_jw_int(&w, INT64_MAX);
    ss_jw_double(&w, 2.0);
    ss_jw_arr_begin(&w);
    ss_jw_arr_end(&w);
    ss_jw_obj_begin(&w);
    ss_jw_obj_end(&w);
    ss_jw_arr_end(&w);
    ss_jw_key(&w, "c\"", 2);
    ss_jw_strz(&w, "x");
    ss_jw_keyz(&w, "r");
    ss_jw_raw(&w, "[1, 2]", 6);
    ss_jw_obj_end(&w);
    CHECK_STREQ(b.ptr, "{\"a\":1,\"b\":[true,false,null,-9223372036854775808,"
                       "9223372036854775807,2.0,[],{}],\"c\\\"\":\"x\",\"r\":[1, 2]}");
    /* pretty output is valid and has the same value */
    ss_buf_reset(&b);
    ss_jw_init(&w, &b, SS_JW_PRETTY);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "a");
    ss_jw_arr_begin(&w);
    ss_jw_int(&w, 1);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "b");
    ss_jw_null(&w);
    ss_jw_obj_end(&w);
    ss_jw_arr_end(&w);
    ss_jw_keyz(&w, "e");
    ss_jw_obj_begin(&w);
    ss_jw_obj_end(&w);
    ss_jw_obj_end(&w);
    CHECK_STREQ(b.ptr, "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n"
                       "  \"e\": {}\n}");
    struct ss_json_doc *doc = parse_ok_at(t_, __LINE__, b.ptr, b.len, NULL);
    if (doc) {
        CHECK_CANON(ss_json_root(doc), "{\"a\":[1,{\"b\":null}],\"e\":{}}");
        ss_json_doc_free(doc);
    }
    /* two top-level values in a row (JSON Lines style is the caller's business) */
    ss_buf_release(&b);
}

TEST(json_writer_value_roundtrip)
{
    const char *text = "{\"z\":[1.50,1E+2,-0,0.0,12345678901234567890123,-7,true,null],"
                       "\"a\":{\"y\":\"\\u00e9\\n\\u0001\",\"x\":{}},\"\":[[],[[]]],"
                       "\"\\ud83d\\ude00\":\"/\"}";
    struct ss_json_doc *doc = PARSE_OK(text);
    REQUIRE(doc);
    struct ss_buf b = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &b, 0);
    ss_jw_value(&w, ss_json_root(doc));
    /* numbers keep their text, key order is kept, strings are re-escaped */
    CHECK_STREQ(b.ptr, "{\"z\":[1.50,1E+2,-0,0.0,12345678901234567890123,-7,true,null],"
                       "\"a\":{\"y\":\"\xc3\xa9\\n\\u0001\",\"x\":{}},\"\":[[],[[]]],"
                       "\"\xf0\x9f\x98\x80\":\"/\"}");
    struct ss_json_doc *doc2 = parse_ok_at(t_, __LINE__, b.ptr, b.len, NULL);
    if (doc2) {
        char *c1 = canon(ss_json_root(doc)), *c2 = canon(ss_json_root(doc2));
        CHECK_STREQ(c1, c2);
        free(c1);
        free(c2);
        ss_json_doc_free(doc2);
    }
    /* canonical: keys sorted by bytes, numbers normalised */
    CHECK_CANON(ss_json_root(doc), "{\"\":[[],[[]]],\"a\":{\"x\":{},\"y\":\"\xc3\xa9\\n\\u0001\"},"
                                   "\"z\":[1.5,100,0,0,12345678901234567890123,-7,true,null],"
                                   "\"\xf0\x9f\x98\x80\":\"/\"}");
    ss_buf_release(&b);
    ss_json_doc_free(doc);
    /* sorting is by bytes: upper case first, prefixes first, UTF-8 after ASCII */
    PARSE_FAIL("{\"b\":1,\"a\":2,\"B\":3,\"aa\":4,\"\xc3\xa9\":5,\"z\":6,\"a\\u0000\":7}",
               SS_ESYNTAX, 1, 42);
    struct ss_json_opts o = {SS_JSON_ALLOW_NUL, 0, 0, 0, NULL};
    doc = PARSE_OK_OPTS("{\"b\":1,\"a\":2,\"B\":3,\"aa\":4,\"\xc3\xa9\":5,\"z\":6,\"a\\u0000\":7}",
                        &o);
    REQUIRE(doc);
    CHECK_CANON(ss_json_root(doc),
                "{\"B\":3,\"a\":2,\"a\\u0000\":7,\"aa\":4,\"b\":1,\"z\":6,\"\xc3\xa9\":5}");
    ss_json_doc_free(doc);
    /* equal values, different texts: equal canonical bytes */
    static const char *const pairs[][2] = {
        {"{\"a\":1,\"b\":[1.0,2e0]}", "{ \"b\" : [ 1, 20E-1 ], \"a\" : 1.00 }"},
        {"\"\\u0041\\/\"", "\"A/\""},
        {"[0.1]", "[1e-1]"},
        {"[100]", "[1e2]"},
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(pairs); i++) {
        struct ss_json_doc *d1 = parse_ok_at(t_, __LINE__, pairs[i][0], strlen(pairs[i][0]), NULL);
        struct ss_json_doc *d2 = parse_ok_at(t_, __LINE__, pairs[i][1], strlen(pairs[i][1]), NULL);
        if (d1 && d2) {
            char *c1 = canon(ss_json_root(d1)), *c2 = canon(ss_json_root(d2));
            CHECK_STREQ(c1, c2);
            free(c1);
            free(c2);
        }
        ss_json_doc_free(d1);
        ss_json_doc_free(d2);
    }
    doc = PARSE_OK("[1e300, 0.5, -1.5e-7, 4.9e-324]");
    if (doc) {
        CHECK_CANON(ss_json_root(doc), "[1e+300,0.5,-1.5e-07,5e-324]");
        ss_json_doc_free(doc);
    }
}

/* ---- streaming reader ---- */

static const char *const unwrap_list[] = {"value", "data", NULL};

/* Reads every value of `r` and canonicalises each, joined by '\n'. Returns
 * the error; the text (caller frees) in *out. */
static enum ss_err read_all_values(struct ss_json_reader *r, char **out, struct ss_diag *d,
                                   size_t *count)
{
    struct ss_buf b = SS_BUF_INIT;
    enum ss_err e;
    *count = 0;
    ss_diag_clear(d);
    for (;;) {
        struct ss_json v;
        e = ss_json_reader_next(r, &v, d);
        if (e || !ss_json_exists(v))
            break;
        if ((*count)++)
            ss_buf_addc(&b, '\n');
        ss_json_write_canonical(&b, v);
    }
    *out = ss_buf_detach(&b, NULL);
    return e;
}

/* Runs a memory reader over `text` and compares the values. */
static void stream_mem_at(struct ss_test *t_, int line, const char *text, const char *const *unwrap,
                          const char *want, enum ss_json_reader_shape shape)
{
    size_t len = strlen(text);
    char *copy = ss_xmemdup(text, len);
    struct ss_json_reader *r = ss_json_reader_new_mem(copy, len, NULL, unwrap);
    char *got = NULL;
    struct ss_diag d;
    size_t n;
    enum ss_err e = read_all_values(r, &got, &d, &n);
    if (e != SS_OK)
        ss_test_fail(t_, __FILE__, line, "stream error %s: %s", ss_err_name(e), d.msg);
    else if (strcmp(got, want) != 0)
        ss_test_fail(t_, __FILE__, line, "stream gave\n%s\nwant\n%s", got, want);
    if (shape != SS_JSON_SHAPE_UNKNOWN && ss_json_reader_shape(r) != shape)
        ss_test_fail(t_, __FILE__, line, "shape %d, want %d", (int)ss_json_reader_shape(r),
                     (int)shape);
    /* at the end, next keeps answering "nothing" */
    struct ss_json v;
    if (e == SS_OK && (ss_json_reader_next(r, &v, &d) != SS_OK || ss_json_exists(v)))
        ss_test_fail(t_, __FILE__, line, "next after the end");
    free(got);
    ss_json_reader_free(r);
    free(copy);
}
#define STREAM_MEM(text, unwrap, want, shape) stream_mem_at(t_, __LINE__, text, unwrap, want, shape)

TEST(json_stream_shapes_in_memory)
{
    STREAM_MEM("[1, {\"a\":2}, \"x\", [3], null]", NULL, "1\n{\"a\":2}\n\"x\"\n[3]\nnull",
               SS_JSON_SHAPE_ARRAY);
    STREAM_MEM("  [ ]  ", NULL, "", SS_JSON_SHAPE_ARRAY);
    STREAM_MEM("\xef\xbb\xbf[1,2]\n", NULL, "1\n2", SS_JSON_SHAPE_ARRAY);
    STREAM_MEM("{\"a\":1}\n{\"a\":2}\n\n{\"a\":3}\n", NULL, "{\"a\":1}\n{\"a\":2}\n{\"a\":3}",
               SS_JSON_SHAPE_SEQUENCE);
    STREAM_MEM("{\"a\":1}{\"a\":2} {\"a\":3}", NULL, "{\"a\":1}\n{\"a\":2}\n{\"a\":3}",
               SS_JSON_SHAPE_SEQUENCE);
    STREAM_MEM("1 2\n3", NULL, "1\n2\n3", SS_JSON_SHAPE_SEQUENCE);
    STREAM_MEM("", NULL, "", SS_JSON_SHAPE_UNKNOWN);
    STREAM_MEM(" \n\t\r\n", NULL, "", SS_JSON_SHAPE_UNKNOWN);
    /* ARM list and Resource Graph envelopes */
    STREAM_MEM("{\"value\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"nextLink\":null}", unwrap_list,
               "{\"id\":\"a\"}\n{\"id\":\"b\"}", SS_JSON_SHAPE_WRAPPED);
    STREAM_MEM("{\"totalRecords\":2,\"count\":2,\"data\":[{\"id\":1},{\"id\":2}],"
               "\"facets\":[],\"resultTruncated\":\"false\"}",
               unwrap_list, "{\"id\":1}\n{\"id\":2}", SS_JSON_SHAPE_WRAPPED);
    STREAM_MEM("{\"value\":[]}", unwrap_list, "", SS_JSON_SHAPE_WRAPPED);
    STREAM_MEM("{\"nextLink\":\"https://x/?$skiptoken=1\",\"value\":[1]}", unwrap_list, "1",
               SS_JSON_SHAPE_WRAPPED);
    /* a single object without unwrap members is returned whole */
    STREAM_MEM("{\"id\":\"/subscriptions/s/rg/x\",\"type\":\"T\",\"properties\":{\"a\":[1]}}",
               unwrap_list,
               "{\"id\":\"/subscriptions/s/rg/x\",\"properties\":{\"a\":[1]},\"type\":\"T\"}",
               SS_JSON_SHAPE_UNKNOWN);
    STREAM_MEM("{\"id\":\"x\",\"name\":\"n\"}", unwrap_list, "{\"id\":\"x\",\"name\":\"n\"}",
               SS_JSON_SHAPE_UNKNOWN);
    STREAM_MEM("{\"value\":5}", unwrap_list, "{\"value\":5}", SS_JSON_SHAPE_UNKNOWN);
    STREAM_MEM("{\"value\":\"s\",\"data\":{}}", unwrap_list, "{\"data\":{},\"value\":\"s\"}",
               SS_JSON_SHAPE_UNKNOWN);
    STREAM_MEM("{\"value\":[1,2]}", NULL, "{\"value\":[1,2]}", SS_JSON_SHAPE_UNKNOWN);
    STREAM_MEM("{}", unwrap_list, "{}", SS_JSON_SHAPE_UNKNOWN);
    /* a JSON Lines file of resources */
    STREAM_MEM("{\"id\":\"a\",\"value\":1}\n{\"id\":\"b\"}\n", unwrap_list,
               "{\"id\":\"a\",\"value\":1}\n{\"id\":\"b\"}", SS_JSON_SHAPE_UNKNOWN);
}

/* Runs a memory reader expecting `nok` values, then `code` at line:col. */
static void stream_fail_at(struct ss_test *t_, int line, const char *text, size_t len,
                           const struct ss_json_opts *opts, const char *const *unwrap, size_t nok,
                           enum ss_err code, uint32_t eline, uint32_t ecol)
{
    char *copy = ss_xmemdup(text, len);
    struct ss_json_reader *r = ss_json_reader_new_mem(copy, len, opts, unwrap);
    char *got = NULL;
    struct ss_diag d;
    size_t n = 0;
    enum ss_err e = read_all_values(r, &got, &d, &n);
    if (e != code || n != nok)
        ss_test_fail(t_, __FILE__, line, "got %s after %zu values, want %s after %zu (%s)",
                     ss_err_name(e), n, ss_err_name(code), nok, d.msg);
    else if (eline && (d.line != eline || d.column != ecol))
        ss_test_fail(t_, __FILE__, line, "error at %u:%u, want %u:%u (%s)", d.line, d.column, eline,
                     ecol, d.msg);
    if (e && d.code != e)
        ss_test_fail(t_, __FILE__, line, "diag code %s", ss_err_name(d.code));
    /* the reader cannot continue after an error */
    struct ss_json v;
    if (e && ss_json_reader_next(r, &v, NULL) == SS_OK && ss_json_exists(v))
        ss_test_fail(t_, __FILE__, line, "a value after an error");
    free(got);
    ss_json_reader_free(r);
    free(copy);
}
#define STREAM_FAIL(text, unwrap, nok, code, l, c)                                                 \
    stream_fail_at(t_, __LINE__, text, strlen(text), NULL, unwrap, nok, code, l, c)

TEST(json_stream_errors)
{
    /* an error in the 3rd element is reported at its place in the whole input */
    STREAM_FAIL("[\n {\"a\":1},\n {\"a\":2},\n {\"a\":3,}\n]", NULL, 2, SS_ESYNTAX, 4, 9);
    STREAM_FAIL("{\"a\":1}\n{\"a\":2}\n{\"a\":3,}\n", NULL, 2, SS_ESYNTAX, 3, 8);
    STREAM_FAIL("{\"value\":[\n{\"a\":1},\n{\"a\":2},\n{\"a\":\"\xff\"}]}", unwrap_list, 2,
                SS_EUTF8, 4, 7);
    STREAM_FAIL("{\"data\":[1,2,3,],\"count\":3}", unwrap_list, 3, SS_ESYNTAX, 1, 16);
    STREAM_FAIL("[1,2,3", NULL, 3, SS_ESYNTAX, 1, 7);
    STREAM_FAIL("[1,2 3]", NULL, 2, SS_ESYNTAX, 1, 6);
    STREAM_FAIL("[1,2] x", NULL, 2, SS_ESYNTAX, 0, 0);
    STREAM_FAIL("{\"a\":1}\n{\"a\":1,\"a\":2}\n", NULL, 1, SS_EDUPKEY, 2, 8);
    STREAM_FAIL("[{\"a\":1},\n\n  {\"x\":1e999}]", NULL, 1, SS_ERANGE, 3, 8);
    /* members after the unwrapped array are checked */
    STREAM_FAIL("{\"value\":[1,2],\"nextLink\":}", unwrap_list, 2, SS_ESYNTAX, 1, 27);
    STREAM_FAIL("{\"value\":[1,2],\"nextLink\":null", unwrap_list, 2, SS_ESYNTAX, 1, 31);
    STREAM_FAIL("{\"value\":[1,2],\"value\":[3]}", unwrap_list, 2, SS_EDUPKEY, 0, 0);
    STREAM_FAIL("{\"value\":[1,2]} {", unwrap_list, 2, SS_ESYNTAX, 0, 0);
    STREAM_FAIL("{\"count\":1,", unwrap_list, 0, SS_ESYNTAX, 1, 12);
    STREAM_FAIL("{\"count\":1,\"count\":2,\"value\":[]}", unwrap_list, 0, SS_EDUPKEY, 1, 12);
    /* the name goes into the diagnostic */
    struct ss_json_opts o = {0, 0, 0, 0, "inventory.jsonl"};
    const char *text = "{}\n{]\n";
    struct ss_json_reader *r = ss_json_reader_new_mem(text, strlen(text), &o, NULL);
    struct ss_json v;
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK_ERR(ss_json_reader_next(r, &v, &d), SS_OK);
    CHECK_EQ_INT(ss_json_reader_line(r), 1);
    CHECK_ERR(ss_json_reader_next(r, &v, &d), SS_ESYNTAX);
    CHECK_STREQ(d.file, "inventory.jsonl");
    CHECK_EQ_INT(d.line, 2);
    CHECK_EQ_INT(d.column, 2);
    CHECK_EQ_INT(d.offset, 4);
    ss_json_reader_free(r);
    ss_json_reader_free(NULL);
}

/* Reads every value, recording "line pointer" per value. */
static char *lines_and_pointers(const char *text, const char *const *unwrap)
{
    struct ss_json_reader *r = ss_json_reader_new_mem(text, strlen(text), NULL, unwrap);
    struct ss_buf b = SS_BUF_INIT;
    struct ss_json v;
    while (ss_json_reader_next(r, &v, NULL) == SS_OK && ss_json_exists(v)) {
        char ptr[64];
        ss_json_reader_pointer(r, ptr, sizeof(ptr));
        ss_buf_printf(&b, "%s%llu %s", b.len ? "|" : "", (unsigned long long)ss_json_reader_line(r),
                      ptr);
    }
    ss_json_reader_free(r);
    return ss_buf_detach(&b, NULL);
}

#define CHECK_LP(text, unwrap, want)                                                               \
    do {                                                                                           \
        char *lp_ = lines_and_pointers(text, unwrap);                                              \
        CHECK_STREQ(lp_, want);                                                                    \
        free(lp_);                                                                                 \
    } while (0)

TEST(json_stream_line_and_pointer)
{
    CHECK_LP("[\n {\"a\":1},\n {\"a\":2}, 3\n]", NULL, "2 /0|3 /1|3 /2");
    CHECK_LP("{\"count\":2,\"data\":[1,\n2]}", unwrap_list, "1 /data/0|2 /data/1");
    CHECK_LP("{\"value\":[\n\n{}]}", unwrap_list, "3 /value/0");
    CHECK_LP("1\n\n2\n{\"value\":[]}", NULL, "1 |3 |4 ");
    CHECK_LP("\xef\xbb\xbf[true]", NULL, "1 /0");
    /* a small buffer gets a truncated, NUL-terminated pointer */
    const char *text = "{\"value\":[1]}";
    struct ss_json_reader *r = ss_json_reader_new_mem(text, strlen(text), NULL, unwrap_list);
    struct ss_json v;
    CHECK_ERR(ss_json_reader_next(r, &v, NULL), SS_OK);
    char small[4] = {'X', 'X', 'X', 'X'};
    ss_json_reader_pointer(r, small, sizeof(small));
    CHECK_STREQ(small, "/va");
    ss_json_reader_free(r);
}

TEST(json_stream_element_limit)
{
    /* elements up to max_size pass; a bigger one is SS_ETOOBIG */
    struct ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, "[");
    for (int i = 0; i < 5; i++)
        ss_buf_printf(&b, "{\"id\":\"%040d\"},", i); /* 49 bytes each */
    ss_buf_printf(&b, "{\"id\":\"%0200d\"},1]", 5);
    struct ss_json_opts o = {0, 0, 0, 100, NULL};
    stream_fail_at(t_, __LINE__, b.ptr, b.len, &o, NULL, 5, SS_ETOOBIG, 1, 2 + 5 * 50);
    ss_buf_reset(&b);
    /* the same for JSON Lines and for a whole object */
    ss_buf_printf(&b, "{\"a\":1}\n{\"a\":\"%0200d\"}\n", 0);
    stream_fail_at(t_, __LINE__, b.ptr, b.len, &o, NULL, 1, SS_ETOOBIG, 2, 1);
    ss_buf_reset(&b);
    ss_buf_printf(&b, "{\"id\":1,\"properties\":{\"x\":\"%0200d\"}}", 0);
    stream_fail_at(t_, __LINE__, b.ptr, b.len, &o, unwrap_list, 0, SS_ETOOBIG, 0, 0);
    ss_buf_reset(&b);
    ss_buf_printf(&b, "{\"value\":[{\"id\":1},\"%0200d\"]}", 0);
    stream_fail_at(t_, __LINE__, b.ptr, b.len, &o, unwrap_list, 1, SS_ETOOBIG, 0, 0);
    ss_buf_release(&b);
}

/* A child process writing `prefix`, then `count` copies of `unit`, then
 * `suffix` to a pipe, `piece` bytes per write. Returns the read end. */
struct pipe_writer {
    const char *prefix, *unit, *suffix;
    size_t count, piece;
    pid_t pid;
};

static void write_all(int fd, const char *p, size_t len, size_t piece)
{
    while (len) {
        size_t n = SS_MIN(len, piece);
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            _exit(0); /* the reader went away */
        p += w;
        len -= (size_t)w;
    }
}

static int pipe_start(struct pipe_writer *pw)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    pw->pid = fork();
    if (pw->pid < 0)
        return -1;
    if (pw->pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        close(fds[0]);
        write_all(fds[1], pw->prefix, strlen(pw->prefix), pw->piece);
        size_t ul = strlen(pw->unit);
        /* batch small units so big inputs do not take a write per unit */
        char batch[65536];
        size_t per = ul ? SS_MAX((size_t)1, sizeof(batch) / ul) : 1, bl = 0;
        for (size_t i = 0; i < per && ul; i++, bl += ul)
            memcpy(batch + bl, pw->unit, ul);
        for (size_t left = pw->count; left && ul;) {
            size_t k = SS_MIN(left, per);
            write_all(fds[1], batch, k * ul, pw->piece);
            left -= k;
        }
        write_all(fds[1], pw->suffix, strlen(pw->suffix), pw->piece);
        close(fds[1]);
        _exit(0);
    }
    close(fds[1]);
    return fds[0];
}

static void pipe_finish(struct pipe_writer *pw, int fd)
{
    close(fd);
    int status;
    waitpid(pw->pid, &status, 0);
}

TEST(json_stream_pipe_elements)
{
    /* 3000 elements written 7 bytes at a time: values cut at every place */
    struct pipe_writer pw = {"[",
                             "{\"id\":\"/subscriptions/s/x\",\"n\":[1,2.5,\"\xc3\xa9\"]},",
                             "{\"last\":true}]",
                             3000,
                             7,
                             0};
    int fd = pipe_start(&pw);
    REQUIRE(fd >= 0);
    struct ss_json_reader *r = ss_json_reader_new(fd, NULL, NULL);
    struct ss_diag d;
    ss_diag_clear(&d);
    size_t n = 0;
    for (;;) {
        struct ss_json v;
        enum ss_err e = ss_json_reader_next(r, &v, &d);
        if (e) {
            ss_test_fail(t_, __FILE__, __LINE__, "element %zu: %s %s", n, ss_err_name(e), d.msg);
            break;
        }
        if (!ss_json_exists(v))
            break;
        if (n < 3000) {
            if (!ss_json_str_eq(ss_json_getz(v, "id"), "/subscriptions/s/x") ||
                !ss_json_str_eq(ss_json_pointer(v, "/n/2", 4), "\xc3\xa9")) {
                ss_test_fail(t_, __FILE__, __LINE__, "element %zu wrong", n);
                break;
            }
        } else {
            CHECK(ss_json_bool(ss_json_getz(v, "last")));
        }
        n++;
    }
    CHECK_EQ_INT(n, 3001);
    CHECK_EQ_INT(ss_json_reader_shape(r), SS_JSON_SHAPE_ARRAY);
    ss_json_reader_free(r);
    pipe_finish(&pw, fd);
}

TEST(json_stream_pipe_lines_across_chunks)
{
    /* ~6 MiB of JSON Lines (several read chunks), then an error on the last
     * line: its line number and column must count the whole input. */
    static const char unit[] = "{\"id\":\"/subscriptions/0000/resourceGroups/rg/providers/x\","
                               "\"tags\":{\"a\":\"b\"},\"n\":12345}\n";
    size_t count = (6u << 20) / (sizeof(unit) - 1);
    struct pipe_writer pw = {"", unit, "{\"id\":\"z\",  \"n\":01}\n", count, 65536, 0};
    int fd = pipe_start(&pw);
    REQUIRE(fd >= 0);
    struct ss_json_opts o = {0, 0, 0, 0, "lines.jsonl"};
    struct ss_json_reader *r = ss_json_reader_new(fd, &o, unwrap_list);
    struct ss_diag d;
    ss_diag_clear(&d);
    size_t n = 0;
    enum ss_err e;
    for (;;) {
        struct ss_json v;
        e = ss_json_reader_next(r, &v, &d);
        if (e || !ss_json_exists(v))
            break;
        if (ss_json_int(ss_json_getz(v, "n")) != 12345) {
            ss_test_fail(t_, __FILE__, __LINE__, "line %zu wrong", n + 1);
            break;
        }
        n++;
        if (ss_json_reader_line(r) != n) {
            ss_test_fail(t_, __FILE__, __LINE__, "reader_line %llu, want %zu",
                         (unsigned long long)ss_json_reader_line(r), n);
            break;
        }
    }
    CHECK_EQ_INT(n, count);
    CHECK_ERR(e, SS_ESYNTAX);
    CHECK_EQ_INT(d.line, count + 1);
    CHECK_EQ_INT(d.column, 17);
    CHECK_EQ_INT(d.offset, count * (sizeof(unit) - 1) + 16);
    CHECK_STREQ(d.file, "lines.jsonl");
    CHECK_EQ_INT(ss_json_reader_shape(r), SS_JSON_SHAPE_SEQUENCE);
    ss_json_reader_free(r);
    pipe_finish(&pw, fd);
}

TEST(json_stream_pipe_wrapped)
{
    struct pipe_writer pw = {"{\"totalRecords\":2000,\"count\":2000,\"data\":[",
                             "{\"id\":\"r\",\"type\":\"microsoft.compute/virtualmachines\"},",
                             "{\"id\":\"end\"}],\"facets\":[],\"resultTruncated\":\"false\"}\n",
                             1999,
                             4096,
                             0};
    int fd = pipe_start(&pw);
    REQUIRE(fd >= 0);
    struct ss_json_reader *r = ss_json_reader_new(fd, NULL, unwrap_list);
    char *got = NULL;
    struct ss_diag d;
    size_t n = 0;
    CHECK_ERR(read_all_values(r, &got, &d, &n), SS_OK);
    CHECK_EQ_INT(n, 2000);
    CHECK(got && strstr(got, "{\"id\":\"end\"}") != NULL);
    CHECK_EQ_INT(ss_json_reader_shape(r), SS_JSON_SHAPE_WRAPPED);
    free(got);
    ss_json_reader_free(r);
    pipe_finish(&pw, fd);
}

/* Peak resident memory (VmHWM) in KiB after resetting it; -1 if unsupported. */
static long reset_peak_rss(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, "5", 1);
    close(fd);
    return w == 1 ? 0 : -1;
}

static long peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    return kib;
}

TEST(json_stream_pipe_huge_string_bounded)
{
    /* a 64 MiB string through a pipe with a 1 MiB element limit: SS_ETOOBIG,
     * and the reader never holds much more than the limit */
    struct pipe_writer pw = {
        "[\"", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "\"]", (64u << 20) / 64,
        65536, 0};
    bool measure = reset_peak_rss() == 0;
    long before = peak_rss_kib();
    int fd = pipe_start(&pw);
    REQUIRE(fd >= 0);
    struct ss_json_opts o = {0, 0, 0, 1u << 20, NULL};
    struct ss_json_reader *r = ss_json_reader_new(fd, &o, NULL);
    struct ss_json v;
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK_ERR(ss_json_reader_next(r, &v, &d), SS_ETOOBIG);
    CHECK_EQ_INT(d.line, 1);
    CHECK_EQ_INT(d.column, 2);
    long after = peak_rss_kib();
    ss_json_reader_free(r);
    pipe_finish(&pw, fd);
    if (measure && before > 0 && after > 0) {
        if (after - before > 16 * 1024)
            ss_test_fail(t_, __FILE__, __LINE__, "peak memory grew by %ld KiB for a 1 MiB limit",
                         after - before);
    } else {
        fprintf(stderr, "  note: peak RSS not measurable here, only the error is checked\n");
    }
    /* the same limit on a whole object read through the memory reader */
    char *s = repeat("b", 3u << 20, "{\"x\":\"", "\"}");
    r = ss_json_reader_new_mem(s, strlen(s), &o, unwrap_list);
    ss_diag_clear(&d);
    CHECK_ERR(ss_json_reader_next(r, &v, &d), SS_ETOOBIG);
    ss_json_reader_free(r);
    free(s);
}
