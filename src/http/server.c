/*
 * The HTTP server: libmicrohttpd with a pool of internal threads (epoll),
 * TLS through GnuTLS, one `struct req` per request.
 *
 * A request is answered on the access handler's second call at the
 * earliest: libmicrohttpd keeps a connection alive only then
 * (research/bench.md §2). The body is collected up to the limit (beyond it
 * the rest is read and dropped, and the answer is 413). Readers share the
 * engine under a read lock; a write holds it alone, and its answer is sent
 * after its commit. SIGTERM or SIGINT stops accepting, lets the requests in
 * flight finish and returns.
 */
#include "common/setup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/limits.h"
#include "http/internal.h"
#include "securescore/ingest.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- tokens ---- */

struct tok_row {
    char hash[65];
    struct principal p;
};

struct tok_rows {
    struct tok_row *v;
    size_t n, cap;
};

static enum ss_err tok_collect(void *arg, const struct ss_store_token *t)
{
    struct tok_rows *rs = arg;
    enum ss_role role;
    if (t->revoked || !ss_role_parse(t->role, &role))
        return SS_OK;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 16;
        rs->v = ss_xreallocarray(rs->v, rs->cap, sizeof(*rs->v));
    }
    struct tok_row *r = &rs->v[rs->n++];
    memcpy(r->hash, t->hash, sizeof(r->hash));
    snprintf(r->p.name, sizeof(r->p.name), "%s", t->principal);
    r->p.role = role;
    snprintf(r->p.scope, sizeof(r->p.scope), "%s", t->scope);
    return SS_OK;
}

/* Replaces the token table from the store. Caller holds tok_lock, not the engine lock. */
static void tokens_load(struct server *srv)
{
    struct tok_rows rs = {NULL, 0, 0};
    pthread_rwlock_wrlock(&srv->lock);
    ss_store_token_each(ss_engine_store(srv->engine), tok_collect, &rs);
    pthread_rwlock_unlock(&srv->lock);
    ss_map_release(&srv->tokens);
    ss_map_init(&srv->tokens, 0);
    free(srv->tok_mem);
    srv->tok_mem = ss_xcalloc(rs.n + 1, sizeof(*srv->tok_mem));
    for (size_t i = 0; i < rs.n; i++) {
        srv->tok_mem[i] = rs.v[i].p;
        ss_map_put(&srv->tokens, rs.v[i].hash, 64, &srv->tok_mem[i], NULL);
    }
    free(rs.v);
    srv->tok_loaded = mono_us();
}

/* Finds the principal of a bearer token. Tokens are re-read at most once a second when
 * one is unknown, and every 5 seconds anyway (revocations take effect within 6 s: a thread
 * trusts its last token for one more second). */
static bool authenticate(struct server *srv, const char *token, size_t len, struct principal *out)
{
    /* Each worker thread remembers its last token for a second: a keep-alive client sends the
     * same one again and again, and this saves the hash and the lock. */
    static _Thread_local struct {
        char token[80];
        size_t len;
        struct principal p;
        int64_t at;
    } last;
    int64_t t = mono_us();
    if (len == last.len && len < sizeof(last.token) && t - last.at < 1000000 &&
        memcmp(token, last.token, len) == 0) {
        *out = last.p;
        return true;
    }
    char h[65];
    ss_token_hash(token, len, h);
    pthread_mutex_lock(&srv->tok_lock);
    int64_t age = mono_us() - srv->tok_loaded;
    if (age > 5000000)
        tokens_load(srv);
    struct principal *p = ss_map_get(&srv->tokens, h, 64);
    if (!p && age > 1000000) {
        tokens_load(srv);
        p = ss_map_get(&srv->tokens, h, 64);
    }
    if (p)
        *out = *p;
    pthread_mutex_unlock(&srv->tok_lock);
    if (p && len < sizeof(last.token)) {
        memcpy(last.token, token, len);
        last.len = len;
        last.p = *out;
        last.at = t;
    }
    return p != NULL;
}

/* ---- request helpers ---- */

static const char *mhd_lookup(void *conn, enum req_lookup kind, const char *name)
{
    return MHD_lookup_connection_value(
        conn, kind == REQ_ARG ? MHD_GET_ARGUMENT_KIND : MHD_HEADER_KIND, name);
}

