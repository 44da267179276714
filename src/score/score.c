/*
 * The scoring state: tenant hierarchy, resources, assessments and the
 * incremental counters behind every secure score (see score.h).
 *
 * Layout, chosen for millions of resources:
 *  - resources live in one array; an open-addressing table of indexes finds
 *    them by id (hashed ignoring case, as ARM ids compare);
 *  - assessments live in one pool; each resource heads a singly linked list
 *    of its assessments (about ten) and of its per-control counters;
 *  - `cnt` holds, per subscription and control, the number of resources
 *    that are healthy, unhealthy and not applicable in that control.
 * Invariant: for every (subscription, control), cnt equals the number of
 * the subscription's resources whose counter for the control is in each
 * state; and every resource's counters equal the counts of its counting
 * assessments' effective statuses. ss_score_set keeps both by moving one
 * resource between states, O(controls of the recommendation).
 */
#include "common/setup.h"

#include <stdio.h>

#include "common/arena.h"
#include "common/hashmap.h"
#include "score/internal.h"

/* ---- small helpers ---- */

static uint32_t intern(struct ss_score *s, const char *str)
{
    if (!str || !*str)
        return 0;
    size_t len = strlen(str);
    void *v = NULL;
    if (ss_map_find(&s->str_index, str, len, &v))
        return (uint32_t)(uintptr_t)v;
    if (s->nstrs == s->strcap) {
        s->strcap = s->strcap ? s->strcap * 2 : 64;
        s->strs = ss_xreallocarray(s->strs, s->strcap, sizeof(char *));
    }
    s->strs[s->nstrs] = ss_arena_strndup(&s->mem, str, len);
    ss_map_put(&s->str_index, str, len, (void *)(uintptr_t)(s->nstrs + 1), NULL);
    return (uint32_t)++s->nstrs;
}

static const char *str_at(const struct ss_score *s, uint32_t i)
{
    return i ? s->strs[i - 1] : NULL;
}

static uint32_t *cnt_at(const struct ss_score *s, uint32_t sub, uint32_t ctl)
{
    return s->cnt + ((size_t)sub * s->nctls + ctl) * 3;
}

/* ---- lifecycle ---- */

struct ss_score *ss_score_new(struct ss_catalog *cat)
{
    struct ss_score *s = ss_xcalloc(1, sizeof(*s));
    s->cat = cat;
    s->nctls = (uint32_t)ss_catalog_ncontrols(cat);
    ss_arena_init(&s->mem, 256 * 1024);
    ss_map_init(&s->str_index, 0);
    ss_map_init(&s->sub_index, SS_MAP_NOCASE);
    ss_map_init(&s->mg_index, SS_MAP_NOCASE);
    return s;
}

void ss_score_free(struct ss_score *s)
{
    if (!s)
        return;
    ss_map_release(&s->str_index);
    ss_map_release(&s->sub_index);
    ss_map_release(&s->mg_index);
    ss_arena_release(&s->mem);
    free(s->strs);
    free(s->mgs);
    free(s->subs);
    free(s->cnt);
    free(s->res);
    free(s->res_index);
    free(s->asmts);
    free(s->rcs);
    free(s->ovs);
    free(s->ov_by_rec);
    free(s);
}

const struct ss_catalog *ss_score_catalog(const struct ss_score *s)
{
    return s->cat;
}

/* ---- management groups ---- */

uint32_t ss_score_mg(struct ss_score *s, const char *name, size_t len)
{
    void *v = NULL;
    if (ss_map_find(&s->mg_index, name, len, &v))
        return (uint32_t)(uintptr_t)v - 1;
    if (s->nmgs == s->mgcap) {
        s->mgcap = s->mgcap ? s->mgcap * 2 : 16;
        s->mgs = ss_xreallocarray(s->mgs, s->mgcap, sizeof(*s->mgs));
    }
    struct mg *m = &s->mgs[s->nmgs];
    m->name = ss_arena_strndup(&s->mem, name, len);
    m->display = m->name;
    m->parent = -1;
    ss_map_put(&s->mg_index, name, len, (void *)(uintptr_t)(s->nmgs + 1), NULL);
    return (uint32_t)s->nmgs++;
}

