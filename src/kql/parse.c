/*
 * KQL parser: tokens -> AST (struct kquery, struct kqop, struct kexpr), every
 * node with the line and column of its first token.
 *
 *   query   := source { '|' operator }
 *   source  := table | 'union' [kind=inner|outer] sub {',' sub}
 *   sub     := table | '(' query ')'
 *   operator: one of `ops[]` below (a table, as STYLE.md rule 9 asks)
 *
 * Expressions, loosest first: or, and, comparison (== != =~ !~ < <= > >=,
 * contains/has/startswith/endswith and their !/_cs forms, in, !in, in~,
 * !in~, between, !between), + -, * / %, unary -, postfix (.name, [index],
 * .[index], call). Nesting beyond SS_KQL_MAX_DEPTH is SS_EDEPTH.
 */
#include "common/setup.h"

#include <stdio.h>

#include "common/limits.h"
#include "kql/internal.h"

struct parser {
    struct ss_arena *a;
    const struct ktoken *t; /* tokens, ending with T_EOF */
    size_t pos;
    struct ss_diag *diag;
    enum ss_err err;
    int depth;
};

static const struct ktoken *peek(const struct parser *p)
{
    return &p->t[p->pos];
}

static const struct ktoken *peek2(const struct parser *p)
{
    return p->t[p->pos].t == T_EOF ? &p->t[p->pos] : &p->t[p->pos + 1];
}

static const struct ktoken *next(struct parser *p)
{
    const struct ktoken *k = &p->t[p->pos];
    if (k->t != T_EOF)
        p->pos++;
    return k;
}

static bool is_word(const struct ktoken *k, const char *w)
{
    size_t n = strlen(w);
    return k->t == T_IDENT && !k->bracketed && k->slen == n && memcmp(k->str, w, n) == 0;
}

/* Records an error at token k naming it; returns NULL for convenience. */
static void *perr(struct parser *p, const struct ktoken *k, const char *what)
{
    if (p->err)
        return NULL;
    if (k->t == T_EOF)
        p->err = ss__kql_diag(p->diag, SS_EQUERY, k->line, k->col, "%s, found the end of the query",
                              what);
    else
        p->err = ss__kql_diag(p->diag, SS_EQUERY, k->line, k->col, "%s, found '%.*s'", what,
                              (int)SS_MIN(k->tlen, 60), k->text);
    return NULL;
}

static bool accept(struct parser *p, int t)
{
    if (peek(p)->t != t)
        return false;
    next(p);
    return true;
}

static bool expect(struct parser *p, int t, const char *what)
{
    if (accept(p, t))
        return true;
    perr(p, peek(p), what);
    return false;
}

static bool enter(struct parser *p)
{
    if (++p->depth > SS_KQL_MAX_DEPTH) {
        const struct ktoken *k = peek(p);
        if (!p->err)
            p->err = ss__kql_diag(p->diag, SS_EDEPTH, k->line, k->col,
                                  "query nested deeper than %d levels", SS_KQL_MAX_DEPTH);
        return false;
    }
    return true;
}

static struct kexpr *node(struct parser *p, int op, const struct ktoken *at)
{
    struct kexpr *e = ss_arena_calloc(p->a, 1, sizeof(*e));
    e->op = (uint8_t)op;
    e->line = at->line;
    e->col = at->col;
    e->idx = -1;
    return e;
}

/* A growable array in a scratch buffer, copied into the arena when done. */
static void *vec_done(struct parser *p, struct ss_buf *b)
{
    void *r = b->len ? ss_arena_memdup(p->a, b->ptr, b->len) : NULL;
    ss_buf_release(b);
    return r;
}

static struct kexpr *parse_expr(struct parser *p);
static struct kquery *parse_query(struct parser *p);

