/*
 * securescore - persistence (DESIGN.md §6).
 *
 * The store keeps what the server must not lose: resources (their JSON as
 * received), pushed assessments, assessment metadata, policy assignments,
 * exemptions, the hierarchy, API tokens, the change log and score history.
 * Everything else (evaluated assessments, counters) is derived and rebuilt in
 * memory at start.
 *
 * Records are JSON documents keyed by an id (compared ignoring ASCII case, as
 * ARM ids are) within a kind. Writes happen inside ss_store_begin/commit;
 * a write acknowledged to a client is committed first. The embedded backend
 * is SQLite in WAL mode; nothing of SQLite shows through this interface, so
 * another backend can implement it. Not thread-safe: one caller at a time.
 */
#ifndef SECURESCORE_STORE_H
#define SECURESCORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "securescore/buf.h"
#include "securescore/errors.h"

enum ss_store_kind {
    SS_STORE_RESOURCE = 0, /* ARM resources, id = resource id */
    SS_STORE_ASSESSMENT,   /* pushed assessments, id = {resource id}/providers/.../assessments/{key}
                            */
    SS_STORE_METADATA,     /* custom assessment metadata, id = {scope}/providers/.../{key} */
    SS_STORE_ASSIGNMENT,   /* policy assignments, id = {scope}/providers/.../assignments/{key} */
    SS_STORE_EXEMPTION,    /* exemptions, id = {scope}/providers/.../exemptions/{name} */
    SS_STORE_CONTAINER,    /* subscriptions and management groups, id = their ARM id */
    SS_STORE__KINDS
};

struct ss_store;

/* The schema version this build writes (the number of its migrations). */
int ss_store_schema_version(void);

/*
 * Opens (creating if needed) the store at `path` and brings its schema up to
 * date with the numbered migrations, each in its own transaction. SS_EOPEN
 * if it cannot be opened, SS_ESTORE if it is not a securescore store or is
 * newer than this build.
 */
enum ss_err ss_store_open(const char *path, struct ss_store **out, struct ss_diag *diag);
/* Closes the store (a transaction still open is rolled back). NULL is a no-op. */
void ss_store_close(struct ss_store *st);
/* Durability of commits: false (default) survives a crash of the process; true
 * (fsync at every commit) also survives a crash of the machine. */
void ss_store_set_durable(struct ss_store *st, bool durable);

enum ss_err ss_store_begin(struct ss_store *st);
enum ss_err ss_store_commit(struct ss_store *st);
void ss_store_rollback(struct ss_store *st);

/* Inserts or replaces record `id` of `kind`; *created (may be NULL) tells whether it is new. */
enum ss_err ss_store_put(struct ss_store *st, enum ss_store_kind kind, const char *id, size_t idlen,
                         const char *json, size_t len, bool *created);
/* Deletes record `id`; SS_ENOENT if there was none. */
enum ss_err ss_store_delete(struct ss_store *st, enum ss_store_kind kind, const char *id,
                            size_t idlen);
/* Appends the JSON of record `id` to `out`; SS_ENOENT if none. */
enum ss_err ss_store_get(struct ss_store *st, enum ss_store_kind kind, const char *id, size_t idlen,
                         struct ss_buf *out);
/* Calls `fn` for every record of `kind` in insertion order; a non-zero return stops it. */
typedef enum ss_err (*ss_store_fn)(void *arg, const char *id, size_t idlen, const char *json,
                                   size_t len);
enum ss_err ss_store_each(struct ss_store *st, enum ss_store_kind kind, ss_store_fn fn, void *arg);
/* Number of records of `kind`. */
uint64_t ss_store_count(struct ss_store *st, enum ss_store_kind kind);

/* ---- tokens ---- */

struct ss_store_token {
    int64_t id;    /* assigned by the store */
    char hash[65]; /* hex SHA-256 of the token; the token itself is never stored */
    char principal[128];
    char role[32];
    char scope[256];
    int64_t created; /* ticks */
    bool revoked;
};

/* Stores a new token (t->id is set). */
enum ss_err ss_store_token_add(struct ss_store *st, struct ss_store_token *t);
/* Marks token `id` revoked; SS_ENOENT if there is no such token. */
enum ss_err ss_store_token_revoke(struct ss_store *st, int64_t id);
/* Calls `fn` for every token (revoked ones too), by id. */
enum ss_err ss_store_token_each(struct ss_store *st,
                                enum ss_err (*fn)(void *arg, const struct ss_store_token *t),
                                void *arg);

/* ---- change log and history ---- */

/* Appends a change: `kind` ("resource", "assessment", ...), the id it concerns and a JSON detail.
 */
enum ss_err ss_store_change(struct ss_store *st, int64_t time, const char *kind, const char *id,
                            const char *detail, size_t len);
/* Calls `fn` for the changes with time >= since, oldest first, at most `limit` (0 = all). */
enum ss_err ss_store_changes(struct ss_store *st, int64_t since, size_t limit,
                             enum ss_err (*fn)(void *arg, int64_t seq, int64_t time,
                                               const char *kind, const char *id,
                                               const char *detail),
                             void *arg);
/* Records a score of `scope` at `time` (one row per scope and time). */
enum ss_err ss_store_history_put(struct ss_store *st, int64_t time, const char *scope,
                                 double current, int max, double percentage);
enum ss_err ss_store_history(struct ss_store *st, const char *scope, int64_t since,
                             enum ss_err (*fn)(void *arg, int64_t time, double current, int max,
                                               double percentage),
                             void *arg);
/* Deletes changes older than `before` (retention). */
enum ss_err ss_store_prune_changes(struct ss_store *st, int64_t before);

/* ---- imported files (serve --import/--watch) ---- */

/* True if the file was imported with this size and modification time already. */
bool ss_store_import_seen(struct ss_store *st, const char *path, int64_t mtime, int64_t size);
enum ss_err ss_store_import_mark(struct ss_store *st, const char *path, int64_t mtime,
                                 int64_t size);

#endif