void ss_score_mg_set(struct ss_score *s, uint32_t mg, const char *display_name, long parent)
{
    if (mg >= s->nmgs)
        return;
    if (display_name && *display_name)
        s->mgs[mg].display = ss_arena_strndup(&s->mem, display_name, strlen(display_name));
    if (parent >= (long)s->nmgs)
        return;
    /* Refuse a parent that would make a cycle: walk up from the new parent. */
    for (long p = parent, hops = 0; p >= 0 && hops <= (long)s->nmgs; p = s->mgs[p].parent, hops++)
        if ((uint32_t)p == mg)
            return;
    s->mgs[mg].parent = parent;
}

size_t ss_score_nmgs(const struct ss_score *s)
{
    return s->nmgs;
}

const char *ss_score_mg_name(const struct ss_score *s, uint32_t mg)
{
    return mg < s->nmgs ? s->mgs[mg].name : "";
}

const char *ss_score_mg_display(const struct ss_score *s, uint32_t mg)
{
    return mg < s->nmgs ? s->mgs[mg].display : "";
}

long ss_score_mg_parent(const struct ss_score *s, uint32_t mg)
{
    return mg < s->nmgs ? s->mgs[mg].parent : -1;
}

/* ---- subscriptions ---- */

static const char *const env_names[SS_ENV__COUNT] = {"Azure",  "AWS",         "GCP",
                                                     "GitHub", "AzureDevOps", "GitLab"};

const char *ss_environment_name(enum ss_environment env)
{
    return (unsigned)env < SS_ENV__COUNT ? env_names[env] : "Azure";
}

bool ss_environment_parse(const char *name, size_t len, enum ss_environment *out)
{
    for (int i = 0; i < SS_ENV__COUNT; i++) {
        if (strlen(env_names[i]) == len && ss_mem_eq_nocase(env_names[i], name, len)) {
            *out = (enum ss_environment)i;
            return true;
        }
    }
    return false;
}

long ss_score_find_sub(const struct ss_score *s, const char *id, size_t len)
{
    void *v = NULL;
    return ss_map_find(&s->sub_index, id, len, &v) ? (long)(uintptr_t)v - 1 : -1;
}

enum ss_err ss_score_sub(struct ss_score *s, const char *id, size_t len, uint32_t *out)
{
    void *v = NULL;
    if (ss_map_find(&s->sub_index, id, len, &v)) {
        *out = (uint32_t)(uintptr_t)v - 1;
        return SS_OK;
    }
    if (!ss_is_guid(id, len))
        return SS_EINPUT;
    if (s->nsubs == s->subcap) {
        size_t old = s->subcap;
        s->subcap = s->subcap ? s->subcap * 2 : 16;
        s->subs = ss_xreallocarray(s->subs, s->subcap, sizeof(*s->subs));
        s->cnt =
            ss_xreallocarray(s->cnt, s->subcap * (s->nctls ? s->nctls : 1) * 3, sizeof(uint32_t));
        memset(s->cnt + old * s->nctls * 3, 0, (s->subcap - old) * s->nctls * 3 * sizeof(uint32_t));
    }
    struct sub *b = &s->subs[s->nsubs];
    memset(b, 0, sizeof(*b));
    for (size_t i = 0; i < 36; i++)
        b->id[i] = (id[i] >= 'A' && id[i] <= 'Z') ? (char)(id[i] + 32) : id[i];
    b->name = NULL; /* the id; not a pointer into subs[], which moves as it grows */
    b->state = "Enabled";
    b->enabled = true;
    b->mg = -1;
    b->imported_weight = -1;
    ss_map_put(&s->sub_index, b->id, 36, (void *)(uintptr_t)(s->nsubs + 1), NULL);
    *out = (uint32_t)s->nsubs++;
    return SS_OK;
}

void ss_score_sub_set_name(struct ss_score *s, uint32_t sub, const char *name)
{
    if (sub < s->nsubs && name && *name)
        s->subs[sub].name = ss_arena_strndup(&s->mem, name, strlen(name));
}

