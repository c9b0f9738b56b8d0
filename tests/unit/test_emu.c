/*
 * test_emu - emu/: the evlog wire format, script-block extraction, which buffers are
 * emulated, and the worker pool against the real fileless-emu helper (deadline, watchdog,
 * memory, a dead helper, restart); the pool tests skip when the helper is not built
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "emu/emulate.h"
#include "emu/evlog.h"
#include "emu/extract.h"
#include "emu/pool.h"
#include "lib/buf.h"
#include "lib/xalloc.h"

static void test_event_round_trip(void **state)
{
    const char *f[3] = {"RegWrite", "HKCU\\Run\\x", "mshta javascript:x"};
    size_t l[3] = {8, 10, 18};
    BUF *b = buf_new(16);
    evlog_put_event(b, EVLOG_EV_CALL, f, l, 3);
    size_t frame = 0;
    assert_int_equal(evlog_frame_len((unsigned char *)b->data, b->len - 1, &frame), 0);
    assert_int_equal(evlog_frame_len((unsigned char *)b->data, b->len, &frame), 1);
    assert_int_equal(frame, b->len);
    EVLOG_EVENT ev;
    assert_int_equal(evlog_get_event((unsigned char *)b->data + 4, frame - 4, &ev), 0);
    assert_int_equal(ev.kind, EVLOG_EV_CALL);
    assert_int_equal(ev.nfield, 3);
    assert_memory_equal(ev.field[2], "mshta javascript:x", 18);
    /* a field longer than its frame, trailing bytes, an unknown kind: all refused */
    b->data[4 + 2] = 0x7f;
    assert_int_equal(evlog_get_event((unsigned char *)b->data + 4, frame - 4, &ev), -1);
    b->data[4 + 2] = 8;
    assert_int_equal(evlog_get_event((unsigned char *)b->data + 4, frame - 5, &ev), -1);
    b->data[4] = 'X';
    assert_int_equal(evlog_get_event((unsigned char *)b->data + 4, frame - 4, &ev), -1);
    unsigned char huge[6] = {0xff, 0xff, 0xff, 0x7f, 'C', 1};
    assert_int_equal(evlog_frame_len(huge, sizeof(huge), &frame), -1);
    buf_free(b);
}

static void test_request_round_trip(void **state)
{
    EVLOG_REQUEST r = {400, 64, EVLOG_KIND_HTA, "a.hta", 5, "var x = 1;", 10}, got;
    BUF *b = buf_new(16);
    evlog_put_request(b, &r);
    assert_int_equal(evlog_get_request((unsigned char *)b->data, b->len - 1, &got), 0);
    assert_int_equal(evlog_get_request((unsigned char *)b->data, b->len, &got), (long)b->len);
    assert_int_equal(got.ms, 400);
    assert_int_equal(got.kind, EVLOG_KIND_HTA);
    assert_memory_equal(got.script, "var x = 1;", 10);
    b->data[12] = 9; /* no such kind */
    assert_int_equal(evlog_get_request((unsigned char *)b->data, b->len, &got), -1);
    assert_int_equal(evlog_get_request((const unsigned char *)"GET /", 5, &got), -1);
    buf_free(b);
}

static void test_extract_blocks(void **state)
{
    const char *html = "<html><script>a(\"x\")</script><script language=\"VBScript\">MsgBox 1"
                       "</script><SCRIPT type='text/javascript'>b()\n</SCRIPT><script src=x>"
                       "</script></html>";
    BUF *b = buf_new(16);
    assert_int_equal(emu_extract("html", html, strlen(html), b), EVLOG_KIND_BROWSER);
    assert_string_equal(b->data, "__blocks([\"a(\\\"x\\\")\",\"b()\\n\"]);\n");
    buf_reset(b);
    const char *wsf = "<job><script language=\"JScript\"><![CDATA[ if (a < b) c(); ]]></script>"
                      "<script language=\"JScript\">x &amp;&amp; y()</script></job>";
    assert_int_equal(emu_extract("wsf", wsf, strlen(wsf), b), EVLOG_KIND_WSH);
    assert_string_equal(b->data, "__blocks([\" if (a < b) c(); \",\"x && y()\"]);\n");
    buf_reset(b);
    assert_int_equal(emu_extract("html", "<p>no script</p>", 16, b), -1);
    assert_int_equal(emu_extract("vbs", "MsgBox 1", 8, b), -1);
    buf_reset(b);
    assert_int_equal(emu_extract("js", "x()", 3, b), EVLOG_KIND_WSH);
    assert_string_equal(b->data, "x()");
    buf_free(b);
}

/* test_extract_xsl - msxsl:script under any prefix, its functions called, VBScript left */
static void test_extract_xsl(void **state)
{
    (void)state;
    const char *xsl =
        "<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" "
        "xmlns:m=\"urn:schemas-microsoft-com:xslt\" xmlns:u=\"x\">"
        "<m:script implements-prefix=\"u\" language=\"JScript\">function f(a) { return a &lt; 1; }"
        "</m:script><m:script implements-prefix=\"v\" language=\"VBScript\">MsgBox 1</m:script>"
        "<m:script implements-prefix='u'><![CDATA[var top = 1 < 2;]]></m:script>"
        "<xsl:template match=\"/\"><xsl:value-of select=\"u:f(1)\"/>"
        "<xsl:if test=\"u:f (2) and v:g()\"/><xsl:value-of select=\"u:9x()\"/></xsl:template>"
        "</xsl:stylesheet>";
    BUF *b = buf_new(16);
    assert_int_equal(emu_extract("xml", xsl, strlen(xsl), b), EVLOG_KIND_WSH);
    assert_string_equal(b->data, "__blocks([\"function f(a) { return a < 1; }\",\"var top = 1 < "
                                 "2;\",\"if (typeof f === 'function') f();\"]);\n");
    buf_reset(b);
    const char *plain = "<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
                        "<xsl:template match=\"/\"/></xsl:stylesheet>";
    assert_int_equal(emu_extract("xml", plain, strlen(plain), b), -1);
    const char *vbonly = "<s xmlns:m=\"urn:schemas-microsoft-com:xslt\"><m:script "
                         "implements-prefix=\"v\" language=\"VBScript\">MsgBox 1</m:script></s>";
    assert_int_equal(emu_extract("xml", vbonly, strlen(vbonly), b), -1);
    buf_free(b);
}

