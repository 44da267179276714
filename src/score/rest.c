/*
 * Azure's REST shapes (include/securescore/rest.h). Key order follows the
 * live service's responses (../shared/data/azure-rest/).
 */
#include "common/setup.h"

#include <stdio.h>

#include "securescore/rest.h"

void ss_rest_score_member(struct ss_jw *w, int max, double current, double percentage)
{
    ss_jw_keyz(w, "score");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "max");
    ss_jw_int(w, max);
    ss_jw_keyz(w, "current");
    ss_jw_double(w, current);
    ss_jw_keyz(w, "percentage");
    ss_jw_double(w, percentage);
    ss_jw_obj_end(w);
}

static void envelope(struct ss_jw *w, const char *id, const char *name, const char *type)
{
    ss_jw_keyz(w, "id");
    ss_jw_strz(w, id);
    ss_jw_keyz(w, "name");
    ss_jw_strz(w, name);
    ss_jw_keyz(w, "type");
    ss_jw_strz(w, type);
}

void ss_rest_secure_score(struct ss_jw *w, const char *scope, const struct ss_score_result *r)
{
    char id[512];
    snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/secureScores/ascScore", scope);
    ss_jw_obj_begin(w);
    envelope(w, id, "ascScore", "Microsoft.Security/secureScores");
    ss_jw_keyz(w, "properties");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "displayName");
    ss_jw_strz(w, "ASC score");
    ss_rest_score_member(w, r->max, r->current, r->percentage);
    ss_jw_keyz(w, "weight");
    ss_jw_int(w, (int64_t)r->weight);
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
}

void ss_rest_definition(struct ss_jw *w, const struct ss_control *ctl)
{
    char buf[160];
    snprintf(buf, sizeof(buf), "/providers/Microsoft.Security/secureScoreControlDefinitions/%s",
             ctl->id);
    ss_jw_obj_begin(w);
    envelope(w, buf, ctl->id, "Microsoft.Security/secureScoreControlDefinitions");
    ss_jw_keyz(w, "properties");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "source");
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "sourceType");
    ss_jw_strz(w, ctl->builtin ? "BuiltIn" : "Custom");
    ss_jw_obj_end(w);
    ss_jw_keyz(w, "displayName");
    ss_jw_strz(w, ctl->display_name);
    if (ctl->description && *ctl->description) {
        ss_jw_keyz(w, "description");
        ss_jw_strz(w, ctl->description);
    }
    ss_jw_keyz(w, "maxScore");
    ss_jw_int(w, ctl->max_score);
    ss_jw_keyz(w, "assessmentDefinitions");
    ss_jw_arr_begin(w);
    for (uint32_t k = 0; k < ctl->nkeys; k++) {
        snprintf(buf, sizeof(buf), "/providers/Microsoft.Security/assessmentMetadata/%s",
                 ctl->keys[k]);
        ss_jw_obj_begin(w);
        ss_jw_keyz(w, "id");
        ss_jw_strz(w, buf);
        ss_jw_obj_end(w);
    }
    ss_jw_arr_end(w);
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
}

void ss_rest_control(struct ss_jw *w, const char *scope, const struct ss_control *ctl,
                     const struct ss_control_result *r, bool expand)
{
    char id[512];
    snprintf(id, sizeof(id),
             "%s/providers/Microsoft.Security/secureScores/ascScore/secureScoreControls/%s", scope,
             ctl->id);
    ss_jw_obj_begin(w);
    envelope(w, id, ctl->id, "Microsoft.Security/secureScores/secureScoreControls");
    ss_jw_keyz(w, "properties");
    ss_jw_obj_begin(w);
    if (expand) {
        ss_jw_keyz(w, "definition");
        ss_rest_definition(w, ctl);
    }
    ss_jw_keyz(w, "displayName");
    ss_jw_strz(w, ctl->display_name);
    ss_jw_keyz(w, "healthyResourceCount");
    ss_jw_int(w, r->healthy);
    ss_jw_keyz(w, "unhealthyResourceCount");
    ss_jw_int(w, r->unhealthy);
    ss_jw_keyz(w, "notApplicableResourceCount");
    ss_jw_int(w, r->not_applicable);
    ss_rest_score_member(w, r->max, r->current, r->percentage);
    ss_jw_keyz(w, "weight");
    ss_jw_int(w, (int64_t)r->weight);
    ss_jw_obj_end(w);
    ss_jw_obj_end(w);
}

static void names(struct ss_jw *w, const char *key, uint32_t bits, const char *(*name)(unsigned))
{
    ss_jw_keyz(w, key);
    ss_jw_arr_begin(w);
    for (unsigned i = 0; i < 32; i++)
        if (bits & (1u << i))
            ss_jw_strz(w, name(i));
    ss_jw_arr_end(w);
}

void ss_rest_metadata_properties(struct ss_jw *w, const struct ss_rec *rec)
{
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "displayName");
    ss_jw_strz(w, rec->display_name);
    if (rec->policy_definition_id && *rec->policy_definition_id) {
        ss_jw_keyz(w, "policyDefinitionId");
        ss_jw_strz(w, rec->policy_definition_id);
    }
    ss_jw_keyz(w, "description");
    ss_jw_strz(w, rec->description);
    ss_jw_keyz(w, "remediationDescription");
    ss_jw_strz(w, rec->remediation);
    names(w, "categories", rec->categories, ss_category_name);
    ss_jw_keyz(w, "severity");
    ss_jw_strz(w, ss_severity_name(rec->severity));
    if (rec->user_impact) {
        ss_jw_keyz(w, "userImpact");
        ss_jw_strz(w, ss_level_name(rec->user_impact));
    }
    if (rec->implementation_effort) {
        ss_jw_keyz(w, "implementationEffort");
        ss_jw_strz(w, ss_level_name(rec->implementation_effort));
    }
    names(w, "threats", rec->threats, ss_threat_name);
    if (rec->preview) {
        ss_jw_keyz(w, "preview");
        ss_jw_bool(w, true);
    }
    ss_jw_keyz(w, "assessmentType");
    ss_jw_strz(w, ss_assessment_type_name(rec->assessment_type));
    ss_jw_obj_end(w);
}

void ss_rest_metadata(struct ss_jw *w, const char *scope, const struct ss_rec *rec)
{
    char id[512];
    snprintf(id, sizeof(id), "%s/providers/Microsoft.Security/assessmentMetadata/%s", scope,
             rec->key);
    ss_jw_obj_begin(w);
    envelope(w, id, rec->key, "Microsoft.Security/assessmentMetadata");
    ss_jw_keyz(w, "properties");
    ss_rest_metadata_properties(w, rec);
    ss_jw_obj_end(w);
}
