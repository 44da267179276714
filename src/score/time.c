/*
 * ISO 8601 times as 100 ns ticks since 1970-01-01T00:00:00Z, the resolution
 * Azure writes ("2021-04-12T09:07:18.6759138Z", seven fraction digits), so
 * imported times print back unchanged.
 */
#include "common/setup.h"

#include <stdio.h>

#include "securescore/score.h"

#define TICKS_PER_SEC 10000000LL

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n digits at *p. */
static bool digits(const char **p, const char *end, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (*p >= end || **p < '0' || **p > '9')
            return false;
        v = v * 10 + (*(*p)++ - '0');
    }
    *out = v;
    return true;
}

static bool expect(const char **p, const char *end, char c)
{
    if (*p < end && **p == c) {
        (*p)++;
        return true;
    }
    return false;
}

static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

/* Time of day and zone after the date: "Thh:mm[:ss[.fff]](Z|±hh:mm)". */
static bool parse_clock(const char **pp, const char *end, int64_t *ticks)
{
    const char *p = *pp;
    int hh, mi, ss = 0, oh = 0, om = 0;
    int64_t frac = 0;
    if (!digits(&p, end, 2, &hh) || !expect(&p, end, ':') || !digits(&p, end, 2, &mi))
        return false;
    if (expect(&p, end, ':') && !digits(&p, end, 2, &ss))
        return false;
    if (expect(&p, end, '.')) {
        int n = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            if (n < 7) {
                frac = frac * 10 + (*p - '0');
                n++;
            }
            p++;
        }
        if (!n)
            return false;
        for (; n < 7; n++)
            frac *= 10;
    }
    int sign = 0;
    if (expect(&p, end, 'Z') || expect(&p, end, 'z'))
        sign = 0;
    else if (p < end && (*p == '+' || *p == '-'))
        sign = *p++ == '-' ? -1 : 1;
    if (sign && (!digits(&p, end, 2, &oh) || !expect(&p, end, ':') || !digits(&p, end, 2, &om)))
        return false;
    if (hh > 23 || mi > 59 || ss > 60 || oh > 23 || om > 59)
        return false;
    int64_t secs = hh * 3600 + mi * 60 + ss - sign * (oh * 3600 + om * 60);
    *ticks = secs * TICKS_PER_SEC + frac;
    *pp = p;
    return true;
}

bool ss_time_parse(const char *s, size_t len, int64_t *out)
{
    const char *p = s, *end = s + len;
    int y, m, d;
    if (!digits(&p, end, 4, &y) || !expect(&p, end, '-') || !digits(&p, end, 2, &m) ||
        !expect(&p, end, '-') || !digits(&p, end, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
        (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
        return false;
    int64_t ticks = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 * TICKS_PER_SEC, clock = 0;
    if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
        p++;
        if (!parse_clock(&p, end, &clock))
            return false;
    }
    if (p != end)
        return false;
    *out = ticks + clock;
    return true;
}

void ss_time_format(int64_t ticks, char *buf)
{
    int64_t days = ticks >= 0 ? ticks / (86400 * TICKS_PER_SEC)
                              : -((-ticks + 86400 * TICKS_PER_SEC - 1) / (86400 * TICKS_PER_SEC));
    int64_t rem = ticks - days * 86400 * TICKS_PER_SEC, y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    unsigned secs = (unsigned)(rem / TICKS_PER_SEC), frac = (unsigned)(rem % TICKS_PER_SEC);
    unsigned yy = y < 0 ? 0 : y > 9999 ? 9999 : (unsigned)y;
    snprintf(buf, 40, "%04u-%02u-%02uT%02u:%02u:%02u.%07uZ", yy % 10000, m % 100, d % 100,
             secs / 3600 % 100, secs / 60 % 60, secs % 60, frac % 10000000);
}
