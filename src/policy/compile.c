/*
 * The policy compiler: definition JSON -> `struct ss_policy` (research/
 * azure_policy.md §2.1-2.7).
 *
 * Keys match ignoring case (the repository has `anyof`, `notequals`,
 * `existencecondition` ...). Every condition keeps the JSON pointer it was
 * compiled from, so evaluation can say which condition decided and compile
 * errors name the fault. Parameters are resolved once: the assignment's
 * value (type-checked against the declared type) or the default.
 */
#include "common/setup.h"

#include <stdio.h>

#include "common/limits.h"
#include "policy/internal.h"

static const char *const effect_names[] = {
#define SS__EFFECT_NAME(e, name) name,
    SS_POLICY_EFFECT_LIST(SS__EFFECT_NAME)
#undef SS__EFFECT_NAME
};

const char *ss_policy_effect_name(enum ss_policy_effect e)
{
    return (unsigned)e < SS_EFFECT__COUNT ? effect_names[e] : "?";
}

const char *ss_policy_outcome_name(enum ss_policy_outcome o)
{
    static const char *const names[] = {"NotApplicable", "Healthy", "Unhealthy"};
    return (unsigned)o < SS_ARRAY_LEN(names) ? names[o] : "?";
}

/* Declared parameter types and the JSON kinds they accept (Azure's list). */
static const struct param_type {
    const char *name;
    unsigned kinds; /* bit set of enum ss_json_kind */
} param_types[] = {
    {"string", 1u << SS_JSON_STRING},   {"securestring", 1u << SS_JSON_STRING},
    {"datetime", 1u << SS_JSON_STRING}, {"array", 1u << SS_JSON_ARRAY},
    {"object", 1u << SS_JSON_OBJECT},   {"boolean", 1u << SS_JSON_TRUE | 1u << SS_JSON_FALSE},
    {"integer", 1u << SS_JSON_INT},     {"float", 1u << SS_JSON_INT | 1u << SS_JSON_REAL},
};

static enum ss_err cfail(struct ss_policy_c *c, enum ss_err code, const char *key, const char *fmt,
                         const char *arg)
{
    return ss_jfail(c->diag, code, &c->path, key, fmt, arg);
}

/* Pushes a key given as a slice onto the pointer. */
static size_t push_key(struct ss_policy_c *c, struct ss_str k)
{
    char buf[128];
    size_t n = SS_MIN(k.len, sizeof(buf) - 1);
    memcpy(buf, k.ptr, n);
    buf[n] = '\0';
    return ss_jpath_key(&c->path, buf);
}

static enum ss_err compile_cond(struct ss_policy_c *c, struct ss_json j, struct pcond **out);

/* A literal or a "[...]" template expression. */
static enum ss_err compile_expr(struct ss_policy_c *c, struct ss_json j, struct pexpr *out)
{
    memset(out, 0, sizeof(*out));
    out->lit = j;
    struct ss_str s = ss_json_str(j);
    if (ss_json_kind(j) != SS_JSON_STRING || s.len < 2 || s.ptr[0] != '[')
        return SS_OK;
    if (s.ptr[1] == '[') {
        out->escaped = true;
        return SS_OK;
    }
    if (s.ptr[s.len - 1] != ']')
        return SS_OK;
    return ss__expr_parse(c, s.ptr + 1, s.len - 2, &out->x, c->diag);
}

static enum ss_err compile_field(struct ss_policy_c *c, struct ss_json j, struct fieldref *f)
{
    struct ss_str s = ss_json_str(j);
    if (ss_json_kind(j) != SS_JSON_STRING || s.len == 0)
        return cfail(c, SS_EINPUT, NULL, "%s: expected a field name", "field");
    if (s.len > 2 && s.ptr[0] == '[' && s.ptr[1] != '[' && s.ptr[s.len - 1] == ']') {
        memset(f, 0, sizeof(*f));
        f->kind = FK_DYNAMIC;
        f->text = s;
        return ss__expr_parse(c, s.ptr + 1, s.len - 2, &f->dyn, c->diag);
    }
    enum ss_err e = ss__field_parse(&c->p->mem, c->p->aliases, s.ptr, s.len, f, c->diag);
    if (e != SS_OK)
        ss_diag_set_pointer(c->diag, c->path.buf);
    return e;
}

