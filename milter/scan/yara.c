/*
 * scan/yara - the YARA adapter (the contract is in scan_yara.h)
 *
 * Why it is built this way (libyara 4.2.3, see docs/libraries.md §2):
 *  - A YR_COMPILER cannot be used again after its first error (libyara asserts that it has
 *    none). Once a file fails, every later file is still compiled, each in a throw-away
 *    compiler, only to collect its own errors: the admin sees every broken file of a reload
 *    at once, not one per attempt.
 *  - Files go to yr_compiler_add_file with their path, so `include` resolves relative to
 *    the including file and the compiler callback names the file an error is in.
 *  - External variables are declared at compile time with neutral values and set on the
 *    scanner for each scan. yr_rules_define_*_variable would change them for every thread.
 *  - A YR_SCANNER must not be used by two threads at once but is worth keeping (modules,
 *    match lists). A mutex-protected stack lends one to each concurrent yara_scan, so the
 *    pool grows to the peak concurrency and no further. The scanner points into YR_RULES,
 *    which is why the YARA must outlive its scans and pooled scanners die before the rules.
 *  - When a string passes YR_MAX_STRING_MATCHES, libyara asks the callback; we continue, so
 *    libyara disables that string for the rest of the scan. Conditions on it then see an
 *    incomplete match list, so the scan counts as failed (-1) though its matches are delivered.
 *  - The timeout is whole seconds per scan (4.2 has nothing finer). Callers bound the work
 *    by capping the buffer size.
 *  - Rule metadata comes from files an admin may have downloaded: it is sanitized here
 *    before it reaches a log or err, and handed to callers raw, as the header says.
 *  - Dotfiles are skipped (editor and sync-tool leftovers); symlinks to files are followed.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <yara.h>

#include "lib/clock.h"
#include "core/log.h"
#include "scan/yara.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define TEXT_MAX         512   /* bytes of one sanitized message, path or name */
#define YARA_DIR_DEPTH   8     /* subdirectory levels searched in an extra directory */
#define YARA_MAX_FILES   20000 /* rule files loaded in all */
#define YARA_LOAD_PASSES 4     /* compile passes, each without the extra files that failed */

struct YARA {
    YR_RULES *rules;
    unsigned nrules;
    double load_ms;
    int timeout_s;        /* per scan (yara_timeout) */
    pthread_mutex_t lock; /* guards pool */
    YR_SCANNER **pool;
    size_t npool;
    size_t cap;
};

/* One load attempt: the compiler that builds the rule set and the errors so far. */
typedef struct LOADER {
    YR_COMPILER *c;   /* NULL once a file has failed */
    BUF *err;         /* where the current file's errors go */
    const char *path; /* the file being compiled */
    unsigned errors;
} LOADER;

/* A rule file to compile: its path, namespace, and whether it is from an extra directory. */
typedef struct RULE_FILE {
    char *path;
    char *ns;
    bool extra;   /* yara_extra_dirs: skipped with a warning when it does not compile */
    bool skipped; /* failed in an earlier pass */
} RULE_FILE;

typedef struct RULE_FILES {
    RULE_FILE *v;
    size_t n, cap;
} RULE_FILES;

/* One scan: where matches go and what went wrong besides the return code. */
typedef struct SCAN_CTX {
    yara_match_fn fn;
    void *ctx;
    YR_RULES *rules;
    bool too_many;
    char too_many_rule[TEXT_MAX];
} SCAN_CTX;

static pthread_once_t yara_once = PTHREAD_ONCE_INIT;

/* init_once - yr_initialize; only memory exhaustion can make it fail */
static void init_once(void)
{
    if (yr_initialize() != ERROR_SUCCESS)
        log_fatal("yara: cannot initialize libyara");
}

/* yara_init - initialize libyara once (also called by yara_load, harmless twice) */
void yara_init(void)
{
    pthread_once(&yara_once, init_once);
}

/* error_text - a short name for a libyara error code */
static const char *error_text(int rc)
{
    switch (rc) {
    case ERROR_INSUFFICIENT_MEMORY:
        return "out of memory";
    case ERROR_TOO_MANY_MATCHES:
        return "too many matches";
    case ERROR_EXEC_STACK_OVERFLOW:
        return "evaluation stack overflow";
    case ERROR_TOO_MANY_RE_FIBERS:
        return "regular expression too complex";
    case ERROR_INTERNAL_FATAL_ERROR:
        return "internal error";
    case ERROR_CALLBACK_ERROR:
        return "callback error";
    default:
        return "libyara error";
    }
}

