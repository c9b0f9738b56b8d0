/*
 * heur_xlm - Excel 4 (XLM) macro sheets (the contract is in heur/xlm.h)
 *
 * Every byte is chosen by the sender. The BIFF walk goes strictly forward, record by
 * record (formats.md §7): BOUNDSHEET (0x85) names macro sheets (dt=1) and their
 * visibility, NAME (0x18) with fBuiltin and code 1 is Auto_Open, FORMULA (0x06) holds the
 * tokens (rgce), evaluated by heur/xlm_eval.c; a LABEL (0x204) of a macro sheet whose text
 * starts with = is a formula kept for FORMULA() to write and is scanned for names. The
 * listing (at most XLM_LIST bytes) is scanned for names again and emitted once
 * (xlm_report, shared with the .xlsb path of heur/xlsb.c). Text input (macrosheet XML,
 * SYLK) is scanned byte by byte for names, with NUL bytes skipped (UTF-16LE); CHAR()/"..."
 * chains joined by & are folded.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "heur/xlm.h"
#include "heur/xlm_int.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define LOW(c)   ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define LE16(p)  ((p)[0] | (unsigned)(p)[1] << 8)
#define idc(c)                                                                                     \
    ((((c) | 32) >= 'a' && ((c) | 32) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) == '_')

static const char *const xkws[X_N] = {"exec(",    "call(",        "register(", "char(",
                                      "formula(", "goto(",        "halt(",     "urldownloadtofile",
                                      "urlmon",   "shellexecute", "auto_open", "run("};

/* xmatch - lower-case w at d[i] in any case, with at most one NUL between its bytes */
static bool xmatch(const unsigned char *d, size_t n, size_t i, const char *w)
{
    for (size_t k = 0; w[k]; k++, i++) {
        i += k > 0 && i < n && d[i] == 0;
        if (i >= n || LOW(d[i]) != w[k])
            return false;
    }
    return true;
}

/* xlm_text - XLM names in the bytes as ASCII or UTF-16LE; a name must not follow a letter,
 * except in SYLK's `;E` formula and `;N` name fields */
static void xlm_text(size_t *cnt, const unsigned char *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int p[2] = {0, 0}; /* the two bytes before, NULs of UTF-16 skipped */
        for (size_t j = i, q = 0; j > 0 && q < 2 && i - j < 4;) {
            j--;
            p[q] = d[j];
            q += d[j] != 0;
        }
        if (d[i] == 0 || (idc(p[0]) && !((LOW(p[0]) == 'e' || LOW(p[0]) == 'n') && p[1] == ';')))
            continue;
        for (int k = 0; k < X_N; k++)
            cnt[k] += LOW(d[i]) == xkws[k][0] && xmatch(d, n, i, xkws[k]);
    }
}

/* label_text - an XLUnicodeString at b (BIFF5: cch chars) as the value of a macro sheet cell:
 * a text that starts with = is a formula kept for FORMULA() to write, scanned like a built
 * string */
static void label_text(XS *x, const unsigned char *b, size_t len, bool b8, unsigned row,
                       unsigned col)
{
    size_t cch = LE16(b);
    size_t at = b8 ? 3 : 2;
    bool wide = b8 && (b[2] & 1);
    if (at > len)
        return;
    BUF *t = buf_new(cch + 1);
    for (size_t i = 0; i < cch && at + (i + 1) * (wide + 1) <= len; i++)
        buf_putc(t, b[at + i * (wide + 1)]);
    xlm_cell_set(x, row, col, 1, 0, t->data, t->len);
    if (t->len >= 4 && t->data[0] == '=') {
        buf_cat(x->strs, t->data, t->len);
        buf_putc(x->strs, '\n');
    }
    buf_free(t);
}

/* label - a LABEL cell (rw col ixfe XLUnicodeString) of a macro sheet */
static void label(XS *x, const unsigned char *b, size_t len, bool b8)
{
    if (len >= 8 + (b8 ? 1 : 0))
        label_text(x, b + 6, len - 6, b8, LE16(b), LE16(b + 2) & 0xff);
}

