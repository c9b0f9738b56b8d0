/*
 * heur_ooxml - remote content and DDE (see heur/ooxml.h)
 *
 * Plain byte scans, no XML parser: attributes are found inside one element (up to '>'),
 * field text is collected from w:instrText elements (OOXML_FIELD_MAX bytes, decoded once; one
 * field is examined over OOXML_FIELD_SPAN bytes), and every
 * search is bounded by the part. XML entities of the five predefined kinds are decoded in
 * what is quoted in details and emitted.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "heur/ooxml.h"
#include "heur/url.h"
#include "lib/buf.h"
#include "lib/str.h"

#define OOXML_FIELD_MAX  (256u << 10) /* bytes of w:instrText joined */
#define OOXML_FIELD_SPAN 4096u        /* bytes of one field code examined */
#define SNIP             160

/* attr - the value of attribute a (with its '=' and quote) inside element e[0..n), or NULL */
static const char *attr(const char *e, size_t n, const char *a, size_t *len)
{
    const char *p = str_memmem_ci(e, n, a);
    if (p == NULL)
        return NULL;
    p += strlen(a);
    const char *end = e + n;
    if (p >= end || (*p != '"' && *p != '\''))
        return NULL;
    char q = *p++;
    const char *z = memchr(p, q, (size_t)(end - p));
    if (z == NULL)
        return NULL;
    *len = (size_t)(z - p);
    return p;
}

/* unent - the five XML entities decoded, appended to o */
static void unent(BUF *o, const char *p, size_t n)
{
    static const char *const ent[] = {"&amp;", "&",    "&quot;", "\"",     "&lt;",
                                      "<",     "&gt;", ">",      "&apos;", "'"};
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (p[i] == '&' && k < 10 &&
               !(n - i >= strlen(ent[k]) && memcmp(p + i, ent[k], strlen(ent[k])) == 0))
            k += 2;
        if (p[i] == '&' && k < 10) {
            buf_puts(o, ent[k + 1]);
            i += strlen(ent[k]) - 1;
        } else
            buf_putc(o, p[i]);
    }
}

/* remote - a target that leaves the machine: heur_remote, also file:// and //host, any \\ path,
 * mhtml/x-usc handlers */
static bool remote(const char *t, size_t n)
{
    return heur_remote(t, n) || (n > 2 && (memcmp(t, "\\\\", 2) == 0 || memcmp(t, "//", 2) == 0)) ||
           (n > 7 && strncasecmp(t, "file://", 7) == 0) || str_memmem_ci(t, n, "mhtml:") ||
           str_memmem_ci(t, n, "x-usc:");
}

/* rels - external relationships of a .rels part */
static void rels(HEUR_CTX *c, const char *s, size_t n)
{
    static const struct {
        const char *type, *sym;
    } kinds[] = {{"/attachedTemplate\"", "OOXML_REMOTE_TEMPLATE"},
                 {"/frame\"", "OOXML_REMOTE_FRAME"},
                 {"/oleObject\"", "OOXML_REMOTE_OLEOBJECT"},
                 {"/subDocument\"", "OOXML_REMOTE_FRAME"}};
    unsigned done = 0;
    for (const char *p = s, *end = s + n;
         (p = str_memmem_ci(p, (size_t)(end - p), "<Relationship "));) {
        const char *z = memchr(p, '>', (size_t)(end - p));
        size_t en = z ? (size_t)(z - p) : (size_t)(end - p);
        size_t tl = 0;
        size_t ml = 0;
        const char *t = attr(p, en, "Target=", &tl);
        const char *m = attr(p, en, "TargetMode=", &ml);
        for (size_t k = 0; t && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            bool ext = m && ml == 8 && strncasecmp(m, "External", 8) == 0;
            bool handler = str_memmem_ci(t, tl, "mhtml:") || str_memmem_ci(t, tl, "x-usc:");
            if (!str_memmem_ci(p, en, kinds[k].type) || !(ext || handler) || !remote(t, tl) ||
                (done & (1u << k)))
                continue;
            done |= 1u << k;
            BUF *b = buf_new(tl + 1);
            unent(b, t, tl < SNIP ? tl : SNIP);
            hits_add(c->hits, kinds[k].sym, c->location, "external %s -> %s", kinds[k].type + 1,
                     b->data);
            buf_free(b);
        }
        p += en ? en : 1;
    }
}

/* field_starts - s[0..m) begins with a field keyword field_text looks at (cheap pre-test) */
static bool field_starts(const char *s, size_t m)
{
    return (m >= 4 && strncasecmp(s, "dde", 3) == 0) ||
           (m >= 8 && strncasecmp(s, "include", 7) == 0) ||
           (m >= 5 && strncasecmp(s, "link ", 5) == 0);
}

/* field_text - one decoded field code s[0..m): DDE/DDEAUTO, or INCLUDEPICTURE/INCLUDETEXT/LINK
 * to a remote place */