void ss_score_sub_set_env(struct ss_score *s, uint32_t sub, enum ss_environment env)
{
    if (sub < s->nsubs)
        s->subs[sub].env = (uint8_t)env;
}

void ss_score_sub_set_state(struct ss_score *s, uint32_t sub, const char *state)
{
    if (sub >= s->nsubs || !state || !*state)
        return;
    s->subs[sub].state = ss_arena_strndup(&s->mem, state, strlen(state));
    s->subs[sub].enabled = strlen(state) == 7 && ss_mem_eq_nocase(state, "Enabled", 7);
}

void ss_score_sub_set_mg(struct ss_score *s, uint32_t sub, long mg)
{
    if (sub < s->nsubs && mg < (long)s->nmgs)
        s->subs[sub].mg = mg;
}

void ss_score_sub_set_weight(struct ss_score *s, uint32_t sub, int64_t weight)
{
    if (sub < s->nsubs)
        s->subs[sub].imported_weight = weight;
}

size_t ss_score_nsubs(const struct ss_score *s)
{
    return s->nsubs;
}

const char *ss_score_sub_id(const struct ss_score *s, uint32_t sub)
{
    return sub < s->nsubs ? s->subs[sub].id : "";
}

const char *ss_score_sub_name(const struct ss_score *s, uint32_t sub)
{
    if (sub >= s->nsubs)
        return "";
    return s->subs[sub].name ? s->subs[sub].name : s->subs[sub].id;
}

enum ss_environment ss_score_sub_env(const struct ss_score *s, uint32_t sub)
{
    return sub < s->nsubs ? (enum ss_environment)s->subs[sub].env : SS_ENV_AZURE;
}

const char *ss_score_sub_state(const struct ss_score *s, uint32_t sub)
{
    return sub < s->nsubs ? s->subs[sub].state : "";
}

bool ss_score_sub_enabled(const struct ss_score *s, uint32_t sub)
{
    return sub < s->nsubs && s->subs[sub].enabled;
}

long ss_score_sub_mg(const struct ss_score *s, uint32_t sub)
{
    return sub < s->nsubs ? s->subs[sub].mg : -1;
}

bool ss_score_sub_in_mg(const struct ss_score *s, uint32_t sub, uint32_t mg)
{
    if (sub >= s->nsubs)
        return false;
    long hops = 0;
    for (long m = s->subs[sub].mg; m >= 0 && hops <= (long)s->nmgs; m = s->mgs[m].parent, hops++)
        if ((uint32_t)m == mg)
            return true;
    return false;
}

uint64_t ss_score_sub_weight(const struct ss_score *s, uint32_t sub)
{
    if (sub >= s->nsubs)
        return 0;
    const struct sub *b = &s->subs[sub];
    return b->imported_weight >= 0 ? (uint64_t)b->imported_weight : b->weight;
}

/* ---- resources ---- */

/* The subscription GUID of an ARM id "/subscriptions/{guid}[/...]". */
static bool sub_of_id(const char *id, size_t len, const char **guid)
{
    static const char prefix[] = "/subscriptions/";
    size_t n = sizeof(prefix) - 1;
    if (len < n + 36 || !ss_mem_eq_nocase(id, prefix, n) || !ss_is_guid(id + n, 36))
        return false;
    if (len > n + 36 && id[n + 36] != '/')
        return false;
    *guid = id + n;
    return true;
}

/* Strips trailing slashes (an id and the same id with "/" are one resource). */
static size_t trim_id(const char *id, size_t len)
{
    while (len > 1 && id[len - 1] == '/')
        len--;
    return len;
}

/* Index slots hold (32-bit hash << 32) | (resource + 1), so a probe compares
 * the hash tag before touching the resource and its id (two cache misses). */
static size_t res_slot(const struct ss_score *s, const char *id, size_t len, uint64_t h)
{
    size_t mask = s->res_icap - 1, i = (size_t)h & mask;
    uint32_t tag = (uint32_t)(h >> 32);
    for (; s->res_index[i]; i = (i + 1) & mask) {
        uint64_t slot = s->res_index[i];
        if ((uint32_t)(slot >> 32) != tag)
            continue;
        const struct res *r = &s->res[(uint32_t)slot - 1];
        if (r->id_len == len && ss_mem_eq_nocase(r->id, id, len))
            break;
    }
    return i;
}

