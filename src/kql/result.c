/*
 * KQL results: a table of typed columns copied out of the run (strings into
 * the result's arena, dynamic values as compact JSON text), so it outlives
 * the input documents; and its writers:
 *  - objectArray: [{"col": value}], datetime as ISO 8601 ("...Z"), real via
 *    ss_jw_double, long as an integer, dynamic as JSON, a null string as "";
 *  - table: {"columns": [{"name", "type"}], "rows": [[...]]} with ARG's type
 *    names (string, integer, number, boolean, datetime, object; a timespan
 *    is a string);
 *  - CSV (RFC 4180 quoting, "\n" line ends, a header line);
 *  - an aligned text table (numbers right-aligned).
 * Columns are present even when there are no rows.
 */
#include "common/setup.h"

#include <stdio.h>

#include "kql/internal.h"

struct ss_kql_result {
    struct ss_arena arena;
    uint32_t ncols;
    struct kcolumn *cols; /* names in the arena */
    size_t nrows;
    struct kv *vals; /* nrows x ncols */
};

static struct kv detach(struct ss_kql_result *res, struct ss_buf *tmp, struct kv v)
{
    switch (v.k) {
    case KK_STR: {
        struct kv o = v;
        o.u.s = ss_arena_memdup(&res->arena, v.u.s, v.len + 1);
        ((char *)o.u.s)[v.len] = '\0';
        return o;
    }
    case KK_JSON:
    case KK_ARR:
    case KK_OBJ: {
        ss_buf_reset(tmp);
        struct ss_jw w;
        ss_jw_init(&w, tmp, 0);
        ss__kql_write_json(&w, v);
        struct kv o = {.k = KK_RAW, .len = (uint32_t)tmp->len};
        o.u.s = ss_arena_strndup(&res->arena, tmp->ptr ? tmp->ptr : "", tmp->len);
        return o;
    }
    default:
        return v;
    }
}

struct ss_kql_result *ss__kql_result_new(struct krun *r, const struct kset *set)
{
    struct ss_kql_result *res = ss_xcalloc(1, sizeof(*res));
    ss_arena_init(&res->arena, 0);
    res->ncols = set->s.n;
    res->cols = ss_arena_calloc(&res->arena, set->s.n + 1, sizeof(*res->cols));
    for (uint32_t c = 0; c < set->s.n; c++) {
        res->cols[c] = set->s.cols[c];
        res->cols[c].name = ss_arena_strndup(&res->arena, set->s.cols[c].name, set->s.cols[c].len);
    }
    res->nrows = set->nrows;
    size_t n = set->nrows * set->s.n;
    res->vals = ss_arena_calloc(&res->arena, n ? n : 1, sizeof(*res->vals));
    struct ss_buf tmp = SS_BUF_INIT;
    for (size_t i = 0; i < set->nrows; i++)
        for (uint32_t c = 0; c < set->s.n; c++)
            res->vals[i * set->s.n + c] = detach(res, &tmp, ss__kql_get(set, i, c));
    ss_buf_release(&tmp);
    return res;
}

void ss_kql_result_free(struct ss_kql_result *r)
{
    if (!r)
        return;
    ss_arena_release(&r->arena);
    free(r);
}

size_t ss_kql_result_rows(const struct ss_kql_result *r)
{
    return r->nrows;
}

size_t ss_kql_result_columns(const struct ss_kql_result *r)
{
    return r->ncols;
}

const char *ss_kql_result_column_name(const struct ss_kql_result *r, size_t c)
{
    return c < r->ncols ? r->cols[c].name : NULL;
}

const char *ss_kql_result_column_type(const struct ss_kql_result *r, size_t c)
{
    return c < r->ncols ? ss__kql_type_names[r->cols[c].type] : NULL;
}

static struct kv cell(const struct ss_kql_result *r, size_t row, size_t c)
{
    return r->vals[row * r->ncols + c];
}

static void write_cell(struct ss_jw *w, const struct ss_kql_result *r, size_t row, size_t c)
{
    struct kv v = cell(r, row, c);
    if (v.k == KK_NULL && r->cols[c].type == KT_STRING)
        ss_jw_str(w, "", 0);
    else
        ss__kql_write_json(w, v);
}

static void slice(const struct ss_kql_result *r, size_t skip, size_t top, size_t *from, size_t *to)
{
    *from = skip < r->nrows ? skip : r->nrows;
    *to = top && top < r->nrows - *from ? *from + top : r->nrows;
}

void ss_kql_write_objects(const struct ss_kql_result *r, struct ss_jw *w, size_t skip, size_t top)
{
    size_t from, to;
    slice(r, skip, top, &from, &to);
    ss_jw_arr_begin(w);
    for (size_t i = from; i < to; i++) {
        ss_jw_obj_begin(w);
        for (size_t c = 0; c < r->ncols; c++) {
            ss_jw_key(w, r->cols[c].name, r->cols[c].len);
            write_cell(w, r, i, c);
        }
        ss_jw_obj_end(w);
    }
    ss_jw_arr_end(w);
}

/* Resource Graph's column type names (table format). */
static const char *const arg_types[KT__COUNT] = {"boolean",  "integer", "number", "string",
                                                 "datetime", "string",  "object"};

