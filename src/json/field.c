/*
 * Typed JSON member access with JSON-pointer diagnostics (see field.h).
 */
#include "common/setup.h"

#include <stdarg.h>
#include <stdio.h>

#include "common/hashmap.h"
#include "json/field.h"

void ss_jpath_init(struct ss_jpath *p, const char *prefix)
{
    p->len = 0;
    p->buf[0] = '\0';
    if (prefix) {
        size_t n = strlen(prefix);
        if (n >= sizeof(p->buf))
            n = sizeof(p->buf) - 1;
        memcpy(p->buf, prefix, n);
        p->len = n;
        p->buf[n] = '\0';
    }
}

static void put(struct ss_jpath *p, const char *s, size_t n)
{
    if (p->len + n + 4 >= sizeof(p->buf)) {
        if (p->len + 4 < sizeof(p->buf))
            memcpy(p->buf + p->len, "...", 4);
        p->len = sizeof(p->buf) - 1;
        return;
    }
    memcpy(p->buf + p->len, s, n);
    p->len += n;
    p->buf[p->len] = '\0';
}

size_t ss_jpath_key(struct ss_jpath *p, const char *key)
{
    size_t old = p->len;
    put(p, "/", 1);
    for (const char *k = key; *k; k++) {
        if (*k == '~')
            put(p, "~0", 2);
        else if (*k == '/')
            put(p, "~1", 2);
        else
            put(p, k, 1);
    }
    return old;
}

size_t ss_jpath_index(struct ss_jpath *p, size_t i)
{
    char tmp[32];
    size_t old = p->len;
    int n = snprintf(tmp, sizeof(tmp), "/%zu", i);
    put(p, tmp, (size_t)n);
    return old;
}

void ss_jpath_pop(struct ss_jpath *p, size_t len)
{
    if (len < sizeof(p->buf)) {
        p->len = len;
        p->buf[len] = '\0';
    }
}

enum ss_err ss_jfail(struct ss_diag *diag, enum ss_err code, const struct ss_jpath *p,
                     const char *key, const char *fmt, ...)
{
    if (!diag || diag->code != SS_OK)
        return code;
    struct ss_jpath q = *p;
    if (key)
        ss_jpath_key(&q, key);
    ss_diag_set_pointer(diag, q.len ? q.buf : "/");
    va_list ap;
    va_start(ap, fmt);
    diag->code = code;
    vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
    va_end(ap);
    return code;
}

struct ss_json ss_jget(struct ss_json obj, const char *key)
{
    struct ss_json v = ss_json_getz(obj, key);
    if (ss_json_exists(v))
        return v;
    return ss_json_get_nocase(obj, key, strlen(key));
}

enum ss_err ss_jstr(struct ss_json obj, const char *key, bool required, struct ss_str *out,
                    const struct ss_jpath *p, struct ss_diag *diag)
{
    struct ss_json v = ss_jget(obj, key);
    enum ss_json_kind k = ss_json_kind(v);
    out->ptr = NULL;
    out->len = 0;
    if (k == SS_JSON_STRING) {
        *out = ss_json_str(v);
        return SS_OK;
    }
    if (k == SS_JSON_NONE || k == SS_JSON_NULL) {
        if (required)
            return ss_jfail(diag, SS_EINPUT, p, key, "missing required string");
        return SS_OK;
    }
    return ss_jfail(diag, SS_EINPUT, p, key, "expected a string, found %s", ss_json_kind_name(k));
}

enum ss_err ss_jint(struct ss_json obj, const char *key, bool required, int64_t min, int64_t max,
                    int64_t dflt, int64_t *out, const struct ss_jpath *p, struct ss_diag *diag)
{
    struct ss_json v = ss_jget(obj, key);
    enum ss_json_kind k = ss_json_kind(v);
    if (k == SS_JSON_NONE || k == SS_JSON_NULL) {
        if (required)
            return ss_jfail(diag, SS_EINPUT, p, key, "missing required integer");
        *out = dflt;
        return SS_OK;
    }
    double d = ss_json_num(v);
    if ((k != SS_JSON_INT && !(k == SS_JSON_REAL && d == (double)(int64_t)d)) ||
        ss_json_int(v) < min || ss_json_int(v) > max)
        return ss_jfail(diag, SS_EINPUT, p, key, "expected an integer from %lld to %lld",
                        (long long)min, (long long)max);
    *out = ss_json_int(v);
    return SS_OK;
}

enum ss_err ss_jbool(struct ss_json obj, const char *key, bool dflt, bool *out,
                     const struct ss_jpath *p, struct ss_diag *diag)
{
    struct ss_json v = ss_jget(obj, key);
    enum ss_json_kind k = ss_json_kind(v);
    struct ss_str s = ss_json_str(v);
    if (k == SS_JSON_NONE || k == SS_JSON_NULL)
        *out = dflt;
    else if (k == SS_JSON_TRUE || k == SS_JSON_FALSE)
        *out = k == SS_JSON_TRUE;
    else if (k == SS_JSON_STRING && (ss_str_eq_nocase(s, "true") || ss_str_eq_nocase(s, "false")))
        *out = ss_str_eq_nocase(s, "true");
    else
        return ss_jfail(diag, SS_EINPUT, p, key, "expected true or false");
    return SS_OK;
}

bool ss_str_eq_nocase(struct ss_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.ptr && s.len == n && ss_mem_eq_nocase(s.ptr, lit, n);
}