/* Arguments of a call or an `in` list after '(' up to ')'. */
static bool parse_args(struct parser *p, struct kexpr *e)
{
    struct ss_buf b = SS_BUF_INIT;
    uint32_t n = 0;
    if (!accept(p, T_RPAREN)) {
        do {
            struct kexpr *x = parse_expr(p);
            if (!x) {
                ss_buf_release(&b);
                return false;
            }
            if (++n > SS_KQL_MAX_ARGS) {
                ss_buf_release(&b);
                perr(p, peek(p), "too many arguments");
                return false;
            }
            ss_buf_add(&b, &x, sizeof(x));
        } while (accept(p, T_COMMA));
        if (!expect(p, T_RPAREN, "expected ')' after the arguments")) {
            ss_buf_release(&b);
            return false;
        }
    }
    e->args = vec_done(p, &b);
    e->nargs = n;
    return true;
}

/* A literal token as an expression. */
static struct kexpr *parse_literal(struct parser *p, const struct ktoken *k)
{
    struct kexpr *e = node(p, E_LIT, k);
    if (k->t == T_LONG) {
        e->lit = kv_long(k->i);
    } else if (k->t == T_REAL) {
        e->lit = kv_real(k->d);
    } else if (k->t == T_STR) {
        e->lit = kv_str(k->str, k->slen);
    } else if (k->t == T_DYNAMIC) {
        e->lit.k = KK_RAW; /* bind parses it */
        e->lit.u.s = k->str;
        e->lit.len = k->slen;
    } else {
        e->lit.k = k->t == T_SPAN ? KK_SPAN : KK_DATE;
        e->lit.u.i = k->i;
    }
    return e;
}

static struct kexpr *parse_primary(struct parser *p)
{
    const struct ktoken *k = peek(p);
    struct kexpr *e;
    switch (k->t) {
    case T_LONG:
    case T_REAL:
    case T_STR:
    case T_SPAN:
    case T_DATETIME:
    case T_DYNAMIC:
        next(p);
        return parse_literal(p, k);
    case T_LPAREN:
        next(p);
        if (!enter(p))
            return NULL;
        e = parse_expr(p);
        p->depth--;
        if (e && !expect(p, T_RPAREN, "expected ')'"))
            return NULL;
        return e;
    case T_STAR:
        next(p);
        return node(p, E_ANYCOL, k);
    case T_IDENT:
        next(p);
        if (!k->bracketed && (is_word(k, "true") || is_word(k, "false"))) {
            e = node(p, E_LIT, k);
            e->lit = kv_bool(is_word(k, "true"));
            return e;
        }
        if (!k->bracketed && peek(p)->t == T_LPAREN) {
            next(p);
            e = node(p, E_CALL, k);
            e->name = k->str;
            e->nlen = k->slen;
            if (!enter(p))
                return NULL;
            bool ok = parse_args(p, e);
            p->depth--;
            return ok ? e : NULL;
        }
        e = node(p, E_COL, k);
        e->name = k->str;
        e->nlen = k->slen;
        return e;
    default:
        return perr(p, k, "expected an expression");
    }
}

/* .name, .['name'], [expr], .[expr] after an operand. */
static struct kexpr *parse_postfix(struct parser *p)
{
    struct kexpr *e = parse_primary(p);
    while (e) {
        const struct ktoken *k = peek(p);
        if (k->t == T_DOT && peek2(p)->t == T_IDENT) {
            next(p);
            const struct ktoken *m = next(p);
            struct kexpr *x = node(p, E_MEMBER, m);
            x->a = e;
            x->name = m->str;
            x->nlen = m->slen;
            e = x;
        } else if (k->t == T_LBRACK || (k->t == T_DOT && peek2(p)->t == T_LBRACK)) {
            if (k->t == T_DOT)
                next(p);
            const struct ktoken *at = next(p);
            if (!enter(p))
                return NULL;
            struct kexpr *ix = parse_expr(p);
            p->depth--;
            if (!ix || !expect(p, T_RBRACK, "expected ']'"))
                return NULL;
            struct kexpr *x = node(p, E_INDEX, at);
            x->a = e;
            x->b = ix;
            if (ix->op == E_LIT && ix->lit.k == KK_STR) {
                x->op = E_MEMBER;
                x->name = ix->lit.u.s;
                x->nlen = ix->lit.len;
            }
            e = x;
        } else {
            break;
        }
    }
    return e;
}