static enum ss_err compile_count(struct ss_policy_c *c, struct ss_json j, struct pcount **out)
{
    if (ss_json_kind(j) != SS_JSON_OBJECT)
        return cfail(c, SS_EINPUT, NULL, "%s: expected an object", "count");
    if (c->count_depth >= SS_POLICY_MAX_COUNT_DEPTH)
        return cfail(c, SS_EDEPTH, NULL, "%s nested too deep", "count");
    struct pcount *k = ss_arena_calloc(&c->p->mem, 1, sizeof(*k));
    struct ss_json fld = ss_json_get_nocase(j, "field", 5), val = ss_json_get_nocase(j, "value", 5);
    if (ss_json_exists(fld) == ss_json_exists(val))
        return cfail(c, SS_EINPUT, NULL, "%s: needs exactly one of field and value", "count");
    size_t mark = ss_jpath_key(&c->path, ss_json_exists(fld) ? "field" : "value");
    enum ss_err e;
    if ((k->by_field = ss_json_exists(fld))) {
        e = compile_field(c, fld, &k->field);
        if (e == SS_OK && (k->field.kind != FK_ALIAS || k->field.nstars == 0))
            e = cfail(c, SS_EINPUT, NULL, "%s: expected an array alias with [*]", "count.field");
    } else {
        e = compile_expr(c, val, &k->value);
    }
    ss_jpath_pop(&c->path, mark);
    k->name = ss_json_str(ss_json_get_nocase(j, "name", 4));
    struct ss_json where = ss_json_get_nocase(j, "where", 5);
    if (e == SS_OK && ss_json_exists(where)) {
        mark = ss_jpath_key(&c->path, "where");
        c->count_depth++;
        e = compile_cond(c, where, &k->where);
        c->count_depth--;
        ss_jpath_pop(&c->path, mark);
    }
    *out = k;
    return e;
}

/* Sorts one member of a leaf condition into operand or operator. */
static enum ss_err leaf_member(struct ss_policy_c *c, struct pcond *n, struct ss_str key,
                               struct ss_json val, int *nopd, int *nop)
{
    size_t mark = push_key(c, key);
    enum ss_err e = SS_OK;
    if (ss_str_eq_nocase(key, "field")) {
        n->opd = OPD_FIELD;
        e = compile_field(c, val, &n->field);
        n->structural = n->field.kind == FK_TYPE || n->field.kind == FK_NAME ||
                        n->field.kind == FK_KIND || n->field.kind == FK_FULLNAME;
        ++*nopd;
    } else if (ss_str_eq_nocase(key, "value")) {
        n->opd = OPD_VALUE;
        e = compile_expr(c, val, &n->value);
        ++*nopd;
    } else if (ss_str_eq_nocase(key, "count")) {
        n->opd = OPD_COUNT;
        e = compile_count(c, val, &n->count);
        ++*nopd;
    } else if ((n->op = ss__op_find(key.ptr, key.len)) >= 0) {
        e = compile_expr(c, val, &n->rhs);
        ++*nop;
    } else {
        e = cfail(c, SS_EUNSUPPORTED, NULL, "unknown operator or operand '%s'",
                  c->path.buf + mark + 1);
    }
    if (e == SS_OK)
        ss_jpath_pop(&c->path, mark);
    return e;
}

static enum ss_err compile_leaf(struct ss_policy_c *c, struct ss_json j, struct pcond *n)
{
    struct ss_json_iter it;
    struct ss_str key;
    struct ss_json val;
    int nopd = 0, nop = 0, op = -1;
    ss_json_iter_init(&it, j);
    n->kind = PC_LEAF;
    while (ss_json_iter_next(&it, &key, &val)) {
        enum ss_err e = leaf_member(c, n, key, val, &nopd, &nop);
        if (e != SS_OK)
            return e;
        if (n->op >= 0)
            op = n->op;
    }
    n->op = op;
    if (nopd != 1)
        return cfail(c, SS_EINPUT, NULL, "a condition needs exactly one of %s",
                     "field, value and count");
    if (nop != 1)
        return cfail(c, SS_EINPUT, NULL, "a condition needs exactly one operator%s", "");
    return SS_OK;
}

