/*
 * ss_kql_run: the stages of a query, in order (STYLE.md rule 10): lexer
 * (lex.c), parser (parse.c), semantic checks (bind.c), execution with a
 * step and a memory budget (exec.c, aggr.c), then the result is copied out
 * of the run's arena (result.c). All intermediate memory belongs to one
 * arena freed at the end, plus the documents parse_json()/dynamic() built.
 */
#include "common/setup.h"

#include <time.h>

#include "common/limits.h"
#include "kql/internal.h"

static int64_t clock_ticks(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 10000000 + ts.tv_nsec / 100;
}

static void run_init(struct krun *r, const struct ss_kql_table *tables, size_t n,
                     const struct ss_kql_opts *opts, struct ss_diag *diag)
{
    memset(r, 0, sizeof(*r));
    ss_arena_init(&r->arena, 0);
    r->tables = tables;
    r->ntables = n;
    r->max_steps = opts && opts->max_steps ? opts->max_steps : SS_KQL_MAX_STEPS;
    r->max_memory = opts && opts->max_memory ? opts->max_memory : SS_KQL_MAX_MEMORY;
    r->now = opts && opts->now ? opts->now : clock_ticks();
    r->diag = diag;
}

static void run_release(struct krun *r)
{
    ss__kql_func_release(r);
    for (size_t i = 0; i < r->ndocs; i++)
        ss_json_doc_free(r->docs[i]);
    free(r->docs);
    ss_buf_release(&r->tmp);
    ss_arena_release(&r->arena);
}

enum ss_err ss_kql_run(const char *query, size_t len, const struct ss_kql_table *tables, size_t n,
                       const struct ss_kql_opts *opts, struct ss_kql_result **out,
                       struct ss_diag *diag)
{
    struct krun r;
    struct klexed lx;
    struct kquery *q = NULL;
    struct kset set;
    run_init(&r, tables, n, opts, diag);
    enum ss_err e = ss__kql_lex(&r.arena, query ? query : "", query ? len : 0, &lx, diag);
    if (!e)
        e = ss__kql_parse(&r.arena, &lx, &q, diag);
    if (!e)
        e = ss__kql_bind(&r, q, diag);
    if (!e && !ss__kql_exec(&r, q, &set))
        e = r.err ? r.err : SS_EINTERNAL;
    if (!e)
        *out = ss__kql_result_new(&r, &set);
    run_release(&r);
    return e;
}
