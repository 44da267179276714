#include "common/setup.h"

/*
 * Unit tests for src/store/sqlite.c (include/securescore/store.h): opening
 * and migrating a database (fresh, reopened, newer than this build, not a
 * database at all), records of every kind (case-insensitive ids, insertion
 * order kept across updates, the created flag), transactions, tokens, the
 * change log with its retention, score history and imported files.
 *
 * Every test works in its own directory made by mkdtemp under /tmp and
 * removes it at the end.
 */

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "securescore/buf.h"
#include "securescore/errors.h"
#include "securescore/store.h"
#include "test.h"

struct tmp {
    char dir[64];
    char db[128];
};

static bool tmp_make(struct tmp *t)
{
    snprintf(t->dir, sizeof(t->dir), "/tmp/ss-store-XXXXXX");
    if (!mkdtemp(t->dir))
        return false;
    snprintf(t->db, sizeof(t->db), "%s/store.db", t->dir);
    return true;
}

/* Removes every file of the directory (the database, its -wal and -shm), then it. */
static void tmp_remove(struct tmp *t)
{
    DIR *d = opendir(t->dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof(p), "%s/%s", t->dir, de->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(t->dir);
}

static int raw_user_version(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    int v = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return v;
}

static bool raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    bool ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
              sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

static enum ss_err put(struct ss_store *st, enum ss_store_kind k, const char *id, const char *json,
                       bool *created)
{
    return ss_store_put(st, k, id, strlen(id), json, strlen(json), created);
}

/* Commits one put in its own transaction. */
static enum ss_err put1(struct ss_store *st, enum ss_store_kind k, const char *id, const char *json,
                        bool *created)
{
    enum ss_err e = ss_store_begin(st);
    if (e)
        return e;
    e = put(st, k, id, json, created);
    if (e) {
        ss_store_rollback(st);
        return e;
    }
    return ss_store_commit(st);
}

/* Returns the record's JSON in `b` (reset first), or the error. */
static enum ss_err get(struct ss_store *st, enum ss_store_kind k, const char *id, struct ss_buf *b)
{
    ss_buf_reset(b);
    return ss_store_get(st, k, id, strlen(id), b);
}

/* Collects "id=json;" for every record. */
static enum ss_err collect(void *arg, const char *id, size_t idlen, const char *json, size_t len)
{
    struct ss_buf *b = arg;
    ss_buf_add(b, id, idlen);
    ss_buf_addc(b, '=');
    ss_buf_add(b, json, len);
    ss_buf_addc(b, ';');
    return SS_OK;
}

static const char *listing(struct ss_store *st, enum ss_store_kind k, struct ss_buf *b)
{
    ss_buf_reset(b);
    if (ss_store_each(st, k, collect, b) != SS_OK)
        return "(error)";
    return b->ptr ? b->ptr : "";
}

/* ==== open and migrations ==== */

TEST(store_open_fresh_database_at_current_schema)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK(ss_store_schema_version() >= 1);
    CHECK_ERR(ss_store_open(t.db, &st, &d), SS_OK);
    REQUIRE(st);
    for (int k = 0; k < SS_STORE__KINDS; k++)
        CHECK_EQ_INT(ss_store_count(st, (enum ss_store_kind)k), 0);
    ss_store_close(st);
    CHECK_EQ_INT(raw_user_version(t.db), ss_store_schema_version());
    ss_store_close(NULL); /* a no-op */
    tmp_remove(&t);
}

TEST(store_reopen_keeps_data)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    struct ss_buf b = SS_BUF_INIT;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    CHECK_ERR(put1(st, SS_STORE_RESOURCE, "/subscriptions/s/r1", "{\"a\":1}", NULL), SS_OK);
    CHECK_ERR(put1(st, SS_STORE_CONTAINER, "/subscriptions/s", "{\"c\":true}", NULL), SS_OK);
    ss_store_close(st);
    st = NULL;
    /* The migrations do not run again (they would fail: the tables exist). */
    CHECK_ERR(ss_store_open(t.db, &st, NULL), SS_OK);
    REQUIRE(st);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_RESOURCE), 1);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_CONTAINER), 1);
    CHECK_ERR(get(st, SS_STORE_RESOURCE, "/subscriptions/s/r1", &b), SS_OK);
    CHECK_MEMEQ(b.ptr, b.len, "{\"a\":1}");
    CHECK_ERR(get(st, SS_STORE_CONTAINER, "/subscriptions/s", &b), SS_OK);
    CHECK_MEMEQ(b.ptr, b.len, "{\"c\":true}");
    ss_store_close(st);
    CHECK_EQ_INT(raw_user_version(t.db), ss_store_schema_version());
    ss_buf_release(&b);
    tmp_remove(&t);
}

