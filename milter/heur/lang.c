/*
 * heur_lang - script-carrying formats: the driver, the helpers lang_conf.c shares, and
 *             the markup formats (XSL msxsl:script, scriptlets, CHM ShortCut controls);
 *             see heur/lang.h
 *
 * Every format is found by a fixed marker searched with str_memmem_ci, then read by a
 * forward scan that starts where the previous block ended, so each byte is looked at a
 * small constant number of times per format. The end of a block is searched from its
 * start; when it is missing the block runs to the end of the buffer (script blocks) or
 * OBJ_WINDOW bytes (HTML objects), and the scan resumes after that, so an unclosed
 * marker repeated a million times costs one search each, over a bounded window.
 *
 * Layers carry what the format would run, not the format: the code of a script block,
 * the command line of a ShortCut control. scan.c analyses them again (heur_script, YARA),
 * so `new ActiveXObject("WScript.Shell").Run(...)` inside an XSL is reported at
 * `...>decoded:xslscript` like the same code in a .js file.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "heur/lang.h"
#include "heur/lang_int.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "model/hit.h"

#define OBJ_WINDOW 8192 /* bytes of an <object> element read for its <param>s */
#define TAG_MAX    2048 /* bytes of one start tag read for its attributes */
#define PFX_MAX    4    /* namespace prefixes bound to the msxsl URN followed */
#define PFX_LEN    32   /* longest such prefix */
#define XMLNS_BACK 96   /* bytes before the URN searched for its xmlns: */
#define ATTR_VALUE 4096 /* longest attribute value decoded */

static const char XSLT_URN[] = "urn:schemas-microsoft-com:xslt";
static const char HHCTRL_CLSID[] = "adb880a6-d8ff-11cf-9377-00aa003b7a11";

/* ---------------------------------------------------------------- shared helpers */

/* lang_find - offset of needle (ignoring case) at or after from, or n */
size_t lang_find(const char *p, size_t n, size_t from, const char *needle)
{
    if (from >= n)
        return n;
    const char *q = str_memmem_ci(p + from, n - from, needle);
    return q ? (size_t)(q - p) : n;
}

/* lang_emit - hand one layer out, at most LANG_MAX_LAYERS per call, cut at x->max */
void lang_emit(LX *x, const char *how, const char *lang, const char *data, size_t len)
{
    if (x->c->emit == NULL || len == 0 || x->layers >= LANG_MAX_LAYERS)
        return;
    x->layers++;
    x->c->emit(x->c->emit_ctx, how, lang, (const unsigned char *)data, len < x->max ? len : x->max);
}

/* lang_hit - one finding at the buffer's location (hits_add sanitizes the evidence) */
void lang_hit(LX *x, const char *sym, const char *fmt, const char *ev)
{
    if (x->c->hits)
        hits_add(x->c->hits, sym, x->c->location ? x->c->location : "-", fmt, ev);
}

/* namec - a character of an element, attribute or prefix name */
static bool namec(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == ':';
}

/* tag_end - offset of the '>' closing the start tag at i (outside quotes), or n */
static size_t tag_end(const char *p, size_t n, size_t i)
{
    size_t end = n - i > TAG_MAX ? i + TAG_MAX : n;
    char q = 0;
    for (; i < end; i++) {
        if (q)
            q = p[i] == q ? 0 : q;
        else if (p[i] == '"' || p[i] == '\'')
            q = p[i];
        else if (p[i] == '>')
            return i;
    }
    return n;
}

/* attr - the value of attribute name in the tag t[0..tn): *v, *vn; false when absent */
static bool attr(const char *t, size_t tn, const char *name, const char **v, size_t *vn)
{
    size_t k = strlen(name);
    for (size_t i = 1; i + k < tn; i++) {
        if (namec(t[i - 1]) || strncasecmp(t + i, name, k) != 0 || namec(t[i + k]))
            continue;
        size_t j = i + k;
        while (j < tn && isspace((unsigned char)t[j]))
            j++;
        if (j >= tn || t[j] != '=')
            continue;
        j++;
        while (j < tn && isspace((unsigned char)t[j]))
            j++;
        if (j < tn && (t[j] == '"' || t[j] == '\'')) {
            const char *e = memchr(t + j + 1, t[j], tn - j - 1);
            size_t end = e ? (size_t)(e - t) : tn;
            *v = t + j + 1;
            *vn = end - j - 1;
        } else {
            size_t e = j;
            while (e < tn && !isspace((unsigned char)t[e]) && t[e] != '>' && t[e] != '/')
                e++;
            *v = t + j;
            *vn = e - j;
        }
        return true;
    }
    return false;
}

