/*
 * heur_xlsb - Excel 4 macro sheets and DDE links of an .xlsb (the contract is in
 *             heur/xlsb.h)
 *
 * Every byte is chosen by the sender. A BIFF12 part is a sequence of records (MS-XLSB
 * 2.1.4): a record type of one or two bytes (7 bits each, the high bit continues), a size
 * of one to four bytes (the same way), the body. The walk goes strictly forward and stops
 * at a record that does not fit in the part. Strings (XLWideString) are a 4-byte count of
 * UTF-16 units; they are read as bytes (the low byte of each unit, '?' for others), at
 * most EV_STR of them. Cells: a Cell is 8 bytes (column, style), the row comes from the
 * BrtRowHdr before it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "heur/xlm_int.h"
#include "heur/xlsb.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "core/inflate.h"

#define LE16(p)    ((p)[0] | (unsigned)(p)[1] << 8)
#define LE32(p)    (LE16(p) | (uint32_t)LE16((p) + 2) << 16)
#define MAX_SHEETS 256 /* BrtBundleSh and macro sheet relationships remembered */
#define MAX_DDE    8   /* DDE links reported per workbook */
#define RELID      32  /* bytes of a relationship id kept */
#define MAX_PARTS  64  /* parts read out of the zip */

enum {
    BRT_ROWHDR = 0,
    BRT_CELLRK = 2,
    BRT_CELLREAL = 5,
    BRT_CELLST = 6,
    BRT_FMLASTRING = 8,
    BRT_FMLANUM = 9,
    BRT_FMLABOOL = 10,
    BRT_FMLAERROR = 11,
    BRT_NAME = 39,
    BRT_BUNDLESH = 156,
    BRT_SUPBOOK = 360,
};

typedef struct SHEET {
    char rel[RELID];
    unsigned state; /* 0 visible, 1 hidden, 2 very hidden */
} SHEET;

typedef struct XB {
    XS x;
    SHEET sheets[MAX_SHEETS];
    size_t nsheets;
    char macro_rels[MAX_SHEETS][RELID];
    size_t nmacro;
    size_t dde;
} XB;

/* rec_next - the record at *i: its type, body and size; false at the end or a record
 * that does not fit */
static bool rec_next(const unsigned char *d, size_t n, size_t *i, unsigned *type,
                     const unsigned char **body, size_t *len)
{
    size_t j = *i;
    if (j >= n)
        return false;
    unsigned t = d[j] & 0x7f;
    if (d[j++] & 0x80) {
        if (j >= n)
            return false;
        t |= (unsigned)(d[j++] & 0x7f) << 7;
    }
    size_t sz = 0;
    for (int k = 0; k < 4; k++) {
        if (j >= n)
            return false;
        unsigned char b = d[j++];
        sz |= (size_t)(b & 0x7f) << (7 * k);
        if (!(b & 0x80))
            break;
    }
    if (sz > n - j)
        return false;
    *type = t;
    *body = d + j;
    *len = sz;
    *i = j + sz;
    return true;
}

/* wide_str - an XLWideString at b[*at] (limit len) appended to o as bytes; false when it
 * does not fit or is null (0xFFFFFFFF) */
static bool wide_str(BUF *o, const unsigned char *b, size_t len, size_t *at)
{
    if (len < 4 || *at > len - 4)
        return false;
    uint32_t cch = LE32(b + *at);
    *at += 4;
    if (cch == 0xFFFFFFFFu || cch > (len - *at) / 2)
        return false;
    for (size_t i = 0; i < cch; i++)
        if (i < EV_STR)
            buf_putc(o, b[*at + 2 * i + 1] ? '?' : b[*at + 2 * i]);
    *at += 2 * (size_t)cch;
    return true;
}

/* ---- the macro sheet ---- */

/* fmla - a BrtFmla* record: the cached value (vlen bytes after the Cell, a string for
 * BrtFmlaString), then grbitFlags and the CellParsedFormula */
