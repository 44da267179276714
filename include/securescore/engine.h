/*
 * securescore - the live engine behind `securescore serve`.
 *
 * An engine owns a catalog, a scoring state, the compiled built-in rules, the
 * resources (their JSON, indexed for auditIfNotExists lookups), the policy
 * assignments and a store (include/securescore/store.h). Every write is
 * committed to the store before it changes memory, so a failed or crashed
 * write leaves both as they were; at open, the state is rebuilt from the
 * store (resources are re-evaluated, pushed assessments replayed).
 *
 * A resource PUT is evaluated at once with the rules of its type, using the
 * assignment in force at its scope (the subscription's, else its nearest
 * management group's, else the tenant's): with effect Deny a non-compliant
 * resource is refused (SS_EDENIED) and nothing is written; Disabled makes
 * the recommendation NotApplicable (OffByPolicy). Resources whose
 * auditIfNotExists rules look for the written resource's type (its parent,
 * or resources of the rule's types in the subscription for a top-level
 * related resource) are re-evaluated, so one change costs O(its dependants),
 * never a rescan. A pushed assessment wins over an evaluated one.
 *
 * Not thread-safe: the server serialises writers and readers with a lock.
 */
#ifndef SECURESCORE_ENGINE_H
#define SECURESCORE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "securescore/buf.h"
#include "securescore/catalog.h"
#include "securescore/errors.h"
#include "securescore/json.h"
#include "securescore/score.h"
#include "securescore/store.h"

struct ss_engine;

struct ss_engine_opts {
    const char *db; /* store path */
    bool durable;   /* fsync every commit (see ss_store_set_durable) */
    /* Azure-format catalog files applied over the built-in catalog at every open (as scan's
     * --definitions and --metadata), or NULL. */
    const char *definitions;
    const char *metadata;
    /* Days the change log keeps (ss_engine_tick prunes older changes); 0 = forever. */
    unsigned retention_days;
};

struct ss_engine_stats {
    uint64_t resources;   /* live resources */
    uint64_t evaluations; /* rule evaluations since open */
    uint64_t denied;      /* PUTs refused by a Deny assignment */
    uint64_t writes;      /* committed writes since open */
    uint64_t pushed;      /* pushed assessments */
    uint64_t generation;  /* bumped by every change of the state */
};

/* Opens the store and rebuilds the state from it. */
enum ss_err ss_engine_open(const struct ss_engine_opts *opts, struct ss_engine **out,
                           struct ss_diag *diag);
void ss_engine_close(struct ss_engine *e);
struct ss_score *ss_engine_score(struct ss_engine *e);
const struct ss_catalog *ss_engine_catalog(const struct ss_engine *e);
struct ss_store *ss_engine_store(struct ss_engine *e);
void ss_engine_stats(const struct ss_engine *e, struct ss_engine_stats *out);

/* ---- resources ---- */

/*
 * Creates or replaces the resource `id` (an ARM resource id under a resource
 * group, `/subscriptions/{s}/resourceGroups/{g}/providers/{ns}/{type}/{name}`,
 * child types allowed) with `body` (ARM shape: location, tags, properties,
 * kind, sku, ...; its id, name and type are set from `id`). Writes the stored
 * resource to `out` (may be NULL). SS_EINPUT for a malformed id or body,
 * SS_EDENIED when a Deny assignment refuses it (diag names the assignment
 * and the definition), SS_ESTORE when the commit fails.
 */
enum ss_err ss_engine_put_resource(struct ss_engine *e, const char *id, size_t idlen,
                                   struct ss_json body, bool *created, struct ss_buf *out,
                                   struct ss_diag *diag);
/*
 * What-if: the effect of a PUT of `body` at `id`, without writing anything:
 * appends {"resourceId", "created", "denied", "message"?, "assessments":
 * [{"name", "displayName", "status", "description"}], "secureScore":
 * {"subscriptionId", "before", "after", "delta", "max", "controls": [{"control",
 * "before", "after", "delta"}]}} to `out`. Dependants (resources whose
 * auditIfNotExists rules look for this one) are included. The state is the
 * same afterwards. SS_ENOENT for a subscription without a score yet.
 */
enum ss_err ss_engine_what_if(struct ss_engine *e, const char *id, size_t idlen,
                              struct ss_json body, struct ss_buf *out, struct ss_diag *diag);
/* Appends the resource's JSON; SS_ENOENT if none. */
enum ss_err ss_engine_get_resource(struct ss_engine *e, const char *id, size_t idlen,
                                   struct ss_buf *out);
enum ss_err ss_engine_delete_resource(struct ss_engine *e, const char *id, size_t idlen,
                                      struct ss_diag *diag);
/* Calls `fn` for every live resource whose id starts with `prefix` (ignoring case, at a
 * segment boundary), in id order of creation; `fn` returning false stops. */
void ss_engine_each_resource(struct ss_engine *e, const char *prefix, size_t len,
                             bool (*fn)(void *arg, struct ss_json res), void *arg);

/* ---- pushed assessments ---- */

