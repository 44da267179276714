/*
 * The SQLite backend of the store (include/securescore/store.h).
 *
 * One database file in WAL mode. Each record kind is a table (id TEXT
 * PRIMARY KEY COLLATE NOCASE, json TEXT); rowids keep insertion order, and an
 * update keeps the row (INSERT OR IGNORE, then UPDATE), so iteration order is
 * stable across restarts. Statements are prepared once. The schema is
 * created by numbered migrations recorded in PRAGMA user_version; a database
 * written by a newer build is refused rather than misread.
 */
#include "common/setup.h"

#include <sqlite3.h>
#include <stdio.h>

#include "common/alloc.h"
#include "securescore/store.h"

static const char *const tables[SS_STORE__KINDS] = {
    "resources", "assessments", "metadata", "assignments", "exemptions", "containers",
};

/* Migration N brings user_version from N-1 to N. Never edit a released one: append. */
static const char *const migrations[] = {
    "CREATE TABLE resources(id TEXT PRIMARY KEY COLLATE NOCASE, json TEXT NOT NULL);"
    "CREATE TABLE assessments(id TEXT PRIMARY KEY COLLATE NOCASE, json TEXT NOT NULL);"
    "CREATE TABLE metadata(id TEXT PRIMARY KEY COLLATE NOCASE, json TEXT NOT NULL);"
    "CREATE TABLE assignments(id TEXT PRIMARY KEY COLLATE NOCASE, json TEXT NOT NULL);"
    "CREATE TABLE exemptions(id TEXT PRIMARY KEY COLLATE NOCASE, json TEXT NOT NULL);"
    "CREATE TABLE containers(id TEXT PRIMARY KEY COLLATE NOCASE, json TEXT NOT NULL);"
    "CREATE TABLE tokens(id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, principal TEXT NOT "
    "NULL, role TEXT NOT NULL, scope TEXT NOT NULL, created INTEGER NOT NULL, revoked INTEGER NOT "
    "NULL DEFAULT 0);"
    "CREATE TABLE changes(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, kind TEXT NOT NULL, id "
    "TEXT NOT NULL, detail TEXT NOT NULL);"
    "CREATE INDEX changes_time ON changes(time);"
    "CREATE TABLE history(scope TEXT NOT NULL COLLATE NOCASE, time INTEGER NOT NULL, current REAL "
    "NOT NULL, max INTEGER NOT NULL, percentage REAL NOT NULL, PRIMARY KEY(scope, time));"
    "CREATE TABLE imports(path TEXT PRIMARY KEY, mtime INTEGER NOT NULL, size INTEGER NOT NULL);",
};

enum stmt { ST_INSERT, ST_UPDATE, ST_DELETE, ST_GET, ST_EACH, ST_COUNT, ST__PER_KIND };

struct ss_store {
    sqlite3 *db;
    sqlite3_stmt *kind[SS_STORE__KINDS][ST__PER_KIND];
    bool in_tx;
};

int ss_store_schema_version(void)
{
    return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

static enum ss_err fail(struct ss_store *st, struct ss_diag *diag, const char *what)
{
    return ss_diag_set(diag, SS_ESTORE, "%s: %s", what, st && st->db ? sqlite3_errmsg(st->db) : "");
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *q;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(q) == SQLITE_ROW)
        v = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return v;
}

static enum ss_err migrate(struct ss_store *st, struct ss_diag *diag)
{
    int have = user_version(st->db), want = ss_store_schema_version();
    if (have < 0)
        return fail(st, diag, "reading the schema version");
    if (have > want)
        return ss_diag_set(diag, SS_ESTORE,
                           "the database has schema version %d; this build knows up to %d", have,
                           want);
    for (int v = have; v < want; v++) {
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", v + 1);
        if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            return fail(st, diag, "migration");
        if (sqlite3_exec(st->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(st->db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            enum ss_err e = fail(st, diag, "migration");
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            return e;
        }
    }
    return SS_OK;
}

static enum ss_err prepare(struct ss_store *st, struct ss_diag *diag)
{
    static const char *const fmt[ST__PER_KIND] = {
        "INSERT OR IGNORE INTO %s(id, json) VALUES(?1, ?2)",
        "UPDATE %s SET json = ?2 WHERE id = ?1",
        "DELETE FROM %s WHERE id = ?1",
        "SELECT json FROM %s WHERE id = ?1",
        "SELECT id, json FROM %s ORDER BY rowid",
        "SELECT count(*) FROM %s",
    };
    for (int k = 0; k < SS_STORE__KINDS; k++)
        for (int s = 0; s < ST__PER_KIND; s++) {
            char sql[128];
            snprintf(sql, sizeof(sql), fmt[s], tables[k]);
            if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->kind[k][s],
                                   NULL) != SQLITE_OK)
                return fail(st, diag, "preparing statements");
        }
    return SS_OK;
}