static enum ss_err compile_list(struct ss_policy_c *c, struct ss_json arr, struct pcond *n)
{
    if (ss_json_kind(arr) != SS_JSON_ARRAY)
        return cfail(c, SS_EINPUT, NULL, "%s: expected an array",
                     n->kind == PC_ALLOF ? "allOf" : "anyOf");
    n->nkids = (uint32_t)ss_json_len(arr);
    n->kids = ss_arena_calloc(&c->p->mem, n->nkids + 1, sizeof(*n->kids));
    struct ss_json_iter it;
    struct ss_json v;
    ss_json_iter_init(&it, arr);
    for (uint32_t i = 0; ss_json_iter_next(&it, NULL, &v); i++) {
        size_t mark = ss_jpath_index(&c->path, i);
        enum ss_err e = compile_cond(c, v, &n->kids[i]);
        if (e != SS_OK)
            return e;
        ss_jpath_pop(&c->path, mark);
    }
    return SS_OK;
}

/* allOf / anyOf / not, when the object is one of them. */
static enum ss_err compile_logical(struct ss_policy_c *c, struct ss_json j, struct pcond *n,
                                   bool *done)
{
    static const struct {
        const char *name;
        enum pcond_kind kind;
    } logical[] = {{"allOf", PC_ALLOF}, {"anyOf", PC_ANYOF}, {"not", PC_NOT}};
    struct ss_json_iter it;
    struct ss_str key;
    struct ss_json val;
    ss_json_iter_init(&it, j);
    if (ss_json_len(j) != 1 || !ss_json_iter_next(&it, &key, &val))
        return SS_OK;
    for (size_t i = 0; i < SS_ARRAY_LEN(logical); i++) {
        if (!ss_str_eq_nocase(key, logical[i].name))
            continue;
        *done = true;
        n->kind = logical[i].kind;
        size_t mark = push_key(c, key);
        enum ss_err e;
        if (n->kind != PC_NOT) {
            e = compile_list(c, val, n);
        } else {
            n->nkids = 1;
            n->kids = ss_arena_calloc(&c->p->mem, 1, sizeof(*n->kids));
            e = compile_cond(c, val, &n->kids[0]);
        }
        if (e == SS_OK)
            ss_jpath_pop(&c->path, mark);
        return e;
    }
    return SS_OK;
}

static enum ss_err compile_cond(struct ss_policy_c *c, struct ss_json j, struct pcond **out)
{
    if (ss_json_kind(j) != SS_JSON_OBJECT)
        return cfail(c, SS_EINPUT, NULL, "expected a condition object%s", "");
    if (++c->nconds > SS_POLICY_MAX_CONDITIONS)
        return cfail(c, SS_ETOOBIG, NULL, "more than %s conditions", "SS_POLICY_MAX_CONDITIONS");
    if (c->depth >= SS_POLICY_MAX_COND_DEPTH)
        return cfail(c, SS_EDEPTH, NULL, "conditions nested deeper than %s",
                     "SS_POLICY_MAX_COND_DEPTH");
    struct pcond *n = ss_arena_calloc(&c->p->mem, 1, sizeof(*n));
    n->ptr = ss_arena_strndup(&c->p->mem, c->path.buf, c->path.len);
    n->op = -1;
    bool done = false;
    c->depth++;
    enum ss_err e = compile_logical(c, j, n, &done);
    if (e == SS_OK && !done)
        e = compile_leaf(c, j, n);
    c->depth--;
    *out = n;
    return e;
}

/* ---- parameters ---- */

static enum ss_err check_param_type(struct ss_policy_c *c, struct ss_str type, struct ss_json v,
                                    const char *what)
{
    if (!ss_json_exists(v) || ss_json_kind(v) == SS_JSON_NULL || type.len == 0)
        return SS_OK;
    for (size_t i = 0; i < SS_ARRAY_LEN(param_types); i++)
        if (ss_str_eq_nocase(type, param_types[i].name)) {
            if (param_types[i].kinds & (1u << ss_json_kind(v)))
                return SS_OK;
            return cfail(c, SS_EINPUT, NULL, "%s does not match the parameter's type", what);
        }
    return cfail(c, SS_EUNSUPPORTED, "type", "unknown parameter type%s", "");
}

/* The assignment's value for parameter `name`, in Azure's {"value": V} shape (or bare). */
static struct ss_json assigned(struct ss_json params, struct ss_str name)
{
    struct ss_json v = ss_json_get_nocase(params, name.ptr, name.len);
    struct ss_json inner = ss_json_get_nocase(v, "value", 5);
    if (ss_json_kind(v) == SS_JSON_OBJECT && ss_json_len(v) == 1 && ss_json_exists(inner))
        return inner;
    return v;
}

