/*
 * The index of related resources for auditIfNotExists/deployIfNotExists
 * (research/azure_policy.md §2.7, §7.2).
 *
 * Each resource is filed three times, under "<scope>\n<type>" keys of three
 * maps: its parent (the enclosing resource of a nested `resources` child, or
 * the parent derived from its id: `.../servers/a` for `.../servers/a/
 * databases/b`, the resource for an extension `.../vaults/v/providers/
 * Microsoft.Insights/diagnosticSettings/d`, the subscription for
 * `/subscriptions/s/providers/Microsoft.Security/pricings/p`), its resource
 * group and its subscription. A lookup is one hash probe plus the resources
 * of that type in that scope; the inventory is never scanned.
 */
#include "common/setup.h"

#include "common/limits.h"
#include "policy/internal.h"

struct inv_entry {
    struct ss_json res;
    struct ss_str parent;      /* the parent it was filed under (a slice of a document) */
    struct inv_entry *next[3]; /* next in the same bucket of each map */
    struct inv_entry *prev[3]; /* previous, NULL for the bucket's head */
    struct inv_entry *family;  /* next entry added by the same ss_policy_inventory_add */
};

struct ss_policy_inventory {
    struct ss_arena mem;
    struct ss_map maps[3];  /* enum inv_scope -> struct inv_entry * (bucket head) */
    struct ss_map scoped;   /* types seen as child or extension resources of a resource */
    struct inv_entry *free; /* removed entries, reused (linked by `family`) */
    size_t count;
};

struct ss_policy_inventory *ss_policy_inventory_new(void)
{
    struct ss_policy_inventory *inv = ss_xcalloc(1, sizeof(*inv));
    ss_arena_init(&inv->mem, 0);
    for (int i = 0; i < 3; i++)
        ss_map_init(&inv->maps[i], SS_MAP_NOCASE);
    ss_map_init(&inv->scoped, SS_MAP_NOCASE);
    return inv;
}

void ss_policy_inventory_free(struct ss_policy_inventory *inv)
{
    if (!inv)
        return;
    for (int i = 0; i < 3; i++)
        ss_map_release(&inv->maps[i]);
    ss_map_release(&inv->scoped);
    ss_arena_release(&inv->mem);
    free(inv);
}

size_t ss_policy_inventory_count(const struct ss_policy_inventory *inv)
{
    return inv ? inv->count : 0;
}

struct ss_str ss__id_scope(struct ss_str id, bool group)
{
    struct ss_str none = {NULL, 0};
    size_t seg = 0, i, third = 0;
    size_t want = group ? 4 : 2; /* "/subscriptions/s" or ".../resourceGroups/g" */
    if (id.len < 16 || !ss_mem_eq_nocase(id.ptr, "/subscriptions/", 15))
        return none;
    for (i = 0; i < id.len; i++)
        if (id.ptr[i] == '/') {
            if (++seg == 3)
                third = i + 1;
            if (seg > want)
                break;
        }
    if (seg < want || (group && (id.len - third < 15 ||
                                 !ss_mem_eq_nocase(id.ptr + third, "resourceGroups/", 15))))
        return none;
    struct ss_str r = {id.ptr, i};
    return r;
}

/* Drops the last `n` segments of `id`. */
static struct ss_str drop_segs(struct ss_str id, int n)
{
    while (n-- > 0 && id.len) {
        while (id.len && id.ptr[id.len - 1] != '/')
            id.len--;
        if (id.len)
            id.len--;
    }
    return id;
}

struct ss_str ss__id_parent(struct ss_str id)
{
    while (id.len && id.ptr[id.len - 1] == '/')
        id.len--;
    struct ss_str p = drop_segs(id, 2);
    struct ss_str up = drop_segs(p, 1);
    size_t tail = p.len - up.len;
    /* ".../providers/Namespace" -> the scope the provider hangs off */
    if (up.len >= 10 && tail > 0 && ss_mem_eq_nocase(up.ptr + up.len - 10, "/providers", 10))
        return drop_segs(p, 2);
    return p;
}

/* True if `s` contains `lit`, ignoring case. */
static bool contains_nocase(struct ss_str s, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = 0; i + n <= s.len; i++)
        if (ss_mem_eq_nocase(s.ptr + i, lit, n))
            return true;
    return false;
}

/* The bucket key "<scope>\n<type>" into buf; 0 if there is none (or it is too long). */
static size_t bucket_key(char *buf, size_t size, struct ss_str scope, struct ss_str type)
{
    if (!scope.len || !type.len || scope.len + type.len + 1 > size)
        return 0;
    memcpy(buf, scope.ptr, scope.len);
    buf[scope.len] = '\n';
    memcpy(buf + scope.len + 1, type.ptr, type.len);
    return scope.len + 1 + type.len;
}

static void file_under(struct ss_policy_inventory *inv, int map, struct ss_str scope,
                       struct ss_str type, struct inv_entry *e)
{
    char buf[1024];
    size_t len = bucket_key(buf, sizeof(buf), scope, type);
    if (!len)
        return;
    /* one probe: put returns the previous head of the list */
    struct inv_entry *head = ss_map_put(&inv->maps[map], buf, len, e, NULL);
    e->next[map] = head;
    e->prev[map] = NULL;
    if (head)
        head->prev[map] = e;
}