static void fmla(XS *x, unsigned type, const unsigned char *b, size_t len, unsigned row)
{
    unsigned col = (unsigned)(LE32(b) & 0x3fff);
    size_t at = 8;
    if (type == BRT_FMLASTRING) {
        BUF *v = buf_new(32);
        bool ok = wide_str(v, b, len, &at);
        if (ok)
            xlm_cell_set(x, row, col, 1, 0, v->data, v->len);
        buf_free(v);
        if (!ok)
            return;
    } else if (type == BRT_FMLANUM) {
        if (len < 16)
            return;
        double num;
        memcpy(&num, b + 8, 8);
        if (num == num)
            xlm_cell_set(x, row, col, 2, num, NULL, 0);
        at = 16;
    } else {
        at = 9;
    }
    if (at > len || len - at < 6)
        return;
    at += 2; /* grbitFlags */
    size_t cce = LE32(b + at);
    at += 4;
    if (cce > len - at)
        cce = len - at;
    xlm_formula(x, b + at, cce, XLM_BIFF12, row, col);
}

/* sheet_pass - the cells and formulas of one macro sheet part, in file order */
static void sheet_pass(XS *x, const unsigned char *d, size_t n)
{
    unsigned type;
    unsigned row = 0;
    const unsigned char *b;
    size_t len;
    for (size_t i = 0; x->list->len < XLM_LIST && rec_next(d, n, &i, &type, &b, &len);) {
        if (type == BRT_ROWHDR && len >= 4) {
            row = (unsigned)(LE32(b) & 0xFFFFF);
        } else if (type >= BRT_FMLASTRING && type <= BRT_FMLAERROR && len >= 8) {
            fmla(x, type, b, len, row);
        } else if (type == BRT_CELLST && len >= 12) {
            BUF *v = buf_new(32);
            size_t at = 8;
            if (wide_str(v, b, len, &at)) {
                xlm_cell_set(x, row, (unsigned)(LE32(b) & 0x3fff), 1, 0, v->data, v->len);
                if (v->len >= 4 && v->data[0] == '=') { /* a formula kept for FORMULA() */
                    buf_cat(x->strs, v->data, v->len);
                    buf_putc(x->strs, '\n');
                }
            }
            buf_free(v);
        } else if (type == BRT_CELLRK && len >= 12) {
            xlm_cell_set(x, row, (unsigned)(LE32(b) & 0x3fff), 2, xlm_rk(LE32(b + 8)), NULL, 0);
        } else if (type == BRT_CELLREAL && len >= 16) {
            double num;
            memcpy(&num, b + 8, 8);
            if (num == num)
                xlm_cell_set(x, row, (unsigned)(LE32(b) & 0x3fff), 2, num, NULL, 0);
        }
    }
}

/* macrosheet - one macro sheet part, walked twice: the first pass only fills the cells
 * (a formula may join cells that come after it in the file; Excel runs the macro once
 * they all hold their values), the second evaluates with them, counts and lists */
static void macrosheet(XS *x, const unsigned char *d, size_t n)
{
    size_t list = x->list->len;
    size_t strs = x->strs->len;
    size_t writes = x->writes;
    size_t k[X_N];
    memcpy(k, x->k, sizeof(k));
    xlm_cells_clear(x);
    sheet_pass(x, d, n);
    buf_truncate(x->list, list);
    buf_truncate(x->strs, strs);
    x->writes = writes;
    memcpy(x->k, k, sizeof(k));
    sheet_pass(x, d, n);
}

/* ---- the workbook ---- */

/* auto_open - a defined name that runs on open: Auto_Open, Auto_Open2, _xlnm.Auto_Open */
static bool auto_open(const char *s, size_t n)
{
    if (n >= 6 && strncasecmp(s, "_xlnm.", 6) == 0) {
        s += 6;
        n -= 6;
    }
    return n >= 9 && strncasecmp(s, "auto_open", 9) == 0;
}

