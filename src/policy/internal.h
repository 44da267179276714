/*
 * Internals of the policy module shared by its files: run-time values, the
 * compiled tree (conditions, template expressions, alias paths), and the
 * evaluation context. See include/securescore/policy.h for the contract.
 *
 * Stages (STYLE.md rule 10): compile.c turns definition JSON into `struct
 * pcond` trees; expr.c parses template expressions ("[...]") into `struct
 * xnode` trees and holds the function table; alias.c turns field names into
 * `struct fieldref` paths; eval.c runs a tree over one resource with the
 * operator table; value.c has the comparison rules; inventory.c indexes
 * related resources.
 */
#ifndef SS_POLICY_INTERNAL_H
#define SS_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/hashmap.h"
#include "common/limits.h"
#include "json/field.h"
#include "securescore/policy.h"

/* ---- values (value.c) ---- */

enum pv_kind {
    PV_NONE = 0, /* missing: a property that does not exist */
    PV_NULL,
    PV_BOOL,
    PV_NUM,
    PV_STR,
    PV_ARR,  /* built array: items in the arena */
    PV_OBJ,  /* built object: keys and items in the arena */
    PV_JSON, /* array or object of a parsed document */
};

struct pval {
    enum pv_kind kind;
    union {
        bool b;
        double num;
        struct ss_str s;
        struct {
            struct pval *v;   /* arena */
            struct ss_str *k; /* PV_OBJ only: keys, arena */
            size_t n;
        } a;
        struct ss_json j;
    } u;
};

/* Converts a parsed value; JSON null read from a resource stays PV_NULL. */
struct pval ss__pv_json(struct ss_json j);
struct pval ss__pv_str(const char *p, size_t len);
struct pval ss__pv_num(double d);
struct pval ss__pv_bool(bool b);
bool ss__pv_is_array(const struct pval *v);
bool ss__pv_is_object(const struct pval *v);
/* Length of an array/object/string; 0 otherwise. */
size_t ss__pv_len(const struct pval *v);
/* Element i of an array (absent = PV_NONE). */
struct pval ss__pv_at(const struct pval *v, size_t i);
/* Member of an object ignoring case (absent = PV_NONE). */
struct pval ss__pv_get(const struct pval *v, const char *key, size_t len);
/* Key i of an object. */
struct ss_str ss__pv_key(const struct pval *v, size_t i);
/* Canonical text of a scalar (bool "true"/"false", numbers as written); false for
 * arrays, objects and missing values. Numbers are formatted into `tmp` (32 bytes). */
bool ss__pv_text(const struct pval *v, char *tmp, struct ss_str *out);
/* Azure equality: case-insensitive strings, scalars compared as canonical text,
 * arrays and objects deeply; a missing value equals nothing. */
bool ss__pv_equal(const struct pval *a, const struct pval *b);
/* Ordering for less/greater: numbers numerically, otherwise text ignoring case.
 * Returns false if the two cannot be ordered. */
bool ss__pv_order(const struct pval *a, const struct pval *b, int *cmp);
/* Truthiness for template booleans: true, "true" (any case). */
bool ss__pv_truthy(const struct pval *v);
/* `like`: one or more `*` wildcards, case-insensitive. */
bool ss__like(struct ss_str s, struct ss_str pat);
/* `match`: `#` digit, `?` letter, `.` any, others literal. */
bool ss__match(struct ss_str s, struct ss_str pat, bool nocase);
bool ss__str_eq_ci(struct ss_str a, struct ss_str b);
/* Appends a JSON rendering of `v` to `out` (for messages and tests). */
void ss__pv_write(struct ss_buf *out, const struct pval *v);

/* ---- alias paths (alias.c) ---- */

enum field_kind {
    FK_ALIAS = 0,
    FK_NAME,
    FK_FULLNAME,
    FK_KIND,
    FK_TYPE,
    FK_LOCATION,
    FK_ID,
    FK_IDENTITY_TYPE,
    FK_TAGS,
    FK_TAG,     /* tags['x'] / tags.x: `tag` holds x */
    FK_DYNAMIC, /* the field name is a template expression, resolved at run time */
};

struct pseg {
    struct ss_str key; /* empty when star */
    bool star;         /* [*] */
};

