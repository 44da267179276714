/*
 * KQL lexer: the query text as tokens with 1-based line and byte column.
 *
 * Handles line comments (two slashes to the end of the line), any mix of spaces, tabs and newlines,
 * strings in
 * '...' and "..." with backslash escapes, verbatim strings @'...' (a quote
 * doubled stands for itself), long and real numbers, timespan literals
 * (1d, 2h, 30m, 10s, 100ms, 1.5h ...), datetime(...), timespan(...) and
 * dynamic(...) literals (the raw text; the parser reads it as JSON), and
 * the operator words that contain '-', '!' or '~': project-away,
 * project-rename, project-keep, project-reorder, mv-expand, mv-apply,
 * !contains, !has, !in, !between, !startswith ..., in~.
 */
#include "common/setup.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "common/limits.h"
#include "kql/internal.h"
#include "securescore/score.h"

struct lexer {
    struct ss_arena *a;
    const char *q, *p, *end;
    uint32_t line;
    const char *line_start;
    struct ktoken *toks;
    size_t n, cap;
    struct ss_diag *diag;
};

enum ss_err ss__kql_diag(struct ss_diag *d, enum ss_err code, uint32_t line, uint32_t col,
                         const char *fmt, ...)
{
    if (!d || d->code != SS_OK)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    va_end(ap);
    d->code = code;
    d->line = line;
    d->column = col;
    return code;
}

static uint32_t col_of(const struct lexer *lx, const char *p)
{
    return (uint32_t)(p - lx->line_start) + 1;
}

static enum ss_err lex_err(struct lexer *lx, const char *at, enum ss_err code, const char *msg)
{
    return ss__kql_diag(lx->diag, code, lx->line, col_of(lx, at), "%s", msg);
}

static struct ktoken *push(struct lexer *lx, int t, const char *start)
{
    if (lx->n == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 64;
        struct ktoken *nt = ss_arena_alloc(lx->a, cap * sizeof(*nt));
        if (lx->n)
            memcpy(nt, lx->toks, lx->n * sizeof(*nt));
        lx->toks = nt;
        lx->cap = cap;
    }
    struct ktoken *k = &lx->toks[lx->n++];
    memset(k, 0, sizeof(*k));
    k->t = (uint8_t)t;
    k->line = lx->line;
    k->col = col_of(lx, start);
    k->text = start;
    return k;
}

static bool is_ident_start(int c)
{
    return isalpha(c) || c == '_' || c == '$';
}

static bool is_ident_char(int c)
{
    return isalnum(c) || c == '_';
}

/* Skips blanks and comments, counting lines. */
static void skip_space(struct lexer *lx)
{
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (c == '\n') {
            lx->p++;
            lx->line++;
            lx->line_start = lx->p;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lx->p++;
        } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '/') {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
        } else {
            break;
        }
    }
}