/* put_where - append "PATH:LINE: message" sanitized (the message may quote rule text) */
static void put_where(BUF *out, const char *path, int line, const char *msg)
{
    str_sanitize(out, path, strlen(path), TEXT_MAX);
    buf_printf(out, ":%d: ", line);
    str_sanitize(out, msg, strlen(msg), TEXT_MAX);
}

/* compile_cb - errors go to err, warnings to the log */
static void compile_cb(int level, const char *file, int line, const YR_RULE *rule, const char *msg,
                       void *user)
{
    LOADER *ld = user;
    const char *where = file != NULL ? file : ld->path;

    (void)rule; /* libyara already names the rule in msg */
    if (level == YARA_ERROR_LEVEL_WARNING) {
        BUF *b = buf_new(128);
        put_where(b, where, line, msg);
        log_warning("yara: warning %s", b->data);
        buf_free(b);
        return;
    }
    put_where(ld->err, where, line, msg);
    buf_putc(ld->err, '\n');
    ld->errors++;
}

/* compiler_new - a compiler reporting to ld, with our external variables declared */
static YR_COMPILER *compiler_new(LOADER *ld)
{
    /* ours, plus those public rule sets expect (signature-base: filepath, owner) */
    static const char *const strings[] = {"filename", "extension", "filetype",
                                          "location", "filepath",  "owner"};
    YR_COMPILER *c = NULL;
    int rc = yr_compiler_create(&c);

    for (size_t i = 0; rc == ERROR_SUCCESS && i < sizeof(strings) / sizeof(*strings); i++)
        rc = yr_compiler_define_string_variable(c, strings[i], "");
    if (rc == ERROR_SUCCESS)
        rc = yr_compiler_define_integer_variable(c, "layer_depth", 0);
    if (rc != ERROR_SUCCESS) {
        buf_printf(ld->err, "cannot create a YARA compiler: %s (%d)\n", error_text(rc), rc);
        ld->errors++;
        if (c != NULL)
            yr_compiler_destroy(c);
        return NULL;
    }
    yr_compiler_set_callback(c, compile_cb, ld);
    return c;
}

/* load_file - compile one rule file into ld's compiler, or only check it once one failed */
static void load_file(LOADER *ld, const char *path, const char *ns)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        buf_printf(ld->err, "%s: cannot open: %s\n", path, strerror(errno));
        ld->errors++;
        return;
    }
    unsigned before = ld->errors;
    YR_COMPILER *c = ld->c != NULL ? ld->c : compiler_new(ld);
    ld->path = path;
    int n = c != NULL ? yr_compiler_add_file(c, f, ns, path) : 0;
    if (n > 0 && ld->errors == before) { /* never seen, but never silent either */
        buf_printf(ld->err, "%s: %d compile errors\n", path, n);
        ld->errors++;
    }
    /* the build compiler dies at its first error; a checking one after each file */
    if (c != NULL && (n > 0 || c != ld->c)) {
        if (c == ld->c)
            ld->c = NULL;
        yr_compiler_destroy(c);
    }
    fclose(f);
}

/* rule_stem - the name without a rule-file extension (.yar .yara, and .rule in extra
 * directories, where public sets use it); NULL when not a rule file or a dotfile */
static char *rule_stem(const char *name, bool extra)
{
    static const char *const exts[] = {".yar", ".yara", ".rule"};
    size_t n = strlen(name);
    size_t next = extra ? 3 : 2;

    if (name[0] == '.')
        return NULL;
    for (size_t i = 0; i < next; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(name + n - e, exts[i]) == 0)
            return xstrndup(name, n - e);
    }
    return NULL;
}

/* name_cmp - qsort comparator for char * (byte order, locale-independent) */
static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sorted_entries - the names in dir without dotfiles, sorted; -1 when dir cannot be read */
static int sorted_entries(const char *dir, char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    size_t cap = 0;
    struct dirent *e;

    *names = NULL;
    *n = 0;
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        XGROW(*names, *n, cap);
        (*names)[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof(**names), name_cmp);
    return 0;
}

