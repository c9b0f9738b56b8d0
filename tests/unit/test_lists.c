/*
 * test_lists - unit tests for lists.c: loading rules/lists files, lookups, domain
 * suffix matching, errors
 *
 * Table-driven: each case states one expectation, and every failing case is printed
 * with what it got and what it wanted before the test fails. Lists are written to a
 * fresh mkdtemp directory per test; the shipped rules/lists (relative to the repo root,
 * the working directory) is checked when present and skipped otherwise.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "core/lists.h"
#include "lib/xalloc.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const list_files[] = {"dangerous-extensions.txt", "shorteners.txt",
                                         "block-domains.txt", "allow-domains.txt"};

/* ------------------------------------------------------------------ helpers */

/* tmp_dir - a fresh temporary directory (caller removes it with rm_dir) */
static char *tmp_dir(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *d = xasprintf("%s/fm-test-lists-XXXXXX", base);
    assert_non_null(mkdtemp(d));
    return d;
}

/* put_file - write text to dir/name */
static void put_file(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

/* rm_dir - remove the list files (or directories of that name) and dir itself */
static void rm_dir(char *dir)
{
    for (size_t i = 0; i < NELEM(list_files); i++) {
        char *path = xasprintf("%s/%s", dir, list_files[i]);
        if (unlink(path) != 0)
            rmdir(path);
        free(path);
    }
    rmdir(dir);
    free(dir);
}

/* check - report one boolean case; returns 1 when it failed */
static int check(const char *what, const char *input, bool got, bool want)
{
    if (got == want)
        return 0;
    print_error("FAIL %s\n  input: %s\n  got:   %d\n  want:  %d\n", what, input ? input : "(null)",
                got, want);
    return 1;
}

/* ------------------------------------------------------------------ lookups */

typedef struct LCASE {
    enum list_id list;
    bool domain; /* lists_domain_in, else lists_has */
    const char *key;
    bool want;
} LCASE;

/* run_cases - every case against l; the number of cases that failed (the caller asserts
 * after cleaning up, so a failure leaves no temporary directory behind) */
static int run_cases(const LISTS *l, const LCASE *cases, size_t n)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        const LCASE *k = &cases[i];
        bool got = k->domain ? lists_domain_in(l, k->list, k->key) : lists_has(l, k->list, k->key);
        failed += check(k->domain ? "lists_domain_in" : "lists_has", k->key, got, k->want);
    }
    return failed;
}