enum ss_err ss_store_open(const char *path, struct ss_store **out, struct ss_diag *diag)
{
    struct ss_store *st = ss_xcalloc(1, sizeof(*st));
    enum ss_err e = SS_OK;
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        e = ss_diag_set(diag, SS_EOPEN, "cannot open database: %s", sqlite3_errmsg(st->db));
        ss_diag_set_file(diag, path);
        ss_store_close(st);
        return e;
    }
    sqlite3_busy_timeout(st->db, 5000);
    sqlite3_extended_result_codes(st->db, 1);
    /* A file that is not a database fails on the first read: say so plainly. */
    if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(st->db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", NULL, NULL,
                     NULL) != SQLITE_OK)
        e = ss_diag_set(diag, SS_ESTORE, "not a securescore database: %s", sqlite3_errmsg(st->db));
    if (!e)
        e = migrate(st, diag);
    if (!e)
        e = prepare(st, diag);
    if (e) {
        ss_diag_set_file(diag, path);
        ss_store_close(st);
        return e;
    }
    *out = st;
    return SS_OK;
}

void ss_store_close(struct ss_store *st)
{
    if (!st)
        return;
    if (st->in_tx)
        ss_store_rollback(st);
    for (int k = 0; k < SS_STORE__KINDS; k++)
        for (int s = 0; s < ST__PER_KIND; s++)
            sqlite3_finalize(st->kind[k][s]);
    sqlite3_close(st->db);
    free(st);
}

void ss_store_set_durable(struct ss_store *st, bool durable)
{
    sqlite3_exec(st->db, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", NULL,
                 NULL, NULL);
}

enum ss_err ss_store_begin(struct ss_store *st)
{
    if (st->in_tx)
        return SS_EINTERNAL;
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return SS_ESTORE;
    st->in_tx = true;
    return SS_OK;
}

enum ss_err ss_store_commit(struct ss_store *st)
{
    if (!st->in_tx)
        return SS_EINTERNAL;
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        ss_store_rollback(st);
        return SS_ESTORE;
    }
    st->in_tx = false;
    return SS_OK;
}

void ss_store_rollback(struct ss_store *st)
{
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_tx = false;
}