TEST(store_refuses_newer_schema)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    CHECK_ERR(put1(st, SS_STORE_RESOURCE, "x", "{}", NULL), SS_OK);
    ss_store_close(st);
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", ss_store_schema_version() + 1);
    REQUIRE(raw_exec(t.db, sql));
    st = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK_ERR(ss_store_open(t.db, &st, &d), SS_ESTORE);
    CHECK(st == NULL);
    CHECK_EQ_INT(d.code, SS_ESTORE);
    CHECK(strstr(d.msg, "schema version") != NULL);
    CHECK_STREQ(d.file, t.db);
    /* Refused, not rewritten. */
    CHECK_EQ_INT(raw_user_version(t.db), ss_store_schema_version() + 1);
    tmp_remove(&t);
}

TEST(store_refuses_a_file_that_is_not_a_database)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    char text[4096];
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (char)('a' + i % 26);
    FILE *f = fopen(t.db, "wb");
    REQUIRE(f);
    fwrite(text, 1, sizeof(text), f);
    fclose(f);
    struct ss_store *st = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK_ERR(ss_store_open(t.db, &st, &d), SS_ESTORE);
    CHECK(st == NULL);
    CHECK_EQ_INT(d.code, SS_ESTORE);
    CHECK_STREQ(d.file, t.db);
    /* The file is left as it was. */
    char back[sizeof(text) + 16];
    f = fopen(t.db, "rb");
    REQUIRE(f);
    size_t n = fread(back, 1, sizeof(back), f);
    fclose(f);
    CHECK_EQ_INT(n, sizeof(text));
    CHECK(memcmp(back, text, sizeof(text)) == 0);
    tmp_remove(&t);
}

TEST(store_open_unopenable_path)
{
    struct ss_store *st = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK_ERR(ss_store_open("/nonexistent-ss-dir/sub/store.db", &st, &d), SS_EOPEN);
    CHECK(st == NULL);
    CHECK_STREQ(d.file, "/nonexistent-ss-dir/sub/store.db");
}

/* ==== records ==== */

TEST(store_records_of_every_kind)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    struct ss_buf b = SS_BUF_INIT;
    for (int k = 0; k < SS_STORE__KINDS; k++) {
        enum ss_store_kind kind = (enum ss_store_kind)k;
        char json[64];
        snprintf(json, sizeof(json), "{\"kind\":%d}", k);
        bool created = false;
        REQUIRE(ss_store_begin(st) == SS_OK);
        CHECK_ERR(put(st, kind, "/Subscriptions/ABC/Item", json, &created), SS_OK);
        CHECK(created);
        /* the same id in another case: the same record, replaced */
        created = true;
        CHECK_ERR(put(st, kind, "/subscriptions/abc/item", "{\"v\":2}", &created), SS_OK);
        CHECK(!created);
        CHECK_ERR(put(st, kind, "/subscriptions/abc/other", json, NULL), SS_OK);
        CHECK_ERR(ss_store_commit(st), SS_OK);
        CHECK_EQ_INT(ss_store_count(st, kind), 2);
        CHECK_ERR(get(st, kind, "/SUBSCRIPTIONS/ABC/ITEM", &b), SS_OK);
        CHECK_MEMEQ(b.ptr, b.len, "{\"v\":2}");
        CHECK_ERR(get(st, kind, "/subscriptions/abc/missing", &b), SS_ENOENT);
        CHECK_EQ_INT(b.len, 0);
        REQUIRE(ss_store_begin(st) == SS_OK);
        CHECK_ERR(ss_store_delete(st, kind, "/subscriptions/ABC/other", 24), SS_OK);
        CHECK_ERR(ss_store_delete(st, kind, "/subscriptions/ABC/other", 24), SS_ENOENT);
        CHECK_ERR(ss_store_commit(st), SS_OK);
        CHECK_EQ_INT(ss_store_count(st, kind), 1);
        CHECK_ERR(get(st, kind, "/subscriptions/abc/other", &b), SS_ENOENT);
    }
    /* The kinds are separate tables: deleting one leaves the others. */
    REQUIRE(ss_store_begin(st) == SS_OK);
    CHECK_ERR(ss_store_delete(st, SS_STORE_METADATA, "/subscriptions/abc/item", 23), SS_OK);
    CHECK_ERR(ss_store_commit(st), SS_OK);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_METADATA), 0);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_RESOURCE), 1);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_CONTAINER), 1);
    CHECK_ERR(get(st, SS_STORE_EXEMPTION, "/subscriptions/abc/item", &b), SS_OK);
    /* The id keeps the case it was first written with. */
    CHECK_STREQ(listing(st, SS_STORE_ASSIGNMENT, &b), "/Subscriptions/ABC/Item={\"v\":2};");
    ss_store_close(st);
    ss_buf_release(&b);
    tmp_remove(&t);
}