/* expectations over the lists written by test_syntax */
static const LCASE syntax_cases[] = {
    {LIST_DANGEROUS_EXT, false, "exe", true},
    {LIST_DANGEROUS_EXT, false, "EXE", true},
    {LIST_DANGEROUS_EXT, false, "js", true},
    {LIST_DANGEROUS_EXT, false, "Js", true},
    {LIST_DANGEROUS_EXT, false, "vbs", true},
    {LIST_DANGEROUS_EXT, false, "settingcontent-ms", true},
    {LIST_DANGEROUS_EXT, false, "lnk", true},
    {LIST_DANGEROUS_EXT, false, "appref-ms", true},
    {LIST_DANGEROUS_EXT, false, "pdf", false},
    {LIST_DANGEROUS_EXT, false, "ex", false},
    {LIST_DANGEROUS_EXT, false, "exee", false},
    {LIST_DANGEROUS_EXT, false, "", false},
    {LIST_DANGEROUS_EXT, false, "# comment line", false},
    {LIST_DANGEROUS_EXT, false, "comment", false},
    {LIST_DANGEROUS_EXT, false, "vbs # inline comment", false},
    {LIST_DANGEROUS_EXT, false, NULL, false},
    {LIST_SHORTENERS, false, "bit.ly", true},
    {LIST_SHORTENERS, false, "tinyurl.com", true},
    {LIST_SHORTENERS, false, "ow.ly", true},     /* "*.ow.ly" */
    {LIST_SHORTENERS, false, "is.gd", true},     /* ".is.gd" */
    {LIST_SHORTENERS, false, "t.co", true},      /* "t.co." */
    {LIST_SHORTENERS, false, "x.bit.ly", false}, /* lists_has is exact */
    {LIST_SHORTENERS, true, "x.bit.ly", true},
    {LIST_SHORTENERS, true, "BIT.LY", true},
    {LIST_SHORTENERS, true, "bit.ly.", true},
    {LIST_SHORTENERS, true, "notbit.ly", false},
    {LIST_SHORTENERS, true, "t.co.evil.net", false},
    {LIST_SHORTENERS, true, "go.t.co", true},
    {LIST_SHORTENERS, true, "www.ow.ly", true},
    {LIST_SHORTENERS, true, "", false},
    {LIST_SHORTENERS, true, NULL, false},
    {LIST_BLOCK_DOMAINS, true, "evil.example", true},
    {LIST_BLOCK_DOMAINS, true, "a.b.evil.example", true},
    {LIST_BLOCK_DOMAINS, true, "192.0.2.66", true},
    {LIST_BLOCK_DOMAINS, true, "10.192.0.2.66", false}, /* IPs match exactly */
    {LIST_BLOCK_DOMAINS, true, "com", true},            /* an admin's "com" entry */
    {LIST_BLOCK_DOMAINS, true, "anything.com", true},
    {LIST_BLOCK_DOMAINS, true, "anything.net", false},
    {LIST_BLOCK_DOMAINS, true, "com.net", false},
    {LIST_ALLOW_DOMAINS, true, "example.com", true},
    {LIST_ALLOW_DOMAINS, true, "a.b.example.com", true},
    {LIST_ALLOW_DOMAINS, true, "Mail.Example.COM", true},
    {LIST_ALLOW_DOMAINS, true, "example.com.evil.net", false},
    {LIST_ALLOW_DOMAINS, true, "badexample.com", false},
    {LIST_ALLOW_DOMAINS, true, "xexample.com", false},
    {LIST_ALLOW_DOMAINS, true, "example.co", false},
    {LIST_ALLOW_DOMAINS, true, "com", false},
    {LIST_ALLOW_DOMAINS, true, ".example.com", true},
    {LIST_ALLOW_DOMAINS, true, "co.uk.example.net", true},
    {LIST_ALLOW_DOMAINS, true, "example.net", false},
    {LIST_ALLOW_DOMAINS, true, "x.co.uk", false},
    {LIST_ALLOW_DOMAINS, false, "example.com", true},
    {LIST_ALLOW_DOMAINS, false, "a.example.com", false},
    {LIST_DANGEROUS_EXT, true, "exe", true}, /* a list of words is a list of words */
};

static void test_syntax(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    put_file(dir, "dangerous-extensions.txt",
             "# comment line\n"
             "\n"
             "   \t\n"
             "exe\n"
             "  JS  \n"
             "vbs # inline comment\n"
             "settingcontent-ms\r\n"
             ".lnk\n"
             "Appref-MS");
    put_file(dir, "shorteners.txt", "bit.ly\nTinyURL.com\n*.ow.ly\n.is.gd\nt.co.\n");
    put_file(dir, "block-domains.txt", "# known bad\nEvil.Example\n192.0.2.66\ncom\n");
    put_file(dir, "allow-domains.txt", "# ours\nexample.com\nco.uk.example.net\n");
    BUF *err = buf_new(64);
    LISTS *l = lists_load(dir, err);
    assert_non_null(l);
    assert_int_equal(err->len, 0);
    int failed = run_cases(l, syntax_cases, NELEM(syntax_cases));
    lists_free(l);
    buf_free(err);
    rm_dir(dir);
    assert_int_equal(failed, 0);
}

