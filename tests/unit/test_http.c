#include "common/setup.h"

/*
 * Unit tests for src/http/auth.c: role names and their loose parsing, what
 * each role may do, which scopes a token may name, which targets a grant
 * covers (tenant, subscription and resource group prefixes at segment
 * boundaries, management groups through the hierarchy of a score), and
 * tokens (SHA-256 hashes, creation into a store).
 */

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

#include "http/internal.h"
#include "securescore/catalog.h"
#include "securescore/score.h"
#include "securescore/server.h"
#include "securescore/store.h"
#include "test.h"

#define G1 "00000000-0000-4000-8000-000000000001"
#define G2 "00000000-0000-4000-8000-000000000002"
#define G3 "00000000-0000-4000-8000-000000000003"
#define MGP "/providers/Microsoft.Management/managementGroups/"

/* ==== roles ==== */

TEST(http_role_names_and_parse)
{
    static const struct {
        const char *text;
        enum ss_role want;
    } ok[] = {
        {"Reader", SS_ROLE_READER},
        {"reader", SS_ROLE_READER},
        {"Security Reader", SS_ROLE_SECURITY_READER},
        {"security-reader", SS_ROLE_SECURITY_READER},
        {"SECURITY_READER", SS_ROLE_SECURITY_READER},
        {"Contributor", SS_ROLE_CONTRIBUTOR},
        {"security-admin", SS_ROLE_SECURITY_ADMIN},
        {"SecurityAdmin", SS_ROLE_SECURITY_ADMIN},
        {" security admin ", SS_ROLE_SECURITY_ADMIN},
        {"owner", SS_ROLE_OWNER},
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(ok); i++) {
        enum ss_role r = SS_ROLE__COUNT;
        CHECK(ss_role_parse(ok[i].text, &r));
        CHECK_EQ_INT(r, ok[i].want);
    }
    static const char *const bad[] = {
        "",           "-",        "  ",
        "admin",      "Read",     "Readers",
        "Owner2",     "Security", "security-reader-x",
        "Contributo", "Ownerr",   "Rea der x",
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(bad); i++) {
        enum ss_role r = SS_ROLE__COUNT;
        if (ss_role_parse(bad[i], &r))
            ss_test_fail(t_, __FILE__, __LINE__, "role \"%s\" accepted as %d", bad[i], (int)r);
        CHECK_EQ_INT(r, SS_ROLE__COUNT); /* untouched */
    }
    CHECK_STREQ(ss_role_name(SS_ROLE_READER), "Reader");
    CHECK_STREQ(ss_role_name(SS_ROLE_SECURITY_READER), "Security Reader");
    CHECK_STREQ(ss_role_name(SS_ROLE_CONTRIBUTOR), "Contributor");
    CHECK_STREQ(ss_role_name(SS_ROLE_SECURITY_ADMIN), "Security Admin");
    CHECK_STREQ(ss_role_name(SS_ROLE_OWNER), "Owner");
    CHECK_STREQ(ss_role_name(SS_ROLE__COUNT), "?");
    CHECK_STREQ(ss_role_name((enum ss_role) - 1), "?");
    /* every name parses back to its role */
    for (int i = 0; i < SS_ROLE__COUNT; i++) {
        enum ss_role r = SS_ROLE__COUNT;
        CHECK(ss_role_parse(ss_role_name((enum ss_role)i), &r));
        CHECK_EQ_INT(r, i);
    }
}

TEST(http_role_can_matrix)
{
    /* rows: role; columns: read, write security, write resource */
    static const bool want[SS_ROLE__COUNT][3] = {
        [SS_ROLE_READER] = {true, false, false},
        [SS_ROLE_SECURITY_READER] = {true, false, false},
        [SS_ROLE_CONTRIBUTOR] = {true, true, true},
        [SS_ROLE_SECURITY_ADMIN] = {true, true, false},
        [SS_ROLE_OWNER] = {true, true, true},
    };
    static const enum ss_access acc[3] = {SS_ACCESS_READ, SS_ACCESS_WRITE_SECURITY,
                                          SS_ACCESS_WRITE_RESOURCE};
    for (int r = 0; r < SS_ROLE__COUNT; r++)
        for (int a = 0; a < 3; a++)
            if (ss__role_can((enum ss_role)r, acc[a]) != want[r][a])
                ss_test_fail(t_, __FILE__, __LINE__, "role %s access %d: got %d", ss_role_name(r),
                             a, !want[r][a]);
    CHECK(!ss__role_can(SS_ROLE_OWNER, (enum ss_access)99));
}