static struct kexpr *parse_unary(struct parser *p)
{
    const struct ktoken *k = peek(p);
    if (k->t == T_MINUS || k->t == T_PLUS) {
        next(p);
        if (!enter(p))
            return NULL;
        struct kexpr *a = parse_unary(p);
        p->depth--;
        if (!a || k->t == T_PLUS)
            return a;
        if (a->op == E_LIT && a->lit.k == KK_LONG && a->lit.u.i != INT64_MIN) {
            a->lit.u.i = -a->lit.u.i;
            return a;
        }
        if (a->op == E_LIT && (a->lit.k == KK_REAL)) {
            a->lit.u.d = -a->lit.u.d;
            return a;
        }
        struct kexpr *e = node(p, E_NEG, k);
        e->a = a;
        return e;
    }
    return parse_postfix(p);
}

static struct kexpr *binary(struct parser *p, const struct ktoken *at, int bop, struct kexpr *a,
                            struct kexpr *b)
{
    struct kexpr *e = node(p, E_BIN, at);
    e->bop = (uint8_t)bop;
    e->a = a;
    e->b = b;
    return e;
}

static struct kexpr *parse_mul(struct parser *p)
{
    struct kexpr *e = parse_unary(p);
    while (e) {
        const struct ktoken *k = peek(p);
        int bop = k->t == T_STAR ? B_MUL : k->t == T_SLASH ? B_DIV : k->t == T_PERCENT ? B_MOD : -1;
        if (bop < 0)
            break;
        next(p);
        struct kexpr *b = parse_unary(p);
        e = b ? binary(p, k, bop, e, b) : NULL;
    }
    return e;
}

static struct kexpr *parse_add(struct parser *p)
{
    struct kexpr *e = parse_mul(p);
    while (e) {
        const struct ktoken *k = peek(p);
        int bop = k->t == T_PLUS ? B_ADD : k->t == T_MINUS ? B_SUB : -1;
        if (bop < 0)
            break;
        next(p);
        struct kexpr *b = parse_mul(p);
        e = b ? binary(p, k, bop, e, b) : NULL;
    }
    return e;
}

struct strop {
    const char *word;
    int bop;
    int flags;
};

static const struct strop strops[] = {
    {"contains", B_CONTAINS, 0},
    {"contains_cs", B_CONTAINS, F_CS},
    {"has", B_HAS, 0},
    {"has_cs", B_HAS, F_CS},
    {"startswith", B_STARTS, 0},
    {"startswith_cs", B_STARTS, F_CS},
    {"endswith", B_ENDS, 0},
    {"endswith_cs", B_ENDS, F_CS},
    {"hasprefix", B_HASPREFIX, 0},
    {"hassuffix", B_HASSUFFIX, 0},
};

static const struct strop *find_strop(const char *w, size_t n)
{
    for (size_t i = 0; i < SS_ARRAY_LEN(strops); i++)
        if (strlen(strops[i].word) == n && memcmp(strops[i].word, w, n) == 0)
            return &strops[i];
    return NULL;
}

/* in (...), between (a .. b) after the left operand; flags F_NOT/F_NOCASE. */
static struct kexpr *parse_in_between(struct parser *p, const struct ktoken *k, struct kexpr *a,
                                      bool between, int flags)
{
    if (!expect(p, T_LPAREN, between ? "expected '(' after between" : "expected '(' after in"))
        return NULL;
    struct kexpr *e = node(p, between ? E_BETWEEN : E_IN, k);
    e->a = a;
    e->flags = (uint8_t)flags;
    if (!enter(p))
        return NULL;
    if (between) {
        e->b = parse_add(p);
        if (!e->b || !expect(p, T_DOTDOT, "expected '..' in between"))
            return NULL;
        e->c = parse_add(p);
        if (!e->c || !expect(p, T_RPAREN, "expected ')' after between"))
            return NULL;
    } else if (!parse_args(p, e)) {
        return NULL;
    }
    p->depth--;
    return e;
}