static void unfile(struct ss_policy_inventory *inv, int map, struct ss_str scope,
                   struct ss_str type, struct inv_entry *e)
{
    char buf[1024];
    size_t len = bucket_key(buf, sizeof(buf), scope, type);
    if (!len)
        return;
    if (e->next[map])
        e->next[map]->prev[map] = e->prev[map];
    if (e->prev[map])
        e->prev[map]->next[map] = e->next[map];
    else if (e->next[map])
        ss_map_put(&inv->maps[map], buf, len, e->next[map], NULL);
    else
        ss_map_del(&inv->maps[map], buf, len);
}

/* The three scopes an entry is filed under. */
static void entry_scopes(const struct inv_entry *e, struct ss_str *type, struct ss_str sc[3])
{
    struct ss_str id = ss_json_str(ss_json_get_nocase(e->res, "id", 2));
    *type = ss__res_type(e->res);
    struct ss_str scope_src = id.len ? id : e->parent;
    sc[INV_PARENT] = e->parent;
    sc[INV_GROUP] = ss__id_scope(scope_src, true);
    sc[INV_SUBSCRIPTION] = ss__id_scope(scope_src, false);
}

static struct inv_entry *add_one(struct ss_policy_inventory *inv, struct ss_json res,
                                 struct ss_str parent, unsigned depth, struct inv_entry *family)
{
    if (ss_json_kind(res) != SS_JSON_OBJECT || depth > SS_POLICY_MAX_NESTING)
        return family;
    struct inv_entry *e = inv->free;
    if (e)
        inv->free = e->family;
    else
        e = ss_arena_alloc(&inv->mem, sizeof(*e));
    memset(e, 0, sizeof(*e));
    e->res = res;
    e->family = family;
    inv->count++;
    struct ss_str id = ss_json_str(ss_json_get_nocase(res, "id", 2));
    if (!parent.len)
        parent = ss__id_parent(id);
    e->parent = parent;
    struct ss_str type, sc[3];
    entry_scopes(e, &type, sc);
    for (int m = 0; m < 3; m++)
        file_under(inv, m, sc[m], type, e);
    if (type.len && contains_nocase(parent, "/providers/")) {
        uintptr_t n = (uintptr_t)ss_map_get(&inv->scoped, type.ptr, type.len);
        ss_map_put(&inv->scoped, type.ptr, type.len, (void *)(n + 1), NULL);
    }
    struct ss_json kids = ss_json_get_nocase(res, "resources", 9);
    struct ss_json_iter it;
    struct ss_json kid;
    struct inv_entry *last = e;
    ss_json_iter_init(&it, kids);
    while (ss_json_kind(kids) == SS_JSON_ARRAY && ss_json_iter_next(&it, NULL, &kid))
        last = add_one(inv, kid, id, depth + 1, last);
    return last;
}

struct ss_policy_inventory_item *ss_policy_inventory_add(struct ss_policy_inventory *inv,
                                                         struct ss_json res)
{
    struct ss_str none = {NULL, 0};
    struct inv_entry *last = add_one(inv, res, none, 0, NULL);
    /* The family list runs from the last entry added back to the first: the
     * handle is the last one, so removal walks the whole family. */
    return (struct ss_policy_inventory_item *)last;
}

void ss_policy_inventory_remove(struct ss_policy_inventory *inv,
                                struct ss_policy_inventory_item *item)
{
    struct inv_entry *e = (struct inv_entry *)item;
    while (e) {
        struct inv_entry *up = e->family;
        struct ss_str type, sc[3];
        entry_scopes(e, &type, sc);
        for (int m = 0; m < 3; m++)
            unfile(inv, m, sc[m], type, e);
        if (type.len && contains_nocase(e->parent, "/providers/")) {
            uintptr_t n = (uintptr_t)ss_map_get(&inv->scoped, type.ptr, type.len);
            if (n > 1)
                ss_map_put(&inv->scoped, type.ptr, type.len, (void *)(n - 1), NULL);
            else
                ss_map_del(&inv->scoped, type.ptr, type.len);
        }
        inv->count--;
        e->family = inv->free;
        inv->free = e;
        e = up;
    }
}

struct each_adapter {
    bool (*fn)(void *ctx, struct ss_json res);
    void *ctx;
};

void ss_policy_inventory_each(const struct ss_policy_inventory *inv, enum ss_policy_scope scope,
                              const char *id, size_t idlen, const char *type, size_t typelen,
                              bool (*fn)(void *ctx, struct ss_json res), void *ctx)
{
    static const enum inv_scope map[] = {INV_PARENT, INV_GROUP, INV_SUBSCRIPTION};
    struct ss_str sc = {id, idlen}, ty = {type, typelen};
    ss__inv_each(inv, map[scope], sc, ty, fn, ctx);
}

bool ss__inv_resource_scoped(const struct ss_policy_inventory *inv, struct ss_str type)
{
    return inv && type.len && ss_map_get(&inv->scoped, type.ptr, type.len) != NULL;
}

void ss__inv_each(const struct ss_policy_inventory *inv, enum inv_scope kind, struct ss_str scope,
                  struct ss_str type, bool (*fn)(void *ctx, struct ss_json res), void *ctx)
{
    char buf[1024];
    size_t len = inv ? bucket_key(buf, sizeof(buf), scope, type) : 0;
    if (!len)
        return;
    for (struct inv_entry *e = ss_map_get(&inv->maps[kind], buf, len); e; e = e->next[kind])
        if (!fn(ctx, e->res))
            return;
}
