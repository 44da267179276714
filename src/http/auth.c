/*
 * Roles and tokens. A token is 32 bytes from GnuTLS's key-grade random
 * generator, shown once in hex; the store keeps only its SHA-256.
 */
#include "common/setup.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <time.h>

#include "http/internal.h"

static const char *const role_names[SS_ROLE__COUNT] = {
    "Reader", "Security Reader", "Contributor", "Security Admin", "Owner",
};

const char *ss_role_name(enum ss_role r)
{
    return (unsigned)r < SS_ROLE__COUNT ? role_names[r] : "?";
}

/* Compares ignoring case, spaces and hyphens ("security-admin" = "Security Admin"). */
static bool loose_eq(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '-' || *a == '_')
            a++;
        while (*b == ' ' || *b == '-' || *b == '_')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
        if (x != y)
            return false;
        a++;
        b++;
    }
}

bool ss_role_parse(const char *s, enum ss_role *out)
{
    for (int i = 0; i < SS_ROLE__COUNT; i++)
        if (loose_eq(s, role_names[i])) {
            *out = (enum ss_role)i;
            return true;
        }
    return false;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void ss_token_hash(const char *token, size_t len, char out[65])
{
    unsigned char d[32];
    gnutls_hash_fast(GNUTLS_DIG_SHA256, token, len, d);
    hex(d, 32, out);
}

enum ss_err ss_token_create(struct ss_store *st, const char *principal, enum ss_role role,
                            const char *scope, char token[65], int64_t *id, struct ss_diag *diag)
{
    if (!principal || !*principal || strlen(principal) >= 128)
        return ss_diag_set(diag, SS_EINVAL, "the principal must be 1 to 127 characters");
    if (!ss__scope_valid(scope))
        return ss_diag_set(diag, SS_EINVAL,
                           "scope \"%s\": expected \"/\", a management group id, or a "
                           "subscription or resource group id",
                           scope);
    unsigned char raw[32];
    if (gnutls_rnd(GNUTLS_RND_KEY, raw, sizeof(raw)) != 0)
        return ss_diag_set(diag, SS_EINTERNAL, "no random bytes for a token");
    hex(raw, sizeof(raw), token);
    struct ss_store_token t;
    memset(&t, 0, sizeof(t));
    ss_token_hash(token, 64, t.hash);
    snprintf(t.principal, sizeof(t.principal), "%s", principal);
    snprintf(t.role, sizeof(t.role), "%s", ss_role_name(role));
    snprintf(t.scope, sizeof(t.scope), "%s", scope);
    t.created = (int64_t)time(NULL) * 10000000;
    enum ss_err e = ss_store_token_add(st, &t);
    if (e)
        return ss_diag_set(diag, e, "cannot store the token");
    *id = t.id;
    return SS_OK;
}

bool ss__scope_valid(const char *scope)
{
    static const char mgp[] = "/providers/Microsoft.Management/managementGroups/";
    size_t len = strlen(scope);
    if (len == 1 && scope[0] == '/')
        return true;
    if (len > sizeof(mgp) - 1 && ss_mem_eq_nocase(scope, mgp, sizeof(mgp) - 1))
        return !strchr(scope + sizeof(mgp) - 1, '/');
    if (len < 51 || !ss_mem_eq_nocase(scope, "/subscriptions/", 15) || !ss_is_guid(scope + 15, 36))
        return false;
    if (len == 51)
        return true;
    /* a resource group: /subscriptions/{s}/resourceGroups/{g} */
    return len > 51 + 16 && ss_mem_eq_nocase(scope + 51, "/resourceGroups/", 16) &&
           !strchr(scope + 51 + 16, '/');
}

/* True if `grant` covers `target` (an ARM id or scope), given the hierarchy of `s`. */
bool ss__scope_covers(const struct ss_score *s, const char *grant, const char *target)
{
    static const char mgp[] = "/providers/Microsoft.Management/managementGroups/";
    size_t gl = strlen(grant), tl = strlen(target);
    if (gl == 1 && grant[0] == '/')
        return true;
    if (gl > sizeof(mgp) - 1 && ss_mem_eq_nocase(grant, mgp, sizeof(mgp) - 1)) {
        const char *gname = grant + sizeof(mgp) - 1;
        size_t gn = gl - (sizeof(mgp) - 1);
        long g = -1;
        for (size_t i = 0; i < ss_score_nmgs(s); i++) {
            const char *n = ss_score_mg_name(s, (uint32_t)i);
            if (strlen(n) == gn && ss_mem_eq_nocase(n, gname, gn))
                g = (long)i;
        }
        if (g < 0)
            return false;
        if (tl >= sizeof(mgp) - 1 && ss_mem_eq_nocase(target, mgp, sizeof(mgp) - 1)) {
            /* a management group: itself or a descendant */
            const char *tname = target + sizeof(mgp) - 1;
            size_t tn = strcspn(tname, "/");
            for (size_t i = 0; i < ss_score_nmgs(s); i++) {
                const char *n = ss_score_mg_name(s, (uint32_t)i);
                if (strlen(n) != tn || !ss_mem_eq_nocase(n, tname, tn))
                    continue;
                for (long m = (long)i; m >= 0; m = ss_score_mg_parent(s, (uint32_t)m))
                    if (m == g)
                        return true;
            }
            return false;
        }
        if (tl >= 51 && ss_mem_eq_nocase(target, "/subscriptions/", 15) &&
            (tl == 51 || target[51] == '/')) {
            long sub = ss_score_find_sub(s, target + 15, 36);
            return sub >= 0 && ss_score_sub_in_mg(s, (uint32_t)sub, (uint32_t)g);
        }
        return false;
    }
    return tl >= gl && ss_mem_eq_nocase(target, grant, gl) && (tl == gl || target[gl] == '/');
}

bool ss__role_can(enum ss_role r, enum ss_access a)
{
    switch (a) {
    case SS_ACCESS_READ:
        return true;
    case SS_ACCESS_WRITE_SECURITY:
        return r == SS_ROLE_CONTRIBUTOR || r == SS_ROLE_SECURITY_ADMIN || r == SS_ROLE_OWNER;
    case SS_ACCESS_WRITE_RESOURCE:
        return r == SS_ROLE_CONTRIBUTOR || r == SS_ROLE_OWNER;
    }
    return false;
}