static struct kexpr *parse_word_op(struct parser *p, const struct ktoken *k, struct kexpr *a);

static struct kexpr *parse_cmp(struct parser *p)
{
    struct kexpr *a = parse_add(p);
    if (!a)
        return NULL;
    const struct ktoken *k = peek(p);
    int bop = -1;
    switch (k->t) {
    case T_EQ:
        bop = B_EQ;
        break;
    case T_NE:
        bop = B_NE;
        break;
    case T_EQI:
        bop = B_EQI;
        break;
    case T_NEI:
        bop = B_NEI;
        break;
    case T_LT:
        bop = B_LT;
        break;
    case T_LE:
        bop = B_LE;
        break;
    case T_GT:
        bop = B_GT;
        break;
    case T_GE:
        bop = B_GE;
        break;
    default:
        break;
    }
    if (bop >= 0) {
        next(p);
        struct kexpr *b = parse_add(p);
        return b ? binary(p, k, bop, a, b) : NULL;
    }
    return parse_word_op(p, k, a);
}

/* Word operators after the left operand a: in, in~, between, contains, has ... (k: the word). */
static struct kexpr *parse_word_op(struct parser *p, const struct ktoken *k, struct kexpr *a)
{
    if (k->t != T_IDENT && k->t != T_BANGWORD)
        return a;
    bool neg = k->t == T_BANGWORD;
    if (k->t == T_IDENT && k->bracketed)
        return a;
    if (k->slen == 2 && memcmp(k->str, "in", 2) == 0) {
        next(p);
        return parse_in_between(p, k, a, false, neg ? F_NOT : 0);
    }
    if (k->slen == 3 && memcmp(k->str, "in~", 3) == 0) {
        next(p);
        return parse_in_between(p, k, a, false, F_NOCASE | (neg ? F_NOT : 0));
    }
    if (k->slen == 7 && memcmp(k->str, "between", 7) == 0) {
        next(p);
        return parse_in_between(p, k, a, true, neg ? F_NOT : 0);
    }
    const struct strop *so = find_strop(k->str, k->slen);
    if (!so)
        return neg ? perr(p, k, "unexpected operator") : a;
    next(p);
    struct kexpr *b = parse_add(p);
    if (!b)
        return NULL;
    struct kexpr *e = binary(p, k, so->bop, a, b);
    e->flags = (uint8_t)(so->flags | (neg ? F_NOT : 0));
    return e;
}

static struct kexpr *parse_and(struct parser *p)
{
    struct kexpr *e = parse_cmp(p);
    while (e && is_word(peek(p), "and")) {
        const struct ktoken *k = next(p);
        struct kexpr *b = parse_cmp(p);
        e = b ? binary(p, k, B_AND, e, b) : NULL;
    }
    return e;
}

static struct kexpr *parse_expr(struct parser *p)
{
    if (!enter(p))
        return NULL;
    struct kexpr *e = parse_and(p);
    while (e && is_word(peek(p), "or")) {
        const struct ktoken *k = next(p);
        struct kexpr *b = parse_and(p);
        e = b ? binary(p, k, B_OR, e, b) : NULL;
    }
    p->depth--;
    return e;
}

/* ---- operators ---- */

static struct kqop *new_op(struct parser *p, int kind, const struct ktoken *at)
{
    struct kqop *op = ss_arena_calloc(p->a, 1, sizeof(*op));
    op->op = (uint8_t)kind;
    op->line = at->line;
    op->col = at->col;
    return op;
}

static void item_at(struct kitem *it, const struct ktoken *k)
{
    it->line = k->line;
    it->col = k->col;
    it->idx = -1;
    it->idx2 = -1;
}

