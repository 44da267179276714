/*
 * Internals of the KQL engine (include/securescore/kql.h), shared by the
 * stages of src/kql/: lex.c (tokens with line and column), parse.c (AST),
 * bind.c (semantic checks: tables, columns, functions, types, names),
 * exec.c and aggr.c (evaluation with a step and memory budget), func.c (the
 * table of scalar functions), value.c (values, conversions, comparison),
 * result.c (the result and its writers) and kql.c (ss_kql_run).
 *
 * Values are tagged 24-byte structs. Strings and dynamic values read from
 * the input point into the caller's documents (no copy); values built during
 * the run live in the run's arena. The result copies what it keeps into its
 * own arena, so it outlives the inputs.
 */
#ifndef SS_KQL_INTERNAL_H
#define SS_KQL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/hashmap.h"
#include "securescore/buf.h"
#include "securescore/errors.h"
#include "securescore/json.h"
#include "securescore/kql.h"

/* ---- values ---- */

/* Run-time kind of a value. */
enum kk {
    KK_NULL = 0,
    KK_BOOL,
    KK_LONG,
    KK_REAL,
    KK_STR,  /* u.s, len bytes (not NUL-terminated) */
    KK_DATE, /* u.i: 100 ns ticks since 1970 */
    KK_SPAN, /* u.i: 100 ns ticks */
    KK_JSON, /* u.j: a value of an input or parsed document (borrowed) */
    KK_ARR,  /* u.dyn: an array built during the run */
    KK_OBJ,  /* u.dyn: a property bag built during the run */
    KK_RAW,  /* u.s, len: serialised JSON (results only) */
};

/* Static (Kusto) type of an expression or column. */
enum kt { KT_BOOL, KT_LONG, KT_REAL, KT_STRING, KT_DATETIME, KT_TIMESPAN, KT_DYNAMIC, KT__COUNT };

struct kv;

/* An array or bag built during the run (arena). keys is NULL for arrays. */
struct kdyn {
    uint32_t n;
    struct kv *vals;
    struct ss_str *keys;
};

struct kv {
    uint8_t k;    /* enum kk */
    uint32_t len; /* KK_STR, KK_RAW */
    union {
        bool b;
        int64_t i;
        double d;
        const char *s;
        const struct kdyn *dyn;
        struct ss_json j;
    } u;
};

#define KV_NULL ((struct kv){.k = KK_NULL})

static inline struct kv kv_long(int64_t i)
{
    struct kv v = {.k = KK_LONG};
    v.u.i = i;
    return v;
}
static inline struct kv kv_real(double d)
{
    struct kv v = {.k = KK_REAL};
    v.u.d = d;
    return v;
}
static inline struct kv kv_bool(bool b)
{
    struct kv v = {.k = KK_BOOL};
    v.u.b = b;
    return v;
}
static inline struct kv kv_str(const char *s, size_t len)
{
    struct kv v = {.k = KK_STR, .len = (uint32_t)len};
    v.u.s = s ? s : "";
    return v;
}

/* ---- tokens ---- */

enum ktok {
    T_EOF,
    T_IDENT,    /* name, slen (bracketed: ['x']) */
    T_STR,      /* decoded str, slen */
    T_LONG,     /* i */
    T_REAL,     /* d */
    T_SPAN,     /* i (ticks) */
    T_DATETIME, /* i (ticks): datetime(...) */
    T_DYNAMIC,  /* str, slen: the raw text inside dynamic(...) */
    T_BANGWORD, /* !contains, !has, !in, !in~, !between ...: str is the word without '!' */
    T_LPAREN,
    T_RPAREN,
    T_LBRACK,
    T_RBRACK,
    T_COMMA,
    T_PIPE,
    T_DOT,
    T_DOTDOT,
    T_ASSIGN, /* = */
    T_EQ,     /* == */
    T_NE,     /* != or <> */
    T_EQI,    /* =~ */
    T_NEI,    /* !~ */
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_PERCENT,
    T_COLON,
    T_SEMI,
};

struct ktoken {
    uint8_t t;        /* enum ktok */
    bool bracketed;   /* T_IDENT written as ['name'] */
    uint32_t line;    /* 1-based */
    uint32_t col;     /* 1-based byte column */
    const char *str;  /* T_IDENT, T_STR, T_DYNAMIC, T_BANGWORD (arena or query text) */
    uint32_t slen;    /* bytes of str */
    int64_t i;        /* T_LONG, T_SPAN, T_DATETIME */
    double d;         /* T_REAL */
    const char *text; /* the token in the query text */
    uint32_t tlen;    /* its length */
};