static uint64_t slot_of(uint64_t h, size_t res)
{
    return (h >> 32 << 32) | ((uint64_t)res + 1);
}

long ss_score_find_resource(const struct ss_score *s, const char *id, size_t len)
{
    len = trim_id(id, len);
    if (!s->nres)
        return -1;
    size_t i = res_slot(s, id, len, ss_hash_bytes(id, len, true));
    return s->res_index[i] ? (long)(uint32_t)s->res_index[i] - 1 : -1;
}

/* Interns a resource type, lower-cased (ARM types compare ignoring case). */
static const char *intern_type(struct ss_score *s, const char *type)
{
    char low[256];
    size_t n = strlen(type);
    n = n < sizeof(low) - 1 ? n : sizeof(low) - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (type[i] >= 'A' && type[i] <= 'Z') ? (char)(type[i] + 32) : type[i];
    low[n] = '\0';
    return str_at(s, intern(s, low));
}

static void grow_res_index(struct ss_score *s)
{
    size_t cap = s->res_icap ? s->res_icap * 2 : 1024;
    free(s->res_index);
    s->res_index = ss_xcalloc(cap, sizeof(uint64_t));
    s->res_icap = cap;
    for (size_t r = 0; r < s->nres; r++) {
        uint64_t h = ss_hash_bytes(s->res[r].id, s->res[r].id_len, true);
        size_t mask = cap - 1, i = (size_t)h & mask;
        while (s->res_index[i])
            i = (i + 1) & mask;
        s->res_index[i] = slot_of(h, r);
    }
}

enum ss_err ss_score_resource(struct ss_score *s, const char *id, size_t len, const char *type,
                              uint32_t *out)
{
    const char *guid;
    len = trim_id(id, len);
    uint64_t h = ss_hash_bytes(id, len, true);
    long found = -1;
    if (s->nres) {
        size_t i = res_slot(s, id, len, h);
        found = s->res_index[i] ? (long)(uint32_t)s->res_index[i] - 1 : -1;
    }
    if (found >= 0) {
        if (type && *type && !s->res[found].type)
            s->res[found].type = intern_type(s, type);
        *out = (uint32_t)found;
        return SS_OK;
    }
    if (!sub_of_id(id, len, &guid))
        return SS_EINPUT;
    if (s->nres >= UINT32_MAX - 1)
        return SS_ETOOBIG;
    uint32_t sub;
    enum ss_err e = ss_score_sub(s, guid, 36, &sub);
    if (e)
        return e;
    if ((s->nres + 1) * 2 > s->res_icap)
        grow_res_index(s);
    if (s->nres == s->rescap) {
        s->rescap = s->rescap ? s->rescap * 2 : 1024;
        s->res = ss_xreallocarray(s->res, s->rescap, sizeof(*s->res));
    }
    struct res *r = &s->res[s->nres];
    memset(r, 0, sizeof(*r));
    r->id = ss_arena_strndup(&s->mem, id, len);
    r->id_len = (uint32_t)len;
    r->sub = sub;
    if (type && *type)
        r->type = intern_type(s, type);
    size_t slot = res_slot(s, r->id, len, h);
    s->res_index[slot] = slot_of(h, s->nres);
    *out = (uint32_t)s->nres++;
    return SS_OK;
}

size_t ss_score_nresources(const struct ss_score *s)
{
    return s->nres;
}

const char *ss_score_resource_id(const struct ss_score *s, uint32_t res)
{
    return res < s->nres ? s->res[res].id : "";
}

const char *ss_score_resource_type(const struct ss_score *s, uint32_t res)
{
    return res < s->nres && s->res[res].type ? s->res[res].type : "";
}

uint32_t ss_score_resource_sub(const struct ss_score *s, uint32_t res)
{
    return res < s->nres ? s->res[res].sub : 0;
}