/* ==== scopes ==== */

TEST(http_scope_valid)
{
    static const char *const ok[] = {
        "/",
        "/subscriptions/" G1,
        "/SUBSCRIPTIONS/" G1,
        "/subscriptions/00000000-0000-4000-8000-00000000000A",
        "/subscriptions/" G1 "/resourceGroups/rg",
        "/subscriptions/" G1 "/resourcegroups/My-RG.1",
        MGP "mg1",
        "/providers/microsoft.management/managementgroups/Root",
    };
    static const char *const bad[] = {
        "",
        "//",
        "subscriptions/" G1,
        "/subscriptions/",
        "/subscriptions/not-a-guid",
        "/subscriptions/00000000-0000-4000-8000-00000000000",  /* 35 characters */
        "/subscriptions/00000000-0000-4000-8000-00000000000g", /* not hex */
        "/subscriptions/" G1 "/",
        "/subscriptions/" G1 "x",
        "/subscriptions/" G1 "/resourceGroups/",
        "/subscriptions/" G1 "/resourceGroups",
        "/subscriptions/" G1 "/resourceGroups/rg/",
        "/subscriptions/" G1 "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a",
        "/subscriptions/" G1 "/other/rg",
        MGP,
        MGP "mg1/",
        MGP "mg1/subscriptions/" G1,
        "/providers/Microsoft.Management/managementGroup/mg1",
        "/tenants/x",
    };
    for (size_t i = 0; i < SS_ARRAY_LEN(ok); i++)
        if (!ss__scope_valid(ok[i]))
            ss_test_fail(t_, __FILE__, __LINE__, "scope \"%s\" refused", ok[i]);
    for (size_t i = 0; i < SS_ARRAY_LEN(bad); i++)
        if (ss__scope_valid(bad[i]))
            ss_test_fail(t_, __FILE__, __LINE__, "scope \"%s\" accepted", bad[i]);
}

struct hier {
    struct ss_catalog *cat;
    struct ss_score *s;
};

/* root <- child <- grandchild; G1 under grandchild, G2 under root, G3 under none. */
static bool hier_make(struct hier *h)
{
    h->cat = ss_catalog_new();
    h->s = ss_score_new(h->cat);
    uint32_t root = ss_score_mg(h->s, "Root", 4);
    uint32_t child = ss_score_mg(h->s, "child", 5);
    uint32_t grand = ss_score_mg(h->s, "grandchild", 10);
    uint32_t other = ss_score_mg(h->s, "other", 5);
    ss_score_mg_set(h->s, root, "Tenant root", -1);
    ss_score_mg_set(h->s, child, "Child", (long)root);
    ss_score_mg_set(h->s, grand, "Grandchild", (long)child);
    ss_score_mg_set(h->s, other, "Other", -1);
    uint32_t s1, s2, s3;
    if (ss_score_sub(h->s, G1, 36, &s1) || ss_score_sub(h->s, G2, 36, &s2) ||
        ss_score_sub(h->s, G3, 36, &s3))
        return false;
    ss_score_sub_set_mg(h->s, s1, (long)grand);
    ss_score_sub_set_mg(h->s, s2, (long)root);
    ss_score_sub_set_mg(h->s, s3, -1);
    return ss_score_nmgs(h->s) == 4 && ss_score_nsubs(h->s) == 3;
}

static void hier_free(struct hier *h)
{
    ss_score_free(h->s);
    ss_catalog_free(h->cat);
}

struct cover_case {
    const char *grant, *target;
    bool want;
};

static void check_covers(struct ss_test *t_, const struct ss_score *s, const struct cover_case *c,
                         size_t n, int line)
{
    for (size_t i = 0; i < n; i++)
        if (ss__scope_covers(s, c[i].grant, c[i].target) != c[i].want)
            ss_test_fail(t_, __FILE__, line, "grant \"%s\" target \"%s\": want %s", c[i].grant,
                         c[i].target, c[i].want ? "covered" : "not covered");
}