const char *ss__req_arg(struct req *r, const char *name)
{
    return r->lookup(r->conn, REQ_ARG, name);
}

void ss__req_error(struct req *r, enum ss_err e, int status, const char *code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct ss_jw w;
    ss__req_error_begin(r, status ? status : ss_err_http_status(e),
                        code ? code : ss_err_azure_code(e), msg, &w);
    ss_jw_obj_end(&w);
    ss_jw_obj_end(&w);
}

void ss__req_error_begin(struct req *r, int status, const char *code, const char *msg,
                         struct ss_jw *w)
{
    r->status = status;
    ss_buf_reset(&r->out);
    ss_jw_init(w, &r->out, 0);
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "error");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "code");
    ss_jw_strz(w, code);
    ss_jw_keyz(w, "message");
    ss_jw_strz(w, msg);
}

bool ss__req_allow(struct req *r, const char *scope, enum ss_access a)
{
    if (!ss__role_can(r->who.role, a)) {
        ss__req_error(r, SS_EFORBIDDEN, 403, "AuthorizationFailed",
                      "The client '%s' with role '%s' does not have authorization to perform "
                      "this %s over scope '%s'.",
                      r->who.name, ss_role_name(r->who.role),
                      a == SS_ACCESS_READ ? "read" : "write", scope);
        return false;
    }
    if (!ss__scope_covers(ss_engine_score(r->srv->engine), r->who.scope, scope)) {
        ss__req_error(r, SS_EFORBIDDEN, 403, "AuthorizationFailed",
                      "The client '%s' does not have authorization over scope '%s' (its role "
                      "'%s' is assigned at '%s').",
                      r->who.name, scope, ss_role_name(r->who.role), r->who.scope);
        return false;
    }
    return true;
}

void ss__req_base(struct req *r, struct ss_buf *out)
{
    const char *host = r->lookup(r->conn, REQ_HEADER, "Host");
    ss_buf_adds(out, r->srv->tls ? "https://" : "http://");
    /* The Host header goes into links: keep only characters a host:port may hold. */
    for (const char *p = host ? host : "127.0.0.1"; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '.' || *p == ':' || *p == '-' || *p == '[' || *p == ']')
            ss_buf_addc(out, *p);
}

/* ---- access log and metrics ---- */

static const double buckets[SS_HTTP_NBUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                 0.005,  0.01,    0.05,   0.25,  1.0};

static void record(struct req *r, int64_t start)
{
    struct server *srv = r->srv;
    int64_t us = mono_us() - start;
    int cls = r->status / 100;
    atomic_fetch_add(&srv->requests[cls >= 1 && cls <= 5 ? cls : 0], 1);
    size_t b = 0;
    while (b < SS_HTTP_NBUCKETS && (double)us / 1e6 > buckets[b])
        b++;
    atomic_fetch_add(&srv->latency[b], 1);
    atomic_fetch_add(&srv->latency_us_sum, (uint64_t)us);
    if (!srv->access_log)
        return;
    char when[40];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ss_time_format((int64_t)ts.tv_sec * 10000000 + ts.tv_nsec / 100, when);
    struct ss_buf line = SS_BUF_INIT;
    struct ss_jw w;
    ss_jw_init(&w, &line, 0);
    ss_jw_obj_begin(&w);
    ss_jw_keyz(&w, "time");
    ss_jw_strz(&w, when);
    ss_jw_keyz(&w, "method");
    ss_jw_strz(&w, r->method);
    ss_jw_keyz(&w, "path");
    ss_jw_str(&w, r->path, r->path_len);
    ss_jw_keyz(&w, "status");
    ss_jw_int(&w, r->status);
    ss_jw_keyz(&w, "bytes");
    ss_jw_int(&w, (int64_t)r->out.len);
    ss_jw_keyz(&w, "durationUs");
    ss_jw_int(&w, us);
    ss_jw_keyz(&w, "principal");
    if (r->authenticated)
        ss_jw_strz(&w, r->who.name);
    else
        ss_jw_null(&w);
    ss_jw_obj_end(&w);
    ss_buf_addc(&line, '\n');
    pthread_mutex_lock(&srv->log_lock);
    fwrite(line.ptr, 1, line.len, srv->access_log);
    fflush(srv->access_log);
    pthread_mutex_unlock(&srv->log_lock);
    ss_buf_release(&line);
}

