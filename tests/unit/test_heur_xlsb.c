/*
 * test_heur_xlsb - heur/xlsb.c (Excel binary workbook parts: macro sheets, Auto_Open
 *                  names, hidden macro sheets, DDE external links, the zip reader) and the
 *                  string cells of a BIFF8 macro sheet in heur/xlm.c, on inputs built here
 *                  from MS-XLSB 2.4 / MS-XLS 2.4
 *
 * Each case asserts the symbols that must and must not appear and what was handed to
 * c->emit. Every prefix of the built parts is analysed too (no crash, no symbol from a
 * cut record beyond what the whole gives).
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heur/xlm.h"
#include "heur/xlsb.h"
#include "lib/buf.h"
#include "model/hit.h"
#include "testhits.h"
#include "testutil.h"

typedef struct EMITS {
    char how[16][16];
    BUF *data[16];
    size_t n;
} EMITS;

static void on_emit(void *ctx, const char *how, const char *lang, const unsigned char *d, size_t n)
{
    EMITS *e = ctx;
    (void)lang;
    if (e->n >= 16)
        return;
    snprintf(e->how[e->n], sizeof(e->how[0]), "%s", how);
    e->data[e->n] = buf_new(n + 1);
    buf_cat(e->data[e->n++], d, n);
}

static bool emitted(const EMITS *e, const char *how, const char *needle)
{
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->how[i], how) == 0 &&
            memmem(e->data[i]->data, e->data[i]->len, needle, strlen(needle)))
            return true;
    return false;
}

static void emits_free(EMITS *e)
{
    for (size_t i = 0; i < e->n; i++)
        buf_free(e->data[i]);
    e->n = 0;
}

static HEUR_CTX ctx(HITS *h, EMITS *e)
{
    return (HEUR_CTX){h, "1/t.xlsb", NULL, e ? on_emit : NULL, e, 0, 1u << 20, 40};
}

/* ---- BIFF12 records ---- */

static void varint(BUF *b, size_t v, int max)
{
    for (int i = 0; i < max; i++) {
        unsigned char c = v & 0x7f;
        v >>= 7;
        buf_putc(b, v ? c | 0x80 : c);
        if (!v)
            break;
    }
}

static void rec(BUF *b, unsigned type, const BUF *body)
{
    varint(b, type, 2);
    varint(b, body->len, 4);
    buf_cat(b, body->data, body->len);
}

static void le32(BUF *b, uint32_t v)
{
    unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    buf_cat(b, p, 4);
}

/* wstr - an XLWideString */
static void wstr(BUF *b, const char *s)
{
    le32(b, (uint32_t)strlen(s));
    for (; *s; s++) {
        buf_putc(b, *s);
        buf_putc(b, 0);
    }
}

/* cell - a Cell: column, style 0 */
static void cell(BUF *b, uint32_t col)
{
    le32(b, col);
    le32(b, 0);
}

static void rowhdr(BUF *out, uint32_t row)
{
    BUF *b = buf_new(32);
    le32(b, row);
    buf_cat(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 21);
    rec(out, 0, b);
    buf_free(b);
}

/* fmla_string - a BrtFmlaString: cached value, grbitFlags, cce, rgce, cb 0 */
static void fmla_string(BUF *out, uint32_t col, const char *cached, const unsigned char *rgce,
                        size_t n)
{
    BUF *b = buf_new(64);
    cell(b, col);
    wstr(b, cached);
    buf_cat(b, "\0\0", 2);
    le32(b, (uint32_t)n);
    buf_cat(b, rgce, n);
    le32(b, 0);
    rec(out, 8, b);
    buf_free(b);
}

static void cell_st(BUF *out, uint32_t col, const char *s)
{
    BUF *b = buf_new(64);
    cell(b, col);
    wstr(b, s);
    rec(out, 6, b);
    buf_free(b);
}

/* macrosheet - R1C1 =CHAR(61); R1C2 =FORMULA(R1C1&R2C1,R5C1) (R2C1 comes later in the
 * file); R2C1 holds the string EXEC("calc") */