TEST(http_scope_covers_prefixes)
{
    struct hier h;
    REQUIRE(hier_make(&h));
    static const struct cover_case cases[] = {
        /* the tenant covers everything */
        {"/", "/", true},
        {"/", "/subscriptions/" G3, true},
        {"/", MGP "Root", true},
        {"/",
         "/subscriptions/" G1 "/resourceGroups/rg/providers/Microsoft.Storage/"
         "storageAccounts/sa",
         true},
        /* a subscription: itself and below, at a segment boundary, ignoring case */
        {"/subscriptions/" G1, "/subscriptions/" G1, true},
        {"/subscriptions/" G1, "/subscriptions/" G1 "/resourceGroups/rg", true},
        {"/subscriptions/" G1, "/SUBSCRIPTIONS/00000000-0000-4000-8000-000000000001/x", true},
        {"/subscriptions/00000000-0000-4000-8000-00000000000A",
         "/subscriptions/00000000-0000-4000-8000-00000000000a/resourceGroups/r", true},
        {"/subscriptions/" G1, "/subscriptions/" G1 "x", false},
        {"/subscriptions/" G1, "/subscriptions/" G1 "x/resourceGroups/rg", false},
        {"/subscriptions/" G1, "/subscriptions/" G2, false},
        {"/subscriptions/" G1, "/subscriptions/00000000-0000-4000-8000-00000000000", false},
        {"/subscriptions/" G1, "/", false},
        {"/subscriptions/" G1, MGP "grandchild", false},
        {"/subscriptions/" G1, "", false},
        /* a resource group */
        {"/subscriptions/" G1 "/resourceGroups/rg", "/subscriptions/" G1 "/resourceGroups/RG",
         true},
        {"/subscriptions/" G1 "/resourceGroups/rg",
         "/subscriptions/" G1 "/resourcegroups/rg/providers/Microsoft.Web/sites/w", true},
        {"/subscriptions/" G1 "/resourceGroups/rg", "/subscriptions/" G1 "/resourceGroups/rg2",
         false},
        {"/subscriptions/" G1 "/resourceGroups/rg", "/subscriptions/" G1, false},
        {"/subscriptions/" G1 "/resourceGroups/rg", "/subscriptions/" G2 "/resourceGroups/rg",
         false},
    };
    check_covers(t_, h.s, cases, SS_ARRAY_LEN(cases), __LINE__);
    hier_free(&h);
}

TEST(http_scope_covers_management_groups)
{
    struct hier h;
    REQUIRE(hier_make(&h));
    static const struct cover_case cases[] = {
        /* subscriptions at any depth below the group */
        {MGP "Root", "/subscriptions/" G1, true},
        {MGP "root", "/subscriptions/" G1 "/resourceGroups/rg/providers/Microsoft.Web/sites/w",
         true},
        {"/providers/microsoft.management/managementgroups/ROOT", "/subscriptions/" G2, true},
        {MGP "child", "/subscriptions/" G1, true},
        {MGP "grandchild", "/subscriptions/" G1 "/resourceGroups/x", true},
        {MGP "child", "/subscriptions/" G2, false},
        {MGP "Root", "/subscriptions/" G3, false},
        {MGP "other", "/subscriptions/" G1, false},
        /* a subscription the state does not know */
        {MGP "Root", "/subscriptions/00000000-0000-4000-8000-000000000009", false},
        /* groups: itself and its descendants, never its ancestors or siblings */
        {MGP "Root", MGP "Root", true},
        {MGP "Root", MGP "child", true},
        {MGP "Root", MGP "GRANDCHILD", true},
        {MGP "child", MGP "grandchild", true},
        {MGP "child", MGP "Root", false},
        {MGP "grandchild", MGP "child", false},
        {MGP "Root", MGP "other", false},
        {MGP "Root", MGP "unknown", false},
        {MGP "Root", MGP "chil", false},
        {MGP "Root", MGP "childx", false},
        /* a group the state does not know covers nothing */
        {MGP "unknown", "/subscriptions/" G1, false},
        {MGP "unknown", MGP "unknown", false},
        {MGP "Roo", "/subscriptions/" G1, false},
        /* a group grant does not cover the tenant */
        {MGP "Root", "/", false},
    };
    check_covers(t_, h.s, cases, SS_ARRAY_LEN(cases), __LINE__);
    hier_free(&h);
}

/*
 * Under a management group grant, a subscription target must end after its
 * GUID ("/subscriptions/{G1}x" is not G1; a bug found by this test).
 */
TEST(http_scope_covers_management_group_guid_boundary)
{
    struct hier h;
    REQUIRE(hier_make(&h));
    static const struct cover_case cases[] = {
        {MGP "Root", "/subscriptions/" G1 "x", false},
        {MGP "Root", "/subscriptions/" G1 "0/resourceGroups/rg", false},
    };
    check_covers(t_, h.s, cases, SS_ARRAY_LEN(cases), __LINE__);
    hier_free(&h);
}

/* ==== tokens ==== */