struct fieldref {
    enum field_kind kind;
    struct ss_str text; /* the field as written */
    struct ss_str tag;  /* FK_TAG */
    struct pseg *segs;  /* FK_ALIAS: the path */
    uint32_t nsegs;
    uint32_t nstars;
    bool exact;           /* path from a table: walk from the resource root as written */
    bool top;             /* heuristic path of a top-level property (sku, identity ...) */
    struct xnode *dyn;    /* FK_DYNAMIC */
    struct fieldref *alt; /* a path tried when this one selects nothing (VMSS images) */
};

/* Parses a field name into `out` (segments in arena `a`). */
enum ss_err ss__field_parse(struct ss_arena *a, const struct ss_policy_aliases *tab, const char *p,
                            size_t len, struct fieldref *out, struct ss_diag *diag);
/* Splits a path `x.y[*].z` (a leading '.' is skipped) into the segments of `out`. */
enum ss_err ss__alias_path(struct ss_arena *a, const char *p, size_t len, struct fieldref *out,
                           struct ss_diag *diag);
/* True if the first `pre->nsegs` segments of `f` equal those of `pre` (ignoring case). */
bool ss__path_prefix(const struct fieldref *pre, uint32_t npre, const struct fieldref *f);
/* Looks up `key` in an object, descending through nested `properties` objects when absent. */
struct ss_json ss__json_get_deep(struct ss_json obj, struct ss_str key, bool deep);
/* Resource type (`ExtensionResourceType` of PowerShell extension resources, else `type`). */
struct ss_str ss__res_type(struct ss_json res);

/* ---- template expressions (expr.c) ---- */

enum xkind { X_STR, X_NUM, X_CALL, X_PROP, X_INDEX };

struct xnode {
    enum xkind kind;
    uint32_t pos;        /* byte offset in the expression (for errors) */
    struct ss_str s;     /* X_STR text (unescaped), X_PROP member name */
    double num;          /* X_NUM */
    int fn;              /* X_CALL: index in the function table */
    struct xnode **args; /* X_CALL arguments; X_PROP/X_INDEX: args[0] base, X_INDEX args[1] */
    uint32_t nargs;
    int param;             /* parameters('lit'): index of the parameter, -1 otherwise */
    struct fieldref *fref; /* field('lit') / current('lit'): the parsed path */
};

struct ss_policy_c; /* compile context (compile.c) */

/* An operand or operator value: a literal or a template expression. */
struct pexpr {
    struct ss_json lit; /* literal (when x is NULL) */
    struct xnode *x;    /* template expression, or NULL */
    bool escaped;       /* "[[...": the literal string without its first character */
};

/* Parses "[...]" (without the brackets) into a tree. Errors name `ptr`. */
enum ss_err ss__expr_parse(struct ss_policy_c *c, const char *p, size_t len, struct xnode **out,
                           struct ss_diag *diag);
/* Looks up an operator name (ignoring case); -1 if unknown. */
int ss__op_find(const char *name, size_t len);
/* Looks up a function name; -1 if unknown. */
int ss__fn_find(const char *name, size_t len);

/* ---- conditions ---- */

enum pcond_kind { PC_ALLOF, PC_ANYOF, PC_NOT, PC_LEAF };
enum operand_kind { OPD_FIELD, OPD_VALUE, OPD_COUNT };

struct pcount {
    bool by_field;         /* count.field, else count.value */
    struct fieldref field; /* count.field */
    struct pexpr value;    /* count.value */
    struct ss_str name;    /* count.name */
    struct pcond *where;   /* NULL = count all */
};

struct pcond {
    enum pcond_kind kind;
    const char *ptr;     /* JSON pointer of this condition (arena) */
    struct pcond **kids; /* allOf/anyOf members; not: kids[0] */
    uint32_t nkids;
    enum operand_kind opd;
    struct fieldref field; /* OPD_FIELD */
    struct pexpr value;    /* OPD_VALUE */
    struct pcount *count;  /* OPD_COUNT */
    int op;                /* index in the operator table */
    struct pexpr rhs;      /* the operator's value */
    bool structural;       /* field is type/name/kind (applicability) */
};

/* ---- the compiled policy ---- */

struct pparam {
    struct ss_str name;
    struct ss_json value; /* assigned or default value; absent if none */
};