/* ---- per-resource control counters ---- */

static int state_of(const struct rc *c)
{
    if (c->u)
        return CNT_U;
    if (c->h)
        return CNT_H;
    if (c->na)
        return CNT_NA;
    return -1;
}

static struct rc *rc_find(struct ss_score *s, struct res *r, uint32_t ctl)
{
    for (uint32_t i = r->rc; i; i = s->rcs[i - 1].next)
        if (s->rcs[i - 1].ctl == ctl)
            return &s->rcs[i - 1];
    if (s->nrcs == s->rccap) {
        s->rccap = s->rccap ? s->rccap * 2 : 4096;
        s->rcs = ss_xreallocarray(s->rcs, s->rccap, sizeof(*s->rcs));
    }
    struct rc *c = &s->rcs[s->nrcs];
    memset(c, 0, sizeof(*c));
    c->ctl = (uint16_t)ctl;
    c->next = r->rc;
    r->rc = (uint32_t)++s->nrcs;
    return c;
}

static void rc_add(struct rc *c, uint8_t status, int delta)
{
    uint16_t *f = status == SS_STATUS_HEALTHY         ? &c->h
                  : status == SS_STATUS_UNHEALTHY     ? &c->u
                  : status == SS_STATUS_NOTAPPLICABLE ? &c->na
                                                      : NULL;
    if (f)
        *f = (uint16_t)(*f + delta);
}

static bool is_hu(uint8_t st)
{
    return st == SS_STATUS_HEALTHY || st == SS_STATUS_UNHEALTHY;
}

/* Moves resource ri's counters for `rec` from counting status `from` to `to`
 * (SS_STATUS_NONE: not counted). */
static void move(struct ss_score *s, uint32_t ri, uint32_t rec, uint8_t from, uint8_t to)
{
    if (from == to)
        return;
    const struct ss_rec *rr = ss_catalog_rec(s->cat, rec);
    struct res *r = &s->res[ri];
    for (uint32_t i = 0; i < rr->ncontrols; i++) {
        uint32_t ctl = rr->controls[i];
        if (ctl >= s->nctls)
            continue;
        struct rc *c = rc_find(s, r, ctl);
        int before = state_of(c);
        rc_add(c, from, -1);
        rc_add(c, to, +1);
        int after = state_of(c);
        if (before != after) {
            uint32_t *cnt = cnt_at(s, r->sub, ctl);
            if (before >= 0)
                cnt[before]--;
            if (after >= 0)
                cnt[after]++;
        }
    }
    if (is_hu(from) != is_hu(to)) {
        bool had = r->nhu > 0;
        r->nhu += is_hu(to) ? 1 : (uint32_t)-1;
        if (had != (r->nhu > 0))
            s->subs[r->sub].weight += had ? (uint32_t)-1 : 1;
    }
}

void ss__score_update(struct ss_score *s, uint32_t ri, struct asmt *x, bool removing)
{
    /* What the counters hold for x: its effective status if it counted when applied. */
    uint8_t from = x->counted ? x->eff : SS_STATUS_NONE;
    bool counts = !removing && ss_rec_counts(ss_catalog_rec(s->cat, x->rec));
    if (!removing)
        ss__score_effective(s, ri, x);
    uint8_t to = counts ? x->eff : SS_STATUS_NONE;
    x->counted = counts;
    move(s, ri, x->rec, from, to);
}

/* ---- assessments ---- */

static struct asmt *asmt_find(const struct ss_score *s, const struct res *r, uint32_t rec,
                              uint32_t **link)
{
    uint32_t *l = (uint32_t *)&r->asmt;
    for (uint32_t i = r->asmt; i; i = s->asmts[i - 1].next) {
        if (s->asmts[i - 1].rec == rec) {
            if (link)
                *link = l;
            return &s->asmts[i - 1];
        }
        l = &s->asmts[i - 1].next;
    }
    return NULL;
}