static void field_text(HEUR_CTX *c, const char *s, size_t m, unsigned *seen)
{
    bool ddeauto = m >= 7 && strncasecmp(s, "ddeauto", 7) == 0;
    bool dde = !ddeauto && m >= 4 && strncasecmp(s, "dde ", 4) == 0;
    unsigned bit = ddeauto ? 1 : 4;
    if ((ddeauto || dde) && !(*seen & bit)) {
        *seen |= bit;
        hits_add(c->hits, ddeauto ? "OOXML_DDEAUTO" : "OOXML_DDE", c->location, "field %.*s",
                 (int)(m < SNIP ? m : SNIP), s);
        if (c->emit)
            c->emit(c->emit_ctx, "dde", "bat", (const unsigned char *)s + (ddeauto ? 7 : 3),
                    m - (ddeauto ? 7 : 3));
    }
    static const char *const inc[] = {"includepicture", "includetext", "link "};
    for (size_t k = 0; k < 3; k++) {
        size_t kl = strlen(inc[k]);
        size_t a = kl;
        if (m <= kl || strncasecmp(s, inc[k], kl) != 0 || (*seen & 2))
            continue;
        while (a < m && (s[a] == ' ' || s[a] == '"'))
            a++;
        if (k == 2) /* LINK ClassName "path" */
            while (a < m && s[a] != ' ')
                a++;
        bool quoted = false;
        while (a < m && (s[a] == ' ' || s[a] == '"'))
            quoted |= s[a++] == '"';
        size_t t = a; /* the target: up to its closing quote, or one word */
        while (t < m && s[t] != (quoted ? '"' : ' '))
            t++;
        if (!remote(s + a, t - a))
            continue;
        *seen |= 2;
        hits_add(c->hits, "OOXML_REMOTE_FIELD", c->location, "field %.*s",
                 (int)(m < SNIP ? m : SNIP), s);
    }
}

/* field - one raw field code (a w:fldSimple w:instr value): decoded (OOXML_FIELD_SPAN bytes),
 * then field_text */
static void field(HEUR_CTX *c, const char *f, size_t n, unsigned *seen)
{
    while (n && (*f == ' ' || *f == '\t' || *f == '"')) {
        f++;
        n--;
    }
    if (n > OOXML_FIELD_SPAN)
        n = OOXML_FIELD_SPAN;
    BUF *b = buf_new(n + 1);
    unent(b, f, n);
    field_text(c, b->data, b->len, seen);
    buf_free(b);
}

/* fields - Word field codes: w:fldSimple instr attributes, then all w:instrText joined.
 * The joined text is decoded once; a field is looked for at each word that begins with a
 * field keyword, and examined over OOXML_FIELD_SPAN bytes at most. */
static void fields(HEUR_CTX *c, const char *s, size_t n)
{
    unsigned seen = 0;
    BUF *all = buf_new(256);
    for (const char *p = s, *end = s + n; p < end;) {
        const char *a = str_memmem_ci(p, (size_t)(end - p), "<w:fldSimple ");
        const char *b = str_memmem_ci(p, (size_t)(end - p), "<w:instrText");
        const char *q = a && (!b || a < b) ? a : b;
        if (q == NULL)
            break;
        const char *z = memchr(q, '>', (size_t)(end - q));
        if (z == NULL)
            break;
        size_t il = 0;
        const char *ins = q == a ? attr(q, (size_t)(z - q), "w:instr=", &il) : NULL;
        if (ins)
            field(c, ins, il, &seen);
        if (q == b && z[-1] != '/') {
            const char *e = str_memmem_ci(z, (size_t)(end - z), "</w:instrText>");
            if (e && all->len < OOXML_FIELD_MAX)
                buf_cat(all, z + 1, (size_t)(e - z - 1));
        }
        p = z + 1;
    }
    /* fields split over runs: look for each field start in the joined, decoded text */
    BUF *dec = buf_new(all->len + 1);
    unent(dec, all->data, all->len);
    const char *d = dec->data;
    for (size_t i = 0; i < dec->len && seen != 7; i++) {
        size_t m = dec->len - i;
        if ((i == 0 || d[i - 1] == ' ') && field_starts(d + i, m))
            field_text(c, d + i, m < OOXML_FIELD_SPAN ? m : OOXML_FIELD_SPAN, &seen);
    }
    buf_free(dec);
    buf_free(all);
}

