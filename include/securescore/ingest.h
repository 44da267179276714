/*
 * securescore - reading inputs into a scoring state.
 *
 * One entry point reads a file or a directory and recognises each value it
 * holds, whatever the file's shape (a single value, an array, JSON Lines,
 * an ARM list `{"value": [...]}`, a Resource Graph response `{"data":
 * [...]}`), by what the value is:
 *  - an assessment: `type` microsoft.security/assessments (a Resource Graph
 *    `securityresources` row or a REST assessment);
 *  - a subscription (`microsoft.resources/subscriptions`, with
 *    `properties.managementGroupAncestorsChain` as Resource Graph's
 *    `resourcecontainers` gives it) or a management group
 *    (`microsoft.management/managementgroups`);
 *  - a secure score row (`microsoft.security/securescores`): its weight is
 *    kept for that subscription;
 *  - a hierarchy file: an object with `managementGroups` and/or `subscriptions`;
 *  - anything else with an `id` and a `type`: a resource of the inventory
 *    (assessed with the built-in rules when evaluation is on, see
 *    ss_ingest_set_evaluate).
 * Keys of objects match case-insensitively, so PowerShell's `Id`/`Type`
 * work. Files are streamed: memory grows with the state, not the file.
 *
 * Assessments are matched to recommendations by key, then by the display
 * name of a built-in recommendation, then by the metadata the row embeds;
 * otherwise they are kept as custom (CustomerManaged) and do not count.
 * The same (resource, recommendation) twice in one file is an error; a
 * later file replaces an earlier one's assessment.
 *
 * Errors carry the file, line and column of the value and the JSON pointer
 * of the offending field. A failing file leaves the values before the
 * fault in the state: callers that need all-or-nothing (the CLI does)
 * discard the state on error.
 */
#ifndef SECURESCORE_INGEST_H
#define SECURESCORE_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "securescore/catalog.h"
#include "securescore/errors.h"
#include "securescore/json.h"
#include "securescore/score.h"

struct ss_ingest_stats {
    uint64_t files;
    uint64_t values;
    uint64_t resources;     /* inventory resources read */
    uint64_t assessments;   /* assessments read */
    uint64_t replaced;      /* assessments that replaced one from an earlier file */
    uint64_t custom;        /* assessments kept as custom (no counting recommendation) */
    uint64_t subscriptions; /* subscription rows read */
    uint64_t management_groups;
    uint64_t skipped;     /* values recognised but not used (resource groups, controls) */
    uint64_t evaluated;   /* assessments produced by the built-in rules */
    uint64_t rules;       /* built-in rules evaluated (compiled, not external findings) */
    uint64_t eval_errors; /* evaluations that failed (step budget, template error) */
};

struct ss_ingest;

/* Called for each input file; returning an error stops the walk. */
typedef enum ss_err (*ss_file_fn)(void *arg, const char *path, struct ss_diag *diag);
/*
 * Calls `fn` for `path` if it is a file (or "-"), or for every *.json,
 * *.jsonl and *.ndjson file below it if it is a directory, recursively, in
 * name order. SS_EOPEN if a directory cannot be read.
 */
enum ss_err ss_input_files(const char *path, ss_file_fn fn, void *arg, struct ss_diag *diag);

/* Returns a new reader filling `s` (borrowed) and, for unknown keys, `cat` (borrowed). */
struct ss_ingest *ss_ingest_new(struct ss_score *s, struct ss_catalog *cat);
void ss_ingest_free(struct ss_ingest *in);
/* Marks a file not to be read as an input when a directory holds it (the
 * exemptions file given on its own, for instance). */
void ss_ingest_skip(struct ss_ingest *in, const char *path);
/* Reads a file ("-" = standard input) or, recursively, a directory's *.json,
 * *.jsonl and *.ndjson files in name order. */
enum ss_err ss_ingest_path(struct ss_ingest *in, const char *path, struct ss_diag *diag);
/* Reads `len` bytes of text named `name`. */
enum ss_err ss_ingest_text(struct ss_ingest *in, const char *text, size_t len, const char *name,
                           struct ss_diag *diag);
/*
 * Reads an exemptions file:
 *   {"exemptions": [{"scope": ID, "recommendations": [KEY or display name...],
 *                    "category": "Waiver"|"Mitigated", "expiresOn": TIME,
 *                    "displayName": ..., "description": ..., "createdBy": ...}],
 *    "disabled":   [{"scope": "/"|MG id|subscription id, "recommendations": [...]}]}
 */
enum ss_err ss_ingest_exemptions(struct ss_ingest *in, const char *path, struct ss_diag *diag);
/*
 * Turns evaluation with the built-in rules (catalog/rules/) on or off (default
 * off). When on, the inventory resources read are kept (copied) and, in
 * ss_ingest_finish, every rule that applies to a resource's type is evaluated
 * on it (related resources for auditIfNotExists come from the whole
 * inventory): the outcome becomes an assessment of the rule's recommendation
 * with cause "PolicyEvaluation" and a description naming the deciding
 * condition ("Unhealthy: /properties/policyRule/if/allOf/1"); NotApplicable
 * too, except from a rule that does not name its types. An imported assessment of the same
 * (resource, recommendation) wins, whatever the order of the inputs. Rules about external findings
 * (related type Microsoft.Security/assessments or Guest Configuration) are not evaluated.
 */
void ss_ingest_set_evaluate(struct ss_ingest *in, bool on);
/* What a sink is told of. */
enum ss_ingest_kind {
    SS_INGEST_RESOURCE,   /* an inventory resource: `res` is its score resource */
    SS_INGEST_ASSESSMENT, /* an assessment, stored already: `res` and `rec` */
    SS_INGEST_CONTAINER,  /* a subscription, management group or hierarchy file, applied */
};
/* Called after each value is used, with the value and its bytes in the input
 * (valid for the call only); an error stops the read. */
typedef enum ss_err (*ss_ingest_sink)(void *arg, enum ss_ingest_kind kind, struct ss_json v,
                                      struct ss_str raw, uint32_t res, uint32_t rec,
                                      struct ss_diag *diag);
/* Sets a sink (NULL: none). The live engine keeps what it reads this way. */
void ss_ingest_set_sink(struct ss_ingest *in, ss_ingest_sink fn, void *arg);
/* Evaluates the kept resources (see ss_ingest_set_evaluate), then applies
 * everything read (effective statuses after late hierarchy or exemptions). */
void ss_ingest_finish(struct ss_ingest *in);
const struct ss_ingest_stats *ss_ingest_stats(const struct ss_ingest *in);

#endif