/*
 * list_dir - add the rule files of dir to files: name order, and for an extra directory its
 * subdirectories too (down to YARA_DIR_DEPTH, at most YARA_MAX_FILES files in all), with the
 * relative path as the namespace ("apt/apt_x" for apt/apt_x.yar); -1 when dir cannot be read
 */
static int list_dir(RULE_FILES *files, const char *dir, const char *prefix, bool extra, int depth)
{
    char **names;
    size_t n;

    if (sorted_entries(dir, &names, &n) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        char *stem = rule_stem(names[i], extra);
        struct stat st;
        if (stat(path, &st) != 0) {
            /* a dangling link: nothing to compile */
        } else if (S_ISDIR(st.st_mode) && extra && depth < YARA_DIR_DEPTH) {
            char *sub = xasprintf("%s%s/", prefix, names[i]);
            list_dir(files, path, sub, extra, depth + 1);
            free(sub);
        } else if (S_ISREG(st.st_mode) && stem != NULL && files->n < YARA_MAX_FILES) {
            XGROW(files->v, files->n, files->cap);
            files->v[files->n++] =
                (RULE_FILE){.path = path, .ns = xasprintf("%s%s", prefix, stem), .extra = extra};
            path = NULL;
        }
        free(stem);
        free(path);
        free(names[i]);
    }
    free(names);
    return 0;
}

/* list_files - every rule file of dirs (the first strict, the others extra); false on an
 * unreadable directory, with the reason in err; an extra directory without rule files is
 * logged, since an admin who points at it expects rules */
static bool list_files(RULE_FILES *files, const char *const *dirs, size_t ndirs, BUF *err)
{
    bool ok = true;
    for (size_t i = 0; i < ndirs; i++) {
        size_t before = files->n;
        if (list_dir(files, dirs[i], "", i > 0, 0) < 0) {
            buf_printf(err, "%s: cannot read rule directory: %s\n", dirs[i], strerror(errno));
            ok = false;
        } else if (i > 0 && files->n == before) {
            log_warning("yara: %s holds no .yar, .yara or .rule file: no rules added", dirs[i]);
        }
    }
    if (files->n >= YARA_MAX_FILES)
        log_warning("yara: more than %d rule files; the rest were not loaded", YARA_MAX_FILES);
    return ok;
}

/* rule_files_free - release the list */
static void rule_files_free(RULE_FILES *files)
{
    for (size_t i = 0; i < files->n; i++) {
        free(files->v[i].path);
        free(files->v[i].ns);
    }
    free(files->v);
}

/* yara_new - wrap a compiled rule set */
static YARA *yara_new(YR_RULES *rules, double t0)
{
    YARA *y = xcalloc(1, sizeof(YARA));
    const YR_RULE *r;

    y->rules = rules;
    y->timeout_s = YARA_TIMEOUT_DEFAULT_S;
    yr_rules_foreach(rules, r)
    {
        y->nrules++;
    }
    if (pthread_mutex_init(&y->lock, NULL) != 0)
        log_panic("yara: pthread_mutex_init failed");
    y->load_ms = now_ms() - t0;
    return y;
}

/*
 * compile_pass - compile every file not yet skipped into a new compiler. A failing strict
 * file adds its errors to err; a failing extra file is marked skipped and its errors are
 * logged. Returns the compiled rules, or NULL (then *retry says whether only extra files
 * failed, so that a pass without them may succeed).
 */
static YR_RULES *compile_pass(RULE_FILES *files, BUF *err, bool *retry)
{
    BUF *mine = buf_new(256);
    LOADER ld = {.err = mine};
    YR_RULES *rules = NULL;
    bool strict_failed = false;
    bool extra_failed = false;

    *retry = false;
    if ((ld.c = compiler_new(&ld)) == NULL) {
        buf_cat(err, mine->data, mine->len);
        buf_free(mine);
        return NULL;
    }
    for (size_t i = 0; i < files->n; i++) {
        RULE_FILE *f = &files->v[i];
        if (f->skipped)
            continue;
        unsigned before = ld.errors;
        buf_reset(mine);
        load_file(&ld, f->path, f->ns);
        if (ld.errors == before)
            continue;
        if (f->extra) {
            f->skipped = extra_failed = true;
            log_warning("yara: skipped %s (does not compile): %s", f->path, str_trim(mine->data));
        } else {
            strict_failed = true;
            buf_cat(err, mine->data, mine->len);
        }
    }
    if (!strict_failed && !extra_failed && ld.c != NULL) {
        int rc = yr_compiler_get_rules(ld.c, &rules);
        if (rc != ERROR_SUCCESS)
            buf_printf(err, "cannot build the YARA rule set: %s (%d)\n", error_text(rc), rc);
    }
    *retry = extra_failed && !strict_failed;
    if (ld.c != NULL)
        yr_compiler_destroy(ld.c); /* the rules survive their compiler */
    buf_free(mine);
    return rules;
}

