/*
 * securescore - Azure's REST shapes of scores, controls, definitions,
 * metadata and assessments (research/azure_api.md §1), written with the
 * JSON writer in the live service's key order. Shared by the CLI's JSON
 * output, the server and the Resource Graph tables.
 *
 * `scope` is the ARM scope a result belongs to: "/subscriptions/{s}" or
 * "/providers/Microsoft.Management/managementGroups/{name}" ("" for the tenant).
 */
#ifndef SECURESCORE_REST_H
#define SECURESCORE_REST_H

#include <stdbool.h>

#include "securescore/catalog.h"
#include "securescore/json.h"
#include "securescore/score.h"

/* "score": {"max", "current", "percentage"} (a member: writes its key). */
void ss_rest_score_member(struct ss_jw *w, int max, double current, double percentage);
/* A secureScores item (ascScore). */
void ss_rest_secure_score(struct ss_jw *w, const char *scope, const struct ss_score_result *r);
/* A secureScoreControlDefinitions item. */
void ss_rest_definition(struct ss_jw *w, const struct ss_control *ctl);
/* A secureScoreControls item; with `expand` the definition is embedded. */
void ss_rest_control(struct ss_jw *w, const char *scope, const struct ss_control *ctl,
                     const struct ss_control_result *r, bool expand);
/* An assessmentMetadata item; `scope` "" for the tenant list. */
void ss_rest_metadata(struct ss_jw *w, const char *scope, const struct ss_rec *rec);
/* The properties of a recommendation's metadata (without the envelope). */
void ss_rest_metadata_properties(struct ss_jw *w, const struct ss_rec *rec);

#endif
