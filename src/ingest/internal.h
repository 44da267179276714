/*
 * Shared between the files of src/ingest/: the inventory resources kept for
 * evaluation with the built-in rules (evaluate.c).
 */
#ifndef SS_INGEST_INTERNAL_H
#define SS_INGEST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "securescore/buf.h"
#include "securescore/catalog.h"
#include "securescore/ingest.h"
#include "securescore/json.h"
#include "securescore/score.h"

/* Kept resources: their compact JSON back to back in `text` ("[r0,r1,..."). */
struct ss_ingest_kept {
    struct ss_buf text;
    uint32_t *res; /* score resource of each kept value; UINT32_MAX = superseded */
    size_t n, cap; /* kept values */
    size_t *slot;  /* by score resource: 1 + index of its kept value, 0 = none */
    size_t nslot;
};

/* Copies `v` (an inventory resource, score resource `res`); a later copy of
 * the same resource supersedes an earlier one. */
/* Keeps a resource's bytes for evaluation; false past SS_JSON_MAX_DOC bytes in all. */
bool ss__ingest_keep(struct ss_ingest_kept *k, uint32_t res, struct ss_str raw);
/* Evaluates the built-in rules on the kept resources and stores the outcomes
 * as assessments where no imported one exists; then forgets the resources. */
void ss__ingest_evaluate(struct ss_ingest_kept *k, struct ss_score *s, const struct ss_catalog *cat,
                         struct ss_ingest_stats *st);
void ss__ingest_kept_release(struct ss_ingest_kept *k);

/* ---- the built-in rules (rules.c) ---- */

#include "common/hashmap.h"
#include "securescore/policy.h"

struct ss_rule {
    struct ss_policy *p;
    uint32_t rec;
};

struct ss_rule_bucket {
    uint32_t *idx; /* indexes into rules.v */
    size_t n;
};

struct ss_rules {
    struct ss_rule *v;
    size_t n;
    struct ss_map by_type;     /* type (case-insensitive) -> struct ss_rule_bucket */
    struct ss_rule_bucket any; /* rules that do not constrain the type */
    struct ss_map related;     /* details.type of the *IfNotExists rules (case-insensitive) */
    bool index_all;            /* one such rule names no literal type: index every resource */
};

/* Compiles the embedded rules of the recommendations `cat` knows (external findings left out). */
void ss__rules_load(struct ss_rules *rs, const struct ss_catalog *cat);
void ss__rules_free(struct ss_rules *rs);
void ss__rules_bucket_add(struct ss_rule_bucket *b, uint32_t i);
/* The assessment status of a rule's outcome. */
enum ss_status ss__rules_status(enum ss_policy_outcome o);
/* True for a related type that is an external finding (Defender's assessments, Guest
 * Configuration): such rules are not evaluated from configuration. */
bool ss__rules_external(struct ss_str related);

/* Parses one exemption {"scope", "recommendations", "category", "expiresOn"} and applies it
 * to `s` (call ss_score_reapply after); *expires (may be NULL) gets its expiry, 0 = never. */
enum ss_err ss__exemption_apply(struct ss_score *s, const struct ss_catalog *cat,
                                struct ss_json item, int64_t *expires, struct ss_diag *diag);

#endif