static uint32_t asmt_alloc(struct ss_score *s)
{
    if (s->free_asmt) {
        uint32_t i = s->free_asmt;
        s->free_asmt = s->asmts[i - 1].next;
        return i;
    }
    if (s->nasmt_slots == s->asmtcap) {
        s->asmtcap = s->asmtcap ? s->asmtcap * 2 : 4096;
        s->asmts = ss_xreallocarray(s->asmts, s->asmtcap, sizeof(*s->asmts));
    }
    return (uint32_t)++s->nasmt_slots;
}

enum ss_err ss_score_set(struct ss_score *s, const struct ss_assessment *a, bool *replaced)
{
    if (a->res >= s->nres || a->rec >= ss_catalog_nrecs(s->cat) || a->status < SS_STATUS_HEALTHY ||
        a->status > SS_STATUS_NOTAPPLICABLE)
        return SS_EINVAL;
    struct res *r = &s->res[a->res];
    struct asmt *x = asmt_find(s, r, a->rec, NULL);
    if (x && a->source && x->source == a->source)
        return SS_EDUPLICATE;
    if (replaced)
        *replaced = x != NULL;
    if (!x) {
        uint32_t i = asmt_alloc(s);
        x = &s->asmts[i - 1];
        x->rec = a->rec;
        x->next = r->asmt;
        x->eff = SS_STATUS_NONE;
        x->counted = 0;
        r->asmt = i;
        s->nasmt++;
    }
    x->status = (uint8_t)a->status;
    x->source = a->source;
    x->cause = intern(s, a->cause);
    x->desc = intern(s, a->description);
    x->first = a->first_evaluation;
    x->changed = a->status_change;
    ss__score_update(s, a->res, x, false);
    return SS_OK;
}

bool ss_score_remove(struct ss_score *s, uint32_t res, uint32_t rec)
{
    if (res >= s->nres)
        return false;
    struct res *r = &s->res[res];
    uint32_t *link = NULL;
    struct asmt *x = asmt_find(s, r, rec, &link);
    if (!x)
        return false;
    ss__score_update(s, res, x, true);
    uint32_t i = *link;
    *link = x->next;
    x->next = s->free_asmt;
    s->free_asmt = i;
    s->nasmt--;
    return true;
}

static void fill_out(const struct ss_score *s, uint32_t res, const struct asmt *x,
                     struct ss_assessment *out)
{
    out->res = res;
    out->rec = x->rec;
    out->status = (enum ss_status)x->status;
    out->cause = str_at(s, x->cause);
    out->description = str_at(s, x->desc);
    out->first_evaluation = x->first;
    out->status_change = x->changed;
    out->source = x->source;
}

static const char *eff_cause_name(const struct ss_score *s, const struct asmt *x)
{
    if (x->eff_cause == EFF_EXEMPT)
        return "Exempt";
    if (x->eff_cause == EFF_OFFBYPOLICY)
        return "OffByPolicy";
    return str_at(s, x->cause);
}

bool ss_score_get(const struct ss_score *s, uint32_t res, uint32_t rec, struct ss_assessment *out,
                  enum ss_status *effective, const char **effective_cause)
{
    if (res >= s->nres)
        return false;
    const struct asmt *x = asmt_find(s, &s->res[res], rec, NULL);
    if (!x)
        return false;
    if (out)
        fill_out(s, res, x, out);
    if (effective)
        *effective = (enum ss_status)x->eff;
    if (effective_cause)
        *effective_cause = eff_cause_name(s, x);
    return true;
}

size_t ss_score_nassessments(const struct ss_score *s)
{
    return s->nasmt;
}

bool ss_score_next_assessment(const struct ss_score *s, uint32_t res, uint32_t *cursor,
                              struct ss_assessment *out, enum ss_status *effective)
{
    if (res >= s->nres)
        return false;
    uint32_t i = *cursor == 0 ? s->res[res].asmt : *cursor == UINT32_MAX ? 0 : *cursor;
    if (!i)
        return false;
    const struct asmt *x = &s->asmts[i - 1];
    fill_out(s, res, x, out);
    if (effective)
        *effective = (enum ss_status)x->eff;
    *cursor = x->next ? x->next : UINT32_MAX;
    return true;
}

/* ---- results ---- */

