/*
 * test_known - known libraries by SHA-256 (rules/lists/known-libraries.txt, heur_known's
 *              JS_KNOWN_LIBRARY) and what the chains make of them: the name and the code
 *              findings at and below the library's place weigh nothing; a changed byte is
 *              an ordinary script again; a bad list line fails the load with FILE:LINE
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/digest.h"
#include "core/lists.h"
#include "heur/known.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "model/hit.h"
#include "policy/chain.h"

static const char LIB[] = "/*! tinylib 1.0 */ (function(g){ g.tiny = function(s){ return "
                          "eval('(' + s + ')'); }; })(this);\n";

/* lists_with - a lists dir whose known-libraries.txt is text; the loaded LISTS (or NULL
 * with the error in err) */
static LISTS *lists_with(const char *text, BUF *err)
{
    char dir[] = "/tmp/fm-test-known-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *p = xasprintf("%s/known-libraries.txt", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    LISTS *l = lists_load(dir, err);
    unlink(p);
    free(p);
    rmdir(dir);
    return l;
}

static void test_known_hash(void **state)
{
    (void)state;
    char hex[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(LIB, sizeof(LIB) - 1, hex);
    for (char *c = hex; *c; c++) /* digests are matched whatever their case */
        *c = (char)(*c >= 'a' && *c <= 'f' ? *c - 32 : *c);
    char *text = xasprintf("# test\n%s  tinylib@1.0/tiny.js (test)\n", hex);
    BUF *err = buf_new(64);
    LISTS *l = lists_with(text, err);
    assert_non_null(l);
    assert_int_equal(lists_known_libraries(l), 1);
    HITS *h = hits_new();
    HEUR_CTX c = {.hits = h, .location = "2/v.zip>tiny.js", .lists = l};
    heur_known(&c, "js", (const unsigned char *)LIB, sizeof(LIB) - 1, HEUR_RUN_NONE);
    assert_true(hits_has(h, "JS_KNOWN_LIBRARY"));
    assert_non_null(strstr(h->v[0].detail, "tinylib@1.0"));
    hits_free(h);
    /* one byte changed: no longer the library */
    char *changed = xstrdup(LIB);
    changed[5] = 'T';
    h = hits_new();
    c.hits = h;
    heur_known(&c, "js", (const unsigned char *)changed, strlen(changed), HEUR_RUN_NONE);
    assert_false(hits_has(h, "JS_KNOWN_LIBRARY"));
    hits_free(h);
    free(changed);
    lists_free(l);
    free(text);
    /* bad lines */
    static const char *const bad[] = {
        "abcd  short digest\n",
        "0000000000000000000000000000000000000000000000000000000000000000\n",
        "zz00000000000000000000000000000000000000000000000000000000000000 x\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        buf_reset(err);
        assert_null(lists_with(bad[i], err));
        assert_non_null(strstr(err->data, "known-libraries.txt:1:"));
    }
    buf_free(err);
}

/* the emulated run decides JS_BROWSER_LIBRARY where there is one: host words in a
 * library that never used the host do not count, a run that used it always does */
static void test_browser_run(void **state)
{
    (void)state;
    static const char IE[] =
        "(function(w){ var x = w.XMLHttpRequest ? new XMLHttpRequest() : "
        "new ActiveXObject('Microsoft.XMLHTTP'); document.title = 'a'; })(window);";
    static const char PLAIN[] =
        "(function(){ window.lib = {}; document.addEventListener('x', f); })();";
    static const char NOBROWSER[] = "var a = 1 + 2;";
    static const struct {
        const char *text;
        HEUR_RUN run;
        bool browser;
    } T[] = {
        {IE, HEUR_RUN_NONE, false},         {IE, HEUR_RUN_INERT, true},
        {IE, HEUR_RUN_HOST, false},         {PLAIN, HEUR_RUN_NONE, true},
        {PLAIN, HEUR_RUN_INERT, true},      {PLAIN, HEUR_RUN_HOST, false},
        {NOBROWSER, HEUR_RUN_INERT, false},
    };
    for (size_t i = 0; i < sizeof(T) / sizeof(*T); i++) {
        HITS *h = hits_new();
        HEUR_CTX c = {.hits = h, .location = "2/v.zip>lib.js"};
        bool b =
            heur_known(&c, "js", (const unsigned char *)T[i].text, strlen(T[i].text), T[i].run);
        if (b != T[i].browser || hits_has(h, "JS_BROWSER_LIBRARY") != T[i].browser)
            fail_msg("case %zu: browser %d, want %d", i, b, T[i].browser);
        hits_free(h);
    }
    /* a decoded layer is never the library */
    HITS *h = hits_new();
    HEUR_CTX c = {.hits = h, .location = "2/v.zip>lib.js>decoded:eval", .depth = 1};
    assert_false(heur_known(&c, "js", (const unsigned char *)PLAIN, strlen(PLAIN), HEUR_RUN_INERT));
    hits_free(h);
}

/* score - the score of the hits (symbol@location) under the shipped rules */
static double score(const char *const *hits, size_t n)
{
    BUF *err = buf_new(64);
    SCORES *s = scores_load("rules/scoring.conf", err);
    buf_free(err);
    assert_non_null(s);
    HITS *h = hits_new();
    for (size_t i = 0; i < n; i++) {
        const char *at = strchr(hits[i], '@');
        char *sym = xstrndup(hits[i], (size_t)(at - hits[i]));
        hits_add(h, sym, at + 1, "test");
        free(sym);
    }
    SCORE_CTX ctx = {.alone_max = 4, .mention_max = 1};
    double sc = score_message(s, h, &ctx);
    hits_free(h);
    scores_free(s);
    return sc;
}

static void test_known_chains(void **state)
{
    (void)state;
    const char *hits[] = {"FILE_DANGEROUS_EXT@2/v.zip>tiny.js", "SCRIPT_COM_SHELL@2/v.zip>tiny.js",
                          "SCRIPT_DOWNLOAD@2/v.zip>tiny.js>decoded:eval",
                          "URL_DANGEROUS_SCHEME@2/v.zip>tiny.js>decoded:escapes",
                          "JS_KNOWN_LIBRARY@2/v.zip>tiny.js"};
    assert_true(score(hits, 4) >= 10); /* download + execute chain without the library */
    assert_true(score(hits, 5) == 0);
    /* another member of the same zip keeps its findings */
    const char *other[] = {"JS_KNOWN_LIBRARY@2/v.zip>tiny.js", "SCRIPT_COM_SHELL@2/v.zip>drop.js",
                           "SCRIPT_DOWNLOAD@2/v.zip>drop.js"};
    assert_true(score(other, 3) >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_hash),
        cmocka_unit_test(test_browser_run),
        cmocka_unit_test(test_known_chains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
