/*
 * test_scan_yara - scan_yara.c: score and description metas, external variables, compile
 * errors as FILE:LINE, namespaces, directories, too many matches, threads against a
 * serial run, and the public rule sets in ../shared/corpus (skipped when absent).
 *
 * Small rules are written by the tests into a temp dir. The public-set test loads the
 * files yara-compile.tsv marks `ok` (minus the *_index.yar files, which only include the
 * others) through symlinks named <base>.yar, prints the load figures, scans each file of
 * yara-hits-observed.tsv whole, and requires every observed (file, rule) pair from us.
 * FM_SLOW=0 in the environment skips it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <ftw.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "core/config.h"
#include "core/log.h"
#include "scan/yara.h"
#include "lib/xalloc.h"

#define CORPUS       "../shared/corpus"
#define NTHREADS     8
#define NROUNDS      200
#define SCAN_THREADS 2 /* for the public sets: this machine has 2 cores */
/* yara_timeout for the public sets: a file that passes it is a failed scan whose pairs are
 * only excused, not compared. At the default 10 s: 4 timeouts, 3 pairs excused, 48 s CPU;
 * at 4 s: about 17 pairs excused, 37 s; at 2 s: about 29 pairs, 34 s (wall-clock timeout,
 * so load moves the counts). 4 s keeps most pairs compared. */
#define PUBLIC_TIMEOUT_S 4

typedef struct MATCH {
    char *ns;
    char *rule;
    char *desc;
    int has_score;
    double score;
} MATCH;

typedef struct GOT {
    MATCH *v;
    size_t n;
    size_t cap;
} GOT;

/* on_match - yara_match_fn collecting into a GOT */
static void on_match(void *ctx, const char *ns, const char *rule, int has_score, double score,
                     const char *description)
{
    GOT *g = ctx;
    XGROW(g->v, g->n, g->cap);
    MATCH *m = &g->v[g->n++];
    m->ns = xstrdup(ns);
    m->rule = xstrdup(rule);
    m->desc = description ? xstrdup(description) : NULL;
    m->has_score = has_score;
    m->score = score;
}

/* got_clear - free the matches of a GOT, leaving it empty and reusable */
static void got_clear(GOT *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->v[i].ns);
        free(g->v[i].rule);
        free(g->v[i].desc);
    }
    free(g->v);
    g->v = NULL;
    g->n = 0;
    g->cap = 0;
}

/* got_find - the match for ns:rule, or NULL */
static const MATCH *got_find(const GOT *g, const char *ns, const char *rule)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->v[i].ns, ns) == 0 && strcmp(g->v[i].rule, rule) == 0)
            return &g->v[i];
    return NULL;
}

/* tmpdir_new - a fresh private directory */
static char *tmpdir_new(void)
{
    char *d = xstrdup("/tmp/fm-test-yara-XXXXXX");
    assert_non_null(mkdtemp(d));
    return d;
}