void ss_score_control_result(const struct ss_score *s, uint32_t sub, uint32_t ctl,
                             struct ss_control_result *out)
{
    const struct ss_control *c = ss_catalog_control(s->cat, ctl);
    if (!ss_score_sub_enabled(s, sub) || !c || ctl >= s->nctls) {
        memset(out, 0, sizeof(*out));
        return;
    }
    const uint32_t *cnt = cnt_at(s, sub, ctl);
    ss_control_score(c->max_score, cnt[CNT_H], cnt[CNT_U], cnt[CNT_NA], out);
}

void ss_score_sub_result(const struct ss_score *s, uint32_t sub, struct ss_score_result *out)
{
    memset(out, 0, sizeof(*out));
    if (!ss_score_sub_enabled(s, sub))
        return;
    ss_score_aggregate(s, &sub, 1, SS_AGG_POOLED, out, NULL);
}

static void weighted_total(const struct ss_score *s, const uint32_t *subs, size_t n,
                           struct ss_score_result *total)
{
    double sum_totals = 0, sum_weights = 0, current = 0;
    int max = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ss_score_sub_enabled(s, subs[i]))
            continue;
        struct ss_score_result r;
        ss_score_aggregate(s, &subs[i], 1, SS_AGG_POOLED, &r, NULL);
        double w = (double)r.weight;
        /* ARG sample "secure score per management group": iff(max == 0, 0.00,
         * round(weight * current / max, 2)); weightOrOne = max(weight, 1). */
        sum_totals += r.max ? ss_round2(w * r.current / r.max) : 0.0;
        sum_weights += w > 0 ? w : 1.0;
        max += r.max;
        current += r.current;
    }
    total->max = max;
    total->current = ss_round2(current);
    /* round(100 * x, 2) as a fraction, printed with its 4 digits (75.54 -> 0.7554) */
    total->percentage =
        sum_weights > 0 ? ss_round4(ss_round2(100.0 * sum_totals / sum_weights) / 100.0) : 0;
}

void ss_score_aggregate(const struct ss_score *s, const uint32_t *subs, size_t n,
                        enum ss_aggregation agg, struct ss_score_result *total,
                        struct ss_control_result *controls)
{
    struct ss_control_result stack[64];
    struct ss_control_result *rows = controls;
    if (!rows)
        rows = s->nctls <= 64 ? stack : ss_xcalloc(s->nctls, sizeof(*rows));
    uint64_t weight = 0;
    for (uint32_t c = 0; c < s->nctls; c++) {
        uint32_t h = 0, u = 0, na = 0;
        for (size_t i = 0; i < n; i++) {
            if (!ss_score_sub_enabled(s, subs[i]))
                continue;
            const uint32_t *cnt = cnt_at(s, subs[i], c);
            h += cnt[CNT_H];
            u += cnt[CNT_U];
            na += cnt[CNT_NA];
        }
        ss_control_score(ss_catalog_control(s->cat, c)->max_score, h, u, na, &rows[c]);
    }
    for (size_t i = 0; i < n; i++)
        if (ss_score_sub_enabled(s, subs[i]))
            weight += ss_score_sub_weight(s, subs[i]);
    ss_total_score(rows, s->nctls, total);
    if (agg == SS_AGG_WEIGHTED)
        weighted_total(s, subs, n, total);
    total->weight = weight;
    if (rows != controls && rows != stack)
        free(rows);
}

enum ss_status ss_score_resource_state(const struct ss_score *s, uint32_t res, uint32_t ctl)
{
    if (res >= s->nres)
        return SS_STATUS_NONE;
    for (uint32_t i = s->res[res].rc; i; i = s->rcs[i - 1].next) {
        const struct rc *c = &s->rcs[i - 1];
        if (c->ctl != ctl)
            continue;
        int st = state_of(c);
        return st == CNT_H    ? SS_STATUS_HEALTHY
               : st == CNT_U  ? SS_STATUS_UNHEALTHY
               : st == CNT_NA ? SS_STATUS_NOTAPPLICABLE
                              : SS_STATUS_NONE;
    }
    return SS_STATUS_NONE;
}