TEST(store_get_appends_and_keeps_bytes)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    /* A large record, with non-ASCII text, and the id length honoured (not strlen). */
    struct ss_buf big = SS_BUF_INIT;
    ss_buf_adds(&big, "{\"s\":\"");
    for (int i = 0; i < 100000; i++)
        ss_buf_adds(&big, i % 1000 == 0 ? "\xc3\xa9" : "x");
    ss_buf_adds(&big, "\"}");
    REQUIRE(ss_store_begin(st) == SS_OK);
    CHECK_ERR(ss_store_put(st, SS_STORE_RESOURCE, "abcdef", 3, big.ptr, big.len, NULL), SS_OK);
    CHECK_ERR(ss_store_commit(st), SS_OK);
    struct ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, "prefix:");
    CHECK_ERR(ss_store_get(st, SS_STORE_RESOURCE, "ABCxyz", 3, &b), SS_OK);
    CHECK_EQ_INT(b.len, 7 + big.len);
    CHECK(b.len == 7 + big.len && memcmp(b.ptr, "prefix:", 7) == 0 &&
          memcmp(b.ptr + 7, big.ptr, big.len) == 0);
    CHECK_ERR(get(st, SS_STORE_RESOURCE, "abcdef", &b), SS_ENOENT);
    ss_store_close(st);
    ss_buf_release(&b);
    ss_buf_release(&big);
    tmp_remove(&t);
}

TEST(store_each_keeps_insertion_order_across_updates_and_reopen)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    struct ss_buf b = SS_BUF_INIT;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    /* ids in reverse alphabetical order: iteration must not sort them */
    CHECK_ERR(put1(st, SS_STORE_RESOURCE, "c", "1", NULL), SS_OK);
    CHECK_ERR(put1(st, SS_STORE_RESOURCE, "b", "2", NULL), SS_OK);
    CHECK_ERR(put1(st, SS_STORE_RESOURCE, "a", "3", NULL), SS_OK);
    CHECK_ERR(put1(st, SS_STORE_RESOURCE, "C", "4", NULL), SS_OK);
    CHECK_STREQ(listing(st, SS_STORE_RESOURCE, &b), "c=4;b=2;a=3;");
    REQUIRE(ss_store_begin(st) == SS_OK);
    CHECK_ERR(ss_store_delete(st, SS_STORE_RESOURCE, "b", 1), SS_OK);
    CHECK_ERR(put(st, SS_STORE_RESOURCE, "b", "5", NULL), SS_OK);
    CHECK_ERR(ss_store_commit(st), SS_OK);
    CHECK_STREQ(listing(st, SS_STORE_RESOURCE, &b), "c=4;a=3;b=5;");
    ss_store_close(st);
    st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    CHECK_STREQ(listing(st, SS_STORE_RESOURCE, &b), "c=4;a=3;b=5;");
    CHECK_STREQ(listing(st, SS_STORE_ASSESSMENT, &b), "");
    ss_store_close(st);
    ss_buf_release(&b);
    tmp_remove(&t);
}