static enum ss_err compile_params(struct ss_policy_c *c, struct ss_json decl, struct ss_json vals,
                                  bool lenient)
{
    struct ss_policy *p = c->p;
    p->nparams = (uint32_t)ss_json_len(decl);
    p->params = ss_arena_calloc(&p->mem, p->nparams + 1, sizeof(*p->params));
    struct ss_json_iter it;
    struct ss_str key;
    struct ss_json d;
    ss_json_iter_init(&it, decl);
    for (uint32_t i = 0; ss_json_iter_next(&it, &key, &d); i++) {
        size_t mark = push_key(c, key);
        struct ss_str type = ss_json_str(ss_json_get_nocase(d, "type", 4));
        struct ss_json dflt = ss_json_get_nocase(d, "defaultValue", 12);
        struct ss_json val = assigned(vals, key);
        p->params[i].name = key;
        p->params[i].value = ss_json_exists(val) ? val : dflt;
        enum ss_err e = check_param_type(c, type, dflt, "defaultValue");
        if (e == SS_OK)
            e = check_param_type(c, type, val, "the assigned value");
        if (e != SS_OK)
            return e;
        ss_jpath_pop(&c->path, mark);
    }
    struct ss_str k;
    ss_json_iter_init(&it, vals);
    while (!lenient && ss_json_iter_next(&it, &k, &d))
        if (!ss_json_exists(ss_json_get_nocase(decl, k.ptr, k.len))) {
            char name[128];
            snprintf(name, sizeof(name), "%.*s", (int)SS_MIN(k.len, 100), k.ptr);
            return ss_diag_set(c->diag, SS_EINPUT, "no parameter named '%s' in the definition",
                               name);
        }
    return SS_OK;
}

/* ---- effect and details ---- */

static enum ss_err effect_from_text(struct ss_policy_c *c, struct ss_str s)
{
    for (size_t i = 0; i < SS_ARRAY_LEN(effect_names); i++)
        if (ss_str_eq_nocase(s, effect_names[i])) {
            c->p->effect = (enum ss_policy_effect)i;
            return SS_OK;
        }
    char buf[64];
    snprintf(buf, sizeof(buf), "%.*s", (int)SS_MIN(s.len, 40), s.ptr);
    return cfail(c, SS_EUNSUPPORTED, NULL, "unknown effect '%s'", buf);
}

static enum ss_err compile_effect(struct ss_policy_c *c, struct ss_json j)
{
    struct pexpr ex;
    size_t mark = ss_jpath_key(&c->path, "effect");
    enum ss_err e = compile_expr(c, j, &ex);
    if (e != SS_OK)
        return e;
    struct ss_policy_eval *ev = ss_policy_eval_new();
    struct pval v;
    ev->p = c->p;
    ev->diag = c->diag;
    ev->max_steps = SS_POLICY_MAX_STEPS;
    e = ss__expr_eval(ev, &ex, &v);
    if (e == SS_OK && v.kind != PV_STR)
        e = cfail(c, SS_EINPUT, NULL, "the effect is not a string%s", "");
    else if (e == SS_OK)
        e = effect_from_text(c, v.u.s);
    else
        ss_diag_set_pointer(c->diag, c->path.buf);
    ss_policy_eval_free(ev);
    if (e == SS_OK)
        ss_jpath_pop(&c->path, mark);
    return e;
}

static enum ss_err details_expr(struct ss_policy_c *c, struct ss_json details, const char *key,
                                struct pexpr *out, bool *present)
{
    struct ss_json v = ss_json_get_nocase(details, key, strlen(key));
    *present = ss_json_exists(v);
    if (!*present)
        return SS_OK;
    size_t mark = ss_jpath_key(&c->path, key);
    enum ss_err e = compile_expr(c, v, out);
    if (e == SS_OK)
        ss_jpath_pop(&c->path, mark);
    return e;
}