/* Runs a statement to completion; true if it succeeded. Resets it either way. */
static bool run(sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

static void bind_text(sqlite3_stmt *q, int i, const char *s, size_t len)
{
    sqlite3_bind_text64(q, i, s, len, SQLITE_STATIC, SQLITE_UTF8);
}

enum ss_err ss_store_put(struct ss_store *st, enum ss_store_kind kind, const char *id, size_t idlen,
                         const char *json, size_t len, bool *created)
{
    sqlite3_stmt *ins = st->kind[kind][ST_INSERT], *upd = st->kind[kind][ST_UPDATE];
    bind_text(ins, 1, id, idlen);
    bind_text(ins, 2, json, len);
    if (!run(ins))
        return SS_ESTORE;
    bool added = sqlite3_changes(st->db) > 0;
    if (!added) {
        bind_text(upd, 1, id, idlen);
        bind_text(upd, 2, json, len);
        if (!run(upd))
            return SS_ESTORE;
    }
    if (created)
        *created = added;
    return SS_OK;
}

enum ss_err ss_store_delete(struct ss_store *st, enum ss_store_kind kind, const char *id,
                            size_t idlen)
{
    sqlite3_stmt *q = st->kind[kind][ST_DELETE];
    bind_text(q, 1, id, idlen);
    if (!run(q))
        return SS_ESTORE;
    return sqlite3_changes(st->db) > 0 ? SS_OK : SS_ENOENT;
}

enum ss_err ss_store_get(struct ss_store *st, enum ss_store_kind kind, const char *id, size_t idlen,
                         struct ss_buf *out)
{
    sqlite3_stmt *q = st->kind[kind][ST_GET];
    bind_text(q, 1, id, idlen);
    int rc = sqlite3_step(q);
    enum ss_err e = SS_ENOENT;
    if (rc == SQLITE_ROW) {
        ss_buf_add(out, (const char *)sqlite3_column_text(q, 0),
                   (size_t)sqlite3_column_bytes(q, 0));
        e = SS_OK;
    } else if (rc != SQLITE_DONE) {
        e = SS_ESTORE;
    }
    sqlite3_reset(q);
    return e;
}

enum ss_err ss_store_each(struct ss_store *st, enum ss_store_kind kind, ss_store_fn fn, void *arg)
{
    sqlite3_stmt *q = st->kind[kind][ST_EACH];
    enum ss_err e = SS_OK;
    int rc;
    while (!e && (rc = sqlite3_step(q)) == SQLITE_ROW)
        e = fn(arg, (const char *)sqlite3_column_text(q, 0), (size_t)sqlite3_column_bytes(q, 0),
               (const char *)sqlite3_column_text(q, 1), (size_t)sqlite3_column_bytes(q, 1));
    if (!e && rc != SQLITE_DONE)
        e = SS_ESTORE;
    sqlite3_reset(q);
    return e;
}

uint64_t ss_store_count(struct ss_store *st, enum ss_store_kind kind)
{
    sqlite3_stmt *q = st->kind[kind][ST_COUNT];
    uint64_t n = 0;
    if (sqlite3_step(q) == SQLITE_ROW)
        n = (uint64_t)sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return n;
}

/* ---- statements used rarely: prepared on use ---- */

static sqlite3_stmt *prep(struct ss_store *st, const char *sql)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
        return NULL;
    return q;
}

static enum ss_err exec1(sqlite3_stmt *q)
{
    if (!q)
        return SS_ESTORE;
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SS_OK : SS_ESTORE;
}

enum ss_err ss_store_token_add(struct ss_store *st, struct ss_store_token *t)
{
    sqlite3_stmt *q = prep(st, "INSERT INTO tokens(hash, principal, role, scope, created) "
                               "VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!q)
        return SS_ESTORE;
    sqlite3_bind_text(q, 1, t->hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, t->principal, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, t->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, t->scope, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 5, t->created);
    enum ss_err e = exec1(q);
    if (!e)
        t->id = sqlite3_last_insert_rowid(st->db);
    return e;
}

enum ss_err ss_store_token_revoke(struct ss_store *st, int64_t id)
{
    sqlite3_stmt *q = prep(st, "UPDATE tokens SET revoked = 1 WHERE id = ?1");
    if (!q)
        return SS_ESTORE;
    sqlite3_bind_int64(q, 1, id);
    enum ss_err e = exec1(q);
    if (!e && sqlite3_changes(st->db) == 0)
        e = SS_ENOENT;
    return e;
}

static void copy_col(char *dst, size_t size, sqlite3_stmt *q, int col)
{
    const char *s = (const char *)sqlite3_column_text(q, col);
    snprintf(dst, size, "%s", s ? s : "");
}

enum ss_err ss_store_token_each(struct ss_store *st,
                                enum ss_err (*fn)(void *arg, const struct ss_store_token *t),
                                void *arg)
{
    sqlite3_stmt *q = prep(
        st, "SELECT id, hash, principal, role, scope, created, revoked FROM tokens ORDER BY id");
    if (!q)
        return SS_ESTORE;
    enum ss_err e = SS_OK;
    int rc;
    while (!e && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        struct ss_store_token t;
        memset(&t, 0, sizeof(t));
        t.id = sqlite3_column_int64(q, 0);
        copy_col(t.hash, sizeof(t.hash), q, 1);
        copy_col(t.principal, sizeof(t.principal), q, 2);
        copy_col(t.role, sizeof(t.role), q, 3);
        copy_col(t.scope, sizeof(t.scope), q, 4);
        t.created = sqlite3_column_int64(q, 5);
        t.revoked = sqlite3_column_int(q, 6) != 0;
        e = fn(arg, &t);
    }
    if (!e && rc != SQLITE_DONE)
        e = SS_ESTORE;
    sqlite3_finalize(q);
    return e;
}

enum ss_err ss_store_change(struct ss_store *st, int64_t time, const char *kind, const char *id,
                            const char *detail, size_t len)
{
    sqlite3_stmt *q =
        prep(st, "INSERT INTO changes(time, kind, id, detail) VALUES(?1, ?2, ?3, ?4)");
    if (!q)
        return SS_ESTORE;
    sqlite3_bind_int64(q, 1, time);
    sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, id, -1, SQLITE_STATIC);
    bind_text(q, 4, detail, len);
    return exec1(q);
}

