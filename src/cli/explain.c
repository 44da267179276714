/*
 * scan --explain CONTROL: why a control is not at full score. Lists the
 * recommendations that keep resources unhealthy, ranked by the score a fix
 * would gain (fixing a recommendation everywhere turns healthy every
 * resource for which it was the only unhealthy one: DESIGN.md §3, "fixing 3
 * of 4 recommendations of a control on a resource changes nothing"), then
 * the unhealthy resources, fewest failing recommendations first.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "securescore/catalog.h"
#include "securescore/score.h"

struct rec_stat {
    uint32_t rec;
    uint32_t resources; /* unhealthy resources it fails on */
    uint32_t sole;      /* ... of which it is the only failing recommendation */
    double gain;
};

struct res_row {
    uint32_t res;
    uint32_t nfail;
};

static int cmp_rec(const void *a, const void *b)
{
    const struct rec_stat *x = a, *y = b;
    if (x->gain != y->gain)
        return x->gain < y->gain ? 1 : -1;
    if (x->resources != y->resources)
        return x->resources < y->resources ? 1 : -1;
    return (x->rec > y->rec) - (x->rec < y->rec);
}

static int cmp_res(const void *a, const void *b)
{
    const struct res_row *x = a, *y = b;
    if (x->nfail != y->nfail)
        return x->nfail > y->nfail ? 1 : -1;
    return (x->res > y->res) - (x->res < y->res);
}

static bool rec_in_control(const struct ss_rec *r, uint32_t ctl)
{
    for (uint32_t i = 0; i < r->ncontrols; i++)
        if (r->controls[i] == ctl)
            return true;
    return false;
}

/* Counts the failing counting recommendations of `res` in `ctl`, calling back for each. */
static uint32_t failing(const struct ss_catalog *cat, const struct ss_score *s, uint32_t res,
                        uint32_t ctl, void (*fn)(void *, uint32_t, uint32_t), void *arg)
{
    uint32_t cursor = 0, n = 0;
    struct ss_assessment a;
    enum ss_status eff;
    while (ss_score_next_assessment(s, res, &cursor, &a, &eff)) {
        const struct ss_rec *r = ss_catalog_rec(cat, a.rec);
        if (eff == SS_STATUS_UNHEALTHY && ss_rec_counts(r) && rec_in_control(r, ctl)) {
            n++;
            if (fn)
                fn(arg, a.rec, n);
        }
    }
    return n;
}

struct tally {
    struct rec_stat *stats;
    uint32_t nfail;
};

static void count_rec(void *arg, uint32_t rec, uint32_t n)
{
    struct tally *t = arg;
    (void)n;
    t->stats[rec].rec = rec;
    t->stats[rec].resources++;
    if (t->nfail == 1)
        t->stats[rec].sole++;
}

static void print_rec(void *arg, uint32_t rec, uint32_t n)
{
    const struct ss_catalog *cat = arg;
    (void)n;
    printf("      %s\n", ss_catalog_rec(cat, rec)->display_name);
}

static bool sub_selected(const uint32_t *subs, size_t n, uint32_t sub, const struct ss_score *s)
{
    for (size_t i = 0; i < n; i++)
        if (subs[i] == sub)
            return ss_score_sub_enabled(s, sub);
    return false;
}

int cli_explain(const struct ss_catalog *cat, const struct ss_score *s, const uint32_t *subs,
                size_t nsubs, const char *control, long limit)
{
    long c = ss_catalog_find_control(cat, control, strlen(control));
    if (c < 0) {
        fprintf(stderr, "securescore: scan: --explain: no control '%s'\n", control);
        return EXIT_USAGE;
    }
    uint32_t ctl = (uint32_t)c;
    const struct ss_control *def = ss_catalog_control(cat, ctl);
    struct ss_score_result total;
    struct ss_control_result *rows = calloc(ss_catalog_ncontrols(cat) + 1, sizeof(*rows));
    struct rec_stat *stats = calloc(ss_catalog_nrecs(cat) + 1, sizeof(*stats));
    struct res_row *bad = NULL;
    size_t nbad = 0;
    if (!rows || !stats)
        abort();
    ss_score_aggregate(s, subs, nsubs, SS_AGG_POOLED, &total, rows);
    const struct ss_control_result *r = &rows[ctl];
    printf("%s (%s): max %d, current %.2f, potential increase %.2f\n", def->display_name, def->id,
           r->max, r->current, r->max - r->current);
    printf("%u healthy, %u unhealthy, %u not applicable resources\n", r->healthy, r->unhealthy,
           r->not_applicable);
    for (uint32_t res = 0; res < ss_score_nresources(s); res++) {
        if (!sub_selected(subs, nsubs, ss_score_resource_sub(s, res), s) ||
            ss_score_resource_state(s, res, ctl) != SS_STATUS_UNHEALTHY)
            continue;
        struct tally t = {stats, failing(cat, s, res, ctl, NULL, NULL)};
        failing(cat, s, res, ctl, count_rec, &t);
        bad = realloc(bad, (nbad + 1) * sizeof(*bad));
        if (!bad)
            abort();
        bad[nbad].res = res;
        bad[nbad++].nfail = t.nfail;
    }
    size_t nstats = 0;
    for (size_t i = 0; i < ss_catalog_nrecs(cat); i++) {
        if (!stats[i].resources)
            continue;
        struct ss_control_result after;
        ss_control_score(def->max_score, r->healthy + stats[i].sole, r->unhealthy - stats[i].sole,
                         r->not_applicable, &after);
        stats[i].gain = ss_round2(after.current - r->current);
        stats[nstats++] = stats[i];
    }
    if (nstats)
        qsort(stats, nstats, sizeof(*stats), cmp_rec);
    printf("\nRecommendations keeping resources unhealthy, by potential increase:\n");
    for (size_t i = 0; i < nstats; i++)
        printf("  %+6.2f  %s  (%u resource%s, %u fixed by this alone)\n", stats[i].gain,
               ss_catalog_rec(cat, stats[i].rec)->display_name, stats[i].resources,
               stats[i].resources == 1 ? "" : "s", stats[i].sole);
    if (nbad)
        qsort(bad, nbad, sizeof(*bad), cmp_res);
    double per =
        r->healthy + r->unhealthy ? (double)def->max_score / (r->healthy + r->unhealthy) : 0;
    printf(
        "\nUnhealthy resources (each worth %.4f points when all its recommendations are fixed):\n",
        per);
    size_t shown = limit > 0 && (size_t)limit < nbad ? (size_t)limit : nbad;
    for (size_t i = 0; i < shown; i++) {
        printf("  %s\n", ss_score_resource_id(s, bad[i].res));
        failing(cat, s, bad[i].res, ctl, print_rec, (void *)cat);
    }
    if (shown < nbad)
        printf("  ... and %zu more (--limit 0 lists all)\n", nbad - shown);
    free(bad);
    free(stats);
    free(rows);
    return 0;
}
