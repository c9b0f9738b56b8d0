/*
 * extract - JavaScript blocks out of markup (see extract.h). A linear scan: each
 * `<script` (in XSL each `implements-prefix`) is found with a case-insensitive search
 * from where the last block ended.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "emu/evlog.h"
#include "emu/extract.h"
#include "lib/str.h"

/* attr - the value of attribute name inside the tag text t[0..n), or NULL */
static const char *attr(const char *t, size_t n, const char *name, size_t *len)
{
    size_t k = strlen(name);
    for (size_t i = 0; i + k < n; i++) {
        if ((i > 0 && !strchr(" \t\r\n", t[i - 1])) || strncasecmp(t + i, name, k) != 0)
            continue;
        size_t j = i + k;
        while (j < n && (t[j] == ' ' || t[j] == '\t'))
            j++;
        if (j >= n || t[j] != '=')
            continue;
        j++;
        while (j < n && (t[j] == ' ' || t[j] == '\t'))
            j++;
        char q = j < n && (t[j] == '"' || t[j] == '\'') ? t[j++] : 0;
        size_t e = j;
        while (e < n && (q ? t[e] != q : !strchr(" \t\r\n>", t[e])))
            e++;
        *len = e - j;
        return t + j;
    }
    return NULL;
}

/* js_language - the tag's language/type says (or leaves) JavaScript */
static int js_language(const char *t, size_t n)
{
    size_t l;
    const char *v = attr(t, n, "language", &l);
    if (v == NULL)
        v = attr(t, n, "type", &l);
    if (v == NULL || l == 0)
        return 1;
    return str_memmem_ci(v, l, "jscript") || str_memmem_ci(v, l, "javascript") ||
           str_memmem_ci(v, l, "ecmascript") || str_memmem_ci(v, l, "livescript");
}

/* put_code - one block's bytes as they are, and a NUL after them (code may be NULL) */
static void put_code(BUF *code, const char *p, size_t n)
{
    if (code == NULL)
        return;
    buf_cat(code, p, n);
    buf_cat(code, "", 1);
}

/* put_js_string - bytes as a JavaScript string literal (raw bytes >= 0x80 kept) */
static void put_js_string(BUF *out, const char *p, size_t n, int xml)
{
    static const struct {
        const char *ent;
        char ch;
    } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    buf_cat(out, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (xml && ch == '&') {
            for (size_t e = 0; e < sizeof(ents) / sizeof(ents[0]); e++) {
                size_t k = strlen(ents[e].ent);
                if (n - i >= k && memcmp(p + i, ents[e].ent, k) == 0) {
                    ch = ents[e].ch;
                    i += k - 1;
                    break;
                }
            }
        }
        if (ch == '"' || ch == '\\')
            buf_printf(out, "\\%c", ch);
        else if (ch == '\n')
            buf_cat(out, "\\n", 2);
        else if ((unsigned char)ch < 0x20)
            buf_printf(out, "\\x%02x", (unsigned char)ch);
        else
            buf_cat(out, &ch, 1);
    }
    buf_cat(out, "\"", 1);
}

/* name_char - a character of an XML name or a JavaScript identifier (no ':') */
static int name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-' || ch == '.' || ch == '$';
}

/* xsl_calls - a block calling each function the stylesheet names as PREFIX:name( */
static void xsl_calls(BUF *out, const char *p, size_t n, const char *pfx, size_t pl, BUF *names)
{
    size_t at = 0;
    size_t calls = 0;
    while (at < n && calls < EMU_XSL_CALLS) {
        const char *q = memmem(p + at, n - at, pfx, pl);
        if (q == NULL)
            break;
        size_t i = (size_t)(q - p);
        size_t f = i + pl;
        at = f;
        if ((i > 0 && name_char(p[i - 1])) || f >= n || p[f] != ':')
            continue;
        size_t e = ++f;
        while (e < n && e - f < 64 && name_char(p[e]) && p[e] != '-' && p[e] != '.')
            e++;
        size_t k = e;
        while (k < n && (p[k] == ' ' || p[k] == '\t'))
            k++;
        if (e == f || k >= n || p[k] != '(' || (p[f] >= '0' && p[f] <= '9'))
            continue;
        char probe[70];
        snprintf(probe, sizeof(probe), "|%.*s|", (int)(e - f), p + f);
        if (names->len && memmem(names->data, names->len, probe, strlen(probe)) != NULL)
            continue; /* called already */
        buf_cat(names, probe, strlen(probe));
        buf_printf(out, ",\"if (typeof %.*s === 'function') %.*s();\"", (int)(e - f), p + f,
                   (int)(e - f), p + f);
        calls++;
    }
}

/*
 * xsl - the JScript of msxsl:script elements (any prefix: the element carries
 * implements-prefix), then a call of each function the stylesheet's expressions name
 * under an implemented prefix, as the XSLT processor would
 */
