/*
 * sstest: the data-driven case runner (STYLE.md rule 13; jq's tests/jq.test
 * and curl's tests/data are the models).
 *
 * A case file holds cases:
 *
 *   # comment (between cases: at the start of a file or after a blank line)
 *   === json-0001 a short title
 *   --- input
 *   {"a": 1}
 *   --- output
 *   {"a":1}
 *
 * A case's kind follows from its sections, looked up in `kinds[]`:
 *   json: `input` + `output [raw]` | `error CODE [ignore-msg]` - parse the
 *         input strictly; `output` compares canonical forms (raw: the exact
 *         bytes ss_jw_value writes), `error` the code and the message
 *         "line:col: text".
 *   cli:  `cli` (one command line, `securescore` = the built binary), with
 *         optional `stdin`, `stdout [contains]`, `stderr [contains]`, `exit N`.
 * Scripts (`--- cli` running /bin/sh -s with a `stdin` section) find the binary
 * in $SS_BIN (absolute). Macros in bodies and command lines: %SHARED% (../shared), %TMP% (a fresh
 * directory per case), %SRC% (the repository root), %repeat[N x text]%,
 * %hex[41 42]hex%, %SP%, %TAB%, %CR%, %LF%. Bodies lose one trailing newline.
 *
 * usage: sstest [--only ID[,ID...]] FILE|DIR...
 * Prints FAIL lines with the case, file and line, then "cases: N passed, N failed".
 */
#include "common/setup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "securescore/buf.h"
#include "securescore/json.h"

#define MAX_SECTIONS 16

struct section {
    char name[32];
    char attr[96];
    struct ss_buf body;
};

struct tcase {
    char id[64];
    char title[160];
    const char *file;
    int line;
    struct section sec[MAX_SECTIONS];
    int nsec;
};

struct runner {
    const char *bin;    /* securescore binary */
    const char *shared; /* ../shared */
    const char *src;    /* repository root (cwd) */
    char **only;        /* --only ids */
    int nonly;
    int passed, failed;
    char tmpdir[256];
};

/* ---- sections ---- */

static struct section *find(struct tcase *c, const char *name)
{
    for (int i = 0; i < c->nsec; i++)
        if (strcmp(c->sec[i].name, name) == 0)
            return &c->sec[i];
    return NULL;
}

static void fail(struct runner *r, const struct tcase *c, const char *fmt, ...) SS_PRINTF(3, 4);
static void fail(struct runner *r, const struct tcase *c, const char *fmt, ...)
{
    va_list ap;
    printf("FAIL %s at %s:%d (%s): ", c->id, c->file, c->line, c->title);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    r->failed++;
}

/* ---- macros ---- */

static bool expand_repeat(struct ss_buf *out, const char **pp)
{
    const char *p = *pp + strlen("%repeat["), *x = strstr(p, " x "), *end;
    if (!x)
        return false;
    end = strstr(x + 3, "]%");
    if (!end)
        return false;
    char *stop;
    unsigned long n = strtoul(p, &stop, 10);
    if (stop != x || n > 100000000)
        return false;
    size_t len = (size_t)(end - (x + 3));
    for (unsigned long i = 0; i < n; i++)
        ss_buf_add(out, x + 3, len);
    *pp = end + 2;
    return true;
}

static bool expand_hex(struct ss_buf *out, const char **pp)
{
    const char *p = *pp + strlen("%hex["), *end = strstr(p, "]hex%");
    if (!end)
        return false;
    while (p < end) {
        if (*p == ' ' || *p == '%') {
            p++;
            continue;
        }
        char h[3] = {p[0], p[1], 0}, *stop;
        unsigned long v = strtoul(h, &stop, 16);
        if (stop != h + 2)
            return false;
        ss_buf_addc(out, (char)v);
        p += 2;
    }
    *pp = end + 5;
    return true;
}