static enum ss_err stop_at_second(void *arg, const char *id, size_t idlen, const char *json,
                                  size_t len)
{
    int *n = arg;
    (void)id;
    (void)idlen;
    (void)json;
    (void)len;
    return ++*n == 2 ? SS_ECONFLICT : SS_OK;
}

TEST(store_each_stops_on_error)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    for (int i = 0; i < 5; i++) {
        char id[8];
        snprintf(id, sizeof(id), "r%d", i);
        CHECK_ERR(put1(st, SS_STORE_EXEMPTION, id, "{}", NULL), SS_OK);
    }
    int n = 0;
    CHECK_ERR(ss_store_each(st, SS_STORE_EXEMPTION, stop_at_second, &n), SS_ECONFLICT);
    CHECK_EQ_INT(n, 2);
    /* The statement was reset: a second walk starts over. */
    n = 0;
    CHECK_ERR(ss_store_each(st, SS_STORE_EXEMPTION, stop_at_second, &n), SS_ECONFLICT);
    CHECK_EQ_INT(n, 2);
    ss_store_close(st);
    tmp_remove(&t);
}

/* ==== transactions ==== */

TEST(store_rollback_leaves_nothing)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    struct ss_buf b = SS_BUF_INIT;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    CHECK_ERR(put1(st, SS_STORE_RESOURCE, "keep", "1", NULL), SS_OK);
    CHECK_ERR(ss_store_commit(st), SS_EINTERNAL); /* nothing open */
    REQUIRE(ss_store_begin(st) == SS_OK);
    CHECK_ERR(ss_store_begin(st), SS_EINTERNAL); /* no nesting */
    CHECK_ERR(put(st, SS_STORE_RESOURCE, "new", "2", NULL), SS_OK);
    CHECK_ERR(put(st, SS_STORE_RESOURCE, "keep", "changed", NULL), SS_OK);
    CHECK_ERR(ss_store_delete(st, SS_STORE_RESOURCE, "keep", 4), SS_OK);
    CHECK_ERR(ss_store_change(st, 5, "resource", "new", "{}", 2), SS_OK);
    CHECK_ERR(ss_store_history_put(st, 5, "/", 1, 2, 0.5), SS_OK);
    CHECK_ERR(ss_store_import_mark(st, "/x.json", 1, 2), SS_OK);
    ss_store_rollback(st);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_RESOURCE), 1);
    CHECK_ERR(get(st, SS_STORE_RESOURCE, "new", &b), SS_ENOENT);
    CHECK_ERR(get(st, SS_STORE_RESOURCE, "keep", &b), SS_OK);
    CHECK_MEMEQ(b.ptr, b.len, "1");
    CHECK(!ss_store_import_seen(st, "/x.json", 1, 2));
    /* A transaction still open at close is rolled back. */
    REQUIRE(ss_store_begin(st) == SS_OK);
    CHECK_ERR(put(st, SS_STORE_RESOURCE, "lost", "3", NULL), SS_OK);
    ss_store_close(st);
    st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_RESOURCE), 1);
    CHECK_ERR(get(st, SS_STORE_RESOURCE, "lost", &b), SS_ENOENT);
    /* and a new transaction works after all this */
    ss_store_set_durable(st, true);
    CHECK_ERR(put1(st, SS_STORE_RESOURCE, "after", "4", NULL), SS_OK);
    CHECK_EQ_INT(ss_store_count(st, SS_STORE_RESOURCE), 2);
    ss_store_close(st);
    ss_buf_release(&b);
    tmp_remove(&t);
}

/* ==== tokens ==== */

struct tokens {
    struct ss_store_token v[8];
    int n;
};

static enum ss_err collect_token(void *arg, const struct ss_store_token *t)
{
    struct tokens *ts = arg;
    if (ts->n < 8)
        ts->v[ts->n] = *t;
    ts->n++;
    return SS_OK;
}

static void make_token(struct ss_store_token *t, char c, const char *who, const char *role,
                       const char *scope, int64_t created)
{
    memset(t, 0, sizeof(*t));
    memset(t->hash, c, 64);
    snprintf(t->principal, sizeof(t->principal), "%s", who);
    snprintf(t->role, sizeof(t->role), "%s", role);
    snprintf(t->scope, sizeof(t->scope), "%s", scope);
    t->created = created;
}