enum ss_err ss_store_changes(struct ss_store *st, int64_t since, size_t limit,
                             enum ss_err (*fn)(void *arg, int64_t seq, int64_t time,
                                               const char *kind, const char *id,
                                               const char *detail),
                             void *arg)
{
    sqlite3_stmt *q = prep(st, "SELECT seq, time, kind, id, detail FROM changes WHERE time >= ?1 "
                               "ORDER BY seq LIMIT ?2");
    if (!q)
        return SS_ESTORE;
    sqlite3_bind_int64(q, 1, since);
    sqlite3_bind_int64(q, 2, limit ? (int64_t)limit : -1);
    enum ss_err e = SS_OK;
    int rc;
    while (!e && (rc = sqlite3_step(q)) == SQLITE_ROW)
        e = fn(arg, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
               (const char *)sqlite3_column_text(q, 2), (const char *)sqlite3_column_text(q, 3),
               (const char *)sqlite3_column_text(q, 4));
    if (!e && rc != SQLITE_DONE)
        e = SS_ESTORE;
    sqlite3_finalize(q);
    return e;
}

enum ss_err ss_store_prune_changes(struct ss_store *st, int64_t before)
{
    sqlite3_stmt *q = prep(st, "DELETE FROM changes WHERE time < ?1");
    if (!q)
        return SS_ESTORE;
    sqlite3_bind_int64(q, 1, before);
    return exec1(q);
}

enum ss_err ss_store_history_put(struct ss_store *st, int64_t time, const char *scope,
                                 double current, int max, double percentage)
{
    sqlite3_stmt *q = prep(st, "INSERT OR REPLACE INTO history(scope, time, current, max, "
                               "percentage) VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!q)
        return SS_ESTORE;
    sqlite3_bind_text(q, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, time);
    sqlite3_bind_double(q, 3, current);
    sqlite3_bind_int(q, 4, max);
    sqlite3_bind_double(q, 5, percentage);
    return exec1(q);
}

enum ss_err ss_store_history(struct ss_store *st, const char *scope, int64_t since,
                             enum ss_err (*fn)(void *arg, int64_t time, double current, int max,
                                               double percentage),
                             void *arg)
{
    sqlite3_stmt *q = prep(st, "SELECT time, current, max, percentage FROM history WHERE scope = "
                               "?1 AND time >= ?2 ORDER BY time");
    if (!q)
        return SS_ESTORE;
    sqlite3_bind_text(q, 1, scope, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, since);
    enum ss_err e = SS_OK;
    int rc;
    while (!e && (rc = sqlite3_step(q)) == SQLITE_ROW)
        e = fn(arg, sqlite3_column_int64(q, 0), sqlite3_column_double(q, 1),
               sqlite3_column_int(q, 2), sqlite3_column_double(q, 3));
    if (!e && rc != SQLITE_DONE)
        e = SS_ESTORE;
    sqlite3_finalize(q);
    return e;
}

bool ss_store_import_seen(struct ss_store *st, const char *path, int64_t mtime, int64_t size)
{
    sqlite3_stmt *q =
        prep(st, "SELECT 1 FROM imports WHERE path = ?1 AND mtime = ?2 AND size = ?3");
    if (!q)
        return false;
    sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, mtime);
    sqlite3_bind_int64(q, 3, size);
    bool seen = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return seen;
}

enum ss_err ss_store_import_mark(struct ss_store *st, const char *path, int64_t mtime, int64_t size)
{
    sqlite3_stmt *q =
        prep(st, "INSERT OR REPLACE INTO imports(path, mtime, size) VALUES(?1, ?2, ?3)");
    if (!q)
        return SS_ESTORE;
    sqlite3_bind_text(q, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, mtime);
    sqlite3_bind_int64(q, 3, size);
    return exec1(q);
}
