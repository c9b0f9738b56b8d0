/*
 * heur_rtf - RTF embedded objects and Equation Editor carriers (see heur/rtf.h)
 *
 * Why our own parser: libclamav's RTF parser drops the OLE1 class name and Package file
 * name, and control words sprinkled into the OLE1 header or a \bin defeat it (formats.md
 * §6), which is what real CVE-2017-11882 carriers do. One pass over the RTF: a \objdata
 * destination is decoded (at most RTF_OBJ_MAX bytes each, RTF_OBJECTS objects) until the
 * group that opened it closes; nesting is counted, never recursed. Everything read from
 * the decoded object is bounds-checked against its length.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "heur/rtf.h"
#include "lib/buf.h"
#include "lib/str.h"

#define RTF_OBJ_MAX (16u << 20) /* decoded bytes of one object */
#define RTF_OBJECTS 64          /* objects looked at per document */
#define CLASS_MAX   64
#define LE32(p)     ((p)[0] | (uint32_t)(p)[1] << 8 | (uint32_t)(p)[2] << 16 | (uint32_t)(p)[3] << 24)

typedef struct OBJ {
    BUF *data;
    bool junk; /* control words, groups or non-hex bytes inside the hex */
} OBJ;

/* hexval - a hex digit's value, or -1 */
static int hexval(int c)
{
    return c >= '0' && c <= '9'                 ? c - '0'
           : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10
                                                : -1;
}

/* ctrl_word - length of the control word at s[i] ('\\' then letters, an optional signed
 * number and one space); *param gets the number (or -1) */
static size_t ctrl_word(const unsigned char *s, size_t n, size_t i, long *param)
{
    size_t j = i + 1;
    *param = -1;
    if (j >= n)
        return 1;
    if (!((s[j] | 32) >= 'a' && (s[j] | 32) <= 'z'))
        return 2; /* a control symbol: \* \' \{ ... */
    while (j < n && (s[j] | 32) >= 'a' && (s[j] | 32) <= 'z')
        j++;
    if (j < n && (s[j] == '-' || (s[j] >= '0' && s[j] <= '9'))) {
        long v = 0;
        j += s[j] == '-';
        for (; j < n && s[j] >= '0' && s[j] <= '9'; j++) /* all digits belong to the word */
            v = v < 100000000 ? v * 10 + (s[j] - '0') : v;
        *param = v;
    }
    return j - i + (j < n && s[j] == ' ');
}

/* objdata - decode the hex from s[i] to the end of the group at depth; returns the end */
static size_t objdata(const unsigned char *s, size_t n, size_t i, OBJ *o)
{
    int depth = 0;
    int hi = -1;
    for (; i < n && o->data->len < RTF_OBJ_MAX; i++) {
        int c = s[i];
        int v = hexval(c);
        if (v >= 0) {
            if (hi < 0)
                hi = v;
            else {
                buf_putc(o->data, hi << 4 | v);
                hi = -1;
            }
        } else if (c == '{') { /* a nested group: its hex counts too, as for rtfobj */
            depth++;
            o->junk = true;
        } else if (c == '}') {
            if (depth-- == 0)
                return i;
        } else if (c == '\\') {
            long param;
            size_t len = ctrl_word(s, n, i, &param);
            if (len > 4 && memcmp(s + i, "\\bin", 4) == 0 && param > 0) { /* raw bytes */
                size_t take = (size_t)param < n - i - len ? (size_t)param : n - i - len;
                buf_cat(o->data, s + i + len, take);
                i += take;
            }
            o->junk = true;
            i += len - 1;
        } else if (c != ' ' && c != '\r' && c != '\n' && c != '\t') {
            o->junk = true; /* rtfobj ignores any other byte too */
        }
    }
    return i;
}