/* rm_entry - nftw callback removing one entry */
static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* tmpdir_free - remove a temp tree; returns NULL */
static char *tmpdir_free(char *d)
{
    if (d != NULL)
        nftw(d, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(d);
    return NULL;
}

/* put_file - write text to dir/name */
static void put_file(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    free(path);
}

/* load_one - yara_load of a single directory */
static YARA *load_one(const char *dir, BUF *err)
{
    const char *dirs[] = {dir};
    return yara_load(dirs, 1, err);
}

/* scan_str - scan a C string with vars into g; returns yara_scan's result */
static int scan_str(YARA *y, const char *s, const YARA_VARS *vars, GOT *g, BUF *err)
{
    got_clear(g);
    return yara_scan(y, (const unsigned char *)s, strlen(s), vars, on_match, g, err);
}

/* expect - g holds ns:rule with this score and description */
static void expect(const GOT *g, const char *ns, const char *rule, int has_score, double score,
                   const char *desc)
{
    const MATCH *m = got_find(g, ns, rule);
    assert_non_null(m);
    assert_int_equal(m->has_score, has_score);
    assert_true(m->score == score);
    if (desc == NULL)
        assert_null(m->desc);
    else
        assert_string_equal(m->desc, desc);
}

static const char scored_rules[] =
    "rule Scored { meta: score = 40 description = \"x\" strings: $a = \"EVIL1\" condition: $a }\n"
    "rule NoScore { meta: author = \"me\" strings: $a = \"EVIL1\" condition: $a }\n"
    "rule StringScore { meta: score = \"12.5\" description = \"s\" condition: filesize > 0 }\n"
    "rule WordScore { meta: score = \"high\" is_bad = true condition: filesize > 0 }\n"
    "private rule Helper { strings: $h = \"EVIL\" condition: $h }\n"
    "rule UsesHelper { condition: Helper }\n";

static void test_score_meta(void **state)
{
    (void)state;
    char *dir = tmpdir_new();
    put_file(dir, "scored.yar", scored_rules);
    BUF *err = buf_new(64);
    GOT g = {0};

    YARA *y = load_one(dir, err);
    assert_non_null(y);
    assert_int_equal(err->len, 0);
    assert_int_equal(yara_rules(y), 6);
    assert_true(yara_load_ms(y) >= 0);

    assert_int_equal(scan_str(y, "xx EVIL1 yy", NULL, &g, err), 0);
    assert_int_equal(g.n, 5); /* not the private rule */
    expect(&g, "scored", "Scored", 1, 40, "x");
    expect(&g, "scored", "NoScore", 0, 0, NULL);
    expect(&g, "scored", "StringScore", 1, 12.5, "s");
    expect(&g, "scored", "WordScore", 0, 0, NULL);
    expect(&g, "scored", "UsesHelper", 0, 0, NULL);

    assert_int_equal(scan_str(y, "harmless", NULL, &g, err), 0);
    assert_int_equal(g.n, 2); /* the filesize rules only */
    assert_null(got_find(&g, "scored", "Scored"));

    /* an empty buffer, and NULL data */
    assert_int_equal(scan_str(y, "", NULL, &g, err), 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(yara_scan(y, NULL, 0, NULL, on_match, &g, err), 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(err->len, 0);

    got_clear(&g);
    assert_null(yara_free(y));
    assert_null(yara_free(NULL));
    buf_free(err);
    dir = tmpdir_free(dir);
}

static const char extern_rules[] =
    "rule JsName { condition: filename matches /\\.js$/ }\n"
    "rule Deep { condition: layer_depth > 1 }\n"
    "rule Nested { condition: location contains \">\" }\n"
    "rule ExtAndType { condition: extension == \"pdf\" and filetype == \"pdf\" }\n";

static void test_externals(void **state)
{
    (void)state;
    char *dir = tmpdir_new();
    put_file(dir, "ext.yar", extern_rules);
    BUF *err = buf_new(64);
    GOT g = {0};
    YARA *y = load_one(dir, err);
    assert_non_null(y);

    static const struct {
        YARA_VARS v;
        const char *want; /* the one rule expected, or NULL */
    } cases[] = {
        {{NULL, NULL, NULL, NULL, 0}, NULL},
        {{"invoice.js", "js", "text", "2", 0}, "JsName"},
        {{"invoice.js.txt", "txt", "text", "2", 0}, NULL},
        {{"a.bin", NULL, NULL, "2", 1}, NULL},
        {{"a.bin", NULL, NULL, "2", 2}, "Deep"},
        {{"a.bin", NULL, NULL, "2>a.zip", 0}, "Nested"},
        {{"a.pdf", "pdf", "zip", "1", 0}, NULL},
        {{"a.pdf", "pdf", "pdf", "1", 0}, "ExtAndType"},
        {{NULL, NULL, NULL, NULL, 0}, NULL}, /* a pooled scanner keeps no old values */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        assert_int_equal(scan_str(y, "data", &cases[i].v, &g, err), 0);
        if (cases[i].want == NULL) {
            assert_int_equal(g.n, 0);
        } else {
            assert_int_equal(g.n, 1);
            assert_string_equal(g.v[0].rule, cases[i].want);
            assert_string_equal(g.v[0].ns, "ext");
        }
    }
    assert_int_equal(err->len, 0);
    got_clear(&g);
    yara_free(y);
    buf_free(err);
    dir = tmpdir_free(dir);
}

static void test_compile_errors(void **state)
{
    log_expect(true); /* a negative test: the warnings it logs are expected */
    (void)state;
    char *dir = tmpdir_new();
    put_file(dir, "a_good.yar", "rule Good { condition: true }\n");
    put_file(dir, "b_syntax.yar",
             "rule Fine { condition: true }\n"
             "\n"
             "rule Broken {\n"
             "  strings: $a = \"x\"\n"
             "  condition: $a and and\n"
             "}\n");
    put_file(dir, "c_undefined.yar", "rule Other {\n  condition: $b\n}\n");
    put_file(dir, "d_good.yar", "rule Good2 { condition: true }\n");
    put_file(dir, "e_unknown.yar", "import \"string\"\nrule S { condition: true }\n");
    BUF *err = buf_new(64);

    YARA *y = load_one(dir, err);
    assert_null(y);
    /* every broken file is reported, each at its line, even after the first failure */
    assert_non_null(strstr(err->data, "/b_syntax.yar:5: "));
    assert_non_null(strstr(err->data, "/c_undefined.yar:3: ")); /* at the rule's end */
    assert_non_null(strstr(err->data, "undefined string"));
    assert_non_null(strstr(err->data, "/e_unknown.yar:1: "));
    assert_null(strstr(err->data, "a_good.yar"));
    assert_null(strstr(err->data, "d_good.yar"));
    size_t lines = 0;
    for (size_t i = 0; i < err->len; i++)
        lines += err->data[i] == '\n';
    assert_int_equal(lines, 3);
    buf_free(err);
    dir = tmpdir_free(dir);
    log_expect(false);
}

static void test_namespaces_and_dirs(void **state)
{
    log_expect(true); /* a negative test: the warnings it logs are expected */
    (void)state;
    char *d1 = tmpdir_new();
    char *d2 = tmpdir_new();
    char *empty = tmpdir_new();
    put_file(d1, "one.yar", "rule Same { meta: score = 1 condition: true }\n");
    put_file(d1, "two.yara", "rule Same { meta: score = 2 condition: true }\n");
    put_file(d1, "readme.txt", "not rules {");
    put_file(d1, ".hidden.yar", "not rules {");
    put_file(d2, "three.yar", "rule Same { meta: score = 3 condition: true }\n");
    BUF *err = buf_new(64);
    GOT g = {0};

    const char *dirs[] = {d1, empty, d2};
    YARA *y = yara_load(dirs, 3, err);
    assert_non_null(y);
    assert_int_equal(yara_rules(y), 3);
    assert_int_equal(scan_str(y, "z", NULL, &g, err), 0);
    assert_int_equal(g.n, 3);
    expect(&g, "one", "Same", 1, 1, NULL);
    expect(&g, "two", "Same", 1, 2, NULL);
    expect(&g, "three", "Same", 1, 3, NULL);
    got_clear(&g);
    yara_free(y);

    /* an empty directory is fine */
    y = load_one(empty, err);
    assert_non_null(y);
    assert_int_equal(yara_rules(y), 0);
    assert_int_equal(scan_str(y, "z", NULL, &g, err), 0);
    assert_int_equal(g.n, 0);
    yara_free(y);
    assert_int_equal(err->len, 0);

    /* a missing one is an error naming it */
    char *missing = xasprintf("%s/no-such-dir", empty);
    const char *dirs2[] = {d1, missing};
    assert_null(yara_load(dirs2, 2, err));
    assert_non_null(strstr(err->data, missing));
    assert_non_null(strstr(err->data, "No such file"));
    free(missing);

    /* the same file name in two directories is one namespace: a duplicate rule; in an
     * extra directory that file is skipped and the rest loads */
    put_file(d2, "one.yar", "rule Same { condition: true }\n");
    buf_reset(err);
    const char *dirs3[] = {d1, d2};
    y = yara_load(dirs3, 2, err);
    assert_non_null(y);
    assert_int_equal(err->len, 0);
    assert_int_equal(yara_rules(y), 3);
    yara_free(y);
    buf_free(err);
    d1 = tmpdir_free(d1);
    d2 = tmpdir_free(d2);
    empty = tmpdir_free(empty);
    log_expect(false);
}

static void test_too_many_matches(void **state)
{
    (void)state;
    char *dir = tmpdir_new();
    put_file(dir, "many.yar",
             "rule Many { strings: $a = \"aaaa\" condition: $a }\n"
             "rule Big { condition: filesize > 1000 }\n");
    BUF *err = buf_new(64);
    GOT g = {0};
    YARA *y = load_one(dir, err);
    assert_non_null(y);

    size_t n = 1100 * 1000; /* > YR_MAX_STRING_MATCHES (1,000,000) matches of $a */
    unsigned char *a = xmalloc(n);
    memset(a, 'a', n);
    assert_int_equal(yara_scan(y, a, n, NULL, on_match, &g, err), -1);
    assert_non_null(strstr(err->data, "too many matches: many:Many $a"));
    assert_non_null(got_find(&g, "many", "Big")); /* matches are still delivered */

    /* the pooled scanner is fine afterwards */
    buf_reset(err);
    got_clear(&g);
    assert_int_equal(yara_scan(y, a, 2000, NULL, on_match, &g, err), 0);
    assert_int_equal(g.n, 2);
    free(a);
    got_clear(&g);
    yara_free(y);
    buf_free(err);
    dir = tmpdir_free(dir);
}

/* ---- threads ---- */

static const char thread_rules[] =
    "import \"math\"\n"
    "import \"hash\"\n"
    "rule Evil { meta: score = 40 strings: $a = \"EVILSTRING\" nocase condition: $a }\n"
    "rule Eval { strings: $r = /eval\\s*\\(/ condition: $r }\n"
    "rule Hello { condition: hash.md5(0, filesize) == \"5d41402abc4b2a76b9719d911017c592\" }\n"
    "rule Random { condition: filesize >= 1024 and math.entropy(0, filesize) > 7.0 }\n"
    "rule JsDeep { condition: filename matches /\\.js$/i and layer_depth >= 2 }\n";

#define NBUFS 6

typedef struct JOB {
    YARA *y;
    const unsigned char *data[NBUFS];
    size_t len[NBUFS];
    YARA_VARS vars[NBUFS];
    char *want[NBUFS];
    unsigned seed;
    size_t mismatches;
    size_t errors;
} JOB;

/* signature - "ns:rule;" for every match, in callback order */
static char *signature(JOB *j, size_t i, size_t *errors)
{
    GOT g = {0};
    BUF *err = buf_new(16);
    BUF *sig = buf_new(64);
    if (yara_scan(j->y, j->data[i], j->len[i], &j->vars[i], on_match, &g, err) != 0)
        (*errors)++;
    for (size_t k = 0; k < g.n; k++)
        buf_printf(sig, "%s:%s;", g.v[k].ns, g.v[k].rule);
    got_clear(&g);
    buf_free(err);
    char *text = buf_steal(sig, NULL);
    buf_free(sig);
    return text;
}

/* worker - NROUNDS scans of pseudo-randomly chosen buffers, compared with the serial run */
static void *worker(void *arg)
{
    JOB *j = arg;
    unsigned seed = j->seed;
    for (size_t r = 0; r < NROUNDS; r++) {
        seed = seed * 1103515245u + 12345u;
        size_t i = (seed >> 16) % NBUFS;
        char *got = signature(j, i, &j->errors);
        if (strcmp(got, j->want[i]) != 0)
            j->mismatches++;
        free(got);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    char *dir = tmpdir_new();
    put_file(dir, "t.yar", thread_rules);
    BUF *err = buf_new(64);
    JOB base = {0};
    base.y = load_one(dir, err);
    assert_non_null(base.y);

    static unsigned char noise[8192];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof(noise); i++) {
        x = x * 1664525u + 1013904223u;
        noise[i] = (unsigned char)(x >> 24);
    }
    static const char *const texts[] = {"hello", "xx evilstring xx eval (1)", "eval(x)", "",
                                        "plain text"};
    for (size_t i = 0; i < 5; i++) {
        base.data[i] = (const unsigned char *)texts[i];
        base.len[i] = strlen(texts[i]);
    }
    base.data[5] = noise;
    base.len[5] = sizeof(noise);
    base.vars[2] = (YARA_VARS){"a.JS", "js", "text", "1>a.zip>a.JS", 2};
    base.vars[1] = (YARA_VARS){"a.js", "js", "text", "1", 0};

    size_t serial_errors = 0;
    for (size_t i = 0; i < NBUFS; i++)
        base.want[i] = signature(&base, i, &serial_errors);
    assert_int_equal(serial_errors, 0);
    assert_string_equal(base.want[0], "t:Hello;");
    assert_string_equal(base.want[1], "t:Evil;t:Eval;");
    assert_string_equal(base.want[2], "t:Eval;t:JsDeep;");
    assert_string_equal(base.want[3], "");
    assert_string_equal(base.want[5], "t:Random;");

    JOB jobs[NTHREADS];
    pthread_t tid[NTHREADS];
    for (size_t t = 0; t < NTHREADS; t++) {
        jobs[t] = base;
        jobs[t].seed = (unsigned)t * 7919u + 1;
        assert_int_equal(pthread_create(&tid[t], NULL, worker, &jobs[t]), 0);
    }
    size_t mismatches = 0, errors = 0;
    for (size_t t = 0; t < NTHREADS; t++) {
        assert_int_equal(pthread_join(tid[t], NULL), 0);
        mismatches += jobs[t].mismatches;
        errors += jobs[t].errors;
    }
    printf("# threads: %d x %d scans, %zu errors, %zu mismatches\n", NTHREADS, NROUNDS, errors,
           mismatches);
    assert_int_equal(errors, 0);
    assert_int_equal(mismatches, 0);

    for (size_t i = 0; i < NBUFS; i++)
        free(base.want[i]);
    yara_free(base.y);
    buf_free(err);
    dir = tmpdir_free(dir);
}

/* ---- the public rule sets ---- */

typedef struct ROW {
    char *f[6];
} ROW;

typedef struct TSV {
    ROW *v;
    size_t n;
    size_t cap;
} TSV;

/* tsv_read - every row after the header; NULL when the file is missing */
static TSV *tsv_read(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    TSV *t = xcalloc(1, sizeof(TSV));
    char *line = NULL;
    size_t cap = 0;
    bool header = getline(&line, &cap, f) > 0; /* the column names */
    while (header && getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\r\n")] = '\0';
        ROW r = {{0}};
        char *p = line;
        for (size_t i = 0; i < 6; i++) {
            size_t k = strcspn(p, "\t");
            r.f[i] = xstrndup(p, k);
            p += k + (p[k] == '\t');
        }
        XGROW(t->v, t->n, t->cap);
        t->v[t->n++] = r;
    }
    free(line);
    fclose(f);
    return t;
}

/* tsv_free - release a TSV; returns NULL */
static TSV *tsv_free(TSV *t)
{
    if (t == NULL)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        for (size_t k = 0; k < 6; k++)
            free(t->v[i].f[k]);
    free(t->v);
    free(t);
    return NULL;
}

/* now_s - monotonic seconds */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* heap_kb - bytes malloc has handed out and not got back, in kB (0 under ASan) */
static long heap_kb(void)
{
    struct mallinfo2 mi = mallinfo2();
    return (long)((mi.uordblks + mi.hblkhd) / 1024);
}

/* rss_kb - VmRSS of this process in kB */
static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kb;
}

/* link_rule - symlink CORPUS/set/rel into dir as <base>.yar (the namespace is <base>) */
static void link_rule(const char *dir, const char *set, const char *rel)
{
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    const char *dot = strrchr(base, '.');
    size_t n = dot != NULL ? (size_t)(dot - base) : strlen(base);
    char *target = realpath(CORPUS, NULL);
    assert_non_null(target);
    char *from = xasprintf("%s/%s/%s", target, set, rel);
    char *to = xasprintf("%s/%.*s.yar", dir, (int)n, base);
    assert_int_equal(symlink(from, to), 0);
    free(target);
    free(from);
    free(to);
}

/* is_index - an index file, which only includes the set's other files */
static bool is_index(const char *rel)
{
    size_t n = strlen(rel);
    return n > 10 && strcmp(rel + n - 10, "_index.yar") == 0;
}

/* read_all - a whole file, or NULL */
static unsigned char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    BUF *b = buf_new(1 << 16);
    char chunk[1 << 16];
    size_t k;
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_cat(b, chunk, k);
    fclose(f);
    unsigned char *data = (unsigned char *)buf_steal(b, n);
    buf_free(b);
    return data;
}

/* file_cmp - compare two observed rows by file (set, path) */
static int file_cmp(const ROW *x, const ROW *y)
{
    int c = strcmp(x->f[2], y->f[2]);
    return c != 0 ? c : strcmp(x->f[3], y->f[3]);
}

/* hit_cmp - qsort comparator for observed rows: by file, then rule */
static int hit_cmp(const void *a, const void *b)
{
    int c = file_cmp(a, b);
    return c != 0 ? c : strcmp(((const ROW *)a)->f[1], ((const ROW *)b)->f[1]);
}

typedef struct COUNTS {
    size_t files;         /* files scanned */
    size_t absent;        /* files listed in the TSV but not in the corpus */
    size_t absent_pairs;  /* their observed pairs */
    size_t observed;      /* observed pairs on the files scanned */
    size_t matched;       /* of those, matched by us */
    size_t missing;       /* of those, not matched by a scan that succeeded */
    size_t missing_error; /* of those, not matched by a scan that failed (timeout) */
    size_t extra;         /* rules we matched that the TSV does not list for the file */
    size_t scan_errors;
} COUNTS;

/* counts_add - c += d */
static void counts_add(COUNTS *c, const COUNTS *d)
{
    c->files += d->files;
    c->absent += d->absent;
    c->absent_pairs += d->absent_pairs;
    c->observed += d->observed;
    c->matched += d->matched;
    c->missing += d->missing;
    c->missing_error += d->missing_error;
    c->extra += d->extra;
    c->scan_errors += d->scan_errors;
}

/* distinct_rules - rule names among the matches, counted once (yara prints no namespace) */
static size_t distinct_rules(const GOT *g)
{
    size_t distinct = 0;
    for (size_t k = 0; k < g->n; k++) {
        bool seen = false;
        for (size_t m = 0; m < k && !seen; m++)
            seen = strcmp(g->v[m].rule, g->v[k].rule) == 0;
        distinct += !seen;
    }
    return distinct;
}

/* compare_file - scan one corpus file whole and count its observed rows hits[0..n);
 * runs in worker threads, so it reports instead of asserting */
static void compare_file(YARA *y, const ROW *hits, size_t n, COUNTS *c)
{
    char *path = xasprintf("%s/%s/%s", CORPUS, hits[0].f[2], hits[0].f[3]);
    size_t len;
    unsigned char *data = read_all(path, &len);
    if (data == NULL) {
        c->absent++;
        c->absent_pairs += n;
        free(path);
        return;
    }
    GOT g = {0};
    BUF *err = buf_new(16);
    int rc = yara_scan(y, data, len, NULL, on_match, &g, err);
    if (rc != 0) {
        printf("#   scan error %s: %s\n", path, err->data);
        c->scan_errors++;
    }
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        bool hit = false;
        for (size_t k = 0; k < g.n && !hit; k++)
            hit = strcmp(g.v[k].rule, hits[i].f[1]) == 0;
        found += hit;
        if (!hit)
            printf("#   MISSING%s %s/%s %s\n", rc != 0 ? " (scan failed)" : "", hits[i].f[2],
                   hits[i].f[3], hits[i].f[1]);
        if (!hit && rc != 0)
            c->missing_error++;
        else if (!hit)
            c->missing++;
    }
    c->files++;
    c->observed += n;
    c->matched += found;
    c->extra += distinct_rules(&g) - found;
    got_clear(&g);
    buf_free(err);
    free(data);
    free(path);
}