/* yara_load - compile the rule files of dirs into one rule set (see yara.h) */
YARA *yara_load(const char *const *dirs, size_t ndirs, BUF *err)
{
    double t0 = now_ms();
    BUF *scratch = err == NULL ? buf_new(256) : NULL;
    BUF *e = err != NULL ? err : scratch;
    RULE_FILES files = {0};
    YR_RULES *rules = NULL;
    YARA *y = NULL;
    bool retry = true;

    yara_init();
    if (list_files(&files, dirs, ndirs, e))
        for (int pass = 0; rules == NULL && retry && pass < YARA_LOAD_PASSES; pass++)
            rules = compile_pass(&files, e, &retry);
    if (rules == NULL && retry)
        buf_printf(e, "YARA rules still fail after %d passes without the failing extra files\n",
                   YARA_LOAD_PASSES);
    if (rules != NULL)
        y = yara_new(rules, t0);
    rule_files_free(&files);
    buf_free(scratch);
    return y;
}

/* yara_free - destroy pooled scanners, then the rules they point into; returns NULL */
YARA *yara_free(YARA *y)
{
    if (y == NULL)
        return NULL;
    for (size_t i = 0; i < y->npool; i++)
        yr_scanner_destroy(y->pool[i]);
    free(y->pool);
    pthread_mutex_destroy(&y->lock);
    if (y->rules != NULL)
        yr_rules_destroy(y->rules);
    free(y);
    return NULL;
}

/* yara_rules - number of rules loaded */
unsigned yara_rules(const YARA *y)
{
    return y != NULL ? y->nrules : 0;
}

/* yara_set_timeout - seconds per scan (see scan/yara.h); before scans share the YARA */
void yara_set_timeout(YARA *y, int seconds)
{
    y->timeout_s = seconds > 0 ? seconds : 1;
}

/* yara_load_ms - wall time yara_load took, in milliseconds */
double yara_load_ms(const YARA *y)
{
    return y != NULL ? y->load_ms : 0;
}

/* scanner_get - a scanner from the pool, or a new one; NULL when libyara is out of memory */
static YR_SCANNER *scanner_get(YARA *y)
{
    YR_SCANNER *s = NULL;

    pthread_mutex_lock(&y->lock);
    if (y->npool > 0)
        s = y->pool[--y->npool];
    pthread_mutex_unlock(&y->lock);
    if (s == NULL && yr_scanner_create(y->rules, &s) != ERROR_SUCCESS)
        return NULL;
    yr_scanner_set_flags(s, SCAN_FLAGS_REPORT_RULES_MATCHING);
    yr_scanner_set_timeout(s, y->timeout_s); /* pooled ones too: yara_set_timeout may have run */
    return s;
}

/* scanner_put - return a scanner to the pool */
static void scanner_put(YARA *y, YR_SCANNER *s)
{
    pthread_mutex_lock(&y->lock);
    XGROW(y->pool, y->npool, y->cap);
    y->pool[y->npool++] = s;
    pthread_mutex_unlock(&y->lock);
}

/* set_vars - the per-scan external variables; NULL strings become "" */
static int set_vars(YR_SCANNER *s, const YARA_VARS *v)
{
    static const YARA_VARS none;
    const char *const names[] = {"filename", "extension", "filetype", "location"};
    const char *values[4];
    int rc = ERROR_SUCCESS;

    if (v == NULL)
        v = &none;
    values[0] = v->filename;
    values[1] = v->extension;
    values[2] = v->filetype;
    values[3] = v->location;
    for (size_t i = 0; rc == ERROR_SUCCESS && i < 4; i++)
        rc = yr_scanner_define_string_variable(s, names[i], values[i] ? values[i] : "");
    if (rc == ERROR_SUCCESS)
        rc = yr_scanner_define_integer_variable(s, "layer_depth", v->layer_depth);
    return rc;
}