/* heur_embedded_lang - see heur/rtf.h */
const char *heur_embedded_lang(const char *name)
{
    static const char *const map[][2] = {
        {".js", "js"},   {".jse", "jse"}, {".vbs", "vbs"}, {".vbe", "vbe"}, {".wsf", "wsf"},
        {".hta", "hta"}, {".bat", "bat"}, {".cmd", "bat"}, {".ps1", "ps1"}, {".exe", "exe"},
        {".scr", "exe"}, {".dll", "exe"}, {".com", "exe"}, {".pif", "exe"}, {".lnk", "exe"},
        {".msi", "exe"}, {".cpl", "exe"}, {".jar", "exe"}, {".sct", "exe"}, {".vbscript", "vbs"}};
    for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
        if (str_iends(name, map[k][0]))
            return map[k][1];
    return NULL;
}

/* cstr - a NUL-terminated string at d[*at] (at most max bytes) into out; false if none */
static bool cstr(const unsigned char *d, size_t n, size_t *at, char *out, size_t max)
{
    size_t i = *at;
    size_t k = 0;
    while (i < n && d[i] && k + 1 < max)
        out[k++] = (char)d[i++];
    out[k] = 0;
    if (i >= n || d[i])
        return false;
    *at = i + 1;
    return true;
}

/* package - an OLE10Native Package: label, path, temp path, then the file's bytes */
static void package(HEUR_CTX *c, const unsigned char *d, size_t n)
{
    char label[256], path[260], tmp[260];
    size_t at = 2 + (n > 4 && LE32(d) == n - 4 ? 4 : 0); /* optional size, then u16 0x0002 */
    if (n < at + 8 || !cstr(d, n, &at, label, sizeof(label)) ||
        !cstr(d, n, &at, path, sizeof(path)) || n - at < 8)
        return;
    at += 4; /* 0x00030000 */
    size_t tl = LE32(d + at);
    at += 4;
    if (tl > n - at || !cstr(d, at + tl, &at, tmp, sizeof(tmp)) || n - at < 4)
        return;
    size_t dl = LE32(d + at);
    at += 4;
    dl = dl < n - at ? dl : n - at;
    const char *lang = heur_embedded_lang(label[0] ? label : tmp);
    hits_add(c->hits, "RTF_PACKAGE", c->location, "OLE Package '%.80s' (%zu bytes)", label, dl);
    if (lang)
        hits_add(c->hits, "OLE_PACKAGE_EXECUTABLE", c->location, "Package holds '%.80s' (%s)",
                 label, lang);
    if (c->emit && dl)
        c->emit(c->emit_ctx, "package", lang && strcmp(lang, "exe") ? lang : NULL, d + at, dl);
}

/* header_at - offset of an OLE1 header: FormatID 1 or 2, then a class name of 1..CLASS_MAX
 * printable bytes ending in NUL; real carriers put junk before it (bytes 0..3, OLEVersion,
 * are not checked); 0 when none is found in the first bytes */
static size_t header_at(const unsigned char *d, size_t n)
{
    for (size_t off = 0; off + 12 < n && off < 1024; off++) {
        size_t cl = LE32(d + off + 8);
        size_t k = 0;
        if ((LE32(d + off + 4) != 1 && LE32(d + off + 4) != 2) || cl < 2 || cl > CLASS_MAX ||
            cl > n - off - 12 || d[off + 12 + cl - 1] != 0)
            continue;
        while (k + 1 < cl && d[off + 12 + k] >= 0x20 && d[off + 12 + k] < 0x7f)
            k++;
        if (k + 1 == cl)
            return off;
    }
    return 0;
}