/* workbook - defined names and sheets of xl/workbook.bin */
static void workbook(XB *w, const unsigned char *d, size_t n)
{
    unsigned type;
    const unsigned char *b;
    size_t len;
    BUF *s = buf_new(64);
    for (size_t i = 0; rec_next(d, n, &i, &type, &b, &len);) {
        buf_reset(s);
        if (type == BRT_NAME && len >= 13) { /* flags 4, chKey 1, itab 4, name */
            size_t at = 9;
            if (wide_str(s, b, len, &at) && auto_open(s->data, s->len))
                w->x.k[X_AUTO]++;
        } else if (type == BRT_BUNDLESH && len >= 12 && w->nsheets < MAX_SHEETS) {
            size_t at = 8; /* hsState 4, iTabID 4, strRelID, strName */
            if (!wide_str(s, b, len, &at))
                continue;
            SHEET *sh = &w->sheets[w->nsheets++];
            snprintf(sh->rel, sizeof(sh->rel), "%.*s", (int)s->len, s->data);
            sh->state = LE32(b) & 3;
        }
    }
    buf_free(s);
}

/* rels - the ids of the macro sheet relationships of xl/_rels/workbook.bin.rels */
static void rels(XB *w, const char *s, size_t n)
{
    for (const char *p = s, *end = s + n;
         w->nmacro < MAX_SHEETS && (p = str_memmem_ci(p, (size_t)(end - p), "<Relationship "));) {
        const char *z = memchr(p, '>', (size_t)(end - p));
        size_t en = z ? (size_t)(z - p) : (size_t)(end - p);
        const char *id = str_memmem_ci(p, en, " Id=\"");
        if (str_memmem_ci(p, en, "macrosheet") && id) {
            id += 5;
            const char *q = memchr(id, '"', (size_t)(p + en - id));
            if (q)
                snprintf(w->macro_rels[w->nmacro++], RELID, "%.*s", (int)(q - id), id);
        }
        p += en;
    }
}

/* hidden - the macro sheets among the workbook's sheets, and their visibility */
static void hidden(XB *w)
{
    for (size_t i = 0; i < w->nsheets; i++)
        for (size_t k = 0; k < w->nmacro; k++)
            if (strcmp(w->sheets[i].rel, w->macro_rels[k]) == 0) {
                w->x.macrosheets++;
                w->x.hidden |= w->sheets[i].state;
            }
}

/* ---- external links ---- */

/* extlink - a DDE BrtBeginSupBook of an external link part (sbt 1: application, topic) */
static void extlink(XB *w, HEUR_CTX *c, const unsigned char *d, size_t n)
{
    unsigned type;
    const unsigned char *b;
    size_t len;
    for (size_t i = 0; w->dde < MAX_DDE && rec_next(d, n, &i, &type, &b, &len);) {
        if (type != BRT_SUPBOOK || len < 2 || LE16(b) != 1)
            continue;
        BUF *app = buf_new(32);
        BUF *topic = buf_new(64);
        size_t at = 2;
        if (wide_str(app, b, len, &at) && wide_str(topic, b, len, &at) && app->len) {
            w->dde++;
            hits_add(c->hits, "DDE_LINK", c->location, "DDE link %.*s|%.*s (BIFF12)",
                     (int)(app->len < 60 ? app->len : 60), app->data,
                     (int)(topic->len < 160 ? topic->len : 160), topic->data);
            if (c->emit && topic->len)
                c->emit(c->emit_ctx, "dde", "bat", (const unsigned char *)topic->data, topic->len);
        }
        buf_free(app);
        buf_free(topic);
    }
}

/* under - name is a .bin part directly in folder dir (not a binaryIndex part) */
static bool under(const char *name, const char *dir)
{
    size_t m = strlen(dir);
    return strncasecmp(name, dir, m) == 0 && strchr(name + m, '/') == NULL &&
           str_iends(name, ".bin") && strncasecmp(name + m, "binaryIndex", 11) != 0;
}

/* xlsb_wanted - see heur/xlsb.h */
bool xlsb_wanted(const char *name)
{
    return name && (strcasecmp(name, "xl/workbook.bin") == 0 ||
                    strcasecmp(name, "xl/_rels/workbook.bin.rels") == 0 ||
                    under(name, "xl/macrosheets/") || under(name, "xl/externalLinks/"));
}

