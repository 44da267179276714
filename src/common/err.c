/*
 * The error table (expanded from SS_ERR_LIST) and struct ss_diag helpers.
 */
#include "common/setup.h"

#include <stdarg.h>
#include <stdio.h>

#include "securescore/errors.h"

struct err_info {
    const char *name;
    int http;
    const char *azure;
    int exit_code;
    const char *msg;
};

static const struct err_info err_table[] = {
#define X(name, http, azure, exitcode, msg) {#name, http, azure, exitcode, msg},
    SS_ERR_LIST(X)
#undef X
};

static const struct err_info *info(enum ss_err e)
{
    static const struct err_info unknown = {"SS_E?", 500, "InternalError", 1, "unknown error"};
    if ((unsigned)e >= SS_ARRAY_LEN(err_table))
        return &unknown;
    return &err_table[e];
}

const char *ss_err_name(enum ss_err e)
{
    return info(e)->name;
}

const char *ss_strerror(enum ss_err e)
{
    return info(e)->msg;
}

int ss_err_http_status(enum ss_err e)
{
    return info(e)->http;
}

const char *ss_err_azure_code(enum ss_err e)
{
    return info(e)->azure;
}

int ss_err_exit_code(enum ss_err e)
{
    return info(e)->exit_code;
}

void ss_diag_clear(struct ss_diag *d)
{
    if (!d)
        return;
    d->code = SS_OK;
    d->line = 0;
    d->column = 0;
    d->offset = 0;
    d->file[0] = '\0';
    d->pointer[0] = '\0';
    d->msg[0] = '\0';
}

enum ss_err ss_diag_set(struct ss_diag *d, enum ss_err code, const char *fmt, ...)
{
    if (!d || d->code != SS_OK)
        return code;
    d->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    va_end(ap);
    return code;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void ss_diag_set_file(struct ss_diag *d, const char *file)
{
    if (d && file && !d->file[0])
        copy_str(d->file, sizeof(d->file), file);
}

void ss_diag_set_pointer(struct ss_diag *d, const char *ptr)
{
    if (d && ptr && !d->pointer[0])
        copy_str(d->pointer, sizeof(d->pointer), ptr);
}

/* Appends printf output at *pos of buf, clamping at the end. */
static void put(char *buf, size_t size, size_t *pos, const char *fmt, ...) SS_PRINTF(4, 5);
static void put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
    if (*pos >= size - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos = SS_MIN(size - 1, *pos + (size_t)n);
}

const char *ss_diag_format(const struct ss_diag *d, char *buf, size_t size)
{
    size_t pos = 0;
    if (!size)
        return buf;
    buf[0] = '\0';
    if (d->file[0])
        put(buf, size, &pos, "%s:", d->file);
    if (d->line && d->column)
        put(buf, size, &pos, "%u:%u:", d->line, d->column);
    else if (d->line)
        put(buf, size, &pos, "%u:", d->line);
    if (d->pointer[0])
        put(buf, size, &pos, "%s%s:", pos ? " " : "", d->pointer);
    put(buf, size, &pos, "%s%s", pos ? " " : "", d->msg[0] ? d->msg : ss_strerror(d->code));
    return buf;
}