static enum ss_err compile_details(struct ss_policy_c *c, struct ss_json details)
{
    struct ss_policy *p = c->p;
    bool has_type, unused;
    size_t mark = ss_jpath_key(&c->path, "details");
    enum ss_err e = details_expr(c, details, "type", &p->rel_type, &has_type);
    if (e == SS_OK && !has_type)
        e = cfail(c, SS_EINPUT, "type", "%s needs details.type", ss_policy_effect_name(p->effect));
    if (e == SS_OK)
        e = details_expr(c, details, "name", &p->rel_name, &p->has_rel_name);
    if (e == SS_OK)
        e = details_expr(c, details, "resourceGroupName", &p->rel_rg, &p->has_rel_rg);
    struct ss_json scope = ss_json_get_nocase(details, "existenceScope", 14);
    p->rel_sub_scope = ss_str_eq_nocase(ss_json_str(scope), "subscription");
    struct ss_json cond = ss_json_get_nocase(details, "existenceCondition", 18);
    if (e == SS_OK && ss_json_exists(cond)) {
        size_t m2 = ss_jpath_key(&c->path, "existenceCondition");
        e = compile_cond(c, cond, &p->exist);
        if (e == SS_OK)
            ss_jpath_pop(&c->path, m2);
    }
    (void)unused;
    if (e == SS_OK)
        ss_jpath_pop(&c->path, mark);
    return e;
}

/* ---- the types a rule applies to ---- */

struct typeset {
    struct ss_str *v;
    size_t n, cap;
};

static void typeset_add(struct ss_arena *a, struct typeset *ts, struct ss_json v)
{
    if (ss_json_kind(v) != SS_JSON_STRING)
        return;
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? 2 * ts->cap : 8;
        struct ss_str *nv = ss_arena_alloc(a, cap * sizeof(*nv));
        if (ts->n)
            memcpy(nv, ts->v, ts->n * sizeof(*nv));
        ts->v = nv;
        ts->cap = cap;
    }
    ts->v[ts->n++] = ss_json_str(v);
}

/* The literal or parameter value of an operator's operand; absent otherwise. */
static struct ss_json static_value(const struct ss_policy *p, const struct pexpr *e)
{
    struct ss_json none = {0};
    if (!e->x)
        return e->escaped ? none : e->lit;
    if (e->x->kind == X_CALL && e->x->param >= 0)
        return p->params[e->x->param].value;
    return none;
}

static bool leaf_types(struct ss_policy *p, const struct pcond *n, struct typeset *ts)
{
    if (n->opd != OPD_FIELD || n->field.kind != FK_TYPE)
        return false;
    struct ss_json v = static_value(p, &n->rhs);
    if (n->op == ss__op_find("equals", 6) && ss_json_kind(v) == SS_JSON_STRING) {
        typeset_add(&p->mem, ts, v);
        return true;
    }
    if (n->op != ss__op_find("in", 2) || ss_json_kind(v) != SS_JSON_ARRAY)
        return false;
    struct ss_json_iter it;
    struct ss_json m;
    ss_json_iter_init(&it, v);
    while (ss_json_iter_next(&it, NULL, &m))
        typeset_add(&p->mem, ts, m);
    return true;
}

/* Collects the types `n` requires; false when it does not constrain the type. */
static bool cond_types(struct ss_policy *p, const struct pcond *n, struct typeset *ts)
{
    switch (n->kind) {
    case PC_LEAF:
        return leaf_types(p, n, ts);
    case PC_ALLOF: /* any constraining member is a superset of the applicable types */
        for (uint32_t i = 0; i < n->nkids; i++)
            if (cond_types(p, n->kids[i], ts))
                return true;
        return false;
    case PC_ANYOF: /* every member must constrain: the union */
        for (uint32_t i = 0; i < n->nkids; i++)
            if (!cond_types(p, n->kids[i], ts))
                return false;
        return n->nkids > 0;
    case PC_NOT:
        return false;
    }
    return false;
}

bool ss_policy_types(const struct ss_policy *p, const struct ss_str **types, size_t *n)
{
    *types = p->types;
    *n = p->ntypes;
    return p->types_known;
}

/* ---- the definition ---- */

/* Finds the definition's properties object and its pointer prefix. */
static struct ss_json find_props(struct ss_json root, struct ss_policy_c *c)
{
    struct ss_json props = ss_json_get_nocase(root, "properties", 10);
    if (ss_json_kind(props) == SS_JSON_OBJECT &&
        ss_json_exists(ss_json_get_nocase(props, "policyRule", 10))) {
        ss_jpath_key(&c->path, "properties");
        return props;
    }
    return root;
}

