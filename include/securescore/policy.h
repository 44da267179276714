/*
 * securescore - Azure Policy rules: compile a definition once, evaluate it on
 * resources (DESIGN.md §4, research/azure_policy.md).
 *
 * A definition (`{"properties": {"mode", "parameters", "policyRule": {"if",
 * "then"}}}`, or just the `properties` object, or just a `policyRule`) is
 * compiled with its assignment's parameter values into a `struct ss_policy`:
 * a tree of conditions whose operators and template functions are indexes into
 * tables. The compiled policy is immutable and may be shared by threads.
 *
 * Evaluating it on one resource uses a `struct ss_policy_eval` (one per
 * thread): every intermediate value comes from its arena, which is reset at
 * the start of each evaluation, and a step budget bounds the work.
 *
 * Related resources (auditIfNotExists / deployIfNotExists) come from a
 * `struct ss_policy_inventory`: an index of resources by parent id, resource
 * group and subscription, and type, built once per inventory.
 *
 * Outcomes follow Defender: `if` false on the type/name/kind conditions (all
 * of `if` for the *IfNotExists effects) -> NotApplicable; audit/deny/modify/
 * append: `if` true -> Unhealthy, else Healthy; *IfNotExists: Healthy when a
 * related resource satisfies `existenceCondition`. Disabled rules and
 * data-plane modes (`Microsoft.Kubernetes.Data`, ...) give NotApplicable.
 */
#ifndef SECURESCORE_POLICY_H
#define SECURESCORE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "securescore/errors.h"
#include "securescore/json.h"

enum ss_policy_outcome {
    SS_POLICY_NOT_APPLICABLE = 0,
    SS_POLICY_HEALTHY = 1,
    SS_POLICY_UNHEALTHY = 2,
};

/* X(enum, lower-case Azure name) */
#define SS_POLICY_EFFECT_LIST(X)                                                                   \
    X(SS_EFFECT_AUDIT, "audit")                                                                    \
    X(SS_EFFECT_DENY, "deny")                                                                      \
    X(SS_EFFECT_AUDIT_IF_NOT_EXISTS, "auditifnotexists")                                           \
    X(SS_EFFECT_DEPLOY_IF_NOT_EXISTS, "deployifnotexists")                                         \
    X(SS_EFFECT_DISABLED, "disabled")                                                              \
    X(SS_EFFECT_MODIFY, "modify")                                                                  \
    X(SS_EFFECT_APPEND, "append")                                                                  \
    X(SS_EFFECT_MANUAL, "manual")                                                                  \
    X(SS_EFFECT_DENY_ACTION, "denyaction")                                                         \
    X(SS_EFFECT_AUDIT_ACTION, "auditaction")                                                       \
    X(SS_EFFECT_MUTATE, "mutate")                                                                  \
    X(SS_EFFECT_ENFORCE_REGO, "enforceregopolicy")                                                 \
    X(SS_EFFECT_ENFORCE_SETTING, "enforcesetting")

enum ss_policy_effect {
#define SS__EFFECT_ENUM(e, name) e,
    SS_POLICY_EFFECT_LIST(SS__EFFECT_ENUM)
#undef SS__EFFECT_ENUM
        SS_EFFECT__COUNT
};

struct ss_policy;
struct ss_policy_aliases;
struct ss_policy_inventory;
struct ss_policy_eval;

/* "Healthy", "Unhealthy", "NotApplicable". Static storage. */
const char *ss_policy_outcome_name(enum ss_policy_outcome o);
/* Lower-case effect name ("auditifnotexists"). Static storage. */
const char *ss_policy_effect_name(enum ss_policy_effect e);

/*
 * Loads an `alias,path` table (one pair a line; a header line is skipped;
 * gzip-compressed or plain text) from `path`. Returns new in *out (free with
 * ss_policy_aliases_free). Errors: SS_EOPEN, SS_EINPUT (line in diag),
 * SS_ETOOBIG (SS_POLICY_MAX_ALIAS_FILE).
 */
enum ss_err ss_policy_aliases_load(const char *path, struct ss_policy_aliases **out,
                                   struct ss_diag *diag);
void ss_policy_aliases_free(struct ss_policy_aliases *a);
/* Number of aliases in the table. */
size_t ss_policy_aliases_count(const struct ss_policy_aliases *a);

struct ss_policy_opts {
    /* Assignment parameter values, Azure's shape {"name": {"value": V}}; absent = defaults.
     * Borrowed for the call only (copied). */
    struct ss_json params;
    /* Alias table consulted before the built-in rule; NULL = none. Borrowed: must outlive
     * the policy. */
    const struct ss_policy_aliases *aliases;
    /* Step budget of one evaluation; 0 = SS_POLICY_MAX_STEPS. */
    uint64_t max_steps;
    /* Ignore assigned values for parameters the definition does not declare (an initiative
     * written for another version of the definition) instead of failing with SS_EINPUT. */
    bool lenient_params;
};