static BUF *macrosheet(void)
{
    static const unsigned char chr[] = {0x1e, 61, 0, 0x41, 0x6f, 0x00};
    /* ptgRef R1C1, ptgRef R2C1, ptgConcat, ptgRef R5C1, ptgFuncVar(2, FORMULA) */
    static const unsigned char fw[] = {
        0x44, 0, 0,    0,    0, 0, 0xc0, /* ptgRef row 0 col 0 */
        0x44, 1, 0,    0,    0, 0, 0xc0, /* ptgRef row 1 col 0 */
        0x08,                            /* ptgConcat */
        0x44, 4, 0,    0,    0, 0, 0xc0, /* ptgRef row 4 col 0 */
        0x42, 2, 0x60, 0x80,             /* ptgFuncVar 2 arguments, FORMULA */
    };
    BUF *b = buf_new(256), *e = buf_new(1);
    rec(b, 129, e); /* BrtBeginSheet */
    rowhdr(b, 0);
    fmla_string(b, 0, "=", chr, sizeof(chr));
    fmla_string(b, 1, "", fw, sizeof(fw));
    rowhdr(b, 1);
    cell_st(b, 0, "EXEC(\"calc\")");
    rec(b, 130, e); /* BrtEndSheet */
    buf_free(e);
    return b;
}

static BUF *workbook(void)
{
    BUF *b = buf_new(256), *r = buf_new(64);
    le32(r, 0); /* BrtBundleSh: visible worksheet rId1 */
    le32(r, 1);
    wstr(r, "rId1");
    wstr(r, "Sheet1");
    rec(b, 156, r);
    buf_reset(r);
    le32(r, 2); /* very hidden macro sheet rId2 */
    le32(r, 2);
    wstr(r, "rId2");
    wstr(r, "Macro1");
    rec(b, 156, r);
    buf_reset(r);
    le32(r, 0x20); /* BrtName: fBuiltin, chKey, itab, name, formula */
    buf_putc(r, 0);
    le32(r, 0xffffffff);
    wstr(r, "Auto_Open");
    le32(r, 0);
    le32(r, 0);
    rec(b, 39, r);
    buf_free(r);
    return b;
}

static const char rels[] =
    "<Relationships><Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
    "Target=\"worksheets/sheet1.bin\"/><Relationship Id=\"rId2\" "
    "Type=\"http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet\" "
    "Target=\"macrosheets/sheet1.bin\"/></Relationships>";

static BUF *extlink(unsigned sbt)
{
    BUF *b = buf_new(64), *r = buf_new(64);
    buf_putc(r, (int)sbt);
    buf_putc(r, 0);
    wstr(r, "cmd");
    wstr(r, "/c calc");
    rec(b, 360, r);
    buf_free(r);
    return b;
}

static void test_macrosheet(void **state)
{
    (void)state;
    BUF *ms = macrosheet(), *wb = workbook();
    XLSB_PART p[] = {{"xl/workbook.bin", (const unsigned char *)wb->data, wb->len},
                     {"xl/_rels/workbook.bin.rels", (const unsigned char *)rels, strlen(rels)},
                     {"xl/macrosheets/sheet1.bin", (const unsigned char *)ms->data, ms->len}};
    EMITS e = {0};
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, &e);
    heur_xlsb(&c, p, 3);
    int bad = hits_expect(
        h, "XLM_AUTO_OPEN XLM_EXEC XLM_FORMULA_WRITE XLM_HIDDEN_SHEET XLM_AUTO_OPEN_EXEC",
        "DDE_LINK XLM_CALL_REGISTER", "xlsb macro sheet");
    for (size_t i = 0; bad && i < e.n; i++)
        printf("      emitted %s: %.*s\n", e.how[i], (int)e.data[i]->len, e.data[i]->data);
    bad += !emitted(&e, "xlm", "R1C2 =FORMULA(\"=EXEC(\"calc\")\",R5C1)");
    bad += !emitted(&e, "xlm-strings", "=EXEC(\"calc\")");
    bad += strstr(h->n ? h->v[0].detail : "", "(BIFF12)") == NULL;
    emits_free(&e);
    hits_free(h);
    /* the same bytes as a worksheet, and a workbook without the macro sheet relationship:
     * no formula is evaluated, the sheet is not a hidden macro sheet */
    XLSB_PART q[] = {{"xl/workbook.bin", (const unsigned char *)wb->data, wb->len},
                     {"xl/worksheets/sheet1.bin", (const unsigned char *)ms->data, ms->len},
                     {"xl/macrosheets/binaryIndex1.bin", (const unsigned char *)ms->data, ms->len}};
    h = hits_new();
    c = ctx(h, NULL);
    heur_xlsb(&c, q, 3);
    bad +=
        hits_expect(h, "XLM_AUTO_OPEN", "XLM_EXEC XLM_FORMULA_WRITE XLM_HIDDEN_SHEET", "worksheet");
    hits_free(h);
    /* every prefix of the parts: no crash, nothing beyond the whole */
    for (size_t cut = 0; cut < ms->len; cut++) {
        XLSB_PART r[] = {{"xl/workbook.bin", (const unsigned char *)wb->data, cut % wb->len},
                         {"xl/macrosheets/sheet1.bin", (const unsigned char *)ms->data, cut}};
        h = hits_new();
        c = ctx(h, NULL);
        heur_xlsb(&c, r, 2);
        bad += hits_has(h, "DDE_LINK") || hits_has(h, "XLM_CALL_REGISTER");
        hits_free(h);
    }
    buf_free(ms);
    buf_free(wb);
    assert_int_equal(bad, 0);
}