/* [name =] expr {, [name =] expr}; `names` 0 never, 1 optional, 2 required (project-rename). */
static bool parse_items(struct parser *p, struct kitem **out, uint32_t *n, int names)
{
    struct ss_buf b = SS_BUF_INIT;
    *n = 0;
    do {
        struct kitem it;
        memset(&it, 0, sizeof(it));
        item_at(&it, peek(p));
        if (names && peek(p)->t == T_IDENT && peek2(p)->t == T_ASSIGN) {
            const struct ktoken *k = next(p);
            next(p);
            it.name = k->str;
            it.nlen = k->slen;
        } else if (names == 2) {
            ss_buf_release(&b);
            return perr(p, peek(p), "expected 'newname = column'") != NULL;
        }
        it.e = parse_expr(p);
        if (!it.e) {
            ss_buf_release(&b);
            return false;
        }
        ss_buf_add(&b, &it, sizeof(it));
        (*n)++;
    } while (accept(p, T_COMMA));
    *out = vec_done(p, &b);
    return true;
}

static struct kqop *op_where(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_WHERE, k);
    op->expr = parse_expr(p);
    return op->expr ? op : NULL;
}

static struct kqop *op_items(struct parser *p, const struct ktoken *k, int kind, int names)
{
    struct kqop *op = new_op(p, kind, k);
    return parse_items(p, &op->items, &op->n, names) ? op : NULL;
}

static struct kqop *op_extend(struct parser *p, const struct ktoken *k)
{
    return op_items(p, k, Q_EXTEND, 1);
}

static struct kqop *op_project(struct parser *p, const struct ktoken *k)
{
    return op_items(p, k, Q_PROJECT, 1);
}

static struct kqop *op_project_away(struct parser *p, const struct ktoken *k)
{
    return op_items(p, k, Q_PROJECT_AWAY, 0);
}

static struct kqop *op_project_keep(struct parser *p, const struct ktoken *k)
{
    return op_items(p, k, Q_PROJECT_KEEP, 0);
}

static struct kqop *op_project_reorder(struct parser *p, const struct ktoken *k)
{
    return op_items(p, k, Q_PROJECT_REORDER, 0);
}

static struct kqop *op_project_rename(struct parser *p, const struct ktoken *k)
{
    return op_items(p, k, Q_PROJECT_RENAME, 2);
}

static struct kqop *op_summarize(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_SUMMARIZE, k);
    if (!is_word(peek(p), "by") && !parse_items(p, &op->items, &op->n, 1))
        return NULL;
    if (is_word(peek(p), "by")) {
        next(p);
        if (!parse_items(p, &op->keys, &op->nkeys, 1))
            return NULL;
    }
    if (!op->n && !op->nkeys)
        return perr(p, peek(p), "expected aggregates or 'by' after summarize");
    return op;
}

/* expr [asc|desc] [nulls first|last] {, ...} */
static bool parse_sort_keys(struct parser *p, struct kqop *op)
{
    struct ss_buf b = SS_BUF_INIT;
    do {
        struct kitem it;
        memset(&it, 0, sizeof(it));
        item_at(&it, peek(p));
        it.desc = true; /* Kusto: descending unless asked */
        if (!(it.e = parse_expr(p))) {
            ss_buf_release(&b);
            return false;
        }
        if (is_word(peek(p), "asc") || is_word(peek(p), "desc"))
            it.desc = is_word(next(p), "desc");
        if (is_word(peek(p), "nulls")) {
            next(p);
            if (!is_word(peek(p), "first") && !is_word(peek(p), "last")) {
                ss_buf_release(&b);
                return perr(p, peek(p), "expected 'first' or 'last' after nulls") != NULL;
            }
            it.nulls = is_word(next(p), "first") ? 1 : 2;
        }
        ss_buf_add(&b, &it, sizeof(it));
        op->nkeys++;
    } while (accept(p, T_COMMA));
    op->keys = vec_done(p, &b);
    return true;
}

static struct kqop *op_sort(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_SORT, k);
    if (!is_word(peek(p), "by"))
        return perr(p, peek(p), "expected 'by'");
    next(p);
    return parse_sort_keys(p, op) ? op : NULL;
}

static struct kqop *op_top(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_TOP, k);
    if (!(op->expr = parse_add(p)))
        return NULL;
    if (!is_word(peek(p), "by"))
        return perr(p, peek(p), "expected 'by'");
    next(p);
    return parse_sort_keys(p, op) ? op : NULL;
}