/* cached - the numeric result Excel stored in a FORMULA record (FormulaValue, MS-XLS
 * 2.5.133: a double unless its last two bytes are 0xFFFF) */
static void cached(XS *x, const unsigned char *b, unsigned row, unsigned col)
{
    double v;
    if (LE16(b + 12) == 0xFFFF)
        return;
    memcpy(&v, b + 6, 8);
    if (v == v)
        xlm_cell_set(x, row, col, 2, v, NULL, 0);
}

/* number - a NUMBER (0x203) or RK (0x27E) cell of a macro sheet remembered */
static void number(XS *x, unsigned type, const unsigned char *b, size_t len)
{
    double v;
    if (type == 0x0203 && len >= 14)
        memcpy(&v, b + 6, 8);
    else if (type == 0x027e && len >= 10)
        v = xlm_rk(LE16(b + 6) | (unsigned long)LE16(b + 8) << 16);
    else
        return;
    if (v == v)
        xlm_cell_set(x, LE16(b), LE16(b + 2) & 0xff, 2, v, NULL, 0);
}

/* biff_pass - one walk of a BIFF5/8 stream (its BOF checked by the caller) */
static void biff_pass(XS *x, const unsigned char *d, size_t n)
{
    bool b8 = LE16(d + 4) == 0x0600;
    bool inmacro = false;
    unsigned row = 0; /* row, col: the last FORMULA's cell */
    unsigned col = 0;
    x->sheet = 0;
    for (size_t i = 0; n - i >= 4 && x->list->len < XLM_LIST;) {
        unsigned type = LE16(d + i);
        size_t len = LE16(d + i + 2);
        const unsigned char *b = d + i + 4;
        if (len > n - i - 4)
            break;
        if (type == 0x0809 && len >= 4) { /* a substream: dt 0x40 is a macro sheet */
            inmacro = LE16(b + 2) == 0x0040;
            x->sheet++;
        }
        bool macro = inmacro || x->macrosheets;
        if (type == 0x0006 && len >= 22 && macro) {
            size_t m = LE16(b + 20) < len - 22 ? LE16(b + 20) : len - 22;
            row = LE16(b);
            col = LE16(b + 2) & 0xff;
            cached(x, b, row, col);
            xlm_formula(x, b + 22, m, b8 ? XLM_BIFF8 : XLM_BIFF5, row, col);
        }
        if (type == 0x0207 && macro && len >= 3) /* STRING: the cached result of the FORMULA */
            label_text(x, b, len, b8, row, col);
        if (type == 0x0204 && inmacro)
            label(x, b, len, b8);
        if ((type == 0x0203 || type == 0x027e) && inmacro)
            number(x, type, b, len);
        if (type == 0x0018 && len >= 16 && (LE16(b) & 0x20)) /* built-in: code 1 = Auto_Open */
            x->k[X_AUTO] += (b8 ? b[15] : b[14]) == 0x01;
        if (type == 0x0085 && len >= 6 && b[5] == 1) { /* BOUNDSHEET of a macro sheet */
            x->macrosheets++;
            x->hidden |= b[4] & 3;
        }
        i += 4 + len;
    }
}

/* xlm_biff - walk a BIFF5/8 stream twice: the first pass fills the cells (a formula may
 * join cells that come after it), the second evaluates, counts and lists. false: not BIFF */
static bool xlm_biff(XS *x, const unsigned char *d, size_t n)
{
    if (n < 8 || LE16(d) != 0x0809 || (LE16(d + 2) != 8 && LE16(d + 2) != 16))
        return false;
    biff_pass(x, d, n);
    buf_reset(x->list);
    buf_reset(x->strs);
    memset(x->k, 0, sizeof(x->k));
    x->writes = 0;
    x->macrosheets = 0;
    x->hidden = 0;
    biff_pass(x, d, n);
    return true;
}

/* ---- formula text ---- */