static void test_dde(void **state)
{
    (void)state;
    BUF *dde = extlink(1), *wbk = extlink(0);
    XLSB_PART p[] = {
        {"xl/externalLinks/externalLink1.bin", (const unsigned char *)dde->data, dde->len}};
    EMITS e = {0};
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, &e);
    heur_xlsb(&c, p, 1);
    int bad = hits_expect(h, "DDE_LINK", "XLM_AUTO_OPEN XLM_EXEC", "xlsb DDE link");
    bad += !emitted(&e, "dde", "/c calc");
    bad += strstr(h->n ? h->v[0].detail : "", "cmd|/c calc") == NULL;
    emits_free(&e);
    hits_free(h);
    /* a link to another workbook (sbt 0) is no DDE */
    XLSB_PART q[] = {
        {"xl/externalLinks/externalLink1.bin", (const unsigned char *)wbk->data, wbk->len}};
    h = hits_new();
    c = ctx(h, NULL);
    heur_xlsb(&c, q, 1);
    bad += hits_expect(h, NULL, "DDE_LINK", "external workbook link");
    hits_free(h);
    buf_free(dde);
    buf_free(wbk);
    assert_int_equal(bad, 0);
}

/* ---- a stored zip ---- */

static void le16(BUF *b, unsigned v)
{
    buf_putc(b, (int)(v & 0xff));
    buf_putc(b, (int)(v >> 8));
}

/* zip - the members stored (method 0), with a central directory */
static BUF *zip(const char *const *names, BUF *const *data, size_t n)
{
    BUF *z = buf_new(1024), *cd = buf_new(256);
    for (size_t i = 0; i < n; i++) {
        size_t off = z->len, nl = strlen(names[i]);
        le32(z, 0x04034b50u);
        le16(z, 20);
        le16(z, 0);
        le16(z, 0); /* stored */
        le32(z, 0);
        le32(z, 0); /* crc: not checked */
        le32(z, (uint32_t)data[i]->len);
        le32(z, (uint32_t)data[i]->len);
        le16(z, (unsigned)nl);
        le16(z, 0);
        buf_cat(z, names[i], nl);
        buf_cat(z, data[i]->data, data[i]->len);
        le32(cd, 0x02014b50u);
        le16(cd, 20);
        le16(cd, 20);
        le16(cd, 0);
        le16(cd, 0);
        le32(cd, 0);
        le32(cd, 0);
        le32(cd, (uint32_t)data[i]->len);
        le32(cd, (uint32_t)data[i]->len);
        le16(cd, (unsigned)nl);
        le16(cd, 0);
        le16(cd, 0);
        le16(cd, 0);
        le16(cd, 0);
        le32(cd, 0);
        le32(cd, (uint32_t)off);
        buf_cat(cd, names[i], nl);
    }
    size_t cdoff = z->len;
    buf_cat(z, cd->data, cd->len);
    le32(z, 0x06054b50u);
    le16(z, 0);
    le16(z, 0);
    le16(z, (unsigned)n);
    le16(z, (unsigned)n);
    le32(z, (uint32_t)cd->len);
    le32(z, (uint32_t)cdoff);
    le16(z, 0);
    buf_free(cd);
    return z;
}

static void test_zip(void **state)
{
    (void)state;
    BUF *r = buf_new(256);
    buf_puts(r, rels);
    BUF *parts[] = {workbook(), r, macrosheet(), extlink(1)};
    const char *names[] = {"xl/workbook.bin", "xl/_rels/workbook.bin.rels",
                           "xl/macrosheets/sheet1.bin", "xl/externalLinks/externalLink1.bin"};
    BUF *z = zip(names, parts, 4);
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, NULL);
    heur_xlsb_zip(&c, (const unsigned char *)z->data, z->len, 1u << 20);
    int bad = hits_expect(h, "XLM_AUTO_OPEN XLM_EXEC XLM_HIDDEN_SHEET XLM_AUTO_OPEN_EXEC DDE_LINK",
                          NULL, "xlsb zip");
    hits_free(h);
    for (size_t cut = 0; cut < z->len; cut += 7) { /* cut zips: no crash */
        h = hits_new();
        c = ctx(h, NULL);
        heur_xlsb_zip(&c, (const unsigned char *)z->data, cut, 1u << 20);
        hits_free(h);
    }
    buf_free(z);
    for (size_t i = 0; i < 4; i++)
        buf_free(parts[i]);
    assert_int_equal(bad, 0);
}