/* ole1 - read one decoded object as OLE1: class name, then its native data */
static void ole1(HEUR_CTX *c, const OBJ *o, bool update, unsigned *eq)
{
    const unsigned char *d = (const unsigned char *)o->data->data;
    size_t n = o->data->len;
    size_t cl;
    size_t base = header_at(d, n);
    size_t at = base + 8;
    char cls[CLASS_MAX + 1] = "";
    d += base;
    n -= base;
    at -= base;
    if (n >= 12 && (cl = LE32(d + 8)) > 0 && cl <= CLASS_MAX && cl <= n - 12) {
        memcpy(cls, d + 12, cl);
        cls[cl] = 0;
        at = 12 + cl;
    }
    for (int k = 0; k < 2 && n - at >= 4 && cls[0]; k++) /* topic, item */
        at += 4 + (LE32(d + at) <= n - at - 4 ? LE32(d + at) : n - at - 4);
    size_t nat = n - at >= 4 ? LE32(d + at) : 0;
    at += n - at >= 4 ? 4 : 0;
    nat = nat < n - at ? nat : n - at;
    hits_add(c->hits, "RTF_OBJECT", c->location, "embedded object class '%s'%s, %zu bytes",
             cls[0] ? cls : "?", o->junk || base ? ", obfuscated" : "", n);
    if (!cls[0] && str_memmem_ci((const char *)d, n < 1024 ? n : 1024, "equation"))
        snprintf(cls, sizeof(cls), "Equation (in a damaged header)");
    bool equation = strncasecmp(cls, "equation", 8) == 0 ||
                    (nat && memmem(d + at, nat, "E\0q\0u\0a\0t\0i\0o\0n\0 \0N\0a\0t\0i\0v\0e", 29));
    if (equation && c->emit && nat >= 512 && memcmp(d + at, "\xd0\xcf\x11\xe0", 4) == 0)
        c->emit(c->emit_ctx, "oleobject", NULL, d + at, nat); /* its Equation Native data */
    if (equation && (*eq)++ == 0) {
        hits_add(c->hits, "RTF_EQUATION_OBJECT", c->location,
                 "Equation Editor object '%s' (CVE-2017-11882/CVE-2018-0802 carrier)", cls);
        if (update || o->junk || base)
            hits_add(c->hits, "RTF_EXPLOIT_CARRIER", c->location, "Equation object%s%s",
                     update ? " loaded on open (\\objupdate)" : "",
                     o->junk || base ? " in obfuscated hex" : "");
    }
    if (strcasecmp(cls, "package") == 0 && nat)
        package(c, d + at, nat);
}

/* heur_rtf - see heur/rtf.h */
void heur_rtf(HEUR_CTX *c, const unsigned char *s, size_t n)
{
    if (c == NULL || c->hits == NULL || s == NULL)
        return;
    unsigned objects = 0;
    unsigned eq = 0;
    bool update = false;
    bool junk = false;
    for (size_t i = 0; i < n && objects < RTF_OBJECTS; i++) {
        if (s[i] != '\\')
            continue;
        long param;
        size_t len = ctrl_word(s, n, i, &param);
        if (len >= 10 && memcmp(s + i, "\\objupdate", 10) == 0 && !update) {
            update = true;
            hits_add(c->hits, "RTF_OBJUPDATE", c->location,
                     "\\objupdate: an embedded object is loaded when the document opens");
        }
        if (len >= 8 && memcmp(s + i, "\\objdata", 8) == 0) {
            OBJ o = {buf_new(4096), false};
            i = objdata(s, n, i + len, &o);
            if (o.data->len >= 12) {
                objects++;
                ole1(c, &o, update, &eq);
                junk |= o.junk;
            }
            buf_free(o.data);
            continue;
        }
        i += len - 1;
    }
    if (junk)
        hits_add(c->hits, "RTF_OBJDATA_OBFUSCATED", c->location,
                 "control words, groups or junk bytes inside \\objdata hex");
}

/* heur_ole_equation - see heur/rtf.h */
void heur_ole_equation(HEUR_CTX *c, const unsigned char *d, size_t n)
{
    static const unsigned char clsid[16] = {0x02, 0xce, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
                                            0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
    if (c == NULL || c->hits == NULL || d == NULL || n < 512 ||
        memcmp(d, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) != 0)
        return;
    bool stream = memmem(d, n, "E\0q\0u\0a\0t\0i\0o\0n\0 \0N\0a\0t\0i\0v\0e", 29) != NULL;
    if (stream || memmem(d, n, clsid, sizeof(clsid)))
        hits_add(c->hits, "OLE_EQUATION_OBJECT", c->location,
                 "Equation Editor object (%s; CVE-2017-11882/CVE-2018-0802 carrier)",
                 stream ? "Equation Native stream" : "Equation 3.0 CLSID");
}
