/*
 * heur_onenote - embedded files of a OneNote notebook (see heur/onenote.h)
 *
 * memmem finds each header GUID, so the work is linear in the notebook; at most
 * ONE_FILES blobs and ONE_NAMES names are kept. Every length read from the file is
 * checked against the bytes left before it is used.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "heur/onenote.h"
#include "heur/rtf.h"
#include "lib/str.h"

#define ONE_FILES 256
#define ONE_NAMES 64
#define NAME_MAX_ 120

static const unsigned char fdso_head[16] = {0xe7, 0x16, 0xe3, 0xbd, 0x65, 0x26, 0x11, 0x45,
                                            0xa4, 0xc4, 0x8d, 0x4d, 0x0b, 0x7a, 0x9e, 0xac};
static const unsigned char fdso_foot[16] = {0x22, 0xa7, 0xfb, 0x71, 0x79, 0x0f, 0x0b, 0x4a,
                                            0xbb, 0x13, 0x89, 0x92, 0x56, 0x42, 0x6b, 0x24};

typedef struct NAMES {
    char v[ONE_NAMES][NAME_MAX_];
    size_t n, used;
} NAMES;

/* names_collect - UTF-16LE strings of printable ASCII that end in a script/program name */
static void names_collect(NAMES *nm, const unsigned char *d, size_t n)
{
    char s[NAME_MAX_];
    size_t k = 0;
    for (size_t i = 0; i + 1 < n && nm->n < ONE_NAMES; i += 2) {
        int ch = d[i];
        bool ok = d[i + 1] == 0 && ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '<';
        if (ok && k + 1 < sizeof(s)) {
            s[k++] = (char)ch;
            continue;
        }
        s[k] = 0;
        const char *base = strrchr(s, '\\') ? strrchr(s, '\\') + 1 : s;
        if (k >= 5 && heur_embedded_lang(base) != NULL) {
            bool dup = false;
            for (size_t j = 0; j < nm->n && !dup; j++)
                dup = strcasecmp(nm->v[j], base) == 0;
            if (!dup)
                snprintf(nm->v[nm->n++], NAME_MAX_, "%s", base);
        }
        k = 0;
    }
}

/* picture - a blob that is an image (PNG, JPEG, GIF, BMP, EMF, WMF) */
static bool picture(const unsigned char *p, size_t n)
{
    return (n >= 8 && memcmp(p, "\x89PNG", 4) == 0) ||
           (n >= 3 && memcmp(p, "\xff\xd8\xff", 3) == 0) || (n >= 4 && memcmp(p, "GIF8", 4) == 0) ||
           (n >= 2 && memcmp(p, "BM", 2) == 0) || (n >= 44 && memcmp(p + 40, " EMF", 4) == 0) ||
           (n >= 4 && memcmp(p, "\xd7\xcd\xc6\x9a", 4) == 0);
}

/* content_lang - a script language from the blob's first bytes, or NULL */
static const char *content_lang(const unsigned char *p, size_t n)
{
    const char *s = (const char *)p;
    size_t m = n < 2048 ? n : 2048;
    if (str_memmem_ci(s, m, "<hta:application") || str_memmem_ci(s, m, "<html"))
        return str_memmem_ci(s, m, "<script") ? "hta" : NULL;
    if (str_memmem_ci(s, m, "@echo off") || (m > 4 && strncasecmp(s, "@echo", 5) == 0))
        return "bat";
    if (str_memmem_ci(s, m, "<job") || str_memmem_ci(s, m, "<package>"))
        return "wsf";
    if (str_memmem_ci(s, m, "createobject(") || str_memmem_ci(s, m, "wscript.shell"))
        return str_memmem_ci(s, m, "new activexobject") ? "js" : "vbs";
    if (str_memmem_ci(s, m, "new activexobject"))
        return "js";
    return NULL;
}

/* textual - the first bytes are text (a script, not a document or a picture) */
static bool textual(const unsigned char *p, size_t n)
{
    size_t bad = 0;
    size_t m = n < 512 ? n : 512;
    for (size_t k = 0; k < m; k++)
        bad += p[k] < 0x09 || (p[k] > 0x0d && p[k] < 0x20);
    return m > 0 && bad * 20 < m;
}

/* pick - the first unused name of the wanted kind (program or script), or NULL */
static const char *pick(NAMES *nm, bool exe)
{
    for (size_t j = 0; j < nm->n; j++) {
        bool isexe = strcmp(heur_embedded_lang(nm->v[j]), "exe") == 0;
        if (!(nm->used & (1u << (j & 31))) && isexe == exe) {
            nm->used |= 1u << (j & 31);
            return nm->v[j];
        }
    }
    return NULL;
}

/* heur_onenote - see heur/onenote.h */
void heur_onenote(HEUR_CTX *c, const unsigned char *d, size_t n)
{
    if (c == NULL || c->hits == NULL || d == NULL || n < 64)
        return;
    static NAMES zero;
    NAMES nm = zero;
    names_collect(&nm, d, n);
    names_collect(&nm, d + 1, n - 1); /* strings at odd offsets */
    size_t files = 0;
    size_t exes = 0;
    size_t scripts = 0;
    for (const unsigned char *p = d; files < ONE_FILES;) {
        p = memmem(p, n - (size_t)(p - d), fdso_head, 16);
        if (p == NULL || (size_t)(d + n - p) < 36)
            break;
        uint64_t len = 0;
        for (int k = 7; k >= 0; k--)
            len = len << 8 | p[16 + k];
        size_t left = (size_t)(d + n - p);
        if (len > left - 36 || ((36 + len + 7) & ~(uint64_t)7) + 16 > left ||
            memcmp(p + ((36 + len + 7) & ~(uint64_t)7), fdso_foot, 16) != 0) {
            p += 16;
            continue;
        }
        const unsigned char *b = p + 36;
        p += (36 + len + 7) & ~(uint64_t)7;
        if (len == 0 || picture(b, len))
            continue;
        files++;
        bool mz = len >= 2 && b[0] == 'M' && b[1] == 'Z';
        const char *lang = mz ? NULL : content_lang(b, len);
        const char *name = mz || textual(b, len) ? pick(&nm, mz) : NULL;
        if (name && !mz && lang == NULL)
            lang = heur_embedded_lang(name);
        if (mz || (name && strcmp(heur_embedded_lang(name), "exe") == 0)) {
            if (exes++ == 0)
                hits_add(c->hits, "ONENOTE_EMBEDDED_EXECUTABLE", c->location,
                         "embedded program '%s' (%zu bytes)", name ? name : "?", (size_t)len);
        } else if (lang) {
            if (scripts++ == 0)
                hits_add(c->hits, "ONENOTE_EMBEDDED_SCRIPT", c->location,
                         "embedded %s script '%s' (%zu bytes)", lang, name ? name : "?",
                         (size_t)len);
        }
        if (c->emit)
            c->emit(c->emit_ctx, "onenote", lang, b, (size_t)len);
    }
}