/* unxml - the five XML entities decoded (macrosheet formulas are element text) */
static BUF *unxml(const unsigned char *d, size_t n)
{
    static const char *const ent[] = {"&amp;", "&",    "&quot;", "\"",     "&lt;",
                                      "<",     "&gt;", ">",      "&apos;", "'"};
    BUF *o = buf_new(n + 1);
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (d[i] == '&' && k < NELEM(ent) &&
               !(n - i >= strlen(ent[k]) && memcmp(d + i, ent[k], strlen(ent[k])) == 0))
            k += 2;
        if (d[i] == '&' && k < NELEM(ent)) {
            buf_puts(o, ent[k + 1]);
            i += strlen(ent[k]) - 1;
        } else if (d[i]) {
            buf_putc(o, d[i]);
        }
    }
    return o;
}

/* a1_ref - an A1 reference ($A$1) at s[*i] that is not part of a longer name: its row and
 * column (0-based), *i past it */
static bool a1_ref(const char *s, size_t n, size_t *i, unsigned *row, unsigned *col)
{
    size_t j = *i;
    unsigned c = 0;
    unsigned r = 0;
    if (j > 0 && (idc(s[j - 1]) || s[j - 1] == '.'))
        return false;
    j += j < n && s[j] == '$';
    size_t letters = j;
    while (j < n && j - letters < 3 && s[j] >= 'A' && s[j] <= 'Z')
        c = c * 26 + (unsigned)(s[j++] - 'A' + 1);
    if (j == letters)
        return false;
    j += j < n && s[j] == '$';
    size_t digits = j;
    while (j < n && j - digits < 7 && s[j] >= '0' && s[j] <= '9')
        r = r * 10 + (unsigned)(s[j++] - '0');
    if (j == digits || r == 0 || (j < n && (idc(s[j]) || s[j] == '(' || s[j] == '!')))
        return false;
    *i = j;
    *row = r - 1;
    *col = c - 1;
    return true;
}

/* xml_cells - the string results macrosheet XML keeps for its formula cells
 * (`<c r="A1" t="str"><f>CHAR(61)</f><v>=</v></c>`), remembered for text_fold */
static void xml_cells(XS *x, const char *s, size_t n)
{
    for (const char *p = s, *end = s + n; (p = str_memmem_ci(p, (size_t)(end - p), "<c r=\""));) {
        size_t i = (size_t)(p - s) + 6;
        unsigned row, col;
        const char *z = str_memmem_ci(p, (size_t)(end - p), "</c>");
        const char *gt = memchr(p, '>', (size_t)(end - p));
        p += 6;
        if (z == NULL || gt == NULL || gt > z || !a1_ref(s, n, &i, &row, &col))
            continue;
        const char *v = str_memmem_ci(gt, (size_t)(z - gt), "<v>");
        const char *ve = v ? str_memmem_ci(v, (size_t)(z - v), "</v>") : NULL;
        if (ve == NULL)
            continue;
        if (str_memmem_ci(p, (size_t)(gt - p), " t=\"str\"")) {
            xlm_cell_set(x, row, col, 1, 0, v + 3, (size_t)(ve - v - 3));
        } else if (!str_memmem_ci(p, (size_t)(gt - p), " t=\"") && ve - v - 3 < 32) {
            char num[32]; /* a number cell (no type attribute) */
            snprintf(num, sizeof(num), "%.*s", (int)(ve - v - 3), v + 3);
            char *endp;
            double d = strtod(num, &endp);
            if (endp != num && *endp == '\0' && d == d)
                xlm_cell_set(x, row, col, 2, d, NULL, 0);
        }
    }
}

/* text_fold - CHAR(n), "..." and references to remembered string cells joined by &: the
 * joined string when CHAR or references built it */