struct ss_policy {
    struct ss_arena mem;                     /* tree, strings */
    struct ss_json_doc *defdoc;              /* owned copy of the definition */
    struct ss_json_doc *pardoc;              /* owned copy of the assignment values, or NULL */
    const struct ss_policy_aliases *aliases; /* borrowed */
    struct ss_str name, display, mode;
    bool data_plane;
    bool indexed;
    enum ss_policy_effect effect;
    struct pparam *params;
    uint32_t nparams;
    struct pcond *cond;   /* `if` */
    struct ss_str *types; /* types the rule can apply to (arena), when types_known */
    size_t ntypes;
    bool types_known;
    /* *IfNotExists details */
    struct pexpr rel_type, rel_name, rel_rg;
    bool has_rel_name, has_rel_rg;
    bool rel_sub_scope;  /* existenceScope: subscription */
    struct pcond *exist; /* existenceCondition, or NULL */
    uint64_t max_steps;
};

/* The compile context. */
struct ss_policy_c {
    struct ss_policy *p;
    struct ss_jpath path;
    struct ss_diag *diag;
    uint32_t nconds;
    uint32_t depth;
    uint32_t count_depth;
    const char *expr_text; /* expression being parsed (for messages) */
};

/* ---- evaluation (eval.c) ---- */

struct pframe {
    bool by_field;
    const struct fieldref *field; /* count.field: the bound path */
    uint32_t nsegs;               /* segments bound (through the last [*]) */
    struct ss_json member;        /* the current member (field count) */
    struct ss_str name;           /* value count name */
    struct pval vmember;          /* value count member */
};

struct ss_policy_eval {
    struct ss_arena mem;
    struct ss_buf scratch; /* reused for string(): no allocation once warm */
    const struct ss_policy *p;
    struct ss_json res;     /* `field` reads this resource */
    struct ss_json trigger; /* `field()` in templates reads this one */
    const struct ss_policy_inventory *inv;
    struct pframe frames[SS_POLICY_MAX_COUNT_DEPTH + 1];
    uint32_t nframes;
    uint64_t steps, max_steps;
    bool app;        /* applicability pass: only structural leaves count */
    bool neg;        /* under an odd number of `not` */
    const char *why; /* pointer of the last deciding leaf */
    struct ss_diag *diag;
};

/* Evaluates a template expression or literal. */
enum ss_err ss__expr_eval(struct ss_policy_eval *ev, const struct pexpr *e, struct pval *out);
enum ss_err ss__xeval(struct ss_policy_eval *ev, const struct xnode *x, struct pval *out);
/* Reads a field for the `field()` function / `current()`: an array when the path has [*]. */
enum ss_err ss__field_value(struct ss_policy_eval *ev, struct ss_json res, const struct fieldref *f,
                            bool only_frames, struct pval *out);
/* Evaluates the whole `if` of `p` on `res` (no applicability pass, no effect): for tests. */
enum ss_err ss__policy_eval_if(struct ss_policy_eval *ev, const struct ss_policy *p,
                               struct ss_json res, bool *out, struct ss_diag *diag);
/* Counts a step; SS_EBUDGET when the budget is spent. */
enum ss_err ss__step(struct ss_policy_eval *ev);
/* Records an evaluation error. */
enum ss_err ss__eval_fail(struct ss_policy_eval *ev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- inventory (inventory.c) ---- */

enum inv_scope { INV_PARENT, INV_GROUP, INV_SUBSCRIPTION };
/* Calls `fn` for each indexed resource of `type` whose parent id (INV_PARENT), resource group id
 * ("/subscriptions/s/resourceGroups/g") or subscription id ("/subscriptions/s") is `scope`,
 * ignoring case. Stops when fn returns false. */
void ss__inv_each(const struct ss_policy_inventory *inv, enum inv_scope kind, struct ss_str scope,
                  struct ss_str type, bool (*fn)(void *ctx, struct ss_json res), void *ctx);
/* True if resources of `type` were seen as children or extensions of other resources: related
 * resources of that type are looked for under the evaluated resource only. */
bool ss__inv_resource_scoped(const struct ss_policy_inventory *inv, struct ss_str type);
/* The subscription ("/subscriptions/s") and resource group prefixes of an id; {NULL,0} if none. */
struct ss_str ss__id_scope(struct ss_str id, bool group);
/* The parent of a resource id: the enclosing resource, resource group or subscription. */
struct ss_str ss__id_parent(struct ss_str id);

#endif