static struct kqop *op_take(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_TAKE, k);
    op->expr = parse_add(p);
    return op->expr ? op : NULL;
}

static struct kqop *op_distinct(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_DISTINCT, k);
    if (peek(p)->t == T_STAR &&
        (peek2(p)->t == T_PIPE || peek2(p)->t == T_EOF || peek2(p)->t == T_RPAREN)) {
        next(p);
        op->star = true;
        return op;
    }
    return parse_items(p, &op->items, &op->n, 1) ? op : NULL;
}

static struct kqop *op_count(struct parser *p, const struct ktoken *k)
{
    return new_op(p, Q_COUNT, k);
}

/* A subquery: a table name or '(' query ')'. */
static struct kquery *parse_sub(struct parser *p)
{
    if (accept(p, T_LPAREN)) {
        if (!enter(p))
            return NULL;
        struct kquery *q = parse_query(p);
        p->depth--;
        if (q && !expect(p, T_RPAREN, "expected ')' after the subquery"))
            return NULL;
        return q;
    }
    const struct ktoken *k = peek(p);
    if (k->t != T_IDENT)
        return perr(p, k, "expected a table name or '('");
    next(p);
    struct kquery *q = ss_arena_calloc(p->a, 1, sizeof(*q));
    q->line = k->line;
    q->col = k->col;
    q->table = k->str;
    q->tlen = k->slen;
    return q;
}

struct kindname {
    const char *name;
    int kind;
};

static const struct kindname join_kinds[] = {
    {"innerunique", J_INNERUNIQUE}, {"inner", J_INNER},       {"leftouter", J_LEFTOUTER},
    {"leftsemi", J_LEFTSEMI},       {"leftanti", J_LEFTANTI}, {"anti", J_LEFTANTI},
    {"rightouter", J_RIGHTOUTER},
};

/* kind=name: returns the index in `names` (n of them) or -1 after an error. */
static int parse_kind(struct parser *p, const struct kindname *names, size_t n)
{
    next(p);
    if (!expect(p, T_ASSIGN, "expected '=' after kind"))
        return -1;
    const struct ktoken *k = peek(p);
    for (size_t i = 0; i < n; i++)
        if (is_word(k, names[i].name)) {
            next(p);
            return names[i].kind;
        }
    perr(p, k, "unknown kind");
    return -1;
}

/* on col {, col} | on $left.a == $right.b {, ...} */
static bool parse_join_on(struct parser *p, struct kqop *op)
{
    struct ss_buf b = SS_BUF_INIT;
    do {
        struct kitem it;
        memset(&it, 0, sizeof(it));
        item_at(&it, peek(p));
        struct kexpr *e = parse_expr(p);
        if (!e) {
            ss_buf_release(&b);
            return false;
        }
        if (e->op == E_BIN && e->bop == B_EQ) {
            it.e = e->a;
            it.e2 = e->b;
        } else {
            it.e = e;
        }
        ss_buf_add(&b, &it, sizeof(it));
        op->nkeys++;
    } while (accept(p, T_COMMA));
    op->keys = vec_done(p, &b);
    return true;
}

static struct kqop *op_join(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_JOIN, k);
    op->kind = J_INNERUNIQUE;
    while (peek(p)->t == T_IDENT && peek2(p)->t == T_ASSIGN) {
        if (is_word(peek(p), "kind")) {
            if ((op->kind = parse_kind(p, join_kinds, SS_ARRAY_LEN(join_kinds))) < 0)
                return NULL;
        } else if (peek(p)->slen > 5 && memcmp(peek(p)->str, "hint.", 5) == 0) {
            next(p), next(p), next(p);
        } else {
            return perr(p, peek(p), "unknown join parameter");
        }
    }
    op->subs = ss_arena_calloc(p->a, 1, sizeof(*op->subs));
    op->nsubs = 1;
    if (!(op->subs[0] = parse_sub(p)))
        return NULL;
    if (!is_word(peek(p), "on"))
        return perr(p, peek(p), "expected 'on' after the joined table");
    next(p);
    return parse_join_on(p, op) ? op : NULL;
}