/*
 * Compiles a definition. `def` is borrowed for the call (the policy keeps its
 * own copy); `opts` may be NULL. On success *out is new (free with
 * ss_policy_free). Errors carry the JSON pointer of the fault in `diag`
 * (relative to `def`): SS_EUNSUPPORTED (unknown operator, function or effect),
 * SS_EINPUT (malformed condition, bad template expression, parameter of the
 * wrong type or without a value), SS_EDEPTH (nesting beyond a named limit).
 */
enum ss_err ss_policy_compile(struct ss_json def, const struct ss_policy_opts *opts,
                              struct ss_policy **out, struct ss_diag *diag);
void ss_policy_free(struct ss_policy *p);

/* The effect after parameter resolution. */
enum ss_policy_effect ss_policy_effect(const struct ss_policy *p);
/* True for resource-provider (data-plane) modes such as Microsoft.Kubernetes.Data. */
bool ss_policy_is_data_plane(const struct ss_policy *p);
/* The definition's `name` (a GUID for built-ins) and displayName; {NULL,0} if absent.
 * Borrowed from the policy. */
struct ss_str ss_policy_name(const struct ss_policy *p);
struct ss_str ss_policy_display_name(const struct ss_policy *p);
/*
 * The resource types the rule can apply to, from the `field: type` equals/in
 * conditions every applicable resource must meet (literals or parameters), as
 * written in the definition (compare ignoring case). Returns false when the
 * rule does not constrain the type: evaluate it on every resource. Lets a scan
 * index rules by type instead of trying each on each resource. *types is
 * borrowed from the policy.
 */
bool ss_policy_types(const struct ss_policy *p, const struct ss_str **types, size_t *n);
/* `details.type` of an *IfNotExists rule (literal), {NULL,0} otherwise. */
struct ss_str ss_policy_related_type(const struct ss_policy *p);

/*
 * Writes the parameter values the initiative `set` (a policySetDefinition)
 * assigns to its reference whose policyDefinitionId ends with `def_name`
 * (the definition's GUID), with the initiative's defaults, as a JSON object
 * {"name": {"value": V}} into `out` (appended). Errors: SS_ENOENT (no such
 * reference), SS_EINPUT (malformed set, pointer in diag).
 */
enum ss_err ss_policy_set_params(struct ss_json set, const char *def_name, size_t len,
                                 struct ss_buf *out, struct ss_diag *diag);

/* ---- inventory of related resources ---- */

/* Returns a new, empty index (free with ss_policy_inventory_free). */
struct ss_policy_inventory *ss_policy_inventory_new(void);
void ss_policy_inventory_free(struct ss_policy_inventory *inv);
struct ss_policy_inventory_item;
/*
 * Adds a resource and, recursively, the children nested in its `resources`
 * array. `res` is borrowed: its document must outlive the inventory (or the
 * item's removal). Resources without an id are indexed under their parent
 * only. Returns a handle for ss_policy_inventory_remove (NULL if nothing was
 * added: `res` is not an object).
 */
struct ss_policy_inventory_item *ss_policy_inventory_add(struct ss_policy_inventory *inv,
                                                         struct ss_json res);
/* Removes what one ss_policy_inventory_add added, in O(entries) (NULL: no-op). */
void ss_policy_inventory_remove(struct ss_policy_inventory *inv,
                                struct ss_policy_inventory_item *item);

enum ss_policy_scope {
    SS_POLICY_SCOPE_PARENT = 0, /* resources whose parent is the given id */
    SS_POLICY_SCOPE_GROUP,      /* resources in the given resource group id */
    SS_POLICY_SCOPE_SUBSCRIPTION,
};
/*
 * Calls `fn` for each indexed resource of `type` (ignoring case) in the given
 * scope, until it returns false. One hash probe; the inventory is not scanned.
 */
void ss_policy_inventory_each(const struct ss_policy_inventory *inv, enum ss_policy_scope scope,
                              const char *id, size_t idlen, const char *type, size_t typelen,
                              bool (*fn)(void *ctx, struct ss_json res), void *ctx);
/* Number of resources indexed (nested children included). */
size_t ss_policy_inventory_count(const struct ss_policy_inventory *inv);

/* ---- evaluation ---- */

/* Returns a new evaluation context (its arena); one per thread. */
struct ss_policy_eval *ss_policy_eval_new(void);
void ss_policy_eval_free(struct ss_policy_eval *ev);

struct ss_policy_result {
    enum ss_policy_outcome outcome;
    /* JSON pointer (within the definition) of the condition that decided, or a short
     * reason ("effect disabled", "no related Microsoft.Insights/diagnosticSettings"). */
    char why[256];
};

/*
 * Evaluates `p` on `resource` (borrowed). `inv` (may be NULL) supplies the
 * related resources of *IfNotExists rules; without a match the outcome is
 * Unhealthy. Errors (outputs untouched): SS_EBUDGET (step budget), SS_EINPUT
 * (a template function failed on this resource: message and pointer in diag).
 */
enum ss_err ss_policy_evaluate(struct ss_policy_eval *ev, const struct ss_policy *p,
                               struct ss_json resource, const struct ss_policy_inventory *inv,
                               struct ss_policy_result *out, struct ss_diag *diag);

#endif