static enum ss_err compile_rule(struct ss_policy_c *c, struct ss_json props)
{
    struct ss_json rule = ss_json_get_nocase(props, "policyRule", 10);
    if (ss_json_exists(rule))
        ss_jpath_key(&c->path, "policyRule");
    else
        rule = props; /* a bare {"if", "then"} */
    struct ss_json cond = ss_json_get_nocase(rule, "if", 2);
    struct ss_json then = ss_json_get_nocase(rule, "then", 4);
    if (ss_json_kind(cond) != SS_JSON_OBJECT || ss_json_kind(then) != SS_JSON_OBJECT)
        return cfail(c, SS_EINPUT, NULL, "expected a policy rule with %s", "\"if\" and \"then\"");
    size_t mark = ss_jpath_key(&c->path, "if");
    enum ss_err e = compile_cond(c, cond, &c->p->cond);
    if (e != SS_OK)
        return e;
    ss_jpath_pop(&c->path, mark);
    mark = ss_jpath_key(&c->path, "then");
    struct ss_json eff = ss_json_get_nocase(then, "effect", 6);
    if (!ss_json_exists(eff))
        return cfail(c, SS_EINPUT, "effect", "missing effect%s", "");
    if ((e = compile_effect(c, eff)) != SS_OK)
        return e;
    enum ss_policy_effect ef = c->p->effect;
    if (ef == SS_EFFECT_AUDIT_IF_NOT_EXISTS || ef == SS_EFFECT_DEPLOY_IF_NOT_EXISTS)
        e = compile_details(c, ss_json_get_nocase(then, "details", 7));
    if (e == SS_OK)
        ss_jpath_pop(&c->path, mark);
    return e;
}

static enum ss_err copy_doc(struct ss_json v, struct ss_json_doc **out, struct ss_diag *diag)
{
    struct ss_buf b;
    ss_buf_init(&b);
    struct ss_jw w;
    ss_jw_init(&w, &b, 0);
    ss_jw_value(&w, v);
    enum ss_err e = ss_json_parse(b.ptr ? b.ptr : "null", b.len ? b.len : 4, NULL, out, diag);
    ss_buf_release(&b);
    return e;
}

static enum ss_err compile_def(struct ss_policy_c *c, struct ss_json params, bool lenient)
{
    struct ss_policy *p = c->p;
    struct ss_json root = ss_json_root(p->defdoc);
    if (ss_json_kind(root) != SS_JSON_OBJECT)
        return cfail(c, SS_EINPUT, NULL, "expected a policy definition object%s", "");
    p->name = ss_json_str(ss_json_get_nocase(root, "name", 4));
    struct ss_json props = find_props(root, c);
    p->display = ss_json_str(ss_json_get_nocase(props, "displayName", 11));
    p->mode = ss_json_str(ss_json_get_nocase(props, "mode", 4));
    p->indexed = ss_str_eq_nocase(p->mode, "indexed");
    p->data_plane = p->mode.len > 5 && ss_mem_eq_nocase(p->mode.ptr + p->mode.len - 5, ".Data", 5);
    size_t mark = ss_jpath_key(&c->path, "parameters");
    enum ss_err e = compile_params(c, ss_json_get_nocase(props, "parameters", 10), params, lenient);
    if (e != SS_OK)
        return e;
    ss_jpath_pop(&c->path, mark);
    return compile_rule(c, props);
}

enum ss_err ss_policy_compile(struct ss_json def, const struct ss_policy_opts *opts,
                              struct ss_policy **out, struct ss_diag *diag)
{
    struct ss_policy *p = ss_xcalloc(1, sizeof(*p));
    struct ss_policy_c c = {.p = p, .diag = diag};
    ss_arena_init(&p->mem, 16384);
    ss_jpath_init(&c.path, "");
    p->aliases = opts ? opts->aliases : NULL;
    p->max_steps = opts && opts->max_steps ? opts->max_steps : SS_POLICY_MAX_STEPS;
    enum ss_err e = copy_doc(def, &p->defdoc, diag);
    struct ss_json params = {0};
    if (e == SS_OK && opts && ss_json_exists(opts->params)) {
        e = copy_doc(opts->params, &p->pardoc, diag);
        if (e == SS_OK)
            params = ss_json_root(p->pardoc);
    }
    if (e == SS_OK)
        e = compile_def(&c, params, opts && opts->lenient_params);
    if (e == SS_OK) {
        struct typeset ts = {0};
        p->types_known = cond_types(p, p->cond, &ts);
        p->types = ts.v;
        p->ntypes = p->types_known ? ts.n : 0;
    }
    if (e != SS_OK) {
        ss_policy_free(p);
        return e;
    }
    *out = p;
    return SS_OK;
}

