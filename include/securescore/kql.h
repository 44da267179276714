/*
 * securescore - Resource Graph queries: the KQL subset of DESIGN.md §8.
 *
 * A query is lexed, parsed (every node keeps its line and column), checked,
 * planned and executed over tables the caller supplies as JSON arrays of
 * row objects (ARG rows: id, name, type, tenantId, kind, location,
 * resourceGroup, subscriptionId, managedBy, sku, plan, properties,
 * tags, identity, zones, extendedLocation). Table names are matched ignoring
 * case. Execution is bounded by a step budget and a memory budget
 * (SS_EBUDGET with a clear message); a syntax or semantic error is
 * SS_EQUERY with the line, column and offending token in the diagnostic.
 *
 * The result is a table: typed columns (Kusto's string, long, real, bool,
 * datetime, timespan, dynamic) and rows. It is written as Resource Graph's
 * objectArray or table format, as CSV or as an aligned text table.
 */
#ifndef SECURESCORE_KQL_H
#define SECURESCORE_KQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "securescore/buf.h"
#include "securescore/catalog.h"
#include "securescore/engine.h"
#include "securescore/errors.h"
#include "securescore/json.h"
#include "securescore/score.h"

/* One input table: `rows` is a JSON array of objects (borrowed for the run). */
struct ss_kql_table {
    const char *name; /* "securityresources", "resources", "resourcecontainers" */
    struct ss_json rows;
    /* Optional row filter (authorisation): rows for which it returns false are not seen. */
    bool (*visible)(void *arg, struct ss_json row);
    void *visible_arg;
    /* True when the rows have ARG's columns only (as the ss_kql_*_row(s) builders write
     * them): the schema is known and the rows are not scanned for extra columns. */
    bool arg_columns_only;
};

struct ss_kql_opts {
    uint64_t max_steps;  /* 0 = SS_KQL_MAX_STEPS */
    uint64_t max_memory; /* bytes of intermediate results; 0 = SS_KQL_MAX_MEMORY */
    int64_t now;         /* ticks (ss_time_parse) for now() and ago(); 0 = the clock */
};

struct ss_kql_result;

/*
 * Runs `query` (len bytes, UTF-8) over `tables` (n of them). On success
 * *out is new (free with ss_kql_result_free). Errors: SS_EQUERY (syntax,
 * unknown table, column or function, wrong argument types: diag has line,
 * column and message naming the token), SS_EBUDGET, SS_ETOOBIG (query text
 * or literal beyond a limit), SS_EDEPTH (nesting).
 */
enum ss_err ss_kql_run(const char *query, size_t len, const struct ss_kql_table *tables, size_t n,
                       const struct ss_kql_opts *opts, struct ss_kql_result **out,
                       struct ss_diag *diag);
void ss_kql_result_free(struct ss_kql_result *r);

size_t ss_kql_result_rows(const struct ss_kql_result *r);
size_t ss_kql_result_columns(const struct ss_kql_result *r);
/* Name and Kusto type name ("string", "long", "real", "bool", "datetime", "timespan",
 * "dynamic") of column `c`. */
const char *ss_kql_result_column_name(const struct ss_kql_result *r, size_t c);
const char *ss_kql_result_column_type(const struct ss_kql_result *r, size_t c);

/* Writes rows [skip, skip + top) (top 0 = all) as a JSON array of objects (objectArray). */
void ss_kql_write_objects(const struct ss_kql_result *r, struct ss_jw *w, size_t skip, size_t top);
/* Writes {"columns": [{"name", "type"}...], "rows": [[...]...]} for the same slice (table). */
void ss_kql_write_table(const struct ss_kql_result *r, struct ss_jw *w, size_t skip, size_t top);
/* CSV (RFC 4180, header line, dynamic values as compact JSON) and an aligned text table. */
void ss_kql_write_csv(const struct ss_kql_result *r, struct ss_buf *out);
void ss_kql_write_text(const struct ss_kql_result *r, struct ss_buf *out);

/*
 * Builds the `securityresources` rows of a scored state as a JSON array
 * appended to `out`: one row per assessment (type microsoft.security/
 * assessments, properties with status, resourceDetails, displayName,
 * metadata and links embedded), per secure score (microsoft.security/
 * securescores) and per secure score control (microsoft.security/
 * securescores/securescorecontrols, with `definition` embedded) of every
 * enabled subscription, and per recommendation of the catalog
 * (microsoft.security/assessmentmetadata). `tenant` is the tenantId written
 * in every row.
 */
void ss_kql_security_rows(const struct ss_score *s, const struct ss_catalog *cat,
                          const char *tenant, struct ss_buf *out);
/* The tenant written when none is known ("00000000-0000-0000-0000-000000000000"). */
#define SS_KQL_DEFAULT_TENANT "00000000-0000-0000-0000-000000000000"
/*
 * Writes the `resources` row of an inventory value `v` (an ARM resource, keys
 * matched ignoring case): id, name, type (lower-case), tenantId (the value's,
 * else `tenant`), kind, location, resourceGroup (lower-case, from the id),
 * subscriptionId (from the id), managedBy, then the dynamic columns sku,
 * plan, properties, tags, identity, zones, extendedLocation (null if absent).
 * When the value has no tenantId and `tenant` is NULL, "" is written and
 * *tenant_at (if not NULL) gets the offset in w's buffer where that "" starts,
 * so a caller can fill it in later; otherwise *tenant_at is SIZE_MAX.
 */
void ss_kql_resource_row(struct ss_jw *w, struct ss_json v, const char *tenant, size_t *tenant_at);
/* Builds `resourcecontainers` rows (subscriptions with
 * properties.managementGroupAncestorsChain, management groups) of a state. */
void ss_kql_container_rows(const struct ss_score *s, const char *tenant, struct ss_buf *out);

/*
 * Builds the three tables of a live engine (a server's database): docs[0]
 * securityresources, docs[1] resources, docs[2] resourcecontainers, each a
 * new document (free with ss_json_doc_free). Rows carry `tenant`.
 */
enum ss_err ss_kql_engine_tables(struct ss_engine *e, const char *tenant,
                                 struct ss_json_doc *docs[3], struct ss_diag *diag);

#endif