/*
 * Stores the assessment `key` of resource `resource_id` (any ARM id: a
 * resource, a resource group, a subscription) from `body` (REST shape:
 * properties.status.code Healthy|Unhealthy|NotApplicable, cause,
 * description; properties.resourceDetails). The key must be a known
 * recommendation (built-in or metadata added at the subscription).
 */
enum ss_err ss_engine_put_assessment(struct ss_engine *e, const char *resource_id, size_t rlen,
                                     const char *key, size_t klen, struct ss_json body,
                                     bool *created, struct ss_diag *diag);
enum ss_err ss_engine_delete_assessment(struct ss_engine *e, const char *resource_id, size_t rlen,
                                        const char *key, size_t klen, struct ss_diag *diag);
/* The additionalData of the pushed assessment of (res, rec), compact JSON, or NULL. */
const char *ss_engine_additional_data(const struct ss_engine *e, uint32_t res, uint32_t rec);
/* True if (res, rec) holds a pushed assessment (not an evaluated one). */
bool ss_engine_is_pushed(const struct ss_engine *e, uint32_t res, uint32_t rec);

/* ---- assessment metadata at a subscription ---- */

/* Adds or replaces custom metadata `key` in subscription `sub_id` (REST shape). */
enum ss_err ss_engine_put_metadata(struct ss_engine *e, const char *sub_id, const char *key,
                                   size_t klen, struct ss_json body, bool *created,
                                   struct ss_diag *diag);
enum ss_err ss_engine_delete_metadata(struct ss_engine *e, const char *sub_id, const char *key,
                                      size_t klen, struct ss_diag *diag);
/* True if subscription `sub_id` has custom metadata `key`. */
bool ss_engine_has_metadata(const struct ss_engine *e, const char *sub_id, uint32_t rec);

/* ---- policy assignments ---- */

enum ss_assign_effect {
    SS_ASSIGN_DEFAULT = 0, /* the rule's own effect (Audit or AuditIfNotExists) */
    SS_ASSIGN_AUDIT,
    SS_ASSIGN_DENY,
    SS_ASSIGN_DISABLED,
    SS_ASSIGN_AUDIT_IF_NOT_EXISTS,
};

struct ss_assignment {
    char scope[256]; /* "/", a management group id or "/subscriptions/{s}" */
    uint32_t rec;
    enum ss_assign_effect effect;
    const char *parameters; /* JSON {"name": {"value": V}} or NULL; borrowed */
};

/* "Audit", "Deny", ... ; parsing ignores case. */
const char *ss_assign_effect_name(enum ss_assign_effect e);
bool ss_assign_effect_parse(const char *s, size_t len, enum ss_assign_effect *out);

/* Sets (creates or replaces) the assignment of `a->rec` at `a->scope`, and re-evaluates. */
enum ss_err ss_engine_assign(struct ss_engine *e, const struct ss_assignment *a, bool *created,
                             struct ss_diag *diag);
enum ss_err ss_engine_unassign(struct ss_engine *e, const char *scope, uint32_t rec,
                               struct ss_diag *diag);
/* Calls `fn` for each assignment under `scope` ("/" = all); parameters as compact JSON. */
void ss_engine_each_assignment(struct ss_engine *e, const char *scope,
                               void (*fn)(void *arg, const struct ss_assignment *a), void *arg);

/* ---- exemptions ---- */

/*
 * Creates or replaces the exemption `name` at `scope` (a management group, a
 * subscription, a resource group or a resource id; "/" the tenant) from
 * `body` {"properties": {"recommendations": [KEY or display name...],
 * "category": "Waiver"|"Mitigated", "expiresOn": TIME, "displayName",
 * "description"}}: the pairs it covers are NotApplicable with cause Exempt
 * until it expires. Writes the stored exemption to `out` (may be NULL).
 */
enum ss_err ss_engine_put_exemption(struct ss_engine *e, const char *scope, const char *name,
                                    size_t nlen, struct ss_json body, bool *created,
                                    struct ss_buf *out, struct ss_diag *diag);
enum ss_err ss_engine_delete_exemption(struct ss_engine *e, const char *scope, const char *name,
                                       size_t nlen, struct ss_diag *diag);
/* Calls `fn` with the id and JSON of each exemption whose scope is under `scope`. */
void ss_engine_each_exemption(struct ss_engine *e, const char *scope,
                              void (*fn)(void *arg, const char *id, struct ss_json ex), void *arg);
/* Moves the clock to `now` (ticks): exemptions that expired by then stop applying; once a day
 * it records every enabled subscription's score in the history (a snapshot even when nothing
 * changed) and prunes the change log to `retention_days`. Cheap otherwise. */
void ss_engine_tick(struct ss_engine *e, int64_t now);

/* ---- hierarchy and imports ---- */

/*
 * Reads a file or directory of inventories, assessment exports, resource
 * containers and hierarchy files (as `scan` reads them) into the engine in
 * one transaction: all of it or, on error, nothing.
 */
enum ss_err ss_engine_import(struct ss_engine *e, const char *path, struct ss_diag *diag);

#endif
