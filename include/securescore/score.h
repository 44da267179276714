/*
 * securescore - the secure score: assessment state and exact, incremental
 * scoring (DESIGN.md §3, normative).
 *
 * A `struct ss_score` holds the tenant: management groups, subscriptions
 * (and connectors), resources, and one assessment per (resource,
 * recommendation) pair. It keeps, for every resource and control, counts of
 * the resource's counting assessments by status, and for every
 * subscription and control the number of distinct resources that are
 * healthy, unhealthy and not applicable. Setting or removing one assessment
 * updates these counters in O(controls of its recommendation); reading a
 * subscription's score is O(controls).
 *
 * Effective status: a pair exempted by an active exemption is NotApplicable
 * with cause Exempt; a recommendation disabled at the subscription, one of
 * its management groups or the tenant is NotApplicable with cause
 * OffByPolicy. The status given stays stored; only the effective one counts.
 *
 * Rounding is .NET's Math.Round (ties to even, after scaling): rint() in the
 * default rounding mode, never round(). Not thread-safe: one writer, or
 * readers only.
 */
#ifndef SECURESCORE_SCORE_H
#define SECURESCORE_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "securescore/catalog.h"
#include "securescore/errors.h"

enum ss_status {
    SS_STATUS_NONE = 0, /* no assessment */
    SS_STATUS_HEALTHY,
    SS_STATUS_UNHEALTHY,
    SS_STATUS_NOTAPPLICABLE,
};

enum ss_environment {
    SS_ENV_AZURE = 0,
    SS_ENV_AWS,
    SS_ENV_GCP,
    SS_ENV_GITHUB,
    SS_ENV_AZUREDEVOPS,
    SS_ENV_GITLAB,
    SS_ENV__COUNT
};

enum ss_aggregation {
    SS_AGG_POOLED = 0, /* per control, H and U summed over the subscriptions (default) */
    SS_AGG_WEIGHTED,   /* Microsoft's tools: round(100 * Σ round2(w*cur/max) / Σ max(w,1), 2) */
};

/* A control's score, as the secureScoreControls API publishes it. */
struct ss_control_result {
    int max;           /* maxScore if any healthy or unhealthy resource, else 0 */
    double current;    /* round2(maxScore * H / (H + U)) */
    double percentage; /* round4(current / max), from the rounded current */
    uint32_t healthy;  /* distinct resources in each state */
    uint32_t unhealthy;
    uint32_t not_applicable;
    uint64_t weight; /* H + U */
};

/* A secure score (subscription or aggregate), as the secureScores API publishes it. */
struct ss_score_result {
    int max;           /* Σ control max */
    double current;    /* round2(Σ rounded control currents) */
    double percentage; /* round4(current / max); weighted: the weighted formula / 100 */
    uint64_t weight;   /* see ss_score_sub_weight */
};

/* ---- the formulas of DESIGN.md §3 ---- */

/* rint(x * 100) / 100 and rint(x * 10000) / 10000. */
double ss_round2(double x);
double ss_round4(double x);
/* A control's result from its max score and resource counts. */
void ss_control_score(int max_score, uint32_t healthy, uint32_t unhealthy, uint32_t na,
                      struct ss_control_result *out);
/* A total from control results (weight left 0). */
void ss_total_score(const struct ss_control_result *controls, size_t n,
                    struct ss_score_result *out);

/* ---- the state ---- */

struct ss_score;

/* Returns a new, empty state over `cat` (borrowed: must outlive it; its
 * controls must not change afterwards, recommendations may be added). */
struct ss_score *ss_score_new(struct ss_catalog *cat);
void ss_score_free(struct ss_score *s);
const struct ss_catalog *ss_score_catalog(const struct ss_score *s);

/* Management groups: found or created by name (case-insensitive). */
uint32_t ss_score_mg(struct ss_score *s, const char *name, size_t len);
/* Sets a group's display name (copied) and parent (another group, or -1 for the tenant root). */
void ss_score_mg_set(struct ss_score *s, uint32_t mg, const char *display_name, long parent);
size_t ss_score_nmgs(const struct ss_score *s);
const char *ss_score_mg_name(const struct ss_score *s, uint32_t mg);
const char *ss_score_mg_display(const struct ss_score *s, uint32_t mg);
long ss_score_mg_parent(const struct ss_score *s, uint32_t mg);