TEST(http_token_hash_vectors)
{
    char hex[65];
    memset(hex, 'z', sizeof(hex));
    ss_token_hash("abc", 3, hex);
    CHECK_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ss_token_hash("", 0, hex);
    CHECK_STREQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* the length is honoured, not strlen */
    ss_token_hash("abcdef", 3, hex);
    CHECK_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ss_token_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
    CHECK_STREQ(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

struct tok_list {
    struct ss_store_token v[4];
    int n;
};

static enum ss_err tok_collect(void *arg, const struct ss_store_token *t)
{
    struct tok_list *l = arg;
    if (l->n < 4)
        l->v[l->n] = *t;
    l->n++;
    return SS_OK;
}

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[n] == '\0';
}

TEST(http_token_create)
{
    char dir[64], db[128], p[192];
    snprintf(dir, sizeof(dir), "/tmp/ss-http-XXXXXX");
    REQUIRE(mkdtemp(dir));
    snprintf(db, sizeof(db), "%s/t.db", dir);
    struct ss_store *st = NULL;
    REQUIRE(ss_store_open(db, &st, NULL) == SS_OK);
    char tok1[65], tok2[65];
    int64_t id1 = 0, id2 = 0;
    struct ss_diag d;
    ss_diag_clear(&d);
    CHECK_ERR(
        ss_token_create(st, "alice", SS_ROLE_SECURITY_ADMIN, "/subscriptions/" G1, tok1, &id1, &d),
        SS_OK);
    CHECK_ERR(ss_token_create(st, "bob", SS_ROLE_READER, "/", tok2, &id2, &d), SS_OK);
    CHECK_EQ_INT(strlen(tok1), 64);
    CHECK(all_hex(tok1, 64));
    CHECK(all_hex(tok2, 64));
    CHECK(strcmp(tok1, tok2) != 0);
    CHECK(id1 > 0);
    CHECK(id2 > id1);

    /* refused: nothing stored */
    char tok3[65];
    int64_t id3 = -5;
    char longname[129];
    memset(longname, 'n', 128);
    longname[128] = '\0';
    ss_diag_clear(&d);
    CHECK_ERR(ss_token_create(st, "", SS_ROLE_OWNER, "/", tok3, &id3, &d), SS_EINVAL);
    ss_diag_clear(&d);
    CHECK_ERR(ss_token_create(st, longname, SS_ROLE_OWNER, "/", tok3, &id3, &d), SS_EINVAL);
    ss_diag_clear(&d);
    CHECK_ERR(ss_token_create(st, "carol", SS_ROLE_OWNER, "/subscriptions/nope", tok3, &id3, &d),
              SS_EINVAL);
    CHECK(strstr(d.msg, "/subscriptions/nope") != NULL);
    CHECK_EQ_INT(id3, -5);
    /* 127 characters is the longest principal */
    longname[127] = '\0';
    CHECK_ERR(ss_token_create(st, longname, SS_ROLE_OWNER, MGP "mg", tok3, &id3, NULL), SS_OK);

    struct tok_list l;
    memset(&l, 0, sizeof(l));
    CHECK_ERR(ss_store_token_each(st, tok_collect, &l), SS_OK);
    REQUIRE(l.n == 3);
    char h[65];
    ss_token_hash(tok1, 64, h);
    CHECK_EQ_INT(l.v[0].id, id1);
    CHECK_STREQ(l.v[0].hash, h);
    CHECK(strcmp(l.v[0].hash, tok1) != 0); /* the token itself is not stored */
    CHECK_STREQ(l.v[0].principal, "alice");
    CHECK_STREQ(l.v[0].role, "Security Admin");
    CHECK_STREQ(l.v[0].scope, "/subscriptions/" G1);
    CHECK(l.v[0].created > (int64_t)1600000000 * 10000000); /* ticks since 1970 */
    CHECK(!l.v[0].revoked);
    ss_token_hash(tok2, 64, h);
    CHECK_STREQ(l.v[1].hash, h);
    CHECK_STREQ(l.v[1].role, "Reader");
    CHECK_STREQ(l.v[1].scope, "/");
    CHECK_EQ_INT(l.v[2].id, id3);
    CHECK_EQ_INT(strlen(l.v[2].principal), 127);
    ss_store_close(st);

    static const char *const files[] = {"t.db", "t.db-wal", "t.db-shm"};
    for (size_t i = 0; i < SS_ARRAY_LEN(files); i++) {
        snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
        unlink(p);
    }
    CHECK_EQ_INT(rmdir(dir), 0);
}
