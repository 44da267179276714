/*
 * securescore - error codes and diagnostics.
 *
 * Every fallible function of the engine returns an `enum ss_err` (SS_OK = 0)
 * and writes human detail into an optional `struct ss_diag`. The list below
 * is the single source of truth: the enum, the names, the messages, the HTTP
 * status, the Azure error code and the CLI exit code all expand from it
 * (libuv's UV_ERRNO_MAP is the model). A golden test prints the whole table.
 */
#ifndef SECURESCORE_ERRORS_H
#define SECURESCORE_ERRORS_H

#include <stddef.h>
#include <stdint.h>

/* X(name, http status, Azure error code, CLI exit code, message) */
#define SS_ERR_LIST(X)                                                                             \
    X(SS_OK, 200, "Success", 0, "success")                                                         \
    X(SS_EINVAL, 400, "BadRequest", 2, "invalid argument")                                         \
    X(SS_ESYNTAX, 400, "BadRequest", 65, "syntax error")                                           \
    X(SS_EUTF8, 400, "BadRequest", 65, "invalid UTF-8")                                            \
    X(SS_EDEPTH, 400, "BadRequest", 65, "nesting too deep")                                        \
    X(SS_ETOOBIG, 413, "RequestEntityTooLarge", 65, "input exceeds a size limit")                  \
    X(SS_ERANGE, 400, "BadRequest", 65, "number out of range")                                     \
    X(SS_EDUPKEY, 400, "BadRequest", 65, "duplicate object key")                                   \
    X(SS_EINPUT, 400, "BadRequest", 65, "invalid input")                                           \
    X(SS_EDUPLICATE, 400, "BadRequest", 65, "duplicate entry")                                     \
    X(SS_EUNSUPPORTED, 400, "BadRequest", 65, "unsupported construct")                             \
    X(SS_EQUERY, 400, "InvalidQuery", 65, "invalid query")                                         \
    X(SS_EBUDGET, 400, "InvalidQuery", 1, "evaluation budget exhausted")                           \
    X(SS_ENOENT, 404, "NotFound", 65, "not found")                                                 \
    X(SS_EOPEN, 400, "BadRequest", 65, "cannot open input")                                        \
    X(SS_EIO, 500, "InternalError", 1, "I/O error")                                                \
    X(SS_ECONFLICT, 409, "Conflict", 1, "conflict")                                                \
    X(SS_EUNAUTHORIZED, 401, "AuthenticationFailed", 1, "authentication required")                 \
    X(SS_EFORBIDDEN, 403, "AuthorizationFailed", 1, "forbidden")                                   \
    X(SS_EDENIED, 403, "RequestDisallowedByPolicy", 1, "request disallowed by policy")             \
    X(SS_EMETHOD, 405, "MethodNotAllowed", 1, "method not allowed")                                \
    X(SS_EBUSY, 429, "TooManyRequests", 1, "too many requests")                                    \
    X(SS_ESTORE, 500, "InternalError", 1, "storage error")                                         \
    X(SS_EINTERNAL, 500, "InternalError", 1, "internal error")

enum ss_err {
#define SS__ERR_ENUM(name, http, azure, exitcode, msg) name,
    SS_ERR_LIST(SS__ERR_ENUM)
#undef SS__ERR_ENUM
        SS_ERR__COUNT
};

/* Returns the symbol ("SS_ESYNTAX"); "SS_E?" for values outside the list. Static storage. */
const char *ss_err_name(enum ss_err e);
/* Returns the short English message. Static storage. */
const char *ss_strerror(enum ss_err e);
/* Returns the HTTP status a server answers with for this error. */
int ss_err_http_status(enum ss_err e);
/* Returns Azure's error code string for the error body ("BadRequest"). Static storage. */
const char *ss_err_azure_code(enum ss_err e);
/* Returns the CLI exit code: 0 ok, 1 runtime, 2 usage, 65 bad input (sysexits EX_DATAERR). */
int ss_err_exit_code(enum ss_err e);

/*
 * Human detail about a failure: where it happened and why. Self-contained
 * (fixed buffers, no heap) so it can be filled anywhere and outlive its
 * inputs; long texts are truncated. `line` and `column` are 1-based and 0
 * when unknown; `column` counts bytes. `pointer` is an RFC 6901 JSON
 * pointer, empty when unknown.
 */
struct ss_diag {
    enum ss_err code;  /* the error, SS_OK when nothing was recorded */
    uint32_t line;     /* 1-based line of the fault, 0 if unknown */
    uint32_t column;   /* 1-based byte column, 0 if unknown */
    uint64_t offset;   /* byte offset of the fault in its input */
    char file[256];    /* input name ("-" for standard input), may be empty */
    char pointer[256]; /* JSON pointer of the offending field, may be empty */
    char msg[384];     /* one-line description without location */
};

/* Clears `d` (NULL allowed). */
void ss_diag_clear(struct ss_diag *d);
/*
 * Records `code` and a printf-style message in `d` (NULL allowed) unless it
 * already holds an error (the first error wins). Returns `code`, so callers
 * can write `return ss_diag_set(d, SS_EINPUT, "...")`.
 */
enum ss_err ss_diag_set(struct ss_diag *d, enum ss_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets the input name of `d` if none is set yet (NULL allowed for both). */
void ss_diag_set_file(struct ss_diag *d, const char *file);
/* Sets the JSON pointer of `d` if none is set yet (NULL allowed for `d`). */
void ss_diag_set_pointer(struct ss_diag *d, const char *ptr);
/*
 * Formats `d` as "file:line:col: message", "file: /pointer: message" or just
 * "message", whichever parts are known, into `buf` (always NUL-terminated).
 * Returns `buf`.
 */
const char *ss_diag_format(const struct ss_diag *d, char *buf, size_t size);

#endif