/* heur_xlsb - see heur/xlsb.h */
void heur_xlsb(HEUR_CTX *c, const XLSB_PART *parts, size_t n)
{
    if (c == NULL || c->hits == NULL || (parts == NULL && n))
        return;
    XB *w = xcalloc(1, sizeof(*w));
    xlm_init(&w->x, true);
    for (size_t i = 0; i < n; i++) {
        const XLSB_PART *p = &parts[i];
        if (p->name == NULL || p->data == NULL)
            continue;
        if (strcasecmp(p->name, "xl/workbook.bin") == 0)
            workbook(w, p->data, p->n);
        else if (strcasecmp(p->name, "xl/_rels/workbook.bin.rels") == 0)
            rels(w, (const char *)p->data, p->n);
        else if (under(p->name, "xl/macrosheets/"))
            macrosheet(&w->x, p->data, p->n);
        else if (under(p->name, "xl/externalLinks/"))
            extlink(w, c, p->data, p->n);
    }
    hidden(w);
    if (w->x.list->len || w->x.k[X_AUTO] || w->x.hidden)
        xlm_report(c, &w->x, " (BIFF12)");
    xlm_fini(&w->x);
    free(w);
}

/* ---- the zip ---- */

/* member - the bytes of the zip member whose local header is at off (stored or deflated),
 * at most max of them; NULL when it cannot be read */
static BUF *member(const unsigned char *z, size_t n, size_t off, unsigned method, size_t csize,
                   size_t max)
{
    if (off > n || n - off < 30 || LE32(z + off) != 0x04034b50u)
        return NULL;
    size_t at = off + 30 + LE16(z + off + 26) + LE16(z + off + 28);
    if (at > n || csize > n - at)
        return NULL;
    BUF *b = buf_new(csize < max ? csize + 1 : max + 1);
    if (method == 0) {
        buf_cat(b, (const char *)z + at, csize < max ? csize : max);
    } else if (method != 8 || zinflate(z + at, csize, b, max) == ZINFLATE_BAD) {
        buf_free(b);
        return NULL;
    }
    return b;
}

/* heur_xlsb_zip - see heur/xlsb.h */
void heur_xlsb_zip(HEUR_CTX *c, const unsigned char *zip, size_t n, size_t max_part)
{
    if (c == NULL || zip == NULL || n < 22)
        return;
    size_t e = n - 22;
    size_t stop = n > 22 + 65535 ? n - 22 - 65535 : 0;
    while (e > stop && LE32(zip + e) != 0x06054b50u)
        e--;
    if (LE32(zip + e) != 0x06054b50u)
        return;
    size_t cd = LE32(zip + e + 16);
    size_t entries = LE16(zip + e + 10);
    XLSB_PART parts[MAX_PARTS] = {{0}};
    BUF *data[MAX_PARTS] = {0};
    size_t np = 0;
    for (size_t k = 0; k < entries && np < MAX_PARTS && cd < n && n - cd >= 46; k++) {
        const unsigned char *h = zip + cd;
        if (LE32(h) != 0x02014b50u)
            break;
        size_t nl = LE16(h + 28);
        size_t next = 46 + nl + LE16(h + 30) + LE16(h + 32);
        if (next > n - cd)
            break;
        char name[128];
        snprintf(name, sizeof(name), "%.*s", (int)(nl < sizeof(name) ? nl : 0), h + 46);
        if (xlsb_wanted(name) &&
            (data[np] = member(zip, n, LE32(h + 42), LE16(h + 10), LE32(h + 20), max_part))) {
            parts[np] =
                (XLSB_PART){xstrdup(name), (const unsigned char *)data[np]->data, data[np]->len};
            np++;
        }
        cd += next;
    }
    heur_xlsb(c, parts, np);
    for (size_t k = 0; k < np; k++) {
        free((char *)parts[k].name);
        buf_free(data[k]);
    }
}
