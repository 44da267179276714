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

#endif