static int xsl(const char *p, size_t n, BUF *out, BUF *code)
{
    if (str_memmem_ci(p, n, "urn:schemas-microsoft-com:xslt") == NULL)
        return -1;
    size_t at = 0;
    size_t blocks = 0;
    size_t npfx = 0;
    struct {
        const char *v;
        size_t l;
    } pfx[EMU_XSL_PREFIXES];
    buf_cat(out, "__blocks([", 10);
    while (at < n && blocks < EMU_MAX_BLOCKS) {
        const char *ip = str_memmem_ci(p + at, n - at, "implements-prefix");
        if (ip == NULL)
            break;
        size_t i = (size_t)(ip - p);
        size_t lt = i;
        at = i + 17;
        while (lt > 0 && i - lt < 2048 && p[lt] != '<' && p[lt] != '>')
            lt--;
        const char *gt = memchr(p + i, '>', n - i);
        if (p[lt] != '<' || gt == NULL)
            continue;
        size_t tn = lt + 1;
        while (tn < n && (name_char(p[tn]) || p[tn] == ':'))
            tn++;
        size_t tl = tn - lt - 1;
        if (tl < 8 || strncasecmp(p + tn - 7, ":script", 7) != 0 || gt[-1] == '/')
            continue;
        size_t body = (size_t)(gt - p) + 1;
        size_t vl = 0;
        size_t ll = 0;
        const char *tag = p + lt;
        const char *v = attr(tag, body - lt, "implements-prefix", &vl);
        const char *lang = attr(tag, body - lt, "language", &ll);
        char close[80];
        snprintf(close, sizeof(close), "</%.*s", (int)(tl < 70 ? tl : 70), p + lt + 1);
        const char *e = str_memmem_ci(p + body, n - body, close);
        size_t end = e ? (size_t)(e - p) : n;
        at = e ? end : n;
        if (lang && ll && !str_memmem_ci(lang, ll, "jscript") &&
            !str_memmem_ci(lang, ll, "javascript"))
            continue; /* VBScript, C#: a layer for the static analysers (heur/lang.c) */
        if (v && vl && vl < 64 && npfx < EMU_XSL_PREFIXES) {
            pfx[npfx].v = v;
            pfx[npfx++].l = vl;
        }
        const char *b = p + body;
        size_t bl = end - body;
        const char *cd = bl >= 9 ? str_memmem_ci(b, bl, "<![CDATA[") : NULL;
        if (cd) {
            size_t skip = (size_t)(cd - b) + 9;
            b += skip;
            bl -= skip;
            const char *ce = memmem(b, bl, "]]>", 3);
            bl = ce ? (size_t)(ce - b) : bl;
        }
        if (blocks++)
            buf_cat(out, ",", 1);
        put_js_string(out, b, bl, cd == NULL);
        put_code(code, b, bl);
    }
    BUF *names = buf_new(64);
    for (size_t k = 0; k < npfx && blocks; k++)
        xsl_calls(out, p, n, pfx[k].v, pfx[k].l, names);
    buf_free(names);
    buf_cat(out, "]);\n", 4);
    return blocks ? EVLOG_KIND_WSH : -1;
}

/* emu_extract - see extract.h */
int emu_extract(const char *type, const char *p, size_t n, BUF *out)
{
    return emu_extract_code(type, p, n, out, NULL);
}

/* emu_extract_code - see extract.h */
int emu_extract_code(const char *type, const char *p, size_t n, BUF *out, BUF *code)
{
    if (type == NULL)
        return -1;
    if (strcmp(type, "js") == 0) {
        buf_cat(out, p, n);
        put_code(code, p, n);
        return EVLOG_KIND_WSH;
    }
    if (strcmp(type, "xml") == 0 || strcmp(type, "xsl") == 0)
        return xsl(p, n, out, code);
    int kind = strcmp(type, "hta") == 0                                ? EVLOG_KIND_HTA
               : strcmp(type, "html") == 0 || strcmp(type, "svg") == 0 ? EVLOG_KIND_BROWSER
               : strcmp(type, "wsf") == 0 || strcmp(type, "sct") == 0  ? EVLOG_KIND_WSH
                                                                       : -1;
    if (kind < 0)
        return -1;
    int xml = strcmp(type, "svg") == 0 || strcmp(type, "wsf") == 0 || strcmp(type, "sct") == 0;
    size_t at = 0;
    size_t blocks = 0;
    buf_cat(out, "__blocks([", 10);
    while (at < n && blocks < EMU_MAX_BLOCKS) {
        const char *s = str_memmem_ci(p + at, n - at, "<script");
        if (s == NULL)
            break;
        size_t so = (size_t)(s - p) + 7;
        const char *gt = memchr(p + so, '>', n - so);
        if (gt == NULL)
            break;
        size_t body = (size_t)(gt - p) + 1;
        const char *e = str_memmem_ci(p + body, n - body, "</script");
        size_t end = e ? (size_t)(e - p) : n;
        at = e ? end + 8 : n;
        if (!js_language(p + so, (size_t)(gt - p) - so))
            continue;
        const char *b = p + body;
        size_t bl = end - body;
        const char *cd = bl >= 9 ? str_memmem_ci(b, bl, "<![CDATA[") : NULL;
        if (cd) {
            size_t skip = (size_t)(cd - b) + 9;
            b += skip;
            bl -= skip;
            for (size_t k = bl; k >= 3; k--)
                if (memcmp(b + k - 3, "]]>", 3) == 0) {
                    bl = k - 3;
                    break;
                }
        }
        size_t ws = 0;
        while (ws < bl && strchr(" \t\r\n", b[ws]))
            ws++;
        if (ws == bl)
            continue;
        if (blocks++)
            buf_cat(out, ",", 1);
        put_js_string(out, b, bl, xml && !cd);
        put_code(code, b, bl);
    }
    buf_cat(out, "]);\n", 4);
    return blocks ? kind : -1;
}