static void text_fold(XS *x, const char *s, size_t n)
{
    BUF *b = buf_new(64);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        size_t chars = 0;
        size_t vlen;
        unsigned row, col;
        const char *v;
        buf_reset(b);
        for (;;) {
            if (n - j > 5 && strncasecmp(s + j, "char(", 5) == 0) {
                size_t e = j + 5;
                unsigned code = 0;
                while (e < n && s[e] >= '0' && s[e] <= '9' && code < 1000)
                    code = code * 10 + (unsigned)(s[e++] - '0');
                if (e >= n || s[e] != ')' || code == 0 || code > 255)
                    break;
                buf_putc(b, (int)code);
                chars++;
                j = e + 1;
            } else if (j < n && s[j] >= '$' && s[j] <= 'Z' &&
                       a1_ref(s, n, &(size_t){j}, &row, &col) &&
                       (v = xlm_cell_get(x, row, col, &vlen)) != NULL) {
                a1_ref(s, n, &j, &row, &col);
                buf_cat(b, v, vlen);
                chars++;
            } else if (j < n && s[j] == '"') {
                size_t e = j + 1;
                while (e < n && s[e] != '"')
                    e++;
                if (e >= n)
                    break;
                buf_cat(b, s + j + 1, e - j - 1);
                j = e + 1;
            } else {
                break;
            }
            if (j >= n || s[j] != '&' || b->len >= EV_STR)
                break;
            j++;
        }
        if (chars >= 2 && b->len >= 2) {
            buf_cat(x->strs, b->data, b->len);
            buf_putc(x->strs, '\n');
        }
        i = j > i ? j : i + 1;
    }
    buf_free(b);
}

/* key_term - one `CHAR(n-REF)` (n: digits, or a number cell in formula text) (REF: R90C19 in the
 * listing, $S$90 in formula text) at s[j]: n, the reference (ref, rn) and the index after the `)`;
 * false when it is not one */
static bool key_term(const XS *x, const char *s, size_t n, size_t j, long *v, const char **ref,
                     size_t *rn, size_t *end)
{
    if (n - j < 8 || memcmp(s + j, "CHAR(", 5) != 0)
        return false;
    size_t e = j + 5;
    unsigned row, col;
    double d;
    *v = 0;
    if (a1_ref(s, n, &e, &row, &col)) { /* n is a number cell */
        if (!xlm_cell_num(x, row, col, &d) || d < 0 || d > 100000)
            return false;
        *v = (long)d;
    } else {
        while (e < n && s[e] >= '0' && s[e] <= '9' && *v < 100000)
            *v = *v * 10 + (s[e++] - '0');
    }
    if (e >= n || s[e] != '-' || e == j + 5)
        return false;
    size_t r = ++e;
    while (e < n && e - r < 24 &&
           ((s[e] >= 'A' && s[e] <= 'Z') || s[e] == '$' || (s[e] >= '0' && s[e] <= '9')))
        e++;
    if (e >= n || s[e] != ')' || e == r || (s[r] >= '0' && s[r] <= '9'))
        return false;
    *ref = s + r;
    *rn = e - r;
    *end = e + 1;
    return true;
}

/* key_fold - `CHAR(n-R90C19)&CHAR(m-R90C19)&...` chains (the listing, formula text) whose key cell
 * is computed at run time (from the date or the environment): a formula a macro writes with
 * FORMULA() starts with =, which gives the key; the chain is decoded with it and kept
 * when every character is printable (at least KEY_MIN of them) */
static void key_fold(XS *x, const char *s, size_t n)
{
    enum { KEY_MIN = 4 };
    BUF *b = buf_new(64);
    for (size_t i = 0; i < n; i++) {
        long v;
        long key = 0;
        const char *ref;
        const char *ref0 = NULL;
        size_t rn;
        size_t rn0 = 0;
        size_t j = i;
        size_t end;
        bool ok = true;
        buf_reset(b);
        while (ok && key_term(x, s, n, j, &v, &ref, &rn, &end)) {
            if (ref0 == NULL) {
                ref0 = ref;
                rn0 = rn;
                key = v - '=';
            }
            long ch = v - key;
            ok = rn == rn0 && memcmp(ref, ref0, rn) == 0 &&
                 ((ch >= 32 && ch <= 126) || ch == 9 || ch == 10 || ch == 13);
            if (ok)
                buf_putc(b, (int)ch);
            j = end;
            if (!ok || j >= n || s[j] != '&')
                break;
            j++;
        }
        if (ok && b->len >= KEY_MIN) {
            buf_cat(x->strs, b->data, b->len);
            buf_putc(x->strs, '\n');
        }
        if (j > i)
            i = j - 1;
    }
    buf_free(b);
}