static void test_missing_files_are_empty(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    put_file(dir, "shorteners.txt", "bit.ly\n");
    BUF *err = buf_new(64);
    LISTS *l = lists_load(dir, err);
    assert_non_null(l);
    assert_int_equal(err->len, 0);
    static const LCASE cases[] = {
        {LIST_DANGEROUS_EXT, false, "exe", false},
        {LIST_BLOCK_DOMAINS, true, "evil.example", false},
        {LIST_ALLOW_DOMAINS, true, "example.com", false},
        {LIST_SHORTENERS, true, "bit.ly", true},
    };
    int failed = run_cases(l, cases, NELEM(cases));
    lists_free(l);
    /* a directory that does not exist at all: every list empty */
    char *gone = xasprintf("%s/nonexistent", dir);
    l = lists_load(gone, err);
    assert_non_null(l);
    assert_false(lists_has(l, LIST_SHORTENERS, "bit.ly"));
    lists_free(l);
    free(gone);
    /* NULL directory: empty lists, for callers and tests without rules */
    l = lists_load(NULL, err);
    assert_non_null(l);
    assert_false(lists_domain_in(l, LIST_SHORTENERS, "bit.ly"));
    assert_int_equal(err->len, 0);
    lists_free(l);
    buf_free(err);
    rm_dir(dir);
    assert_int_equal(failed, 0);
}

typedef struct ECASE {
    const char *file, *text;
    const char *want; /* substring of the error */
} ECASE;

static void test_errors(void **state)
{
    (void)state;
    static const ECASE cases[] = {
        {"shorteners.txt", "bit.ly tinyurl.com\n", "shorteners.txt:1: one entry per line"},
        {"block-domains.txt",
         "# x\nok.example\nb\xc3\xa4"
         "d.example\n",
         "block-domains.txt:3: not a domain name"},
        {"dangerous-extensions.txt", "exe\n.tar.gz\n", "dangerous-extensions.txt:2: not a file"},
        {"dangerous-extensions.txt", "exe, scr\n", "dangerous-extensions.txt:1: one entry"},
        {"allow-domains.txt", "example.com/path\n", "allow-domains.txt:1: not a domain"},
    };
    int failed = 0;
    for (size_t i = 0; i < NELEM(cases); i++) {
        char *dir = tmp_dir();
        put_file(dir, cases[i].file, cases[i].text);
        BUF *err = buf_new(64);
        LISTS *l = lists_load(dir, err);
        if (l != NULL || strstr(err->data, cases[i].want) == NULL) {
            print_error("FAIL lists_load error\n  input: %s\n  got:   %s\n  want:  %s\n",
                        cases[i].text, l ? "(a list)" : err->data, cases[i].want);
            failed++;
        }
        lists_free(l);
        buf_free(err);
        rm_dir(dir);
    }
    assert_int_equal(failed, 0);
}