/* ---- the access handler ---- */

/* True if the bytes are valid UTF-8 without control characters. */
static bool clean_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c < 0x80)
            k = 0;
        else if (c >= 0xc2 && c <= 0xdf)
            k = 1;
        else if (c >= 0xe0 && c <= 0xef)
            k = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 3;
        else
            return false;
        if (k >= n - i)
            return false;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

static void handle(struct req *r)
{
    struct server *srv = r->srv;
    if (!clean_utf8((const unsigned char *)r->path, r->path_len)) {
        ss__req_error(r, SS_EINPUT, 400, "InvalidRequestUri",
                      "The request path is not valid UTF-8.");
        return;
    }
    if (strcmp(r->path, "/healthz") == 0) {
        if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
            ss__req_error(r, SS_EMETHOD, 405, NULL, "The method '%s' is not allowed here.",
                          r->method);
            return;
        }
        r->status = 200;
        ss_buf_adds(&r->out, "{\"status\":\"ok\"}");
        return;
    }
    if (strcmp(r->path, "/metrics") == 0) {
        r->status = 200;
        ss__api_metrics(srv, &r->out);
        return;
    }
    if (r->body_too_big) {
        ss__req_error(r, SS_ETOOBIG, 413, "RequestEntityTooLarge",
                      "The request body exceeds %zu bytes.", srv->opts.max_body);
        return;
    }
    const char *auth = r->lookup(r->conn, REQ_HEADER, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 || !auth[7]) {
        ss__req_error(r, SS_EUNAUTHORIZED, 401, "AuthenticationFailed",
                      "Authentication failed. The 'Authorization' header is missing or is not a "
                      "bearer token.");
        return;
    }
    const char *tok = auth + 7;
    while (*tok == ' ')
        tok++;
    if (!authenticate(srv, tok, strlen(tok), &r->who)) {
        ss__req_error(r, SS_EUNAUTHORIZED, 401, "InvalidAuthenticationToken",
                      "The access token is invalid, revoked or unknown.");
        return;
    }
    r->authenticated = true;
    ss__api_handle(r);
}

static enum MHD_Result send_answer(struct MHD_Connection *conn, struct req *r)
{
    size_t len;
    char *body = ss_buf_detach(&r->out, &len);
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, body ? body : (char *)"", body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type",
                            r->status == 200 && strcmp(r->path, "/metrics") == 0
                                ? "text/plain; version=0.0.4"
                                : "application/json; charset=utf-8");
    if (r->location)
        MHD_add_response_header(resp, "Location", r->location);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *srv = cls;
    (void)version;
    struct req *r = *con_cls;
    if (!r) {
        /* Not calloc: the path buffer is most of the struct and needs no zeroing. */
        r = ss_xmalloc(sizeof(*r));
        memset(r, 0, offsetof(struct req, path));
        memset((char *)r + offsetof(struct req, path_len), 0,
               sizeof(*r) - offsetof(struct req, path_len));
        r->srv = srv;
        r->conn = conn;
        r->lookup = mhd_lookup;
        r->method = method;
        size_t n = strlen(url);
        if (n >= sizeof(r->path))
            n = sizeof(r->path) - 1;
        memcpy(r->path, url, n);
        r->path[n] = '\0';
        r->path_len = n;
        *con_cls = r;
        atomic_fetch_add(&srv->in_flight, 1);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (r->body.len + *upload_data_size > srv->opts.max_body)
            r->body_too_big = true;
        else
            ss_buf_add(&r->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    int64_t start = mono_us();
    handle(r);
    if (!r->status)
        ss__req_error(r, SS_EINTERNAL, 500, NULL, "No answer was produced.");
    record(r, start);
    return send_answer(conn, r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;
    struct req *r = *con_cls;
    (void)conn;
    (void)toe;
    if (!r)
        return;
    ss_buf_release(&r->body);
    ss_buf_release(&r->out);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* ---- setup ---- */

static char *read_file(const char *path, size_t max, struct ss_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ss_diag_set(diag, SS_EOPEN, "cannot open: %s", strerror(errno));
        ss_diag_set_file(diag, path);
        return NULL;
    }
    struct ss_buf b = SS_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= max)
        ss_buf_add(&b, chunk, n);
    fclose(f);
    if (b.len > max) {
        ss_buf_release(&b);
        ss_diag_set(diag, SS_ETOOBIG, "file larger than %zu bytes", max);
        ss_diag_set_file(diag, path);
        return NULL;
    }
    ss_buf_addc(&b, '\0');
    return ss_buf_detach(&b, NULL);
}

/* Parses "ADDR:PORT" ("[::1]:8443" for IPv6). */
static enum ss_err parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len,
                                bool *loopback, struct ss_diag *diag)
{
    char host[256];
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host))
        return ss_diag_set(diag, SS_EINVAL, "--listen %s: expected ADDR:PORT", s);
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || end == colon + 1)
        return ss_diag_set(diag, SS_EINVAL, "--listen %s: bad port", s);
    memset(ss, 0, sizeof(*ss));
    if (host[0] == '[') {
        size_t hl = strlen(host);
        if (hl < 3 || host[hl - 1] != ']')
            return ss_diag_set(diag, SS_EINVAL, "--listen %s: bad IPv6 address", s);
        host[hl - 1] = '\0';
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
            return ss_diag_set(diag, SS_EINVAL, "--listen %s: bad IPv6 address", s);
        *loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
        *len = sizeof(*a);
        return SS_OK;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
        return ss_diag_set(diag, SS_EINVAL, "--listen %s: bad IPv4 address", s);
    *loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    *len = sizeof(*a);
    return SS_OK;
}