/* Subscriptions: found or created by GUID (case-insensitive). SS_EINPUT if not a GUID. */
enum ss_err ss_score_sub(struct ss_score *s, const char *id, size_t len, uint32_t *out);
/* Index of an existing subscription, or -1 (nothing is created). */
long ss_score_find_sub(const struct ss_score *s, const char *id, size_t len);
void ss_score_sub_set_name(struct ss_score *s, uint32_t sub, const char *display_name);
void ss_score_sub_set_env(struct ss_score *s, uint32_t sub, enum ss_environment env);
/* State other than "Enabled" (Disabled, Warned, PastDue, Deleted): no score, left out of
 * aggregates. */
void ss_score_sub_set_state(struct ss_score *s, uint32_t sub, const char *state);
/* Places the subscription directly under management group `mg` (-1: the tenant root). */
void ss_score_sub_set_mg(struct ss_score *s, uint32_t sub, long mg);
/* Keeps an imported weight (from Azure) instead of the computed one; -1 clears it. */
void ss_score_sub_set_weight(struct ss_score *s, uint32_t sub, int64_t weight);
size_t ss_score_nsubs(const struct ss_score *s);
const char *ss_score_sub_id(const struct ss_score *s, uint32_t sub);
const char *ss_score_sub_name(const struct ss_score *s, uint32_t sub);
enum ss_environment ss_score_sub_env(const struct ss_score *s, uint32_t sub);
const char *ss_score_sub_state(const struct ss_score *s, uint32_t sub);
bool ss_score_sub_enabled(const struct ss_score *s, uint32_t sub);
long ss_score_sub_mg(const struct ss_score *s, uint32_t sub);
/* True if `sub` sits under management group `mg` at any depth. */
bool ss_score_sub_in_mg(const struct ss_score *s, uint32_t sub, uint32_t mg);
/* The subscription weight: the imported one, else the number of distinct resources
 * with at least one counting Healthy or Unhealthy assessment (our documented choice). */
uint64_t ss_score_sub_weight(const struct ss_score *s, uint32_t sub);

/* Environment names as Azure writes them ("Azure", "AWS", ...); parsing ignores case. */
const char *ss_environment_name(enum ss_environment env);
bool ss_environment_parse(const char *name, size_t len, enum ss_environment *out);

/*
 * Resources: found or created by ARM id (case-insensitive). The subscription
 * is the id's "/subscriptions/{guid}" prefix; SS_EINPUT if it has none.
 * `type` (may be NULL) is stored lower-cased.
 */
enum ss_err ss_score_resource(struct ss_score *s, const char *id, size_t len, const char *type,
                              uint32_t *out);
/* Index of an existing resource, or -1. */
long ss_score_find_resource(const struct ss_score *s, const char *id, size_t len);
size_t ss_score_nresources(const struct ss_score *s);
const char *ss_score_resource_id(const struct ss_score *s, uint32_t res);
const char *ss_score_resource_type(const struct ss_score *s, uint32_t res);
uint32_t ss_score_resource_sub(const struct ss_score *s, uint32_t res);

/* One assessment to store. Strings are borrowed (copied or interned). */
struct ss_assessment {
    uint32_t res;
    uint32_t rec;
    enum ss_status status;
    const char *cause;        /* NULL or "" for none */
    const char *description;  /* NULL or "" for none */
    int64_t first_evaluation; /* ticks (see ss_time_parse), 0 unknown */
    int64_t status_change;    /* ticks, 0 unknown */
    uint32_t source;          /* input number: a second write from the same input is an error */
};

/*
 * Stores the assessment of (res, rec), replacing any earlier one, and updates
 * the counters. SS_EDUPLICATE if an assessment of the same pair came from the
 * same non-zero `source` (*prev_source tells which input). *replaced (may be
 * NULL) tells whether one was replaced.
 */