static const struct kindname union_kinds[] = {{"outer", 0}, {"inner", 1}};

static struct kqop *op_union(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_UNION, k);
    if (is_word(peek(p), "kind") && peek2(p)->t == T_ASSIGN &&
        (op->kind = parse_kind(p, union_kinds, SS_ARRAY_LEN(union_kinds))) < 0)
        return NULL;
    struct ss_buf b = SS_BUF_INIT;
    do {
        struct kquery *q = parse_sub(p);
        if (!q) {
            ss_buf_release(&b);
            return NULL;
        }
        ss_buf_add(&b, &q, sizeof(q));
        op->nsubs++;
    } while (accept(p, T_COMMA));
    op->subs = vec_done(p, &b);
    return op;
}

static const char *const type_words[KT__COUNT] = {"bool",     "long",     "real",   "string",
                                                  "datetime", "timespan", "dynamic"};

static int type_word(const struct ktoken *k)
{
    if (is_word(k, "int") || is_word(k, "decimal"))
        return is_word(k, "int") ? KT_LONG : KT_REAL;
    if (is_word(k, "double"))
        return KT_REAL;
    if (is_word(k, "boolean"))
        return KT_BOOL;
    for (int i = 0; i < KT__COUNT; i++)
        if (is_word(k, type_words[i]))
            return i;
    return -1;
}

static const struct kindname mv_kinds[] = {{"array", 0}, {"bag", 1}};

static struct kqop *op_mvexpand(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_MVEXPAND, k);
    if (is_word(peek(p), "kind") && peek2(p)->t == T_ASSIGN &&
        parse_kind(p, mv_kinds, SS_ARRAY_LEN(mv_kinds)) < 0)
        return NULL;
    struct ss_buf b = SS_BUF_INIT;
    do {
        struct kitem it;
        memset(&it, 0, sizeof(it));
        item_at(&it, peek(p));
        it.ptype = KT_DYNAMIC;
        if (peek(p)->t == T_IDENT && peek2(p)->t == T_ASSIGN) {
            const struct ktoken *nk = next(p);
            next(p);
            it.name = nk->str;
            it.nlen = nk->slen;
        }
        if (!(it.e = parse_expr(p))) {
            ss_buf_release(&b);
            return NULL;
        }
        if (is_word(peek(p), "to")) {
            next(p);
            int t;
            if (!is_word(next(p), "typeof") || !expect(p, T_LPAREN, "expected '('") ||
                (t = type_word(peek(p))) < 0) {
                ss_buf_release(&b);
                return perr(p, peek(p), "expected 'typeof(type)'");
            }
            next(p);
            it.ptype = (uint8_t)t;
            if (!expect(p, T_RPAREN, "expected ')'")) {
                ss_buf_release(&b);
                return NULL;
            }
        }
        ss_buf_add(&b, &it, sizeof(it));
        op->n++;
    } while (accept(p, T_COMMA));
    op->items = vec_done(p, &b);
    if (is_word(peek(p), "limit")) {
        next(p);
        if (!(op->expr = parse_add(p)))
            return NULL;
    }
    return op;
}