static enum ss_err import_paths(struct server *srv, struct ss_diag *diag)
{
    for (size_t i = 0; i < srv->opts.nimports; i++) {
        enum ss_err e = ss_engine_import(srv->engine, srv->opts.imports[i], diag);
        if (e)
            return e;
    }
    return SS_OK;
}

struct watch_ctx {
    struct server *srv;
    size_t imported;
};

static enum ss_err watch_one(void *arg, const char *path, struct ss_diag *diag)
{
    struct watch_ctx *w = arg;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return SS_OK;
    int64_t mtime = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
    struct ss_store *st = ss_engine_store(w->srv->engine);
    pthread_rwlock_wrlock(&w->srv->lock);
    if (!ss_store_import_seen(st, path, mtime, (int64_t)sb.st_size)) {
        struct ss_diag d;
        ss_diag_clear(&d);
        enum ss_err e = ss_engine_import(w->srv->engine, path, &d);
        if (e) {
            char msg[1200];
            fprintf(stderr, "securescore: serve --watch: %s\n",
                    ss_diag_format(&d, msg, sizeof(msg)));
        } else {
            w->imported++;
        }
        /* Marked either way: a bad file is reported once, then again when it changes. */
        ss_store_import_mark(st, path, mtime, (int64_t)sb.st_size);
    }
    pthread_rwlock_unlock(&w->srv->lock);
    (void)diag;
    return SS_OK;
}