/* xlm_report - see heur/xlm_int.h */
void xlm_report(HEUR_CTX *c, XS *x, const char *how)
{
    const char *at = c->location;
    size_t *k = x->k;
    key_fold(x, x->list->data, x->list->len);
    size_t pre[X_N];
    memcpy(pre, k, sizeof(pre));
    xlm_text(k, (const unsigned char *)x->strs->data, x->strs->len); /* names in built strings */
    k[X_CHAR] = pre[X_CHAR];
    k[X_FORMULA] = pre[X_FORMULA];
    k[X_AUTO] = pre[X_AUTO];
    bool cr = k[X_CALL] || k[X_REGISTER];
    bool ex = k[X_EXEC] || (k[X_SHELLEXEC] && cr);
    bool dl = k[X_DOWNLOAD] || (k[X_URLMON] && cr);
    if (k[X_AUTO])
        hits_add(c->hits, "XLM_AUTO_OPEN", at, "Auto_Open x%zu%s", k[X_AUTO], how);
    if (ex)
        hits_add(c->hits, "XLM_EXEC", at, "EXEC x%zu, ShellExecute x%zu%s", k[X_EXEC],
                 k[X_SHELLEXEC], how);
    if (cr)
        hits_add(c->hits, "XLM_CALL_REGISTER", at, "CALL x%zu, REGISTER x%zu%s", k[X_CALL],
                 k[X_REGISTER], how);
    if (dl)
        hits_add(c->hits, "XLM_DOWNLOAD", at, "%s", k[X_DOWNLOAD] ? "URLDownloadToFile" : "urlmon");
    if ((k[X_CHAR] >= 10 && (k[X_FORMULA] || k[X_GOTO] || k[X_HALT] || k[X_RUN])) ||
        k[X_CHAR] >= 50)
        hits_add(c->hits, "XLM_OBFUSCATION", at, "CHAR x%zu, FORMULA x%zu, GOTO x%zu%s", k[X_CHAR],
                 k[X_FORMULA], k[X_GOTO], how);
    if (x->writes)
        hits_add(c->hits, "XLM_FORMULA_WRITE", at, "FORMULA() writes %zu formula(s) into cells%s",
                 x->writes, how);
    if (x->hidden)
        hits_add(c->hits, "XLM_HIDDEN_SHEET", at, "%s macro sheet",
                 x->hidden & 2 ? "very hidden" : "hidden");
    if (k[X_AUTO] && (ex || cr || dl))
        hits_add(c->hits, "XLM_AUTO_OPEN_EXEC", at, "Auto_Open + %s",
                 ex   ? "EXEC"
                 : cr ? "CALL/REGISTER"
                      : "download");
    if (c->emit && x->list->len) /* the deobfuscated macro sheet */
        c->emit(c->emit_ctx, "xlm", NULL, (const unsigned char *)x->list->data, x->list->len);
    if (c->emit && x->strs->len >= 8)
        c->emit(c->emit_ctx, "xlm-strings", NULL, (const unsigned char *)x->strs->data,
                x->strs->len);
}

/* heur_xlm - see heur/xlm.h */
void heur_xlm(HEUR_CTX *c, const unsigned char *data, size_t n)
{
    if (c == NULL || c->hits == NULL || data == NULL)
        return;
    XS x;
    xlm_init(&x, true);
    bool biff = xlm_biff(&x, data, n);
    if (!biff) {
        xlm_text(x.k, data, n);
        BUF *t = unxml(data, n < XLM_LIST ? n : XLM_LIST);
        xml_cells(&x, t->data, t->len);
        text_fold(&x, t->data, t->len);
        key_fold(&x, t->data, t->len);
        buf_free(t);
    }
    xlm_report(c, &x, biff ? " (BIFF)" : "");
    xlm_fini(&x);
}