static void test_unreadable(void **state)
{
    (void)state;
    /* a directory where the file should be: fopen works, reading fails (even as root) */
    char *dir = tmp_dir();
    char *path = xasprintf("%s/shorteners.txt", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    BUF *err = buf_new(64);
    LISTS *l = lists_load(dir, err);
    assert_null(l);
    assert_non_null(strstr(err->data, path));
    free(path);
    buf_free(err);
    rm_dir(dir);
    /* a file without read permission (root reads anyway: checked only for others) */
    if (geteuid() == 0)
        return;
    dir = tmp_dir();
    put_file(dir, "allow-domains.txt", "example.com\n");
    path = xasprintf("%s/allow-domains.txt", dir);
    chmod(path, 0);
    err = buf_new(64);
    assert_null(lists_load(dir, err));
    assert_non_null(strstr(err->data, path));
    free(path);
    buf_free(err);
    rm_dir(dir);
}

static void test_many_entries(void **state)
{
    (void)state;
    char *dir = tmp_dir();
    BUF *text = buf_new(1 << 16);
    for (int i = 0; i < 5000; i++)
        buf_printf(text, "host%d.example\n", i);
    put_file(dir, "block-domains.txt", text->data);
    BUF *err = buf_new(64);
    LISTS *l = lists_load(dir, err);
    assert_non_null(l);
    int failed = 0;
    char host[64];
    for (int i = 0; i < 5000; i++) {
        snprintf(host, sizeof(host), "www.host%d.example", i);
        failed += check("many", host, lists_domain_in(l, LIST_BLOCK_DOMAINS, host), true);
        snprintf(host, sizeof(host), "host%d.example", i + 5000);
        failed += check("many", host, lists_domain_in(l, LIST_BLOCK_DOMAINS, host), false);
    }
    assert_int_equal(failed, 0);
    /* a long many-label host: one right-to-left pass, no error */
    BUF *h = buf_new(20000);
    for (int i = 0; i < 4000; i++)
        buf_puts(h, "a.");
    buf_puts(h, "host7.example");
    assert_true(lists_domain_in(l, LIST_BLOCK_DOMAINS, h->data));
    buf_free(h);
    lists_free(l);
    buf_free(err);
    buf_free(text);
    rm_dir(dir);
}

static void test_null_and_free(void **state)
{
    (void)state;
    assert_null(lists_free(NULL));
    assert_false(lists_has(NULL, LIST_DANGEROUS_EXT, "exe"));
    assert_false(lists_domain_in(NULL, LIST_SHORTENERS, "bit.ly"));
    LISTS *l = lists_load(NULL, NULL);
    assert_false(lists_has(l, LIST_COUNT, "exe"));
    assert_null(lists_free(l));
    char *dir = tmp_dir(); /* an error without an err buffer: still NULL, no crash */
    put_file(dir, "shorteners.txt", "two words\n");
    assert_null(lists_load(dir, NULL));
    rm_dir(dir);
}

static void test_shipped_lists(void **state)
{
    (void)state;
    struct stat st;
    if (stat("rules/lists", &st) != 0) {
        print_message("rules/lists not found (run from the repo root): skipped\n");
        skip();
    }
    BUF *err = buf_new(64);
    LISTS *l = lists_load("rules/lists", err);
    if (l == NULL)
        print_error("%s\n", err->data);
    assert_non_null(l);
    static const LCASE cases[] = {
        {LIST_DANGEROUS_EXT, false, "exe", true},
        {LIST_DANGEROUS_EXT, false, "js", true},
        {LIST_DANGEROUS_EXT, false, "lnk", true},
        {LIST_DANGEROUS_EXT, false, "iso", true},
        {LIST_DANGEROUS_EXT, false, "settingcontent-ms", true},
        {LIST_DANGEROUS_EXT, false, "docm", true},
        {LIST_DANGEROUS_EXT, false, "one", false}, /* a notebook scores by what it embeds */
        {LIST_DANGEROUS_EXT, false, "pdf", false},
        {LIST_DANGEROUS_EXT, false, "docx", false},
        {LIST_DANGEROUS_EXT, false, "zip", false},
        {LIST_DANGEROUS_EXT, false, "jpg", false},
        {LIST_SHORTENERS, true, "bit.ly", true},
        {LIST_SHORTENERS, true, "tinyurl.com", true},
        {LIST_SHORTENERS, true, "example.com", false},
        {LIST_BLOCK_DOMAINS, true, "example.com", false},
        {LIST_ALLOW_DOMAINS, true, "example.com", false},
    };
    int failed = run_cases(l, cases, NELEM(cases));
    lists_free(l);
    buf_free(err);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax),        cmocka_unit_test(test_missing_files_are_empty),
        cmocka_unit_test(test_errors),        cmocka_unit_test(test_unreadable),
        cmocka_unit_test(test_many_entries),  cmocka_unit_test(test_null_and_free),
        cmocka_unit_test(test_shipped_lists),
    };
    return cmocka_run_group_tests_name("lists", tests, NULL, NULL);
}