void ss_policy_free(struct ss_policy *p)
{
    if (!p)
        return;
    ss_arena_release(&p->mem);
    ss_json_doc_free(p->defdoc);
    ss_json_doc_free(p->pardoc);
    free(p);
}

enum ss_policy_effect ss_policy_effect(const struct ss_policy *p)
{
    return p->effect;
}

bool ss_policy_is_data_plane(const struct ss_policy *p)
{
    return p->data_plane;
}

struct ss_str ss_policy_name(const struct ss_policy *p)
{
    return p->name;
}

struct ss_str ss_policy_display_name(const struct ss_policy *p)
{
    return p->display;
}

struct ss_str ss_policy_related_type(const struct ss_policy *p)
{
    struct ss_str none = {NULL, 0};
    if (p->effect != SS_EFFECT_AUDIT_IF_NOT_EXISTS && p->effect != SS_EFFECT_DEPLOY_IF_NOT_EXISTS)
        return none;
    return p->rel_type.x ? none : ss_json_str(p->rel_type.lit);
}

/* ---- initiatives ---- */

static bool ends_with_ci(struct ss_str s, const char *suffix, size_t len)
{
    return s.len >= len && ss_mem_eq_nocase(s.ptr + s.len - len, suffix, len);
}

/* "[parameters('x')]" -> x */
static bool param_ref(struct ss_str s, struct ss_str *name)
{
    static const char pre[] = "[parameters('";
    size_t pl = sizeof(pre) - 1;
    if (s.len < pl + 3 || !ss_mem_eq_nocase(s.ptr, pre, pl) ||
        memcmp(s.ptr + s.len - 3, "')]", 3) != 0)
        return false;
    name->ptr = s.ptr + pl;
    name->len = s.len - pl - 3;
    return true;
}

static void write_set_value(struct ss_jw *w, struct ss_json setparams, struct ss_json v)
{
    struct ss_str name;
    struct ss_json val = ss_json_get_nocase(v, "value", 5);
    if (param_ref(ss_json_str(val), &name)) {
        struct ss_json decl = ss_json_get_nocase(setparams, name.ptr, name.len);
        struct ss_json dflt = ss_json_get_nocase(decl, "defaultValue", 12);
        if (ss_json_exists(dflt))
            val = dflt;
    }
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "value");
    ss_jw_value(w, val);
    ss_jw_obj_end(w);
}

enum ss_err ss_policy_set_params(struct ss_json set, const char *def_name, size_t len,
                                 struct ss_buf *out, struct ss_diag *diag)
{
    struct ss_json props = ss_json_get_nocase(set, "properties", 10);
    struct ss_json refs = ss_json_get_nocase(props, "policyDefinitions", 17);
    if (ss_json_kind(refs) != SS_JSON_ARRAY) {
        ss_diag_set_pointer(diag, "/properties/policyDefinitions");
        return ss_diag_set(diag, SS_EINPUT, "expected an array of policy definitions");
    }
    struct ss_json setparams = ss_json_get_nocase(props, "parameters", 10);
    struct ss_json_iter it;
    struct ss_json ref;
    ss_json_iter_init(&it, refs);
    while (ss_json_iter_next(&it, NULL, &ref)) {
        struct ss_str id = ss_json_str(ss_json_get_nocase(ref, "policyDefinitionId", 18));
        if (!ends_with_ci(id, def_name, len) || id.len <= len || id.ptr[id.len - len - 1] != '/')
            continue;
        struct ss_jw w;
        ss_jw_init(&w, out, 0);
        ss_jw_obj_begin(&w);
        struct ss_json_iter pi;
        struct ss_str k;
        struct ss_json v;
        ss_json_iter_init(&pi, ss_json_get_nocase(ref, "parameters", 10));
        while (ss_json_iter_next(&pi, &k, &v)) {
            ss_jw_key(&w, k.ptr, k.len);
            write_set_value(&w, setparams, v);
        }
        ss_jw_obj_end(&w);
        return SS_OK;
    }
    return ss_diag_set(diag, SS_ENOENT, "no reference to definition '%.*s' in the initiative",
                       (int)SS_MIN(len, 100), def_name);
}