/* entities - append v with the common HTML/XML character references decoded */
static void entities(BUF *b, const char *v, size_t vn)
{
    static const struct {
        const char *e;
        char c;
    } named[] = {{"&quot;", '"'}, {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&apos;", '\''}};
    for (size_t i = 0; i < vn && b->len < ATTR_VALUE; i++) {
        bool done = false;
        for (size_t e = 0; v[i] == '&' && e < sizeof(named) / sizeof(named[0]) && !done; e++) {
            size_t k = strlen(named[e].e);
            if (vn - i >= k && strncasecmp(v + i, named[e].e, k) == 0) {
                buf_putc(b, named[e].c);
                i += k - 1;
                done = true;
            }
        }
        if (!done && v[i] == '&' && i + 2 < vn && v[i + 1] == '#') {
            size_t j = i + 2;
            int base = (v[j] | 0x20) == 'x' ? 16 : 10;
            unsigned long cp = 0;
            j += base == 16;
            size_t d0 = j;
            while (j < vn && j - d0 < 7 &&
                   (base == 16 ? isxdigit((unsigned char)v[j]) : isdigit((unsigned char)v[j]))) {
                int c = (unsigned char)v[j++];
                cp = cp * (unsigned)base + (unsigned)(isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
            }
            if (j > d0 && cp > 0 && cp < 0x80) {
                buf_putc(b, (int)cp);
                i = j < vn && v[j] == ';' ? j : j - 1;
                done = true;
            }
        }
        if (!done)
            buf_putc(b, v[i]);
    }
}

/* ---------------------------------------------------------------- script blocks */

/* script_lang - the layer language of a language="..." attribute (JScript by default) */
static const char *script_lang(const char *v, size_t vn)
{
    if (vn == 0)
        return "js";
    if (str_memmem_ci(v, vn, "vbscript.encode"))
        return "vbe";
    if (str_memmem_ci(v, vn, "jscript.encode"))
        return "jse";
    if (str_memmem_ci(v, vn, "vb"))
        return "vbs";
    if (str_memmem_ci(v, vn, "c#") || str_memmem_ci(v, vn, "csharp"))
        return "cs";
    return "js";
}

/* body - the code of a block p[b0..b1): white space and a CDATA wrapper trimmed */
static void body(const char *p, size_t *b0, size_t *b1)
{
    while (*b0 < *b1 && isspace((unsigned char)p[*b0]))
        (*b0)++;
    while (*b1 > *b0 && isspace((unsigned char)p[*b1 - 1]))
        (*b1)--;
    if (*b1 - *b0 >= 9 && strncasecmp(p + *b0, "<![CDATA[", 9) == 0)
        *b0 += 9;
    if (*b1 - *b0 >= 3 && memcmp(p + *b1 - 3, "]]>", 3) == 0)
        *b1 -= 3;
    while (*b0 < *b1 && isspace((unsigned char)p[*b0]))
        (*b0)++;
    while (*b1 > *b0 && isspace((unsigned char)p[*b1 - 1]))
        (*b1)--;
}

/*
 * script_blocks - every <open ...>code</close> block: each code a layer; returns the
 * blocks found and sets *first to the language attribute of the first one
 */
static size_t script_blocks(LX *x, const char *open, const char *close, const char *how)
{
    const char *p = x->p;
    size_t n = x->n;
    size_t i = 0;
    size_t count = 0;
    size_t k = strlen(open);
    while (count < LANG_MAX_BLOCKS && (i = lang_find(p, n, i, open)) < n) {
        size_t t = i + k;
        if (t < n && namec(p[t])) { /* <scriptlet is no <script */
            i = t;
            continue;
        }
        size_t gt = tag_end(p, n, t);
        if (gt >= n)
            break;
        if (p[gt - 1] == '/') { /* <script src=... /> */
            i = gt;
            continue;
        }
        const char *lv = "";
        size_t lvn = 0;
        attr(p + i, gt - i, "language", &lv, &lvn);
        size_t b0 = gt + 1;
        size_t e = lang_find(p, n, b0, close);
        size_t b1 = e;
        body(p, &b0, &b1);
        lang_emit(x, how, script_lang(lv, lvn), p + b0, b1 - b0);
        count++;
        i = e;
    }
    return count;
}

/* xsl - msxsl:script blocks under every prefix bound to the msxsl URN */
static void xsl(LX *x)
{
    char pfx[PFX_MAX][PFX_LEN + 1] = {"msxsl"};
    size_t np = 1;
    size_t i = 0;
    while (np < PFX_MAX && (i = lang_find(x->p, x->n, i, XSLT_URN)) < x->n) {
        size_t back = i > XMLNS_BACK ? i - XMLNS_BACK : 0;
        size_t at = x->n;
        for (size_t j = back; (j = lang_find(x->p, i, j, "xmlns:")) < i; j++)
            at = j + 6;
        size_t e = at;
        while (e < i && e - at < PFX_LEN && namec(x->p[e]) && x->p[e] != ':')
            e++;
        if (at < i && e > at && !(e - at == 5 && strncasecmp(x->p + at, "msxsl", 5) == 0)) {
            memcpy(pfx[np], x->p + at, e - at);
            pfx[np++][e - at] = 0;
        }
        i += sizeof(XSLT_URN) - 1;
    }
    for (size_t j = 0; j < np; j++) {
        char open[PFX_LEN + 24], close[PFX_LEN + 24];
        snprintf(open, sizeof(open), "<%.*s:script", PFX_LEN, pfx[j]);
        snprintf(close, sizeof(close), "</%.*s:script", PFX_LEN, pfx[j]);
        if (script_blocks(x, open, close, "xslscript") > 0)
            lang_hit(x, "XSL_SCRIPT", "stylesheet code in <%s:script> (runs when transformed)",
                     pfx[j]);
    }
}

/* sct - a scriptlet: script blocks as layers; code inside <registration> */
static void sct(LX *x)
{
    size_t reg = lang_find(x->p, x->n, 0, "<registration");
    if (lang_find(x->p, x->n, 0, "<scriptlet") == x->n && reg == x->n)
        return;
    if (script_blocks(x, "<script", "</script", "sctscript") == 0)
        return;
    lang_hit(x, "SCT_SCRIPTLET", "%s", "scriptlet (<scriptlet>/<registration>) with script code");
    if (reg < x->n) {
        size_t end = lang_find(x->p, x->n, reg, "</registration");
        size_t s = lang_find(x->p, end, reg, "<script");
        if (s < end)
            lang_hit(x, "SCT_REGISTRATION_SCRIPT", "%s",
                     "script inside <registration> (runs at regsvr32 /i registration)");
    }
}

/* ---------------------------------------------------------------- CHM ShortCut */

/* item1 - the command line of an Item1 value ",program,arguments" as "program arguments" */
static void item1(BUF *cmd, const char *v, size_t vn)
{
    BUF *raw = buf_new(vn + 1);
    entities(raw, v, vn);
    const char *s = raw->data;
    const char *c1 = memchr(s, ',', raw->len);
    size_t len = raw->len;
    if (c1) { /* the first field is the button text */
        s = c1 + 1;
        len = raw->len - (size_t)(s - raw->data);
        const char *c2 = memchr(s, ',', len);
        if (c2) {
            buf_cat(cmd, s, (size_t)(c2 - s));
            buf_putc(cmd, ' ');
            len -= (size_t)(c2 + 1 - s);
            s = c2 + 1;
        }
    }
    buf_cat(cmd, s, len);
    buf_free(raw);
}

/* chm - HTML Help ActiveX objects with Command=ShortCut: the command they run */
static void chm(LX *x)
{
    const char *p = x->p;
    size_t n = x->n;
    size_t i = 0;
    size_t found = 0;
    BUF *cmd = buf_new(256);
    while (found < LANG_MAX_BLOCKS && (i = lang_find(p, n, i, HHCTRL_CLSID)) < n) {
        size_t lim = n - i > OBJ_WINDOW ? i + OBJ_WINDOW : n;
        size_t e = lang_find(p, lim, i, "</object");
        size_t j = i;
        bool shortcut = false;
        buf_reset(cmd);
        while ((j = lang_find(p, e, j, "<param")) < e) {
            size_t gt = tag_end(p, e, j + 6);
            const char *nm = "";
            const char *v = "";
            size_t nn = 0;
            size_t vn = 0;
            if (attr(p + j, gt - j, "name", &nm, &nn) && attr(p + j, gt - j, "value", &v, &vn)) {
                if (nn == 7 && strncasecmp(nm, "command", 7) == 0)
                    shortcut = shortcut || str_memmem_ci(v, vn, "shortcut") != NULL;
                else if (nn == 5 && strncasecmp(nm, "item1", 5) == 0 && cmd->len == 0)
                    item1(cmd, v, vn);
            }
            j = gt;
        }
        if (shortcut && cmd->len > 0) {
            found++;
            lang_emit(x, "chmshortcut", "bat", cmd->data, cmd->len);
            lang_hit(x, "CHM_SHORTCUT_EXEC", "HTML Help ShortCut control runs '%s'", cmd->data);
        }
        i = e > i ? e : i + sizeof(HHCTRL_CLSID) - 1;
    }
    buf_free(cmd);
    if (found && (lang_find(p, n, 0, ".click(") < n || lang_find(p, n, 0, "onload") < n))
        lang_hit(x, "CHM_SHORTCUT_AUTOCLICK", "%s",
                 "the ShortCut control is clicked by script or on load");
}

/* ---------------------------------------------------------------- driver */

/* heur_lang - every format whose marker the text holds (see heur/lang.h) */
void heur_lang(HEUR_CTX *c, const char *lang, const unsigned char *data, size_t n)
{
    if (c == NULL || data == NULL || n == 0)
        return;
    LX x = {c, (const char *)data, n, 0, c->max_decoded ? c->max_decoded : 4u << 20};
    if (lang_find(x.p, n, 0, ":script") < n)
        xsl(&x);
    if (lang_find(x.p, n, 0, "<script") < n)
        sct(&x);
    if (lang_find(x.p, n, 0, HHCTRL_CLSID) < n)
        chm(&x);
    if (lang_find(x.p, n, 0, "instance of") < n)
        lang_mof(&x);
    if (lang_find(x.p, n, 0, "setupcommands") < n || lang_find(x.p, n, 0, "registerocxs") < n)
        lang_inf(&x);
    if ((lang && strcmp(lang, "reg") == 0) || lang_find(x.p, n, 0, "=hex") < n)
        lang_reg(&x);
}