enum ss_err ss_score_set(struct ss_score *s, const struct ss_assessment *a, bool *replaced);
/* Removes the assessment of (res, rec); false if there was none. */
bool ss_score_remove(struct ss_score *s, uint32_t res, uint32_t rec);
/* Reads the assessment of (res, rec): false if none. Strings borrowed from the state. */
bool ss_score_get(const struct ss_score *s, uint32_t res, uint32_t rec, struct ss_assessment *out,
                  enum ss_status *effective, const char **effective_cause);
size_t ss_score_nassessments(const struct ss_score *s);
/* Iterates a resource's assessments: start with *cursor = 0; false at the end. */
bool ss_score_next_assessment(const struct ss_score *s, uint32_t res, uint32_t *cursor,
                              struct ss_assessment *out, enum ss_status *effective);

/* ---- exemptions and disabled recommendations ---- */

/*
 * An exemption: `scope` is an ARM id prefix (a subscription, resource group
 * or resource; "/" the tenant; a management group id
 * "/providers/Microsoft.Management/managementGroups/{name}"); it applies to
 * the resources under it for the recommendation `rec`, until `expires`
 * (ticks; 0 = never). `category` is "Waiver" or "Mitigated".
 */
enum ss_err ss_score_exempt(struct ss_score *s, const char *scope, uint32_t rec,
                            const char *category, int64_t expires, struct ss_diag *diag);
/* Disables `rec` at `scope` ("/", a management group id or "/subscriptions/{guid}"). */
enum ss_err ss_score_disable(struct ss_score *s, const char *scope, uint32_t rec,
                             struct ss_diag *diag);
/* Forgets every disabled recommendation (exemptions stay); call ss_score_reapply after
 * disabling the ones that remain. */
void ss_score_clear_disabled(struct ss_score *s);
/* Forgets every exemption (disabled recommendations stay); then ss_score_reapply. */
void ss_score_clear_exemptions(struct ss_score *s);
/* Sets the clock used for expiry (ticks); exemptions expired at `now` do not apply. */
void ss_score_set_now(struct ss_score *s, int64_t now);
/* Recomputes every effective status and all counters (after exemptions, disabled
 * recommendations or the hierarchy changed). O(assessments). */
void ss_score_reapply(struct ss_score *s);

/* ---- results ---- */

/* The result of control `ctl` in subscription `sub`. */
void ss_score_control_result(const struct ss_score *s, uint32_t sub, uint32_t ctl,
                             struct ss_control_result *out);
/* The secure score of a subscription (weight included); all zero if disabled. */
void ss_score_sub_result(const struct ss_score *s, uint32_t sub, struct ss_score_result *out);
/*
 * Aggregates over `subs` (n indexes; disabled ones are skipped). With
 * SS_AGG_POOLED the controls' counts are summed and the formulas applied to
 * the sums; with SS_AGG_WEIGHTED the total is Microsoft's weighted average
 * (per-control rows stay pooled). `controls` (may be NULL) receives one row
 * per catalog control. The total's weight is the sum of the weights.
 */
void ss_score_aggregate(const struct ss_score *s, const uint32_t *subs, size_t n,
                        enum ss_aggregation agg, struct ss_score_result *total,
                        struct ss_control_result *controls);
/*
 * The resource's state in a control: healthy, unhealthy, not applicable, or
 * NONE when it has no counting assessment in the control.
 */
enum ss_status ss_score_resource_state(const struct ss_score *s, uint32_t res, uint32_t ctl);

/* ---- time ---- */

/* Parses an ISO 8601 UTC time ("2021-04-12T09:07:18.6759138Z", also without
 * fraction, with an offset, or a date alone) into 100 ns ticks since 1970. */
bool ss_time_parse(const char *s, size_t len, int64_t *out);
/* Formats ticks as "YYYY-MM-DDThh:mm:ss.fffffffZ" (28 chars + NUL) into buf[40]. */
void ss_time_format(int64_t ticks, char *buf);

#endif