static void test_wanted(void **state)
{
    assert_true(emu_wanted("2/invoice.zip>invoice.js", "js"));
    assert_true(emu_wanted("2/a.jse>decoded:jse", "js"));
    assert_true(emu_wanted("2/page.html", "html"));
    assert_false(emu_wanted("2/a.js>decoded:emu-eval", "js"));
    assert_false(emu_wanted("2/a.js>decoded:base64", "js"));
    assert_false(emu_wanted("2/a.vbs", "vbs"));
    assert_false(emu_wanted("2/a.ps1", "ps1"));
    assert_true(emu_wanted("2/wmic.xsl", "xml"));
    assert_false(emu_wanted("2/a.jse>screnc.html", "html"));
}

/* pool tests: the helper next to the test binary's build, or the release one */
static char helper[4096];

static int find_helper(void **state)
{
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = 0;
        char *cut = strstr(self, "/tests/unit/");
        if (cut) {
            snprintf(cut, sizeof(self) - (size_t)(cut - self), "/fileless-emu");
            if (access(self, X_OK) == 0 && strstr(self, "/build/release/") == NULL) {
                snprintf(helper, sizeof(helper), "%s", self);
                return 0;
            }
        }
    }
    if (access("milter/fileless-emu", X_OK) == 0)
        snprintf(helper, sizeof(helper), "%s", "milter/fileless-emu");
    return 0;
}

typedef struct SEEN {
    unsigned calls, layers;
    char first[64];
} SEEN;

static void count(void *ctx, const EVLOG_EVENT *ev)
{
    SEEN *s = ctx;
    if (ev->kind == EVLOG_EV_CALL && s->calls++ == 0)
        snprintf(s->first, sizeof(s->first), "%.*s", (int)ev->len[0], ev->field[0]);
    if (ev->kind == EVLOG_EV_LAYER)
        s->layers++;
}

static EMU_STATUS run(const char *src, unsigned ms, SEEN *s, EMU_OUTCOME *o)
{
    EVLOG_REQUEST r = {ms, 32, EVLOG_KIND_WSH, "t.js", 4, src, strlen(src)};
    memset(s, 0, sizeof(*s));
    return emu_pool_run(&r, count, s, o);
}

static void test_pool_limits_and_restarts(void **state)
{
    if (!helper[0])
        skip();
    emu_pool_configure(helper, 1, 32);
    SEEN s;
    EMU_OUTCOME o;
    assert_int_equal(
        run("new ActiveXObject('WScript.Shell').Run('calc', 0); eval('1+1+1+1+1+1+1+1+1+1')", 2000,
            &s, &o),
        EMU_OK);
    assert_string_equal(s.first, "CreateObject");
    assert_int_equal(s.calls, 2);
    assert_int_equal(s.layers, 2); /* the eval'd code and the command line */
    /* the helper's CPU deadline, or on a loaded machine the wall-clock watchdog first */
    EMU_STATUS st = run("for(;;){try{for(;;);}catch(e){}}", 150, &s, &o);
    assert_true(st == EMU_TIMEOUT || st == EMU_KILLED);
    /* the claim is "the watchdog ends it", not a latency: without the watchdog the loop runs
     * forever, so a bound in seconds (4 x the deadline + grace, plus 10 s for a sanitized build
     * on a loaded machine) still fails when nothing ends it */
    assert_true(o.ms < 4 * 150 + EMU_GRACE_MS + 10000);
    assert_int_equal(
        run("var s='x';for(var i=0;i<20;i++)s+=s;var a=[];for(;;)a.push(s+a.length)", 3000, &s, &o),
        EMU_MEMORY);
    /* ES2015 is rewritten (downlevel.js) and runs; a generator is still a syntax error */
    assert_int_equal(run("let x = () => WScript.Echo(`a${1}`); x()", 2000, &s, &o), EMU_OK);
    assert_string_equal(s.first, "Downlevel");
    assert_int_equal(s.calls, 3); /* Downlevel, Host (WScript used), Echo */
    assert_int_equal(run("let g = function* () { yield 1; }", 2000, &s, &o), EMU_SYNTAX);
    /* still serving after all that, with the same single worker slot */
    assert_int_equal(run("WScript.Echo('again')", 2000, &s, &o), EMU_OK);
    assert_int_equal(s.calls, 2);
    BUF *err = buf_new(16);
    assert_int_equal(emu_pool_check(err), 0);
    emu_pool_shutdown();
    emu_pool_configure("/nonexistent/fileless-emu", 1, 32);
    assert_int_equal(run("1", 500, &s, &o), EMU_UNAVAILABLE);
    assert_int_equal(emu_pool_check(err), -1);
    assert_non_null(strstr(err->data, "/nonexistent/fileless-emu"));
    buf_free(err);
    emu_pool_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_round_trip), cmocka_unit_test(test_request_round_trip),
        cmocka_unit_test(test_extract_blocks),   cmocka_unit_test(test_extract_xsl),
        cmocka_unit_test(test_wanted),           cmocka_unit_test(test_pool_limits_and_restarts),
    };
    return cmocka_run_group_tests_name("emu", tests, find_helper, NULL);
}