/* parse expr with ("lit" | * | name[:type])... */
static struct kqop *op_parse(struct parser *p, const struct ktoken *k)
{
    struct kqop *op = new_op(p, Q_PARSE, k);
    if (is_word(peek(p), "kind") && peek2(p)->t == T_ASSIGN) {
        static const struct kindname pk[] = {{"simple", 0}};
        if (parse_kind(p, pk, 1) < 0)
            return NULL;
    }
    if (!(op->expr = parse_add(p)))
        return NULL;
    if (!is_word(peek(p), "with"))
        return perr(p, peek(p), "expected 'with'");
    next(p);
    struct ss_buf b = SS_BUF_INIT;
    for (;;) {
        const struct ktoken *t = peek(p);
        struct kitem it;
        memset(&it, 0, sizeof(it));
        item_at(&it, t);
        if (t->t == T_STR) {
            it.e = parse_primary(p);
        } else if (t->t == T_STAR) {
            next(p);
            it.wildcard = true;
        } else if (t->t == T_IDENT) {
            next(p);
            it.name = t->str;
            it.nlen = t->slen;
            it.ptype = KT_STRING;
            if (accept(p, T_COLON)) {
                int ty = type_word(peek(p));
                if (ty < 0) {
                    ss_buf_release(&b);
                    return perr(p, peek(p), "expected a type after ':'");
                }
                next(p);
                it.ptype = (uint8_t)ty;
            }
        } else {
            break;
        }
        ss_buf_add(&b, &it, sizeof(it));
        op->n++;
    }
    op->items = vec_done(p, &b);
    if (!op->n)
        return perr(p, peek(p), "expected a pattern after 'with'");
    return op;
}

typedef struct kqop *(*op_fn)(struct parser *p, const struct ktoken *k);

struct opdef {
    const char *name;
    op_fn fn;
};

static struct kqop *op_sort_by(struct parser *p, const struct ktoken *k)
{
    return op_sort(p, k);
}

static const struct opdef ops[] = {
    {"where", op_where},
    {"filter", op_where},
    {"extend", op_extend},
    {"project", op_project},
    {"project-away", op_project_away},
    {"project-rename", op_project_rename},
    {"project-keep", op_project_keep},
    {"project-reorder", op_project_reorder},
    {"summarize", op_summarize},
    {"order", op_sort},
    {"sort", op_sort_by},
    {"top", op_top},
    {"take", op_take},
    {"limit", op_take},
    {"distinct", op_distinct},
    {"count", op_count},
    {"join", op_join},
    {"union", op_union},
    {"mv-expand", op_mvexpand},
    {"mvexpand", op_mvexpand},
    {"parse", op_parse},
};

static struct kqop *parse_op(struct parser *p)
{
    const struct ktoken *k = peek(p);
    for (size_t i = 0; i < SS_ARRAY_LEN(ops); i++)
        if (is_word(k, ops[i].name)) {
            next(p);
            return ops[i].fn(p, k);
        }
    return perr(p, k, "expected a tabular operator after '|'");
}

static struct kquery *parse_query(struct parser *p)
{
    struct kquery *q;
    const struct ktoken *k = peek(p);
    struct ss_buf b = SS_BUF_INIT;
    if (is_word(k, "union")) {
        next(p);
        q = ss_arena_calloc(p->a, 1, sizeof(*q));
        struct kqop *u = op_union(p, k);
        if (!u)
            return NULL;
        ss_buf_add(&b, u, sizeof(*u));
        q->nops = 1;
    } else if (k->t == T_IDENT) {
        next(p);
        q = ss_arena_calloc(p->a, 1, sizeof(*q));
        q->table = k->str;
        q->tlen = k->slen;
    } else {
        return perr(p, k, "expected a table name");
    }
    q->line = k->line;
    q->col = k->col;
    while (accept(p, T_PIPE)) {
        struct kqop *op = parse_op(p);
        if (!op) {
            ss_buf_release(&b);
            return NULL;
        }
        ss_buf_add(&b, op, sizeof(*op));
        q->nops++;
    }
    q->ops = vec_done(p, &b);
    return q;
}

enum ss_err ss__kql_parse(struct ss_arena *a, const struct klexed *lx, struct kquery **out,
                          struct ss_diag *diag)
{
    struct parser p = {.a = a, .t = lx->toks, .diag = diag};
    struct kquery *q = parse_query(&p);
    if (q && peek(&p)->t != T_EOF) {
        accept(&p, T_SEMI);
        if (peek(&p)->t != T_EOF)
            perr(&p, peek(&p),
                 q->nops ? "expected '|' or the end of the query"
                         : "expected '|' after the table name");
    }
    if (p.err)
        return p.err;
    if (!q)
        return ss__kql_diag(diag, SS_EQUERY, 1, 1, "invalid query");
    *out = q;
    return SS_OK;
}