/* meta_score - the `score` meta as a number: an integer, or a string holding a number */
static bool meta_score(const YR_META *m, double *score)
{
    if (m->type == META_TYPE_INTEGER) {
        *score = (double)m->integer;
        return true;
    }
    if (m->type != META_TYPE_STRING || m->string == NULL)
        return false;
    char *end;
    errno = 0;
    double d = strtod(m->string, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == m->string || *end != '\0' || errno != 0 || !isfinite(d))
        return false;
    *score = d;
    return true;
}

/* report_match - read score and description from a matching rule and hand it over */
static void report_match(SCAN_CTX *c, const YR_RULE *rule)
{
    const YR_META *m;
    const char *description = NULL;
    double score = 0;
    int has_score = 0;

    yr_rule_metas_foreach(rule, m)
    {
        if (!has_score && strcmp(m->identifier, "score") == 0)
            has_score = meta_score(m, &score);
        else if (description == NULL && strcmp(m->identifier, "description") == 0 &&
                 m->type == META_TYPE_STRING)
            description = m->string;
    }
    c->fn(c->ctx, rule->ns->name, rule->identifier, has_score, score, description);
}

/* note_too_many - remember the first rule whose string hit YR_MAX_STRING_MATCHES */
static void note_too_many(SCAN_CTX *c, const YR_STRING *s)
{
    if (c->too_many)
        return;
    c->too_many = true;
    const YR_RULE *r = &c->rules->rules_table[s->rule_idx];
    snprintf(c->too_many_rule, sizeof(c->too_many_rule), "%s:%s %s", r->ns->name, r->identifier,
             s->identifier);
}

/* scan_cb - libyara's scan callback: matches go to the caller; scanning always continues */
static int scan_cb(YR_SCAN_CONTEXT *sc, int message, void *data, void *user)
{
    SCAN_CTX *c = user;

    (void)sc;
    if (message == CALLBACK_MSG_RULE_MATCHING)
        report_match(c, data);
    else if (message == CALLBACK_MSG_TOO_MANY_MATCHES)
        note_too_many(c, data);
    return CALLBACK_CONTINUE;
}

/* scan_error - describe a failed scan in err */
static void scan_error(int rc, int timeout_s, BUF *err)
{
    /* not yr_scanner_last_error_rule: libyara never clears it, so on a pooled scanner it
     * may name a rule from an earlier scan */
    if (err == NULL)
        return;
    if (rc == ERROR_SCAN_TIMEOUT)
        buf_printf(err, "timeout after %d s (yara_timeout)", timeout_s);
    else
        buf_printf(err, "%s (%d)", error_text(rc), rc);
}

/* yara_scan - match the rules against one buffer (see scan_yara.h) */
int yara_scan(YARA *y, const unsigned char *data, size_t n, const YARA_VARS *vars, yara_match_fn fn,
              void *ctx, BUF *err)
{
    static const unsigned char empty[1];
    SCAN_CTX c = {.fn = fn, .ctx = ctx, .rules = y->rules};
    YR_SCANNER *s = scanner_get(y);
    int rc;

    if (s == NULL) {
        if (err != NULL)
            buf_puts(err, "cannot create a YARA scanner: out of memory");
        return -1;
    }
    yr_scanner_set_callback(s, scan_cb, &c);
    rc = set_vars(s, vars);
    if (rc == ERROR_SUCCESS)
        rc = yr_scanner_scan_mem(s, data != NULL ? data : empty, data != NULL ? n : 0);
    if (rc != ERROR_SUCCESS)
        scan_error(rc, y->timeout_s, err);
    else if (c.too_many && err != NULL) {
        buf_puts(err, "too many matches: ");
        str_sanitize(err, c.too_many_rule, strlen(c.too_many_rule), TEXT_MAX);
    }
    yr_scanner_set_callback(s, NULL, NULL); /* c dies with this frame */
    scanner_put(y, s);
    return rc == ERROR_SUCCESS && !c.too_many ? 0 : -1;
}
