/*
 * Internal layout of struct ss_score (see score.c for the invariants).
 */
#ifndef SS_SCORE_INTERNAL_H
#define SS_SCORE_INTERNAL_H

#include <stdint.h>

#include "common/arena.h"
#include "common/hashmap.h"
#include "securescore/score.h"

enum { CNT_H = 0, CNT_U = 1, CNT_NA = 2 };           /* index into a cnt triple */
enum { EFF_GIVEN = 0, EFF_EXEMPT, EFF_OFFBYPOLICY }; /* why the effective status is what it is */

struct mg {
    const char *name;    /* arena */
    const char *display; /* arena */
    long parent;         /* -1: the tenant root */
};

struct sub {
    char id[40];       /* lower-case GUID */
    const char *name;  /* display name */
    const char *state; /* "Enabled", "Disabled", ... */
    bool enabled;
    uint8_t env;             /* enum ss_environment */
    long mg;                 /* -1: directly under the tenant root */
    int64_t imported_weight; /* -1: none */
    uint32_t weight;         /* resources with a counting H/U assessment */
};

struct res {
    const char *id;   /* arena, as first seen (case kept) */
    const char *type; /* interned, lower-case, or NULL */
    uint32_t id_len;
    uint32_t sub;
    uint32_t asmt; /* first assessment + 1, 0 = none */
    uint32_t rc;   /* first control counter + 1, 0 = none */
    uint32_t nhu;  /* counting assessments that are effectively H or U */
};

struct asmt {
    uint32_t rec;
    uint32_t next;     /* next of the same resource + 1 (or of the free list) */
    uint8_t status;    /* as given */
    uint8_t eff;       /* effective */
    uint8_t eff_cause; /* EFF_* */
    uint8_t counted;   /* the counters hold eff (its recommendation counted when applied) */
    uint32_t source;   /* input number, 0 = none */
    uint32_t cause;    /* interned string + 1, 0 = none */
    uint32_t desc;     /* interned string + 1, 0 = none */
    int64_t first;     /* ticks */
    int64_t changed;   /* ticks */
};

/* A resource's counts of counting assessments in one control, by effective status. */
struct rc {
    uint32_t next; /* next counter of the same resource + 1 */
    uint16_t ctl;
    uint16_t u, h, na;
};

enum { OV_EXEMPT = 1, OV_DISABLE = 2 };
enum { SCOPE_TENANT = 0, SCOPE_MG, SCOPE_PREFIX };

/* An exemption or a disabled recommendation. */
struct override {
    uint32_t next;      /* next override of the same recommendation + 1 */
    uint32_t rec;       /* the recommendation */
    uint8_t kind;       /* OV_* */
    uint8_t scope;      /* SCOPE_* */
    uint32_t target;    /* mg or sub index */
    const char *prefix; /* SCOPE_PREFIX: lower-cased id prefix, arena */
    size_t prefix_len;
    int64_t expires; /* ticks, 0 = never */
    const char *category;
};

struct ss_score {
    struct ss_catalog *cat; /* borrowed */
    uint32_t nctls;
    struct ss_arena mem;
    const char **strs; /* interned strings */
    size_t nstrs, strcap;
    struct ss_map str_index;
    struct mg *mgs;
    size_t nmgs, mgcap;
    struct ss_map mg_index;
    struct sub *subs;
    size_t nsubs, subcap;
    struct ss_map sub_index;
    uint32_t *cnt; /* [sub][ctl][3] */
    struct res *res;
    size_t nres, rescap;
    uint64_t *res_index; /* open addressing: hash tag << 32 | (resource + 1) */
    size_t res_icap;
    struct asmt *asmts;
    size_t nasmt_slots, asmtcap, nasmt;
    uint32_t free_asmt;
    struct rc *rcs;
    size_t nrcs, rccap;
    struct override *ovs;
    size_t novs, ovcap;
    uint32_t *ov_by_rec; /* first override of each recommendation + 1 */
    size_t ov_by_rec_len;
    int64_t now; /* ticks; exemptions expired at `now` do not apply */
};

/* Computes the effective status of assessment x of resource ri (no counter change). */
void ss__score_effective(const struct ss_score *s, uint32_t ri, struct asmt *x);
/* Recomputes x's effective status and moves the counters of resource ri
 * accordingly (`removing`: take x out of the counters). */
void ss__score_update(struct ss_score *s, uint32_t ri, struct asmt *x, bool removing);

#endif