TEST(store_tokens_add_each_revoke)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    struct ss_store_token a, b, dup;
    make_token(&a, 'a', "alice", "Owner", "/", 111);
    make_token(&b, 'b', "bob", "Reader", "/subscriptions/x", 222);
    a.id = b.id = -7;
    CHECK_ERR(ss_store_token_add(st, &a), SS_OK);
    CHECK_ERR(ss_store_token_add(st, &b), SS_OK);
    CHECK(a.id > 0);
    CHECK(b.id > a.id);
    /* The hash is unique. */
    make_token(&dup, 'a', "mallory", "Owner", "/", 333);
    CHECK_ERR(ss_store_token_add(st, &dup), SS_ESTORE);
    struct tokens ts;
    memset(&ts, 0, sizeof(ts));
    CHECK_ERR(ss_store_token_each(st, collect_token, &ts), SS_OK);
    REQUIRE(ts.n == 2);
    CHECK_EQ_INT(ts.v[0].id, a.id);
    CHECK_STREQ(ts.v[0].hash, a.hash);
    CHECK_STREQ(ts.v[0].principal, "alice");
    CHECK_STREQ(ts.v[0].role, "Owner");
    CHECK_STREQ(ts.v[0].scope, "/");
    CHECK_EQ_INT(ts.v[0].created, 111);
    CHECK(!ts.v[0].revoked);
    CHECK_EQ_INT(ts.v[1].id, b.id);
    CHECK_STREQ(ts.v[1].principal, "bob");
    CHECK_STREQ(ts.v[1].scope, "/subscriptions/x");
    CHECK_EQ_INT(ts.v[1].created, 222);

    CHECK_ERR(ss_store_token_revoke(st, a.id), SS_OK);
    CHECK_ERR(ss_store_token_revoke(st, b.id + 100), SS_ENOENT);
    CHECK_ERR(ss_store_token_revoke(st, -1), SS_ENOENT);
    ss_store_close(st);
    st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    memset(&ts, 0, sizeof(ts));
    CHECK_ERR(ss_store_token_each(st, collect_token, &ts), SS_OK);
    REQUIRE(ts.n == 2); /* revoked ones are listed too */
    CHECK(ts.v[0].revoked);
    CHECK(!ts.v[1].revoked);
    /* Revoking twice is fine (the token exists). */
    CHECK_ERR(ss_store_token_revoke(st, a.id), SS_OK);
    ss_store_close(st);
    tmp_remove(&t);
}

/* ==== changes and history ==== */

struct changes {
    struct ss_buf b;
    int64_t last_seq;
    bool increasing;
    int n;
};

static enum ss_err collect_change(void *arg, int64_t seq, int64_t time, const char *kind,
                                  const char *id, const char *detail)
{
    struct changes *c = arg;
    if (seq <= c->last_seq)
        c->increasing = false;
    c->last_seq = seq;
    c->n++;
    ss_buf_printf(&c->b, "%lld %s %s %s;", (long long)time, kind, id, detail);
    return SS_OK;
}

static const char *changes_since(struct ss_store *st, int64_t since, size_t limit,
                                 struct changes *c)
{
    ss_buf_reset(&c->b);
    c->last_seq = 0;
    c->increasing = true;
    c->n = 0;
    if (ss_store_changes(st, since, limit, collect_change, c) != SS_OK)
        return "(error)";
    return c->b.ptr ? c->b.ptr : "";
}

