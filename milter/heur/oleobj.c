/*
 * heur_oleobj - Equation Editor native data and Windows Installer streams (see oleobj.h)
 *
 * MTEF (Design Science's MathType/Equation Editor format): a 5-byte header (version,
 * platform, product, product version, subversion) then records; in version 3 a record's
 * tag byte holds its type in the low nibble and option flags in the high one. Types 1
 * (LINE) and 10..14 (size changes) carry no data when their options are 0; type 8 (FONT)
 * is tag, typeface, style and a NUL-terminated name.
 */
#include <string.h>

#include "heur/oleobj.h"

#define EQ_LEAD_RECORDS 8  /* tag-only records stepped over before a FONT record */
#define FONT_NAME_MAX   32 /* LF_FACESIZE: a font name with its NUL */

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* font_name - why the FONT name at p (n bytes left) is none, or NULL */
static const char *font_name(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n && i < FONT_NAME_MAX; i++) {
        if (p[i] == 0)
            return NULL;
        if (p[i] < 0x20 || p[i] >= 0x7f)
            return "a FONT record whose name holds control or non-ASCII bytes (code)";
    }
    return n < FONT_NAME_MAX ? NULL
                             : "a FONT record whose name overflows the editor's buffer "
                               "(32+ bytes without NUL)";
}

/* heur_equation_exploit - see heur/oleobj.h */
const char *heur_equation_exploit(const unsigned char *d, size_t n, bool ole10)
{
    if (d == NULL)
        return NULL;
    size_t at = 4;
    if (!ole10) {
        if (n < 2)
            return NULL;
        at = (size_t)(d[0] | d[1] << 8); /* EQNOLEFILEHDR.cbHdr, 28 when Word writes it */
        if (at < 8 || at > 64)
            return "an EQNOLEFILEHDR with an impossible length";
    }
    if (n < at + 5)
        return n <= at ? NULL : "truncated MTEF header";
    const unsigned char *m = d + at;
    size_t mn = n - at;
    if (m[0] < 2 || m[0] > 5 || m[1] > 1 || m[2] > 1)
        return "no MTEF header (not an equation the editor writes)";
    if (m[0] != 3)
        return NULL; /* the records below are version 3, Equation Editor 3.x's */
    size_t p = 5;
    for (int k = 0; k < EQ_LEAD_RECORDS && p < mn; k++, p++)
        if (!(m[p] == 0x01 || (m[p] >= 0x0a && m[p] <= 0x0e)))
            break;
    if (p + 3 > mn || m[p] != 0x08)
        return NULL;
    return font_name(m + p + 3, mn - p - 3);
}

/* heur_equation_native - see heur/oleobj.h */
void heur_equation_native(HEUR_CTX *c, const unsigned char *d, size_t n, bool ole10)
{
    if (c == NULL || c->hits == NULL)
        return;
    const char *why = heur_equation_exploit(d, n, ole10);
    if (why)
        hits_add(c->hits, "OLE_EQUATION_EXPLOIT", c->location,
                 "Equation Editor data in %s: %s (CVE-2017-11882/CVE-2018-0802)",
                 ole10 ? "Ole10Native" : "Equation Native", why);
}

/* heur_msi_name - see heur/oleobj.h */
size_t heur_msi_name(const uint16_t *w, size_t nw, char *out, size_t outsz)
{
    static const char set[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
    size_t k = 0;
    if (out == NULL || outsz == 0)
        return 0;
    for (size_t i = 0; w && i < nw && k + 1 < outsz; i++) {
        uint16_t ch = w[i];
        if (ch >= 0x3800 && ch < 0x4800) {
            out[k++] = set[(ch - 0x3800) & 0x3f];
            if (k + 1 < outsz)
                out[k++] = set[((ch - 0x3800) >> 6) & 0x3f];
        } else if (ch >= 0x4800 && ch < 0x4840) {
            out[k++] = set[ch - 0x4800];
        } else if (ch == 0x4840) {
            out[k++] = '!';
        } else {
            out[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
        }
    }
    out[k] = 0;
    return k;
}

/* pe_program - a PE image that is a program, not a DLL */
static bool pe_program(const unsigned char *d, size_t n)
{
    if (n < 0x40 || d[0] != 'M' || d[1] != 'Z')
        return false;
    uint32_t pe = le32(d + 0x3c);
    if (pe > n || n - pe < 24 || memcmp(d + pe, "PE\0\0", 4) != 0)
        return false;
    unsigned flags = d[pe + 22] | d[pe + 23] << 8; /* COFF Characteristics */
    return (flags & 0x0002) && !(flags & 0x2000);  /* EXECUTABLE_IMAGE, not FILE_DLL */
}

/* heur_msi_stream - see heur/oleobj.h */
void heur_msi_stream(HEUR_CTX *c, const char *name, const unsigned char *d, size_t n)
{
    if (c == NULL || c->hits == NULL || name == NULL || d == NULL)
        return;
    if (strncmp(name, "Binary.", 7) == 0 && pe_program(d, n))
        hits_add(c->hits, "MSI_BINARY_EXE", c->location,
                 "Windows Installer Binary stream '%s' is a program (%zu bytes)", name + 7, n);
}
