/*
 * Typed access to the fields of parsed JSON objects with errors that name
 * the JSON pointer of the fault (for catalog, inventory and assessment
 * files). Member names match case-insensitively, as Azure's do.
 */
#ifndef SS_JSON_FIELD_H
#define SS_JSON_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "securescore/json.h"

/* An RFC 6901 pointer under construction; truncated (with "...") if long. */
struct ss_jpath {
    char buf[240];
    size_t len;
};

void ss_jpath_init(struct ss_jpath *p, const char *prefix);
/* Appends "/key" (escaping ~ and /); returns the previous length for ss_jpath_pop. */
size_t ss_jpath_key(struct ss_jpath *p, const char *key);
size_t ss_jpath_index(struct ss_jpath *p, size_t i);
void ss_jpath_pop(struct ss_jpath *p, size_t len);

/*
 * Records an error in `diag` with the pointer `p` (+ "/key" if key is not
 * NULL) and returns `code`.
 */
enum ss_err ss_jfail(struct ss_diag *diag, enum ss_err code, const struct ss_jpath *p,
                     const char *key, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Member lookup ignoring case. */
struct ss_json ss_jget(struct ss_json obj, const char *key);
/*
 * A string member: absent or null gives {NULL, 0} and SS_OK unless
 * `required`; any other kind is an error.
 */
enum ss_err ss_jstr(struct ss_json obj, const char *key, bool required, struct ss_str *out,
                    const struct ss_jpath *p, struct ss_diag *diag);
/* An integer member within [min, max]; absent gives `dflt` unless required. */
enum ss_err ss_jint(struct ss_json obj, const char *key, bool required, int64_t min, int64_t max,
                    int64_t dflt, int64_t *out, const struct ss_jpath *p, struct ss_diag *diag);
/* A boolean member (true/false, or the strings "true"/"false"); absent gives `dflt`. */
enum ss_err ss_jbool(struct ss_json obj, const char *key, bool dflt, bool *out,
                     const struct ss_jpath *p, struct ss_diag *diag);
/* True if the string equals `lit` ignoring ASCII case. */
bool ss_str_eq_nocase(struct ss_str s, const char *lit);

#endif
