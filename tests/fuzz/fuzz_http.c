/*
 * libFuzzer target for the API: routing, path and query parsing, paging,
 * request bodies and the engine writes behind them (src/http/api.c,
 * src/ingest/engine.c), without the socket layer.
 *
 * Input: "METHOD\nPATH[?QUERY]\nBODY". The request runs as an Owner at the
 * tenant against an engine on an in-memory database holding one subscription
 * and two storage accounts (reopened every 5,000 runs so writes do not pile
 * up). Invariants: the status is one the API documents, and the answer is
 * valid JSON with an `error` object exactly when the status is 4xx/5xx (a
 * DELETE may answer with no body).
 *
 * Build: `make fuzz`. Seeds: tests/fuzz/corpus/http/.
 */
#include "common/setup.h"

#include <stdio.h>
#include <unistd.h>

#include "http/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char seed_data[] =
    "{\"id\":\"/subscriptions/11111111-aaaa-4aaa-8aaa-000000000001\",\"type\":"
    "\"microsoft.resources/subscriptions\",\"subscriptionId\":"
    "\"11111111-aaaa-4aaa-8aaa-000000000001\",\"properties\":{\"state\":\"Enabled\"}}\n"
    "{\"id\":\"/subscriptions/11111111-aaaa-4aaa-8aaa-000000000001/resourceGroups/rg/providers/"
    "Microsoft.Storage/storageAccounts/sa1\",\"type\":\"Microsoft.Storage/storageAccounts\","
    "\"properties\":{\"supportsHttpsTrafficOnly\":false}}\n"
    "{\"id\":\"/subscriptions/11111111-aaaa-4aaa-8aaa-000000000001/resourceGroups/rg/providers/"
    "Microsoft.Storage/storageAccounts/sa2\",\"type\":\"Microsoft.Storage/storageAccounts\","
    "\"properties\":{\"supportsHttpsTrafficOnly\":true}}\n";

static struct server srv;
static unsigned runs;
static char seed_path[64];

static void die(const char *what) SS_NORETURN;
static void die(const char *what)
{
    fprintf(stderr, "fuzz_http: %s\n", what);
    abort();
}

static void engine_open(void)
{
    struct ss_engine_opts eo = {":memory:", false, NULL, NULL, 0};
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_engine_open(&eo, &srv.engine, &d) || ss_engine_import(srv.engine, seed_path, &d))
        die(d.msg);
}

static void setup(void)
{
    snprintf(seed_path, sizeof(seed_path), "/tmp/fuzz_http_seed_%d.jsonl", (int)getpid());
    FILE *f = fopen(seed_path, "w");
    if (!f || fwrite(seed_data, 1, sizeof(seed_data) - 1, f) != sizeof(seed_data) - 1)
        die("cannot write the seed inventory");
    fclose(f);
    pthread_rwlock_init(&srv.lock, NULL);
    srv.opts.max_body = 1 << 16;
    engine_open();
}

struct fake {
    char query[2048];
};

/* Finds NAME=VALUE in the query (no decoding); the value is copied into a static buffer. */
static const char *lookup(void *conn, enum req_lookup kind, const char *name)
{
    static char value[2048];
    struct fake *f = conn;
    if (kind == REQ_HEADER)
        return strcmp(name, "Host") == 0 ? "127.0.0.1:1" : NULL;
    size_t n = strlen(name);
    for (const char *p = f->query; *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > n && p[n] == '=' && memcmp(p, name, n) == 0) {
            snprintf(value, sizeof(value), "%.*s", (int)(len - n - 1), p + n + 1);
            return value;
        }
        p += len + (amp ? 1 : 0);
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char method[16];
    if (!srv.engine)
        setup();
    if (++runs % 5000 == 0) {
        ss_engine_close(srv.engine);
        engine_open();
    }
    const char *p = (const char *)data, *end = p + size;
    const char *nl = memchr(p, '\n', size);
    if (!nl || (size_t)(nl - p) >= sizeof(method))
        return 0;
    memcpy(method, p, (size_t)(nl - p));
    method[nl - p] = '\0';
    p = nl + 1;
    nl = memchr(p, '\n', (size_t)(end - p));
    const char *path_end = nl ? nl : end;
    struct fake f;
    struct req *r = ss_xcalloc(1, sizeof(*r));
    const char *q = memchr(p, '?', (size_t)(path_end - p));
    size_t plen = (size_t)((q ? q : path_end) - p);
    if (plen >= sizeof(r->path) || (q && (size_t)(path_end - q - 1) >= sizeof(f.query))) {
        free(r);
        return 0;
    }
    memcpy(r->path, p, plen);
    r->path[plen] = '\0';
    r->path_len = strlen(r->path); /* an embedded NUL ends the path, as in a C string */
    f.query[0] = '\0';
    if (q) {
        memcpy(f.query, q + 1, (size_t)(path_end - q - 1));
        f.query[path_end - q - 1] = '\0';
    }
    r->srv = &srv;
    r->conn = &f;
    r->lookup = lookup;
    r->method = method;
    if (nl)
        ss_buf_add(&r->body, nl + 1, (size_t)(end - nl - 1));
    snprintf(r->who.name, sizeof(r->who.name), "fuzz");
    r->who.role = SS_ROLE_OWNER;
    snprintf(r->who.scope, sizeof(r->who.scope), "/");
    r->authenticated = true;
    ss__api_handle(r);
    static const int ok[] = {200, 201, 204, 400, 403, 404, 405, 409, 413, 500};
    bool known = false;
    for (size_t i = 0; i < SS_ARRAY_LEN(ok); i++)
        known |= r->status == ok[i];
    if (!known)
        die("undocumented status");
    if (r->status != 204 && !(r->out.len == 0 && strcmp(method, "DELETE") == 0)) {
        struct ss_json_doc *doc = NULL;
        if (ss_json_parse(r->out.ptr ? r->out.ptr : "", r->out.len, NULL, &doc, NULL))
            die("the answer is not JSON");
        bool err = ss_json_kind(ss_json_getz(ss_json_root(doc), "error")) == SS_JSON_OBJECT;
        if (err != (r->status >= 400))
            die("an error body without an error status, or the reverse");
        ss_json_doc_free(doc);
    }
    ss_buf_release(&r->body);
    ss_buf_release(&r->out);
    free(r);
    return 0;
}
