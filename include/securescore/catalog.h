/*
 * securescore - the catalog: security controls and recommendations.
 *
 * A recommendation (Azure's "assessment metadata") is identified by its
 * key, a GUID; a security control groups recommendation keys and is worth
 * maxScore points. One recommendation may sit in several controls. The
 * built-in catalog (the 15 controls of Defender for Cloud's default
 * initiative, 236 recommendations) ships inside the program; Azure-format
 * files replace or extend it: a `secureScoreControlDefinitions` list and an
 * `assessmentMetadata` list exactly as the REST API returns them.
 *
 * Counting rule (DESIGN.md §3): a recommendation counts towards the secure
 * score when its assessmentType is BuiltIn and it is not preview. A key
 * named by a loaded control definition whose source is BuiltIn, and for
 * which no metadata is known, is taken as a BuiltIn non-preview
 * recommendation (Azure counts it; its metadata simply was not exported).
 *
 * Keys and control ids compare case-insensitively and are stored lower-case.
 * A catalog is built single-threaded, then only read (any number of threads).
 */
#ifndef SECURESCORE_CATALOG_H
#define SECURESCORE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "securescore/errors.h"

enum ss_severity { SS_SEV_UNKNOWN = 0, SS_SEV_LOW, SS_SEV_MEDIUM, SS_SEV_HIGH, SS_SEV_CRITICAL };
enum ss_level { SS_LEVEL_UNKNOWN = 0, SS_LEVEL_LOW, SS_LEVEL_MODERATE, SS_LEVEL_HIGH };
enum ss_assessment_type {
    SS_AT_BUILTIN = 0,
    SS_AT_CUSTOM_POLICY,
    SS_AT_CUSTOMER_MANAGED,
    SS_AT_VERIFIED_PARTNER,
};

/* A recommendation. Strings are NUL-terminated and owned by the catalog. */
struct ss_rec {
    char key[40];                     /* lower-case GUID */
    const char *display_name;         /* never NULL */
    const char *description;          /* may be "" */
    const char *remediation;          /* remediationDescription, may be "" */
    const char *policy_definition_id; /* may be "" */
    enum ss_severity severity;
    enum ss_level user_impact;
    enum ss_level implementation_effort;
    enum ss_assessment_type assessment_type;
    bool preview;
    bool has_metadata;           /* false: known only as a key of a control definition */
    bool decidable;              /* a built-in policy rule can decide it from configuration */
    uint32_t categories;         /* bit i = ss_category_name(i) */
    uint32_t threats;            /* bit i = ss_threat_name(i) */
    const char **resource_types; /* lower-case ARM types; `nresource_types` entries */
    uint32_t nresource_types;
    const uint32_t *controls; /* indexes of the controls that contain it */
    uint32_t ncontrols;
};

/* A security control. */
struct ss_control {
    char id[40];              /* lower-case GUID (the control's name) */
    const char *display_name; /* never NULL */
    const char *description;  /* may be "" */
    int max_score;            /* 0..10 */
    bool builtin;             /* source BuiltIn (else Custom) */
    const char **keys;        /* assessmentDefinitions keys, in the definition's order */
    uint32_t nkeys;
};

struct ss_catalog;

/* Returns a new, empty catalog. Free with ss_catalog_free(). */
struct ss_catalog *ss_catalog_new(void);
void ss_catalog_free(struct ss_catalog *cat);
/* Loads the built-in catalog that ships with the program. */
enum ss_err ss_catalog_load_builtin(struct ss_catalog *cat, struct ss_diag *diag);
/*
 * Loads a `secureScoreControlDefinitions` list (`{"value": [...]}`, a bare
 * array, or one definition) from `path`. A definition whose id matches a
 * loaded control replaces it; others are added. Errors name the file and
 * the JSON pointer of the fault; on error the catalog is unchanged.
 */
enum ss_err ss_catalog_load_definitions(struct ss_catalog *cat, const char *path,
                                        struct ss_diag *diag);
/* Loads an `assessmentMetadata` list; a key already present is replaced. */
enum ss_err ss_catalog_load_metadata(struct ss_catalog *cat, const char *path,
                                     struct ss_diag *diag);
/* As the two loaders, from text in memory (`name` names it in diagnostics). */
enum ss_err ss_catalog_load_definitions_text(struct ss_catalog *cat, const char *text, size_t len,
                                             const char *name, struct ss_diag *diag);
enum ss_err ss_catalog_load_metadata_text(struct ss_catalog *cat, const char *text, size_t len,
                                          const char *name, struct ss_diag *diag);

/* Fields of a recommendation added at run time (borrowed; copied). */
struct ss_rec_def {
    const char *key; /* GUID */
    const char *display_name;
    const char *description;
    const char *remediation;
    const char *policy_definition_id;
    enum ss_severity severity;
    enum ss_assessment_type assessment_type;
    bool preview;
};
/*
 * Adds (or replaces) a recommendation, e.g. from the metadata embedded in an
 * imported assessment. Returns its index in *index. SS_EINPUT if the key is
 * not a GUID.
 */
enum ss_err ss_catalog_add_rec(struct ss_catalog *cat, const struct ss_rec_def *def,
                               uint32_t *index, struct ss_diag *diag);

size_t ss_catalog_ncontrols(const struct ss_catalog *cat);
size_t ss_catalog_nrecs(const struct ss_catalog *cat);
/* Borrowed; valid until the catalog changes. */
const struct ss_control *ss_catalog_control(const struct ss_catalog *cat, size_t i);
const struct ss_rec *ss_catalog_rec(const struct ss_catalog *cat, size_t i);
/* True if the recommendation counts towards the secure score (BuiltIn, not preview). */
bool ss_rec_counts(const struct ss_rec *rec);
/* Index of the recommendation with this key (case-insensitive), or -1. */
long ss_catalog_find_rec(const struct ss_catalog *cat, const char *key, size_t len);
/* Index of the built-in recommendation with this display name (case-insensitive), or -1. */
long ss_catalog_find_rec_by_name(const struct ss_catalog *cat, const char *name, size_t len);
/* Index of the control with this GUID or display name (case-insensitive), or -1. */
long ss_catalog_find_control(const struct ss_catalog *cat, const char *name, size_t len);
/* Sum of the max scores of all controls. */
int ss_catalog_max_total(const struct ss_catalog *cat);

/* Names of category and threat bits, NULL past the end. */
const char *ss_category_name(unsigned bit);
const char *ss_threat_name(unsigned bit);
const char *ss_severity_name(enum ss_severity s);
const char *ss_level_name(enum ss_level l);
const char *ss_assessment_type_name(enum ss_assessment_type t);
/* True if s (len bytes) is a GUID: 8-4-4-4-12 hex digits. */
bool ss_is_guid(const char *s, size_t len);

#endif