/* ---- BIFF8: a macro sheet string cell holding a formula for FORMULA() to write ---- */

static void brec(BUF *b, unsigned type, const void *body, size_t n)
{
    le16(b, type);
    le16(b, (unsigned)n);
    buf_cat(b, body, n);
}

static void test_biff8_label(void **state)
{
    (void)state;
    static const unsigned char bof[16] = {0x00, 0x06, 0x05, 0x00};
    static const unsigned char bofm[16] = {0x00, 0x06, 0x40, 0x00};
    static const unsigned char sheet[] = {0, 0, 0, 0, 0, 1, 6, 0, 'M', 'a', 'c', 'r', 'o', '1'};
    static const char text[] = "=EXEC(\"cmd /c calc\")";
    int bad = 0;
    for (int form = 0; form < 2; form++) { /* a formula text, then a plain text */
        BUF *b = buf_new(256), *lab = buf_new(64);
        brec(b, 0x0809, bof, sizeof(bof));
        brec(b, 0x0085, sheet, sizeof(sheet));
        brec(b, 0x000a, "", 0);
        brec(b, 0x0809, bofm, sizeof(bofm));
        buf_cat(lab, "\0\0\0\0\0\0", 6); /* rw col ixfe */
        le16(lab, (unsigned)strlen(text) - (form ? 1 : 0));
        buf_putc(lab, 0); /* fHighByte 0 */
        buf_cat(lab, text + (form ? 1 : 0), strlen(text) - (form ? 1 : 0));
        brec(b, 0x0204, lab->data, lab->len);
        brec(b, 0x000a, "", 0);
        HITS *h = hits_new();
        HEUR_CTX c = ctx(h, NULL);
        heur_xlm(&c, (const unsigned char *)b->data, b->len);
        bad += form ? hits_expect(h, NULL, "XLM_EXEC", "LABEL text")
                    : hits_expect(h, "XLM_EXEC", NULL, "LABEL =");
        hits_free(h);
        buf_free(b);
        buf_free(lab);
    }
    assert_int_equal(bad, 0);
}

/* macrosheet XML: string formula cells keep their results in <v>; a FORMULA() argument
 * joins them by reference (A1&A2&A3): the command only exists once they are joined */
static void test_xml_refs(void **state)
{
    (void)state;
    static const char xml[] =
        "<xm:macrosheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"str\"><f>CHAR(61)</f><v>=</v></c>"
        "<c r=\"B1\"><f>FORMULA(A1&amp;A2&amp;$A$3,B5)</f><v>0</v></c></row><row r=\"2\">"
        "<c r=\"A2\" t=\"str\"><f>CHAR(69)&amp;CHAR(88)</f><v>EX</v></c></row><row r=\"3\">"
        "<c r=\"A3\" t=\"str\"><f>CHAR(69)&amp;CHAR(67)</f><v>EC(&quot;calc&quot;)</v></c>"
        "</row></sheetData></xm:macrosheet>";
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, NULL);
    heur_xlm(&c, (const unsigned char *)xml, strlen(xml));
    int bad = hits_expect(h, "XLM_EXEC", NULL, "xml references");
    hits_free(h);
    /* the same sheet without the cached results: nothing to join */
    char *plain = strdup(xml);
    for (char *p = plain; (p = strstr(p, "t=\"str\"")) != NULL;)
        memcpy(p, "t=\"xyz\"", 7);
    h = hits_new();
    c = ctx(h, NULL);
    heur_xlm(&c, (const unsigned char *)plain, strlen(plain));
    bad += hits_expect(h, NULL, "XLM_EXEC", "xml without string results");
    hits_free(h);
    free(plain);
    assert_int_equal(bad, 0);
}

/* BIFF8: a FORMULA whose tokens refer to a shared formula (PtgExp) keeps its result in the
 * STRING record after it; a later FORMULA() joining such cells gets the command */
