/*
 * test_html - the code of an HTML page apart from its prose (heur/html.c): script
 *             elements by type, event handlers, javascript:/vbscript: URLs with entities
 *             decoded; prose, JSON-LD and templates are left out; hostile input is linear
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heur/html.h"
#include "lib/buf.h"

static void test_script_parts(void **state)
{
    (void)state;
    static const char page[] =
        "<!DOCTYPE html><html><!-- <script>commented()</script> --><head>"
        "<script>var a = new ActiveXObject('WScript.Shell');</script>"
        "<script type=\"application/ld+json\">{\"cmd\": \"mshta javascript:x\"}</script>"
        "<script type='text/x-template'><div>{{ powershell }}</div></script>"
        "<SCRIPT LANGUAGE=\"VBScript\">CreateObject(\"WScript.Shell\").Run \"calc\"</SCRIPT>"
        "</head><body onload=\"start(&quot;x&quot;)\">"
        "<p>Hunt for: mshta javascript:alert(1) and certutil -urlcache</p>"
        "<a href=\"javascript:run('a')\">x</a> <a href='https://example.org/'>y</a>"
        "<img src=x onerror=boom()>"
        "</body></html>";
    BUF *out = buf_new(64);
    bool vbs = false;
    html_script(page, sizeof(page) - 1, out, 1 << 20, &vbs);
    assert_true(vbs);
    assert_non_null(strstr(out->data, "new ActiveXObject('WScript.Shell');"));
    assert_non_null(strstr(out->data, "CreateObject(\"WScript.Shell\").Run \"calc\""));
    assert_non_null(strstr(out->data, "start(\"x\")\n"));
    assert_non_null(strstr(out->data, "run('a')\n"));
    assert_non_null(strstr(out->data, "boom()\n"));
    assert_null(strstr(out->data, "Hunt for"));      /* prose */
    assert_null(strstr(out->data, "certutil"));      /* prose */
    assert_null(strstr(out->data, "\"cmd\""));       /* JSON-LD is data */
    assert_null(strstr(out->data, "{{ powershell")); /* a template */
    assert_null(strstr(out->data, "commented"));     /* a comment */
    assert_null(strstr(out->data, "example.org"));
    /* bounded output */
    buf_reset(out);
    html_script(page, sizeof(page) - 1, out, 10, &vbs);
    assert_true(out->len <= 10);
    buf_free(out);
}

static void test_hostile(void **state)
{
    (void)state;
    BUF *in = buf_new(1 << 20), *out = buf_new(64);
    while (in->len < (1u << 20))
        buf_puts(in, "<script><a onx='<script ");
    bool vbs;
    html_script(in->data, in->len, out, 1 << 16, &vbs);
    assert_true(out->len <= (1u << 16));
    buf_reset(in);
    while (in->len < (1u << 20))
        buf_puts(in, "<p><b>prose only, no code here</b></p>\n");
    buf_reset(out);
    html_script(in->data, in->len, out, 1 << 16, &vbs);
    assert_int_equal(out->len, 0);
    buf_free(in);
    buf_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_script_parts),
                                       cmocka_unit_test(test_hostile)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