static void expand(struct runner *r, const char *in, size_t len, struct ss_buf *out)
{
    static const struct {
        const char *name;
        const char *text;
    } simple[] = {{"%SP%", " "}, {"%TAB%", "\t"}, {"%CR%", "\r"}, {"%LF%", "\n"}};
    const char *p = in, *end = in + len;
    ss_buf_reset(out);
    while (p < end) {
        if (*p != '%') {
            ss_buf_addc(out, *p++);
            continue;
        }
        bool done = false;
        for (size_t i = 0; i < SS_ARRAY_LEN(simple) && !done; i++) {
            size_t n = strlen(simple[i].name);
            if ((size_t)(end - p) >= n && memcmp(p, simple[i].name, n) == 0) {
                ss_buf_adds(out, simple[i].text);
                p += n;
                done = true;
            }
        }
        const struct {
            const char *name;
            const char *val;
        } dirs[] = {{"%SHARED%", r->shared}, {"%TMP%", r->tmpdir}, {"%SRC%", r->src}};
        for (size_t i = 0; i < SS_ARRAY_LEN(dirs) && !done; i++) {
            size_t n = strlen(dirs[i].name);
            if ((size_t)(end - p) >= n && memcmp(p, dirs[i].name, n) == 0) {
                ss_buf_adds(out, dirs[i].val);
                p += n;
                done = true;
            }
        }
        if (!done && strncmp(p, "%repeat[", 8) == 0)
            done = expand_repeat(out, &p);
        if (!done && strncmp(p, "%hex[", 5) == 0)
            done = expand_hex(out, &p);
        if (!done)
            ss_buf_addc(out, *p++);
    }
}

/* ---- json cases ---- */

static bool canonical_of(const char *text, size_t len, struct ss_buf *out, char *err, size_t n)
{
    struct ss_json_doc *doc = NULL;
    struct ss_diag d;
    ss_diag_clear(&d);
    if (ss_json_parse(text, len, NULL, &doc, &d)) {
        ss_diag_format(&d, err, n);
        return false;
    }
    ss_json_write_canonical(out, ss_json_root(doc));
    ss_json_doc_free(doc);
    return true;
}

static void run_json(struct runner *r, struct tcase *c)
{
    struct ss_buf in = SS_BUF_INIT, got = SS_BUF_INIT, want = SS_BUF_INIT, tmp = SS_BUF_INIT;
    struct section *out = find(c, "output"), *er = find(c, "error");
    expand(r, find(c, "input")->body.ptr, find(c, "input")->body.len, &in);
    struct ss_json_doc *doc = NULL;
    struct ss_diag d;
    char msg[1024];
    ss_diag_clear(&d);
    enum ss_err e = ss_json_parse(in.ptr ? in.ptr : "", in.len, NULL, &doc, &d);
    if (er) {
        char code[64] = "";
        sscanf(er->attr, "%63s", code);
        ss_diag_format(&d, msg, sizeof(msg));
        expand(r, er->body.ptr ? er->body.ptr : "", er->body.len, &tmp);
        if (!e)
            fail(r, c, "accepted, expected %s", code);
        else if (strcmp(ss_err_name(e), code) != 0)
            fail(r, c, "got %s (%s), expected %s", ss_err_name(e), msg, code);
        else if (!strstr(er->attr, "ignore-msg") && strcmp(msg, tmp.ptr ? tmp.ptr : "") != 0)
            fail(r, c, "message \"%s\", expected \"%s\"", msg, tmp.ptr ? tmp.ptr : "");
        else
            r->passed++;
    } else if (e) {
        fail(r, c, "rejected: %s", ss_diag_format(&d, msg, sizeof(msg)));
    } else {
        expand(r, out->body.ptr ? out->body.ptr : "", out->body.len, &tmp);
        bool raw = strstr(out->attr, "raw") != NULL;
        if (raw) {
            struct ss_jw w;
            ss_jw_init(&w, &got, 0);
            ss_jw_value(&w, ss_json_root(doc));
            ss_buf_add(&want, tmp.ptr ? tmp.ptr : "", tmp.len);
        } else {
            ss_json_write_canonical(&got, ss_json_root(doc));
            if (!canonical_of(tmp.ptr ? tmp.ptr : "", tmp.len, &want, msg, sizeof(msg)))
                ss_buf_adds(&want, msg);
        }
        if (got.len != want.len || memcmp(got.ptr, want.ptr, got.len) != 0)
            fail(r, c, "output\n  got:  %s\n  want: %s", got.ptr, want.ptr);
        else
            r->passed++;
    }
    ss_json_doc_free(doc);
    ss_buf_release(&in);
    ss_buf_release(&got);
    ss_buf_release(&want);
    ss_buf_release(&tmp);
}

/* ---- cli cases ---- */

/* Splits a command line into argv: whitespace-separated, '...' and "..." quote. */
static int split_args(char *s, char **argv, int max)
{
    int n = 0;
    while (*s && n < max - 1) {
        while (*s == ' ' || *s == '\t' || *s == '\n')
            s++;
        if (!*s)
            break;
        char *o = s;
        argv[n++] = o;
        while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
            if (*s == '\'' || *s == '"') {
                char q = *s++;
                while (*s && *s != q)
                    *o++ = *s++;
                if (*s)
                    s++;
            } else {
                *o++ = *s++;
            }
        }
        if (*s)
            s++;
        *o = '\0';
    }
    argv[n] = NULL;
    return n;
}