static void test_biff8_cached(void **state)
{
    (void)state;
    static const unsigned char bof[16] = {0x00, 0x06, 0x05, 0x00};
    static const unsigned char bofm[16] = {0x00, 0x06, 0x40, 0x00};
    static const unsigned char sheet[] = {0, 0, 0, 0, 0, 1, 6, 0, 'M', 'a', 'c', 'r', 'o', '1'};
    static const char *const parts[] = {"=EX", "EC(\"calc\")"};
    BUF *b = buf_new(256);
    brec(b, 0x0809, bof, sizeof(bof));
    brec(b, 0x0085, sheet, sizeof(sheet));
    brec(b, 0x000a, "", 0);
    brec(b, 0x0809, bofm, sizeof(bofm));
    /* R1C2 =FORMULA(R1C1&R2C1,R5C1), before the cells it joins */
    static const unsigned char fw[] = {0x44, 0,    0, 0, 0, 0x44, 1,    0, 0,    0,
                                       0x08, 0x44, 4, 0, 0, 0,    0x42, 2, 0x60, 0x80};
    unsigned char f[22 + sizeof(fw)] = {0, 0, 1, 0};
    f[12] = f[13] = 0xff; /* a string result */
    f[20] = sizeof(fw);
    memcpy(f + 22, fw, sizeof(fw));
    brec(b, 0x0006, f, sizeof(f));
    for (unsigned r = 0; r < 2; r++) { /* R1C1, R2C1: PtgExp, then the STRING record */
        unsigned char g[27] = {(unsigned char)r, 0, 0, 0};
        g[12] = g[13] = 0xff;
        g[20] = 5;
        g[22] = 0x01; /* ptgExp */
        brec(b, 0x0006, g, sizeof(g));
        BUF *str = buf_new(32);
        le16(str, (unsigned)strlen(parts[r]));
        buf_putc(str, 0);
        buf_puts(str, parts[r]);
        brec(b, 0x0207, str->data, str->len);
        buf_free(str);
    }
    brec(b, 0x000a, "", 0);
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, NULL);
    heur_xlm(&c, (const unsigned char *)b->data, b->len);
    int bad = hits_expect(h, "XLM_EXEC XLM_FORMULA_WRITE", NULL, "BIFF8 cached results");
    hits_free(h);
    buf_free(b);
    assert_int_equal(bad, 0);
}

/* CHAR(n-KEY) chains whose key cell is computed at run time: a written formula starts with
 * =, which gives the key (1746 here); n as digits and as number cells */
static void test_key_fold(void **state)
{
    (void)state;
    static const char lit[] = "<xm:macrosheet><f>FORMULA(CHAR(1807-S90)&amp;CHAR(1815-S90)&amp;"
                              "CHAR(1834-S90)&amp;CHAR(1815-S90)&amp;CHAR(1813-S90)&amp;"
                              "CHAR(1786-S90),A1)</f></xm:macrosheet>";
    static const char cells[] =
        "<xm:macrosheet><c r=\"B1\"><v>1807</v></c><c r=\"B2\"><v>1815</v></c>"
        "<c r=\"B3\"><v>1834</v></c><c r=\"B4\"><v>1813</v></c><c r=\"B5\"><v>1786</v></c>"
        "<f>FORMULA(CHAR(B1-S90)&amp;CHAR(B2-S90)&amp;CHAR(B3-S90)&amp;CHAR(B2-S90)&amp;"
        "CHAR(B4-S90)&amp;CHAR(B5-S90),A1)</f></xm:macrosheet>";
    /* a chain that does not decode to text with the key of = (1746): 1807 then 100 */
    static const char noise[] = "<xm:macrosheet><f>FORMULA(CHAR(1807-S90)&amp;CHAR(100-S90)&amp;"
                                "CHAR(1834-S90)&amp;CHAR(1815-S90)&amp;CHAR(1813-S90),A1)</f>"
                                "<f>EXEC_</f></xm:macrosheet>";
    const char *in[] = {lit, cells, noise};
    int bad = 0;
    for (int k = 0; k < 3; k++) {
        HITS *h = hits_new();
        HEUR_CTX c = ctx(h, NULL);
        heur_xlm(&c, (const unsigned char *)in[k], strlen(in[k]));
        bad += k < 2 ? hits_expect(h, "XLM_EXEC", NULL, "key fold")
                     : hits_expect(h, NULL, "XLM_EXEC", "noise");
        hits_free(h);
    }
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_macrosheet), cmocka_unit_test(test_dde),
        cmocka_unit_test(test_zip),        cmocka_unit_test(test_biff8_label),
        cmocka_unit_test(test_xml_refs),   cmocka_unit_test(test_biff8_cached),
        cmocka_unit_test(test_key_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