static void put_utf8(struct ss_buf *b, uint32_t cp)
{
    if (cp < 0x80) {
        ss_buf_addc(b, (char)cp);
    } else if (cp < 0x800) {
        ss_buf_addc(b, (char)(0xC0 | (cp >> 6)));
        ss_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        ss_buf_addc(b, (char)(0xE0 | (cp >> 12)));
        ss_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        ss_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One escape after a backslash at lx->p; appends its value. */
static enum ss_err lex_escape(struct lexer *lx, struct ss_buf *b)
{
    const char *at = lx->p - 1;
    char c = *lx->p++;
    switch (c) {
    case 'n':
        ss_buf_addc(b, '\n');
        return SS_OK;
    case 't':
        ss_buf_addc(b, '\t');
        return SS_OK;
    case 'r':
        ss_buf_addc(b, '\r');
        return SS_OK;
    case '\\':
    case '\'':
    case '"':
    case '/':
        ss_buf_addc(b, c);
        return SS_OK;
    case 'u': {
        uint32_t cp = 0;
        for (int i = 0; i < 4; i++) {
            int h = lx->p < lx->end ? hexval(*lx->p) : -1;
            if (h < 0)
                return lex_err(lx, at, SS_EQUERY, "bad \\u escape in a string literal");
            cp = cp * 16 + (uint32_t)h;
            lx->p++;
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
            return lex_err(lx, at, SS_EQUERY, "unsupported \\u escape in a string literal");
        put_utf8(b, cp);
        return SS_OK;
    }
    default:
        return lex_err(lx, at, SS_EQUERY, "unknown escape in a string literal");
    }
}

/* A string literal at lx->p (the quote), verbatim with a leading @. */
static enum ss_err lex_string(struct lexer *lx, const char *start, bool verbatim)
{
    char quote = *lx->p++;
    struct ss_buf b = SS_BUF_INIT;
    enum ss_err e = SS_OK;
    for (;;) {
        if (lx->p >= lx->end || *lx->p == '\n') {
            e = lex_err(lx, start, SS_EQUERY, "unterminated string literal");
            break;
        }
        char c = *lx->p++;
        if (c == quote) {
            if (verbatim && lx->p < lx->end && *lx->p == quote) {
                ss_buf_addc(&b, quote);
                lx->p++;
                continue;
            }
            break;
        }
        if (c == '\\' && !verbatim) {
            if (lx->p >= lx->end) {
                e = lex_err(lx, start, SS_EQUERY, "unterminated string literal");
                break;
            }
            if ((e = lex_escape(lx, &b)) != SS_OK)
                break;
            continue;
        }
        ss_buf_addc(&b, c);
        if (b.len > SS_KQL_MAX_LITERAL) {
            e = lex_err(lx, start, SS_ETOOBIG, "string literal too long");
            break;
        }
    }
    if (!e) {
        struct ktoken *k = push(lx, T_STR, start);
        k->str = ss_arena_memdup(lx->a, b.ptr ? b.ptr : "", b.len + 1);
        k->slen = (uint32_t)b.len;
        k->tlen = (uint32_t)(lx->p - start);
    }
    ss_buf_release(&b);
    return e;
}

struct span_unit {
    const char *name;
    int64_t ticks;
};

static const struct span_unit span_units[] = {
    {"d", 864000000000LL},   {"day", 864000000000LL},  {"days", 864000000000LL},
    {"h", 36000000000LL},    {"hr", 36000000000LL},    {"hrs", 36000000000LL},
    {"hour", 36000000000LL}, {"hours", 36000000000LL}, {"m", 600000000LL},
    {"min", 600000000LL},    {"minute", 600000000LL},  {"minutes", 600000000LL},
    {"s", 10000000LL},       {"sec", 10000000LL},      {"second", 10000000LL},
    {"seconds", 10000000LL}, {"ms", 10000LL},          {"milli", 10000LL},
    {"millis", 10000LL},     {"millisecond", 10000LL}, {"milliseconds", 10000LL},
    {"microsecond", 10LL},   {"microseconds", 10LL},   {"tick", 1LL},
    {"ticks", 1LL},
};

static int64_t span_unit(const char *p, size_t n)
{
    for (size_t i = 0; i < SS_ARRAY_LEN(span_units); i++)
        if (strlen(span_units[i].name) == n && memcmp(span_units[i].name, p, n) == 0)
            return span_units[i].ticks;
    return 0;
}

/* A timespan literal: the number d followed by the unit at us (ulen bytes). */
static enum ss_err lex_span(struct lexer *lx, const char *start, double d, const char *us,
                            size_t ulen)
{
    int64_t unit = span_unit(us, ulen);
    if (!unit)
        return lex_err(lx, us, SS_EQUERY, "unknown timespan unit");
    if (!(fabs(d * (double)unit) < 9.2e18))
        return lex_err(lx, start, SS_EQUERY, "timespan literal out of range");
    struct ktoken *k = push(lx, T_SPAN, start);
    k->i = (int64_t)llround(d * (double)unit);
    k->tlen = (uint32_t)(lx->p - start);
    return SS_OK;
}

/* A number, possibly with a timespan unit. */
static enum ss_err lex_number(struct lexer *lx, const char *start)
{
    bool real = false;
    while (lx->p < lx->end && isdigit((unsigned char)*lx->p))
        lx->p++;
    if (lx->p + 1 < lx->end && *lx->p == '.' && isdigit((unsigned char)lx->p[1])) {
        real = true;
        lx->p++;
        while (lx->p < lx->end && isdigit((unsigned char)*lx->p))
            lx->p++;
    } else if (lx->p < lx->end && *lx->p == '.' && !(lx->p + 1 < lx->end && lx->p[1] == '.')) {
        real = true; /* "1." */
        lx->p++;
    }
    if (lx->p < lx->end && (*lx->p == 'e' || *lx->p == 'E')) {
        const char *q = lx->p + 1;
        if (q < lx->end && (*q == '+' || *q == '-'))
            q++;
        if (q < lx->end && isdigit((unsigned char)*q)) {
            real = true;
            lx->p = q;
            while (lx->p < lx->end && isdigit((unsigned char)*lx->p))
                lx->p++;
        }
    }
    size_t nlen = (size_t)(lx->p - start);
    if (nlen > 64)
        return lex_err(lx, start, SS_ETOOBIG, "number literal too long");
    char buf[72];
    memcpy(buf, start, nlen);
    buf[nlen] = '\0';
    const char *us = lx->p;
    while (lx->p < lx->end && is_ident_char((unsigned char)*lx->p))
        lx->p++;
    size_t ulen = (size_t)(lx->p - us);
    double d = strtod(buf, NULL);
    if (ulen)
        return lex_span(lx, start, d, us, ulen);
    struct ktoken *k = push(lx, real ? T_REAL : T_LONG, start);
    k->tlen = (uint32_t)nlen;
    if (real) {
        if (!isfinite(d))
            return lex_err(lx, start, SS_EQUERY, "number out of range");
        k->d = d;
        return SS_OK;
    }
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (errno == ERANGE)
        return lex_err(lx, start, SS_EQUERY, "integer literal out of range");
    k->i = v;
    return SS_OK;
}

/* The raw text between the parentheses after datetime/timespan/dynamic (lx->p at '('). */
static enum ss_err raw_parens(struct lexer *lx, const char *start, const char **body, size_t *blen)
{
    int depth = 0;
    const char *open = lx->p;
    char quote = 0;
    for (; lx->p < lx->end; lx->p++) {
        char c = *lx->p;
        if (c == '\n') {
            lx->line++;
            lx->line_start = lx->p + 1;
        }
        if (quote) {
            if (c == '\\' && lx->p + 1 < lx->end)
                lx->p++;
            else if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '"' || c == '\'')
            quote = c;
        else if (c == '(' || c == '[' || c == '{')
            depth++;
        else if (c == ')' || c == ']' || c == '}') {
            if (--depth == 0) {
                *body = open + 1;
                *blen = (size_t)(lx->p - open - 1);
                lx->p++;
                if (*blen > SS_KQL_MAX_LITERAL)
                    return lex_err(lx, start, SS_ETOOBIG, "literal too long");
                return SS_OK;
            }
        }
    }
    return lex_err(lx, start, SS_EQUERY, "unterminated literal: missing ')'");
}

static void trim(const char **p, size_t *n)
{
    while (*n && isspace((unsigned char)**p))
        (*p)++, (*n)--;
    while (*n && isspace((unsigned char)(*p)[*n - 1]))
        (*n)--;
}

/* timespan(...) bodies: a number with a unit, or [d.]hh:mm[:ss[.fffffff]]. */
bool ss__kql_parse_span(const char *p, size_t n, int64_t *out)
{
    char buf[64];
    if (!n || n >= sizeof(buf))
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    char *end;
    double num = strtod(buf, &end);
    if (end != buf && *end && *end != ':' && *end != '.') {
        int64_t unit = span_unit(end, strlen(end));
        if (!unit || !(fabs(num * (double)unit) < 9.2e18))
            return false;
        *out = (int64_t)llround(num * (double)unit);
        return true;
    }
    bool neg = buf[0] == '-';
    long d = 0, h = 0, m = 0;
    double s = 0;
    const char *q = buf + neg;
    int k = sscanf(q, "%ld.%ld:%ld:%lf", &d, &h, &m, &s);
    if (k != 4 || !strchr(q, '.') || strchr(q, '.') > strchr(q, ':')) {
        d = 0;
        s = 0;
        k = sscanf(q, "%ld:%ld:%lf", &h, &m, &s);
        if (k < 2)
            return false;
    }
    double t = (((double)d * 24 + (double)h) * 60 + (double)m) * 60 + s;
    if (!(t < 9.2e11))
        return false;
    *out = (int64_t)llround(t * 1e7) * (neg ? -1 : 1);
    return true;
}

/* datetime(...), timespan(...), dynamic(...) and typed nulls. */
static enum ss_err lex_typed(struct lexer *lx, const char *start, int t)
{
    const char *body = NULL;
    size_t blen = 0;
    uint32_t line = lx->line, col = col_of(lx, start);
    enum ss_err e = raw_parens(lx, start, &body, &blen);
    if (e)
        return e;
    struct ktoken *k = push(lx, t, start);
    k->line = line;
    k->col = col;
    k->tlen = (uint32_t)(lx->p - start);
    trim(&body, &blen);
    k->str = body;
    k->slen = (uint32_t)blen;
    if (t == T_DYNAMIC)
        return SS_OK;
    if (blen == 4 && memcmp(body, "null", 4) == 0) {
        k->t = T_DYNAMIC; /* a typed null: the parser reads "null" */
        return SS_OK;
    }
    if (t == T_SPAN) {
        if (!ss__kql_parse_span(body, blen, &k->i))
            return ss__kql_diag(lx->diag, SS_EQUERY, line, col, "invalid timespan literal");
        return SS_OK;
    }
    char buf[80];
    if (blen >= sizeof(buf))
        return ss__kql_diag(lx->diag, SS_EQUERY, line, col, "invalid datetime literal");
    memcpy(buf, body, blen);
    buf[blen] = '\0';
    if (blen > 10 && buf[10] == ' ')
        buf[10] = 'T';
    if (!ss_time_parse(buf, blen, &k->i) || k->i < KQL_MIN_TICKS || k->i > KQL_MAX_TICKS)
        return ss__kql_diag(lx->diag, SS_EQUERY, line, col, "invalid datetime literal '%.*s'",
                            (int)blen, body);
    return SS_OK;
}

static const char *const dash_words[] = {"project-away",
                                         "project-rename",
                                         "project-keep",
                                         "project-reorder",
                                         "mv-expand",
                                         "mv-apply",
                                         NULL};

static const char *const bang_words[] = {"contains",   "contains_cs",   "has",      "has_cs",
                                         "startswith", "startswith_cs", "endswith", "endswith_cs",
                                         "hasprefix",  "hassuffix",     "in",       "between",
                                         NULL};

static bool in_list(const char *const *l, const char *p, size_t n)
{
    for (size_t i = 0; l[i]; i++)
        if (strlen(l[i]) == n && memcmp(l[i], p, n) == 0)
            return true;
    return false;
}

/* Skips blanks (without comments) from p; returns the first other character or 0. */
static char peek_after_space(const struct lexer *lx, const char *p)
{
    while (p < lx->end && (*p == ' ' || *p == '\t'))
        p++;
    return p < lx->end ? *p : 0;
}

static enum ss_err lex_ident(struct lexer *lx, const char *start)
{
    while (lx->p < lx->end && is_ident_char((unsigned char)*lx->p))
        lx->p++;
    size_t n = (size_t)(lx->p - start);
    /* project-away, mv-expand ... */
    if (lx->p < lx->end && *lx->p == '-') {
        const char *q = lx->p + 1;
        while (q < lx->end && (isalpha((unsigned char)*q)))
            q++;
        if (in_list(dash_words, start, (size_t)(q - start))) {
            lx->p = q;
            n = (size_t)(q - start);
        }
    }
    if (n == 2 && memcmp(start, "in", 2) == 0 && lx->p < lx->end && *lx->p == '~') {
        lx->p++;
        n = 3;
    }
    if (peek_after_space(lx, lx->p) == '(') {
        int t = -1;
        if (n == 8 && memcmp(start, "datetime", 8) == 0)
            t = T_DATETIME;
        else if (n == 8 && memcmp(start, "timespan", 8) == 0)
            t = T_SPAN;
        else if (n == 7 && memcmp(start, "dynamic", 7) == 0)
            t = T_DYNAMIC;
        if (t >= 0) {
            while (*lx->p != '(')
                lx->p++;
            return lex_typed(lx, start, t);
        }
    }
    struct ktoken *k = push(lx, T_IDENT, start);
    k->str = start;
    k->slen = (uint32_t)n;
    k->tlen = (uint32_t)n;
    return SS_OK;
}

/* ['name'] or ["name"] as an identifier when `[` starts an operand. */
static bool lex_bracketed(struct lexer *lx, const char *start)
{
    if (lx->n) {
        /* an index follows its operand directly (x['a'], f(x)[0]); after a blank, as in
         * `project ['A'] = ...`, it is a name */
        const struct ktoken *pk = &lx->toks[lx->n - 1];
        int pt = pk->t;
        bool adjacent = pk->text + pk->tlen == start;
        if (pt == T_DOT || (adjacent && (pt == T_IDENT || pt == T_RPAREN || pt == T_RBRACK ||
                                         pt == T_STR || pt == T_DYNAMIC)))
            return false;
    }
    const char *q = start + 1;
    while (q < lx->end && (*q == ' ' || *q == '\t'))
        q++;
    if (q >= lx->end || (*q != '\'' && *q != '"'))
        return false;
    char quote = *q++;
    const char *name = q;
    while (q < lx->end && *q != quote && *q != '\n')
        q++;
    if (q >= lx->end || *q != quote)
        return false;
    const char *name_end = q++;
    while (q < lx->end && (*q == ' ' || *q == '\t'))
        q++;
    if (q >= lx->end || *q != ']')
        return false;
    struct ktoken *k = push(lx, T_IDENT, start);
    k->bracketed = true;
    k->str = name;
    k->slen = (uint32_t)(name_end - name);
    lx->p = q + 1;
    k->tlen = (uint32_t)(lx->p - start);
    return true;
}

struct punct {
    const char *s;
    int t;
};

static const struct punct puncts[] = {
    {"==", T_EQ},    {"!=", T_NE},    {"<>", T_NE},     {"=~", T_EQI},   {"!~", T_NEI},
    {"<=", T_LE},    {">=", T_GE},    {"..", T_DOTDOT}, {"(", T_LPAREN}, {")", T_RPAREN},
    {"[", T_LBRACK}, {"]", T_RBRACK}, {",", T_COMMA},   {"|", T_PIPE},   {".", T_DOT},
    {"=", T_ASSIGN}, {"<", T_LT},     {">", T_GT},      {"+", T_PLUS},   {"-", T_MINUS},
    {"*", T_STAR},   {"/", T_SLASH},  {"%", T_PERCENT}, {":", T_COLON},  {";", T_SEMI},
};

static enum ss_err lex_bang(struct lexer *lx, const char *start)
{
    const char *q = start + 1;
    while (q < lx->end && (isalpha((unsigned char)*q) || *q == '_'))
        q++;
    size_t n = (size_t)(q - start - 1);
    if (!n || !in_list(bang_words, start + 1, n))
        return lex_err(lx, start, SS_EQUERY, "unexpected character '!'");
    lx->p = q;
    if (n == 2 && lx->p < lx->end && *lx->p == '~') {
        lx->p++;
        n = 3;
    }
    struct ktoken *k = push(lx, T_BANGWORD, start);
    k->str = start + 1;
    k->slen = (uint32_t)n;
    k->tlen = (uint32_t)(lx->p - start);
    return SS_OK;
}

static enum ss_err lex_one(struct lexer *lx)
{
    const char *start = lx->p;
    unsigned char c = (unsigned char)*lx->p;
    if (is_ident_start(c)) {
        lx->p++;
        return lex_ident(lx, start);
    }
    if (isdigit(c))
        return lex_number(lx, start);
    if (c == '.' && lx->p + 1 < lx->end && isdigit((unsigned char)lx->p[1]) &&
        !(lx->n && (lx->toks[lx->n - 1].t == T_IDENT || lx->toks[lx->n - 1].t == T_RPAREN ||
                    lx->toks[lx->n - 1].t == T_RBRACK)))
        return lex_number(lx, start);
    if (c == '\'' || c == '"')
        return lex_string(lx, start, false);
    if (c == '@' && lx->p + 1 < lx->end && (lx->p[1] == '\'' || lx->p[1] == '"')) {
        lx->p++;
        return lex_string(lx, start, true);
    }
    if (c == '!' && lx->p + 1 < lx->end && isalpha((unsigned char)lx->p[1]))
        return lex_bang(lx, start);
    if (c == '[' && lex_bracketed(lx, start))
        return SS_OK;
    for (size_t i = 0; i < SS_ARRAY_LEN(puncts); i++) {
        size_t n = strlen(puncts[i].s);
        if ((size_t)(lx->end - lx->p) >= n && memcmp(lx->p, puncts[i].s, n) == 0) {
            struct ktoken *k = push(lx, puncts[i].t, start);
            k->tlen = (uint32_t)n;
            lx->p += n;
            return SS_OK;
        }
    }
    if (c >= 0x20 && c < 0x7f)
        return ss__kql_diag(lx->diag, SS_EQUERY, lx->line, col_of(lx, start),
                            "unexpected character '%c'", c);
    return lex_err(lx, start, SS_EQUERY, "unexpected character");
}

enum ss_err ss__kql_lex(struct ss_arena *a, const char *q, size_t len, struct klexed *out,
                        struct ss_diag *diag)
{
    struct lexer lx = {
        .a = a, .q = q, .p = q, .end = q + len, .line = 1, .line_start = q, .diag = diag};
    if (len > SS_KQL_MAX_QUERY)
        return ss__kql_diag(diag, SS_ETOOBIG, 1, 1, "query longer than %u bytes",
                            (unsigned)SS_KQL_MAX_QUERY);
    if (memchr(q, '\0', len))
        return ss__kql_diag(diag, SS_EQUERY, 1, 1, "NUL byte in the query");
    for (;;) {
        skip_space(&lx);
        if (lx.p >= lx.end)
            break;
        enum ss_err e = lex_one(&lx);
        if (e)
            return e;
    }
    push(&lx, T_EOF, lx.p);
    out->toks = lx.toks;
    out->n = lx.n;
    return SS_OK;
}