/* dde_formula - `=cmd|'/c ...'!A0` or a SpreadsheetML ddeLink */
static void dde_formula(HEUR_CTX *c, const char *s, size_t n)
{
    size_t sl = 0;
    size_t tl = 0;
    const char *dl = str_memmem_ci(s, n, "<ddeLink ");
    if (dl) {
        const char *z = memchr(dl, '>', (size_t)(s + n - dl));
        size_t en = z ? (size_t)(z - dl) : (size_t)(s + n - dl);
        const char *svc = attr(dl, en, "ddeService=", &sl);
        const char *top = attr(dl, en, "ddeTopic=", &tl);
        if (svc && top) {
            hits_add(c->hits, "DDE_LINK", c->location, "DDE link %.*s|%.*s",
                     (int)(sl < 60 ? sl : 60), svc, (int)(tl < SNIP ? tl : SNIP), top);
            if (c->emit)
                c->emit(c->emit_ctx, "dde", "bat", (const unsigned char *)top, tl);
        }
    }
    for (size_t i = 0; i + 3 < n; i++) { /* [=+-@] service | 'topic' ! item */
        if (!strchr("=+-@", s[i]) || s[i] == 0)
            continue;
        size_t j = i + 1;
        while (j < n && (s[j] == ' ' || s[j] == '"'))
            j++;
        size_t svc = j;
        while (j < n && j - svc < 40 &&
               ((s[j] | 32) >= 'a' && (s[j] | 32) <= 'z'
                    ? 1
                    : (s[j] >= '0' && s[j] <= '9') || s[j] == '.' || s[j] == '_'))
            j++;
        if (j == svc || j + 2 >= n || s[j] != '|' || (s[j + 1] != '\'' && s[j + 1] != '"'))
            continue;
        const char *t = s + j + 2;
        const char *e = memchr(t, s[j + 1], n - j - 2);
        if (e == NULL || e + 1 >= s + n || e[1] != '!')
            continue;
        hits_add(c->hits, "DDE_FORMULA", c->location, "DDE formula %.*s",
                 (int)((size_t)(e - s - i) + 2 < SNIP ? (size_t)(e - s - i) + 2 : SNIP), s + i);
        if (c->emit)
            c->emit(c->emit_ctx, "dde", "bat", (const unsigned char *)t, (size_t)(e - t));
        return;
    }
}

/* binary_dde - a Word binary field start (0x13) followed by DDE or DDEAUTO */
static void binary_dde(HEUR_CTX *c, const unsigned char *d, size_t n)
{
    for (const unsigned char *p = d; (p = memchr(p, 0x13, n - (size_t)(p - d))); p++) {
        char w[8];
        size_t k = 0;
        for (const unsigned char *q = p + 1; q < d + n && q - p < 32 && k < 7; q++)
            if (*q && *q != ' ')
                w[k++] = (char)(*q | 32);
            else if (*q == ' ' && k)
                break;
        w[k] = 0;
        if (strcmp(w, "ddeauto") == 0 || strcmp(w, "dde") == 0) {
            hits_add(c->hits, w[3] ? "OOXML_DDEAUTO" : "OOXML_DDE", c->location,
                     "binary Word field %s", w);
            return;
        }
    }
}

/* ole_autoload - a SpreadsheetML <oleObject autoLoad="true|1"> (activated on open) */
static void ole_autoload(HEUR_CTX *c, const char *s, size_t n)
{
    for (const char *p = str_memmem_ci(s, n, "<oleObject "); p;
         p = str_memmem_ci(p + 1, n - (size_t)(p + 1 - s), "<oleObject ")) {
        const char *end = memchr(p, '>', n - (size_t)(p - s));
        size_t len = end ? (size_t)(end - p) : n - (size_t)(p - s);
        const char *a = str_memmem_ci(p, len, "autoLoad=");
        if (a && (size_t)(p + len - a) > 10 && (a[10] == '1' || a[10] == 't' || a[10] == 'T')) {
            hits_add(c->hits, "OOXML_OLE_AUTOLOAD", c->location, "%.*s",
                     (int)(len < 120 ? len : 120), p);
            return;
        }
    }
}

/* heur_ooxml - see heur/ooxml.h */
void heur_ooxml(HEUR_CTX *c, const char *name, const unsigned char *data, size_t n)
{
    if (c == NULL || c->hits == NULL || data == NULL || n == 0)
        return;
    const char *s = (const char *)data;
    if (name && str_iends(name, ".rels")) {
        rels(c, s, n);
    } else if (name && str_iends(name, ".xml")) {
        if (str_memmem_ci(s, n, "w:instrText") || str_memmem_ci(s, n, "w:fldSimple"))
            fields(c, s, n);
        if (str_memmem_ci(s, n, "ddeLink") || str_memmem_ci(s, n, "ss:Formula") ||
            str_memmem_ci(s, n, "urn:schemas-microsoft-com:office:spreadsheet"))
            dde_formula(c, s, n);
        if (str_memmem_ci(s, n, "autoLoad="))
            ole_autoload(c, s, n);
        if (str_istarts(name, "activex") && str_memmem_ci(s, n, "ax:ocx")) {
            bool flash = str_memmem_ci(s, n, "D27CDB6E-AE6D-11CF-96B8-444553540000") != NULL;
            hits_add(c->hits, flash ? "OOXML_FLASH" : "OOXML_ACTIVEX", c->location, "%s",
                     flash ? "Shockwave Flash object" : "ActiveX control");
        }
    } else if (name && (str_iends(name, ".csv") || str_iends(name, ".slk"))) {
        dde_formula(c, s, n);
    } else if (n > 16 && memchr(data, 0x13, n)) {
        binary_dde(c, data, n);
    }
}