void ss_kql_write_table(const struct ss_kql_result *r, struct ss_jw *w, size_t skip, size_t top)
{
    size_t from, to;
    slice(r, skip, top, &from, &to);
    ss_jw_obj_begin(w);
    ss_jw_keyz(w, "columns");
    ss_jw_arr_begin(w);
    for (size_t c = 0; c < r->ncols; c++) {
        ss_jw_obj_begin(w);
        ss_jw_keyz(w, "name");
        ss_jw_str(w, r->cols[c].name, r->cols[c].len);
        ss_jw_keyz(w, "type");
        ss_jw_strz(w, arg_types[r->cols[c].type]);
        ss_jw_obj_end(w);
    }
    ss_jw_arr_end(w);
    ss_jw_keyz(w, "rows");
    ss_jw_arr_begin(w);
    for (size_t i = from; i < to; i++) {
        ss_jw_arr_begin(w);
        for (size_t c = 0; c < r->ncols; c++)
            write_cell(w, r, i, c);
        ss_jw_arr_end(w);
    }
    ss_jw_arr_end(w);
    ss_jw_obj_end(w);
}

/* The text of a cell: reals as JSON prints them, dynamic as compact JSON, null as "". */
static void cell_text(struct ss_buf *b, struct kv v)
{
    if (v.k == KK_REAL) {
        char buf[40];
        ss_buf_add(b, buf, ss_json_fmt_double(buf, v.u.d));
        return;
    }
    ss__kql_format(b, v);
}

static void csv_field(struct ss_buf *out, const char *p, size_t n)
{
    bool quote = n && (memchr(p, ',', n) || memchr(p, '"', n) || memchr(p, '\n', n) ||
                       memchr(p, '\r', n) || p[0] == ' ' || p[n - 1] == ' ');
    if (!quote) {
        ss_buf_add(out, p, n);
        return;
    }
    ss_buf_addc(out, '"');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"')
            ss_buf_addc(out, '"');
        ss_buf_addc(out, p[i]);
    }
    ss_buf_addc(out, '"');
}

void ss_kql_write_csv(const struct ss_kql_result *r, struct ss_buf *out)
{
    struct ss_buf t = SS_BUF_INIT;
    for (size_t c = 0; c < r->ncols; c++) {
        if (c)
            ss_buf_addc(out, ',');
        csv_field(out, r->cols[c].name, r->cols[c].len);
    }
    ss_buf_addc(out, '\n');
    for (size_t i = 0; i < r->nrows; i++) {
        for (size_t c = 0; c < r->ncols; c++) {
            if (c)
                ss_buf_addc(out, ',');
            ss_buf_reset(&t);
            cell_text(&t, cell(r, i, c));
            csv_field(out, t.ptr ? t.ptr : "", t.len);
        }
        ss_buf_addc(out, '\n');
    }
    ss_buf_release(&t);
}

static size_t text_width(const char *p, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)p[i] & 0xC0) != 0x80;
    return w;
}

/* One line of the text table; cells[c] holds offsets into `text`. */
static void text_line(struct ss_buf *out, const struct ss_kql_result *r, const char *const *cell_p,
                      const size_t *cell_n, const size_t *width, bool header)
{
    size_t line_start = out->len;
    for (size_t c = 0; c < r->ncols; c++) {
        size_t w = text_width(cell_p[c], cell_n[c]), pad = width[c] - w;
        bool right = !header && (r->cols[c].type == KT_LONG || r->cols[c].type == KT_REAL);
        if (c)
            ss_buf_add(out, "  ", 2);
        for (size_t k = 0; right && k < pad; k++)
            ss_buf_addc(out, ' ');
        ss_buf_add(out, cell_p[c], cell_n[c]);
        for (size_t k = 0; !right && k < pad; k++)
            ss_buf_addc(out, ' ');
    }
    while (out->len > line_start && out->ptr[out->len - 1] == ' ')
        out->len--;
    ss_buf_addc(out, '\n');
}

void ss_kql_write_text(const struct ss_kql_result *r, struct ss_buf *out)
{
    size_t nc = r->ncols ? r->ncols : 1, ncell = (r->nrows + 1) * nc;
    size_t *off = ss_xcalloc(ncell + 1, sizeof(size_t));
    size_t *width = ss_xcalloc(nc, sizeof(size_t));
    struct ss_buf t = SS_BUF_INIT;
    for (size_t i = 0; i <= r->nrows; i++)
        for (size_t c = 0; c < r->ncols; c++) {
            off[i * nc + c] = t.len;
            if (i == 0)
                ss_buf_add(&t, r->cols[c].name, r->cols[c].len);
            else
                cell_text(&t, cell(r, i - 1, c));
            for (size_t k = off[i * nc + c]; k < t.len; k++)
                if (t.ptr[k] == '\n' || t.ptr[k] == '\r' || t.ptr[k] == '\t')
                    t.ptr[k] = ' ';
            size_t w = text_width(t.ptr + off[i * nc + c], t.len - off[i * nc + c]);
            width[c] = SS_MAX(width[c], w);
        }
    off[ncell] = t.len;
    const char **cp = ss_xcalloc(nc, sizeof(*cp));
    size_t *cn = ss_xcalloc(nc, sizeof(size_t));
    for (size_t i = 0; i <= r->nrows; i++) {
        for (size_t c = 0; c < r->ncols; c++) {
            size_t k = i * nc + c, end = off[k + 1];
            cp[c] = t.ptr ? t.ptr + off[k] : "";
            cn[c] = end - off[k];
        }
        text_line(out, r, cp, cn, width, i == 0);
    }
    free(cp);
    free(cn);
    free(off);
    free(width);
    ss_buf_release(&t);
}