static void read_fd(int fd, struct ss_buf *out)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        ss_buf_add(out, buf, (size_t)n);
    }
}

/* Runs argv with stdin from a file; captures stdout and stderr via files. */
static int run_cmd(struct runner *r, char **argv, const struct ss_buf *in, struct ss_buf *out,
                   struct ss_buf *err)
{
    char pin[300], pout[300], perr[300];
    snprintf(pin, sizeof(pin), "%s/.stdin", r->tmpdir);
    snprintf(pout, sizeof(pout), "%s/.stdout", r->tmpdir);
    snprintf(perr, sizeof(perr), "%s/.stderr", r->tmpdir);
    FILE *f = fopen(pin, "wb");
    if (!f)
        return -1;
    if (in->len)
        fwrite(in->ptr, 1, in->len, f);
    fclose(f);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int fi = open(pin, O_RDONLY), fo = open(pout, O_WRONLY | O_CREAT | O_TRUNC, 0600),
            fe = open(perr, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fi < 0 || fo < 0 || fe < 0)
            _exit(127);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    int fo = open(pout, O_RDONLY), fe = open(perr, O_RDONLY);
    if (fo >= 0) {
        read_fd(fo, out);
        close(fo);
    }
    if (fe >= 0) {
        read_fd(fe, err);
        close(fe);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool output_matches(struct runner *r, const struct section *s, const struct ss_buf *got)
{
    struct ss_buf want = SS_BUF_INIT;
    expand(r, s->body.ptr ? s->body.ptr : "", s->body.len, &want);
    const char *g = got->ptr ? got->ptr : "", *w = want.ptr ? want.ptr : "";
    bool ok;
    if (strstr(s->attr, "contains")) {
        ok = strstr(g, w) != NULL;
    } else {
        size_t gl = got->len;
        if (gl && g[gl - 1] == '\n' && !(want.len && w[want.len - 1] == '\n'))
            gl--; /* bodies lose their trailing newline; so does the output */
        ok = gl == want.len && memcmp(g, w, gl) == 0;
    }
    ss_buf_release(&want);
    return ok;
}

static void run_cli(struct runner *r, struct tcase *c)
{
    struct ss_buf line = SS_BUF_INIT, in = SS_BUF_INIT, out = SS_BUF_INIT, err = SS_BUF_INIT;
    struct section *sl = find(c, "cli"), *si = find(c, "stdin"), *so = find(c, "stdout"),
                   *se = find(c, "stderr"), *sx = find(c, "exit");
    expand(r, sl->body.ptr ? sl->body.ptr : "", sl->body.len, &line);
    if (si)
        expand(r, si->body.ptr ? si->body.ptr : "", si->body.len, &in);
    char *argv[256];
    int argc = split_args(line.ptr ? line.ptr : (char *)"", argv, 256);
    if (argc && strcmp(argv[0], "securescore") == 0)
        argv[0] = (char *)r->bin;
    int want_exit = sx ? (int)strtol(sx->attr[0]    ? sx->attr
                                     : sx->body.ptr ? sx->body.ptr
                                                    : "0",
                                     NULL, 10)
                       : 0;
    int rc = argc ? run_cmd(r, argv, &in, &out, &err) : -1;
    if (rc != want_exit)
        fail(r, c, "exit %d, expected %d; stderr: %s", rc, want_exit, err.ptr ? err.ptr : "");
    else if (so && !output_matches(r, so, &out))
        fail(r, c, "stdout:\n%s", out.ptr ? out.ptr : "");
    else if (se && !output_matches(r, se, &err))
        fail(r, c, "stderr:\n%s", err.ptr ? err.ptr : "");
    else
        r->passed++;
    ss_buf_release(&line);
    ss_buf_release(&in);
    ss_buf_release(&out);
    ss_buf_release(&err);
}

/* ---- case kinds ---- */

static const struct {
    const char *section; /* the section that selects the kind */
    void (*run)(struct runner *, struct tcase *);
} kinds[] = {
    {"cli", run_cli},
    {"input", run_json},
};

static bool selected(const struct runner *r, const char *id)
{
    if (!r->nonly)
        return true;
    for (int i = 0; i < r->nonly; i++)
        if (strcmp(r->only[i], id) == 0)
            return true;
    return false;
}

static void make_tmpdir(struct runner *r)
{
    const char *base = getenv("TMPDIR");
    snprintf(r->tmpdir, sizeof(r->tmpdir), "%s/sstest.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(r->tmpdir))
        r->tmpdir[0] = '\0';
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[1024];
            snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(p);
            else
                unlink(p);
        }
        closedir(d);
    }
    rmdir(path);
}

static void run_case(struct runner *r, struct tcase *c)
{
    if (!selected(r, c->id))
        return;
    for (size_t i = 0; i < SS_ARRAY_LEN(kinds); i++) {
        if (find(c, kinds[i].section)) {
            make_tmpdir(r);
            kinds[i].run(r, c);
            if (r->tmpdir[0])
                remove_tree(r->tmpdir);
            return;
        }
    }
    fail(r, c, "no section tells what kind of case this is");
}

/* ---- case files ---- */

static void clear_case(struct tcase *c)
{
    for (int i = 0; i < c->nsec; i++)
        ss_buf_release(&c->sec[i].body);
    c->nsec = 0;
    c->id[0] = '\0';
}

/* Drops the trailing blank lines and the last newline of each section body. */
static void trim_bodies(struct tcase *c)
{
    for (int i = 0; i < c->nsec; i++) {
        struct ss_buf *b = &c->sec[i].body;
        while (b->len >= 2 && b->ptr[b->len - 1] == '\n' && b->ptr[b->len - 2] == '\n')
            ss_buf_truncate(b, b->len - 1);
        if (b->len && b->ptr[b->len - 1] == '\n')
            ss_buf_truncate(b, b->len - 1);
    }
}

static void finish_case(struct runner *r, struct tcase *c)
{
    if (c->id[0]) {
        trim_bodies(c);
        run_case(r, c);
    }
    clear_case(c);
}

static void run_file(struct runner *r, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("FAIL cannot open %s\n", path);
        r->failed++;
        return;
    }
    struct tcase c;
    memset(&c, 0, sizeof(c));
    c.file = path;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0;
    bool prev_blank = true;
    struct section *cur = NULL;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (strncmp(line, "=== ", 4) == 0) {
            finish_case(r, &c);
            cur = NULL;
            c.line = lineno;
            line[strcspn(line, "\n")] = '\0';
            c.id[0] = c.title[0] = '\0';
            sscanf(line + 4, "%63s %159[^\n]", c.id, c.title);
        } else if (strncmp(line, "--- ", 4) == 0 && c.id[0] && c.nsec < MAX_SECTIONS) {
            cur = &c.sec[c.nsec++];
            line[strcspn(line, "\n")] = '\0';
            cur->name[0] = cur->attr[0] = '\0';
            sscanf(line + 4, "%31s %95[^\n]", cur->name, cur->attr);
            ss_buf_init(&cur->body);
        } else if (line[0] == '#' && prev_blank) {
            cur = NULL; /* a comment after a blank line ends the case's last section */
        } else if (cur) {
            ss_buf_add(&cur->body, line, (size_t)n);
        }
        prev_blank = line[0] == '\n';
    }
    finish_case(r, &c);
    free(line);
    fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(struct runner *r, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        run_file(r, path);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = strlen(e->d_name);
        char p[1024];
        snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
        bool dir = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
        if (!dir && (len < 7 || strcmp(e->d_name + len - 7, ".sstest") != 0))
            continue;
        names = ss_xreallocarray(names, n + 1, sizeof(*names));
        names[n++] = ss_xstrdup(p);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        run_path(r, names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    struct runner r;
    memset(&r, 0, sizeof(r));
    char cwd[1024];
    r.src = getcwd(cwd, sizeof(cwd)) ? cwd : ".";
    r.bin = getenv("SS_BIN") ? getenv("SS_BIN") : "build/securescore";
    /* Scripts in cases call $SS_BIN: give them an absolute path. */
    char *abs = realpath(r.bin, NULL);
    if (abs) {
        setenv("SS_BIN", abs, 1);
        r.bin = getenv("SS_BIN");
        free(abs);
    }
    r.shared = getenv("SS_SHARED") ? getenv("SS_SHARED") : "../shared";
    char *only[64];
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--only") == 0) {
        for (char *p = argv[2]; p && r.nonly < 64;) {
            only[r.nonly++] = p;
            p = strchr(p, ',');
            if (p)
                *p++ = '\0';
        }
        r.only = only;
        first = 3;
    }
    for (int i = first; i < argc; i++)
        run_path(&r, argv[i]);
    printf("cases: %d passed, %d failed\n", r.passed, r.failed);
    return r.failed ? 1 : 0;
}