TEST(store_changes_and_prune)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    REQUIRE(ss_store_begin(st) == SS_OK);
    /* appended out of time order: the log is in sequence order */
    CHECK_ERR(ss_store_change(st, 30, "resource", "r3", "{\"n\":3}", 7), SS_OK);
    CHECK_ERR(ss_store_change(st, 10, "resource", "r1", "{\"n\":1}", 7), SS_OK);
    CHECK_ERR(ss_store_change(st, 20, "assessment", "a2", "{\"n\":2}xx", 7), SS_OK);
    CHECK_ERR(ss_store_commit(st), SS_OK);
    struct changes c;
    memset(&c, 0, sizeof(c));
    CHECK_STREQ(changes_since(st, 0, 0, &c),
                "30 resource r3 {\"n\":3};10 resource r1 {\"n\":1};20 assessment a2 {\"n\":2};");
    CHECK(c.increasing);
    CHECK_STREQ(changes_since(st, 20, 0, &c),
                "30 resource r3 {\"n\":3};20 assessment a2 {\"n\":2};");
    CHECK_STREQ(changes_since(st, 0, 2, &c), "30 resource r3 {\"n\":3};10 resource r1 {\"n\":1};");
    CHECK_EQ_INT(c.n, 2);
    CHECK_STREQ(changes_since(st, 31, 0, &c), "");
    CHECK_ERR(ss_store_prune_changes(st, 20), SS_OK);
    CHECK_STREQ(changes_since(st, 0, 0, &c),
                "30 resource r3 {\"n\":3};20 assessment a2 {\"n\":2};");
    CHECK_ERR(ss_store_prune_changes(st, 1000), SS_OK);
    CHECK_STREQ(changes_since(st, 0, 0, &c), "");
    ss_store_close(st);
    ss_buf_release(&c.b);
    tmp_remove(&t);
}

static enum ss_err collect_history(void *arg, int64_t time, double current, int max,
                                   double percentage)
{
    ss_buf_printf(arg, "%lld:%g/%d=%g;", (long long)time, current, max, percentage);
    return SS_OK;
}

static const char *history(struct ss_store *st, const char *scope, int64_t since, struct ss_buf *b)
{
    ss_buf_reset(b);
    if (ss_store_history(st, scope, since, collect_history, b) != SS_OK)
        return "(error)";
    return b->ptr ? b->ptr : "";
}

TEST(store_history)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    struct ss_buf b = SS_BUF_INIT;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    REQUIRE(ss_store_begin(st) == SS_OK);
    CHECK_ERR(ss_store_history_put(st, 200, "/subscriptions/S1", 2.5, 10, 0.25), SS_OK);
    CHECK_ERR(ss_store_history_put(st, 100, "/subscriptions/s1", 1.5, 10, 0.15), SS_OK);
    CHECK_ERR(ss_store_history_put(st, 100, "/subscriptions/s2", 9, 9, 1), SS_OK);
    /* one row per scope and time: a second write replaces it (scope ignoring case) */
    CHECK_ERR(ss_store_history_put(st, 200, "/subscriptions/s1", 3.25, 12, 0.2708), SS_OK);
    CHECK_ERR(ss_store_commit(st), SS_OK);
    CHECK_STREQ(history(st, "/subscriptions/s1", 0, &b), "100:1.5/10=0.15;200:3.25/12=0.2708;");
    CHECK_STREQ(history(st, "/SUBSCRIPTIONS/S1", 150, &b), "200:3.25/12=0.2708;");
    CHECK_STREQ(history(st, "/subscriptions/s2", 0, &b), "100:9/9=1;");
    CHECK_STREQ(history(st, "/subscriptions/s3", 0, &b), "");
    ss_store_close(st);
    ss_buf_release(&b);
    tmp_remove(&t);
}

TEST(store_import_seen_and_mark)
{
    struct tmp t;
    REQUIRE(tmp_make(&t));
    struct ss_store *st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    CHECK(!ss_store_import_seen(st, "/data/a.json", 10, 100));
    CHECK_ERR(ss_store_import_mark(st, "/data/a.json", 10, 100), SS_OK);
    CHECK(ss_store_import_seen(st, "/data/a.json", 10, 100));
    CHECK(!ss_store_import_seen(st, "/data/a.json", 11, 100)); /* modified */
    CHECK(!ss_store_import_seen(st, "/data/a.json", 10, 101)); /* grown */
    CHECK(!ss_store_import_seen(st, "/data/b.json", 10, 100));
    /* marking again replaces the earlier mark */
    CHECK_ERR(ss_store_import_mark(st, "/data/a.json", 11, 101), SS_OK);
    CHECK(ss_store_import_seen(st, "/data/a.json", 11, 101));
    CHECK(!ss_store_import_seen(st, "/data/a.json", 10, 100));
    ss_store_close(st);
    st = NULL;
    REQUIRE(ss_store_open(t.db, &st, NULL) == SS_OK);
    CHECK(ss_store_import_seen(st, "/data/a.json", 11, 101));
    ss_store_close(st);
    tmp_remove(&t);
}
