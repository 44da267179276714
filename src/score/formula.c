/*
 * The normative formulas of DESIGN.md §3, kept apart from the state so the
 * worked examples can be tested directly.
 *
 * Azure rounds like .NET's Math.Round(x, d): scale by 10^d, round half to
 * even, scale back. rint() in the default FE_TONEAREST mode is exactly that;
 * round() (half away from zero) is not: 7.53 / 8 = 0.94125 must give 0.9412.
 */
#include "common/setup.h"

#include <math.h>

#include "securescore/score.h"

double ss_round2(double x)
{
    return rint(x * 100.0) / 100.0;
}

double ss_round4(double x)
{
    return rint(x * 10000.0) / 10000.0;
}

void ss_control_score(int max_score, uint32_t healthy, uint32_t unhealthy, uint32_t na,
                      struct ss_control_result *out)
{
    uint64_t n = (uint64_t)healthy + unhealthy;
    out->healthy = healthy;
    out->unhealthy = unhealthy;
    out->not_applicable = na;
    out->weight = n;
    /* Azure: a control with no healthy or unhealthy resource contributes nothing. */
    out->max = n ? max_score : 0;
    out->current = n ? ss_round2((double)max_score * healthy / (double)n) : 0.0;
    /* Azure: the percentage comes from the rounded current (3.74 / 4 = 0.935). */
    out->percentage = out->max > 0 ? ss_round4(out->current / out->max) : 0.0;
}

void ss_total_score(const struct ss_control_result *controls, size_t n, struct ss_score_result *out)
{
    int max = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        max += controls[i].max;
        sum += controls[i].current; /* Azure: the sum of the rounded control values */
    }
    out->max = max;
    out->current = ss_round2(sum);
    out->percentage = max > 0 ? ss_round4(out->current / max) : 0.0;
    out->weight = 0;
}
