/*
 * securescore - the HTTP server (`securescore serve`) and API tokens.
 *
 * The server answers Azure's REST API for secure scores, controls,
 * definitions, assessments and assessment metadata, ARM resource PUT/GET/
 * DELETE (evaluated on arrival), policy assignments and our extensions
 * (management-group and tenant scores, changes, history), over HTTPS with
 * libmicrohttpd and GnuTLS. Every request but /healthz and /metrics carries
 * a bearer token; tokens are random 256-bit values stored as SHA-256 hashes,
 * each with a principal, a role and a scope.
 */
#ifndef SECURESCORE_SERVER_H
#define SECURESCORE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "securescore/errors.h"
#include "securescore/store.h"

struct ss_server_opts {
    const char *db;       /* the store */
    const char *listen;   /* "ADDR:PORT" (IPv4 or [IPv6]) */
    const char *tls_cert; /* PEM files; both or neither */
    const char *tls_key;
    bool allow_plain;     /* plain HTTP on a non-loopback address */
    const char **imports; /* files or directories read once at start */
    size_t nimports;
    const char *watch;       /* a directory polled for new or changed files, or NULL */
    unsigned watch_seconds;  /* poll interval (default 2) */
    size_t max_body;         /* bytes of a request body (default SS_HTTP_MAX_BODY) */
    unsigned threads;        /* worker threads (default: the number of CPUs) */
    const char *access_log;  /* path, "-" for standard error, NULL for none */
    bool durable;            /* fsync every commit */
    const char *definitions; /* Azure-format catalog files (see ss_engine_opts) */
    const char *metadata;
    unsigned retention_days; /* of the change log; 0 = the default, 400 */
    const char *ready_file;  /* written with the port once listening (tests), or NULL */
};

/*
 * Runs the server until SIGTERM or SIGINT, then stops accepting, lets the
 * requests in flight finish (their writes commit) and returns SS_OK.
 */
enum ss_err ss_server_run(const struct ss_server_opts *opts, struct ss_diag *diag);

/* ---- roles and tokens ---- */

enum ss_role {
    SS_ROLE_READER = 0,
    SS_ROLE_SECURITY_READER,
    SS_ROLE_CONTRIBUTOR,
    SS_ROLE_SECURITY_ADMIN,
    SS_ROLE_OWNER,
    SS_ROLE__COUNT
};

/* "Reader", "Security Reader", ...; parsing ignores case, spaces and hyphens. */
const char *ss_role_name(enum ss_role r);
bool ss_role_parse(const char *s, enum ss_role *out);

/*
 * Creates a token for `principal` with `role` at `scope` ("/", a management
 * group id, a subscription or resource group id) in the store; writes the
 * token (64 hex characters) into `token` and its store id into *id.
 */
enum ss_err ss_token_create(struct ss_store *st, const char *principal, enum ss_role role,
                            const char *scope, char token[65], int64_t *id, struct ss_diag *diag);
/* The hex SHA-256 of a token, as stored. */
void ss_token_hash(const char *token, size_t len, char hex[65]);

#endif