/* The files of one set, handed out to the scanning threads one group of rows at a time. */
typedef struct QUEUE {
    YARA *y;
    const ROW *rows;
    size_t n;
    size_t next; /* first row not yet taken */
    pthread_mutex_t lock;
    COUNTS c;
} QUEUE;

/* compare_worker - take the next file's rows until none are left */
static void *compare_worker(void *arg)
{
    QUEUE *q = arg;
    COUNTS mine = {0};
    for (;;) {
        pthread_mutex_lock(&q->lock);
        size_t i = q->next, k = i;
        while (k < q->n && file_cmp(&q->rows[i], &q->rows[k]) == 0)
            k++;
        q->next = k;
        pthread_mutex_unlock(&q->lock);
        if (i == k)
            break;
        compare_file(q->y, &q->rows[i], k - i, &mine);
    }
    pthread_mutex_lock(&q->lock);
    counts_add(&q->c, &mine);
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* compare_set - scan the files observed for a set with SCAN_THREADS threads */
static void compare_set(YARA *y, const char *set, const TSV *hits, COUNTS *c)
{
    ROW *sel = xcalloc(hits->n ? hits->n : 1, sizeof(ROW)); /* shallow copies */
    QUEUE q = {.y = y, .rows = sel};
    for (size_t i = 0; i < hits->n; i++)
        if (strcmp(hits->v[i].f[0], set) == 0)
            sel[q.n++] = hits->v[i];
    qsort(sel, q.n, sizeof(ROW), hit_cmp);
    assert_int_equal(pthread_mutex_init(&q.lock, NULL), 0);
    pthread_t tid[SCAN_THREADS];
    for (size_t t = 0; t < SCAN_THREADS; t++)
        assert_int_equal(pthread_create(&tid[t], NULL, compare_worker, &q), 0);
    for (size_t t = 0; t < SCAN_THREADS; t++)
        assert_int_equal(pthread_join(tid[t], NULL), 0);
    pthread_mutex_destroy(&q.lock);
    *c = q.c;
    free(sel);
}

/* run_set - load one public set, print its figures, compare its observed hits */
static void run_set(const char *set, const TSV *compile, const TSV *hits, COUNTS *c)
{
    char *dir = tmpdir_new();
    unsigned want_rules = 0;
    size_t files = 0;
    for (size_t i = 0; i < compile->n; i++) {
        const ROW *r = &compile->v[i];
        if (strcmp(r->f[0], set) != 0 || strcmp(r->f[2], "ok") != 0 || is_index(r->f[1]))
            continue;
        link_rule(dir, set, r->f[1]);
        want_rules += (unsigned)atoi(r->f[3]);
        files++;
    }
    BUF *err = buf_new(64);
    long rss0 = rss_kb(), heap0 = heap_kb();
    YARA *y = load_one(dir, err);
    long rss1 = rss_kb(), heap1 = heap_kb();
    if (y == NULL)
        printf("# %s: %s\n", set, err->data);
    assert_non_null(y);
    yara_set_timeout(y, PUBLIC_TIMEOUT_S);
    /* RSS misses memory malloc reuses from earlier tests; the heap figure does not */
    printf("# %s: %zu files, %u rules (yara-compile.tsv: %u), load %.0f ms, RSS +%ld kB, "
           "heap +%ld kB\n",
           set, files, yara_rules(y), want_rules, yara_load_ms(y), rss1 - rss0, heap1 - heap0);
    /* the TSV's count is textual: it includes rules inside comments */
    assert_true(yara_rules(y) > 0 && yara_rules(y) <= want_rules);

    double t0 = now_s();
    compare_set(y, set, hits, c);
    printf("# %s: %zu files scanned in %.1f s (%zu absent, %zu pairs); observed %zu, "
           "matched %zu, missing %zu (+%zu in failed scans), extra %zu, scan errors %zu\n",
           set, c->files, now_s() - t0, c->absent, c->absent_pairs, c->observed, c->matched,
           c->missing, c->missing_error, c->extra, c->scan_errors);
    yara_free(y);
    buf_free(err);
    dir = tmpdir_free(dir);
}

/* corpus_tsvs - both YARA TSVs of the corpus, or false when the corpus is absent */
static bool corpus_tsvs(TSV **compile, TSV **hits)
{
    *compile = tsv_read(CORPUS "/yara-compile.tsv");
    *hits = tsv_read(CORPUS "/yara-hits-observed.tsv");
    if (*compile != NULL && *hits != NULL)
        return true;
    *compile = tsv_free(*compile);
    *hits = tsv_free(*hits);
    return false;
}

static void test_public_rulesets(void **state)
{
    (void)state;
    const char *slow = getenv("FM_SLOW");
    if (slow != NULL && strcmp(slow, "0") == 0)
        skip();
    TSV *compile, *hits;
    if (!corpus_tsvs(&compile, &hits))
        skip();
    static const char *const sets[] = {"yara-signature-base", "yara-rules-yararules",
                                       "yara-rules-inquest", "yara-rules-bartblaze"};
    COUNTS all = {0};
    double t0 = now_s();

    log_set_level(CFG_LOG_ERROR); /* thousands of "may slow down scanning" warnings */
    for (size_t i = 0; i < 4; i++) {
        COUNTS c;
        run_set(sets[i], compile, hits, &c);
        counts_add(&all, &c);
    }
    log_set_level(CFG_LOG_INFO);
    printf("# public rule sets: %zu files scanned, %zu pairs observed, %zu matched, %zu missing "
           "(+%zu in failed scans), %zu extra; %zu files absent; %.1f s\n",
           all.files, all.observed, all.matched, all.missing, all.missing_error, all.extra,
           all.absent, now_s() - t0);
    printf("# public rule sets at yara_timeout %d s: %zu scans failed, %zu observed pairs only "
           "excused by a failed scan\n",
           PUBLIC_TIMEOUT_S, all.scan_errors, all.missing_error);
    assert_int_equal(all.observed + all.absent_pairs, hits->n);
    assert_true(all.files > 1000);
    /* superset: every pair observed on a file we scanned is ours, unless our scan failed
     * (PUBLIC_TIMEOUT_S: yara -r ran without a timeout) */
    assert_int_equal(all.missing, 0);
    assert_true(all.missing_error == 0 || all.scan_errors > 0); /* pairs vs files: not <= */
    tsv_free(compile);
    tsv_free(hits);
}

static void test_public_error_files(void **state)
{
    (void)state;
    TSV *compile, *hits;
    if (!corpus_tsvs(&compile, &hits))
        skip();
    static const char *const bad[] = {"rules/GlowSpark_Downloader.rule",
                                      "rules/labs.inquest.net/excel40_hunter.rule"};
    char *dir = tmpdir_new();
    for (size_t i = 0; i < 2; i++) {
        bool listed = false;
        for (size_t k = 0; k < compile->n; k++)
            listed |= strcmp(compile->v[k].f[1], bad[i]) == 0 &&
                      strncmp(compile->v[k].f[2], "error", 5) == 0;
        assert_true(listed);
        link_rule(dir, "yara-rules-inquest", bad[i]);
    }
    link_rule(dir, "yara-rules-inquest", "rules/PE.rule");
    BUF *err = buf_new(64);
    assert_null(load_one(dir, err));
    printf("# %s", err->data);
    /* the lines yarac reported in yara-compile.tsv */
    assert_non_null(strstr(err->data, "/GlowSpark_Downloader.yar:6: "));
    assert_non_null(strstr(err->data, "/excel40_hunter.yar:26: "));
    assert_non_null(strstr(err->data, "new_file"));
    assert_null(strstr(err->data, "PE.yar"));
    buf_free(err);
    dir = tmpdir_free(dir);
    tsv_free(compile);
    tsv_free(hits);
}

/* yara_extra_dirs: recursive, *.rule, a failing file skipped; the shipped directory strict */
static void test_extra_dirs(void **state)
{
    log_expect(true); /* a negative test: the warnings it logs are expected */
    (void)state;
    char *base = tmpdir_new(), *extra = tmpdir_new();
    put_file(base, "ours.yar", "rule Ours { strings: $a = \"OURS\" condition: $a }\n");
    char *sub = xasprintf("%s/apt", extra);
    assert_int_equal(mkdir(sub, 0700), 0);
    put_file(sub, "deep.yar", "rule Deep { strings: $a = \"DEEP\" condition: $a }\n");
    put_file(extra, "public.rule", "rule Pub { strings: $a = \"PUB\" condition: $a }\n");
    put_file(extra, "needs_var.yar", "rule NeedsVar { condition: undefined_external_xyz == 1 }\n");
    put_file(extra, "ok_vars.yar",
             "rule SigBase { condition: filepath contains \"x\" or owner == \"y\" }\n");
    const char *dirs[] = {base, extra};
    BUF *err = buf_new(64);
    GOT g = {0};
    YARA *y = yara_load(dirs, 2, err);
    assert_non_null(y);
    assert_int_equal(err->len, 0);
    assert_int_equal(yara_rules(y), 4); /* Ours, Deep, Pub, SigBase: NeedsVar skipped */
    assert_int_equal(scan_str(y, "OURS DEEP PUB", NULL, &g, err), 0);
    expect(&g, "ours", "Ours", 0, 0, NULL);
    expect(&g, "apt/deep", "Deep", 0, 0, NULL);
    expect(&g, "public", "Pub", 0, 0, NULL);
    got_clear(&g);
    yara_free(y);

    /* the same broken file among the shipped rules fails the load, naming the file */
    put_file(base, "broken.yar", "rule NeedsVar { condition: undefined_external_xyz == 1 }\n");
    buf_reset(err);
    assert_null(yara_load(dirs, 2, err));
    assert_non_null(strstr(err->data, "broken.yar"));
    assert_null(strstr(err->data, "needs_var.yar"));

    /* an extra directory without rule files adds nothing and is no error */
    char *empty = tmpdir_new();
    char *broken = xasprintf("%s/broken.yar", base);
    assert_int_equal(unlink(broken), 0);
    free(broken);
    const char *dirs2[] = {base, empty};
    buf_reset(err);
    y = yara_load(dirs2, 2, err);
    assert_non_null(y);
    assert_int_equal(yara_rules(y), 1);
    yara_free(y);
    base = tmpdir_free(base);
    extra = tmpdir_free(extra);
    empty = tmpdir_free(empty);
    free(sub);
    buf_free(err);
    log_expect(false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score_meta),
        cmocka_unit_test(test_extra_dirs),
        cmocka_unit_test(test_externals),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_namespaces_and_dirs),
        cmocka_unit_test(test_too_many_matches),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_public_error_files),
        cmocka_unit_test(test_public_rulesets) /* the slow one: last */
    };
    yara_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
