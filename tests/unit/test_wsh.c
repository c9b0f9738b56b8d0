/*
 * test_wsh - script-host files run on open, browser libraries are known good (remote proxies:
 *            test_lolbas)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heur/known.h"
#include "heur/wsh.h"

static HITS *run(const char *lang, const char *text, int depth)
{
    HITS *h = hits_new();
    HEUR_CTX c = {.hits = h, .location = "2/a.zip>x", .depth = depth};
    bool browser_js =
        heur_known(&c, lang, (const unsigned char *)text, strlen(text), HEUR_RUN_NONE);
    heur_wsh(&c, lang, (const unsigned char *)text, strlen(text), browser_js);
    return h;
}

static void test_wsh_files(void **state)
{
    (void)state;
    HITS *h = run("vbs",
                  "Set p = GetObject(\"winmgmts:root\\cimv2:Win32_Process\")\n"
                  "p.Create \"notepad\", Null, Null, id\n"
                  "With CreateObject(\"Adodb.Stream\")\n.SaveToFile out, 2\nEnd With\n",
                  0);
    assert_true(hits_has(h, "WSH_RUNS_ON_OPEN"));
    assert_true(hits_has(h, "WSH_WMI_PROCESS"));
    assert_true(hits_has(h, "WSH_STREAM_SAVE"));
    assert_false(hits_has(h, "WSH_BASE64_NODE"));
    hits_free(h);
    /* a decoded layer is not a file someone opens */
    h = run("vbs", "CreateObject(\"WScript.Shell\").Run \"calc\"", 1);
    assert_int_equal(h->n, 0);
    hits_free(h);
    /* JScript with host objects runs on open; a browser library does not */
    h = run("js", "var s = new ActiveXObject('WScript.Shell'); s.Run('calc');", 0);
    assert_true(hits_has(h, "WSH_RUNS_ON_OPEN"));
    assert_false(hits_has(h, "JS_BROWSER_LIBRARY"));
    hits_free(h);
    h = run("js", "(function(){ window.lib = {}; document.addEventListener('x', f); })();", 0);
    assert_false(hits_has(h, "WSH_RUNS_ON_OPEN"));
    assert_true(hits_has(h, "JS_BROWSER_LIBRARY"));
    hits_free(h);
    h = run("ps1", "Write-Host hi", 0);
    assert_int_equal(h->n, 0);
    hits_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wsh_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