struct klexed {
    struct ktoken *toks; /* arena; ends with T_EOF */
    size_t n;
};

/* Records an error at a position of the query (first error wins); returns `code`. */
enum ss_err ss__kql_diag(struct ss_diag *d, enum ss_err code, uint32_t line, uint32_t col,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Tokenises `q` into `out` (arena). Errors: SS_EQUERY, SS_ETOOBIG, with position. */
enum ss_err ss__kql_lex(struct ss_arena *a, const char *q, size_t len, struct klexed *out,
                        struct ss_diag *diag);

/* Parses a timespan text: a number with a unit (1d, 2.5h) or [-][d.]hh:mm[:ss[.f]]. */
bool ss__kql_parse_span(const char *p, size_t n, int64_t *out);

/* ---- AST ---- */

enum kexop {
    E_LIT,    /* lit */
    E_COL,    /* name: a column (resolved to idx) */
    E_ANYCOL, /* `*` in `* has 'x'` */
    E_MEMBER, /* a.name, a['name'] */
    E_INDEX,  /* a[b] */
    E_CALL,   /* name(args): fn */
    E_NEG,    /* -a */
    E_BIN,    /* a bop b */
    E_IN,     /* a in (args); flags */
    E_BETWEEN /* a between (b .. c); flags */
};

enum kbop {
    B_ADD,
    B_SUB,
    B_MUL,
    B_DIV,
    B_MOD,
    B_EQ,
    B_NE,
    B_EQI,
    B_NEI,
    B_LT,
    B_LE,
    B_GT,
    B_GE,
    B_AND,
    B_OR,
    B_CONTAINS,
    B_HAS,
    B_STARTS,
    B_ENDS,
    B_HASPREFIX,
    B_HASSUFFIX,
};

enum kflags {
    F_NOT = 1,    /* !contains, !in, !between */
    F_CS = 2,     /* contains_cs, has_cs ... */
    F_NOCASE = 4, /* in~ */
};

struct kfunc;

struct kexpr {
    uint8_t op;    /* enum kexop */
    uint8_t bop;   /* enum kbop */
    uint8_t flags; /* enum kflags */
    uint8_t type;  /* enum kt, set by bind */
    uint32_t line, col;
    struct kexpr *a, *b, *c;
    struct kexpr **args;
    uint32_t nargs;
    struct kv lit;
    const char *name; /* column, member or function name */
    uint32_t nlen;
    int32_t idx;            /* E_COL: column index in the input */
    const struct kfunc *fn; /* E_CALL */
    void *cache;            /* per-call-site state (a compiled regex) */
    struct kexpr *next_rx;  /* chain of call sites with a cache to release */
};

/* One item of an operator list: `name = expr`, a sort key, a join key. */
struct kitem {
    const char *name; /* explicit name, NULL when none */
    uint32_t nlen;
    struct kexpr *e;
    struct kexpr *e2; /* join: $right side; sort: unused */
    bool desc;        /* sort */
    int nulls;        /* sort: 0 default, 1 first, 2 last */
    uint8_t ptype;    /* parse: type of a captured column (enum kt) */
    bool wildcard;    /* parse: `*` */
    uint32_t line, col;
    /* bind: */
    const char *out; /* output column name */
    uint32_t outlen;
    int32_t idx; /* resolved column (project-away, project-rename, join keys, parse) */
    int32_t idx2;
    int32_t *cols; /* arg_max/arg_min: the extra output columns, input column c >= 0 or
                      argument -(k + 1) */
    uint32_t ncols;
};

enum kqkind {
    Q_WHERE,
    Q_EXTEND,
    Q_PROJECT,
    Q_PROJECT_AWAY,
    Q_PROJECT_RENAME,
    Q_SUMMARIZE,
    Q_SORT,
    Q_TOP,
    Q_TAKE,
    Q_DISTINCT,
    Q_COUNT,
    Q_JOIN,
    Q_UNION,
    Q_MVEXPAND,
    Q_PARSE,
    Q_PROJECT_KEEP,
    Q_PROJECT_REORDER,
};

enum kjoin { J_INNERUNIQUE, J_INNER, J_LEFTOUTER, J_LEFTSEMI, J_LEFTANTI, J_RIGHTOUTER };

struct kcolumn {
    const char *name;
    uint32_t len;
    uint8_t type; /* enum kt */
};

struct kschema {
    struct kcolumn *cols;
    uint32_t n;
};

struct kquery;

struct kqop {
    uint8_t op; /* enum kqkind */
    uint32_t line, col;
    struct kitem *items; /* operands (where: one; summarize: aggregates; union: none) */
    uint32_t n;
    struct kitem *keys; /* summarize by, sort/top keys, join on */
    uint32_t nkeys;
    struct kexpr *expr;   /* take/top count, parse source */
    struct kquery **subs; /* join (1), union (n) */
    uint32_t nsubs;
    int kind;           /* join kind; union: 1 = inner */
    bool star;          /* distinct *, arg_max(x, *) handled per item */
    struct kitem *aggs; /* summarize (bind): every aggregate call; an item with idx2 >= 0 is
                           aggs[idx2], others are expressions over `post` */
    uint32_t naggs;
    struct kschema post; /* summarize (bind): the by columns, then one per aggregate */
    struct kschema out;  /* bind: output schema */
    int32_t *map;        /* bind: per output column, the input column (or -1), or union maps */
    int32_t **maps;      /* union: per input, per output column, the input column or -1 */
};

struct kquery {
    uint32_t line, col;
    const char *table; /* source table, or NULL when the source is `union` */
    uint32_t tlen;
    struct kqop *ops;
    uint32_t nops;
    /* bind: */
    const struct ss_kql_table *src;
    struct kschema schema; /* of the source table */
};

/* Parses the tokens into a query (arena). Errors: SS_EQUERY, SS_EDEPTH, SS_ETOOBIG. */
enum ss_err ss__kql_parse(struct ss_arena *a, const struct klexed *lx, struct kquery **out,
                          struct ss_diag *diag);

/* ---- run state ---- */

struct kset {
    struct kschema s;
    size_t nrows;
    struct kv **rows;          /* materialised rows, or NULL when src is set */
    const struct ss_json *src; /* source rows: read lazily by column name */
};

struct krun {
    struct ss_arena arena;
    const struct ss_kql_table *tables;
    size_t ntables;
    struct kschema *schemas; /* per table, inferred at bind */
    uint64_t steps, max_steps;
    uint64_t max_memory;
    uint64_t extra_memory; /* parsed documents (todynamic) */
    int64_t now;
    enum ss_err err;
    struct ss_diag *diag;
    struct ss_json_doc **docs; /* parse_json results, freed at the end */
    size_t ndocs, capdocs;
    struct kexpr *rx_sites; /* call sites holding a compiled regex */
    struct ss_buf tmp;      /* scratch */
};

/* As ss__kql_fail, with the position of the offending call in the query. */
bool ss__kql_fail_at(struct krun *r, enum ss_err e, uint32_t line, uint32_t col, const char *fmt,
                     ...) __attribute__((format(printf, 5, 6)));
/* Counts `n` steps; false (and r->err set) when a budget is exhausted. */
bool ss__kql_step(struct krun *r, uint64_t n);
/* Records a run-time error (first wins); returns false. */
bool ss__kql_fail(struct krun *r, enum ss_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- values (value.c) ---- */

extern const char *const ss__kql_type_names[KT__COUNT];
/* A JSON value as a KQL value: scalars unwrapped, arrays and objects as KK_JSON. */
struct kv ss__kql_from_json(struct ss_json j);
/* Conversions; null when not convertible. */
struct kv ss__kql_to_string(struct krun *r, struct kv v); /* null -> "" */
struct kv ss__kql_to_real(struct kv v);
struct kv ss__kql_to_long(struct kv v);
struct kv ss__kql_to_bool(struct kv v);
struct kv ss__kql_to_datetime(struct kv v);
struct kv ss__kql_to_timespan(struct kv v);
struct kv ss__kql_to_type(struct krun *r, struct kv v, int type);
/* Appends the text form of a value (tostring) to `b`. */
void ss__kql_format(struct ss_buf *b, struct kv v);
/* Writes a value as JSON. */
void ss__kql_write_json(struct ss_jw *w, struct kv v);
/* Equality as `==` (numbers across long/real, dynamic scalars unwrapped); nocase for =~. */
bool ss__kql_equal(struct kv a, struct kv b, bool nocase);
/* Three-way order for sorting: nulls first, then by kind, then by value. */
int ss__kql_order(struct kv a, struct kv b);
/* Ordering comparison for < <= > >=: -2 when not comparable (a null or mixed kinds). */
int ss__kql_compare(struct kv a, struct kv b);
/* Appends a key identifying the value for hashing (equal values, equal keys). */
void ss__kql_key(struct ss_buf *b, struct kv v);
/* Copies a string into the run arena. */
struct kv ss__kql_str_new(struct krun *r, const char *s, size_t len);
/* Length of a dynamic array (-1 if not an array) and element i. */
long ss__kql_arr_len(struct kv v);
struct kv ss__kql_arr_at(struct kv v, size_t i);
/* Member of a bag (exact key); null when absent or not a bag. */
struct kv ss__kql_member(struct kv v, const char *key, size_t len);
/* Iterates a bag: count and the i-th key/value. */
long ss__kql_bag_len(struct kv v);
void ss__kql_bag_at(struct kv v, size_t i, struct ss_str *key, struct kv *val);
/* Kusto's datetime range in ticks since 1970: 0001-01-01 to 9999-12-31T23:59:59.9999999. */
#define KQL_MIN_TICKS (-621355968000000000LL)
#define KQL_MAX_TICKS (2534023007999999999LL)
/* A datetime value, or null outside Kusto's range. */
struct kv ss__kql_date(int64_t ticks);
/* Formats ticks as Kusto does: datetime ISO 8601 with Z, timespan [-][d.]hh:mm:ss[.fffffff]. */
void ss__kql_fmt_datetime(struct ss_buf *b, int64_t ticks);
void ss__kql_fmt_timespan(struct ss_buf *b, int64_t ticks);

/* ---- functions (func.c) ---- */

typedef struct kv (*kfn_eval)(struct krun *r, struct kexpr *call, struct kv *args);

enum kfkind { FK_SCALAR, FK_AGG };

struct kfunc {
    const char *name;
    uint8_t kind;     /* enum kfkind */
    uint8_t min, max; /* argument count */
    int8_t ret;       /* enum kt, or -1: the type of the first argument, -2: see bind */
    kfn_eval eval;    /* scalar functions */
    int agg;          /* aggregates: enum kagg */
};

enum kagg {
    A_COUNT,
    A_COUNTIF,
    A_DCOUNT,
    A_SUM,
    A_AVG,
    A_MIN,
    A_MAX,
    A_ANY,
    A_ARGMAX,
    A_ARGMIN,
    A_MAKELIST,
    A_MAKESET,
    A_MAKEBAG,
    A_SUMIF,
};

/* Looks a function up by name (exact, as Kusto); NULL if unknown. */
const struct kfunc *ss__kql_func(const char *name, size_t len);
/* Compiles a call site's literal regular expression (extract, trim) ahead of the run;
 * false with r->err and the diagnostic set if it is not supported. */
bool ss__kql_func_prepare(struct krun *r, struct kexpr *call);
/* Releases compiled regexes cached on call sites. */
void ss__kql_func_release(struct krun *r);

/* ---- bind (bind.c) and execution (exec.c, aggr.c) ---- */

/* Index of the column named `name` in `s`, or -1. */
int32_t ss__kql_find_col(const struct kschema *s, const char *name, size_t len);
enum ss_err ss__kql_bind(struct krun *r, struct kquery *q, struct ss_diag *diag);
/* Runs a bound query; on success *out is the final set (run arena). */
bool ss__kql_exec(struct krun *r, struct kquery *q, struct kset *out);
/* Evaluates an expression on row `row` of `set`. */
struct kv ss__kql_eval(struct krun *r, struct kexpr *e, const struct kset *set, size_t row);
/* Column c of row `row` of `set`. */
struct kv ss__kql_get(const struct kset *set, size_t row, uint32_t c);
/* Summarize (aggr.c). */
bool ss__kql_summarize(struct krun *r, const struct kqop *op, const struct kset *in,
                       struct kset *out);
/* A new materialised row of n values (arena). */
struct kv *ss__kql_row_new(struct krun *r, uint32_t n);
/* Appends a row to a set under construction (growing array in the arena). */
void ss__kql_set_push(struct krun *r, struct kset *s, size_t *cap, struct kv *row);

/* ---- result (result.c) ---- */

struct ss_kql_result *ss__kql_result_new(struct krun *r, const struct kset *set);

#endif