enum ss_err ss_server_run(const struct ss_server_opts *opts, struct ss_diag *diag)
{
    struct server *srv = ss_xcalloc(1, sizeof(*srv));
    srv->opts = *opts;
    if (!srv->opts.max_body)
        srv->opts.max_body = SS_HTTP_MAX_BODY;
    if (!srv->opts.watch_seconds)
        srv->opts.watch_seconds = 2;
    if (!srv->opts.threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        srv->opts.threads = n > 0 && n < 64 ? (unsigned)n : 2;
    }
    struct sockaddr_storage addr;
    socklen_t alen;
    bool loopback = false;
    enum ss_err e = parse_listen(opts->listen, &addr, &alen, &loopback, diag);
    if (e) {
        free(srv);
        return e;
    }
    if (!!opts->tls_cert != !!opts->tls_key) {
        free(srv);
        return ss_diag_set(diag, SS_EINVAL, "--tls-cert and --tls-key go together");
    }
    srv->tls = opts->tls_cert != NULL;
    if (!srv->tls && !loopback && !opts->allow_plain) {
        free(srv);
        return ss_diag_set(diag, SS_EINVAL,
                           "plain HTTP is allowed on loopback only: give --tls-cert and "
                           "--tls-key, or --allow-plain-http");
    }
    char *cert = NULL, *key = NULL;
    if (srv->tls && (!(cert = read_file(opts->tls_cert, 1 << 20, diag)) ||
                     !(key = read_file(opts->tls_key, 1 << 20, diag)))) {
        free(cert);
        free(srv);
        return diag ? diag->code : SS_EOPEN;
    }
    struct ss_engine_opts eo = {opts->db, opts->durable, opts->definitions, opts->metadata,
                                opts->retention_days ? opts->retention_days : 400};
    e = ss_engine_open(&eo, &srv->engine, diag);
    if (!e)
        e = import_paths(srv, diag);
    if (e) {
        ss_engine_close(srv->engine);
        free(cert);
        free(key);
        free(srv);
        return e;
    }
    pthread_rwlock_init(&srv->lock, NULL);
    pthread_mutex_init(&srv->tok_lock, NULL);
    pthread_mutex_init(&srv->log_lock, NULL);
    ss_map_init(&srv->tokens, 0);
    pthread_mutex_lock(&srv->tok_lock);
    tokens_load(srv);
    pthread_mutex_unlock(&srv->tok_lock);
    if (opts->access_log)
        srv->access_log =
            strcmp(opts->access_log, "-") == 0 ? stderr : fopen(opts->access_log, "a");

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    stop_requested = 0;

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO;
    if (srv->tls)
        flags |= MHD_USE_TLS;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_OptionItem tls_opts[] = {
        {srv->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, key},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
        {MHD_OPTION_END, 0, NULL},
    };
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, srv->opts.threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)SS_HTTP_MAX_CONNECTIONS, MHD_OPTION_ARRAY, tls_opts, MHD_OPTION_END);
    if (!d) {
        e = ss_diag_set(diag, SS_EIO, "cannot listen on %s: %s", opts->listen, strerror(errno));
    } else {
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        unsigned port = info ? info->port : 0;
        fprintf(stderr, "securescore: serving %s://%s (port %u), database %s\n",
                srv->tls ? "https" : "http", opts->listen, port, opts->db);
        if (opts->ready_file) {
            FILE *f = fopen(opts->ready_file, "w");
            if (f) {
                fprintf(f, "%u\n", port);
                fclose(f);
            }
        }
        int64_t next_watch = 0, next_tick = 0;
        while (!stop_requested) {
            if (opts->watch && mono_us() >= next_watch) {
                struct watch_ctx w = {srv, 0};
                struct ss_diag d2;
                ss_diag_clear(&d2);
                ss_input_files(opts->watch, watch_one, &w, &d2);
                next_watch = mono_us() + (int64_t)srv->opts.watch_seconds * 1000000;
            }
            if (mono_us() >= next_tick) {
                /* The clock of exemption expiries. */
                struct timespec now;
                clock_gettime(CLOCK_REALTIME, &now);
                pthread_rwlock_wrlock(&srv->lock);
                ss_engine_tick(srv->engine, (int64_t)now.tv_sec * 10000000 + now.tv_nsec / 100);
                pthread_rwlock_unlock(&srv->lock);
                next_tick = mono_us() + 1000000;
            }
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        /* Stop accepting; MHD_stop_daemon lets the handlers in flight return. */
        MHD_quiesce_daemon(d);
        for (int i = 0; i < 100 && atomic_load(&srv->in_flight); i++) {
            struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        MHD_stop_daemon(d);
        fprintf(stderr, "securescore: stopped\n");
    }
    ss_engine_close(srv->engine);
    if (srv->access_log && srv->access_log != stderr)
        fclose(srv->access_log);
    ss_map_release(&srv->tokens);
    free(srv->tok_mem);
    pthread_rwlock_destroy(&srv->lock);
    pthread_mutex_destroy(&srv->tok_lock);
    pthread_mutex_destroy(&srv->log_lock);
    free(cert);
    free(key);
    free(srv);
    return e;
}
