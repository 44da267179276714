/*
 * Shared between the files of src/http/: the server, its requests, and
 * authorisation.
 */
#ifndef SS_HTTP_INTERNAL_H
#define SS_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/hashmap.h"
#include "securescore/buf.h"
#include "securescore/catalog.h"
#include "securescore/engine.h"
#include "securescore/json.h"
#include "securescore/score.h"
#include "securescore/server.h"

enum ss_access {
    SS_ACCESS_READ,
    SS_ACCESS_WRITE_SECURITY, /* assessments, metadata, assignments */
    SS_ACCESS_WRITE_RESOURCE, /* ARM resources */
};

/* True for "/", a management group id, a subscription or resource group id. */
bool ss__scope_valid(const char *scope);
/* True if a grant at scope `grant` covers `target`, with the hierarchy of `s`. */
bool ss__scope_covers(const struct ss_score *s, const char *grant, const char *target);
bool ss__role_can(enum ss_role r, enum ss_access a);

struct principal {
    char name[128];
    enum ss_role role;
    char scope[256];
};

/* Latency histogram buckets (seconds) of /metrics. */
#define SS_HTTP_NBUCKETS 10

struct server {
    struct ss_engine *engine;
    pthread_rwlock_t lock; /* readers share the engine; writers have it alone */
    struct ss_server_opts opts;
    bool tls;
    /* tokens: hash -> struct principal *, reloaded from the store every few seconds */
    pthread_mutex_t tok_lock;
    struct ss_map tokens;
    struct principal *tok_mem;
    int64_t tok_loaded; /* monotonic ms */
    FILE *access_log;
    pthread_mutex_t log_lock;
    /* metrics */
    _Atomic uint64_t requests[6]; /* by status class 1xx..5xx, [0] other */
    _Atomic uint64_t latency[SS_HTTP_NBUCKETS + 1];
    _Atomic uint64_t latency_us_sum;
    _Atomic uint64_t in_flight;
};

enum req_lookup { REQ_ARG = 0, REQ_HEADER = 1 };

/* One request: what the handlers see and fill. */
struct req {
    struct server *srv;
    void *conn; /* struct MHD_Connection *, or the fuzz target's request */
    /* Query arguments and headers, decoded (libmicrohttpd's lookup in the server). */
    const char *(*lookup)(void *conn, enum req_lookup kind, const char *name);
    const char *method;
    char path[2048]; /* decoded, without the query */
    size_t path_len;
    struct ss_buf body;
    bool body_too_big;
    struct principal who;
    bool authenticated;
    /* the response */
    int status;
    struct ss_buf out;
    const char *location;
};

/* A query parameter (decoded) or NULL. */
const char *ss__req_arg(struct req *r, const char *name);
/* Writes {"error": {"code", "message"}} with the status of `e` (or `status` if non-zero). */
void ss__req_error(struct req *r, enum ss_err e, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Starts the same body with `status`, leaving the "error" object open in *w for more members
 * ("details"); the caller closes the two objects. */
void ss__req_error_begin(struct req *r, int status, const char *code, const char *msg,
                         struct ss_jw *w);
/* Checks that the caller may `a` at `scope`; writes 403 and returns false otherwise. */
bool ss__req_allow(struct req *r, const char *scope, enum ss_access a);
/* The base URL of the server as the client called it ("https://host:port"). */
void ss__req_base(struct req *r, struct ss_buf *out);

/* POST /providers/Microsoft.ResourceGraph/resources (graph.c); takes the engine lock itself. */
void ss__graph_handle(struct req *r);
/* Routes a request (api.c). */
void ss__api_handle(struct req *r);
/* Prometheus text (api.c). */
void ss__api_metrics(struct server *srv, struct ss_buf *out);

#endif
