/*
 * libFuzzer target for the policy compiler and evaluator.
 *
 * The input is split at the first NUL byte (or, without one, at the first
 * newline) into a definition and a resource document. The definition is
 * compiled; when it compiles, it is evaluated on the resource (and on the
 * definition document itself, as a second resource), with both documents in
 * the inventory and a small step budget. Any outcome or error is fine; the
 * checks are that nothing crashes, leaks or overruns (ASan/UBSan), that a
 * failed compile fills the diagnostic and leaves no policy, and that the
 * outcome is one of the three.
 *
 * Build: `make fuzz` (clang -fsanitize=fuzzer,address,undefined). Seeds:
 * tests/fuzz/corpus/policy/.
 */
#include "common/setup.h"

#include <stdio.h>

#include "securescore/errors.h"
#include "securescore/json.h"
#include "securescore/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what)
{
    fprintf(stderr, "fuzz_policy: %s\n", what);
    abort();
}

static void evaluate(const struct ss_policy *p, struct ss_json res,
                     const struct ss_policy_inventory *inv, struct ss_policy_eval *ev)
{
    struct ss_policy_result r;
    struct ss_diag d;
    ss_diag_clear(&d);
    enum ss_err e = ss_policy_evaluate(ev, p, res, inv, &r, &d);
    if (e == SS_OK && (unsigned)r.outcome > SS_POLICY_UNHEALTHY)
        die("outcome out of range");
    if (e != SS_OK && d.code == SS_OK)
        die("error without a diagnostic");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *sep = memchr(text, '\0', size);
    if (!sep)
        sep = memchr(text, '\n', size);
    size_t dlen = sep ? (size_t)(sep - text) : size;
    size_t roff = sep ? dlen + 1 : size;
    struct ss_json_doc *def = NULL, *res = NULL;
    if (ss_json_parse(text, dlen, NULL, &def, NULL) != SS_OK)
        return 0;
    if (ss_json_parse(text + roff, size - roff, NULL, &res, NULL) != SS_OK)
        res = NULL;
    struct ss_policy *p = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    struct ss_policy_opts opts = {.max_steps = 20000};
    enum ss_err e = ss_policy_compile(ss_json_root(def), &opts, &p, &d);
    if (e != SS_OK && (p != NULL || d.code != e))
        die("failed compile left a policy or no diagnostic");
    if (e == SS_OK) {
        struct ss_policy_inventory *inv = ss_policy_inventory_new();
        struct ss_policy_eval *ev = ss_policy_eval_new();
        if (res)
            ss_policy_inventory_add(inv, ss_json_root(res));
        ss_policy_inventory_add(inv, ss_json_root(def));
        if (res)
            evaluate(p, ss_json_root(res), inv, ev);
        evaluate(p, ss_json_root(def), inv, ev);
        ss_policy_eval_free(ev);
        ss_policy_inventory_free(inv);
    }
    ss_policy_free(p);
    ss_json_doc_free(def);
    ss_json_doc_free(res);
    return 0;
}
